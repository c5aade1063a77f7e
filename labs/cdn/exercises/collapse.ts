/**
 * Exercise: request collapsing, written by the learner as a `Collapser` (the lab's `edge.ts`) and run by the real
 * caches of `runCdn` in flash crowds: several keys at two PoPs (and, in some variants, a shield that collapses with
 * the same code), misses overlapping while fetches are in flight, short max-ages so each crowd misses again, and
 * an origin that answers errors for a while. A collapser is right when every request is answered exactly once, as
 * `checkCollapsedAnswers` holds it (with no collapser errors): a request that finds a fetch for its key in flight
 * waits for that fetch and is answered by it (it is collapsed); a request that finds none starts a fetch and is
 * answered by that fetch. And no cache may ever have more than one fetch for a key in flight (counted from the
 * trace's fetch sends and responses).
 * This is what Varnish calls the waiting list and Fastly and Cloudflare call request collapsing.
 */
import { guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import { Random } from '../../sim/random';
import type { Trace } from '../../sim/trace';
import { checkCollapsedAnswers } from '../edge-checkers';
import { collapseRequests, runCdn, type CdnOptions, type Collapser, type FetchMessage, type ResponseMessage } from '../edge';

export interface CollapseParams {
  /** Flash-crowd runs: a seed each, and whether the PoPs fetch through a shield. */
  runs: { seed: number; shield: boolean }[];
}

const LATENCY_MS = { eu: { eu: 2, asia: 90, us: 40 }, asia: { asia: 2, us: 80 }, us: { us: 2 } };

/** The options of one flash-crowd run, drawn from its seed. */
export function crowdOptions(run: CollapseParams['runs'][number], collapser: Collapser): CdnOptions {
  const rng = new Random(run.seed).fork('crowd');
  const keys = ['/o/1', '/o/2', '/o/3', '/o/4'];
  const objects = keys.map((key) => ({ key, sizeBytes: 1000 * rng.int(5, 80), policy: { maxAgeMs: 100 * rng.int(1, 4) } }));
  const requests: CdnOptions['requests'] = [];
  // Two or three crowds, each on one key at one PoP, some overlapping in time and key; a trickle on every key.
  for (let c = rng.int(2, 3); c > 0; c--) {
    const key = rng.pick(keys.slice(0, 2));
    const pop = rng.pick(['eu', 'asia']);
    let t = rng.int(0, 1500);
    for (let i = rng.int(30, 50); i > 0; i--) {
      requests.push({ atMs: t, pop, key });
      t += Math.round(rng.exponential(5) * 10) / 10;
    }
  }
  for (let i = 0; i < 20; i++) requests.push({ atMs: rng.int(0, 2500), pop: rng.pick(['eu', 'asia']), key: rng.pick(keys) });
  requests.sort((a, b) => a.atMs - b.atMs);
  const outageFrom = rng.int(500, 1500);
  return {
    seed: run.seed,
    objects,
    pops: [{ id: 'eu', region: 'eu', capacityBytes: 1_000_000 }, { id: 'asia', region: 'asia', capacityBytes: 1_000_000 }],
    ...(run.shield ? { shield: { region: 'us', capacityBytes: 1_000_000 } } : {}),
    origin: { region: 'us' },
    latencyMs: LATENCY_MS,
    collapser,
    // The grader turns a collapser's throw into feedback, so the run records it instead of stopping.
    onCollapserError: 'record',
    staleIfError: false,
    originOutages: [{ fromMs: outageFrom, untilMs: outageFrom + rng.int(200, 600) }],
    originOutageMode: 'error',
    requests,
    untilMs: 2600,
  };
}

/** The most fetches any cache had in flight at once for one key, with where and when; and upstream fetches in all. */
export function fetchesInFlight(trace: Trace): { most: number; node: string; key: string; atMs: number; total: number } {
  const open = new Map<string, Set<string>>();
  let worst = { most: 0, node: '', key: '', atMs: 0, total: 0 };
  let total = 0;
  for (const e of trace.events) {
    if (e.kind === 'send' && (e.message as FetchMessage).type === 'fetch') {
      const m = e.message as FetchMessage;
      const slot = `${e.node} ${m.key}`;
      const set = open.get(slot) ?? new Set<string>();
      set.add(m.fetchId);
      open.set(slot, set);
      total++;
      if (set.size > worst.most) worst = { most: set.size, node: e.node, key: m.key, atMs: e.t, total: 0 };
    } else if (e.kind === 'deliver' && (e.message as ResponseMessage).type === 'response') {
      const m = e.message as ResponseMessage;
      open.get(`${e.node} ${m.key}`)?.delete(m.fetchId);
    }
  }
  return { ...worst, total };
}

const TYPES = `export interface Collapser<S> {
  readonly name: string;
  init(): S;
  onMiss(state: S, key: string, requestId: string): { state: S; fetch: boolean };
  onResponse(state: S, key: string): { state: S; answer: string[] };
}
`;

const STARTER = `${TYPES}
// Waiting request ids per key.
type Waiting = Record<string, string[]>;

export function createCollapser(): Collapser<Waiting> {
  return {
    name: 'mine',
    init: () => ({}),
    onMiss: (state, key, requestId) => ({ state, fetch: true }),
    onResponse: (state, key) => ({ state, answer: [] }),
  };
}
`;

const REFERENCE = `${TYPES}
// Waiting request ids per key; a key is present exactly while its one fetch is in flight.
type Waiting = Record<string, string[]>;

export function createCollapser(): Collapser<Waiting> {
  return {
    name: 'mine',
    init: () => ({}),
    onMiss(state, key, requestId) {
      const waiting = state[key];
      if (waiting !== undefined) return { state: { ...state, [key]: [...waiting, requestId] }, fetch: false };
      return { state: { ...state, [key]: [requestId] }, fetch: true };
    },
    onResponse(state, key) {
      const { [key]: answered = [], ...rest } = state;
      return { state: rest, answer: answered };
    },
  };
}
`;

type LearnerFactory = () => unknown;

/** The learner's collapser; its shape is checked by the cache itself, which records malformed answers as errors. */
function learnerCollapser(factory: LearnerFactory): Collapser {
  const made = factory() as Collapser | null;
  if (made === null || typeof made !== 'object' || typeof made.init !== 'function' || typeof made.onMiss !== 'function' || typeof made.onResponse !== 'function') {
    throw new Error('createCollapser() must return an object with init, onMiss and onResponse.');
  }
  return made;
}

/**
 * A time in feedback, to a tenth of a millisecond, the resolution of the crowds' arrival times: sums of latencies
 * and tenths carry floating-point residue (599.0000000000001) that a reader should never see.
 */
export const formatMs = (ms: number): string => String(Math.round(ms * 10) / 10);

/** Every time in a message ("at 599.0000000000001 ms", "(347.99999999999994 ms)") rounded as `formatMs` rounds it. */
export const roundTimes = (text: string): string => text.replace(/-?\d+\.\d+(?= ?ms\b)/g, (ms) => formatMs(Number(ms)));

const runName = (r: CollapseParams['runs'][number]) => `the flash crowd with seed ${r.seed}${r.shield ? ' (PoPs behind a shield)' : ''}`;

export const collapseExercise = defineExercise({
  id: 'cdn/collapse',
  title: 'Request collapsing',
  kind: 'code',
  signature: 'createCollapser(): Collapser<S>',
  exportName: 'createCollapser',
  generate(rng): CollapseParams {
    return { runs: [{ seed: rng.int(1, 1_000_000_000), shield: false }, { seed: rng.int(1, 1_000_000_000), shield: true }, { seed: rng.int(1, 1_000_000_000), shield: rng.chance(0.5) }] };
  },
  prompt: (p) => ({
    text: `When a popular object expires, hundreds of requests can miss on it before the origin's answer comes back. Write \`createCollapser()\`, returning a \`Collapser\` that a cache calls: \`onMiss(state, key, requestId)\` when a request needs the upstream, returning whether to send a fetch for \`key\` now; and \`onResponse(state, key)\` when the answer to a fetch for \`key\` arrives (a copy or an error), returning the ids of the requests that this answer answers. Return new states; do not change the one you are given.\n\nYour collapser must send **at most one fetch per key in flight**, and answer **every request exactly once**: a request that finds a fetch for its key in flight waits for that fetch and is answered by it (it is *collapsed*); a request that finds none starts a fetch and is answered by that fetch. No request is answered by a fetch sent after it arrived if a fetch was already in flight when it arrived, nor by a fetch sent before it arrived that it did not join. It runs in the lab's \`runCdn\`, at two PoPs (and at the shield, when there is one) in ${p.runs.length} flash crowds (${p.runs.map(runName).join('; ')}): several keys, misses overlapping while fetches are in flight, max-ages of a fraction of a second so each crowd misses again, and a spell in which the origin answers errors.`,
  }),
  starter: () => STARTER,
  reference: () => REFERENCE,
  hints: () => [
    'Keep, per key, the ids waiting for the fetch in flight. A key with waiters has a fetch in flight: the next miss joins them instead of fetching.',
    'When the answer arrives, answer all the key\'s waiters and forget the key, so the next miss fetches again.',
  ],
  async checks(p, fn, ctx) {
    const factory = fn as unknown as LearnerFactory;
    const runs = p.runs.map((r) => ({ r, run: runCdn(crowdOptions(r, learnerCollapser(factory))) }));
    const checks: Check[] = [];
    checks.push(await ctx.check('every request answered exactly once', () => guarded((): CheckVerdict => {
      for (const { r, run } of runs) {
        if (run.collapserErrors.length > 0) return { passed: false, feedback: roundTimes(`In ${runName(r)}: ${run.collapserErrors[0]}${run.collapserErrors.length > 1 ? ` (and ${run.collapserErrors.length - 1} more errors)` : ''}.`) };
        const verdict = checkCollapsedAnswers(run.trace as Trace);
        if (verdict.status === 'violation') {
          const unanswered = run.metrics.unanswered;
          return { passed: false, feedback: roundTimes(`In ${runName(r)}, ${verdict.message}${unanswered > 0 ? `; ${unanswered} of ${run.metrics.requests} requests were never answered` : ''}.`) };
        }
      }
      return { passed: true, feedback: '' };
    })));
    checks.push(await ctx.check('one fetch per key in flight', () => guarded((): CheckVerdict => {
      for (const { r, run } of runs) {
        const seen = fetchesInFlight(run.trace as Trace);
        if (seen.most <= 1) continue;
        const reference = fetchesInFlight(runCdn(crowdOptions(r, collapseRequests)).trace as Trace);
        return { passed: false, feedback: `In ${runName(r)}, ${seen.node} had ${seen.most} fetches for ${seen.key} in flight at once (at ${formatMs(seen.atMs)} ms); the bound is one. Its caches sent ${seen.total} fetches upstream in all, against ${reference.total} with one fetch per key in flight.` };
      }
      return { passed: true, feedback: '' };
    })));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${REFERENCE.slice(TYPES.length + 1)}\`\`\`\n\nThe state is the waiting list per key, and a key's presence is the fact that its fetch is in flight: the first miss creates the entry and fetches, later misses join it, and the answer empties and removes it. Forgetting to remove it makes every later miss join a fetch that will never come back; answering only the first waiter leaves the rest hanging; one list for all keys answers a request with another object. A request that arrives after the answer came back must not be handed that answer, since it may be older than the request (a purge or a new version in between); it misses again and starts a new fetch.`,
  }),
});
