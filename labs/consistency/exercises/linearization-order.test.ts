// Method: the reference passes every variant; over 2,000 seeds the grader is compared with a brute-force oracle
// (every permutation of the 4 to 6 operations, kept when it respects real time and a register starting unset
// answers every read; Herlihy and Wing 1990, §2): every order the oracle keeps passes, `none` passes exactly when
// it keeps none, and on a tenth of the seeds every permutation is graded and scores 1 when the oracle keeps it and 0
// otherwise. An order earns full marks or nothing: the orders a learner could give without thought (invocation
// order, return order, any order when none is the answer) score 0 unless they happen to be right. Typical wrong
// answers get feedback that names the first broken rule.
import { describe, expect, it } from 'vitest';
import { grade, variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts, structuredAccepts } from '../../exercises/oracle-support';
import { expectReferenceWrittenLikePlaceholder, gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { linearizationOrder, type OrderParams } from './linearization-order';
import { labelOf } from './small-histories';
import { Random } from '../../sim/random';
import { legalOrders, orderScore, permutations } from './test-oracles';

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
      for (const order of permutations(p.ops)) expect(orderScore(linearizationOrder, p, text(order)), `seed ${seed}: ${text(order)}`).toBe(keys.has(text(order).join('')) ? 1 : 0);
    }
    // Both answers are common.
    expect(linearizable).toBeGreaterThan(700);
    expect(linearizable).toBeLessThan(1300);
  });

  it('no credit for an order given without thought: on 2,000 variants invocation order, return order and a shuffled order score 1 only when right, else 0', async () => {
    const right = { invocation: 0, return: 0, shuffled: 0 };
    let noneIsRight = 0;
    for (const seed of SEEDS) {
      const p = variantParams(linearizationOrder, seed) as OrderParams;
      const keys = new Set(legalOrders(p.ops, 'real-time').map((o) => text(o).join('')));
      if (keys.size === 0) noneIsRight++;
      const orders = {
        invocation: [...p.ops].sort((a, b) => a.invokeMs - b.invokeMs),
        return: [...p.ops].sort((a, b) => (a.returnMs as number) - (b.returnMs as number)),
        shuffled: new Random(seed).shuffle(p.ops),
      };
      for (const [how, order] of Object.entries(orders) as [keyof typeof orders, OrderParams['ops']][]) {
        const result = await grade(linearizationOrder, seed, structured(text(order).join(', ')));
        const legal = keys.has(text(order).join(''));
        expect(result.score, `seed ${seed}, ${how} order ${text(order)}`).toBe(legal ? 1 : 0);
        if (legal) right[how]++;
      }
    }
    // Where none is right no order is legal, so each scored 0 above; and the orders are often wrong where one exists.
    expect(noneIsRight).toBeGreaterThan(700);
    expect(right.invocation).toBeLessThan(2000 - noneIsRight - 300);
    expect(right.return).toBeLessThan(2000 - noneIsRight - 300);
  });

  it('wrong answers: none for a linearizable history, an order against real time, a read of the wrong write, labels missing or repeated', async () => {
    const seeds = SEEDS.slice(0, 100);
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
      // The order of invocation reversed breaks real time whenever some operation returned before another began;
      // the feedback names that first pair, and nothing else (the grade is one check).
      const reversed = await gradeText(linearizationOrder, seed, structured([...all].reverse().join(', ')));
      expect(reversed.passed).toBe(false);
      expect(reversed.checks).toHaveLength(1);
      if (/returned at \d+, before/.test(reversed.text)) againstRealTime++;
      // The order of invocation always keeps real time, so when it is wrong a read is, and the feedback names it.
      const invocation = await gradeText(linearizationOrder, seed, structured(all.join(', ')));
      if (!invocation.passed) {
        expect(invocation.text).toMatch(/^a linearization: (At the start|After [A-J, ]+) the register (is unset|holds \d+), but [A-J] reads (unset|\d+)/);
        wrongValue++;
      }
    }
    expect(againstRealTime).toBeGreaterThan(50);
    expect(wrongValue).toBeGreaterThan(50);
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
