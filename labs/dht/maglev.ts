/**
 * Maglev hashing. Daniel E. Eisenbud, Cheng Yi, Carlo Contavalli, Cody Smith, Roman Kononov, Eric Mann-Hielscher,
 * Ardas Cilingiroglu, Bin Cheyney, Wentao Shang, Jinnah Dylan Hosein, "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, §3.4.
 *
 * A lookup table of M entries (M prime) is filled with node names, and a key goes to entry hash(key) mod M, so a
 * lookup is one hash and one array read. The table is built so that every node holds M/N entries to within one,
 * and a change of membership rewrites few entries: Maglev trades the ring's perfect monotonicity for perfect
 * balance and accepts a little extra disruption (§3.4 names its two goals, load balancing and minimal disruption,
 * and gives load balancing priority).
 *
 * Semantics, exactly (§3.4, Pseudocode 1):
 * - each node i has a preference list, a permutation of 0..M−1: permutation[i][j] = (offset + j·skip) mod M with
 *   offset = h1(name) mod M and skip = h2(name) mod (M − 1) + 1. Because M is prime and 1 ≤ skip < M, this visits
 *   every entry once. Here h1 = `hash64(name, MAGLEV_OFFSET_SEED)` and h2 = `hash64(name, MAGLEV_SKIP_SEED)`;
 * - the nodes take turns in the order given (node 0, 1, …, N−1, then 0 again); on its turn a node claims the
 *   first entry of its preference list that is still empty. Filling stops the moment all M entries are taken, so
 *   counts differ by at most one: the first M mod N nodes in the order get ⌈M/N⌉, the rest ⌊M/N⌋;
 * - a key's entry is `hash64(key) mod M`.
 * The node order is part of the input, as in the paper (it is the order of the backend list); removing a node
 * keeps the others' relative order.
 */

import { hash64 } from './hash';

/** Seed of h1, which picks each node's first preferred entry (its offset). */
export const MAGLEV_OFFSET_SEED = 0x6d61676c; // "magl"
/** Seed of h2, which picks each node's stride through the table (its skip). */
export const MAGLEV_SKIP_SEED = 0x65763136; // "ev16"
/** The table size the paper's evaluation uses by default; prime, and much larger than any node count here. */
export const MAGLEV_DEFAULT_SIZE = 65537;

/** Trial division; fine for table sizes up to millions. */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/** Node `name`'s preference list parameters for a table of `size` entries: offset in [0, M), skip in [1, M). */
export function maglevPermutation(name: string, size: number): { offset: number; skip: number } {
  const m = BigInt(size);
  return {
    offset: Number(hash64(name, MAGLEV_OFFSET_SEED) % m),
    skip: Number(hash64(name, MAGLEV_SKIP_SEED) % (m - 1n)) + 1,
  };
}

/**
 * Builds the lookup table with the paper's Pseudocode 1. Each node's preference list is walked incrementally
 * (position += skip mod M) instead of being stored, which gives the same entries in O(M) memory instead of O(M·N).
 * Throws if `size` is not a prime, if `nodes` is empty or has repeats, or if there are more nodes than entries.
 */
export function maglevTable(nodes: readonly string[], size: number = MAGLEV_DEFAULT_SIZE): string[] {
  if (!isPrime(size)) {
    throw new Error(`Maglev table size must be a prime number, so every skip generates a full permutation (got ${size}; the paper uses 65537)`);
  }
  if (nodes.length === 0) throw new Error('a Maglev table needs at least one node');
  if (new Set(nodes).size !== nodes.length) throw new Error('node names must be distinct');
  if (nodes.length > size) throw new Error(`a Maglev table of ${size} entries cannot hold ${nodes.length} nodes; the paper uses M ≫ N`);
  const prefs = nodes.map((name) => maglevPermutation(name, size));
  const position = prefs.map((p) => p.offset);
  const owner = new Int32Array(size).fill(-1);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < nodes.length; i++) {
      const { skip } = prefs[i] as { skip: number };
      let c = position[i] as number;
      while ((owner[c] as number) >= 0) c = (c + skip) % size;
      owner[c] = i;
      position[i] = (c + skip) % size;
      filled++;
      if (filled === size) return Array.from(owner, (i) => nodes[i] as string);
    }
  }
}

/** The node for `key`: `table[hash64(key) mod M]`. */
export function maglevLookup(table: readonly string[], key: string): string {
  if (table.length === 0) throw new Error('the Maglev table is empty');
  return table[Number(hash64(key) % BigInt(table.length))] as string;
}
