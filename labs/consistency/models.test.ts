// Method: each model's step is checked operation by operation against the data types' documented semantics
// (data-types.ts; Herlihy and Wing 1990 §4 for the register), including the indeterminate (`info`) case where the
// output is unknown, and the key-value partition against a direct grouping.
import { describe, expect, it } from 'vitest';
import { kvModel, registerModel } from './models';
import type { History } from './history';
import type { KvInput, KvOutput } from './data-types';

describe('registerModel (cas-register, Herlihy and Wing 1990 §4)', () => {
  const { step } = registerModel;
  it('starts unset and reads back what was written', () => {
    expect(registerModel.init()).toBeNull();
    expect(step(null, { f: 'read' }, null)).toEqual({ legal: true, state: null });
    expect(step(null, { f: 'read' }, 1)).toEqual({ legal: false });
    expect(step(null, { f: 'write', value: 3 }, null)).toEqual({ legal: true, state: 3 });
    expect(step(3, { f: 'read' }, 3)).toEqual({ legal: true, state: 3 });
    expect(step(3, { f: 'read' }, '3')).toEqual({ legal: false });
    expect(step(3, { f: 'write', value: 4 }, true)).toEqual({ legal: false });
  });
  it('compare-and-set succeeds only on its expected value, fails only otherwise', () => {
    expect(step(1, { f: 'cas', from: 1, to: 2 }, true)).toEqual({ legal: true, state: 2 });
    expect(step(5, { f: 'cas', from: 1, to: 2 }, true)).toEqual({ legal: false });
    expect(step(5, { f: 'cas', from: 1, to: 2 }, false)).toEqual({ legal: true, state: 5 });
    expect(step(1, { f: 'cas', from: 1, to: 2 }, false)).toEqual({ legal: false });
  });
  it('an indeterminate operation returns the state it would leave', () => {
    expect(step(7, { f: 'read' }, undefined)).toEqual({ legal: true, state: 7 });
    expect(step(7, { f: 'write', value: 1 }, undefined)).toEqual({ legal: true, state: 1 });
    expect(step(1, { f: 'cas', from: 1, to: 2 }, undefined)).toEqual({ legal: true, state: 2 });
    expect(step(3, { f: 'cas', from: 1, to: 2 }, undefined)).toEqual({ legal: true, state: 3 });
  });
  it('keys tell the number 1 from the string "1" and from unset', () => {
    const key = registerModel.key!;
    expect(new Set([key(1), key('1'), key(null), key('n')]).size).toBe(4);
  });
  it('describes operations and states in plain words', () => {
    const d = registerModel.describeOperation;
    expect(d({ f: 'write', value: 3 }, null)).toBe('write 3');
    expect(d({ f: 'read' }, 1)).toBe('read → 1');
    expect(d({ f: 'read' }, null)).toBe('read → unset');
    expect(d({ f: 'cas', from: 1, to: 2 }, true)).toBe('cas 1→2 ✓');
    expect(d({ f: 'cas', from: 1, to: 2 }, false)).toBe('cas 1→2 ✗');
    expect(registerModel.describeState(2)).toBe('the register holds 2');
    expect(registerModel.describeState(null)).toBe('the register is unset');
  });
});

describe('kvModel (Porcupine-style key-value map, one key per partition)', () => {
  const { step } = kvModel;
  it('get, put and append', () => {
    expect(step('', { f: 'get', key: 'x' }, '')).toEqual({ legal: true, state: '' });
    expect(step('', { f: 'put', key: 'x', value: 'a' }, null)).toEqual({ legal: true, state: 'a' });
    expect(step('a', { f: 'append', key: 'x', value: 'b' }, null)).toEqual({ legal: true, state: 'ab' });
    expect(step('ab', { f: 'get', key: 'x' }, 'a')).toEqual({ legal: false });
    expect(step('ab', { f: 'append', key: 'x', value: 'c' }, undefined)).toEqual({ legal: true, state: 'abc' });
  });
  it('partitions a history by key, keeping each key operation order', () => {
    const ops: History<KvInput, KvOutput> = [
      { id: 0, client: 'a', input: { f: 'put', key: 'x', value: '1' }, output: null, status: 'ok', invokeMs: 0, returnMs: 1 },
      { id: 1, client: 'b', input: { f: 'get', key: 'y' }, output: '', status: 'ok', invokeMs: 0, returnMs: 1 },
      { id: 2, client: 'a', input: { f: 'get', key: 'x' }, output: '1', status: 'ok', invokeMs: 2, returnMs: 3 },
    ];
    const parts = kvModel.partition!(ops);
    expect(parts.map((p) => p.map((o) => o.id))).toEqual([[0, 2], [1]]);
  });
  it('describes operations and states', () => {
    expect(kvModel.describeOperation({ f: 'put', key: 'x', value: 'a' }, null)).toBe('put x=a');
    expect(kvModel.describeOperation({ f: 'get', key: 'x' }, 'ab')).toBe('get x → ab');
    expect(kvModel.describeState('')).toBe('the key is empty');
  });
});
