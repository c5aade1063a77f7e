/**
 * Jump consistent hash. John Lamping and Eric Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
 * arXiv:1406.2294, 2014.
 *
 * Buckets are numbered 0..b−1 and can only be added or removed at the end. Going from b to b + 1 buckets, a key
 * must move to the new bucket with probability 1/(b + 1) and otherwise stay. The paper's trick is to follow one
 * key's "jumps" through bucket counts with a pseudo-random generator seeded by the key: from bucket j the next
 * bucket count at which the key moves is drawn directly, so a lookup takes O(ln b) steps and no memory at all.
 * The paper's code, which this is, line for line:
 *
 *     int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
 *       int64_t b = -1, j = 0;
 *       while (j < num_buckets) {
 *         b = j;
 *         key = key * 2862933555777941757ULL + 1;
 *         j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
 *       }
 *       return b;
 *     }
 *
 * The 64-bit linear congruential step runs in BigInt masked to 64 bits; `(key >> 33) + 1` is below 2^31 + 1 and
 * `b + 1` below 2^31, so both are exact doubles, and the division and multiplication are single IEEE-754 double
 * operations exactly as in C++; the assignment to the int64 `j` truncates, which for these non-negative values
 * is `Math.floor`. The results therefore match every faithful implementation bit for bit (e.g. key 256 with
 * 1024 buckets gives 520, a test vector shared by the Go, Python and C ports).
 */

import { hash64 } from './hash';

const MASK_64 = (1n << 64n) - 1n;
const LCG_MULTIPLIER = 2862933555777941757n;
const TWO_POW_31 = 2147483648;

/**
 * The bucket in [0, buckets) for a 64-bit `key` (read modulo 2^64, as a C++ conversion to uint64_t would, so a
 * negative key is its two's complement). `buckets` must be an integer in [1, 2^31), the range of the paper's
 * int32_t argument; anything else throws.
 */
export function jumpHash(key: bigint, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets >= TWO_POW_31) {
    throw new Error(`jump hash needs an integer number of buckets in [1, 2^31) (got ${buckets})`);
  }
  let state = key & MASK_64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = (state * LCG_MULTIPLIER + 1n) & MASK_64;
    j = Math.floor((b + 1) * (TWO_POW_31 / (Number(state >> 33n) + 1)));
  }
  return b;
}

/** Jump hash of a string key: `jumpHash(hash64(key), buckets)`. */
export function jumpHashString(key: string, buckets: number): number {
  return jumpHash(hash64(key), buckets);
}
