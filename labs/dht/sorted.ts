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

/**
 * `lowerBound` over plain ascending numbers (a ring's point positions), without a key function per probe: the
 * ring's lookups run it once per key, millions of times for one figure.
 */
export function lowerBoundOfNumbers(values: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
