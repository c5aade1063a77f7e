// Method: the oracle is the list's own verdicts; over 2,000 seeds every subset of the shown options is graded and
// exactly one, the set of stable properties, earns full marks; every variant shows stable and unstable properties;
// each explanation names its verdict, and feedback has no markdown.
import { describe, expect, it } from 'vitest';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts } from '../../exercises/oracle-support';
import { choice, gradeText, itPassesEveryVariant } from '../../exercises/test-support';
import { grade, variantParams } from '../../exercises/grade';
import { PROPERTIES, stableProperties, type StablePropertiesParams } from './stable-properties';

const SEEDS = enumerateSeeds(2000);
const stable = new Set(PROPERTIES.filter((p) => p.stable).map((p) => p.id));

describe('Chandy and Lamport 1985 §1, §5: stable properties', () => {
  itPassesEveryVariant([stableProperties]);

  it('exactly one subset of the shown options gets full marks, the stable ones, on 2,000 variants (every 20th graded subset by subset)', async () => {
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(stableProperties, seed) as StablePropertiesParams;
      const right = p.shown.filter((id) => stable.has(id)).sort();
      expect(right.length).toBeGreaterThanOrEqual(2);
      expect(p.shown.length - right.length).toBeGreaterThanOrEqual(2);
      expect(stableProperties.kind === 'choice' ? [...stableProperties.correct(p)].sort() : []).toEqual(right);
      if (i % 20 !== 0) continue;
      let full = 0;
      for (let mask = 1; mask < 1 << p.shown.length; mask++) {
        const picked = p.shown.filter((_, k) => mask & (1 << k));
        if ((await grade(stableProperties, seed, choice(...picked))).passed) {
          full++;
          expect(picked.sort()).toEqual(right);
        }
      }
      expect(full).toBe(1);
    }
  });

  it('selecting an unstable property is explained, and feedback has no markdown', async () => {
    const p = variantParams(stableProperties, 0) as StablePropertiesParams;
    const wrong = p.shown.find((id) => !stable.has(id)) as string;
    expect((await gradeText(stableProperties, 0, choice(wrong))).checks.some((c) => c.feedback.startsWith('Not stable:'))).toBe(true);
    for (const seed of SEEDS.slice(0, 100)) for (const f of feedbackTexts(stableProperties, variantParams(stableProperties, seed))) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
  });
});
