/**
 * Raft, as a pure node for the simulator: Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", USENIX ATC 2014. Section numbers below (§5.1 to §5.4) and "Figure 2" refer to that paper.
 *
 * A node is `step(state, input, ctx) -> { state, effects }`. Inputs are delivered RPC messages, the two timers
 * (`election`, `heartbeat`) and client requests; effects are sends, timers, `persist`, `log` and `reply`. The
 * shape follows etcd-io/raft: one `step` applies the rules for all servers (term bookkeeping, §5.1), then hands
 * the input to the handler table of the node's role; `becomeFollower`, `becomeCandidate` and `becomeLeader` are
 * the only places a role changes, and changing the role is what swaps the table. etcd keeps a function pointer
 * (`r.step = stepLeader`); here the role's name selects the table, so the state stays plain JSON for the trace.
 *
 * RPCs are one-way messages: a request and its result are two messages, matched by term, not by id, as in etcd.
 * Figure 2 leaves client interaction to §8; here a leader answers a request once the entry is applied, and a
 * non-leader answers at once with a hint. There is no no-op entry at the start of a term (§8) and no membership
 * change, log compaction, PreVote or leader lease: see the lab's notes.
 */
import { roundMs } from '../sim/network';
import { simulate } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';
import type { NetworkOptions } from '../sim/network';
import type { Intervention } from '../sim/interventions';
import type { TraceOptions } from '../sim/simulation';
import type { Trace } from '../sim/trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from '../sim/types';

/** One log entry (Figure 2): the term in which a leader created it and the state machine command it carries. */
export interface LogEntry {
  term: number;
  command: unknown;
}

/** An entry as a state machine applied it: `index` counts log positions from 1, as in the paper. */
export interface AppliedEntry extends LogEntry {
  index: number;
}

export type RaftRole = 'follower' | 'candidate' | 'leader';

/**
 * A node's state. The first three fields are Figure 2's persistent state: each change is written with a `persist`
 * effect placed before any other effect of the same step, so nothing is sent (no vote granted, no entry
 * acknowledged) before it is on stable storage. The rest is volatile and starts again from zero after a restart.
 *
 * - `currentTerm`: latest term this node has seen (starts at 0, only grows).
 * - `votedFor`: who got this node's vote in `currentTerm`, or null.
 * - `log`: the entries; `log[i - 1]` is the entry at index i.
 * - `role`: which handler table is in force.
 * - `leaderId`: the leader of `currentTerm` as far as this node knows (null if none yet), for client hints.
 * - `commitIndex`, `lastApplied`: highest index known committed, and applied to the state machine.
 * - `votes`: a candidate's granted votes in `currentTerm`, itself included (empty in other roles).
 * - `nextIndex`, `matchIndex`: a leader's view of each peer (empty in other roles), as in Figure 2.
 * - `awaiting`: log indices whose client is waiting for the leader's reply (leader only; dropped when it steps
 *   down, since it cannot know whether the entry will commit: the client must retry).
 */
export interface RaftState {
  currentTerm: number;
  votedFor: NodeId | null;
  log: LogEntry[];
  role: RaftRole;
  leaderId: NodeId | null;
  commitIndex: number;
  lastApplied: number;
  votes: NodeId[];
  nextIndex: Record<NodeId, number>;
  matchIndex: Record<NodeId, number>;
  awaiting: number[];
}

/** What a node writes to stable storage, and gets back in `init` after a durable restart (Figure 2). */
export interface RaftDurableState {
  currentTerm: number;
  votedFor: NodeId | null;
  log: LogEntry[];
}

/**
 * The two RPCs of Figure 2 and their results, as one-way messages. Every message carries its sender's
 * `currentTerm`, which drives the term rules of §5.1.
 *
 * - `requestVote`: a candidate asks for a vote (§5.2), describing its last entry for the up-to-date check of §5.4.1.
 * - `requestVoteResult`: the vote, granted or not.
 * - `appendEntries`: a leader replicates `entries` after the entry at `prevLogIndex` (whose term must be
 *   `prevLogTerm`, the consistency check of §5.3) and tells its `leaderCommit`; with no entries it is a heartbeat.
 * - `appendEntriesResult`: on success, `matchIndex` is the index of the last entry the follower now shares with the
 *   leader; on failure, `matchIndex` is a hint, an index below which the follower's log may still match (the
 *   leader then retries from there: the "one rejection per conflicting term" optimisation at the end of §5.3,
 *   simplified to the follower's log length).
 */
export type RaftMessage =
  | { type: 'requestVote'; term: number; lastLogIndex: number; lastLogTerm: number }
  | { type: 'requestVoteResult'; term: number; voteGranted: boolean }
  | { type: 'appendEntries'; term: number; prevLogIndex: number; prevLogTerm: number; entries: LogEntry[]; leaderCommit: number }
  | { type: 'appendEntriesResult'; term: number; success: boolean; matchIndex: number };

/**
 * Settings of one node. Times are on the node's own clock.
 *
 * - `electionTimeoutMinMs`, `electionTimeoutMaxMs`: each election timeout is drawn uniformly from this range
 *   (default 150 to 300 ms, the paper's §9.3 choice); the spread is what makes split votes rare (§5.2).
 * - `heartbeatMs`: how often a leader sends `appendEntries` to every follower (default 50 ms); must be well below
 *   the minimum election timeout, or followers start elections under a live leader.
 * - `commitRule`: `'raft'` (default) is §5.4.2: a leader advances `commitIndex` to N only when a majority has
 *   `matchIndex >= N` and the entry at N is from the leader's current term; earlier entries then commit
 *   indirectly. `'naive'` drops the second condition and counts replicas of entries from earlier terms too: this
 *   is the rule Figure 8 shows to be unsafe (a committed entry can be overwritten by a later leader). It exists
 *   so that the lab can show the failure; never use it otherwise.
 * - `voteRule`: whether to grant a vote (the RequestVote receiver of Figure 2). It is asked only for a request of
 *   the node's own term: the §5.1 term update has already happened (a later term made the node a follower with no
 *   vote) and a request of an earlier term has already been refused. When it says yes, the node records the vote
 *   (`votedFor`, persisted before the reply) and restarts its election timer. Default: `grantVoteRule`. A
 *   different rule is for exercises and demonstrations of why each condition is there.
 * - `commitIndexRule`: the leader's new `commitIndex` from its own state, asked after every successful
 *   AppendEntries result and on becoming leader. An answer at or below the current `commitIndex` changes nothing;
 *   one above the leader's last index, or not an integer, stops the node with an error. When given, it replaces
 *   `commitRule`. Default: `advanceCommitIndex` (or `advanceCommitIndexNaive` with `commitRule: 'naive'`).
 */
export interface RaftOptions {
  electionTimeoutMinMs?: number;
  electionTimeoutMaxMs?: number;
  heartbeatMs?: number;
  commitRule?: 'raft' | 'naive';
  voteRule?: VoteRule;
  commitIndexRule?: CommitIndexRule;
}

/**
 * Figure 2's RequestVote arguments as a vote rule sees them: the message and its sender, `candidateId`.
 * Example: `{ type: 'requestVote', candidateId: 'b', term: 4, lastLogIndex: 3, lastLogTerm: 2 }`.
 */
export type RequestVoteArgs = Extract<RaftMessage, { type: 'requestVote' }> & { candidateId: NodeId };

/** Decides a vote: `true` grants it. See `RaftOptions.voteRule`. */
export type VoteRule = (state: RaftState, request: RequestVoteArgs) => boolean;

/**
 * A leader's commit rule: its new `commitIndex`, from `state` (`log`, `currentTerm`, `commitIndex`, `matchIndex`
 * per peer), the ids of its `peers` and the `clusterSize` (peers and itself). See `RaftOptions.commitIndexRule`.
 */
export type CommitIndexRule = (state: RaftState, peers: readonly NodeId[], clusterSize: number) => number;

type ResolvedOptions = Required<Omit<RaftOptions, 'commitIndexRule'>> & Pick<RaftOptions, 'commitIndexRule'>;

/** The default settings, spelled out. */
export const defaultRaftOptions: ResolvedOptions = {
  electionTimeoutMinMs: 150,
  electionTimeoutMaxMs: 300,
  heartbeatMs: 50,
  commitRule: 'raft',
  voteRule: grantVoteRule,
  commitIndexRule: undefined,
};

function resolveRaftOptions(options: RaftOptions): ResolvedOptions {
  const resolved = { ...defaultRaftOptions };
  for (const key of Object.keys(options) as (keyof RaftOptions)[]) {
    if (options[key] !== undefined) (resolved as Record<string, unknown>)[key] = options[key];
  }
  const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max, heartbeatMs, commitRule } = resolved;
  const positive = (x: number) => typeof x === 'number' && Number.isFinite(x) && x > 0;
  if (!positive(min)) throw new Error(`raft.electionTimeoutMinMs must be a positive number of ms (got ${String(min)})`);
  if (!positive(max) || max < min) throw new Error(`raft.electionTimeoutMaxMs must be at least electionTimeoutMinMs = ${min} (got ${String(max)})`);
  if (!positive(heartbeatMs) || heartbeatMs >= min) {
    throw new Error(`raft.heartbeatMs must be positive and below electionTimeoutMinMs = ${min} (got ${String(heartbeatMs)})`);
  }
  if (commitRule !== 'raft' && commitRule !== 'naive') throw new Error(`raft.commitRule must be "raft" or "naive" (got ${String(commitRule)})`);
  if (typeof resolved.voteRule !== 'function') throw new Error(`raft.voteRule must be a function (got ${typeof resolved.voteRule})`);
  if (resolved.commitIndexRule !== undefined && typeof resolved.commitIndexRule !== 'function') {
    throw new Error(`raft.commitIndexRule must be a function when given (got ${typeof resolved.commitIndexRule})`);
  }
  return resolved;
}

/** Everything one step may use besides the state: the node's ports, its settings and the effects so far. */
interface Turn {
  ctx: StepContext;
  options: ResolvedOptions;
  out: Effect<RaftMessage>[];
}

/** A role's handlers. Each gets a state whose `currentTerm` already equals any message's term (see `step`). */
interface RoleHandlers {
  message(state: RaftState, from: NodeId, message: RaftMessage, turn: Turn): RaftState;
  timer(state: RaftState, name: string, turn: Turn): RaftState;
  request(state: RaftState, command: unknown, turn: Turn): RaftState;
}

const ELECTION_TIMER = 'election';
const HEARTBEAT_TIMER = 'heartbeat';

const lastLogIndex = (s: RaftState) => s.log.length;
const termAt = (s: RaftState, index: number) => (index === 0 ? 0 : (s.log[index - 1]?.term ?? 0));
const lastLogTerm = (s: RaftState) => termAt(s, s.log.length);
const majorityOf = (clusterSize: number) => Math.floor(clusterSize / 2) + 1;
const majority = (turn: Turn) => majorityOf(turn.ctx.peers.length + 1);

function resetElectionTimer(turn: Turn): void {
  const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max } = turn.options;
  turn.out.push({ type: 'setTimer', name: ELECTION_TIMER, delayMs: roundMs(min + turn.ctx.random.next() * (max - min)) });
}

function logRole(state: RaftState, turn: Turn): void {
  turn.out.push({ type: 'log', text: 'role', data: { role: state.role, term: state.currentTerm } });
}

/** A fresh node's state, or a restarted one's from what it persisted (volatile state starts from zero). */
function initialState(durable: RaftDurableState | undefined): RaftState {
  return {
    currentTerm: durable?.currentTerm ?? 0,
    votedFor: durable?.votedFor ?? null,
    log: durable?.log ?? [],
    role: 'follower',
    leaderId: null,
    commitIndex: 0,
    lastApplied: 0,
    votes: [],
    nextIndex: {},
    matchIndex: {},
    awaiting: [],
  };
}

// ---- Role changes: the only places `role` is set. --------------------------------------------------------------

/**
 * Becomes a follower of `term` (§5.1: any server that sees a higher term does, and so does a candidate that hears
 * from the leader of its own term). The vote is cleared only when the term changes: one vote per term (§5.2).
 * `leaderId` is the leader of `term` when the message came from it, null otherwise.
 */
function becomeFollower(state: RaftState, term: number, leaderId: NodeId | null, turn: Turn): RaftState {
  const next: RaftState = {
    ...state,
    role: 'follower',
    currentTerm: term,
    votedFor: term === state.currentTerm ? state.votedFor : null,
    leaderId,
    votes: [],
    nextIndex: {},
    matchIndex: {},
    awaiting: [],
  };
  // Figure 2 restarts the election timeout only on hearing from the leader or granting a vote, not on a new term:
  // otherwise a partitioned node rejoining with ever higher terms would keep everyone from campaigning. A leader
  // has no election timer running, so one starts here.
  if (state.role === 'leader') {
    turn.out.push({ type: 'cancelTimer', name: HEARTBEAT_TIMER });
    resetElectionTimer(turn);
  }
  if (state.role !== 'follower' || term !== state.currentTerm) logRole(next, turn);
  return next;
}

/** §5.2: increment the term, vote for self, reset the election timer, ask every peer for its vote. */
function becomeCandidate(state: RaftState, turn: Turn): RaftState {
  const next: RaftState = { ...state, role: 'candidate', currentTerm: state.currentTerm + 1, votedFor: turn.ctx.id, leaderId: null, votes: [turn.ctx.id] };
  resetElectionTimer(turn);
  logRole(next, turn);
  const ask: RaftMessage = { type: 'requestVote', term: next.currentTerm, lastLogIndex: lastLogIndex(next), lastLogTerm: lastLogTerm(next) };
  for (const peer of turn.ctx.peers) turn.out.push({ type: 'send', to: peer, message: ask });
  return next.votes.length >= majority(turn) ? becomeLeader(next, turn) : next;
}

/** §5.2 and §5.3: with a majority of votes, claim the term with heartbeats; every follower's `nextIndex` starts
 * just past the leader's last entry, every `matchIndex` at 0. */
function becomeLeader(state: RaftState, turn: Turn): RaftState {
  const nextIndex: Record<NodeId, number> = {};
  const matchIndex: Record<NodeId, number> = {};
  for (const peer of turn.ctx.peers) {
    nextIndex[peer] = lastLogIndex(state) + 1;
    matchIndex[peer] = 0;
  }
  const next: RaftState = { ...state, role: 'leader', leaderId: turn.ctx.id, votes: [], nextIndex, matchIndex, awaiting: [] };
  turn.out.push({ type: 'cancelTimer', name: ELECTION_TIMER });
  logRole(next, turn);
  return broadcastAppendEntries(maybeCommit(next, turn), turn);
}

// ---- Shared rules. ---------------------------------------------------------------------------------------------

/** §5.4.1: a candidate's log is at least as up-to-date as ours: a later last term, or the same and as long. */
function candidateIsUpToDate(state: RaftState, m: { lastLogIndex: number; lastLogTerm: number }): boolean {
  const myTerm = lastLogTerm(state);
  return m.lastLogTerm > myTerm || (m.lastLogTerm === myTerm && m.lastLogIndex >= lastLogIndex(state));
}

/**
 * The RequestVote receiver's rule (Figure 2), for a request of the voter's own term: grant when the voter has not
 * voted in this term or voted for this very candidate (§5.2: one vote per term; a repeated request, say after a
 * lost reply, gets the same answer), and the candidate's log is at least as up-to-date as the voter's (§5.4.1:
 * compare the last entries' terms; with equal terms, the longer log wins).
 */
export function grantVoteRule(state: RaftState, request: RequestVoteArgs): boolean {
  return (state.votedFor === null || state.votedFor === request.candidateId) && candidateIsUpToDate(state, request);
}

/** RequestVote receiver, Figure 2: the vote rule decides; a granted vote is recorded and restarts the timer. */
function handleRequestVote(state: RaftState, from: NodeId, m: Extract<RaftMessage, { type: 'requestVote' }>, turn: Turn): RaftState {
  const grant = turn.options.voteRule(state, { ...m, candidateId: from }) === true;
  let next = state;
  if (grant) {
    next = { ...state, votedFor: from };
    resetElectionTimer(turn); // Figure 2: granting a vote counts as hearing from a would-be leader.
  }
  turn.out.push({ type: 'send', to: from, message: { type: 'requestVoteResult', term: next.currentTerm, voteGranted: grant } });
  return next;
}

/**
 * AppendEntries receiver, Figure 2 and §5.3, for a message of our own term (so from the one leader of the term):
 * the consistency check on `prevLogIndex`/`prevLogTerm`, then truncation at the first conflicting entry only (an
 * old, reordered message must not cut entries a later one added), then `commitIndex` from `leaderCommit`.
 */
function handleAppendEntries(state: RaftState, from: NodeId, m: Extract<RaftMessage, { type: 'appendEntries' }>, turn: Turn): RaftState {
  resetElectionTimer(turn);
  let next: RaftState = state.leaderId === from ? state : { ...state, leaderId: from };
  const reply = (success: boolean, matchIndex: number) =>
    turn.out.push({ type: 'send', to: from, message: { type: 'appendEntriesResult', term: next.currentTerm, success, matchIndex } });

  if (m.prevLogIndex > lastLogIndex(next) || termAt(next, m.prevLogIndex) !== m.prevLogTerm) {
    reply(false, Math.min(lastLogIndex(next), m.prevLogIndex - 1));
    return next;
  }
  let log = next.log;
  for (let k = 0; k < m.entries.length; k++) {
    const index = m.prevLogIndex + 1 + k;
    const entry = m.entries[k] as LogEntry;
    if (index <= log.length && termAt(next, index) === entry.term) continue;
    log = [...log.slice(0, index - 1), ...m.entries.slice(k)];
    break;
  }
  if (log !== next.log) next = { ...next, log };
  const lastNewIndex = m.prevLogIndex + m.entries.length;
  if (m.leaderCommit > next.commitIndex) {
    const commitIndex = Math.min(m.leaderCommit, lastNewIndex);
    if (commitIndex > next.commitIndex) next = applyCommitted({ ...next, commitIndex }, turn);
  }
  reply(true, lastNewIndex);
  return next;
}

/** Applies entries `lastApplied + 1 .. commitIndex` in order; a leader answers the clients waiting for them. */
function applyCommitted(state: RaftState, turn: Turn): RaftState {
  if (state.lastApplied >= state.commitIndex) return state;
  let awaiting = state.awaiting;
  for (let index = state.lastApplied + 1; index <= state.commitIndex; index++) {
    const { term, command } = state.log[index - 1] as LogEntry;
    turn.out.push({ type: 'log', text: 'apply', data: { index, term, command } });
    if (awaiting.includes(index)) {
      turn.out.push({ type: 'reply', response: { ok: true, index, command } });
      awaiting = awaiting.filter((i) => i !== index);
    }
  }
  return { ...state, lastApplied: state.commitIndex, awaiting };
}

/** How many servers hold the leader's entry at `index`: the leader itself and every peer whose matchIndex reaches it. */
function replicasOf(state: RaftState, peers: readonly NodeId[], index: number): number {
  let replicas = 1;
  for (const peer of peers) if ((state.matchIndex[peer] ?? 0) >= index) replicas++;
  return replicas;
}

/**
 * §5.4.2, the leader's commit rule (Figure 2, "Rules for Servers", last bullet): the highest N > commitIndex such
 * that a majority of the cluster holds the entry at N (the leader counts itself) and `log[N].term == currentTerm`;
 * `commitIndex` itself when there is none. Entries of earlier terms are never committed by counting their
 * replicas; they commit with the first current-term entry after them (Log Matching puts them on the same servers).
 */
export function advanceCommitIndex(state: RaftState, peers: readonly NodeId[], clusterSize: number): number {
  for (let n = lastLogIndex(state); n > state.commitIndex; n--) {
    if (termAt(state, n) !== state.currentTerm) break; // terms only fall going back
    if (replicasOf(state, peers, n) >= majorityOf(clusterSize)) return n;
  }
  return state.commitIndex;
}

/**
 * The unsafe rule of Figure 8, kept to show why §5.4.2 exists: the highest N held by a majority, whatever the term
 * of its entry. A later leader that lacks such an entry can still be elected and overwrite it.
 */
export function advanceCommitIndexNaive(state: RaftState, peers: readonly NodeId[], clusterSize: number): number {
  for (let n = lastLogIndex(state); n > state.commitIndex; n--) {
    if (replicasOf(state, peers, n) >= majorityOf(clusterSize)) return n;
  }
  return state.commitIndex;
}

/** Asks the commit rule in force for the leader's new commitIndex, and applies what it newly commits. */
function maybeCommit(state: RaftState, turn: Turn): RaftState {
  const rule = turn.options.commitIndexRule ?? (turn.options.commitRule === 'raft' ? advanceCommitIndex : advanceCommitIndexNaive);
  const peers = turn.ctx.peers;
  const n = rule(state, peers, peers.length + 1);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`the commit rule returned ${String(n)}, but a commitIndex is a whole number`);
  if (n <= state.commitIndex) return state;
  if (n > lastLogIndex(state)) throw new Error(`the commit rule returned ${n}, beyond the leader's last index, ${lastLogIndex(state)}`);
  return applyCommitted({ ...state, commitIndex: n }, turn);
}

/** Sends `peer` everything from its `nextIndex` on (nothing, when it is up to date: a heartbeat). */
function sendAppendEntries(state: RaftState, peer: NodeId, turn: Turn): void {
  const prevLogIndex = (state.nextIndex[peer] ?? lastLogIndex(state) + 1) - 1;
  turn.out.push({
    type: 'send',
    to: peer,
    message: {
      type: 'appendEntries',
      term: state.currentTerm,
      prevLogIndex,
      prevLogTerm: termAt(state, prevLogIndex),
      entries: state.log.slice(prevLogIndex),
      leaderCommit: state.commitIndex,
    },
  });
}

function broadcastAppendEntries(state: RaftState, turn: Turn): RaftState {
  for (const peer of turn.ctx.peers) sendAppendEntries(state, peer, turn);
  turn.out.push({ type: 'setTimer', name: HEARTBEAT_TIMER, delayMs: turn.options.heartbeatMs });
  return state;
}

/** A non-leader's answer to a client: not me, try the leader I know of (null if none). */
function redirect(state: RaftState, _command: unknown, turn: Turn): RaftState {
  turn.out.push({ type: 'reply', response: { ok: false, leaderHint: state.leaderId } });
  return state;
}

// ---- The handler tables. ---------------------------------------------------------------------------------------

const follower: RoleHandlers = {
  message(state, from, m, turn) {
    if (m.type === 'requestVote') return handleRequestVote(state, from, m, turn);
    if (m.type === 'appendEntries') return handleAppendEntries(state, from, m, turn);
    return state; // a result of an election or leadership this node has since left behind in this term
  },
  timer: (state, name, turn) => (name === ELECTION_TIMER ? becomeCandidate(state, turn) : state),
  request: redirect,
};

const candidate: RoleHandlers = {
  message(state, from, m, turn) {
    switch (m.type) {
      case 'requestVote':
        return handleRequestVote(state, from, m, turn); // it voted for itself, so this refuses
      case 'appendEntries':
        // §5.2: a leader of our own term exists, so the election is lost.
        return handleAppendEntries(becomeFollower(state, m.term, from, turn), from, m, turn);
      case 'requestVoteResult': {
        if (!m.voteGranted || state.votes.includes(from)) return state;
        const next = { ...state, votes: [...state.votes, from] };
        return next.votes.length >= majority(turn) ? becomeLeader(next, turn) : next;
      }
      default:
        return state;
    }
  },
  timer: (state, name, turn) => (name === ELECTION_TIMER ? becomeCandidate(state, turn) : state), // split vote: try again
  request: redirect,
};

const leader: RoleHandlers = {
  message(state, from, m, turn) {
    switch (m.type) {
      case 'requestVote':
        return handleRequestVote(state, from, m, turn); // it voted for itself, so this refuses
      case 'appendEntriesResult': {
        const match = state.matchIndex[from] ?? 0;
        if (m.success) {
          if (m.matchIndex <= match) return state; // an old or repeated acknowledgement
          const next = {
            ...state,
            matchIndex: { ...state.matchIndex, [from]: m.matchIndex },
            nextIndex: { ...state.nextIndex, [from]: Math.max(state.nextIndex[from] ?? 0, m.matchIndex + 1) },
          };
          return maybeCommit(next, turn);
        }
        // §5.3: the consistency check failed; back up and retry at once (never below what is known to match).
        const nextIndex = Math.max(match + 1, Math.min((state.nextIndex[from] ?? 1) - 1, m.matchIndex + 1));
        const next = nextIndex === state.nextIndex[from] ? state : { ...state, nextIndex: { ...state.nextIndex, [from]: nextIndex } };
        sendAppendEntries(next, from, turn);
        return next;
      }
      default:
        // Another leader's appendEntries of our term cannot exist (§5.2); stale vote results are ignored.
        return state;
    }
  },
  timer: (state, name, turn) => (name === HEARTBEAT_TIMER ? broadcastAppendEntries(state, turn) : state),
  request(state, command, turn) {
    // §5.3: append, replicate at once, answer when applied. A one-node cluster commits on the spot.
    const index = lastLogIndex(state) + 1;
    const appended: RaftState = { ...state, log: [...state.log, { term: state.currentTerm, command }], awaiting: [...state.awaiting, index] };
    const next = maybeCommit(appended, turn);
    for (const peer of turn.ctx.peers) sendAppendEntries(next, peer, turn);
    return next;
  },
};

const handlers: Record<RaftRole, RoleHandlers> = { follower, candidate, leader };

// ---- The node. -------------------------------------------------------------------------------------------------

/**
 * The rules for all servers (Figure 2, §5.1), then the role's handler. A message from a later term makes this node
 * a follower of that term first (and then the role's handler sees it); a request from an earlier term is refused
 * with our term, so its sender learns it is stale; a result from an earlier term is ignored.
 */
function step(state: RaftState, input: Input<RaftMessage>, turn: Turn): RaftState {
  switch (input.type) {
    case 'start':
      resetElectionTimer(turn);
      return state;
    case 'timer':
      return handlers[state.role].timer(state, input.name, turn);
    case 'request': {
      const request = input.request as { command?: unknown } | null;
      if (request === null || typeof request !== 'object' || request.command === undefined) {
        turn.out.push({ type: 'reply', response: { ok: false, error: 'a request must look like { command }' } });
        return state;
      }
      return handlers[state.role].request(state, request.command, turn);
    }
    case 'message': {
      const { from, message: m } = input;
      let current = state;
      if (m.term > current.currentTerm) {
        current = becomeFollower(current, m.term, m.type === 'appendEntries' ? from : null, turn);
      } else if (m.term < current.currentTerm) {
        if (m.type === 'requestVote') {
          turn.out.push({ type: 'send', to: from, message: { type: 'requestVoteResult', term: current.currentTerm, voteGranted: false } });
        } else if (m.type === 'appendEntries') {
          turn.out.push({ type: 'send', to: from, message: { type: 'appendEntriesResult', term: current.currentTerm, success: false, matchIndex: 0 } });
        }
        return current;
      }
      return handlers[current.role].message(current, from, m, turn);
    }
  }
}

/**
 * A Raft node. `init` restores Figure 2's persistent state from `ctx.durable` after a durable restart (and starts
 * empty otherwise); every step that changes it emits `persist` first. Log lines, for checkers and figures:
 * `role` with `{ role, term }` on every role or term change, and `apply` with `{ index, term, command }` for every
 * entry applied, in index order (a restarted node applies again from index 1: its state machine was volatile).
 * Client requests are `{ command }`; a leader replies `{ ok: true, index, command }` once the entry is applied,
 * anyone else `{ ok: false, leaderHint }` at once.
 */
export function raftNode(options: RaftOptions = {}): NodeBehavior<RaftState, RaftMessage> {
  const resolved = resolveRaftOptions(options);
  return {
    init: (ctx) => initialState(ctx.durable as RaftDurableState | undefined),
    step(state, input, ctx) {
      const turn: Turn = { ctx, options: resolved, out: [] };
      const next = step(state, input, turn);
      if (next.currentTerm !== state.currentTerm || next.votedFor !== state.votedFor || next.log !== state.log) {
        const durable: RaftDurableState = { currentTerm: next.currentTerm, votedFor: next.votedFor, log: next.log };
        turn.out.unshift({ type: 'persist', data: durable });
      }
      return { state: next, effects: turn.out };
    },
  };
}

// ---- Running a cluster and reading its trace. ------------------------------------------------------------------

/** A client command submitted at `atMs` to `node`, or to every node when `node` is omitted (only a leader takes it). */
export interface ClientCommand {
  atMs: number;
  node?: NodeId;
  command: unknown;
}

/**
 * One cluster run. `nodes` is a count (named a, b, c, ...) or a list of ids (default 5). `raft` applies to every
 * node and `nodeOptions` overrides it per node (e.g. a shorter timeout to script who campaigns first). Requests
 * become `request` interventions placed after `interventions`, so at the same instant faults happen first.
 */
export interface RaftRunOptions {
  seed: number | string;
  nodes?: number | NodeId[];
  raft?: RaftOptions;
  nodeOptions?: Record<NodeId, RaftOptions>;
  interventions?: Intervention[];
  requests?: ClientCommand[];
  network?: Partial<NetworkOptions>;
  /** How long to run (default 3000 ms). */
  untilMs?: number;
  /** Trace recording; `maxEvents` defaults to 200,000 here. */
  trace?: TraceOptions;
}

/** The node ids of a run: `nodeIds(3)` is `['a', 'b', 'c']`. */
export function nodeIds(nodes: number | NodeId[] = 5): NodeId[] {
  if (Array.isArray(nodes)) return nodes.slice();
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 26) throw new Error(`nodes must be a count from 1 to 26 or a list of ids (got ${String(nodes)})`);
  return Array.from({ length: nodes }, (_, i) => String.fromCharCode(97 + i));
}

/** Runs a Raft cluster and returns the trace. Same options, byte-identical trace. */
export function runRaft(options: RaftRunOptions): Trace {
  const ids = nodeIds(options.nodes);
  const nodes: Record<NodeId, NodeBehavior<RaftState, RaftMessage>> = {};
  for (const id of ids) nodes[id] = raftNode({ ...options.raft, ...options.nodeOptions?.[id] });
  const requests: Intervention[] = (options.requests ?? []).flatMap(({ atMs, node, command }) =>
    (node === undefined ? ids : [node]).map((target): Intervention => ({ atMs, kind: 'request', node: target, request: { command } })),
  );
  return simulate({
    seed: options.seed,
    nodes,
    network: options.network,
    interventions: [...(options.interventions ?? []), ...requests],
    trace: { maxEvents: 200_000, ...options.trace },
    untilMs: options.untilMs ?? 3000,
  });
}

/** Who became leader in each term, from the `role` log lines (more than one node in a term breaks §5.2). */
export function leadersByTerm(trace: Trace): Record<number, NodeId[]> {
  const out: Record<number, NodeId[]> = {};
  for (const e of eventsOfKind(trace, 'log')) {
    if (e.text !== 'role') continue;
    const { role, term } = e.data as { role: RaftRole; term: number };
    if (role !== 'leader') continue;
    const list = (out[term] ??= []);
    if (!list.includes(e.node)) list.push(e.node);
  }
  return out;
}

/**
 * What each node's state machine holds at the end of the run: its `apply` lines since its last restart (a restart
 * loses the state machine, which is rebuilt by applying the log again), in order.
 */
export function appliedByNode(trace: Trace): Record<NodeId, AppliedEntry[]> {
  const out: Record<NodeId, AppliedEntry[]> = {};
  for (const id of trace.nodes) out[id] = [];
  for (const e of trace.events) {
    if (e.kind === 'restart') out[e.node] = [];
    else if (e.kind === 'log' && e.text === 'apply') (out[e.node] ??= []).push(e.data as AppliedEntry);
  }
  return out;
}
