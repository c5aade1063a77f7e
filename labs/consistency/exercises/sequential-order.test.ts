// Method: the reference passes every variant; over 2,000 seeds the grader is compared with a brute-force oracle
// (every permutation of the 4 to 6 operations, kept when each client's operations stay in their order and a
// register starting unset answers every read; Lamport 1979): every order the oracle keeps passes, `none` passes
// exactly when it keeps none, and on a tenth of the seeds every permutation scores 1 when the oracle keeps it and 0
// otherwise. The variant's shape (linearizable, sequential only, neither) is held to the oracles of both models.
// An order earns full marks or nothing: invocation order, return order and any order when none is the answer
// score 0 unless they happen to be right, and the feedback names the first broken rule.
import { describe, expect, it } from 'vitest';
import { grade, variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts, structuredAccepts } from '../../exercises/oracle-support';
import { expectReferenceWrittenLikePlaceholder, gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { sequentialOrder, type SequentialParams } from './sequential-order';
import { labelOf } from './small-histories';
import { Random } from '../../sim/random';
import { legalOrders, orderScore, permutations } from './test-oracles';

const SEEDS = enumerateSeeds(2000);
const text = (order: { id: number }[]) => order.map((op) => labelOf(op.id));

describe('Lamport 1979: a sequential order keeps each client\'s order and the register', () => {
  itPassesEveryVariant([sequentialOrder]);
  itShowsTheAnswerFormat([sequentialOrder], SEEDS.slice(0, 100));

  it('the reference written like the placeholder is accepted', async () => {
    await expectReferenceWrittenLikePlaceholder(sequentialOrder, SEEDS.slice(0, 100));
  });

  it('on 2,000 variants the grader accepts exactly the orders the oracle finds, and none only when there is none', () => {
    const shapes = { linearizable: 0, 'sequential-only': 0, neither: 0 };
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(sequentialOrder, seed) as SequentialParams;
      const legal = legalOrders(p.ops, 'session');
      const linearizable = legalOrders(p.ops, 'real-time').length > 0;
      expect(p.shape, `seed ${seed}`).toBe(linearizable ? 'linearizable' : legal.length > 0 ? 'sequential-only' : 'neither');
      shapes[p.shape]++;
      expect(structuredAccepts(sequentialOrder, p, ['none']), `seed ${seed}: none`).toBe(legal.length === 0);
      for (const order of legal) expect(structuredAccepts(sequentialOrder, p, text(order)), `seed ${seed}: ${text(order)}`).toBe(true);
      if (i % 10 !== 0) continue;
      const keys = new Set(legal.map((o) => text(o).join('')));
      for (const order of permutations(p.ops)) expect(orderScore(sequentialOrder, p, text(order)), `seed ${seed}: ${text(order)}`).toBe(keys.has(text(order).join('')) ? 1 : 0);
    }
    expect(shapes['sequential-only']).toBeGreaterThan(800);
    expect(shapes.linearizable).toBeGreaterThan(350);
    expect(shapes.neither).toBeGreaterThan(350);
  });

  it('no credit for an order given without thought: on 2,000 variants invocation order, return order and a shuffled order score 1 only when right, else 0', async () => {
    const right = { invocation: 0, return: 0, shuffled: 0 };
    let noneIsRight = 0;
    let wrongRead = 0;
    for (const seed of SEEDS) {
      const p = variantParams(sequentialOrder, seed) as SequentialParams;
      const keys = new Set(legalOrders(p.ops, 'session').map((o) => text(o).join('')));
      if (keys.size === 0) noneIsRight++;
      const orders = {
        invocation: [...p.ops].sort((a, b) => a.invokeMs - b.invokeMs),
        return: [...p.ops].sort((a, b) => (a.returnMs as number) - (b.returnMs as number)),
        shuffled: new Random(seed).shuffle(p.ops),
      };
      for (const [how, order] of Object.entries(orders) as [keyof typeof orders, SequentialParams['ops']][]) {
        const result = await grade(sequentialOrder, seed, structured(text(order).join(', ')));
        const legal = keys.has(text(order).join(''));
        expect(result.score, `seed ${seed}, ${how} order ${text(order)}`).toBe(legal ? 1 : 0);
        if (legal) right[how]++;
        // Invocation order keeps every client's order, so when it is wrong the feedback names a read.
        if (how === 'invocation' && !legal) {
          expect(result.checks.map((c) => c.feedback).join(' '), `seed ${seed}`).toMatch(/(At the start|After [A-J, ]+) the register (is unset|holds \d+), but [A-J] reads (unset|\d+)/);
          wrongRead++;
        }
      }
    }
    // Where none is right no order is legal, so each scored 0 above; and the orders are often wrong where one exists.
    expect(noneIsRight).toBeGreaterThan(350);
    expect(right.invocation).toBeLessThan(2000 - noneIsRight - 300);
    expect(right.return).toBeLessThan(2000 - noneIsRight - 300);
    expect(wrongRead).toBeGreaterThan(600);
  });

  it('wrong answers: a client\'s operations out of order, none for a sequentially consistent history, a linearization when there is none', async () => {
    let swapped = 0;
    for (const seed of SEEDS.slice(0, 80)) {
      const p = variantParams(sequentialOrder, seed) as SequentialParams;
      const legal = legalOrders(p.ops, 'session');
      if (legal.length === 0) {
        const reversed = await gradeText(sequentialOrder, seed, structured(p.ops.map((op) => labelOf(op.id)).join(', ')));
        expect(reversed.passed).toBe(false);
        continue;
      }
      expect((await gradeText(sequentialOrder, seed, structured('none'))).text).toContain('This history is sequentially consistent');
      // Swap an operation with a later one of the same client in a legal order: that breaks the client's order.
      const order = legal[0] as SequentialParams['ops'];
      const first = order.findIndex((op, k) => order.slice(k + 1).some((o) => o.client === op.client));
      if (first < 0) continue;
      const later = order.findIndex((o, k) => k > first && o.client === order[first]?.client);
      const moved = [...order];
      [moved[first], moved[later]] = [order[later] as SequentialParams['ops'][number], order[first] as SequentialParams['ops'][number]];
      const result = await gradeText(sequentialOrder, seed, structured(text(moved).join(', ')));
      expect(result.passed).toBe(false);
      if (result.text.includes('a sequential order keeps each client\'s own order')) swapped++;
    }
    expect(swapped).toBeGreaterThan(20);
  });

  it('the prompt says the register starts unset, that real time between clients does not count, and what none means; feedback has no markdown', () => {
    for (const seed of SEEDS.slice(0, 40)) {
      const p = variantParams(sequentialOrder, seed) as SequentialParams;
      const prompt = sequentialOrder.prompt(p).text;
      expect(prompt).toContain('starts **unset**');
      expect(prompt).toContain('Real time between different clients does not count');
      expect(prompt).toContain('`none` if no such order exists');
      expect(sequentialOrder.solution(p).text).not.toMatch(/\bop \d/);
      const wrongValues = [['none'], p.ops.map((op) => labelOf(op.id)).reverse(), ['A']];
      for (const f of feedbackTexts(sequentialOrder, p, wrongValues)) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });
});
