/**
 * Caps on what one run may show. A cell is the reader's code (or anyone's, pasted from a forum), so its outputs
 * are untrusted data: a 50 MB string or 200,000 chart points would freeze the page that draws them. Every output
 * passes through `capOutput` twice: in the sink, as the cell makes it (so the worker never ships a flood), and on
 * the page before it is drawn (because the worker also runs the cell's code, which can forge its own replies).
 *
 * Capping keeps the start of what was given and records what was cut in `truncated`, a sentence the views show
 * beside the output, so a reader always sees that something is missing. `capOutput` is idempotent: capping a
 * capped output changes nothing, which is what lets the page apply it again.
 */
import type { Trace } from '../sim/trace';
import type { Output, PlotMarkName, PlotOutput } from './outputs';

export const displayLimits = {
  /** Outputs per run; later ones are replaced by a single notice. */
  maxOutputs: 60,
  /** Characters of one text output, and of all console text of a run together. */
  maxTextChars: 100_000,
  /** Lines of console text per run. */
  maxConsoleLines: 2_000,
  /** Table rows kept; the rest are counted in `truncatedFrom`. */
  maxTableRows: 500,
  /** Table columns kept. */
  maxTableColumns: 50,
  /** Characters of one table cell, data field, event label or state string. */
  maxValueChars: 1_000,
  /** Characters of a caption, axis label or accessible label. */
  maxLabelChars: 300,
  /** Rows of one time series (each is a drawn point). */
  maxSeriesRows: 2_000,
  /** Data points of one `display.plot`, summed over its marks. */
  maxPlotPoints: 2_000,
  /** Values of one histogram (only the bins are drawn, so this can be larger). */
  maxHistogramValues: 50_000,
  /** Events of one space-time trace (the simulator's own default cap). */
  maxTraceEvents: 20_000,
  /** Nodes (lanes) of one space-time trace. */
  maxTraceNodes: 100,
  /** Marks of one plot. */
  maxPlotMarks: 20,
  /** How deep plain data is copied; deeper values become a short text. */
  maxDepth: 6,
} as const;

const count = (n: number) => n.toLocaleString('en-US');

/** The start of a string, at most `max` characters; a longer one ends in an ellipsis. */
export function clipString(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A JSON-like copy of any value: strings clipped, arrays and objects shortened, functions and symbols dropped,
 * cycles cut, and nothing deeper than `maxDepth`. What it returns can cross postMessage and be drawn safely.
 */
export function plainData(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  switch (typeof value) {
    case 'string': return clipString(value, displayLimits.maxValueChars);
    case 'number': case 'boolean': case 'undefined': return value;
    case 'bigint': return `${value}n`;
    case 'function': case 'symbol': return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= displayLimits.maxDepth || seen.has(object)) return '[…]';
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return object.slice(0, displayLimits.maxTableRows * 4).map((item) => plainData(item, depth + 1, seen));
    }
    const copy: Record<string, unknown> = {};
    let keys = 0;
    for (const key of Object.keys(object)) {
      if (++keys > displayLimits.maxTableColumns * 2) break;
      const item = plainData((object as Record<string, unknown>)[key], depth + 1, seen);
      if (item !== undefined) copy[clipString(key, displayLimits.maxLabelChars)] = item;
    }
    return copy;
  } catch {
    return '[unreadable]'; // a getter that throws, a revoked proxy
  } finally {
    seen.delete(object);
  }
}

const label = (value: unknown): string | undefined => (typeof value === 'string' ? clipString(value, displayLimits.maxLabelChars) : undefined);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function note(previous: unknown, sentence: string | undefined): string | undefined {
  const kept = typeof previous === 'string' ? clipString(previous, displayLimits.maxLabelChars) : undefined;
  return [kept, sentence].filter(Boolean).join(' ') || undefined;
}

/** Keeps the first `max` items of `items`; says so when it cut any. */
function firstOf<T>(items: readonly T[], max: number, noun: string): { kept: T[]; sentence?: string } {
  if (items.length <= max) return { kept: [...items] };
  return { kept: items.slice(0, max), sentence: `Showing the first ${count(max)} of ${count(items.length)} ${noun}.` };
}

const MARK_NAMES: readonly PlotMarkName[] = ['dot', 'line', 'lineY', 'lineX', 'areaY', 'barY', 'barX', 'rectY', 'rect', 'cell', 'text', 'ruleX', 'ruleY',
  'tickX', 'tickY', 'arrow', 'link', 'frame', 'gridX', 'gridY'];

/**
 * One output within the limits, or a warning text when the value is not an output at all. Strings, rows,
 * points, values, events and lanes beyond the limits are cut, and the cut is described in `truncated`.
 */
export function capOutput(raw: unknown): Output {
  const output = record(raw);
  const caption = label(output.caption);
  const withCaption = <T extends object>(value: T): T => (caption ? { ...value, caption } : value);
  switch (output.kind) {
    case 'text': {
      const text = typeof output.text === 'string' ? output.text : String(plainData(output.text));
      const stream = ['log', 'info', 'warn', 'error'].includes(output.stream as string) ? (output.stream as 'log') : undefined;
      const cut = text.length > displayLimits.maxTextChars;
      const truncated = note(output.truncated, cut ? `Showing the first ${count(displayLimits.maxTextChars)} of ${count(text.length)} characters.` : undefined);
      return { kind: 'text', text: cut ? text.slice(0, displayLimits.maxTextChars) : text, ...(stream ? { stream } : {}), ...(truncated ? { truncated } : {}) };
    }
    case 'error': {
      const phase = output.phase === 'compile' || output.phase === 'timeout' ? output.phase : 'run';
      const at = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
      const line = at(output.line);
      const column = at(output.column);
      return { kind: 'error', message: clipString(String(output.message ?? ''), displayLimits.maxTextChars), phase, ...(line ? { line } : {}), ...(column ? { column } : {}) };
    }
    case 'table': {
      const rows = firstOf(list(output.rows), displayLimits.maxTableRows, 'rows');
      const columns = list(output.columns).slice(0, displayLimits.maxTableColumns).map((c) => clipString(String(c), displayLimits.maxLabelChars));
      const cell = (value: unknown) => (typeof value === 'string' ? clipString(value, displayLimits.maxValueChars) : typeof value === 'object' && value !== null ? plainData(value, displayLimits.maxDepth - 2) : plainData(value));
      const declared = typeof output.truncatedFrom === 'number' && output.truncatedFrom > rows.kept.length ? output.truncatedFrom : undefined;
      const total = rows.sentence ? list(output.rows).length : declared;
      return withCaption({
        kind: 'table' as const,
        columns,
        rows: rows.kept.map((row) => list(row).slice(0, columns.length).map(cell)),
        ...(total ? { truncatedFrom: total } : {}),
        ...(note(output.truncated, undefined) ? { truncated: note(output.truncated, undefined) } : {}),
      });
    }
    case 'timeseries': {
      const rows = firstOf(list(output.rows), displayLimits.maxSeriesRows, 'points');
      const truncated = note(output.truncated, rows.sentence);
      return withCaption({
        kind: 'timeseries' as const,
        rows: rows.kept.map((row) => plainData(record(row), displayLimits.maxDepth - 1) as Record<string, unknown>),
        x: label(output.x) ?? 'x',
        y: label(output.y) ?? 'y',
        ...(label(output.series) ? { series: label(output.series) } : {}),
        ...(label(output.xLabel) ? { xLabel: label(output.xLabel) } : {}),
        ...(label(output.yLabel) ? { yLabel: label(output.yLabel) } : {}),
        ...(truncated ? { truncated } : {}),
      });
    }
    case 'histogram': {
      const values = firstOf(list(output.values).filter((v): v is number => typeof v === 'number'), displayLimits.maxHistogramValues, 'values');
      const truncated = note(output.truncated, values.sentence);
      const bins = typeof output.bins === 'number' && Number.isFinite(output.bins) ? Math.max(1, Math.min(200, Math.round(output.bins))) : undefined;
      return withCaption({
        kind: 'histogram' as const,
        values: values.kept,
        ...(label(output.label) ? { label: label(output.label) } : {}),
        ...(bins ? { bins } : {}),
        ...(truncated ? { truncated } : {}),
      });
    }
    case 'plot': {
      let budget = displayLimits.maxPlotPoints;
      let given = 0;
      const marks = list(output.marks).slice(0, displayLimits.maxPlotMarks).map((m) => {
        const mark = record(m);
        const name = MARK_NAMES.includes(mark.mark as PlotMarkName) ? (mark.mark as PlotMarkName) : 'frame';
        const spec: PlotOutput['marks'][number] = { mark: name, options: plainData(record(mark.options), 1) as Record<string, unknown> };
        if (Array.isArray(mark.data)) {
          given += mark.data.length;
          spec.data = mark.data.slice(0, Math.max(0, budget)).map((d) => plainData(d, 2));
          budget -= spec.data.length;
        }
        return spec;
      });
      const kept = displayLimits.maxPlotPoints - budget;
      const truncated = note(output.truncated, given > kept ? `Showing the first ${count(kept)} of ${count(given)} data points.` : undefined);
      return withCaption({
        kind: 'plot' as const,
        marks,
        ...(output.options !== undefined ? { options: plainData(record(output.options), 1) as Record<string, unknown> } : {}),
        ...(label(output.ariaLabel) ? { ariaLabel: label(output.ariaLabel) } : {}),
        ...(truncated ? { truncated } : {}),
      });
    }
    case 'spacetime': {
      const trace = record(output.trace);
      const events = firstOf(list(trace.events), displayLimits.maxTraceEvents, 'events');
      const nodes = firstOf(list(trace.nodes).map((n) => clipString(String(n), displayLimits.maxLabelChars)), displayLimits.maxTraceNodes, 'nodes');
      const onLane = new Set(nodes.kept);
      const keptEvents = nodes.sentence
        ? events.kept.filter((e) => { const r = record(e); return typeof r.node !== 'string' || onLane.has(r.node); })
        : events.kept;
      const truncated = note(output.truncated, [events.sentence, nodes.sentence].filter(Boolean).join(' ') || undefined);
      const capped: Trace = {
        ...(plainData({ ...trace, events: [], nodes: [] }) as Trace),
        nodes: nodes.kept,
        events: keptEvents.map((e) => plainData(e, 1)) as Trace['events'],
        truncated: Boolean(trace.truncated) || Boolean(events.sentence),
      };
      const highlight = output.highlight === undefined ? undefined : (plainData(record(output.highlight), 2) as NonNullable<import('./outputs').SpaceTimeOutput['highlight']>);
      const labels = list(output.labels).slice(0, displayLimits.maxTraceEvents).map((l) => ({ seq: Number(record(l).seq), text: clipString(String(record(l).text ?? ''), displayLimits.maxLabelChars) }));
      return withCaption({
        kind: 'spacetime' as const,
        trace: capped,
        ...(typeof output.untilMs === 'number' ? { untilMs: output.untilMs } : {}),
        ...(label(output.annotate) ? { annotate: label(output.annotate) } : {}),
        ...(output.labels !== undefined ? { labels } : {}),
        ...(highlight ? { highlight } : {}),
        ...(truncated ? { truncated } : {}),
      });
    }
    default:
      return { kind: 'text', stream: 'warn', text: `Cannot show an output of kind ${clipString(String(plainData(output.kind) ?? 'none'), displayLimits.maxLabelChars)}.` };
  }
}

/** A whole run's outputs within the limits: at most `maxOutputs`, each capped. */
export function capOutputs(raw: unknown): Output[] {
  const outputs = list(raw);
  const kept = outputs.slice(0, displayLimits.maxOutputs).map(capOutput);
  if (outputs.length > displayLimits.maxOutputs) {
    kept[kept.length - 1] = { kind: 'text', stream: 'warn', text: `… ${count(outputs.length - displayLimits.maxOutputs + 1)} more outputs not shown (a run keeps at most ${displayLimits.maxOutputs}).` };
  }
  return kept;
}
