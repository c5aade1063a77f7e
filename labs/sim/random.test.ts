// Method: pinned values guard the generator (every trace in the book depends on it), large samples check the
// distributions' moments against their formulas, and fast-check states the range contracts for arbitrary seeds.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random, hashSeed, resolveSeed } from './random';

function draws(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.next());
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('hashSeed and resolveSeed: stable 32-bit seeds', () => {
  it('gives the pinned values (changing them would change every seeded run in the book)', () => {
    expect(hashSeed('a')).toBe(2194241793);
    expect(hashSeed('')).toBe(451841411);
    expect(hashSeed('assignment-1', 'learner-7', 'ex-3')).toBe(3483545230);
    expect(hashSeed(42)).toBe(1840497455);
  });

  it('separates parts, so moving a boundary changes the seed', () => {
    expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
    expect(hashSeed('a', 'b')).not.toBe(hashSeed('ab'));
  });

  it('is a 32-bit unsigned integer for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.double())), (parts) => {
        const h = hashSeed(...parts);
        return Number.isInteger(h) && h >= 0 && h < 2 ** 32;
      }),
    );
  });

  it('uses small integers as they are, reads digit strings as numbers, and hashes anything else', () => {
    expect(resolveSeed(42)).toBe(42);
    expect(resolveSeed('42')).toBe(42);
    expect(resolveSeed('hello')).toBe(hashSeed('hello'));
    expect(resolveSeed(-1)).toBe(hashSeed(-1));
    expect(resolveSeed(0.5)).toBe(hashSeed(0.5));
    expect(() => resolveSeed(Number.NaN)).toThrow('seed must be a finite number or a string (got NaN)');
  });
});

describe('Random: sfc32 stream', () => {
  it('gives the pinned first outputs for seed 42', () => {
    const r = new Random(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([1028872839, 2516511472, 400437680]);
  });

  it('replays: same seed, same sequence; a string seed equals its hash', () => {
    expect(draws(new Random(7), 50)).toEqual(draws(new Random(7), 50));
    expect(draws(new Random('hello'), 5)).toEqual(draws(new Random(hashSeed('hello')), 5));
    expect(draws(new Random(7), 5)).not.toEqual(draws(new Random(8), 5));
  });

  it('stays in range for any seed: next in [0, 1), int within its inclusive bounds', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1000, max: 1000 }), fc.nat(50), (seed, min, width) => {
        const r = new Random(seed);
        for (let i = 0; i < 20; i++) {
          const x = r.next();
          if (!(x >= 0 && x < 1)) return false;
          const k = r.int(min, min + width);
          if (!(Number.isInteger(k) && k >= min && k <= min + width)) return false;
        }
        return true;
      }),
    );
  });

  it('hits both ends of an int range, and shuffle returns a permutation without touching its input', () => {
    const r = new Random(3);
    const seen = new Set(Array.from({ length: 200 }, () => r.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = r.shuffle(xs);
    expect(xs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(shuffled.slice().sort()).toEqual(xs);
    expect(xs).toContain(r.pick(xs));
    expect(() => r.pick([])).toThrow('non-empty');
  });
});

describe('Random: distributions match their moments', () => {
  const n = 100_000;

  it('uniform next: mean 1/2, variance 1/12', () => {
    const xs = draws(new Random(11), n);
    const m = mean(xs);
    expect(m).toBeCloseTo(0.5, 2);
    expect(mean(xs.map((x) => (x - m) ** 2))).toBeCloseTo(1 / 12, 2);
  });

  it('exponential: mean as asked', () => {
    const r = new Random(12);
    const xs = Array.from({ length: n }, () => r.exponential(5));
    expect(Math.abs(mean(xs) - 5)).toBeLessThan(0.1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  });

  it('normal: mean 0, standard deviation 1', () => {
    const r = new Random(13);
    const xs = Array.from({ length: n }, () => r.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(0.02);
    expect(Math.sqrt(mean(xs.map((x) => x * x)))).toBeCloseTo(1, 1);
  });

  it('chance: frequency near p', () => {
    const r = new Random(14);
    const hits = Array.from({ length: n }, () => r.chance(0.3)).filter(Boolean).length;
    expect(Math.abs(hits / n - 0.3)).toBeLessThan(0.01);
  });
});

describe('Random.fork: independent child streams', () => {
  it('does not consume or shift the parent stream', () => {
    const plain = new Random(99);
    const forked = new Random(99);
    forked.fork('network').next();
    forked.fork('node:a');
    expect(draws(forked, 20)).toEqual(draws(plain, 20));
  });

  it('depends on the seed and the label only, not on how far the parent has drawn', () => {
    const r = new Random(5);
    const early = draws(r.fork('x'), 10);
    draws(r, 100);
    expect(draws(r.fork('x'), 10)).toEqual(early);
    expect(draws(r.fork('y'), 10)).not.toEqual(early);
    expect(draws(new Random(6).fork('x'), 10)).not.toEqual(early);
  });

  it('gives streams that are uncorrelated with the parent and with siblings', () => {
    const r = new Random(21);
    const a = draws(r.fork('a'), 20_000);
    const b = draws(r.fork('b'), 20_000);
    const p = draws(r, 20_000);
    const correlation = (xs: number[], ys: number[]) => mean(xs.map((x, i) => (x - 0.5) * ((ys[i] as number) - 0.5))) * 12;
    expect(Math.abs(correlation(a, b))).toBeLessThan(0.05);
    expect(Math.abs(correlation(a, p))).toBeLessThan(0.05);
  });
});
