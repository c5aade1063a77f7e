// Method: NTP's intersection algorithm (RFC 5905 §11.2.1) as a sweep, compared with an oracle that applies the
// section's definition point by point (fast-check, small integer endpoints so that ties are common); then the
// chapter's example worked by hand, where the plain maximum-overlap algorithm picks a region that misses the true
// time although a majority of sources contain it, and the intersection algorithm does not.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { marzullo, ntpIntersection, ntpIntersectionBruteForce } from './marzullo';
import type { SourceInterval } from './marzullo';

const intervalSets = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })), { minLength: 1, maxLength: 9 })
  .map((pairs) => pairs.map(([x, y], i): SourceInterval => ({ source: `s${i}`, lo: Math.min(x, y), hi: Math.max(x, y) })));

/** The chapter's cell "intersection": the true time is 0; A, B and C contain it, D and E do not. */
const majorityMissedByMarzullo: SourceInterval[] = [
  { source: 'A', lo: -1, hi: 7 },
  { source: 'B', lo: -1, hi: 7 },
  { source: 'C', lo: -1, hi: 1 },
  { source: 'D', lo: 5, hi: 13 },
  { source: 'E', lo: 6, hi: 14 },
];

describe('RFC 5905 §11.2.1 the intersection algorithm', () => {
  it('agrees with the definition on random interval sets', () => {
    fc.assert(fc.property(intervalSets, (intervals) => {
      expect(ntpIntersection(intervals)).toEqual(ntpIntersectionBruteForce(intervals));
    }), { numRuns: 3000 });
  });

  it('never allows half or more of the sources to be falsetickers, and its interval holds every survivor\'s midpoint', () => {
    fc.assert(fc.property(intervalSets, (intervals) => {
      const result = ntpIntersection(intervals);
      if (result.status !== 'found') return;
      expect(2 * result.allowed).toBeLessThan(intervals.length);
      expect(result.falsetickers.length).toBeLessThanOrEqual(result.allowed);
      for (const i of intervals) {
        if (!result.falsetickers.includes(i.source)) expect((i.lo + i.hi) / 2).toBeGreaterThanOrEqual(result.lo);
        if (!result.falsetickers.includes(i.source)) expect((i.lo + i.hi) / 2).toBeLessThanOrEqual(result.hi);
      }
    }), { numRuns: 3000 });
  });

  it('holds the true time whenever the f it settles on is at least the number of sources that miss it', () => {
    // Truechimers contain the truth, 6; falsetickers lie wholly on one side of it.
    const source = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 6, max: 12 })).map(([lo, hi]) => ({ lo, hi })),
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([x, y]) => ({ lo: Math.min(x, y), hi: Math.max(x, y) })),
      fc.tuple(fc.integer({ min: 7, max: 12 }), fc.integer({ min: 7, max: 12 })).map(([x, y]) => ({ lo: Math.min(x, y), hi: Math.max(x, y) })),
    );
    let checked = 0;
    fc.assert(fc.property(fc.array(source, { minLength: 1, maxLength: 9 }), (list) => {
      const intervals = list.map((i, k) => ({ source: `s${k}`, ...i }));
      const falsetickers = intervals.filter((i) => !(i.lo <= 6 && 6 <= i.hi)).length;
      const result = ntpIntersection(intervals);
      if (result.status !== 'found' || result.allowed < falsetickers) return;
      checked++;
      expect(result.lo <= 6 && 6 <= result.hi).toBe(true);
    }), { numRuns: 3000 });
    expect(checked).toBeGreaterThan(100);
  });

  it('keeps the true time where plain Marzullo loses it, with three truechimers of five (worked by hand)', () => {
    const truth = 0;
    const truechimers = majorityMissedByMarzullo.filter((i) => i.lo <= truth && truth <= i.hi).map((i) => i.source);
    expect(truechimers).toEqual(['A', 'B', 'C']);
    // The plain algorithm: D and E overlap A and B on [6, 7], four intervals against the three that hold the truth.
    const plain = marzullo(majorityMissedByMarzullo);
    expect(plain).toEqual({ lo: 6, hi: 7, count: 4, falsetickers: ['C'] });
    expect(plain.lo <= truth && truth <= plain.hi).toBe(false);
    // f = 1 finds [6, 7] too, but five midpoints lie outside it; f = 2 finds [−1, 7], which holds three.
    expect(ntpIntersection(majorityMissedByMarzullo)).toEqual({ status: 'found', lo: -1, hi: 7, allowed: 2, falsetickers: ['D', 'E'] });
  });

  it('finds nothing when no majority agrees (worked by hand)', () => {
    const split = [
      { source: 'a', lo: 0, hi: 1 },
      { source: 'b', lo: 0, hi: 1 },
      { source: 'c', lo: 5, hi: 6 },
      { source: 'd', lo: 5, hi: 6 },
    ];
    expect(ntpIntersection(split)).toMatchObject({ status: 'no-majority' });
    // The plain algorithm still answers, with the leftmost of the two tied regions.
    expect(marzullo(split)).toMatchObject({ lo: 0, hi: 1, count: 2 });
  });
});
