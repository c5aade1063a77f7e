/**
 * Causality, computed the slow and obvious way, and the checkers that hold each clock to it.
 *
 * Lamport 1978 §2 defines happened-before (→) as the smallest relation such that (1) a comes before b on the same
 * process ⇒ a → b, (2) a is the sending of a message and b its receipt ⇒ a → b, (3) it is transitive. Two
 * distinct events are concurrent when neither happened before the other. `happensBefore` computes exactly this
 * closure by a search from every event, with no clock involved: it is the oracle the clocks are checked against,
 * in tests and in graders alike.
 *
 * The checkers take the events of a run (`stampedEvents` in `exchange.ts`) and answer with a `CheckResult`; a
 * violation carries the two events that show it, as the trace's `log` events that recorded them, earliest first.
 */
import type { CheckResult } from '../sim/check';
import type { TraceEvent } from '../sim/trace';
import { loggedEvent } from './exchange';
import type { StampedEvent } from './exchange';
import { compareHlc, compareVectors, hlcPhysicalMs } from './logical';
import type { HlcTimestamp, LogicalClock, NodeId, VectorOrder, VectorTimestamp } from './logical';

/** An event of a run, as causality sees it: where it happened and, for a receive, which send it received. */
export interface ProcessEvent {
  id: string;
  node: NodeId;
  index: number;
  kind: 'local' | 'send' | 'receive';
  /** For a receive: the id of the send event whose message it received. */
  from?: string;
}

/** The one order in which this module lists events: by node id (code-unit order), then index on the node. */
function byNodeThenIndex(a: ProcessEvent, b: ProcessEvent): number {
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return a.index - b.index;
}

/** Each event's direct successors: the next event on its node and, for a send, the receives of its message. */
function successors(events: readonly ProcessEvent[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of events) {
    if (next.has(e.id)) throw new Error(`two events have the id ${JSON.stringify(e.id)}`);
    next.set(e.id, []);
  }
  const sorted = events.slice().sort(byNodeThenIndex);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as ProcessEvent;
    const e = sorted[i] as ProcessEvent;
    if (prev.node === e.node) (next.get(prev.id) as string[]).push(e.id);
  }
  for (const e of events) {
    if (e.kind !== 'receive') continue;
    if (e.from === undefined || !next.has(e.from)) {
      throw new Error(`receive ${e.id} names the send ${JSON.stringify(e.from)}, which is not among the events`);
    }
    (next.get(e.from) as string[]).push(e.id);
  }
  return next;
}

/**
 * Happened-before (Lamport 1978 §2) over `events`: the transitive closure of program order (events of one node in
 * index order) and send → receive, found by a depth-first search from every event. Irreflexive. Throws on
 * duplicate ids, on a receive whose send is missing, and when asked about an unknown id.
 */
export function happensBefore(events: readonly ProcessEvent[]): (e: string, f: string) => boolean {
  const next = successors(events);
  const reachable = new Map<string, Set<string>>();
  for (const { id } of events) {
    const seen = new Set<string>();
    const stack = [...(next.get(id) as string[])];
    while (stack.length > 0) {
      const x = stack.pop() as string;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(next.get(x) as string[]));
    }
    reachable.set(id, seen);
  }
  return (e, f) => {
    const fromE = reachable.get(e);
    if (fromE === undefined || !reachable.has(f)) throw new Error(`unknown event ${JSON.stringify(fromE === undefined ? e : f)}`);
    return fromE.has(f);
  };
}

function sortedIds(events: readonly ProcessEvent[], keep: (e: ProcessEvent) => boolean): string[] {
  return events.filter(keep).sort(byNodeThenIndex).map((e) => e.id);
}

/** The events that happened before `id`, ordered by node then index. */
export function causalPast(events: readonly ProcessEvent[], id: string): string[] {
  const hb = happensBefore(events);
  return sortedIds(events, (e) => hb(e.id, id));
}

/** The events that `id` happened before, ordered by node then index. */
export function causalFuture(events: readonly ProcessEvent[], id: string): string[] {
  const hb = happensBefore(events);
  return sortedIds(events, (e) => hb(id, e.id));
}

/** The events concurrent with `id` (neither before nor after it, and not it), ordered by node then index. */
export function concurrentWith(events: readonly ProcessEvent[], id: string): string[] {
  const hb = happensBefore(events);
  return sortedIds(events, (e) => e.id !== id && !hb(e.id, id) && !hb(id, e.id));
}

/** Every unordered pair of concurrent events once, each pair and the list ordered by node then index. */
export function concurrentPairs(events: readonly ProcessEvent[]): [string, string][] {
  const hb = happensBefore(events);
  const sorted = events.slice().sort(byNodeThenIndex);
  const pairs: [string, string][] = [];
  sorted.forEach((e, i) => {
    for (const f of sorted.slice(i + 1)) if (!hb(e.id, f.id) && !hb(f.id, e.id)) pairs.push([e.id, f.id]);
  });
  return pairs;
}

/**
 * Stamps a given diagram with `clock`, without the simulator: each node's events in index order, every receive
 * after its send. `physicalMs` is each event's physical clock reading (default 0; only HLC looks at it). Returns
 * the stamp of every event by id. For worked examples and exercises drawn by hand; throws if the receives cannot
 * be ordered after their sends.
 */
export function assignStamps<T>(clock: LogicalClock<T>, events: readonly (ProcessEvent & { physicalMs?: number })[]): Record<string, T> {
  successors(events); // validates ids and sends
  const nodes = Array.from(new Set(events.map((e) => e.node))).sort();
  const queues = new Map(nodes.map((n) => [n, events.filter((e) => e.node === n).sort(byNodeThenIndex)]));
  const current = new Map(nodes.map((n) => [n, clock.init(n, nodes)]));
  const stamps: Record<string, T> = {};
  let left = events.length;
  while (left > 0) {
    let progressed = false;
    for (const n of nodes) {
      const queue = queues.get(n) as (ProcessEvent & { physicalMs?: number })[];
      while (queue.length > 0) {
        const e = queue[0] as ProcessEvent & { physicalMs?: number };
        if (e.kind === 'receive' && !(e.from as string in stamps)) break;
        const pt = e.physicalMs ?? 0;
        const before = current.get(n) as T;
        const stamp = e.kind === 'receive' ? clock.receive(before, n, stamps[e.from as string] as T, pt) : clock.tick(before, n, pt);
        current.set(n, stamp);
        stamps[e.id] = stamp;
        queue.shift();
        left--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error('the receives cannot all come after their sends: the diagram has a causal cycle');
  }
  return stamps;
}

/** The first receive whose send is not among the events (a run cut short), or undefined. */
function missingSend(events: readonly ProcessEvent[]): ProcessEvent | undefined {
  const ids = new Set(events.map((e) => e.id));
  return events.find((e) => e.kind === 'receive' && (e.from === undefined || !ids.has(e.from)));
}

function inconclusive(property: string, receive: ProcessEvent): CheckResult {
  const reason = `receive ${receive.id} names send ${String(receive.from)}, which is not among the events`;
  return { status: 'inconclusive', property, reason };
}

function violation<T>(property: string, message: string, evidence: StampedEvent<T>[]): CheckResult {
  const events: TraceEvent[] = evidence.slice().sort((x, y) => x.seq - y.seq).map(loggedEvent);
  return { status: 'violation', property, failure: 'safety', message, events };
}

/** A direct edge e → f of happened-before: program order on one node, or a message from send to receive. */
interface Edge<T> {
  e: StampedEvent<T>;
  f: StampedEvent<T>;
  kind: 'program' | 'message';
  /** Why e → f, in words. */
  why: string;
}

/**
 * The direct edges of happened-before, taken f by f in trace order: the previous event on f's node, and for a
 * receive its send (skipped when the send is missing). A relation that strictly increases along every edge
 * increases along every path, so checking a clock condition on these edges checks it on all of → and finds the
 * earliest failing pair.
 */
function edges<T>(events: readonly StampedEvent<T>[]): Edge<T>[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const previous = new Map<string, StampedEvent<T>>();
  const sorted = events.slice().sort(byNodeThenIndex);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as StampedEvent<T>;
    const e = sorted[i] as StampedEvent<T>;
    if (prev.node === e.node) previous.set(e.id, prev);
  }
  const out: Edge<T>[] = [];
  for (const f of events.slice().sort((x, y) => x.seq - y.seq)) {
    const prev = previous.get(f.id);
    if (prev !== undefined) out.push({ e: prev, f, kind: 'program', why: `${prev.id} comes before ${f.id} on ${f.node}` });
    const send = f.kind === 'receive' ? byId.get(f.from as string) : undefined;
    if (send !== undefined) out.push({ e: send, f, kind: 'message', why: `${f.id} receives the message sent by ${send.id}` });
  }
  return out;
}

/**
 * Lamport's Clock Condition (1978 §3): for any events e, f, if e → f then L(e) < L(f). Checked on the direct
 * edges of → (see `edges`), which is equivalent. Inconclusive when a receive's send is missing.
 */
export function checkLamportRespectsCausality(events: StampedEvent<number>[]): CheckResult {
  const property = 'Lamport clock condition: e → f implies L(e) < L(f)';
  const missing = missingSend(events);
  if (missing !== undefined) return inconclusive(property, missing);
  const bad = edges(events).find(({ e, f }) => !(e.stamp < f.stamp));
  if (bad === undefined) return { status: 'ok', property };
  const { e, f, why } = bad;
  return violation(property, `${e.id} → ${f.id} (${why}) but L(${e.id}) = ${e.stamp} is not less than L(${f.id}) = ${f.stamp}`, [e, f]);
}

function formatVector(v: VectorTimestamp): string {
  return `{${Object.keys(v).sort().map((n) => `${n}: ${v[n]}`).join(', ')}}`;
}

function relation(order: VectorOrder, e: string, f: string): string {
  switch (order) {
    case 'before':
      return `V(${e}) < V(${f})`;
    case 'after':
      return `V(${e}) > V(${f})`;
    case 'equal':
      return `V(${e}) = V(${f})`;
    case 'concurrent':
      return `V(${e}) and V(${f}) are incomparable`;
  }
}

/**
 * Vector clocks characterise causality (Fidge 1988, Mattern 1989): for every pair of distinct events, e → f
 * exactly when V(e) < V(f), f → e exactly when V(e) > V(f), and e ∥ f exactly when the vectors are incomparable.
 * Every pair is compared with the brute-force `happensBefore`; the first mismatch, by the trace position of the
 * later event of the pair, is the violation.
 */
export function checkVectorCharacterisesCausality(events: StampedEvent<VectorTimestamp>[]): CheckResult {
  const property = 'vector clocks characterise causality: e → f iff V(e) < V(f)';
  const missing = missingSend(events);
  if (missing !== undefined) return inconclusive(property, missing);
  const hb = happensBefore(events);
  const inOrder = events.slice().sort((x, y) => x.seq - y.seq);
  for (let j = 0; j < inOrder.length; j++) {
    const f = inOrder[j] as StampedEvent<VectorTimestamp>;
    for (let i = 0; i < j; i++) {
      const e = inOrder[i] as StampedEvent<VectorTimestamp>;
      const expected: VectorOrder = hb(e.id, f.id) ? 'before' : hb(f.id, e.id) ? 'after' : 'concurrent';
      const got = compareVectors(e.stamp, f.stamp);
      if (got === expected) continue;
      const truth = expected === 'before' ? `${e.id} → ${f.id}` : expected === 'after' ? `${f.id} → ${e.id}` : `${e.id} ∥ ${f.id}`;
      const stamps = `V(${e.id}) = ${formatVector(e.stamp)}, V(${f.id}) = ${formatVector(f.stamp)}`;
      const message = `${truth}, so ${relation(expected, e.id, f.id)} was expected, but ${stamps}: ${relation(got, e.id, f.id)}`;
      return violation(property, message, [e, f]);
    }
  }
  return { status: 'ok', property };
}

function formatHlc(e: StampedEvent<HlcTimestamp>): string {
  return `hlc(${e.id}) = (${e.stamp.l}, ${e.stamp.c})`;
}

/**
 * The properties of hybrid logical clocks (Kulkarni, Demirbas et al. 2014), one result each, in this order:
 *
 * 1. monotone per node: each event's (l, c) is greater than the previous event's on the same node;
 * 2. causality: e → f implies hlc(e) < hlc(f) (checked on the direct edges of →, like Lamport's condition);
 * 3. l ≥ pt: the logical part never falls behind the event's own physical time;
 * 4. l − pt ≤ `maxOffsetMs`: l stays within ε of physical time, ε being the largest offset between two clocks
 *    (the paper's |l − pt| ≤ ε), since l is some node's physical time that the event has heard of;
 * 5. the counter bound: c(f) ≤ |{g : g → f and l(g) = l(f)}|, because each increment of c extends a causal chain
 *    of events with the same l. This is what keeps c small: with one physical tick between two events of a node,
 *    the paper bounds c by N(ε + 1).
 *
 * pt is the event's physical reading in whole ms, `hlcPhysicalMs(physicalMs)`, as the clock itself uses it; with
 * whole-ms flooring, pass for `maxOffsetMs` the largest difference between two nodes' floored readings at the same
 * instant (at most the ceiling of the real largest offset). Physical readings are assumed non-negative, as for the clock.
 * A receive whose send is missing makes 2 and 5 inconclusive.
 */
export function checkHlc(events: StampedEvent<HlcTimestamp>[], maxOffsetMs: number): CheckResult[] {
  const inOrder = events.slice().sort((x, y) => x.seq - y.seq);
  const pt = (e: StampedEvent<HlcTimestamp>) => hlcPhysicalMs(e.physicalMs);
  const before = (e: StampedEvent<HlcTimestamp>, f: StampedEvent<HlcTimestamp>) => compareHlc(e.stamp, f.stamp) < 0;
  const missing = missingSend(events);
  const direct = edges(events);
  const results: CheckResult[] = [];

  const monotone = 'HLC monotone per node';
  const backwards = direct.find(({ e, f, kind }) => kind === 'program' && !before(e, f));
  results.push(
    backwards === undefined
      ? { status: 'ok', property: monotone }
      : violation(monotone, `${backwards.why} but ${formatHlc(backwards.f)} is not greater than ${formatHlc(backwards.e)}`, [backwards.e, backwards.f]),
  );

  const causality = 'HLC respects causality: e → f implies hlc(e) < hlc(f)';
  const unordered = direct.find(({ e, f }) => !before(e, f));
  if (missing !== undefined) results.push(inconclusive(causality, missing));
  else if (unordered === undefined) results.push({ status: 'ok', property: causality });
  else {
    const { e, f, why } = unordered;
    results.push(violation(causality, `${e.id} → ${f.id} (${why}) but ${formatHlc(e)} is not less than ${formatHlc(f)}`, [e, f]));
  }

  const atLeastPt = 'HLC l ≥ pt';
  const behind = inOrder.find((f) => f.stamp.l < pt(f));
  results.push(
    behind === undefined
      ? { status: 'ok', property: atLeastPt }
      : violation(atLeastPt, `l(${behind.id}) = ${behind.stamp.l} is less than its physical time pt = ${pt(behind)}`, [behind]),
  );

  const nearPt = `HLC l − pt ≤ ${maxOffsetMs} ms`;
  const ahead = inOrder.find((f) => f.stamp.l - pt(f) > maxOffsetMs);
  results.push(
    ahead === undefined
      ? { status: 'ok', property: nearPt }
      : violation(nearPt, `l(${ahead.id}) = ${ahead.stamp.l} is ${ahead.stamp.l - pt(ahead)} ms ahead of its physical time pt = ${pt(ahead)}`, [ahead]),
  );

  const counter = 'HLC c bounded: c(f) ≤ |{g → f with l(g) = l(f)}|';
  if (missing !== undefined) results.push(inconclusive(counter, missing));
  else {
    const hb = happensBefore(events);
    const sameL = (f: StampedEvent<HlcTimestamp>) => events.filter((g) => g.stamp.l === f.stamp.l && hb(g.id, f.id)).length;
    const over = inOrder.find((f) => f.stamp.c > sameL(f));
    results.push(
      over === undefined
        ? { status: 'ok', property: counter }
        : violation(counter, `c(${over.id}) = ${over.stamp.c} but only ${sameL(over)} events before it have l = ${over.stamp.l}`, [over]),
    );
  }
  return results;
}
