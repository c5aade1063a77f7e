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

/*
 * Every error a cell can reach here starts with the function the reader called and names the argument as the
 * reader wrote it (`samplesMbps`, `terms.pricePerMbps`), so a mistake made in a chapter cell reads as one.
 */

/** A value as an error message shows it: strings quoted, arrays and objects by kind, numbers as they are. */
const shown = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? `an array of ${value.length}`
      : value !== null && typeof value === "object"
        ? "an object"
        : String(value);

/** `samplesMbps` must be a non-empty array of finite rates ≥ 0; `fn` is the function the reader called. */
function checkSamples(
  fn: string,
  samplesMbps: unknown,
): asserts samplesMbps is readonly number[] {
  if (!Array.isArray(samplesMbps)) {
    throw new Error(
      `${fn}: samplesMbps must be an array of rates in Mbps (a trafficSeries result's .samplesMbps), got ${shown(samplesMbps)}`,
    );
  }
  if (samplesMbps.length === 0) {
    throw new Error(
      `${fn}: samplesMbps is empty; the billed percentile needs at least one sample (a 30-day month of 5-minute samples has 8,640)`,
    );
  }
  samplesMbps.forEach((sample: unknown, i) => {
    if (typeof sample !== "number" || !Number.isFinite(sample) || sample < 0)
      throw new Error(
        `${fn}: samplesMbps[${i}] must be a rate ≥ 0 in Mbps, got ${shown(sample)}`,
      );
  });
}

/** The billed percentile must be a whole number from 1 to 100; `name` is the argument as the reader wrote it. */
function checkPercentile(fn: string, name: string, percentile: unknown): void {
  if (
    typeof percentile !== "number" ||
    !Number.isInteger(percentile) ||
    percentile < 1 ||
    percentile > 100
  ) {
    throw new Error(
      `${fn}: ${name} must be a whole number from 1 to 100 (95 bills the 95th percentile), got ${shown(percentile)}`,
    );
  }
}

/** The index in ascending order of the billed sample among `count` samples: ⌈percentile·count/100⌉ − 1. */
export function percentileIndex(count: number, percentile = 95): number {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(
      `percentileIndex: count, the number of samples, must be a whole number ≥ 1, got ${shown(count)}`,
    );
  checkPercentile("percentileIndex", "percentile", percentile);
  return Math.ceil((percentile * count) / 100) - 1;
}

/** The billable rate: the sample at `percentileIndex` of the ascending order. The input is left as it was. */
export function billableRateMbps(
  samplesMbps: readonly number[],
  percentile = 95,
): number {
  checkSamples("billableRateMbps", samplesMbps);
  checkPercentile("billableRateMbps", "percentile", percentile);
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
  const fn = "percentileBill";
  checkSamples(fn, samplesMbps);
  if (terms === null || typeof terms !== "object")
    throw new Error(
      `${fn}: terms must be an object such as { pricePerMbps: 2 }, got ${shown(terms)}`,
    );
  const { pricePerMbps, sampleIntervalMinutes = 5, percentile = 95 } = terms;
  if (
    typeof pricePerMbps !== "number" ||
    !Number.isFinite(pricePerMbps) ||
    pricePerMbps < 0
  )
    throw new Error(
      `${fn}: terms.pricePerMbps, the price per Mbps of billed rate for the month, must be a number ≥ 0, got ${shown(pricePerMbps)}`,
    );
  if (
    typeof sampleIntervalMinutes !== "number" ||
    !(sampleIntervalMinutes > 0) ||
    !Number.isFinite(sampleIntervalMinutes)
  )
    throw new Error(
      `${fn}: terms.sampleIntervalMinutes, the minutes between samples, must be > 0, got ${shown(sampleIntervalMinutes)}`,
    );
  checkPercentile(fn, "terms.percentile", percentile);
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
  const fn = "trafficSeries";
  const positive = (name: string, value: unknown) => {
    if (typeof value !== "number" || !Number.isFinite(value) || !(value > 0))
      throw new Error(
        `${fn}: ${name} must be a number > 0, got ${shown(value)}`,
      );
  };
  positive("days", days);
  positive("sampleIntervalMinutes", sampleIntervalMinutes);
  if (
    typeof troughMbps !== "number" ||
    !Number.isFinite(troughMbps) ||
    troughMbps < 0
  )
    throw new Error(
      `${fn}: troughMbps must be a rate ≥ 0 in Mbps, got ${shown(troughMbps)}`,
    );
  if (
    typeof peakMbps !== "number" ||
    !Number.isFinite(peakMbps) ||
    peakMbps < troughMbps
  )
    throw new Error(
      `${fn}: peakMbps must be at least troughMbps (${troughMbps}), got ${shown(peakMbps)}`,
    );
  if (typeof peakHour !== "number" || !Number.isFinite(peakHour))
    throw new Error(
      `${fn}: peakHour must be an hour of the day, 0 to 24, got ${shown(peakHour)}`,
    );
  if (
    typeof noiseFraction !== "number" ||
    !Number.isFinite(noiseFraction) ||
    noiseFraction < 0
  )
    throw new Error(
      `${fn}: noiseFraction must be a number ≥ 0 (0.05 is 5% noise), got ${shown(noiseFraction)}`,
    );
  const wholeAtLeast = (name: string, value: unknown, least: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < least)
      throw new Error(
        `${fn}: ${name} must be a whole number ≥ ${least}, got ${shown(value)}`,
      );
  };
  const finite = (name: string, value: unknown) => {
    if (typeof value !== "number" || !Number.isFinite(value))
      throw new Error(
        `${fn}: ${name} must be a number in Mbps (negative for an outage), got ${shown(value)}`,
      );
  };
  if (options.randomBursts !== undefined) {
    wholeAtLeast("randomBursts.count", options.randomBursts.count, 0);
    wholeAtLeast(
      "randomBursts.durationSamples",
      options.randomBursts.durationSamples,
      1,
    );
    finite("randomBursts.extraMbps", options.randomBursts.extraMbps);
  }
  (options.bursts ?? []).forEach((burst, i) => {
    wholeAtLeast(`bursts[${i}].startSample`, burst.startSample, 0);
    wholeAtLeast(`bursts[${i}].durationSamples`, burst.durationSamples, 1);
    finite(`bursts[${i}].extraMbps`, burst.extraMbps);
  });
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
