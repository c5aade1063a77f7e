/**
 * Consistent hashing on a ring. David Karger, Eric Lehman, Tom Leighton, Rina Panigrahy, Matthew Levine, Daniel
 * Lewin, "Consistent Hashing and Random Trees: Distributed Caching Protocols for Relieving Hot Spots on the World
 * Wide Web", STOC 1997, §4.
 *
 * Nodes and keys hash to points on a circle of 2^32 positions; a key belongs to the first node point at or after
 * its own position, going clockwise and wrapping past 2^32 − 1 to 0. Adding a node takes keys only from its
 * clockwise neighbours; removing one hands its keys only to them (the paper's monotonicity), so about 1/n of the
 * keys move instead of nearly all of them as with `hash mod n` (see `placement.ts`). Each node is placed at
 * several points, virtual nodes (the paper's "κ log C copies" of each bucket), to even out the arcs: with one
 * point per node the largest arc is about (ln n)/n of the circle.
 *
 * Semantics, exactly:
 * - node `name`'s virtual node i (0 ≤ i < vnodes) sits at `hash32(`${name}#${i}`, seed)`; key k at
 *   `hash32(k, seed)`;
 * - points are ordered by position, then node name, then vnode index, so two points at the same position (rare,
 *   but possible) are ordered the same way whatever order nodes were added in, and a key at that position goes
 *   to the first of them;
 * - the result of every query depends only on the set of nodes, `vnodes` and `seed`, never on the history of
 *   `add` and `remove` calls.
 */

import { hash32 } from './hash';
import { lowerBoundOfNumbers } from './sorted';

/** One point on the ring: node `node`'s virtual node number `vnode`, at `position` in [0, 2^32). */
export interface RingPoint {
  node: string;
  vnode: number;
  position: number;
}

export interface HashRingOptions {
  /** Points per node, a positive integer. Default 1 (the plain scheme); 100–200 is typical in practice. */
  vnodes?: number;
  /** Seed of `hash32` for node points and keys, an integer in [0, 2^32). Default 0. */
  seed?: number;
}

/** The ring's total order on points: position, then node, then vnode. */
function comparePoints(a: RingPoint, b: RingPoint): number {
  if (a.position !== b.position) return a.position - b.position;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return a.vnode - b.vnode;
}

/**
 * A consistent-hashing ring with virtual nodes. Lookups are a binary search over the sorted points, O(log(n·v));
 * `add` and `remove` rebuild the point list, O(n·v log(n·v)), which is fine for the sizes a lab draws.
 */
export class HashRing {
  readonly vnodes: number;
  readonly seed: number;
  private readonly members = new Set<string>();
  private sorted: RingPoint[] = [];
  /** The points' positions, in the same order: what a lookup's binary search reads, without touching the points. */
  private positions = new Float64Array(0);

  constructor(nodes: readonly string[] = [], options: HashRingOptions = {}) {
    const { vnodes = 1, seed = 0 } = options;
    if (!Number.isInteger(vnodes) || vnodes < 1) throw new Error(`vnodes must be a positive integer (got ${vnodes})`);
    if (!Number.isInteger(seed) || seed < 0 || seed >= 4294967296) throw new Error(`seed must be an integer in [0, 2^32) (got ${seed})`);
    this.vnodes = vnodes;
    this.seed = seed;
    for (const node of nodes) this.add(node);
  }

  /** Places `node`'s virtual nodes on the ring. Throws if it is already there. */
  add(node: string): void {
    if (this.members.has(node)) throw new Error(`node ${JSON.stringify(node)} is already on the ring`);
    this.members.add(node);
    for (let vnode = 0; vnode < this.vnodes; vnode++) {
      this.sorted.push({ node, vnode, position: hash32(`${node}#${vnode}`, this.seed) });
    }
    this.sorted.sort(comparePoints);
    this.positions = Float64Array.from(this.sorted, (p) => p.position);
  }

  /** Takes `node`'s points off the ring; its keys fall to the next points clockwise. Throws if it is absent. */
  remove(node: string): void {
    if (!this.members.delete(node)) throw new Error(`node ${JSON.stringify(node)} is not on the ring`);
    this.sorted = this.sorted.filter((p) => p.node !== node);
    this.positions = Float64Array.from(this.sorted, (p) => p.position);
  }

  has(node: string): boolean {
    return this.members.has(node);
  }

  /** The nodes on the ring, sorted by name. */
  nodes(): string[] {
    return [...this.members].sort();
  }

  /** How many nodes are on the ring. */
  get size(): number {
    return this.members.size;
  }

  /** Where `key` lands on the circle: `hash32(key, seed)`. */
  position(key: string): number {
    return hash32(key, this.seed);
  }

  /** Index in `points()` of the first point at or after `key`'s position, wrapping to 0. */
  successorIndex(key: string): number {
    if (this.sorted.length === 0) throw new Error('the ring has no nodes');
    const target = this.position(key);
    const index = lowerBoundOfNumbers(this.positions, target);
    return index === this.positions.length ? 0 : index;
  }

  /** The node owning `key`: the first point clockwise at or after `hash32(key)`, wrapping. Throws on an empty ring. */
  lookup(key: string): string {
    return (this.sorted[this.successorIndex(key)] as RingPoint).node;
  }

  /**
   * How many of `sortedPositions` each node owns, every node listed (0 if it owns none): the same counts as
   * `lookup` gives the keys at those positions, found in one walk over the points and the positions together,
   * O(points + positions), instead of a binary search per key. A figure that places the same keys on many rings of
   * one seed hashes and sorts them once and calls this per ring. Throws if the positions are not ascending.
   */
  loadsAt(sortedPositions: ArrayLike<number>): Record<string, number> {
    if (this.sorted.length === 0) throw new Error('the ring has no nodes');
    const counts: Record<string, number> = {};
    for (const node of this.nodes()) counts[node] = 0;
    let point = 0;
    let previous = -Infinity;
    for (let i = 0; i < sortedPositions.length; i++) {
      const position = sortedPositions[i] as number;
      if (position < previous) throw new Error('loadsAt needs positions in ascending order');
      previous = position;
      // The owner is the first point at or after the position; past the last point the circle wraps to point 0.
      while (point < this.positions.length && (this.positions[point] as number) < position) point++;
      const owner = (this.sorted[point === this.positions.length ? 0 : point] as RingPoint).node;
      counts[owner] = (counts[owner] as number) + 1;
    }
    return counts;
  }

  /**
   * The first `n` distinct nodes met walking clockwise from `key`'s position: the owner, then the replicas, as in
   * Dynamo's preference list (DeCandia et al., SOSP 2007, §4.3), which skips further points of nodes already
   * chosen. Returns all nodes if there are fewer than `n`; the first entry is always `lookup(key)`.
   */
  preferenceList(key: string, n: number): string[] {
    if (!Number.isInteger(n) || n < 0) throw new Error(`preference list length must be a non-negative integer (got ${n})`);
    const want = Math.min(n, this.members.size);
    if (want === 0) return [];
    const chosen: string[] = [];
    const seen = new Set<string>();
    const start = this.successorIndex(key);
    for (let step = 0; chosen.length < want; step++) {
      const { node } = this.sorted[(start + step) % this.sorted.length] as RingPoint;
      if (!seen.has(node)) {
        seen.add(node);
        chosen.push(node);
      }
    }
    return chosen;
  }

  /** Every point, sorted clockwise from position 0 (copies: changing them does not change the ring). */
  points(): RingPoint[] {
    return this.sorted.map((p) => ({ ...p }));
  }
}

/**
 * The oracle: scan every point (in any order) for the smallest one, in the ring's order, whose position is at
 * least `key`'s; if there is none, the smallest point overall. O(points), obviously right. `seed` must be the
 * ring's seed.
 */
export function ringLookupBruteForce(points: readonly RingPoint[], key: string, seed = 0): string {
  if (points.length === 0) throw new Error('the ring has no nodes');
  const target = hash32(key, seed);
  let atOrAfter: RingPoint | undefined;
  let smallest: RingPoint | undefined;
  for (const p of points) {
    if (smallest === undefined || comparePoints(p, smallest) < 0) smallest = p;
    if (p.position >= target && (atOrAfter === undefined || comparePoints(p, atOrAfter) < 0)) atOrAfter = p;
  }
  return (atOrAfter ?? (smallest as RingPoint)).node;
}
