/**
 * Exercise: the 95th-percentile ("burstable") bill for a short traffic series of 5-minute samples, shown as a
 * table. The learner sorts the samples, finds the billed one by the nearest-rank rule (index ⌈0.95·n⌉ − 1 of the
 * ascending order, the same as discarding the top ⌊0.05·n⌋ samples) and multiplies by the price per Mbps. Graded
 * by the lab's `percentileBill`; the test holds it to a brute force that discards the top samples one by one.
 * Series lengths of 30, 35, 40 and 45 make the rounding matter: one or two samples are discarded, and the
 * off-by-one answers differ from the right one.
 */
import { defineExercise, type Check } from '../../exercises/types';
import type { TableOutput } from '../../display/outputs';
import type { Random } from '../../sim/random';
import { percentileBill, percentileIndex } from '../billing';
import { money, ordinal } from './text';

export interface PercentileBillParams {
  /** The samples in time order, Mbps, all different. */
  samplesMbps: number[];
  /** Dollars per Mbps of billable rate. */
  pricePerMbps: number;
}

const COLUMNS = 5;

/** The rate and the bill the lab computes. */
export function billOf(p: PercentileBillParams): { rateMbps: number; bill: number } {
  const bill = percentileBill(p.samplesMbps, { pricePerMbps: p.pricePerMbps });
  return { rateMbps: bill.billableMbps, bill: bill.cost };
}

/** The samples as a table: one row per 25 minutes, five samples a row. */
export function samplesTable(p: PercentileBillParams): TableOutput {
  const rows: unknown[][] = [];
  for (let i = 0; i < p.samplesMbps.length; i += COLUMNS) {
    const minutes = i * 5;
    rows.push([`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`, ...p.samplesMbps.slice(i, i + COLUMNS)]);
  }
  return { kind: 'table', columns: ['from', '+0 min', '+5 min', '+10 min', '+15 min', '+20 min'], rows, caption: `${p.samplesMbps.length} five-minute samples of the port's rate, in Mbps, in time order (read each row left to right).` };
}

/**
 * A variant's samples, all different, and how they were made: a daily-looking ramp (`rampMbps`, before noise) with
 * ±25 Mbps of noise, and one burst of 2 to 4 consecutive samples (`burst`) lifted 250 to 500 Mbps above it.
 */
export function trafficSeries(rng: Random): { samplesMbps: number[]; rampMbps: number[]; burst: { fromIndex: number; count: number } } {
  const n = rng.pick([30, 35, 40, 45]);
  const base = rng.int(20, 40) * 10;
  // The burst's length is drawn once, so that its samples are consecutive.
  const count = rng.int(2, 4);
  const fromIndex = rng.int(0, n - count);
  const rampMbps = Array.from({ length: n }, (_, i) => base * (0.6 + 0.6 * Math.sin((Math.PI * i) / n)));
  const used = new Set<number>();
  const samplesMbps = rampMbps.map((ramp, i) => {
    const inBurst = i >= fromIndex && i < fromIndex + count;
    let value = Math.round(ramp + rng.int(-25, 25) + (inBurst ? rng.int(250, 500) : 0));
    while (used.has(value)) value += 1;
    used.add(value);
    return value;
  });
  return { samplesMbps, rampMbps, burst: { fromIndex, count } };
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.005;

export const percentileBillExercise = defineExercise({
  id: 'cdn/percentile-bill',
  title: 'The 95th-percentile bill',
  kind: 'structured',
  format: 'vector',
  placeholder: '[120, 360]',
  generate(rng): PercentileBillParams {
    return { samplesMbps: trafficSeries(rng).samplesMbps, pricePerMbps: rng.pick([0.5, 1, 2, 3, 4]) };
  },
  prompt: (p) => {
    const n = p.samplesMbps.length;
    return {
      text: `A transit provider bills a CDN's port by the **95th percentile**: it samples the rate every 5 minutes, sorts the samples, and bills the sample at the nearest rank, the ⌈0.95 × n⌉th smallest of the n samples, at $${p.pricePerMbps} per Mbps. Suppose the billing period had only the ${n} samples in the table. What is the billable rate in Mbps, and what is the bill in dollars? Answer with two numbers, like \`[120, 360]\`.`,
      figures: [samplesTable(p)],
    };
  },
  reference: (p) => {
    const { rateMbps, bill } = billOf(p);
    return `[${rateMbps}, ${bill}]`;
  },
  hints: (p) => [
    `With n = ${p.samplesMbps.length}, 0.95 × n = ${(0.95 * p.samplesMbps.length).toFixed(2)}; round it up to get the rank.`,
    'Counting from the top is quicker: the billed sample has ⌊0.05 × n⌋ samples above it.',
  ],
  check(p, value): Check[] {
    const { rateMbps, bill } = billOf(p);
    const n = p.samplesMbps.length;
    const sorted = [...p.samplesMbps].sort((a, b) => a - b);
    const discarded = n - 1 - percentileIndex(n);
    if (value.length !== 2) return [{ name: 'two numbers', passed: false, feedback: `Give two numbers: the billable rate in Mbps, then the bill in dollars (you gave ${value.length}).` }];
    const [rate, cost] = value as [number, number];
    const index = sorted.indexOf(rate);
    const mean = p.samplesMbps.reduce((s, x) => s + x, 0) / n;
    let rateFeedback = `Sort the ${n} samples in ascending order; the billed one is the ${ordinal(percentileIndex(n) + 1)} smallest.`;
    if (rate === sorted[n - 1]) rateFeedback = 'That is the peak sample. The 95th percentile exists so that the top 5% of samples, short bursts, cost nothing: discard them first.';
    else if (index >= 0 && index > percentileIndex(n)) rateFeedback = `You discarded too few samples: with ${n} samples, the top ${discarded} are discarded and the next one is billed.`;
    else if (index >= 0 && index < percentileIndex(n)) rateFeedback = `You discarded too many samples: with ${n} samples, ⌈0.95 × ${n}⌉ = ${percentileIndex(n) + 1}, so only the top ${discarded} are discarded.`;
    else if (Math.abs(rate - mean) < 1) rateFeedback = 'That is the mean rate. The bill is set by a sample of the sorted series, not by the average.';
    else if (index < 0) rateFeedback = `${rate} is not one of the samples; the billable rate is one of them.`;
    const rateOk = rate === rateMbps;
    let costFeedback = `The bill is the billable rate times $${p.pricePerMbps} per Mbps.`;
    if (!rateOk && near(cost, rate * p.pricePerMbps)) costFeedback = `${money(cost)} follows from your rate; it changes once the rate is right.`;
    return [
      { name: 'billable rate', passed: rateOk, feedback: rateOk ? '' : rateFeedback },
      { name: 'bill', passed: near(cost, bill), feedback: near(cost, bill) ? '' : costFeedback },
    ];
  },
  solution: (p) => {
    const { rateMbps, bill } = billOf(p);
    const n = p.samplesMbps.length;
    const sorted = [...p.samplesMbps].sort((a, b) => b - a);
    const discarded = n - 1 - percentileIndex(n);
    return {
      text: `**${rateMbps} Mbps** and **${money(bill)}**. The largest samples, from the top: ${sorted.slice(0, discarded + 2).join(', ')}, … With n = ${n}, the billed sample is the ⌈0.95 × ${n}⌉ = ${ordinal(percentileIndex(n) + 1)} smallest, so the top ${discarded === 1 ? 'one' : discarded} (${sorted.slice(0, discarded).join(', ')} Mbps) ${discarded === 1 ? 'is' : 'are'} free and ${rateMbps} Mbps is billed: ${rateMbps} × $${p.pricePerMbps} = ${money(bill)}. The burst in the table is paid for only where it lasts longer than the 5% the rule forgives; a real month has 8,640 samples, so about 36 hours of bursts are free. The mean rate, ${(p.samplesMbps.reduce((s, x) => s + x, 0) / n).toFixed(1)} Mbps, is what the traffic costs to carry; the billed rate over the mean is what its shape costs.`,
      figures: [samplesTable(p)],
    };
  },
});
