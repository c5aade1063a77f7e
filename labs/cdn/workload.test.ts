// Method: the Zipf-like probabilities against their definition (p_1 / p_i = i^alpha, summing to 1); the sampler's
// binary search against a linear scan of the cumulative sums (fast-check over u); empirical frequencies of a long
// seeded stream against the probabilities, each rank within 4.5 binomial standard deviations, and alpha = 0
// against the uniform distribution; object sizes' median and log-spread against the log-normal's parameters;
// a flash crowd's share of requests inside and outside its window against the rates that define it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../sim/random';
import { objectSizes, rankSampler, zipfPopularity, zipfWorkload } from './workload';

/** Counts of ranks 1..n at index rank - 1. */
function rankCounts(keys: number[], n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const k of keys) counts[k - 1] = (counts[k - 1] as number) + 1;
  return counts;
}

/** Asserts every rank's empirical frequency lies within 4.5 binomial standard deviations of its probability. */
function expectFrequenciesMatch(counts: number[], probabilities: number[]): void {
  const n = counts.reduce((a, b) => a + b, 0);
  counts.forEach((count, i) => {
    const p = probabilities[i] as number;
    const tolerance = 4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-12;
    expect(Math.abs(count / n - p), `rank ${i + 1}`).toBeLessThanOrEqual(tolerance);
  });
}

describe('Breslau et al. 1999: Zipf-like popularity, p_i proportional to 1 / i^alpha', () => {
  it('sums to 1, never increases with rank, and p_1 / p_i = i^alpha', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 2, noNaN: true }), (n, alpha) => {
        const p = zipfPopularity(n, alpha);
        expect(p).toHaveLength(n);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        expect(p.every((pi, i) => i === 0 || pi <= (p[i - 1] as number))).toBe(true);
        const i = n;
        expect((p[0] as number) / (p[i - 1] as number)).toBeCloseTo(Math.pow(i, alpha), 6);
      }),
      { numRuns: 100 },
    );
  });

  it('is uniform at alpha = 0', () => {
    for (const p of zipfPopularity(37, 0)) expect(p).toBeCloseTo(1 / 37, 15);
  });

  it('rejects an empty catalogue and a negative exponent', () => {
    expect(() => zipfPopularity(0, 1)).toThrow(/catalogSize/);
    expect(() => zipfPopularity(10, -0.5)).toThrow(/alpha/);
  });
});

describe('rankSampler: inverting the cumulative distribution', () => {
  it('picks the same rank as a linear scan of the cumulative sums', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (weights, u) => {
          fc.pre(weights.some((w) => w > 0));
          const sum = weights.reduce((a, b) => a + b, 0);
          let running = 0;
          let expected = weights.length;
          for (let i = 0; i < weights.length; i++) {
            running += weights[i] as number;
            if (running > u * sum) {
              expected = i + 1;
              break;
            }
          }
          expect(rankSampler(weights).rankAt(u)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never picks a rank of probability 0', () => {
    const sampler = rankSampler([0, 0.5, 0, 0.5, 0]);
    for (let u = 0; u < 1; u += 0.001) expect([2, 4]).toContain(sampler.rankAt(u));
  });
});

describe('empirical frequencies of a long seeded stream', () => {
  for (const alpha of [0, 0.6, 0.8, 1.2]) {
    it(`alpha = ${alpha}: 200,000 requests over 50 objects match p_i within 4.5 standard deviations`, () => {
      const { requests, popularity } = zipfWorkload({ seed: `freq-${alpha}`, catalogSize: 50, alpha, requests: 200_000, sizes: 'unit' });
      expect(requests).toHaveLength(200_000);
      const counts = rankCounts(requests.map((r) => r.key), 50);
      expectFrequenciesMatch(counts, popularity);
      if (alpha === 0) expectFrequenciesMatch(counts, new Array<number>(50).fill(1 / 50));
    });
  }

  it('is the same stream for the same seed and a different one for another seed', () => {
    const options = { catalogSize: 100, alpha: 0.8, requests: 500 };
    const a = zipfWorkload({ ...options, seed: 7 });
    expect(zipfWorkload({ ...options, seed: 7 })).toEqual(a);
    expect(zipfWorkload({ ...options, seed: 8 }).requests).not.toEqual(a.requests);
  });

  it('arrives as a Poisson process at the stated rate, in time order', () => {
    const { requests } = zipfWorkload({ seed: 3, catalogSize: 10, alpha: 1, requests: 20_000, ratePerSecond: 500 });
    expect(requests.every((r, i) => i === 0 || r.atMs >= (requests[i - 1] as { atMs: number }).atMs)).toBe(true);
    const last = (requests.at(-1) as { atMs: number }).atMs;
    // 20,000 exponential gaps of mean 2 ms: the total is 40 s with a standard deviation of 0.28 s.
    expect(Math.abs(last - 40_000)).toBeLessThan(4.5 * 2 * Math.sqrt(20_000));
  });
});

describe('object sizes: log-normal body (Barford and Crovella 1998)', () => {
  it('has the stated median and log-spread, whole bytes within the clamp', () => {
    const sizes = objectSizes(20_000, new Random('sizes'), { medianBytes: 10_000, sigma: 1.2, minBytes: 1, maxBytes: 1e12 });
    expect(sizes.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
    const logs = sizes.map(Math.log).sort((a, b) => a - b);
    const medianLog = ((logs[9_999] as number) + (logs[10_000] as number)) / 2;
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
    // The sample median of ln(size) has standard error about 1.25 * sigma / sqrt(n) = 0.011; allow 0.05.
    expect(Math.abs(medianLog - Math.log(10_000))).toBeLessThan(0.05);
    expect(Math.abs(sd - 1.2)).toBeLessThan(0.03);
    const clamped = objectSizes(1000, new Random('clamp'), { minBytes: 5_000, maxBytes: 20_000 });
    expect(Math.min(...clamped)).toBe(5_000);
    expect(Math.max(...clamped)).toBe(20_000);
  });

  it('gives each rank one size in every request, and unit sizes on request', () => {
    const { requests, sizes } = zipfWorkload({ seed: 1, catalogSize: 30, alpha: 0.7, requests: 2_000 });
    expect(requests.every((r) => r.sizeBytes === sizes[r.key - 1])).toBe(true);
    const unit = zipfWorkload({ seed: 1, catalogSize: 30, alpha: 0.7, requests: 100, sizes: 'unit' });
    expect(new Set(unit.requests.map((r) => r.sizeBytes))).toEqual(new Set([1]));
  });
});

describe('flash crowds: a burst of requests on one object', () => {
  it('adds Poisson requests for the object inside its window only', () => {
    const crowd = { rank: 40, startMs: 10_000, durationMs: 5_000, ratePerSecond: 4_000 };
    const base = { seed: 'flash', catalogSize: 50, alpha: 0.8, requests: 30_000, ratePerSecond: 1_000, sizes: 'unit' as const };
    const plain = zipfWorkload(base);
    const crowded = zipfWorkload({ ...base, flashCrowds: [crowd] });
    const extra = crowded.requests.length - plain.requests.length;
    // 4,000 per second for 5 s: 20,000 extra requests, standard deviation about 141.
    expect(Math.abs(extra - 20_000)).toBeLessThan(4.5 * Math.sqrt(20_000));
    expect(crowded.requests.every((r, i) => i === 0 || r.atMs >= (crowded.requests[i - 1] as { atMs: number }).atMs)).toBe(true);
    const inside = crowded.requests.filter((r) => r.atMs >= 10_000 && r.atMs < 15_000);
    const outside = crowded.requests.filter((r) => r.atMs < 10_000 || r.atMs >= 15_000);
    const share = (rs: { key: number }[]): number => rs.filter((r) => r.key === 40).length / rs.length;
    const p40 = plain.popularity[39] as number;
    // Inside: (4000 + 1000 p40) / 5000 of the requests; outside: p40, as without the crowd.
    expect(Math.abs(share(inside) - (4000 + 1000 * p40) / 5000)).toBeLessThan(0.02);
    expect(Math.abs(share(outside) - p40)).toBeLessThan(0.005);
    // The background is untouched: removing the object's requests in the window leaves the same stream either way.
    const backgroundOnly = crowded.requests.filter((r) => !(r.key === 40 && r.atMs >= 10_000 && r.atMs < 15_000));
    const plainWithoutWindow = plain.requests.filter((r) => !(r.key === 40 && r.atMs >= 10_000 && r.atMs < 15_000));
    expect(backgroundOnly).toEqual(plainWithoutWindow);
  });

  it('refuses a crowd on a rank outside the catalogue', () => {
    expect(() =>
      zipfWorkload({ seed: 1, catalogSize: 5, alpha: 1, requests: 10, flashCrowds: [{ rank: 6, startMs: 0, durationMs: 1, ratePerSecond: 1 }] }),
    ).toThrow(/flashCrowds\[0\]\.rank/);
  });
});
