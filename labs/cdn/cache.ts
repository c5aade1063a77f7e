/**
 * Eviction policies for an edge cache, as pure, swappable modules behind one small interface.
 *
 * A policy is a plain object of functions over a state it created. The state belongs to whoever called `create`:
 * `lookup` and `insert` update it in place and nothing else holds a reference to it, so a run is a loop of
 *
 * ```ts
 * const state = policy.create(capacityBytes);
 * for (const { key, sizeBytes } of requests) {
 *   if (!policy.lookup(state, key)) policy.insert(state, key, sizeBytes);
 * }
 * ```
 *
 * which is exactly what `simulateCache` does. Sizes are in bytes and objects differ in size; an object larger
 * than the whole cache is never admitted (it would have to evict everything and still not fit). No policy reads a
 * clock or a random source: the order of requests is the only input, so the same stream gives the same contents.
 *
 * Policies here: FIFO (the baseline that ignores hits), LRU, LFU (least recently used among the least frequent)
 * and segmented LRU (Karedla, Love and Wherry 1994).
 */

/** An object's name in a cache: a URL path, or a rank in a synthetic catalogue. */
export type CacheKey = string | number;

/** One request for an object of a given size; a key has the same size in every request of a stream. */
export interface CacheRequest {
  key: CacheKey;
  sizeBytes: number;
}

/** What `insert` did: whether the object was admitted and which keys were evicted to make room, oldest first. */
export interface InsertResult {
  admitted: boolean;
  evicted: CacheKey[];
}

/**
 * An eviction policy. `S` is its private state; callers only pass it back.
 *
 * Contract, checked by the tests for every policy:
 * - `lookup` answers whether `key` is cached. A hit may reorder the policy's bookkeeping (recency, frequency,
 *   segment) but never changes which keys are cached.
 * - `insert` is called only after `lookup` missed for that key. It evicts until the object fits, then caches it;
 *   an object with `sizeBytes > capacityBytes` is refused with nothing evicted.
 * - `usedBytes(state) <= capacityBytes` after every call.
 * - `keys` lists the cached keys, in the order the policy would evict them (first = next victim).
 */
export interface CachePolicy<S = unknown> {
  /** A short name for legends and tables ("LRU", "SLRU 80%"). */
  readonly name: string;
  create(capacityBytes: number): S;
  lookup(state: S, key: CacheKey): boolean;
  insert(state: S, key: CacheKey, sizeBytes: number): InsertResult;
  keys(state: S): CacheKey[];
  usedBytes(state: S): number;
}

function checkCapacity(capacityBytes: number): void {
  if (!Number.isFinite(capacityBytes) || capacityBytes < 0) {
    throw new Error(`a cache's capacityBytes must be a finite number >= 0 (got ${capacityBytes})`);
  }
}

function checkSize(sizeBytes: number): void {
  if (!Number.isFinite(sizeBytes) || sizeBytes < 0) {
    throw new Error(`an object's sizeBytes must be a finite number >= 0 (got ${sizeBytes})`);
  }
}

interface ListNode {
  key: CacheKey;
  sizeBytes: number;
  prev: ListNode | undefined;
  next: ListNode | undefined;
}

/**
 * Keys in recency or arrival order: a doubly linked list for the order and a `Map` from key to its list node, so
 * a lookup, a move to the back (most recent) and taking the front (least recent) are each O(1). (Taking a `Map`'s
 * first key instead is not O(1) in practice: deleted entries stay as holes at the front of the table until it is
 * rebuilt, and every scan from the front skips them.)
 */
class OrderedList {
  private readonly nodes = new Map<CacheKey, ListNode>();
  private head: ListNode | undefined;
  private tail: ListNode | undefined;
  bytes = 0;

  get size(): number {
    return this.nodes.size;
  }
  has(key: CacheKey): boolean {
    return this.nodes.has(key);
  }
  sizeOf(key: CacheKey): number | undefined {
    return this.nodes.get(key)?.sizeBytes;
  }
  /** Appends a key that is not in the list at the back. */
  push(key: CacheKey, sizeBytes: number): void {
    const node: ListNode = { key, sizeBytes, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.nodes.set(key, node);
    this.bytes += sizeBytes;
  }
  /** Removes a key and returns its size, or undefined if it is not in the list. */
  remove(key: CacheKey): number | undefined {
    const node = this.nodes.get(key);
    if (!node) return undefined;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    this.nodes.delete(key);
    this.bytes -= node.sizeBytes;
    return node.sizeBytes;
  }
  /** Moves a key in the list to the back; false if it is not in the list. */
  touch(key: CacheKey): boolean {
    const node = this.nodes.get(key);
    if (!node) return false;
    if (node !== this.tail) {
      this.remove(key);
      this.push(key, node.sizeBytes);
    }
    return true;
  }
  /** Removes the front key and returns it with its size. */
  shift(): ListNode | undefined {
    const front = this.head;
    if (front) this.remove(front.key);
    return front;
  }
  keys(): CacheKey[] {
    const keys: CacheKey[] = [];
    for (let node = this.head; node; node = node.next) keys.push(node.key);
    return keys;
  }
}

interface OrderedBytes {
  capacityBytes: number;
  list: OrderedList;
}

function createOrdered(capacityBytes: number): OrderedBytes {
  checkCapacity(capacityBytes);
  return { capacityBytes, list: new OrderedList() };
}

/** Evicts from the front of the list until `sizeBytes` more fit, then appends the key at the back. */
function insertOrdered(state: OrderedBytes, key: CacheKey, sizeBytes: number): InsertResult {
  checkSize(sizeBytes);
  const { list } = state;
  if (list.has(key)) throw new Error(`insert(${String(key)}): the key is already cached; call lookup first`);
  if (sizeBytes > state.capacityBytes) return { admitted: false, evicted: [] };
  const evicted: CacheKey[] = [];
  while (list.bytes + sizeBytes > state.capacityBytes) evicted.push((list.shift() as ListNode).key);
  list.push(key, sizeBytes);
  return { admitted: true, evicted };
}

/** First in, first out: evicts the object cached longest ago; a hit changes nothing. The baseline. */
export const fifo: CachePolicy<OrderedBytes> = {
  name: 'FIFO',
  create: createOrdered,
  lookup: (state, key) => state.list.has(key),
  insert: insertOrdered,
  keys: (state) => state.list.keys(),
  usedBytes: (state) => state.list.bytes,
};

/** Least recently used: a hit moves the object to the most recent end; evicts from the least recent end. */
export const lru: CachePolicy<OrderedBytes> = {
  name: 'LRU',
  create: createOrdered,
  lookup: (state, key) => state.list.touch(key),
  insert: insertOrdered,
  keys: (state) => state.list.keys(),
  usedBytes: (state) => state.list.bytes,
};

interface LfuEntry {
  sizeBytes: number;
  /** Requests for the key since it was last admitted (1 on admission); counts are forgotten on eviction. */
  frequency: number;
  /** The policy's own request counter at the key's last use: a logical time, not a clock. */
  lastUsedTick: number;
}

interface LfuState {
  capacityBytes: number;
  usedBytes: number;
  tick: number;
  entries: Map<CacheKey, LfuEntry>;
}

/** The LFU victim order: lower frequency first, and among equal frequencies the least recently used. */
function lfuBefore(a: LfuEntry, b: LfuEntry): boolean {
  return a.frequency < b.frequency || (a.frequency === b.frequency && a.lastUsedTick < b.lastUsedTick);
}

/**
 * Least frequently used, counting only requests made while the object is cached ("in-cache LFU"): a newly
 * admitted object starts at frequency 1, a hit adds 1, and an evicted object's count is forgotten. The victim is
 * the object of lowest frequency; ties go to the least recently used of them. Choosing a victim scans the cache
 * (linear in the number of cached objects), which keeps the rule plain to read.
 */
export const lfu: CachePolicy<LfuState> = {
  name: 'LFU',
  create(capacityBytes) {
    checkCapacity(capacityBytes);
    return { capacityBytes, usedBytes: 0, tick: 0, entries: new Map() };
  },
  lookup(state, key) {
    state.tick += 1;
    const entry = state.entries.get(key);
    if (entry === undefined) return false;
    entry.frequency += 1;
    entry.lastUsedTick = state.tick;
    return true;
  },
  insert(state, key, sizeBytes) {
    checkSize(sizeBytes);
    if (state.entries.has(key)) throw new Error(`insert(${String(key)}): the key is already cached; call lookup first`);
    if (sizeBytes > state.capacityBytes) return { admitted: false, evicted: [] };
    const evicted: CacheKey[] = [];
    while (state.usedBytes + sizeBytes > state.capacityBytes) {
      let victim: CacheKey | undefined;
      let victimEntry: LfuEntry | undefined;
      for (const [k, e] of state.entries) {
        if (victimEntry === undefined || lfuBefore(e, victimEntry)) {
          victim = k;
          victimEntry = e;
        }
      }
      state.usedBytes -= (victimEntry as LfuEntry).sizeBytes;
      state.entries.delete(victim as CacheKey);
      evicted.push(victim as CacheKey);
    }
    state.entries.set(key, { sizeBytes, frequency: 1, lastUsedTick: state.tick });
    state.usedBytes += sizeBytes;
    return { admitted: true, evicted };
  },
  keys(state) {
    return [...state.entries.entries()]
      .sort(([, a], [, b]) => (lfuBefore(a, b) ? -1 : lfuBefore(b, a) ? 1 : 0))
      .map(([k]) => k);
  },
  usedBytes: (state) => state.usedBytes,
};

interface SlruState {
  capacityBytes: number;
  protectedCapacityBytes: number;
  /** Objects seen once since admission (or demoted from protected), least recent first. */
  probationary: OrderedList;
  /** Objects hit at least once while cached, least recent first. */
  protected: OrderedList;
}

/**
 * Segmented LRU (Karedla, Love and Wherry 1994, "Caching strategies to improve disk system performance", IEEE
 * Computer 27(3), the section on segmented LRU): the cache is split into a probationary and a protected segment, each an LRU
 * list.
 * - A miss admits the object at the most recent end of the probationary segment.
 * - A hit in either segment moves the object to the most recent end of the protected segment. While the protected
 *   segment holds more than `protectedFraction * capacityBytes`, its least recent object is demoted to the most
 *   recent end of the probationary segment (so a hit never evicts anything).
 * - Room for a new object is made by evicting the probationary segment's least recent object, and only when that
 *   segment is empty the protected segment's least recent one.
 * An object requested once thus passes through probation and leaves, without pushing out objects that proved
 * popular: the scan resistance LRU lacks.
 */
export function segmentedLru(protectedFraction = 0.8): CachePolicy<SlruState> {
  if (!(protectedFraction >= 0 && protectedFraction <= 1)) {
    throw new Error(`segmentedLru: protectedFraction must be in [0, 1] (got ${protectedFraction})`);
  }
  const keys = (state: SlruState): CacheKey[] => [...state.probationary.keys(), ...state.protected.keys()];
  return {
    name: `SLRU ${Math.round(protectedFraction * 100)}%`,
    create(capacityBytes) {
      checkCapacity(capacityBytes);
      return {
        capacityBytes,
        protectedCapacityBytes: protectedFraction * capacityBytes,
        probationary: new OrderedList(),
        protected: new OrderedList(),
      };
    },
    lookup(state, key) {
      if (!state.protected.touch(key)) {
        const size = state.probationary.remove(key);
        if (size === undefined) return false;
        state.protected.push(key, size);
      }
      while (state.protected.bytes > state.protectedCapacityBytes) {
        const demoted = state.protected.shift() as ListNode;
        state.probationary.push(demoted.key, demoted.sizeBytes);
      }
      return true;
    },
    insert(state, key, sizeBytes) {
      checkSize(sizeBytes);
      if (state.probationary.has(key) || state.protected.has(key)) {
        throw new Error(`insert(${String(key)}): the key is already cached; call lookup first`);
      }
      if (sizeBytes > state.capacityBytes) return { admitted: false, evicted: [] };
      const evicted: CacheKey[] = [];
      while (state.probationary.bytes + state.protected.bytes + sizeBytes > state.capacityBytes) {
        const segment = state.probationary.size > 0 ? state.probationary : state.protected;
        evicted.push((segment.shift() as ListNode).key);
      }
      state.probationary.push(key, sizeBytes);
      return { admitted: true, evicted };
    },
    keys,
    usedBytes: (state) => state.probationary.bytes + state.protected.bytes,
  };
}

/** Hit and miss counts of one run, by requests and by bytes. */
export interface CacheRunStats {
  policy: string;
  capacityBytes: number;
  /** Requests counted (those after the warm-up). */
  requests: number;
  hits: number;
  misses: number;
  bytesRequested: number;
  bytesHit: number;
  /** hits / requests (0 when no request was counted). */
  hitRatio: number;
  /** bytesHit / bytesRequested: the share of traffic the cache kept off the origin (0 when nothing was counted). */
  byteHitRatio: number;
  /** Misses whose object was too large to admit. */
  refused: number;
  evictions: number;
}

export interface SimulateCacheOptions {
  /** Requests at the start that warm the cache but are not counted, e.g. to measure a steady state. Default 0. */
  warmupRequests?: number;
}

/**
 * Runs `policy` over `requests` with a cache of `capacityBytes`: each request is a lookup, and each miss an insert
 * of the object (the origin's response). Returns the counts after the warm-up.
 */
export function simulateCache<S>(
  policy: CachePolicy<S>,
  requests: readonly CacheRequest[],
  capacityBytes: number,
  options: SimulateCacheOptions = {},
): CacheRunStats {
  const warmup = options.warmupRequests ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new Error(`simulateCache: warmupRequests must be a whole number >= 0 (got ${warmup})`);
  }
  const state = policy.create(capacityBytes);
  let hits = 0;
  let misses = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  let refused = 0;
  let evictions = 0;
  for (let i = 0; i < requests.length; i++) {
    const { key, sizeBytes } = requests[i] as CacheRequest;
    const hit = policy.lookup(state, key);
    let result: InsertResult | undefined;
    if (!hit) result = policy.insert(state, key, sizeBytes);
    if (i < warmup) continue;
    bytesRequested += sizeBytes;
    if (hit) {
      hits += 1;
      bytesHit += sizeBytes;
    } else {
      misses += 1;
      if (!(result as InsertResult).admitted) refused += 1;
      evictions += (result as InsertResult).evicted.length;
    }
  }
  const counted = hits + misses;
  return {
    policy: policy.name,
    capacityBytes,
    requests: counted,
    hits,
    misses,
    bytesRequested,
    bytesHit,
    hitRatio: counted === 0 ? 0 : hits / counted,
    byteHitRatio: bytesRequested === 0 ? 0 : bytesHit / bytesRequested,
    refused,
    evictions,
  };
}
