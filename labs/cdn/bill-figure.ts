/**
 * The bill figure: a month (or whatever span the series covers) of 5-minute traffic samples under 95th-percentile
 * billing (billing.ts), with the billed rate drawn as a line, the samples above it marked as free bursts, and the
 * bill written above the plot.
 *
 * What the reader must see (STYLE 16): the bill is set by one sample, the highest that remains once the top 5% are
 * thrown away, so short bursts cost nothing while a daily peak held for more than 5% of the month sets the price.
 * A month has 8,640 samples, more than a figure may draw (displayLimits.maxPlotPoints), so the series is drawn as
 * the range (lowest to highest sample) of each bucket of consecutive samples, an hour for a month of 5-minute
 * samples; every discarded sample is still drawn as its own dot. The first mark carries the buckets, which the
 * book's renderer lists as the figure's data table. When the series has bursts, the caption says, from the counts,
 * whether they all fell among the free samples or some were billed, so the words follow an edit to the bursts.
 */
import { displayLimits } from '../display/caps';
import { percentileBill } from './billing';
import type { BillingTerms, TrafficSeries } from './billing';
import type { CdnPlotSpec } from './latency-figure';

/** What each mark stands for; the legend shows these words (the series' entry adds its bucket, the billed line's its value). */
export const BILL_ROLES = {
  series: 'traffic',
  free: 'free burst (top samples, not billed)',
  billed: 'billed rate',
} as const;

const COLOURS = { series: '#4e79a7', free: '#e15759', billed: '#f28e2b' };

export interface BillFigureOptions {
  /** The caption; default: the samples, how many are free, the billed rate and the bill. */
  caption?: string;
  /** Words after the default caption (and its sentence on the bursts), e.g. what to look at; the default is shortened
   *  to make room if need be. */
  note?: string;
  /** Most buckets the series is drawn as (default 720: an hour each for a 30-day month of 5-minute samples). */
  maxBuckets?: number;
  /** The currency sign written before amounts (default '$'). */
  currency?: string;
  /** Say in the caption whether the series' bursts were free or billed (default true; see `burstSentence`). */
  burstNote?: boolean;
}

const MINUTES_PER_DAY = 24 * 60;
const mbps = (x: number) => `${Math.round(x).toLocaleString('en-US')} Mbps`;
const money = (sign: string, x: number) => `${sign}${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2)}`;

/** The indices of the `count` highest samples (ties broken by the earlier sample), the ones 95th-percentile billing discards. */
export function discardedSampleIndices(samplesMbps: readonly number[], count: number): number[] {
  return samplesMbps
    .map((value, index) => ({ value, index }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, Math.max(0, count))
    .map((s) => s.index)
    .sort((a, b) => a - b);
}

/** What the bill made of the series' bursts (the ones that add traffic), counted in samples. */
export interface BurstVerdict {
  bursts: number;
  /** Samples inside at least one burst. */
  samples: number;
  /** Of those, the ones among the discarded (free) samples. */
  free: number;
  /** Whether the billed rate is a burst sample's: the highest kept sample lies in a burst. */
  setsRate: boolean;
}

/** Counts the series' bursts against the discarded samples (`discarded`: their indices); undefined without bursts. */
export function burstVerdict(series: TrafficSeries, discarded: readonly number[]): BurstVerdict | undefined {
  const n = series.samplesMbps.length;
  const bursts = (series.bursts ?? []).filter((b) => b.extraMbps > 0 && b.durationSamples > 0 && b.startSample < n && b.startSample + b.durationSamples > 0);
  if (bursts.length === 0) return undefined;
  const inBurst = new Set<number>();
  for (const b of bursts) for (let i = Math.max(0, b.startSample); i < Math.min(n, b.startSample + b.durationSamples); i++) inBurst.add(i);
  const free = new Set(discarded);
  let highestKept = -1;
  series.samplesMbps.forEach((x, i) => {
    if (!free.has(i) && (highestKept < 0 || x > (series.samplesMbps[highestKept] as number))) highestKept = i;
  });
  return { bursts: bursts.length, samples: inBurst.size, free: [...inBurst].filter((i) => free.has(i)).length, setsRate: inBurst.has(highestKept) };
}

const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/**
 * The caption's sentence on the bursts, worded from the counts so that it stays true after an edit: either every
 * burst sample is among the free ones (the bursts cost nothing), or some are billed (and whether one sets the rate).
 */
export function burstSentence(verdict: BurstVerdict, freeSamples: number, intervalMinutes: number, billedMbps: number): string {
  const hours = (samples: number) => `${+((samples * intervalMinutes) / 60).toFixed(1)} ${samples * intervalMinutes === 60 ? 'hour' : 'hours'}`;
  const them = verdict.bursts === 1 ? 'the burst' : `the ${verdict.bursts} bursts`;
  const Them = them[0]!.toUpperCase() + them.slice(1);
  const their = verdict.bursts === 1 ? 'its' : 'their';
  if (verdict.free === verdict.samples) {
    return `Look at the red bursts: ${verdict.samples === 1 ? `${their} one sample` : `all ${verdict.samples.toLocaleString('en-US')} of ${their} samples`} (${hours(verdict.samples)}) ${verdict.samples === 1 ? 'is' : 'are'} among the ${plural(freeSamples, 'free one')}, so ${verdict.bursts === 1 ? 'it costs' : 'they cost'} nothing.`;
  }
  const billed = verdict.samples - verdict.free;
  const sets = verdict.setsRate ? `, and one sets the billed rate, ${mbps(billedMbps)}` : '';
  const billedWords = `${billed.toLocaleString('en-US')} of ${their} ${plural(verdict.samples, 'sample')} ${billed === 1 ? 'is' : 'are'} billed${sets}`;
  const last = `${Them} ${verdict.bursts === 1 ? 'lasts' : 'last'} ${hours(verdict.samples)}`;
  return verdict.samples > freeSamples
    ? `${last}, more than the ${hours(freeSamples)} that are free: ${billedWords}.`
    : `${last}, but ${billedWords}: not all of ${their} samples are among the highest.`;
}

/**
 * Draws `series` and its bill under `terms` (see the module comment); the numbers are `percentileBill`'s, with the
 * series' own sampling interval unless `terms` names one.
 */
export function billFigure(series: TrafficSeries, terms: BillingTerms, options: BillFigureOptions = {}): CdnPlotSpec {
  const { samplesMbps } = series;
  if (samplesMbps.length === 0) throw new Error('billFigure needs at least one sample');
  const intervalMinutes = terms.sampleIntervalMinutes ?? series.sampleIntervalMinutes;
  const bill = percentileBill(samplesMbps, { ...terms, sampleIntervalMinutes: intervalMinutes });
  const percentile = terms.percentile ?? 95;
  const sign = options.currency ?? '$';
  const maxBuckets = options.maxBuckets ?? 720;
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1) throw new Error(`billFigure: maxBuckets must be a whole number >= 1 (got ${maxBuckets})`);
  const perBucket = Math.ceil(samplesMbps.length / maxBuckets);
  const bucketMinutes = perBucket * intervalMinutes;
  const bucketWords = bucketMinutes === 60 ? 'hour' : bucketMinutes % 60 === 0 ? `${bucketMinutes / 60} hours` : `${bucketMinutes} minutes`;
  const seriesRole = perBucket === 1 ? `${BILL_ROLES.series} (${intervalMinutes}-minute samples)` : `${BILL_ROLES.series} (range per ${bucketWords})`;
  const day = (sample: number) => Math.round(((sample * intervalMinutes) / MINUTES_PER_DAY) * 10_000) / 10_000;

  const buckets: { fromDay: number; toDay: number; lowMbps: number; highMbps: number; role: string }[] = [];
  for (let start = 0; start < samplesMbps.length; start += perBucket) {
    const part = samplesMbps.slice(start, start + perBucket);
    const end = start + part.length;
    buckets.push({ fromDay: day(start), toDay: day(end), lowMbps: Math.round(Math.min(...part) * 10) / 10, highMbps: Math.round(Math.max(...part) * 10) / 10, role: seriesRole });
  }
  const discarded = discardedSampleIndices(samplesMbps, bill.discardedSamples);
  const free = discarded.map((i) => ({ day: day(i + 0.5), mbps: Math.round((samplesMbps[i] as number) * 10) / 10, role: BILL_ROLES.free }));
  const billedRole = `${BILL_ROLES.billed}: ${percentile}th percentile, ${mbps(bill.billableMbps)}`;
  const spanDays = day(samplesMbps.length);
  const freeHours = (bill.discardedSamples * intervalMinutes) / 60;
  const billText = `bill ${money(sign, bill.cost)} = ${mbps(bill.billableMbps)} × ${money(sign, terms.pricePerMbps)}`;

  const text =
    `${samplesMbps.length.toLocaleString('en-US')} samples of ${intervalMinutes} minutes over ${+spanDays.toFixed(1)} days${perBucket > 1 ? `, drawn as the range of each ${bucketWords}` : ''}. ` +
    `The top ${bill.discardedSamples.toLocaleString('en-US')} (${+freeHours.toFixed(1)} hours) are free bursts; the ${percentile}th percentile, ${mbps(bill.billableMbps)}, sets the ${billText.replace(/^bill /, 'bill of ')}: ` +
    `${sign}${bill.costPerGb.toFixed(4)} per GB sent.`;
  const verdict = options.burstNote === false ? undefined : burstVerdict(series, discarded);
  const note = `${verdict ? ` ${burstSentence(verdict, bill.discardedSamples, intervalMinutes, bill.billableMbps)}` : ''}${options.note ? ` ${options.note}` : ''}`;
  const short = `The ${percentile}th percentile, ${mbps(bill.billableMbps)}, sets the ${billText.replace(/^bill /, 'bill of ')}; the top ${bill.discardedSamples} samples (red) are free.`;
  const caption = options.caption ?? ((text + note).length <= displayLimits.maxLabelChars ? text + note : short + note);

  const roles = [seriesRole, ...(free.length > 0 ? [BILL_ROLES.free] : []), billedRole];
  const range = [COLOURS.series, ...(free.length > 0 ? [COLOURS.free] : []), COLOURS.billed];
  return {
    marks: [
      // Each bucket is one rectangle from its lowest to its highest sample, across its whole interval; the outline
      // keeps rectangles narrower than a pixel (a month's hours) solid instead of faint.
      { mark: 'rect', data: buckets, options: { x1: 'fromDay', x2: 'toDay', y1: 'lowMbps', y2: 'highMbps', fill: 'role', stroke: 'role', strokeWidth: 0.8 } },
      { mark: 'dot', data: free, options: { x: 'day', y: 'mbps', fill: 'role', r: 1.8, title: 'mbps' } },
      { mark: 'ruleY', data: [{ mbps: bill.billableMbps, role: billedRole }], options: { y: 'mbps', stroke: 'role', strokeWidth: 2 } },
      { mark: 'ruleY', data: [0], options: { stroke: 'currentColor', strokeOpacity: 0.5 } },
      { mark: 'text', data: [{ text: billText }], options: { text: 'text', frameAnchor: 'top-right', textAnchor: 'end', dy: -14, fill: 'currentColor', fontSize: 12, fontWeight: 'bold' } },
    ],
    options: {
      height: 320,
      marginTop: 30,
      marginLeft: 56,
      marginRight: 16,
      x: { label: 'time (days)', domain: [0, spanDays], grid: true },
      y: { label: 'rate (Mbps)', grid: true },
      color: { domain: roles, range, legend: true },
    },
    caption: caption.slice(0, displayLimits.maxLabelChars),
    ariaLabel: `Traffic rate over ${+spanDays.toFixed(1)} days with the billed ${percentile}th percentile at ${mbps(bill.billableMbps)} and the ${bill.discardedSamples} free bursts above it; ${billText}.`.slice(0, displayLimits.maxLabelChars),
  };
}
