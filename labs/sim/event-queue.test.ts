// Method: fast-check drives the heap and a naive oracle (a sorted array) with the same random push/pop sequences
// and requires the same answers at every step (etcd-io/raft quorum/quick_test.go style).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MinHeap } from './event-queue';

type Item = { atMs: number; seq: number };
const less = (a: Item, b: Item) => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);

class SortedArrayOracle {
  private items: Item[] = [];
  push(item: Item): void {
    this.items.push(item);
    this.items.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  }
  pop(): Item | undefined {
    return this.items.shift();
  }
  peek(): Item | undefined {
    return this.items[0];
  }
  get size(): number {
    return this.items.length;
  }
}

describe('MinHeap against a sorted-array oracle', () => {
  it('pops in the same order for random push/pop sequences (with many equal times)', () => {
    const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 20 }) }), fc.constant({ pop: true as const }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const heap = new MinHeap<Item>(less);
        const oracle = new SortedArrayOracle();
        let seq = 0;
        for (const o of ops) {
          if ('push' in o) {
            const item = { atMs: o.push, seq: seq++ };
            heap.push(item);
            oracle.push(item);
          } else if (heap.pop() !== oracle.pop()) {
            return false;
          }
          if (heap.size !== oracle.size || heap.peek() !== oracle.peek()) return false;
        }
        const rest: Item[] = [];
        for (let item = heap.pop(); item !== undefined; item = heap.pop()) rest.push(item);
        const expected: Item[] = [];
        for (let item = oracle.pop(); item !== undefined; item = oracle.pop()) expected.push(item);
        return rest.length === expected.length && rest.every((item, i) => item === expected[i]);
      }),
      { numRuns: 500 },
    );
  });

  it('peeks at what it would pop, and answers undefined when empty', () => {
    const heap = new MinHeap<Item>(less);
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
    heap.push({ atMs: 5, seq: 1 });
    heap.push({ atMs: 5, seq: 0 });
    heap.push({ atMs: 7, seq: 2 });
    expect(heap.peek()).toEqual({ atMs: 5, seq: 0 });
    expect(heap.pop()).toEqual({ atMs: 5, seq: 0 });
    expect(heap.size).toBe(2);
    heap.clear();
    expect(heap.size).toBe(0);
  });
});
