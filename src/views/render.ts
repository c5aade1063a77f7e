/**
 * Views: turn a cell's outputs (labs/display/outputs.ts) into HTML and SVG. The same code runs at build time
 * against a server-side DOM (so pages read fully with JavaScript off) and in the browser after a reader's run.
 *
 * Every figure is a <figure> with an accessible name, a caption (numbered by CSS counters, see book.css), and a
 * data-table alternative in a <details> element. Colours are mid-tone or `currentColor` so that one rendering
 * reads in both the light and the dark theme.
 */
import * as Plot from '@observablehq/plot';
import type {
  ErrorOutput, HistogramOutput, Output, PlotOutput, SpaceTimeOutput, TableOutput, TextOutput, TimeSeriesOutput,
} from '../../labs/display/outputs';
import { formatValue } from '../../labs/display/api';
import { spaceTimeModel, type SpaceTimeModel } from './spacetime-model';

export interface RenderContext {
  document: Document;
  /** Prefix for element ids, unique per cell on the page (ids tie captions to figures). */
  idPrefix: string;
  /** Caption for the first figure when the output itself has none (from the cell's `caption` attribute). */
  defaultCaption?: string;
  /** Width of figures in CSS pixels. */
  width?: number;
  /**
   * Build each figure's data table only when its <details> is first opened. The page sets this after a run
   * (a figure's table can have thousands of rows, and most readers never open it); the build leaves it off, so
   * the static page has every table for readers without JavaScript.
   */
  deferDataTables?: boolean;
}

const WIDTH = 688;
/** Room under the x axis for its tick labels and, below them, its label (Plot's default puts the two on top of each other). */
const X_LABEL_MARGIN = 44;
const X_LABEL_OFFSET = 38;
/** Events drawn in a space-time diagram at most; the data table lists them all. */
const MAX_DRAWN_EVENTS = 1500;
const MAX_TABLE_ROWS_SHOWN = 500;
/** Rows of a figure's data table at most (it stands in for the figure, so it may be longer than a plain table). */
const MAX_DATA_ROWS = 2000;

/** Renders all outputs of one run into a fragment, numbering nothing itself (CSS does). */
export function renderOutputs(outputs: readonly Output[], context: RenderContext): DocumentFragment {
  const fragment = context.document.createDocumentFragment();
  const figures = { count: 0 };
  outputs.forEach((output, index) => fragment.append(...renderNumbered(output, index, context, figures)));
  return fragment;
}

/**
 * The same as renderOutputs, but waits on `pause` between outputs, so drawing a run's outputs never holds the
 * page for longer than one output takes (each is capped, see labs/display/caps.ts). The fragment is complete when
 * the promise resolves; the caller swaps it in at once, so the previous outputs stay until then.
 */
export async function renderOutputsGradually(outputs: readonly Output[], context: RenderContext, pause: () => Promise<unknown>): Promise<DocumentFragment> {
  const fragment = context.document.createDocumentFragment();
  const figures = { count: 0 };
  for (const [index, output] of outputs.entries()) {
    if (index > 0) await pause();
    fragment.append(...renderNumbered(output, index, context, figures));
  }
  return fragment;
}

function renderNumbered(output: Output, index: number, context: RenderContext, figures: { count: number }): Element[] {
  const id = `${context.idPrefix}-o${index}`;
  const isFigure = output.kind === 'spacetime' || output.kind === 'timeseries' || output.kind === 'histogram' || output.kind === 'plot';
  const caption = 'caption' in output && output.caption ? output.caption : isFigure && figures.count === 0 ? context.defaultCaption : undefined;
  if (isFigure) figures.count += 1;
  const element = renderOutput(output, { ...context, idPrefix: id }, caption);
  if (!('truncated' in output) || !output.truncated) return [element];
  // What the caps cut is said in words next to the output, never silently dropped.
  const marker = el(context.document, 'p', { class: 'hb-truncated' });
  marker.append(el(context.document, 'strong', {}, 'Truncated: '), context.document.createTextNode(output.truncated));
  return [element, marker];
}

export function renderOutput(output: Output, context: RenderContext, caption?: string): Element {
  switch (output.kind) {
    case 'text': return renderText(output, context);
    case 'error': return renderError(output, context);
    case 'table': return renderTableOutput(output, context);
    case 'spacetime': return renderSpaceTime(output, context, caption);
    case 'timeseries': return renderTimeSeries(output, context, caption);
    case 'histogram': return renderHistogram(output, context, caption);
    case 'plot': return renderPlot(output, context, caption);
    default: {
      const unknown = output as { kind?: unknown };
      return renderText({ kind: 'text', stream: 'warn', text: `Cannot show an output of kind ${formatValue(unknown.kind)}.` }, context);
    }
  }
}

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** How many lines `text` takes in a box `width` characters wide, each line wrapped on its own. */
export function wrappedLines(text: string, width: number): number {
  return text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / width)), 0);
}

function renderText(output: TextOutput, { document }: RenderContext): Element {
  const stream = output.stream ?? 'display';
  const pre = el(document, 'pre', { class: `hb-text hb-text-${stream}` });
  // Long text scrolls inside its box (24rem high); a scrolling region must be reachable from the keyboard. Lines
  // wrap, so count them as a phone shows them: about 36 characters to a line at 390 px.
  if (wrappedLines(output.text, 36) > 14) {
    pre.setAttribute('tabindex', '0');
    pre.setAttribute('role', 'region');
    pre.setAttribute('aria-label', stream === 'display' ? 'Text output' : `Console output (${stream})`);
  }
  if (stream === 'warn' || stream === 'error') pre.append(el(document, 'span', { class: 'sr-only' }, stream === 'warn' ? 'Warning: ' : 'Error: '));
  pre.append(document.createTextNode(output.text));
  return pre;
}

function renderError(output: ErrorOutput, { document }: RenderContext): Element {
  const box = el(document, 'div', { class: 'hb-error', role: 'alert' });
  const where = output.line !== undefined ? `Line ${output.line}${output.column !== undefined ? `, column ${output.column}` : ''}` : undefined;
  const heading = output.phase === 'compile' ? 'The cell does not compile' : output.phase === 'timeout' ? 'The cell was stopped' : 'The cell threw an error';
  box.append(el(document, 'strong', {}, where ? `${heading} · ${where}` : heading));
  box.append(el(document, 'pre', {}, output.message));
  if (output.line !== undefined) box.dataset.line = String(output.line);
  return box;
}

/** A plain HTML table; numbers right-aligned and rounded for reading (the data keeps full precision). */
export function renderTable(document: Document, columns: readonly string[], rows: readonly unknown[][], caption?: string, totalRows?: number, maxRows = MAX_TABLE_ROWS_SHOWN): HTMLTableElement {
  const table = el(document, 'table', { class: 'hb-table' });
  if (caption) table.append(el(document, 'caption', {}, caption));
  const head = el(document, 'thead');
  const headRow = el(document, 'tr');
  for (const column of columns) headRow.append(el(document, 'th', { scope: 'col' }, column));
  head.append(headRow);
  table.append(head);
  const body = el(document, 'tbody');
  for (const row of rows.slice(0, maxRows)) {
    const tr = el(document, 'tr');
    for (const cell of row) {
      const td = el(document, 'td', {}, formatCell(cell));
      if (typeof cell === 'number') td.className = 'num';
      tr.append(td);
    }
    body.append(tr);
  }
  const total = totalRows ?? rows.length;
  if (total > Math.min(rows.length, maxRows)) {
    const tr = el(document, 'tr');
    tr.append(el(document, 'td', { colspan: String(columns.length), class: 'hb-table-more' }, `… and ${total - Math.min(rows.length, maxRows)} more rows`));
    body.append(tr);
  }
  table.append(body);
  return table;
}

export function formatCell(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  }
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return formatValue(value);
}

function renderTableOutput(output: TableOutput, context: RenderContext): Element {
  const wrapper = el(context.document, 'div', { class: 'hb-table-wrap', tabindex: '0', role: 'region', 'aria-label': output.caption ?? 'Table of results' });
  wrapper.append(renderTable(context.document, output.columns, output.rows, output.caption, output.truncatedFrom));
  return wrapper;
}

/** A <figure> holding a chart, its caption and its data table. */
function figure(context: RenderContext, chart: Element, caption: string | undefined, label: string, data: { columns: string[]; rows: unknown[][] }, kind: string): Element {
  const { document, idPrefix } = context;
  sanitizeChart(chart);
  const fig = el(document, 'figure', { class: `hb-figure hb-figure-${kind}`, id: idPrefix });
  const captionId = `${idPrefix}-caption`;
  fig.setAttribute('aria-labelledby', captionId);
  // Plot labels its marks' <g> elements with aria-label; a label needs a role to be valid.
  for (const group of Array.from(chart.querySelectorAll('g[aria-label]'))) group.setAttribute('role', 'group');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', label);
  // On a narrow screen a chart scrolls in this box, and a box that scrolls must take keyboard focus, unless it holds
  // something that does (a space-time diagram's events, which the page script makes focusable).
  const focusable: Record<string, string> = chart.querySelector('[data-hb-events]') ? {} : { tabindex: '0', role: 'region', 'aria-label': `Chart: ${label}` };
  const scroller = el(document, 'div', { class: 'hb-chart', ...focusable });
  scroller.append(chart);
  fig.append(scroller);
  const figcaption = el(document, 'figcaption', { id: captionId });
  figcaption.append(el(document, 'span', { class: 'hb-figure-text' }, caption ?? label));
  fig.append(figcaption);
  const details = el(document, 'details', { class: 'hb-data' });
  details.append(el(document, 'summary', {}, 'Data table'));
  const wrap = el(document, 'div', { class: 'hb-table-wrap', tabindex: '0', role: 'region', 'aria-label': `Data table: ${caption ?? label}` });
  const fill = () => wrap.append(renderTable(document, data.columns, data.rows, undefined, undefined, MAX_DATA_ROWS));
  if (context.deferDataTables) details.addEventListener('toggle', () => { if (details.open && !wrap.firstChild) fill(); });
  else fill();
  details.append(wrap);
  fig.append(details);
  return fig;
}

/** Roles of highlighted events: ring colour and the name used in the legend and tooltips. */
const EMPHASIS: Record<string, { color: string; name: string }> = {
  chosen: { color: '#e15759', name: 'chosen event' },
  past: { color: '#4e79a7', name: 'in its causal past' },
  future: { color: '#59a14f', name: 'in its causal future' },
  concurrent: { color: '#b07aa1', name: 'concurrent with it' },
};

const EVENT_COLORS: Record<string, string> = {
  send: '#4e79a7',
  deliver: '#59a14f',
  drop: '#e15759',
  timer: '#b07aa1',
  crash: '#e15759',
  restart: '#59a14f',
  log: '#9c755f',
  request: '#f28e2b',
  reply: '#f28e2b',
};

function renderSpaceTime(output: SpaceTimeOutput, context: RenderContext, caption?: string): Element {
  const model = spaceTimeModel(output.trace, { untilMs: output.untilMs, annotate: output.annotate, maxEvents: MAX_DRAWN_EVENTS, labels: output.labels, highlight: output.highlight });
  const width = context.width ?? WIDTH;
  const laneHeight = 70;
  const height = Math.max(170, model.nodes.length * laneHeight + 70);
  const label = spaceTimeLabel(model);
  const chart = Plot.plot({
    document: context.document,
    width,
    height,
    marginLeft: 56,
    marginRight: 24,
    marginTop: 28,
    style: { background: 'transparent', color: 'currentColor', fontSize: '12px', overflow: 'visible' },
    x: { label: 'virtual time (ms) →', domain: [0, model.endMs], nice: false, grid: true },
    y: { domain: [-0.6, Math.max(0, model.nodes.length - 1) + 0.6], reverse: true, ticks: model.nodes.map((_, i) => i), tickFormat: (i: number) => model.nodes[i] ?? '', label: null, tickSize: 0 },
    marks: [
      Plot.rectX(model.partitions, { x1: 'fromMs', x2: 'toMs', fill: 'currentColor', fillOpacity: 0.08, title: 'label' }),
      Plot.text(model.partitions, { x: (d: { fromMs: number; toMs: number }) => (d.fromMs + d.toMs) / 2, frameAnchor: 'top', dy: -14, text: () => 'partition', fill: 'currentColor' }),
      Plot.ruleY(model.nodes.map((_, i) => i), { x1: 0, x2: model.endMs, stroke: 'currentColor', strokeOpacity: 0.45 }),
      Plot.ruleY(model.downtime, { y: 'lane', x1: 'fromMs', x2: 'toMs', stroke: '#e15759', strokeWidth: 3, strokeDasharray: '2,3' }),
      Plot.ruleY(model.pauses, { y: 'lane', x1: 'fromMs', x2: 'toMs', stroke: '#f28e2b', strokeWidth: 6, strokeOpacity: 0.6 }),
      Plot.arrow(model.messages, { x1: 'sendMs', y1: 'fromLane', x2: 'deliverMs', y2: 'toLane', stroke: '#4e79a7', strokeWidth: 1.3, headLength: 7, inset: 3, title: 'label' }),
      Plot.link(model.drops, { x1: 'sendMs', y1: 'fromLane', x2: 'dropMs', y2: 'endLane', stroke: '#e15759', strokeDasharray: '4,3', strokeWidth: 1.2, title: 'label' }),
      Plot.dot(model.drops, { x: 'dropMs', y: 'endLane', symbol: 'times', stroke: '#e15759', r: 4, strokeWidth: 2, title: 'label' }),
      Plot.text(model.crashes, { x: 't', y: 'lane', text: () => '✕ crash', fill: '#e15759', dy: -12, fontWeight: 'bold' }),
      Plot.text(model.restarts, { x: 't', y: 'lane', text: (d: { durable: boolean }) => (d.durable ? '↻ restart' : '↻ restart (no disk)'), fill: '#59a14f', dy: -12 }),
      // Labels alternate below and above their lane, so neighbouring events do not print over each other.
      Plot.text(model.annotations.filter((_, i) => i % 2 === 0), { x: 't', y: 'lane', text: 'text', dy: 15, fill: 'currentColor', fontSize: 10 }),
      Plot.text(model.annotations.filter((_, i) => i % 2 === 1), { x: 't', y: 'lane', text: 'text', dy: -15, fill: 'currentColor', fontSize: 10 }),
      ...(['past', 'future', 'concurrent', 'chosen'] as const).map((role) => Plot.dot(model.emphasis.filter((d) => d.role === role), {
        x: 't', y: 'lane', r: role === 'chosen' ? 9 : 7, stroke: EMPHASIS[role]!.color, strokeWidth: 2.5, fill: 'none',
        strokeDasharray: role === 'concurrent' ? '2,2' : undefined, title: (d: { label: string }) => `${EMPHASIS[role]!.name}: ${d.label}`,
      })),
      Plot.dot(model.events, { x: 't', y: 'lane', r: 3.5, fill: (d: { kind: string }) => EVENT_COLORS[d.kind] ?? 'currentColor', title: 'label' }),
    ],
  });
  // Event dots carry data-* hooks so the page script can make them keyboard-focusable (src/client/figures.ts).
  // The event dots are the last dot mark drawn (after the highlight rings), so they sit on top and are found here.
  const dots = chart.querySelectorAll('g[aria-label="dot"]');
  const eventDots = dots[dots.length - 1];
  if (eventDots) {
    eventDots.setAttribute('data-hb-events', '');
    eventDots.querySelectorAll('circle').forEach((circle, i) => {
      const event = model.events[i];
      if (event) circle.setAttribute('data-label', event.label);
    });
  }
  chart.setAttribute('data-hb-spacetime', '');
  const notes: string[] = [];
  if (model.omitted > 0) {
    const listed = model.table.rows.length > MAX_DATA_ROWS ? `the data table lists the first ${MAX_DATA_ROWS} of ${model.table.rows.length} events` : 'the data table lists every event';
    notes.push(`${plural(model.omitted, 'later event')} not drawn; ${listed}.`);
  }
  if (output.trace.truncated) notes.push('The trace hit its size cap and was truncated.');
  const fig = figure(context, chart, caption, label, model.table, 'spacetime');
  if (model.emphasis.length) {
    const legend = el(context.document, 'p', { class: 'hb-legend' });
    for (const role of ['chosen', 'past', 'future', 'concurrent']) {
      if (!model.emphasis.some((e) => e.role === role)) continue;
      const item = el(context.document, 'span', { class: 'hb-legend-item' });
      const swatch = el(context.document, 'span', { class: `hb-swatch hb-swatch-${role}`, 'aria-hidden': 'true' });
      swatch.style.borderColor = EMPHASIS[role]!.color;
      item.append(swatch, context.document.createTextNode(EMPHASIS[role]!.name));
      legend.append(item);
    }
    fig.querySelector('.hb-chart')?.after(legend);
  }
  if (notes.length) fig.querySelector('figcaption')?.append(el(context.document, 'span', { class: 'hb-figure-note' }, ` ${notes.join(' ')}`));
  return fig;
}

function spaceTimeLabel(model: SpaceTimeModel): string {
  const parts = [`Space-time diagram of ${plural(model.nodes.length, 'node')} (${model.nodes.join(', ')}) over ${round(model.endMs)} ms`,
    `${plural(model.messages.length, 'message')} delivered`, `${model.drops.length} dropped`];
  if (model.crashes.length) parts.push(plural(model.crashes.length, 'crash', 'crashes'));
  if (model.partitions.length) parts.push(plural(model.partitions.length, 'partition'));
  return `${parts.join(', ')}.`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function round(value: number): number {
  return Number(value.toFixed(2));
}

function renderTimeSeries(output: TimeSeriesOutput, context: RenderContext, caption?: string): Element {
  const { rows, x, y, series } = output;
  const label = `Line chart of ${output.yLabel ?? y} against ${output.xLabel ?? x}${series ? `, one line per ${series}` : ''}, ${rows.length} points.`;
  const chart = Plot.plot({
    document: context.document,
    width: context.width ?? WIDTH,
    height: 300,
    marginLeft: 56,
    style: { background: 'transparent', color: 'currentColor', fontSize: '12px' },
    color: series ? { legend: true, type: 'ordinal', scheme: 'tableau10' } : undefined,
    marginBottom: X_LABEL_MARGIN,
    x: { label: output.xLabel ?? x, grid: true, labelOffset: X_LABEL_OFFSET },
    y: { label: output.yLabel ?? y, grid: true },
    marks: [
      Plot.lineY(rows, { x, y, stroke: series ?? '#4e79a7', strokeWidth: 1.8 }),
      Plot.dot(rows, { x, y, fill: series ?? '#4e79a7', r: 2.5, title: (d: Record<string, unknown>) => `${x}=${formatCell(d[x])}, ${y}=${formatCell(d[y])}${series ? `, ${series}=${formatCell(d[series])}` : ''}` }),
    ],
  });
  const columns = series ? [x, y, series] : [x, y];
  return figure(context, chart, caption, label, { columns, rows: rows.map((row) => columns.map((c) => row[c])) }, 'timeseries');
}

function renderHistogram(output: HistogramOutput, context: RenderContext, caption?: string): Element {
  const values = output.values.filter((v) => Number.isFinite(v));
  const name = output.label ?? 'value';
  const label = `Histogram of ${values.length} values of ${name}.`;
  const chart = Plot.plot({
    document: context.document,
    width: context.width ?? WIDTH,
    height: 260,
    marginLeft: 56,
    style: { background: 'transparent', color: 'currentColor', fontSize: '12px' },
    marginBottom: X_LABEL_MARGIN,
    x: { label: name, grid: false, labelOffset: X_LABEL_OFFSET },
    y: { label: 'count', grid: true },
    marks: [
      Plot.rectY(values, { ...Plot.binX({ y: 'count' }, { x: (d: number) => d, thresholds: output.bins ?? 20 }), fill: '#4e79a7', inset: 0.5 }),
      Plot.ruleY([0]),
    ],
  });
  const sorted = [...values].sort((a, b) => a - b);
  const quantile = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  const rows: unknown[][] = [['count', sorted.length], ['min', sorted[0]], ['median', quantile(0.5)], ['90th percentile', quantile(0.9)], ['max', sorted[sorted.length - 1]]];
  return figure(context, chart, caption, label, { columns: ['statistic', name], rows }, 'histogram');
}

const MARKS: Record<PlotOutput['marks'][number]['mark'], (data: unknown[] | undefined, options: Record<string, unknown>) => Plot.Markish> = {
  dot: (d, o) => Plot.dot(d, o), line: (d, o) => Plot.line(d, o), lineY: (d, o) => Plot.lineY(d, o), lineX: (d, o) => Plot.lineX(d, o),
  areaY: (d, o) => Plot.areaY(d, o), barY: (d, o) => Plot.barY(d, o), barX: (d, o) => Plot.barX(d, o), rectY: (d, o) => Plot.rectY(d, o),
  rect: (d, o) => Plot.rect(d, o), cell: (d, o) => Plot.cell(d, o), text: (d, o) => Plot.text(d, o), ruleX: (d, o) => Plot.ruleX(d, o),
  ruleY: (d, o) => Plot.ruleY(d, o), tickX: (d, o) => Plot.tickX(d, o), tickY: (d, o) => Plot.tickY(d, o), arrow: (d, o) => Plot.arrow(d, o),
  link: (d, o) => Plot.link(d, o), frame: (_d, o) => Plot.frame(o), gridX: (_d, o) => Plot.gridX(o), gridY: (_d, o) => Plot.gridY(o),
};

/** Elements a chart may contain: what Plot draws (SVG marks, legends) and nothing that loads or runs anything. */
const CHART_ELEMENTS = new Set(['svg', 'g', 'path', 'line', 'rect', 'circle', 'ellipse', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc',
  'style', 'a', 'defs', 'clippath', 'marker', 'pattern', 'lineargradient', 'radialgradient', 'stop', 'symbol', 'use', 'div', 'span', 'figure',
  'figcaption', 'h2', 'h3', 'p']);
const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'srcset', 'ping']);

/** True for a link a chart may carry: http, https, or a relative address (resolved against this page). */
export function isSafeHref(value: string): boolean {
  try {
    const url = new URL(value, 'https://book.invalid/chapter/');
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A style or paint that loads nothing from elsewhere (only `url(#id)` references within the page). */
function isSafeStyleValue(value: string): boolean {
  const plain = value.replace(/\\/g, '').toLowerCase();
  if (/@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding/.test(plain)) return false;
  if (/position\s*:\s*(fixed|sticky|absolute)/.test(plain)) return false;
  for (const match of plain.matchAll(/url\s*\(\s*(['"]?)([^)'"]*)/g)) if (!match[2]!.trim().startsWith('#')) return false;
  return true;
}

/**
 * Removes from a drawn chart everything a cell's data or options could use to run script, load from another
 * origin or cover the page: unknown elements (script, foreignObject, iframe, image…), event-handler attributes,
 * links other than http(s) and relative ones, and styles that load resources or position themselves over the
 * page. Plot writes text as text, so titles, labels and data stay inert; this covers the channels Plot turns into
 * attributes (`href`, `target`, styles and paints).
 */
export function sanitizeChart(root: Element): void {
  const walk = (element: Element): void => {
    for (const child of Array.from(element.children)) {
      if (!CHART_ELEMENTS.has(child.localName.toLowerCase())) {
        child.remove();
        continue;
      }
      for (const attribute of Array.from(child.attributes)) {
        const name = attribute.name.toLowerCase();
        const unsafe = name.startsWith('on')
          || (URL_ATTRIBUTES.has(name) && !(child.localName === 'use' ? attribute.value.trim().startsWith('#') : isSafeHref(attribute.value)))
          || ((name === 'style' || /url\s*\(/i.test(attribute.value)) && !isSafeStyleValue(attribute.value));
        if (unsafe) child.removeAttribute(attribute.name);
      }
      if (child.localName === 'style' && !isSafeStyleValue(child.textContent ?? '')) child.remove();
      else if (child.localName === 'a') {
        if (child.hasAttribute('target')) child.setAttribute('rel', 'noopener noreferrer');
        walk(child);
      } else walk(child);
    }
  };
  const wrapper = root.ownerDocument.createElement('div');
  const parent = root.parentNode;
  const next = root.nextSibling;
  wrapper.append(root);
  walk(wrapper);
  if (parent) parent.insertBefore(root, next);
}

function renderPlot(output: PlotOutput, context: RenderContext, caption?: string): Element {
  const marks = output.marks.map((spec, i) => {
    const make = MARKS[spec.mark];
    if (!make) throw new Error(`display.plot: mark ${i + 1} names "${String(spec.mark)}", which is not one of ${Object.keys(MARKS).join(', ')}`);
    return make(spec.data, spec.options ?? {});
  });
  // The figure's own style and the document are the book's to set, never the cell's.
  const { style: _style, document: _document, ...options } = output.options ?? {};
  const x = options.x as Record<string, unknown> | undefined;
  const chart = Plot.plot({
    width: context.width ?? WIDTH,
    style: { background: 'transparent', color: 'currentColor', fontSize: '12px' },
    // Plot puts the x label at the axis' right end, where it runs into wide tick labels: make room below them and
    // lower it, unless the cell has no x axis or placed the label itself.
    ...(x?.axis === null || options.marginBottom !== undefined || x?.labelOffset !== undefined
      ? options
      : { ...options, marginBottom: X_LABEL_MARGIN, x: { ...x, labelOffset: X_LABEL_OFFSET } }),
    document: context.document,
    marks,
  });
  const label = output.ariaLabel ?? caption ?? 'Chart';
  const first = output.marks.find((m) => Array.isArray(m.data) && m.data.length > 0 && typeof m.data[0] === 'object');
  const rows = (first?.data ?? []) as Record<string, unknown>[];
  const columns = rows.length ? Object.keys(rows[0]) : ['value'];
  return figure(context, chart as unknown as Element, caption, label, { columns, rows: rows.map((row) => columns.map((c) => row[c])) }, 'plot');
}
