// Method: the reference passes every variant; over 1,500 seeds, each option is graded alone and must pass exactly
// when a brute-force oracle says it is right: the oracle calls a cut consistent when it is closed under
// happened-before (every event that happened before an event of the cut is in the cut, `happensBefore` of the
// clocks lab), and names as crossing a message whose receive is in the cut and whose send is not. Exactly one
// option is right on every variant, both verdicts are drawn often, and wrong picks get feedback that says why.
import { describe, expect, it } from 'vitest';
import { happensBefore } from '../../clocks/causality';
import { grade, variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts } from '../../exercises/oracle-support';
import { choice, gradeText, itPassesEveryVariant } from '../../exercises/test-support';
import { cutConsistent, type CutConsistentParams } from './cut-consistent';
import { smallRun } from './small-runs';

const SEEDS = enumerateSeeds(1500);

function oracle(p: CutConsistentParams): { closed: boolean; crossingSends: string[] } {
  const { events } = smallRun(p.seed, 3);
  const hb = happensBefore(events);
  const inside = (id: string) => {
    const e = events.find((x) => x.id === id);
    return e !== undefined && e.index <= (p.cut[e.node] ?? 0);
  };
  const closed = events.every((f) => !inside(f.id) || events.every((e) => !hb(e.id, f.id) || inside(e.id)));
  const crossingSends = events.filter((e) => e.kind === 'receive' && inside(e.id) && !inside(e.from as string)).map((e) => e.from as string);
  return { closed, crossingSends };
}

describe('Mattern 1989: a cut is consistent when no message enters it from its future', () => {
  itPassesEveryVariant([cutConsistent]);

  it('each option passes alone exactly when the oracle says so, and exactly one does, on 1,500 variants', async () => {
    let consistent = 0;
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(cutConsistent, seed) as CutConsistentParams;
      const { closed, crossingSends } = oracle(p);
      expect(closed, `seed ${seed}`).toBe(crossingSends.length === 0);
      const right = (id: string) => (id === 'consistent' ? closed : crossingSends.includes(id.slice('message-'.length)));
      const options = cutConsistent.kind === 'choice' ? cutConsistent.options(p) : [];
      expect(options.filter((o) => right(o.id)), `seed ${seed}`).toHaveLength(1);
      if (closed) consistent++;
      // Grading draws the variant again; every fifth seed is graded option by option, the rest by `correct`.
      if (i % 5 === 0) {
        for (const o of options) expect((await grade(cutConsistent, seed, choice(o.id))).passed, `seed ${seed}: ${o.id}`).toBe(right(o.id));
      } else if (cutConsistent.kind === 'choice') {
        expect(cutConsistent.correct(p).every(right)).toBe(true);
      }
    }
    expect(consistent).toBeGreaterThan(SEEDS.length * 0.35);
    expect(consistent).toBeLessThan(SEEDS.length * 0.65);
  });

  it('wrong picks are told why: a crossing message missed, a message in flight taken for a crossing one', async () => {
    const inconsistent = SEEDS.find((s) => !oracle(variantParams(cutConsistent, s) as CutConsistentParams).closed) as number;
    expect((await gradeText(cutConsistent, inconsistent, choice('consistent'))).text).toMatch(/is received at \w+, inside the cut, but sent at \w+, after the cut/);
    const consistentSeed = SEEDS.find((s) => oracle(variantParams(cutConsistent, s) as CutConsistentParams).closed) as number;
    const p = variantParams(cutConsistent, consistentSeed) as CutConsistentParams;
    const { events } = smallRun(p.seed, 3);
    const inside = (id: string) => events.some((e) => e.id === id && e.index <= (p.cut[e.node] ?? 0));
    const inFlight = events.find((e) => e.kind === 'receive' && !inside(e.id) && inside(e.from as string));
    expect(inFlight, 'consistent variants have a message in flight').toBeDefined();
    expect((await gradeText(cutConsistent, consistentSeed, choice(`message-${inFlight?.from}`))).text).toContain('in flight when the cut is taken, which a consistent cut allows');
  });

  it('the prompt names the cut on every node; feedback has no markdown', () => {
    for (const seed of SEEDS.slice(0, 200)) {
      const p = variantParams(cutConsistent, seed) as CutConsistentParams;
      const text = cutConsistent.prompt(p).text;
      for (const n of ['a', 'b', 'c']) expect(text).toContain(` on ${n}`);
      for (const f of feedbackTexts(cutConsistent, p)) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });
});
