/**
 * Exercise: write Chandy and Lamport's marker receiving rule (1985, "Distributed snapshots: determining global
 * states of distributed systems", §3.2). The learner's function is the layer's `MarkerReceiveRule` (types.ts): it
 * runs in place of the reference rule inside the lab's snapshot layer (`markerRule`), under the bank, on FIFO
 * channels, on several topologies, with one snapshot, two concurrent ones or two in sequence. Each run's snapshots
 * are judged by the lab's own checkers: every node completes its part (`checkCompleteness`), the cut is consistent
 * (`checkConsistentCut`, Mattern 1989) and the money is conserved (`checkConservation`), which is the §4 theorem
 * seen through the bank's invariant. A few single cases come first, so a wrong rule is named before it is run.
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import type { CheckResult } from '../../sim/check';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import type { MarkerReceiveRule, NodeId } from '../types';
import { TOPOLOGIES, TRANSFERS, bankRun, drawRun, firstFailure, runText, type GradedRun, type TopologyName } from './bank-runs';

export interface MarkerRuleParams {
  runs: GradedRun[];
}

type View = Parameters<MarkerReceiveRule>[0];
type LearnerRule = (view: View, from: NodeId) => unknown;

const viewText = (view: View, from: NodeId) =>
  `markerRule({ recorded: ${view.recorded}, recording: [${view.recording.map((n) => `'${n}'`).join(', ')}], incoming: [${view.incoming.map((n) => `'${n}'`).join(', ')}] }, '${from}')`;

/** The learner's rule with its answer checked, so a wrong shape is named with the call that produced it. */
export function learnerMarkerRule(fn: LearnerRule): MarkerReceiveRule {
  return (view, from) => {
    const got = fn(JSON.parse(JSON.stringify(view)) as View, from) as { recordState?: unknown; recording?: unknown } | null | undefined;
    const call = viewText(view, from);
    if (typeof got !== 'object' || got === null) throw new WrongReturn(`${call} returned ${JSON.stringify(got) ?? String(got)}; it must return { recordState, recording }.`);
    if (typeof got.recordState !== 'boolean') throw new WrongReturn(`${call} returned recordState ${JSON.stringify(got.recordState)}; it must be true or false.`);
    if (!Array.isArray(got.recording)) throw new WrongReturn(`${call} returned recording ${JSON.stringify(got.recording)}; it must be a list of the senders of incoming channels.`);
    const stray = got.recording.find((n) => !view.incoming.includes(n as NodeId));
    if (stray !== undefined) throw new WrongReturn(`${call} listed ${JSON.stringify(stray)} in recording, which is not an incoming channel of this node.`);
    if (got.recordState && view.recorded) throw new WrongReturn(`${call} asked to record the state again; a node records its state once per snapshot, at the first marker (or when it starts the snapshot).`);
    return { recordState: got.recordState, recording: [...new Set(got.recording as NodeId[])] };
  };
}

interface RuleCase {
  name: string;
  view: View;
  from: NodeId;
  expected: { recordState: boolean; recording: NodeId[] };
  why: string;
}

const CASES: RuleCase[] = [
  {
    name: 'the first marker, two other incoming channels',
    view: { recorded: false, recording: [], incoming: ['a', 'b', 'c'] },
    from: 'b',
    expected: { recordState: true, recording: ['a', 'c'] },
    why: 'On its first marker a node records its state; the channel the marker came on is recorded as empty (FIFO: everything sent before the marker has arrived), and every other incoming channel is recorded from now until its own marker arrives.',
  },
  {
    name: 'the first marker on the only incoming channel',
    view: { recorded: false, recording: [], incoming: ['d'] },
    from: 'd',
    expected: { recordState: true, recording: [] },
    why: 'The node records its state; its only incoming channel brought the marker, so that channel is empty and nothing is left to record.',
  },
  {
    name: 'a later marker',
    view: { recorded: true, recording: ['a', 'c'], incoming: ['a', 'b', 'c'] },
    from: 'c',
    expected: { recordState: false, recording: ['a'] },
    why: 'The state is already recorded. The marker closes its channel: c\'s state is what arrived on it since the recording, so stop recording c and keep recording a.',
  },
  {
    name: 'the last marker',
    view: { recorded: true, recording: ['a'], incoming: ['a', 'b', 'c'] },
    from: 'a',
    expected: { recordState: false, recording: [] },
    why: 'This marker closes the last open channel; with nothing left to record, the node\'s part is complete.',
  },
];

function caseProblem(rule: MarkerReceiveRule, c: RuleCase): string {
  const got = rule(c.view, c.from);
  const same = got.recordState === c.expected.recordState && [...got.recording].sort().join() === c.expected.recording.join();
  if (same) return '';
  return `Case "${c.name}": ${viewText(c.view, c.from)} returned { recordState: ${got.recordState}, recording: [${got.recording.map((n) => `'${n}'`).join(', ')}] }. ${c.why}`;
}

/** What a failed property means for a marker rule, for the learner. */
const ADVICE: Record<string, string> = {
  completeness: 'A node\'s part is complete only when it has recorded its state and no incoming channel is still being recorded. A node that never records, or a channel that is never closed (no second marker will ever come on the channel the first one arrived on), leaves the snapshot unfinished.',
  'consistent cut': 'The recorded cut includes a transfer received before the receiver recorded but sent after the sender recorded: the node must record its state at the first marker, before it takes any later message.',
  conservation: 'The recorded balances plus the recorded transfers in flight do not add up to the bank\'s total. A transfer sent before its sender recorded and received after the receiver recorded must appear in exactly one channel\'s state: the messages that arrive on a channel after the node recorded and before that channel\'s marker.',
};

const RULE_TYPES = `// What the node knows when a marker of one snapshot arrives on the channel from \`from\`.
export interface MarkerView {
  recorded: boolean;            // has this node recorded its state for this snapshot?
  recording: readonly string[]; // incoming channels (by sender) whose messages are being recorded now
  incoming: readonly string[];  // every incoming channel (by sender)
}
// Whether to record the state now (the layer then sends a marker on every outgoing channel), and which incoming
// channels are being recorded after this marker.
export interface MarkerAnswer { recordState: boolean; recording: string[] }
`;

const STARTER = `${RULE_TYPES}
export function markerRule(view: MarkerView, from: string): MarkerAnswer {
  return { recordState: !view.recorded, recording: [] };
}
`;

const REFERENCE = `${RULE_TYPES}
export function markerRule(view: MarkerView, from: string): MarkerAnswer {
  // The first marker: record the state; the marker's own channel is empty, every other one is recorded from now.
  if (!view.recorded) return { recordState: true, recording: view.incoming.filter((n) => n !== from) };
  // A later marker closes its channel: what arrived on it since the recording is its state.
  return { recordState: false, recording: view.recording.filter((n) => n !== from) };
}
`;

const PROPERTIES = ['completeness', 'consistent cut', 'conservation'] as const;
const CHECK_NAMES: Record<(typeof PROPERTIES)[number], string> = {
  completeness: 'every node completes its part',
  'consistent cut': 'the recorded cut is consistent',
  conservation: 'the money is conserved',
};

export const markerRuleExercise = defineExercise({
  id: 'snapshots/marker-rule',
  title: 'The marker receiving rule',
  kind: 'code',
  signature: 'markerRule(view: MarkerView, from: string): MarkerAnswer',
  exportName: 'markerRule',
  generate(rng): MarkerRuleParams {
    const topologies = rng.shuffle(Object.keys(TOPOLOGIES) as TopologyName[]);
    const shapes = ['concurrent', 'single', 'sequential', 'concurrent', 'single', 'concurrent'] as const;
    return { runs: shapes.map((shape, i) => drawRun(rng, topologies[i % topologies.length] as TopologyName, shape)) };
  },
  prompt: (p) => ({
    text: `The lab's snapshot layer runs Chandy and Lamport's algorithm under any application; here, under the bank, whose total must be conserved. Its marker **sending** rule is written: when a node records its state, it sends a marker on every outgoing channel before anything else. Write the marker **receiving** rule, \`markerRule(view, from)\`, called when a marker of one snapshot arrives on the channel from \`from\`. Return whether to record the node's state now, and which incoming channels are being recorded after this marker: every message that arrives on a channel while it is being recorded becomes part of that channel's recorded state. A node's part is complete once it has recorded and no channel is being recorded.\n\nYour rule is tried on a few single cases, then runs in every node of ${p.runs.length} bank runs with FIFO channels, ${p.runs.length * TRANSFERS} random transfers in all, and snapshots started at random times, some two at once (each snapshot has its own id and its own view):\n\n${p.runs.map((r) => `- ${runText(r)}`).join('\n')}\n\nEach snapshot must complete, record a consistent cut, and conserve the bank's money.`,
  }),
  starter: () => STARTER,
  reference: () => REFERENCE,
  hints: () => [
    'Two situations: the node has not recorded yet (the first marker of this snapshot), or it has (a later one).',
    'On FIFO channels, a marker arrives after every message its sender sent before recording. So the channel a marker arrives on has nothing more to record.',
  ],
  async checks(p, fn, ctx) {
    const rule = learnerMarkerRule(fn as unknown as LearnerRule);
    const checks: Check[] = [];
    checks.push(await ctx.check('single cases', () => guarded(() => {
      const wrong = CASES.map((c) => caseProblem(rule, c)).filter(Boolean);
      return { passed: wrong.length === 0, feedback: wrong.join(' ') };
    })));
    let results: { run: GradedRun; checks: Record<string, CheckResult[]> }[] | undefined;
    const runAll = (): CheckVerdict => {
      results = p.runs.map((run) => ({ run, checks: bankRun(run, 'chandy-lamport', { markerRule: rule }).checks }));
      return { passed: true, feedback: '' };
    };
    const ran = await ctx.check('the runs complete without error', () => guarded(runAll));
    if (!ran.passed) return [...checks, ran];
    for (const property of PROPERTIES) {
      checks.push(await ctx.check(CHECK_NAMES[property], (): CheckVerdict => {
        const failure = firstFailure(results ?? [], property);
        if (failure === undefined) return { passed: true, feedback: '' };
        if (failure.result.status === 'violation') return { passed: false, feedback: `In the run with ${runText(failure.run)}: ${failure.result.message}. ${ADVICE[property]}` };
        const notJudged = `In the run with ${runText(failure.run)}, this could not be judged: ${failure.result.reason}.`;
        return { passed: false, feedback: property === 'completeness' ? `${notJudged} ${ADVICE.completeness}` : `${notJudged} Make every snapshot complete first.` };
      }));
    }
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${REFERENCE.slice(RULE_TYPES.length + 1)}\`\`\`\n\nThis is the rule of Chandy and Lamport (1985, §3.2). On FIFO channels the marker separates what its sender sent before recording (ahead of the marker) from what it sent after (behind it). A node that records at its first marker has therefore taken every message sent before the sender's recording on that channel, and none sent after: the channel's state is empty. On every other channel, what arrives before that channel's marker was sent before its sender recorded and received after this node did, which is exactly the set of messages in flight across the cut. Record those, and the balances plus the transfers in flight add up to the total; leave them out and money disappears; record the marker's own channel too and it is never closed, since no second marker comes on it.`,
  }),
});
