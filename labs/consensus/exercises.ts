/**
 * The exercises of "Consensus": how many crashes a majority tolerates, when quorums intersect, which entries a
 * Raft leader may commit (Figure 8), what term and vote a server holds after a run of messages (§5.1, §5.2), whom
 * the election restriction lets a voter elect (§5.4.1), what FLP does and does not say, and code exercises that
 * plug the learner's rule into the real implementation: Raft's vote rule (`voteRule`), its commit rule
 * (`commitIndexRule`) and the Paxos acceptor (`runPaxos({ acceptor })`).
 *
 * Conceptual answers are computed by the lab's own code (`grantVoteRule`, `advanceCommitIndex`, a real Raft node
 * stepped by hand), never by a second copy of the rules. A code exercise checks the learner's function on single
 * cases first, then runs whole clusters with it: the scripted scenarios of scenarios.ts, where each rule's
 * mistakes are known to show, and seeded random fault schedules; the checkers judge every trace (safety), and
 * progress after the heal (liveness). A failure names the property and the run's seed, so it can be replayed.
 */
import type { ExerciseSet } from '../catalog';
import { defineExercise, type Check, type CheckVerdict } from '../exercises/types';
import { distinctMistakes } from '../exercises/grade';
import { guarded, WrongReturn } from '../exercises/in-simulation';
import type { CheckResult } from '../sim/check';
import { Random } from '../sim/random';
import type { Trace } from '../sim/trace';
import type { Input, NodeId } from '../sim/types';
import { checkProgress, checkRaftSafety } from './checkers';
import { acceptorRule, checkPaxosAgreement, checkPaxosTermination, checkPaxosValidity } from './paxos';
import type { AcceptorReply, AcceptorRequest, AcceptorRule, AcceptorState, Ballot } from './paxos';
import { advanceCommitIndex, advanceCommitIndexNaive, grantVoteRule, nodeIds, raftNode } from './raft';
import type { CommitIndexRule, LogEntry, RaftMessage, RaftState, RequestVoteArgs, VoteRule } from './raft';
import {
  DEPOSED_LEADER_FAULTS_END_MS,
  FIGURE8_FAULTS_END_MS,
  OLDER_LONGER_LOG_FAULTS_END_MS,
  SPLIT_VOTE_SETTLED_MS,
  STALE_CANDIDATE_FAULTS_END_MS,
  deposedLeaderRun,
  duelingProposersRun,
  faultScheduleRun,
  figure8Run,
  lateProposerRun,
  olderLongerLogRun,
  randomPaxosRun,
  splitVoteRun,
  staleCandidateRun,
} from './scenarios';

// ——— Shared helpers ———


/** A Raft state for hand-made cases; every field not given is a follower's fresh value. */
function raftState(overrides: Partial<RaftState>): RaftState {
  return {
    currentTerm: 1, votedFor: null, log: [], role: 'follower', leaderId: null, commitIndex: 0, lastApplied: 0,
    votes: [], nextIndex: {}, matchIndex: {}, awaiting: [], ...overrides,
  };
}

const logOfTerms = (terms: number[]): LogEntry[] => terms.map((term, i) => ({ term, command: `c${i + 1}` }));
const lastTermOf = (log: LogEntry[]) => log[log.length - 1]?.term ?? 0;

// ——— 1. How many failures ———

export const failuresTolerated = defineExercise({
  id: 'consensus/failures-tolerated',
  title: 'How many crashes does a majority survive?',
  kind: 'numeric',
  tolerance: { absolute: 0 },
  unit: 'servers',
  generate: (rng) => ({ n: rng.int(3, 9) }),
  prompt: (p) => ({
    text: `A Raft cluster has **${p.n} servers**. A leader needs votes from a majority to be elected, and an entry commits once a majority stores it. At most how many servers can be crashed at the same time while the cluster can still elect a leader and commit new entries?`,
  }),
  answer: (p) => Math.floor((p.n - 1) / 2),
  mistakes(p) {
    const majority = Math.floor(p.n / 2) + 1;
    const answer = Math.floor((p.n - 1) / 2);
    const known = [
      { value: majority, feedback: `${majority} is the size of a majority of ${p.n}: the servers that must stay up. The question asks how many may be down: ${p.n} minus that.` },
      { value: p.n / 2, feedback: `With ${p.n / 2} of ${p.n} down, the ${p.n / 2} still running are exactly half, and half is not a majority: two halves could each elect a leader if half were enough.` },
      { value: p.n - 1, feedback: `That leaves a single server running. One server is not a majority of ${p.n}, so it can neither win an election nor commit.` },
      { value: Math.floor((p.n - 1) / 3), feedback: 'n ≥ 3f + 1 is the bound for Byzantine (arbitrary) faults. Raft tolerates crashes only, and for crashes a majority of servers left running is enough.' },
    ];
    // A value that happens to equal the answer (⌊(n − 1)/3⌋ for n = 4) is not a mistake for that variant.
    return distinctMistakes({ absolute: 0 }, answer, known.filter((m) => Number.isInteger(m.value)));
  },
  hints: (p) => [`First work out the size of a majority of ${p.n}: the smallest number of servers that is more than half.`, 'The servers still running must be able to form a majority on their own.'],
  solution(p) {
    const majority = Math.floor(p.n / 2) + 1;
    const f = p.n - majority;
    return {
      text: `A majority of ${p.n} is ⌊${p.n}/2⌋ + 1 = ${majority}. The running servers must be able to form one, so at most ${p.n} − ${majority} = **${f}** may be down: f = ⌊(n − 1)/2⌋, or n = 2f + 1 servers to survive f crashes.${p.n % 2 === 0 ? ` With an even n the extra server buys nothing: ${p.n} servers survive ${f} crashes, as ${p.n - 1} do, while every commit waits for one more acknowledgement. That is why clusters have an odd size.` : ''} Why majorities: any two of them share a server, so a new leader's voters always include someone who holds every committed entry.`,
    };
  },
});

// ——— 2. Quorum intersection ———

interface QuorumSystem {
  id: string;
  kind: 'rw' | 'family';
  n: number;
  r?: number;
  w?: number;
  family?: NodeId[][];
}

/** Two quorums of the system that share no node, or null when every read quorum meets every write quorum. */
function disjointQuorums(q: QuorumSystem): [NodeId[], NodeId[]] | null {
  if (q.kind === 'rw') {
    const r = q.r as number;
    const w = q.w as number;
    if (r + w > q.n) return null;
    const ids = nodeIds(q.n);
    return [ids.slice(q.n - r), ids.slice(0, w)];
  }
  const family = q.family as NodeId[][];
  for (let i = 0; i < family.length; i++) {
    for (let j = i + 1; j < family.length; j++) {
      const [x, y] = [family[i] as NodeId[], family[j] as NodeId[]];
      if (!x.some((node) => y.includes(node))) return [x, y];
    }
  }
  return null;
}

const setText = (nodes: NodeId[]) => `{${nodes.join(', ')}}`;

function quorumLabel(q: QuorumSystem): string {
  if (q.kind === 'rw') return `${q.n} replicas; a read waits for r = ${q.r} of them, a write for w = ${q.w}`;
  return `5 replicas a to e; every read and every write uses one of the quorums ${(q.family as NodeId[][]).map(setText).join(', ')}`;
}

export const quorumIntersection = defineExercise({
  id: 'consensus/quorum-intersection',
  title: 'Do the quorums intersect?',
  kind: 'choice',
  multiple: true,
  generate(rng) {
    const n = rng.int(4, 7);
    const boundary = rng.int(1, n - 1);
    const tight = rng.int(1, n);
    const rw: Omit<QuorumSystem, 'id'>[] = [
      { kind: 'rw', n, r: boundary, w: n - boundary }, // r + w = n: just too small
      { kind: 'rw', n, r: tight, w: n + 1 - tight }, // r + w = n + 1: just enough
      { kind: 'rw', n, r: 1, w: n }, // read one, write all
      { kind: 'rw', n, r: Math.floor(n / 2) + 1, w: Math.floor(n / 2) + 1 }, // majorities, as in Raft
    ];
    // An explicit family of three quorums over a..e, intersecting or not as a coin decides.
    const wantIntersecting = rng.chance(0.5);
    let family: NodeId[][];
    for (;;) {
      family = Array.from({ length: 3 }, () => rng.shuffle(nodeIds(5)).slice(0, rng.int(2, 3)).sort());
      const distinct = new Set(family.map((s) => s.join())).size === 3;
      if (distinct && (disjointQuorums({ id: '', kind: 'family', n: 5, family }) === null) === wantIntersecting) break;
    }
    const distinctRw = rw.filter((q, i) => rw.findIndex((x) => x.r === q.r && x.w === q.w) === i);
    const systems = rng.shuffle([...distinctRw, { kind: 'family' as const, n: 5, family }]);
    return { systems: systems.map((q, i) => ({ ...q, id: `q${i + 1}` })) as QuorumSystem[] };
  },
  prompt: () => ({
    text: 'A quorum system says which sets of replicas an operation must hear from. A read sees the latest write only if **every read quorum shares at least one replica with every write quorum**. Which of these systems guarantee that? (Replicas answer only about what they stored; nothing else connects them.)',
  }),
  options: (p) => p.systems.map((q) => ({ id: q.id, label: quorumLabel(q) })),
  correct: (p) => p.systems.filter((q) => disjointQuorums(q) === null).map((q) => q.id),
  explain(p, id) {
    const q = p.systems.find((s) => s.id === id) as QuorumSystem;
    const apart = disjointQuorums(q);
    if (q.kind === 'rw') {
      const sum = (q.r as number) + (q.w as number);
      if (apart === null) return `r + w = ${sum} > ${q.n}: two sets that large cannot fit side by side among ${q.n} replicas, so they share at least ${sum - q.n}.`;
      return `r + w = ${sum} is not more than n = ${q.n}: a write to ${setText(apart[1])} and a read from ${setText(apart[0])} share no replica, so the read can miss the write.`;
    }
    if (apart === null) return 'Each pair of the listed quorums shares a replica (check all three pairs), so any read meets any write.';
    return `${setText(apart[0])} and ${setText(apart[1])} share no replica: a write to one and a read from the other miss each other.`;
  },
  hints: () => ['Try to place a read quorum and a write quorum so that they share nothing. If you can, the system does not guarantee intersection.', 'For sizes r and w out of n: they can be kept apart exactly when r + w ≤ n.'],
  solution(p) {
    const lines = p.systems.map((q) => `- ${quorumLabel(q)}: **${disjointQuorums(q) === null ? 'yes' : 'no'}**. ${quorumExplanation(q)}`);
    return { text: `${lines.join('\n')}\n\nThe pigeonhole argument: two subsets of n replicas with r + w > n elements must overlap. Majorities (r = w = ⌊n/2⌋ + 1) are the symmetric case that Paxos and Raft use, for votes and commits alike; but intersection is all that matters, which is why systems like Dynamo expose r and w, and Flexible Paxos (Howard et al., 2016) lets the two phases use different quorums as long as each phase-1 quorum meets each phase-2 quorum.` };
  },
});

function quorumExplanation(q: QuorumSystem): string {
  const apart = disjointQuorums(q);
  if (q.kind === 'rw') {
    const sum = (q.r as number) + (q.w as number);
    return apart === null ? `r + w = ${sum} > ${q.n}.` : `r + w = ${sum} ≤ ${q.n}: ${setText(apart[0])} misses ${setText(apart[1])}.`;
  }
  return apart === null ? 'Every pair of quorums shares a replica.' : `${setText(apart[0])} and ${setText(apart[1])} are disjoint.`;
}

// ——— 3. Committed entries ———

interface CommitPuzzle {
  n: number;
  currentTerm: number;
  log: number[];
  commitIndex: number;
  matchIndex: Record<NodeId, number>;
  shape: 'old-term-majority' | 'indirect' | 'partial';
}

function puzzleState(p: CommitPuzzle): RaftState {
  return raftState({ role: 'leader', currentTerm: p.currentTerm, votedFor: 'a', leaderId: 'a', log: logOfTerms(p.log), commitIndex: p.commitIndex, matchIndex: p.matchIndex });
}

const puzzlePeers = (p: CommitPuzzle) => nodeIds(p.n).slice(1);
const committedUnderRaft = (p: CommitPuzzle) => advanceCommitIndex(puzzleState(p), puzzlePeers(p), p.n);
const committedNaively = (p: CommitPuzzle) => advanceCommitIndexNaive(puzzleState(p), puzzlePeers(p), p.n);
const replicasAt = (p: CommitPuzzle, index: number) => 1 + Object.values(p.matchIndex).filter((m) => m >= index).length;

function drawCommitPuzzle(rng: Random): CommitPuzzle {
  const shape = rng.pick(['old-term-majority', 'indirect', 'partial'] as const);
  for (;;) {
    const n = rng.pick([3, 5, 5]);
    const currentTerm = rng.int(3, 6);
    const old = rng.int(2, 4);
    const log: number[] = [1];
    for (let i = 1; i < old; i++) log.push(Math.min(currentTerm - 1, (log[i - 1] as number) + rng.int(0, 1)));
    for (let i = 0, m = rng.int(shape === 'old-term-majority' ? 0 : 1, 3); i < m; i++) log.push(currentTerm);
    const matchIndex: Record<NodeId, number> = {};
    for (const peer of nodeIds(n).slice(1)) matchIndex[peer] = rng.int(0, log.length);
    const p: CommitPuzzle = { n, currentTerm, log, commitIndex: 1, matchIndex, shape };
    const raft = committedUnderRaft(p);
    const naive = committedNaively(p);
    const oldCommitsIndirectly = raft > 1 && log.slice(1, raft).some((t) => t < currentTerm);
    const ok =
      (shape === 'old-term-majority' && naive > raft) ||
      (shape === 'indirect' && oldCommitsIndirectly && naive === raft) ||
      (shape === 'partial' && raft > 1 && raft < log.length && log[raft] === currentTerm);
    if (ok) return p;
  }
}

function puzzleTable(p: CommitPuzzle): string {
  const width = 3;
  const pad = (x: string | number) => String(x).padStart(width);
  const rows = [
    `index        ${p.log.map((_, i) => pad(i + 1)).join('')}`,
    `term at a    ${p.log.map(pad).join('')}`,
  ];
  return `\`\`\`\n${rows.join('\n')}\n\`\`\``;
}

const matchText = (p: CommitPuzzle) => Object.entries(p.matchIndex).map(([peer, m]) => `${peer}: ${m}`).join(', ');

const committedText = (p: CommitPuzzle) => `[${Array.from({ length: committedUnderRaft(p) }, (_, i) => i + 1).join(', ')}]`;

export const committedEntries = defineExercise({
  id: 'consensus/committed-entries',
  title: 'Which entries has the leader committed?',
  kind: 'structured',
  format: 'vector',
  placeholder: '[1, 2, 3]',
  generate: (rng) => drawCommitPuzzle(rng),
  prompt: (p) => ({
    text: `Server **a** is the leader of term ${p.currentTerm} in a cluster of ${p.n} (a to ${nodeIds(p.n)[p.n - 1]}). Its log, by index, holds entries of these terms:\n\n${puzzleTable(p)}\n\nIts commitIndex is ${p.commitIndex}, and it has just learned from the acknowledgements that matchIndex is { ${matchText(p)} } (the highest index each follower is known to store, identical to a's log up to there). Following Raft's commit rule (§5.4.2), which indices does a know to be committed once it has processed these acknowledgements, that is, which indices does its new commitIndex cover? (An earlier leader may already have committed an older entry without a knowing it; count only what a's own rule lets it conclude.) List them all, like \`[1, 2, 3]\`.`,
  }),
  reference: (p) => committedText(p),
  check(p, value): Check[] {
    const sorted = [...value].sort((x, y) => x - y);
    const prefix = sorted.every((x, i) => x === i + 1);
    const expected = committedUnderRaft(p);
    const naive = committedNaively(p);
    const highest = sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number);
    let feedback = '';
    if (highest > expected) {
      const term = p.log[highest - 1] as number;
      const replicas = replicasAt(p, highest);
      feedback = highest <= naive && term < p.currentTerm
        ? `Index ${highest} is on ${replicas} of ${p.n} servers, a majority, but its entry is from term ${term}, not the leader's term ${p.currentTerm}. A leader never commits an entry of an earlier term by counting its replicas: a server without it could still be elected and overwrite it (Figure 8). Only a current-term entry on a majority commits, and everything before it with it.`
        : highest > p.log.length
          ? `The log has only ${p.log.length} entries.`
          : `Index ${highest} is stored on ${replicas} of ${p.n} servers (the leader and the followers whose matchIndex reaches it); a majority is ${Math.floor(p.n / 2) + 1}.`;
    } else if (highest < expected) {
      const older = p.log.slice(highest, expected - 1).some((t) => t < p.currentTerm);
      feedback = `Index ${expected} holds an entry of the current term ${p.currentTerm} and is stored on a majority, so it commits${older ? ', and with it every entry before it, including those of earlier terms (they are on the same servers, by Log Matching)' : ''}. Count the leader itself among the servers that hold an entry.`;
    }
    return [
      { name: 'a prefix of the log', passed: prefix, feedback: prefix ? '' : 'Committed entries form a prefix of the log: if index i is committed, so is every index before it. List every committed index from 1, like [1, 2, 3].' },
      { name: 'highest committed index', passed: highest === expected, feedback },
    ];
  },
  hints: (p) => [
    `For each index, count the servers that hold it: a itself plus every follower whose matchIndex is at least that index. A majority of ${p.n} is ${Math.floor(p.n / 2) + 1}.`,
    `Then look at the term of each entry: only an entry of term ${p.currentTerm} may be committed by counting.`,
  ],
  solution(p) {
    const expected = committedUnderRaft(p);
    const naive = committedNaively(p);
    const counts = p.log.map((term, i) => `- index ${i + 1} (term ${term}): on ${replicasAt(p, i + 1)} of ${p.n}${i + 1 <= p.commitIndex ? ', already committed' : ''}`);
    const why = naive > expected
      ? `Index ${naive} is on a majority but is from term ${p.log[naive - 1]}, so a may not count it: this is Figure 8, where such an entry is overwritten by a later leader that never had it. It will commit as soon as an entry of term ${p.currentTerm} after it reaches a majority.`
      : expected > p.commitIndex
        ? `The highest index on a majority with an entry of term ${p.currentTerm} is ${expected}; it commits, and every entry before it with it.`
        : 'No entry of the current term is on a majority yet, so nothing new commits.';
    return { text: `The answer is \`${committedText(p)}\`.\n\n${counts.join('\n')}\n\n${why}` };
  },
});

// ——— 4. Term and vote ———

type TermEvent =
  | { kind: 'vote'; from: NodeId; term: number; lastLogIndex: number; lastLogTerm: number }
  | { kind: 'append'; from: NodeId; term: number }
  | { kind: 'timeout' };

interface TermPuzzle {
  currentTerm: number;
  votedFor: NodeId | null;
  log: number[];
  events: TermEvent[];
}

const PEERS_OF_A = ['b', 'c', 'd', 'e'];

/** Steps a real Raft node 'a' through the events; returns its state after each. */
function stepThrough(p: TermPuzzle): RaftState[] {
  const node = raftNode();
  const ctx = { id: 'a', peers: PEERS_OF_A, nowMs: 0, random: new Random(1) };
  let state = raftState({ currentTerm: p.currentTerm, votedFor: p.votedFor, log: logOfTerms(p.log), role: p.votedFor === 'a' ? 'candidate' : 'follower', votes: p.votedFor === 'a' ? ['a'] : [] });
  const states: RaftState[] = [];
  for (const [i, e] of p.events.entries()) {
    let input: Input<RaftMessage>;
    if (e.kind === 'timeout') input = { type: 'timer', name: 'election' };
    else if (e.kind === 'vote') input = { type: 'message', from: e.from, msgId: i, message: { type: 'requestVote', term: e.term, lastLogIndex: e.lastLogIndex, lastLogTerm: e.lastLogTerm } };
    else input = { type: 'message', from: e.from, msgId: i, message: { type: 'appendEntries', term: e.term, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 } };
    state = node.step(state, input, ctx).state;
    states.push(state);
  }
  return states;
}

function describeEvent(e: TermEvent): string {
  if (e.kind === 'timeout') return "a's election timer fires";
  if (e.kind === 'append') return `AppendEntries (a heartbeat) from ${e.from} with term ${e.term}`;
  return `RequestVote from ${e.from} with term ${e.term}, lastLogIndex ${e.lastLogIndex}, lastLogTerm ${e.lastLogTerm}`;
}

function drawTermPuzzle(rng: Random): TermPuzzle {
  for (;;) {
    const currentTerm = rng.int(2, 4);
    const length = rng.int(2, 4);
    const log = Array.from({ length }, (_, i) => Math.min(currentTerm, 1 + Math.floor((i * currentTerm) / length)));
    const votedFor = rng.pick([null, null, 'c', 'a']);
    const events: TermEvent[] = [];
    let term = currentTerm;
    for (let i = 0, count = rng.int(3, 5); i < count; i++) {
      const kind = rng.pick(['vote', 'vote', 'vote', 'append', 'timeout'] as const);
      const t = Math.max(1, term + rng.int(-1, 2));
      if (kind === 'timeout') {
        events.push({ kind });
        term += 1;
      } else if (kind === 'append') {
        events.push({ kind, from: rng.pick(PEERS_OF_A), term: t });
      } else {
        const lastLogTerm = Math.max(0, Math.min(t, lastTermOf(logOfTerms(log)) + rng.int(-1, 1)));
        events.push({ kind, from: rng.pick(PEERS_OF_A), term: t, lastLogTerm, lastLogIndex: lastLogTerm === 0 ? 0 : Math.max(1, length + rng.int(-1, 1)) });
      }
      term = Math.max(term, t);
    }
    const p: TermPuzzle = { currentTerm, votedFor, log, events };
    const states = stepThrough(p);
    const final = states[states.length - 1] as RaftState;
    // Interesting: the term moved, and at least one vote request was refused or one message was stale.
    let refusedOrStale = false;
    let before = raftState({ currentTerm, votedFor });
    for (const [i, e] of events.entries()) {
      const after = states[i] as RaftState;
      if (e.kind !== 'timeout' && (e.term < before.currentTerm || (e.kind === 'vote' && after.votedFor !== e.from))) refusedOrStale = true;
      before = after;
    }
    if (final.currentTerm !== currentTerm && refusedOrStale && final.role !== 'leader') return p;
  }
}

const voteText = (v: NodeId | null) => v ?? 'none';

function termVoteText(p: TermPuzzle): string {
  const final = stepThrough(p).at(-1) as RaftState;
  return `${final.currentTerm}, ${voteText(final.votedFor)}`;
}

export const termAndVote = defineExercise({
  id: 'consensus/term-and-vote',
  title: 'Term and vote after a run of messages',
  kind: 'structured',
  format: 'list',
  placeholder: '3, c',
  generate: (rng) => drawTermPuzzle(rng),
  prompt: (p) => ({
    text: `Server **a** (in a cluster a to e) has currentTerm ${p.currentTerm}, votedFor ${voteText(p.votedFor)}${p.votedFor === 'a' ? ' (it is a candidate)' : ''}, and a log of ${p.log.length} ${p.log.length === 1 ? 'entry' : 'entries'} whose last one is from term ${p.log[p.log.length - 1]}. Then, in this order:\n\n${p.events.map((e, i) => `${i + 1}. ${describeEvent(e)}`).join('\n')}\n\nFollowing Figure 2 of the Raft paper (§5.1 terms, §5.2 votes, §5.4.1 the election restriction), what are a's currentTerm and votedFor afterwards? Answer like \`3, c\`, or \`3, none\` if it has not voted in that term.`,
  }),
  reference: (p) => termVoteText(p),
  check(p, value): Check[] {
    if (value.length !== 2) return [{ name: 'two values', passed: false, feedback: `Give two values, the term and the vote, like 3, c or 3, none; yours has ${value.length}.` }];
    const states = stepThrough(p);
    const final = states.at(-1) as RaftState;
    const term = Number(value[0]);
    // Server names are lower case; 'None', 'NULL' and 'null' all mean no vote.
    const typed = (value[1] as string).toLowerCase();
    const vote = typed === 'null' ? 'none' : typed;
    const checks: Check[] = [];
    let termFeedback = '';
    if (!Number.isInteger(term)) termFeedback = `The first value is the term, a whole number; yours is '${value[0]}'.`;
    else if (term < final.currentTerm) termFeedback = 'Too low. A server adopts the term of any message carrying a higher one (§5.1), whether or not it then grants anything, and an election timeout starts a new term of its own.';
    else if (term > final.currentTerm) termFeedback = "Too high. Only a higher term in a message, or a's own election timeout, raises currentTerm; a message from an earlier or the same term never does.";
    checks.push({ name: 'currentTerm', passed: term === final.currentTerm, feedback: termFeedback });
    const expected = voteText(final.votedFor);
    let voteFeedback = '';
    if (vote !== expected) {
      const asked = p.events.map((e, i) => ({ e, after: states[i] as RaftState })).filter(({ e }) => e.kind === 'vote' && e.from === vote);
      const last = asked.at(-1);
      if (vote === 'a') voteFeedback = 'a votes for itself only when its election timer fires and it starts a new term; a later term clears that vote.';
      else if (last && last.e.kind === 'vote' && last.e.term < last.after.currentTerm) voteFeedback = `${vote}'s request carried term ${last.e.term}, older than a's term at the time: it is refused, and a later term clears any earlier vote anyway.`;
      else if (last && last.e.kind === 'vote') {
        const index = p.events.indexOf(last.e);
        const before = index === 0 ? raftState({ currentTerm: p.currentTerm, votedFor: p.votedFor, log: logOfTerms(p.log) }) : (states[index - 1] as RaftState);
        const upToDate = grantVoteRule({ ...before, votedFor: null, log: logOfTerms(p.log) }, { type: 'requestVote', term: last.e.term, lastLogIndex: last.e.lastLogIndex, lastLogTerm: last.e.lastLogTerm, candidateId: vote });
        voteFeedback = !upToDate
          ? `${vote}'s log (last entry term ${last.e.lastLogTerm}, index ${last.e.lastLogIndex}) is less up-to-date than a's (term ${lastTermOf(logOfTerms(p.log))}, index ${p.log.length}): a refuses it (§5.4.1).`
          : `When ${vote} asked, a had already voted in that term; one vote per term (§5.2).`;
      } else if (vote === 'none') voteFeedback = `a did vote in term ${final.currentTerm}: find the request of that term it granted, or the timeout that made it vote for itself.`;
      else voteFeedback = `${vote} never asked a for its vote.`;
    }
    checks.push({ name: 'votedFor', passed: vote === expected, feedback: voteFeedback });
    return checks;
  },
  hints: () => [
    'Process the events one at a time, writing down (term, votedFor) after each.',
    'A higher term first makes a a follower of that term with no vote; then the message is handled as usual. A lower term is refused outright.',
  ],
  solution(p) {
    const states = stepThrough(p);
    const lines = p.events.map((e, i) => {
      const s = states[i] as RaftState;
      return `${i + 1}. ${describeEvent(e)} → term ${s.currentTerm}, votedFor ${voteText(s.votedFor)}`;
    });
    return { text: `The answer is \`${termVoteText(p)}\`.\n\n${lines.join('\n')}\n\nThe rules: a message with a higher term makes a a follower of that term with its vote cleared (§5.1); a request with a lower term is refused without changing anything; a vote is granted at most once per term (§5.2), only to a candidate whose log is at least as up-to-date (§5.4.1); a heartbeat of the current term changes neither; a timeout starts a new term and a votes for itself.` };
  },
});

// ——— 5. Election restriction ———

interface Candidate {
  id: NodeId;
  lastLogIndex: number;
  lastLogTerm: number;
}

interface RestrictionPuzzle {
  currentTerm: number;
  log: number[];
  candidates: Candidate[];
}

function canWinVote(p: RestrictionPuzzle, c: Candidate): boolean {
  // Each candidate asks in the next term, so a has not voted in it: only the log decides.
  return grantVoteRule(raftState({ currentTerm: p.currentTerm + 1, log: logOfTerms(p.log) }), { type: 'requestVote', term: p.currentTerm + 1, candidateId: c.id, ...c });
}

function restrictionWhy(p: RestrictionPuzzle, c: Candidate): string {
  const myTerm = lastTermOf(logOfTerms(p.log));
  if (c.lastLogTerm > myTerm) return `Its last term ${c.lastLogTerm} is later than a's ${myTerm}: more up-to-date, however short its log.`;
  if (c.lastLogTerm < myTerm) return `Its last term ${c.lastLogTerm} is earlier than a's ${myTerm}: less up-to-date, however long its log. Terms are compared first.`;
  return c.lastLogIndex >= p.log.length
    ? `Same last term as a, and its log is at least as long (${c.lastLogIndex} ≥ ${p.log.length}): at least as up-to-date.`
    : `Same last term as a, but its log is shorter (${c.lastLogIndex} < ${p.log.length}): a would lose entries it has.`;
}

export const electionRestriction = defineExercise({
  id: 'consensus/election-restriction',
  title: 'Who can get this vote?',
  kind: 'choice',
  multiple: true,
  generate(rng) {
    const currentTerm = rng.int(4, 7);
    const lastTerm = rng.int(2, currentTerm - 1);
    const length = rng.int(3, 7);
    const log = Array.from({ length }, (_, i) => (i === length - 1 ? lastTerm : Math.min(lastTerm, 1 + Math.floor((i * lastTerm) / length))));
    const shapes = rng.shuffle([
      { lastLogTerm: rng.int(lastTerm + 1, currentTerm), lastLogIndex: rng.int(1, length - 1) }, // later term, shorter
      { lastLogTerm: lastTerm, lastLogIndex: length }, // the same
      { lastLogTerm: lastTerm, lastLogIndex: length + rng.int(1, 3) }, // same term, longer
      { lastLogTerm: lastTerm, lastLogIndex: rng.int(1, length - 1) }, // same term, shorter
      { lastLogTerm: rng.int(1, lastTerm - 1), lastLogIndex: length + rng.int(1, 4) }, // earlier term, longer
    ]).slice(0, rng.int(4, 5));
    // Three shapes win and two lose, so any four of them include both.
    return { currentTerm, log, candidates: shapes.map((s, i) => ({ id: 'bcdef'[i] as NodeId, ...s })) };
  },
  prompt: (p) => ({
    text: `Server **a** is a follower in term ${p.currentTerm}. Its log has ${p.log.length} entries; the last is from term ${p.log[p.log.length - 1]}. Each of the candidates below asks a, separately, for its vote in term ${p.currentTerm + 1}, describing the last entry of its own log. Which of them can get a's vote?`,
  }),
  options: (p) => p.candidates.map((c) => ({ id: c.id, label: `${c.id}: last entry at index ${c.lastLogIndex}, from term ${c.lastLogTerm}` })),
  correct: (p) => p.candidates.filter((c) => canWinVote(p, c)).map((c) => c.id),
  explain: (p, id) => restrictionWhy(p, p.candidates.find((x) => x.id === id) as Candidate),
  hints: () => ['§5.4.1: compare the terms of the last entries first; only when they are equal does the length decide.'],
  solution(p) {
    const lines = p.candidates.map((c) => `- ${c.id}: ${canWinVote(p, c) ? '**yes**' : 'no'}. ${restrictionWhy(p, c)}`);
    return { text: `${lines.join('\n')}\n\nThe restriction makes a leader hold every committed entry: a committed entry is on a majority, any winner needs a majority of votes, so some voter holds the entry and refuses a candidate whose log is behind its own. "Behind" compares last terms first because a later term means the candidate has heard from a later leader, whose log holds everything committed before it (Leader Completeness, §5.4.3).` };
  },
});

// ——— 6. FLP ———

/**
 * The statements the FLP exercise draws from, each true or false without a reading that flips it. Sources: Fischer,
 * Lynch and Paterson 1985 (FLP); Ben-Or 1983; Dwork, Lynch and Stockmeyer 1988 (partial synchrony); Chandra and
 * Toueg 1996 (◇S: strong completeness and eventual weak accuracy, consensus with a majority of correct processes).
 */
const FLP_STATEMENTS: { id: string; label: string; correct: boolean; why: string }[] = [
  { id: 'one-crash', label: 'In an asynchronous system, no deterministic protocol that keeps agreement and validity can also guarantee termination if even one process may crash.', correct: true, why: 'This is the theorem: every such protocol has an admissible run that stays undecided forever. (Dropping validity makes it trivial: always deciding 0 terminates and agrees.)' },
  { id: 'safety', label: 'Consensus protocols must give up agreement (safety) in asynchronous systems.', correct: false, why: 'FLP is about termination. Paxos and Raft never violate agreement; what they cannot promise is to decide in every run.' },
  { id: 'randomised', label: 'A randomised protocol can terminate with probability 1 despite FLP (as Ben-Or\'s protocol does).', correct: true, why: 'FLP covers deterministic protocols; with coin flips, non-termination can have probability 0.' },
  { id: 'partial-sync', label: 'If the system is eventually synchronous (partial synchrony) and a majority of processes never crash, a deterministic protocol can guarantee that the correct processes decide some time after delays become bounded.', correct: true, why: 'Dwork, Lynch and Stockmeyer (1988): safe always, live once delays are bounded, with fewer than half the processes faulty. Raft\'s election timeouts rely on this.' },
  { id: 'frequent', label: 'FLP shows that consensus protocols fail to terminate in most runs.', correct: false, why: 'The bad runs exist, but need an adversarial schedule; in practice elections end quickly. FLP is about what can be guaranteed.' },
  { id: 'no-failures', label: 'Even a protocol that need not tolerate any crash (every process is known to stay up) cannot guarantee deterministic consensus in an asynchronous system.', correct: false, why: 'FLP needs the protocol to tolerate one crash: then it may not wait for every process. If no process can fail, each one can wait for every input and decide by a fixed rule (say, the smallest value). Note that the undecided run FLP builds has no crash in it; what forces it is only that the protocol must be ready for one.' },
  { id: 'detector', label: 'With an eventually strong failure detector ◇S (every crashed process is eventually suspected for good by every correct process, and there is a time after which some correct process is never suspected by any correct process), consensus is solvable if a majority of processes is correct.', correct: true, why: 'Chandra and Toueg (1996): ◇S is strong completeness plus eventual weak accuracy, and with it consensus is solvable when fewer than half the processes crash. No algorithm can implement ◇S in FLP\'s purely asynchronous model; it is a timing assumption packaged as an oracle.' },
  { id: 'timeouts', label: 'At the heart of FLP is that a process cannot tell a crashed process from a slow one.', correct: true, why: 'Exactly the intuition: without bounds on delays, waiting longer never settles the question.' },
  { id: 'synchronous', label: 'FLP also rules out consensus in a synchronous system with crash failures.', correct: false, why: 'With known bounds, f + 1 rounds solve consensus with f crashes; FLP needs asynchrony.' },
];

export const flp = defineExercise({
  id: 'consensus/flp',
  title: 'What FLP says',
  kind: 'choice',
  multiple: true,
  generate(rng) {
    // The heart of the theorem (it is about termination, not safety) is always asked; three more are drawn.
    const rest = FLP_STATEMENTS.slice(2);
    const right = rng.shuffle(rest.filter((s) => s.correct)).slice(0, rng.int(1, 2));
    const wrong = rng.shuffle(rest.filter((s) => !s.correct)).slice(0, 3 - right.length);
    return { statements: rng.shuffle(['one-crash', 'safety', ...[...right, ...wrong].map((s) => s.id)]) };
  },
  prompt: () => ({ text: 'Fischer, Lynch and Paterson (1985) proved a result about consensus in asynchronous systems. Which of these statements are true?' }),
  options: (p) => p.statements.map((id) => ({ id, label: FLP_STATEMENTS.find((s) => s.id === id)?.label ?? id })),
  correct: (p) => p.statements.filter((id) => FLP_STATEMENTS.find((s) => s.id === id)?.correct),
  explain: (_p, id) => FLP_STATEMENTS.find((s) => s.id === id)?.why ?? '',
  hints: () => ['Consensus asks for agreement, validity and termination. FLP says one of the three cannot be guaranteed; which one, and under what assumptions?'],
  solution: (p) => ({
    text: `${p.statements.map((id) => FLP_STATEMENTS.find((s) => s.id === id)).map((s) => `- ${s?.correct ? '**True**' : 'False'}: ${s?.label} ${s?.why}`).join('\n')}\n\nFLP: in an asynchronous system where one process may crash, every deterministic consensus protocol has a run that never decides. Real protocols keep safety always and get liveness from extra assumptions: timeouts that are eventually right (partial synchrony), randomness, or failure detectors.`,
  }),
});

// ——— Code exercises: helpers ———

/** A learner's function returned something Raft cannot use; the message says what. */

/**
 * The verdict on one run: every safety checker, then progress after `afterMs`. The feedback names the first
 * property that failed, whether it is safety or liveness, and how to replay the run.
 */
function runVerdict(trace: Trace, afterMs: number, run: string, advice: (result: Extract<CheckResult, { status: 'violation' }>) => string): CheckVerdict {
  for (const result of [...checkRaftSafety(trace), checkProgress(trace, { afterMs })]) {
    if (result.status === 'ok') continue;
    if (result.status === 'inconclusive') return { passed: false, feedback: `In ${run}, ${result.property} could not be decided: ${result.reason}.` };
    return { passed: false, feedback: `In ${run}, ${result.property} (${result.failure}) failed: ${result.message}. ${advice(result)}`.trim() };
  }
  return { passed: true, feedback: '' };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

// ——— 7. RequestVote ———

const RAFT_TYPES = `// The Raft node's state (Figure 2). log[i - 1] is the entry at index i.
export interface LogEntry { term: number; command: unknown }
export interface RaftState {
  currentTerm: number;
  votedFor: string | null;
  log: LogEntry[];
  role: 'follower' | 'candidate' | 'leader';
  leaderId: string | null;
  commitIndex: number;
  lastApplied: number;
  votes: string[];
  nextIndex: Record<string, number>;
  matchIndex: Record<string, number>;
  awaiting: number[];
}
`;

const VOTE_STARTER = `${RAFT_TYPES}
// RequestVote's arguments (Figure 2): who asks, in which term, and the candidate's last log entry.
export interface RequestVoteArgs { type: 'requestVote'; candidateId: string; term: number; lastLogIndex: number; lastLogTerm: number }

// Called for a request of the voter's own term (a higher term has already made it a follower with no vote).
// Return true to grant the vote.
export function grantVote(state: RaftState, request: RequestVoteArgs): boolean {
  return true;
}
`;

const VOTE_REFERENCE = `${RAFT_TYPES}
export interface RequestVoteArgs { type: 'requestVote'; candidateId: string; term: number; lastLogIndex: number; lastLogTerm: number }

export function grantVote(state: RaftState, request: RequestVoteArgs): boolean {
  // §5.2: one vote per term; asking again (say after a lost reply) gets the same answer.
  if (state.votedFor !== null && state.votedFor !== request.candidateId) return false;
  // §5.4.1: the candidate's log must be at least as up-to-date: later last term, or the same and as long.
  const myLastIndex = state.log.length;
  const myLastTerm = myLastIndex === 0 ? 0 : state.log[myLastIndex - 1].term;
  if (request.lastLogTerm !== myLastTerm) return request.lastLogTerm > myLastTerm;
  return request.lastLogIndex >= myLastIndex;
}
`;

type GrantVote = (state: RaftState, request: RequestVoteArgs) => boolean;

function learnerVoteRule(fn: GrantVote): VoteRule {
  return (state, request) => {
    const got = fn(clone(state), clone(request));
    if (typeof got !== 'boolean') throw new WrongReturn(`grantVote returned ${JSON.stringify(got) ?? String(got)}; it must return true or false.`);
    return got;
  };
}

interface VoteCase {
  name: string;
  state: Partial<RaftState>;
  request: Omit<RequestVoteArgs, 'type'>;
  grant: boolean;
  why: string;
}

const describeLog = (log: LogEntry[]) => (log.length === 0 ? 'an empty log' : `a log of ${log.length} ${log.length === 1 ? 'entry' : 'entries'} ending in term ${lastTermOf(log)}`);

const VOTE_CASES: { group: string; cases: VoteCase[] }[] = [
  {
    group: 'one vote per term (§5.2)',
    cases: [
      { name: 'first request of the term', state: { currentTerm: 3, log: logOfTerms([1, 2]) }, request: { candidateId: 'b', term: 3, lastLogIndex: 2, lastLogTerm: 2 }, grant: true, why: 'It has not voted in this term and the logs are equal.' },
      { name: 'already voted for another', state: { currentTerm: 3, votedFor: 'c', log: logOfTerms([1, 2]) }, request: { candidateId: 'b', term: 3, lastLogIndex: 2, lastLogTerm: 2 }, grant: false, why: 'It already voted for c in term 3; a second vote in the same term could elect two leaders.' },
      { name: 'the same candidate again', state: { currentTerm: 3, votedFor: 'b', log: logOfTerms([1, 2]) }, request: { candidateId: 'b', term: 3, lastLogIndex: 2, lastLogTerm: 2 }, grant: true, why: 'It voted for b in this term already: b asking again (its first reply may have been lost) gets the same answer.' },
      { name: 'a candidate that voted for itself', state: { currentTerm: 4, votedFor: 'a', role: 'candidate', votes: ['a'], log: logOfTerms([1]) }, request: { candidateId: 'b', term: 4, lastLogIndex: 1, lastLogTerm: 1 }, grant: false, why: 'A candidate has voted for itself in its term.' },
    ],
  },
  {
    group: 'election restriction (§5.4.1)',
    cases: [
      { name: 'equal logs', state: { currentTerm: 5, log: logOfTerms([1, 2, 2]) }, request: { candidateId: 'b', term: 5, lastLogIndex: 3, lastLogTerm: 2 }, grant: true, why: 'Equal logs are "at least as up-to-date".' },
      { name: 'empty logs', state: { currentTerm: 1, log: [] }, request: { candidateId: 'b', term: 1, lastLogIndex: 0, lastLogTerm: 0 }, grant: true, why: 'Two empty logs are equal.' },
      { name: 'same last term, shorter', state: { currentTerm: 5, log: logOfTerms([1, 2, 2]) }, request: { candidateId: 'b', term: 5, lastLogIndex: 2, lastLogTerm: 2 }, grant: false, why: 'Same last term, but the candidate lacks the voter\'s entry 3.' },
      { name: 'earlier last term, longer', state: { currentTerm: 5, log: logOfTerms([1, 3]) }, request: { candidateId: 'b', term: 5, lastLogIndex: 4, lastLogTerm: 2 }, grant: false, why: 'The candidate\'s last term (2) is earlier than the voter\'s (3): terms are compared first, so its longer log does not help.' },
      { name: 'later last term, shorter', state: { currentTerm: 5, log: logOfTerms([1, 2, 2, 2]) }, request: { candidateId: 'b', term: 5, lastLogIndex: 2, lastLogTerm: 3 }, grant: true, why: 'The candidate\'s last term (3) is later than the voter\'s (2), so it is more up-to-date even with a shorter log.' },
      { name: 'empty voter log', state: { currentTerm: 2, log: [] }, request: { candidateId: 'b', term: 2, lastLogIndex: 1, lastLogTerm: 1 }, grant: true, why: 'Any log is at least as up-to-date as an empty one.' },
    ],
  },
];

export const requestVote = defineExercise({
  id: 'consensus/request-vote',
  title: 'Write the RequestVote rule',
  kind: 'code',
  signature: 'grantVote(state: RaftState, request: RequestVoteArgs): boolean',
  exportName: 'grantVote',
  generate: (rng) => ({ seeds: Array.from({ length: 5 }, () => rng.int(1, 1_000_000)), nodes: rng.pick([3, 5]) }),
  prompt: (p) => ({
    text: `Write the rule a Raft server uses to decide whether to grant a vote (the RequestVote receiver of Figure 2). \`grantVote(state, request)\` is called for a request of the voter's own term: the term rules of §5.1 have already run (a higher term made the voter a follower with \`votedFor = null\`; a lower term was refused). Return \`true\` to grant; the node then records \`votedFor\` and replies.\n\nGrant only when the voter has not voted for another candidate in this term (§5.2), and the candidate's log (its \`lastLogTerm\`, \`lastLogIndex\`) is at least as up-to-date as the voter's (§5.4.1). Your rule is checked on single cases, then plugged into every server of real Raft clusters: the scripted runs of the chapter (a split vote, a stale candidate, a longer but older log) and random crashes, pauses and partitions with ${p.nodes} servers (seeds ${p.seeds.join(', ')}), each followed by a heal. Every run must keep Raft's safety properties and commit new entries after the heal.`,
  }),
  starter: () => VOTE_STARTER,
  reference: () => VOTE_REFERENCE,
  hints: () => [
    'Two conditions, both required. First: `votedFor` is null or is the candidate itself.',
    'Second: compare the terms of the last entries; only if they are equal compare the lengths. The last term of an empty log is 0.',
  ],
  async checks(p, fn, ctx) {
    const grantVote = fn as unknown as GrantVote;
    const rule = learnerVoteRule(grantVote);
    const checks: Check[] = [];
    for (const { group, cases } of VOTE_CASES) {
      checks.push(await ctx.check(group, () => guarded(() => {
        const wrong: string[] = [];
        for (const c of cases) {
          const state = raftState(c.state);
          const got = rule(state, { type: 'requestVote', ...c.request });
          if (got !== c.grant) {
            wrong.push(`Case "${c.name}": a voter in term ${state.currentTerm} with votedFor ${state.votedFor ?? 'null'} and ${describeLog(state.log)}, asked by ${c.request.candidateId} (last entry at index ${c.request.lastLogIndex}, term ${c.request.lastLogTerm}): grantVote returned ${got}. ${c.why}`);
          }
        }
        return { passed: wrong.length === 0, feedback: wrong.join(' ') };
      })));
    }
    const scripted = [
      { name: 'split vote (§5.2)', run: splitVoteRun, afterMs: SPLIT_VOTE_SETTLED_MS, seed: 12 },
      { name: 'stale candidate (§5.4.1)', run: staleCandidateRun, afterMs: STALE_CANDIDATE_FAULTS_END_MS, seed: 7 },
      { name: 'longer but older log (§5.4.1)', run: olderLongerLogRun, afterMs: OLDER_LONGER_LOG_FAULTS_END_MS, seed: 11 },
    ];
    for (const s of scripted) {
      checks.push(await ctx.check(`scripted run: ${s.name}`, () => guarded(() => runVerdict(s.run({ voteRule: rule }), s.afterMs, `the ${s.name} run (seed ${s.seed})`, voteAdvice))));
    }
    for (const seed of p.seeds) {
      checks.push(await ctx.check(`random faults, seed ${seed}`, () => guarded(() => {
        const { trace, healedAtMs } = faultScheduleRun({ seed, nodes: p.nodes, voteRule: rule });
        return runVerdict(trace, healedAtMs, `the run with random faults (seed ${seed}, ${p.nodes} servers; replay with faultScheduleRun({ seed: ${seed}, nodes: ${p.nodes} }))`, voteAdvice);
      })));
    }
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${VOTE_REFERENCE.slice(RAFT_TYPES.length + 1)}\`\`\`\n\nThe first condition gives Election Safety: each server votes once per term, two majorities share a server, so two candidates cannot both win a term. The second gives Leader Completeness: a committed entry is on a majority, and each of those servers refuses a candidate whose log is behind its own, so no candidate without the entry can gather a majority. Comparing lengths before terms breaks it: a deposed leader with a long tail of uncommitted old-term entries would beat a server holding a shorter, newer, committed log.`,
  }),
});

function voteAdvice(result: Extract<CheckResult, { status: 'violation' }>): string {
  if (result.property === 'election safety') return 'Two servers won the same term: some server voted twice in one term. Check votedFor before granting.';
  if (result.property === 'leader completeness' || result.property === 'state machine safety') return 'A server was elected without an entry that was already committed: check that the candidate\'s log is at least as up-to-date, comparing last terms first, then lengths.';
  if (result.failure === 'liveness') return 'Votes that should be granted are refused, so no leader can be elected: equal logs, the same candidate asking again and a voter that has not voted must all get a yes.';
  return '';
}

// ——— 8. The commit index ———

const COMMIT_STARTER = `${RAFT_TYPES}
// The leader's new commitIndex (Figure 2, Rules for Servers, Leaders, last bullet). \`peers\` are the other
// servers (state.matchIndex[peer] is the highest index known to be on peer); clusterSize counts the leader too.
export function advanceCommit(state: RaftState, peers: string[], clusterSize: number): number {
  return state.commitIndex;
}
`;

const COMMIT_REFERENCE = `${RAFT_TYPES}
export function advanceCommit(state: RaftState, peers: string[], clusterSize: number): number {
  const majority = Math.floor(clusterSize / 2) + 1;
  for (let n = state.log.length; n > state.commitIndex; n--) {
    // §5.4.2: only an entry of the current term is committed by counting replicas.
    if (state.log[n - 1].term !== state.currentTerm) break; // terms only get older going back
    let replicas = 1; // the leader holds every entry of its log
    for (const peer of peers) if ((state.matchIndex[peer] ?? 0) >= n) replicas++;
    if (replicas >= majority) return n;
  }
  return state.commitIndex;
}
`;

type AdvanceCommit = (state: RaftState, peers: NodeId[], clusterSize: number) => number;

function learnerCommitRule(fn: AdvanceCommit): CommitIndexRule {
  return (state, peers, clusterSize) => {
    const got = fn(clone(state), [...peers], clusterSize);
    if (typeof got !== 'number' || !Number.isInteger(got)) throw new WrongReturn(`advanceCommit returned ${JSON.stringify(got) ?? String(got)}; it must return a whole number, the new commitIndex.`);
    if (got > state.log.length) throw new WrongReturn(`advanceCommit returned ${got} for a leader whose log has ${state.log.length} ${state.log.length === 1 ? 'entry' : 'entries'}; an index cannot be beyond the log.`);
    return got;
  };
}

interface CommitCase {
  name: string;
  state: Partial<RaftState>;
  clusterSize: number;
  expected: number;
  why: string;
}

const COMMIT_CASES: CommitCase[] = [
  { name: 'a majority of five', state: { currentTerm: 2, log: logOfTerms([1, 2, 2, 2]), commitIndex: 1, matchIndex: { b: 4, c: 3, d: 1, e: 0 } }, clusterSize: 5, expected: 3, why: 'Index 3 is on a, b and c: 3 of 5, a majority; index 4 only on a and b.' },
  { name: 'the leader counts itself', state: { currentTerm: 1, log: logOfTerms([1, 1]), commitIndex: 0, matchIndex: { b: 2, c: 0 } }, clusterSize: 3, expected: 2, why: 'Index 2 is on a (the leader) and b: 2 of 3.' },
  { name: 'two of four is not a majority', state: { currentTerm: 2, log: logOfTerms([2, 2]), commitIndex: 0, matchIndex: { b: 2, c: 0, d: 0 } }, clusterSize: 4, expected: 0, why: 'A majority of 4 is 3 (more than half); index 2 is on a and b only.' },
  { name: 'the leader alone is not a majority', state: { currentTerm: 3, log: logOfTerms([3]), commitIndex: 0, matchIndex: { b: 0, c: 0 } }, clusterSize: 3, expected: 0, why: 'Only the leader holds index 1: 1 of 3.' },
  { name: 'an old-term entry on a majority (Figure 8)', state: { currentTerm: 3, log: logOfTerms([1, 1]), commitIndex: 1, matchIndex: { b: 2, c: 2, d: 1, e: 0 } }, clusterSize: 5, expected: 1, why: 'Index 2 is on a majority but is from term 1, not the leader\'s term 3: counting it is the unsafe rule of Figure 8. It commits later, with the first term-3 entry after it.' },
  { name: 'old entries commit with a current one', state: { currentTerm: 3, log: logOfTerms([1, 1, 3]), commitIndex: 1, matchIndex: { b: 3, c: 3, d: 1, e: 0 } }, clusterSize: 5, expected: 3, why: 'Index 3 (term 3) is on a majority, so it commits, and index 2 with it.' },
  { name: 'never decreases', state: { currentTerm: 4, log: logOfTerms([1, 2, 2, 4]), commitIndex: 3, matchIndex: { b: 0, c: 0 } }, clusterSize: 3, expected: 3, why: 'A new leader knows index 3 is committed but has no acknowledgements yet: commitIndex stays 3; it never moves back.' },
];

export const commitIndex = defineExercise({
  id: 'consensus/commit-index',
  title: 'Write the leader\'s commit rule',
  kind: 'code',
  signature: 'advanceCommit(state: RaftState, peers: string[], clusterSize: number): number',
  exportName: 'advanceCommit',
  generate: (rng) => ({ seeds: Array.from({ length: 5 }, () => rng.int(1, 1_000_000)), nodes: rng.pick([3, 5]) }),
  prompt: (p) => ({
    text: `Write the rule by which a Raft leader advances its commitIndex (§5.3, §5.4.2). \`advanceCommit(state, peers, clusterSize)\` is called on the leader after each successful AppendEntries result and on winning an election; \`state.matchIndex[peer]\` is the highest index the leader knows \`peer\` stores. Return the new commitIndex: the highest N above the current one such that a majority of the cluster holds index N and the entry at N is from the leader's current term; otherwise the commitIndex unchanged.\n\nYour rule is checked on single cases, then run as the commit rule of every server in real clusters: the Figure 8 scenario of the paper, a deposed leader cut off alone, and random crashes, pauses and partitions with ${p.nodes} servers (seeds ${p.seeds.join(', ')}). Every run must keep Raft's safety properties and commit new entries after the faults end.`,
  }),
  starter: () => COMMIT_STARTER,
  reference: () => COMMIT_REFERENCE,
  hints: () => [
    'A majority of n is Math.floor(n / 2) + 1, and the leader counts as one of the servers holding each entry of its log.',
    'Only an entry of state.currentTerm may be committed by counting; earlier entries commit with it.',
  ],
  async checks(p, fn, ctx) {
    const rule = learnerCommitRule(fn as unknown as AdvanceCommit);
    const checks: Check[] = [];
    checks.push(await ctx.check('single cases', () => guarded(() => {
      const wrong: string[] = [];
      for (const c of COMMIT_CASES) {
        const state = raftState({ role: 'leader', votedFor: 'a', leaderId: 'a', ...c.state });
        const peers = Object.keys(state.matchIndex);
        const got = rule(state, peers, c.clusterSize);
        if (got !== c.expected) {
          wrong.push(`Case "${c.name}": leader of term ${state.currentTerm} in a cluster of ${c.clusterSize}, log terms [${state.log.map((e) => e.term).join(', ')}], commitIndex ${state.commitIndex}, matchIndex { ${Object.entries(state.matchIndex).map(([k, v]) => `${k}: ${v}`).join(', ')} }: advanceCommit returned ${got}, expected ${c.expected}. ${c.why}`);
        }
      }
      return { passed: wrong.length === 0, feedback: wrong.join(' ') };
    })));
    checks.push(await ctx.check('scripted run: Figure 8 (§5.4.2)', () => guarded(() => runVerdict(figure8Run({ commitIndexRule: rule }), FIGURE8_FAULTS_END_MS, 'the Figure 8 run (seed 8)', commitAdvice))));
    checks.push(await ctx.check('scripted run: a deposed leader (§5.3)', () => guarded(() => runVerdict(deposedLeaderRun({ commitIndexRule: rule }), DEPOSED_LEADER_FAULTS_END_MS, 'the deposed leader run (seed 6)', commitAdvice))));
    for (const seed of p.seeds) {
      checks.push(await ctx.check(`random faults, seed ${seed}`, () => guarded(() => {
        const { trace, healedAtMs } = faultScheduleRun({ seed, nodes: p.nodes, commitIndexRule: rule });
        return runVerdict(trace, healedAtMs, `the run with random faults (seed ${seed}, ${p.nodes} servers; replay with faultScheduleRun({ seed: ${seed}, nodes: ${p.nodes} }))`, commitAdvice);
      })));
    }
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${COMMIT_REFERENCE.slice(RAFT_TYPES.length + 1)}\`\`\`\n\nA majority is what makes a commit durable: any future leader needs votes from a majority, which shares a server with the majority holding the entry, and that server refuses a candidate without it (§5.4.1). The term condition is Figure 8: an entry of an earlier term on a majority can still be overwritten, because a server whose last entry is from a later term (though it lacks this entry) can win an election. An entry of the leader's own term on a majority rules that out, and Log Matching puts every earlier entry on the same servers, so they commit with it. Scanning down from the end and stopping at the first older term is enough, since terms never decrease along a log.`,
  }),
});

function commitAdvice(result: Extract<CheckResult, { status: 'violation' }>): string {
  if (result.failure === 'liveness') return 'After the faults nothing new committed: the rule must advance commitIndex once a current-term entry is on a majority (counting the leader).';
  if (result.property === 'state machine safety' || result.property === 'leader completeness') {
    return 'An entry was applied and later overwritten: the rule committed it too early. Count a majority (more than half of the cluster) and count only entries of the current term.';
  }
  return '';
}

// ——— 9. The Paxos acceptor ———

const PAXOS_TYPES = `// A ballot (proposal number): ordered by round, then by proposer id, so no two proposers share one.
export interface Ballot { round: number; proposer: string }
export interface AcceptorState {
  promised: Ballot | null; // the highest ballot promised
  accepted: { ballot: Ballot; value: unknown } | null; // the highest-ballot proposal accepted
}
export type AcceptorRequest = { type: 'prepare'; ballot: Ballot } | { type: 'accept'; ballot: Ballot; value: unknown };
export type AcceptorReply =
  | { type: 'promise'; ballot: Ballot; accepted: { ballot: Ballot; value: unknown } | null }
  | { type: 'accepted'; ballot: Ballot; value: unknown }
  | { type: 'nack'; ballot: Ballot; promised: Ballot };

// -1 if a < b, 0 if equal, 1 if a > b.
export function compareBallots(a: Ballot, b: Ballot): -1 | 0 | 1 {
  if (a.round !== b.round) return a.round < b.round ? -1 : 1;
  if (a.proposer === b.proposer) return 0;
  return a.proposer < b.proposer ? -1 : 1;
}
`;

const ACCEPTOR_STARTER = `${PAXOS_TYPES}
// The acceptor's whole decision: the new state, and the reply to send back to the proposer.
export function acceptorRule(state: AcceptorState, request: AcceptorRequest): { state: AcceptorState; reply: AcceptorReply } {
  if (request.type === 'prepare') {
    return { state, reply: { type: 'promise', ballot: request.ballot, accepted: null } };
  }
  return { state, reply: { type: 'accepted', ballot: request.ballot, value: request.value } };
}
`;

const ACCEPTOR_REFERENCE = `${PAXOS_TYPES}
export function acceptorRule(state: AcceptorState, request: AcceptorRequest): { state: AcceptorState; reply: AcceptorReply } {
  const { promised } = state;
  if (request.type === 'prepare') {
    // Phase 1b: promise only a ballot above every one promised, and report what was accepted.
    if (promised === null || compareBallots(request.ballot, promised) > 0) {
      return { state: { ...state, promised: request.ballot }, reply: { type: 'promise', ballot: request.ballot, accepted: state.accepted } };
    }
    return { state, reply: { type: 'nack', ballot: request.ballot, promised } };
  }
  // Phase 2b: accept unless a higher ballot was promised.
  if (promised === null || compareBallots(request.ballot, promised) >= 0) {
    const accepted = { ballot: request.ballot, value: request.value };
    return { state: { promised: request.ballot, accepted }, reply: { type: 'accepted', ...accepted } };
  }
  return { state, reply: { type: 'nack', ballot: request.ballot, promised } };
}
`;

const ballotText = (b: Ballot | null | undefined) => (b ? `(${b.round}, ${b.proposer})` : 'null');
const proposalText = (a: AcceptorState['accepted'] | undefined) => (a ? `{ ballot ${ballotText(a.ballot)}, value ${JSON.stringify(a.value)} }` : 'null');
const stateText = (s: AcceptorState) => `{ promised: ${ballotText(s.promised)}, accepted: ${proposalText(s.accepted)} }`;
const requestText = (r: AcceptorRequest) => (r.type === 'prepare' ? `prepare ${ballotText(r.ballot)}` : `accept ${ballotText(r.ballot)} with value ${JSON.stringify(r.value)}`);
const sameBallot = (a: unknown, b: Ballot | null) => JSON.stringify(a) === JSON.stringify(b);

/** The learner's rule, with its result checked for shape (inside the simulator, a wrong shape would stall silently). */
function learnerAcceptor(fn: AcceptorRule): AcceptorRule {
  return (state, request) => {
    const got = fn(clone(state), clone(request)) as Partial<ReturnType<AcceptorRule>> | undefined;
    const call = `acceptorRule(${stateText(state)}, ${requestText(request)})`;
    if (!got || typeof got !== 'object' || typeof got.state !== 'object' || got.state === null || typeof got.reply !== 'object' || got.reply === null) {
      throw new WrongReturn(`${call} returned ${JSON.stringify(got) ?? String(got)}; it must return { state, reply }.`);
    }
    const reply = got.reply as Partial<AcceptorReply>;
    if (reply.type !== 'promise' && reply.type !== 'accepted' && reply.type !== 'nack') {
      throw new WrongReturn(`${call} returned a reply of type ${JSON.stringify(reply.type)}; it must be 'promise', 'accepted' or 'nack'.`);
    }
    if (!sameBallot(reply.ballot, request.ballot)) {
      throw new WrongReturn(`${call} replied with ballot ${ballotText(reply.ballot as Ballot)}; a reply carries the ballot of the request it answers, so the proposer can match it.`);
    }
    return { state: got.state, reply: reply as AcceptorReply };
  };
}

interface AcceptorCase {
  name: string;
  state: AcceptorState;
  request: AcceptorRequest;
  why: string;
  /** A prepare of exactly the ballot promised: both readings of the rule are right (see `SAME_BALLOT_PREPARE`). */
  sameBallotPrepare?: boolean;
}

/**
 * A prepare of the very ballot an acceptor has promised (a duplicate, or the proposer retrying) has two right
 * answers. Paxos Made Simple (§2.2) answers only a prepare numbered above every prepare already answered, so it
 * refuses; the chapter's rule (promise unless a higher ballot was promised) promises again. Both are safe: a second
 * promise of the same ballot forbids nothing new and reports the same accepted proposal, and a refusal leaves the
 * first promise standing. The grader accepts either.
 */
const SAME_BALLOT_PREPARE = 'A prepare of the ballot already promised may be refused (nack with the promised ballot, as in Paxos Made Simple, which answers only a prepare above every one answered) or promised again (the chapter\'s rule: promise unless a higher ballot was promised); both are safe, and both pass.';

/** The chapter's reading of phase 1b: promise a prepare unless a higher ballot was promised (so `>=`, not `>`). */
const repromisingAcceptorRule: AcceptorRule = (state, request) => {
  if (request.type === 'prepare' && state.promised !== null && sameBallot(request.ballot, state.promised)) {
    return { state, reply: { type: 'promise', ballot: request.ballot, accepted: state.accepted } };
  }
  return acceptorRule(state, request);
};

const b = (round: number, proposer: string): Ballot => ({ round, proposer });

const ACCEPTOR_CASES: { group: string; cases: AcceptorCase[] }[] = [
  {
    group: 'prepare (phase 1b)',
    cases: [
      { name: 'a fresh acceptor', state: { promised: null, accepted: null }, request: { type: 'prepare', ballot: b(1, 'p1') }, why: 'It has promised nothing: promise (1, p1), reporting that it accepted nothing.' },
      { name: 'a higher ballot, after accepting', state: { promised: b(2, 'p1'), accepted: { ballot: b(2, 'p1'), value: 'x' } }, request: { type: 'prepare', ballot: b(3, 'p2') }, why: 'Promise (3, p2), and report the proposal it accepted, { (2, p1), "x" }: the proposer must adopt that value, in case it was chosen (§2.2, P2c).' },
      { name: 'a lower ballot', state: { promised: b(2, 'p2'), accepted: null }, request: { type: 'prepare', ballot: b(2, 'p1') }, why: '(2, p1) is below the promise (2, p2) (same round, p1 < p2): refuse it with a nack carrying (2, p2).' },
      { name: 'the ballot already promised', state: { promised: b(2, 'p1'), accepted: null }, request: { type: 'prepare', ballot: b(2, 'p1') }, why: `${SAME_BALLOT_PREPARE} Either way, keep promised = (2, p1).`, sameBallotPrepare: true },
      { name: 'the ballot already promised and accepted', state: { promised: b(2, 'p1'), accepted: { ballot: b(2, 'p1'), value: 'x' } }, request: { type: 'prepare', ballot: b(2, 'p1') }, why: `${SAME_BALLOT_PREPARE} A promise must report the proposal accepted, { (2, p1), "x" }, as every promise does.`, sameBallotPrepare: true },
    ],
  },
  {
    group: 'accept (phase 2b)',
    cases: [
      { name: 'the ballot promised', state: { promised: b(2, 'p1'), accepted: null }, request: { type: 'accept', ballot: b(2, 'p1'), value: 'x' }, why: 'Accept it: reply accepted, and remember { (2, p1), "x" } as accepted.' },
      { name: 'a fresh acceptor', state: { promised: null, accepted: null }, request: { type: 'accept', ballot: b(1, 'p1'), value: 'x' }, why: 'Nothing promised forbids it: accept.' },
      { name: 'a higher ballot than promised', state: { promised: b(1, 'p1'), accepted: { ballot: b(1, 'p1'), value: 'x' } }, request: { type: 'accept', ballot: b(2, 'p2'), value: 'x' }, why: 'Nothing promised is higher than (2, p2): accept, replacing the proposal accepted before.' },
      { name: 'below the promise', state: { promised: b(3, 'p2'), accepted: { ballot: b(1, 'p1'), value: 'x' } }, request: { type: 'accept', ballot: b(2, 'p1'), value: 'y' }, why: 'It promised (3, p2) never to accept a lower ballot (P1a): nack with (3, p2), and keep its state.' },
    ],
  },
];

/**
 * Whether the learner's result agrees on what matters with a right acceptor: the lab's `acceptorRule`, or, for a
 * prepare of the ballot already promised, also the re-promising reading. Returns what differs, or undefined.
 */
function acceptorCaseProblem(c: AcceptorCase, got: ReturnType<AcceptorRule>): string | undefined {
  if (!c.sameBallotPrepare) return differenceFrom(acceptorRule(clone(c.state), clone(c.request)), c, got);
  const wants = [acceptorRule, repromisingAcceptorRule].map((rule) => rule(clone(c.state), clone(c.request)));
  const problems = wants.map((want) => differenceFrom(want, c, got));
  if (problems.some((problem) => problem === undefined)) return undefined;
  // Explain against the reading the learner chose (the reply type they gave), or the first.
  const chosen = wants.findIndex((want) => want.reply.type === got.reply.type);
  return problems[chosen === -1 ? 0 : chosen];
}

function differenceFrom(want: ReturnType<AcceptorRule>, c: AcceptorCase, got: ReturnType<AcceptorRule>): string | undefined {
  const gotReply = got.reply;
  if (gotReply.type !== want.reply.type) return `replied '${gotReply.type}', not '${want.reply.type}'.`;
  if (want.reply.type === 'promise' && JSON.stringify((gotReply as { accepted?: unknown }).accepted ?? null) !== JSON.stringify(want.reply.accepted)) {
    return `promised, but reported accepted = ${proposalText((gotReply as { accepted?: AcceptorState['accepted'] }).accepted)}, not ${proposalText(want.reply.accepted)}.`;
  }
  if (want.reply.type === 'nack' && !sameBallot((gotReply as { promised?: unknown }).promised, want.reply.promised)) {
    return `refused, but its nack carries promised = ${ballotText((gotReply as { promised?: Ballot }).promised)}, not ${ballotText(want.reply.promised)}.`;
  }
  if (!sameBallot(got.state.promised, want.state.promised) && !(c.request.type === 'accept' && want.reply.type === 'accepted')) {
    return `left promised = ${ballotText(got.state.promised)}, not ${ballotText(want.state.promised)}.`;
  }
  if (JSON.stringify(got.state.accepted ?? null) !== JSON.stringify(want.state.accepted)) return `left accepted = ${proposalText(got.state.accepted)}, not ${proposalText(want.state.accepted)}.`;
  return undefined;
}

function paxosVerdict(results: CheckResult[], run: string): CheckVerdict {
  const bad = results.find((r) => r.status !== 'ok');
  if (bad === undefined) return { passed: true, feedback: '' };
  if (bad.status === 'inconclusive') return { passed: false, feedback: `In ${run}, ${bad.property} could not be decided: ${bad.reason}.` };
  const advice =
    bad.property === 'paxos agreement'
      ? 'Two different values were chosen: an acceptor accepted below its promise, or a promise did not report the accepted proposal the new proposer had to adopt.'
      : bad.property === 'paxos validity'
        ? 'A value nobody proposed was chosen: accept and report exactly the values the proposers sent.'
        : 'Nothing was chosen even with one proposer retrying: requests that should be promised or accepted are refused.';
  return { passed: false, feedback: `In ${run}, ${bad.property} (${bad.failure}) failed: ${bad.message}. ${advice}` };
}

export const paxosAcceptorExercise = defineExercise({
  id: 'consensus/paxos-acceptor',
  title: 'Write the Paxos acceptor',
  kind: 'code',
  signature: 'acceptorRule(state: AcceptorState, request: AcceptorRequest): { state: AcceptorState; reply: AcceptorReply }',
  exportName: 'acceptorRule',
  generate: (rng) => ({ seeds: Array.from({ length: 8 }, () => rng.int(1, 1_000_000)), acceptors: rng.pick([3, 5]) }),
  prompt: (p) => ({
    text: `Write the acceptor of single-decree Paxos (Lamport, Paxos Made Simple, §2.2) as one pure function: given the acceptor's durable state and a request, return its new state and its reply.\n\n- **prepare** (phase 1b) with a ballot above every ballot promised: promise it, and report the proposal with the highest ballot accepted so far (or null). With a ballot below the one promised: reply \`nack\` with the ballot promised. A prepare of exactly the ballot already promised (a duplicate, or a retry) may get either answer: Paxos Made Simple answers only a prepare numbered above every one it answered, so it refuses; the chapter's rule (promise unless a higher ballot was promised) promises again, reporting the accepted proposal as always. Both are safe, and both pass.\n- **accept** (phase 2b): accept unless a higher ballot was promised; remember the proposal and reply \`accepted\`. Otherwise \`nack\`.\n\nEvery reply carries the ballot of the request it answers. Your rule is checked on single cases, then runs as every acceptor of real Paxos runs with ${p.acceptors} acceptors: two scripted runs (dueling proposers; a proposer that starts after a value was chosen) and runs with message loss, duplication and acceptor crashes (seeds ${p.seeds.join(', ')}). No two different values may be chosen (agreement), only proposed values may be (validity), and with a single distinguished proposer retrying, a value must be chosen (termination).`,
  }),
  starter: () => ACCEPTOR_STARTER,
  reference: () => ACCEPTOR_REFERENCE,
  hints: () => [
    'A promise is a promise about the future: never accept a ballot lower than the one promised. For accept the comparison is ≥ (the promised ballot itself must be accepted); for prepare, a ballot below the promise is refused, one above it promised, and one equal to it may go either way.',
    'A promise must carry state.accepted: the new proposer adopts the highest-ballot value among a majority of promises, and that is what keeps a chosen value chosen.',
  ],
  async checks(p, fn, ctx) {
    const rule = learnerAcceptor(fn as unknown as AcceptorRule);
    const checks: Check[] = [];
    for (const { group, cases } of ACCEPTOR_CASES) {
      checks.push(await ctx.check(group, () => guarded(() => {
        const wrong: string[] = [];
        for (const c of cases) {
          const problem = acceptorCaseProblem(c, rule(clone(c.state), clone(c.request)));
          if (problem) wrong.push(`Case "${c.name}": an acceptor with ${stateText(c.state)} given ${requestText(c.request)} ${problem} ${c.why}`);
        }
        return { passed: wrong.length === 0, feedback: wrong.join(' ') };
      })));
    }
    checks.push(await ctx.check('scripted run: dueling proposers', () => guarded(() => {
      const trace = duelingProposersRun(rule);
      return paxosVerdict([checkPaxosAgreement(trace), checkPaxosValidity(trace, ['x', 'y']), checkPaxosTermination(trace)], 'the dueling proposers run (seed 1)');
    })));
    checks.push(await ctx.check('scripted run: a late proposer', () => guarded(() => {
      const trace = lateProposerRun(rule);
      return paxosVerdict([checkPaxosAgreement(trace), checkPaxosValidity(trace, ['x', 'y']), checkPaxosTermination(trace)], 'the late proposer run (seed 2)');
    })));
    checks.push(await ctx.check(`agreement and validity under loss and crashes (${p.seeds.length} runs)`, () => guarded(() => {
      for (const seed of p.seeds) {
        const { trace, proposed } = randomPaxosRun({ seed, acceptors: p.acceptors, acceptor: rule });
        const verdict = paxosVerdict([checkPaxosAgreement(trace), checkPaxosValidity(trace, proposed)], `the run with seed ${seed} (replay with randomPaxosRun({ seed: ${seed}, acceptors: ${p.acceptors} }))`);
        if (!verdict.passed) return verdict;
      }
      return { passed: true, feedback: '' };
    })));
    checks.push(await ctx.check('termination with a distinguished proposer', () => guarded(() => {
      for (const seed of p.seeds.slice(0, 3)) {
        const { trace, proposed } = randomPaxosRun({ seed, acceptors: p.acceptors, acceptor: rule, distinguished: true });
        const verdict = paxosVerdict([checkPaxosAgreement(trace), checkPaxosValidity(trace, proposed), checkPaxosTermination(trace)], `the run with seed ${seed} and p1 as the distinguished proposer`);
        if (!verdict.passed) return verdict;
      }
      return { passed: true, feedback: '' };
    })));
    return checks;
  },
  solution: () => ({
    text: `The rule itself, without the ballot helpers it uses (the complete module, ready to paste, follows the explanation):\n\n\`\`\`ts\n${ACCEPTOR_REFERENCE.slice(PAXOS_TYPES.length + 1)}\`\`\`\n\nThe promise is what makes phase 1 meaningful: once a majority promised ballot n, no proposal below n can gather a majority any more, so the values reported in those promises are all that can have been chosen below n. Reporting the accepted proposal lets the proposer adopt the one with the highest ballot, which is the chosen value if there is one (P2c). Accepting below the promise breaks the first half; promising without reporting breaks the second: in both cases a later ballot can choose a different value. A prepare of the ballot already promised can be refused, as this reference and Paxos Made Simple do (the first promise already went out), or promised again, as the chapter's rule says: the second promise forbids nothing the first did not, and reports the same accepted proposal, so either keeps agreement.`,
  }),
});

export const exerciseSet: ExerciseSet = {
  chapter: 'agreement/consensus',
  exercises: [failuresTolerated, quorumIntersection, committedEntries, termAndVote, electionRestriction, flp, requestVote, commitIndex, paxosAcceptorExercise],
};
