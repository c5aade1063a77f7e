/**
 * The checkpoint figure: a run on the space-time diagram with each node's checkpoints, the failure, the recovery
 * line through the checkpoints the system restarts from, and everything the recovery undoes greyed out.
 *
 * What the reader must see (STYLE 16): where the line ends up and why. The orphans that forced each rollback are
 * drawn red, so a cascade reads as a chain (this rollback unsent that message, whose receiver had to roll back in
 * turn); the checkpoints on the line are drawn apart from those the recovery skipped or that were lost. It is drawn
 * like `cutFigure` (lanes, time to the right, messages as arrows), from the same helpers.
 */
import type { ProcessEvent } from '../clocks/causality';
import type { Checkpoint, RecoveryLine } from './checkpoints';
import { colourScale, eventPositions, fitCaption, laneOptions, placeLabels, plural } from './cut-figure';
import type { Placed, PlotSpec } from './cut-figure';
import type { NodeId } from './types';

/** What each mark stands for; the legend shows these words. */
export const CHECKPOINT_ROLES = {
  kept: 'event kept',
  undone: 'event rolled back',
  message: 'message',
  undoneMessage: 'message undone',
  orphan: 'orphan that forced a rollback',
  checkpoint: 'checkpoint',
  onLine: 'checkpoint on the recovery line',
  line: 'recovery line',
  failure: 'failure',
} as const;

const COLOURS: Record<string, string> = {
  [CHECKPOINT_ROLES.kept]: '#4e79a7',
  [CHECKPOINT_ROLES.undone]: '#bab0ac',
  [CHECKPOINT_ROLES.message]: '#9c755f',
  [CHECKPOINT_ROLES.undoneMessage]: '#d4ccc9',
  [CHECKPOINT_ROLES.orphan]: '#e15759',
  [CHECKPOINT_ROLES.checkpoint]: '#59a14f',
  [CHECKPOINT_ROLES.onLine]: '#b07aa1',
  [CHECKPOINT_ROLES.line]: '#b07aa1',
  // The page's own text colour (dark on light pages, light on dark ones), apart from the orphans' red.
  [CHECKPOINT_ROLES.failure]: 'currentColor',
};


/** What the figure draws: a run's events, its checkpoints, the failed node and the recovery computed for them. */
export interface CheckpointFigureInput {
  events: readonly ProcessEvent[];
  checkpoints: readonly Checkpoint[];
  failed: NodeId;
  recovery: RecoveryLine;
  /** When the failure happened; default just after the failed node's last event. */
  failAtMs?: number;
  /** `uncoordinated` or `coordinated`, named in the caption when given (a `CheckpointingRun` carries it). */
  mode?: string;
}

export interface CheckpointFigureOptions {
  caption?: string;
  /** Label checkpoints when there are at most this many (default 30). */
  maxLabels?: number;
}

/**
 * Draws a run with its checkpoints and recovery line (see the module comment). Accepts a `CheckpointingRun` as it
 * is, or the parts of a hand-made example.
 */
export function checkpointFigure(input: CheckpointFigureInput, options: CheckpointFigureOptions = {}): PlotSpec {
  const { events, checkpoints, failed, recovery } = input;
  const nodes = [...new Set(events.map((e) => e.node))].sort();
  const { x, label: xLabel } = eventPositions(events);
  const xs = [...x.values()];
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs, input.failAtMs ?? -Infinity);
  const pad = Math.max((maxX - minX) * 0.03, 0.4);
  const byId = new Map(events.map((e) => [e.id, e]));
  const kept = (e: ProcessEvent) => e.index <= (recovery.cut[e.node] ?? 0);
  const laneEvents = (n: NodeId) => events.filter((e) => e.node === n).sort((a, b) => a.index - b.index);

  // A checkpoint after k events sits at its time when known, otherwise between events k and k + 1 of its lane.
  const pointX = (node: NodeId, index: number, atMs?: number): number => {
    if (atMs !== undefined) return atMs;
    const lane = laneEvents(node);
    const before = lane[index - 1];
    const after = lane[index];
    if (before === undefined) return (after === undefined ? minX : (x.get(after.id) as number)) - pad;
    if (after === undefined) return (x.get(before.id) as number) + pad;
    return ((x.get(before.id) as number) + (x.get(after.id) as number)) / 2;
  };

  const placed = events.map((e) => ({ event: e.id, node: e.node, x: x.get(e.id) as number, role: kept(e) ? CHECKPOINT_ROLES.kept : CHECKPOINT_ROLES.undone, note: e.kind }));
  const orphans = new Set(recovery.rounds.flat().map((b) => b.orphan.receive));
  const messages = events
    .filter((e) => e.kind === 'receive')
    .map((r) => {
      const s = byId.get(r.from as string) as ProcessEvent;
      let role: string = CHECKPOINT_ROLES.message;
      if (orphans.has(r.id)) role = CHECKPOINT_ROLES.orphan;
      else if (!kept(s) || !kept(r)) role = CHECKPOINT_ROLES.undoneMessage;
      return { message: `${s.id} → ${r.id}`, from: s.node, to: r.node, x1: x.get(s.id) as number, x2: x.get(r.id) as number, role };
    });

  // The very checkpoints the line restarts from (a node may have taken two with nothing in between: only one is used).
  const key = (c: Checkpoint) => `${c.node}\u0000${c.index}\u0000${c.label}`;
  const onLine = new Set(nodes.map((n) => recovery.line[n]).filter((p): p is Checkpoint => typeof p === 'object').map(key));
  const marks = checkpoints
    .filter((c) => nodes.includes(c.node))
    .map((c) => ({ event: c.label, node: c.node, x: pointX(c.node, c.index, c.atMs), index: c.index, role: onLine.has(key(c)) ? CHECKPOINT_ROLES.onLine : CHECKPOINT_ROLES.checkpoint, note: '' }));
  const failAt = input.failAtMs ?? pointX(failed, laneEvents(failed).length);
  const linePoints = nodes.map((n) => {
    const point = recovery.line[n];
    const onCheckpoint = typeof point === 'object' ? marks.find((m) => m.node === n && m.role === CHECKPOINT_ROLES.onLine) : undefined;
    const at = onCheckpoint?.x ?? (point === 'current' ? Math.max(pointX(n, laneEvents(n).length), failAt) : pointX(n, recovery.cut[n] ?? 0));
    return { node: n, x: at, role: CHECKPOINT_ROLES.line };
  });

  // Checkpoint labels go above their marks only, so that they never sit on a message arrow's head below.
  const { above: labelled, dropped: unlabelled } = marks.length <= (options.maxLabels ?? 30) ? placeLabels(marks as Placed[], minX - pad, maxX + pad, ['above']) : { above: [], dropped: marks.length };

  const roles = (Object.values(CHECKPOINT_ROLES) as string[]).filter(
    (role) => placed.some((p) => p.role === role) || messages.some((m) => m.role === role) || marks.some((m) => m.role === role) || role === CHECKPOINT_ROLES.line || role === CHECKPOINT_ROLES.failure,
  );

  const rounds = recovery.rounds.length;
  const lineWords = nodes.map((n) => {
    const p = recovery.line[n];
    return `${n} at ${p === 'initial' ? 'its initial state' : p === 'current' ? 'its state at the failure' : p.label}`;
  }).join(', ');
  const cascade = recovery.toInitial.length === nodes.length
    ? 'the domino effect: every node is back at its initial state'
    : recovery.domino
      ? `the domino effect: rollbacks cascade past checkpoints${recovery.toInitial.length > 0 ? `, ${recovery.toInitial.join(', ')} back to the initial state` : ''}`
      : 'no node loses a checkpoint it had taken';
  const mode = input.mode ? `${input.mode[0]?.toUpperCase()}${input.mode.slice(1)} checkpoints: ` : '';
  const propagation = rounds === 0
    ? 'no other node has to roll back'
    : rounds === 1
      ? `rollback propagation takes 1 round, forced by ${plural(recovery.rounds[0]!.length, 'orphan').replace(/^1 orphan$/, 'an orphan')} (red)`
      : `rollback propagation takes ${plural(rounds, 'round')}, each forced by an orphan (red)`;
  const labelsNote = unlabelled > 0 ? ` (${plural(unlabelled, 'checkpoint label')} left out; hover a mark)` : '';
  const text =
    `${mode}${failed} fails (✕); ${propagation}, ` +
    `and the system restarts with ${lineWords}. ${plural(recovery.rolledBackEvents, 'event')} rolled back (grey); ${cascade}.`;

  return {
    marks: [
      { mark: 'ruleY', data: nodes, options: { stroke: 'currentColor', strokeOpacity: 0.4 } },
      { mark: 'dot', data: placed, options: { x: 'x', y: 'node', r: 4, fill: 'role', title: 'event' } },
      { mark: 'arrow', data: messages.filter((m) => m.role === CHECKPOINT_ROLES.undoneMessage), options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 1.2, strokeDasharray: '3 3', headLength: 7, inset: 5, title: 'message' } },
      { mark: 'arrow', data: messages.filter((m) => m.role !== CHECKPOINT_ROLES.undoneMessage), options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 1.6, headLength: 8, inset: 5, title: 'message' } },
      { mark: 'line', data: linePoints, options: { x: 'x', y: 'node', stroke: 'role', strokeWidth: 2.5, strokeDasharray: '6 4' } },
      { mark: 'dot', data: marks, options: { x: 'x', y: 'node', r: 6, symbol: 'square', fill: 'role', stroke: 'white', strokeWidth: 1, title: 'event' } },
      { mark: 'dot', data: [{ node: failed, x: failAt, role: CHECKPOINT_ROLES.failure }], options: { x: 'x', y: 'node', r: 7, symbol: 'times', stroke: 'role', strokeWidth: 3 } },
      { mark: 'text', data: labelled, options: { x: 'x', y: 'node', text: 'event', dy: -14, fill: 'currentColor', fontSize: 11 } },
    ],
    options: laneOptions(nodes, { label: xLabel, domain: [minX - 2 * pad, maxX + 2 * pad] }, colourScale(roles, COLOURS)),
    caption: options.caption ?? fitCaption(text + labelsNote, `${mode}${failed} fails; ${plural(recovery.rolledBackEvents, 'event')} rolled back; ${cascade}.`),
    ariaLabel: fitCaption(`Space-time diagram of ${plural(events.length, 'event')} on ${plural(nodes.length, 'node')} with ${plural(marks.length, 'checkpoint')} and the recovery line. ${text}`, `Space-time diagram with checkpoints and the recovery line. ${cascade}.`),
  };
}
