/**
 * Single-decree Paxos, as pure nodes for the simulator: Lamport, "Paxos Made Simple", ACM SIGACT News 32(4), 2001.
 * Section numbers below refer to that paper: §2.2 choosing a value, §2.3 learning a chosen value, §2.4 progress.
 *
 * Two roles, each its own node: acceptors (`a1`, `a2`, ...) and proposers (`p1`, `p2`, ...). A proposer also acts
 * as the learner of its own proposals (§2.3): it knows its value is chosen when a majority of acceptors accepted
 * its ballot. The acceptor's whole decision is one pure function, `acceptorRule`, which the node wraps with
 * storage and messaging; a lab or an exercise can plug in another rule and watch the checkers catch it.
 *
 * Messages are one-way: `prepare` and `accept` go from proposer to acceptor (phases 1a and 2a), `promise`,
 * `accepted` and `nack` come back (phases 1b and 2b, and the rejection of §2.2's "optimization" paragraph, which
 * tells the proposer to abandon its proposal). Every reply carries the ballot it answers, so a proposer matches
 * replies to its current attempt by ballot and ignores the rest. Lost messages are recovered by a phase timeout.
 *
 * Whether a value is chosen is a fact about the acceptors, not about any proposer: `chosenValues` reads it from
 * the acceptors' `accepted` log lines, and the checkers judge a run from there.
 */
import { roundMs } from '../sim/network';
import { okUnlessTruncated } from '../sim/check';
import { simulate } from '../sim/simulation';
import type { CheckResult } from '../sim/check';
import type { Intervention } from '../sim/interventions';
import type { NetworkOptions } from '../sim/network';
import type { TraceOptions } from '../sim/simulation';
import { formatMs } from '../sim/trace';
import type { Trace, TraceEvent, TraceEventOf } from '../sim/trace';
import type { Effect, NodeBehavior, NodeId, StepContext } from '../sim/types';

// ---- Ballots and the acceptor's rule (§2.2). ------------------------------------------------------------------

/**
 * A proposal number (§2.2: "different proposers choose their numbers from disjoint sets"): ordered by `round`,
 * then by `proposer` id (code-unit order), so two proposers never issue the same ballot.
 */
export interface Ballot {
  round: number;
  proposer: NodeId;
}

/** The total order of ballots: -1 if a < b, 0 if equal, 1 if a > b. */
export function compareBallots(a: Ballot, b: Ballot): -1 | 0 | 1 {
  if (a.round !== b.round) return a.round < b.round ? -1 : 1;
  if (a.proposer === b.proposer) return 0;
  return a.proposer < b.proposer ? -1 : 1;
}

/** A proposal an acceptor accepted: the ballot and the value it carried. */
export interface AcceptedProposal {
  ballot: Ballot;
  value: unknown;
}

/**
 * What an acceptor must remember, on stable storage (§2.2, end: "an acceptor must remember this information even
 * if it fails and then restarts"): the highest ballot it promised, and the highest-ballot proposal it accepted.
 */
export interface AcceptorState {
  promised: Ballot | null;
  accepted: AcceptedProposal | null;
}

/** Phase 1a (`prepare`) and phase 2a (`accept`) requests, from a proposer to an acceptor. */
export type AcceptorRequest = { type: 'prepare'; ballot: Ballot } | { type: 'accept'; ballot: Ballot; value: unknown };

/**
 * An acceptor's answers. `promise` (phase 1b) reports the highest-ballot proposal accepted so far, or null;
 * `accepted` (phase 2b) confirms; `nack` refuses a request and tells the ballot promised instead, so the proposer
 * can pick its next round above it.
 */
export type AcceptorReply =
  | { type: 'promise'; ballot: Ballot; accepted: AcceptedProposal | null }
  | { type: 'accepted'; ballot: Ballot; value: unknown }
  | { type: 'nack'; ballot: Ballot; promised: Ballot };

/** The acceptor's whole decision, as one pure function (phase 1b and phase 2b). */
export type AcceptorRule = (state: AcceptorState, request: AcceptorRequest) => { state: AcceptorState; reply: AcceptorReply };

/**
 * The acceptor of §2.2.
 *
 * - Phase 1b: on `prepare` with a ballot above every ballot promised so far, promise it (P1a: never accept a lower
 *   one from now on) and report the highest-ballot proposal accepted, if any. A repeated `prepare` of the ballot
 *   already promised is refused: the first promise already went out.
 * - Phase 2b: on `accept` with a ballot at least the one promised, accept it (P1a); the ballot becomes the promise
 *   too, so a later `prepare` must be higher still.
 * - Anything else gets a `nack` carrying the promised ballot.
 */
export const acceptorRule: AcceptorRule = (state, request) => {
  const { promised } = state;
  if (request.type === 'prepare') {
    if (promised === null || compareBallots(request.ballot, promised) > 0) {
      return { state: { ...state, promised: request.ballot }, reply: { type: 'promise', ballot: request.ballot, accepted: state.accepted } };
    }
    return { state, reply: { type: 'nack', ballot: request.ballot, promised } };
  }
  if (promised === null || compareBallots(request.ballot, promised) >= 0) {
    const accepted = { ballot: request.ballot, value: request.value };
    return { state: { promised: request.ballot, accepted }, reply: { type: 'accepted', ...accepted } };
  }
  return { state, reply: { type: 'nack', ballot: request.ballot, promised } };
};

/** Every message of a Paxos run: requests to acceptors and their replies. */
export type PaxosMessage = AcceptorRequest | AcceptorReply;

// ---- The acceptor node. ----------------------------------------------------------------------------------------

/**
 * An acceptor node running `rule` (default `acceptorRule`). Its state is exactly `AcceptorState`; whenever a step
 * changes it, the step emits `persist` first, before the reply is sent, so that no promise or acceptance leaves
 * the node before it is on stable storage, and `init` restores it after a durable restart.
 *
 * Log lines: `acceptor` with the restored `{ promised, accepted }` on every start (which also tells checkers that
 * this node is an acceptor), and `accepted` with `{ ballot, value }` every time it accepts a proposal.
 */
export function paxosAcceptor(rule: AcceptorRule = acceptorRule): NodeBehavior<AcceptorState, PaxosMessage> {
  return {
    init: (ctx) => (ctx.durable as AcceptorState | undefined) ?? { promised: null, accepted: null },
    step(state, input) {
      if (input.type === 'start') return { state, effects: [{ type: 'log', text: 'acceptor', data: state }] };
      if (input.type !== 'message') return { state };
      const request = input.message;
      if (request.type !== 'prepare' && request.type !== 'accept') return { state };
      // The rule may be a learner's and may mutate its argument, so the "before" is taken as text first.
      const before = JSON.stringify(state);
      const { state: next, reply } = rule(state, request);
      const effects: Effect<PaxosMessage>[] = [];
      if (JSON.stringify(next) !== before) effects.push({ type: 'persist', data: next });
      if (reply.type === 'accepted') effects.push({ type: 'log', text: 'accepted', data: { ballot: reply.ballot, value: reply.value } });
      effects.push({ type: 'send', to: input.from, message: reply });
      return { state: next, effects };
    },
  };
}

// ---- The proposer node. ----------------------------------------------------------------------------------------

/**
 * Where a proposer is.
 *
 * - `waiting`: before its start time, or between a failed attempt and the retry.
 * - `preparing`: phase 1a sent for `ballot`, collecting promises.
 * - `accepting`: phase 2a sent for `ballot` with `proposal`, collecting acceptances.
 * - `chosen`: a majority accepted its ballot (§2.3: it has learned the chosen value).
 * - `stopped`: it failed and is not the distinguished proposer, so it does not try again (§2.4).
 */
export type ProposerPhase = 'waiting' | 'preparing' | 'accepting' | 'chosen' | 'stopped';

/**
 * A proposer's state. `round` is the highest round it has used or seen in a nack; it is the only durable field
 * (persisted before each `prepare`), so a restarted proposer never reuses a ballot it may have sent.
 * `promises` and `accepts` are the acceptors that answered the current ballot; `highestAccepted` is the
 * highest-ballot proposal reported among the promises; `proposal` is the value sent in phase 2a; `failures`
 * counts failed attempts.
 */
export interface ProposerState {
  phase: ProposerPhase;
  round: number;
  ballot: Ballot | null;
  value: unknown;
  proposal: unknown;
  promises: NodeId[];
  highestAccepted: AcceptedProposal | null;
  accepts: NodeId[];
  failures: number;
}

/** What a proposer writes to stable storage: the highest round it has used or seen. */
export interface ProposerDurableState {
  round: number;
}

/**
 * Settings of one proposer. Times are on its own clock.
 *
 * - `value`: the value it proposes when the promises report none accepted.
 * - `startMs`: when it starts its first attempt.
 * - `acceptors`: the acceptors' ids; a majority of them is a quorum.
 * - `retryMs`: after a failed attempt (a nack, or a phase timeout) it waits this long and tries again with a
 *   higher round (default 40).
 * - `backoff`: `'none'` waits exactly `retryMs`, so two proposers that fail together retry together; `'random'`
 *   waits `retryMs` plus a jitter drawn uniformly from [0, `jitterMs`) with `ctx.random`, which spreads them out
 *   (the same cure as Raft's randomized election timeouts).
 * - `jitterMs`: the range of that jitter (default 50, about two round trips on the default network).
 * - `retries`: false makes it give up after its first failure (what a proposer that is not the distinguished one
 *   does, §2.4); default true.
 * - `phaseTimeoutMs`: a phase without a quorum of answers after this long has failed (default 100): the only way
 *   to notice lost messages or a crashed majority.
 */
export interface ProposerOptions {
  value: unknown;
  startMs: number;
  acceptors: NodeId[];
  retryMs?: number;
  backoff?: 'none' | 'random';
  jitterMs?: number;
  retries?: boolean;
  phaseTimeoutMs?: number;
}

const PROPOSE_TIMER = 'propose';
const PHASE_TIMER = 'phase-timeout';

interface ProposerTurn {
  ctx: StepContext;
  options: Required<ProposerOptions>;
  out: Effect<PaxosMessage>[];
}

const quorum = (turn: ProposerTurn) => Math.floor(turn.options.acceptors.length / 2) + 1;

function broadcast(message: AcceptorRequest, turn: ProposerTurn): void {
  for (const to of turn.options.acceptors) turn.out.push({ type: 'send', to, message });
}

/** Phase 1a: a new ballot above every round used or seen, persisted before the `prepare` goes out. */
function beginRound(state: ProposerState, turn: ProposerTurn): ProposerState {
  const round = state.round + 1;
  const ballot: Ballot = { round, proposer: turn.ctx.id };
  const durable: ProposerDurableState = { round };
  turn.out.push({ type: 'persist', data: durable });
  turn.out.push({ type: 'log', text: 'prepare', data: { ballot } });
  broadcast({ type: 'prepare', ballot }, turn);
  turn.out.push({ type: 'setTimer', name: PHASE_TIMER, delayMs: turn.options.phaseTimeoutMs });
  return { ...state, phase: 'preparing', round, ballot, proposal: undefined, promises: [], highestAccepted: null, accepts: [] };
}

/**
 * Phase 2a, with a quorum of promises: propose the value of the highest-ballot proposal any of them reported, or
 * our own value if none did (§2.2). This adoption is what keeps a chosen value chosen.
 */
function beginAccept(state: ProposerState, turn: ProposerTurn): ProposerState {
  const ballot = state.ballot as Ballot;
  const proposal = state.highestAccepted === null ? state.value : state.highestAccepted.value;
  turn.out.push({ type: 'log', text: 'promised', data: { ballot, from: state.promises, adopted: state.highestAccepted } });
  turn.out.push({ type: 'log', text: 'accept', data: { ballot, value: proposal } });
  broadcast({ type: 'accept', ballot, value: proposal }, turn);
  turn.out.push({ type: 'setTimer', name: PHASE_TIMER, delayMs: turn.options.phaseTimeoutMs });
  return { ...state, phase: 'accepting', proposal };
}

/** The attempt failed: wait and retry with a higher round, or give up if this proposer does not retry (§2.4). */
function fail(state: ProposerState, reason: 'nack' | 'timeout', seenRound: number, turn: ProposerTurn): ProposerState {
  turn.out.push({ type: 'cancelTimer', name: PHASE_TIMER });
  const failures = state.failures + 1;
  const round = Math.max(state.round, seenRound);
  if (!turn.options.retries) {
    turn.out.push({ type: 'log', text: 'failed', data: { ballot: state.ballot, reason, retryInMs: null } });
    return { ...state, phase: 'stopped', round, failures };
  }
  const { retryMs, backoff, jitterMs } = turn.options;
  const retryInMs = backoff === 'none' ? retryMs : roundMs(retryMs + turn.ctx.random.next() * jitterMs);
  turn.out.push({ type: 'log', text: 'failed', data: { ballot: state.ballot, reason, retryInMs } });
  turn.out.push({ type: 'setTimer', name: PROPOSE_TIMER, delayMs: retryInMs });
  return { ...state, phase: 'waiting', round, failures };
}

function handleReply(state: ProposerState, from: NodeId, reply: AcceptorReply, turn: ProposerTurn): ProposerState {
  // Only answers to the current ballot count; anything else is a late reply to an attempt already abandoned.
  if (state.ballot === null || compareBallots(reply.ballot, state.ballot) !== 0) return state;
  switch (reply.type) {
    case 'promise': {
      if (state.phase !== 'preparing' || state.promises.includes(from)) return state;
      const reported = reply.accepted;
      const highestAccepted =
        reported !== null && (state.highestAccepted === null || compareBallots(reported.ballot, state.highestAccepted.ballot) > 0)
          ? reported
          : state.highestAccepted;
      const next = { ...state, promises: [...state.promises, from], highestAccepted };
      return next.promises.length >= quorum(turn) ? beginAccept(next, turn) : next;
    }
    case 'accepted': {
      if (state.phase !== 'accepting' || state.accepts.includes(from)) return state;
      const next = { ...state, accepts: [...state.accepts, from] };
      if (next.accepts.length < quorum(turn)) return next;
      // §2.3: a majority accepted this ballot, so its value is chosen, and this proposer has learned it.
      turn.out.push({ type: 'cancelTimer', name: PHASE_TIMER });
      turn.out.push({ type: 'log', text: 'chosen', data: { ballot: next.ballot, value: next.proposal } });
      return { ...next, phase: 'chosen' };
    }
    case 'nack':
      // A nack whose promise is not above our ballot answers a duplicated prepare of our own: not a refusal.
      if ((state.phase !== 'preparing' && state.phase !== 'accepting') || compareBallots(reply.promised, state.ballot) <= 0) return state;
      return fail(state, 'nack', reply.promised.round, turn);
  }
}

/**
 * A proposer node (§2.2), which is also the learner of its own ballots (§2.3).
 *
 * It starts its first attempt at `startMs`, then runs phase 1 and phase 2 for one ballot at a time. An attempt
 * fails on the first nack above its ballot, or when a phase times out; it then retries after the backoff with a
 * round above every round it has seen, unless `retries` is false. Log lines, in order of an attempt: `prepare`
 * `{ ballot }`, `promised` `{ ballot, from, adopted }` (the quorum and the accepted proposal it adopted, or null),
 * `accept` `{ ballot, value }`, then `chosen` `{ ballot, value }` or `failed` `{ ballot, reason, retryInMs }`
 * (`retryInMs` null when it gives up).
 */
export function paxosProposer(o: ProposerOptions): NodeBehavior<ProposerState, PaxosMessage> {
  const options: Required<ProposerOptions> = { retryMs: 40, backoff: 'none', jitterMs: 50, retries: true, phaseTimeoutMs: 100 } as Required<ProposerOptions>;
  for (const [key, value] of Object.entries(o)) if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  for (const key of ['retryMs', 'jitterMs', 'phaseTimeoutMs', 'startMs'] as const) {
    const ms = options[key];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error(`proposer.${key} must be a non-negative number of ms (got ${String(ms)})`);
  }
  if (options.acceptors.length === 0) throw new Error('proposer.acceptors must name at least one acceptor');
  return {
    init: (ctx) => ({
      phase: 'waiting',
      round: (ctx.durable as ProposerDurableState | undefined)?.round ?? 0,
      ballot: null,
      value: options.value,
      proposal: undefined,
      promises: [],
      highestAccepted: null,
      accepts: [],
      failures: 0,
    }),
    step(state, input, ctx) {
      const turn: ProposerTurn = { ctx, options, out: [] };
      let next = state;
      switch (input.type) {
        case 'start':
          turn.out.push({ type: 'setTimer', name: PROPOSE_TIMER, delayMs: Math.max(0, options.startMs - ctx.nowMs) });
          break;
        case 'timer':
          if (input.name === PROPOSE_TIMER && state.phase === 'waiting') next = beginRound(state, turn);
          else if (input.name === PHASE_TIMER && (state.phase === 'preparing' || state.phase === 'accepting')) next = fail(state, 'timeout', 0, turn);
          break;
        case 'message': {
          const m = input.message;
          if (m.type === 'promise' || m.type === 'accepted' || m.type === 'nack') next = handleReply(state, input.from, m, turn);
          break;
        }
        case 'request':
          break;
      }
      return { state: next, effects: turn.out };
    },
  };
}

// ---- Running a round of Paxos. ---------------------------------------------------------------------------------

/** One proposer of a run: its id, the value it proposes and when it starts (ms). */
export interface PaxosProposerSpec {
  id: NodeId;
  value: unknown;
  startMs: number;
}

/**
 * One Paxos run.
 *
 * - `acceptors`: how many (default 3), named `a1` .. `aN`.
 * - `proposers`: default two, `p1` proposing `'x'` at 0 ms and `p2` proposing `'y'` at 1 ms.
 * - `retryMs`, `backoff`, `jitterMs`: see `ProposerOptions` (defaults 40, `'none'` and 50).
 * - `distinguishedProposer`: §2.4: only this proposer retries; the others stop after their first failure.
 * - `acceptor`: the acceptors' rule (default `acceptorRule`), for exercises that plug in their own.
 * - `untilMs`: how long to run (default 2000).
 */
export interface PaxosRunOptions {
  seed: number | string;
  acceptors?: number;
  proposers?: PaxosProposerSpec[];
  retryMs?: number;
  backoff?: 'none' | 'random';
  jitterMs?: number;
  distinguishedProposer?: NodeId;
  network?: Partial<NetworkOptions>;
  interventions?: Intervention[];
  untilMs?: number;
  acceptor?: AcceptorRule;
  /** Trace recording; `maxEvents` defaults to 200,000 here. */
  trace?: TraceOptions;
}

/** The default proposers: two of them, one millisecond apart, with different values. */
export const defaultPaxosProposers: readonly PaxosProposerSpec[] = Object.freeze([
  { id: 'p1', value: 'x', startMs: 0 },
  { id: 'p2', value: 'y', startMs: 1 },
]);

/** The acceptor ids of a run: `acceptorIds(3)` is `['a1', 'a2', 'a3']`. */
export function acceptorIds(count = 3): NodeId[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`acceptors must be a positive integer (got ${String(count)})`);
  return Array.from({ length: count }, (_, i) => `a${i + 1}`);
}

/** Runs acceptors and proposers and returns the trace. Same options, byte-identical trace. */
export function runPaxos(o: PaxosRunOptions): Trace {
  const acceptors = acceptorIds(o.acceptors ?? 3);
  const proposers = o.proposers ?? defaultPaxosProposers;
  if (o.distinguishedProposer !== undefined && !proposers.some((p) => p.id === o.distinguishedProposer)) {
    throw new Error(`distinguishedProposer must name a proposer (got ${JSON.stringify(o.distinguishedProposer)})`);
  }
  const nodes: Record<NodeId, NodeBehavior<AcceptorState | ProposerState, PaxosMessage>> = {};
  for (const id of acceptors) nodes[id] = paxosAcceptor(o.acceptor) as NodeBehavior<AcceptorState | ProposerState, PaxosMessage>;
  for (const p of proposers) {
    if (p.id in nodes) throw new Error(`proposer id ${JSON.stringify(p.id)} is taken (acceptors are a1 .. aN)`);
    nodes[p.id] = paxosProposer({
      value: p.value,
      startMs: p.startMs,
      acceptors,
      retryMs: o.retryMs,
      backoff: o.backoff,
      jitterMs: o.jitterMs,
      retries: o.distinguishedProposer === undefined || o.distinguishedProposer === p.id,
    }) as NodeBehavior<AcceptorState | ProposerState, PaxosMessage>;
  }
  return simulate({
    seed: o.seed,
    nodes,
    network: o.network,
    interventions: o.interventions,
    trace: { maxEvents: 200_000, ...o.trace },
    untilMs: o.untilMs ?? 2000,
  });
}

// ---- Reading a run: what was chosen, and the checkers. ---------------------------------------------------------

type LogEvent = TraceEventOf<'log'>;

/** A chosen value, with the `accepted` log lines of the majority that chose it (the evidence). */
interface Choice {
  ballot: Ballot;
  value: unknown;
  atMs: number;
  evidence: LogEvent[];
}

/**
 * Every (ballot, value) a majority of acceptors accepted, in the order the majorities formed. The acceptors are
 * the nodes that logged an `acceptor` line; an acceptor counts once per ballot, however often it accepted it.
 */
function choices(trace: Trace): Choice[] {
  const acceptors = new Set<NodeId>();
  for (const e of trace.events) if (e.kind === 'log' && e.text === 'acceptor') acceptors.add(e.node);
  const majority = Math.floor(acceptors.size / 2) + 1;
  const byProposal = new Map<string, { nodes: Set<NodeId>; evidence: LogEvent[]; chosen: boolean }>();
  const out: Choice[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'log' || e.text !== 'accepted') continue;
    const { ballot, value } = e.data as AcceptedProposal;
    const key = JSON.stringify([ballot.round, ballot.proposer, value]) ?? '';
    let entry = byProposal.get(key);
    if (entry === undefined) byProposal.set(key, (entry = { nodes: new Set(), evidence: [], chosen: false }));
    if (entry.nodes.has(e.node)) continue;
    entry.nodes.add(e.node);
    entry.evidence.push(e);
    if (!entry.chosen && entry.nodes.size >= majority) {
      entry.chosen = true;
      out.push({ ballot, value, atMs: e.t, evidence: entry.evidence.slice() });
    }
  }
  return out;
}

/**
 * The values chosen in a run (§2.2: a value is chosen when a majority of acceptors accepted it with the same
 * ballot), read from the acceptors' `accepted` log lines, in the order they became chosen, with the global time.
 * A correct run lists one value, possibly several times under increasing ballots.
 */
export function chosenValues(trace: Trace): { ballot: Ballot; value: unknown; atMs: number }[] {
  return choices(trace).map(({ ballot, value, atMs }) => ({ ballot, value, atMs }));
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const bySeq = (events: TraceEvent[]) => events.sort((x, y) => x.seq - y.seq);

/** §2.2 safety: at most one distinct value is ever chosen. The evidence is the two majorities. */
export function checkPaxosAgreement(trace: Trace): CheckResult {
  const property = 'paxos agreement';
  const all = choices(trace);
  const first = all[0];
  const other = all.find((c) => !sameValue(c.value, first?.value));
  if (first !== undefined && other !== undefined) {
    return {
      status: 'violation',
      property,
      failure: 'safety',
      message:
        `${JSON.stringify(first.value)} was chosen with ballot (${first.ballot.round}, ${first.ballot.proposer}) at ${formatMs(first.atMs)} ms, ` +
        `then ${JSON.stringify(other.value)} with ballot (${other.ballot.round}, ${other.ballot.proposer}) at ${formatMs(other.atMs)} ms`,
      events: bySeq([...first.evidence, ...other.evidence]),
    };
  }
  return okUnlessTruncated(trace, property);
}

/** §2.2 safety ("only a value that has been proposed may be chosen"): every chosen value is one of `proposed`. */
export function checkPaxosValidity(trace: Trace, proposed: unknown[]): CheckResult {
  const property = 'paxos validity';
  const bad = choices(trace).find((c) => !proposed.some((p) => sameValue(p, c.value)));
  if (bad !== undefined) {
    return {
      status: 'violation',
      property,
      failure: 'safety',
      message: `${JSON.stringify(bad.value)} was chosen at ${formatMs(bad.atMs)} ms but never proposed`,
      events: bySeq(bad.evidence.slice()),
    };
  }
  return okUnlessTruncated(trace, property);
}

/**
 * §2.4 liveness: some value is chosen by the end of the run. Inconclusive when the trace was cut short, since the
 * choice may lie in the part not recorded.
 */
export function checkPaxosTermination(trace: Trace): CheckResult {
  const property = 'paxos termination';
  if (choices(trace).length > 0) return { status: 'ok', property };
  if (trace.truncated || trace.halted) return { status: 'inconclusive', property, reason: 'the trace was cut short before any value was chosen' };
  return {
    status: 'violation',
    property,
    failure: 'liveness',
    message: `no value was chosen in ${trace.endMs} ms, after ${countRounds(trace)} prepare rounds`,
    events: [],
  };
}

/** How many prepare rounds the proposers started (their `prepare` log lines): many, with nothing chosen, is livelock. */
export function countRounds(trace: Trace): number {
  let rounds = 0;
  for (const e of trace.events) if (e.kind === 'log' && e.text === 'prepare') rounds++;
  return rounds;
}
