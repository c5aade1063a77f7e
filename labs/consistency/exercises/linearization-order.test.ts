// Method: the reference passes every variant; over 2,000 seeds the grader is compared with a brute-force oracle
// (every permutation of the 4 to 6 operations, kept when it respects real time and a register starting unset
// answers every read; Herlihy and Wing 1990, §2): every order the oracle keeps passes, `none` passes exactly when
// it keeps none, and on a tenth of the seeds every permutation is graded and passes exactly when the oracle keeps
// it. Typical wrong answers get feedback that names the broken rule.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts, structuredAccepts } from '../../exercises/oracle-support';
import { expectReferenceWrittenLikePlaceholder, gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { linearizationOrder, type OrderParams } from './linearization-order';
import { labelOf } from './small-histories';
import { legalOrders, permutations } from './test-oracles';

const SEEDS = enumerateSeeds(2000);
const text = (order: { id: number }[]) => order.map((op) => labelOf(op.id));

describe('Herlihy and Wing 1990 §2: a linearization respects real time and the register', () => {
  itPassesEveryVariant([linearizationOrder]);
  itShowsTheAnswerFormat([linearizationOrder], SEEDS.slice(0, 100));

  it('the reference written like the placeholder is accepted', async () => {
    await expectReferenceWrittenLikePlaceholder(linearizationOrder, SEEDS.slice(0, 100));
  });

  it('on 2,000 variants the grader accepts exactly the orders the oracle finds, and none only when there is none', () => {
    let linearizable = 0;
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(linearizationOrder, seed) as OrderParams;
      expect(p.ops.length).toBeGreaterThanOrEqual(4);
      expect(p.ops.length).toBeLessThanOrEqual(6);
      const legal = legalOrders(p.ops, 'real-time');
      if (legal.length > 0) linearizable++;
      expect(structuredAccepts(linearizationOrder, p, ['none']), `seed ${seed}: none`).toBe(legal.length === 0);
      for (const order of legal) expect(structuredAccepts(linearizationOrder, p, text(order)), `seed ${seed}: ${text(order)}`).toBe(true);
      if (i % 10 !== 0) continue;
      const keys = new Set(legal.map((o) => text(o).join('')));
      for (const order of permutations(p.ops)) expect(structuredAccepts(linearizationOrder, p, text(order)), `seed ${seed}: ${text(order)}`).toBe(keys.has(text(order).join('')));
    }
    // Both answers are common.
    expect(linearizable).toBeGreaterThan(700);
    expect(linearizable).toBeLessThan(1300);
  });

  it('wrong answers: none for a linearizable history, an order against real time, a read of the wrong write, labels missing or repeated', async () => {
    const seeds = SEEDS.slice(0, 60);
    let againstRealTime = 0;
    let wrongValue = 0;
    for (const seed of seeds) {
      const p = variantParams(linearizationOrder, seed) as OrderParams;
      const legal = legalOrders(p.ops, 'real-time');
      if (legal.length > 0) expect((await gradeText(linearizationOrder, seed, structured('none'))).text).toContain('This history is linearizable');
      const all = p.ops.map((op) => labelOf(op.id));
      expect((await gradeText(linearizationOrder, seed, structured(all.slice(1).join(', ')))).text).toContain(`leaves out ${all[0]}`);
      expect((await gradeText(linearizationOrder, seed, structured([...all, all[0]].join(', ')))).text).toContain('more than once');
      expect((await gradeText(linearizationOrder, seed, structured(`${all.join(', ')}, Z`))).text).toContain("'Z' is not an operation");
      expect((await gradeText(linearizationOrder, seed, structured('A, none'))).text).toContain('not both');
      // The order of invocation reversed breaks real time whenever some operation returned before another began.
      const reversed = await gradeText(linearizationOrder, seed, structured([...all].reverse().join(', ')));
      if (/returned at \d+, before/.test(reversed.text)) againstRealTime++;
      if (/ reads (unset|\d)/.test(reversed.text)) wrongValue++;
      expect(reversed.passed).toBe(false);
    }
    expect(againstRealTime).toBeGreaterThan(30);
    expect(wrongValue).toBeGreaterThan(5);
  });

  it('lower-case labels are accepted; the prompt says the register starts unset, what none means, and that times are distinct', async () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const p = variantParams(linearizationOrder, seed) as OrderParams;
      const prompt = linearizationOrder.prompt(p).text;
      expect(prompt).toContain('starts **unset**');
      expect(prompt).toContain('`none` if no such order exists');
      expect(prompt).toContain('all times are distinct');
      const reference = (linearizationOrder.kind === 'structured' ? linearizationOrder.reference(p) : '').toLowerCase();
      expect((await gradeText(linearizationOrder, seed, structured(reference))).passed).toBe(true);
      const wrongValues = [['none'], p.ops.map((op) => labelOf(op.id)).reverse(), ['A']];
      for (const f of feedbackTexts(linearizationOrder, p, wrongValues)) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });
});
