/**
 * The pipeline's figure and tables: what a reader must see in a run of `runPipeline` (STYLE 16) is the barriers
 * flowing from the sources through every task, tasks holding back an input while they align, each task saving its
 * state, the coordinator declaring each checkpoint complete and the sink committing it, and, after a crash, the
 * restore that sends every task back to the last complete checkpoint.
 *
 * `pipelineFigure` draws that as a space-time diagram (one lane per node in pipeline order, time to the right,
 * messages as arrows from send to delivery), the way the book's space-time view and the cut figure draw. It is a
 * `display.plot` spec, since the plain space-time view has one colour for every message. Records are thinned (one
 * in k per link is drawn, and the legend says k) and the acknowledgements and completion notices are folded
 * unless asked for, so the barriers stand out; every colour is named in the legend. A checkpoint that a restore
 * aborted before it completed gets a grey dashed rule at its trigger time, labelled "✗n aborted", so that the
 * reader who sees ✓1 and ✓3 finds 2. Checkpoint labels that would touch their neighbour are left out; a crash's
 * label sits left of its moment above the lane and a restart's left of its moment below the lane, over the time the
 * node was down, where none of the restore orders it causes can pass yet; so no two labels are drawn over one
 * another, nor over the restore arrows.
 *
 * `pipelineCheckpointTable` and `pipelineRecoveryTable` give the numbers behind it as rows for `display.table`.
 */
import { displayLimits } from '../display/caps';
import type { PlotOutput } from '../display/outputs';
import type { TraceEvent } from '../sim/trace';
import { PIPELINE_LOG, PIPELINE_NODES, SINK, SINK_LOG, TASKS } from './pipeline';
import type { PipelineMessage, PipelineRun } from './pipeline';
import type { NodeId } from './types';

/** A `display.plot` spec, as a cell passes it to `display.plot` or `display`. */
export type PipelinePlotSpec = Omit<PlotOutput, 'kind'>;

export interface PipelineFigureOptions {
  /** The caption; default: a summary of the run's checkpoints, crash and recovery. */
  caption?: string;
  /** Draw one record message in this many on each link; default: as few as keep about `maxRecordArrows`. */
  recordEvery?: number;
  /** Record arrows drawn at most when `recordEvery` is not given (default 80). */
  maxRecordArrows?: number;
  /** Also draw the acknowledgements and completion notices (default false: folded). */
  showControl?: boolean;
  /** Draw up to this time (default: a little after the last checkpoint, commit or restore). */
  untilMs?: number;
}

/** What each mark stands for; the legend shows these words (the record entry also says how many are drawn). */
export const PIPELINE_ROLES = {
  record: 'record',
  barrier: 'barrier',
  control: 'coordinator message',
  restore: 'restore order',
  aligning: 'input held while aligning',
  saved: 'task saves its state',
  complete: 'checkpoint complete',
  aborted: 'checkpoint aborted by a restore',
  commit: 'sink commits',
  crash: 'crash, down, message lost',
} as const;

type RoleKey = keyof typeof PIPELINE_ROLES;

/** Colours that read on light and dark pages alike (Tableau 10), one per role. */
const COLOURS: Record<RoleKey, string> = {
  record: '#bab0ac',
  barrier: '#f28e2b',
  control: '#4e79a7',
  restore: '#b07aa1',
  aligning: '#edc948',
  saved: '#9c755f',
  complete: '#59a14f',
  aborted: '#79706e',
  commit: '#76b7b2',
  crash: '#e15759',
};

/** Layout assumptions for keeping labels apart: the book's figure width less margins, Plot's 12 px font. */
const PLOT_INNER_WIDTH_PX = 580;
const CHAR_WIDTH_PX = 7;
const LANE_HEIGHT_PX = 46;

const ms = (value: number) => Number(value.toFixed(1));

/** Draws a pipeline run as a space-time diagram; see the module comment. */
export function pipelineFigure(run: PipelineRun, options: PipelineFigureOptions = {}): PipelinePlotSpec {
  const { trace } = run;
  const lastMoment = trace.events
    .filter((e) => e.kind === 'log' || e.kind === 'crash' || e.kind === 'restart')
    .reduce((latest, e) => Math.max(latest, e.t), 0);
  const endMs = options.untilMs ?? Math.max(1, lastMoment * 1.04);
  const visible = trace.events.filter((e) => e.t <= endMs);

  // Messages: every send's time, then one arrow per delivery (or a lost one per drop), by kind.
  const sentAt = new Map<number, number>();
  for (const e of visible) if (e.kind === 'send') sentAt.set(e.msgId, e.t);
  const deliveries = visible.filter((e): e is Extract<TraceEvent, { kind: 'deliver' | 'drop' }> => e.kind === 'deliver' || e.kind === 'drop');
  const recordHops = deliveries.filter((e) => (e.message as PipelineMessage).type === 'record');
  const maxRecordArrows = options.maxRecordArrows ?? 80;
  const every = Math.max(1, Math.floor(options.recordEvery ?? Math.ceil(recordHops.length / Math.max(1, maxRecordArrows))));
  const recordRole = every === 1 ? PIPELINE_ROLES.record : `${PIPELINE_ROLES.record} (1 in ${every} drawn)`;
  const role = (key: RoleKey) => (key === 'record' ? recordRole : PIPELINE_ROLES[key]);

  const onLink = new Map<string, number>();
  const arrows: Record<'record' | 'barrier' | 'control' | 'restore', { from: NodeId; to: NodeId; sentMs: number; atMs: number; role: string; label: string }[]> = {
    record: [], barrier: [], control: [], restore: [],
  };
  const lost: { from: NodeId; to: NodeId; sentMs: number; atMs: number; role: string; label: string }[] = [];
  for (const e of deliveries) {
    const message = e.message as PipelineMessage;
    const sentMs = sentAt.get(e.msgId) ?? e.t;
    const text = describeMessage(message);
    if (message.type === 'record') {
      // Thinned per link, lost ones included, so a flood lost at a crashed task is thinned like the rest.
      const link = `${e.from}>${e.node}`;
      const n = onLink.get(link) ?? 0;
      onLink.set(link, n + 1);
      if (n % every !== 0) continue;
    }
    if (e.kind === 'drop') {
      lost.push({ from: e.from, to: e.node, sentMs, atMs: e.t, role: role('crash'), label: `${text} from ${e.from} to ${e.node}, lost (${e.reason}) at ${ms(e.t)} ms` });
      continue;
    }
    let key: 'record' | 'barrier' | 'control' | 'restore';
    if (message.type === 'record') key = 'record';
    else if (message.type === 'barrier') key = 'barrier';
    else if (message.type === 'restore') key = 'restore';
    else if (message.type === 'trigger' || message.type === 'hello' || options.showControl) key = 'control';
    else continue; // acknowledgements and completion notices, folded
    arrows[key].push({ from: e.from, to: e.node, sentMs, atMs: e.t, role: role(key), label: `${text}: ${e.from} → ${e.node}, ${ms(sentMs)} to ${ms(e.t)} ms` });
  }

  // Alignment: from a task's first barrier of a checkpoint to its snapshot; a snapshot; a commit.
  const aligning: { node: NodeId; fromMs: number; toMs: number; role: string; label: string }[] = [];
  const saved: { node: NodeId; atMs: number; role: string; label: string }[] = [];
  for (const c of run.checkpoints) {
    for (const [node, t] of Object.entries(c.tasks)) {
      if (t.atMs > endMs) continue;
      saved.push({ node, atMs: t.atMs, role: role('saved'), label: `${node} saves its state for checkpoint ${c.checkpointId} at ${ms(t.atMs)} ms (${t.stateBytes} bytes)` });
      if (t.alignedMs > 0) {
        aligning.push({ node, fromMs: t.atMs - t.alignedMs, toMs: t.atMs, role: role('aligning'), label: `${node} aligns checkpoint ${c.checkpointId}'s barriers for ${ms(t.alignedMs)} ms` });
      }
    }
  }
  const commits = visible
    .filter((e): e is Extract<TraceEvent, { kind: 'log' }> => e.kind === 'log' && e.node === SINK && e.text === SINK_LOG.commit)
    .map((e) => {
      const { checkpointId, records } = e.data as { checkpointId: number; records: unknown[] };
      return { node: SINK, atMs: e.t, role: role('commit'), label: `the sink commits transaction ${checkpointId} (${records.length} records) at ${ms(e.t)} ms` };
    });

  // Checkpoint completions: a rule across every lane, and "✓n" above it where it does not touch its neighbour.
  const pxPerMs = PLOT_INNER_WIDTH_PX / endMs;
  const completes = run.checkpoints
    .filter((c) => c.completedAtMs !== undefined && c.completedAtMs <= endMs)
    .map((c) => ({
      checkpoint: c.checkpointId, attempt: c.attempt, triggeredMs: ms(c.triggeredAtMs), completeMs: ms(c.completedAtMs as number),
      role: role('complete'), label: `✓${c.checkpointId}`,
    }));
  // A checkpoint is aborted when a restore comes before it completes: the restore starts a later attempt.
  const aborted = run.checkpoints
    .filter((c) => c.completedAtMs === undefined && c.triggeredAtMs <= endMs && run.recoveries.some((r) => r.attempt > c.attempt))
    .map((c) => ({
      checkpoint: c.checkpointId, attempt: c.attempt, triggeredMs: ms(c.triggeredAtMs), role: role('aborted'), label: `✗${c.checkpointId} aborted`,
      title: `checkpoint ${c.checkpointId}, triggered at ${ms(c.triggeredAtMs)} ms, aborted by a restore before it completed`,
    }));
  // The labels along the top, completions at their completion and aborted checkpoints at their trigger, in time
  // order; one that would touch the label before it is left out.
  const topLabels: { x: number; label: string; role: string }[] = [];
  let lastRight = -Infinity;
  const candidates = [...completes.map((c) => ({ x: c.completeMs, label: c.label, role: c.role })), ...aborted.map((a) => ({ x: a.triggeredMs, label: a.label, role: a.role }))]
    .sort((a, b) => a.x - b.x);
  for (const c of candidates) {
    const half = (c.label.length * CHAR_WIDTH_PX) / 2;
    const x = c.x * pxPerMs;
    if (x - half < lastRight + 4) continue;
    topLabels.push(c);
    lastRight = x + half;
  }

  // Crashes and restarts: a dashed red line along the lane while down; labels left of a crash, right of a restart.
  const down: { node: NodeId; fromMs: number; toMs: number; role: string }[] = [];
  // Where a note sits: `end` left of its moment above the lane, `start` right of it above, `below` left of it below
  // the lane (a restart's, over the downtime line, where no restore order has been sent yet).
  const notes: { node: NodeId; atMs: number; text: string; anchor: 'start' | 'end' | 'below'; role: string }[] = [];
  const downSince = new Map<NodeId, number>();
  for (const e of visible) {
    if (e.kind === 'crash') {
      downSince.set(e.node, e.t);
      notes.push({ node: e.node, atMs: e.t, text: '✕ crash', anchor: 'end', role: role('crash') });
    } else if (e.kind === 'restart') {
      down.push({ node: e.node, fromMs: downSince.get(e.node) ?? e.t, toMs: e.t, role: role('crash') });
      downSince.delete(e.node);
      notes.push({ node: e.node, atMs: e.t, text: '↻ restart', anchor: 'below', role: role('crash') });
    } else if (e.kind === 'log' && e.text === PIPELINE_LOG.recovery) {
      const { attempt, fromCheckpoint } = e.data as { attempt: number; fromCheckpoint: number | null };
      notes.push({ node: e.node, atMs: e.t, text: `restore ${fromCheckpoint === null ? 'initial state' : `✓${fromCheckpoint}`}, attempt ${attempt}`, anchor: 'start', role: role('restore') });
    }
  }
  for (const [node, fromMs] of downSince) down.push({ node, fromMs, toMs: endMs, role: role('crash') });

  const present = new Set<string>([
    ...Object.values(arrows).flat().map((a) => a.role), ...lost.map((l) => l.role), ...aligning.map((a) => a.role),
    ...saved.map((s) => s.role), ...commits.map((c) => c.role), ...completes.map((c) => c.role), ...aborted.map((a) => a.role), ...down.map((d) => d.role), ...notes.map((n) => n.role),
  ]);
  const keys = (Object.keys(PIPELINE_ROLES) as RoleKey[]).filter((k) => present.has(role(k)));
  const arrow = (key: keyof typeof arrows, strokeWidth: number, extra: Record<string, unknown> = {}) => ({
    mark: 'arrow' as const,
    data: arrows[key],
    options: { x1: 'sentMs', y1: 'from', x2: 'atMs', y2: 'to', stroke: 'role', strokeWidth, headLength: 6, inset: 2, title: 'label', ...extra },
  });

  const marks: PlotOutput['marks'] = [
    // First, so that a figure's data table (built from its first mark's rows) lists the checkpoints.
    { mark: 'ruleX', data: completes, options: { x: 'completeMs', stroke: 'role', strokeDasharray: '4 3', strokeWidth: 1.5, title: 'label' } },
    { mark: 'ruleX', data: aborted, options: { x: 'triggeredMs', stroke: 'role', strokeDasharray: '2 4', strokeWidth: 1.5, title: 'title' } },
    { mark: 'ruleY', data: PIPELINE_NODES.map((node) => ({ node })), options: { y: 'node', x1: 0, x2: endMs, stroke: 'currentColor', strokeOpacity: 0.35 } },
    { mark: 'ruleY', data: aligning, options: { y: 'node', x1: 'fromMs', x2: 'toMs', stroke: 'role', strokeWidth: 8, strokeOpacity: 0.75, title: 'label' } },
    { mark: 'ruleY', data: down, options: { y: 'node', x1: 'fromMs', x2: 'toMs', stroke: 'role', strokeWidth: 3, strokeDasharray: '2 3' } },
    arrow('record', 0.8, { strokeOpacity: 0.8 }),
    arrow('control', 1),
    arrow('restore', 1.6),
    arrow('barrier', 1.8),
    { mark: 'link', data: lost, options: { x1: 'sentMs', y1: 'from', x2: 'atMs', y2: 'to', stroke: 'role', strokeWidth: 1, strokeDasharray: '3 3', title: 'label' } },
    { mark: 'dot', data: lost, options: { x: 'atMs', y: 'to', symbol: 'times', stroke: 'role', r: 3.5, strokeWidth: 1.6, title: 'label' } },
    { mark: 'dot', data: saved, options: { x: 'atMs', y: 'node', fill: 'role', r: 3.5, stroke: 'white', strokeWidth: 0.8, title: 'label' } },
    { mark: 'dot', data: commits, options: { x: 'atMs', y: 'node', symbol: 'square', fill: 'role', r: 4.5, title: 'label' } },
    { mark: 'text', data: topLabels, options: { x: 'x', frameAnchor: 'top', dy: -14, text: 'label', fill: 'role', fontWeight: 'bold' } },
    { mark: 'text', data: notes.filter((n) => n.anchor === 'end'), options: { x: 'atMs', y: 'node', text: 'text', textAnchor: 'end', dx: -4, dy: -11, fill: 'role', fontWeight: 'bold' } },
    { mark: 'text', data: notes.filter((n) => n.anchor === 'start'), options: { x: 'atMs', y: 'node', text: 'text', textAnchor: 'start', dx: 4, dy: -11, fill: 'role', fontWeight: 'bold' } },
    { mark: 'text', data: notes.filter((n) => n.anchor === 'below'), options: { x: 'atMs', y: 'node', text: 'text', textAnchor: 'end', dx: -4, dy: 14, fill: 'role', fontWeight: 'bold' } },
  ];

  const summary = describeRun(run);
  const caption = options.caption ?? clip(summary);
  return {
    marks,
    options: {
      height: PIPELINE_NODES.length * LANE_HEIGHT_PX + 80,
      marginLeft: 84,
      marginRight: 16,
      marginTop: 34,
      x: { label: 'time (ms)', domain: [0, endMs], grid: true },
      y: { label: null, type: 'point', domain: [...PIPELINE_NODES], padding: 0.5 },
      color: { domain: keys.map(role), range: keys.map((k) => COLOURS[k]), legend: true },
    },
    caption,
    ariaLabel: clip(
      `Space-time diagram of the word-count pipeline, one lane per node (${PIPELINE_NODES.join(', ')}), ${ms(endMs)} ms: ${summary}`,
    ),
  };
}

function clip(text: string): string {
  const max = displayLimits.maxLabelChars;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describeMessage(message: PipelineMessage): string {
  switch (message.type) {
    case 'record': return message.count === undefined ? `record "${message.word}"` : `record ${message.word}=${message.count}`;
    case 'barrier': return `barrier ${message.checkpointId}`;
    case 'trigger': return `trigger checkpoint ${message.checkpointId}`;
    case 'ack': return `ack checkpoint ${message.checkpointId}`;
    case 'complete': return `checkpoint ${message.checkpointId} complete`;
    case 'hello': return 'hello (restarted)';
    case 'restore': return `restore ${message.checkpointId === null ? 'initial state' : `checkpoint ${message.checkpointId}`} as attempt ${message.attempt}`;
  }
}

/** One or two sentences: checkpoints completed, each recovery, the output. */
export function describeRun(run: PipelineRun): string {
  const complete = run.checkpoints.filter((c) => c.completedAtMs !== undefined).length;
  const parts = [`${run.records.length} records, ${complete} of ${run.checkpoints.length} checkpoints complete`];
  for (const r of run.recoveries) {
    parts.push(`${r.cause} → restore from ${r.fromCheckpoint === null ? 'the initial state' : `checkpoint ${r.fromCheckpoint}`} (attempt ${r.attempt}), ${r.replayedRecords} records replayed`);
  }
  parts.push(run.finished ? `${run.output.length} results committed` : 'not all output committed when the run ended');
  return `${parts.join('; ')}.`;
}

/**
 * Per checkpoint: its attempt, when it was triggered and completed (ms), the largest time a task spent aligning,
 * and each task's saved state in bytes. Rows for `display.table`.
 */
export function pipelineCheckpointTable(run: PipelineRun): Record<string, unknown>[] {
  return run.checkpoints.map((c) => {
    const row: Record<string, unknown> = {
      checkpoint: c.checkpointId,
      attempt: c.attempt,
      'triggered (ms)': ms(c.triggeredAtMs),
      'complete (ms)': c.completedAtMs === undefined ? 'never' : ms(c.completedAtMs),
      'aligning, most (ms)': ms(Math.max(0, ...Object.values(c.tasks).map((t) => t.alignedMs))),
    };
    for (const task of TASKS) row[`${task} (bytes)`] = c.tasks[task]?.stateBytes ?? '—';
    return row;
  });
}

/** Per recovery: what caused it, when, from which checkpoint, when every task had restored, and records replayed. */
export function pipelineRecoveryTable(run: PipelineRun): Record<string, unknown>[] {
  return run.recoveries.map((r) => ({
    attempt: r.attempt,
    cause: r.cause,
    'ordered (ms)': ms(r.orderedAtMs),
    'from checkpoint': r.fromCheckpoint === null ? 'initial state' : r.fromCheckpoint,
    'all restored (ms)': r.restoredAtMs === undefined ? 'not within the run' : ms(r.restoredAtMs),
    'records replayed': r.replayedRecords,
  }));
}
