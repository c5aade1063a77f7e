/**
 * Marzullo's algorithm: the best estimate of the time from several sources, some of which may be wrong.
 *
 * Each source says "the true value is in [lo, hi]" (e.g. an NTP server's offset θ ± δ/2, see `ntp.ts`). If the
 * sources that are right all contain the true value, their intervals overlap, and the region covered by the most
 * intervals is the best estimate; sources that do not cover it are falsetickers. Keith Marzullo, "Maintaining
 * the Time in a Distributed System", PhD thesis, Stanford, 1984. NTP's intersection algorithm (RFC 5905 §11.2.1)
 * is a variant: it looks for an interval that a majority of sources agree on, allowing f falsetickers for
 * f = 0, 1, ... while f < n/2, and also checks the sources' midpoints against it; here is the plain algorithm.
 *
 * Semantics, exactly:
 * - intervals are closed, so two intervals that touch at an endpoint overlap there;
 * - `count` is the largest number of intervals containing one point; the points contained in `count` intervals
 *   form one or more closed regions, and the result `[lo, hi]` is the region with the smallest `lo` (it may be a
 *   single point, lo = hi);
 * - `falsetickers` are the sources whose interval does not contain all of `[lo, hi]`, sorted by name; there are
 *   exactly n − count of them, since the same `count` intervals cover every point of the region.
 * Source names must be distinct; an interval needs finite lo ≤ hi; an empty list is an error.
 */

/** One source's claim: the true value lies in [lo, hi]. */
export interface SourceInterval {
  source: string;
  lo: number;
  hi: number;
}

export interface MarzulloResult {
  lo: number;
  hi: number;
  /** How many source intervals contain [lo, hi]. */
  count: number;
  /** Sources whose interval does not contain [lo, hi], sorted. */
  falsetickers: string[];
}

function validate(intervals: readonly SourceInterval[]): void {
  if (!Array.isArray(intervals) || intervals.length === 0) throw new Error('marzullo needs at least one source interval');
  const names = new Set<string>();
  for (const { source, lo, hi } of intervals) {
    if (names.has(source)) throw new Error(`two intervals come from source ${JSON.stringify(source)}; source names must be distinct`);
    names.add(source);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
      throw new Error(`source ${JSON.stringify(source)} has the interval [${lo}, ${hi}]; it needs finite lo <= hi`);
    }
  }
}

function result(intervals: readonly SourceInterval[], lo: number, hi: number, count: number): MarzulloResult {
  const falsetickers = intervals
    .filter((i) => !(i.lo <= lo && hi <= i.hi))
    .map((i) => i.source)
    .sort();
  return { lo, hi, count, falsetickers };
}

/**
 * Sort and sweep, O(n log n): the 2n endpoints in order, starts before ends at the same value (closed intervals),
 * counting the intervals open at each point. The first time the count exceeds the best so far, a new best region
 * starts there; it ends at the next endpoint, which is then necessarily an end (a start would raise the count).
 */
export function marzullo(intervals: readonly SourceInterval[]): MarzulloResult {
  validate(intervals);
  const endpoints: { at: number; step: 1 | -1 }[] = [];
  for (const { lo, hi } of intervals) endpoints.push({ at: lo, step: 1 }, { at: hi, step: -1 });
  endpoints.sort((x, y) => x.at - y.at || y.step - x.step);
  let open = 0;
  let best = 0;
  let lo = 0;
  let hi = 0;
  endpoints.forEach(({ at, step }, i) => {
    open += step;
    if (open > best) {
      best = open;
      lo = at;
      hi = (endpoints[i + 1] as { at: number }).at;
    }
  });
  return result(intervals, lo, hi, best);
}

/**
 * The oracle: count the intervals containing each endpoint and each midpoint between two neighbouring endpoints
 * (the count is constant strictly between neighbours), take the first sample point with the largest count, and
 * walk right while the count stays there. O(n²), obviously right.
 */
export function marzulloBruteForce(intervals: readonly SourceInterval[]): MarzulloResult {
  validate(intervals);
  const points = Array.from(new Set(intervals.flatMap((i) => [i.lo, i.hi]))).sort((x, y) => x - y);
  const samples: number[] = [];
  points.forEach((p, i) => {
    samples.push(p);
    if (i + 1 < points.length) samples.push((p + (points[i + 1] as number)) / 2);
  });
  const counts = samples.map((x) => intervals.filter((i) => i.lo <= x && x <= i.hi).length);
  const best = Math.max(...counts);
  const first = counts.indexOf(best);
  let last = first;
  while (last + 1 < samples.length && counts[last + 1] === best) last++;
  return result(intervals, samples[first] as number, samples[last] as number, best);
}

/**
 * The result of NTP's intersection algorithm: either the interval a majority agrees on, with the number of
 * falsetickers it had to allow and the sources it names as falsetickers, or no majority at all.
 */
export type IntersectionResult =
  | {
      status: 'found';
      lo: number;
      hi: number;
      /** f, the number of falsetickers the algorithm had to allow before an interval qualified (2f < n). */
      allowed: number;
      /** Sources whose midpoint lies outside [lo, hi], sorted: RFC 5905 discards them before clustering. */
      falsetickers: string[];
    }
  | { status: 'no-majority'; message: string };

/**
 * NTP's intersection algorithm, RFC 5905 §11.2.1 (the code of its Appendix A.5.5.1, `clock_select`), on the same
 * intervals as `marzullo`. Each source contributes three entries, its low end, its midpoint and its high end,
 * sorted by value (at equal values low ends first, then midpoints, then high ends, so closed intervals that touch
 * overlap). For f = 0, 1, ... while 2f < n, one sweep from the left stops at the first point covered by at least
 * n − f intervals (the low end of the result), one from the right at the last such point (the high end), and
 * both count the midpoints they pass on the way. The interval qualifies when at most f midpoints lie outside it
 * and low < high (the RFC's test, so a single point never qualifies); otherwise f grows. Unlike the plain
 * algorithm, this never settles for a region that a minority agrees on, and the midpoint test rejects a region
 * that many intervals merely graze: a truechimer's midpoint, its best estimate, should be inside.
 */
export function ntpIntersection(intervals: readonly SourceInterval[]): IntersectionResult {
  validate(intervals);
  const n = intervals.length;
  const entries: { at: number; type: -1 | 0 | 1 }[] = [];
  for (const { lo, hi } of intervals) entries.push({ at: lo, type: -1 }, { at: (lo + hi) / 2, type: 0 }, { at: hi, type: 1 });
  entries.sort((x, y) => x.at - y.at || x.type - y.type);
  for (let allowed = 0; 2 * allowed < n; allowed++) {
    let midpointsOutside = 0;
    let chime = 0;
    let low = Infinity;
    for (const { at, type } of entries) {
      chime -= type;
      if (chime >= n - allowed) {
        low = at;
        break;
      }
      if (type === 0) midpointsOutside++;
    }
    chime = 0;
    let high = -Infinity;
    for (let i = entries.length - 1; i >= 0; i--) {
      const { at, type } = entries[i] as { at: number; type: -1 | 0 | 1 };
      chime += type;
      if (chime >= n - allowed) {
        high = at;
        break;
      }
      if (type === 0) midpointsOutside++;
    }
    if (midpointsOutside > allowed || !(low < high)) continue;
    const falsetickers = intervals
      .filter((i) => (i.lo + i.hi) / 2 < low || (i.lo + i.hi) / 2 > high)
      .map((i) => i.source)
      .sort();
    return { status: 'found', lo: low, hi: high, allowed, falsetickers };
  }
  return {
    status: 'no-majority',
    message: `no interval is supported by more than half of the ${n} sources with their midpoints inside it`,
  };
}

/**
 * The oracle for `ntpIntersection`, from the definition rather than the sweep: for each f, the result's ends are
 * the smallest and the largest point covered by at least n − f intervals (each is an interval end, so only ends
 * are tried), and the midpoints outside are counted directly. O(n²) per f.
 */
export function ntpIntersectionBruteForce(intervals: readonly SourceInterval[]): IntersectionResult {
  validate(intervals);
  const n = intervals.length;
  const coverage = (x: number) => intervals.filter((i) => i.lo <= x && x <= i.hi).length;
  const ends = intervals.flatMap((i) => [i.lo, i.hi]);
  const mid = (i: SourceInterval) => (i.lo + i.hi) / 2;
  for (let allowed = 0; 2 * allowed < n; allowed++) {
    const covered = ends.filter((x) => coverage(x) >= n - allowed);
    if (covered.length === 0) continue;
    const low = Math.min(...covered);
    const high = Math.max(...covered);
    const outside = intervals.filter((i) => mid(i) < low || mid(i) > high);
    if (outside.length > allowed || !(low < high)) continue;
    return { status: 'found', lo: low, hi: high, allowed, falsetickers: outside.map((i) => i.source).sort() };
  }
  return {
    status: 'no-majority',
    message: `no interval is supported by more than half of the ${n} sources with their midpoints inside it`,
  };
}
