// Method: both checkers are compared with a naive oracle written straight from the definitions of Ahamad, Neiger,
// Burns, Kohli and Hutto (1995, §2) and Lipton and Sandberg (1988): for every choice of which indeterminate writes
// took effect, compute writes-into from the unique values, the causal order as the closure of session order and
// writes-into (by Floyd-Warshall on a matrix), refuse it if cyclic, and for every client try every permutation of
// all writes and that client's reads, accepting one that respects the order (the causal order, or for PRAM the
// session orders alone) and replays legally. Thousands of small seeded random histories, register and key-value,
// must get the same verdicts, both verdicts often. Then the paper's own point about concurrent writes, the
// explanations of violations, the budget and every kind of input the checkers refuse.
import { describe, expect, it } from 'vitest';
import type { History, Operation } from './history';
import { checkCausalConsistency, checkPram, memoryHistory } from './causal';
import { randomSmallHistory } from './gallery';
import { permutations, isWrite, keyOf, initialOf, op, w, r } from './test-oracles';


// An indeterminate operation never returned: it precedes nothing in its session.
const sessionBefore = (a: Operation, b: Operation) => a.client === b.client && a.status !== 'info' && (a.invokeMs < b.invokeMs || (a.invokeMs === b.invokeMs && a.id < b.id));

function viewsOracle(history: History, order: 'causal' | 'pram'): boolean {
  const taken = history.filter((o) => o.status !== 'fail');
  const reads = taken.filter((o) => !isWrite(o) && o.status === 'ok');
  const info = taken.filter((o) => isWrite(o) && o.status === 'info');
  choice: for (let mask = 0; mask < 1 << info.length; mask++) {
    const writes = taken.filter((o) => isWrite(o) && (o.status === 'ok' || (mask >> info.indexOf(o)) & 1));
    const ops = [...writes, ...reads];
    const n = ops.length;
    const rel = ops.map(() => ops.map(() => false));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (sessionBefore(ops[i] as Operation, ops[j] as Operation)) (rel[i] as boolean[])[j] = true;
    for (const rd of reads) {
      if (Object.is(rd.output, initialOf(rd))) continue;
      const source = writes.find((wr) => keyOf(wr) === keyOf(rd) && Object.is((wr.input as { value: unknown }).value, rd.output));
      if (!source) continue choice;
      if (order === 'causal') (rel[ops.indexOf(source)] as boolean[])[ops.indexOf(rd)] = true;
    }
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((rel[i] as boolean[])[k] && (rel[k] as boolean[])[j]) (rel[i] as boolean[])[j] = true;
    if (rel.some((row, i) => row[i])) continue;
    const clients = [...new Set(taken.map((o) => o.client))];
    const everyClientHasAView = clients.every((client) => {
      const view = [...writes, ...reads.filter((rd) => rd.client === client)];
      for (const perm of permutations(view)) {
        const respects = perm.every((a, i) => perm.slice(i + 1).every((b) => !(rel[ops.indexOf(b)] as boolean[])[ops.indexOf(a)]));
        if (!respects) continue;
        const memory = new Map<string, unknown>();
        const legal = perm.every((o) => {
          if (isWrite(o)) return memory.set(keyOf(o), (o.input as { value: unknown }).value) !== undefined;
          return Object.is(memory.has(keyOf(o)) ? memory.get(keyOf(o)) : initialOf(o), o.output);
        });
        if (legal) return true;
      }
      return false;
    });
    if (everyClientHasAView) return true;
  }
  return false;
}


describe('Ahamad et al. 1995 §2 and Lipton and Sandberg 1988 against brute-force oracles', () => {
  it('causal memory and PRAM agree with the oracles on 2,500 random histories, and both verdicts are common', () => {
    const counts = { causal: { ok: 0, violation: 0, inconclusive: 0 }, pram: { ok: 0, violation: 0, inconclusive: 0 } };
    for (let seed = 0; seed < 2500; seed++) {
      const history = randomSmallHistory(`causal-${seed}`, { clients: 2 + (seed % 2), operations: 4 + (seed % 3), keys: seed % 4 === 0 ? 2 : 0 });
      for (const [order, check] of [['causal', checkCausalConsistency], ['pram', checkPram]] as const) {
        const result = check(history);
        counts[order][result.verdict]++;
        expect(result.verdict, `${order}, seed causal-${seed}: ${JSON.stringify(history)}`).toBe(viewsOracle(history, order) ? 'ok' : 'violation');
        if (result.verdict === 'violation') {
          const named = [...result.explanation.matchAll(/op (\d+)/g)].map((m) => Number(m[1]));
          expect(named.length, result.explanation).toBeGreaterThan(0);
          for (const id of named) expect(history.some((o) => o.id === id)).toBe(true);
        }
      }
    }
    for (const order of ['causal', 'pram'] as const) {
      expect(counts[order].inconclusive).toBe(0);
      expect(counts[order].ok, order).toBeGreaterThan(400);
      expect(counts[order].violation, order).toBeGreaterThan(400);
    }
  });

  it('each view of an ok verdict contains every kept write and the client\'s reads, and replays legally', () => {
    for (let seed = 0; seed < 300; seed++) {
      const history = randomSmallHistory(`views-${seed}`, { clients: 3, operations: 6 });
      const result = checkCausalConsistency(history);
      if (result.verdict !== 'ok') continue;
      const kept = memoryHistory(history, 'test');
      for (const [client, ids] of Object.entries(result.witness?.views ?? {})) {
        const expected = kept.accesses.filter((a) => a.kind === 'write' || a.op.client === client).map((a) => a.op.id);
        expect([...ids].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
        let value: unknown = null;
        for (const id of ids) {
          const o = history.find((x) => x.id === id) as Operation;
          if ((o.input as { f: string }).f === 'write') value = (o.input as { value: unknown }).value;
          else expect(o.output).toBe(value);
        }
      }
    }
  });
});

describe('what causal memory and PRAM allow and forbid', () => {
  it('Ahamad et al. 1995 §2: concurrent writes may be seen in different orders by different clients', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(2), null, 0, 10), op(2, 'c', r, 1, 20, 30), op(3, 'c', r, 2, 40, 50), op(4, 'd', r, 2, 20, 30), op(5, 'd', r, 1, 40, 50)];
    expect(checkCausalConsistency(history)).toMatchObject({ verdict: 'ok', model: 'causal consistency', witness: { views: { c: [0, 2, 1, 3], d: [1, 4, 0, 5] } } });
  });

  it('causally related writes may not: a write made after reading another is never seen before it (PRAM allows it)', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, 1, 20, 30), op(2, 'b', w(2), null, 40, 50), op(3, 'c', r, 2, 60, 70), op(4, 'c', r, 1, 80, 90)];
    const causal = checkCausalConsistency(history);
    expect(causal.verdict).toBe('violation');
    expect(causal.explanation).toBe(
      'Client c has no view: op 4 (c: read → 1) returned the value of op 0 (a: write 1), but in the causal order op 2 (b: write 2) comes after that write and before the read, so the read would have to see it overwritten: op 0 (a: write 1) → op 1 (b: read → 1) → op 2 (b: write 2) → op 3 (c: read → 2) → op 4 (c: read → 1).',
    );
    expect(checkPram(history)).toMatchObject({ verdict: 'ok', model: 'PRAM' });
  });

  it('PRAM keeps each writer\'s order: a reader may not see a client\'s second write and then its first', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'a', w(2), null, 20, 30), op(2, 'b', r, 2, 40, 50), op(3, 'b', r, 1, 60, 70)];
    const result = checkPram(history);
    expect(result.verdict).toBe('violation');
    expect(result.explanation).toContain('op 1 (a: write 2) comes after that write and before the read');
  });

  it('a cyclic causal order (each client reads what the other writes later) is refused, naming the cycle', () => {
    const history = [op(0, 'a', r, 2, 0, 10), op(1, 'a', w(1), null, 20, 30), op(2, 'b', r, 1, 0, 10), op(3, 'b', w(2), null, 20, 30)];
    const result = checkCausalConsistency(history);
    expect(result.verdict).toBe('violation');
    expect(result.explanation).toMatch(/^The causal order has a cycle/);
    for (const id of [0, 1, 2, 3]) expect(result.explanation).toContain(`op ${id} `);
  });

  it('a read of a value nobody wrote is refused by both; a read of the initial value after a causally earlier write too', () => {
    const thinAir = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, 7, 20, 30)];
    for (const check of [checkCausalConsistency, checkPram]) {
      expect(check(thinAir)).toMatchObject({ verdict: 'violation', explanation: 'Op 1 (b: read → 7) returned a value that no write in the history wrote (and that is not the initial value), so no order of the writes can explain it.' });
    }
    const stale = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, 1, 20, 30), op(2, 'b', r, null, 40, 50)];
    expect(checkCausalConsistency(stale).explanation).toMatch(/op 2 \(b: read → unset\) returned the initial value \(unset\), but in the causal order a write to the register comes before it/);
  });

  it('an indeterminate write counts when someone read it, and only then', () => {
    const read = [op(0, 'a', w(1), undefined, 0, undefined, 'info'), op(1, 'b', r, 1, 20, 30), op(2, 'b', r, null, 40, 50)];
    expect(checkCausalConsistency(read).verdict).toBe('violation');
    const unread = [op(0, 'a', w(1), undefined, 0, undefined, 'info'), op(1, 'b', r, null, 20, 30), op(2, 'b', r, null, 40, 50)];
    expect(checkCausalConsistency(unread)).toMatchObject({ verdict: 'ok', witness: { views: { b: [1, 2] } } });
  });

  it('checks a key-value history whole: a write to y that depends on a read of x', () => {
    const put = (key: string, value: string) => ({ f: 'put', key, value });
    const get = (key: string) => ({ f: 'get', key });
    const history = [op(0, 'a', put('x', '1'), null, 0, 10), op(1, 'b', get('x'), '1', 20, 30), op(2, 'b', put('y', '1'), null, 40, 50), op(3, 'c', get('y'), '1', 60, 70), op(4, 'c', get('x'), '', 80, 90)];
    const result = checkCausalConsistency(history);
    expect(result.verdict).toBe('violation');
    expect(result.explanation).toContain('op 4 (c: get x → "") returned the initial value (empty), but in the causal order a write to key x comes before it');
    expect(checkPram(history).verdict).toBe('ok');
  });
});

describe('budget and input', () => {
  it('a tiny maxSteps gives inconclusive with an explanation, never ok', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(2), null, 0, 10), op(2, 'c', r, 2, 20, 30)];
    for (const check of [checkCausalConsistency, checkPram]) {
      const result = check(history, { maxSteps: 1 });
      expect(result.verdict).toBe('inconclusive');
      expect(result.explanation).toMatch(/^Gave up after exploring 1 configurations \(maxSteps\) while searching for the views/);
      expect(check(history).verdict).toBe('ok');
    }
  });

  it('refuses what causal memory does not define, with a clear TypeError', () => {
    const check = (history: Operation[]) => () => checkCausalConsistency(history);
    expect(check([op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(1), null, 0, 10)])).toThrow(/op 0 and op 1 write the same value; these checkers tell writes apart by their values/);
    expect(check([op(0, 'a', { f: 'cas', from: 1, to: 2 }, true, 0, 10)])).toThrow(/op 0 is a compare-and-set; causal memory, PRAM and the session guarantees are defined on plain reads and writes/);
    expect(check([op(0, 'a', { f: 'append', key: 'x', value: 'a' }, null, 0, 10)])).toThrow(/op 0 is an append/);
    expect(check([op(0, 'a', w(1), null, 0, 10), op(1, 'b', { f: 'get', key: 'x' }, '', 0, 10)])).toThrow(/not a mix of get and write/);
    expect(check([op(0, 'a', { f: 'inc' }, null, 0, 10)])).toThrow(/op 0 has the unknown operation "inc"/);
    expect(check([op(0, 'a', w(null), null, 0, 10)])).toThrow(/op 0 writes the initial value null/);
    expect(check([op(0, 'a', w(true), null, 0, 10)])).toThrow(/op 0 writes true, which is not a register value/);
    expect(check([op(0, 'a', w(1), null, 0, 10), op(0, 'b', r, 1, 0, 10)])).toThrow(/^checkCausalConsistency: operation 0 \(index 1\): duplicate id 0/);
    // Duplicates among failed writes do not matter: a failed write never took effect.
    expect(check([op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(1), undefined, 0, 10, 'fail')])()).toMatchObject({ verdict: 'ok' });
  });
});
