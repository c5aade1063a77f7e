// Method: the solver against its equation (fast-check over random popularities and capacities: the root T gives
// an occupancy of C to 1e-9 relative) and against the closed form of the uniform case (T = -N ln(1 - C/N), hit
// ratio C/N, which is also LRU's exact hit ratio there); its edge cases (C = 0, C at or above the catalogue,
// objects never requested). Then the approximation against LRU itself: the hit ratio simulated with the real
// policy on long seeded Zipf streams (unit sizes, 200,000 requests after a warm-up of 20,000) for several
// exponents and capacities is within 0.01 of Che's value (the sampling error alone is about 0.001 to 0.002); and
// on small catalogues against the exact stationary LRU hit ratio from King's formula, enumerated in full.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cheApproximation, cheCharacteristicTime, expectedOccupancy } from './che';
import { fifo, lru, simulateCache } from './cache';
import { zipfPopularity, zipfWorkload } from './workload';

/**
 * The exact stationary hit ratio of LRU under independent requests (King 1971, "Analysis of demand paging
 * algorithms", IFIP Congress): the cache read most recent first as (i_1, ..., i_C) has stationary probability
 * prod_k p_{i_k} / (1 - p_{i_1} - ... - p_{i_{k-1}}), and a request hits with the total popularity of what is
 * cached. Enumerates every ordered C-subset, so only for tiny catalogues.
 */
function exactLruHitRatio(p: number[], capacity: number): number {
  let hitRatio = 0;
  const walk = (used: Set<number>, probability: number, cachedMass: number): void => {
    if (used.size === capacity) {
      hitRatio += probability * cachedMass;
      return;
    }
    for (let i = 0; i < p.length; i++) {
      if (used.has(i)) continue;
      used.add(i);
      walk(used, (probability * (p[i] as number)) / (1 - cachedMass), cachedMass + (p[i] as number));
      used.delete(i);
    }
  };
  walk(new Set(), 1, 0);
  return hitRatio;
}

describe('Che, Tung and Wang 2002: the characteristic time T', () => {
  it('solves sum_i (1 - e^{-p_i T}) = C', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (weights, fill) => {
          const capacity = fill * weights.length;
          const sum = weights.reduce((a, b) => a + b, 0);
          const t = cheCharacteristicTime(weights, capacity);
          expect(Number.isFinite(t) && t > 0).toBe(true);
          const occupancy = expectedOccupancy(
            weights.map((w) => w / sum),
            t,
          );
          expect(Math.abs(occupancy - capacity)).toBeLessThanOrEqual(1e-9 * capacity);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches the closed form of uniform popularity, where LRU hits exactly C / N', () => {
    for (const [n, c] of [
      [10, 1],
      [100, 37],
      [1000, 999],
    ] as const) {
      const che = cheApproximation(zipfPopularity(n, 0), c);
      expect(che.characteristicTime).toBeCloseTo(-n * Math.log(1 - c / n), 6);
      expect(che.hitRatio).toBeCloseTo(c / n, 12);
    }
    expect(exactLruHitRatio(zipfPopularity(5, 0), 2)).toBeCloseTo(2 / 5, 12);
  });

  it('gives T = 0 and hit ratio 0 for an empty cache', () => {
    expect(cheApproximation(zipfPopularity(50, 0.8), 0)).toMatchObject({ characteristicTime: 0, hitRatio: 0 });
  });

  it('gives T = Infinity and hit ratio 1 once the cache holds every requested object', () => {
    for (const c of [50, 51, 1e9]) {
      const che = cheApproximation(zipfPopularity(50, 0.8), c);
      expect(che.characteristicTime).toBe(Infinity);
      expect(che.hitRatio).toBeCloseTo(1, 12);
    }
    // Objects of popularity 0 are never requested, so they need no room.
    const withUnrequested = cheApproximation([0.5, 0, 0.5, 0], 2);
    expect(withUnrequested.characteristicTime).toBe(Infinity);
    expect(withUnrequested.hitProbabilities).toEqual([1, 0, 1, 0]);
    expect(cheCharacteristicTime([0.5, 0, 0.5, 0], 1.5)).toBeLessThan(Infinity);
  });

  it('only looks at ratios of popularity, and the hit ratio grows with the cache', () => {
    const p = zipfPopularity(200, 0.9);
    const a = cheApproximation(p, 20);
    const b = cheApproximation(
      p.map((x) => x * 7),
      20,
    );
    expect(b.characteristicTime).toBeCloseTo(a.characteristicTime, 6);
    expect(b.hitRatio).toBeCloseTo(a.hitRatio, 12);
    let previous = -1;
    for (let c = 0; c <= 200; c += 10) {
      const { hitRatio } = cheApproximation(p, c);
      expect(hitRatio).toBeGreaterThan(previous);
      previous = hitRatio;
    }
  });

  it('rejects a negative capacity and popularities that are negative or all zero', () => {
    expect(() => cheCharacteristicTime([1], -1)).toThrow(/capacity/);
    expect(() => cheCharacteristicTime([1, -1], 1)).toThrow(/popularities/);
    expect(() => cheCharacteristicTime([0, 0], 1)).toThrow(/popularity/);
  });
});

describe('Fricker, Robert and Roberts 2012: the approximation is accurate for LRU under Zipf-like popularity', () => {
  const tolerance = 0.01;
  for (const alpha of [0.6, 0.8, 1.0, 1.2]) {
    it(`alpha = ${alpha}: the simulated LRU hit ratio is within ${tolerance} of Che's for C = 10, 50, 200, 500 of 1,000`, () => {
      const { requests, popularity } = zipfWorkload({
        seed: `che-${alpha}`,
        catalogSize: 1000,
        alpha,
        requests: 220_000,
        sizes: 'unit',
      });
      for (const capacity of [10, 50, 200, 500]) {
        const simulated = simulateCache(lru, requests, capacity, { warmupRequests: 20_000 }).hitRatio;
        const approximated = cheApproximation(popularity, capacity).hitRatio;
        expect(Math.abs(simulated - approximated), `C = ${capacity}`).toBeLessThanOrEqual(tolerance);
      }
    });
  }

  it('tells LRU apart from FIFO, which the same comparison rejects', () => {
    // Under independent requests FIFO keeps fewer popular objects than LRU; at alpha = 0.8, C = 50 the gap is
    // more than three times the tolerance, so the comparison above would catch a policy that is not LRU.
    const { requests, popularity } = zipfWorkload({ seed: 'che-fifo', catalogSize: 1000, alpha: 0.8, requests: 220_000, sizes: 'unit' });
    const simulated = simulateCache(fifo, requests, 50, { warmupRequests: 20_000 }).hitRatio;
    expect(cheApproximation(popularity, 50).hitRatio - simulated).toBeGreaterThan(tolerance);
  });

  it('is close to the exact LRU hit ratio (King 1971) on small catalogues', () => {
    for (const [n, c, alpha] of [
      [6, 2, 0.8],
      [7, 3, 1.0],
      [8, 2, 1.2],
      [8, 4, 0.6],
    ] as const) {
      const p = zipfPopularity(n, alpha);
      const exact = exactLruHitRatio(p, c);
      // Tiny catalogues are the approximation's worst case (T is far from constant); the error stays below 0.02.
      expect(Math.abs(cheApproximation(p, c).hitRatio - exact), `N = ${n}, C = ${c}`).toBeLessThan(0.02);
      // The simulation agrees with the exact value within its sampling error.
      const { requests } = zipfWorkload({ seed: `king-${n}-${c}`, catalogSize: n, alpha, requests: 60_000, sizes: 'unit' });
      const simulated = simulateCache(lru, requests, c, { warmupRequests: 1_000 }).hitRatio;
      expect(Math.abs(simulated - exact), `N = ${n}, C = ${c}`).toBeLessThan(0.01);
    }
  });
});
