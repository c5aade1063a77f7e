// Method: seeded streams through a PoP of k servers. With one home per object (Karger et al. 1997 §4, the DHT
// chapter's ring), each server's counts are checked against a naive oracle (the policy run alone on the
// sub-stream of the objects that server owns), and the PoP's hit ratio against one cache of k times the capacity
// on the same stream: within 0.01 (for alpha below 1 the ring splits popularity evenly: the busiest server owns at
// most 1.5/k of it). Random spreading duplicates the hot set, stores fewer distinct objects and hits less, by a wide margin.
import { describe, expect, it } from 'vitest';
import { lru, segmentedLru, simulateCache } from './cache';
import { HashRing } from '../dht/ring';
import { popBalance } from './pop-balance';
import { zipfWorkload } from './workload';

const base = { seed: 3, servers: 8, capacityPerServer: 200, catalogSize: 10_000, requests: 60_000 };

describe('one home per object in a PoP (consistent hashing, Karger et al. 1997 §4)', () => {
  it('each server behaves as its policy run alone on the requests for the objects it owns', () => {
    const options = { ...base, alpha: 0.8, warmupRequests: 6_000 };
    const result = popBalance(options);
    const { requests } = zipfWorkload({ seed: options.seed, catalogSize: options.catalogSize, alpha: options.alpha, requests: options.requests, sizes: 'unit' });
    const ring = new HashRing(result.home.servers.map((s) => s.server), { vnodes: 100 });
    for (const server of result.home.servers) {
      // The oracle keeps the warm-up by position in the whole stream, as the PoP counts it.
      const mine = requests.map((r, i) => ({ r, i })).filter(({ r }) => ring.lookup(`/o/${r.key}`) === server.server);
      const warm = mine.filter(({ i }) => i < options.warmupRequests).length;
      const alone = simulateCache(lru, mine.map(({ r }) => r), options.capacityPerServer, { warmupRequests: warm });
      expect(server.requests).toBe(alone.requests);
      expect(server.hits).toBe(alone.hits);
    }
    expect(result.home.requests).toBe(options.requests - options.warmupRequests);
    expect(result.home.servers.reduce((n, s) => n + s.objectsOwned, 0)).toBe(options.catalogSize);
    expect(result.home.copiesStored).toBe(result.home.distinctObjectsStored);
  });

  for (const alpha of [0.6, 0.8, 1.0]) {
    it(`alpha ${alpha}: matches one cache of k × the capacity within 0.01`, () => {
      const result = popBalance({ ...base, alpha });
      const shares = result.home.servers.map((s) => s.popularityOwned);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      // At alpha 1 the most popular object alone is a tenth of the requests, so its home owns more than its share
      // of popularity; LRU's hit ratio still holds up because that server's extra requests are mostly hits.
      if (alpha < 1) expect(Math.max(...shares)).toBeLessThanOrEqual(1.5 / base.servers);
      expect(Math.abs(result.home.hitRatio - result.pooled.hitRatio)).toBeLessThan(0.01);
      expect(result.home.distinctObjectsStored).toBe(base.servers * base.capacityPerServer);
    });
  }

  it('random spreading keeps copies of the hot set on every server and hits far less', () => {
    for (const alpha of [0.6, 0.8, 1.0]) {
      const result = popBalance({ ...base, alpha });
      expect(result.random.copiesStored).toBe(base.servers * base.capacityPerServer);
      expect(result.random.distinctObjectsStored).toBeLessThan(result.random.copiesStored);
      expect(result.random.hitRatio).toBeLessThan(result.home.hitRatio - 0.1);
      // Random spreading balances requests; the home of the most popular objects carries more than its share.
      expect(result.random.loadImbalance).toBeLessThan(1.05);
      expect(result.home.loadImbalance).toBeGreaterThan(result.random.loadImbalance);
      expect(result.home.originFetches).toBe(result.home.requests - result.home.hits);
    }
  });

  it('works with another policy, is deterministic per seed, and refuses bad options', () => {
    const options = { ...base, alpha: 0.8, requests: 20_000, policy: segmentedLru() };
    const a = popBalance(options);
    expect(popBalance(options)).toEqual(a);
    expect(a.home.hitRatio).toBeGreaterThan(a.random.hitRatio);
    expect(popBalance({ ...options, seed: 4 }).random.hits).not.toBe(a.random.hits);
    expect(() => popBalance({ ...options, servers: 0 })).toThrow(/servers/);
    expect(() => popBalance({ ...options, warmupRequests: 30_000 })).toThrow(/warmupRequests/);
  });
});
