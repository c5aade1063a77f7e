/**
 * Che's approximation of an LRU cache's hit ratio under independent requests.
 *
 * Che, Tung and Wang (2002, "Hierarchical web caching systems: modeling, design and experimental results", IEEE
 * JSAC 20(7)) replace the LRU cache of C objects by one number, its characteristic time T: an object stays
 * cached exactly while it is requested again within T of its last request, and T is the one value that makes the
 * expected number of cached objects equal C. With requests independent and object i requested with probability
 * p_i per request (the independent reference model, as workload.ts draws them), object i is cached with
 * probability 1 - e^{-p_i T}, so
 *
 *   sum_i (1 - e^{-p_i T}) = C        and        hit ratio = sum_i p_i (1 - e^{-p_i T}).
 *
 * Fricker, Robert and Roberts (2012, "A versatile and accurate approximation for LRU cache performance", ITC 24)
 * explain why this works: the time for C distinct other objects to be requested is a sum of many weakly
 * dependent terms, so it concentrates around its mean as the catalogue grows, and treating it as the constant T
 * loses little even for small caches.
 *
 * Sizes are units here: C counts objects, and every object takes one slot (simulate with `sizes: 'unit'`). T is
 * measured in requests (an object not requested for T requests has been evicted).
 */

/** The approximation's result for one catalogue and cache size. */
export interface CheApproximation {
  /** T, in requests; 0 for an empty cache, Infinity when the cache holds every object that is ever requested. */
  characteristicTime: number;
  /** sum_i p_i (1 - e^{-p_i T}): the expected share of requests that hit. */
  hitRatio: number;
  /** 1 - e^{-p_i T} per object, at the index of its popularity: the chance it is cached (and a request hits). */
  hitProbabilities: number[];
}

function normalise(popularity: readonly number[]): number[] {
  let sum = 0;
  for (const p of popularity) {
    if (!(p >= 0) || !Number.isFinite(p)) throw new Error(`che: popularities must be finite and >= 0 (got ${p})`);
    sum += p;
  }
  if (!(sum > 0)) throw new Error('che: at least one popularity must be > 0');
  return popularity.map((p) => p / sum);
}

/** The expected number of objects an LRU cache with characteristic time T holds: sum_i (1 - e^{-p_i T}). */
export function expectedOccupancy(probabilities: readonly number[], characteristicTime: number): number {
  let occupancy = 0;
  // -expm1(-x) is 1 - e^{-x} without the cancellation that loses the small terms of a long tail.
  for (const p of probabilities) occupancy += -Math.expm1(-p * characteristicTime);
  return occupancy;
}

/**
 * Solves sum_i (1 - e^{-p_i T}) = C for T. `popularity` is normalised to sum to 1 first (only ratios matter).
 * The left side grows strictly from 0 (at T = 0) towards the number of objects with p_i > 0, so there is one
 * root for 0 < C < that number; the solver brackets it by doubling and halves the bracket until it is as narrow
 * as double precision allows.
 */
export function cheCharacteristicTime(popularity: readonly number[], capacity: number): number {
  if (!(capacity >= 0)) throw new Error(`che: capacity must be >= 0 (got ${capacity})`);
  const probabilities = normalise(popularity);
  const requested = probabilities.filter((p) => p > 0).length;
  if (capacity === 0) return 0;
  if (capacity >= requested) return Infinity;
  let lo = 0;
  let hi = 1;
  while (expectedOccupancy(probabilities, hi) < capacity) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (expectedOccupancy(probabilities, mid) < capacity) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Che's approximation for an LRU cache of `capacity` unit-size objects under the given popularity. */
export function cheApproximation(popularity: readonly number[], capacity: number): CheApproximation {
  const characteristicTime = cheCharacteristicTime(popularity, capacity);
  const probabilities = normalise(popularity);
  const hitProbabilities = probabilities.map((p) =>
    characteristicTime === Infinity ? (p > 0 ? 1 : 0) : -Math.expm1(-p * characteristicTime),
  );
  let hitRatio = 0;
  probabilities.forEach((p, i) => (hitRatio += p * (hitProbabilities[i] as number)));
  return { characteristicTime, hitRatio, hitProbabilities };
}
