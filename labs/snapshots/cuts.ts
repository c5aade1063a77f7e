/**
 * Cuts of a run and the lattice of consistent global states.
 *
 * A run's events are counted as the clocks chapter counts them (`ProcessEvent`, Lamport 1978 §2): every node's
 * events in index order, each receive naming the send it received. A *cut* takes a prefix of every node's events,
 * written as how many events of each node it includes. The global state it stands for is every node's state after
 * its last included event, plus every message sent inside the cut and not received inside it.
 *
 * Words and sources:
 * - A cut is *consistent* when no event inside it is a receive whose send lies outside: the state it describes
 *   could have been seen by an observer outside the system, since no message arrives before it was sent
 *   (Mattern 1989, "consistent cut"). `checkCut` tests exactly this definition
 *   and names every message that crosses the cut the wrong way.
 * - Mattern 1989 characterises consistency with vector time: with V_p the vector clock of p's last event in
 *   the cut (all zeros when the cut includes none of p's events), the cut is consistent iff V_p[q] <= V_q[q] for
 *   all p and q, that is, no node knows of more of q's events than the cut includes. `consistentByVectors` is
 *   that condition; `cutFrontier` computes the vectors.
 * - The consistent cuts of one run, ordered by inclusion, form a lattice (Mattern 1989; Babaoğlu and Marzullo
 *   1993, "Consistent global states of distributed systems: fundamental concepts and mechanisms"), whose meet
 *   and join are the pointwise minimum and maximum of the counts. Each consistent cut other than the full run has
 *   a successor that includes one more event, so the lattice is the graph of every way the run could have been
 *   observed one event at a time; `consistentCuts` enumerates it and `cutLattice` adds its covering relation.
 */
import { assignStamps, happensBefore } from '../clocks/causality';
import type { ProcessEvent } from '../clocks/causality';
import { eventId } from '../clocks/exchange';
import { vectorClock } from '../clocks/logical';
import type { Trace } from '../sim/trace';
import type { GlobalSnapshot, LayerMessage, NodeId, VectorTimestamp } from './types';

/** How many events of each node a cut includes: a prefix of each node's events, in index order. */
export type Cut = Record<NodeId, number>;

/** A message that crosses a cut the wrong way: its receive is inside the cut, its send outside. */
export interface CrossingMessage {
  send: string;
  receive: string;
}

/** The verdict of the definition on one cut: consistent exactly when no message crosses it backwards. */
export interface CutVerdict {
  consistent: boolean;
  /** Every receive inside the cut whose send is outside, by the receive's node then index. */
  crossing: CrossingMessage[];
}

/** An application event read from a trace: a `ProcessEvent` with where and when it happened in the run. */
export interface AppEvent extends ProcessEvent {
  /** Global simulated time of the event. */
  t: number;
  /** The trace `seq` of the send or deliver event. */
  seq: number;
  /** For a send: the receiver. */
  to?: NodeId;
}

/** The events of a run, grouped by node in index order, with every receive's send found. */
interface RunIndex {
  nodes: NodeId[];
  byNode: Map<NodeId, ProcessEvent[]>;
  byId: Map<string, ProcessEvent>;
}

/**
 * Groups and validates events: unique ids, each node's indices exactly 1..k (so that "the first c events" and
 * "index <= c" agree), and every receive's send present. Throws with a message that names the offending event.
 */
function indexRun(events: readonly ProcessEvent[]): RunIndex {
  const byId = new Map<string, ProcessEvent>();
  const byNode = new Map<NodeId, ProcessEvent[]>();
  for (const e of events) {
    if (byId.has(e.id)) throw new Error(`two events have the id ${JSON.stringify(e.id)}`);
    byId.set(e.id, e);
    const list = byNode.get(e.node) ?? [];
    list.push(e);
    byNode.set(e.node, list);
  }
  for (const [node, list] of byNode) {
    list.sort((a, b) => a.index - b.index);
    list.forEach((e, i) => {
      if (e.index !== i + 1) throw new Error(`node ${node}'s events must be numbered 1, 2, 3, ... (event ${e.id} has index ${e.index}, expected ${i + 1})`);
    });
  }
  for (const e of events) {
    if (e.kind === 'receive' && (e.from === undefined || !byId.has(e.from))) {
      throw new Error(`receive ${e.id} names the send ${JSON.stringify(e.from)}, which is not among the events`);
    }
  }
  return { nodes: [...byNode.keys()].sort(), byNode, byId };
}

/** Throws unless `cut` gives every node of the run a count between 0 and its number of events, and names no other. */
function validateCut(run: RunIndex, cut: Cut): void {
  for (const node of Object.keys(cut)) {
    // A node with no events can only be at 0 (a snapshot's cut names every node, active or not).
    if (!run.byNode.has(node) && cut[node] !== 0) throw new Error(`the cut names node ${JSON.stringify(node)}, which has no events in this run (nodes: ${run.nodes.join(', ')})`);
  }
  for (const node of run.nodes) {
    const count = cut[node];
    const total = (run.byNode.get(node) as ProcessEvent[]).length;
    if (count === undefined) throw new Error(`the cut gives no count for node ${node} (write ${node}: 0 to include none of its events)`);
    if (!Number.isInteger(count) || count < 0 || count > total) {
      throw new Error(`the cut's count for node ${node} must be a whole number from 0 to ${total}, its number of events (got ${String(count)})`);
    }
  }
}

/**
 * Whether `cut` is consistent, by the definition: it is not when some receive inside it received a message whose
 * send is outside (Chandy and Lamport 1985 §3). Lists every such message. Throws on a cut that does not fit the run.
 */
export function checkCut(events: readonly ProcessEvent[], cut: Cut): CutVerdict {
  const run = indexRun(events);
  validateCut(run, cut);
  const crossing: CrossingMessage[] = [];
  for (const node of run.nodes) {
    for (const e of (run.byNode.get(node) as ProcessEvent[]).slice(0, cut[node])) {
      if (e.kind !== 'receive') continue;
      const send = run.byId.get(e.from as string) as ProcessEvent;
      if (send.index > (cut[send.node] as number)) crossing.push({ send: send.id, receive: e.id });
    }
  }
  return { consistent: crossing.length === 0, crossing };
}

/**
 * The cut's frontier: for each node, the vector clock (Fidge 1988, Mattern 1989) of its last event inside the
 * cut, or the all-zero vector when the cut includes none of its events. Every vector names every node of the run.
 */
export function cutFrontier(events: readonly ProcessEvent[], cut: Cut): Record<NodeId, VectorTimestamp> {
  const run = indexRun(events);
  validateCut(run, cut);
  const stamps = assignStamps(vectorClock, events);
  const zero = Object.fromEntries(run.nodes.map((n) => [n, 0]));
  const frontier: Record<NodeId, VectorTimestamp> = {};
  for (const node of run.nodes) {
    const count = cut[node] as number;
    const last = count === 0 ? undefined : (run.byNode.get(node) as ProcessEvent[])[count - 1];
    frontier[node] = last === undefined ? { ...zero } : { ...zero, ...(stamps[last.id] as VectorTimestamp) };
  }
  return frontier;
}

/**
 * Mattern's condition (1989): the cut whose frontier is `frontier` is consistent iff for all nodes p and q,
 * V_p[q] <= V_q[q]: no node in the cut has heard of an event of q that the cut leaves out. A node missing from a
 * vector counts as 0 there.
 */
export function consistentByVectors(frontier: Record<NodeId, VectorTimestamp>): boolean {
  const nodes = Object.keys(frontier);
  return nodes.every((p) => nodes.every((q) => ((frontier[p] as VectorTimestamp)[q] ?? 0) <= ((frontier[q] as VectorTimestamp)[q] ?? 0)));
}

/**
 * The naive oracle, from happened-before alone (Lamport 1978 §2): a cut is consistent iff it is closed to the
 * past, every event that happened before an event inside it being inside it too (Babaoğlu and Marzullo 1993).
 * Quadratic in the events; for tests and graders.
 */
export function consistentByCausality(events: readonly ProcessEvent[], cut: Cut): boolean {
  const run = indexRun(events);
  validateCut(run, cut);
  const hb = happensBefore(events);
  const inside = (e: ProcessEvent) => e.index <= (cut[e.node] as number);
  return events.every((f) => !inside(f) || events.every((e) => inside(e) || !hb(e.id, f.id)));
}

/** The default cap on `consistentCuts`: enough for every figure and exercise, small enough to stay quick. */
export const MAX_CONSISTENT_CUTS = 20_000;

const keyOf = (nodes: readonly NodeId[], cut: Cut) => nodes.map((n) => cut[n]).join(',');

/** Orders cuts by level (events included), then by their counts in node order. */
function compareCuts(nodes: readonly NodeId[]) {
  return (a: Cut, b: Cut) => {
    const level = cutLevel(a) - cutLevel(b);
    if (level !== 0) return level;
    for (const n of nodes) if (a[n] !== b[n]) return (a[n] as number) - (b[n] as number);
    return 0;
  };
}

/** How many events a cut includes: its level in the lattice. */
export function cutLevel(cut: Cut): number {
  return Object.values(cut).reduce((sum, c) => sum + c, 0);
}

/**
 * Every consistent cut of the run, from the empty cut to the whole run, ordered by level then by counts in node
 * order. Found by a breadth-first walk that adds one event at a time: adding node n's next event to a consistent
 * cut keeps it consistent unless that event is a receive whose send is outside, and every consistent cut is
 * reached this way (take away, one at a time, an event no other event of the cut depends on).
 *
 * The number of consistent cuts can grow like the product of the nodes' event counts; beyond `max` (default
 * `MAX_CONSISTENT_CUTS`) the walk stops with an error that says so, rather than return part of the lattice as if
 * it were all of it.
 */
export function consistentCuts(events: readonly ProcessEvent[], options: { max?: number } = {}): Cut[] {
  const max = options.max ?? MAX_CONSISTENT_CUTS;
  const run = indexRun(events);
  const { nodes } = run;
  const empty: Cut = Object.fromEntries(nodes.map((n) => [n, 0]));
  const seen = new Set<string>([keyOf(nodes, empty)]);
  const cuts: Cut[] = [empty];
  let level = [empty];
  while (level.length > 0) {
    const next: Cut[] = [];
    for (const cut of level) {
      for (const n of nodes) {
        const e = (run.byNode.get(n) as ProcessEvent[])[cut[n] as number];
        if (e === undefined) continue;
        if (e.kind === 'receive') {
          const send = run.byId.get(e.from as string) as ProcessEvent;
          if (send.index > (cut[send.node] as number)) continue;
        }
        const grown = { ...cut, [n]: (cut[n] as number) + 1 };
        const key = keyOf(nodes, grown);
        if (seen.has(key)) continue;
        seen.add(key);
        if (cuts.length >= max) {
          throw new RangeError(`the run has more than ${max} consistent cuts; pass a larger max (or use a smaller run) to enumerate them all`);
        }
        cuts.push(grown);
        next.push(grown);
      }
    }
    level = next;
  }
  return cuts.sort(compareCuts(nodes));
}

/**
 * The lattice of consistent cuts as a Hasse diagram: `cuts` as `consistentCuts` orders them, and `covers`, the
 * pairs [i, j] where cuts[j] includes exactly one event more than cuts[i] (the covering relation: one step of an
 * observer who sees the run one event at a time). Pairs are ordered by i then j.
 */
export function cutLattice(events: readonly ProcessEvent[], options: { max?: number } = {}): { nodes: NodeId[]; cuts: Cut[]; covers: [number, number][] } {
  const cuts = consistentCuts(events, options);
  const nodes = indexRun(events).nodes;
  const position = new Map(cuts.map((c, i) => [keyOf(nodes, c), i]));
  const covers: [number, number][] = [];
  cuts.forEach((cut, i) => {
    const above: number[] = [];
    for (const n of nodes) {
      const j = position.get(keyOf(nodes, { ...cut, [n]: (cut[n] as number) + 1 }));
      if (j !== undefined) above.push(j);
    }
    for (const j of above.sort((a, b) => a - b)) covers.push([i, j]);
  });
  return { nodes, cuts, covers };
}

/** The pointwise minimum of two cuts: their meet in the lattice (Babaoğlu and Marzullo 1993). */
export function meetCuts(a: Cut, b: Cut): Cut {
  return Object.fromEntries(Object.keys(a).map((n) => [n, Math.min(a[n] as number, b[n] ?? 0)]));
}

/** The pointwise maximum of two cuts: their join in the lattice. */
export function joinCuts(a: Cut, b: Cut): Cut {
  return Object.fromEntries(Object.keys(a).map((n) => [n, Math.max(a[n] as number, b[n] ?? 0)]));
}

/**
 * The cuts an observer passes through who watches the run in the order it happened (events sorted by `t`, ties by
 * trace `seq`): the empty cut, then one more event each step, ending with the whole run. Each is consistent,
 * since a receive comes after its send in real time. It is one path from bottom to top of the lattice.
 */
export function runPath(events: readonly AppEvent[]): Cut[] {
  const { nodes } = indexRun(events);
  let cut: Cut = Object.fromEntries(nodes.map((n) => [n, 0]));
  const path = [cut];
  for (const e of events.slice().sort((a, b) => a.t - b.t || a.seq - b.seq)) {
    cut = { ...cut, [e.node]: (cut[e.node] as number) + 1 };
    path.push(cut);
  }
  return path;
}

/**
 * The application events of a run of the snapshot layer, as `ProcessEvent`s: each `send` whose message is a
 * `LayerMessage` of type `app` and each `deliver` of one, numbered per node in trace order (ids as the clocks
 * chapter writes them, `a1`, `b3`). Markers and every other message are not application events and are left out,
 * so the numbering is the one the layer's vector clock keeps (it counts application sends and deliveries only).
 *
 * A delivered network duplicate is a receive of the original send. Messages dropped by the network remain sends
 * without a receive. The trace is read as it is: a node that restarts goes on numbering where it left off.
 */
export function appEvents(trace: Trace): AppEvent[] {
  const isApp = (message: unknown) => (message as LayerMessage<unknown> | null)?.type === 'app';
  const counts = new Map<NodeId, number>();
  const sendOf = new Map<number, string>();
  const out: AppEvent[] = [];
  const next = (node: NodeId) => {
    const index = (counts.get(node) ?? 0) + 1;
    counts.set(node, index);
    return index;
  };
  for (const e of trace.events) {
    if (e.kind === 'duplicate') {
      const original = sendOf.get(e.copyOf);
      if (original !== undefined) sendOf.set(e.msgId, original);
    } else if (e.kind === 'send' && isApp(e.message)) {
      const index = next(e.node);
      const id = eventId(e.node, index);
      sendOf.set(e.msgId, id);
      out.push({ id, node: e.node, index, kind: 'send', to: e.to, t: e.t, seq: e.seq });
    } else if (e.kind === 'deliver' && isApp(e.message)) {
      const from = sendOf.get(e.msgId);
      if (from === undefined) throw new Error(`message ${e.msgId} was delivered to ${e.node} but its send is not in the trace`);
      const index = next(e.node);
      out.push({ id: eventId(e.node, index), node: e.node, index, kind: 'receive', from, t: e.t, seq: e.seq });
    }
  }
  return out;
}

/**
 * The cut a global snapshot recorded, read from its frontier: node n's count is n's own entry of the vector clock
 * it recorded, `snapshot.frontier[n][n]`. This assumes, as the layer guarantees (types.ts, `LayerMessage`), that
 * the layer's vector clock counts exactly the application sends and deliveries, so that entry is the number of
 * application events n had performed when it recorded, the numbering `appEvents` uses. A node that restarts starts
 * its vector clock again from zero, so on runs with restarts the two numberings part and the cut is not meaningful.
 */
export function cutOfSnapshot(snapshot: GlobalSnapshot<unknown, unknown>): Cut {
  return Object.fromEntries(Object.keys(snapshot.frontier).sort().map((n) => [n, (snapshot.frontier[n] as VectorTimestamp)[n] ?? 0]));
}
