// Method: the reference counts cuts with Mattern's vector condition; the oracle here counts them by brute force
// with the definition, a cut being consistent when it is closed under happened-before (`happensBefore` of the
// clocks lab, every event's causal past inside the cut). They agree on 1,500 variants, so each variant has exactly
// one right number. The known mistakes (every cut; only cuts no message crosses either way; forgetting the empty
// or the full cut) each get their own feedback, and the counts vary from seed to seed.
import { describe, expect, it } from 'vitest';
import { happensBefore } from '../../clocks/causality';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { gradeText, itExplainsEveryMistake, itPassesEveryVariant, numeric } from '../../exercises/test-support';
import { countCuts, type CountCutsParams } from './count-cuts';
import { smallRun } from './small-runs';

const SEEDS = enumerateSeeds(1500);

function oracleCount(p: CountCutsParams): number {
  const { events } = smallRun(p.seed, 3, ['a', 'b']);
  const hb = happensBefore(events);
  const na = events.filter((e) => e.node === 'a').length;
  const nb = events.filter((e) => e.node === 'b').length;
  let count = 0;
  for (let i = 0; i <= na; i++) {
    for (let j = 0; j <= nb; j++) {
      const inside = (e: { node: string; index: number }) => e.index <= (e.node === 'a' ? i : j);
      if (events.every((f) => !inside(f) || events.every((e) => !hb(e.id, f.id) || inside(e)))) count++;
    }
  }
  return count;
}

describe('Mattern 1989, Babaoğlu and Marzullo 1993: the consistent cuts of a run', () => {
  itPassesEveryVariant([countCuts]);
  itExplainsEveryMistake([countCuts], SEEDS.slice(0, 300));

  it('the reference count equals the brute-force count on 1,500 variants, and the counts vary', () => {
    const seen = new Set<number>();
    for (const seed of SEEDS) {
      const p = variantParams(countCuts, seed) as CountCutsParams;
      const expected = oracleCount(p);
      expect(countCuts.kind === 'numeric' ? countCuts.answer(p) : -1, `seed ${seed}`).toBe(expected);
      seen.add(expected);
    }
    expect(seen.size).toBeGreaterThan(5);
  });

  it('counting every cut, or ruling out messages in flight, is named', async () => {
    const p = variantParams(countCuts, 0) as CountCutsParams;
    const { events } = smallRun(p.seed, 3, ['a', 'b']);
    const all = (events.filter((e) => e.node === 'a').length + 1) * (events.filter((e) => e.node === 'b').length + 1);
    expect((await gradeText(countCuts, 0, numeric(all))).text).toContain('That counts every cut');
    const withInFlight = SEEDS.find((seed) => {
      const def = countCuts.kind === 'numeric' ? countCuts : undefined;
      return def?.mistakes?.(variantParams(countCuts, seed) as CountCutsParams).some((m) => m.feedback.includes('in flight'));
    });
    expect(withInFlight).toBeDefined();
  });
});
