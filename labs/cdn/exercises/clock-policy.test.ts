// Method: the grader's CLOCK (the circle read from the hand as a queue) is held to a naive oracle written here, a
// fixed circle of slots with an explicit hand that sweeps slot by slot as Corbató 1968 describes, on 2,000 seeded
// streams with unequal sizes: same hits, same evictions in the same order, same bytes. The reference source passes
// every check on 20 variants (three streams and three Zipf workloads each). Wrong policies fail with feedback that
// names the stream, the request and CLOCK's circle: plain FIFO, plain LRU, a hand that leaves the admitted object
// under it (so it is the next victim), a policy that evicts one object only and so exceeds capacity, and the
// starter. Each variant's prompt shows its own first stream and hidden workloads, so no two of 20 prompts are alike.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { Random } from '../../sim/random';
import type { CacheKey } from '../cache';
import { clockPolicyExercise, clockQueue, streamRequests, type ClockPolicyParams } from './clock-policy';

describeCodeReferences([[clockPolicyExercise, 20]]);

/** Corbató's clock, literally: slots in a ring, a hand index, holes left by evictions filled by the next admission. */
function naiveClock(capacityBytes: number) {
  const ring: ({ key: CacheKey; sizeBytes: number; bit: boolean } | null)[] = [];
  let hand = 0;
  const used = () => ring.reduce((sum, s) => sum + (s?.sizeBytes ?? 0), 0);
  const order = () => [...ring.slice(hand), ...ring.slice(0, hand)].filter((s) => s !== null);
  return {
    request(key: CacheKey, sizeBytes: number): { hit: boolean; evicted: CacheKey[]; admitted: boolean } {
      const slot = ring.find((s) => s?.key === key);
      if (slot) {
        slot.bit = true;
        return { hit: true, evicted: [], admitted: false };
      }
      if (sizeBytes > capacityBytes) return { hit: false, evicted: [], admitted: false };
      const evicted: CacheKey[] = [];
      // Compact the ring from the hand so that "behind the hand" is its end; then sweep.
      const live = order();
      ring.length = 0;
      ring.push(...live);
      hand = 0;
      while (used() + sizeBytes > capacityBytes) {
        const s = ring[hand];
        if (s === null || s === undefined) {
          hand = (hand + 1) % ring.length;
          continue;
        }
        if (s.bit) {
          s.bit = false;
        } else {
          evicted.push(s.key);
          ring[hand] = null;
        }
        hand = (hand + 1) % ring.length;
      }
      // Admitted just behind the hand: the slot before it, in the compacted ring read from the hand.
      const rest = [...ring.slice(hand), ...ring.slice(0, hand)].filter((x) => x !== null);
      ring.length = 0;
      ring.push(...rest, { key, sizeBytes, bit: false });
      hand = 0;
      return { hit: false, evicted, admitted: true };
    },
    used,
  };
}

describe('Corbató 1968: CLOCK (second chance), with byte sizes', () => {
  it('the grader\'s CLOCK agrees with a literal ring and hand on 2,000 seeded streams', () => {
    for (const seed of enumerateSeeds(2000)) {
      const rng = new Random(seed);
      const sizes = Array.from({ length: rng.int(3, 12) }, () => 100 * rng.int(1, 7));
      const capacityBytes = 100 * rng.int(4, 16);
      const stream = { seed: rng.int(1, 1e9), capacityBytes, sizes };
      const oracle = naiveClock(capacityBytes);
      const state = clockQueue.create(capacityBytes);
      const expected: unknown[] = [];
      const got: unknown[] = [];
      for (const { key, sizeBytes } of streamRequests(stream)) {
        const o = oracle.request(key, sizeBytes);
        expected.push([o.hit, o.hit ? null : { admitted: o.admitted, evicted: o.evicted }, oracle.used()]);
        const hit = clockQueue.lookup(state, key);
        got.push([hit, hit ? null : clockQueue.insert(state, key, sizeBytes), clockQueue.usedBytes(state)]);
        if (clockQueue.usedBytes(state) > capacityBytes) throw new Error(`seed ${seed}: over capacity`);
      }
      if (JSON.stringify(got) !== JSON.stringify(expected)) expect(got, `seed ${seed}`).toEqual(expected);
    }
  });

  it('every stream has hits, second chances and a refused object; workloads differ from seed to seed', () => {
    for (const seed of enumerateSeeds(30)) {
      const p = variantParams(clockPolicyExercise, seed) as ClockPolicyParams;
      for (const stream of p.streams) {
        const requests = streamRequests(stream);
        expect(requests.some((r) => r.sizeBytes > stream.capacityBytes)).toBe(true);
        const state = clockQueue.create(stream.capacityBytes);
        let secondChances = 0;
        for (const { key, sizeBytes } of requests) {
          if (clockQueue.lookup(state, key)) continue;
          const referencedBefore = state.queue.filter((e) => e.referenced).length;
          clockQueue.insert(state, key, sizeBytes);
          if (state.queue.filter((e) => e.referenced).length < referencedBefore) secondChances++;
        }
        expect(secondChances, `seed ${seed}`).toBeGreaterThan(3);
      }
    }
  });

  it("a new variant shows in the prompt: the first stream's cache, sizes and opening requests, and the hidden workloads", () => {
    const prompts = new Set<string>();
    for (const seed of enumerateSeeds(20)) {
      const p = variantParams(clockPolicyExercise, seed) as ClockPolicyParams;
      const text = clockPolicyExercise.prompt(p).text;
      prompts.add(text);
      const [first] = p.streams;
      const opening = streamRequests(first!).slice(0, 16).map((r) => r.key).join(', ');
      expect(text).toContain(`the first stream (seed ${first!.seed}) has a cache of ${first!.capacityBytes.toLocaleString('en-US')} B`);
      expect(text).toContain(`its first 16 requests are ${opening}.`);
      expect(text).toContain(`(larger than the cache)`);
      for (const [i, w] of p.workloads.entries()) expect(text).toContain(`workload ${i + 1} has Zipf exponent ${w.alpha} over ${w.catalogSize} objects`);
    }
    expect(prompts.size).toBe(20);
  });

  const reference = clockPolicyExercise.kind === 'code' ? clockPolicyExercise.reference(variantParams(clockPolicyExercise, 0)) : '';
  const replace = (from: string, to: string) => {
    expect(reference).toContain(from);
    return reference.replace(from, to);
  };
  const fifo = replace('if (slot) slot.referenced = true;', '');
  const lruSource = `${reference.slice(0, reference.indexOf('interface Slot'))}
export function clockPolicy(): CachePolicy<{ cap: number; m: Map<CacheKey, number>; used: number }> {
  return {
    name: 'LRU',
    create: (cap) => ({ cap, m: new Map(), used: 0 }),
    lookup(s, key) { const size = s.m.get(key); if (size === undefined) return false; s.m.delete(key); s.m.set(key, size); return true; },
    insert(s, key, size) {
      if (size > s.cap) return { admitted: false, evicted: [] };
      const evicted: CacheKey[] = [];
      while (s.used + size > s.cap) { const [k, v] = s.m.entries().next().value as [CacheKey, number]; s.m.delete(k); s.used -= v; evicted.push(k); }
      s.m.set(key, size); s.used += size;
      return { admitted: true, evicted };
    },
    keys: (s) => [...s.m.keys()],
    usedBytes: (s) => s.used,
  };
}
`;
  const handStays = replace('      state.hand = (state.hand + 1) % state.circle.length;\n      state.usedBytes += sizeBytes;', '      state.usedBytes += sizeBytes;');
  const overCapacity = replace('while (state.usedBytes + sizeBytes > state.capacityBytes) {', 'for (let once = 0; once < 1 && state.usedBytes + sizeBytes > state.capacityBytes && state.circle.length > 0; ) {').replace("          if (state.hand === state.circle.length) state.hand = 0;", "          if (state.hand === state.circle.length) state.hand = 0;\n          once++;");
  const wrong: [string, string, RegExp][] = [
    ['plain FIFO (no reference bits)', fifo, /step by step against CLOCK: In the stream with seed \d+ .* request \d+ \(for \w, \d+ B\).* with CLOCK's circle hand → .*: (CLOCK evicts .*|afterwards \(circle .*\) CLOCK's keys\(\), in eviction order, are .*; yours returned .*)\./],
    ['plain LRU', lruSource, /step by step against CLOCK: In the stream with seed \d+ .*CLOCK('s keys\(\))? /],
    ['the hand left on the admitted object', handStays, /step by step against CLOCK: .*(CLOCK evicts|CLOCK (hits|misses)|keys\(\))/],
    ['one eviction per insert, exceeding capacity', overCapacity, /the CachePolicy contract: In the stream with seed \d+ .* your cache holds \d+ B, more than its \d+ B: evict until the new object fits\./],
  ];
  it.each(wrong)('%s fails, naming the stream, the request and the circle', async (_name, source, message) => {
    for (const seed of enumerateSeeds(3)) {
      const result = await gradeText(clockPolicyExercise, seed, code(source));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toMatch(message);
      expect(result.text).toMatch(/hit ratio on hidden Zipf workloads: On hidden workload \d \(Zipf exponent [\d.]+, \d+ objects, a cache of \d+% of their bytes\), your policy hit \d+ of 4000 requests/);
    }
  });

  it('the starter fails every check, and a policy of the wrong shape is named', async () => {
    const starter = clockPolicyExercise.kind === 'code' ? clockPolicyExercise.starter(variantParams(clockPolicyExercise, 0)) : '';
    const result = await gradeText(clockPolicyExercise, 0, code(starter));
    // It refuses everything: the contract says an object that fits is cached, so doing nothing earns no credit.
    expect(result.score).toBe(0);
    expect(result.text).toContain('CLOCK admits the object, your insert refused it.');
    expect(result.text).toMatch(/the CachePolicy contract: In the stream with seed \d+ .*the object fits in the \d+ B cache, so insert must evict until it fits and cache it, but it returned admitted false\./);
    // A policy whose usedBytes() forgets an object is caught by its own accounts, not only by CLOCK's.
    const lying = await gradeText(clockPolicyExercise, 0, code(replace('    usedBytes: (state) => state.usedBytes,', '    usedBytes: (state) => Math.max(0, state.usedBytes - 100),')));
    expect(lying.text).toMatch(/the CachePolicy contract: .*usedBytes\(\) says \d+ B, but the keys cached \(.*\) add up to \d+ B\./);
    const noKeys = await gradeText(clockPolicyExercise, 0, code(replace('    keys(state) {', '    keyz(state) {')));
    expect(noKeys.text).toContain('The policy clockPolicy() returned has no function keys.');
  });
});
