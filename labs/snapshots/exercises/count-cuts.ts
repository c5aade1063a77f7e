/**
 * Exercise: how many consistent cuts (consistent global states) does a small run of two nodes have? Mattern (1989,
 * "Virtual time and global states of distributed systems", §4) and Babaoğlu and Marzullo (1993, "Consistent
 * global states of distributed systems: fundamental concepts and mechanisms", §6) arrange them in a lattice whose
 * paths from the empty cut to the full one are the run's possible interleavings; counting them is counting the
 * states a snapshot might return. The answer counts the empty cut and the full cut, as the prompt says. The
 * reference is the lab's lattice walk (`consistentCuts`); the test counts them again by closure under
 * happened-before.
 */
import { distinctMistakes } from '../../exercises/grade';
import { defineExercise } from '../../exercises/types';
import { checkCut, consistentCuts } from '../cuts';
import { latticeFigure } from '../cut-figure';
import { allCuts, cutVector, eventCounts, inFlightMessages, runFigure, runMessages, smallRun, type Cut } from './small-runs';

export interface CountCutsParams {
  seed: number;
}

const TWO_NODES = ['a', 'b'] as const;
const EVENTS_PER_NODE = 3;
/** At most this many events per node, so the grid of cuts stays small enough to walk by hand. */
const MAX_EVENTS = 5;

const run = (p: CountCutsParams) => smallRun(p.seed, EVENTS_PER_NODE, TWO_NODES);

/** Every consistent cut of the variant's run, as the lab's lattice walk finds them. */
export function consistentCutsOf(p: CountCutsParams): Cut[] {
  return consistentCuts(run(p).events);
}

const TOLERANCE = { absolute: 0 };

function mistakes(p: CountCutsParams) {
  const { events } = run(p);
  const cuts = allCuts(eventCounts(events, TWO_NODES));
  const answer = consistentCutsOf(p).length;
  const noMessageAcross = cuts.filter((c) => checkCut(events, c).consistent && inFlightMessages(events, c).length === 0).length;
  return distinctMistakes(TOLERANCE, answer, [
    { value: cuts.length, feedback: `That counts every cut, ${cuts.length} of them. A cut whose receive is inside and whose send is outside is not consistent: leave those out.` },
    { value: noMessageAcross, feedback: 'You also left out cuts with a message in flight (sent inside the cut, received after it). Those are consistent: the message is simply in the channel at that moment.' },
    { value: answer - 2, feedback: 'Count the empty cut (no events) and the full cut (every event) too: both are consistent.' },
    { value: answer - 1, feedback: 'Count both the empty cut (no events) and the full cut (every event).' },
  ]);
}

export const countCuts = defineExercise({
  id: 'snapshots/count-cuts',
  title: 'How many consistent global states?',
  kind: 'numeric',
  tolerance: TOLERANCE,
  generate(rng): CountCutsParams {
    for (;;) {
      const seed = rng.int(1, 100_000);
      const { events } = smallRun(seed, EVENTS_PER_NODE, TWO_NODES);
      const counts = eventCounts(events, TWO_NODES);
      if (Object.values(counts).some((k) => k > MAX_EVENTS) || runMessages(events).length < 2) continue;
      return { seed };
    }
  },
  prompt: (p) => {
    const counts = eventCounts(run(p).events, TWO_NODES);
    return {
      text: `Two nodes exchange messages: a has ${counts.a} events and b has ${counts.b}. A cut takes a prefix of each node's events, so there are ${((counts.a ?? 0) + 1) * ((counts.b ?? 0) + 1)} cuts in all. How many of them are **consistent** (no message received inside the cut and sent after it)? Count the empty cut and the full cut.`,
      figures: [runFigure(run(p), `Seed ${p.seed}: two nodes; each label is an event's id.`)],
    };
  },
  answer: (p) => consistentCutsOf(p).length,
  mistakes,
  hints: () => [
    'Write a cut as [i, j]: the first i events of a and the first j of b. Each message from a to b forbids every cut that includes its receive but not its send.',
    'Go row by row: for each i, which j are allowed? The allowed j form a range.',
  ],
  solution(p) {
    const cuts = consistentCutsOf(p);
    const { events } = run(p);
    const forbidding = runMessages(events).map((m) => `\`${m.send} → ${m.receive}\``).join(', ');
    return {
      text: `**${cuts.length}** consistent cuts, written [events of a, events of b]: ${cuts.map((c) => `\`${cutVector(c)}\``).join(', ')}.\n\nEach message (${forbidding}) rules out the cuts that contain its receive but not its send; every other cut is consistent, including those with a message in flight. Ordered by inclusion, these cuts form a lattice (Mattern 1989; Babaoğlu and Marzullo 1993): every path from \`[0, 0]\` to the full cut that adds one event at a time is an order in which the run's events could have happened, and a snapshot returns one of these states.`,
      figures: [{ kind: 'plot', ...latticeFigure(events) }],
    };
  },
});
