/**
 * Chord, as a pure node for the simulator: Stoica, Morris, Karger, Kaashoek and Balakrishnan, "Chord: A Scalable
 * Peer-to-peer Lookup Service for Internet Applications", SIGCOMM 2001. Section numbers (§4.2 to §4.5) and
 * "Figure 5/6/7" refer to that paper's pseudocode: `find_successor`, `closest_preceding_node`, `join`, `stabilize`,
 * `notify`, `fix_fingers`, `check_predecessor`.
 *
 * Identifiers are unsigned 32-bit numbers (m = 32) on a circle; a key belongs to its successor, the first node
 * clockwise at or after it (§4.2, consistent hashing). Each node keeps a successor list of length r, a predecessor
 * and m fingers, finger i being the successor of id + 2^i (§4.3; the paper counts i from 1, here from 0).
 *
 * Lookups are iterative (the paper leaves the choice open in §4.3; its implementation is iterative): the node that
 * starts a lookup asks one node after another for the next step and counts the hops, so timeouts, retries and hop
 * counts all live in one place. A step is Figure 5's `find_successor` evaluated at the node asked: either "done,
 * here are my successors" when the key lies in (node, successor], or "ask these", the nodes among its fingers and
 * successors that most closely precede the key, best first (`closest_preceding_node` plus fallbacks). A done
 * answer is confirmed by pinging the owner, so a lookup never names a node that has crashed; when a node does not
 * answer within `rpcTimeoutMs`, the lookup tries the next fallback (§4.5: "alternate nodes"), and fails
 * (`ok: false`) only when none is left.
 *
 * Stabilization follows Figure 6/7 with §4.5's successor lists: every `stabilizeMs` a node asks its successor for
 * the successor's predecessor and list, adopts a closer node if there is one, copies the list (prepending the
 * successor, dropping the last entry) and notifies its successor; a successor that does not answer is dropped
 * from the list. With r = 1 there is nothing to fall back on, so a node whose only successor crashed keeps it,
 * and lookups that end there fail: the weakness the paper's successor lists remove. Every `fixFingersMs` a node
 * refreshes one finger with a lookup; every `checkPredecessorMs` it pings its predecessor and forgets it if silent.
 *
 * Not modelled here: key storage, replication and transfer on joins, which belong to the hash-table layer above
 * the lookup service (`chord-store.ts` wraps this node with one); voluntary departures; and restarts of crashed
 * nodes (a crashed node stays down; new nodes join instead).
 */
import { hash32 } from './hash';
import { lowerBound, offerNearest } from './sorted';
import { Random } from '../sim/random';
import { Simulation } from '../sim/simulation';
import { observeReplies } from '../sim/observe';
import { IdTable } from '../sim/id-table';
import type { CheckResult } from '../sim/check';
import type { Intervention } from '../sim/interventions';
import type { Trace } from '../sim/trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from '../sim/types';

/** m, the number of bits of an identifier: identifiers are the integers in [0, 2^32). */
export const CHORD_BITS = 32;

const RING_SIZE = 2 ** CHORD_BITS;

/**
 * The identifier of a node name or a key: `hash32` from `hash.ts` (FNV-1a 64 with MurmurHash3's finaliser, top 32
 * bits), the chapter's one hash function. The paper uses SHA-1 (§4.2) for its spread and because it is hard to
 * aim; any well-mixed hash gives the same load balance, which is all the lab needs. Plain FNV-1a 32 would not do:
 * names that differ in their last character ("n0001", "n0002") get nearby high bits and cluster on the circle.
 */
export function chordId(name: string): number {
  let id = knownIds.get(name);
  if (id === undefined) {
    // Node names are hashed on every message (`refOf`) and every membership query, always the same few hundred.
    if (knownIds.size >= KNOWN_IDS_MAX) knownIds.clear();
    id = hash32(name);
    knownIds.set(name, id);
  }
  return id;
}

/** Identifiers already computed, by name; cleared when full, so a long session of cells cannot grow it without bound. */
const knownIds = new Map<string, number>();
const KNOWN_IDS_MAX = 100_000;

/** Clockwise distance from `a` to `b` on the identifier circle, in [0, 2^32). */
export function clockwiseDistance(a: number, b: number): number {
  return (b - a + RING_SIZE) % RING_SIZE;
}

/**
 * Whether `x` lies in the circular interval (a, b] (`inclusiveEnd: true`) or (a, b) (`inclusiveEnd: false`),
 * going clockwise from `a`. When a = b the interval wraps the whole circle: (a, a] is every identifier and (a, a)
 * every identifier but a, which is what makes a lone node its own successor (Figure 6, `create`).
 */
export function inInterval(x: number, a: number, b: number, { inclusiveEnd }: { inclusiveEnd: boolean }): boolean {
  if (a === b) return inclusiveEnd || x !== a;
  const d = clockwiseDistance(a, x);
  const e = clockwiseDistance(a, b);
  return d > 0 && (inclusiveEnd ? d <= e : d < e);
}

/** A node as other nodes know it: its name (to send to) and its identifier (to route by). */
export type NodeRef = { name: NodeId; id: number };

/** Where a node stands: `idle` (a spare waiting for a `join` request), `joining` (looking up its successor), `member`. */
export type ChordStatus = 'idle' | 'joining' | 'member';

/** Why a lookup runs: a client asked, finger `finger` is being fixed (Figure 7), or the node is joining (Figure 6). */
export type ChordLookupPurpose = { kind: 'client' } | { kind: 'finger'; finger: number } | { kind: 'join'; via: NodeRef };

/**
 * A lookup in progress at the node that started it (iterative routing).
 *
 * - `phase`: `step` while asking nodes for the next step, `confirm` while pinging the owner a node named.
 * - `target`: the node asked now; `rpc`: the id of that request (a reply with another id is stale).
 * - `fallbacks`: who to ask next if `target` does not answer, best first.
 * - `hops`: requests sent so far, including those that timed out.
 */
export interface LookupProgress {
  key: number;
  purpose: ChordLookupPurpose;
  phase: 'step' | 'confirm';
  target: NodeRef;
  rpc: number;
  fallbacks: NodeRef[];
  hops: number;
  startedAtMs: number;
}

/** A request this node sent and still waits for; its `rpc <id>` timer fires if no answer comes in time. */
export type PendingRpc = { kind: 'lookup'; lookup: number } | { kind: 'stabilize'; to: NodeRef } | { kind: 'checkPredecessor'; to: NodeRef };

/**
 * A node's state, all plain JSON.
 *
 * - `id`, `self`: this node's identifier and reference.
 * - `successors`: §4.5's successor list, nearest first, at most r entries; `successors[0]` is Figure 6's
 *   `successor`. A lone node's list is `[self]`. Empty only while idle or joining.
 * - `predecessor`: Figure 6's `predecessor`, null when unknown (after `join`, or after `check_predecessor`).
 * - `fingers`: m entries; `fingers[i]` should be the successor of id + 2^i (§4.3), null until fixed.
 * - `nextFinger`: the finger `fix_fingers` refreshes next (Figure 6's `next`, from 0).
 * - `nextRpc`, `rpcs`: request ids and the requests awaiting an answer; `lookups`: lookups this node runs.
 *   Both tables are `IdTable`s, which serialise to JSON as the plain objects `{ [id]: entry }`.
 */
export interface ChordState {
  id: number;
  self: NodeRef;
  status: ChordStatus;
  successors: NodeRef[];
  predecessor: NodeRef | null;
  fingers: (NodeRef | null)[];
  nextFinger: number;
  nextRpc: number;
  rpcs: IdTable<PendingRpc>;
  lookups: IdTable<LookupProgress>;
}

/**
 * The RPCs, as one-way messages matched by `rpc` id.
 *
 * - `findStep`: "evaluate find_successor(key) at your node" (Figure 5, one iteration). The answer `findStepReply`
 *   is either `done: true` with the answerer's successor list (the owner and its fallbacks) or `done: false` with
 *   the nodes that most closely precede the key, best first (`closest_preceding_node` and fallbacks).
 * - `getPredecessor` / `predecessorReply`: stabilize's question to the successor (Figure 6), answered with its
 *   predecessor and its successor list (§4.5).
 * - `notify`: "`node` might be your predecessor" (Figure 6); no answer.
 * - `ping` / `pong`: liveness, for `check_predecessor` (Figure 7) and to confirm a lookup's owner.
 */
export type ChordMessage =
  | { type: 'findStep'; rpc: number; key: number }
  | { type: 'findStepReply'; rpc: number; done: boolean; nodes: NodeRef[] }
  | { type: 'getPredecessor'; rpc: number }
  | { type: 'predecessorReply'; rpc: number; predecessor: NodeRef | null; successors: NodeRef[] }
  | { type: 'notify'; node: NodeRef }
  | { type: 'ping'; rpc: number }
  | { type: 'pong'; rpc: number };

/**
 * A client request: `{ lookup: key }` finds the key's successor and replies with a `LookupReply`;
 * `{ join: node }` tells an idle spare to join the ring through `node` (how `runChord` adds nodes, since the
 * simulator's node set is fixed).
 */
export type ChordRequest = { lookup: number } | { join: NodeId };

/** The reply to a lookup request: the owner's name (null on failure), the hops it took and whether it succeeded. */
export interface LookupReply {
  key: number;
  owner: NodeId | null;
  hops: number;
  ok: boolean;
}

/**
 * Settings of one node. Times are on the node's own clock.
 *
 * - `successorListLength`: r (§4.5), default 4; 1 means no successor list.
 * - `stabilizeMs` (default 250), `fixFingersMs` (default 250, one finger per tick), `checkPredecessorMs`
 *   (default 500): the periods of Figure 6/7's maintenance. The first of each fires at a random phase within its
 *   period, so nodes do not all stabilize at the same instant.
 * - `rpcTimeoutMs`: how long to wait for an answer before counting a node as failed (default 100; the default
 *   network's round trip is at most 30 ms).
 * - `bootstrap`: join the ring through this node at start (Figure 6, `join`); absent, the node creates the ring.
 * - `spare`: stay idle until a `{ join: node }` request (takes precedence over `bootstrap`).
 */
export interface ChordOptions {
  successorListLength?: number;
  stabilizeMs?: number;
  fixFingersMs?: number;
  checkPredecessorMs?: number;
  rpcTimeoutMs?: number;
  bootstrap?: NodeId;
  spare?: boolean;
}

type Resolved = Required<Omit<ChordOptions, 'bootstrap' | 'spare'>> & Pick<ChordOptions, 'bootstrap' | 'spare'>;

function resolve(options: ChordOptions): Resolved {
  const o = {
    successorListLength: 4,
    stabilizeMs: 250,
    fixFingersMs: 250,
    checkPredecessorMs: 500,
    rpcTimeoutMs: 100,
    // An option given as undefined takes its default.
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Resolved;
  if (!Number.isInteger(o.successorListLength) || o.successorListLength < 1) {
    throw new Error(`successorListLength must be an integer >= 1 (got ${o.successorListLength})`);
  }
  for (const field of ['stabilizeMs', 'fixFingersMs', 'checkPredecessorMs', 'rpcTimeoutMs'] as const) {
    if (!(o[field] > 0) || !Number.isFinite(o[field])) throw new Error(`${field} must be a positive number of ms (got ${o[field]})`);
  }
  return o;
}

/** How many nodes a step answer names at most: the best next hop and a few fallbacks. */
const STEP_CANDIDATES = 3;
/** A lookup gives up after this many requests: a correct ring needs about log2 N, so this only stops loops. */
const MAX_LOOKUP_HOPS = 2 * CHORD_BITS;
/** Fallbacks a lookup keeps, best first. */
const MAX_FALLBACKS = 8;

const refOf = (name: NodeId): NodeRef => ({ name, id: chordId(name) });

/** The empty state of a node `name`, before it creates or joins a ring. */
function emptyState(name: NodeId): ChordState {
  const self = refOf(name);
  return {
    id: self.id,
    self,
    status: 'idle',
    successors: [],
    predecessor: null,
    fingers: new Array<NodeRef | null>(CHORD_BITS).fill(null),
    nextFinger: 0,
    nextRpc: 0,
    rpcs: IdTable.empty(),
    lookups: IdTable.empty(),
  };
}

/**
 * Figure 5's `closest_preceding_node`, widened as §4.5 suggests: among the fingers and the successor list, the
 * nodes in (n, key), closest to the key first, at most `limit`. Empty when the node knows nobody in between.
 */
export function closestPrecedingNodes(state: Pick<ChordState, 'id' | 'fingers' | 'successors'>, key: number, limit = STEP_CANDIDATES): NodeRef[] {
  // Every node asked for a step runs this, so it keeps only the best `limit` as it goes (insertion into a short
  // sorted list) instead of collecting and sorting all candidates. Distinct ids lie at distinct distances from the
  // key, so the order has no ties, and a repeated id (a finger that is also a successor) is the same distance
  // again: skipping it when it is already kept gives the first reference, as collecting then sorting would.
  const best: NodeRef[] = [];
  const distance: number[] = [];
  const consider = (ref: NodeRef | null) => {
    if (ref === null || !inInterval(ref.id, state.id, key, INTERVAL_OPEN)) return;
    for (let i = 0; i < best.length; i++) if ((best[i] as NodeRef).id === ref.id) return;
    offerNearest(best, distance, limit, ref, clockwiseDistance(ref.id, key));
  };
  if (limit <= 0) return best;
  for (let i = state.fingers.length - 1; i >= 0; i--) consider(state.fingers[i] ?? null);
  for (const s of state.successors) consider(s);
  return best;
}

const INTERVAL_OPEN = { inclusiveEnd: false };

/** One iteration of Figure 5's `find_successor` at a node: done with its successors, or the nodes to ask next. */
function findStep(state: ChordState, key: number): { done: boolean; nodes: NodeRef[] } {
  const successor = state.successors[0] ?? state.self;
  if (inInterval(key, state.id, successor.id, { inclusiveEnd: true })) return { done: true, nodes: state.successors.length > 0 ? state.successors : [state.self] };
  const next = closestPrecedingNodes(state, key);
  // Only a node that knows no one in (n, key) lands here, and then its successor is the best it can offer.
  return { done: false, nodes: next.length > 0 ? next : [successor] };
}

/** Dedupes by id, drops `self` (unless nothing else is left) and keeps the first r. */
function successorList(self: NodeRef, list: NodeRef[], r: number): NodeRef[] {
  const out: NodeRef[] = [];
  for (const ref of list) {
    if (ref.id === self.id || out.some((o) => o.id === ref.id)) continue;
    out.push(ref);
    if (out.length === r) break;
  }
  return out.length > 0 ? out : [self];
}

type Result = { state: ChordState; effects: Effect<ChordMessage>[] };

const rpcTimer = (rpc: number) => `rpc ${rpc}`;

/** The Chord node. Pure: every input is a delivered message, a timer or a request; every action an effect. */
export function chordNode(options: ChordOptions = {}): NodeBehavior<ChordState, ChordMessage> {
  return makeChordNode(resolve(options), (name) => emptyState(name));
}

function makeChordNode(o: Resolved, initial: (name: NodeId) => ChordState): NodeBehavior<ChordState, ChordMessage> {
  const r = o.successorListLength;

  const send = (effects: Effect<ChordMessage>[], to: NodeRef, message: ChordMessage) => effects.push({ type: 'send', to: to.name, message });

  /** Sends a request and arms its timeout; returns the state with the request recorded as pending. */
  const request = (state: ChordState, effects: Effect<ChordMessage>[], to: NodeRef, pending: PendingRpc, make: (rpc: number) => ChordMessage): [ChordState, number] => {
    const rpc = state.nextRpc;
    send(effects, to, make(rpc));
    effects.push({ type: 'setTimer', name: rpcTimer(rpc), delayMs: o.rpcTimeoutMs, payload: rpc });
    return [{ ...state, nextRpc: rpc + 1, rpcs: state.rpcs.with(rpc, pending) }, rpc];
  };

  /** Forgets a pending request (answered or timed out) and its timer. */
  const settle = (state: ChordState, effects: Effect<ChordMessage>[], rpc: number): ChordState => {
    effects.push({ type: 'cancelTimer', name: rpcTimer(rpc) });
    return { ...state, rpcs: state.rpcs.without(rpc) };
  };

  // ---- Lookups (Figure 5, iterative) --------------------------------------------------------------------

  /** Asks `lookup.target` its question (a step or a ping), as request number `hops + 1` of the lookup. */
  const ask = (state: ChordState, effects: Effect<ChordMessage>[], lookupId: number, lookup: LookupProgress): Result => {
    if (lookup.hops >= MAX_LOOKUP_HOPS) return finish(state, effects, lookupId, lookup, null);
    // `request`, with the lookup's progress recorded in the same new state (one copy of the state, not two).
    const rpc = state.nextRpc;
    send(effects, lookup.target, lookup.phase === 'step' ? { type: 'findStep', rpc, key: lookup.key } : { type: 'ping', rpc });
    effects.push({ type: 'setTimer', name: rpcTimer(rpc), delayMs: o.rpcTimeoutMs, payload: rpc });
    const rpcs = state.rpcs.with(rpc, { kind: 'lookup', lookup: lookupId });
    const lookups = state.lookups.with(lookupId, { ...lookup, rpc, hops: lookup.hops + 1 });
    return { state: { ...state, nextRpc: rpc + 1, rpcs, lookups }, effects };
  };

  /** Moves a lookup on after a step answer: confirm the owner when done, otherwise ask the best node named. */
  const advance = (state: ChordState, effects: Effect<ChordMessage>[], lookupId: number, lookup: LookupProgress, done: boolean, nodes: NodeRef[]): Result => {
    const [first, ...rest] = nodes;
    if (first === undefined) return finish(state, effects, lookupId, lookup, null);
    const fallbacks = done ? rest : [...rest, ...lookup.fallbacks].slice(0, MAX_FALLBACKS);
    return ask(state, effects, lookupId, { ...lookup, phase: done ? 'confirm' : 'step', target: first, fallbacks });
  };

  /** Starts a lookup for `key`; `via` is the first node to ask (a joining node has no ring of its own yet). */
  const startLookup = (state: ChordState, effects: Effect<ChordMessage>[], key: number, purpose: ChordLookupPurpose, nowMs: number, via?: NodeRef): Result => {
    const lookupId = state.nextRpc;
    const base: LookupProgress = { key, purpose, phase: 'step', target: via ?? state.self, rpc: -1, fallbacks: [], hops: 0, startedAtMs: nowMs };
    const next = { ...state, nextRpc: lookupId + 1 };
    if (via !== undefined) return ask(next, effects, lookupId, base);
    // The first step is evaluated locally: asking oneself costs no hop.
    const { done, nodes } = findStep(state, key);
    return advance(next, effects, lookupId, base, done, nodes);
  };

  /** Ends a lookup with `owner` (null: failed) and acts on the result according to its purpose. */
  const finish = (state: ChordState, effects: Effect<ChordMessage>[], lookupId: number, lookup: LookupProgress, owner: NodeRef | null): Result => {
    let next: ChordState = { ...state, lookups: state.lookups.without(lookupId) };
    const purpose = lookup.purpose;
    if (purpose.kind === 'client') {
      const response: LookupReply = { key: lookup.key, owner: owner?.name ?? null, hops: lookup.hops, ok: owner !== null };
      effects.push({ type: 'reply', response });
    } else if (purpose.kind === 'finger' && owner !== null) {
      next = setFingers(next, purpose.finger, owner);
    } else if (purpose.kind === 'join') {
      if (owner === null) {
        // The bootstrap node did not help; try again through it later.
        effects.push({ type: 'setTimer', name: 'join', delayMs: o.stabilizeMs, payload: purpose.via });
        next = { ...next, status: 'idle' };
      } else {
        // §4.5: a joining node fills its successor list from the answer (the owner and the nodes after it, which
        // the last node asked named as its successors), so that it survives its successor's failure before its
        // first stabilization runs.
        next = { ...next, status: 'member', successors: successorList(next.self, [owner, ...lookup.fallbacks], r), predecessor: null };
        effects.push({ type: 'log', text: 'joined', data: { successor: owner.name } });
        startMaintenance(effects, o, null);
      }
    }
    return { state: next, effects };
  };

  /**
   * Figure 7's `fix_fingers` result: finger i is `owner`, and so is every later finger whose start still falls
   * in (n, owner], since no node lies between those starts and the owner (the shortcut §4.4 uses to initialise
   * fingers). `nextFinger` moves past all of them.
   */
  const setFingers = (state: ChordState, i: number, owner: NodeRef): ChordState => {
    const fingers = state.fingers.slice();
    let j = i;
    do {
      fingers[j] = owner;
      j++;
    } while (j < CHORD_BITS && inInterval((state.id + 2 ** j) % RING_SIZE, state.id, owner.id, { inclusiveEnd: true }));
    return { ...state, fingers, nextFinger: j % CHORD_BITS };
  };

  /** A node that did not answer is no good as a finger: forget it until `fix_fingers` finds a replacement. */
  const forgetFinger = (state: ChordState, failed: NodeRef): ChordState =>
    state.fingers.some((f) => f?.id === failed.id) ? { ...state, fingers: state.fingers.map((f) => (f?.id === failed.id ? null : f)) } : state;

  // ---- Handlers -----------------------------------------------------------------------------------------

  const onMessage = (state: ChordState, from: NodeId, m: ChordMessage, ctx: StepContext): Result => {
    const effects: Effect<ChordMessage>[] = [];
    switch (m.type) {
      case 'ping':
        send(effects, refOf(from), { type: 'pong', rpc: m.rpc });
        return { state, effects };
      case 'findStep':
        // A node outside the ring has nothing to say; the asker times out and tries another.
        if (state.status !== 'member') return { state, effects };
        send(effects, refOf(from), { type: 'findStepReply', rpc: m.rpc, ...findStep(state, m.key) });
        return { state, effects };
      case 'getPredecessor':
        if (state.status !== 'member') return { state, effects };
        send(effects, refOf(from), { type: 'predecessorReply', rpc: m.rpc, predecessor: state.predecessor, successors: state.successors });
        return { state, effects };
      case 'notify': {
        // Figure 6's notify: n' might be our predecessor.
        if (state.status !== 'member') return { state, effects };
        const p = state.predecessor;
        if (p === null || inInterval(m.node.id, p.id, state.id, { inclusiveEnd: false })) return { state: { ...state, predecessor: m.node }, effects };
        return { state, effects };
      }
      case 'findStepReply':
      case 'predecessorReply':
      case 'pong':
        return onAnswer(state, effects, m);
    }
  };

  const onAnswer = (state: ChordState, effects: Effect<ChordMessage>[], m: Extract<ChordMessage, { rpc: number }>): Result => {
    const pending = state.rpcs.get(m.rpc);
    if (pending === undefined) return { state, effects }; // late: already timed out
    const settled = settle(state, effects, m.rpc);
    switch (pending.kind) {
      case 'lookup': {
        const lookup = settled.lookups.get(pending.lookup);
        if (lookup === undefined || lookup.rpc !== m.rpc) return { state: settled, effects };
        if (m.type === 'pong') return finish(settled, effects, pending.lookup, lookup, lookup.target);
        if (m.type === 'findStepReply') return advance(settled, effects, pending.lookup, lookup, m.done, m.nodes);
        return { state: settled, effects };
      }
      case 'stabilize': {
        if (m.type !== 'predecessorReply') return { state: settled, effects };
        // Figure 6's stabilize, with §4.5's list: copy the successor's list behind it, and adopt x if it is closer.
        const successor = pending.to;
        let list = [successor, ...m.successors];
        const x = m.predecessor;
        if (x !== null && inInterval(x.id, settled.id, successor.id, { inclusiveEnd: false })) list = [x, ...list];
        const successors = successorList(settled.self, list, r);
        send(effects, successors[0] as NodeRef, { type: 'notify', node: settled.self });
        return { state: { ...settled, successors }, effects };
      }
      case 'checkPredecessor':
        return { state: settled, effects };
    }
  };

  const onTimeout = (state: ChordState, rpc: number): Result => {
    const effects: Effect<ChordMessage>[] = [];
    const pending = state.rpcs.get(rpc);
    if (pending === undefined) return { state, effects };
    let next: ChordState = { ...state, rpcs: state.rpcs.without(rpc) };
    switch (pending.kind) {
      case 'lookup': {
        const lookup = next.lookups.get(pending.lookup);
        if (lookup === undefined || lookup.rpc !== rpc) return { state: next, effects };
        next = forgetFinger(next, lookup.target);
        const [target, ...fallbacks] = lookup.fallbacks;
        if (target === undefined) return finish(next, effects, pending.lookup, lookup, null);
        return ask(next, effects, pending.lookup, { ...lookup, target, fallbacks });
      }
      case 'stabilize': {
        // §4.5: a successor that does not answer is replaced by the next live entry of the list. With r = 1 there
        // is none, so the node keeps the only successor it knows.
        next = forgetFinger(next, pending.to);
        if (next.successors.length > 1 && next.successors[0]?.id === pending.to.id) next = { ...next, successors: next.successors.slice(1) };
        return { state: next, effects };
      }
      case 'checkPredecessor':
        // Figure 7's check_predecessor: a silent predecessor is forgotten, so that notify can install a live one.
        if (next.predecessor?.id === pending.to.id) next = { ...next, predecessor: null };
        return { state: next, effects };
    }
  };

  const onTimer = (state: ChordState, name: string, payload: unknown, ctx: StepContext): Result => {
    const effects: Effect<ChordMessage>[] = [];
    if (name.startsWith('rpc ')) return onTimeout(state, payload as number);
    if (name === 'join') return join(state, effects, payload as NodeRef, ctx.nowMs);
    if (state.status !== 'member') return { state, effects };
    switch (name) {
      case 'stabilize': {
        effects.push({ type: 'setTimer', name, delayMs: o.stabilizeMs });
        const successor = state.successors[0] ?? state.self;
        const [next] = request(state, effects, successor, { kind: 'stabilize', to: successor }, (rpc) => ({ type: 'getPredecessor', rpc }));
        return { state: next, effects };
      }
      case 'fixFingers': {
        effects.push({ type: 'setTimer', name, delayMs: o.fixFingersMs });
        const i = state.nextFinger;
        return startLookup(state, effects, (state.id + 2 ** i) % RING_SIZE, { kind: 'finger', finger: i }, ctx.nowMs);
      }
      case 'checkPredecessor': {
        effects.push({ type: 'setTimer', name, delayMs: o.checkPredecessorMs });
        const p = state.predecessor;
        if (p === null) return { state, effects };
        const [next] = request(state, effects, p, { kind: 'checkPredecessor', to: p }, (rpc) => ({ type: 'ping', rpc }));
        return { state: next, effects };
      }
    }
    return { state, effects };
  };

  /** Figure 6's join: forget the predecessor and look up our own id's successor through `via`. */
  const join = (state: ChordState, effects: Effect<ChordMessage>[], via: NodeRef, nowMs: number): Result => {
    if (state.status === 'member') return { state, effects };
    const joining: ChordState = { ...state, status: 'joining', successors: [], predecessor: null };
    return startLookup(joining, effects, state.id, { kind: 'join', via }, nowMs, via);
  };

  const onRequest = (state: ChordState, request: unknown, ctx: StepContext): Result => {
    const effects: Effect<ChordMessage>[] = [];
    const req = request as Partial<{ lookup: number; join: NodeId }>;
    if (typeof req?.join === 'string') return join(state, effects, refOf(req.join), ctx.nowMs);
    if (typeof req?.lookup === 'number') {
      if (state.status !== 'member') {
        effects.push({ type: 'reply', response: { key: req.lookup, owner: null, hops: 0, ok: false } satisfies LookupReply });
        return { state, effects };
      }
      return startLookup(state, effects, req.lookup, { kind: 'client' }, ctx.nowMs);
    }
    throw new Error(`unknown request ${JSON.stringify(request)}: expected { lookup: key } or { join: node }`);
  };

  return {
    init: (ctx) => initial(ctx.id),

    step(state: ChordState, input: Input<ChordMessage>, ctx: StepContext) {
      switch (input.type) {
        case 'start': {
          const effects: Effect<ChordMessage>[] = [];
          if (state.status === 'member') {
            startMaintenance(effects, o, ctx);
            return { state, effects };
          }
          if (o.spare) return { state };
          if (o.bootstrap !== undefined && o.bootstrap !== ctx.id) return join(state, effects, refOf(o.bootstrap), ctx.nowMs);
          // Figure 6's create: a ring of one, its own successor.
          startMaintenance(effects, o, ctx);
          return { state: { ...state, status: 'member', successors: [state.self], predecessor: null }, effects };
        }
        case 'message':
          return onMessage(state, input.from, input.message, ctx);
        case 'timer':
          return onTimer(state, input.name, input.payload, ctx);
        case 'request':
          return onRequest(state, input.request, ctx);
      }
    },
  };
}

/**
 * The three periodic timers of Figure 6/7. With `ctx`, each first fires at a random phase within its period;
 * without (a node that has just joined, inside a step with no random source at hand), after one full period.
 */
function startMaintenance(effects: Effect<ChordMessage>[], o: Resolved, ctx: StepContext | null): void {
  const phase = (periodMs: number) => (ctx === null ? periodMs : ctx.random.int(1, Math.max(1, Math.floor(periodMs))));
  effects.push({ type: 'setTimer', name: 'stabilize', delayMs: phase(o.stabilizeMs) });
  effects.push({ type: 'setTimer', name: 'fixFingers', delayMs: phase(o.fixFingersMs) });
  effects.push({ type: 'setTimer', name: 'checkPredecessor', delayMs: phase(o.checkPredecessorMs) });
}

// ---- Oracles and the stable ring ------------------------------------------------------------------------

/** The successor of `key` by brute force (§4.2): the id at the smallest clockwise distance from the key. */
export function chordSuccessorOracle(ids: readonly number[], key: number): number {
  if (ids.length === 0) throw new Error('no nodes');
  let best = ids[0] as number;
  for (const id of ids) if (clockwiseDistance(key, id) < clockwiseDistance(key, best)) best = id;
  return best;
}

/** The successor of `key` among `sorted` ids (ascending), by binary search. */
function successorIn(sorted: readonly number[], key: number): number {
  const index = lowerBound(sorted, key, (id) => id);
  return sorted[index === sorted.length ? 0 : index] as number;
}

/** The correct fingers of node `id` among `sortedIds` (ascending): finger i = successor(id + 2^i) (§4.3). */
export function fingerTable(sortedIds: readonly number[], id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < CHORD_BITS; i++) out.push(successorIn(sortedIds, (id + 2 ** i) % RING_SIZE));
  return out;
}

/** The identifiers of `names`, checking that no two collide (with 32 bits, rare below tens of thousands of names). */
function idsOf(names: readonly string[]): Map<number, NodeRef> {
  const byId = new Map<number, NodeRef>();
  for (const name of names) {
    const ref = refOf(name);
    const other = byId.get(ref.id);
    if (other !== undefined) throw new Error(`nodes ${other.name} and ${name} hash to the same identifier ${ref.id}`);
    byId.set(ref.id, ref);
  }
  return byId;
}

/**
 * The state a ring of `names` reaches once stabilization has converged: correct successor lists, predecessors
 * and fingers everywhere. For large-N experiments, where building the ring by joins would take most of the run.
 */
export function stableChordStates(names: readonly string[], options: ChordOptions = {}): Record<NodeId, ChordState> {
  const r = resolve(options).successorListLength;
  const byId = idsOf(names);
  const sorted = [...byId.keys()].sort((a, b) => a - b);
  const at = (k: number) => byId.get(sorted[((k % sorted.length) + sorted.length) % sorted.length] as number) as NodeRef;
  const out: Record<NodeId, ChordState> = {};
  sorted.forEach((id, k) => {
    const self = at(k);
    const list: NodeRef[] = [];
    for (let j = 1; j <= r; j++) list.push(at(k + j));
    out[self.name] = {
      ...emptyState(self.name),
      status: 'member',
      successors: successorList(self, list, r),
      predecessor: sorted.length > 1 ? at(k - 1) : null,
      fingers: fingerTable(sorted, id).map((f) => byId.get(f) as NodeRef),
    };
  });
  return out;
}

/** Nodes that start in the stable state of `stableChordStates`, as behaviors to start a `Simulation` with. */
export function stableChordRing(names: readonly string[], options: ChordOptions = {}): Record<NodeId, NodeBehavior<ChordState, ChordMessage>> {
  const states = stableChordStates(names, options);
  const behavior = makeChordNode(resolve(options), (name) => {
    const s = states[name];
    if (s === undefined) throw new Error(`node ${name} is not in the stable ring`);
    return s;
  });
  const out: Record<NodeId, NodeBehavior<ChordState, ChordMessage>> = {};
  for (const name of names) out[name] = behavior;
  return out;
}

/**
 * The path a lookup for `key` started at `from` takes over the given states, with no network: the node itself,
 * each node asked in turn (the first of its `closest_preceding_node` answers) and finally the owner named by the
 * last node's successor. `path.length - 1` is the hop count the iterative lookup would have with no failures.
 * Throws if the states route in a loop (more than 2m steps), which correct tables never do.
 */
export function lookupPath(states: Record<NodeId, ChordState>, from: NodeId, key: number): NodeId[] {
  let node = states[from];
  if (node === undefined) throw new Error(`no state for ${from}`);
  const path: NodeId[] = [from];
  for (let steps = 0; steps <= MAX_LOOKUP_HOPS; steps++) {
    const { done, nodes } = findStep(node, key);
    const next = nodes[0] as NodeRef;
    path.push(next.name);
    if (done) return path;
    node = states[next.name];
    if (node === undefined) throw new Error(`no state for ${next.name} on the path ${path.join(' -> ')}`);
  }
  throw new Error(`lookup for ${key} from ${from} did not end within ${MAX_LOOKUP_HOPS} steps`);
}

// ---- Runs -----------------------------------------------------------------------------------------------

/** One finished client lookup: the reply, the node that answered it and when (`runChord` sets no clock skew, so
 * the node's clock reads global time). */
export interface LookupResult extends LookupReply {
  from: NodeId;
  atMs: number;
}

/** A change of ring membership as `runChord` scheduled it: a spare asked to join, or a crash. */
export interface MembershipChange {
  atMs: number;
  node: NodeId;
  kind: 'join' | 'crash';
}

/**
 * A Chord experiment.
 *
 * - `nodes`: how many nodes form the ring at first. Without `stable`, node 0 creates the ring at time 0 and node
 *   k joins through it at k × `joinIntervalMs` (default 10 ms); with `stable`, all start in the converged state.
 * - `lookups`: how many client lookups (default 100), for keys drawn uniformly from the identifier space, each at
 *   a node that is alive and was asked to join at least a second earlier, `lookupIntervalMs` apart (default 10)
 *   from `lookupsFromMs` (default: for a ring built by joins, one stabilization period per node plus 2 s after the
 *   last initial join, since concurrent joins settle about one node per round; 100 ms for a stable ring).
 * - `churn`: from `fromMs` (default: `lookupsFromMs`) until `untilMs`, events at exponentially distributed
 *   intervals, `ratePerSec` of them per second; each crashes a random live node and has a new node join through a
 *   random live one, so the ring keeps its size. The simulator's node set is fixed, so the newcomers are spares
 *   declared up front that sit idle until a `{ join: node }` request.
 * - `crash`: a simultaneous failure of a `fraction` of the nodes at `atMs` (the paper's §6.4 experiment).
 * - `successorListLength`: r for every node; `untilMs`: end of the run (default: 2 s after the last lookup).
 * - `record`: record the trace (default true; false keeps only stats, for large rings).
 */
export interface ChordRunOptions {
  seed: number | string;
  nodes: number;
  joinIntervalMs?: number;
  lookups?: number;
  lookupIntervalMs?: number;
  lookupsFromMs?: number;
  churn?: { ratePerSec: number; fromMs?: number; untilMs?: number };
  crash?: { atMs: number; fraction: number };
  successorListLength?: number;
  node?: Omit<ChordOptions, 'bootstrap' | 'spare' | 'successorListLength'>;
  untilMs?: number;
  stable?: boolean;
  record?: boolean;
}

/**
 * What a run produced: the trace, every client lookup's result (read from the replies as they happen, so they are
 * there with recording off too), the node names (initial nodes first, then spares), the membership changes in
 * time order, and each node's state at the end (undefined for crashed nodes).
 */
export interface ChordRun {
  trace: Trace;
  lookups: LookupResult[];
  names: string[];
  membership: MembershipChange[];
  states: Record<NodeId, ChordState | undefined>;
}

/** Node names `n0000`, `n0001`, …, wide enough to sort in number order (shared with `chord-store.ts`). */
export function nodeNames(count: number): string[] {
  const width = Math.max(4, String(count - 1).length);
  return Array.from({ length: count }, (_, k) => `n${String(k).padStart(width, '0')}`);
}

/** Runs a Chord experiment; see `ChordRunOptions`. Same options, same result. */
export function runChord(options: ChordRunOptions): ChordRun {
  const { nodes: count, joinIntervalMs = 10, lookups: lookupCount = 100, lookupIntervalMs = 10, stable = false, record = true } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`nodes must be a positive integer (got ${count})`);
  const random = new Random(options.seed);
  const schedule = random.fork('schedule');
  const lastJoinMs = stable ? 0 : (count - 1) * joinIntervalMs;
  // Joins through one node all start with about the same successor, and stabilization then places roughly one
  // node per round, so a ring built by joins gets one stabilization period per node to settle.
  const stabilizeMs = options.node?.stabilizeMs ?? 250;
  const lookupsFromMs = options.lookupsFromMs ?? (stable ? 100 : lastJoinMs + count * stabilizeMs + 2000);
  const lookupsEndMs = lookupsFromMs + lookupCount * lookupIntervalMs;

  // Membership: who is (or is about to be) in the ring, as the schedule goes along.
  const initial = nodeNames(count);
  const membership: MembershipChange[] = [];
  const joinedAt = new Map<NodeId, number>();
  initial.forEach((name, k) => {
    joinedAt.set(name, stable ? 0 : k * joinIntervalMs);
    if (!stable && k > 0) membership.push({ atMs: k * joinIntervalMs, node: name, kind: 'join' });
  });

  // Churn and mass failures are planned up front: each event picks among the nodes alive at its time.
  const planned: PlannedChange[] = [];
  if (options.churn !== undefined && options.churn.ratePerSec > 0) {
    const until = options.churn.untilMs ?? lookupsEndMs;
    for (let t = (options.churn.fromMs ?? lookupsFromMs) + schedule.exponential(1000 / options.churn.ratePerSec); t < until; t += schedule.exponential(1000 / options.churn.ratePerSec)) {
      planned.push({ atMs: Math.round(t * 1000) / 1000, kind: 'churn' });
    }
  }
  if (options.crash !== undefined) planned.push({ atMs: options.crash.atMs, kind: 'crash', fraction: options.crash.fraction });
  planned.sort((a, b) => a.atMs - b.atMs);

  // Crash victims come from the same stream as the rest of the schedule (a choice kept so that runs replay as before).
  const { names, spares, interventions } = scheduleMembership(initial, planned, { schedule, victims: schedule }, membership, joinedAt);
  if (!stable) {
    for (let k = 1; k < count; k++) {
      interventions.push({ atMs: k * joinIntervalMs, kind: 'request', node: initial[k] as NodeId, request: { join: initial[0] as NodeId } satisfies ChordRequest });
    }
  }

  // Lookups: each at a node alive then and asked to join at least a second before.
  const keys = random.fork('keys');
  const initialNames = new Set<NodeId>(initial);
  for (let k = 0; k < lookupCount; k++) {
    const atMs = lookupsFromMs + k * lookupIntervalMs;
    // A stable ring's initial nodes were never asked to join: they count as settled from the start.
    const settled = (n: NodeId) => (stable && initialNames.has(n)) || (joinedAt.get(n) ?? Infinity) <= atMs - 1000;
    const live = membersAt(names, membership, atMs).filter(settled);
    if (live.length === 0) continue;
    interventions.push({ atMs, kind: 'request', node: keys.pick(live), request: { lookup: keys.nextUint32() } satisfies ChordRequest });
  }
  interventions.sort((a, b) => a.atMs - b.atMs);

  const nodeOptions: ChordOptions = { ...options.node, successorListLength: options.successorListLength };
  const behaviors: Record<NodeId, NodeBehavior<ChordState, ChordMessage>> = {};
  if (stable) Object.assign(behaviors, stableChordRing(initial, nodeOptions));
  else {
    behaviors[initial[0] as NodeId] = chordNode(nodeOptions);
    for (const name of initial.slice(1)) behaviors[name] = chordNode({ ...nodeOptions, spare: true });
  }
  for (const name of spares) behaviors[name] = chordNode({ ...nodeOptions, spare: true });

  // The replies are read off the nodes' effects by an observer outside the algorithm, so that they are available
  // with trace recording off; the nodes themselves only return `reply` effects.
  const lookups: LookupResult[] = [];
  const observed = observeReplies(behaviors, (response, from, atMs) => lookups.push({ ...(response as LookupReply), from, atMs }));

  const untilMs = options.untilMs ?? lookupsEndMs + 2000;
  const simulation = runSimulation(options.seed, observed, interventions, record, untilMs);
  return { trace: simulation.trace(), lookups, names, membership, states: simulation.states() };
}

/**
 * A planned change of a run's membership: `churn` (a random live node crashes and a spare joins through another),
 * `join` (a spare joins, nobody crashes), or `crash` (a `fraction` of the live nodes crash at once).
 */
export type PlannedChange = { atMs: number; kind: 'churn' | 'join' } | { atMs: number; kind: 'crash'; fraction: number };

/**
 * Turns planned changes into interventions on a fixed node set, which is how a run grows and shrinks a ring: the
 * simulator's nodes are fixed, so newcomers are spares, named after the initial nodes, that idle until a
 * `{ join: node }` request. `planned` must be in time order; each change picks among the nodes alive at its time
 * by the schedule so far (`schedule` picks churn victims and whom a spare joins through, `victims` the nodes of a
 * mass crash). A change that would leave fewer than two live nodes is skipped. Appends to `membership` and
 * `joinedAt`; returns all node names (initial first), the spares, and the interventions, unsorted.
 */
export function scheduleMembership(
  initial: readonly NodeId[],
  planned: readonly PlannedChange[],
  streams: { schedule: Random; victims: Random },
  membership: MembershipChange[],
  joinedAt: Map<NodeId, number>,
): { names: NodeId[]; spares: NodeId[]; interventions: Intervention[] } {
  const { schedule, victims } = streams;
  const count = initial.length;
  const spares = nodeNames(count + planned.filter((p) => p.kind !== 'crash').length).slice(count);
  const alive = new Set(initial);
  const interventions: Intervention[] = [];
  let nextSpare = 0;
  const liveSorted = () => [...alive].sort();
  const crash = (atMs: number, node: NodeId) => {
    alive.delete(node);
    interventions.push({ atMs, kind: 'crash', node });
    membership.push({ atMs, node, kind: 'crash' });
  };
  for (const p of planned) {
    if (p.kind === 'crash') {
      for (const v of victims.shuffle(liveSorted()).slice(0, Math.round(p.fraction * alive.size)).sort()) crash(p.atMs, v);
      continue;
    }
    if (alive.size < 2) continue;
    if (p.kind === 'churn') crash(p.atMs, schedule.pick(liveSorted()));
    const spare = spares[nextSpare++] as NodeId;
    const via = schedule.pick(liveSorted());
    alive.add(spare);
    joinedAt.set(spare, p.atMs);
    interventions.push({ atMs: p.atMs, kind: 'request', node: spare, request: { join: via } satisfies ChordRequest });
    membership.push({ atMs: p.atMs, node: spare, kind: 'join' });
  }
  return { names: [...initial, ...spares], spares, interventions };
}

/** Runs the ring experiments' simulation: a large trace budget when recording, none when not. */
export function runSimulation<S, M>(seed: number | string, nodes: Record<NodeId, NodeBehavior<S, M>>, interventions: Intervention[], record: boolean, untilMs: number): Simulation<S, M> {
  const simulation = new Simulation<S, M>({ seed, nodes, interventions, trace: record ? { maxEvents: 500_000 } : { record: false }, maxEvents: 50_000_000 });
  simulation.runUntil(untilMs);
  return simulation;
}

/**
 * The nodes in the ring at `atMs` by the schedule: every node except those whose join was asked for later and
 * those crashed by then.
 */
function membersAt(names: readonly NodeId[], membership: readonly MembershipChange[], atMs: number): NodeId[] {
  const out = new Set(names);
  for (const change of membership) {
    if (change.kind === 'join' ? change.atMs > atMs : change.atMs <= atMs) out.delete(change.node);
  }
  return [...out].sort();
}

/**
 * The identifiers of the nodes in a run's ring at `atMs`, by its schedule of joins and crashes: the oracle's view
 * of who should own what. A node counts from the moment it is asked to join, before its join completes, so
 * lookups answered within a stabilization period of a join may legitimately disagree.
 */
export function liveIdsAt(run: Pick<ChordRun, 'membership' | 'names'>, atMs: number): number[] {
  return membersAt(run.names, run.membership, atMs).map(chordId);
}

/**
 * Lookup consistency (§4.2): every successful lookup named the key's successor among the nodes `liveIds(atMs)`
 * returns for the time it was answered. Failed lookups (`ok: false`) are not violations of this property; count
 * them separately. The lookups are not trace events, so a violation's `events` is empty and its message names
 * the first wrong lookup.
 */
export function checkLookupsCorrect(lookups: readonly LookupResult[], liveIds: (atMs: number) => readonly number[]): CheckResult {
  const property = 'lookups name the key\'s successor';
  for (const l of lookups) {
    if (!l.ok || l.owner === null) continue;
    const expected = chordSuccessorOracle(liveIds(l.atMs), l.key);
    if (chordId(l.owner) !== expected) {
      return {
        status: 'violation', property, failure: 'safety',
        message: `lookup for key ${l.key} from ${l.from} at ${l.atMs} ms named ${l.owner} (id ${chordId(l.owner)}), but its successor is id ${expected}`,
        events: [],
      };
    }
  }
  return { status: 'ok', property };
}
