/**
 * 95th-percentile ("burstable") billing, the way transit providers and CDNs commonly charge for bandwidth. The
 * provider samples the traffic rate on the port every five minutes for the month (8,640 samples in 30 days),
 * sorts the samples, discards the highest 5% and bills the highest rate that remains, times a price per Mbps per
 * month. The customer may therefore burst freely for up to 5% of the month, about 36 hours, without paying for it.
 *
 * Rounding: for n samples the billed sample is the one at index ⌈0.95·n⌉ − 1 of the ascending order, the
 * nearest-rank percentile. That is the same as discarding ⌊0.05·n⌋ samples from the top and billing the largest
 * left, which is the rule most contracts state; with n = 8,640 exactly 432 samples are discarded. Contracts
 * differ in the details this model fixes: in or out direction (or the larger of the two; here one series),
 * the sampling interval (five minutes here, as is standard), and what a missing sample counts as (none here).
 * The index is computed in integers so that 0.95·n never rounds the wrong way in floating point.
 */

import { Random } from "../sim/random";

/** The index in ascending order of the billed sample among `count` samples: ⌈percentile·count/100⌉ − 1. */
export function percentileIndex(count: number, percentile = 95): number {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(percentile) || percentile < 1 || percentile > 100) {
    throw new Error(
      `percentile must be an integer in 1..100, got ${percentile}`,
    );
  }
  return Math.ceil((percentile * count) / 100) - 1;
}

/** The billable rate: the sample at `percentileIndex` of the ascending order. The input is left as it was. */
export function billableRateMbps(
  samplesMbps: readonly number[],
  percentile = 95,
): number {
  samplesMbps.forEach((sample, i) => {
    if (!Number.isFinite(sample) || sample < 0)
      throw new Error(`samplesMbps[${i}] must be ≥ 0, got ${sample}`);
  });
  const sorted = [...samplesMbps].sort((a, b) => a - b);
  return sorted[percentileIndex(sorted.length, percentile)]!;
}

/** The terms of a bandwidth contract. */
export interface BillingTerms {
  /** Price per Mbps of billable rate for the month. Example: 0.5 (a large CDN's transit), 5 (a small buyer). */
  pricePerMbps: number;
  /** Minutes between samples. Example: 5. */
  sampleIntervalMinutes?: number;
  /** The billed percentile. Example: 95. */
  percentile?: number;
}

/** A month's bill and what it amounts to per gigabyte actually sent. */
export interface Bill {
  billableMbps: number;
  /** Samples above the billed one that cost nothing. */
  discardedSamples: number;
  cost: number;
  /** Volume sent over the month in decimal gigabytes (10^9 bytes), from the samples. */
  transferredGb: number;
  /** cost / transferredGb: the price per GB this bill works out to (Infinity when nothing was sent). */
  costPerGb: number;
  /** The rate averaged over all samples; billableMbps / meanMbps is what the traffic's shape costs. */
  meanMbps: number;
}

/** Decimal gigabytes sent at these rates, each held for one sampling interval. */
export function transferredGigabytes(
  samplesMbps: readonly number[],
  sampleIntervalMinutes = 5,
): number {
  const megabits =
    samplesMbps.reduce((sum, mbps) => sum + mbps, 0) *
    sampleIntervalMinutes *
    60;
  return megabits / 8 / 1000;
}

/** Bill a month of samples under `terms`. */
export function percentileBill(
  samplesMbps: readonly number[],
  terms: BillingTerms,
): Bill {
  const { pricePerMbps, sampleIntervalMinutes = 5, percentile = 95 } = terms;
  if (!Number.isFinite(pricePerMbps) || pricePerMbps < 0)
    throw new Error(`pricePerMbps must be ≥ 0, got ${pricePerMbps}`);
  if (!(sampleIntervalMinutes > 0))
    throw new Error(
      `sampleIntervalMinutes must be > 0, got ${sampleIntervalMinutes}`,
    );
  const billableMbps = billableRateMbps(samplesMbps, percentile);
  const cost = billableMbps * pricePerMbps;
  const transferredGb = transferredGigabytes(
    samplesMbps,
    sampleIntervalMinutes,
  );
  return {
    billableMbps,
    discardedSamples:
      samplesMbps.length - 1 - percentileIndex(samplesMbps.length, percentile),
    cost,
    transferredGb,
    costPerGb: transferredGb > 0 ? cost / transferredGb : Infinity,
    meanMbps:
      samplesMbps.reduce((sum, mbps) => sum + mbps, 0) / samplesMbps.length,
  };
}

/** A burst added on top of the daily pattern: `durationSamples` consecutive samples gain `extraMbps`. */
export interface TrafficBurst {
  startSample: number;
  durationSamples: number;
  extraMbps: number;
}

/** The shape of a month of traffic. */
export interface TrafficSeriesOptions {
  seed: number | string;
  /** Days sampled. Example: 30. */
  days?: number;
  /** Minutes between samples. Example: 5. */
  sampleIntervalMinutes?: number;
  /** The rate at the daily trough. Example: 200. */
  troughMbps: number;
  /** The rate at the daily peak, before noise and bursts. Example: 1000. */
  peakMbps: number;
  /** Hour of the day (0–24) at which traffic peaks; evenings for consumer traffic. Example: 21. */
  peakHour?: number;
  /** Standard deviation of multiplicative noise per sample, as a fraction of the rate. Example: 0.05. */
  noiseFraction?: number;
  /** Bursts placed at random: how many, how long each and how high. Example: { count: 3, ... }. */
  randomBursts?: { count: number; durationSamples: number; extraMbps: number };
  /** Bursts placed by hand, after the random ones. */
  bursts?: readonly TrafficBurst[];
}

/** A seeded month of samples with the bursts that were placed (random ones first, in order). */
export interface TrafficSeries {
  samplesMbps: number[];
  sampleIntervalMinutes: number;
  bursts: TrafficBurst[];
}

/**
 * A seeded traffic series: a daily cosine between trough and peak, peaking at `peakHour`, times (1 + noise), plus
 * bursts (a negative `extraMbps` is an outage). Rates are clamped at 0. The same options give the same series.
 */
export function trafficSeries(options: TrafficSeriesOptions): TrafficSeries {
  const {
    days = 30,
    sampleIntervalMinutes = 5,
    troughMbps,
    peakMbps,
    peakHour = 21,
    noiseFraction = 0,
  } = options;
  if (!(days > 0) || !(sampleIntervalMinutes > 0))
    throw new Error("days and sampleIntervalMinutes must be > 0");
  if (!(troughMbps >= 0) || !(peakMbps >= troughMbps))
    throw new Error("need 0 ≤ troughMbps ≤ peakMbps");
  const random = new Random(options.seed);
  const noise = random.fork("noise");
  const placement = random.fork("bursts");
  const count = Math.round((days * 24 * 60) / sampleIntervalMinutes);
  const samplesMbps: number[] = [];
  for (let i = 0; i < count; i++) {
    const hour = ((i * sampleIntervalMinutes) / 60) % 24;
    const phase = (2 * Math.PI * (hour - peakHour)) / 24;
    const base =
      troughMbps + ((peakMbps - troughMbps) * (1 + Math.cos(phase))) / 2;
    samplesMbps.push(Math.max(0, base * (1 + noiseFraction * noise.normal())));
  }
  const bursts: TrafficBurst[] = [];
  if (options.randomBursts) {
    const {
      count: burstCount,
      durationSamples,
      extraMbps,
    } = options.randomBursts;
    for (let b = 0; b < burstCount; b++) {
      const startSample = placement.int(
        0,
        Math.max(0, count - durationSamples),
      );
      bursts.push({ startSample, durationSamples, extraMbps });
    }
  }
  bursts.push(...(options.bursts ?? []));
  for (const burst of bursts) {
    const end = Math.min(count, burst.startSample + burst.durationSamples);
    for (let i = Math.max(0, burst.startSample); i < end; i++)
      samplesMbps[i] = Math.max(0, samplesMbps[i]! + burst.extraMbps);
  }
  return { samplesMbps, sampleIntervalMinutes, bursts };
}
