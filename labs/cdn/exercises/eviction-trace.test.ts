// Method: the grader (the lab's simulateCache with lru, lfu and fifo) is held on 3,000 variants to a naive replay
// written here: the cache as a list of { key, count, last use, arrival }, the victim found by sorting it by each
// policy's rule. Every variant has at least two different counts, and a count given in the wrong column is named.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { evictionTrace, traceHits, type EvictionTraceParams } from './eviction-trace';

const SEEDS = enumerateSeeds(3000);

function naive(p: EvictionTraceParams, rule: 'LRU' | 'LFU' | 'FIFO'): number {
  let cache: { key: string; count: number; lastUse: number; arrival: number }[] = [];
  let hits = 0;
  p.sequence.forEach((key, t) => {
    const entry = cache.find((e) => e.key === key);
    if (entry) {
      hits++;
      entry.count++;
      entry.lastUse = t;
      return;
    }
    if (cache.length === p.capacity) {
      const order = [...cache].sort((a, b) => (rule === 'FIFO' ? a.arrival - b.arrival : rule === 'LRU' ? a.lastUse - b.lastUse : a.count - b.count || a.lastUse - b.lastUse));
      cache = cache.filter((e) => e !== order[0]);
    }
    cache.push({ key, count: 1, lastUse: t, arrival: t });
  });
  return hits;
}

describe('eviction by hand: LRU, in-cache LFU and FIFO', () => {
  itPassesEveryVariant([evictionTrace]);
  itShowsTheAnswerFormat([evictionTrace], SEEDS.slice(0, 20));

  it('the lab\'s policies agree with a naive replay on 3,000 variants, and exactly one answer passes', () => {
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(evictionTrace, seed) as EvictionTraceParams;
      const hits = traceHits(p);
      expect(hits, `seed ${seed}`).toEqual([naive(p, 'LRU'), naive(p, 'LFU'), naive(p, 'FIFO')]);
      expect(new Set(hits).size).toBeGreaterThan(1);
      if (i % 50 !== 0) continue;
      let passing = 0;
      for (let a = 0; a <= p.sequence.length; a++) for (let b = 0; b <= p.sequence.length; b++) for (const c of [hits[2] as number, (hits[2] as number) + 1]) {
        if (structuredAccepts(evictionTrace, p, [a, b, c])) passing++;
      }
      expect(passing).toBe(1);
    }
  });

  it('a count in the wrong column is named', async () => {
    for (const seed of enumerateSeeds(20)) {
      const p = variantParams(evictionTrace, seed) as EvictionTraceParams;
      const [l, f, o] = traceHits(p) as [number, number, number];
      if (l === f) continue;
      const text = (await gradeText(evictionTrace, seed, structured(`[${f}, ${l}, ${o}]`))).text;
      expect(text).toContain('LRU: That is the count under LFU');
    }
  });
});
