// Method: the sort-and-sweep algorithm against a brute-force count over sample points (fast-check, small integer
// endpoints so that ties, touching intervals and single points are common), plus examples worked by hand.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { marzullo, marzulloBruteForce } from './marzullo';
import type { SourceInterval } from './marzullo';

const intervalSets = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })), { minLength: 1, maxLength: 9 })
  .map((pairs) => pairs.map(([x, y], i): SourceInterval => ({ source: `s${i}`, lo: Math.min(x, y), hi: Math.max(x, y) })));

describe('Marzullo 1984: the interval most sources agree on', () => {
  it('finds [11, 12] in [8, 12], [11, 13], [10, 12], all three agreeing (worked by hand)', () => {
    const intervals = [
      { source: 'a', lo: 8, hi: 12 },
      { source: 'b', lo: 11, hi: 13 },
      { source: 'c', lo: 10, hi: 12 },
    ];
    expect(marzullo(intervals)).toEqual({ lo: 11, hi: 12, count: 3, falsetickers: [] });
  });

  it('names a source that agrees with no one as a falseticker (worked by hand)', () => {
    const intervals = [
      { source: 'a', lo: 8, hi: 12 },
      { source: 'b', lo: 11, hi: 13 },
      { source: 'c', lo: 10, hi: 12 },
      { source: 'd', lo: 14, hi: 15 },
    ];
    expect(marzullo(intervals)).toEqual({ lo: 11, hi: 12, count: 3, falsetickers: ['d'] });
  });

  it('counts touching endpoints as overlapping, and picks the leftmost of equally good regions (worked by hand)', () => {
    // [0, 5] and [5, 9] share the point 5; [20, 21] and [21, 30] share 21: two regions with count 2, 5 is leftmost.
    const intervals = [
      { source: 'w', lo: 21, hi: 30 },
      { source: 'x', lo: 0, hi: 5 },
      { source: 'y', lo: 5, hi: 9 },
      { source: 'z', lo: 20, hi: 21 },
    ];
    expect(marzullo(intervals)).toEqual({ lo: 5, hi: 5, count: 2, falsetickers: ['w', 'z'] });
  });

  it('agrees with the brute-force count on random interval sets', () => {
    fc.assert(
      fc.property(intervalSets, (intervals) => {
        const result = marzullo(intervals);
        expect(result).toEqual(marzulloBruteForce(intervals));
        expect(result.falsetickers).toHaveLength(intervals.length - result.count);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order the sources are given in', () => {
    fc.assert(
      fc.property(
        intervalSets.chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }))),
        ([intervals, shuffled]) => {
          expect(marzullo(shuffled)).toEqual(marzullo(intervals));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses inputs that are not a set of intervals', () => {
    expect(() => marzullo([])).toThrow(/at least one/);
    expect(() => marzullo([{ source: 'a', lo: 2, hi: 1 }])).toThrow(/lo <= hi/);
    expect(() => marzullo([{ source: 'a', lo: Number.NaN, hi: 1 }])).toThrow(/finite/);
    expect(() => marzullo([{ source: 'a', lo: 0, hi: 1 }, { source: 'a', lo: 0, hi: 2 }])).toThrow(/distinct/);
    expect(() => marzulloBruteForce([])).toThrow(/at least one/);
  });
});
