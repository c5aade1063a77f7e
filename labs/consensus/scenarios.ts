/**
 * Runs that the chapter's cells, the lab's tests and the exercise graders share, so that a figure, a test and a
 * grade all show the same run: Raft's scripted scenarios from the paper (Figure 8, the election restriction of
 * §5.4.1), a seeded fault schedule with a heal at the end, and Paxos runs (dueling and late proposers, random
 * loss and crashes).
 *
 * Scripted runs steer who campaigns first with per-node election timeouts and a constant 10 ms latency, so every
 * run plays out the same way under the real rules. Each takes the rules a lab or an exercise may replace
 * (`voteRule`, `commitIndexRule`, see `RaftOptions`; Paxos's `AcceptorRule`) and says in its comment what a wrong
 * rule does in it.
 */
import { runPaxos } from './paxos';
import type { AcceptorRule, Ballot } from './paxos';
import { leadersByTerm, nodeIds, runRaft } from './raft';
import type { ClientCommand, RaftMessage, RaftOptions, RaftRole } from './raft';
import type { Intervention } from '../sim/interventions';
import { Random } from '../sim/random';
import type { Trace } from '../sim/trace';
import type { NodeId } from '../sim/types';

/** The rules a scenario can be run with; everything else is the scenario's own. */
export type ScenarioRules = Pick<RaftOptions, 'commitRule' | 'commitIndexRule' | 'voteRule'>;

const steady = { latency: { kind: 'constant' as const, ms: 10 } };
const timeout = (ms: number): RaftOptions => ({ electionTimeoutMinMs: ms, electionTimeoutMaxMs: ms + 10 });
const fast = timeout(100);
const slow = timeout(300);
const never = { electionTimeoutMinMs: 1000, electionTimeoutMaxMs: 1100 };

/**
 * Figure 8 of the paper, on a..e for S1..S5; its terms 2 to 5 are terms 1 to 4 here (terms start at 0).
 * a campaigns first (100-110 ms timeouts), e second (150-160 ms), b, c, d never in time (1000-1100 ms).
 *
 * 1. a leads term 1; x1 commits everywhere; a, partitioned with b, appends x2 at index 2, held by a and b only.
 * 2. a crashes; e wins term 2 with c and d, appends y2 at index 2 while cut off, then crashes.
 * 3. a restarts and wins term 3 (b, c, d), replicating x2 to a majority. The naive rule commits it now.
 * 4. a crashes; e restarts and wins term 4 (its last term, 2, beats theirs, 1), overwriting x2 with y2.
 * 5. a client command z3 at e commits in term 4, and y2 with it.
 *
 * Under §5.4.2 x2 never commits and every checker passes; a rule that counts replicas of x2 (term 1) in term 3
 * commits it, and e later applies y2 at index 2: state machine safety and leader completeness fail.
 */
export function figure8Run(rules: ScenarioRules = {}): Trace {
  return runRaft({
    seed: 8,
    network: steady,
    raft: rules,
    nodeOptions: { a: fast, b: never, c: never, d: never, e: timeout(150) },
    interventions: [
      { atMs: 400, kind: 'partition', groups: [['a', 'b'], ['c', 'd', 'e']] },
      { atMs: 450, kind: 'crash', node: 'a' },
      { atMs: 450, kind: 'heal' },
      { atMs: 590, kind: 'partition', groups: [['e'], ['b', 'c', 'd']] },
      { atMs: 650, kind: 'crash', node: 'e' },
      { atMs: 650, kind: 'heal' },
      { atMs: 650, kind: 'restart', node: 'a', durable: true },
      { atMs: 1000, kind: 'crash', node: 'a' },
      { atMs: 1000, kind: 'restart', node: 'e', durable: true },
    ],
    requests: [
      { atMs: 300, node: 'a', command: 'x1' },
      { atMs: 410, node: 'a', command: 'x2' },
      { atMs: 600, node: 'e', command: 'y2' },
      { atMs: 1500, node: 'e', command: 'z3' },
    ],
    untilMs: FIGURE8_UNTIL_MS,
  });
}

/** When the Figure 8 run ends; its faults are over at 1000 ms, and z3 is submitted at 1500 ms. */
export const FIGURE8_UNTIL_MS = 2500;
/** The last fault of the Figure 8 run: progress (z3 committing) is required after it. */
export const FIGURE8_FAULTS_END_MS = 1000;

/**
 * §5.2, a split vote. a and b have the same election timeout (exactly 100 ms), so both become candidates of term 1
 * at once and ask everyone; c hears a first and votes for it, then refuses b; a and b refuse each other, having
 * voted for themselves. a wins with c; a client command at 1000 ms commits. A vote rule that forgets `votedFor`
 * grants both requests (and a and b grant each other's): two leaders of term 1, and election safety fails.
 */
export function splitVoteRun(rules: ScenarioRules = {}): Trace {
  const tied: RaftOptions = { electionTimeoutMinMs: 100, electionTimeoutMaxMs: 100 };
  return runRaft({
    seed: 12,
    nodes: 3,
    network: steady,
    raft: rules,
    nodeOptions: { a: tied, b: tied, c: slow },
    requests: [{ atMs: 1000, command: 'x' }],
    untilMs: 1600,
  });
}

/** When the split vote run's election is over (progress is required after it). */
export const SPLIT_VOTE_SETTLED_MS = 500;

/**
 * §5.4.1, a stale candidate. c sits alone from the start and campaigns over and over, pushing its term up; a leads
 * b and commits x and y; at 800 ms a crashes and the partition heals. c, with an empty log and the highest term,
 * asks b for its vote: the election restriction refuses it, b wins instead and c catches up. A vote rule that
 * ignores the logs lets c win with an empty log (leader completeness fails) and erase x and y from b.
 */
export function staleCandidateRun(rules: ScenarioRules = {}): Trace {
  return runRaft({
    seed: 7,
    nodes: 3,
    network: steady,
    raft: rules,
    nodeOptions: { a: timeout(200), b: timeout(400), c: fast },
    interventions: [{ atMs: 0, kind: 'partition', groups: [['c']] }, { atMs: 800, kind: 'crash', node: 'a' }, { atMs: 800, kind: 'heal' }],
    requests: [{ atMs: 500, node: 'a', command: 'x' }, { atMs: 510, node: 'a', command: 'y' }, { atMs: 2000, command: 'z' }],
    untilMs: 3000,
  });
}

/** When the stale candidate run's faults end (progress is required after it). */
export const STALE_CANDIDATE_FAULTS_END_MS = 800;

/**
 * §5.3, a deposed leader. a leads term 1 and commits x1; at 400 ms it is cut off alone and still appends lost2 and
 * lost3, which reach no one. b and c elect b in term 2 and commit kept2 at index 2; after the heal at 1200 ms a
 * learns of term 2 and its uncommitted entries are replaced by b's. A commit rule whose quorum is too small (the
 * leader alone, in three nodes) lets a commit lost2 on its own, and two nodes apply different entries at index 2.
 */
export function deposedLeaderRun(rules: ScenarioRules = {}): Trace {
  return runRaft({
    seed: 6,
    nodes: 3,
    network: steady,
    raft: rules,
    nodeOptions: { a: fast, b: slow, c: timeout(500) },
    interventions: [{ atMs: 400, kind: 'partition', groups: [['a'], ['b', 'c']] }, { atMs: 1200, kind: 'heal' }],
    requests: [
      { atMs: 300, node: 'a', command: 'x1' },
      { atMs: 410, node: 'a', command: 'lost2' },
      { atMs: 420, node: 'a', command: 'lost3' },
      { atMs: 1000, node: 'b', command: 'kept2' },
      { atMs: 1000, node: 'c', command: 'kept2' },
      { atMs: 1800, command: 'after' },
    ],
    untilMs: 2500,
  });
}

/** When the deposed leader run's faults end. */
export const DEPOSED_LEADER_FAULTS_END_MS = 1200;

/**
 * §5.4.1, a longer but older log. As in `deposedLeaderRun`, a is cut off as leader of term 1 and appends lost2 to
 * lost4 (its log is now 4 long, last term 1), while b leads term 2 and commits kept2 with c (their logs are 2 long,
 * last term 2). At 1200 ms b crashes and the partition heals; a learns of term 2 and, having the shortest
 * timeout, campaigns first. The election restriction compares last terms first, so c refuses a (its term-2 entry
 * is more recent than a's longer term-1 tail) and c wins later. A rule that compares lengths first, or not at all,
 * elects a without kept2, which c applied: leader completeness and then state machine safety fail.
 */
export function olderLongerLogRun(rules: ScenarioRules = {}): Trace {
  return runRaft({
    seed: 11,
    nodes: 3,
    network: steady,
    raft: rules,
    nodeOptions: { a: fast, b: slow, c: timeout(500) },
    interventions: [
      { atMs: 400, kind: 'partition', groups: [['a'], ['b', 'c']] },
      { atMs: 1200, kind: 'crash', node: 'b' },
      { atMs: 1200, kind: 'heal' },
    ],
    requests: [
      { atMs: 300, node: 'a', command: 'x1' },
      ...['lost2', 'lost3', 'lost4'].map((command, i): ClientCommand => ({ atMs: 410 + 10 * i, node: 'a', command })),
      { atMs: 1000, node: 'b', command: 'kept2' },
      { atMs: 1000, node: 'c', command: 'kept2' },
      { atMs: 2200, command: 'after' },
    ],
    untilMs: 3000,
  });
}

/** When the longer-older-log run's faults end. */
export const OLDER_LONGER_LOG_FAULTS_END_MS = 1200;

/**
 * A random fault schedule over `[0, horizonMs)`, then a heal at `horizonMs`: 4 to 12 faults, each one of a crash
 * (with a durable restart 20 to 900 ms later, by `horizonMs` at the latest), a pause of 10 to 400 ms, a partition
 * that cuts a random group off from the rest, a one-way partition between two random groups, or an early heal.
 * Everything is drawn from `rng`, so one seed is one schedule. After `horizonMs` every node is up and connected,
 * which is when a liveness check may require progress.
 */
export function randomFaultSchedule(rng: Random, nodes: readonly NodeId[], horizonMs: number): Intervention[] {
  const group = (): NodeId[] => {
    const picked = nodes.filter(() => rng.chance(0.4));
    return picked.length > 0 ? picked : [rng.pick(nodes)];
  };
  const out: Intervention[] = [];
  const count = rng.int(4, 12);
  for (let i = 0; i < count; i++) {
    const atMs = rng.int(0, horizonMs - 1);
    const kind = rng.pick(['crash', 'crash', 'pause', 'partition', 'partition-one-way', 'heal'] as const);
    switch (kind) {
      case 'crash': {
        const node = rng.pick(nodes);
        out.push({ atMs, kind, node }, { atMs: Math.min(atMs + rng.int(20, 900), horizonMs), kind: 'restart', node, durable: true });
        break;
      }
      case 'pause':
        out.push({ atMs, kind, node: rng.pick(nodes), durationMs: rng.int(10, 400) });
        break;
      case 'partition':
        out.push({ atMs, kind, groups: [group()] });
        break;
      case 'partition-one-way':
        out.push({ atMs, kind, from: group(), to: group() });
        break;
      case 'heal':
        out.push({ atMs, kind });
        break;
    }
  }
  out.sort((x, y) => x.atMs - y.atMs);
  return [...out, { atMs: horizonMs, kind: 'heal' }];
}

/** Options of `faultScheduleRun`. */
export interface FaultScheduleRunOptions extends ScenarioRules {
  seed: number;
  /** Cluster size (default 3). */
  nodes?: number;
  /** How long faults last before the final heal (default 2000 ms). */
  faultsMs?: number;
  /** Message loss during the whole run (default 0.02). */
  lossProbability?: number;
}

/** How long a `faultScheduleRun` goes on after the heal: time for an election and three client commands. */
export const AFTER_HEAL_MS = 2000;

/**
 * A seeded run under `randomFaultSchedule`: client commands arrive at random nodes during the faults, and after
 * the heal a client that does not know the leader sends a command to every node three times. Returns the trace
 * and the schedule (to print with a failure: seed plus interventions is a replay).
 */
export function faultScheduleRun(options: FaultScheduleRunOptions): { trace: Trace; interventions: Intervention[]; healedAtMs: number } {
  const { seed, faultsMs = 2000, lossProbability = 0.02 } = options;
  const ids = nodeIds(options.nodes ?? 3);
  const rng = new Random(seed).fork('fault-schedule');
  const interventions = randomFaultSchedule(rng.fork('faults'), ids, faultsMs);
  const requestRng = rng.fork('requests');
  const during: ClientCommand[] = Array.from({ length: requestRng.int(4, 12) }, (_, i) => ({
    atMs: requestRng.int(0, faultsMs - 1),
    node: requestRng.pick(ids),
    command: `during ${i}`,
  }));
  const after: ClientCommand[] = [500, 1000, 1500].map((delayMs, i) => ({ atMs: faultsMs + delayMs, command: `after ${i}` }));
  const trace = runRaft({
    seed,
    nodes: ids,
    network: { lossProbability },
    raft: { commitRule: options.commitRule, commitIndexRule: options.commitIndexRule, voteRule: options.voteRule },
    interventions,
    requests: [...during, ...after],
    untilMs: faultsMs + AFTER_HEAL_MS,
  });
  return { trace, interventions, healedAtMs: faultsMs };
}

// ---- Paxos runs (paxos.ts). ------------------------------------------------------------------------------------

/**
 * Dueling proposers (Paxos Made Simple §2.2): p1 and p2 start 1 ms apart over a constant 10 ms network, so every
 * acceptor promises p1's ballot and then p2's higher one before p1's accept arrives. The acceptor must refuse
 * p1's accept (it is below its promise); p2's proposal is chosen and p1 retries, adopting it. An acceptor that
 * accepts below its promise lets "x" be chosen with p1's ballot and "y" a millisecond later with p2's.
 */
export function duelingProposersRun(acceptor?: AcceptorRule): Trace {
  return runPaxos({ seed: 1, network: steady, acceptor, untilMs: 1000 });
}

/**
 * A late proposer: p1 gets "x" chosen alone; p2 starts at 200 ms with "y". Its promises must report "x" as
 * accepted, so that p2 proposes "x" again (§2.2, P2c). An acceptor that promises without reporting what it
 * accepted lets "y" be chosen too.
 */
export function lateProposerRun(acceptor?: AcceptorRule): Trace {
  return runPaxos({ seed: 2, proposers: [{ id: 'p1', value: 'x', startMs: 0 }, { id: 'p2', value: 'y', startMs: 200 }], acceptor, untilMs: 1000 });
}

/** Options of `randomPaxosRun`. */
export interface RandomPaxosRunOptions {
  seed: number;
  acceptors?: number;
  acceptor?: AcceptorRule;
  /** With a distinguished proposer (§2.4) the run has no crashes, and termination can be required. */
  distinguished?: boolean;
}

/**
 * A seeded Paxos run: two or three proposers with values "v1".."v3" starting within 150 ms, a lossy network that
 * also duplicates, random randomized backoff, and (unless `distinguished`) up to two acceptor crashes with
 * durable restarts. Returns the trace and the values proposed (for the validity check).
 */
export function randomPaxosRun(options: RandomPaxosRunOptions): { trace: Trace; proposed: string[] } {
  const rng = new Random(options.seed).fork('paxos-run');
  const acceptors = options.acceptors ?? 3;
  const ids = Array.from({ length: acceptors }, (_, i) => `a${i + 1}`);
  const proposers = Array.from({ length: rng.int(2, 3) }, (_, i) => ({ id: `p${i + 1}`, value: `v${i + 1}`, startMs: i === 0 ? 0 : rng.int(0, 150) }));
  const interventions: Intervention[] = [];
  if (!options.distinguished) {
    for (let i = 0, crashes = rng.int(0, 2); i < crashes; i++) {
      const node = rng.pick(ids);
      const atMs = rng.int(0, 300);
      interventions.push({ atMs, kind: 'crash', node }, { atMs: atMs + rng.int(20, 200), kind: 'restart', node, durable: true });
    }
  }
  const trace = runPaxos({
    seed: options.seed,
    acceptors,
    proposers,
    acceptor: options.acceptor,
    backoff: 'random',
    distinguishedProposer: options.distinguished ? 'p1' : undefined,
    network: { lossProbability: rng.pick([0.05, 0.1, 0.2]), duplicationProbability: 0.05, latency: { kind: 'uniform', minMs: 1, maxMs: 30 } },
    interventions: interventions.sort((x, y) => x.atMs - y.atMs),
    untilMs: 1500,
  });
  return { trace, proposed: proposers.map((p) => p.value) };
}

/**
 * The worked run of the chapter's Paxos section, on a constant 10 ms network: p1 proposes "x" at 0 ms and p2
 * proposes "y" at 200 ms. p1 gets promises from all three acceptors, but a one-way partition from 15 ms lets its
 * accept reach only the acceptors in `p1AcceptReaches` (default a1 alone), and p1 crashes at 25 ms. p2 cannot reach
 * a3, so it hears from a1 and a2 only. With the default, nothing is chosen before p2, which learns from a1's promise
 * that x was accepted and proposes x instead of y; with `['a1', 'a2']`, x is chosen at 30 ms and p2 re-proposes it.
 * Either way x, and only x, is chosen. An acceptor rule that does not report what it accepted lets y be chosen.
 */
export function adoptionRun(options: { p1AcceptReaches?: ('a1' | 'a2' | 'a3')[]; acceptor?: AcceptorRule } = {}): Trace {
  const reaches = options.p1AcceptReaches ?? ['a1'];
  const cutOff = ['a1', 'a2', 'a3'].filter((a) => !reaches.includes(a as 'a1'));
  return runPaxos({
    seed: 3,
    network: steady,
    proposers: [{ id: 'p1', value: 'x', startMs: 0 }, { id: 'p2', value: 'y', startMs: 200 }],
    acceptor: options.acceptor,
    interventions: [
      { atMs: 0, kind: 'partition-one-way', from: ['p2'], to: ['a3'] },
      ...(cutOff.length > 0 ? [{ atMs: 15, kind: 'partition-one-way' as const, from: ['p1'], to: cutOff }] : []),
      { atMs: 25, kind: 'crash', node: 'p1' },
    ],
    untilMs: 600,
  });
}

/** One proposer's attempt in a Paxos trace: its ballot, the proposal it adopted (if any), the value it sent. */
export interface ProposerAttempt {
  proposer: NodeId;
  ballot: Ballot;
  /** The highest-ballot proposal the promises reported, which the proposer adopted; null when none was reported. */
  adopted: { ballot: Ballot; value: unknown } | null;
  /** The acceptors whose promises formed the quorum. */
  promisesFrom: NodeId[];
  value: unknown;
  atMs: number;
}

/** Every phase-2 attempt of every proposer, from their `promised` and `accept` log lines, in trace order. */
export function proposerAttempts(trace: Trace): ProposerAttempt[] {
  const out: ProposerAttempt[] = [];
  const pending = new Map<NodeId, { adopted: ProposerAttempt['adopted']; from: NodeId[] }>();
  for (const e of trace.events) {
    if (e.kind !== 'log') continue;
    if (e.text === 'promised') {
      const data = e.data as { adopted: ProposerAttempt['adopted']; from: NodeId[] };
      pending.set(e.node, { adopted: data.adopted, from: data.from });
    } else if (e.text === 'accept') {
      const { ballot, value } = e.data as { ballot: Ballot; value: unknown };
      const promised = pending.get(e.node);
      out.push({ proposer: e.node, ballot, adopted: promised?.adopted ?? null, promisesFrom: promised?.from ?? [], value, atMs: e.t });
    }
  }
  return out;
}

/** `(1, p1)`: a ballot as the chapter writes it. */
export function formatBallot(ballot: Ballot): string {
  return `(${ballot.round}, ${ballot.proposer})`;
}

// ---- Reading Raft runs for the chapter's figures. --------------------------------------------------------------

/** A node's change of role, from its `role` log line: the event's `seq` (to label it in a diagram), time, role, term. */
export interface RoleChange {
  seq: number;
  t: number;
  node: NodeId;
  role: RaftRole;
  term: number;
}

/** Every role change in a trace, in order. */
export function roleChanges(trace: Trace): RoleChange[] {
  const out: RoleChange[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'log' || e.text !== 'role') continue;
    const { role, term } = e.data as { role: RaftRole; term: number };
    out.push({ seq: e.seq, t: e.t, node: e.node, role, term });
  }
  return out;
}

/** Role changes as labels for `display.spaceTime`: `leader t2` beside the event. */
export function roleLabels(trace: Trace): { seq: number; text: string }[] {
  return roleChanges(trace).map((c) => ({ seq: c.seq, text: `${c.role} t${c.term}` }));
}

/** Labels for `display.spaceTime`: `applies x2` beside each event in which a state machine applied log `index`. */
export function applyLabels(trace: Trace, index: number): { seq: number; text: string }[] {
  const out: { seq: number; text: string }[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'log' || e.text !== 'apply') continue;
    const entry = e.data as { index: number; command: unknown };
    if (entry.index === index) out.push({ seq: e.seq, text: `applies ${String(entry.command)}` });
  }
  return out;
}

/** A command a leader acknowledged to its client (a `reply` with `ok`), when and at which index. */
export interface AcknowledgedCommand {
  t: number;
  node: NodeId;
  index: number;
  command: unknown;
}

/** Every acknowledged command in a trace, in order. */
export function acknowledgedCommands(trace: Trace): AcknowledgedCommand[] {
  const out: AcknowledgedCommand[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'reply') continue;
    const response = e.response as { ok?: boolean; index?: number; command?: unknown };
    if (response.ok === true && typeof response.index === 'number') out.push({ t: e.t, node: e.node, index: response.index, command: response.command });
  }
  return out;
}

/**
 * The start of a run, as §5.2 sees it: when the first leader was elected (null if none was by the end), and how
 * many terms began with an election before that leader's term (split votes, or votes lost on the way).
 */
export function firstElection(trace: Trace): { electedMs: number | null; failedTerms: number } {
  const changes = roleChanges(trace);
  const first = changes.find((c) => c.role === 'leader');
  const leaderTerms = Object.keys(leadersByTerm(trace)).map(Number);
  const firstLeaderTerm = leaderTerms.length > 0 ? Math.min(...leaderTerms) : Infinity;
  const failed = new Set(changes.filter((c) => c.role === 'candidate' && c.term < firstLeaderTerm).map((c) => c.term));
  return { electedMs: first === undefined ? null : first.t, failedTerms: failed.size };
}

/** Options of `electionTimeoutSweep`. */
export interface ElectionSweepOptions {
  /** Election-timeout ranges `[minMs, maxMs]` to compare, e.g. `[[150, 151], [150, 300]]`. */
  ranges: [number, number][];
  /** Seeds 1..`seeds` per range (default 60). */
  seeds?: number;
  /** Cluster size (default 5). */
  nodes?: number;
  /** How long each run may take to elect (default 3000 ms). */
  untilMs?: number;
}

/** One run of the sweep: its range (as `150–300 ms`), its seed and its `firstElection`. */
export interface ElectionSample {
  range: string;
  seed: number;
  electedMs: number | null;
  failedTerms: number;
}

/** `150–300 ms`: a timeout range as the chapter labels it. */
export function formatRange([minMs, maxMs]: [number, number]): string {
  return `${minMs}–${maxMs} ms`;
}

/** The chapter's §5.2 experiment: a fresh cluster per range and seed, with no client traffic and no faults. */
export function electionTimeoutSweep(options: ElectionSweepOptions): ElectionSample[] {
  const { ranges, seeds = 60, nodes = 5, untilMs = 3000 } = options;
  const samples: ElectionSample[] = [];
  for (const range of ranges) {
    for (let seed = 1; seed <= seeds; seed++) {
      // Only the role lines are read, so the nodes' states are not recorded: the same samples, for less work.
      const trace = runRaft({ seed, nodes, raft: { electionTimeoutMinMs: range[0], electionTimeoutMaxMs: range[1] }, untilMs, trace: { recordState: false } });
      samples.push({ range: formatRange(range), seed, ...firstElection(trace) });
    }
  }
  return samples;
}

/** Per range of a sweep: runs, runs that elected a leader, the median time to do so, runs with a failed term. */
export interface ElectionSummary {
  range: string;
  runs: number;
  elected: number;
  medianElectedMs: number | null;
  runsWithFailedTerm: number;
}

/** Summarises a sweep, one row per range in the order of the samples. The median is the upper one of an even count. */
export function summarizeElections(samples: readonly ElectionSample[]): ElectionSummary[] {
  const ranges = [...new Set(samples.map((s) => s.range))];
  return ranges.map((range) => {
    const runs = samples.filter((s) => s.range === range);
    const times = runs.flatMap((s) => (s.electedMs === null ? [] : [s.electedMs])).sort((a, b) => a - b);
    return {
      range,
      runs: runs.length,
      elected: times.length,
      medianElectedMs: times.length > 0 ? times[Math.floor(times.length / 2)] : null,
      runsWithFailedTerm: runs.filter((s) => s.failedTerms > 0).length,
    };
  });
}

/** Options of `commitCost`. */
export interface CommitCostOptions {
  seed: number;
  nodes: number;
  /** How many commands (default 40), one every `intervalMs` (default 50) from `startMs` (default 1000). */
  commands?: number;
  intervalMs?: number;
  startMs?: number;
  /** How long to run (default 4000 ms). */
  untilMs?: number;
  raft?: RaftOptions;
}

/**
 * What agreement cost in one steady run: commands acknowledged, the median time from submission to the leader's
 * acknowledgement, and the messages sent while the commands were being handled (from `startMs` for as long as
 * submitting them took), per acknowledged command, split into AppendEntries that carried entries
 * (with their answers), empty AppendEntries (heartbeats, with their answers) and anything else (elections).
 */
export interface CommitCost {
  nodes: number;
  committed: number;
  medianLatencyMs: number;
  messagesPerCommand: number;
  replicationPerCommand: number;
  heartbeatsPerCommand: number;
  otherPerCommand: number;
}

/** The chapter's cost experiment: `commitCost({ seed: 2, nodes: 5 })`. */
export function commitCost(options: CommitCostOptions): CommitCost {
  const { seed, nodes, commands = 40, intervalMs = 50, startMs = 1000, untilMs = 4000 } = options;
  const requests = Array.from({ length: commands }, (_, i) => ({ atMs: startMs + i * intervalMs, command: `c${i}` }));
  const trace = runRaft({ seed, nodes, requests, raft: options.raft, untilMs });
  const sentAt = new Map(requests.map((r) => [r.command, r.atMs]));
  const acknowledged = acknowledgedCommands(trace);
  const latencies = acknowledged.map((a) => a.t - (sentAt.get(String(a.command)) ?? a.t)).sort((x, y) => x - y);
  const windowEndMs = startMs + commands * intervalMs;
  // An answer is classed with the AppendEntries it answers: a follower answers in the step that handles the
  // delivery, so its next answer to that leader answers the AppendEntries it was delivered last.
  const lastDelivered = new Map<string, boolean>();
  let replication = 0;
  let heartbeats = 0;
  let other = 0;
  for (const e of trace.events) {
    if (e.kind === 'deliver' && (e.message as RaftMessage).type === 'appendEntries') {
      lastDelivered.set(`${e.from}->${e.node}`, (e.message as Extract<RaftMessage, { type: 'appendEntries' }>).entries.length > 0);
    }
    if (e.kind !== 'send' || e.t < startMs || e.t >= windowEndMs) continue;
    const message = e.message as RaftMessage;
    const carriesEntries =
      message.type === 'appendEntries' ? message.entries.length > 0
        : message.type === 'appendEntriesResult' ? (lastDelivered.get(`${e.to}->${e.node}`) ?? false)
          : null;
    if (carriesEntries === null) other++;
    else if (carriesEntries) replication++;
    else heartbeats++;
  }
  const n = acknowledged.length;
  const per = (count: number) => (n === 0 ? 0 : count / n);
  return {
    nodes,
    committed: n,
    medianLatencyMs: latencies.length > 0 ? latencies[Math.floor(latencies.length / 2)] : 0,
    messagesPerCommand: per(replication + heartbeats + other),
    replicationPerCommand: per(replication),
    heartbeatsPerCommand: per(heartbeats),
    otherPerCommand: per(other),
  };
}
