// Method: the grader (the lab's percentileBill) is held to a brute force on 3,000 variants: drop the largest sample
// ⌊0.05·n⌋ times and bill the largest left, the rule as contracts state it. On every 10th variant the answer
// written as the placeholder shows passes, and the wrong rates learners give (the peak, one sample too high or too
// low, the mean) each fail with their own feedback, with the bill's feedback saying when it follows from a wrong
// rate. The series' burst is checked sample by sample: exactly its 2 to 4 consecutive samples stand far above the
// ramp.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, feedbackTexts, MARKDOWN_IN_FEEDBACK, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { Random } from '../../sim/random';
import { billOf, percentileBillExercise, trafficSeries, type PercentileBillParams } from './percentile-bill';

const SEEDS = enumerateSeeds(3000);

function bruteForce(p: PercentileBillParams): number {
  const left = [...p.samplesMbps];
  const discard = Math.floor((5 * left.length) / 100);
  for (let k = 0; k < discard; k++) left.splice(left.indexOf(Math.max(...left)), 1);
  return Math.max(...left);
}

describe('95th-percentile billing by nearest rank', () => {
  itPassesEveryVariant([percentileBillExercise]);
  itShowsTheAnswerFormat([percentileBillExercise], SEEDS.slice(0, 20));

  it('the billed rate equals dropping the top 5% by hand on 3,000 variants; wrong rates are told apart', () => {
    const lengths = new Set<number>();
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(percentileBillExercise, seed) as PercentileBillParams;
      lengths.add(p.samplesMbps.length);
      expect(new Set(p.samplesMbps).size).toBe(p.samplesMbps.length);
      const { rateMbps, bill } = billOf(p);
      expect(rateMbps, `seed ${seed}`).toBe(bruteForce(p));
      expect(bill).toBeCloseTo(rateMbps * p.pricePerMbps, 9);
      if (i % 10 !== 0) continue;
      expect(structuredAccepts(percentileBillExercise, p, [rateMbps, bill])).toBe(true);
      const sorted = [...p.samplesMbps].sort((a, b) => a - b);
      const k = sorted.indexOf(rateMbps);
      for (const wrong of [sorted.at(-1), sorted[k + 1], sorted[k - 1]]) {
        if (wrong === undefined || wrong === rateMbps) continue;
        expect(structuredAccepts(percentileBillExercise, p, [wrong, wrong * p.pricePerMbps])).toBe(false);
      }
      for (const text of feedbackTexts(percentileBillExercise, p, [[sorted.at(-1), 1], [sorted[k + 1] ?? 0, 0], [1, 2, 3]])) expect(text).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
    expect([...lengths].sort()).toEqual([30, 35, 40, 45]);
  });

  it('each variant\'s burst is one run of 2 to 4 consecutive samples, on 3,000 variants', () => {
    const lengths = new Set<number>();
    for (const seed of SEEDS) {
      const series = trafficSeries(new Random(seed).fork(percentileBillExercise.id));
      expect(series.samplesMbps, `seed ${seed}`).toEqual((variantParams(percentileBillExercise, seed) as PercentileBillParams).samplesMbps);
      // Noise and the nudges that keep samples apart stay within 25 + n Mbps of the ramp; the burst adds 250 or more.
      const lifted = series.samplesMbps.flatMap((mbps, i) => (mbps - (series.rampMbps[i] as number) > 150 ? [i] : []));
      const { fromIndex, count } = series.burst;
      expect(lifted, `seed ${seed}`).toEqual(Array.from({ length: count }, (_, k) => fromIndex + k));
      lengths.add(count);
    }
    expect([...lengths].sort()).toEqual([2, 3, 4]);
  });

  it('names the mistake: the peak, too few or too many discarded, and a bill that follows from a wrong rate', async () => {
    for (const seed of enumerateSeeds(30)) {
      const p = variantParams(percentileBillExercise, seed) as PercentileBillParams;
      const sorted = [...p.samplesMbps].sort((a, b) => a - b);
      const k = sorted.indexOf(billOf(p).rateMbps);
      const peak = sorted.at(-1) as number;
      expect((await gradeText(percentileBillExercise, seed, structured(`[${peak}, ${peak * p.pricePerMbps}]`))).text).toMatch(/billable rate: That is the peak sample.*bill: .* follows from your rate/);
      if (k + 1 < sorted.length - 1) expect((await gradeText(percentileBillExercise, seed, structured(`[${sorted[k + 1]}, 0]`))).text).toMatch(/You discarded too few samples: with \d+ samples, the top \d are discarded/);
      expect((await gradeText(percentileBillExercise, seed, structured(`[${sorted[k - 1]}, 0]`))).text).toMatch(/You discarded too many samples/);
    }
  });
});
