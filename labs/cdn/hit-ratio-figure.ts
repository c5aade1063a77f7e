/**
 * Hit ratio against cache size: simulated eviction policies on seeded Zipf-like streams (Breslau et al. 1999),
 * with Che's approximation for LRU (Che, Tung and Wang 2002; che.ts) drawn beside the simulated LRU.
 *
 * `hitRatioCurves` produces the rows: one `zipfWorkload` per exponent with unit sizes (so capacities count
 * objects, as Che's approximation does), shared by every policy and size, each cache run with `simulateCache`
 * after a warm-up; and for every exponent and size, the approximation's hit ratio from the same popularity.
 *
 * `hitRatioFigure` draws them (STYLE 16: what the reader must see is how slowly the hit ratio grows with size, how
 * much more a skewed workload gives, and that one equation predicts LRU): the cache size on a log axis, a colour
 * per exponent, a symbol per policy joined by solid lines, and Che's approximation as crosses on a dashed line of
 * the same colour. Both legends (colour and symbol) are drawn. The first mark carries every row, which the book's
 * renderer lists as the figure's data table.
 *
 * Cost: a request costs a Map operation or two for LRU and segmented LRU, so the run time grows with policies ×
 * sizes × requests; LFU scans its cache on each eviction and is slow for large caches. A chapter cell with two
 * exponents, LRU and segmented LRU, four sizes, a catalogue of 5,000 and 24,000 requests (6,000 of them warm-up)
 * runs in about 0.2 s in Node (`CHAPTER_HIT_RATIO_OPTIONS`).
 */
import { displayLimits } from '../display/caps';
import { simulateCache } from './cache';
import type { CachePolicy } from './cache';
import { cheApproximation } from './che';
import type { CdnPlotSpec } from './latency-figure';
import { zipfWorkload } from './workload';

export interface HitRatioCurvesOptions {
  seed: number | string;
  /** Distinct objects. Example: 5,000. */
  catalogSize: number;
  /** Zipf-like exponents, one stream each. Example: [0.6, 0.9]. */
  alphas: readonly number[];
  /** Eviction policies to simulate (each is run on the same stream). Example: [lru, segmentedLru()]. */
  policies: readonly CachePolicy[];
  /** Cache capacities in objects (every object has size 1). Example: [25, 100, 400, 1600]. */
  sizes: readonly number[];
  /** Requests per stream, the warm-up included. Example: 24,000. */
  requests: number;
  /** Requests at the start that fill the cache and are not counted. Example: 6,000. */
  warmupRequests: number;
  /** Add Che's approximation for LRU at every exponent and size (default true). */
  che?: boolean;
}

/** One point of a curve. */
export interface HitRatioRow {
  alpha: number;
  /** The policy's name (`CachePolicy.name`); Che's rows say `LRU`, the policy they approximate. */
  policy: string;
  /** Cache size in objects. */
  capacity: number;
  /** Share of counted requests that hit, in [0, 1]. */
  hitRatio: number;
  /** 'simulated' for a `simulateCache` run, 'che' for Che's approximation. */
  method: 'simulated' | 'che';
}

/** The options the chapter's hit-ratio cell uses: measured to run in about 0.2 s in Node. */
export const CHAPTER_HIT_RATIO_OPTIONS = {
  catalogSize: 5_000,
  alphas: [0.6, 0.9],
  sizes: [25, 100, 400, 1_600],
  requests: 24_000,
  warmupRequests: 6_000,
} as const;

/** Simulated hit ratios for every exponent, policy and size, and Che's approximation for LRU (see the module comment). */
export function hitRatioCurves(options: HitRatioCurvesOptions): HitRatioRow[] {
  const { seed, catalogSize, alphas, policies, sizes, requests, warmupRequests } = options;
  if (alphas.length === 0 || sizes.length === 0) throw new Error('hitRatioCurves needs at least one alpha and one size');
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`hitRatioCurves: sizes must be whole numbers >= 1 (got ${size})`);
  }
  if (!(warmupRequests >= 0) || warmupRequests >= requests) {
    throw new Error(`hitRatioCurves: need 0 <= warmupRequests < requests (got ${warmupRequests} of ${requests})`);
  }
  const rows: HitRatioRow[] = [];
  for (const alpha of alphas) {
    // One stream per exponent, forked by it, so adding an exponent leaves the others' streams as they were.
    const workload = zipfWorkload({ seed: `${seed}:alpha=${alpha}`, catalogSize, alpha, requests, sizes: 'unit' });
    for (const policy of policies) {
      for (const capacity of sizes) {
        const run = simulateCache(policy, workload.requests, capacity, { warmupRequests });
        rows.push({ alpha, policy: policy.name, capacity, hitRatio: run.hitRatio, method: 'simulated' });
      }
    }
    if (options.che ?? true) {
      for (const capacity of sizes) {
        rows.push({ alpha, policy: 'LRU', capacity, hitRatio: cheApproximation(workload.popularity, capacity).hitRatio, method: 'che' });
      }
    }
  }
  return rows;
}

/** The words the figure's legends use. */
export const alphaLabel = (alpha: number) => `α = ${alpha}`;
export const CHE_LABEL = "Che's approximation (LRU)";
export const simulatedLabel = (policy: string) => `${policy}, simulated`;

/** Symbols for the simulated policies, in the order they first appear; Che's points are always crosses. */
const POLICY_SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'star', 'wye'];
/** Colours for the exponents (Tableau 10, mid-tone: they read on light and dark pages). */
const ALPHA_COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#9c755f', '#76b7b2', '#edc948'];

export interface HitRatioFigureOptions {
  caption?: string;
  /** Words after the default caption, e.g. what to look at; the default is shortened to make room if need be. */
  note?: string;
}

/** Words joined as a reader lists them: "a", "a and b", "a, b and c". */
const listWords = (words: readonly string[]) => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

/**
 * Largest |Che − simulated LRU| over the points where both exist, or undefined if there are none. With `decimals`,
 * the difference of the two values as printed to that many decimals (`toFixed`), so that it is the difference a
 * reader reads off a table that prints them so: 0.1515 and 0.1556 differ by 0.004, but printed as 0.151 and 0.156
 * by 0.005.
 */
export function cheGap(rows: readonly HitRatioRow[], decimals?: number): number | undefined {
  const shown = (x: number) => (decimals === undefined ? x : Number(x.toFixed(decimals)));
  let gap: number | undefined;
  for (const che of rows.filter((r) => r.method === 'che')) {
    const sim = rows.find((r) => r.method === 'simulated' && r.policy === 'LRU' && r.alpha === che.alpha && r.capacity === che.capacity);
    if (sim) gap = Math.max(gap ?? 0, Math.abs(shown(sim.hitRatio) - shown(che.hitRatio)));
  }
  // Printed values differ by a whole number of last digits; strip the floating-point residue of the subtraction.
  return gap === undefined || decimals === undefined ? gap : Number(gap.toFixed(decimals));
}

/** Decimals of the hit ratios the caption quotes, as the chapter's table prints them. */
export const CAPTION_DECIMALS = 3;

/**
 * What each simulated policy hits at the largest size, one clause per policy, the exponents named on the first:
 * "LRU hits 0.512 (α = 0.6) and 0.745 (α = 0.9); SLRU 80% hits 0.553 and 0.771". Values come from the rows.
 */
export function largestSizeText(rows: readonly HitRatioRow[]): string {
  const simulated = rows.filter((r) => r.method === 'simulated');
  if (simulated.length === 0) return '';
  const largest = Math.max(...simulated.map((r) => r.capacity));
  const alphas = [...new Set(simulated.map((r) => r.alpha))].sort((a, b) => a - b);
  const policies = [...new Set(simulated.map((r) => r.policy))];
  const clauses = policies.map((policy, i) => {
    const values = alphas.flatMap((alpha) => {
      const row = simulated.find((r) => r.policy === policy && r.alpha === alpha && r.capacity === largest);
      if (row === undefined) return [];
      const value = row.hitRatio.toFixed(CAPTION_DECIMALS);
      return [i === 0 && alphas.length > 1 ? `${value} (${alphaLabel(alpha)})` : value];
    });
    return `${policy} hits ${listWords(values)}`;
  });
  const only = alphas.length === 1 ? ` at ${alphaLabel(alphas[0]!)}` : '';
  return `At ${largest.toLocaleString('en-US')} objects${only}, ${clauses.join('; ')}.`;
}

/** Hit ratio against cache size (log x), a curve per (exponent, policy), Che's approximation beside LRU. */
export function hitRatioFigure(rows: readonly HitRatioRow[], options: HitRatioFigureOptions = {}): CdnPlotSpec {
  if (rows.length === 0) throw new Error('hitRatioFigure needs at least one row');
  const alphas = [...new Set(rows.map((r) => r.alpha))].sort((a, b) => a - b);
  const policies = [...new Set(rows.filter((r) => r.method === 'simulated').map((r) => r.policy))];
  if (alphas.length > ALPHA_COLOURS.length) throw new Error(`hitRatioFigure draws at most ${ALPHA_COLOURS.length} exponents`);
  if (policies.length > POLICY_SYMBOLS.length) throw new Error(`hitRatioFigure draws at most ${POLICY_SYMBOLS.length} policies`);
  const points = [...rows]
    .sort((a, b) => a.alpha - b.alpha || a.method.localeCompare(b.method) || a.policy.localeCompare(b.policy) || a.capacity - b.capacity)
    .map((r) => ({
      alpha: r.alpha,
      policy: r.policy,
      method: r.method,
      capacity: r.capacity,
      hitRatio: Math.round(r.hitRatio * 10_000) / 10_000,
      exponent: alphaLabel(r.alpha),
      curve: r.method === 'che' ? CHE_LABEL : simulatedLabel(r.policy),
      series: `${alphaLabel(r.alpha)}, ${r.method === 'che' ? CHE_LABEL : r.policy}`,
    }));
  const simulated = points.filter((p) => p.method === 'simulated');
  const che = points.filter((p) => p.method === 'che');
  const curves = [...policies.map(simulatedLabel), ...(che.length > 0 ? [CHE_LABEL] : [])];
  const symbols = [...policies.map((_, i) => POLICY_SYMBOLS[i] as string), ...(che.length > 0 ? ['times'] : [])];

  // The Che gap and the quoted hit ratios are the values as the chapter's table prints them, so the caption and the
  // table agree to the last digit.
  const gap = cheGap(rows, CAPTION_DECIMALS);
  const sizes = [...new Set(rows.map((r) => r.capacity))].sort((a, b) => a - b);
  const largest = largestSizeText(rows);
  const span = largest === '' ? '' : ` ${largest}`;
  const gapText = gap === undefined ? '' : ` Che's approximation (×, dashed) is within ${gap.toFixed(CAPTION_DECIMALS)} of simulated LRU at every point.`;
  const note = options.note ? ` ${options.note}` : '';
  const range = ` (${sizes[0]!.toLocaleString('en-US')} to ${sizes.at(-1)!.toLocaleString('en-US')} objects, log scale)`;
  const head = (withRange: boolean) => `Hit ratio against cache size${withRange ? range : ''} for ${listWords(policies)}.`;
  // Longest first; the first that fits the caption cap is used, so a long note or many exponents drop the range,
  // then the per-size numbers, never the note.
  const candidates = [`${head(true)}${span}${gapText}${note}`, `${head(false)}${span}${gapText}${note}`, `${head(false)}${gapText}${note}`];
  const caption = options.caption ?? candidates.find((text) => text.length <= displayLimits.maxLabelChars) ?? candidates.at(-1)!;

  return {
    marks: [
      { mark: 'dot', data: points, options: { x: 'capacity', y: 'hitRatio', stroke: 'exponent', symbol: 'curve', fill: 'none', r: 4.5, strokeWidth: 1.6, title: 'series' } },
      { mark: 'line', data: simulated, options: { x: 'capacity', y: 'hitRatio', z: 'series', stroke: 'exponent', strokeWidth: 1.6 } },
      { mark: 'line', data: che, options: { x: 'capacity', y: 'hitRatio', z: 'series', stroke: 'exponent', strokeWidth: 1.2, strokeDasharray: '5 4', strokeOpacity: 0.9 } },
      { mark: 'ruleY', data: [0], options: { stroke: 'currentColor', strokeOpacity: 0.5 } },
    ],
    options: {
      height: 340,
      marginLeft: 48,
      marginRight: 16,
      x: { type: 'log', label: 'cache size (objects, log scale)', grid: true, ticks: sizes },
      // `percent` multiplies the values by 100, so the domain is in per cent.
      y: { label: 'hit ratio (% of requests)', domain: [0, 100], percent: true, grid: true },
      color: { domain: alphas.map(alphaLabel), range: alphas.map((_, i) => ALPHA_COLOURS[i]), legend: true },
      symbol: { domain: curves, range: symbols, legend: true },
    },
    caption: caption.slice(0, displayLimits.maxLabelChars),
    ariaLabel: `Line chart of hit ratio against cache size on a log axis, one colour per Zipf exponent (${alphas.map(alphaLabel).join(', ')}), one symbol per curve (${curves.join(', ')}).`.slice(0, displayLimits.maxLabelChars),
  };
}
