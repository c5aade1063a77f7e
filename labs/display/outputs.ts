/**
 * What a cell (or an exercise prompt) shows: plain, serialisable descriptions of outputs. They are made in Node at
 * build time or in the worker, cross postMessage as data, and are turned into HTML and SVG by the views
 * (src/views/), which alone know about the DOM and Observable Plot. Keeping them data is what lets one cell render
 * the same figure when the site is built and when a reader runs it.
 */
import type { Trace } from '../sim/trace';

/** Text, as printed by `console.log` (stream 'log'), `console.warn`, `console.error`, or shown with `display`. */
export interface TextOutput {
  kind: 'text';
  text: string;
  stream?: 'log' | 'info' | 'warn' | 'error';
  /** What the caps (caps.ts) cut from this output, as a sentence shown beside it. Every kind may carry one. */
  truncated?: string;
}

/** A table: column names and rows of cells (numbers and strings; anything else is shown as JSON). */
export interface TableOutput {
  kind: 'table';
  columns: string[];
  rows: unknown[][];
  caption?: string;
  /** Rows beyond this many are summarised, so a runaway table cannot swamp the page. */
  truncatedFrom?: number;
  truncated?: string;
}

/** A space-time (Lamport) diagram of a simulator trace: one lane per node, messages as arrows. */
export interface SpaceTimeOutput {
  kind: 'spacetime';
  trace: Trace;
  caption?: string;
  /** Only events up to this virtual time (ms) are drawn. */
  untilMs?: number;
  /**
   * Label each event with a field of the node's recorded state (a dotted path, e.g. `clock` or `clock.a`). The
   * value shown is the state after the step the event belongs to, so a receive and the sends of the same step
   * show the same value; a lab that needs a value per event should log it.
   */
  annotate?: string;
  /** Text beside particular events, by the trace `seq` of the event (e.g. each event's logical timestamp). */
  labels?: { seq: number; text: string }[];
  /**
   * Emphasis on particular events, by trace `seq`: one chosen event, the events in its causal past and future,
   * and the events concurrent with it. Drawn as coloured rings, with a legend.
   */
  highlight?: { chosen?: number; past?: number[]; future?: number[]; concurrent?: number[] };
  truncated?: string;
}

/** One or more lines over x, e.g. a measurement over virtual time. Rows are records; x, y and series name fields. */
export interface TimeSeriesOutput {
  kind: 'timeseries';
  rows: Record<string, unknown>[];
  x: string;
  y: string;
  series?: string;
  caption?: string;
  xLabel?: string;
  yLabel?: string;
  truncated?: string;
}

/** A histogram of numbers. */
export interface HistogramOutput {
  kind: 'histogram';
  values: number[];
  caption?: string;
  label?: string;
  /** Roughly how many bins (Plot picks nice thresholds near it). */
  bins?: number;
  truncated?: string;
}

/**
 * Any Observable Plot figure, described as data: each mark names a Plot mark function and its data, and its
 * options may only name fields (strings), not functions, because the description crosses a worker boundary.
 */
export interface PlotOutput {
  kind: 'plot';
  marks: { mark: PlotMarkName; data?: unknown[]; options?: Record<string, unknown> }[];
  options?: Record<string, unknown>;
  caption?: string;
  /** The figure's accessible description; a caption is used when it is missing. */
  ariaLabel?: string;
  truncated?: string;
}

export type PlotMarkName =
  | 'dot' | 'line' | 'lineY' | 'lineX' | 'areaY' | 'barY' | 'barX' | 'rectY' | 'rect' | 'cell' | 'text' | 'ruleX' | 'ruleY'
  | 'tickX' | 'tickY' | 'arrow' | 'link' | 'frame' | 'gridX' | 'gridY';

/** A cell's failure: a message and, when known, the line and column in the cell's TypeScript. */
export interface ErrorOutput {
  kind: 'error';
  message: string;
  phase: 'compile' | 'run' | 'timeout';
  line?: number;
  column?: number;
}

export type Output = TextOutput | TableOutput | SpaceTimeOutput | TimeSeriesOutput | HistogramOutput | PlotOutput | ErrorOutput;

/** Figures (everything drawn) as opposed to text, tables and errors; figures are numbered in a chapter. */
export function isFigure(output: Output): output is SpaceTimeOutput | TimeSeriesOutput | HistogramOutput | PlotOutput {
  return output.kind === 'spacetime' || output.kind === 'timeseries' || output.kind === 'histogram' || output.kind === 'plot';
}
