/**
 * The small runs the chapter's diagram exercises draw and ask about: the clocks chapter's random exchange on three
 * nodes, every event stamped with a vector clock (`runExchange` with `vectorClock`), shown as a space-time diagram
 * whose events carry their ids (`a1`, `b3`). A cut is written as the clocks chapter and the lab's `cuts.ts` count
 * it: how many events of each node it includes, always a prefix of the node's events.
 *
 * What a cut is and when it is consistent follows Mattern (1989, "Virtual time and global states of distributed
 * systems", §3): a cut is consistent when no message is received inside it and sent outside it. The exercises'
 * tests hold the lab's answers to a brute-force oracle built on `happensBefore`. Which messages cross a cut, and the cut's frontier, come from
 * `cuts.ts` (`checkCut`, `cutFrontier`); this file adds what only the exercises need: the messages in flight
 * across a cut, and a cut written out in words.
 */
import type { SpaceTimeOutput } from '../../display/outputs';
import { runExchange, type StampedEvent } from '../../clocks/exchange';
import { vectorClock, type VectorTimestamp } from '../../clocks/logical';
import type { NodeId } from '../../sim/types';
import type { Cut } from '../cuts';

export const NODES = ['a', 'b', 'c'] as const;

export type { Cut } from '../cuts';

export interface SmallRun {
  trace: SpaceTimeOutput['trace'];
  events: StampedEvent<VectorTimestamp>[];
}

// Variants are drawn and graded many times over (the tests enumerate thousands of seeds); one seed always gives
// the same run, so the last few runs are kept.
const cache = new Map<string, SmallRun>();

/** The exchange with seed `seed`: each node (a, b, c unless told) starts `eventsPerNode` events, vector-stamped. */
export function smallRun(seed: number, eventsPerNode: number, nodes: readonly NodeId[] = NODES): SmallRun {
  const key = `${seed}/${eventsPerNode}/${nodes.join(',')}`;
  let run = cache.get(key);
  if (run === undefined) {
    run = runExchange(vectorClock, { seed, eventsPerNode, nodes: [...nodes] });
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, run);
  }
  return run;
}

/** The number of events of each node in the run. */
export function eventCounts(events: readonly StampedEvent<unknown>[], nodes: readonly NodeId[] = NODES): Cut {
  const counts: Cut = Object.fromEntries(nodes.map((n) => [n, 0]));
  for (const e of events) counts[e.node] = Math.max(counts[e.node] ?? 0, e.index);
  return counts;
}

export function inCut(cut: Cut, e: { node: NodeId; index: number }): boolean {
  return e.index <= (cut[e.node] ?? 0);
}

/** One message of the run: its send event and its receive event. */
export interface RunMessage {
  send: string;
  receive: string;
}

/** Every delivered message, ordered by the send's node, then its index. */
export function runMessages(events: readonly StampedEvent<unknown>[]): RunMessage[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  return events
    .filter((e) => e.kind === 'receive' && e.from !== undefined)
    .map((e) => ({ send: e.from as string, receive: e.id }))
    .sort((x, y) => {
      const [a, b] = [byId.get(x.send) as StampedEvent<unknown>, byId.get(y.send) as StampedEvent<unknown>];
      return a.node === b.node ? a.index - b.index : a.node < b.node ? -1 : 1;
    });
}

/** The messages sent inside the cut and received outside it: in flight across a consistent cut. */
export function inFlightMessages(events: readonly StampedEvent<unknown>[], cut: Cut): RunMessage[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  return runMessages(events).filter((m) => inCut(cut, byId.get(m.send) as StampedEvent<unknown>) && !inCut(cut, byId.get(m.receive) as StampedEvent<unknown>));
}

/** A cut in words: `a1 to a2 on a, b1 on b, nothing on c`. */
export function cutText(cut: Cut): string {
  return NODES.map((n) => {
    const k = cut[n] ?? 0;
    if (k === 0) return `nothing on ${n}`;
    return k === 1 ? `${n}1 on ${n}` : `${n}1 to ${n}${k} on ${n}`;
  }).join(', ');
}

/** A cut as the vector of its counts in node order: `[2, 1, 0]`. */
export function cutVector(cut: Cut): string {
  return `[${Object.keys(cut).sort().map((n) => cut[n] ?? 0).join(', ')}]`;
}

/** A vector timestamp in node order: `[2, 0, 1]`. */
export function vectorText(v: VectorTimestamp): string {
  return `[${NODES.map((n) => v[n] ?? 0).join(', ')}]`;
}

/** The space-time figure of a run, every event labelled with its id (or `text`). */
export function runDiagram(run: SmallRun, caption: string, text: (e: StampedEvent<VectorTimestamp>) => string = (e) => e.id): SpaceTimeOutput {
  return { kind: 'spacetime', trace: run.trace, caption, labels: run.events.map((e) => ({ seq: e.seq, text: text(e) })) };
}

/** Labels that mark a cut: the last event each node has inside it gets a bar after its id. */
export function cutLabels(cut: Cut): (e: StampedEvent<unknown>) => string {
  return (e) => (e.index === (cut[e.node] ?? 0) ? `${e.id} ┃` : e.id);
}

export const messageText = (m: RunMessage) => `${m.send} → ${m.receive}`;


/** Every cut of a run with these event counts, consistent or not, in lexicographic order of the counts. */
export function allCuts(counts: Cut): Cut[] {
  const nodes = Object.keys(counts).sort();
  let cuts: Cut[] = [{}];
  for (const n of nodes) cuts = cuts.flatMap((c) => Array.from({ length: (counts[n] ?? 0) + 1 }, (_, k) => ({ ...c, [n]: k })));
  return cuts;
}
