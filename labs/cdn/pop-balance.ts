/**
 * One point of presence (PoP) of k cache servers behind a load balancer, and the two ways it can spread requests
 * over them.
 *
 * - Random spreading: each request goes to a server chosen at random, as a connection-level balancer with no
 *   notion of content would send it. Every server then sees the whole popularity distribution, so every server
 *   ends up caching the same hot objects: the PoP holds k copies of its most popular content and its k caches of
 *   C objects behave like k independent caches of C, each seeing a thinned copy of the same stream.
 * - One home per object: the object's key is hashed onto a consistent-hashing ring of the PoP's servers (Karger
 *   et al. 1997, "Consistent hashing and random trees", STOC, §4; the ring is the DHT chapter's `HashRing`), and
 *   every request for it goes to that one server. No object is stored twice, so the PoP's k·C slots hold k·C
 *   distinct objects. Within a site this is what a consistent-hashing balancer such as Maglev provides (Eisenbud et
 *   al. 2016, "Maglev: a fast and reliable software network load balancer", NSDI, §3.4, which hashes connections
 *   rather than objects, with the same aim: the same key keeps reaching the same backend).
 *
 * With one home per object, server j sees exactly the requests for the objects it owns, in the stream's order.
 * When the ring splits popularity evenly, each server's LRU keeps its objects for about the same characteristic
 * time (che.ts) as one LRU of k·C would, so the PoP's hit ratio is close to that of a single cache k times as
 * large; the gap grows with the imbalance (a server owning a larger share of the popularity evicts sooner). The
 * price is load imbalance: the most popular object's server receives all its requests. `popBalance` reports both.
 *
 * Sizes are units (every object takes one slot, as in Che's approximation); the stream is `zipfWorkload`'s, so
 * the same seed gives the same requests, the same random spreading and the same ring.
 */
import { HashRing } from '../dht/ring';
import { Random } from '../sim/random';
import { lru, simulateCache } from './cache';
import type { CachePolicy } from './cache';
import { objectKey } from './edge';
import { zipfWorkload } from './workload';

/** How a PoP's balancer picks the server for a request. */
export type PopSpreading = 'random' | 'home';

export interface PopBalanceOptions {
  seed: number | string;
  /** Cache servers in the PoP (k), named `s1`..`sk`. Example: 8. */
  servers: number;
  /** Objects each server's cache holds (unit sizes). Example: 500. */
  capacityPerServer: number;
  /** Distinct objects in the catalogue. Example: 20,000. */
  catalogSize: number;
  /** The Zipf-like exponent of popularity. Example: 0.8. */
  alpha: number;
  /** Requests in the stream, warm-up included. Example: 100,000. */
  requests: number;
  /** Each server's eviction policy. Default `lru`. */
  policy?: CachePolicy;
  /** Requests at the start that fill the caches but are not counted. Default a tenth of `requests`. */
  warmupRequests?: number;
  /** Virtual nodes per server on the ring (`HashRing`'s `vnodes`). Default 100, which keeps owned shares within a
   * few per cent of 1/k. */
  vnodes?: number;
}

/** One server's share of the PoP's work. */
export interface PopServerLoad {
  server: string;
  /** Counted requests (after the warm-up) this server received. */
  requests: number;
  hits: number;
  /** Objects of the catalogue this server is home to (home spreading; every object for random spreading). */
  objectsOwned: number;
  /** The share of the catalogue's popularity (request probability) this server is home to; 1 for random. */
  popularityOwned: number;
  /** Objects in this server's cache at the end of the run. */
  objectsStored: number;
}

/** What one spreading did over the counted requests. */
export interface PopSpreadResult {
  spreading: PopSpreading;
  requests: number;
  hits: number;
  hitRatio: number;
  /** Misses: each one is a fetch from the origin (or the next tier). */
  originFetches: number;
  /** Distinct objects cached anywhere in the PoP at the end. */
  distinctObjectsStored: number;
  /** Cached copies summed over the servers at the end; above `distinctObjectsStored` when objects are duplicated. */
  copiesStored: number;
  servers: PopServerLoad[];
  /** The busiest server's requests over the mean per server (1 is perfectly even). */
  loadImbalance: number;
}

export interface PopBalance {
  random: PopSpreadResult;
  home: PopSpreadResult;
  /** The reference: one cache of servers × capacityPerServer on the same stream, with the same policy. */
  pooled: { capacity: number; hitRatio: number; originFetches: number };
}

/** Runs the same seeded stream through the PoP under both spreadings and through one pooled cache. */
export function popBalance(options: PopBalanceOptions): PopBalance {
  const { seed, servers: k, capacityPerServer, catalogSize, alpha, requests } = options;
  const policy = options.policy ?? lru;
  const warmup = options.warmupRequests ?? Math.floor(requests / 10);
  if (!Number.isInteger(k) || k < 1) throw new Error(`popBalance: servers must be a whole number >= 1 (got ${k})`);
  if (!Number.isInteger(capacityPerServer) || capacityPerServer < 0) {
    throw new Error(`popBalance: capacityPerServer must be a whole number >= 0 (got ${capacityPerServer})`);
  }
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > requests) {
    throw new Error(`popBalance: warmupRequests must be a whole number in 0..requests (got ${warmup})`);
  }
  const { requests: stream, popularity } = zipfWorkload({ seed, catalogSize, alpha, requests, sizes: 'unit' });
  const names = Array.from({ length: k }, (_, i) => `s${i + 1}`);
  const ring = new HashRing(names, { vnodes: options.vnodes ?? 100 });
  const homeOf = popularity.map((_, i) => names.indexOf(ring.lookup(objectKey(i + 1))));
  const spread = new Random(seed).fork('pop-spreading');

  const run = (spreading: PopSpreading): PopSpreadResult => {
    const caches = names.map(() => policy.create(capacityPerServer));
    const counted = names.map(() => ({ requests: 0, hits: 0 }));
    for (let i = 0; i < stream.length; i++) {
      const { key } = stream[i]!;
      const server = spreading === 'home' ? homeOf[key - 1]! : spread.int(0, k - 1);
      const cache = caches[server];
      const hit = policy.lookup(cache, key);
      if (!hit) policy.insert(cache, key, 1);
      if (i < warmup) continue;
      counted[server]!.requests += 1;
      if (hit) counted[server]!.hits += 1;
    }
    const stored = caches.map((cache) => policy.keys(cache));
    const owned = names.map(() => ({ objects: 0, popularity: 0 }));
    if (spreading === 'home') {
      homeOf.forEach((server, i) => {
        owned[server]!.objects += 1;
        owned[server]!.popularity += popularity[i]!;
      });
    }
    const loads: PopServerLoad[] = names.map((server, j) => ({
      server,
      requests: counted[j]!.requests,
      hits: counted[j]!.hits,
      objectsOwned: spreading === 'home' ? owned[j]!.objects : catalogSize,
      popularityOwned: spreading === 'home' ? owned[j]!.popularity : 1,
      objectsStored: stored[j]!.length,
    }));
    const total = loads.reduce((sum, s) => sum + s.requests, 0);
    const hits = loads.reduce((sum, s) => sum + s.hits, 0);
    const busiest = Math.max(...loads.map((s) => s.requests));
    return {
      spreading,
      requests: total,
      hits,
      hitRatio: total === 0 ? 0 : hits / total,
      originFetches: total - hits,
      distinctObjectsStored: new Set(stored.flat()).size,
      copiesStored: stored.reduce((sum, keys) => sum + keys.length, 0),
      servers: loads,
      loadImbalance: total === 0 ? 1 : busiest / (total / k),
    };
  };

  const pooledRun = simulateCache(policy, stream, k * capacityPerServer, { warmupRequests: warmup });
  return {
    random: run('random'),
    home: run('home'),
    pooled: { capacity: k * capacityPerServer, hitRatio: pooledRun.hitRatio, originFetches: pooledRun.misses },
  };
}
