// Method: the reference passes every variant; over 2,000 seeds each option is graded alone and must pass exactly
// when an oracle, counting each side's replicas against n / 2, says it is right; exactly one option is right; the
// shapes that teach (an even split, three sides with no majority) are drawn.
import { describe, expect, it } from 'vitest';
import { grade, variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts } from '../../exercises/oracle-support';
import { choice, gradeText, itPassesEveryVariant } from '../../exercises/test-support';
import { cpPartitionSide, type PartitionSideParams } from './cp-partition-side';

const SEEDS = enumerateSeeds(2000);

function oracleRight(p: PartitionSideParams, id: string): boolean {
  const strictlyMoreThanHalf = (size: number) => size * 2 > p.n;
  if (id === 'every-side') return false;
  if (id === 'no-side') return p.groups.every((g) => !strictlyMoreThanHalf(g.length));
  return strictlyMoreThanHalf((p.groups[Number(id.split('-')[1]) - 1] as string[]).length);
}

describe('Gilbert and Lynch §3, with ABD majority quorums: which side of a partition answers', () => {
  itPassesEveryVariant([cpPartitionSide]);

  it('each option passes alone exactly when the oracle says so, and exactly one does, on 2,000 variants', async () => {
    let even = 0;
    let threeWayNone = 0;
    for (const seed of SEEDS) {
      const p = variantParams(cpPartitionSide, seed) as PartitionSideParams;
      expect(p.groups.flat().sort()).toEqual(Array.from({ length: p.n }, (_, i) => String.fromCharCode(97 + i)));
      const options = cpPartitionSide.kind === 'choice' ? cpPartitionSide.options(p) : [];
      const right = options.filter((o) => oracleRight(p, o.id));
      expect(right, `seed ${seed}`).toHaveLength(1);
      for (const option of options) expect((await grade(cpPartitionSide, seed, choice(option.id))).passed, `seed ${seed}: ${option.id}`).toBe(oracleRight(p, option.id));
      if (p.groups.length === 2 && p.groups[0]?.length === p.groups[1]?.length) even++;
      if (p.groups.length === 3 && right[0]?.id === 'no-side') threeWayNone++;
    }
    expect(even).toBeGreaterThan(200);
    expect(threeWayNone).toBeGreaterThan(100);
  });

  it('an even split explains that half is not a majority; every side is called the AP answer', async () => {
    const seed = SEEDS.find((s) => {
      const p = variantParams(cpPartitionSide, s) as PartitionSideParams;
      return p.groups.length === 2 && p.groups[0]?.length === p.groups[1]?.length;
    }) as number;
    expect((await gradeText(cpPartitionSide, seed, choice('side-1'))).text).toContain('Half is not a majority');
    expect((await gradeText(cpPartitionSide, seed, choice('every-side'))).text).toContain('AP store');
  });

  it('the prompt names every side and the quorum size; feedback has no markdown', () => {
    for (const seed of SEEDS.slice(0, 200)) {
      const p = variantParams(cpPartitionSide, seed) as PartitionSideParams;
      const text = cpPartitionSide.prompt(p).text;
      for (const g of p.groups) expect(text).toContain(`{${g.join(', ')}}`);
      expect(text).toContain(`quorums of ${Math.floor(p.n / 2) + 1}`);
      for (const f of feedbackTexts(cpPartitionSide, p)) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });
});
