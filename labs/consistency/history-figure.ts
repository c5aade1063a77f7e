/**
 * A history drawn as the literature draws it (Herlihy and Wing 1990, Figure 1): one lane per client, each
 * operation a bar from its invocation to its response, with what it did written beside it. Given the checker's
 * result, the figure shows the argument: for a linearizable history, a numbered point inside each bar where the
 * operation can be taken to happen; for a violation, the longest legal prefix (numbered the same way), the
 * operation that cannot be placed, in its own colour, a rule at its response, and the explanation as the caption.
 *
 * The result is a `display.plot` spec: plain data and options only (it crosses from the worker to the page), so no
 * functions. Every mark's colour is named in the legend. Labels go above or below their bar, whichever is free in
 * that lane; a label that fits nowhere is left out rather than drawn over another (with more than `maxLabels`
 * operations, all are left out and the caption says so).
 */
import type { PlotOutput } from '../display/outputs';
import { displayLimits } from '../display/caps';
import { formatMs } from '../sim/trace';
import type { History, Model, Operation } from './history';
import type { LinearizabilityResult } from './linearizability';

export interface HistoryFigureOptions {
  /** The caption; default: the checker's explanation, or a count of operations and clients. */
  caption?: string;
  /** Write each operation's description beside its bar when the history has at most this many; default 12. */
  maxLabels?: number;
  /** Used to describe operations; without it, labels show the input and output as JSON. */
  model?: Pick<Model, 'describeOperation'>;
}

/** What a bar or mark stands for; the legend shows these words. */
export const HISTORY_ROLES = {
  operation: 'operation',
  prefix: 'in the longest legal prefix',
  blocked: 'cannot be placed',
  info: 'no response (indeterminate)',
  fail: 'failed (no effect)',
  point: 'linearization point, numbered in order',
} as const;

type Role = (typeof HISTORY_ROLES)[keyof typeof HISTORY_ROLES];

/** Colours that read on light and dark pages alike (Tableau 10), one per role. */
const ROLE_COLOURS: Record<Role, string> = {
  [HISTORY_ROLES.operation]: '#4e79a7',
  [HISTORY_ROLES.prefix]: '#59a14f',
  [HISTORY_ROLES.blocked]: '#e15759',
  [HISTORY_ROLES.info]: '#9c755f',
  [HISTORY_ROLES.fail]: '#bab0ac',
  [HISTORY_ROLES.point]: '#d37400',
};

/** Layout assumptions for placing labels: the book's figure width, Plot's default 12 px font. */
const PLOT_INNER_WIDTH_PX = 560;
const CHAR_WIDTH_PX = 7;
const LABEL_GAP_PX = 8;
const LANE_HEIGHT_PX = 64;
const LABEL_OFFSET_PX = 23;

export interface HistoryBar {
  id: number;
  client: string;
  startMs: number;
  endMs: number;
  role: Role;
  label: string;
  /** Indeterminate (`info`): drawn dashed and open to the right edge whatever its role. */
  open: boolean;
}

export interface HistoryLabel {
  id: number;
  client: string;
  atMs: number;
  text: string;
  /** Above (-1) or below (+1) its bar. */
  side: -1 | 1;
}

/** Draws `history` (and, when given, the checker's `result` on it) as a `display.plot` spec; see the module comment. */
export function historyFigure(
  history: History,
  result?: LinearizabilityResult,
  options: HistoryFigureOptions = {},
): Omit<PlotOutput, 'kind'> {
  const clients = [...new Set(history.map((op) => op.client))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const byId = new Map(history.map((op) => [op.id, op]));
  const describe = (op: Operation): string => {
    const output = op.status === 'ok' ? op.output : undefined;
    return options.model ? options.model.describeOperation(op.input, output) : `${JSON.stringify(op.input)} → ${JSON.stringify(output) ?? '?'}`;
  };

  // Numbered points: the checker's for ok; for a violation, the prefix's, placed by the same greedy rule
  // (point_k = max(invoke_k, point_{k-1}), which stays inside each interval for any order that respects real time).
  let numbered: { id: number; atMs: number }[] = [];
  if (result?.verdict === 'ok' && result.points) numbered = result.points;
  if (result?.verdict === 'violation' && result.violation) {
    let at = -Infinity;
    numbered = result.violation.prefix.map((id) => {
      at = Math.max(at, (byId.get(id) as Operation).invokeMs);
      return { id, atMs: at };
    });
  }
  const inPrefix = new Set(result?.verdict === 'violation' ? (result.violation?.prefix ?? []) : []);
  const blockedId = result?.verdict === 'violation' ? result.violation?.blocked : undefined;

  const times = history.flatMap((op) => (op.returnMs === undefined ? [op.invokeMs] : [op.invokeMs, op.returnMs]));
  const minMs = times.length ? Math.min(...times) : 0;
  const lastMs = times.length ? Math.max(...times, ...numbered.map((p) => p.atMs)) : 1;
  // Open-ended bars run to the right edge, a little past the last event, so they read as unfinished.
  const edgeMs = lastMs + Math.max(1, (lastMs - minMs) * 0.12);
  const spanMs = Math.max(edgeMs - minMs, 1e-9);

  const bars: HistoryBar[] = history.map((op) => {
    let role: Role = HISTORY_ROLES.operation;
    if (op.status === 'info') role = HISTORY_ROLES.info;
    else if (op.status === 'fail') role = HISTORY_ROLES.fail;
    if (inPrefix.has(op.id)) role = HISTORY_ROLES.prefix;
    if (op.id === blockedId) role = HISTORY_ROLES.blocked;
    const label = describe(op) + (op.status === 'info' ? ' (no response)' : op.status === 'fail' ? ' (failed)' : '');
    return { id: op.id, client: op.client, startMs: op.invokeMs, endMs: op.returnMs ?? edgeMs, role, label, open: op.status === 'info' };
  });

  const maxLabels = options.maxLabels ?? 12;
  const { labels, dropped } = history.length <= maxLabels ? placeLabels(bars, minMs, edgeMs, spanMs) : { labels: [], dropped: bars.length };

  const pointRows = numbered.map((p, k) => ({ id: p.id, client: (byId.get(p.id) as Operation).client, atMs: p.atMs, order: k + 1, role: HISTORY_ROLES.point }));
  const rolesPresent = (Object.values(HISTORY_ROLES) as Role[]).filter(
    (role) => bars.some((b) => b.role === role) || (role === HISTORY_ROLES.point && pointRows.length > 0),
  );

  const marks: PlotOutput['marks'] = [
    // Closed operations: solid bars.
    {
      mark: 'barX',
      data: bars.filter((b) => !b.open),
      options: { x1: 'startMs', x2: 'endMs', y: 'client', fill: 'role', fillOpacity: 0.55, stroke: 'role', title: 'label' },
    },
    // Indeterminate operations: faint, dashed, open to the right edge, also when the checker placed them.
    {
      mark: 'barX',
      data: bars.filter((b) => b.open),
      options: { x1: 'startMs', x2: 'endMs', y: 'client', fill: 'role', fillOpacity: 0.15, stroke: 'role', strokeDasharray: '5 4', title: 'label' },
    },
  ];
  if (blockedId !== undefined) {
    const blocked = byId.get(blockedId) as Operation;
    marks.push({
      mark: 'ruleX',
      data: [{ atMs: blocked.returnMs, role: HISTORY_ROLES.blocked }],
      options: { x: 'atMs', stroke: 'role', strokeDasharray: '3 3', strokeWidth: 1.5 },
    });
  }
  marks.push(
    {
      mark: 'text',
      data: labels.filter((l) => l.side === -1),
      options: { x: 'atMs', y: 'client', text: 'text', dy: -LABEL_OFFSET_PX, fill: 'currentColor' },
    },
    {
      mark: 'text',
      data: labels.filter((l) => l.side === 1),
      options: { x: 'atMs', y: 'client', text: 'text', dy: LABEL_OFFSET_PX, fill: 'currentColor' },
    },
    { mark: 'dot', data: pointRows, options: { x: 'atMs', y: 'client', r: 8, fill: 'role', stroke: 'white', strokeWidth: 1 } },
    { mark: 'text', data: pointRows, options: { x: 'atMs', y: 'client', text: 'order', fill: 'white', fontWeight: 'bold', fontSize: 10 } },
  );

  const ops = history.length;
  const counts = `${ops} operation${ops === 1 ? '' : 's'} by ${clients.length} client${clients.length === 1 ? '' : 's'}`;
  const droppedNote = dropped === 0 ? '' : ` (labels left out for ${dropped} operation${dropped === 1 ? '' : 's'}; hover a bar for its description)`;
  // A caption is capped (labs/display/caps.ts); an explanation too long for one gives way to a summary, and the
  // cell prints the whole explanation as text.
  // First choice the whole explanation, then for a violation the reason the blocked operation cannot be placed,
  // then a summary of the verdict.
  const fits = (text: string | undefined): text is string => text !== undefined && text.length + droppedNote.length <= displayLimits.maxLabelChars;
  const reason = result?.violation ? `Not linearizable: ${result.violation.reason}.` : undefined;
  const summary = result ? `A history of ${counts}: ${verdictWords(result, blockedId, inPrefix.size)}.` : `A history of ${counts}.`;
  const caption = (options.caption ?? [result?.explanation, reason].find(fits) ?? summary) + droppedNote;
  return {
    marks,
    options: {
      height: clients.length * LANE_HEIGHT_PX + 70,
      marginLeft: 60,
      marginRight: 20,
      marginTop: 30,
      x: { label: 'time (ms)', domain: [minMs, edgeMs], grid: true },
      y: { label: null, domain: clients, padding: 0.55 },
      color: { domain: rolesPresent, range: rolesPresent.map((role) => ROLE_COLOURS[role]), legend: true },
    },
    caption,
    ariaLabel:
      `Timeline of ${counts}, one lane per client (${clients.join(', ')}), each operation a bar from invocation to ` +
      `response: ${result ? verdictWords(result, blockedId, inPrefix.size) : 'not checked'}. Operations from ${formatMs(minMs)} ms to ${formatMs(lastMs)} ms.`,
  };
}

/**
 * Places each bar's label above or below it, centred on the bar (kept inside the plot), in the first of the two
 * rows where its estimated width does not overlap a label already there in that lane. Rows of neighbouring lanes
 * are 18 px apart (lanes 64 px, labels 23 px off the centre), more than a line of text, so only labels in the same
 * lane and row can collide.
 */
export function placeLabels(bars: HistoryBar[], minMs: number, edgeMs: number, spanMs: number): { labels: HistoryLabel[]; dropped: number } {
  const pxPerMs = PLOT_INNER_WIDTH_PX / spanMs;
  const taken = new Map<string, [number, number][]>();
  const labels: HistoryLabel[] = [];
  let dropped = 0;
  const ordered = [...bars].sort((a, b) => a.startMs - b.startMs || a.id - b.id);
  for (const bar of ordered) {
    const halfMs = (bar.label.length * CHAR_WIDTH_PX) / 2 / pxPerMs;
    const gapMs = LABEL_GAP_PX / pxPerMs;
    const centre = Math.min(Math.max((bar.startMs + bar.endMs) / 2, minMs + halfMs), edgeMs - halfMs);
    const box: [number, number] = [centre - halfMs - gapMs / 2, centre + halfMs + gapMs / 2];
    let placed = false;
    for (const side of [-1, 1] as const) {
      const row = `${bar.client}\u0000${side}`;
      const boxes = taken.get(row) ?? [];
      if (boxes.some(([a, b]) => box[0] < b && a < box[1])) continue;
      boxes.push(box);
      taken.set(row, boxes);
      labels.push({ id: bar.id, client: bar.client, atMs: centre, text: bar.label, side });
      placed = true;
      break;
    }
    if (!placed) dropped++;
  }
  return { labels, dropped };
}

function verdictWords(result: LinearizabilityResult, blockedId: number | undefined, prefixLength: number): string {
  if (result.verdict === 'ok') return 'linearizable; numbered points show one legal order';
  if (result.verdict === 'violation') return `not linearizable; operation ${blockedId} cannot be placed after a legal prefix of ${prefixLength}`;
  return 'the checker was inconclusive';
}
