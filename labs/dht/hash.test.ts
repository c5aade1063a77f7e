// Method: FNV-1a 64 against the published test vectors and against a plain BigInt loop over `TextEncoder` bytes
// (fast-check, any Unicode text including lone surrogates); hash64 and hash32 pinned on a few inputs so that a
// change of hash (which would move every key in every figure) is deliberate; statistical checks (bucket
// uniformity, avalanche) with bounds stated next to the values measured.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fmix64, fnv1a64, hash32, hash64, hash64Parts, unitInterval } from './hash';

const MASK_64 = (1n << 64n) - 1n;

/** FNV-1a 64 exactly as the specification states it, one BigInt multiplication per byte. */
function fnv1a64Reference(text: string, basis = 0xcbf29ce484222325n): bigint {
  let h = basis;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & MASK_64;
  }
  return h;
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Raw UTF-16 code units, so lone and reversed surrogates occur often.
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((units) => String.fromCharCode(...units)),
);

describe('FNV-1a 64 (Fowler, Noll, Vo)', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
  });

  it('agrees with a BigInt loop over the UTF-8 bytes, for any text and seed', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(fnv1a64(text, seed)).toBe(fnv1a64Reference(text, 0xcbf29ce484222325n ^ fmix64(BigInt(seed))));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hash64 = fmix64(FNV-1a 64), MurmurHash3 finaliser', () => {
  it('is the finaliser applied to FNV-1a, and fmix64(0) = 0 so seed 0 is plain FNV-1a', () => {
    expect(fmix64(0n)).toBe(0n);
    fc.assert(
      fc.property(anyText, (text) => {
        expect(hash64(text)).toBe(fmix64(fnv1a64(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('hash64Parts and hash32 are hash64 split into 32-bit halves, for any text and seed', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (text, seed) => {
        const { hi, lo } = hash64Parts(text, seed);
        expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(hash64(text, seed));
        expect(hash32(text, seed)).toBe(hi);
        expect(hash64(text, seed)).toBe(fmix64(fnv1a64(text, seed)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its values (pinned: changing them moves every key in every figure)', () => {
    expect(hash64('')).toBe(0xefd01f60ba992926n);
    expect(hash64('a')).toBe(0x82a2a958a9bece5bn);
    expect(hash64('a', 1)).toBe(0x73e06e574120228an);
    expect(hash32('a')).toBe(0x82a2a958);
  });

  it('gives 64-bit values, a 32-bit top half as hash32, and different functions for different seeds', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        const h = hash64(text, seed);
        expect(h >= 0n && h <= MASK_64).toBe(true);
        const top = hash32(text, seed);
        expect(Number.isInteger(top) && top >= 0 && top < 2 ** 32).toBe(true);
        expect(BigInt(top)).toBe(h >> 32n);
      }),
      { numRuns: 500 },
    );
    let agree = 0;
    for (let i = 0; i < 1000; i++) if (hash64(`k${i}`, 1) === hash64(`k${i}`, 2)) agree++;
    expect(agree).toBe(0);
  });

  it('spreads sequential keys evenly over 16 buckets, by top bits and by low bits (chi-square, 15 df)', () => {
    const byTop = new Array<number>(16).fill(0);
    const byLow = new Array<number>(16).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const h = hash64(`key-${i}`);
      byTop[Number(h >> 60n)]++;
      byLow[Number(h & 15n)]++;
    }
    const chiSquare = (counts: number[]): number => counts.reduce((s, c) => s + (c - n / 16) ** 2 / (n / 16), 0);
    // The 99.9% quantile of chi-square with 15 degrees of freedom is 37.7.
    expect(chiSquare(byTop)).toBeLessThan(37.7);
    expect(chiSquare(byLow)).toBeLessThan(37.7);
  });

  it('avalanches: keys differing in their last character differ in about half of the 64 bits', () => {
    let flipped = 0;
    const pairs = 10_000;
    for (let i = 0; i < pairs; i++) {
      let x = hash64(`key${i}a`) ^ hash64(`key${i}b`);
      while (x > 0n) {
        flipped += Number(x & 1n);
        x >>= 1n;
      }
    }
    expect(flipped / pairs).toBeGreaterThan(31.5);
    expect(flipped / pairs).toBeLessThan(32.5);
  });

  it('refuses seeds outside [0, 2^32)', () => {
    expect(() => hash64('a', -1)).toThrow(/seed/);
    expect(() => hash64('a', 2 ** 32)).toThrow(/seed/);
    expect(() => hash32('a', 1.5)).toThrow(/seed/);
  });
});

describe('unitInterval', () => {
  it('maps the top 53 bits into [0, 1), reaching neither below 0 nor 1', () => {
    expect(unitInterval(0n)).toBe(0);
    expect(unitInterval(MASK_64)).toBe(1 - 2 ** -53);
    expect(unitInterval(1n << 63n)).toBe(0.5);
    expect(unitInterval((1n << 64n) + 5n)).toBe(unitInterval(5n));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MASK_64 }), (h) => {
        const u = unitInterval(h);
        expect(u >= 0 && u < 1).toBe(true);
      }),
    );
  });
});
