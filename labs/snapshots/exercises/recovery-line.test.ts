// Method: the reference is the lab's rollback propagation; the oracle here is a brute force written for the test:
// every combination of restart points (the initial state, each checkpoint, and for a surviving node its current
// state; the failed node no later than its latest checkpoint), the consistent ones kept by closure under
// happened-before (`happensBefore` of the clocks lab), and their greatest, which must exist. They agree on 1,500
// variants; on every 10th, every subset of the checkpoint names is graded and exactly one, the oracle's, passes.
// Wrong answers get feedback per node: a survivor kept that must roll back, one sent back too far, the failed node
// left out.
import { describe, expect, it } from 'vitest';
import { happensBefore } from '../../clocks/causality';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { answerLabels, checkpointsOf, initialLabel, lineOf, recoveryLineExercise, type RecoveryLineParams } from './recovery-line';
import { smallRun } from './small-runs';

const SEEDS = enumerateSeeds(1500);
const NODES = ['a', 'b', 'c'];

function oracle(p: RecoveryLineParams): string[] {
  const { events } = smallRun(p.seed, 4);
  const hb = happensBefore(events);
  const total = (n: string) => events.filter((e) => e.node === n).length;
  const cps = checkpointsOf(p);
  const options = NODES.map((n) => {
    const points = [{ index: 0, label: initialLabel(n) }, ...cps.filter((c) => c.node === n).map((c) => ({ index: c.index, label: c.label }))];
    if (n !== p.failed) points.push({ index: total(n), label: 'current' });
    return points;
  });
  let best: { index: number; label: string }[] | undefined;
  const consistent: { index: number; label: string }[][] = [];
  for (const x of options[0] ?? []) for (const y of options[1] ?? []) for (const z of options[2] ?? []) {
    const combo = [x, y, z];
    const inside = (e: { node: string; index: number }) => e.index <= (combo[NODES.indexOf(e.node)]?.index ?? 0);
    if (events.every((f) => !inside(f) || events.every((e) => !hb(e.id, f.id) || inside(e)))) consistent.push(combo);
  }
  for (const combo of consistent) if (consistent.every((other) => other.every((o, k) => o.index <= (combo[k]?.index ?? 0)))) best = combo;
  if (best === undefined) throw new Error('no greatest consistent combination');
  return best.map((b) => b.label).filter((l) => l !== 'current').sort();
}

describe('Randell 1975; Elnozahy et al. 2002 §3: the recovery line of uncoordinated checkpoints', () => {
  itPassesEveryVariant([recoveryLineExercise]);
  itShowsTheAnswerFormat([recoveryLineExercise], SEEDS.slice(0, 20));

  it('rollback propagation equals the brute-force line on 1,500 variants; exactly one set of names passes on 150', () => {
    let domino = 0;
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(recoveryLineExercise, seed) as RecoveryLineParams;
      const expected = oracle(p);
      expect(answerLabels(p), `seed ${seed}`).toEqual(expected);
      if (lineOf(p).domino) domino++;
      if (i % 10 !== 0) continue;
      const names = [...NODES.map(initialLabel), ...checkpointsOf(p).map((c) => c.label)];
      let passing = 0;
      for (let mask = 0; mask < 1 << names.length; mask++) {
        const subset = names.filter((_, k) => mask & (1 << k)).sort();
        if (structuredAccepts(recoveryLineExercise, p, subset)) {
          passing++;
          expect(subset).toEqual(expected);
        }
      }
      expect(passing, `seed ${seed}`).toBe(1);
    }
    expect(domino).toBeGreaterThan(100);
  });

  it('leaving out a survivor that must roll back, or the failed node, is explained per node', async () => {
    for (const seed of SEEDS.slice(0, 30)) {
      const p = variantParams(recoveryLineExercise, seed) as RecoveryLineParams;
      const expected = answerLabels(p);
      const survivor = expected.find((l) => l[0]?.toLowerCase() !== p.failed) as string;
      const withoutSurvivor = await gradeText(recoveryLineExercise, seed, structured(`{${expected.filter((l) => l !== survivor).join(', ')}}`));
      expect(withoutSurvivor.text).toMatch(new RegExp(`Node ${survivor[0]?.toLowerCase()} cannot keep its current state: it received the message \\w+ → \\w+, which is undone`));
      const withoutFailed = await gradeText(recoveryLineExercise, seed, structured(`{${expected.filter((l) => l[0]?.toLowerCase() !== p.failed).join(', ')}}`));
      expect(withoutFailed.text).toContain(`Node ${p.failed} failed, so it restarts from its latest checkpoint, and belongs in the answer`);
    }
  });

  it('sending a node back to its initial state when a checkpoint suffices is called too far', async () => {
    const seed = SEEDS.find((s) => {
      const p = variantParams(recoveryLineExercise, s) as RecoveryLineParams;
      return answerLabels(p).some((l) => !l.endsWith('0') && l[0]?.toLowerCase() !== p.failed);
    }) as number;
    const p = variantParams(recoveryLineExercise, seed) as RecoveryLineParams;
    const expected = answerLabels(p);
    const target = expected.find((l) => !l.endsWith('0') && l[0]?.toLowerCase() !== p.failed) as string;
    const tooFar = expected.map((l) => (l === target ? initialLabel(target[0]?.toLowerCase() as string) : l));
    expect((await gradeText(recoveryLineExercise, seed, structured(`{${tooFar.join(', ')}}`))).text).toContain('goes back further than needed');
  });
});
