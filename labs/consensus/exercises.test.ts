// Method: every exercise of the chapter is graded with its own reference answer over many seeded variants (all
// must pass), and with typical wrong answers (each must fail, with feedback a learner can act on). The code
// exercises get the mistakes learners make with Raft's rules: a vote rule that forgets votedFor, ignores the logs
// or compares lengths before terms; a commit rule that counts old-term entries (Figure 8), has a quorum one too
// small, or never advances; and code that throws, which must be reported at the learner's line.
import { describe, expect, it } from 'vitest';
import { SEEDS, gradeText, structured, numeric, choice, code, itPassesEveryVariant, describeCodeReferences, expectReferenceWrittenLikePlaceholder } from '../exercises/test-support';
import { grade, referenceAnswer, variantParams } from '../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts, structuredAccepts } from '../exercises/oracle-support';
import { renderPromptHtml } from '../exercises/prompt';
import { ExerciseRegistry } from '../exercises/registry';
import type { Exercise } from '../exercises/types';
import { Random } from '../sim/random';
import { checkProgress, checkRaftSafety } from './checkers';
import {
  commitIndex,
  committedEntries,
  electionRestriction,
  exerciseSet,
  failuresTolerated,
  flp,
  paxosAcceptorExercise,
  quorumIntersection,
  requestVote,
  termAndVote,
} from './exercises';
import { nodeIds } from './raft';
import { faultScheduleRun, randomFaultSchedule } from './scenarios';



const failedNames = (result: { checks: { name: string; passed: boolean }[] }) => result.checks.filter((c) => !c.passed).map((c) => c.name);

describe('the chapter\'s exercise set', () => {
  it('registers cleanly: at least eight exercises, three of them code, every kind', () => {
    const registry = new ExerciseRegistry().register(...exerciseSet.exercises);
    expect(exerciseSet.chapter).toBe('agreement/consensus');
    expect(registry.list('consensus')).toHaveLength(exerciseSet.exercises.length);
    expect(exerciseSet.exercises.length).toBeGreaterThanOrEqual(8);
    expect(exerciseSet.exercises.filter((def) => def.kind === 'code').length).toBeGreaterThanOrEqual(3);
    expect(new Set(exerciseSet.exercises.map((def) => def.kind))).toEqual(new Set(['choice', 'numeric', 'structured', 'code']));
  });

  itPassesEveryVariant(exerciseSet.exercises);

  it('draws different variants for different seeds', () => {
    for (const def of [committedEntries, termAndVote, electionRestriction, quorumIntersection] as Exercise[]) {
      const variants = new Set(SEEDS.map((seed) => JSON.stringify(variantParams(def, seed))));
      expect(variants.size, def.id).toBeGreaterThan(6);
    }
  });
});

describe('the shared fault schedule', () => {
  it('is one schedule per seed, ends with a heal, and restarts every crashed node by then', () => {
    const nodes = nodeIds(5);
    const schedule = randomFaultSchedule(new Random(3), nodes, 2000);
    expect(randomFaultSchedule(new Random(3), nodes, 2000)).toEqual(schedule);
    expect(schedule.at(-1)).toEqual({ atMs: 2000, kind: 'heal' });
    for (const i of schedule) expect(i.atMs).toBeLessThanOrEqual(2000);
    const crashes = schedule.filter((i) => i.kind === 'crash').length;
    expect(schedule.filter((i) => i.kind === 'restart' && i.durable).length).toBe(crashes);
  });

  it('the real rules keep every safety property and make progress after the heal, over 30 seeds', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { trace, healedAtMs } = faultScheduleRun({ seed, nodes: 3 + (seed % 3) });
      for (const result of [...checkRaftSafety(trace), checkProgress(trace, { afterMs: healedAtMs })]) expect(result.status, `${result.property}, seed ${seed}`).toBe('ok');
    }
  });
});

describe('conceptual exercises: wrong answers fail with useful feedback', () => {
  it('failures tolerated: a majority itself, and n/2 for even n, are explained as such', async () => {
    for (const seed of SEEDS.slice(0, 6)) {
      const { n } = variantParams(failuresTolerated, seed) as { n: number };
      expect((await gradeText(failuresTolerated, seed, numeric(Math.floor(n / 2) + 1))).text).toContain(`is the size of a majority of ${n}`);
      if (n % 2 === 0) expect((await gradeText(failuresTolerated, seed, numeric(n / 2))).text).toContain('exactly half');
      expect((await gradeText(failuresTolerated, seed, numeric(n + 1))).text).toBe('value: Too high.');
      expect((await grade(failuresTolerated, seed, { kind: 'numeric', value: `${Math.floor((n - 1) / 2)} servers` })).passed).toBe(true);
    }
  });

  it('quorum intersection: r + w = n is explained with two disjoint quorums; picking too few is incomplete', async () => {
    const p = variantParams(quorumIntersection, 0) as { systems: { id: string; kind: string; n: number; r?: number; w?: number }[] };
    const boundary = p.systems.find((q) => q.kind === 'rw' && (q.r as number) + (q.w as number) === q.n);
    expect(boundary).toBeDefined();
    const correct = quorumIntersection.kind === 'choice' ? quorumIntersection.correct(p as never) : [];
    const result = await gradeText(quorumIntersection, 0, choice(...correct, boundary?.id as string));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/r \+ w = \d+ is not more than n = \d+: a write to \{[a-g, ]+\} and a read from \{[a-g, ]+\} share no replica/);
    const partial = await gradeText(quorumIntersection, 0, choice(correct[0] as string));
    expect(partial.score).toBeLessThan(1);
    expect(partial.text).toMatch(/more options? (is|are) also correct/);
  });

  it('committed entries: counting an old-term entry on a majority is Figure 8; a gap and too few are named', async () => {
    // Find a variant of the Figure 8 shape, where the naive count is higher than Raft's.
    const seed = SEEDS.find((s) => (variantParams(committedEntries, s) as { shape: string }).shape === 'old-term-majority') as number;
    const p = variantParams(committedEntries, seed) as { log: number[]; matchIndex: Record<string, number>; n: number; currentTerm: number };
    const right = JSON.parse((referenceAnswer(committedEntries, p) as { text: string }).text) as number[];
    const naiveHighest = [...p.log.keys()].map((i) => i + 1).filter((i) => 1 + Object.values(p.matchIndex).filter((m) => m >= i).length > p.n / 2).at(-1) as number;
    const naive = await gradeText(committedEntries, seed, structured(`[${Array.from({ length: naiveHighest }, (_, i) => i + 1).join(', ')}]`));
    expect(naive.passed).toBe(false);
    expect(naive.text).toContain(`not the leader's term ${p.currentTerm}`);
    expect(naive.text).toContain('Figure 8');
    const gap = await gradeText(committedEntries, seed, structured(`[${[...right, right.length + 2].join(', ')}]`));
    expect(gap.text).toContain('Committed entries form a prefix of the log');

    const indirect = SEEDS.find((s) => (variantParams(committedEntries, s) as { shape: string }).shape === 'indirect') as number;
    const q = variantParams(committedEntries, indirect);
    const all = JSON.parse((referenceAnswer(committedEntries, q) as { text: string }).text) as number[];
    const tooFew = await gradeText(committedEntries, indirect, structured('[1]'));
    expect(all.length).toBeGreaterThan(2);
    expect(tooFew.passed).toBe(false);
    expect(tooFew.text).toContain('including those of earlier terms');
    expect((await gradeText(committedEntries, indirect, structured('[1, x]'))).text).toContain("found 'x'");
  });

  it('committed entries: the prompt asks what a knows (its commitIndex), since an old-term entry may be committed unknown to a', () => {
    // An entry of an earlier term on a majority may have been committed by its own leader; a cannot know that, so
    // "which indices are committed" alone has two defensible answers. The question must be about a's commitIndex.
    const seed = SEEDS.find((s) => (variantParams(committedEntries, s) as { shape: string }).shape === 'old-term-majority') as number;
    const prompt = committedEntries.prompt(variantParams(committedEntries, seed) as never).text;
    expect(prompt).toContain('which indices does a know to be committed');
    expect(prompt).toContain('its new commitIndex cover');
  });

  it('term and vote: a term one too low, and a vote for a refused candidate, are explained', async () => {
    for (const seed of SEEDS.slice(0, 6)) {
      const [term, vote] = (referenceAnswer(termAndVote, variantParams(termAndVote, seed)) as { text: string }).text.split(', ');
      const low = await gradeText(termAndVote, seed, structured(`${Number(term) - 1}, ${vote}`));
      expect(low.text).toContain('A server adopts the term of any message carrying a higher one');
      const other = vote === 'none' ? 'b' : 'none';
      const wrongVote = await gradeText(termAndVote, seed, structured(`${term}, ${other}`));
      expect(wrongVote.score).toBe(0.5);
      expect(wrongVote.text).toMatch(/^votedFor: .+/);
    }
    expect((await gradeText(termAndVote, 0, structured('3'))).text).toContain('Give two values');
    for (const seed of SEEDS) {
      const [term, vote] = (referenceAnswer(termAndVote, variantParams(termAndVote, seed)) as { text: string }).text.split(', ');
      const spellings = vote === 'none' ? ['None', 'NULL', 'null'] : [(vote as string).toUpperCase()];
      for (const spelled of spellings) expect((await grade(termAndVote, seed, structured(`${term}, ${spelled}`))).passed, `${term}, ${spelled}`).toBe(true);
    }
  });

  it('election restriction: a longer log from an earlier term is refused; a shorter log from a later term is not', async () => {
    for (const seed of SEEDS.slice(0, 6)) {
      const p = variantParams(electionRestriction, seed) as { log: number[]; candidates: { id: string; lastLogIndex: number; lastLogTerm: number }[] };
      const myTerm = p.log.at(-1) as number;
      const byLength = p.candidates.filter((c) => c.lastLogIndex >= p.log.length).map((c) => c.id);
      const correct = electionRestriction.kind === 'choice' ? electionRestriction.correct(p as never) : [];
      if (JSON.stringify([...byLength].sort()) === JSON.stringify([...correct].sort())) continue;
      const result = await gradeText(electionRestriction, seed, choice(...byLength));
      expect(result.passed, `seed ${seed}`).toBe(false);
      const olderLonger = p.candidates.find((c) => c.lastLogTerm < myTerm && byLength.includes(c.id));
      if (olderLonger) expect(result.text).toContain('Terms are compared first');
    }
  });

  it('FLP: "safety must be given up" is wrong, and the theorem itself must be picked', async () => {
    const result = await gradeText(flp, 0, choice('safety'));
    expect(result.score).toBe(0);
    expect(result.text).toContain('FLP is about termination');
    const missing = await gradeText(flp, 0, choice('one-crash'));
    expect(missing.score).toBeLessThan(1);
    expect(missing.text).toMatch(/also correct/);
  });
});

describe('code: the RequestVote rule', () => {
  const source = (body: string) => `export function grantVote(state: any, request: any): boolean {
  const myLastIndex = state.log.length;
  const myLastTerm = myLastIndex === 0 ? 0 : state.log[myLastIndex - 1].term;
${body}
}
`;
  const upToDate = 'request.lastLogTerm > myLastTerm || (request.lastLogTerm === myLastTerm && request.lastLogIndex >= myLastIndex)';
  const notVoted = '(state.votedFor === null || state.votedFor === request.candidateId)';

  it('the starter grants everything and fails', async () => {
    const result = await gradeText(requestVote, 0, code(requestVote.kind === 'code' ? requestVote.starter({} as never) : ''));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('already voted for c in term 3');
  });

  it('forgetting votedFor elects two leaders in one term (election safety), found in the split vote run', async () => {
    const result = await gradeText(requestVote, 0, code(source(`  return ${upToDate};`)));
    expect(result.passed).toBe(false);
    expect(failedNames(result)).toContain('one vote per term (§5.2)');
    expect(result.text).toContain('scripted run: split vote (§5.2): In the split vote (§5.2) run (seed 12), election safety (safety) failed: both a and b became leader of term 1');
    expect(result.text).toContain('some server voted twice in one term');
  });

  it('ignoring the logs elects a stale candidate (leader completeness), seed named', async () => {
    const result = await gradeText(requestVote, 0, code(source(`  return ${notVoted};`)));
    expect(result.passed).toBe(false);
    expect(failedNames(result)).toEqual(expect.arrayContaining(['election restriction (§5.4.1)', 'scripted run: stale candidate (§5.4.1)', 'scripted run: longer but older log (§5.4.1)']));
    expect(result.text).toMatch(/stale candidate \(§5\.4\.1\) run \(seed 7\), leader completeness \(safety\) failed: c became leader of term \d+ without entry 1/);
    expect(result.text).toContain('comparing last terms first');
  });

  it('comparing lengths before terms is caught by a unit case and by the longer-but-older-log run', async () => {
    const result = await gradeText(requestVote, 0, code(source(`  return ${notVoted} && (request.lastLogIndex > myLastIndex || (request.lastLogIndex === myLastIndex && request.lastLogTerm >= myLastTerm));`)));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('terms are compared first, so its longer log does not help');
    expect(result.text).toContain('longer but older log (§5.4.1) run (seed 11), leader completeness (safety) failed: a became leader of term 3 without entry 2 (term 2)');
    expect(result.checks.find((c) => c.name === 'scripted run: stale candidate (§5.4.1)')?.passed).toBe(true);
  });

  it('refusing the same candidate twice is caught by its unit case', async () => {
    const result = await gradeText(requestVote, 0, code(source(`  return state.votedFor === null && (${upToDate});`)));
    expect(failedNames(result)).toEqual(['one vote per term (§5.2)']);
    expect(result.text).toContain('b asking again');
  });

  it('a non-boolean answer, and a throw, are reported (the throw with the learner\'s line)', async () => {
    const truthy = await gradeText(requestVote, 0, code(source('  return 1 as any;')));
    expect(truthy.text).toContain('grantVote returned 1; it must return true or false');
    const throws = await gradeText(requestVote, 0, code(source(`  if (request.term > 3) throw new Error('not yet');\n  return ${notVoted} && (${upToDate});`)));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/Your code threw: line 4, column \d+: not yet/);
    expect(throws.checks.find((c) => c.name.startsWith('random faults'))?.feedback).toContain('line 4');
  });
});

describe('code: the leader\'s commit rule', () => {
  const source = (condition: string, majority = 'Math.floor(clusterSize / 2) + 1') => `export function advanceCommit(state: any, peers: string[], clusterSize: number): number {
  const majority = ${majority};
  for (let n = state.log.length; n > state.commitIndex; n--) {
    ${condition}
    let replicas = 1;
    for (const peer of peers) if ((state.matchIndex[peer] ?? 0) >= n) replicas++;
    if (replicas >= majority) return n;
  }
  return state.commitIndex;
}
`;
  const currentTermOnly = 'if (state.log[n - 1].term !== state.currentTerm) break;';

  it('the starter never advances: a liveness failure after the faults', async () => {
    const result = await gradeText(commitIndex, 0, code(commitIndex.kind === 'code' ? commitIndex.starter({} as never) : ''));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('the Figure 8 run (seed 8), progress (liveness) failed: no new entry was committed between 1000 ms and 2500 ms');
    expect(result.text).toContain('nothing new committed');
  });

  it('the naive count (no term condition) fails the Figure 8 run with state machine safety', async () => {
    const result = await gradeText(commitIndex, 0, code(source('')));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('an old-term entry on a majority (Figure 8)');
    expect(result.text).toContain('In the Figure 8 run (seed 8), leader completeness (safety) failed: e became leader of term 4 without entry 2 (term 1)');
    expect(result.checks.find((c) => c.name === 'scripted run: a deposed leader (§5.3)')?.passed).toBe(true);
  });

  it('a quorum one too small (⌊n/2⌋) lets a deposed leader commit alone: two entries applied at one index', async () => {
    const result = await gradeText(commitIndex, 0, code(source(currentTermOnly, 'Math.floor(clusterSize / 2)')));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('the leader alone is not a majority');
    expect(result.text).toMatch(/deposed leader run \(seed 6\), leader completeness \(safety\) failed: b became leader of term 2 without entry 2 \(term 1\), which a applied/);
  });

  it('letting commitIndex fall back is caught by the single cases', async () => {
    const result = await gradeText(commitIndex, 0, code(source(currentTermOnly).replace('return state.commitIndex;', 'return 0;')));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('never moves back');
  });

  it('an index beyond the log, and a throw inside the cluster, are reported', async () => {
    const beyond = await gradeText(commitIndex, 0, code('export function advanceCommit(state: any) { return state.log.length + 1; }'));
    expect(beyond.text).toMatch(/advanceCommit returned \d+ for a leader whose log has \d+ entr(y|ies); an index cannot be beyond the log/);
    const throws = await gradeText(commitIndex, 0, code(source(`${currentTermOnly}\n    if (state.currentTerm > 2) throw new RangeError('term too high');`)));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/line 5, column \d+: RangeError: term too high/);
  });
});

describe('code: the Paxos acceptor', () => {
  const reference = (paxosAcceptorExercise.kind === 'code' ? paxosAcceptorExercise.reference({} as never) : '') as string;
  const edit = (from: string, to: string) => {
    expect(reference).toContain(from);
    return code(reference.replace(from, to));
  };

  it('the starter (promise and accept everything, report nothing) fails the cases and agreement', async () => {
    const result = await gradeText(paxosAcceptorExercise, 0, code(paxosAcceptorExercise.kind === 'code' ? paxosAcceptorExercise.starter({} as never) : ''));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('paxos agreement (safety) failed');
  });

  it('accepting below the promise chooses two values in the dueling proposers run', async () => {
    const result = await gradeText(paxosAcceptorExercise, 0, edit('if (promised === null || compareBallots(request.ballot, promised) >= 0) {', 'if (true) {'));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('Case "below the promise"');
    expect(result.text).toContain('In the dueling proposers run (seed 1), paxos agreement (safety) failed: "x" was chosen with ballot (1, p1) at 30 ms, then "y" with ballot (1, p2) at 31 ms');
    expect(result.text).toContain('accepted below its promise');
  });

  it('promising without reporting the accepted proposal lets a late proposer choose another value', async () => {
    const result = await gradeText(paxosAcceptorExercise, 0, edit("reply: { type: 'promise', ballot: request.ballot, accepted: state.accepted }", "reply: { type: 'promise', ballot: request.ballot, accepted: null }"));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('reported accepted = null, not { ballot (2, p1), value "x" }');
    expect(result.text).toMatch(/In the late proposer run \(seed 2\), paxos agreement \(safety\) failed: "x" was chosen with ballot \(1, p1\).*then "y" with ballot \(1, p2\)/);
  });

  it('a prepare of the ballot already promised may be promised again (the chapter\'s rule) or refused (Paxos Made Simple): both pass', async () => {
    const repromise = await grade(paxosAcceptorExercise, 0, edit('compareBallots(request.ballot, promised) > 0', 'compareBallots(request.ballot, promised) >= 0'));
    expect(repromise.checks.filter((c) => !c.passed)).toEqual([]);
    expect(repromise.passed).toBe(true);
    expect((await grade(paxosAcceptorExercise, 0, code(reference))).passed).toBe(true);
    const prompt = paxosAcceptorExercise.prompt(variantParams(paxosAcceptorExercise, 0) as never).text;
    expect(prompt).toContain('may get either answer');
  });

  it('a repeated promise that forgets the accepted proposal, or a refusal without the promised ballot, still fails', async () => {
    const forgets = await gradeText(paxosAcceptorExercise, 0, edit(
      "if (request.type === 'prepare') {",
      "if (request.type === 'prepare') {\n    if (promised !== null && compareBallots(request.ballot, promised) === 0) return { state, reply: { type: 'promise', ballot: request.ballot, accepted: null } };",
    ));
    expect(failedNames(forgets)).toEqual(['prepare (phase 1b)']);
    expect(forgets.text).toContain('Case "the ballot already promised and accepted"');
    expect(forgets.text).toContain('reported accepted = null, not { ballot (2, p1), value "x" }');
    expect(forgets.text).toContain('both are safe, and both pass');
    const raises = await gradeText(paxosAcceptorExercise, 0, edit(
      "if (request.type === 'prepare') {",
      "if (request.type === 'prepare') {\n    if (promised !== null && compareBallots(request.ballot, promised) === 0) return { state: { ...state, promised: { round: 9, proposer: 'p9' } }, reply: { type: 'promise', ballot: request.ballot, accepted: state.accepted } };",
    ));
    expect(raises.text).toContain('Case "the ballot already promised": an acceptor with { promised: (2, p1), accepted: null } given prepare (2, p1) left promised = (9, p9), not (2, p1).');
  });

  it('a reply without the request\'s ballot, and a throw, are reported (the throw with the learner\'s line)', async () => {
    const noBallot = await gradeText(paxosAcceptorExercise, 0, edit("reply: { type: 'nack', ballot: request.ballot, promised } };\n  }", "reply: { type: 'nack', promised } as any };\n  }"));
    expect(noBallot.text).toContain('a reply carries the ballot of the request it answers');
    const throws = await gradeText(paxosAcceptorExercise, 0, edit('const { promised } = state;', "const { promised } = state;\n  if (request.ballot.round > 1) throw new Error('no retries');"));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/Your code threw: line 2\d, column \d+: no retries/);
  });
});

// ——— Every variant has exactly one right answer ———
// Each generator is enumerated over thousands of seeds (code exercises over hundreds, since each variant runs
// whole clusters) and compared with a brute-force oracle written here from the papers' rules, independently of the
// lab's code: the oracle's answer must pass, and every other candidate answer (or option) must be judged as the
// oracle judges it.

const CONCEPT_SEEDS = enumerateSeeds(2000);

describe('every variant has exactly one right answer (brute force over seeds)', () => {
  it('failures tolerated: the largest f that leaves more than half the servers running, and nothing else', async () => {
    for (const seed of CONCEPT_SEEDS) {
      const { n } = variantParams(failuresTolerated, seed) as { n: number };
      let oracle = -1;
      for (let f = 0; f <= n; f++) if (2 * (n - f) > n) oracle = f;
      for (let value = 0; value <= n; value++) {
        const result = await grade(failuresTolerated, seed, numeric(value));
        expect(result.passed, `seed ${seed}, n = ${n}, answer ${value}`).toBe(value === oracle);
      }
    }
  });

  it('failures tolerated: each typical mistake gets its own explanation', async () => {
    const phrases: [(n: number) => number, string][] = [
      [(n) => Math.floor(n / 2) + 1, 'the size of a majority'],
      [(n) => n / 2, 'exactly half'],
      [(n) => n - 1, 'leaves a single server'],
      [(n) => Math.floor((n - 1) / 3), 'Byzantine'],
    ];
    for (let n = 3; n <= 9; n++) {
      const seed = CONCEPT_SEEDS.find((s) => (variantParams(failuresTolerated, s) as { n: number }).n === n) as number;
      const seen = new Set<number>([Math.floor((n - 1) / 2)]);
      for (const [value, phrase] of phrases) {
        const wrong = value(n);
        if (!Number.isInteger(wrong) || seen.has(wrong)) continue;
        seen.add(wrong);
        const result = await gradeText(failuresTolerated, seed, numeric(wrong));
        expect(result.passed).toBe(false);
        expect(result.text, `n = ${n}, answer ${wrong}`).toContain(phrase);
      }
    }
  });

  it('quorum intersection: each option is judged as an exhaustive search for disjoint quorums judges it', () => {
    const popcount = (x: number) => x.toString(2).replace(/0/g, '').length;
    const mask = (nodes: string[]) => nodes.reduce((m, node) => m | (1 << (node.charCodeAt(0) - 97)), 0);
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(quorumIntersection, seed) as { systems: { id: string; kind: string; n: number; r?: number; w?: number; family?: string[][] }[] };
      const correct = new Set(quorumIntersection.kind === 'choice' ? quorumIntersection.correct(p as never) : []);
      const labels = quorumIntersection.kind === 'choice' ? quorumIntersection.options(p as never).map((o) => o.label) : [];
      expect(new Set(labels).size, `seed ${seed}: two options read the same`).toBe(labels.length);
      expect(correct.size, `seed ${seed}: no option is right, so no selection could score`).toBeGreaterThan(0);
      for (const q of p.systems) {
        let reads: number[];
        let writes: number[];
        if (q.kind === 'rw') {
          const subsets = Array.from({ length: 2 ** q.n }, (_, m) => m);
          reads = subsets.filter((m) => popcount(m) === q.r);
          writes = subsets.filter((m) => popcount(m) === q.w);
        } else {
          reads = writes = (q.family as string[][]).map(mask);
        }
        const alwaysMeet = reads.every((r) => writes.every((w) => (r & w) !== 0));
        expect(correct.has(q.id), `seed ${seed}, ${JSON.stringify(q)}`).toBe(alwaysMeet);
      }
    }
  });

  it('committed entries: exactly one set of indices passes, the one Figure 2\'s rule gives, and its neighbours fail', () => {
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(committedEntries, seed) as { n: number; currentTerm: number; log: number[]; commitIndex: number; matchIndex: Record<string, number> };
      // Figure 2, Rules for Servers, Leaders: the largest N > commitIndex with a majority of matchIndex[i] ≥ N
      // (the leader counting itself) and log[N].term == currentTerm; otherwise commitIndex stays.
      let oracle = p.commitIndex;
      for (let index = p.commitIndex + 1; index <= p.log.length; index++) {
        const holders = 1 + Object.values(p.matchIndex).filter((m) => m >= index).length;
        if (2 * holders > p.n && p.log[index - 1] === p.currentTerm) oracle = index;
      }
      const passing: number[][] = [];
      for (let subset = 0; subset < 2 ** p.log.length; subset++) {
        const value = p.log.map((_, i) => i + 1).filter((i) => subset & (1 << (i - 1)));
        if (structuredAccepts(committedEntries, p, value)) passing.push(value);
      }
      expect(passing, `seed ${seed}`).toEqual([Array.from({ length: oracle }, (_, i) => i + 1)]);
    }
  });

  it('term and vote: exactly one (term, vote) passes, the one a hand-run of Figure 2 gives', () => {
    type Event = { kind: 'vote'; from: string; term: number; lastLogIndex: number; lastLogTerm: number } | { kind: 'append'; from: string; term: number } | { kind: 'timeout' };
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(termAndVote, seed) as { currentTerm: number; votedFor: string | null; log: number[]; events: Event[] };
      let term = p.currentTerm;
      let votedFor = p.votedFor;
      const myLastTerm = p.log[p.log.length - 1] as number;
      for (const e of p.events) {
        if (e.kind === 'timeout') {
          term += 1;
          votedFor = 'a';
          continue;
        }
        if (e.term > term) {
          term = e.term; // §5.1: a higher term is adopted, and the vote of the old term is gone
          votedFor = null;
        }
        if (e.kind === 'vote' && e.term === term) {
          const upToDate = e.lastLogTerm > myLastTerm || (e.lastLogTerm === myLastTerm && e.lastLogIndex >= p.log.length);
          if ((votedFor === null || votedFor === e.from) && upToDate) votedFor = e.from;
        }
      }
      expect((referenceAnswer(termAndVote, p) as { text: string }).text, `seed ${seed}`).toBe(`${term}, ${votedFor ?? 'none'}`);
      // Every candidate answer through the grader is slower (each check replays the events): a tenth of the seeds.
      if (CONCEPT_SEEDS.indexOf(seed) % 10 !== 0) continue;
      const passing: string[] = [];
      for (let t = 0; t <= term + 3; t++) {
        for (const v of ['none', 'a', 'b', 'c', 'd', 'e']) if (structuredAccepts(termAndVote, p, [String(t), v])) passing.push(`${t}, ${v}`);
      }
      expect(passing, `seed ${seed}`).toEqual([`${term}, ${votedFor ?? 'none'}`]);
    }
  });

  it('election restriction: each candidate is judged by §5.4.1\'s comparison, and every variant has yes and no options', () => {
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(electionRestriction, seed) as { log: number[]; candidates: { id: string; lastLogIndex: number; lastLogTerm: number }[] };
      const mine = { term: p.log[p.log.length - 1] as number, index: p.log.length };
      const oracle = p.candidates.filter((c) => c.lastLogTerm > mine.term || (c.lastLogTerm === mine.term && c.lastLogIndex >= mine.index)).map((c) => c.id);
      const correct = electionRestriction.kind === 'choice' ? electionRestriction.correct(p as never) : [];
      expect([...correct].sort(), `seed ${seed}`).toEqual(oracle.sort());
      expect(oracle.length).toBeGreaterThan(0);
      expect(oracle.length).toBeLessThan(p.candidates.length);
      expect(new Set(p.candidates.map((c) => `${c.lastLogIndex}/${c.lastLogTerm}`)).size).toBe(p.candidates.length);
    }
  });

  it('FLP: every drawn statement is judged as the papers say, the theorem and the safety trap are always asked', () => {
    // Written from the papers, independently of the definition's table.
    const truth: Record<string, boolean> = {
      'one-crash': true, safety: false, randomised: true, 'partial-sync': true, frequent: false,
      'no-failures': false, detector: true, timeouts: true, synchronous: false,
    };
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(flp, seed) as { statements: string[] };
      expect(p.statements).toEqual(expect.arrayContaining(['one-crash', 'safety']));
      expect(new Set(p.statements).size).toBe(p.statements.length);
      const correct = flp.kind === 'choice' ? flp.correct(p as never) : [];
      expect([...correct].sort()).toEqual(p.statements.filter((id) => truth[id]).sort());
    }
  });

  it('FLP: the no-failures statement has one reading, and ◇S is glossed as Chandra and Toueg define it', () => {
    const all = flp.kind === 'choice' ? flp.options({ statements: ['no-failures', 'detector', 'partial-sync'] } as never) : [];
    const label = (id: string) => all.find((o) => o.id === id)?.label ?? '';
    expect(label('no-failures')).toContain('need not tolerate any crash');
    expect(label('detector')).toContain('every crashed process is eventually suspected for good by every correct process');
    expect(label('detector')).toContain('there is a time after which some correct process is never suspected by any correct process');
    expect(label('partial-sync')).toContain('a majority of processes never crash');
    const why = (id: string) => (flp.kind === 'choice' ? flp.explain?.({ statements: [id] } as never, id) ?? '' : '');
    expect(why('detector')).toContain('strong completeness plus eventual weak accuracy');
    expect(why('no-failures')).toContain('has no crash in it');
  });
});

describeCodeReferences([[paxosAcceptorExercise, 200], [requestVote, 40], [commitIndex, 40]]);

describe('prompts render as the text means them', () => {
  it('term and vote: the numbered events are an ordered list, one item per event, in the prompt and the solution', () => {
    for (const seed of SEEDS) {
      const p = variantParams(termAndVote, seed) as { events: unknown[] };
      for (const text of [termAndVote.prompt(p as never).text, termAndVote.solution(p as never).text]) {
        const html = renderPromptHtml(text);
        expect(html).toMatch(/<ol><li>/);
        expect((/<ol>(.*?)<\/ol>/s.exec(html)?.[1] ?? '').match(/<li>/g)).toHaveLength(p.events.length);
      }
    }
  });
});

describe('structured answers: the placeholder parses, and the reference written like it is accepted', () => {
  for (const def of [committedEntries, termAndVote] as Exercise[]) {
    it(def.id, async () => {
      await expectReferenceWrittenLikePlaceholder(def, CONCEPT_SEEDS.slice(0, 200));
    });
  }
});

describe('feedback is plain text (the page escapes it, so markdown would show as asterisks and backticks)', () => {
  it('numeric mistakes, choice explanations and structured checks on wrong answers, over 200 seeds', () => {
    const wrongValues: Record<string, unknown[]> = { [committedEntries.id]: [[1, 2, 3, 4, 5, 6, 7, 8], [2], []], [termAndVote.id]: [['0', 'b'], ['9', 'a'], ['x', 'none']] };
    for (const def of exerciseSet.exercises as Exercise[]) {
      for (const seed of enumerateSeeds(200)) {
        for (const text of feedbackTexts(def, variantParams(def, seed), wrongValues[def.id] ?? [])) {
          expect(text, `${def.id}, seed ${seed}`).not.toMatch(MARKDOWN_IN_FEEDBACK);
        }
      }
    }
  });
});
