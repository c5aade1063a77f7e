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

/**
 * Offers `item` at `distance` to a short list of the nearest: `items` holds at most `limit` (≥ 1) items, ascending
 * by their `distances` (a parallel array); an item no nearer than the last of a full list is refused, and on equal
 * distances the item already kept stays first. Both arrays change in place. Chord's and Kademlia's nodes run this
 * for every candidate of every step, instead of collecting all candidates and sorting them.
 */
export function offerNearest<T>(items: T[], distances: number[], limit: number, item: T, distance: number): void {
  const full = items.length >= limit;
  if (full && distance >= (distances[items.length - 1] as number)) return;
  let j = full ? items.length - 1 : items.length;
  while (j > 0 && (distances[j - 1] as number) > distance) {
    items[j] = items[j - 1] as T;
    distances[j] = distances[j - 1] as number;
    j--;
  }
  items[j] = item;
  distances[j] = distance;
}
