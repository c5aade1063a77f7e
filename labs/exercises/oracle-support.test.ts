// Method: the helpers of the exhaustive exercise tests on hand-picked inputs: distinct seeds, values written back in
// each placeholder's shape and read again by the real parser.
import { describe, expect, it } from 'vitest';
import { parseStructured } from './parse';
import { enumerateSeeds, writeLike } from './oracle-support';

describe('enumerateSeeds', () => {
  it('starts with the default variant and never repeats a seed', () => {
    const seeds = enumerateSeeds(5000);
    expect(seeds[0]).toBe(0);
    expect(new Set(seeds).size).toBe(5000);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
  });
});

describe('writeLike', () => {
  it('copies brackets, braces, separators and the pair form of the placeholder', () => {
    expect(writeLike('list', '3, c', ['6', 'none'])).toBe('6, none');
    expect(writeLike('vector', '[37, 5]', [12, 3])).toBe('[12, 3]');
    expect(writeLike('set', '{a, c}', ['b', 'd'])).toBe('{b, d}');
    expect(writeLike('pairs', 'a -> b', [['x', 'y'], ['y', 'z']])).toBe('x -> y, y -> z');
    expect(writeLike('pairs', '(a, b), (b, c)', [['x', 'y']])).toBe('(x, y)');
  });
  it('writes text the parser reads back to the same value', () => {
    const value: [string, string][] = [['p1', 'p2'], ['n-3', 'n.4']];
    for (const placeholder of ['a -> b', '(a, b)']) expect(parseStructured('pairs', writeLike('pairs', placeholder, value))).toEqual({ ok: true, value });
    expect(parseStructured('vector', writeLike('vector', '[0]', [1.5, -2]))).toEqual({ ok: true, value: [1.5, -2] });
  });
});
