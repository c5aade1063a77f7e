/**
 * A replicated key-value store as pure replica nodes for the simulator, with three behaviours under partition.
 *
 * Every replica keeps, per key, a list of versions (one for timestamps, possibly several concurrent siblings with
 * version vectors) and can coordinate a client's request. How it coordinates is the run's `mode`, which selects a
 * handler table (`coordinators[mode]`), as a Raft node's role selects its handlers:
 *
 * - `cp`: the two-phase multi-writer register of Lynch and Shvartsman (1997), "Robust emulation of shared memory
 *   using dynamic quorum-acknowledged broadcasts", FTCS-27, here over one fixed majority configuration. It extends
 *   Attiya, Bar-Noy and Dolev (1995), "Sharing memory robustly in message-passing systems", JACM 42(1), whose
 *   register has a single writer, to many writers by adding a query phase to the write. A write asks every replica
 *   for its version of the key, waits for a majority, picks a timestamp one above the highest it saw and stores it
 *   at a majority before answering. A read asks a majority for their versions, writes the highest back to a
 *   majority, then answers it. Lynch and Shvartsman's tags are (sequence number, writer id), and what matters is
 *   that no two writes share one; here a replica coordinates writes for any number of clients, several at once, and
 *   two of them may see the same highest timestamp, so a write's stamp is (timestamp, coordinator id, the
 *   coordinator's count of writes it has stamped). With (timestamp, coordinator) alone two such writes would tie:
 *   each replica would keep whichever reached it first, and the replicas would disagree for ever. Why this is
 *   linearizable: any two majorities intersect, so a write that completed left its stamp on a replica in the
 *   majority every later operation asks; a later write therefore picks a higher stamp, and a later read sees a
 *   stamp at least as high. The write-back makes a read's value complete before the read answers, so a read that
 *   follows it cannot see an older value (without it, two reads could see new-then-old during a write). The order
 *   of stamps (then the completion order of reads) is a linearization. A coordinator that cannot gather a
 *   majority within `quorumTimeoutMs` gives up honestly: a definite failure if it has stored nothing (every read,
 *   and a write still asking for timestamps), an indeterminate one for a write whose stores went out.
 * - `ap`: the replica a client asks applies the request at once and answers from its own copy; it sends each write
 *   to every other replica without waiting, and every `antiEntropyMs` exchanges its whole store with one peer
 *   chosen by `ctx.random` (push-pull), so replicas converge after a partition heals. Always available, never
 *   linearizable under partition.
 * - `dynamo`: DeCandia et al. (2007), "Dynamo: Amazon's highly available key-value store", SOSP, §4.5. A key
 *   lives on the N replicas of its preference list (the first N replicas from the key's hash, in ring order). The
 *   coordinator sends a write to all N and answers after W acknowledgements, and a read to all N and answers after
 *   R replies with the newest versions among them. With R + W > N every read quorum meets every write quorum. With
 *   `readRepair`, replicas that answered a read with older versions are sent the newer ones (§5). Dynamo's sloppy
 *   quorums and hinted handoff (§4.6) are left out: a partition simply keeps a coordinator short of replies.
 *
 * Conflicts (`ap` and `dynamo`): `lww` stamps a write with the coordinator's own clock (`ctx.nowMs`, ties broken by
 * node id, then by the coordinator's count of stamped writes, since one coordinator can stamp two writes in the
 * same instant) and keeps the highest stamp, so a replica whose clock is behind loses writes that came after others
 * in real time (see the chapter on clocks). `version-vectors` stamps a write with a version vector that dominates
 * the versions the client says it has seen (its context, from its last read: Dynamo §4.4); versions that neither
 * dominates stay side by side as siblings, and a read returns them all. A replica's own counter only grows; a
 * restart without durable state would reset it, and the store's runs do not restart replicas.
 */
import { roundMs } from '../sim/network';
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from '../sim/types';
import type { KvInput } from './data-types';

export type StoreMode = 'cp' | 'ap' | 'dynamo';
export const STORE_MODES: readonly StoreMode[] = ['cp', 'ap', 'dynamo'];

export type ConflictResolution = 'lww' | 'version-vectors';
export const CONFLICT_RESOLUTIONS: readonly ConflictResolution[] = ['lww', 'version-vectors'];

/** A version vector: how many writes each coordinator has stamped (Dynamo §4.4's vector clock). */
export type VersionVector = Record<NodeId, number>;

/**
 * One stored value with its stamp. Timestamps order versions lexicographically by (`time`, `node`, `seq`): `time`
 * is the `cp` timestamp (a counter) or, under `lww`, the coordinator's clock reading in ms; `node` is the
 * coordinator that stamped the write and `seq` its count of writes stamped so far, this one included, so every
 * write the store stamps has a stamp of its own and two different writes never compare `equal`. When `vv` is
 * present (`version-vectors`), it alone orders versions and `time` is only the coordinator's clock, for figures.
 * `seq` is optional only so that a hand-written version (a test, an exercise) may leave it out; it then counts as
 * 0, and `compareVersions` falls back to the values to keep distinct versions apart.
 */
export interface Version {
  value: string;
  time: number;
  node: NodeId;
  seq?: number;
  vv?: VersionVector;
}

export type VersionOrder = 'before' | 'after' | 'equal' | 'concurrent';

function compareVectors(a: VersionVector, b: VersionVector): VersionOrder {
  let less = false;
  let more = false;
  for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[id] ?? 0;
    const y = b[id] ?? 0;
    if (x < y) less = true;
    else if (x > y) more = true;
  }
  return less && more ? 'concurrent' : less ? 'before' : more ? 'after' : 'equal';
}

/**
 * How `a` relates to `b`: `after` means `a` supersedes `b`. Timestamps are totally ordered by (time, node, seq);
 * vectors partially. `equal` means the same write: versions the store stamps never tie otherwise, and for
 * hand-written ones that do, the value decides (timestamps), or the two stay side by side (`concurrent`, equal
 * vectors), so a merge never drops a different value as a duplicate.
 */
export function compareVersions(a: Version, b: Version): VersionOrder {
  if (a.vv !== undefined && b.vv !== undefined) {
    const order = compareVectors(a.vv, b.vv);
    return order === 'equal' && a.value !== b.value ? 'concurrent' : order;
  }
  if (a.time !== b.time) return a.time < b.time ? 'before' : 'after';
  if (a.node !== b.node) return a.node < b.node ? 'before' : 'after';
  const [x, y] = [a.seq ?? 0, b.seq ?? 0];
  if (x !== y) return x < y ? 'before' : 'after';
  if (a.value !== b.value) return a.value < b.value ? 'before' : 'after';
  return 'equal';
}

/**
 * The versions to keep when `incoming` meets `existing`: every version that no other version supersedes, once
 * each, sorted by value (so equal sets have equal JSON). With timestamps that is the single highest.
 */
export function mergeVersions(existing: readonly Version[], incoming: readonly Version[]): Version[] {
  const kept: Version[] = [];
  for (const v of [...existing, ...incoming]) {
    if (kept.some((k) => { const o = compareVersions(k, v); return o === 'after' || o === 'equal'; })) continue;
    for (let i = kept.length - 1; i >= 0; i--) if (compareVersions(v, kept[i] as Version) === 'after') kept.splice(i, 1);
    kept.push(v);
  }
  return kept.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** Whether some version in `versions` is `v` or supersedes it: the reply has caught up with `v`. */
export function covers(versions: readonly Version[], v: Version): boolean {
  return versions.some((x) => { const o = compareVersions(x, v); return o === 'after' || o === 'equal'; });
}

/** Siblings are joined with this in a read's value, in value order: `c1-3|c2-5`. */
export const SIBLING_SEPARATOR = '|';

/** What a read of these versions returns: `''` for none (a missing key), siblings joined in value order. */
export function readValue(versions: readonly Version[]): string {
  return versions.map((v) => v.value).sort().join(SIBLING_SEPARATOR);
}

/** FNV-1a of a key, the position on the ring; only the order it gives matters. */
function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Dynamo's preference list (§4.3): `n` replicas, starting at the key's hash modulo the count, in ring order. */
export function preferenceList(key: string, replicas: readonly NodeId[], n: number): NodeId[] {
  const start = keyHash(key) % replicas.length;
  return Array.from({ length: Math.min(n, replicas.length) }, (_, i) => replicas[(start + i) % replicas.length] as NodeId);
}

/**
 * Messages. Clients and coordinators: `request` carries the client's operation number and its context (versions
 * the write must supersede); `response` answers it, with the versions read or the version written, or a failure
 * that is `definite` when nothing was stored. Coordinators and replicas: `query` asks for a key's versions
 * (`queryReply`), `store` merges versions into a replica, acknowledged with `storeAck` unless `round` is null
 * (asynchronous replication and read repair). `sync` is anti-entropy: the sender's whole store; `reply` asks the
 * receiver to send its merged store back.
 */
export type StoreMessage =
  | { type: 'request'; op: number; input: KvInput; context: Version[] }
  | { type: 'response'; op: number; ok: true; versions: Version[] }
  | { type: 'response'; op: number; ok: false; definite: boolean; reason: string }
  | { type: 'query'; round: number; key: string }
  | { type: 'queryReply'; round: number; versions: Version[] }
  | { type: 'store'; round: number | null; key: string; versions: Version[] }
  | { type: 'storeAck'; round: number }
  | { type: 'sync'; data: Record<string, Version[]>; reply: boolean };

/**
 * One request a replica is coordinating. `targets` are asked, `needed` replies (phase `query`) or acknowledgements
 * (phase `store`) complete the phase; `replies` and `acks` hold what came back; `chosen` is what will be answered.
 */
export interface Round {
  client: NodeId;
  op: number;
  input: KvInput;
  phase: 'query' | 'store';
  targets: NodeId[];
  needed: number;
  replies: Record<NodeId, Version[]>;
  acks: NodeId[];
  chosen: Version[];
  answered: boolean;
}

/**
 * A replica's state: its data, its count of the writes it has stamped (`counter`: each write's `seq`, and its own
 * entry in version vectors), and the rounds it coordinates.
 */
export interface ReplicaState {
  data: Record<string, Version[]>;
  counter: number;
  nextRound: number;
  rounds: Record<number, Round>;
}

/**
 * A replica's settings, the same on every replica of a run (`runStore` fills and checks them).
 *
 * - `replicas`: every replica id, sorted (clients are nodes too, so `ctx.peers` is not the replica set).
 * - `n`, `r`, `w`: `dynamo` quorums (1 ≤ r, w ≤ n ≤ replicas); `readRepair` for `dynamo` reads.
 * - `antiEntropyMs`: period of anti-entropy, or null for none (`ap` and `dynamo`).
 * - `quorumTimeoutMs`: how long a `cp` or `dynamo` coordinator waits for its quorum before giving up.
 * - `readWriteBack`: whether a `cp` read writes the value it found back to a majority before answering (ABD's
 *   second phase). Only a lab turns it off, to show why it is there: without it a read can return a value that a
 *   write in progress has left on a minority, and a later read that asks another majority returns the older value,
 *   a new-old inversion no linearization allows.
 */
export interface ReplicaConfig {
  mode: StoreMode;
  resolve: ConflictResolution;
  replicas: NodeId[];
  n: number;
  r: number;
  w: number;
  readRepair: boolean;
  antiEntropyMs: number | null;
  quorumTimeoutMs: number;
  readWriteBack: boolean;
}

interface Turn {
  ctx: StepContext;
  config: ReplicaConfig;
  out: Effect<StoreMessage>[];
}

const ANTI_ENTROPY_TIMER = 'anti-entropy';
const ROUND_TIMER = 'round:';

function send(turn: Turn, to: NodeId, message: StoreMessage): void {
  turn.out.push({ type: 'send', to, message });
}

function answer(turn: Turn, round: Round, ok: boolean, detail: { versions?: Version[]; definite?: boolean; reason?: string }): void {
  const message: StoreMessage = ok
    ? { type: 'response', op: round.op, ok: true, versions: detail.versions ?? [] }
    : { type: 'response', op: round.op, ok: false, definite: detail.definite ?? true, reason: detail.reason ?? '' };
  send(turn, round.client, message);
}

function withRound(state: ReplicaState, id: number, round: Round | null): ReplicaState {
  const rounds = { ...state.rounds };
  if (round === null) delete rounds[id];
  else rounds[id] = round;
  return { ...state, rounds };
}

function storeLocally(state: ReplicaState, key: string, versions: readonly Version[]): ReplicaState {
  return { ...state, data: { ...state.data, [key]: mergeVersions(state.data[key] ?? [], versions) } };
}

/**
 * A new version of `value` stamped by this coordinator, superseding every version in `context`. With timestamps it
 * reads the coordinator's clock, pushed just past the context's highest stamp if the clock is behind it (so a
 * session's monotonic writes survive a slow clock); two writes stamped in the same instant, or pushed to the same
 * point, are told apart by `seq`. The stamp is logged (`stamp`) as the write's arbitration, for the lost-writes
 * metric.
 */
function stampWrite(state: ReplicaState, key: string, value: string, context: readonly Version[], turn: Turn): { state: ReplicaState; version: Version } {
  const { ctx, config } = turn;
  if (config.resolve === 'version-vectors' && config.mode !== 'cp') {
    const vv: VersionVector = {};
    for (const c of context) for (const [id, k] of Object.entries(c.vv ?? {})) vv[id] = Math.max(vv[id] ?? 0, k);
    const counter = Math.max(state.counter, vv[ctx.id] ?? 0) + 1;
    vv[ctx.id] = counter;
    return logStamp({ ...state, counter }, key, { value, time: roundMs(ctx.nowMs), node: ctx.id, seq: counter, vv }, turn);
  }
  const floor = Math.max(-Infinity, ...context.map((c) => c.time));
  return logStamp({ ...state, counter: state.counter + 1 }, key, { value, time: roundMs(Math.max(ctx.nowMs, floor + 0.001)), node: ctx.id, seq: state.counter + 1 }, turn);
}

function logStamp(state: ReplicaState, key: string, version: Version, turn: Turn): { state: ReplicaState; version: Version } {
  turn.out.push({ type: 'log', text: 'stamp', data: { key, ...version } });
  return { state, version };
}

function openRound(state: ReplicaState, round: Round, turn: Turn): ReplicaState {
  const id = state.nextRound;
  const message: StoreMessage =
    round.phase === 'query' ? { type: 'query', round: id, key: round.input.key } : { type: 'store', round: id, key: round.input.key, versions: round.chosen };
  for (const to of round.targets) send(turn, to, message);
  turn.out.push({ type: 'setTimer', name: `${ROUND_TIMER}${id}`, delayMs: turn.config.quorumTimeoutMs, payload: id });
  return withRound({ ...state, nextRound: id + 1 }, id, round);
}

function majority(config: ReplicaConfig): number {
  return Math.floor(config.replicas.length / 2) + 1;
}

/** What a mode does with a client's request, the replies to its rounds, and a round that ran out of time. */
interface CoordinatorHandlers {
  request(state: ReplicaState, client: NodeId, m: Extract<StoreMessage, { type: 'request' }>, turn: Turn): ReplicaState;
  queryReply(state: ReplicaState, id: number, round: Round, from: NodeId, versions: Version[], turn: Turn): ReplicaState;
  storeAck(state: ReplicaState, id: number, round: Round, from: NodeId, turn: Turn): ReplicaState;
  timeout(state: ReplicaState, id: number, round: Round, turn: Turn): ReplicaState;
}

function newRound(client: NodeId, op: number, input: KvInput, phase: Round['phase'], targets: NodeId[], needed: number, chosen: Version[] = []): Round {
  return { client, op, input, phase, targets, needed, replies: {}, acks: [], chosen, answered: false };
}

// ---- cp: ABD over every replica. ---------------------------------------------------------------------------------

const cp: CoordinatorHandlers = {
  request(state, client, m, turn) {
    return openRound(state, newRound(client, m.op, m.input, 'query', turn.config.replicas, majority(turn.config)), turn);
  },
  queryReply(state, id, round, from, versions, turn) {
    if (round.phase !== 'query' || from in round.replies) return state;
    const replies = { ...round.replies, [from]: versions };
    if (Object.keys(replies).length < round.needed) return withRound(state, id, { ...round, replies });
    const highest = mergeVersions([], Object.values(replies).flat());
    let next = withRound(state, id, null);
    turn.out.push({ type: 'cancelTimer', name: `${ROUND_TIMER}${id}` });
    if (round.input.f === 'get') {
      // Nothing at a majority means no write has completed: the empty value is safe to answer without a write-back.
      if (highest.length === 0 || !turn.config.readWriteBack) {
        answer(turn, round, true, { versions: highest });
        return next;
      }
      return openRound(next, { ...round, replies, phase: 'store', chosen: highest }, turn);
    }
    // The write's stamp: one more than the highest timestamp a majority holds, then this coordinator's id and its
    // count of stamped writes, so a write it coordinates at the same time for another client cannot tie with it.
    const value = round.input.f === 'put' ? round.input.value : '';
    const seq = state.counter + 1;
    const stamped = logStamp({ ...next, counter: seq }, round.input.key, { value, time: (highest[0]?.time ?? 0) + 1, node: turn.ctx.id, seq }, turn);
    return openRound(stamped.state, { ...round, replies, phase: 'store', chosen: [stamped.version] }, turn);
  },
  storeAck(state, id, round, from, turn) {
    if (round.phase !== 'store' || round.acks.includes(from)) return state;
    const acks = [...round.acks, from];
    if (acks.length < round.needed) return withRound(state, id, { ...round, acks });
    turn.out.push({ type: 'cancelTimer', name: `${ROUND_TIMER}${id}` });
    answer(turn, round, true, { versions: round.chosen });
    return withRound(state, id, null);
  },
  timeout(state, id, round, turn) {
    // A read changes nothing (its write-back only spreads a value already written), so its failure is definite;
    // so is a write's while it is still asking for timestamps. A write whose stores went out may have taken effect.
    const definite = round.input.f === 'get' || round.phase === 'query';
    const reason = round.phase === 'query' ? 'no majority answered: nothing was written' : 'no majority acknowledged the store';
    answer(turn, round, false, { definite, reason });
    return withRound(state, id, null);
  },
};

// ---- ap: answer locally, replicate in the background. ------------------------------------------------------------

const ap: CoordinatorHandlers = {
  request(state, client, m, turn) {
    const key = m.input.key;
    if (m.input.f === 'get') {
      send(turn, client, { type: 'response', op: m.op, ok: true, versions: state.data[key] ?? [] });
      return state;
    }
    const stamped = stampWrite(state, key, m.input.value, m.context, turn);
    const next = storeLocally(stamped.state, key, [stamped.version]);
    for (const to of turn.config.replicas) if (to !== turn.ctx.id) send(turn, to, { type: 'store', round: null, key, versions: [stamped.version] });
    send(turn, client, { type: 'response', op: m.op, ok: true, versions: [stamped.version] });
    return next;
  },
  queryReply: (state) => state,
  storeAck: (state) => state,
  timeout: (state, id) => withRound(state, id, null),
};

// ---- dynamo: N replicas, R replies, W acknowledgements. ----------------------------------------------------------

function repair(turn: Turn, round: Round, to: NodeId, theirs: readonly Version[]): void {
  if (!turn.config.readRepair || round.chosen.every((v) => covers(theirs, v))) return;
  send(turn, to, { type: 'store', round: null, key: round.input.key, versions: round.chosen });
}

const dynamo: CoordinatorHandlers = {
  request(state, client, m, turn) {
    const { config } = turn;
    const targets = preferenceList(m.input.key, config.replicas, config.n);
    if (m.input.f === 'get') return openRound(state, newRound(client, m.op, m.input, 'query', targets, config.r), turn);
    const stamped = stampWrite(state, m.input.key, m.input.value, m.context, turn);
    return openRound(stamped.state, newRound(client, m.op, m.input, 'store', targets, config.w, [stamped.version]), turn);
  },
  queryReply(state, id, round, from, versions, turn) {
    if (round.phase !== 'query' || from in round.replies) return state;
    let next: Round = { ...round, replies: { ...round.replies, [from]: versions } };
    const count = Object.keys(next.replies).length;
    if (!next.answered && count >= next.needed) {
      next = { ...next, answered: true, chosen: mergeVersions([], Object.values(next.replies).flat()) };
      answer(turn, next, true, { versions: next.chosen });
      for (const [to, theirs] of Object.entries(next.replies)) repair(turn, next, to, theirs);
    } else if (next.answered) {
      repair(turn, next, from, versions); // a reply after the answer: repair it too
    }
    if (count < next.targets.length) return withRound(state, id, next);
    turn.out.push({ type: 'cancelTimer', name: `${ROUND_TIMER}${id}` });
    return withRound(state, id, null);
  },
  storeAck(state, id, round, from, turn) {
    if (round.phase !== 'store' || round.acks.includes(from)) return state;
    let next: Round = { ...round, acks: [...round.acks, from] };
    if (!next.answered && next.acks.length >= next.needed) {
      next = { ...next, answered: true };
      answer(turn, next, true, { versions: next.chosen });
    }
    if (next.acks.length < next.targets.length) return withRound(state, id, next);
    turn.out.push({ type: 'cancelTimer', name: `${ROUND_TIMER}${id}` });
    return withRound(state, id, null);
  },
  timeout(state, id, round, turn) {
    if (!round.answered) {
      // The stores went out with the request, so a write short of W acknowledgements may still have taken effect.
      const reason = round.input.f === 'get' ? `fewer than R = ${turn.config.r} replicas answered` : `fewer than W = ${turn.config.w} replicas acknowledged`;
      answer(turn, round, false, { definite: round.input.f === 'get', reason });
    }
    return withRound(state, id, null);
  },
};

/** The coordinator's handler table for each mode. */
export const coordinators: Record<StoreMode, CoordinatorHandlers> = { cp, ap, dynamo };

function mergeData(data: Record<string, Version[]>, incoming: Record<string, Version[]>): Record<string, Version[]> {
  const out = { ...data };
  for (const [key, versions] of Object.entries(incoming)) out[key] = mergeVersions(out[key] ?? [], versions);
  return out;
}

function step(state: ReplicaState, input: Input<StoreMessage>, turn: Turn): ReplicaState {
  const { config, ctx } = turn;
  const handlers = coordinators[config.mode];
  switch (input.type) {
    case 'start':
      if (config.antiEntropyMs !== null) turn.out.push({ type: 'setTimer', name: ANTI_ENTROPY_TIMER, delayMs: config.antiEntropyMs });
      return state;
    case 'request':
      return state; // clients talk to replicas by message, never through injected requests
    case 'timer': {
      if (input.name === ANTI_ENTROPY_TIMER) {
        const peers = config.replicas.filter((id) => id !== ctx.id);
        if (peers.length > 0) send(turn, ctx.random.pick(peers), { type: 'sync', data: state.data, reply: true });
        turn.out.push({ type: 'setTimer', name: ANTI_ENTROPY_TIMER, delayMs: config.antiEntropyMs as number });
        return state;
      }
      const id = input.payload as number;
      const round = state.rounds[id];
      return round === undefined ? state : handlers.timeout(state, id, round, turn);
    }
    case 'message': {
      const { from, message: m } = input;
      switch (m.type) {
        case 'request':
          if (m.input.f === 'append') {
            send(turn, from, { type: 'response', op: m.op, ok: false, definite: true, reason: 'this store has no append' });
            return state;
          }
          return handlers.request(state, from, m, turn);
        case 'query':
          send(turn, from, { type: 'queryReply', round: m.round, versions: state.data[m.key] ?? [] });
          return state;
        case 'store':
          if (m.round !== null) send(turn, from, { type: 'storeAck', round: m.round });
          return storeLocally(state, m.key, m.versions);
        case 'sync': {
          const data = mergeData(state.data, m.data);
          if (m.reply) send(turn, from, { type: 'sync', data, reply: false });
          return { ...state, data };
        }
        case 'queryReply': {
          const round = state.rounds[m.round];
          return round === undefined ? state : handlers.queryReply(state, m.round, round, from, m.versions, turn);
        }
        case 'storeAck': {
          const round = state.rounds[m.round];
          return round === undefined ? state : handlers.storeAck(state, m.round, round, from, turn);
        }
        default:
          return state; // a response is for clients; a replica never gets one
      }
    }
  }
}

/**
 * A replica of the store. Log lines: `stamp` with `{ key, value, time, node, seq, vv? }` each time it stamps a write
 * (the write's place in the store's arbitration order). Its state is plain JSON, so traces can record it.
 */
export function storeReplica(config: ReplicaConfig): NodeBehavior<ReplicaState, StoreMessage> {
  return {
    init: () => ({ data: {}, counter: 0, nextRound: 0, rounds: {} }),
    step(state, input, ctx) {
      const turn: Turn = { ctx, config, out: [] };
      return { state: step(state, input, turn), effects: turn.out };
    },
  };
}
