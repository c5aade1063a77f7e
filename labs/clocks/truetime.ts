/**
 * TrueTime and commit wait: external consistency from clocks whose error is bounded and known.
 *
 * James C. Corbett et al., "Spanner: Google's Globally-Distributed Database", OSDI 2012. §3: TT.now() returns an
 * interval [earliest, latest] guaranteed to contain the absolute time at which it was called, of half-width ε.
 * §4.1.2: a read-write transaction's coordinator picks commit timestamp s = TT.now().latest, then waits until
 * TT.after(s), i.e. TT.now().earliest > s, before it lets anyone see the commit (commit wait). Hence s lies
 * in the past of the commit's visibility, and any transaction that starts later gets a larger timestamp: external
 * consistency, "if the start of a transaction T2 occurs after the commit of a transaction T1, then the commit
 * timestamp of T2 must be greater than the commit timestamp of T1". The wait costs about 2ε per commit.
 *
 * The model: a client sends transactions one after another, alternating between servers `a` and `b` (txn 1 to a,
 * txn 2 to b, ...), and starts the next when it gets the reply to the last. Each server's clock has a constant
 * offset (by default a is 0.8ε ahead and b 0.8ε behind), and TrueTime on a server is its own clock ± ε, which is
 * truthful as long as |offset| ≤ ε, the model's assumption. There is no Paxos, no locking and no data: only the
 * timestamps, which is all that external consistency is about. The client's clock is perfect, so its view of when
 * a transaction started and ended is global time, as the outside observer of the definition needs.
 */
import type { CheckResult } from '../sim/check';
import { simulate } from '../sim/simulation';
import { eventsOfKind, formatMs } from '../sim/trace';
import type { Latency } from '../sim/network';
import type { Trace, TraceEvent } from '../sim/trace';
import type { Effect, NodeBehavior, NodeId } from '../sim/types';

/** A TrueTime interval (Spanner §3, TTinterval): the absolute time is somewhere in [earliest, latest]. */
export interface TTInterval {
  earliest: number;
  latest: number;
}

/** TT.now() on a node whose clock reads `physicalMs` and whose error bound is ε: [pt − ε, pt + ε]. */
export function ttNow(physicalMs: number, epsilonMs: number): TTInterval {
  return { earliest: physicalMs - epsilonMs, latest: physicalMs + epsilonMs };
}

/**
 * How far past TT.after(s) a commit-waiting server sets its timer, in ms. TT.after needs earliest > s strictly,
 * and a timer of exactly s − earliest lands on equality (or a rounding error short of it), so the server waits
 * one microsecond more, then checks again, as Spanner's coordinator does.
 */
export const COMMIT_WAIT_MARGIN_MS = 0.001;

export type TrueTimeMessage = { type: 'commit-request'; txn: number } | { type: 'commit-reply'; txn: number; commitTs: number };

export interface TrueTimeClientState {
  role: 'client';
  /** The transaction waiting for its reply (the client runs one at a time). */
  txn: number;
}

export interface TrueTimeServerState {
  role: 'server';
  committed: number;
}

export type TrueTimeState = TrueTimeClientState | TrueTimeServerState;

/** Transaction `txn` (from 1) goes to a for odd numbers and to b for even ones. */
export function serverFor(txn: number): NodeId {
  return txn % 2 === 1 ? 'a' : 'b';
}

/** The client: starts transaction 1 at time 0 and each next one when the last is acknowledged; logs 'commit'. */
export function trueTimeClient(transactions: number): NodeBehavior<TrueTimeState, TrueTimeMessage> {
  const request = (txn: number): Effect<TrueTimeMessage> => ({
    type: 'send',
    to: serverFor(txn),
    message: { type: 'commit-request', txn },
  });
  return {
    init: () => ({ role: 'client', txn: 1 }),
    step(state, input) {
      if (state.role !== 'client') throw new Error('trueTimeClient given a server state');
      if (input.type === 'start') return { state, effects: transactions > 0 ? [request(1)] : [] };
      if (input.type !== 'message' || input.message.type !== 'commit-reply' || input.message.txn !== state.txn) return { state };
      const { txn, commitTs } = input.message;
      const next = txn + 1;
      return {
        state: { ...state, txn: next },
        effects: [
          { type: 'log', text: 'commit', data: { txn, node: input.from, commitTs } },
          ...(next <= transactions ? [request(next)] : []),
        ],
      };
    },
  };
}

/**
 * A server: assigns s = TT.now().latest on arrival; with `commitWait` it replies only once TT.now().earliest > s
 * (on a timer, re-armed if its clock says the moment has not come), without it at once.
 */
export function trueTimeServer(epsilonMs: number, commitWait: boolean): NodeBehavior<TrueTimeState, TrueTimeMessage> {
  type Waiting = { to: NodeId; txn: number; commitTs: number };
  const reply = (w: Waiting): Effect<TrueTimeMessage> => ({
    type: 'send',
    to: w.to,
    message: { type: 'commit-reply', txn: w.txn, commitTs: w.commitTs },
  });
  const wait = (w: Waiting, nowMs: number): Effect<TrueTimeMessage> => ({
    type: 'setTimer',
    name: `commit-wait ${w.txn}`,
    delayMs: Math.max(0, w.commitTs - ttNow(nowMs, epsilonMs).earliest) + COMMIT_WAIT_MARGIN_MS,
    payload: w,
  });
  return {
    init: () => ({ role: 'server', committed: 0 }),
    step(state, input, ctx) {
      if (state.role !== 'server') throw new Error('trueTimeServer given a client state');
      if (input.type === 'message' && input.message.type === 'commit-request') {
        const w = { to: input.from, txn: input.message.txn, commitTs: ttNow(ctx.nowMs, epsilonMs).latest };
        const next = { ...state, committed: state.committed + 1 };
        return { state: next, effects: [commitWait ? wait(w, ctx.nowMs) : reply(w)] };
      }
      if (input.type === 'timer') {
        const w = input.payload as Waiting;
        return { state, effects: [ttNow(ctx.nowMs, epsilonMs).earliest > w.commitTs ? reply(w) : wait(w, ctx.nowMs)] };
      }
      return { state };
    },
  };
}

/**
 * Settings of `runTrueTime`. `clockOffsetsMs` sets server clock offsets (default a: +0.8ε, b: −0.8ε); the model
 * assumes each |offset| ≤ ε, and a lab may break that on purpose to watch commit wait fail.
 */
export interface TrueTimeRunOptions {
  seed: number | string;
  epsilonMs: number;
  commitWait: boolean;
  /** How many transactions the client runs (default 10). */
  transactions?: number;
  /** Each |offset| ≤ ε: the model's assumption. */
  clockOffsetsMs?: Record<NodeId, number>;
  /** One-way delay of every message (default uniform 0.5 to 1.5 ms, a datacenter network). */
  latency?: Latency;
}

/** One acknowledged transaction. Times are global (the client's clock is perfect). */
export interface Commit {
  txn: number;
  /** The server that assigned the timestamp. */
  node: NodeId;
  /** Global time the client sent it. */
  startMs: number;
  commitTs: number;
  /** Global time the client got the reply. */
  replyMs: number;
  /** The trace seq of the client's 'commit' log line, when the commit comes from a run. */
  seq?: number;
}

/** Runs the client and servers a and b until the last reply, and returns the trace and the commits in order. */
export function runTrueTime(o: TrueTimeRunOptions): { trace: Trace; commits: Commit[] } {
  const { epsilonMs, commitWait, transactions = 10 } = o;
  if (typeof epsilonMs !== 'number' || !(epsilonMs >= 0) || epsilonMs === Infinity) {
    throw new Error(`epsilonMs must be a non-negative number of milliseconds (got ${String(epsilonMs)})`);
  }
  const offsets: Record<NodeId, number> = { a: 0.8 * epsilonMs, b: -0.8 * epsilonMs, ...o.clockOffsetsMs };
  const server = trueTimeServer(epsilonMs, commitWait);
  const trace = simulate<TrueTimeState, TrueTimeMessage>({
    seed: o.seed,
    nodes: { client: trueTimeClient(transactions), a: server, b: server },
    network: { latency: o.latency ?? { kind: 'uniform', minMs: 0.5, maxMs: 1.5 } },
    clocks: Object.fromEntries(Object.entries(offsets).map(([node, offsetMs]) => [node, { offsetMs }])),
    untilMs: Infinity,
  });
  const startedAt = new Map<number, number>();
  for (const send of eventsOfKind(trace, 'send')) {
    const m = send.message as TrueTimeMessage;
    if (m.type === 'commit-request') startedAt.set(m.txn, send.t);
  }
  const commits = eventsOfKind(trace, 'log')
    .filter((e) => e.text === 'commit')
    .map((e) => {
      const { txn, node, commitTs } = e.data as { txn: number; node: NodeId; commitTs: number };
      return { txn, node, startMs: startedAt.get(txn) as number, commitTs, replyMs: e.t, seq: e.seq };
    });
  return { trace, commits };
}

function commitEvent(c: Commit): TraceEvent[] {
  if (c.seq === undefined) return [];
  const data = { txn: c.txn, node: c.node, commitTs: c.commitTs };
  return [{ seq: c.seq, t: c.replyMs, kind: 'log', node: 'client', text: 'commit', data }];
}

/**
 * External consistency (Spanner §4.1.2): whenever T1's reply came no later than T2 started (global time), s1 < s2.
 * The violation names the earliest-starting T2 that breaks it and the T1 it should follow, with the client's
 * 'commit' log lines of both as evidence when the commits came from a run. Its message says "the moment T2
 * started" when T1's reply and T2's start coincide, as they do when one client runs transactions back to back.
 */
export function checkExternalConsistency(commits: Commit[]): CheckResult {
  const property = 'external consistency: T1 acknowledged no later than T2 starts implies s1 < s2';
  const byStart = commits.slice().sort((x, y) => x.startMs - y.startMs || x.txn - y.txn);
  for (const t2 of byStart) {
    const t1 = commits.find((t1) => t1 !== t2 && t1.replyMs <= t2.startMs && !(t1.commitTs < t2.commitTs));
    if (t1 !== undefined) {
      return {
        status: 'violation',
        property,
        failure: 'safety',
        message:
          `txn ${t1.txn} (on ${t1.node}) was acknowledged at ${formatMs(t1.replyMs)} ms, ` +
          (t1.replyMs === t2.startMs
            ? `the moment txn ${t2.txn} (on ${t2.node}) started, `
            : `before txn ${t2.txn} (on ${t2.node}) started at ${formatMs(t2.startMs)} ms, `) +
          `but its commit timestamp ${formatMs(t1.commitTs)} is not less than ${formatMs(t2.commitTs)}`,
        events: [...commitEvent(t1), ...commitEvent(t2)].sort((x, y) => x.seq - y.seq),
      };
    }
  }
  return { status: 'ok', property };
}
