// Method: each policy against a brute-force oracle, a plain array of { key, size, ... } that is searched, spliced
// and (for LFU) sorted from scratch on every request, compared request by request on random streams (fast-check)
// with unequal sizes, objects larger than the cache, and capacity 0: same hit or miss, same evictions, same
// contents in the same victim order. Then the contract every policy shares (never over capacity, a hit never
// changes the set of cached keys, an oversize object is refused), segmented LRU's scan resistance as Karedla, Love
// and Wherry describe it, and simulateCache's counts against a hand-worked stream.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  fifo,
  lfu,
  lru,
  segmentedLru,
  simulateCache,
  type CacheKey,
  type CachePolicy,
  type CacheRequest,
} from './cache';

/** An oracle answers one request: hit or miss, the keys it evicted, and its contents in victim order after it. */
interface Oracle {
  request(key: CacheKey, size: number): { hit: boolean; evicted: CacheKey[] };
  keys(): CacheKey[];
}

interface Item {
  key: CacheKey;
  size: number;
  frequency: number;
  lastUsed: number;
}

const total = (items: Item[]): number => items.reduce((sum, item) => sum + item.size, 0);

/**
 * FIFO and LRU: one array, front = next victim. LRU moves a hit to the back; FIFO leaves it. SLRU: two arrays,
 * probationary and protected, with the paper's moves spelled out one by one.
 */
function listOracle(capacity: number, moveOnHit: boolean): Oracle {
  let items: Item[] = [];
  return {
    request(key, size) {
      const index = items.findIndex((item) => item.key === key);
      if (index >= 0) {
        if (moveOnHit) items = [...items.slice(0, index), ...items.slice(index + 1), items[index] as Item];
        return { hit: true, evicted: [] };
      }
      if (size > capacity) return { hit: false, evicted: [] };
      const evicted: CacheKey[] = [];
      while (total(items) + size > capacity) evicted.push((items.shift() as Item).key);
      items.push({ key, size, frequency: 1, lastUsed: 0 });
      return { hit: false, evicted };
    },
    keys: () => items.map((item) => item.key),
  };
}

function lfuOracle(capacity: number): Oracle {
  let items: Item[] = [];
  let now = 0;
  const victimOrder = (): Item[] =>
    [...items].sort((a, b) => a.frequency - b.frequency || a.lastUsed - b.lastUsed);
  return {
    request(key, size) {
      now += 1;
      const item = items.find((i) => i.key === key);
      if (item) {
        item.frequency += 1;
        item.lastUsed = now;
        return { hit: true, evicted: [] };
      }
      if (size > capacity) return { hit: false, evicted: [] };
      const evicted: CacheKey[] = [];
      while (total(items) + size > capacity) {
        const victim = victimOrder()[0] as Item;
        items = items.filter((i) => i !== victim);
        evicted.push(victim.key);
      }
      items.push({ key, size, frequency: 1, lastUsed: now });
      return { hit: false, evicted };
    },
    keys: () => victimOrder().map((item) => item.key),
  };
}

function slruOracle(capacity: number, protectedFraction: number): Oracle {
  let probationary: Item[] = [];
  let protectedSegment: Item[] = [];
  return {
    request(key, size) {
      const item = [...probationary, ...protectedSegment].find((i) => i.key === key);
      if (item) {
        probationary = probationary.filter((i) => i !== item);
        protectedSegment = protectedSegment.filter((i) => i !== item);
        protectedSegment.push(item);
        while (total(protectedSegment) > protectedFraction * capacity) {
          probationary.push(protectedSegment.shift() as Item);
        }
        return { hit: true, evicted: [] };
      }
      if (size > capacity) return { hit: false, evicted: [] };
      const evicted: CacheKey[] = [];
      while (total(probationary) + total(protectedSegment) + size > capacity) {
        const victim = probationary.length > 0 ? probationary.shift() : protectedSegment.shift();
        evicted.push((victim as Item).key);
      }
      probationary.push({ key, size, frequency: 1, lastUsed: 0 });
      return { hit: false, evicted };
    },
    keys: () => [...probationary, ...protectedSegment].map((i) => i.key),
  };
}

/** A random stream over a small catalogue, each key with one fixed size, some sizes above the capacity. */
const streamArbitrary = fc
  .record({
    capacity: fc.integer({ min: 0, max: 40 }),
    sizes: fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 12 }),
    picks: fc.array(fc.nat(), { minLength: 0, maxLength: 120 }),
  })
  .map(({ capacity, sizes, picks }) => ({
    capacity,
    requests: picks.map((p) => {
      const rank = p % sizes.length;
      return { key: `o${rank}`, sizeBytes: sizes[rank] as number };
    }),
  }));

function agreesWithOracle<S>(policy: CachePolicy<S>, makeOracle: (capacity: number) => Oracle): void {
  fc.assert(
    fc.property(streamArbitrary, ({ capacity, requests }) => {
      const state = policy.create(capacity);
      const oracle = makeOracle(capacity);
      for (const { key, sizeBytes } of requests) {
        const expected = oracle.request(key, sizeBytes);
        const hit = policy.lookup(state, key);
        expect(hit).toBe(expected.hit);
        if (!hit) {
          const result = policy.insert(state, key, sizeBytes);
          expect(result.evicted).toEqual(expected.evicted);
          expect(result.admitted).toBe(sizeBytes <= capacity);
        }
        expect(policy.keys(state)).toEqual(oracle.keys());
      }
    }),
    { numRuns: 300 },
  );
}

const policies: CachePolicy[] = [fifo, lru, lfu, segmentedLru(0.8), segmentedLru(0.5), segmentedLru(0)];

describe('each policy against a brute-force oracle (random streams, unequal sizes)', () => {
  it('FIFO evicts in admission order and ignores hits', () => agreesWithOracle(fifo, (c) => listOracle(c, false)));
  it('LRU evicts the least recently used', () => agreesWithOracle(lru, (c) => listOracle(c, true)));
  it('LFU evicts the least frequent, and the least recently used among those', () =>
    agreesWithOracle(lfu, lfuOracle));
  for (const fraction of [0.8, 0.5, 0, 1]) {
    it(`Karedla, Love and Wherry 1994: segmented LRU with a ${fraction * 100}% protected segment`, () =>
      agreesWithOracle(segmentedLru(fraction), (c) => slruOracle(c, fraction)));
  }
});

describe('the contract every policy keeps', () => {
  for (const policy of policies) {
    it(`${policy.name}: never over capacity, a hit keeps the set of keys, an oversize object is refused`, () => {
      fc.assert(
        fc.property(streamArbitrary, ({ capacity, requests }) => {
          const state = policy.create(capacity);
          for (const { key, sizeBytes } of requests) {
            const before = new Set(policy.keys(state));
            if (policy.lookup(state, key)) {
              expect(new Set(policy.keys(state))).toEqual(before);
            } else {
              const result = policy.insert(state, key, sizeBytes);
              if (sizeBytes > capacity) {
                expect(result).toEqual({ admitted: false, evicted: [] });
                expect(new Set(policy.keys(state))).toEqual(before);
              } else {
                expect(policy.keys(state)).toContain(key);
              }
            }
            expect(policy.usedBytes(state)).toBeLessThanOrEqual(capacity);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('refuses a second insert of a cached key and a negative capacity or size', () => {
    for (const policy of policies) {
      const state = policy.create(10);
      policy.insert(state, 'a', 1);
      expect(() => policy.insert(state, 'a', 1)).toThrow(/already cached/);
      expect(() => policy.insert(state, 'b', -1)).toThrow(/sizeBytes/);
      expect(() => policy.create(-1)).toThrow(/capacityBytes/);
    }
  });
});

describe('Karedla, Love and Wherry 1994: segmented LRU resists a scan', () => {
  it('keeps objects hit twice through a one-pass scan that flushes LRU', () => {
    const hot: CacheRequest[] = ['a', 'b', 'c'].map((key) => ({ key, sizeBytes: 1 }));
    const scan: CacheRequest[] = Array.from({ length: 20 }, (_, i) => ({ key: `scan${i}`, sizeBytes: 1 }));
    const requests = [...hot, ...hot, ...scan, ...hot];
    const slru = simulateCache(segmentedLru(0.5), requests, 6);
    const plain = simulateCache(lru, requests, 6);
    // SLRU: the second pass and the last pass hit (6); LRU: only the second pass (3), the scan evicted a, b, c.
    expect(slru.hits).toBe(6);
    expect(plain.hits).toBe(3);
  });
});

describe('simulateCache', () => {
  it('counts hits and misses by requests and by bytes on a hand-worked LRU stream', () => {
    const r = (key: string, sizeBytes: number): CacheRequest => ({ key, sizeBytes });
    // Capacity 10: a(4) b(4) miss; a hit; c(4) misses and evicts b (a was used later); a hit; b misses and
    // evicts c; big(11) is refused.
    const requests = [r('a', 4), r('b', 4), r('a', 4), r('c', 4), r('a', 4), r('b', 4), r('big', 11)];
    const stats = simulateCache(lru, requests, 10);
    expect(stats).toMatchObject({
      policy: 'LRU',
      requests: 7,
      hits: 2,
      misses: 5,
      bytesRequested: 35,
      bytesHit: 8,
      refused: 1,
      evictions: 2,
    });
    expect(stats.hitRatio).toBeCloseTo(2 / 7, 12);
    expect(stats.byteHitRatio).toBeCloseTo(8 / 35, 12);
    const warm = simulateCache(lru, requests, 10, { warmupRequests: 3 });
    expect(warm).toMatchObject({ requests: 4, hits: 1, misses: 3, bytesRequested: 23, bytesHit: 4 });
  });

  it('reports zero ratios on an empty stream and rejects a bad warm-up', () => {
    expect(simulateCache(lfu, [], 5)).toMatchObject({ requests: 0, hitRatio: 0, byteHitRatio: 0 });
    expect(() => simulateCache(lru, [], 5, { warmupRequests: -1 })).toThrow(/warmupRequests/);
  });
});
