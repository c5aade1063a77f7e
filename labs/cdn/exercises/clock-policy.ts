/**
 * Exercise: an eviction policy the lab does not have, CLOCK or "second chance" (Corbató 1968, "A paging experiment
 * with the Multics system", the replacement algorithm of Multics), written by the learner as a `CachePolicy` with
 * byte sizes. The variant the prompt states:
 *
 * - the cached objects stand in a circle in the order they were admitted, and a hand points at one of them;
 * - a hit sets the object's reference bit; a new object enters with its bit unset, just behind the hand (so the
 *   hand reaches it last);
 * - to make room the hand looks at the object it points at: bit set, clear it and move on; bit unset, evict it
 *   (the hand then points at the object that followed); repeat until the new object fits;
 * - an object larger than the whole cache is refused with nothing evicted.
 *
 * Read from the hand, the circle is a queue: clearing a bit and moving on sends the object to the back, evicting
 * takes it from the front, admitting puts it at the back. `clockQueue` below is that queue, the grader's CLOCK; the
 * test holds it to a circular buffer with an explicit hand. The learner's policy is graded step by step against it
 * on seeded streams with unequal sizes, on the `CachePolicy` contract, and by hit ratio on seeded Zipf workloads
 * (`simulateCache`), where it must match CLOCK's exactly, since the policy is deterministic.
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import { Random } from '../../sim/random';
import { simulateCache, type CacheKey, type CachePolicy, type CacheRequest, type InsertResult } from '../cache';
import { zipfWorkload } from '../workload';

/** One object in the grader's CLOCK: its key, size and reference bit. */
interface ClockEntry {
  key: CacheKey;
  sizeBytes: number;
  referenced: boolean;
}

/** The grader's CLOCK state: the circle read from the hand (index 0 is the object the hand points at). */
export interface ClockQueueState {
  capacityBytes: number;
  usedBytes: number;
  queue: ClockEntry[];
}

/** The grader's CLOCK, as the queue the circle is when read from the hand (not exported to learners). */
export const clockQueue: CachePolicy<ClockQueueState> = {
  name: 'CLOCK',
  create: (capacityBytes) => ({ capacityBytes, usedBytes: 0, queue: [] }),
  lookup(state, key) {
    const entry = state.queue.find((e) => e.key === key);
    if (entry === undefined) return false;
    entry.referenced = true;
    return true;
  },
  insert(state, key, sizeBytes) {
    if (sizeBytes > state.capacityBytes) return { admitted: false, evicted: [] };
    const evicted: CacheKey[] = [];
    while (state.usedBytes + sizeBytes > state.capacityBytes) {
      const head = state.queue.shift() as ClockEntry;
      if (head.referenced) {
        head.referenced = false;
        state.queue.push(head);
      } else {
        state.usedBytes -= head.sizeBytes;
        evicted.push(head.key);
      }
    }
    state.queue.push({ key, sizeBytes, referenced: false });
    state.usedBytes += sizeBytes;
    return { admitted: true, evicted };
  },
  // Eviction order from the hand: the unreferenced objects as the hand meets them, then the referenced ones, whose
  // bits the first sweep clears.
  keys: (state) => [...state.queue.filter((e) => !e.referenced), ...state.queue.filter((e) => e.referenced)].map((e) => e.key),
  usedBytes: (state) => state.usedBytes,
};

/** The circle as the feedback prints it: from the hand, each key with its size and a `*` when its bit is set. */
export function circleText(state: ClockQueueState): string {
  if (state.queue.length === 0) return 'empty';
  return `hand → ${state.queue.map((e) => `${String(e.key)} (${e.sizeBytes} B${e.referenced ? ', bit set' : ''})`).join(', ')}`;
}

export interface ClockPolicyParams {
  /** Step-by-step streams: a seed, a cache size, and the sizes of the keys `a`, `b`, ... (some larger than the cache). */
  streams: { seed: number; capacityBytes: number; sizes: number[] }[];
  /** Hidden Zipf workloads: seed, exponent, catalogue size, and the cache as a fraction of the catalogue's bytes. */
  workloads: { seed: number; alpha: number; catalogSize: number; cacheFraction: number }[];
}

const STREAM_LENGTH = 240;
const WORKLOAD_REQUESTS = 4000;
const KEY_NAMES = 'abcdefghijkl'.split('');

/** The requests of one step-by-step stream: skewed towards the first keys, so hits (and set bits) are common. */
export function streamRequests(stream: ClockPolicyParams['streams'][number]): CacheRequest[] {
  const rng = new Random(stream.seed).fork('clock-stream');
  const request = (k: number) => ({ key: KEY_NAMES[k] as string, sizeBytes: stream.sizes[k] as number });
  const requests = Array.from({ length: STREAM_LENGTH }, () => request(Math.min(rng.int(0, stream.sizes.length - 1), rng.int(0, stream.sizes.length - 1))));
  // The last key (larger than the cache in the exercise's streams) is requested at least once, early.
  requests[rng.int(5, 60)] = request(stream.sizes.length - 1);
  return requests;
}

/** The requests of one hidden workload and its cache size in bytes. */
export function workloadRequests(w: ClockPolicyParams['workloads'][number]): { requests: CacheRequest[]; capacityBytes: number } {
  const { requests, sizes } = zipfWorkload({ seed: w.seed, catalogSize: w.catalogSize, alpha: w.alpha, requests: WORKLOAD_REQUESTS, sizes: { medianBytes: 20_000, maxBytes: 400_000 } });
  const total = sizes.reduce((sum, s) => sum + s, 0);
  return { requests, capacityBytes: Math.round(total * w.cacheFraction) };
}

const POLICY_TYPES = `export type CacheKey = string | number;
export interface InsertResult { admitted: boolean; evicted: CacheKey[] }
export interface CachePolicy<S> {
  readonly name: string;
  create(capacityBytes: number): S;
  lookup(state: S, key: CacheKey): boolean;
  insert(state: S, key: CacheKey, sizeBytes: number): InsertResult;
  keys(state: S): CacheKey[];
  usedBytes(state: S): number;
}
`;

const STARTER = `${POLICY_TYPES}
interface ClockState {
  capacityBytes: number;
  // Your bookkeeping: the circle, the hand, the reference bits, the bytes in use.
}

export function clockPolicy(): CachePolicy<ClockState> {
  return {
    name: 'CLOCK',
    create: (capacityBytes) => ({ capacityBytes }),
    lookup: (state, key) => false,
    insert: (state, key, sizeBytes) => ({ admitted: false, evicted: [] }),
    keys: (state) => [],
    usedBytes: (state) => 0,
  };
}
`;

const REFERENCE = `${POLICY_TYPES}
interface Slot { key: CacheKey; sizeBytes: number; referenced: boolean }
interface ClockState { capacityBytes: number; usedBytes: number; circle: Slot[]; hand: number }

export function clockPolicy(): CachePolicy<ClockState> {
  return {
    name: 'CLOCK',
    create: (capacityBytes) => ({ capacityBytes, usedBytes: 0, circle: [], hand: 0 }),
    lookup(state, key) {
      const slot = state.circle.find((s) => s.key === key);
      if (slot) slot.referenced = true;
      return slot !== undefined;
    },
    insert(state, key, sizeBytes) {
      if (sizeBytes > state.capacityBytes) return { admitted: false, evicted: [] };
      const evicted: CacheKey[] = [];
      while (state.usedBytes + sizeBytes > state.capacityBytes) {
        const slot = state.circle[state.hand];
        if (slot.referenced) {
          slot.referenced = false; // a second chance
          state.hand = (state.hand + 1) % state.circle.length;
        } else {
          state.circle.splice(state.hand, 1); // the hand now points at the next slot
          state.usedBytes -= slot.sizeBytes;
          evicted.push(slot.key);
          if (state.hand === state.circle.length) state.hand = 0;
        }
      }
      // Just behind the hand: the hand reaches the new object last.
      state.circle.splice(state.hand, 0, { key, sizeBytes, referenced: false });
      state.hand = (state.hand + 1) % state.circle.length;
      state.usedBytes += sizeBytes;
      return { admitted: true, evicted };
    },
    keys(state) {
      const fromHand = [...state.circle.slice(state.hand), ...state.circle.slice(0, state.hand)];
      return [...fromHand.filter((s) => !s.referenced), ...fromHand.filter((s) => s.referenced)].map((s) => s.key);
    },
    usedBytes: (state) => state.usedBytes,
  };
}
`;

type LearnerFactory = () => unknown;

/** The learner's policy, its shape checked, each call's result checked for the type the interface promises. */
export function learnerPolicy(factory: LearnerFactory): CachePolicy {
  const policy = factory() as Partial<CachePolicy> | null;
  if (policy === null || typeof policy !== 'object') throw new WrongReturn(`clockPolicy() returned ${JSON.stringify(policy) ?? String(policy)}; it must return an object with create, lookup, insert, keys and usedBytes.`);
  for (const name of ['create', 'lookup', 'insert', 'keys', 'usedBytes'] as const) {
    if (typeof policy[name] !== 'function') throw new WrongReturn(`The policy clockPolicy() returned has no function ${name}.`);
  }
  const p = policy as CachePolicy;
  return {
    name: typeof p.name === 'string' ? p.name : 'yours',
    create: (capacityBytes) => p.create(capacityBytes),
    lookup(state, key) {
      const hit = p.lookup(state, key);
      if (typeof hit !== 'boolean') throw new WrongReturn(`lookup(state, ${JSON.stringify(key)}) returned ${JSON.stringify(hit) ?? String(hit)}; it must return true or false.`);
      return hit;
    },
    insert(state, key, sizeBytes) {
      const result = p.insert(state, key, sizeBytes) as InsertResult | undefined;
      if (result === null || typeof result !== 'object' || typeof result.admitted !== 'boolean' || !Array.isArray(result.evicted)) {
        throw new WrongReturn(`insert(state, ${JSON.stringify(key)}, ${sizeBytes}) returned ${JSON.stringify(result) ?? String(result)}; it must return { admitted: boolean, evicted: CacheKey[] }.`);
      }
      return { admitted: result.admitted, evicted: [...result.evicted] };
    },
    keys(state) {
      const keys = p.keys(state);
      if (!Array.isArray(keys)) throw new WrongReturn(`keys(state) returned ${JSON.stringify(keys) ?? String(keys)}; it must return an array of keys.`);
      return [...keys];
    },
    usedBytes(state) {
      const used = p.usedBytes(state);
      if (typeof used !== 'number') throw new WrongReturn(`usedBytes(state) returned ${JSON.stringify(used) ?? String(used)}; it must return a number.`);
      return used;
    },
  };
}

/** Requests of the first stream the prompt shows, so that each variant's prompt shows its own stream. */
const PROMPT_REQUESTS = 16;

/**
 * What the prompt says of this variant: the first stream's cache, key sizes and first requests (enough to trace
 * CLOCK by hand), the other streams' caches, and the hidden workloads' shapes. A new variant changes all of them.
 */
export function variantText(p: ClockPolicyParams): string {
  const [first, ...others] = p.streams;
  if (first === undefined) return '';
  const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;
  const keys = first.sizes.map((size, i) => `${KEY_NAMES[i]} ${bytes(size)}${size > first.capacityBytes ? ' (larger than the cache)' : ''}`);
  const opening = streamRequests(first).slice(0, PROMPT_REQUESTS).map((r) => String(r.key)).join(', ');
  const rest = others.length === 0 ? '' : ` The other stream${others.length === 1 ? ' has a cache' : 's have caches'} of ${others.map((s) => bytes(s.capacityBytes)).join(' and ')}.`;
  const workloads = p.workloads.map((w, i) => `workload ${i + 1} has Zipf exponent ${w.alpha} over ${w.catalogSize} objects and a cache of ${Math.round(w.cacheFraction * 100)}% of their bytes`).join('; ');
  return `In this variant, the first stream (seed ${first.seed}) has a cache of ${bytes(first.capacityBytes)} and keys ${keys.join(', ')}; its first ${PROMPT_REQUESTS} requests are ${opening}.${rest} Of the hidden workloads, ${workloads}.`;
}

const list = (keys: readonly CacheKey[]) => (keys.length === 0 ? 'none' : keys.map(String).join(', '));
const sizesText = (s: ClockPolicyParams['streams'][number]) => s.sizes.map((size, i) => `${KEY_NAMES[i]} ${size} B`).join(', ');
const streamName = (s: ClockPolicyParams['streams'][number]) => `the stream with seed ${s.seed} (cache ${s.capacityBytes} B; sizes ${sizesText(s)})`;

/** The first step at which the learner's policy and CLOCK disagree on a stream, as feedback; '' when none. */
export function firstDisagreement(policy: CachePolicy, stream: ClockPolicyParams['streams'][number]): string {
  const mine = clockQueue.create(stream.capacityBytes);
  const theirs = policy.create(stream.capacityBytes);
  const requests = streamRequests(stream);
  const recent: string[] = [];
  for (const [i, { key, sizeBytes }] of requests.entries()) {
    const before = circleText(mine);
    const where = () => `In ${streamName(stream)}, request ${i + 1} (for ${String(key)}, ${sizeBytes} B)${recent.length > 0 ? `, after ${recent.slice(-6).join(', ')}` : ''}, with CLOCK's circle ${before}:`;
    const hit = clockQueue.lookup(mine, key);
    const theirHit = policy.lookup(theirs, key);
    if (hit !== theirHit) return `${where()} CLOCK ${hit ? 'hits' : 'misses'}, your lookup returned ${theirHit}.`;
    if (!hit) {
      const expected = clockQueue.insert(mine, key, sizeBytes);
      const got = policy.insert(theirs, key, sizeBytes);
      if (expected.admitted !== got.admitted) return `${where()} CLOCK ${expected.admitted ? 'admits' : 'refuses'} the object, your insert ${got.admitted ? 'admitted' : 'refused'} it.`;
      if (list(expected.evicted) !== list(got.evicted)) return `${where()} CLOCK evicts ${list(expected.evicted)}, in that order; your insert evicted ${list(got.evicted)}.`;
    }
    const keys = clockQueue.keys(mine);
    const theirKeys = policy.keys(theirs);
    if (list(keys) !== list(theirKeys)) return `${where()} afterwards (circle ${circleText(mine)}) CLOCK's keys(), in eviction order, are ${list(keys)}; yours returned ${list(theirKeys)}.`;
    if (policy.usedBytes(theirs) !== clockQueue.usedBytes(mine)) return `${where()} afterwards (circle ${circleText(mine)}) ${clockQueue.usedBytes(mine)} B are in use; your usedBytes returned ${policy.usedBytes(theirs)}.`;
    recent.push(`${String(key)} (${hit ? 'hit' : 'miss'})`);
  }
  return '';
}

/** The first breach of the `CachePolicy` contract on a stream, as feedback; '' when none. */
export function contractBreach(policy: CachePolicy, stream: ClockPolicyParams['streams'][number]): string {
  const state = policy.create(stream.capacityBytes);
  for (const [i, { key, sizeBytes }] of streamRequests(stream).entries()) {
    if (policy.lookup(state, key)) continue;
    const before = policy.keys(state);
    const result = policy.insert(state, key, sizeBytes);
    const used = policy.usedBytes(state);
    const at = `In ${streamName(stream)}, at request ${i + 1} (for ${String(key)}, ${sizeBytes} B)`;
    if (sizeBytes > stream.capacityBytes && (result.admitted || result.evicted.length > 0)) {
      return `${at}, the object is larger than the whole cache: insert must refuse it and evict nothing, but it returned admitted ${result.admitted} and evicted ${list(result.evicted)}.`;
    }
    if (used > stream.capacityBytes) return `${at}, your cache holds ${used} B, more than its ${stream.capacityBytes} B: evict until the new object fits.`;
    const missing = result.evicted.filter((k) => !before.includes(k));
    if (missing.length > 0) return `${at}, insert reported evicting ${list(missing)}, which ${missing.length === 1 ? 'was' : 'were'} not cached.`;
    if (sizeBytes > stream.capacityBytes) continue;
    // The contract's other half: an object that fits is cached, and the cache's own accounts agree with it.
    if (!result.admitted) return `${at}, the object fits in the ${stream.capacityBytes} B cache, so insert must evict until it fits and cache it, but it returned admitted false.`;
    const after = policy.keys(state);
    if (!after.includes(key)) return `${at}, insert admitted the object but keys() does not list it.`;
    const held = after.reduce<number>((sum, k) => sum + (stream.sizes[KEY_NAMES.indexOf(String(k))] ?? 0), 0);
    if (held !== used) return `${at}, usedBytes() says ${used} B, but the keys cached (${list(after)}) add up to ${held} B.`;
  }
  return '';
}

export const clockPolicyExercise = defineExercise({
  id: 'cdn/clock-policy',
  title: 'CLOCK: a second chance for every hit',
  kind: 'code',
  signature: 'clockPolicy(): CachePolicy<ClockState>',
  exportName: 'clockPolicy',
  generate(rng): ClockPolicyParams {
    const streams = [0, 1, 2].map(() => {
      const sizes = KEY_NAMES.slice(0, rng.int(8, 12)).map(() => 100 * rng.int(1, 6));
      const capacityBytes = 100 * rng.int(8, 14);
      // One key larger than the whole cache, so every stream tests refusal.
      sizes[sizes.length - 1] = capacityBytes + 100 * rng.int(1, 3);
      return { seed: rng.int(1, 1_000_000_000), capacityBytes, sizes };
    });
    const workloads = [0, 1, 2].map(() => ({ seed: rng.int(1, 1_000_000_000), alpha: rng.pick([0.6, 0.8, 1.0]), catalogSize: rng.pick([300, 500]), cacheFraction: rng.pick([0.05, 0.1, 0.2]) }));
    return { streams, workloads };
  },
  prompt: (p) => ({
    text: `Write \`clockPolicy()\`, returning a \`CachePolicy\` (the interface of the lab's \`cache.ts\`, copied into the starter) for **CLOCK**, the "second chance" algorithm of Multics (Corbató 1968), with objects of unequal sizes in bytes. Exactly this variant:\n\n- The cached objects stand in a circle in the order they were admitted, and a **hand** points at one of them.\n- \`lookup\` of a cached object sets its **reference bit** and returns true; otherwise it returns false and changes nothing.\n- \`insert\` (called only after a miss): an object larger than the whole cache is refused, \`{ admitted: false, evicted: [] }\`. Otherwise, while the object does not fit, look at the object under the hand: if its bit is set, clear it and move the hand to the next object; if not, evict it (the hand now points at the object that followed it). Then admit the new object with its bit **unset**, just **behind** the hand, so the hand reaches it last. Return the evicted keys in the order they were evicted.\n- \`keys\` lists the cached keys in the order they would be evicted if nothing else happened: from the hand round the circle, those with the bit unset, then those with the bit set. \`usedBytes\` is the total size of the cached objects.\n\nYour policy is run step by step beside the grader's CLOCK on ${p.streams.length} seeded streams of ${STREAM_LENGTH} requests over a dozen keys of sizes 100 to 600 B, one of them larger than the cache (every lookup, insert, eviction, keys() and usedBytes must agree); checked against the interface's contract (never over capacity, an oversized object refused); and its hit ratio is measured on ${p.workloads.length} hidden Zipf workloads of ${WORKLOAD_REQUESTS} requests, where it must equal CLOCK's.\n\n${variantText(p)}`,
  }),
  starter: () => STARTER,
  reference: () => REFERENCE,
  hints: () => [
    'Keep the circle as an array and the hand as an index into it. Removing the slot under the hand leaves the hand on the slot that followed it; wrap to 0 at the end.',
    'Inserting "just behind the hand" is inserting at the hand\'s index and then moving the hand one step on, so it still points at the object it pointed at before.',
    'The loop must look at the bytes: one eviction may not free enough room for a large object.',
  ],
  async checks(p, fn, ctx) {
    const factory = fn as unknown as LearnerFactory;
    const checks: Check[] = [];
    checks.push(await ctx.check('step by step against CLOCK', () => guarded((): CheckVerdict => {
      for (const stream of p.streams) {
        const feedback = firstDisagreement(learnerPolicy(factory), stream);
        if (feedback !== '') return { passed: false, feedback };
      }
      return { passed: true, feedback: '' };
    })));
    checks.push(await ctx.check('the CachePolicy contract', () => guarded((): CheckVerdict => {
      for (const stream of p.streams) {
        const feedback = contractBreach(learnerPolicy(factory), stream);
        if (feedback !== '') return { passed: false, feedback };
      }
      return { passed: true, feedback: '' };
    })));
    checks.push(await ctx.check('hit ratio on hidden Zipf workloads', () => guarded((): CheckVerdict => {
      for (const [i, w] of p.workloads.entries()) {
        const { requests, capacityBytes } = workloadRequests(w);
        const expected = simulateCache(clockQueue, requests, capacityBytes);
        const got = simulateCache(learnerPolicy(factory), requests, capacityBytes);
        if (got.hits === expected.hits) continue;
        return { passed: false, feedback: `On hidden workload ${i + 1} (Zipf exponent ${w.alpha}, ${w.catalogSize} objects, a cache of ${Math.round(w.cacheFraction * 100)}% of their bytes), your policy hit ${got.hits} of ${got.requests} requests (hit ratio ${got.hitRatio.toFixed(4)}); CLOCK hits ${expected.hits} (${expected.hitRatio.toFixed(4)}).` };
      }
      return { passed: true, feedback: '' };
    })));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${REFERENCE.slice(POLICY_TYPES.length + 1)}\`\`\`\n\nRead from the hand, the circle is a queue: clearing a bit and moving on sends an object to the back, an eviction takes the front, and a new object joins at the back. CLOCK is thus FIFO that gives each object hit since the hand last passed a second chance, which approximates LRU with one bit per object and no reordering on a hit (Corbató 1968): the hit path sets a bit, the only work done on the common case. Plain FIFO evicts an object however often it was hit; LRU moves an object on every hit, so both choose other victims. A new object entering at the hand would be the next victim and leave before it could be hit. With sizes, one eviction may not be enough: the hand keeps going until the new object fits.`,
  }),
});
