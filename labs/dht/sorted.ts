/** First index in ascending `xs` whose key is >= `target` (`xs.length` when none is): one binary search for the lab. */
export function lowerBound<T>(xs: readonly T[], target: number, keyOf: (x: T) => number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(xs[mid] as T) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
