/**
 * Rendezvous hashing, or highest random weight (HRW). David Thaler and Chinya Ravishankar, "A Name-Based Mapping
 * Scheme for Rendezvous", University of Michigan technical report CSE-TR-316-96 (1996), and "Using Name-Based
 * Mappings to Increase Hit Rates", IEEE/ACM Transactions on Networking 6(1), 1998.
 *
 * Every node scores every key with a hash of the pair, and the key goes to the highest score. Removing a node
 * moves only the keys it won (each goes to its runner-up); adding a node moves only the keys the new node now
 * wins, about 1/(n + 1) of them; and the load is as even as the hash, with no virtual nodes. The cost is O(n)
 * per lookup instead of a ring's O(log n), which is why the paper targets small sets (proxy caches) and why
 * systems with many nodes arrange them in a tree or use a ring.
 *
 * Semantics, exactly: node `node`'s weight for key `key` is `hash64(`${node}|${key}`)`; ties between weights
 * (probability about n²/2^65) go to the node whose name sorts first. The ranking of all nodes by weight is also a
 * replica order: the top k are where the k copies live, and removing one of them promotes the (k + 1)-th.
 */

import { hash64, hash64Parts } from './hash';

/** The score `node` gives `key`: hash64 of `${node}|${key}`, in [0, 2^64). */
export function rendezvousWeight(node: string, key: string): bigint {
  return hash64(`${node}|${key}`);
}

function checkNodes(nodes: readonly string[]): void {
  if (nodes.length === 0) throw new Error('rendezvous hashing needs at least one node');
  if (new Set(nodes).size !== nodes.length) throw new Error('node names must be distinct');
}

/** A weight as two 32-bit halves (`hash64Parts`), compared without BigInt: the hot path of every lookup. */
type Scored = { node: string; hi: number; lo: number };

function score(node: string, key: string): Scored {
  const { hi, lo } = hash64Parts(`${node}|${key}`);
  return { node, hi, lo };
}

/** Higher weight first; equal weights by name. */
function beats(a: Scored, b: Scored): boolean {
  if (a.hi !== b.hi) return a.hi > b.hi;
  if (a.lo !== b.lo) return a.lo > b.lo;
  return a.node < b.node;
}

/** The node with the highest weight for `key` (one pass, O(n)). Throws on an empty or repeating node list. */
export function rendezvous(key: string, nodes: readonly string[]): string {
  checkNodes(nodes);
  let best: Scored | undefined;
  for (const node of nodes) {
    const candidate = score(node, key);
    if (best === undefined || beats(candidate, best)) best = candidate;
  }
  return (best as Scored).node;
}

/**
 * The `k` nodes with the highest weights for `key`, best first (all of them if there are fewer than k). The first
 * is `rendezvous(key, nodes)`; the list for k is a prefix of the list for k + 1.
 */
export function rendezvousTop(key: string, nodes: readonly string[], k: number): string[] {
  checkNodes(nodes);
  if (!Number.isInteger(k) || k < 0) throw new Error(`k must be a non-negative integer (got ${k})`);
  return nodes
    .map((node) => score(node, key))
    .sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : 0))
    .slice(0, k)
    .map((x) => x.node);
}
