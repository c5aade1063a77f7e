// Method: as etcd-io/raft's raft_paper_test.go, each describe block names a section of Ongaro and Ousterhout (2014)
// and tests its rules two ways: single steps of the pure node on hand-built states (the effects must be exactly
// what Figure 2 says), and scripted cluster runs whose traces are judged by the checkers. Scripted runs steer who
// campaigns first with per-node election timeouts and constant latency, so every scenario is the same each time.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appliedByNode, leadersByTerm, raftNode, runRaft } from './raft';
import type { LogEntry, RaftMessage, RaftOptions, RaftRunOptions, RaftState } from './raft';
import { checkLeaderCompleteness, checkProgress, checkRaftSafety, checkStateMachineSafety } from './checkers';
import { deposedLeaderRun, figure8Run, staleCandidateRun } from './scenarios';
import { Random } from '../sim/random';
import { eventsOfKind } from '../sim/trace';
import type { Trace } from '../sim/trace';
import type { Effect, Input } from '../sim/types';

// ---- Helpers for single steps. ---------------------------------------------------------------------------------

const PEERS = ['b', 'c', 'd', 'e'];

function state(overrides: Partial<RaftState> = {}): RaftState {
  return {
    currentTerm: 1, votedFor: null, log: [], role: 'follower', leaderId: null, commitIndex: 0, lastApplied: 0,
    votes: [], nextIndex: {}, matchIndex: {}, awaiting: [], ...overrides,
  };
}

function stepA(s: RaftState, input: Input<RaftMessage>, options: RaftOptions = {}) {
  const result = raftNode(options).step(s, input, { id: 'a', peers: PEERS, nowMs: 0, random: new Random(1) });
  return { state: result.state, effects: result.effects ?? [] };
}

const msg = (from: string, message: RaftMessage): Input<RaftMessage> => ({ type: 'message', from, message, msgId: 0 });
const sends = (effects: Effect<RaftMessage>[]) => effects.filter((e) => e.type === 'send') as Extract<Effect<RaftMessage>, { type: 'send' }>[];
const entries = (...terms: number[]): LogEntry[] => terms.map((term, i) => ({ term, command: `c${i + 1}` }));

// ---- Helpers for runs. -----------------------------------------------------------------------------------------

const steady = { latency: { kind: 'constant' as const, ms: 10 } };
const fast: RaftOptions = { electionTimeoutMinMs: 100, electionTimeoutMaxMs: 110 };
const slow: RaftOptions = { electionTimeoutMinMs: 300, electionTimeoutMaxMs: 310 };

const roleEvents = (trace: Trace) =>
  eventsOfKind(trace, 'log').filter((e) => e.text === 'role').map((e) => ({ t: e.t, node: e.node, ...(e.data as { role: string; term: number }) }));

/** The node's last recorded state at or before `tMs`. */
function stateAt(trace: Trace, node: string, tMs = Infinity): RaftState {
  const events = eventsOfKind(trace, 'state').filter((e) => e.node === node && e.t <= tMs);
  return events[events.length - 1]?.state as RaftState;
}

const commands = (log: LogEntry[]) => log.map((e) => e.command);

function expectSafe(trace: Trace) {
  for (const result of checkRaftSafety(trace)) expect(result, result.property).toEqual({ status: 'ok', property: result.property });
}

describe('Raft §5.1 basics: terms', () => {
  it('makes any server that sees a higher term a follower of that term, with its vote cleared', () => {
    for (const role of ['follower', 'candidate', 'leader'] as const) {
      const { state: s } = stepA(state({ role, currentTerm: 2, votedFor: 'a' }), msg('c', { type: 'appendEntriesResult', term: 5, success: false, matchIndex: 0 }));
      expect(s).toMatchObject({ role: 'follower', currentTerm: 5, votedFor: null });
    }
  });

  it('refuses a request from an earlier term, telling its own term', () => {
    const { state: s, effects } = stepA(state({ currentTerm: 3 }), msg('b', { type: 'appendEntries', term: 2, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 }));
    expect(s.currentTerm).toBe(3);
    expect(sends(effects)).toEqual([{ type: 'send', to: 'b', message: { type: 'appendEntriesResult', term: 3, success: false, matchIndex: 0 } }]);
    const vote = stepA(state({ currentTerm: 3 }), msg('b', { type: 'requestVote', term: 2, lastLogIndex: 9, lastLogTerm: 2 }));
    expect(sends(vote.effects)[0]?.message).toEqual({ type: 'requestVoteResult', term: 3, voteGranted: false });
  });

  it('persists term, vote and log before anything else it does in the step (Figure 2: stable storage first)', () => {
    const { effects } = stepA(state({ currentTerm: 1 }), msg('b', { type: 'requestVote', term: 2, lastLogIndex: 0, lastLogTerm: 0 }));
    expect(effects[0]).toEqual({ type: 'persist', data: { currentTerm: 2, votedFor: 'b', log: [] } });
    expect(effects.findIndex((e) => e.type === 'send')).toBeGreaterThan(0);
    const heartbeat = stepA(state({ currentTerm: 2, leaderId: 'b' }), msg('b', { type: 'appendEntries', term: 2, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 }));
    expect(heartbeat.effects.some((e) => e.type === 'persist')).toBe(false); // nothing durable changed
  });
});

describe('Raft §5.2 leader election', () => {
  it('starts an election on timeout: next term, votes for itself, asks every peer, logs the role', () => {
    const log = entries(1, 1);
    const { state: s, effects } = stepA(state({ currentTerm: 1, log }), { type: 'timer', name: 'election' });
    expect(s).toMatchObject({ role: 'candidate', currentTerm: 2, votedFor: 'a', votes: ['a'] });
    expect(effects[0]).toMatchObject({ type: 'persist' });
    expect(effects).toContainEqual({ type: 'log', text: 'role', data: { role: 'candidate', term: 2 } });
    expect(sends(effects).map((e) => [e.to, e.message])).toEqual(
      PEERS.map((p) => [p, { type: 'requestVote', term: 2, lastLogIndex: 2, lastLogTerm: 1 }]),
    );
    const timer = effects.find((e) => e.type === 'setTimer');
    expect(timer).toMatchObject({ name: 'election' });
    expect((timer as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(150);
    expect((timer as { delayMs: number }).delayMs).toBeLessThanOrEqual(300);
  });

  it('grants at most one vote per term, first come first served', () => {
    const ask = (from: string): Input<RaftMessage> => msg(from, { type: 'requestVote', term: 2, lastLogIndex: 0, lastLogTerm: 0 });
    const first = stepA(state({ currentTerm: 1 }), ask('b'));
    expect(sends(first.effects)[0]?.message).toMatchObject({ voteGranted: true });
    const second = stepA(first.state, ask('c'));
    expect(sends(second.effects)[0]?.message).toMatchObject({ voteGranted: false });
    const again = stepA(second.state, ask('b')); // a repeated request (say, a retransmission) gets the same answer
    expect(sends(again.effects)[0]?.message).toMatchObject({ voteGranted: true });
  });

  it('wins with a majority of votes (3 of 5), then sends heartbeats and stops its election timer', () => {
    let s = stepA(state(), { type: 'timer', name: 'election' }).state;
    s = stepA(s, msg('b', { type: 'requestVoteResult', term: 2, voteGranted: true })).state;
    s = stepA(s, msg('c', { type: 'requestVoteResult', term: 2, voteGranted: false })).state;
    expect(s.role).toBe('candidate');
    const won = stepA(s, msg('d', { type: 'requestVoteResult', term: 2, voteGranted: true }));
    expect(won.state).toMatchObject({ role: 'leader', leaderId: 'a', nextIndex: { b: 1, c: 1, d: 1, e: 1 }, matchIndex: { b: 0, e: 0 } });
    expect(won.effects).toContainEqual({ type: 'cancelTimer', name: 'election' });
    expect(sends(won.effects).map((e) => e.message.type)).toEqual(['appendEntries', 'appendEntries', 'appendEntries', 'appendEntries']);
  });

  it('steps down when the leader of its own term shows up', () => {
    const s = stepA(state(), { type: 'timer', name: 'election' }).state;
    const { state: after } = stepA(s, msg('c', { type: 'appendEntries', term: 2, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 }));
    expect(after).toMatchObject({ role: 'follower', currentTerm: 2, votedFor: 'a', leaderId: 'c' });
  });

  it('elects exactly one leader on a stable network, within 1 s, for 100 seeds', () => {
    for (let seed = 0; seed < 100; seed++) {
      const trace = runRaft({ seed, untilMs: 2000 });
      const leaders = leadersByTerm(trace);
      const first = roleEvents(trace).find((e) => e.role === 'leader');
      expect(first?.t, `seed ${seed}`).toBeLessThan(1000);
      expect(Object.values(leaders).every((nodes) => nodes.length === 1)).toBe(true);
      expect(Object.keys(leaders), `seed ${seed}: one term, one leader, no later elections`).toHaveLength(1);
    }
  });

  it('splits votes far more often when the timeout range is narrow (why §5.2 randomises it)', () => {
    const splitVotes = (raft: RaftOptions) => {
      let count = 0;
      for (let seed = 0; seed < 100; seed++) {
        const trace = runRaft({ seed, raft, untilMs: 1500 });
        const campaigned = new Set(roleEvents(trace).filter((e) => e.role === 'candidate').map((e) => e.term));
        count += campaigned.size - Object.keys(leadersByTerm(trace)).length; // terms with a campaign but no winner
      }
      return count;
    };
    const wide = splitVotes({});
    const narrow = splitVotes({ electionTimeoutMinMs: 150, electionTimeoutMaxMs: 152 });
    expect(narrow).toBeGreaterThan(3 * Math.max(wide, 5));
  });

  it('holds no extra elections on a stable network: over 10 s, one election and traffic proportional to heartbeats', () => {
    for (const seed of [1, 2, 3]) {
      const trace = runRaft({ seed, untilMs: 10_000 });
      expect(roleEvents(trace).filter((e) => e.role === 'candidate').length).toBeLessThanOrEqual(2);
      const heartbeatRounds = 10_000 / 50;
      expect(trace.stats.sent).toBeLessThanOrEqual(heartbeatRounds * 4 * 2 + 50); // appendEntries plus results
      expect(trace.stats.sent).toBeGreaterThan(heartbeatRounds * 4 * 2 * 0.9);
    }
  });
});

describe('Raft §5.3 log replication', () => {
  it('rejects appendEntries whose previous entry it lacks or holds with another term (the consistency check)', () => {
    const follower = state({ currentTerm: 3, log: entries(1, 2) });
    for (const [prevLogIndex, prevLogTerm] of [[3, 2], [2, 1]]) {
      const { state: s, effects } = stepA(follower, msg('b', { type: 'appendEntries', term: 3, prevLogIndex, prevLogTerm, entries: entries(3), leaderCommit: 0 }));
      expect(s.log).toBe(follower.log);
      expect(sends(effects)[0]?.message).toMatchObject({ type: 'appendEntriesResult', success: false });
    }
  });

  it('deletes a conflicting entry and all that follow it, keeps matching ones, and appends the new ones', () => {
    const follower = state({ currentTerm: 3, log: entries(1, 1, 2, 2) });
    const incoming: LogEntry[] = [{ term: 1, command: 'c2' }, { term: 3, command: 'new3' }];
    const { state: s, effects } = stepA(follower, msg('b', { type: 'appendEntries', term: 3, prevLogIndex: 1, prevLogTerm: 1, entries: incoming, leaderCommit: 0 }));
    expect(s.log).toEqual([{ term: 1, command: 'c1' }, { term: 1, command: 'c2' }, { term: 3, command: 'new3' }]);
    expect(sends(effects)[0]?.message).toEqual({ type: 'appendEntriesResult', term: 3, success: true, matchIndex: 3 });
  });

  it('does not cut entries for an old, reordered appendEntries that they match', () => {
    const follower = state({ currentTerm: 3, log: entries(1, 1, 3) });
    const old = stepA(follower, msg('b', { type: 'appendEntries', term: 3, prevLogIndex: 0, prevLogTerm: 0, entries: entries(1), leaderCommit: 0 }));
    expect(old.state.log).toBe(follower.log);
  });

  it('learns the commit index from the leader, up to its last new entry, and applies in order', () => {
    const follower = state({ currentTerm: 2, log: entries(1, 2, 2) });
    const { state: s, effects } = stepA(follower, msg('b', { type: 'appendEntries', term: 2, prevLogIndex: 2, prevLogTerm: 2, entries: [], leaderCommit: 5 }));
    expect(s).toMatchObject({ commitIndex: 2, lastApplied: 2 });
    expect(effects.filter((e) => e.type === 'log').map((e) => (e as { data: unknown }).data)).toEqual([
      { index: 1, term: 1, command: 'c1' },
      { index: 2, term: 2, command: 'c2' },
    ]);
  });

  it('commits client commands and applies them on every node, in order; the leader answers, the others redirect', () => {
    const trace = runRaft({ seed: 3, requests: ['x', 'y', 'z'].map((command, i) => ({ atMs: 1000 + 100 * i, command })) });
    expectSafe(trace);
    for (const applied of Object.values(appliedByNode(trace))) expect(applied.map((e) => e.command)).toEqual(['x', 'y', 'z']);
    const replies = eventsOfKind(trace, 'reply').map((e) => e.response as { ok: boolean; leaderHint?: string; index?: number });
    const leader = Object.values(leadersByTerm(trace))[0]?.[0];
    expect(replies.filter((r) => r.ok).map((r) => r.index)).toEqual([1, 2, 3]);
    expect(replies.filter((r) => !r.ok)).toHaveLength(12);
    expect(replies.filter((r) => !r.ok).every((r) => r.leaderHint === leader)).toBe(true);
  });

  it('brings a follower that was partitioned away up to date after the heal', () => {
    const trace = runRaft({
      seed: 5, network: steady, nodeOptions: { a: fast, b: slow, c: slow, d: slow, e: slow },
      interventions: [{ atMs: 400, kind: 'partition', groups: [['e']] }, { atMs: 1500, kind: 'heal' }],
      requests: Array.from({ length: 5 }, (_, i) => ({ atMs: 500 + 100 * i, node: 'a', command: `x${i}` })),
    });
    expectSafe(trace);
    expect(stateAt(trace, 'e', 1499).log).toEqual([]);
    expect(appliedByNode(trace).e?.map((e) => e.command)).toEqual(['x0', 'x1', 'x2', 'x3', 'x4']);
  });

  it('replaces a deposed leader\'s uncommitted entries with the new leader\'s (conflict truncation, scripted)', () => {
    const trace = deposedLeaderRun(); // scenarios.ts; a client command 'after' follows at 1800 ms
    expectSafe(trace);
    expect(leadersByTerm(trace)).toMatchObject({ 1: ['a'] });
    expect(commands(stateAt(trace, 'a', 1199).log)).toEqual(['x1', 'lost2', 'lost3']); // a still thinks it leads term 1
    expect(commands(stateAt(trace, 'a', 1799).log)).toEqual(['x1', 'kept2']);
    expect(appliedByNode(trace).a?.map((e) => e.command)).toEqual(['x1', 'kept2', 'after']);
    const okReplies = eventsOfKind(trace, 'reply').filter((e) => (e.response as { ok: boolean }).ok);
    expect(okReplies.map((e) => [e.node, (e.response as { command: string }).command])).toEqual([['a', 'x1'], [okReplies[1]?.node, 'kept2'], [okReplies[1]?.node, 'after']]);
  });
});

describe('Raft §5.4 safety', () => {
  it('§5.4.1 refuses votes to candidates whose log is less up-to-date (last term first, then length)', () => {
    const voter = state({ currentTerm: 3, log: entries(1, 2, 2) }); // last entry: index 3, term 2
    const cases: [number, number, boolean][] = [
      [3, 2, true], // same last term, same length
      [4, 2, true], // same last term, longer
      [2, 2, false], // same last term, shorter
      [1, 3, true], // later last term wins even when shorter
      [9, 1, false], // earlier last term loses even when longer
    ];
    for (const [lastLogIndex, lastLogTerm, granted] of cases) {
      const { effects } = stepA(voter, msg('b', { type: 'requestVote', term: 4, lastLogIndex, lastLogTerm }));
      expect(sends(effects)[0]?.message, `last ${lastLogIndex}/${lastLogTerm}`).toEqual({ type: 'requestVoteResult', term: 4, voteGranted: granted });
    }
  });

  it('§5.4.1 a node with a stale log campaigns but cannot win; the up-to-date one does', () => {
    // staleCandidateRun: c sits alone from the start and campaigns over and over; a leads b and commits two
    // entries; then a crashes. A client command z follows at 2000 ms.
    const trace = staleCandidateRun();
    expectSafe(trace);
    const roles = roleEvents(trace);
    expect(roles.filter((e) => e.node === 'c' && e.role === 'candidate' && e.t > 800).length).toBeGreaterThan(0);
    expect(roles.filter((e) => e.node === 'c' && e.role === 'leader')).toEqual([]);
    expect(roles.filter((e) => e.role === 'leader' && e.t > 800).map((e) => e.node)).toEqual(['b']);
    expect(appliedByNode(trace).c?.map((e) => e.command)).toEqual(['x', 'y', 'z']);
  });

  it('§5.4.2 commits entries of earlier terms only by counting replicas of a current-term entry ("naive" does not wait)', () => {
    // Leader of term 3 whose log holds two term-2 entries, now on a majority (a, b, c).
    const leader = state({ role: 'leader', currentTerm: 3, votedFor: 'a', leaderId: 'a', log: entries(2, 2), nextIndex: { b: 3, c: 2, d: 1, e: 1 }, matchIndex: { b: 2, c: 0, d: 0, e: 0 } });
    const ack = msg('c', { type: 'appendEntriesResult', term: 3, success: true, matchIndex: 2 });
    expect(stepA(leader, ack).state.commitIndex).toBe(0);
    expect(stepA(leader, ack, { commitRule: 'naive' }).state.commitIndex).toBe(2);
    // Once a term-3 entry reaches a majority, everything before it commits too.
    const withCurrent = { ...leader, log: entries(2, 2, 3), matchIndex: { b: 3, c: 0, d: 0, e: 0 } };
    const { state: s } = stepA(withCurrent, msg('c', { type: 'appendEntriesResult', term: 3, success: true, matchIndex: 3 }));
    expect(s).toMatchObject({ commitIndex: 3, lastApplied: 3 });
  });

  it('keeps term, vote and log across a crash and a durable restart; volatile state starts over', () => {
    const trace = runRaft({
      seed: 9, network: steady, nodeOptions: { a: fast, b: slow, c: slow, d: slow, e: slow },
      interventions: [{ atMs: 800, kind: 'crash', node: 'b' }, { atMs: 900, kind: 'restart', node: 'b', durable: true }],
      requests: [{ atMs: 500, node: 'a', command: 'x' }, { atMs: 600, node: 'a', command: 'y' }],
    });
    expectSafe(trace);
    const before = stateAt(trace, 'b', 799);
    const restarted = eventsOfKind(trace, 'state').find((e) => e.node === 'b' && e.t === 900)?.state as RaftState;
    expect(before).toMatchObject({ currentTerm: 1, votedFor: 'a', commitIndex: 2 });
    expect(restarted).toEqual({ ...before, role: 'follower', leaderId: null, commitIndex: 0, lastApplied: 0 });
    expect(appliedByNode(trace).b?.map((e) => e.command)).toEqual(['x', 'y']); // applied again from the log
  });

  it('a restart with the disk lost (durable: false) starts from nothing: outside Raft\'s assumptions', () => {
    // Raft assumes stable storage. A node that forgets its vote may vote twice in one term, and one that forgets
    // acknowledged entries may let a leader without them win: safety is not promised, so none is asserted here.
    // What is shown is the restart itself (term 0, no vote, an empty log) and one consequence: the leader's
    // matchIndex for b only grows, as Raft may assume, so it never backs up far enough to refill b's log, and
    // b stays empty while this leader lasts (etcd's `maybeDecrTo` ignores such rejections the same way).
    const trace = runRaft({
      seed: 9, network: steady, nodeOptions: { a: fast, b: slow, c: slow, d: slow, e: slow },
      interventions: [{ atMs: 800, kind: 'crash', node: 'b' }, { atMs: 900, kind: 'restart', node: 'b', durable: false }],
      requests: [{ atMs: 500, node: 'a', command: 'x' }],
    });
    const restarted = eventsOfKind(trace, 'state').find((e) => e.node === 'b' && e.t === 900)?.state as RaftState;
    expect(restarted).toMatchObject({ currentTerm: 0, votedFor: null, log: [] });
    expect(stateAt(trace, 'b').log).toEqual([]);
    expect(stateAt(trace, 'a')).toMatchObject({ role: 'leader', commitIndex: 1, matchIndex: { b: 1 } });
  });
});

describe('Raft Figure 8: why a leader may not count replicas of entries from earlier terms', () => {
  // The scripted run is figure8Run (scenarios.ts), shared with the chapter's cell and the commit-rule exercise.
  it('plays out as in the figure under both rules', () => {
    for (const rule of ['raft', 'naive'] as const) {
      expect(leadersByTerm(figure8Run({ commitRule: rule }))).toEqual({ 1: ['a'], 2: ['e'], 3: ['a'], 4: ['e'] });
    }
  });

  it('with the naive rule, a applies x2 at index 2 and e later applies y2 there: both checkers catch it', () => {
    const trace = figure8Run({ commitRule: 'naive' });
    expect(checkStateMachineSafety(trace)).toMatchObject({ status: 'violation', failure: 'safety', message: 'a applied [1,"x2"] at index 2, but e applied [2,"y2"] there' });
    expect(checkLeaderCompleteness(trace)).toMatchObject({ status: 'violation', message: expect.stringMatching(/^e became leader of term 4 without entry 2 \(term 1\)/) });
  });

  it('with the rule of §5.4.2, x2 never commits, y2 and z3 do, and every checker passes', () => {
    const trace = figure8Run({ commitRule: 'raft' });
    expectSafe(trace);
    expect(checkProgress(trace, { afterMs: 1000 }).status).toBe('ok');
    for (const node of ['b', 'c', 'd', 'e']) expect(appliedByNode(trace)[node]?.map((e) => e.command)).toEqual(['x1', 'y2', 'z3']);
    expect(eventsOfKind(trace, 'log').some((e) => e.text === 'apply' && (e.data as { command: string }).command === 'x2')).toBe(false);
  });
});

describe('Raft runs are deterministic', () => {
  it('gives a byte-identical trace for the same seed and interventions, and a different one for another seed', () => {
    const options: RaftRunOptions = {
      seed: 'raft', network: { lossProbability: 0.05 },
      interventions: [{ atMs: 500, kind: 'crash', node: 'c' }, { atMs: 700, kind: 'partition-one-way', from: ['a'], to: ['b', 'd'] }, { atMs: 900, kind: 'restart', node: 'c', durable: true }, { atMs: 1200, kind: 'heal' }],
      requests: [{ atMs: 300, command: 1 }, { atMs: 1000, command: 2 }, { atMs: 1600, command: 3 }],
    };
    const first = JSON.stringify(runRaft(options));
    expect(JSON.stringify(runRaft(options))).toBe(first);
    expect(JSON.stringify(runRaft({ ...options, seed: 'other' }))).not.toBe(first);
  });

  it('never mutates the state it is given', () => {
    const deepFreeze = <T>(x: T): T => {
      if (x !== null && typeof x === 'object') Object.values(Object.freeze(x)).forEach(deepFreeze);
      return x;
    };
    let s = deepFreeze(state({ log: entries(1) }));
    const inputs: Input<RaftMessage>[] = [
      { type: 'timer', name: 'election' },
      msg('b', { type: 'requestVoteResult', term: 2, voteGranted: true }),
      msg('c', { type: 'requestVoteResult', term: 2, voteGranted: true }),
      { type: 'request', request: { command: 'x' } },
      msg('b', { type: 'appendEntriesResult', term: 2, success: false, matchIndex: 0 }),
      msg('b', { type: 'appendEntriesResult', term: 2, success: true, matchIndex: 2 }),
      msg('c', { type: 'appendEntriesResult', term: 2, success: true, matchIndex: 2 }),
    ];
    for (const input of inputs) s = deepFreeze(stepA(s, input).state);
    expect(s).toMatchObject({ role: 'leader', currentTerm: 2, commitIndex: 2, lastApplied: 2, matchIndex: { b: 2, c: 2 } });
  });
});

describe('Raft §5.3, Figure 7: a new leader brings every follower log into line', () => {
  // Two nodes only, a the leader and b the follower, driven by calling their step functions: every send is
  // delivered to the other node as a 'message' input, in order, until nothing is in flight; timers are ignored.
  // Figure 2 deletes a follower's entries only when they conflict with a new one, so an exchange of heartbeats
  // leaves extra entries after an agreeing prefix in place ((c) and (d)); they go once the leader sends an entry
  // of its own term at that index (etcd appends an empty entry on taking office for this; this node does not, §8).
  // So each case runs twice: from the leader's first heartbeat, then from its first client command of the term.

  const exchangePeer = (id: string) => (id === 'a' ? 'b' : 'a');

  /** Runs the exchange that `first` (an input to the leader a) starts; returns both states and what a sent. */
  function exchange(leader: RaftState, follower: RaftState, first: Input<RaftMessage>, bound = 300) {
    const node = raftNode();
    const states = { a: leader, b: follower };
    const inFlight: { from: 'a' | 'b'; to: 'a' | 'b'; message: RaftMessage }[] = [];
    const sentByLeader: RaftMessage[] = [];
    const deliver = (id: 'a' | 'b', input: Input<RaftMessage>) => {
      const result = node.step(states[id], input, { id, peers: [exchangePeer(id)], nowMs: 0, random: new Random(1) });
      states[id] = result.state;
      for (const send of sends(result.effects ?? [])) {
        inFlight.push({ from: id, to: send.to as 'a' | 'b', message: send.message });
        if (id === 'a') sentByLeader.push(send.message);
      }
    };
    deliver('a', first);
    for (let steps = 0; inFlight.length > 0; steps++) {
      if (steps >= bound) throw new Error(`no quiescence after ${bound} deliveries`);
      const { from, to, message } = inFlight.shift() as (typeof inFlight)[number];
      deliver(to, msg(from, message));
    }
    const appends = sentByLeader.filter((m) => m.type === 'appendEntries');
    return { leader: states.a, follower: states.b, appends };
  }

  /** A log from its terms; the command names the term and index, so equal entries are equal only where Log Matching says so. */
  const figureLog = (terms: readonly number[]): LogEntry[] => terms.map((term, i) => ({ term, command: `t${term}@${i + 1}` }));
  const termsOf = (log: LogEntry[]) => log.map((e) => e.term);
  /** A leader just elected (as becomeLeader leaves it): nextIndex past its last entry, matchIndex 0. */
  const leaderOf = (log: LogEntry[], term: number) =>
    state({ role: 'leader', currentTerm: term, votedFor: 'a', leaderId: 'a', log, nextIndex: { b: log.length + 1 }, matchIndex: { b: 0 } });
  const heartbeat: Input<RaftMessage> = { type: 'timer', name: 'heartbeat' };
  const clientCommand = (command: string): Input<RaftMessage> => ({ type: 'request', request: { command } });

  const FIGURE_7_LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  // The follower logs of Figure 7, with the last index where each agrees with the leader, and its length after the
  // heartbeat exchange (extra entries past an agreeing prefix survive it).
  const FIGURE_7: { name: string; what: string; terms: number[]; agreeThrough: number; lengthAfterHeartbeats: number }[] = [
    { name: 'a', what: 'missing one entry', terms: [1, 1, 1, 4, 4, 5, 5, 6, 6], agreeThrough: 9, lengthAfterHeartbeats: 10 },
    { name: 'b', what: 'missing many entries', terms: [1, 1, 1, 4], agreeThrough: 4, lengthAfterHeartbeats: 10 },
    { name: 'c', what: 'an extra uncommitted entry', terms: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], agreeThrough: 10, lengthAfterHeartbeats: 11 },
    { name: 'd', what: 'extra uncommitted entries of term 7', terms: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], agreeThrough: 10, lengthAfterHeartbeats: 12 },
    { name: 'e', what: 'missing entries and extra entries of term 4', terms: [1, 1, 1, 4, 4, 4, 4], agreeThrough: 5, lengthAfterHeartbeats: 10 },
    { name: 'f', what: 'many extra entries of terms 2 and 3', terms: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], agreeThrough: 3, lengthAfterHeartbeats: 10 },
  ];

  for (const { name, what, terms, agreeThrough, lengthAfterHeartbeats } of FIGURE_7) {
    it(`(${name}) as described in §5.3, ${what}: ends with the leader's log, and the leader's matchIndex at its end`, () => {
      const leaderLog = figureLog(FIGURE_7_LEADER);
      const leader = leaderOf(leaderLog, 8);
      const follower = state({ currentTerm: 7, log: figureLog(terms) });

      // The first heartbeats: the leader backs nextIndex up to the last index where the logs agree (§5.3).
      const first = exchange(leader, follower, heartbeat);
      expect(first.appends.at(-1)).toMatchObject({ type: 'appendEntries', prevLogIndex: agreeThrough, entries: leaderLog.slice(agreeThrough) });
      expect(first.follower.log.slice(0, 10)).toEqual(leaderLog);
      expect(first.follower.log).toHaveLength(lengthAfterHeartbeats);
      expect(first.follower).toMatchObject({ role: 'follower', currentTerm: 8, leaderId: 'a' });
      expect(first.leader).toMatchObject({ role: 'leader', currentTerm: 8, log: leaderLog, matchIndex: { b: 10 }, nextIndex: { b: 11 } });

      // The leader's first entry of term 8 goes to index 11 and removes whatever conflicts with it.
      const second = exchange(first.leader, first.follower, clientCommand('x8'));
      const finalLog = [...leaderLog, { term: 8, command: 'x8' }];
      expect(second.leader.log).toEqual(finalLog);
      expect(second.follower.log).toEqual(finalLog);
      expect(termsOf(second.follower.log)).toEqual([...FIGURE_7_LEADER, 8]);
      expect(second.leader).toMatchObject({ matchIndex: { b: finalLog.length }, nextIndex: { b: finalLog.length + 1 } });
      if (['c', 'd', 'f'].includes(name)) {
        expect(terms.length).toBeGreaterThan(FIGURE_7_LEADER.length);
        expect(second.follower.log).toHaveLength(second.leader.log.length); // the extra, conflicting entries are gone
        expect(second.follower.log.some((e, i) => e.term !== finalLog[i]?.term)).toBe(false);
      }
    });
  }

  it('brings any follower log into line with any leader log (fast-check: Log Matching after the exchange)', () => {
    // A common prefix, then terms above it in increasing order, each given to the leader's or the follower's
    // suffix (so the suffixes share no term and differ at the divergence point); the prefix's last term may go on
    // in one suffix; the leader's term T is above all of them, and it may already hold entries of T itself.
    const logPair = fc
      .record({
        prefixSteps: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 8 }),
        lastPrefixTermGoesOn: fc.record({ owner: fc.constantFrom('leader', 'follower'), count: fc.integer({ min: 0, max: 3 }) }),
        epochs: fc.array(
          fc.record({ gap: fc.integer({ min: 1, max: 2 }), owner: fc.constantFrom('leader', 'follower'), count: fc.integer({ min: 1, max: 3 }) }),
          { maxLength: 6 },
        ),
        termGap: fc.integer({ min: 1, max: 2 }),
        leaderOwnTermEntries: fc.integer({ min: 0, max: 2 }),
        followerAlreadyInLeaderTerm: fc.boolean(),
      })
      .map(({ prefixSteps, lastPrefixTermGoesOn, epochs, termGap, leaderOwnTermEntries, followerAlreadyInLeaderTerm }) => {
        const prefix: number[] = [];
        let term = 1;
        for (const step of prefixSteps) {
          prefix.push(term);
          term += step;
        }
        const base = prefix.at(-1) ?? 0;
        const suffix = { leader: [] as number[], follower: [] as number[] };
        if (base > 0) suffix[lastPrefixTermGoesOn.owner].push(...Array<number>(lastPrefixTermGoesOn.count).fill(base));
        let last = base;
        for (const { gap, owner, count } of epochs) {
          last += gap;
          suffix[owner].push(...Array<number>(count).fill(last));
        }
        const leaderTerm = last + termGap;
        return {
          prefixLength: prefix.length,
          leaderTerm,
          followerTerm: followerAlreadyInLeaderTerm ? leaderTerm : leaderTerm - 1,
          leader: [...prefix, ...suffix.leader, ...Array<number>(leaderOwnTermEntries).fill(leaderTerm)],
          follower: [...prefix, ...suffix.follower],
        };
      });

    fc.assert(
      fc.property(logPair, ({ prefixLength, leaderTerm, followerTerm, leader: leaderTerms, follower: followerTerms }) => {
        const leaderLog = figureLog(leaderTerms);
        const leader = leaderOf(leaderLog, leaderTerm);
        const follower = state({ currentTerm: followerTerm, log: figureLog(followerTerms) });

        const first = exchange(leader, follower, heartbeat);
        expect(first.appends.at(-1)).toMatchObject({ type: 'appendEntries', prevLogIndex: prefixLength });
        expect(first.follower.log.slice(0, leaderLog.length)).toEqual(leaderLog);
        expect(first.leader).toMatchObject({ matchIndex: { b: leaderLog.length }, nextIndex: { b: leaderLog.length + 1 } });

        const second = exchange(first.leader, first.follower, clientCommand('next'));
        expect(second.follower.log).toEqual(second.leader.log);
        expect(second.leader.log).toEqual([...leaderLog, { term: leaderTerm, command: 'next' }]);
        expect(second.leader).toMatchObject({ role: 'leader', matchIndex: { b: leaderLog.length + 1 }, nextIndex: { b: leaderLog.length + 2 } });
      }),
      { numRuns: 500, seed: 20140619 },
    );
  });
});
