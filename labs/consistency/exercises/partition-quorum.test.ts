// Method: every drawn scenario has a solution and the reference's choice is one (checked against the rule, r ≤ k
// for what the side must answer, r + w > n when consistency is asked, over 2,000 seeds); on a few scenarios, every
// (R, W) from 1 to N is graded through a real store run and passes exactly when that rule allows it, so the run
// and the rule agree. Then the reference passes 24 variants; each of 1,000 variants holds a scenario where a side
// without a majority must answer; and wrong choices (the starter's R = W = 1, R = W = N, R + W = N, a majority
// for everything, ignoring which side must answer, a malformed return) fail with feedback that names the problem.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { Random } from '../../sim/random';
import { drawScenario, minoritySideMustAnswer, partitionQuorum, quorumAllowed, referenceQuorum, scenarioVerdict, type PartitionQuorumParams, type QuorumScenario } from './partition-quorum';

describe('Dynamo §4.5 quorums through a partition (Gilbert and Lynch §3)', () => {
  it('on 2,000 seeds every scenario has a right choice and the reference makes one', () => {
    const kinds = new Set<string>();
    for (const seed of enumerateSeeds(2000)) {
      const s = drawScenario(new Random(seed));
      expect(s.sides.flat().sort()).toEqual(Array.from({ length: s.n }, (_, i) => String.fromCharCode(97 + i)));
      expect(s.reads || s.writes).toBe(true);
      const { r, w } = referenceQuorum(s);
      expect(quorumAllowed(s, r, w), JSON.stringify(s)).toBe(true);
      // The rule, written again from the definitions: the side's k replicas bound what it must answer.
      const k = s.mustAnswer.length;
      const some = Array.from({ length: s.n }, (_, i) => i + 1).some((rr) => Array.from({ length: s.n }, (_, j) => j + 1).some((ww) => (!s.reads || rr <= k) && (!s.writes || ww <= k) && (!s.consistent || rr + ww > s.n)));
      expect(some).toBe(true);
      kinds.add(`${s.reads}-${s.writes}-${s.consistent}-${2 * k > s.n}`);
    }
    expect(kinds.size).toBeGreaterThanOrEqual(9);
  });

  it('a real store run passes a choice exactly when the rule allows it, for every (R, W) of a few scenarios', () => {
    for (const seed of enumerateSeeds(3)) {
      const s = drawScenario(new Random(seed));
      for (let r = 1; r <= s.n; r++) {
        for (let w = 1; w <= s.n; w++) expect(scenarioVerdict(s, r, w, seed).passed, `${JSON.stringify(s)} r = ${r}, w = ${w}`).toBe(quorumAllowed(s, r, w));
      }
    }
  });
});

describeCodeReferences([[partitionQuorum, 24]]);

const SCENARIO_TYPE_END = 'export function chooseQuorum';
const withBody = (body: string) => {
  const source = partitionQuorum.kind === 'code' ? partitionQuorum.reference(variantParams(partitionQuorum, 0)) : '';
  return `${source.slice(0, source.indexOf(SCENARIO_TYPE_END))}export function chooseQuorum(s: QuorumScenario): { r: number; w: number } {\n${body}\n}\n`;
};

describe('wrong choices fail with feedback a learner can act on', () => {
  const seeds = enumerateSeeds(12);
  const consistentSeed = seeds.find((seed) => (variantParams(partitionQuorum, seed) as PartitionQuorumParams).scenario.consistent) as number;

  it('the starter (R = W = 1) breaks consistency: R + W is not more than N', async () => {
    const starter = partitionQuorum.kind === 'code' ? partitionQuorum.starter(variantParams(partitionQuorum, 0)) : '';
    const result = await gradeText(partitionQuorum, consistentSeed, code(starter));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/R \+ W = 2 is not more than N = \d/);
  });

  it('R = W = N answers nothing on a side smaller than N', async () => {
    const result = await gradeText(partitionQuorum, seeds[0] as number, code(withBody('  return { r: s.n, w: s.n };')));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/got \d+ of their \d+ (reads|writes) answered during the partition/);
  });

  it('R + W = N (one short) is told that the quorums can be disjoint, with a stale read when the run shows one', async () => {
    const body = '  const k = s.mustAnswer.length;\n  return s.writes && !s.reads ? { r: s.n - k, w: k } : { r: k, w: Math.max(1, s.n - k) };';
    let told = 0;
    let shown = 0;
    for (const seed of seeds) {
      const result = await gradeText(partitionQuorum, seed, code(withBody(body)));
      expect(result.passed, `seed ${seed}`).toBe(false);
      if (result.text.includes('can be disjoint')) told++;
      if (/stale reads?, e\.g\. c\d/.test(result.text)) shown++;
    }
    expect(told).toBeGreaterThan(6);
    expect(shown).toBeGreaterThan(0);
  });

  it('a choice that ignores which side must answer (sizes it for the larger side) fails on minority sides', async () => {
    const body = '  const k = Math.max(...s.sides.map((side) => side.length));\n  if (!s.consistent) return { r: k, w: k };\n  if (s.reads && !s.writes) return { r: k, w: s.n - k + 1 };\n  if (s.writes && !s.reads) return { r: s.n - k + 1, w: k };\n  return { r: k, w: k };';
    let failed = 0;
    for (const seed of seeds) {
      const result = await gradeText(partitionQuorum, seed, code(withBody(body)));
      if (!result.passed) {
        failed++;
        expect(result.text).toContain('answered during the partition');
      }
    }
    expect(failed).toBeGreaterThan(6);
  });

  // A majority serves every scenario whose required side is a majority (k ≥ m and, when consistent, m + m > n), so
  // it may only fail where a side without a majority must answer: each variant must hold such a scenario.
  const majorityBody = '  const m = Math.floor(s.n / 2) + 1;\n  return { r: m, w: m };';
  const majority = (s: QuorumScenario) => Math.floor(s.n / 2) + 1;

  it('on 1,000 variants at least one scenario has a side without a majority answer, which R = W = majority cannot serve', () => {
    for (const seed of enumerateSeeds(1000)) {
      const p = variantParams(partitionQuorum, seed) as PartitionQuorumParams;
      const scenarios = [p.scenario, ...p.moreSeeds.map((more) => drawScenario(new Random(more)))];
      expect(p.moreSeeds).toHaveLength(5);
      const minority = scenarios.filter((s) => 2 * s.mustAnswer.length <= s.n);
      expect(minority.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(scenarios.filter(minoritySideMustAnswer)).toEqual(minority);
      expect(scenarios.some((s) => !quorumAllowed(s, majority(s), majority(s))), `seed ${seed}`).toBe(true);
      for (const s of scenarios) expect(quorumAllowed(s, majority(s), majority(s))).toBe(2 * s.mustAnswer.length > s.n);
    }
  });

  it('R = W = majority for everything fails the default variant and others, on a side without a majority', async () => {
    for (const seed of [0, ...seeds.slice(1, 3)]) {
      const result = await gradeText(partitionQuorum, seed, code(withBody(majorityBody)));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toMatch(/got \d+ of their \d+ (reads|writes) answered during the partition/);
    }
  });

  it('a return of the wrong shape is named', async () => {
    const result = await gradeText(partitionQuorum, seeds[0] as number, code(withBody('  return { r: 0, w: "2" } as never;')));
    expect(result.text).toContain('it must return { r, w }, two whole numbers from 1 to N');
  });
});

export type { QuorumScenario };
