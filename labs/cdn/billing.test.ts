// Method: hand examples of the nearest-rank rule (20, 10, 100 and 8,640 samples), the billed rate against an
// oracle that removes the largest sample ⌊0.05·n⌋ times and then scans for the maximum, a flat month and a daily
// month with bursts shorter and longer than 5% of the samples, and a property (fast-check) that raising any one
// sample never lowers the bill. Every refusal a cell can meet is held to its words: the function called, then the
// argument as the reader wrote it (`samplesMbps`, `terms.pricePerMbps`, `bursts[0].durationSamples`).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  billableRateMbps,
  percentileBill,
  percentileIndex,
  trafficSeries,
  transferredGigabytes,
} from "./billing";

/** Drop the top ⌊0.05·n⌋ samples one maximum at a time, then bill the largest left. No sorting. */
function billableByRemoval(samples: readonly number[]): number {
  const left = [...samples];
  for (
    let dropped = 0;
    dropped < Math.floor((5 * samples.length) / 100);
    dropped++
  ) {
    let top = 0;
    for (let i = 1; i < left.length; i++) if (left[i]! > left[top]!) top = i;
    left.splice(top, 1);
  }
  return Math.max(...left);
}

const MONTH = 30 * 24 * 12;

describe("95th-percentile billing: the nearest-rank sample, index ⌈0.95·n⌉ − 1", () => {
  it("picks by hand", () => {
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentileIndex(20)).toBe(18);
    expect(billableRateMbps(oneToTwenty)).toBe(19);
    // With ten samples 5% is half a sample: nothing is discarded and the maximum is billed.
    expect(percentileIndex(10)).toBe(9);
    expect(percentileIndex(100)).toBe(94);
    expect(percentileIndex(MONTH)).toBe(8207);
    expect(percentileIndex(1)).toBe(0);
    expect(percentileIndex(7, 50)).toBe(3);
    expect(billableRateMbps([5, 3, 9, 1], 100)).toBe(9);
  });

  it("equals discarding ⌊0.05·n⌋ samples from the top, for every n up to 20,000", () => {
    for (let n = 1; n <= 20_000; n++)
      expect(percentileIndex(n)).toBe(n - Math.floor((5 * n) / 100) - 1);
  });

  it("agrees with an oracle that removes maxima without sorting", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), {
          minLength: 1,
          maxLength: 300,
        }),
        (samples) => {
          expect(billableRateMbps(samples)).toBe(billableByRemoval(samples));
        },
      ),
      { numRuns: 500, seed: 95 },
    );
  });

  it("refuses bad input, each error naming the function called and the argument as the reader wrote it", () => {
    const refusals: [() => unknown, string][] = [
      [
        () => percentileBill([], { pricePerMbps: 2 }),
        "percentileBill: samplesMbps is empty; the billed percentile needs at least one sample",
      ],
      [() => billableRateMbps([]), "billableRateMbps: samplesMbps is empty"],
      [
        () => billableRateMbps([1, -2]),
        "billableRateMbps: samplesMbps[1] must be a rate ≥ 0 in Mbps, got -2",
      ],
      [
        () => percentileBill([1, Number.NaN], { pricePerMbps: 2 }),
        "percentileBill: samplesMbps[1] must be a rate ≥ 0 in Mbps, got NaN",
      ],
      [
        // A reader who passes the whole month rather than its samples.
        () =>
          percentileBill(
            trafficSeries({ seed: 1, troughMbps: 1, peakMbps: 2 }) as never,
            { pricePerMbps: 2 },
          ),
        "percentileBill: samplesMbps must be an array of rates in Mbps (a trafficSeries result's .samplesMbps), got an object",
      ],
      [
        () => percentileBill([1], undefined as never),
        "percentileBill: terms must be an object such as { pricePerMbps: 2 }, got undefined",
      ],
      [
        () => percentileBill([1], { pricePerMbps: -1 }),
        "percentileBill: terms.pricePerMbps, the price per Mbps of billed rate for the month, must be a number ≥ 0, got -1",
      ],
      [
        () =>
          percentileBill([1], { pricePerMbps: 1, sampleIntervalMinutes: 0 }),
        "percentileBill: terms.sampleIntervalMinutes, the minutes between samples, must be > 0, got 0",
      ],
      [
        () => percentileBill([1], { pricePerMbps: 1, percentile: 0.95 }),
        "percentileBill: terms.percentile must be a whole number from 1 to 100 (95 bills the 95th percentile), got 0.95",
      ],
      [
        () => billableRateMbps([1], 0),
        "billableRateMbps: percentile must be a whole number from 1 to 100",
      ],
      [
        () => percentileIndex(0),
        "percentileIndex: count, the number of samples, must be a whole number ≥ 1, got 0",
      ],
      [
        () => percentileIndex(10, 101),
        "percentileIndex: percentile must be a whole number from 1 to 100",
      ],
      [
        () => trafficSeries({ seed: 1, days: 0, troughMbps: 1, peakMbps: 2 }),
        "trafficSeries: days must be a number > 0, got 0",
      ],
      [
        () =>
          trafficSeries({
            seed: 1,
            sampleIntervalMinutes: -5,
            troughMbps: 1,
            peakMbps: 2,
          }),
        "trafficSeries: sampleIntervalMinutes must be a number > 0, got -5",
      ],
      [
        () => trafficSeries({ seed: 1, troughMbps: -1, peakMbps: 2 }),
        "trafficSeries: troughMbps must be a rate ≥ 0 in Mbps, got -1",
      ],
      [
        () => trafficSeries({ seed: 1, troughMbps: 200, peakMbps: 100 }),
        "trafficSeries: peakMbps must be at least troughMbps (200), got 100",
      ],
      [
        () =>
          trafficSeries({
            seed: 1,
            troughMbps: 1,
            peakMbps: 2,
            noiseFraction: -0.1,
          }),
        "trafficSeries: noiseFraction must be a number ≥ 0",
      ],
      [
        () =>
          trafficSeries({
            seed: 1,
            troughMbps: 1,
            peakMbps: 2,
            peakHour: Number.NaN,
          }),
        "trafficSeries: peakHour must be an hour of the day",
      ],
      [
        () =>
          trafficSeries({
            seed: 1,
            troughMbps: 1,
            peakMbps: 2,
            randomBursts: { count: 2.5, durationSamples: 10, extraMbps: 5 },
          }),
        "trafficSeries: randomBursts.count must be a whole number ≥ 0, got 2.5",
      ],
      [
        () =>
          trafficSeries({
            seed: 1,
            troughMbps: 1,
            peakMbps: 2,
            bursts: [{ startSample: 3, durationSamples: 0, extraMbps: 5 }],
          }),
        "trafficSeries: bursts[0].durationSamples must be a whole number ≥ 1, got 0",
      ],
      [
        () =>
          trafficSeries({
            seed: 1,
            troughMbps: 1,
            peakMbps: 2,
            bursts: [
              { startSample: 3, durationSamples: 2, extraMbps: "5" as never },
            ],
          }),
        'trafficSeries: bursts[0].extraMbps must be a number in Mbps (negative for an outage), got "5"',
      ],
    ];
    for (const [call, message] of refusals) expect(call).toThrow(message);
    // An outage is a negative burst, and a burst may start past the end: both are allowed.
    expect(() =>
      trafficSeries({
        seed: 1,
        days: 1,
        troughMbps: 1,
        peakMbps: 2,
        bursts: [
          { startSample: 3, durationSamples: 2, extraMbps: -5 },
          { startSample: 10_000, durationSamples: 2, extraMbps: 5 },
        ],
      }),
    ).not.toThrow();
  });
});

describe("a month of traffic and its bill", () => {
  it("a flat 100 Mbps month at $2 per Mbps costs $200 for 32,400 GB", () => {
    const flat = new Array<number>(MONTH).fill(100);
    const bill = percentileBill(flat, { pricePerMbps: 2 });
    expect(bill.billableMbps).toBe(100);
    expect(bill.discardedSamples).toBe(432);
    expect(bill.cost).toBe(200);
    // 100 Mbps for 2,592,000 s is 259,200,000 Mb = 32,400,000 MB = 32,400 GB.
    expect(bill.transferredGb).toBeCloseTo(32_400, 6);
    expect(bill.costPerGb).toBeCloseTo(200 / 32_400, 12);
    expect(transferredGigabytes([8], 1)).toBeCloseTo(0.06, 12);
  });

  it("a burst shorter than 5% of the month costs nothing extra; one sample longer is billed in full", () => {
    const flat = new Array<number>(MONTH).fill(100);
    const withBurst = (samples: number) =>
      flat.map((rate, i) =>
        i >= 1000 && i < 1000 + samples ? rate + 10_000 : rate,
      );
    expect(billableRateMbps(withBurst(431))).toBe(100);
    expect(billableRateMbps(withBurst(432))).toBe(100);
    expect(billableRateMbps(withBurst(433))).toBe(10_100);
  });

  it("on a daily pattern a short burst's height never reaches the bill", () => {
    const month = (extraMbps: number) =>
      trafficSeries({
        seed: "billing-daily",
        troughMbps: 200,
        peakMbps: 1000,
        noiseFraction: 0.05,
        bursts: [{ startSample: 3000, durationSamples: 400, extraMbps }],
      }).samplesMbps;
    const quiet = month(0);
    const sortedQuiet = [...quiet].sort((a, b) => a - b);
    const high = billableRateMbps(month(5_000));
    expect(billableRateMbps(month(50_000))).toBe(high);
    // The burst takes 400 of the 432 free samples, so the bill is at most the quiet month's 33rd largest sample.
    expect(high).toBeLessThanOrEqual(sortedQuiet[MONTH - 33]!);
    expect(high).toBeGreaterThanOrEqual(billableRateMbps(quiet));
    expect(high).toBeLessThan(1000 * 1.5);
  });

  it("raising any one sample never lowers the bill", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.nat(),
        fc.integer({ min: 0, max: 1000 }),
        (samples, at, raise) => {
          const raised = [...samples];
          raised[at % samples.length]! += raise;
          expect(billableRateMbps(raised)).toBeGreaterThanOrEqual(
            billableRateMbps(samples),
          );
        },
      ),
      { numRuns: 1000, seed: 5 },
    );
  });
});

describe("the seeded traffic series", () => {
  it("is the same for the same seed, and a noiseless day runs from trough to peak at the peak hour", () => {
    const options = {
      seed: 7,
      troughMbps: 200,
      peakMbps: 1000,
      noiseFraction: 0.1,
      randomBursts: { count: 3, durationSamples: 12, extraMbps: 2000 },
    };
    expect(trafficSeries(options)).toEqual(trafficSeries(options));
    expect(trafficSeries(options).bursts).toHaveLength(3);
    expect(trafficSeries({ ...options, seed: 8 }).samplesMbps).not.toEqual(
      trafficSeries(options).samplesMbps,
    );

    const calm = trafficSeries({
      seed: 1,
      troughMbps: 200,
      peakMbps: 1000,
      peakHour: 21,
    }).samplesMbps;
    expect(calm).toHaveLength(MONTH);
    expect(calm[21 * 12]).toBeCloseTo(1000, 9);
    expect(calm[9 * 12]).toBeCloseTo(200, 9);
    expect(Math.max(...calm)).toBeCloseTo(1000, 9);
    expect(Math.min(...calm)).toBeCloseTo(200, 9);
    // The daily peak sits above the 95th percentile's free time (72 minutes a day), so the bill is near the peak.
    const bill = percentileBill(calm, { pricePerMbps: 1 });
    expect(bill.billableMbps).toBeGreaterThan(950);
    expect(bill.meanMbps).toBeCloseTo(600, 6);
  });

  it("an outage is a negative burst, clamped at zero", () => {
    const series = trafficSeries({
      seed: 2,
      troughMbps: 100,
      peakMbps: 100,
      bursts: [{ startSample: 10, durationSamples: 5, extraMbps: -1000 }],
    }).samplesMbps;
    expect(series.slice(9, 16)).toEqual([100, 0, 0, 0, 0, 0, 100]);
  });
});
