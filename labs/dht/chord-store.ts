/**
 * Key storage with replication on top of Chord, after the DHash layer of CFS (Dabek, Kaashoek, Karger, Morris and
 * Stoica, "Wide-area cooperative storage with CFS", SOSP 2001) and the remarks of the Chord paper itself (Stoica et
 * al., SIGCOMM 2001). Chord is only a lookup service: it maps a key to a node and leaves storing values to the
 * application above it (§3); when a node joins, that layer moves to it the keys in (predecessor, itself] from its
 * successor (§4.4); and the successor lists of §4.5 let it keep replicas of a key on the nodes that follow the
 * key's successor. This file is that layer, built as a wrapper around a Chord node so that Chord's own algorithm
 * (`chord.ts`) stays untouched.
 *
 * Placement: item `name` has key `chordId(name)` and is stored at the key's successor, its *primary*, and copied
 * to the primary's first R − 1 successors, R = `replicas`. Every replica holder keeps a plain copy; merges are
 * last-writer-wins by version (see `mergeItem`), so they are deterministic, commutative and idempotent, and a
 * copy may arrive any number of times in any order.
 *
 * Operations, each starting with a Chord lookup of the key (the inner node's `{ lookup: key }` request):
 * - put: lookup, then `store` to the owner, which merges, acks with `stored` and at once pushes the item to its
 *   first R − 1 successors with `replicate`.
 * - get: lookup, then `fetch` from the owner; when the owner has no copy (it has just joined and the hand-over
 *   has not reached it, or its range has just grown and its next pull has not run) its `fetched` answer names
 *   its successors, and the getter tries up to R − 1 of them.
 *
 * Maintenance: every `replicateMs` a member that knows its predecessor pushes the items it is primary for to its
 * first R − 1 successors and pulls from its successor the ones of its range it lacks (`sync`), so a crash is
 * repaired within a period of the ring itself repairing (§4.5); and when `notify` (Figure 6) installs a new
 * predecessor p, the node hands p the items p is now primary for at once (§4.4's key transfer).
 *
 * Not modelled, on purpose: garbage collection of surplus copies (a node that stops being among a key's R holders
 * keeps its copy forever; DHash deletes them after a while), voluntary departures (a leaving node would hand its
 * keys to its successor), efficient synchronisation (DHash compares Merkle trees; here a primary pushes its whole
 * primary set every period and lists it, name and version, in its pull), and restarts of crashed nodes (as in `chord.ts`, a crashed node stays down).
 */
import {
  chordId,
  chordNode,
  chordSuccessorOracle,
  inInterval,
  liveIdsAt,
  nodeNames,
  runSimulation,
  scheduleMembership,
  stableChordRing,
} from './chord';
import type { ChordMessage, ChordOptions, ChordRequest, ChordState, LookupReply, MembershipChange, NodeRef, PlannedChange } from './chord';
import { Random } from '../sim/random';
import { observeReplies } from '../sim/observe';
import type { CheckResult } from '../sim/check';
import type { Trace } from '../sim/trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext, StepResult } from '../sim/types';

// ---- Items ----------------------------------------------------------------------------------------------

/**
 * One stored value, as every holder keeps it.
 *
 * - `name`: what clients put and get; `key`: `chordId(name)`, where it lives on the circle.
 * - `version`: the putter's clock (ms) when the put began: the later put wins a merge. With no clock skew this is
 *   real-time order; with skew, a put from a node whose clock is behind can lose to an earlier one, as in any
 *   last-writer-wins store.
 */
export interface StoredItem {
  name: string;
  key: number;
  value: string;
  version: number;
}

/**
 * The merge of a held copy (or none) with an incoming one: the higher version wins, and on a tie the larger value
 * (code-unit order), so that the result does not depend on the order copies arrive in. Returns `held` itself
 * when it wins or equals `incoming`, so callers can tell "nothing changed" by identity. Commutative, associative
 * and idempotent up to that identity.
 */
export function mergeItem(held: StoredItem | undefined, incoming: StoredItem): StoredItem {
  if (held === undefined) return incoming;
  if (incoming.version !== held.version) return incoming.version > held.version ? incoming : held;
  return incoming.value > held.value ? incoming : held;
}

// ---- Messages, requests and replies ---------------------------------------------------------------------

/**
 * The storage layer's messages. Their types are disjoint from `ChordMessage`'s (checked below at compile time),
 * so a node tells the two layers apart by `type` alone.
 *
 * - `store` / `stored`: a putter asks the owner to merge `item`; the owner acks. `op` is the putter's operation id.
 * - `fetch` / `fetched`: a getter asks a node for `name`; the answer carries the node's copy (null if none) and
 *   its successor list (names, nearest first), where the getter looks next when the owner has no copy.
 * - `replicate`: "merge these copies"; sent by an owner after a store, by a primary every `replicateMs`, by a
 *   node handing keys to a new predecessor, and in answer to `sync`. No answer.
 * - `sync`: a primary asks its successor for the copies it holds with keys in (`afterKey`, `uptoKey`] that are
 *   missing from `have` (name → version) or newer; the answer is a `replicate` with them, or nothing if none.
 */
export type StoreMessage =
  | { type: 'store'; op: number; item: StoredItem }
  | { type: 'stored'; op: number }
  | { type: 'fetch'; op: number; name: string }
  | { type: 'fetched'; op: number; item: StoredItem | null; successors: NodeId[] }
  | { type: 'replicate'; items: StoredItem[] }
  | { type: 'sync'; afterKey: number; uptoKey: number; have: Record<string, number> };

/** What a storage node sends and receives: both layers' messages. */
export type ChordStoreMessage = ChordMessage | StoreMessage;

// A compile-time guard: this line stops compiling if a message type ever appears in both layers.
const layersAreDisjoint: [Extract<ChordMessage['type'], StoreMessage['type']>] extends [never] ? true : false = true;
void layersAreDisjoint;

// A record rather than a list, so that a message type added to `StoreMessage` but not here does not compile.
const STORE_MESSAGE_TYPES: Record<StoreMessage['type'], true> = { store: true, stored: true, fetch: true, fetched: true, replicate: true, sync: true };

const isStoreMessage = (m: ChordStoreMessage): m is StoreMessage => Object.hasOwn(STORE_MESSAGE_TYPES, m.type);

/**
 * A client request to a storage node: `{ put: name, value }` or `{ get: name }`, answered with a `PutReply` or a
 * `GetReply`. Chord's own requests (`{ lookup: key }`, `{ join: node }`) go to the inner node unchanged, and a
 * lookup's `LookupReply` comes back unchanged.
 */
export type StoreRequest = { put: string; value: string } | { get: string };

/** Every request a storage node accepts. */
export type ChordStoreRequest = StoreRequest | ChordRequest;

/**
 * The answer to a put. `ok` means the owner acknowledged the store (it then holds the item; its replicas are on
 * the way). `ok: false` with `owner: null` means the lookup failed and nothing was sent; with an owner, the store
 * timed out, so the item may or may not be stored (an indeterminate outcome, as histories call it). `hops` is the
 * Chord lookup's hop count; `version` the item's version; `startedAtMs` the putter's clock when the put began.
 */
export interface PutReply {
  kind: 'put';
  name: string;
  value: string;
  version: number;
  ok: boolean;
  owner: NodeId | null;
  hops: number;
  startedAtMs: number;
}

/**
 * The answer to a get. `ok: false`: the lookup failed. Otherwise `found` says whether the owner or one of the
 * replicas tried had a copy; `value` is its value (null when not found) and `holder` the node that answered with
 * it (the owner, or a replica when the owner had none). `hops` is the Chord lookup's hop count; `startedAtMs` the
 * getter's clock when the get began.
 */
export interface GetReply {
  kind: 'get';
  name: string;
  ok: boolean;
  found: boolean;
  value: string | null;
  holder: NodeId | null;
  owner: NodeId | null;
  hops: number;
  startedAtMs: number;
}

// ---- State ----------------------------------------------------------------------------------------------

/**
 * A put or get in progress at the node that received the request.
 *
 * - `phase`: `lookup` while the inner Chord node looks the key up; then `store` (put) or `fetch` (get) while
 *   waiting for the node asked, under the timer `store-rpc <op id>`.
 * - `owner`, `hops`: the lookup's result, once known.
 * - get only: `target` is the node asked now; `candidates` the replica holders still to try, null until the owner
 *   has answered (or timed out), since the list comes from the owner's `fetched` answer.
 */
export type StoreOp =
  | { kind: 'put'; item: StoredItem; phase: 'lookup' | 'store'; owner: NodeId | null; hops: number; startedAtMs: number }
  | {
      kind: 'get';
      name: string;
      key: number;
      phase: 'lookup' | 'fetch';
      owner: NodeId | null;
      hops: number;
      startedAtMs: number;
      target: NodeId | null;
      candidates: NodeId[] | null;
    };

/** Who waits for a lookup the inner node runs: one of this layer's operations (its id) or an outside client. */
export type LookupWaiter = number | 'client';

/**
 * A storage node's state, all plain JSON.
 *
 * - `chord`: the inner Chord node's state, changed only by the inner node's `step`.
 * - `items`: every copy this node holds, by name (as primary, replica, or surplus copy: nothing is ever deleted).
 * - `ops`, `nextOp`: puts and gets in progress, by id, and the next id.
 * - `lookupWaiters`: for each key (as a string), who waits for the inner lookups of that key, oldest first. The
 *   inner node answers every `{ lookup: key }` request with exactly one `LookupReply` naming the key but not the
 *   request, so replies are matched to waiters by key in FIFO order. Two lookups of one key may finish out of
 *   order; swapping their answers is harmless, since both are answers for the same key.
 */
export interface ChordStoreState {
  chord: ChordState;
  items: Record<string, StoredItem>;
  ops: Record<number, StoreOp>;
  nextOp: number;
  lookupWaiters: Record<string, LookupWaiter[]>;
}

/**
 * Settings of the storage layer. Times are on the node's own clock.
 *
 * - `replicas`: R, the number of copies: the primary and its first R − 1 successors (default 3; 1 keeps only the
 *   primary copy). The inner node's successor list must be at least R − 1 long to reach them all.
 * - `replicateMs`: the period of replica maintenance (default 1000); the first round fires at a random phase.
 * - `rpcTimeoutMs`: how long a putter or getter waits for `stored` or `fetched` (default 100).
 */
export interface ChordStoreOptions {
  replicas?: number;
  replicateMs?: number;
  rpcTimeoutMs?: number;
}

function resolveStoreOptions(options: ChordStoreOptions): Required<ChordStoreOptions> {
  const o = {
    replicas: 3,
    replicateMs: 1000,
    rpcTimeoutMs: 100,
    // An option given as undefined takes its default.
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Required<ChordStoreOptions>;
  if (!Number.isInteger(o.replicas) || o.replicas < 1) throw new Error(`replicas must be an integer >= 1 (got ${o.replicas})`);
  for (const field of ['replicateMs', 'rpcTimeoutMs'] as const) {
    if (!(o[field] > 0) || !Number.isFinite(o[field])) throw new Error(`${field} must be a positive number of ms (got ${o[field]})`);
  }
  return o;
}

// ---- The node -------------------------------------------------------------------------------------------

type Out = Effect<ChordStoreMessage>[];

const storeRpcTimer = (op: number) => `store-rpc ${op}`;
const REPLICATE_TIMER = 'replicate';

/**
 * The storage layer around a Chord node `inner` (from `chordNode`, or one of `stableChordRing`'s). Chord
 * messages, Chord timers and Chord requests go to `inner.step` with the inner state, and its effects come out
 * unchanged and in order, except the `reply` effects that answer this layer's own lookups, which this layer
 * consumes (and acts on at that point of the effect list). The layer's timers (`store-rpc N`, `replicate`) do not
 * collide with Chord's (`rpc N`, `stabilize`, `fixFingers`, `checkPredecessor`, `join`).
 */
export function chordStoreNode(inner: NodeBehavior<ChordState, ChordMessage>, options: ChordStoreOptions = {}): NodeBehavior<ChordStoreState, ChordStoreMessage> {
  const o = resolveStoreOptions(options);
  const fanout = o.replicas - 1;

  /** The nodes that hold a node's replicas: its first R − 1 successors other than itself. */
  const replicaTargets = (chord: ChordState): NodeRef[] => chord.successors.filter((s) => s.id !== chord.id).slice(0, fanout);

  const send = (effects: Out, to: NodeId, message: StoreMessage) => effects.push({ type: 'send', to, message });

  const replicate = (effects: Out, targets: readonly NodeRef[], items: StoredItem[]) => {
    if (items.length === 0) return;
    for (const t of targets) send(effects, t.name, { type: 'replicate', items });
  };

  /** The state with `incoming` merged into the held copies (the same object when nothing changed). */
  const merge = (state: ChordStoreState, incoming: readonly StoredItem[]): ChordStoreState => {
    let items = state.items;
    for (const item of incoming) {
      const held = items[item.name];
      const merged = mergeItem(held, item);
      if (merged === held) continue;
      if (items === state.items) items = { ...items };
      items[item.name] = merged;
    }
    return items === state.items ? state : { ...state, items };
  };

  const withOp = (state: ChordStoreState, id: number, op: StoreOp): ChordStoreState => ({ ...state, ops: { ...state.ops, [id]: op } });

  /** Ends operation `id` with `response`, forgetting it and its timer. */
  const finish = (state: ChordStoreState, effects: Out, id: number, response: PutReply | GetReply): ChordStoreState => {
    const ops = { ...state.ops };
    delete ops[id];
    effects.push({ type: 'cancelTimer', name: storeRpcTimer(id) });
    effects.push({ type: 'reply', response });
    return { ...state, ops };
  };

  const putReply = (op: Extract<StoreOp, { kind: 'put' }>, ok: boolean): PutReply => ({
    kind: 'put',
    name: op.item.name,
    value: op.item.value,
    version: op.item.version,
    ok,
    owner: op.owner,
    hops: op.hops,
    startedAtMs: op.startedAtMs,
  });

  const getReply = (op: Extract<StoreOp, { kind: 'get' }>, ok: boolean, item: StoredItem | null, holder: NodeId | null): GetReply => ({
    kind: 'get',
    name: op.name,
    ok,
    found: item !== null,
    value: item?.value ?? null,
    holder,
    owner: op.owner,
    hops: op.hops,
    startedAtMs: op.startedAtMs,
  });

  /** Asks `to` for a get's item, under the operation's timer. */
  const askFetch = (state: ChordStoreState, effects: Out, id: number, op: Extract<StoreOp, { kind: 'get' }>, to: NodeId): ChordStoreState => {
    send(effects, to, { type: 'fetch', op: id, name: op.name });
    effects.push({ type: 'setTimer', name: storeRpcTimer(id), delayMs: o.rpcTimeoutMs, payload: id });
    return withOp(state, id, { ...op, phase: 'fetch', target: to });
  };

  /**
   * A get's current target had no copy (or did not answer). After the owner, the candidates are the first R − 1
   * nodes of the owner's successor list (none when the owner timed out: the getter has no list to try then);
   * after a replica, the remaining candidates. When none is left the answer is `found: false`.
   */
  const miss = (state: ChordStoreState, effects: Out, id: number, op: Extract<StoreOp, { kind: 'get' }>, successors: readonly NodeId[] | null): ChordStoreState => {
    let candidates = op.candidates;
    if (candidates === null) {
      candidates = [];
      for (const name of successors ?? []) {
        if (candidates.length === fanout) break;
        if (name !== op.owner && !candidates.includes(name)) candidates.push(name);
      }
    }
    const [next, ...rest] = candidates;
    if (next === undefined) return finish(state, effects, id, getReply(op, true, null, null));
    return askFetch(state, effects, id, { ...op, candidates: rest }, next);
  };

  /** The inner lookup for operation `id` finished: go to the owner, or fail the operation. */
  const onLookupDone = (state: ChordStoreState, effects: Out, id: number, reply: LookupReply): ChordStoreState => {
    const op = state.ops[id];
    if (op === undefined || op.phase !== 'lookup') return state;
    const owner = reply.ok ? reply.owner : null;
    if (op.kind === 'put') {
      const located = { ...op, owner, hops: reply.hops };
      if (owner === null) return finish(state, effects, id, putReply(located, false));
      send(effects, owner, { type: 'store', op: id, item: op.item });
      effects.push({ type: 'setTimer', name: storeRpcTimer(id), delayMs: o.rpcTimeoutMs, payload: id });
      return withOp(state, id, { ...located, phase: 'store' });
    }
    const located = { ...op, owner, hops: reply.hops };
    if (owner === null) return finish(state, effects, id, getReply(located, false, null, null));
    return askFetch(state, effects, id, located, owner);
  };

  /** Removes and returns the oldest waiter for `key`'s lookups. */
  const takeWaiter = (state: ChordStoreState, key: number): [LookupWaiter | undefined, ChordStoreState] => {
    const queue = state.lookupWaiters[key];
    if (queue === undefined || queue.length === 0) return [undefined, state];
    const [head, ...rest] = queue;
    const lookupWaiters = { ...state.lookupWaiters };
    if (rest.length === 0) delete lookupWaiters[key];
    else lookupWaiters[key] = rest;
    return [head, { ...state, lookupWaiters }];
  };

  const addWaiter = (state: ChordStoreState, key: number, waiter: LookupWaiter): ChordStoreState => ({
    ...state,
    lookupWaiters: { ...state.lookupWaiters, [key]: [...(state.lookupWaiters[key] ?? []), waiter] },
  });

  /**
   * §4.4's key transfer: when the inner node's predecessor changes to a new node p (only Figure 6's `notify` sets
   * it), p is now primary for the keys in (old predecessor, p]; hand those over with one `replicate`. When the
   * old predecessor was unknown (forgotten by `check_predecessor`, or this node has just joined), p's range is
   * unknown too, so every item outside (p, this node] goes: some are p's, the rest copies p merely keeps. This
   * node keeps its own copies: it is now one of p's replica holders.
   */
  const handOver = (before: ChordState, state: ChordStoreState, effects: Out): void => {
    const chord = state.chord;
    const p = chord.predecessor;
    const old = before.predecessor;
    if (p === null || p.id === old?.id || p.id === chord.id) return;
    const items = Object.values(state.items).filter((item) =>
      old !== null ? inInterval(item.key, old.id, p.id, { inclusiveEnd: true }) : !inInterval(item.key, p.id, chord.id, { inclusiveEnd: true }),
    );
    effects.push({ type: 'log', text: `handed ${items.length} item${items.length === 1 ? '' : 's'} to new predecessor ${p.name}`, data: { to: p.name, items: items.length } });
    replicate(effects, [p], items);
  };

  /** Runs the inner node on `input` and passes its effects through, consuming the replies to this layer's lookups. */
  const delegate = (state: ChordStoreState, input: Input<ChordMessage>, ctx: StepContext): { state: ChordStoreState; effects: Out } => {
    const result = inner.step(state.chord, input, ctx);
    let next: ChordStoreState = { ...state, chord: result.state };
    const effects: Out = [];
    for (const effect of result.effects ?? []) {
      if (effect.type === 'reply') {
        const reply = effect.response as LookupReply;
        const [waiter, rest] = takeWaiter(next, reply.key);
        if (typeof waiter === 'number') {
          next = onLookupDone(rest, effects, waiter, reply);
          continue;
        }
        next = rest;
      }
      effects.push(effect);
    }
    handOver(state.chord, next, effects);
    return { state: next, effects };
  };

  /** Starts a put or get: record the operation, then ask the inner node to look its key up. */
  const startOp = (state: ChordStoreState, op: StoreOp, key: number, ctx: StepContext) => {
    const id = state.nextOp;
    const next = addWaiter(withOp({ ...state, nextOp: id + 1 }, id, op), key, id);
    return delegate(next, { type: 'request', request: { lookup: key } satisfies ChordRequest }, ctx);
  };

  const onStoreMessage = (state: ChordStoreState, from: NodeId, m: StoreMessage): StepResult<ChordStoreState, ChordStoreMessage> => {
    const effects: Out = [];
    switch (m.type) {
      case 'store': {
        // The owner merges, acks, and pushes the winning copy to its replica holders at once.
        const next = merge(state, [m.item]);
        send(effects, from, { type: 'stored', op: m.op });
        replicate(effects, replicaTargets(next.chord), [next.items[m.item.name] as StoredItem]);
        return { state: next, effects };
      }
      case 'stored': {
        const op = state.ops[m.op];
        if (op === undefined || op.kind !== 'put' || op.phase !== 'store' || op.owner !== from) return { state };
        return { state: finish(state, effects, m.op, putReply(op, true)), effects };
      }
      case 'fetch': {
        const chord = state.chord;
        const successors = chord.successors.filter((s) => s.id !== chord.id).map((s) => s.name);
        send(effects, from, { type: 'fetched', op: m.op, item: state.items[m.name] ?? null, successors });
        return { state, effects };
      }
      case 'fetched': {
        // An answer from a node asked earlier (which timed out) is stale: only the current target's counts.
        const op = state.ops[m.op];
        if (op === undefined || op.kind !== 'get' || op.phase !== 'fetch' || op.target !== from) return { state };
        if (m.item !== null) return { state: finish(state, effects, m.op, getReply(op, true, m.item, from)), effects };
        return { state: miss(state, effects, m.op, op, m.successors), effects };
      }
      case 'replicate':
        return { state: merge(state, m.items) };
      case 'sync': {
        // Versions only: a copy that ties with the primary's version but has the larger value is not sent (two
        // puts of one name in the same millisecond, a corner this lab leaves open).
        const wanted = Object.values(state.items).filter(
          (item) => inInterval(item.key, m.afterKey, m.uptoKey, { inclusiveEnd: true }) && (m.have[item.name] ?? -Infinity) < item.version,
        );
        replicate(effects, [{ name: from, id: chordId(from) }], wanted);
        return { state, effects };
      }
    }
  };

  const onStoreTimeout = (state: ChordStoreState, id: number): StepResult<ChordStoreState, ChordStoreMessage> => {
    const effects: Out = [];
    const op = state.ops[id];
    if (op === undefined) return { state };
    if (op.kind === 'put') return { state: op.phase === 'store' ? finish(state, effects, id, putReply(op, false)) : state, effects };
    // A getter's target that does not answer counts as a miss at that node.
    return { state: op.phase === 'fetch' ? miss(state, effects, id, op, null) : state, effects };
  };

  /**
   * Replica maintenance, for a member that knows its predecessor p: push the primary items, those in (p, self], to
   * the replica holders, and pull the ones it lacks from its successor (`sync`). The pull is what makes a node
   * whose range grew complete: when a predecessor crashes before it pushed to a node that joined just before it,
   * or when a hand-over is lost, the missing copies sit only on the successors, none of which is their primary,
   * so no push would ever bring them back (DHash's successor synchronisation plays this part). With R = 1 there
   * is no maintenance at all: the primary copy is the only one, and only the hand-over moves it.
   */
  const onReplicateTimer = (state: ChordStoreState): StepResult<ChordStoreState, ChordStoreMessage> => {
    const effects: Out = [{ type: 'setTimer', name: REPLICATE_TIMER, delayMs: o.replicateMs }];
    const chord = state.chord;
    const p = chord.predecessor;
    if (chord.status !== 'member' || p === null || fanout === 0) return { state, effects };
    const primary = Object.values(state.items).filter((item) => inInterval(item.key, p.id, chord.id, { inclusiveEnd: true }));
    replicate(effects, replicaTargets(chord), primary);
    const successor = replicaTargets(chord)[0];
    if (successor !== undefined) {
      const have = Object.fromEntries(primary.map((item) => [item.name, item.version]));
      send(effects, successor.name, { type: 'sync', afterKey: p.id, uptoKey: chord.id, have });
    }
    return { state, effects };
  };

  const onRequest = (state: ChordStoreState, request: unknown, ctx: StepContext): StepResult<ChordStoreState, ChordStoreMessage> => {
    const req = request as Partial<{ put: string; value: string; get: string; lookup: number; join: NodeId }>;
    if (typeof req?.put === 'string') {
      if (typeof req.value !== 'string') throw new Error(`a put needs a string value (got ${JSON.stringify(request)})`);
      const item: StoredItem = { name: req.put, key: chordId(req.put), value: req.value, version: ctx.nowMs };
      return startOp(state, { kind: 'put', item, phase: 'lookup', owner: null, hops: 0, startedAtMs: ctx.nowMs }, item.key, ctx);
    }
    if (typeof req?.get === 'string') {
      const key = chordId(req.get);
      const op: StoreOp = { kind: 'get', name: req.get, key, phase: 'lookup', owner: null, hops: 0, startedAtMs: ctx.nowMs, target: null, candidates: null };
      return startOp(state, op, key, ctx);
    }
    // An outside lookup: its reply must pass through, so it queues as a client waiter.
    if (typeof req?.lookup === 'number') return delegate(addWaiter(state, req.lookup, 'client'), { type: 'request', request }, ctx);
    if (typeof req?.join === 'string') return delegate(state, { type: 'request', request }, ctx);
    throw new Error(`unknown request ${JSON.stringify(request)}: expected { put: name, value }, { get: name }, { lookup: key } or { join: node }`);
  };

  return {
    init: (ctx) => ({ chord: inner.init(ctx), items: {}, ops: {}, nextOp: 0, lookupWaiters: {} }),

    step(state: ChordStoreState, input: Input<ChordStoreMessage>, ctx: StepContext): StepResult<ChordStoreState, ChordStoreMessage> {
      switch (input.type) {
        case 'start': {
          const result = delegate(state, input, ctx);
          // A random first phase, as chord.ts's maintenance timers, so nodes do not all push at the same instant.
          result.effects.push({ type: 'setTimer', name: REPLICATE_TIMER, delayMs: ctx.random.int(1, Math.max(1, Math.floor(o.replicateMs))) });
          return result;
        }
        case 'message':
          if (isStoreMessage(input.message)) return onStoreMessage(state, input.from, input.message);
          return delegate(state, input as Input<ChordMessage>, ctx);
        case 'timer':
          if (input.name === REPLICATE_TIMER) return onReplicateTimer(state);
          if (input.name.startsWith('store-rpc ')) return onStoreTimeout(state, input.payload as number);
          return delegate(state, input, ctx);
        case 'request':
          return onRequest(state, input.request, ctx);
      }
    },
  };
}

/** Storage nodes over a Chord ring that starts converged (`stableChordRing`), holding no items yet. */
export function stableChordStoreRing(
  names: readonly string[],
  chordOptions: ChordOptions = {},
  storeOptions: ChordStoreOptions = {},
): Record<NodeId, NodeBehavior<ChordStoreState, ChordStoreMessage>> {
  const ring = stableChordRing(names, chordOptions);
  // The ring's nodes share one behavior object; wrapping each distinct one once keeps that sharing.
  const wrapped = new Map<NodeBehavior<ChordState, ChordMessage>, NodeBehavior<ChordStoreState, ChordStoreMessage>>();
  const out: Record<NodeId, NodeBehavior<ChordStoreState, ChordStoreMessage>> = {};
  for (const name of names) {
    const inner = ring[name] as NodeBehavior<ChordState, ChordMessage>;
    if (!wrapped.has(inner)) wrapped.set(inner, chordStoreNode(inner, storeOptions));
    out[name] = wrapped.get(inner) as NodeBehavior<ChordStoreState, ChordStoreMessage>;
  }
  return out;
}

// ---- Runs -----------------------------------------------------------------------------------------------

/** A finished put: the reply, the node that answered it and its clock then (`runChordStore` sets no skew). */
export interface PutResult extends PutReply {
  from: NodeId;
  atMs: number;
}

/** A finished get: the reply, the node that answered it and its clock then. */
export interface GetResult extends GetReply {
  from: NodeId;
  atMs: number;
}

/**
 * A storage experiment. The ring always starts converged (`stableChordRing`); building it by joins, as `runChord`
 * can, would only delay the puts, and joins are exercised by `joins` and `churn` instead.
 *
 * - `nodes`: the initial ring size; `successorListLength`: r (default max(4, R)); `node`: other Chord options
 *   (its `rpcTimeoutMs` serves the storage layer too); `replicas` (R, default 3) and `replicateMs`: see
 *   `ChordStoreOptions`.
 * - `items`: how many items are put (default 100), `item-0` with value `v0`, …, one every `putIntervalMs`
 *   (default 5) from `putsFromMs` (default 100), each at a random live node.
 * - `crash`: a simultaneous failure of `fraction` of the live nodes at `atMs`, chosen with a stream of its own.
 * - `churn`: from `fromMs` (default one replicate period after the last put) until `untilMs` (default 5 s
 *   later), events at exponentially distributed intervals, `ratePerSec` per second; each crashes a random live
 *   node and has a spare join through a random live one (as in `runChord`).
 * - `joins`: `count` spares join, with no crashes, one every `intervalMs` (default 500) from `fromMs` (default one
 *   replicate period after the last put), each through a random live node: growth, for §4.4's key transfer.
 * - Gets: every item is read `getsPerItem` times (default 1), in item order, one every `getIntervalMs` (default
 *   5) from `getsFromMs` (default 1 s after the last put, or 3 s after the crash, the end of churn or the last
 *   join, whichever is latest), each at a random node that is live and was asked to join at least a second before.
 * - `untilMs`: end of the run (default 2 s after the last get); `record`: record the trace (default true).
 */
export interface ChordStoreRunOptions {
  seed: number | string;
  nodes: number;
  items?: number;
  replicas?: number;
  replicateMs?: number;
  putsFromMs?: number;
  putIntervalMs?: number;
  crash?: { atMs: number; fraction: number };
  churn?: { ratePerSec: number; fromMs?: number; untilMs?: number };
  joins?: { count: number; fromMs?: number; intervalMs?: number };
  getsFromMs?: number;
  getIntervalMs?: number;
  getsPerItem?: number;
  successorListLength?: number;
  node?: Omit<ChordOptions, 'bootstrap' | 'spare' | 'successorListLength'>;
  record?: boolean;
  untilMs?: number;
}

/**
 * What a storage run produced: the trace, every put's and get's result (read off the replies as they happen, so
 * they exist with recording off), the node names (initial nodes first, then spares), the membership changes in
 * time order (as `runChord`'s, so `liveIdsAt` applies) and each node's final state (undefined if crashed).
 */
export interface ChordStoreRun {
  trace: Trace;
  puts: PutResult[];
  gets: GetResult[];
  names: string[];
  membership: MembershipChange[];
  states: Record<NodeId, ChordStoreState | undefined>;
}

const itemName = (k: number) => `item-${k}`;

function checkCount(field: string, n: unknown): void {
  if (!Number.isInteger(n) || (n as number) < 0) throw new Error(`${field} must be a non-negative integer (got ${String(n)})`);
}

/** Runs a storage experiment; see `ChordStoreRunOptions`. Same options, same result. */
export function runChordStore(options: ChordStoreRunOptions): ChordStoreRun {
  const { nodes: count, items: itemCount = 100, putIntervalMs = 5, getIntervalMs = 5, getsPerItem = 1, record = true } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`nodes must be a positive integer (got ${count})`);
  checkCount('items', itemCount);
  checkCount('getsPerItem', getsPerItem);
  const storeOptions = resolveStoreOptions({ replicas: options.replicas, replicateMs: options.replicateMs, rpcTimeoutMs: options.node?.rpcTimeoutMs });
  const { replicas, replicateMs } = storeOptions;
  const successorListLength = options.successorListLength ?? Math.max(4, replicas);
  if (options.crash !== undefined && !(options.crash.fraction >= 0 && options.crash.fraction <= 1)) {
    throw new Error(`crash.fraction must be between 0 and 1 (got ${options.crash.fraction})`);
  }
  if (options.joins !== undefined) checkCount('joins.count', options.joins.count);

  const random = new Random(options.seed);
  const schedule = random.fork('schedule');
  const putsFromMs = options.putsFromMs ?? 100;
  const putsEndMs = putsFromMs + itemCount * putIntervalMs;

  // Membership changes are planned up front: each event picks among the nodes alive at its time.
  const planned: PlannedChange[] = [];
  let churnEndMs = -Infinity;
  if (options.churn !== undefined && options.churn.ratePerSec > 0) {
    const meanMs = 1000 / options.churn.ratePerSec;
    const fromMs = options.churn.fromMs ?? putsEndMs + replicateMs;
    churnEndMs = options.churn.untilMs ?? fromMs + 5000;
    for (let t = fromMs + schedule.exponential(meanMs); t < churnEndMs; t += schedule.exponential(meanMs)) {
      planned.push({ atMs: Math.round(t * 1000) / 1000, kind: 'churn' });
    }
  }
  let lastJoinMs = -Infinity;
  if (options.joins !== undefined) {
    const { count: joinCount, fromMs = putsEndMs + replicateMs, intervalMs = 500 } = options.joins;
    for (let k = 0; k < joinCount; k++) planned.push({ atMs: (lastJoinMs = fromMs + k * intervalMs), kind: 'join' });
  }
  if (options.crash !== undefined) planned.push({ atMs: options.crash.atMs, kind: 'crash', fraction: options.crash.fraction });
  planned.sort((a, b) => a.atMs - b.atMs);

  const initial = nodeNames(count);
  const membership: MembershipChange[] = [];
  const joinedAt = new Map<NodeId, number>(initial.map((name) => [name, 0]));
  const { names, spares, interventions } = scheduleMembership(initial, planned, { schedule, victims: random.fork('crash') }, membership, joinedAt);

  // Puts, then gets, each at a node alive then and asked to join at least a second before (initial nodes always).
  const byId = new Map(names.map((name) => [chordId(name), name]));
  const clients = random.fork('clients');
  const clientAt = (atMs: number): NodeId | undefined => {
    const run = { names, membership };
    const eligible = liveIdsAt(run, atMs)
      .map((id) => byId.get(id) as NodeId)
      .filter((n) => (joinedAt.get(n) as number) === 0 || (joinedAt.get(n) as number) <= atMs - 1000)
      .sort();
    return eligible.length === 0 ? undefined : clients.pick(eligible);
  };
  for (let k = 0; k < itemCount; k++) {
    const atMs = putsFromMs + k * putIntervalMs;
    const node = clientAt(atMs);
    if (node !== undefined) interventions.push({ atMs, kind: 'request', node, request: { put: itemName(k), value: `v${k}` } satisfies StoreRequest });
  }
  const getsFromMs = options.getsFromMs ?? Math.max(putsEndMs + 1000, (options.crash?.atMs ?? -Infinity) + 3000, churnEndMs + 3000, lastJoinMs + 3000);
  const getCount = getsPerItem * itemCount;
  for (let g = 0; g < getCount; g++) {
    const atMs = getsFromMs + g * getIntervalMs;
    const node = clientAt(atMs);
    if (node !== undefined) interventions.push({ atMs, kind: 'request', node, request: { get: itemName(g % itemCount) } satisfies StoreRequest });
  }
  interventions.sort((a, b) => a.atMs - b.atMs);

  const chordOptions: ChordOptions = { ...options.node, successorListLength };
  const behaviors = stableChordStoreRing(initial, chordOptions, storeOptions);
  const spareBehavior = chordStoreNode(chordNode({ ...chordOptions, spare: true }), storeOptions);
  for (const name of spares) behaviors[name] = spareBehavior;

  // The replies are read off the nodes' effects by an observer outside the algorithm, as in `runChord`, so that
  // they are available with trace recording off.
  const puts: PutResult[] = [];
  const gets: GetResult[] = [];
  const observed = observeReplies(behaviors, (reply, from, atMs) => {
    const response = reply as PutReply | GetReply;
    if (response.kind === 'put') puts.push({ ...response, from, atMs });
    else if (response.kind === 'get') gets.push({ ...response, from, atMs });
  });

  const untilMs = options.untilMs ?? getsFromMs + getCount * getIntervalMs + 2000;
  const simulation = runSimulation(options.seed, observed, interventions, record, untilMs);
  return { trace: simulation.trace(), puts, gets, names, membership, states: simulation.states() };
}

/** The names of the nodes in a run's ring at `atMs` by its schedule (`liveIdsAt`), sorted: the oracle's view. */
export function liveNamesAt(run: Pick<ChordStoreRun, 'membership' | 'names'>, atMs: number): NodeId[] {
  const live = new Set(liveIdsAt(run, atMs));
  return run.names.filter((name) => live.has(chordId(name))).sort();
}

// ---- Checkers and measures ------------------------------------------------------------------------------

/**
 * Gets return put values (safety), judged per get against the puts of its name, with real-time order taken from
 * the results' clocks (`startedAtMs` to `atMs`; meaningful when the nodes' clocks agree, as in `runChordStore`).
 *
 * A get that found a value must have returned the value of a put that may be the latest one it can see: a put
 * that began before the get was answered and that no successful put overwrote before the get began (one that
 * began after it was answered and was answered before the get began). With puts and gets apart in time this is
 * exactly "the value of the latest successful put before the get". A put that timed out after reaching its owner
 * (`ok: false` with an owner) may or may not have been stored, so its value is allowed but never required; a put
 * whose lookup failed stored nothing. A get that found a name no put may have stored is a violation too.
 *
 * Gets that failed or found nothing are not violations of this property: count them as losses separately (see
 * `lostItems`). The results are not trace events, so a violation's `events` is empty and its message names the
 * first wrong get in list order.
 */
export function checkGetsReturnPutValues(puts: readonly PutResult[], gets: readonly GetResult[]): CheckResult {
  const property = 'gets return the value of the latest put';
  const byName = new Map<string, PutResult[]>();
  for (const p of puts) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  for (const g of gets) {
    if (!g.ok || !g.found) continue;
    const all = byName.get(g.name) ?? [];
    const overwritten = (p: PutResult) => all.some((q) => q.ok && q.startedAtMs > p.atMs && q.atMs <= g.startedAtMs);
    const allowed = all.filter((p) => (p.ok || p.owner !== null) && p.startedAtMs <= g.atMs && !overwritten(p));
    if (allowed.some((p) => p.value === g.value)) continue;
    const where = `get of "${g.name}" at ${g.from} (${g.startedAtMs}–${g.atMs} ms) returned ${JSON.stringify(g.value)} from ${g.holder}`;
    let why: string;
    if (allowed.length === 0) why = `but "${g.name}" was never put`;
    else {
      const acked = all.filter((p) => p.ok && p.atMs <= g.startedAtMs).sort((a, b) => a.startedAtMs - b.startedAtMs);
      const latest = acked[acked.length - 1];
      why =
        latest === undefined
          ? `but no put of it had been acknowledged when the get began, and the puts it may see wrote ${allowed.map((p) => JSON.stringify(p.value)).join(', ')}`
          : `but the latest successful put before it wrote ${JSON.stringify(latest.value)} (put at ${latest.from}, acknowledged at ${latest.atMs} ms)`;
    }
    return { status: 'violation', property, failure: 'safety', message: `${where}, ${why}`, events: [] };
  }
  return { status: 'ok', property };
}

/** The first `count` ids clockwise from `key` among `sorted` ids (ascending): the key's successor and the next ones. */
function successorsOfKey(sorted: readonly number[], key: number, count: number): number[] {
  const first = sorted.indexOf(chordSuccessorOracle(sorted, key));
  const out: number[] = [];
  for (let j = 0; j < Math.min(count, sorted.length); j++) out.push(sorted[(first + j) % sorted.length] as number);
  return out;
}

/**
 * Where each item should be and where it is: for every name held by some node of `live`, the key's first R live
 * successors in ring order (`expected`, the placement rule, computed with `chordSuccessorOracle` over the live
 * ids) and those of them that hold a copy (`holding`, in the same order). Copies elsewhere are not reported: they
 * are surplus, which this layer never deletes. Names are sorted.
 */
export function replicaHolders(
  states: Record<NodeId, ChordStoreState | undefined>,
  live: readonly NodeId[],
  replicas: number,
): Record<string, { key: number; expected: NodeId[]; holding: NodeId[] }> {
  const byId = new Map(live.map((name) => [chordId(name), name]));
  const sorted = [...byId.keys()].sort((a, b) => a - b);
  const stored = new Set<string>();
  for (const name of live) for (const item of Object.keys(states[name]?.items ?? {})) stored.add(item);
  const out: Record<string, { key: number; expected: NodeId[]; holding: NodeId[] }> = {};
  for (const item of [...stored].sort()) {
    const key = chordId(item);
    const expected = successorsOfKey(sorted, key, replicas).map((id) => byId.get(id) as NodeId);
    out[item] = { key, expected, holding: expected.filter((name) => states[name]?.items[item] !== undefined) };
  }
  return out;
}

/** The `names` no node holds a copy of any more (crashed nodes' states are undefined), in the order given. */
export function lostItems(states: Record<NodeId, ChordStoreState | undefined>, names: readonly string[]): string[] {
  const held = new Set<string>();
  for (const state of Object.values(states)) for (const item of Object.keys(state?.items ?? {})) held.add(item);
  return names.filter((name) => !held.has(name));
}
