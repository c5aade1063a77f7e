// Method: the checker is compared, verdict for verdict, with a brute-force oracle that enumerates every order of
// every small history (each subset of the indeterminate operations, each permutation) against a sequential
// specification written here independently of models.ts, and without partitioning the key-value map. Around that:
// the classic counterexamples of the linearizability literature recast for a register, P-compositionality, the
// budgets, indeterminate operations, and the explanations, each rechecked against the model rather than trusted.
import { describe, expect, it } from 'vitest';
import { checkLinearizability, validateHistory } from './linearizability';
import type { LinearizabilityResult } from './linearizability';
import { kvModel, registerModel } from './models';
import { randomKvHistory, randomRegisterHistory } from './generate';
import { checkSequentialConsistency } from './sequential';
import { checkReadYourWrites } from './session';
import type { History, Model, Operation } from './history';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from './data-types';

type RegisterOp = Operation<RegisterInput, RegisterOutput>;
type KvOp = Operation<KvInput, KvOutput>;

/** A register operation; `at` is [invokeMs, returnMs], or [invokeMs] for an indeterminate one. */
function reg(id: number, client: string, input: RegisterInput, output: RegisterOutput | undefined, at: number[]): RegisterOp {
  const op: RegisterOp = { id, client, input, status: at.length === 1 ? 'info' : 'ok', invokeMs: at[0] as number };
  if (at.length > 1) {
    op.returnMs = at[1] as number;
    op.output = output;
  }
  return op;
}
const w = (value: RegisterValue): RegisterInput => ({ f: 'write', value });
const r: RegisterInput = { f: 'read' };
const cas = (from: RegisterValue, to: RegisterValue): RegisterInput => ({ f: 'cas', from, to });

// ---- The oracle: all orders, by definition (Herlihy and Wing 1990, §2) ----

/**
 * Real-time order, written from the checker's contract rather than its code: `a` precedes `b` when `a` returned no
 * later than `b` was invoked (a tie counts as "returned first"), except that of two operations that both took no
 * time at the same instant, the one with the smaller id comes first. An info operation never returned.
 */
function precedes(a: Operation, b: Operation): boolean {
  if (a === b || a.status === 'info') return false;
  const end = a.returnMs as number;
  if (end < b.invokeMs) return true;
  if (end > b.invokeMs) return false;
  const instant = (op: Operation) => op.status !== 'info' && op.returnMs === op.invokeMs;
  return !(instant(a) && instant(b)) || a.id < b.id;
}

/** The sequential behaviour of one operation: the output it must give in `state` and the state after it. */
type Spec<S, I, O> = { init: () => S; run: (state: S, input: I) => { output: O; state: S } };

const registerSpec: Spec<RegisterValue, RegisterInput, RegisterOutput> = {
  init: () => null,
  run: (s, input) =>
    input.f === 'read'
      ? { output: s, state: s }
      : input.f === 'write'
        ? { output: null, state: input.value }
        : s === input.from
          ? { output: true, state: input.to }
          : { output: false, state: s },
};

// The whole map at once, as a sorted list of entries: the oracle never splits by key.
const mapSpec: Spec<Record<string, string>, KvInput, KvOutput> = {
  init: () => ({}),
  run: (m, input) => {
    const old = m[input.key] ?? '';
    if (input.f === 'get') return { output: old, state: m };
    const value = input.f === 'put' ? input.value : old + input.value;
    return { output: null, state: { ...m, [input.key]: value } };
  },
};

/**
 * True when some order of the non-failed operations, leaving out any subset of the indeterminate ones, keeps real
 * time (a before b whenever `precedes(a, b)`; info operations never return) and gives
 * every ok operation its recorded output. Enumerates permutations by extending prefixes, which is enumeration of
 * all orders with the illegal ones abandoned as soon as they are.
 */
function bruteForceLinearizable<S, I, O>(history: History<I, O>, spec: Spec<S, I, O>): boolean {
  const ops = history.filter((op) => op.status !== 'fail');
  const used = new Array<boolean>(ops.length).fill(false);
  const mustPlace = ops.filter((op) => op.status !== 'info').length;
  const search = (state: S, placed: number): boolean => {
    if (placed === mustPlace) return true;
    for (let k = 0; k < ops.length; k++) {
      if (used[k]) continue;
      const op = ops[k] as Operation<I, O>;
      // Real time: no unplaced operation may precede this one.
      if (ops.some((other, j) => !used[j] && j !== k && precedes(other, op))) continue;
      const { output, state: next } = spec.run(state, op.input);
      if (op.status === 'ok' && JSON.stringify(output) !== JSON.stringify(op.output)) continue;
      used[k] = true;
      const found = search(next, placed + (op.status === 'info' ? 0 : 1));
      used[k] = false;
      if (found) return true;
    }
    return false;
  };
  return search(spec.init(), 0);
}

/** Replays `ids` through the model, checking real time among them; throws on the first problem. */
function assertLegalOrder<S, I, O>(history: History<I, O>, model: Model<S, I, O>, ids: number[]): S {
  const byId = new Map(history.map((op) => [op.id, op]));
  let state = model.init();
  ids.forEach((id, k) => {
    const op = byId.get(id) as Operation<I, O>;
    expect(op.status).not.toBe('fail');
    for (const later of ids.slice(k + 1)) {
      const other = byId.get(later) as Operation<I, O>;
      expect(precedes(other, op), `operation ${later} precedes ${id} in real time`).toBe(false);
    }
    const outcome = model.step(state, op.input, op.status === 'info' ? undefined : op.output);
    expect(outcome.legal, `operation ${id} is legal after ${ids.slice(0, k).join(',')}`).toBe(true);
    if (outcome.legal) state = outcome.state;
  });
  return state;
}

/** Every claim an ok or violation result makes, checked against the model rather than trusted. */
function assertResultHolds<S, I, O>(history: History<I, O>, model: Model<S, I, O>, result: LinearizabilityResult): void {
  expect(result.explanation.length).toBeGreaterThan(0);
  const parts = model.partition ? model.partition(history) : [history];
  if (result.verdict === 'ok') {
    const ids = result.linearization as number[];
    const byId = new Map(history.map((op) => [op.id, op]));
    for (const op of history) if (op.status === 'ok') expect(ids).toContain(op.id);
    for (const op of history) if (op.status === 'fail') expect(ids).not.toContain(op.id);
    for (const part of parts) {
      const inPart = new Set(part.map((op) => op.id));
      assertLegalOrder(part, model, ids.filter((id) => inPart.has(id)));
    }
    const points = result.points as { id: number; atMs: number }[];
    expect(points.map((p) => p.id)).toEqual(ids);
    points.forEach((p, k) => {
      const op = byId.get(p.id) as Operation<I, O>;
      expect(p.atMs).toBeGreaterThanOrEqual(op.invokeMs);
      if (op.status !== 'info') expect(p.atMs).toBeLessThanOrEqual(op.returnMs as number);
      if (k > 0) expect(p.atMs).toBeGreaterThanOrEqual((points[k - 1] as { atMs: number }).atMs);
    });
  }
  if (result.verdict === 'violation') {
    const v = result.violation!;
    const part = parts[v.partition] as History<I, O>;
    const state = assertLegalOrder(part, model, v.prefix);
    expect(model.describeState(state)).toBe(v.stateAfterPrefix);
    expect(v.prefix).not.toContain(v.blocked);
    const blocked = part.find((op) => op.id === v.blocked) as Operation<I, O>;
    expect(blocked.status).toBe('ok');
    expect(v.reason).toContain(model.describeOperation(blocked.input, blocked.output));
    expect(v.reason).toContain(`client ${blocked.client}`);
    // The blocked operation and every other one that might still precede it are illegal after the prefix.
    const placed = new Set(v.prefix);
    for (const op of part) {
      if (placed.has(op.id) || op.status === 'fail' || precedes(blocked, op)) continue;
      expect(model.step(state, op.input, op.status === 'info' ? undefined : op.output).legal).toBe(false);
    }
    // And the blocked one returned first among the operations outside the prefix.
    for (const op of part) {
      if (!placed.has(op.id) && op.status === 'ok') expect(op.returnMs as number).toBeGreaterThanOrEqual(blocked.returnMs as number);
    }
  }
}

describe('Herlihy and Wing 1990 §2: linearizability of small register histories (classic counterexamples)', () => {
  it('a read concurrent with a write may see the old or the new value', () => {
    for (const seen of [null, 1]) {
      const h = [reg(0, 'c1', w(1), null, [0, 10]), reg(1, 'c2', r, seen, [5, 15])];
      const result = checkLinearizability(h, registerModel);
      expect(result.verdict).toBe('ok');
      assertResultHolds(h, registerModel, result);
    }
  });

  it('a stale read after a completed write is a violation, and the explanation names it', () => {
    const h = [reg(0, 'c1', w(1), null, [0, 10]), reg(1, 'c2', r, null, [12, 40])];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation).toMatchObject({ partition: 0, prefix: [0], blocked: 1, stateAfterPrefix: 'the register holds 1' });
    expect(result.violation!.reason).toContain('read → unset by client c2 (invoked 12 ms, returned 40 ms) cannot be placed');
    expect(result.explanation).toContain('read → unset');
    assertResultHolds(h, registerModel, result);
  });

  it('a value seen and then unseen (new-old inversion) is a violation even though each read overlaps the write', () => {
    // Lamport (1986, "On interprocess communication", Part II) separates regular registers, which allow this, from
    // atomic ones, which do not; linearizability is atomicity.
    const h = [reg(0, 'c1', w(1), null, [0, 50]), reg(1, 'c2', r, 1, [10, 20]), reg(2, 'c3', r, null, [30, 40])];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.blocked).toBe(2);
    assertResultHolds(h, registerModel, result);
    // Swap the reads' times and it is fine: unset first, then 1.
    const fine = [reg(0, 'c1', w(1), null, [0, 50]), reg(1, 'c2', r, null, [10, 20]), reg(2, 'c3', r, 1, [30, 40])];
    expect(checkLinearizability(fine, registerModel).verdict).toBe('ok');
  });

  it('two concurrent writes may be seen in either order, but two readers cannot disagree on the order', () => {
    // The register form of §2's queue example where two enqueues are dequeued in opposite orders.
    const base = [reg(0, 'c1', w(1), null, [0, 10]), reg(1, 'c2', w(2), null, [0, 10])];
    const agree = [...base, reg(2, 'c3', r, 1, [20, 25]), reg(3, 'c4', r, 1, [30, 35])];
    expect(checkLinearizability(agree, registerModel).verdict).toBe('ok');
    const flip = [...base, reg(2, 'c3', r, 1, [20, 25]), reg(3, 'c4', r, 2, [30, 35])];
    const result = checkLinearizability(flip, registerModel);
    expect(result.verdict).toBe('violation');
    assertResultHolds(flip, registerModel, result);
  });

  it('compare-and-set: of two concurrent cas 1→2, only one may succeed', () => {
    const both = [reg(0, 'c1', w(1), null, [0, 5]), reg(1, 'c2', cas(1, 2), true, [10, 20]), reg(2, 'c3', cas(1, 2), true, [10, 20])];
    const result = checkLinearizability(both, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.reason).toContain('cas 1→2 ✓');
    assertResultHolds(both, registerModel, result);
    const one = [reg(0, 'c1', w(1), null, [0, 5]), reg(1, 'c2', cas(1, 2), true, [10, 20]), reg(2, 'c3', cas(1, 2), false, [10, 20])];
    expect(checkLinearizability(one, registerModel).verdict).toBe('ok');
  });

});

describe('Equal timestamps: an operation that returns at the instant another is invoked precedes it', () => {
  it("a client's next operation, issued the instant the last one returned, sees it (the review's example)", () => {
    // a writes 1 in [0, 5], then reads in [5, 7] and finds the register unset: its own write is missing.
    const h = [reg(0, 'a', w(1), null, [0, 5]), reg(1, 'a', r, null, [5, 7])];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.blocked).toBe(1);
    assertResultHolds(h, registerModel, result);
    // The two weaker checkers that see the same session order refuse it too, so the hierarchy holds here.
    expect(checkSequentialConsistency(h, registerModel).verdict).toBe('violation');
    expect(checkReadYourWrites(h).verdict).toBe('violation');
  });
  it('the same holds across clients: a tie reads as "returned first"', () => {
    const stale = [reg(0, 'c1', w(1), null, [0, 10]), reg(1, 'c2', r, null, [10, 20])];
    expect(checkLinearizability(stale, registerModel).verdict).toBe('violation');
    const fresh = [reg(0, 'c1', w(1), null, [0, 10]), reg(1, 'c2', r, 1, [10, 20])];
    const result = checkLinearizability(fresh, registerModel);
    expect(result.verdict).toBe('ok');
    assertResultHolds(fresh, registerModel, result);
    // Overlapping by any amount, they are concurrent again.
    expect(checkLinearizability([reg(0, 'c1', w(1), null, [0, 10]), reg(1, 'c2', r, null, [9.999, 20])], registerModel).verdict).toBe('ok');
  });
  it('operations that take no time at one instant are taken in id order, also around operations that take time', () => {
    const write = reg(0, 'c1', w(1), null, [5, 5]);
    const read = reg(1, 'c2', r, null, [5, 5]);
    expect(checkLinearizability([write, read], registerModel).verdict).toBe('violation');
    expect(checkLinearizability([{ ...write, id: 1 }, { ...read, id: 0 }], registerModel).verdict).toBe('ok');
    // A write that took time and returned at 5 precedes the instant read; the instant write precedes a read from 5.
    expect(checkLinearizability([reg(0, 'c1', w(1), null, [0, 5]), reg(1, 'c2', r, null, [5, 5])], registerModel).verdict).toBe('violation');
    expect(checkLinearizability([reg(0, 'c1', w(1), null, [5, 5]), reg(1, 'c2', r, null, [5, 9])], registerModel).verdict).toBe('violation');
    const ok = [reg(0, 'c1', w(1), null, [5, 5]), reg(1, 'c2', r, 1, [5, 9]), reg(2, 'c3', r, null, [2, 5])];
    const result = checkLinearizability(ok, registerModel);
    expect(result.verdict).toBe('ok');
    expect(result.linearization).toEqual([2, 0, 1]);
    assertResultHolds(ok, registerModel, result);
  });
  it('across parts the merged linearization keeps a tie in order (the key-value map, two keys)', () => {
    const kv = (id: number, client: string, input: KvInput, output: KvOutput, at: [number, number]): KvOp => ({
      id, client, input, output, status: 'ok', invokeMs: at[0], returnMs: at[1],
    });
    // y's put returns at 5 as x's get is invoked; x's part alone would put its get at 5, before the put's point.
    const h = [kv(0, 'c1', { f: 'put', key: 'y', value: 'a' }, null, [3, 5]), kv(1, 'c2', { f: 'get', key: 'x' }, '', [5, 6])];
    const result = checkLinearizability(h, kvModel);
    expect(result.verdict).toBe('ok');
    expect(result.linearization).toEqual([0, 1]);
    assertResultHolds(h, kvModel, result);
  });
  it('linearizable ⇒ sequentially consistent on 1,500 random histories whose operations often touch', () => {
    let touching = 0;
    let linearizable = 0;
    for (let seed = 0; seed < 1500; seed++) {
      const { history } = randomRegisterHistory({
        seed: `touch-${seed}`, clients: 2 + (seed % 3), operations: 2 + (seed % 6), values: 2, maxLatencyMs: 3, maxThinkMs: seed % 2, corrupt: seed % 3 !== 0,
      });
      if (history.some((a) => history.some((b) => a.status !== 'info' && a.returnMs === b.invokeMs))) touching++;
      if (checkLinearizability(history, registerModel).verdict !== 'ok') continue;
      linearizable++;
      expect(checkSequentialConsistency(history, registerModel).verdict, `seed touch-${seed}: ${JSON.stringify(history)}`).toBe('ok');
    }
    expect(touching).toBeGreaterThan(700);
    expect(linearizable).toBeGreaterThan(300);
  });
});

describe('Indeterminate operations (Jepsen :info): may take effect at any time after invocation, or never', () => {
  const timedOut = reg(0, 'c1', w(1), undefined, [0]);
  it('a write that timed out may be seen later', () => {
    const h = [timedOut, reg(1, 'c2', r, 1, [100, 110])];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('ok');
    expect(result.linearization).toEqual([0, 1]);
    assertResultHolds(h, registerModel, result);
  });
  it('or never, and is then left out of the linearization', () => {
    const h = [timedOut, reg(1, 'c2', r, null, [100, 110]), reg(2, 'c2', r, null, [200, 210])];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('ok');
    expect(result.linearization).toEqual([1, 2]);
    expect(result.explanation).toContain('1 indeterminate operation is left out');
  });
  it('an ok read of a value only an indeterminate write wrote is fine; unseeing it afterwards is not', () => {
    const seen = [timedOut, reg(1, 'c2', r, null, [5, 8]), reg(2, 'c2', r, 1, [300, 310])];
    expect(checkLinearizability(seen, registerModel).verdict).toBe('ok');
    const unseen = [timedOut, reg(1, 'c2', r, 1, [100, 110]), reg(2, 'c3', r, null, [200, 210])];
    const result = checkLinearizability(unseen, registerModel);
    expect(result.verdict).toBe('violation');
    assertResultHolds(unseen, registerModel, result);
  });
  it('failed operations are dropped: a write that failed is never seen', () => {
    const failed: RegisterOp = { id: 0, client: 'c1', input: w(1), status: 'fail', invokeMs: 0, returnMs: 5 };
    expect(checkLinearizability([failed, reg(1, 'c2', r, null, [10, 20])], registerModel).verdict).toBe('ok');
    expect(checkLinearizability([failed, reg(1, 'c2', r, 1, [10, 20])], registerModel).verdict).toBe('violation');
  });
  it('a client that gave up waiting may issue its next operation while the first is in flight', () => {
    const h = [timedOut, reg(1, 'c1', r, 1, [50, 60])];
    expect(checkLinearizability(h, registerModel).verdict).toBe('ok');
  });
});

describe('P-compositionality (Herlihy and Wing 1990 §3.3 locality; Horn and Kroening 2015)', () => {
  const kv = (id: number, client: string, input: KvInput, output: KvOutput, at: [number, number]): KvOp => ({
    id, client, input, output, status: 'ok', invokeMs: at[0], returnMs: at[1],
  });
  it('a key-value history with a violation on one key reports that key only', () => {
    const h = [
      kv(0, 'c1', { f: 'put', key: 'x', value: 'a' }, null, [0, 5]),
      kv(1, 'c2', { f: 'append', key: 'y', value: 'b' }, null, [0, 5]),
      kv(2, 'c1', { f: 'get', key: 'x' }, 'a', [10, 15]),
      kv(3, 'c2', { f: 'get', key: 'y' }, '', [10, 15]),
      kv(4, 'c3', { f: 'append', key: 'x', value: 'c' }, null, [12, 20]),
      kv(5, 'c3', { f: 'get', key: 'x' }, 'ac', [25, 30]),
    ];
    const result = checkLinearizability(h, kvModel);
    expect(result.verdict).toBe('violation');
    expect(result.stats.partitions).toBe(2);
    expect(result.violation!.partition).toBe(1);
    expect(result.violation!.blocked).toBe(3);
    expect(result.violation!.prefix).toEqual([1]);
    expect(result.explanation).toContain('get y → ""');
    assertResultHolds(h, kvModel, result);
    // Repaired, the whole map is linearizable and the linearization interleaves the keys by point.
    const fixed = h.map((op) => (op.id === 3 ? { ...op, output: 'b' } : op));
    const ok = checkLinearizability(fixed, kvModel);
    expect(ok.verdict).toBe('ok');
    assertResultHolds(fixed, kvModel, ok);
  });
});

describe('Budgets: never a silent ok', () => {
  const { history } = randomRegisterHistory({ seed: 7, clients: 4, operations: 60 });
  it('a tiny maxSteps gives inconclusive with an explanation of how far it got', () => {
    const result = checkLinearizability(history, registerModel, { maxSteps: 10 });
    expect(result.verdict).toBe('inconclusive');
    expect(result.stats.steps).toBe(10);
    expect(result.explanation).toMatch(/budget of 10 steps before deciding/);
    expect(result.explanation).not.toMatch(/\(10 steps\)/);
    expect(result.explanation).toMatch(/longest legal prefix it had found covered \d+ of \d+ operations/);
    expect(result.linearization).toBeUndefined();
    expect(checkLinearizability(history, registerModel).verdict).toBe('ok');
  });
  it('an injected clock past budgetMs gives inconclusive', () => {
    let t = 0;
    const now = () => (t += 1000);
    const result = checkLinearizability(history, registerModel, { budgetMs: 50, now });
    expect(result.verdict).toBe('inconclusive');
    expect(result.explanation).toMatch(/time budget of 50 ms/);
  });
});

describe('Every part is checked: an undecided part does not hide a violation in another (as in Porcupine)', () => {
  // Key k0: 300 operations of 8 clients, far more than 200 steps can decide. Key z: a stale read, decided at once.
  const busy = randomKvHistory({ seed: 3, clients: 8, operations: 300, keys: 1 }).history;
  const z = (id: number, client: string, input: KvInput, output: KvOutput, at: [number, number]): KvOp => ({
    id, client, input, output, status: 'ok', invokeMs: at[0], returnMs: at[1],
  });
  const stale = [z(1000, 'd1', { f: 'put', key: 'z', value: 'a' }, null, [0, 5]), z(1001, 'd2', { f: 'get', key: 'z' }, '', [10, 15])];
  const fresh = [stale[0] as KvOp, { ...(stale[1] as KvOp), output: 'a' }];
  const budget = { maxSteps: 200 };

  it('an undecided part first, a violating part second: the answer is the violation, with its own report', () => {
    const h = [...busy, ...stale];
    const result = checkLinearizability(h, kvModel, budget);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.partition).toBe(1);
    expect(result.violation!.blocked).toBe(1001);
    expect(result.explanation).toContain('in part 2 of 2');
    expect(result.explanation).toContain('Part 1 ran out of budget before deciding; one violating part is enough for this answer.');
    assertResultHolds(h, kvModel, result);
  });
  it('the violating part first: the same answer', () => {
    const h = [...stale, ...busy];
    const result = checkLinearizability(h, kvModel, budget);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.partition).toBe(0);
  });
  it('no violating part: inconclusive, naming the undecided part and the linearizable ones', () => {
    const result = checkLinearizability([...busy, ...fresh], kvModel, budget);
    expect(result.verdict).toBe('inconclusive');
    expect(result.explanation).toMatch(/^Inconclusive: part 1 of 2 used up its budget of 200 steps before deciding; the other part was linearizable \(\d+ steps in all\)\./);
    expect(result.explanation).toMatch(/In part 1 the longest legal prefix it had found covered \d+ of \d+ operations/);
    // Each part had its own budget: the undecided one used all of it, the other a few steps more.
    expect(result.stats.steps).toBeGreaterThan(200);
    expect(result.stats.steps).toBeLessThan(220);
    // With enough budget, both parts are decided.
    expect(checkLinearizability([...busy, ...fresh], kvModel, { maxSteps: 1_000_000 }).verdict).toBe('ok');
  });
});

describe('Explanations in plain words', () => {
  it('one other candidate: "the one other operation … is not legal there either"', () => {
    // After write 1, the stale read of unset cannot be placed, and the concurrent read of 2 is not legal either.
    const h = [reg(0, 'c1', w(1), null, [0, 5]), reg(1, 'c2', r, null, [10, 20]), reg(2, 'c3', r, 2, [12, 30])];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.reason).toContain('and the one other operation that could still come before it is not legal there either (read → 2 by client c3)');
    expect(result.explanation).not.toMatch(/none of the 1 other/);
    assertResultHolds(h, registerModel, result);
  });
  it('several: "none of the 3 other operations … is legal there either"', () => {
    const h = [
      reg(0, 'c1', w(1), null, [0, 5]),
      reg(1, 'c2', r, null, [10, 20]),
      reg(2, 'c3', r, 2, [12, 30]),
      reg(3, 'c4', r, 3, [12, 30]),
      reg(4, 'c5', cas(2, 3), true, [12, 30]),
    ];
    const result = checkLinearizability(h, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.reason).toContain('and none of the 3 other operations that could still come before it is legal there either (');
    assertResultHolds(h, registerModel, result);
  });
});

describe('Input validation (histories from readers files)', () => {
  const ok = reg(0, 'c1', w(1), null, [0, 10]);
  it.each([
    ['duplicate ids', [ok, { ...ok, client: 'c2' }], /duplicate id 0/],
    ['a return before the invocation', [{ ...ok, returnMs: -1 }], /before invokeMs/],
    ['an ok operation without output', [{ ...ok, output: undefined }], /needs an output/],
    ['overlapping operations of one client', [ok, reg(1, 'c1', r, 1, [5, 12])], /client c1 has overlapping operations 0/],
    ['an unknown status', [{ ...ok, status: 'done' }], /status must be/],
    ['a missing time', [{ ...ok, invokeMs: Number.NaN }], /invokeMs must be a finite number/],
  ])('rejects %s with a TypeError', (_name, history, message) => {
    expect(() => validateHistory(history as History)).toThrow(TypeError);
    expect(() => checkLinearizability(history as History<RegisterInput, RegisterOutput>, registerModel)).toThrow(message);
  });
});

describe('Against a brute-force oracle on thousands of small random histories', () => {
  const HISTORIES = 1500;

  it('register (read, write, cas): identical verdicts, and every claim of a result holds', () => {
    const verdicts = { ok: 0, violation: 0 };
    for (let seed = 0; seed < HISTORIES; seed++) {
      const { history } = randomRegisterHistory({
        seed: `register-${seed}`,
        clients: 2 + (seed % 3),
        operations: 1 + (seed % 7),
        values: 3,
        casFraction: 0.25,
        infoProbability: 0.15,
        failProbability: 0.1,
        corrupt: seed % 2 === 1,
      });
      const result = checkLinearizability(history, registerModel);
      const expected = bruteForceLinearizable(history, registerSpec);
      expect(result.verdict, `seed register-${seed}: ${JSON.stringify(history)}`).toBe(expected ? 'ok' : 'violation');
      assertResultHolds(history, registerModel, result);
      verdicts[expected ? 'ok' : 'violation']++;
    }
    expect(verdicts.ok).toBeGreaterThan(HISTORIES / 5);
    expect(verdicts.violation).toBeGreaterThan(HISTORIES / 5);
  });

  it('key-value map (get, put, append), oracle unpartitioned: identical verdicts', () => {
    const verdicts = { ok: 0, violation: 0 };
    for (let seed = 0; seed < HISTORIES; seed++) {
      const { history } = randomKvHistory({
        seed: `kv-${seed}`,
        clients: 2 + (seed % 3),
        operations: 1 + (seed % 7),
        keys: 1 + (seed % 2),
        infoProbability: 0.15,
        failProbability: 0.1,
        corrupt: seed % 2 === 1,
      });
      const result = checkLinearizability(history, kvModel);
      const expected = bruteForceLinearizable(history, mapSpec);
      expect(result.verdict, `seed kv-${seed}: ${JSON.stringify(history)}`).toBe(expected ? 'ok' : 'violation');
      assertResultHolds(history, kvModel, result);
      verdicts[expected ? 'ok' : 'violation']++;
    }
    expect(verdicts.ok).toBeGreaterThan(HISTORIES / 5);
    expect(verdicts.violation).toBeGreaterThan(HISTORIES / 5);
  });

  it('with operations that take no time and many ties (register and key-value map): identical verdicts', () => {
    // Every other returned operation is squeezed to its invocation instant, and times are whole milliseconds, so
    // ties of every kind occur: a return at another's call, two calls, two instants.
    const squeeze = <I, O>(history: History<I, O>): History<I, O> =>
      history.map((op, k) => (op.status !== 'info' && k % 2 === 1 ? { ...op, returnMs: op.invokeMs } : op));
    let instantsSeen = 0;
    for (let seed = 0; seed < 800; seed++) {
      const shape = { clients: 2 + (seed % 3), operations: 2 + (seed % 6), maxLatencyMs: 2, maxThinkMs: seed % 2, infoProbability: 0.1, failProbability: 0.1, corrupt: seed % 2 === 1 };
      const registerHistory = squeeze(randomRegisterHistory({ seed: `instant-${seed}`, values: 2, ...shape }).history);
      const kvHistory = squeeze(randomKvHistory({ seed: `instant-kv-${seed}`, keys: 2, ...shape }).history);
      instantsSeen += registerHistory.filter((op) => op.returnMs === op.invokeMs).length;
      const onRegister = checkLinearizability(registerHistory, registerModel);
      expect(onRegister.verdict, JSON.stringify(registerHistory)).toBe(bruteForceLinearizable(registerHistory, registerSpec) ? 'ok' : 'violation');
      assertResultHolds(registerHistory, registerModel, onRegister);
      const onMap = checkLinearizability(kvHistory, kvModel);
      expect(onMap.verdict, JSON.stringify(kvHistory)).toBe(bruteForceLinearizable(kvHistory, mapSpec) ? 'ok' : 'violation');
      assertResultHolds(kvHistory, kvModel, onMap);
    }
    expect(instantsSeen).toBeGreaterThan(500);
  });

  it('a model without readOnly (full branching) gives the same verdicts', () => {
    const { readOnly: _dropped, ...plain } = registerModel;
    for (let seed = 0; seed < 300; seed++) {
      const { history } = randomRegisterHistory({ seed: `plain-${seed}`, clients: 3, operations: 7, values: 2, corrupt: seed % 2 === 0 });
      const fast = checkLinearizability(history, registerModel).verdict;
      expect(checkLinearizability(history, plain).verdict).toBe(fast);
    }
  });

  it('generated histories without corruption are always linearizable, also large ones', () => {
    for (let seed = 0; seed < 20; seed++) {
      const reg200 = randomRegisterHistory({ seed, clients: 5, operations: 200 }).history;
      expect(checkLinearizability(reg200, registerModel, { maxSteps: 1_000_000 }).verdict).toBe('ok');
      const kv200 = randomKvHistory({ seed, clients: 5, operations: 200 }).history;
      expect(checkLinearizability(kv200, kvModel, { maxSteps: 1_000_000 }).verdict).toBe('ok');
    }
  });
});
