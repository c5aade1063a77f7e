// Method: the grader's formula is held to a count made one request at a time on 3,000 variants: one second of
// traffic at each PoP, its first misses sent upstream by its hit ratio, and the shield's misses among those
// forwarded. Every count is a whole number by construction. Wrong answers (the shield's ratio applied to all
// requests, the shield's hits instead of its misses, hit ratios averaged over PoPs of different rates) each get
// their own feedback.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { originLoad, originLoadExercise, type OriginLoadParams } from './origin-load';

const SEEDS = enumerateSeeds(3000);

function countOneByOne(p: OriginLoadParams): [number, number] {
  const upstream: number[] = [];
  for (const pop of p.pops) {
    for (let r = 0; r < pop.ratePerSecond; r++) if (r * 100 >= pop.ratePerSecond * pop.hitPercent) upstream.push(r);
  }
  let origin = 0;
  for (let i = 0; i < upstream.length; i++) if (i * 100 >= upstream.length * p.shieldHitPercent) origin++;
  return [upstream.length, origin];
}

describe('origin load with and without a shield', () => {
  itPassesEveryVariant([originLoadExercise]);
  itShowsTheAnswerFormat([originLoadExercise], SEEDS.slice(0, 20));

  it('the formula agrees with a request-by-request count on 3,000 variants', () => {
    for (const seed of SEEDS) {
      const p = variantParams(originLoadExercise, seed) as OriginLoadParams;
      const { withoutShield, withShield } = originLoad(p);
      expect([withoutShield, withShield], `seed ${seed}`).toEqual(countOneByOne(p));
      expect(structuredAccepts(originLoadExercise, p, [withoutShield, withShield])).toBe(true);
      expect(structuredAccepts(originLoadExercise, p, [withShield, withoutShield])).toBe(false);
    }
  });

  it('explains the known mistakes', async () => {
    for (const seed of enumerateSeeds(20)) {
      const p = variantParams(originLoadExercise, seed) as OriginLoadParams;
      const total = p.pops.reduce((s, pop) => s + pop.ratePerSecond, 0);
      const { withoutShield } = originLoad(p);
      const allShielded = (total * (100 - p.shieldHitPercent)) / 100;
      expect((await gradeText(originLoadExercise, seed, structured(`[${withoutShield}, ${allShielded}]`))).text).toContain('The shield sees only what the PoPs missed');
      // (With a shield hit ratio of 50%, its hits and its misses are the same number.)
      if (p.shieldHitPercent !== 50) expect((await gradeText(originLoadExercise, seed, structured(`[${withoutShield}, ${(withoutShield * p.shieldHitPercent) / 100}]`))).text).toContain('how many of the PoPs\' misses the shield answers');
      expect((await gradeText(originLoadExercise, seed, structured(`[${withoutShield}, ${withoutShield}]`))).text).toContain('That is the load without the shield.');
    }
  });
});
