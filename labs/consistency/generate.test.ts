// Method: the generators are checked for what their callers rely on: the same options give the same history, the
// histories are well formed (validateHistory) with the requested counts, uncorrupted ones are linearizable (their
// construction is a witness, Herlihy and Wing 1990 §2), and `corrupt` changes exactly one ok output.
import { describe, expect, it } from 'vitest';
import { randomKvHistory, randomRegisterHistory } from './generate';
import { checkLinearizability, validateHistory } from './linearizability';
import { kvModel, registerModel } from './models';

describe('seeded history generators', () => {
  it('are deterministic in their seed and differ across seeds', () => {
    const a = randomRegisterHistory({ seed: 'x', clients: 3, operations: 20 });
    expect(randomRegisterHistory({ seed: 'x', clients: 3, operations: 20 })).toEqual(a);
    expect(randomRegisterHistory({ seed: 'y', clients: 3, operations: 20 })).not.toEqual(a);
    expect(randomKvHistory({ seed: 4, clients: 2, operations: 9 })).toEqual(randomKvHistory({ seed: 4, clients: 2, operations: 9 }));
  });

  it('produce well-formed histories with the requested clients, operations and statuses', () => {
    const { history } = randomRegisterHistory({ seed: 1, clients: 4, operations: 300, infoProbability: 0.1, failProbability: 0.1 });
    validateHistory(history);
    expect(history).toHaveLength(300);
    expect(new Set(history.map((op) => op.client))).toEqual(new Set(['c1', 'c2', 'c3', 'c4']));
    const statuses = new Set(history.map((op) => op.status));
    expect(statuses).toEqual(new Set(['ok', 'info', 'fail']));
    for (const op of history) {
      if (op.status === 'info') expect(op.returnMs).toBeUndefined();
      if (op.status !== 'ok') expect(op.output).toBeUndefined();
    }
    const ids = history.map((op) => op.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  });

  it('are linearizable by construction', () => {
    for (let seed = 0; seed < 30; seed++) {
      const register = randomRegisterHistory({ seed, clients: 1 + (seed % 6), operations: 80, infoProbability: 0.1 });
      expect(checkLinearizability(register.history, registerModel, { maxSteps: 1_000_000 }).verdict).toBe('ok');
      const kv = randomKvHistory({ seed, clients: 1 + (seed % 6), operations: 80, keys: 2 });
      expect(checkLinearizability(kv.history, kvModel, { maxSteps: 1_000_000 }).verdict).toBe('ok');
    }
  });

  it('corrupt changes exactly one ok output and names it', () => {
    for (const seed of [1, 2, 3]) {
      const clean = randomKvHistory({ seed, clients: 3, operations: 30 }).history;
      const { history, corruptedId } = randomKvHistory({ seed, clients: 3, operations: 30, corrupt: true });
      expect(corruptedId).toBeDefined();
      const changed = history.filter((op, k) => JSON.stringify(op) !== JSON.stringify(clean[k]));
      expect(changed.map((op) => op.id)).toEqual([corruptedId]);
      expect(changed[0]!.status).toBe('ok');
    }
  });

  it('rejects impossible settings', () => {
    expect(() => randomRegisterHistory({ seed: 1, clients: 0, operations: 3 })).toThrow(/clients/);
    expect(() => randomKvHistory({ seed: 1, clients: 2, operations: -1 })).toThrow(/operations/);
  });
});
