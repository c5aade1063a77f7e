/**
 * The display API a cell sees as the global `display`: each call appends an Output (labs/display/outputs.ts) to the
 * run's list, in call order, interleaved with console lines. `display(x)` picks a view from the value's shape; the
 * named forms (`display.table`, `display.spaceTime`, ...) say exactly which view and take a caption.
 */
import type { Trace } from '../sim/trace';
import { capOutput, displayLimits } from './caps';
import type { Output, PlotOutput, SpaceTimeOutput, TableOutput } from './outputs';

export { displayLimits };

/** Console text a run may print, leaving room in its text output for the notice that says it was cut. */
const CONSOLE_CHARS = displayLimits.maxTextChars - 200;

export interface Display {
  (value: unknown, options?: { caption?: string }): void;
  text(text: string): void;
  table(rows: readonly unknown[], options?: { columns?: string[]; caption?: string }): void;
  spaceTime(trace: Trace, options?: Omit<SpaceTimeOutput, 'kind' | 'trace'>): void;
  timeSeries(rows: readonly Record<string, unknown>[], options: { x: string; y: string; series?: string; caption?: string; xLabel?: string; yLabel?: string }): void;
  histogram(values: readonly number[], options?: { caption?: string; label?: string; bins?: number }): void;
  plot(spec: Omit<PlotOutput, 'kind'>): void;
}

export interface OutputSink {
  outputs: Output[];
  display: Display;
  console: Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug' | 'table'>;
}

export function isTrace(value: unknown): value is Trace {
  const candidate = value as Partial<Trace> | null;
  return typeof candidate === 'object' && candidate !== null && Array.isArray(candidate.events) && Array.isArray(candidate.nodes);
}

/** Records as a table: the union of their keys in first-seen order, or given columns; primitives as one column. */
export function tableFrom(rows: readonly unknown[], columns?: string[], caption?: string): TableOutput {
  const kept = rows.slice(0, displayLimits.maxTableRows);
  const isRecord = (row: unknown): row is Record<string, unknown> => typeof row === 'object' && row !== null && !Array.isArray(row);
  let names = columns;
  if (!names) {
    const seen = new Set<string>();
    for (const row of kept) if (isRecord(row)) for (const key of Object.keys(row)) seen.add(key);
    names = seen.size > 0 ? [...seen] : ['value'];
  }
  const cells = kept.map((row) => {
    if (isRecord(row)) return names.map((name) => row[name]);
    if (Array.isArray(row)) return names.map((_, i) => row[i]);
    return [row];
  });
  const table: TableOutput = { kind: 'table', columns: names, rows: cells };
  if (caption) table.caption = caption;
  if (rows.length > kept.length) table.truncatedFrom = rows.length;
  return table;
}

/** Formats console arguments the way a reader expects: strings bare, everything else as compact JSON. */
export function formatArgs(args: readonly unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : formatValue(arg))).join(' ');
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Map) return `Map(${value.size}) ${formatValue(Object.fromEntries(value))}`;
  if (value instanceof Set) return `Set(${value.size}) ${formatValue([...value])}`;
  try {
    const seen = new WeakSet<object>();
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    }) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A fresh output list with the display function and console that write into it. */
export function createSink(): OutputSink {
  const outputs: Output[] = [];
  let textChars = 0;
  let textLines = 0;
  let dropped = 0;
  // Every output is capped as it is made (caps.ts), so a flood never reaches the page or even postMessage.
  const push = (raw: Output) => {
    const output = capOutput(raw);
    if (outputs.length >= displayLimits.maxOutputs) {
      // The last slot becomes the notice, so the output it held is not shown either.
      dropped += dropped === 0 ? 2 : 1;
      outputs[outputs.length - 1] = { kind: 'text', stream: 'warn', text: `… ${dropped} more outputs not shown (a run keeps at most ${displayLimits.maxOutputs}).` };
      return;
    }
    outputs.push(output);
  };
  const write = (stream: 'log' | 'info' | 'warn' | 'error', args: readonly unknown[]) => {
    if (textChars >= CONSOLE_CHARS || textLines >= displayLimits.maxConsoleLines) return;
    let text = formatArgs(args);
    const lines = text.split('\n');
    if (textLines + lines.length > displayLimits.maxConsoleLines) text = lines.slice(0, displayLimits.maxConsoleLines - textLines).join('\n');
    if (textChars + text.length + 1 > CONSOLE_CHARS) text = text.slice(0, Math.max(0, CONSOLE_CHARS - textChars));
    textChars += text.length + 1;
    textLines += Math.min(lines.length, displayLimits.maxConsoleLines - textLines);
    if (textChars >= CONSOLE_CHARS || textLines >= displayLimits.maxConsoleLines) {
      text += `\n… truncated: a run prints at most ${displayLimits.maxTextChars.toLocaleString('en-US')} characters and ${displayLimits.maxConsoleLines.toLocaleString('en-US')} lines of console text.`;
    }
    const last = outputs[outputs.length - 1];
    if (last && last.kind === 'text' && last.stream === stream) last.text += `\n${text}`;
    else push({ kind: 'text', stream, text });
  };
  const display = ((value: unknown, options?: { caption?: string }) => {
    const caption = options?.caption;
    if (isTrace(value)) return display.spaceTime(value, { caption });
    if (typeof value === 'string') return display.text(value);
    if (typeof value === 'object' && value !== null && 'kind' in value && typeof (value as Output).kind === 'string') {
      return push({ ...(value as Output), ...(caption ? { caption } : {}) } as Output);
    }
    if (Array.isArray(value) && value.length > 0 && value.every((row) => typeof row === 'object' && row !== null)) {
      return push(tableFrom(value, undefined, caption));
    }
    return display.text(formatValue(value));
  }) as Display;
  display.text = (text) => push({ kind: 'text', text: typeof text === 'string' ? text : formatValue(text) });
  display.table = (rows, options) => {
    if (!Array.isArray(rows)) throw new TypeError('display.table expects an array of rows');
    push(tableFrom(rows, options?.columns, options?.caption));
  };
  display.spaceTime = (trace, options) => {
    if (!isTrace(trace)) throw new TypeError('display.spaceTime expects a trace from the simulator (with nodes and events)');
    push({ ...options, kind: 'spacetime', trace });
  };
  display.timeSeries = (rows, options) => {
    if (!Array.isArray(rows)) throw new TypeError('display.timeSeries expects an array of records');
    if (!options || typeof options.x !== 'string' || typeof options.y !== 'string') {
      throw new TypeError('display.timeSeries needs the names of its x and y fields, e.g. { x: "t", y: "rttMs" }');
    }
    push({ ...options, kind: 'timeseries', rows: rows as Record<string, unknown>[] });
  };
  display.histogram = (values, options) => {
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) throw new TypeError('display.histogram expects an array of numbers');
    push({ ...options, kind: 'histogram', values: values as number[] });
  };
  display.plot = (spec) => {
    if (!spec || !Array.isArray(spec.marks)) throw new TypeError('display.plot expects { marks: [{ mark: "dot", data, options }] }');
    push({ ...spec, kind: 'plot' });
  };
  const console = {
    log: (...args: unknown[]) => write('log', args),
    info: (...args: unknown[]) => write('info', args),
    debug: (...args: unknown[]) => write('log', args),
    warn: (...args: unknown[]) => write('warn', args),
    error: (...args: unknown[]) => write('error', args),
    table: (rows: unknown) => (Array.isArray(rows) ? display.table(rows) : write('log', [rows])),
  };
  return { outputs, display, console };
}
