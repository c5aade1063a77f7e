// Method: the checker is compared with a naive oracle written straight from Lamport's definition (1979): try every
// permutation of the operations that took effect (and every choice of which indeterminate ones did), and accept if
// one keeps each client's order and replays legally on a plain register or map written here, not the lab's models.
// Thousands of small seeded random histories, register and key-value, must get the same verdict from both, and
// both verdicts must occur often. Then hand-made histories for what the definition says about real time, about
// indeterminate operations and about keys (sequential consistency is not local, as Herlihy and Wing 1990 show), the
// budget (a tiny maxSteps is inconclusive, never ok) and malformed input (a clear TypeError).
import { describe, expect, it } from 'vitest';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput } from './data-types';
import type { History, Operation } from './history';
import { kvModel, registerModel } from './models';
import { randomSmallHistory } from './gallery';
import { checkSequentialConsistency } from './sequential';
import { permutations, op, w, r } from './test-oracles';

/** Every ordering of `items` (n! of them; the histories here have at most 6 operations). */

/** Replays `order` on a memory of registers (key '' for the plain register); reads must see the latest write. */
function legalReplay(order: Operation[]): boolean {
  const memory = new Map<string, unknown>();
  for (const op of order) {
    const input = op.input as { f: string; key?: string; value?: unknown };
    const key = input.key ?? '';
    const initial = input.key === undefined ? null : '';
    if (input.f === 'write' || input.f === 'put') memory.set(key, input.value);
    else if (op.status === 'ok' && !Object.is(memory.has(key) ? memory.get(key) : initial, op.output)) return false;
  }
  return true;
}

function keepsSessionOrder(order: Operation[]): boolean {
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const a = order[i] as Operation;
      const b = order[j] as Operation;
      // b must not come before a in a's session; an indeterminate a never returned, so it precedes nothing.
      if (b.client === a.client && b.status !== 'info' && (b.invokeMs < a.invokeMs || (b.invokeMs === a.invokeMs && b.id < a.id))) return false;
    }
  }
  return true;
}

function sequentialOracle(history: History): boolean {
  const taken = history.filter((op) => op.status !== 'fail');
  const info = taken.filter((op) => op.status === 'info');
  for (let mask = 0; mask < 1 << info.length; mask++) {
    const ops = taken.filter((op) => op.status === 'ok' || (mask >> info.indexOf(op)) & 1);
    for (const order of permutations(ops)) if (keepsSessionOrder(order) && legalReplay(order)) return true;
  }
  return false;
}

/** The checker with the register or key-value model, as the history's operations call for. */
function sequential(history: History, options?: { maxSteps?: number }) {
  return history.some((o) => (o.input as { key?: unknown } | null)?.key !== undefined)
    ? checkSequentialConsistency(history as History<KvInput, KvOutput>, kvModel, options)
    : checkSequentialConsistency(history as History<RegisterInput, RegisterOutput>, registerModel, options);
}


describe('Lamport 1979: sequential consistency against a brute-force oracle', () => {
  it('agrees with the oracle on 3,000 random register and key-value histories, and both verdicts are common', () => {
    const verdicts = { ok: 0, violation: 0, inconclusive: 0 };
    for (let seed = 0; seed < 3000; seed++) {
      const keys = seed % 3 === 0 ? 2 : 0;
      const history = randomSmallHistory(seed, { clients: 2 + (seed % 2), operations: 3 + (seed % 4), keys });
      const result = sequential(history);
      verdicts[result.verdict]++;
      expect(result.verdict, `seed ${seed}: ${JSON.stringify(history)}`).toBe(sequentialOracle(history) ? 'ok' : 'violation');
      expect(result.explanation.length).toBeGreaterThan(0);
      if (result.verdict === 'ok') {
        // The witness is itself a legal order that keeps sessions, over every ok operation.
        const byId = new Map(history.map((o) => [o.id, o]));
        const order = (result.witness?.order ?? []).map((id) => byId.get(id) as Operation);
        expect(keepsSessionOrder(order) && legalReplay(order), `seed ${seed}`).toBe(true);
        for (const o of history) if (o.status === 'ok') expect(result.witness?.order).toContain(o.id);
      } else {
        for (const [, id] of result.explanation.matchAll(/op (\d+)/g)) expect(history.some((o) => o.id === Number(id))).toBe(true);
      }
    }
    expect(verdicts.inconclusive).toBe(0);
    expect(verdicts.ok).toBeGreaterThan(600);
    expect(verdicts.violation).toBeGreaterThan(600);
  });
});

describe('what sequential consistency allows and forbids', () => {
  it('ignores real time between clients: a read after a completed write may still see the old value', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, null, 20, 30)];
    const result = sequential(history);
    expect(result).toMatchObject({ verdict: 'ok', model: 'sequential consistency', witness: { order: [1, 0] } });
  });

  it('keeps each client\'s own order: a client cannot read the initial value after its own write', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'a', r, null, 20, 30)];
    const result = sequential(history);
    expect(result.verdict).toBe('violation');
    expect(result.explanation).toContain('op 1 (a: read → unset)');
  });

  it('may leave out an indeterminate write, or place it anywhere after its invocation', () => {
    const unseen = [op(0, 'a', w(1), undefined, 0, undefined, 'info'), op(1, 'b', r, null, 20, 30)];
    expect(sequential(unseen).witness).toEqual({ order: [1] });
    const seen = [op(0, 'a', w(1), undefined, 0, undefined, 'info'), op(1, 'b', r, 1, 20, 30)];
    expect(sequential(seen).witness).toEqual({ order: [0, 1] });
    // The client stopped waiting and read again: the write may land after that read (its response never came).
    const late = [op(0, 'a', w(1), undefined, 0, undefined, 'info'), op(1, 'a', r, null, 20, 30), op(2, 'b', r, 1, 40, 50)];
    expect(sequential(late).witness).toEqual({ order: [1, 0, 2] });
    // A failed write never took effect.
    const failed = [op(0, 'a', w(1), undefined, 0, 5, 'fail'), op(1, 'b', r, 1, 20, 30)];
    expect(sequential(failed).verdict).toBe('violation');
  });

  it('Herlihy and Wing 1990: it is not local, so keys are checked together (each key alone is fine)', () => {
    const put = (key: string) => ({ f: 'put', key, value: '1' });
    const get = (key: string) => ({ f: 'get', key });
    const history = [op(0, 'a', put('x'), null, 0, 10), op(1, 'b', put('y'), null, 0, 10), op(2, 'a', get('y'), '', 20, 30), op(3, 'b', get('x'), '', 20, 30)];
    expect(sequential(history).verdict).toBe('violation');
    for (const key of ['x', 'y']) {
      const part = history.filter((o) => (o.input as { key: string }).key === key);
      expect(sequential(part).verdict).toBe('ok');
    }
  });

  it('explains a violation with the longest legal order and the operations that cannot follow it', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'a', w(2), null, 20, 30), op(2, 'b', r, 2, 0, 5), op(3, 'b', r, 1, 10, 15)];
    const result = sequential(history);
    expect(result.verdict).toBe('violation');
    expect(result.explanation).toMatch(/^No order of the operations keeps every client's own order and is legal for the register\. The longest legal order found places 3 of the 4 operations/);
    expect(result.explanation).toContain('op 3 (b: read → 1)');
  });
});

describe('budget and input', () => {
  it('a tiny maxSteps gives inconclusive with an explanation, never ok; the same budget gives the same answer', () => {
    const history = randomSmallHistory(7, { clients: 3, operations: 6 });
    const result = sequential(history, { maxSteps: 1 });
    expect(result.verdict).toBe('inconclusive');
    expect(result.explanation).toMatch(/Gave up after exploring 1 configurations \(maxSteps\)/);
    expect(sequential(history, { maxSteps: 1 })).toEqual(result);
    expect(() => sequential([], { maxSteps: -1 })).toThrow(/maxSteps must be a whole number/);
  });

  it('refuses malformed histories with a clear TypeError', () => {
    const check = (history: unknown[]) => () => sequential(history as History);
    expect(check([op(0, 'a', w(1), null, 0, 10), op(0, 'b', r, 1, 0, 10)])).toThrow(/^checkSequentialConsistency: operation 0 \(index 1\): duplicate id 0/);
    expect(check([op(0, 'a', w(1), null, 10, 5)])).toThrow(/returnMs 5 is before invokeMs 10/);
    expect(check([{ ...op(0, 'a', r, 1, 0, 10), output: undefined }])).toThrow(/an ok operation needs an output/);
    expect(check([op(0, 'a', w(1), null, 0, 10), op(1, 'a', r, 1, 5, 12)])).toThrow(/client a has overlapping operations 0 \(returned 10 ms\) and 1 \(invoked 5 ms\): a client issues one operation at a time/);
    expect(check([{ ...op(0, 'a', r, 1, 0, 10), status: 'done' }])).toThrow(/status must be 'ok', 'fail' or 'info' \(got "done"\)/);
    expect(check([op(0, '', r, 1, 0, 10)])).toThrow(/client must be a non-empty string/);
    expect(check([op(0, 'a', null, null, 0, 10)])).toThrow(/op 0 has no input/);
    // A client may go on after an indeterminate operation.
    expect(check([op(0, 'a', w(1), undefined, 0, undefined, 'info'), op(1, 'a', r, 1, 5, 12)])()).toMatchObject({ verdict: 'ok' });
  });
});
