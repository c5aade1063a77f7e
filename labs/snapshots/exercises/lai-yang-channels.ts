/**
 * Exercise: compute Lai-Yang's channel states (Lai and Yang 1987, "On distributed snapshots"). Without FIFO there
 * are no markers to delimit a channel's state; instead each sender logs the messages it sent on each channel before
 * it recorded, each receiver the sequence numbers it had received before it recorded, and the messages in flight
 * across the cut are the difference. The learner's function is the lab's `ChannelStateRule` (types.ts), given to
 * `collectSnapshots(trace, { channelState })` over real Lai-Yang runs of the bank on links that reorder messages.
 * Graded by conservation (`checkConservation`) and by equality with the reference channel states
 * (`channelStateByDifference`, the collector's default). Every variant includes a run in which some receiver had received a later message
 * of a channel and not an earlier one when it recorded, so a difference by counting, right on FIFO channels, fails.
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import type { Random } from '../../sim/random';
import type { Trace } from '../../sim/trace';
import type { BankMessage, BankState } from '../bank';
import { bankValue } from '../bank';
import { checkConservation } from '../checkers';
import { collectSnapshots } from '../collect';
import type { ChannelStateRule, GlobalSnapshot, RecordedMessage } from '../types';
import { BALANCE, TOPOLOGIES, bankRun, drawRun, runText, type GradedRun, type TopologyName } from './bank-runs';

export interface LaiYangParams {
  runs: GradedRun[];
}

/** More transfers than the other exercises and a wide latency spread, so that messages overtake each other often. */
const LOAD = { transfers: 60, latency: { kind: 'uniform' as const, minMs: 1, maxMs: 40 } };

const traces = new Map<string, Trace>();

/** The Lai-Yang run's trace; the channel state rule only reads it, so one trace serves every rule. */
export function laiYangTrace(run: GradedRun): Trace {
  const key = JSON.stringify(run);
  let trace = traces.get(key);
  if (trace === undefined) {
    trace = bankRun(run, 'lai-yang', {}, LOAD).trace;
    if (traces.size > 64) traces.delete(traces.keys().next().value as string);
    traces.set(key, trace);
  }
  return trace;
}

const totalOf = (run: GradedRun) => BALANCE * TOPOLOGIES[run.topology].nodes.length;

/**
 * Whether the seqs a receiver had received on a channel are not the first ones sent (0 to k - 1 for k messages):
 * a later message overtook one still in flight. Only then does counting differ from matching by seq.
 */
export function notAPrefix(received: readonly number[]): boolean {
  return received.some((seq) => seq >= received.length);
}

/** Whether the run has a snapshot in which some receiver had received a channel's messages with a gap. */
export function hasReordering(run: GradedRun): boolean {
  return collectSnapshots<BankState, BankMessage>(laiYangTrace(run)).some((s) =>
    Object.values(s.recordings).some((r) => Object.values(r.receivedBefore).some(notAPrefix)));
}

function drawRuns(rng: Random): GradedRun[] {
  const topologies = rng.shuffle(Object.keys(TOPOLOGIES) as TopologyName[]);
  const shapes = ['single', 'concurrent', 'sequential', 'single', 'concurrent'] as const;
  const runs = shapes.map((shape, i) => drawRun(rng, topologies[i % topologies.length] as TopologyName, shape));
  // The last run is drawn until reordering shows, so every variant tells a count-based difference apart.
  for (;;) {
    const last = drawRun(rng, rng.pick(['triangle', 'ring-chord'] as const), rng.pick(['single', 'concurrent'] as const));
    if (hasReordering(last)) return [...runs, last];
  }
}

type LearnerRule = (sentBefore: RecordedMessage<BankMessage>[], receivedBefore: number[]) => unknown;

const seqs = (messages: readonly { seq: number }[]) => `[${messages.map((m) => m.seq).join(', ')}]`;

/** The learner's rule with its answer checked: a list of the messages it was given, named by their seq. */
export function learnerChannelState(fn: LearnerRule): ChannelStateRule {
  return (<M>(sentBefore: readonly RecordedMessage<M>[], receivedBefore: readonly number[]) => {
    const got = fn(JSON.parse(JSON.stringify(sentBefore)), receivedBefore.slice()) as unknown;
    const call = `channelState(sent ${seqs(sentBefore)}, received [${receivedBefore.join(', ')}])`;
    if (!Array.isArray(got)) throw new WrongReturn(`${call} returned ${JSON.stringify(got) ?? String(got)}; it must return a list of the messages in flight, taken from sentBefore.`);
    const bySeq = new Map(sentBefore.map((m) => [m.seq, m]));
    return got.map((m: unknown) => {
      const seq = (m as { seq?: unknown } | null)?.seq;
      const sent = typeof seq === 'number' ? bySeq.get(seq) : undefined;
      if (sent === undefined) throw new WrongReturn(`${call} returned ${JSON.stringify(m)}, which is not one of the messages in sentBefore (their seqs are ${seqs(sentBefore)}).`);
      return { seq: sent.seq, message: sent.message };
    });
  }) as ChannelStateRule;
}

interface RuleCase {
  name: string;
  sent: number[];
  received: number[];
  expected: number[];
  why: string;
}

const CASES: RuleCase[] = [
  { name: 'nothing received yet', sent: [0, 1], received: [], expected: [0, 1], why: 'Both messages were sent before the sender recorded and neither had arrived when the receiver recorded: both are in flight.' },
  { name: 'in order', sent: [0, 1, 2], received: [0, 1], expected: [2], why: 'Messages 0 and 1 arrived before the receiver recorded; 2 had not.' },
  { name: 'overtaken', sent: [0, 1, 2, 3], received: [0, 2], expected: [1, 3], why: 'Without FIFO, message 2 overtook message 1: the receiver had 0 and 2 when it recorded, so 1 and 3 are in flight, not the last two sent.' },
  { name: 'arrived out of order', sent: [0, 1, 2], received: [1, 0], expected: [2], why: 'The receiver lists seqs in arrival order: 1 came before 0. Both arrived; only 2 is in flight.' },
  { name: 'nothing sent', sent: [], received: [], expected: [], why: 'Nothing was sent before the sender recorded, so nothing can be in flight.' },
];

function caseProblem(rule: ChannelStateRule, c: RuleCase): string {
  const sent = c.sent.map((seq) => ({ seq, message: { type: 'transfer' as const, amount: 10 + seq } }));
  const got = rule(sent, c.received);
  const gotSeqs = got.map((m) => m.seq).sort((x, y) => x - y);
  if (gotSeqs.join() === c.expected.join()) return '';
  return `Case "${c.name}": sent ${seqs(sent)}, received [${c.received.join(', ')}], your rule gave ${seqs(got)}. ${c.why}`;
}

const RULE_TYPES = `// One application message as logged by the layer: its sequence number on its channel (0, 1, 2, ... in send
// order) and its contents (here a bank transfer).
export interface RecordedMessage { seq: number; message: { type: 'transfer'; amount: number } }
`;

const STARTER = `${RULE_TYPES}
// sentBefore: what the sender sent on the channel before it recorded, in send order.
// receivedBefore: the seqs the receiver had received on it before it recorded, in arrival order.
export function channelState(sentBefore: RecordedMessage[], receivedBefore: number[]): RecordedMessage[] {
  return sentBefore;
}
`;

const REFERENCE = `${RULE_TYPES}
export function channelState(sentBefore: RecordedMessage[], receivedBefore: number[]): RecordedMessage[] {
  // In flight: sent before the sender recorded, not received before the receiver recorded. Match by seq, since
  // without FIFO the messages received need not be the first ones sent.
  const received = new Set(receivedBefore);
  return sentBefore.filter((m) => !received.has(m.seq));
}
`;

interface Collected {
  run: GradedRun;
  reference: GlobalSnapshot<BankState, BankMessage>[];
  learner: GlobalSnapshot<BankState, BankMessage>[];
}

/** The first channel whose state differs from the reference, with what the learner can learn from it. */
function firstMismatch(collected: Collected[]): string | undefined {
  for (const { run, reference, learner } of collected) {
    for (const [i, expected] of reference.entries()) {
      const mine = learner[i];
      for (const channel of expected.channels) {
        const got = mine?.channels.find((c) => c.from === channel.from && c.to === channel.to);
        const gotSeqs = got === undefined ? '[]' : seqs([...got.messages].sort((x, y) => x.seq - y.seq));
        if (gotSeqs === seqs(channel.messages)) continue;
        const sender = expected.recordings[channel.from];
        const receiver = expected.recordings[channel.to];
        const sent = sender?.channels[channel.to] ?? [];
        const received = receiver?.receivedBefore[channel.from] ?? [];
        const why = notAPrefix(received)
          ? ` The links do not keep FIFO order: ${channel.to} had received [${received.join(', ')}] when it recorded, not ${received.length === 1 ? 'the first message' : `the first ${received.length} messages`} sent, so the messages in flight are not simply the last ones sent. Match the messages by seq.`
          : ' The messages in flight are those sent before the sender recorded and not received before the receiver recorded.';
        return `In the run with ${runText(run)}, snapshot ${expected.snapshotId}, channel ${channel.from} → ${channel.to}: ${channel.from} had sent ${seqs(sent)} before recording, ${channel.to} had received [${received.join(', ')}] before recording, and your rule gave ${gotSeqs} as the channel's state.${why}`;
      }
    }
  }
  return undefined;
}

export const laiYangChannels = defineExercise({
  id: 'snapshots/lai-yang-channels',
  title: 'Lai-Yang: the messages in flight',
  kind: 'code',
  signature: 'channelState(sentBefore: RecordedMessage[], receivedBefore: number[]): RecordedMessage[]',
  exportName: 'channelState',
  generate: (rng): LaiYangParams => ({ runs: drawRuns(rng) }),
  prompt: (p) => ({
    text: `Lai and Yang's snapshot needs no FIFO channels and no channel recording at the receiver. Each application message carries its sender's colour (the snapshots it has recorded); a node that receives a message coloured for a snapshot it has not recorded records first. When a node records, the layer logs, for each outgoing channel, every message it had sent on it so far (\`sentBefore\`, in send order, each with its \`seq\`: 0, 1, 2, ... on that channel), and for each incoming channel the seqs it had received (\`receivedBefore\`, in arrival order).\n\nWrite \`channelState(sentBefore, receivedBefore)\`: the messages in flight on one channel across the snapshot's cut, taken from \`sentBefore\`. The collector calls it for every channel of every snapshot.\n\nYour rule is tried on single cases, then collects the snapshots of ${p.runs.length} Lai-Yang runs of the bank on links that reorder messages (latency 1 to 40 ms, ${LOAD.transfers} transfers each):\n\n${p.runs.map((r) => `- ${runText(r)}`).join('\n')}\n\nEvery snapshot must conserve the bank's money, and every channel's state must be exactly the messages in flight.`,
  }),
  starter: () => STARTER,
  reference: () => REFERENCE,
  hints: () => [
    'A message is in flight when it was sent before the sender recorded and had not been received when the receiver recorded.',
    'On these links a later message can arrive before an earlier one: the number of messages received does not tell you which ones.',
  ],
  async checks(p, fn, ctx) {
    const rule = learnerChannelState(fn as unknown as LearnerRule);
    const checks: Check[] = [];
    checks.push(await ctx.check('single cases', () => guarded(() => {
      const wrong = CASES.map((c) => caseProblem(rule, c)).filter(Boolean);
      return { passed: wrong.length === 0, feedback: wrong.join(' ') };
    })));
    let collected: Collected[] = [];
    const ran = await ctx.check('collecting the snapshots', () => guarded((): CheckVerdict => {
      collected = p.runs.map((run) => {
        const trace = laiYangTrace(run);
        return { run, reference: collectSnapshots<BankState, BankMessage>(trace), learner: collectSnapshots<BankState, BankMessage>(trace, { channelState: rule }) };
      });
      return { passed: true, feedback: '' };
    }));
    if (!ran.passed) return [...checks, ran];
    checks.push(await ctx.check('the money is conserved', (): CheckVerdict => {
      for (const { run, learner } of collected) {
        for (const snapshot of learner) {
          const result = checkConservation(snapshot, { total: totalOf(run), valueOfState: bankValue.ofState, valueOfMessage: bankValue.ofMessage });
          if (result.status === 'ok') continue;
          const what = result.status === 'violation' ? result.message : `it could not be judged: ${result.reason}`;
          const advice = result.status === 'violation' && / creates /.test(result.message)
            ? ' Money counted twice: a transfer the receiver had already taken (its balance includes it) is also counted in flight.'
            : ' A transfer in flight is counted nowhere, or the wrong transfers are counted.';
          return { passed: false, feedback: `In the run with ${runText(run)}: ${what}.${result.status === 'violation' ? advice : ''}` };
        }
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('every channel holds exactly the messages in flight', (): CheckVerdict => {
      const mismatch = firstMismatch(collected);
      return mismatch === undefined ? { passed: true, feedback: '' } : { passed: false, feedback: mismatch };
    }));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${REFERENCE.slice(RULE_TYPES.length + 1)}\`\`\`\n\nLai and Yang (1987) observed that the state of a channel is determined by two logs: the messages its sender sent before recording, and those its receiver received before recording. Colouring makes every message received before the receiver recorded one that was sent before the sender recorded (a message sent after carries the colour, and the receiver records before taking it), so the difference is exactly the messages in flight. Counting is not enough without FIFO: if message 2 overtakes message 1, the receiver has received two messages, but 1 is still in flight, not 2. The price of needing no FIFO is the logs: every message sent before recording is kept until the snapshot is assembled, so they grow with the traffic.`,
  }),
});
