/**
 * Figures for CDN runs (`runCdn`): what a flash crowd does to the origin, how the requests were answered, and how
 * a shield changes the origin's load as PoPs are added.
 *
 * What the reader must see (STYLE 16):
 * - `flashCrowdFigure`: the origin's load over time, one line per configuration. Without collapsing, the origin's
 *   fetches jump with the crowd; with collapsing they stay at a few per expiry. Lines that coincide (two
 *   configurations with the same origin load) are drawn as the failover figure draws its runs (`runStroke`): the
 *   first widest and underneath, each later one narrower on top with its own dashes, so each shows as a band.
 * - `outcomeFigure`: for each configuration, how its requests were answered (hit, stale, collapsed, miss, ...), as
 *   shares of one bar, in a fixed colour per outcome; requests never answered have a bar segment of their own.
 *
 * Both flash-crowd figures open their caption with a warning when a run left requests unanswered: its latencies
 * are over the answered requests only, so a collapser that never answers would otherwise look fast.
 * - `tierFigure`: origin fetches against the number of PoPs, one line per tiering: without a shield the origin's
 *   load grows with every PoP, behind a shield it stays near one PoP's.
 *
 * Each function returns a `display.plot` spec whose first mark carries every row (the book's renderer lists it as
 * the figure's data table); every colour is named in a legend; labels are short enough for a 390 px column.
 */
import { displayLimits } from '../display/caps';
import type { CdnRun, Outcome } from './edge';
import type { CdnPlotSpec } from './latency-figure';
import { runStroke } from './failover-figure';

/** Colours for configurations, in the order given (Tableau 10, mid-tone: they read on light and dark pages). */
const RUN_COLOURS = ['#e15759', '#4e79a7', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2'];

/** The outcomes in the order the bars stack them (answered from the edge first), with their words and colours;
 *  `unanswered` is a request no reply ever reached. */
export const OUTCOMES: readonly { outcome: Outcome | 'unanswered'; label: string; colour: string }[] = [
  { outcome: 'hit', label: 'hit', colour: '#59a14f' },
  { outcome: 'stale-while-revalidate', label: 'stale while revalidating', colour: '#edc948' },
  { outcome: 'stale-if-error', label: 'stale on error', colour: '#9c755f' },
  { outcome: 'revalidated', label: 'revalidated (304)', colour: '#76b7b2' },
  { outcome: 'collapsed', label: 'collapsed', colour: '#4e79a7' },
  { outcome: 'miss', label: 'miss', colour: '#f28e2b' },
  { outcome: 'error', label: 'error', colour: '#e15759' },
  { outcome: 'unanswered', label: 'unanswered', colour: '#bab0ac' },
];

const clip = (text: string): string => text.slice(0, displayLimits.maxLabelChars);

/** Capitalises the first letter, for a label that opens a sentence. */
const opening = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A share of requests in per cent, rounded as the chapter's tables round it (one decimal). */
export const percentText = (part: number, whole: number): string => (whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1));

/**
 * The warning the flash-crowd figures open with when a run left requests unanswered (empty when none did): its
 * latency percentiles are over the answered requests, so the missing ones must be named where the numbers are.
 */
export function unansweredWarning(runs: readonly { label: string; run: CdnRun }[]): string {
  const short = runs.filter(({ run }) => run.metrics.unanswered > 0);
  if (short.length === 0) return '';
  return `Warning: requests went unanswered (${short.map(({ label, run }) => `${label}: ${run.metrics.unanswered} of ${run.metrics.requests}`).join('; ')}); latencies leave them out. `;
}

function checkRuns(name: string, runs: readonly { label: string }[]): void {
  if (runs.length === 0) throw new Error(`${name} needs at least one run`);
  if (runs.length > RUN_COLOURS.length) throw new Error(`${name} draws at most ${RUN_COLOURS.length} runs`);
  if (new Set(runs.map((r) => r.label)).size !== runs.length) throw new Error(`${name}: each run needs its own label`);
}

export interface FlashCrowdFigureOptions {
  caption?: string;
  /** Words after the default caption. */
  note?: string;
  /** Shade this window and name it (e.g. the flash crowd). */
  highlight?: { fromMs: number; untilMs: number; label: string };
  /** The time axis' end; default the last client request, rounded up to a bucket. */
  untilMs?: number;
}

/**
 * Origin fetches per second over time, one line per run (from `metrics.series`: fetches in a bucket, scaled to a
 * rate), with the total in the legend entry. Runs should share one `bucketMs`.
 */
export function flashCrowdFigure(runs: readonly { label: string; run: CdnRun }[], options: FlashCrowdFigureOptions = {}): CdnPlotSpec {
  checkRuns('flashCrowdFigure', runs);
  const lastRequestMs = Math.max(0, ...runs.flatMap(({ run }) => run.requests.map((r) => r.atMs)));
  const legend = runs.map(({ label, run }) => `${label}: ${run.metrics.originRequests} fetches`);
  const rows = runs.flatMap(({ run }, i) => {
    const series = run.metrics.series;
    const bucketMs = series.length > 1 ? (series[1] as { startMs: number }).startMs : 1000;
    const untilMs = options.untilMs ?? Math.ceil((lastRequestMs + 1) / bucketMs) * bucketMs;
    return series
      .filter((b) => b.startMs < untilMs)
      .map((b) => ({
        configuration: legend[i] as string,
        second: b.startMs / 1000,
        originFetchesPerSecond: Math.round((b.originRequests * 1000) / bucketMs),
        originFetches: b.originRequests,
      }));
  });
  const peak = (i: number) => Math.max(0, ...rows.filter((r) => r.configuration === legend[i]).map((r) => r.originFetchesPerSecond));
  const text = `${unansweredWarning(runs)}Origin fetches per second over time. ${runs.map((r, i) => `${opening(r.label)}: ${r.run.metrics.originRequests} in all, at most ${peak(i)}/s.`).join(' ')}${options.note ? ` ${options.note}` : ''}`;
  const highlight = options.highlight;
  const marks: CdnPlotSpec['marks'] = [
    // Every row, as a dot at the start of its bucket (and the figure's data table); the lines follow.
    { mark: 'dot', data: rows, options: { x: 'second', y: 'originFetchesPerSecond', fill: 'configuration', r: 2.5, title: 'configuration' } },
    // One line per run, widest first, each narrower one on top with its own dashes (runStroke), so runs with the
    // same origin load show as bands of their colours instead of one hiding the other.
    ...runs.map((_, i) => ({
      mark: 'line' as const,
      data: rows.filter((r) => r.configuration === legend[i]),
      options: { x: 'second', y: 'originFetchesPerSecond', stroke: 'configuration', curve: 'step-after', strokeLinejoin: 'round', ...runStroke(i, runs.length) },
    })),
  ];
  if (highlight !== undefined) {
    marks.push({ mark: 'ruleX', data: [highlight.fromMs / 1000, highlight.untilMs / 1000], options: { stroke: 'currentColor', strokeOpacity: 0.6, strokeDasharray: '3 3' } });
    marks.push({ mark: 'text', data: [{ x: (highlight.fromMs + highlight.untilMs) / 2000, label: highlight.label }], options: { x: 'x', text: 'label', frameAnchor: 'top', dy: 6, fill: 'currentColor' } });
  }
  marks.push({ mark: 'ruleY', data: [0], options: { stroke: 'currentColor', strokeOpacity: 0.5 } });
  return {
    marks,
    options: {
      height: 300,
      marginLeft: 48,
      marginRight: 16,
      x: { label: 'time (s)', grid: true },
      y: { label: 'origin fetches per second', grid: true },
      color: { domain: legend, range: runs.map((_, i) => RUN_COLOURS[i]), legend: true },
    },
    caption: clip(options.caption ?? text),
    ariaLabel: clip(`Step lines of origin fetches per second over time, one per configuration: ${legend.join(', ')}.`),
  };
}

export interface OutcomeFigureOptions {
  caption?: string;
  note?: string;
}

/** How each run's client requests were answered: one bar per run, split by outcome, in per cent of its requests.
 *  The caption gives each run's share answered at once from the edge with the table's rounding (one decimal). */
export function outcomeFigure(runs: readonly { label: string; run: CdnRun }[], options: OutcomeFigureOptions = {}): CdnPlotSpec {
  checkRuns('outcomeFigure', runs);
  const present = OUTCOMES.filter(({ outcome }) => runs.some(({ run }) => run.requests.some((r) => outcomeOf(r) === outcome)));
  const rows = runs.flatMap(({ label, run }) => {
    const total = run.requests.length;
    return present.map(({ outcome, label: outcomeLabel }) => {
      const requests = run.requests.filter((r) => outcomeOf(r) === outcome).length;
      return { configuration: label, outcome: outcomeLabel, requests, percent: total === 0 ? 0 : Math.round((1000 * requests) / total) / 10 };
    });
  }).filter((r) => r.requests > 0);
  const text = `${unansweredWarning(runs)}How requests were answered. ${runs.map(({ label, run }) => `${opening(label)}: ${percentText(run.metrics.hits, run.metrics.requests)}% from the edge at once.`).join(' ')}${options.note ? ` ${options.note}` : ''}`;
  return {
    marks: [
      { mark: 'barX', data: rows, options: { x: 'percent', y: 'configuration', fill: 'outcome', order: present.map((o) => o.label), title: 'outcome', insetTop: 20, insetBottom: 2 } },
      { mark: 'text', data: runs.map((r) => ({ configuration: r.label })), options: { x: 0, y: 'configuration', text: 'configuration', textAnchor: 'start', dy: -12, fill: 'currentColor' } },
      { mark: 'ruleX', data: [0], options: { stroke: 'currentColor', strokeOpacity: 0.5 } },
    ],
    options: {
      height: 60 + 52 * runs.length,
      marginLeft: 12,
      marginRight: 12,
      x: { label: 'requests (%)', domain: [0, 100], grid: true },
      // The configuration's name is written above its bar, inside its row, so long names fit a narrow column.
      y: { axis: null, domain: runs.map((r) => r.label), paddingInner: 0.1 },
      color: { domain: present.map((o) => o.label), range: present.map((o) => o.colour), legend: true },
    },
    caption: clip(options.caption ?? text),
    ariaLabel: clip(`Stacked bars, one per configuration (${runs.map((r) => r.label).join(', ')}), split by outcome: ${present.map((o) => o.label).join(', ')}.`),
  };
}

/** An unanswered request has its own segment: it was neither served nor refused. */
function outcomeOf(r: CdnRun['requests'][number]): Outcome | 'unanswered' {
  return r.answeredAtMs === undefined ? 'unanswered' : r.outcome;
}

export interface TierFigureOptions {
  caption?: string;
  note?: string;
}

/** One point of `tierFigure`: a tiering (e.g. "no shield", "shield in us"), a number of PoPs and its run. */
export interface TierPoint {
  label: string;
  pops: number;
  run: CdnRun;
}

const TIER_HEIGHT = 300;
const TIER_MARGIN_TOP = 24;
/** The room the renderer leaves under the x axis (src/views/render.ts, X_LABEL_MARGIN). */
const TIER_MARGIN_BOTTOM = 44;
const TIER_LABEL_PX = 11;
/** Least distance between two count labels' centres, in pixels: a line of 11 px text and a little air. */
export const TIER_LABEL_GAP_PX = 14;

/**
 * The count labels of `tierFigure`: one per tiering, at its last point (the most PoPs it was run with), with
 * `labelAt` the height it is written at. Labels are taken from the lowest count up, and each is raised, if need
 * be, to `TIER_LABEL_GAP_PX` above the one below it at the same PoP count (pixels reckoned from the figure's height
 * and a y axis from 0 to the highest count or label), so equal counts stack legibly instead of on top of each other.
 */
export function tierEndLabels<R extends { tiering: string; pops: number; originFetches: number }>(rows: readonly R[], labels: readonly string[]): (R & { labelAt: number })[] {
  const last = labels.flatMap((label) => {
    const mine = rows.filter((r) => r.tiering === label);
    const end = mine.find((r) => r.pops === Math.max(...mine.map((m) => m.pops)));
    return end === undefined ? [] : [end];
  });
  const top = Math.max(1, ...rows.map((r) => r.originFetches));
  // A pixel is (axis top) / (plot height) counts; raising labels can lift the axis' top to at most top + gap·(n − 1),
  // so the gap is solved for that axis: gap = k·(top + gap·(n − 1)), with k = TIER_LABEL_GAP_PX / plot height.
  const k = TIER_LABEL_GAP_PX / (TIER_HEIGHT - TIER_MARGIN_TOP - TIER_MARGIN_BOTTOM);
  const gap = (1.02 * k * top) / (1 - k * (labels.length - 1));
  const placed: (R & { labelAt: number })[] = [];
  for (const r of [...last].sort((a, b) => a.originFetches - b.originFetches || labels.indexOf(a.tiering) - labels.indexOf(b.tiering))) {
    const below = placed.filter((p) => p.pops === r.pops).at(-1);
    placed.push({ ...r, labelAt: Math.round(Math.max(r.originFetches, below === undefined ? -Infinity : below.labelAt + gap) * 100) / 100 });
  }
  return placed.sort((a, b) => labels.indexOf(a.tiering) - labels.indexOf(b.tiering));
}

/** Origin fetches against the number of PoPs, one line per tiering, each line's last point labelled with its count. */
export function tierFigure(points: readonly TierPoint[], options: TierFigureOptions = {}): CdnPlotSpec {
  const labels = [...new Set(points.map((p) => p.label))];
  checkRuns('tierFigure', labels.map((label) => ({ label })));
  const rows = [...points]
    .sort((a, b) => labels.indexOf(a.label) - labels.indexOf(b.label) || a.pops - b.pops)
    .map((p) => ({
      tiering: p.label,
      pops: p.pops,
      originFetches: p.run.metrics.originRequests,
      originMegabytes: Math.round(p.run.metrics.originBytes / 1e4) / 100,
      hitRatio: Math.round(p.run.metrics.hitRatio * 1000) / 1000,
    }));
  const popCounts = [...new Set(rows.map((r) => r.pops))].sort((a, b) => a - b);
  const most = popCounts.at(-1) as number;
  const atMost = labels.map((label) => `${label}: ${rows.find((r) => r.tiering === label && r.pops === most)?.originFetches ?? '?'}`);
  const text = `Origin fetches against the number of PoPs. With ${most} PoPs, ${atMost.join('; ')}.${options.note ? ` ${options.note}` : ''}`;
  const ends = tierEndLabels(rows, labels);
  return {
    marks: [
      { mark: 'dot', data: rows, options: { x: 'pops', y: 'originFetches', fill: 'tiering', r: 4, title: 'tiering' } },
      { mark: 'line', data: rows, options: { x: 'pops', y: 'originFetches', z: 'tiering', stroke: 'tiering', strokeWidth: 2 } },
      // Each line's count at its last point, to the right of it in the line's colour; equal or near counts are
      // moved apart (see tierEndLabels), so they never print on each other or on the y axis' ticks.
      { mark: 'text', data: ends, options: { x: 'pops', y: 'labelAt', text: 'originFetches', fill: 'tiering', textAnchor: 'start', dx: 9, fontSize: TIER_LABEL_PX, fontWeight: 'bold' } },
      { mark: 'ruleY', data: [0], options: { stroke: 'currentColor', strokeOpacity: 0.5 } },
    ],
    options: {
      height: TIER_HEIGHT,
      marginLeft: 48,
      marginRight: 44,
      marginTop: TIER_MARGIN_TOP,
      x: { label: 'points of presence', ticks: popCounts, tickFormat: 'd', grid: true },
      y: { label: 'origin fetches', grid: true },
      color: { domain: labels, range: labels.map((_, i) => RUN_COLOURS[(i + 1) % RUN_COLOURS.length]), legend: true },
    },
    caption: clip(options.caption ?? text),
    ariaLabel: clip(`Lines of origin fetches against the number of points of presence, one per tiering: ${labels.join(', ')}.`),
  };
}
