/**
 * Exercise: which checkpoints roll back? Three nodes of the clocks chapter's exchange take checkpoints on their
 * own (uncoordinated checkpointing); then one node fails and restarts from its latest checkpoint. The learner
 * names where every node that has to go back restarts: the recovery line (Randell 1975, "System structure for
 * software fault tolerance"; Elnozahy, Alvisi, Wang and Johnson 2002, "A survey of rollback-recovery protocols in
 * message-passing systems", §3). Surviving nodes keep their state unless it received an orphan message, one the
 * restored sender never sent; rollbacks can cascade (the domino effect). The reference is the lab's rollback
 * propagation (`recoveryLine` of `checkpoints.ts`); the test compares it with a brute force of its own.
 */
import { defineExercise, type Check } from '../../exercises/types';
import { checkpointFigure } from '../checkpoint-figure';
import { recoveryLine, type Checkpoint, type LinePoint, type RecoveryLine } from '../checkpoints';
import type { NodeId } from '../types';
import { NODES, eventCounts, runFigure, smallRun, untimed } from './small-runs';

export interface RecoveryLineParams {
  seed: number;
  /** Each node's checkpoints, as the number of its events before each, ascending. */
  checkpoints: Record<NodeId, number[]>;
  failed: NodeId;
}

const EVENTS_PER_NODE = 4;

const run = (p: RecoveryLineParams) => smallRun(p.seed, EVENTS_PER_NODE);

/** A node's checkpoints in the prompt's names: `A1`, `A2` for a's first and second, `A0` its initial state. */
export const initialLabel = (node: NodeId) => `${node.toUpperCase()}0`;

export function checkpointsOf(p: RecoveryLineParams): Checkpoint[] {
  return NODES.flatMap((n) => (p.checkpoints[n] ?? []).map((index, i) => ({ node: n, index, label: `${n.toUpperCase()}${i + 1}` })));
}

const pointLabel = (node: NodeId, point: LinePoint) => (point === 'initial' ? initialLabel(node) : point === 'current' ? 'current' : point.label);

export function lineOf(p: RecoveryLineParams): RecoveryLine {
  return recoveryLine(run(p).events, checkpointsOf(p), p.failed);
}

/** The labels the answer lists: every node that does not keep its current state, with where it restarts. */
export function answerLabels(p: RecoveryLineParams): string[] {
  const { line } = lineOf(p);
  return NODES.filter((n) => line[n] !== 'current').map((n) => pointLabel(n, line[n] as LinePoint)).sort();
}

export const recoveryLineExercise = defineExercise({
  id: 'snapshots/recovery-line',
  title: 'Which checkpoints roll back?',
  kind: 'structured',
  format: 'set',
  placeholder: '{A1, C0}',
  generate(rng): RecoveryLineParams {
    for (;;) {
      const seed = rng.int(1, 100_000);
      const { events } = smallRun(seed, EVENTS_PER_NODE);
      const counts = eventCounts(events);
      if (NODES.some((n) => (counts[n] ?? 0) < 3)) continue;
      const checkpoints: Record<NodeId, number[]> = Object.fromEntries(NODES.map((n) => {
        const total = counts[n] as number;
        const how = rng.int(1, 2);
        const picks = rng.shuffle(Array.from({ length: total - 1 }, (_, i) => i + 1)).slice(0, how).sort((x, y) => x - y);
        return [n, picks];
      }));
      const p = { seed, checkpoints, failed: rng.pick(NODES) };
      // Only failures that force at least one surviving node back: otherwise there is nothing to propagate.
      if (lineOf(p).rounds.length > 0) return p;
    }
  },
  prompt(p) {
    const cps = checkpointsOf(p);
    const list = NODES.map((n) => `- ${n}: ${cps.filter((c) => c.node === n).map((c) => `**${c.label}** after ${n}${c.index}`).join(', ')}`).join('\n');
    return {
      text: `Three nodes exchange messages and each takes checkpoints on its own, without coordinating with the others:\n\n${list}\n\nAfter the last event in the figure, **${p.failed} fails**. It restarts from its latest checkpoint, and every message it had sent after that checkpoint is undone. A node that received an undone message must roll back to its latest checkpoint from before that receipt, which may undo more messages; a node that received none keeps its current state. Which checkpoints do the nodes restart from? List one per node that rolls back, the failed node included, like \`{A1, C0}\`; write ${NODES.map(initialLabel).join(', ')} for a node's initial state.`,
      figures: [runFigure(run(p), `Seed ${p.seed}. Each square is a checkpoint, named above it and taken right after the event to its left.`, { checkpoints: cps })],
    };
  },
  reference: (p) => `{${answerLabels(p).join(', ')}}`,
  check(p, value): Check[] {
    const recovery = lineOf(p);
    const known = new Set([...NODES.map(initialLabel), ...checkpointsOf(p).map((c) => c.label)]);
    const checks: Check[] = [];
    const strays = value.filter((v) => !known.has(v));
    if (strays.length > 0) checks.push({ name: 'checkpoint names', passed: false, feedback: `${strays.join(', ')}: the checkpoints are ${[...known].sort().join(', ')}.` });
    for (const n of NODES) {
      const mine = value.filter((v) => known.has(v) && v[0]?.toLowerCase() === n);
      const expected = recovery.line[n] as LinePoint;
      const label = pointLabel(n, expected);
      let feedback = '';
      if (mine.length > 1) feedback = `Node ${n}: ${mine.join(' and ')}: a node restarts from one checkpoint.`;
      else if (n === p.failed && mine[0] !== label) feedback = `Node ${n} failed, so it restarts from its latest checkpoint${mine.length === 0 ? ', and belongs in the answer' : ''}${label !== latestLabel(p, n) ? ', or earlier if a rollback forces it' : ''}.`;
      else if (n !== p.failed && expected === 'current' && mine.length > 0) feedback = `Node ${n} keeps its current state: no message it received is undone by the others' rollbacks.`;
      else if (n !== p.failed && expected !== 'current' && mine.length === 0) feedback = `Node ${n} cannot keep its current state: it received ${orphanText(recovery, n)}, which is undone.`;
      else if (mine.length === 1 && mine[0] !== label) feedback = rollbackDepthText(p, recovery, n, mine[0] as string, label);
      checks.push({ name: `node ${n}`, passed: feedback === '', feedback });
    }
    return checks;
  },
  hints: (p) => [
    `Start with ${p.failed}: which of its sends come after its latest checkpoint? Who received them?`,
    'Each receiver of an undone message goes back to its latest checkpoint before the receive; then look at what that receiver had sent after that checkpoint, and repeat.',
  ],
  solution(p) {
    const recovery = lineOf(p);
    const steps = recovery.rounds.flat().map((r) => `- ${r.node} received ${r.orphan.send} → ${r.orphan.receive}, whose send is undone, so it goes back to ${pointLabel(r.node, r.to)}`);
    const kept = NODES.filter((n) => recovery.line[n] === 'current');
    return {
      text: `${p.failed} restarts from ${latestLabel(p, p.failed)}. Then:\n\n${steps.join('\n')}\n\nThe recovery line is \`{${answerLabels(p).join(', ')}}\`${kept.length > 0 ? `; ${kept.join(' and ')} ${kept.length === 1 ? 'keeps its' : 'keep their'} current state` : ''}. ${recovery.domino ? `The rollbacks cascade past saved work (${recovery.toInitial.length > 0 ? `${recovery.toInitial.join(' and ')} back to the initial state` : 'a node restarts before its own latest checkpoint'}): the domino effect of uncoordinated checkpoints (Randell 1975). ` : ''}${recovery.rolledBackEvents} events are undone in all. Checkpoints taken together by a snapshot (Chandy and Lamport 1985) form a consistent line by construction, so no rollback would go behind them.`,
      figures: [{ kind: 'plot', ...checkpointFigure({ events: untimed(run(p).events), checkpoints: checkpointsOf(p), failed: p.failed, recovery }) }],
    };
  },
});

function latestLabel(p: RecoveryLineParams, node: NodeId): string {
  const mine = checkpointsOf(p).filter((c) => c.node === node);
  return mine.at(-1)?.label ?? initialLabel(node);
}

function orphanText(recovery: RecoveryLine, node: NodeId): string {
  const rollback = recovery.rounds.flat().find((r) => r.node === node);
  return rollback === undefined ? 'a message whose send' : `the message ${rollback.orphan.send} → ${rollback.orphan.receive}`;
}

/** Feedback for a rolled-back node restarted from the wrong checkpoint: too far back, or not far enough. */
function rollbackDepthText(p: RecoveryLineParams, recovery: RecoveryLine, node: NodeId, given: string, expected: string): string {
  const indexOf = (label: string) => (label === initialLabel(node) ? 0 : (checkpointsOf(p).find((c) => c.label === label)?.index ?? 0));
  if (indexOf(given) > indexOf(expected)) {
    return `Node ${node}: ${given} still includes the receipt of a message whose send is undone (${orphanText(recovery, node)}, or one undone later): go back further.`;
  }
  return `Node ${node}: ${given} goes back further than needed; a later checkpoint already excludes every undone message it received.`;
}
