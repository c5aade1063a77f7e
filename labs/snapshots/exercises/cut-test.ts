/**
 * Exercise: decide whether a cut is consistent from its frontier of vector timestamps alone (Mattern 1989,
 * "Virtual time and global states of distributed systems", §4: the cut is consistent iff V_p[q] <= V_q[q] for all
 * p and q). The learner's function is graded against the definition (no message received inside the cut and sent
 * outside, `checkCut`) on random cuts of the clocks chapter's exchange, half consistent and half not, and then
 * used as the `isConsistent` test of the lab's `checkConsistentCut` on the snapshots Chandy-Lamport records when its
 * links are not FIFO, some of which are inconsistent: there the definition is the layer's own record of messages
 * received before the receiver recorded and sent after the sender did (`orphanMessages`).
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import { Random } from '../../sim/random';
import type { BankMessage, BankState } from '../bank';
import { checkConsistentCut, orphanMessages } from '../checkers';
import { checkCut, cutFrontier } from '../cuts';
import type { GlobalSnapshot, NodeId, VectorTimestamp } from '../types';
import { bankRun, drawRun, runText, type GradedRun } from './bank-runs';
import { cutVector, eventCounts, smallRun, type Cut } from './small-runs';

type Frontier = Record<NodeId, VectorTimestamp>;
type LearnerTest = (frontier: Frontier) => unknown;

export interface CutTestParams {
  /** Exchange runs: a seed and the number of nodes. */
  exchanges: { seed: number; nodes: number }[];
  /** Chandy-Lamport runs of the bank on links that are not FIFO; at least one records an inconsistent cut. */
  snapshotRuns: GradedRun[];
}

const EVENTS_PER_NODE = 5;
const CUTS_PER_VERDICT = 15;
const NODE_NAMES = ['a', 'b', 'c', 'd'];

const exchange = (x: { seed: number; nodes: number }) => smallRun(x.seed, EVENTS_PER_NODE, NODE_NAMES.slice(0, x.nodes));

/** Random cuts of the run, `CUTS_PER_VERDICT` consistent and as many not (fewer if the run has too few), drawn from the seed. */
export function drawCuts(x: { seed: number; nodes: number }): { cut: Cut; consistent: boolean }[] {
  const { events } = exchange(x);
  const counts = eventCounts(events, NODE_NAMES.slice(0, x.nodes));
  const rng = new Random(x.seed).fork('cuts');
  const out: { cut: Cut; consistent: boolean }[] = [];
  const wanted = { true: CUTS_PER_VERDICT, false: CUTS_PER_VERDICT };
  for (let attempt = 0; attempt < 2000 && (wanted.true > 0 || wanted.false > 0); attempt++) {
    const cut: Cut = Object.fromEntries(Object.entries(counts).map(([n, k]) => [n, rng.int(0, k)]));
    const { consistent } = checkCut(events, cut);
    if (wanted[`${consistent}`] === 0) continue;
    wanted[`${consistent}`]--;
    out.push({ cut, consistent });
  }
  return out;
}

const snapshotCache = new Map<string, GlobalSnapshot<BankState, BankMessage>[]>();

/** The snapshots of a Chandy-Lamport bank run on links that are not FIFO. */
export function nonFifoSnapshots(run: GradedRun): GlobalSnapshot<BankState, BankMessage>[] {
  const key = JSON.stringify(run);
  let snapshots = snapshotCache.get(key);
  if (snapshots === undefined) {
    snapshots = bankRun(run, 'chandy-lamport', {}, { fifo: false }).snapshots.filter((s) => s.complete);
    if (snapshotCache.size > 64) snapshotCache.delete(snapshotCache.keys().next().value as string);
    snapshotCache.set(key, snapshots);
  }
  return snapshots;
}

/** A frontier written as the record the learner's function receives: `{ a: { a: 1, b: 0 }, b: { a: 2, b: 2 } }`. */
export const frontierText = (frontier: Frontier) => recordText(frontier, (v) => recordText(v, String));
const recordText = <T>(record: Record<string, T>, value: (v: T) => string) => `{ ${Object.entries(record).map(([k, v]) => `${k}: ${value(v)}`).join(', ')} }`;

/** The learner's test, called on a copy of the frontier, with a non-boolean answer named. */
export function learnerTest(fn: LearnerTest): (frontier: Frontier) => boolean {
  return (frontier) => {
    const got = fn(JSON.parse(JSON.stringify(frontier)) as Frontier);
    if (typeof got !== 'boolean') throw new WrongReturn(`isConsistent(${frontierText(frontier)}) returned ${JSON.stringify(got) ?? String(got)}; it must return true or false.`);
    return got;
  };
}

interface TestCase {
  name: string;
  frontier: Frontier;
  consistent: boolean;
  why: string;
}

const CASES: TestCase[] = [
  { name: 'the empty cut', frontier: { a: { a: 0, b: 0 }, b: { a: 0, b: 0 } }, consistent: true, why: 'No events at all: nothing can cross.' },
  { name: 'a receive without its send', frontier: { a: { a: 1, b: 0 }, b: { a: 2, b: 2 } }, consistent: false, why: 'b\'s last event in the cut knows of 2 events of a, but the cut includes only 1 of a\'s events: b received a message a sent after the cut.' },
  { name: 'a message in flight', frontier: { a: { a: 2, b: 0 }, b: { a: 0, b: 1 } }, consistent: true, why: 'a may have sent a message that b has not received yet: in flight across the cut, which is allowed.' },
  { name: 'one node knows of the other', frontier: { a: { a: 2, b: 0 }, b: { a: 2, b: 3 } }, consistent: true, why: 'b knows of exactly the 2 events of a that the cut includes: V_a < V_b, yet the cut is consistent.' },
  { name: 'knowledge through a third node', frontier: { a: { a: 1, b: 0, c: 0 }, b: { a: 0, b: 1, c: 0 }, c: { a: 3, b: 0, c: 2 } }, consistent: false, why: 'c knows of 3 events of a, but the cut includes 1: something a did after the cut reached c inside it.' },
];

const RULE_TYPES = `// A vector timestamp, by node: { a: 2, b: 0, c: 1 }.
export type Vector = Record<string, number>;
`;

const STARTER = `${RULE_TYPES}
// frontier[p]: the vector timestamp of p's last event inside the cut (all zeros if the cut has none of p's events).
export function isConsistent(frontier: Record<string, Vector>): boolean {
  return true;
}
`;

const REFERENCE = `${RULE_TYPES}
export function isConsistent(frontier: Record<string, Vector>): boolean {
  const nodes = Object.keys(frontier);
  // frontier[q][q] is how many of q's events the cut includes; no node p may know of more of them.
  return nodes.every((p) => nodes.every((q) => (frontier[p][q] ?? 0) <= (frontier[q][q] ?? 0)));
}
`;

export const cutTest = defineExercise({
  id: 'snapshots/cut-test',
  title: 'A consistent-cut test from vector timestamps',
  kind: 'code',
  signature: 'isConsistent(frontier: Record<string, Vector>): boolean',
  exportName: 'isConsistent',
  generate(rng): CutTestParams {
    const exchanges = [3, 3, 4, 4].map((nodes) => ({ seed: rng.int(1, 1_000_000_000), nodes }));
    const snapshotRuns = [drawRun(rng, 'triangle', 'concurrent'), drawRun(rng, 'ring-chord', 'single')];
    // One more run, drawn until Chandy-Lamport without FIFO records an inconsistent cut in it.
    for (;;) {
      const run = drawRun(rng, rng.pick(['triangle', 'ring-chord'] as const), 'single');
      if (nonFifoSnapshots(run).some((s) => orphanMessages(s).length > 0)) return { exchanges, snapshotRuns: [...snapshotRuns, run] };
    }
  },
  prompt: (p) => ({
    text: `A cut of a run is consistent when no message is received inside it and sent outside it. Write \`isConsistent(frontier)\`, which decides it from the cut's **frontier** alone: \`frontier[p]\` is the vector timestamp of p's last event inside the cut (all zeros when the cut has none of p's events), with the vector clocks of the clocks chapter (each event adds one to its node's own entry; a receive first takes the entry-by-entry maximum with the message's vector).\n\nYour test is tried on single cases; then on ${p.exchanges.length * 2 * CUTS_PER_VERDICT} random cuts of ${p.exchanges.length} runs of the exchange (seeds ${p.exchanges.map((x) => `${x.seed} with ${x.nodes} nodes`).join(', ')}), half of them consistent, against the definition; then it judges the cuts recorded by Chandy-Lamport snapshots of the bank on links that are **not** FIFO (${p.snapshotRuns.map((r) => runText(r)).join('; ')}), some of which are inconsistent.`,
  }),
  starter: () => STARTER,
  reference: () => REFERENCE,
  hints: () => [
    'frontier[q][q] counts q\'s events inside the cut. frontier[p][q] counts the events of q that p\'s last event in the cut has heard of.',
    'If p has heard of more of q\'s events than the cut includes, some event of q outside the cut reached p inside it.',
  ],
  async checks(p, fn, ctx) {
    const test = learnerTest(fn as unknown as LearnerTest);
    const checks: Check[] = [];
    checks.push(await ctx.check('single cases', () => guarded(() => {
      const wrong = CASES.filter((c) => test(c.frontier) !== c.consistent)
        .map((c) => `Case "${c.name}": isConsistent(${frontierText(c.frontier)}) returned ${!c.consistent}. ${c.why}`);
      return { passed: wrong.length === 0, feedback: wrong.join(' ') };
    })));
    checks.push(await ctx.check('random cuts of the exchange', () => guarded((): CheckVerdict => {
      for (const x of p.exchanges) {
        const { events } = exchange(x);
        for (const { cut, consistent } of drawCuts(x)) {
          const frontier = cutFrontier(events, cut);
          if (test(frontier) === consistent) continue;
          const crossing = checkCut(events, cut).crossing;
          const truth = consistent
            ? 'it is consistent: every message received inside it was sent inside it'
            : `it is not consistent: ${crossing.map((m) => `${m.receive} receives the message sent at ${m.send}, which is outside`).join('; ')}`;
          return { passed: false, feedback: `In the exchange with seed ${x.seed} (${x.nodes} nodes), the cut ${cutVector(cut)} (events per node, in order ${Object.keys(cut).sort().join(', ')}) has the frontier ${frontierText(frontier)}, and ${truth}; your test returned ${!consistent}.` };
        }
      }
      return { passed: true, feedback: '' };
    })));
    checks.push(await ctx.check('snapshots without FIFO', () => guarded((): CheckVerdict => {
      for (const run of p.snapshotRuns) {
        for (const snapshot of nonFifoSnapshots(run)) {
          const orphans = orphanMessages(snapshot);
          const verdict = checkConsistentCut(snapshot, { isConsistent: test });
          if ((verdict.status === 'ok') === (orphans.length === 0)) continue;
          const truth = orphans.length === 0
            ? 'no transfer was received before its receiver recorded and sent after its sender recorded, so the cut is consistent'
            : `${orphans.map((o) => `the transfer #${o.seq} from ${o.from} to ${o.to}`).join(', ')} overtook the marker: sent after ${orphans[0]?.from} recorded, received before ${orphans[0]?.to} recorded, so the cut is not consistent`;
          return { passed: false, feedback: `In the run with ${runText(run)}, snapshot ${snapshot.snapshotId} recorded the frontier ${frontierText(snapshot.frontier)}: ${truth}; your test returned ${orphans.length > 0}.` };
        }
      }
      return { passed: true, feedback: '' };
    })));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${REFERENCE.slice(RULE_TYPES.length + 1)}\`\`\`\n\nMattern (1989): entry q of p's vector counts the events of q that happened before p's last event in the cut, and frontier[q][q] counts q's events in the cut. If p knows of more of q's events than the cut includes, one of q's events outside the cut happened before an event inside it, and following that chain of messages, one of them is received inside the cut and sent outside it. Conversely, a message sent outside and received inside makes the receiver's vector count the send. Comparing whole vectors is not the test: a node's last event can happen before another's (V_p < V_q) in a consistent cut, when q has received a message p sent inside the cut. Chandy-Lamport without FIFO fails exactly this test when a transfer sent after its sender recorded overtakes the marker and arrives before the receiver records.`,
  }),
});
