/**
 * Exercise: is this cut consistent, and if not, which message crosses it? A cut of a small run of three nodes is
 * given as the events it includes on each node; it is consistent when no message is received inside it and sent
 * outside it (Mattern 1989, "Virtual time and global states of distributed systems"). Variants are drawn so that exactly one option
 * is right: the cut is consistent, or exactly one message crosses it backwards. Consistent cuts are drawn with a
 * message in flight across them, so that "a message crosses the line" is not on its own the mark of a bad cut.
 */
import { defineExercise } from '../../exercises/types';
import { checkCut } from '../cuts';
import { cutFigure } from '../cut-figure';
import type { Random } from '../../sim/random';
import {
  NODES,
  cutText,
  eventCounts,
  inCut,
  inFlightMessages,
  messageText,
  runFigure,
  runMessages,
  smallRun,
  untimed,
  type Cut,
  type RunMessage,
  type SmallRun,
} from './small-runs';

export interface CutConsistentParams {
  seed: number;
  cut: Cut;
}

const EVENTS_PER_NODE = 3;

const run = (p: CutConsistentParams) => smallRun(p.seed, EVENTS_PER_NODE);
const optionId = (send: string) => `message-${send}`;
const crossingMessages = (events: SmallRun['events'], cut: Cut): RunMessage[] => checkCut(events, cut).crossing;

/** A cut with exactly `crossing` messages received inside and sent outside it, and, if consistent, one in flight. */
function drawCut(rng: Random, seed: number, crossing: 0 | 1): Cut | undefined {
  const { events } = smallRun(seed, EVENTS_PER_NODE);
  const counts = eventCounts(events);
  for (let attempt = 0; attempt < 30; attempt++) {
    const cut: Cut = Object.fromEntries(NODES.map((n) => [n, rng.int(1, Math.max(1, (counts[n] ?? 0) - 1))]));
    const crossed = crossingMessages(events, cut).length;
    if (crossed !== crossing) continue;
    if (crossing === 0 && inFlightMessages(events, cut).length === 0) continue;
    return cut;
  }
  return undefined;
}

export const cutConsistent = defineExercise({
  id: 'snapshots/cut-consistent',
  title: 'Is this cut consistent?',
  kind: 'choice',
  multiple: false,
  generate(rng): CutConsistentParams {
    const crossing = rng.chance(0.5) ? 0 : 1;
    for (;;) {
      const seed = rng.int(1, 100_000);
      if (runMessages(smallRun(seed, EVENTS_PER_NODE).events).length < 3) continue;
      const cut = drawCut(rng, seed, crossing);
      if (cut !== undefined) return { seed, cut };
    }
  },
  prompt: (p) => ({
    text: `Three nodes exchange messages; every event is labelled with its id (\`b2\` is the second event of b). A cut takes a prefix of each node's events: this one includes **${cutText(p.cut)}** (in the figure, the dashed line marks it: on each node, the events to its left are inside). Is the cut consistent? If it is not, which message shows it?`,
    figures: [runFigure(run(p), `Seed ${p.seed}. The cut includes ${cutText(p.cut)}.`, { cut: p.cut })],
  }),
  options: (p) => [
    { id: 'consistent', label: 'Consistent: no message shows otherwise' },
    ...runMessages(run(p).events).map((m) => ({ id: optionId(m.send), label: `Not consistent: the message ${messageText(m)} crosses it` })),
  ],
  correct(p) {
    const [crossing] = crossingMessages(run(p).events, p.cut);
    return [crossing === undefined ? 'consistent' : optionId(crossing.send)];
  },
  explain(p, id) {
    const { events } = run(p);
    const crossing = crossingMessages(events, p.cut);
    if (id === 'consistent') {
      if (crossing.length === 0) return 'Right: every message received inside the cut was also sent inside it.';
      const m = crossing[0] as RunMessage;
      return `The message ${messageText(m)} is received at ${m.receive}, inside the cut, but sent at ${m.send}, after the cut on its node: the cut records the receipt of a message that was never sent.`;
    }
    const m = runMessages(events).find((x) => optionId(x.send) === id);
    if (m === undefined) return '';
    if (crossing.some((x) => x.send === m.send)) return `Right: ${m.receive} is inside the cut and ${m.send} is not, so the cut contains an effect without its cause.`;
    const sendIn = inFlightMessages(events, p.cut).some((x) => x.send === m.send);
    if (sendIn) return `${messageText(m)} is sent inside the cut and received after it: it is in flight when the cut is taken, which a consistent cut allows (a snapshot records it as the channel's state).`;
    const receive = events.find((e) => e.id === m.receive);
    return receive !== undefined && inCut(p.cut, receive) ? `${messageText(m)} is sent and received inside the cut: nothing wrong with it.` : `${messageText(m)} is sent and received after the cut: it is not in the cut at all.`;
  },
  hints: () => [
    'Only one direction of crossing matters. A message that leaves the cut (sent inside, received after) is in flight; one that enters it (received inside, sent after) cannot be.',
    'For each receive inside the cut, look at its send: is that event inside the cut on its own node?',
  ],
  solution(p) {
    const { events } = run(p);
    const crossing = crossingMessages(events, p.cut);
    const inFlight = inFlightMessages(events, p.cut);
    const flight = inFlight.length === 0 ? '' : ` The ${inFlight.length === 1 ? 'message' : 'messages'} ${inFlight.map(messageText).join(', ')} ${inFlight.length === 1 ? 'is' : 'are'} sent inside and received after the cut: in flight, which is allowed.`;
    const verdict = crossing.length === 0
      ? `The cut is **consistent**: every receive inside it has its send inside it too.${flight}`
      : `The cut is **not consistent**: ${crossing.map((m) => `${m.receive} receives the message sent at ${m.send}, which the cut leaves out`).join('; ')}. A global state that includes a receipt but not the sending could not have happened.${flight}`;
    return {
      text: `${verdict}\n\nThe rule (Mattern 1989): a cut is consistent when it is closed under "happened before" for messages: if a receive is in it, its send is in it.`,
      figures: [{ kind: 'plot', ...cutFigure(untimed(events), p.cut) }],
    };
  },
});
