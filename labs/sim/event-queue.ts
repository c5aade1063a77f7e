/**
 * A binary min-heap: the simulator's event queue.
 *
 * Generic over the item type, ordered by a strict `less(a, b)`. Items that compare equal leave in no particular
 * order, so a deterministic queue orders by a total key; the simulator uses (time, insertion sequence).
 * push and pop are O(log n); peek is O(1).
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The least item without removing it, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    const less = this.less;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!less(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the least item, or undefined when empty. */
  pop(): T | undefined {
    const items = this.items;
    const n = items.length;
    if (n === 0) return undefined;
    const top = items[0] as T;
    const last = items.pop() as T;
    if (n > 1) {
      const less = this.less;
      const size = n - 1;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        let child = left;
        let c = items[left] as T;
        if (right < size) {
          const r = items[right] as T;
          if (less(r, c)) {
            child = right;
            c = r;
          }
        }
        if (!less(c, last)) break;
        items[i] = c;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
