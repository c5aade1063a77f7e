/**
 * Placement measures shared by every scheme in the chapter, plus the two schemes that are not a structure of
 * their own: `hash mod n` and consistent hashing with bounded loads.
 *
 * A placement is a function key → node; `assign` evaluates one over a key set, giving an assignment (a Map key →
 * node) that `movedFraction`, `loads` and `imbalance` measure:
 * - moved fraction: how many keys change node between two assignments of the same keys (the cost of a membership
 *   change: each moved key is data copied over the network);
 * - imbalance: the most-loaded node's load over the mean load (1 is perfect; 2 means some node holds twice its
 *   share, so the system must be provisioned for twice the mean).
 */

import { hash64 } from './hash';
import type { HashRing, RingPoint } from './ring';

/**
 * The naive scheme: `nodes[hash64(key) mod n]`. Perfectly balanced in expectation, but when n changes to n + 1 a
 * key stays only if hash mod n = hash mod (n + 1), which for a uniform hash happens with probability exactly
 * 1/(n + 1) (the two residues agree only for the n residues r < n out of every n(n + 1)); so a fraction
 * n/(n + 1) of all keys moves. Throws on an empty node list.
 */
export function moduloPlacement(key: string, nodes: readonly string[]): string {
  if (nodes.length === 0) throw new Error('modulo placement needs at least one node');
  return nodes[Number(hash64(key) % BigInt(nodes.length))] as string;
}

/** Evaluates a placement over `keys`: a Map from each key to its node, in the order of `keys`. */
export function assign(keys: readonly string[], lookup: (key: string) => string): Map<string, string> {
  const assignment = new Map<string, string>();
  for (const key of keys) assignment.set(key, lookup(key));
  return assignment;
}

/**
 * The fraction of `before`'s keys whose node differs in `after`, in [0, 1]; 0 when `before` is empty. Both must
 * assign the same keys (throws if `after` lacks one of `before`'s).
 */
export function movedFraction(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): number {
  if (before.size === 0) return 0;
  let moved = 0;
  for (const [key, node] of before) {
    const now = after.get(key);
    if (now === undefined) throw new Error(`key ${JSON.stringify(key)} is assigned before but not after`);
    if (now !== node) moved++;
  }
  return moved / before.size;
}

/**
 * How many keys each node holds, with a 0 for every node in `nodes` that holds none. Throws if the assignment
 * names a node not in `nodes`.
 */
export function loads(assignment: ReadonlyMap<string, string>, nodes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of nodes) counts[node] = 0;
  for (const [key, node] of assignment) {
    if (!Object.prototype.hasOwnProperty.call(counts, node)) {
      throw new Error(`key ${JSON.stringify(key)} is assigned to ${JSON.stringify(node)}, which is not one of the nodes`);
    }
    counts[node] = (counts[node] as number) + 1;
  }
  return counts;
}

/**
 * The maximum load over the mean load, ≥ 1. With no keys at all nothing is out of balance, and the result is 1.
 * Throws on an empty record (no nodes).
 */
export function imbalance(nodeLoads: Readonly<Record<string, number>>): number {
  const values = Object.values(nodeLoads);
  if (values.length === 0) throw new Error('imbalance needs at least one node');
  const total = values.reduce((sum, x) => sum + x, 0);
  if (total === 0) return 1;
  return Math.max(...values) / (total / values.length);
}

/**
 * The capacity of each node under bounded loads: ⌈(1 + ε)·m/n⌉ for m keys and n nodes. Computed in floating
 * point, with a value within 1e-9 of an integer taken as that integer, so ε = 0.1, m = 100, n = 10 gives 11 and
 * not 12 (1.1 × 100 / 10 is 11.000000000000002 in binary). ε must be finite and ≥ 0; n ≥ 1.
 */
export function boundedLoadCapacity(keyCount: number, nodeCount: number, epsilon: number): number {
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new Error(`epsilon must be a finite number >= 0 (got ${epsilon})`);
  if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new Error('bounded loads need at least one node');
  const exact = ((1 + epsilon) * keyCount) / nodeCount;
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) < 1e-9 ? nearest : Math.ceil(exact);
}

/**
 * Consistent hashing with bounded loads. Vahab Mirrokni, Mikkel Thorup, Morteza Zadimoghaddam, "Consistent
 * Hashing with Bounded Loads", SODA 2018.
 *
 * Every node gets capacity c = ⌈(1 + ε)·m/n⌉ (`boundedLoadCapacity`). Keys are placed one at a time in the order
 * of `keys` (a repeated key counts once, at its first occurrence): a key starts at its ring successor, as in
 * `ring.lookup`, and walks clockwise past the points of nodes that are already full, taking the first node with
 * room. Since n·c ≥ m, a node with room always exists. No node ends with more than c keys, so the imbalance is at
 * most c/(m/n) ≈ 1 + ε, whatever the arcs. The price is extra movement: a join or leave can cascade keys past
 * nodes that just filled or emptied. The paper bounds the expected number of moves per update by the minimum any
 * scheme needs times a factor of order 1/ε², so the guarantee weakens as ε → 0; in practice the cascades matter
 * when the arcs are very uneven (one point per node), much less with virtual nodes. With c ≥ m no node ever
 * fills, and the result is plain `ring.lookup`.
 */
export function boundedLoadAssign(keys: readonly string[], ring: HashRing, epsilon: number): Map<string, string> {
  const distinct = [...new Set(keys)];
  const capacity = boundedLoadCapacity(distinct.length, ring.size, epsilon);
  const points: RingPoint[] = ring.points();
  const load = new Map<string, number>();
  const assignment = new Map<string, string>();
  for (const key of distinct) {
    let index = ring.successorIndex(key);
    for (;;) {
      const { node } = points[index] as RingPoint;
      const held = load.get(node) ?? 0;
      if (held < capacity) {
        load.set(node, held + 1);
        assignment.set(key, node);
        break;
      }
      index = (index + 1) % points.length;
    }
  }
  return assignment;
}
