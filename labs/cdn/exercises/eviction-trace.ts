/**
 * Exercise: run three eviction policies by hand. A short request sequence over a few objects of equal size and a
 * cache that holds three of them: how many requests hit under LRU, LFU and FIFO? LFU is the lab's in-cache LFU
 * (counts start at 1 on admission, grow by one per hit, and are forgotten on eviction; ties go to the least
 * recently used), which the prompt states. Graded by the lab's `simulateCache` with its `lru`, `lfu` and `fifo`;
 * the test replays each policy by a naive list walk. Sequences are drawn until the three counts are not all equal.
 */
import { defineExercise, type Check } from '../../exercises/types';
import { fifo, lfu, lru, simulateCache, type CachePolicy } from '../cache';

export interface EvictionTraceParams {
  /** The requested objects, in order. */
  sequence: string[];
  /** How many objects the cache holds. */
  capacity: number;
}

const POLICIES: [string, CachePolicy][] = [['LRU', lru as CachePolicy], ['LFU', lfu as CachePolicy], ['FIFO', fifo as CachePolicy]];

/** Hits under LRU, LFU and FIFO, by the lab's policies, every object of size 1. */
export function traceHits(p: EvictionTraceParams): number[] {
  const requests = p.sequence.map((key) => ({ key, sizeBytes: 1 }));
  return POLICIES.map(([, policy]) => simulateCache(policy, requests, p.capacity).hits);
}

export const evictionTrace = defineExercise({
  id: 'cdn/eviction-trace',
  title: 'LRU, LFU and FIFO by hand',
  kind: 'structured',
  format: 'vector',
  placeholder: '[4, 5, 3]',
  generate(rng): EvictionTraceParams {
    const objects = ['A', 'B', 'C', 'D', 'E'];
    for (;;) {
      const length = rng.int(12, 14);
      // Skewed towards A and B so frequencies matter; C..E come and go.
      const sequence = Array.from({ length }, () => objects[Math.min(rng.int(0, 4), rng.int(0, 4), rng.int(0, 5))] as string);
      const hits = traceHits({ sequence, capacity: 3 });
      if (new Set(hits).size >= 2 && new Set(sequence).size >= 5) return { sequence, capacity: 3 };
    }
  },
  prompt: (p) => ({
    text: `A cache holds ${p.capacity} objects (all of the same size) and starts empty. It receives these requests, in order:\n\n\`${p.sequence.join(' ')}\`\n\nEach miss fetches the object and caches it, evicting one object if the cache is full. How many of the ${p.sequence.length} requests are hits under each policy?\n\n- **LRU**: evict the least recently used object.\n- **LFU**: evict the object requested fewest times since it was last cached (a newly cached object counts 1, each hit adds 1, and an evicted object's count is forgotten); among equal counts, evict the least recently used.\n- **FIFO**: evict the object cached longest ago; hits change nothing.\n\nAnswer with three numbers, LRU, LFU, FIFO, like \`[4, 5, 3]\`.`,
  }),
  reference: (p) => `[${traceHits(p).join(', ')}]`,
  hints: () => ['Write the cache\'s contents after each request, one column per policy; for LFU write each object\'s count beside it.', 'An object evicted and requested again is a miss, and under LFU it starts again at 1.'],
  check(p, value): Check[] {
    if (value.length !== 3) return [{ name: 'three numbers', passed: false, feedback: `Give three numbers, the hits under LRU, LFU and FIFO in that order (you gave ${value.length}).` }];
    const hits = traceHits(p);
    return POLICIES.map(([name], i) => {
      const got = value[i] as number;
      const right = hits[i] as number;
      const ok = got === right;
      const swapped = hits.findIndex((h, j) => j !== i && h === got && h !== right);
      const feedback = ok ? '' : swapped >= 0 ? `That is the count under ${POLICIES[swapped]?.[0]}; the answer lists LRU, LFU and FIFO in that order.` : `${got > right ? 'Too many' : 'Too few'} hits under ${name}.`;
      return { name, passed: ok, feedback };
    });
  },
  solution: (p) => {
    const hits = traceHits(p);
    const lines = POLICIES.map(([name, policy]) => {
      const state = policy.create(p.capacity);
      const steps = p.sequence.map((key) => {
        if (policy.lookup(state, key)) return `${key}✓`;
        const { evicted } = policy.insert(state, key, 1);
        return evicted.length > 0 ? `${key}(−${evicted.join('')})` : key;
      });
      return `- ${name}: ${steps.join(' ')}, ${hits[POLICIES.findIndex(([n]) => n === name)]} hits`;
    });
    return {
      text: `**[${hits.join(', ')}]**. Request by request (✓ a hit, (−X) a miss that evicted X):\n\n${lines.join('\n')}\n\nLRU and LFU both protect the objects requested again; LFU remembers how often, so an object requested many times survives a run of others, while LRU keeps whatever was used last. FIFO ignores hits altogether and evicts a popular object as soon as it is the oldest.`,
    };
  },
});
