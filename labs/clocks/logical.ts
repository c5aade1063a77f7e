/**
 * Logical clocks: Lamport clocks, vector clocks and hybrid logical clocks, each as three pure functions.
 *
 * A clock algorithm here is only the rule that stamps events: what a node's clock starts at, what a local event
 * or a send does to it, and what a receive does. Where the events come from is someone else's business (the
 * exchange workload in `exchange.ts`, a hand-drawn diagram in `causality.ts`), so the same run can be stamped by
 * any of these clocks, by several at once (`productClock`), or by a learner's own.
 *
 * Papers:
 * - Leslie Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System", CACM 21(7), 1978 (§2 the
 *   happened-before relation, §3 logical clocks and the implementation rules IR1 and IR2).
 * - Colin Fidge, "Timestamps in Message-Passing Systems That Preserve the Partial Ordering", 11th Australian
 *   Computer Science Conference, 1988; Friedemann Mattern, "Virtual Time and Global States of Distributed
 *   Systems", 1989 (vector time).
 * - Sandeep Kulkarni, Murat Demirbas, Deepak Madappa, Bharadwaj Avva, Marcelo Leone, "Logical Physical Clocks",
 *   OPODIS 2014 (technical report "Logical Physical Clocks and Consistent Snapshots in Globally Distributed
 *   Databases"), Fig. 5: the HLC algorithm.
 */
import { roundMs } from '../sim/network';
import type { NodeId } from '../sim/types';

export type { NodeId } from '../sim/types';

/**
 * A clock algorithm as three pure functions, so one workload runs any of them and learners can plug in theirs.
 *
 * A node's clock value between events is its current stamp. Each process event (Lamport 1978 §2: a local event, a
 * send or a receive) replaces it:
 * - `init(node, nodes)`: the stamp before the node's first event; `nodes` is every node of the run, sorted.
 * - `tick(stamp, node, physicalMs)`: a local event or a send. The result is the event's stamp and the node's new
 *   clock value; a send's message carries it.
 * - `receive(stamp, node, message, physicalMs)`: a receive of a message stamped `message`; the result is the
 *   receive event's stamp.
 *
 * `physicalMs` is the node's own physical clock reading at the event (`ctx.nowMs`, offset and skewed as the run
 * configured); clocks that ignore physical time ignore it. Functions must not mutate their arguments, and stamps
 * must be plain JSON data, because nodes log them and the trace stores JSON copies. A function that throws stops
 * the run with the simulator's `NodeError`, naming the node.
 */
export interface LogicalClock<T> {
  name: string;
  init(node: NodeId, nodes: readonly NodeId[]): T;
  /** A local event or a send: the new stamp (a send's message carries the returned stamp). physicalMs is the node's own clock reading. */
  tick(stamp: T, node: NodeId, physicalMs: number): T;
  /** A receive of a message stamped `message`. */
  receive(stamp: T, node: NodeId, message: T, physicalMs: number): T;
}

/**
 * Lamport's scalar clock (1978 §3). IR1: each process increments its clock between any two successive events,
 * so every event adds 1. IR2: a message carries the sender's clock value Tm, and the receiver sets its clock to
 * more than both its present value and Tm, here `max(C, Tm) + 1`. Clocks start at 0, so a node's first event is
 * stamped 1. This guarantees the Clock Condition: if a → b then C(a) < C(b). The converse does not hold.
 */
export const lamportClock: LogicalClock<number> = {
  name: 'lamport',
  init: () => 0,
  tick: (stamp) => stamp + 1,
  receive: (stamp, _node, message) => Math.max(stamp, message) + 1,
};

/**
 * A vector timestamp: one counter per node, every node of the run present (Fidge 1988, Mattern 1989). V(e)[n] is
 * the number of events of node n in the causal past of e, e itself included when it is n's.
 */
export type VectorTimestamp = Record<NodeId, number>;

/** Node ids of two vectors, sorted, so results have one key order whatever order the inputs had. */
function unionKeys(a: VectorTimestamp, b: VectorTimestamp): NodeId[] {
  return Array.from(new Set([...Object.keys(a), ...Object.keys(b)])).sort();
}

/** The element-wise maximum: what a receiver knows after merging the sender's knowledge into its own. */
export function mergeVectors(a: VectorTimestamp, b: VectorTimestamp): VectorTimestamp {
  const merged: VectorTimestamp = {};
  for (const n of unionKeys(a, b)) merged[n] = Math.max(a[n] ?? 0, b[n] ?? 0);
  return merged;
}

/**
 * Vector clocks (Fidge 1988, Mattern 1989): every event increments the node's own entry; a receive first merges
 * the message's vector (element-wise maximum). Unlike Lamport clocks they characterise causality: e → f exactly
 * when V(e) < V(f), and e, f are concurrent exactly when their vectors are incomparable.
 */
export const vectorClock: LogicalClock<VectorTimestamp> = {
  name: 'vector',
  init: (_node, nodes) => Object.fromEntries(nodes.map((n) => [n, 0])),
  tick: (stamp, node) => ({ ...stamp, [node]: (stamp[node] ?? 0) + 1 }),
  receive: (stamp, node, message) => {
    const merged = mergeVectors(stamp, message);
    return { ...merged, [node]: (merged[node] ?? 0) + 1 };
  },
};

/**
 * How two vector timestamps are ordered: `before` when a ≤ b entry by entry and a ≠ b (a < b), `after` for the
 * reverse, `equal`, or `concurrent` when neither dominates. A node missing from one vector counts as 0 there.
 */
export type VectorOrder = 'before' | 'after' | 'equal' | 'concurrent';

export function compareVectors(a: VectorTimestamp, b: VectorTimestamp): VectorOrder {
  let less = false;
  let greater = false;
  for (const n of unionKeys(a, b)) {
    const x = a[n] ?? 0;
    const y = b[n] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
  }
  if (less && greater) return 'concurrent';
  if (less) return 'before';
  if (greater) return 'after';
  return 'equal';
}

/**
 * A hybrid logical clock timestamp (Kulkarni, Demirbas et al. 2014, Fig. 5): `l` is the largest physical time the
 * node has heard of, in whole milliseconds; `c` counts events that share that `l` and are causally ordered.
 * Timestamps compare lexicographically by (l, c), see `compareHlc`.
 */
export interface HlcTimestamp {
  l: number;
  c: number;
}

/**
 * The physical time pt that an HLC uses for a clock reading: the reading floored to a whole millisecond.
 *
 * The paper's pt is the value of a physical clock in whatever unit it ticks; the simulator's drifting clocks read
 * fractional milliseconds, and with a continuous pt two events would almost never share an `l`, so `c` would
 * stay 0 and explain nothing. Flooring to the millisecond makes the clock tick in ms, like the NTP-derived clocks
 * the paper has in mind. The reading is first rounded to 1e-6 ms (the simulator's resolution) so that float noise
 * such as 19.9999999998 counts as 20. Both rounding steps are monotone, so pt never runs backwards.
 */
export function hlcPhysicalMs(physicalMs: number): number {
  return Math.floor(roundMs(physicalMs));
}

/**
 * Hybrid logical clocks (Kulkarni, Demirbas et al. 2014, Fig. 5), with pt = `hlcPhysicalMs(physicalMs)`:
 *
 * - send or local event: l' := max(l, pt); c := c + 1 if l' = l, else 0.
 * - receive of (l_m, c_m): l' := max(l, l_m, pt); c := max(c, c_m) + 1 if l' = l = l_m; c + 1 if only l' = l;
 *   c_m + 1 if only l' = l_m; 0 if pt alone is the maximum.
 *
 * Starting from (0, 0), HLC keeps l ≥ pt, so l stays close to physical time (l − pt is at most ε, the largest
 * offset between two clocks), and e → f implies hlc(e) < hlc(f), as Lamport clocks do. Like the paper, it assumes physical clocks read at
 * least 0 (time since an epoch): a node whose reading is still negative stamps l = 0, ahead of its pt, and then
 * the bounds on l − pt and on c (see `checkHlc`) need not hold.
 */
export const hybridClock: LogicalClock<HlcTimestamp> = {
  name: 'hlc',
  init: () => ({ l: 0, c: 0 }),
  tick: (stamp, _node, physicalMs) => {
    const l = Math.max(stamp.l, hlcPhysicalMs(physicalMs));
    return { l, c: l === stamp.l ? stamp.c + 1 : 0 };
  },
  receive: (stamp, _node, message, physicalMs) => {
    const l = Math.max(stamp.l, message.l, hlcPhysicalMs(physicalMs));
    let c: number;
    if (l === stamp.l && l === message.l) c = Math.max(stamp.c, message.c) + 1;
    else if (l === stamp.l) c = stamp.c + 1;
    else if (l === message.l) c = message.c + 1;
    else c = 0;
    return { l, c };
  },
};

/** Lexicographic order on (l, c): -1 when a is earlier, 1 when later, 0 when equal. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): -1 | 0 | 1 {
  if (a.l !== b.l) return a.l < b.l ? -1 : 1;
  if (a.c !== b.c) return a.c < b.c ? -1 : 1;
  return 0;
}

/**
 * Several clocks at once over one run: a record of stamps, one per named clock.
 *
 * `productClock({ lamport: lamportClock, vector: vectorClock })` stamps every event with
 * `{ lamport: 3, vector: { a: 2, b: 1 } }`; each component sees only its own part of the node's stamp and of the
 * message's. Its name joins the components' names, e.g. `lamport × vector`.
 */
export function productClock<R extends Record<string, unknown>>(clocks: { [K in keyof R]: LogicalClock<R[K]> }): LogicalClock<R> {
  const keys = Object.keys(clocks) as (keyof R & string)[];
  const each = (stampOf: <K extends keyof R & string>(key: K, clock: LogicalClock<R[K]>) => R[K]): R => {
    const stamp = {} as R;
    for (const key of keys) stamp[key] = stampOf(key, clocks[key]);
    return stamp;
  };
  return {
    name: keys.map((key) => clocks[key].name).join(' × '),
    init: (node, nodes) => each((_key, clock) => clock.init(node, nodes)),
    tick: (stamp, node, physicalMs) => each((key, clock) => clock.tick(stamp[key], node, physicalMs)),
    receive: (stamp, node, message, physicalMs) => each((key, clock) => clock.receive(stamp[key], node, message[key], physicalMs)),
  };
}
