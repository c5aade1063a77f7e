/**
 * Clients of the replicated store as simulator nodes, their sessions, and the histories they record.
 *
 * A client runs a closed loop: think for a seeded while, issue one operation (a `get` or a `put` of a seeded key,
 * written values unique in the run: `c1-0`, `c1-1`, …), wait for its outcome, repeat until `stopAtMs`. It records
 * what it saw as trace `log` lines (`invoke`, then `complete` with `ok`, `fail` or `info`), and `historyOf` turns
 * them into a `History`: the clients' view, never the replicas'. Outcomes:
 *
 * - `ok`: the answer came. A `get` returns the value read (siblings joined, see `readValue`), a `put` `null`.
 * - `fail`: the coordinator refused before storing anything (a definite failure), or a read got no answer in time
 *   (a read has no effect, so calling it failed is honest), or the read rule refused.
 * - `info`: a write with no answer in time, or one the coordinator could not finish after sending its stores: it
 *   may have taken effect, now or later.
 *
 * Sessions, after Terry, Demers, Petersen, Spreitzer, Theimer and Welch (1994), "Session guarantees for weakly
 * consistent replicated data", PDIS, §3 (the guarantees) and §4 (the client keeps its read-set and write-set and
 * checks a server before using it). Here the client keeps, per key, the version it last wrote and the versions it
 * last read (Terry's sets, cut down to one key: a guarantee across keys would need whole-server version vectors,
 * which this store does not keep):
 *
 * - read your writes and monotonic reads are enforced on the read path by the `ReadRule` (see its contract): a
 *   reply that has not caught up with the session is not used; the rule asks another replica, waits, or refuses;
 * - monotonic writes and writes follow reads are enforced on the write path: a write carries, as its context, the
 *   session's last write (monotonic writes) and last read (writes follow reads) of the key, and the coordinator
 *   stamps it after them (a later timestamp, or a dominating version vector).
 *
 * With version vectors the context also holds the last read versions whatever the guarantees, as Dynamo's get
 * context does (DeCandia et al. 2007, §4.4): that is what lets a write replace the siblings it has seen.
 */
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from '../sim/types';
import type { Trace } from '../sim/trace';
import type { History, Operation, OpStatus } from './history';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput } from './data-types';
import { covers, readValue } from './store';
import type { ConflictResolution, StoreMessage, Version } from './store';
import type { SessionGuarantee } from './session';


/** What a session remembers, per key: the version of its last acknowledged write and the versions of its last read. */
export interface SessionState {
  written: Record<string, Version>;
  read: Record<string, Version[]>;
}

/** One reply to a read: which replica (the coordinator) answered, the versions it returned, and their value. */
export interface ReadReply {
  replica: NodeId;
  versions: Version[];
  value: string;
}

/**
 * What a read rule is given, each time a reply to the current read arrives.
 *
 * - `key`, `guarantees`: the read's key and the session guarantees the client asked for.
 * - `session`: the session's state before this read (see `SessionState`); `sessionFloor(input)` is what a reply
 *   must cover for the guarantees asked.
 * - `replies`: every reply to this read so far, oldest first; the newest is last.
 * - `replicas`: every replica, sorted; `asked`: the replicas asked so far for this read, in order (with repeats).
 */
export interface ReadRuleInput {
  key: string;
  guarantees: readonly SessionGuarantee[];
  session: SessionState;
  replies: readonly ReadReply[];
  replicas: readonly NodeId[];
  asked: readonly NodeId[];
}

/**
 * What a read rule decides:
 * - `{ answer: i }`: the read returns `replies[i]` (its value becomes the read's output; `i` must index a reply);
 * - `{ ask: replica, delayMs? }`: send the read to `replica` (any replica, the same one again too), after
 *   `delayMs` of the client's clock (default 0), and call the rule again when it answers;
 * - `{ refuse: reason }`: give up; the read is recorded as `fail`.
 * The client's own timeout still applies: a read not answered by then is recorded as `fail`.
 */
export type ReadChoice = { answer: number } | { ask: NodeId; delayMs?: number } | { refuse: string };

/**
 * The client's read path: a pure function from `ReadRuleInput` to `ReadChoice`, called once per reply. It must
 * not keep state of its own (everything it may use is in the input) and must return one of the three choices.
 */
export type ReadRule = (input: ReadRuleInput) => ReadChoice;

/** The versions a reply must cover under the guarantees asked: the session's write (RYW) and last read (MR). */
export function sessionFloor(input: Pick<ReadRuleInput, 'key' | 'guarantees' | 'session'>): Version[] {
  const floor: Version[] = [];
  const written = input.session.written[input.key];
  if (input.guarantees.includes('read-your-writes') && written !== undefined) floor.push(written);
  if (input.guarantees.includes('monotonic-reads')) floor.push(...(input.session.read[input.key] ?? []));
  return floor;
}

/** Whether a reply has caught up with everything in `floor`. */
export function replyCovers(reply: ReadReply, floor: readonly Version[]): boolean {
  return floor.every((v) => covers(reply.versions, v));
}

/** No guarantee: use the first reply, whatever it is. */
export const firstReply: ReadRule = () => ({ answer: 0 });

/** How many times `sessionReadRule` goes round the replicas before refusing. */
export const SESSION_READ_ROUNDS = 3;

/**
 * Terry et al. §4's check on the read path: use the newest reply that covers the session floor; otherwise ask the
 * next replica in sorted order after the last one asked (at once in the first round, 20 ms later after that,
 * giving anti-entropy time to catch up), and refuse after `SESSION_READ_ROUNDS` rounds.
 */
export const sessionReadRule: ReadRule = (input) => {
  const floor = sessionFloor(input);
  const last = input.replies.length - 1;
  if (replyCovers(input.replies[last] as ReadReply, floor)) return { answer: last };
  if (input.asked.length >= SESSION_READ_ROUNDS * input.replicas.length) return { refuse: 'no replica has caught up with this session' };
  const previous = input.replicas.indexOf(input.asked[input.asked.length - 1] as NodeId);
  const next = input.replicas[(previous + 1) % input.replicas.length] as NodeId;
  return { ask: next, delayMs: input.asked.length < input.replicas.length ? 0 : 20 };
};

/**
 * A client's workload. `keys` are chosen uniformly; a read with probability `readFraction`; think time uniform in
 * [`thinkMinMs`, `thinkMaxMs`] before each operation; `timeoutMs` per operation; no operation starts at or after
 * `stopAtMs`. Times are the client's clock (clients' clocks are never skewed).
 */
export interface Workload {
  keys: string[];
  readFraction: number;
  thinkMinMs: number;
  thinkMaxMs: number;
  timeoutMs: number;
  stopAtMs: number;
}

/**
 * One client's settings. `home` is its replica; `routing` sends each operation to `home` or to a replica chosen
 * at random (a load balancer); `readRule` is its read path (default `firstReply`, or `sessionReadRule` when the
 * runner is given read-your-writes or monotonic reads).
 */
export interface ClientConfig {
  home: NodeId;
  replicas: NodeId[];
  routing: 'home' | 'random';
  guarantees: SessionGuarantee[];
  readRule: ReadRule;
  resolve: ConflictResolution;
  workload: Workload;
}

/** The operation in flight: its number, input, the replicas asked for it and, for a read, the replies so far. */
export interface PendingOp {
  op: number;
  input: KvInput;
  asked: NodeId[];
  replies: ReadReply[];
}

export interface ClientState {
  nextOp: number;
  pending: PendingOp | null;
  session: SessionState;
  /** Per key, the versions of the last read, sent with a write as its context under version vectors. */
  readContext: Record<string, Version[]>;
}

interface Turn {
  ctx: StepContext;
  config: ClientConfig;
  out: Effect<StoreMessage>[];
}

const THINK_TIMER = 'think';
const TIMEOUT_TIMER = 'timeout';
const RETRY_TIMER = 'retry';

function think(turn: Turn): void {
  const { thinkMinMs, thinkMaxMs } = turn.config.workload;
  turn.out.push({ type: 'setTimer', name: THINK_TIMER, delayMs: thinkMinMs + turn.ctx.random.next() * (thinkMaxMs - thinkMinMs) });
}

function request(state: ClientState, to: NodeId, turn: Turn): ClientState {
  const pending = state.pending as PendingOp;
  const { input } = pending;
  let context: Version[] = [];
  if (input.f === 'put') {
    const { guarantees, resolve } = turn.config;
    if (resolve === 'version-vectors') context.push(...(state.readContext[input.key] ?? []));
    const written = state.session.written[input.key];
    if (guarantees.includes('monotonic-writes') && written !== undefined) context.push(written);
    if (guarantees.includes('writes-follow-reads')) context.push(...(state.session.read[input.key] ?? []));
    context = context.filter((v, i) => context.findIndex((u) => JSON.stringify(u) === JSON.stringify(v)) === i);
  }
  turn.out.push({ type: 'send', to, message: { type: 'request', op: pending.op, input, context } });
  return { ...state, pending: { ...pending, asked: [...pending.asked, to] } };
}

function complete(state: ClientState, status: OpStatus, turn: Turn, output?: KvOutput, note?: string): ClientState {
  const pending = state.pending as PendingOp;
  const data: Record<string, unknown> = { op: pending.op, status };
  if (status === 'ok') data.output = output;
  if (note !== undefined) data.note = note;
  turn.out.push({ type: 'log', text: 'complete', data });
  turn.out.push({ type: 'cancelTimer', name: TIMEOUT_TIMER });
  turn.out.push({ type: 'cancelTimer', name: RETRY_TIMER });
  think(turn);
  return { ...state, pending: null };
}

function startOperation(state: ClientState, turn: Turn): ClientState {
  const { ctx, config } = turn;
  const w = config.workload;
  if (ctx.nowMs >= w.stopAtMs) return state;
  const key = ctx.random.pick(w.keys);
  const op = state.nextOp;
  const input: KvInput = ctx.random.chance(w.readFraction) ? { f: 'get', key } : { f: 'put', key, value: `${ctx.id}-${op}` };
  const target = config.routing === 'home' ? config.home : ctx.random.pick(config.replicas);
  turn.out.push({ type: 'log', text: 'invoke', data: { op, input } });
  turn.out.push({ type: 'setTimer', name: TIMEOUT_TIMER, delayMs: w.timeoutMs, payload: op });
  return request({ ...state, nextOp: op + 1, pending: { op, input, asked: [], replies: [] } }, target, turn);
}

function onReadReply(state: ClientState, reply: ReadReply, turn: Turn): ClientState {
  const pending = state.pending as PendingOp;
  const key = pending.input.key;
  const replies = [...pending.replies, reply];
  const next: ClientState = { ...state, pending: { ...pending, replies } };
  const choice = turn.config.readRule({ key, guarantees: turn.config.guarantees, session: state.session, replies, replicas: turn.config.replicas, asked: pending.asked });
  if (choice !== null && typeof choice === 'object' && 'answer' in choice) {
    const chosen = replies[choice.answer];
    if (!Number.isInteger(choice.answer) || chosen === undefined) {
      throw new Error(`the read rule answered reply ${String(choice.answer)}, but there are ${replies.length} replies (indices 0 to ${replies.length - 1})`);
    }
    const session = { ...state.session, read: { ...state.session.read, [key]: chosen.versions } };
    return complete({ ...next, session, readContext: { ...state.readContext, [key]: chosen.versions } }, 'ok', turn, chosen.value);
  }
  if (choice !== null && typeof choice === 'object' && 'ask' in choice) {
    if (!turn.config.replicas.includes(choice.ask)) {
      throw new Error(`the read rule asked ${JSON.stringify(choice.ask)}, which is not a replica (replicas: ${turn.config.replicas.join(', ')})`);
    }
    const delayMs = choice.delayMs ?? 0;
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new Error(`the read rule's delayMs must be a non-negative number (got ${String(delayMs)})`);
    if (delayMs === 0) return request(next, choice.ask, turn);
    turn.out.push({ type: 'setTimer', name: RETRY_TIMER, delayMs, payload: { op: pending.op, to: choice.ask } });
    return next;
  }
  if (choice !== null && typeof choice === 'object' && 'refuse' in choice) return complete(next, 'fail', turn, undefined, String(choice.refuse));
  throw new Error(`a read rule must return { answer }, { ask } or { refuse } (got ${JSON.stringify(choice)})`);
}

function step(state: ClientState, input: Input<StoreMessage>, turn: Turn): ClientState {
  switch (input.type) {
    case 'start':
      think(turn);
      return state;
    case 'request':
      return state;
    case 'timer': {
      const pending = state.pending;
      if (input.name === THINK_TIMER) return pending === null ? startOperation(state, turn) : state;
      if (input.name === TIMEOUT_TIMER && pending !== null && input.payload === pending.op) {
        return complete(state, pending.input.f === 'get' ? 'fail' : 'info', turn, undefined, 'timed out');
      }
      const retry = input.payload as { op: number; to: NodeId } | undefined;
      if (input.name === RETRY_TIMER && pending !== null && retry?.op === pending.op) return request(state, retry.to, turn);
      return state;
    }
    case 'message': {
      const m = input.message;
      const pending = state.pending;
      if (m.type !== 'response' || pending === null || m.op !== pending.op) return state; // late answers are ignored
      if (!m.ok) {
        if (pending.input.f === 'get') return complete(state, 'fail', turn, undefined, m.reason);
        return complete(state, m.definite ? 'fail' : 'info', turn, undefined, m.reason);
      }
      if (pending.input.f === 'get') return onReadReply(state, { replica: input.from, versions: m.versions, value: readValue(m.versions) }, turn);
      const version = m.versions[0] as Version;
      const session = { ...state.session, written: { ...state.session.written, [pending.input.key]: version } };
      return complete({ ...state, session }, 'ok', turn, null);
    }
  }
}

/**
 * A client node. Log lines: `invoke` with `{ op, input }` when it issues operation number `op`, and `complete`
 * with `{ op, status, output?, note? }` when it learns (or gives up on) the outcome; `historyOf` reads them.
 * A read rule that breaks its contract (an index with no reply, a replica that does not exist) stops the run with
 * a `NodeError` naming the client.
 */
export function storeClient(config: ClientConfig): NodeBehavior<ClientState, StoreMessage> {
  return {
    init: () => ({ nextOp: 0, pending: null, session: { written: {}, read: {} }, readContext: {} }),
    step(state, input, ctx) {
      const turn: Turn = { ctx, config, out: [] };
      return { state: step(state, input, turn), effects: turn.out };
    },
  };
}

/** The history process of a client after `k` indeterminate operations: `c1`, then `c1~1`, `c1~2`, … */
export function processName(client: NodeId, k: number): string {
  return k === 0 ? client : `${client}~${k}`;
}

/** The client node behind a history process (`c1~2` → `c1`). */
export function clientOfProcess(process: string): NodeId {
  const at = process.indexOf('~');
  return at < 0 ? process : process.slice(0, at);
}

/**
 * The history the clients recorded in a trace, ids 0, 1, 2, … in invocation order, times in global ms.
 * An operation still open at the end of the trace is `info`.
 *
 * After an `info` operation the client goes on under a new process name (`processName`), as Jepsen does: the
 * indeterminate write may take effect after the client's next operations, so keeping one name would claim a
 * session order the store never promised. A process's operations therefore never overlap, as `Operation` says.
 */
export function historyOf(trace: Trace): History<KvInput, KvOutput> {
  const history: Operation<KvInput, KvOutput>[] = [];
  const open = new Map<string, Operation<KvInput, KvOutput>>();
  const infos = new Map<NodeId, number>();
  for (const e of trace.events) {
    if (e.kind !== 'log' || (e.text !== 'invoke' && e.text !== 'complete')) continue;
    const data = e.data as { op: number; input?: KvInput; status?: OpStatus; output?: KvOutput };
    const slot = `${e.node}#${data.op}`;
    if (e.text === 'invoke') {
      const op: Operation<KvInput, KvOutput> = {
        id: history.length,
        client: processName(e.node, infos.get(e.node) ?? 0),
        input: data.input as KvInput,
        status: 'info',
        invokeMs: e.t,
      };
      history.push(op);
      open.set(slot, op);
      continue;
    }
    const op = open.get(slot);
    if (op === undefined) continue;
    open.delete(slot);
    op.status = data.status as OpStatus;
    if (op.status === 'info') {
      infos.set(e.node, (infos.get(e.node) ?? 0) + 1);
      continue;
    }
    op.returnMs = e.t;
    if (op.status === 'ok') op.output = data.output ?? null;
  }
  return history;
}

/**
 * The operations on one key as a register history (for the register checkers): a get is a read (the missing
 * key's `''` becomes the register's unset `null`), a put a write. Ids, processes and times are kept.
 */
export function registerHistoryOf(history: History<KvInput, KvOutput>, key: string): History<RegisterInput, RegisterOutput> {
  return history
    .filter((op) => op.input.f !== 'append' && op.input.key === key)
    .map((op) => {
      const input: RegisterInput = op.input.f === 'get' ? { f: 'read' } : { f: 'write', value: (op.input as { value: string }).value };
      const out: Operation<RegisterInput, RegisterOutput> = { id: op.id, client: op.client, input, status: op.status, invokeMs: op.invokeMs };
      if (op.returnMs !== undefined) out.returnMs = op.returnMs;
      if (op.status === 'ok') out.output = op.input.f === 'get' ? (op.output === '' ? null : (op.output ?? null)) : null;
      return out;
    });
}
