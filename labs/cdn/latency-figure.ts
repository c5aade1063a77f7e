/**
 * The latency figure: one horizontal bar per path a request can take (straight to the origin, an edge hit, an
 * edge miss, ...), split into the phases `latency.ts` prices, in the order they happen, with the total at the bar's
 * end.
 *
 * What the reader must see (STYLE 16): which round trips the edge shortens and which it cannot. Every phase keeps
 * one colour in every bar, in the fixed order of `LATENCY_PHASES` (DNS, TCP, TLS, request, origin fetch, transfer),
 * so an edge hit's short TCP and TLS segments line up against the origin's long ones and a miss's extra origin
 * fetch stands out in its own colour. Phases that cost nothing are not drawn, and the legend lists only the phases
 * some bar has. The first mark carries one row per segment (path, phase, round trips, start, end, ms), which the
 * book's renderer turns into the figure's data table.
 */
import type { PlotOutput } from '../display/outputs';
import { displayLimits } from '../display/caps';
import type { LatencyBreakdown, PhaseName } from './latency';

/** A `display.plot` spec, as a cell passes it to `display.plot`. */
export type CdnPlotSpec = Omit<PlotOutput, 'kind'>;

/** The phases in the order they happen and are stacked, with the words the legend shows. */
export const LATENCY_PHASES: readonly { name: PhaseName; label: string; colour: string }[] = [
  { name: 'dns', label: 'DNS lookup', colour: '#76b7b2' },
  { name: 'tcp', label: 'TCP handshake', colour: '#4e79a7' },
  { name: 'tls', label: 'TLS handshake', colour: '#b07aa1' },
  { name: 'request', label: 'request + first window', colour: '#59a14f' },
  { name: 'origin-fetch', label: 'edge fetches from origin', colour: '#e15759' },
  { name: 'transfer', label: 'further slow-start windows', colour: '#edc948' },
];

export interface LatencyFigureOptions {
  /** The caption; default: each path's total and how much faster the quickest is than the slowest. */
  caption?: string;
  /** Words after the default caption, e.g. what to look at; the default is shortened to make room if need be. */
  note?: string;
  /** The x axis' upper end in ms; default the longest total. Fix it to compare figures side by side. */
  maxMs?: number;
}

/** A path's name and its priced request, as `directLatency` and `edgeLatency` return it. */
export interface LatencyFigurePath {
  label: string;
  breakdown: LatencyBreakdown;
}

const CHAR_WIDTH_PX = 7;
const BAR_ROW_PX = 44;

const round = (ms: number) => Math.round(ms * 10) / 10;
const formatMs = (ms: number) => `${round(ms).toLocaleString('en-US')} ms`;

/**
 * One bar per path, stacked by phase in time order (see the module comment). Throws on no paths, on two paths
 * with the same label (they would share a bar) and on a phase this figure does not know.
 */
export function latencyFigure(paths: readonly LatencyFigurePath[], options: LatencyFigureOptions = {}): CdnPlotSpec {
  if (paths.length === 0) throw new Error('latencyFigure needs at least one path');
  const labels = paths.map((p) => p.label);
  const repeated = labels.find((label, i) => labels.indexOf(label) !== i);
  if (repeated !== undefined) throw new Error(`latencyFigure: two paths are labelled ${JSON.stringify(repeated)}`);
  const known = new Map(LATENCY_PHASES.map((p) => [p.name, p]));

  const segments = paths.flatMap(({ label, breakdown }) => {
    let startMs = 0;
    return breakdown.phases
      .filter((phase) => phase.ms > 0)
      .map((phase) => {
        const meta = known.get(phase.name);
        if (!meta) throw new Error(`latencyFigure: unknown phase ${JSON.stringify(phase.name)} in ${JSON.stringify(label)}`);
        const row = { path: label, phase: meta.label, roundTrips: phase.roundTrips, startMs: round(startMs), endMs: round(startMs + phase.ms), ms: round(phase.ms) };
        startMs += phase.ms;
        return row;
      });
  });
  const totals = paths.map(({ label, breakdown }) => ({ path: label, totalMs: round(breakdown.totalMs), text: formatMs(breakdown.totalMs) }));
  const present = LATENCY_PHASES.filter((p) => segments.some((s) => s.phase === p.label));
  const longest = Math.max(...totals.map((t) => t.totalMs));
  const maxMs = options.maxMs ?? Math.max(longest, 1);
  const labelWidth = Math.max(...labels.map((l) => l.length)) * CHAR_WIDTH_PX + 12;

  const slowest = totals.reduce((a, b) => (b.totalMs > a.totalMs ? b : a));
  const fastest = totals.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
  const summary = totals.map((t) => `${t.path} ${t.text}`).join(', ');
  const ratio = fastest.totalMs > 0 && paths.length > 1 ? ` ${fastest.path[0]!.toUpperCase()}${fastest.path.slice(1)} is ${(slowest.totalMs / fastest.totalMs).toFixed(1)}× faster than ${slowest.path}.` : '';
  const text = `One request's latency by phase, in round trips of each path: ${summary}.${ratio}`;
  const note = options.note ? ` ${options.note}` : '';
  const caption = options.caption ?? ((text + note).length <= displayLimits.maxLabelChars ? text + note : `Latency by phase: ${summary}.${note}`);

  return {
    marks: [
      { mark: 'barX', data: segments, options: { x1: 'startMs', x2: 'endMs', y: 'path', fill: 'phase', title: 'phase', insetTop: 4, insetBottom: 4 } },
      { mark: 'ruleX', data: [0], options: { stroke: 'currentColor', strokeOpacity: 0.5 } },
      { mark: 'text', data: totals, options: { x: 'totalMs', y: 'path', text: 'text', textAnchor: 'start', dx: 5, fill: 'currentColor', fontSize: 12 } },
    ],
    options: {
      height: paths.length * BAR_ROW_PX + 90,
      marginLeft: Math.min(170, labelWidth),
      // The longest bar's total is written past the axis' end, in the right margin, at any figure width.
      marginRight: Math.max(...totals.map((t) => t.text.length)) * CHAR_WIDTH_PX + 12,
      x: { label: 'time since the click (ms)', domain: [0, maxMs], grid: true },
      y: { label: null, domain: labels },
      color: { domain: present.map((p) => p.label), range: present.map((p) => p.colour), legend: true },
    },
    caption: caption.slice(0, displayLimits.maxLabelChars),
    ariaLabel: `Horizontal stacked bars, one per path, of a request's latency split into ${present.map((p) => p.label).join(', ')}. ${summary}.`.slice(0, displayLimits.maxLabelChars),
  };
}
