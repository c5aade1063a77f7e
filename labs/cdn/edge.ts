/**
 * A content delivery network on the simulator: points of presence (PoPs) with caches, an optional origin shield,
 * the origin, and a control node that sends purges. Every node is a pure state machine; the simulator owns time,
 * randomness and the network, so one seed replays a run exactly.
 *
 * What a cache does with one request (a client's request at a PoP, or a PoP's fetch at the shield):
 * 1. Freshness, RFC 9111 §4.2: a stored copy is fresh while its age (now minus the time the origin generated it,
 *    the Age header's meaning in §5.1) is below the object's max-age. A fresh copy is a `hit`.
 * 2. RFC 5861 §3, stale-while-revalidate: up to `staleWhileRevalidateMs` past expiry, a PoP answers at once with
 *    the stale copy and sends one background revalidation for the key (never two at once). A request that needs
 *    the upstream while it is in flight (the copy was purged, or aged past its window) joins it.
 * 3. Otherwise the request needs the upstream (the shield, or the origin). It goes to the `Collapser`, which
 *    decides whether to send a fetch now, and, when an answer comes back, which waiting requests it answers.
 *    A fetch is conditional when the cache holds a copy (RFC 9111 §4.3.1): the origin answers 304 Not Modified
 *    when the version is unchanged, a small answer that renews the copy (`revalidated`).
 * 4. RFC 5861 §4, stale-if-error: when the upstream answers an error, or does not answer within
 *    `upstreamTimeoutMs`, a waiting request is answered with the stale copy if it is within
 *    `staleIfErrorMs` past expiry (`stale-if-error`); otherwise with an `error`.
 *
 * Purges: the control node sends a purge of a key to every cache. A cache that gets it invalidates its copy (the
 * copy is never served again, not even stale) and remembers the purge's issue time as a floor: a copy generated
 * before the purge that is still on its way (an answer to a fetch sent earlier) is not stored or served but
 * fetched again, and its fetches ask the shield for nothing older than the floor. The bytes of an invalidated copy
 * stay counted by the eviction policy until a new copy replaces them or the policy evicts them (a `CachePolicy`
 * has no removal; this is what a real cache's "soft" bookkeeping looks like until the space is reused).
 *
 * The shield is the same cache, with PoPs for clients: it answers fresh copies, collapses misses through its own
 * collapser, and passes errors down (it does not serve stale; the PoP applies stale-if-error with its own copy).
 *
 * The eviction policy decides what is stored (`labs/cdn/cache.ts`); freshness and versions live beside it. A
 * policy's state is updated in place, as its contract says, so the caches' states are updated in place too and
 * runs record no `state` events (the trace keeps messages, requests, replies and logs).
 */
import { Simulation } from '../sim/simulation';
import { observeReplies } from '../sim/observe';
import type { Intervention } from '../sim/interventions';
import { roundMs } from '../sim/network';
import type { LinkOverride } from '../sim/network';
import type { CheckResult } from '../sim/check';
import type { Trace } from '../sim/trace';
import type { Effect, NodeBehavior, NodeId } from '../sim/types';
import { lru } from './cache';
import type { CachePolicy } from './cache';
import { percentileIndex } from './billing';
import { checkCdn } from './edge-checkers';
import { Random } from '../sim/random';
import type { ZipfWorkload } from './workload';

/** What the origin says about an object (RFC 9111 freshness; RFC 5861 stale extensions). All in ms. */
export interface ObjectPolicy {
  maxAgeMs: number;
  staleWhileRevalidateMs?: number;
  staleIfErrorMs?: number;
}

/** One stored copy: which version, when the origin generated it, and its freshness terms. */
export interface CachedCopy {
  key: string;
  version: number;
  sizeBytes: number;
  generatedAtMs: number;
  policy: ObjectPolicy;
}

/**
 * Request collapsing as a pure state machine a PoP (and a shield) drives; the learner's exercise replaces it.
 *
 * - `onMiss`: a request `requestId` for `key` needs the upstream (a miss, or an expired copy that may not be
 *   served stale). Return `fetch: true` to send one upstream fetch for `key` now.
 * - `onResponse`: the upstream answer to one fetch for `key` arrived (a copy, or an error, or the fetch timed
 *   out); return the ids of the waiting requests that this answer answers. `startedBy` is the id of the request
 *   whose `onMiss` sent this fetch (a collapser that keeps one fetch per key in flight can ignore it).
 *
 * Every request must be answered exactly once. A request that finds a fetch for its key in flight waits for that
 * fetch and is answered by it ("collapsed"); a request that finds none starts a fetch and is answered by that
 * fetch; no request is answered by a fetch sent after it arrived if a fetch was already in flight when it arrived,
 * nor by a fetch sent before it arrived that it did not join (`checkCollapsedAnswers` holds a run to this). The
 * cache calls both functions once per event, in the order the events happen; it never mutates the state it is
 * given.
 *
 * The cache calls a collapser defensively: a throw, or a value that is not `{ state, fetch: boolean }` /
 * `{ state, answer: string[] }`, stops the run with an error naming the collapser, the node and the call (by
 * default), or, with `onCollapserError: 'record'` (what an exercise's grader sets, to turn it into feedback), is
 * recorded (`CdnRun.collapserErrors`) and the call counts as "no fetch" / "answers nobody". An id in `answer` that the cache never saw, or that asked for
 * another key, is recorded and skipped; an id answered a second time is answered a second time (so the checker
 * `checkCollapsedAnswers` can show it). A request never answered shows as `unanswered`.
 */
export interface Collapser<S = unknown> {
  readonly name: string;
  init(): S;
  onMiss(state: S, key: string, requestId: string): { state: S; fetch: boolean };
  onResponse(state: S, key: string, startedBy: string): { state: S; answer: string[] };
}

/** Waiting request ids per key, oldest first. A `Map` copied on each change: copying it costs far less than
 *  spreading an object whose keys come and go, and the old state is left as it was. */
type WaitersByKey = ReadonlyMap<string, readonly string[]>;

function withWaiters(state: WaitersByKey, key: string, waiters: readonly string[]): WaitersByKey {
  const next = new Map(state);
  if (waiters.length === 0) next.delete(key);
  else next.set(key, waiters);
  return next;
}

/**
 * The reference collapser: at most one fetch in flight per key; every request that misses while it is in flight
 * waits for it, and its answer answers them all (Varnish calls this the waiting list; Fastly and Cloudflare call
 * it request collapsing or coalescing).
 */
export const collapseRequests: Collapser<WaitersByKey> = {
  name: 'collapse requests',
  init: () => new Map(),
  onMiss(state, key, requestId) {
    const waiting = state.get(key);
    if (waiting !== undefined) return { state: withWaiters(state, key, [...waiting, requestId]), fetch: false };
    return { state: withWaiters(state, key, [requestId]), fetch: true };
  },
  onResponse(state, key) {
    return { state: withWaiters(state, key, []), answer: [...(state.get(key) ?? [])] };
  },
};

/** No collapsing: every miss sends its own fetch, and each answer answers the request that sent it (answers may
 *  come back out of order, e.g. when one fetch times out while a later one is answered). */
export const noCollapsing: Collapser<WaitersByKey> = {
  name: 'no collapsing',
  init: () => new Map(),
  onMiss(state, key, requestId) {
    return { state: withWaiters(state, key, [...(state.get(key) ?? []), requestId]), fetch: true };
  },
  onResponse(state, key, startedBy) {
    const waiting = state.get(key) ?? [];
    if (!waiting.includes(startedBy)) return { state, answer: [] };
    return { state: withWaiters(state, key, waiting.filter((id) => id !== startedBy)), answer: [startedBy] };
  },
};

/** A point of presence: its node id, its region (a key of `latencyMs`) and its cache. */
export interface PopSpec {
  id: string;
  region: string;
  capacityBytes: number;
  /** The eviction policy (default LRU). */
  policy?: CachePolicy;
  /** One-way ms between this PoP's clients and it; default `latencyMs[region][region]`. */
  clientMs?: number;
}

export interface CdnOptions {
  seed: number | string;
  /** Objects by key: size, and the origin's freshness policy per object (versions start at 1). */
  objects: { key: string; sizeBytes: number; policy: ObjectPolicy }[];
  pops: PopSpec[];
  /** A second tier between the PoPs and the origin (an origin shield). Absent: PoPs fetch from the origin. */
  shield?: { id?: string; region: string; capacityBytes: number; policy?: CachePolicy };
  /** The origin's region, and the ms it takes to generate an answer (default 0). */
  origin: { region: string; serviceMs?: number };
  /** One-way ms between regions (symmetric: `[a][b]` or `[b][a]`; the per-link latency of the simulator). */
  latencyMs: Record<string, Record<string, number>>;
  /** Default `collapseRequests`. The shield uses `shieldCollapser` (default: the same collapser). */
  collapser?: Collapser;
  shieldCollapser?: Collapser;
  /** What a collapser's throw or malformed answer does: `'throw'` (default) stops the run with an error naming the
   *  collapser, the node and the call; `'record'` records it in `CdnRun.collapserErrors` and goes on, the call
   *  counting as "no fetch" / "answers nobody" (a grader sets this to turn the error into feedback). */
  onCollapserError?: 'throw' | 'record';
  /** Honour the object's staleWhileRevalidateMs (default true). */
  staleWhileRevalidate?: boolean;
  /** Honour staleIfErrorMs when the upstream errors or does not answer in time (default true). */
  staleIfError?: boolean;
  /** How long a cache waits for an upstream answer before treating the fetch as failed (default 1,000 ms). */
  upstreamTimeoutMs?: number;
  /** Client requests: at a time, to a PoP, for a key. Their ids are `r0`, `r1`, ... in list order. */
  requests: { atMs: number; pop: string; key: string }[];
  /** The origin publishes a new version of a key at a time. */
  publishes?: { atMs: number; key: string }[];
  /** A purge of a key issued at a time from the control node; `boundMs` is checked by checkPurges (default 2,000). */
  purges?: { atMs: number; key: string; boundMs?: number }[];
  /** The origin answers 503 in these windows (or, with `originOutageMode: 'silent'`, does not answer at all). */
  originOutages?: { fromMs: number; untilMs: number }[];
  originOutageMode?: 'error' | 'silent';
  /** The control node's region (default the origin's). */
  controlRegion?: string;
  /** More faults for the simulator (partitions, crashes, pauses), e.g. to delay purges on purpose. */
  interventions?: Intervention[];
  /** Per-link overrides on top of `latencyMs` (e.g. a slow link from the control node to one PoP). */
  links?: LinkOverride[];
  /** Client requests stop at `untilMs`; the run goes on `settleMs` more (default 5,000) so answers can arrive. */
  untilMs: number;
  settleMs?: number;
  /** Width of a metrics bucket (default 1,000 ms). */
  bucketMs?: number;
  /** Record the simulator's trace (default true; the checkers need it). Large runs may turn it off. */
  trace?: boolean;
  /** Most trace events kept (default 200,000). */
  maxTraceEvents?: number;
  /** Wrong on purpose, for the checkers' tests and for a cell that breaks a rule: PoPs treat every stored copy as
   *  fresh, ignoring max-age (RFC 9111 §4.2 says they must not). */
  ignoreMaxAge?: boolean;
}

export type Outcome = 'hit' | 'miss' | 'collapsed' | 'stale-while-revalidate' | 'stale-if-error' | 'revalidated' | 'error';

/**
 * One client request and what became of it. `latencyMs` = the client's round trip to the PoP (twice the one-way
 * client ms) + the time from arrival to answer. An unanswered request has no `answeredAtMs`, outcome `error` and
 * `servedBy: 'none'`; `answers` counts the replies it got (1 when all is well).
 */
export interface ServedRequest {
  id: string;
  atMs: number;
  answeredAtMs?: number;
  pop: string;
  key: string;
  sizeBytes: number;
  outcome: Outcome;
  version?: number;
  latencyMs?: number;
  servedBy: 'edge' | 'shield' | 'origin' | 'none';
  answers: number;
}

/**
 * Totals over a run. `hits` counts answers from the PoP's own stored copy without waiting for the upstream (hit,
 * stale-while-revalidate, stale-if-error), `hitRatio` = hits / requests; `byteHitRatio` = bytes served from the
 * PoP's stored body (those, plus revalidated) / bytes served. `originRequests` counts fetches the origin received
 * (answered or not), `originBytes` the bodies it sent (a 304 or an error counts 0). `errors` counts requests
 * answered with an error; `unanswered` those never answered. Latency percentiles are nearest-rank over answered
 * requests (0 when there are none).
 */
export interface CdnMetrics {
  requests: number;
  hits: number;
  hitRatio: number;
  byteHitRatio: number;
  originRequests: number;
  originBytes: number;
  errors: number;
  unanswered: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** Per bucket (default 1,000 ms): origin fetches, bytes from origin, bytes served to clients. */
  series: { startMs: number; originRequests: number; originBytes: number; edgeBytes: number }[];
}

/** A run: the trace (when recorded), every client request, the metrics, the checkers' verdicts (empty without a
 *  trace), and the errors a collapser caused (empty when it behaved). */
export interface CdnRun {
  trace?: Trace;
  requests: ServedRequest[];
  metrics: CdnMetrics;
  checks: CheckResult[];
  collapserErrors: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Messages, client requests and replies: the records the checkers read from the trace.

/** A fetch from a cache to its upstream. `haveVersion` makes it conditional; `notBeforeMs` refuses older copies;
 *  `background` marks a stale-while-revalidate revalidation, which no request waits for (RFC 5861 §3). */
export interface FetchMessage {
  type: 'fetch';
  fetchId: string;
  key: string;
  haveVersion?: number;
  notBeforeMs?: number;
  background?: boolean;
}

/** An upstream answer. `fromCache` is true when the shield answered from its own stored copy. */
export interface ResponseMessage {
  type: 'response';
  fetchId: string;
  key: string;
  status: 'ok' | 'not-modified' | 'error';
  copy?: CachedCopy;
  servedBy: 'shield' | 'origin';
  fromCache?: boolean;
}

/** A purge from the control node to one cache. */
export interface PurgeMessage {
  type: 'purge';
  purgeId: string;
  key: string;
  issuedAtMs: number;
}

export type EdgeMessage = FetchMessage | ResponseMessage | PurgeMessage;

/** Requests handed to nodes by interventions: a client's get at a PoP, a publish or an outage at the origin, a
 *  purge at the control node. */
export type EdgeRequest =
  | { type: 'get'; id: string; key: string }
  | { type: 'publish'; key: string }
  | { type: 'outage'; down: boolean }
  | { type: 'purge'; purgeId: string; key: string; boundMs: number };

/**
 * A PoP's reply to a client. `copy` is the copy served (absent for an error); `fetchId` names the upstream fetch
 * whose answer (or failure) answered the request, absent for answers from the stored copy at arrival.
 */
export interface EdgeReply {
  type: 'served';
  id: string;
  key: string;
  arrivedAtMs: number;
  outcome: Outcome;
  copy?: CachedCopy;
  fetchId?: string;
  servedBy: 'edge' | 'shield' | 'origin' | 'none';
}

/** The log line each cache writes at start: what it honours, and which collapser it runs (`referenceCollapser` is
 *  true for `collapseRequests`). The checkers read it. */
export const EDGE_CONFIG_LOG = 'edge-config';
/** The log line the origin writes at start: `data` is `{ objects: { key, sizeBytes, policy }[] }`, each object's
 *  configured freshness policy. `checkFreshness` takes max-age from it, never from the copy a reply carries. */
export const ORIGIN_OBJECTS_LOG = 'origin-objects';
/** The log line of a fetch sent again because its answer was older than a purge (or a 304 found the copy gone):
 *  `data` is `{ fetchId, again, reason }`; the new fetch stands for the old one. */
export const REFETCH_LOG = 'refetch';
/** The log line of a request that needed the upstream while a background revalidation of its key was in flight
 *  (after a purge, or once the copy aged past its stale window): `data` is `{ fetchId, requestId }`. The request
 *  joins that fetch (it is `collapsed`) and the fetch's answer goes to the collapser as the fetch it asked for, so
 *  the key still has one fetch in flight. */
export const REVALIDATION_JOINED_LOG = 'revalidation-joined';
/** The log line of a collapser error. */
export const COLLAPSER_ERROR_LOG = 'collapser-error';

// ---------------------------------------------------------------------------------------------------------------
// The cache node (a PoP or the shield).

/** A request waiting for an upstream answer: a client's get, or (at the shield) a PoP's fetch. */
interface Demand {
  id: string;
  key: string;
  arrivedAtMs: number;
  joined: boolean;
  answers: number;
  client: boolean;
  /** For a PoP's fetch at the shield: who asked, its fetch id, and what it holds. */
  from?: NodeId;
  fetchId?: string;
  haveVersion?: number;
  notBeforeMs?: number;
}

interface InFlight {
  key: string;
  sentAtMs: number;
  background: boolean;
  haveVersion?: number;
  /** The request whose miss sent this fetch, or that joined a background revalidation (none for a revalidation
   *  no request waits for). */
  startedBy?: string;
}

interface CacheState {
  cache: unknown;
  copies: Map<string, CachedCopy>;
  purgeFloorMs: Map<string, number>;
  collapser: unknown;
  demands: Map<string, Demand>;
  inFlight: Map<string, InFlight>;
  backgroundKeys: Set<string>;
  nextFetch: number;
  errors: string[];
}

interface CacheConfig {
  role: 'pop' | 'shield';
  upstream: NodeId;
  capacityBytes: number;
  policy: CachePolicy;
  collapser: Collapser;
  staleWhileRevalidate: boolean;
  staleIfError: boolean;
  upstreamTimeoutMs: number;
  ignoreMaxAge: boolean;
  onCollapserError: 'throw' | 'record';
}

type Effects = Effect<EdgeMessage>[];

function ageMs(copy: CachedCopy, nowMs: number): number {
  return nowMs - copy.generatedAtMs;
}

function isFresh(copy: CachedCopy, nowMs: number): boolean {
  return ageMs(copy, nowMs) < copy.policy.maxAgeMs;
}

function preview(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The eviction policy a cache calls, with each call's throw rethrown naming the policy and the call, so a broken
 * learner's policy stops the run with an error that says which plug-in failed and where (the simulator adds the
 * node and the time).
 */
function namedPolicy(policy: CachePolicy): CachePolicy {
  const named = <T>(call: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw new Error(`eviction policy "${policy.name}": ${call} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  return {
    name: policy.name,
    create: (capacityBytes) => named(`create(${capacityBytes})`, () => policy.create(capacityBytes)),
    lookup: (state, key) => named(`lookup(${key})`, () => policy.lookup(state, key)),
    insert: (state, key, sizeBytes) => named(`insert(${key}, ${sizeBytes})`, () => policy.insert(state, key, sizeBytes)),
    keys: (state) => named('keys()', () => policy.keys(state)),
    usedBytes: (state) => named('usedBytes()', () => policy.usedBytes(state)),
  };
}

function cacheNode(config: CacheConfig): NodeBehavior<CacheState, EdgeMessage> {
  const { policy, collapser } = config;

  const recordError = (state: CacheState, effects: Effects, message: string): void => {
    const text = `collapser "${collapser.name}": ${message}`;
    // A chapter run stops here, so a broken collapser cannot pass for a fast one by leaving requests unanswered.
    if (config.onCollapserError === 'throw') throw new Error(text);
    state.errors.push(text);
    effects.push({ type: 'log', text: COLLAPSER_ERROR_LOG, data: { collapser: collapser.name, message: text } });
  };

  /** Calls onMiss; a throw or a malformed result counts as "no fetch" and is recorded. */
  const callOnMiss = (state: CacheState, effects: Effects, key: string, id: string): boolean => {
    let result: unknown;
    try {
      result = collapser.onMiss(state.collapser, key, id);
    } catch (error) {
      recordError(state, effects, `onMiss(${key}, ${id}) threw: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (result === null || typeof result !== 'object' || !('state' in result) || typeof (result as { fetch?: unknown }).fetch !== 'boolean') {
      recordError(state, effects, `onMiss(${key}, ${id}) must return { state, fetch: boolean } (got ${preview(result)})`);
      return false;
    }
    const ok = result as { state: unknown; fetch: boolean };
    state.collapser = ok.state;
    return ok.fetch;
  };

  /** Calls onResponse; a throw or a malformed result answers nobody and is recorded. */
  const callOnResponse = (state: CacheState, effects: Effects, key: string, startedBy: string): string[] => {
    let result: unknown;
    try {
      result = collapser.onResponse(state.collapser, key, startedBy);
    } catch (error) {
      recordError(state, effects, `onResponse(${key}) threw: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
    const answer = result !== null && typeof result === 'object' ? (result as { answer?: unknown }).answer : undefined;
    if (!('state' in Object(result)) || !Array.isArray(answer) || !answer.every((id) => typeof id === 'string')) {
      recordError(state, effects, `onResponse(${key}) must return { state, answer: string[] } (got ${preview(result)})`);
      return [];
    }
    state.collapser = (result as { state: unknown }).state;
    return answer as string[];
  };

  const sendFetch = (state: CacheState, effects: Effects, key: string, nowMs: number, background: boolean, startedBy: string | undefined, unconditional = false): string => {
    const fetchId = `${config.role === 'shield' ? 's' : 'f'}${state.nextFetch++}`;
    const copy = state.copies.get(key);
    const fetch: FetchMessage = { type: 'fetch', fetchId, key };
    if (copy !== undefined && !unconditional) fetch.haveVersion = copy.version;
    const floor = state.purgeFloorMs.get(key);
    if (floor !== undefined) fetch.notBeforeMs = floor;
    if (background) fetch.background = true;
    state.inFlight.set(fetchId, { key, sentAtMs: nowMs, background, haveVersion: fetch.haveVersion, ...(startedBy === undefined ? {} : { startedBy }) });
    if (background) state.backgroundKeys.add(key);
    effects.push({ type: 'send', to: config.upstream, message: fetch });
    effects.push({ type: 'setTimer', name: `timeout:${fetchId}`, delayMs: config.upstreamTimeoutMs, payload: fetchId });
    return fetchId;
  };

  /** Stores a copy (admitting it through the policy when the key is not stored) and forgets evicted keys. */
  const store = (state: CacheState, copy: CachedCopy): void => {
    if (!policy.lookup(state.cache, copy.key)) {
      const { admitted, evicted } = policy.insert(state.cache, copy.key, copy.sizeBytes);
      for (const key of evicted) state.copies.delete(String(key));
      if (!admitted) return;
    }
    // Answers may arrive out of order (without collapsing, several fetches per key are in flight): keep the newest.
    const current = state.copies.get(copy.key);
    if (current === undefined || current.generatedAtMs <= copy.generatedAtMs) state.copies.set(copy.key, copy);
  };

  /** Answers one demand: a reply to a client, or a response message to the PoP that fetched. */
  const answer = (
    effects: Effects,
    demand: Demand,
    outcome: Outcome,
    copy: CachedCopy | undefined,
    servedBy: EdgeReply['servedBy'],
    fetchId: string | undefined,
  ): void => {
    demand.answers++;
    if (demand.client) {
      const reply: EdgeReply = { type: 'served', id: demand.id, key: demand.key, arrivedAtMs: demand.arrivedAtMs, outcome, servedBy };
      if (copy !== undefined) reply.copy = copy;
      if (fetchId !== undefined) reply.fetchId = fetchId;
      effects.push({ type: 'reply', response: reply });
      return;
    }
    const status: ResponseMessage['status'] =
      copy === undefined ? 'error' : demand.haveVersion === copy.version ? 'not-modified' : 'ok';
    const response: ResponseMessage = { type: 'response', fetchId: demand.fetchId as string, key: demand.key, status, servedBy: servedBy === 'origin' ? 'origin' : 'shield' };
    if (copy !== undefined) response.copy = copy;
    if (outcome === 'hit') response.fromCache = true;
    effects.push({ type: 'send', to: demand.from as NodeId, message: response });
  };

  const onDemand = (state: CacheState, effects: Effects, demand: Demand, nowMs: number): void => {
    const stored = policy.lookup(state.cache, demand.key);
    let copy = stored ? state.copies.get(demand.key) : undefined;
    if (copy !== undefined && demand.notBeforeMs !== undefined && copy.generatedAtMs < demand.notBeforeMs) copy = undefined;
    if (copy !== undefined && (isFresh(copy, nowMs) || (config.ignoreMaxAge && config.role === 'pop'))) {
      answer(effects, demand, 'hit', copy, 'edge', undefined);
      return;
    }
    const swrMs = copy?.policy.staleWhileRevalidateMs ?? 0;
    if (copy !== undefined && config.role === 'pop' && config.staleWhileRevalidate && ageMs(copy, nowMs) < copy.policy.maxAgeMs + swrMs) {
      answer(effects, demand, 'stale-while-revalidate', copy, 'edge', undefined);
      if (!state.backgroundKeys.has(demand.key)) sendFetch(state, effects, demand.key, nowMs, true, undefined);
      return;
    }
    // Only requests that wait are remembered (hits are answered above and never reach the collapser); answered
    // ones stay, so that a collapser answering one again is carried out and shows in the trace.
    state.demands.set(demand.id, demand);
    const fetch = callOnMiss(state, effects, demand.key, demand.id);
    demand.joined = !fetch;
    if (!fetch) return;
    // A background revalidation of the key already in flight stands for the fetch the collapser asked for: the
    // request waits for it, and its answer answers the collapser's waiters, so one fetch per key stays in flight.
    for (const [fetchId, flight] of state.inFlight) {
      if (flight.key !== demand.key || !flight.background || flight.startedBy !== undefined) continue;
      flight.startedBy = demand.id;
      demand.joined = true;
      effects.push({ type: 'log', text: REVALIDATION_JOINED_LOG, data: { fetchId, requestId: demand.id } });
      return;
    }
    sendFetch(state, effects, demand.key, nowMs, false, demand.id);
  };

  /** The upstream answered fetch `fetchId` (or it timed out: `response` undefined). */
  const onUpstream = (state: CacheState, effects: Effects, fetchId: string, response: ResponseMessage | undefined, nowMs: number): void => {
    const flight = state.inFlight.get(fetchId);
    if (flight === undefined) return; // a late answer to a fetch that already timed out
    const { key } = flight;
    // An answer older than a purge this cache has seen, or a 304 for a copy evicted meanwhile: fetch again, as
    // the same logical fetch for the collapser (it still has one fetch in flight for the key).
    const floor = state.purgeFloorMs.get(key);
    const tooOld = response?.copy !== undefined && floor !== undefined && response.copy.generatedAtMs < floor;
    const lostCopy = response?.status === 'not-modified' && state.copies.get(key)?.version !== response.copy?.version;
    if (tooOld || lostCopy) {
      state.inFlight.delete(fetchId);
      effects.push({ type: 'cancelTimer', name: `timeout:${fetchId}` });
      const again = sendFetch(state, effects, key, nowMs, flight.background, flight.startedBy, lostCopy);
      effects.push({ type: 'log', text: REFETCH_LOG, data: { fetchId, again, reason: tooOld ? 'older than a purge' : 'copy evicted before 304' } });
      return;
    }
    state.inFlight.delete(fetchId);
    if (response !== undefined) effects.push({ type: 'cancelTimer', name: `timeout:${fetchId}` });
    if (flight.background) state.backgroundKeys.delete(key);

    let copy: CachedCopy | undefined;
    if (response !== undefined && response.status !== 'error' && response.copy !== undefined) {
      copy = response.copy;
      store(state, copy);
    }
    if (flight.background && flight.startedBy === undefined) return;

    const servedBy: EdgeReply['servedBy'] = response?.fromCache === true ? 'shield' : response?.servedBy ?? 'none';
    for (const id of callOnResponse(state, effects, key, flight.startedBy ?? '')) {
      const demand = state.demands.get(id);
      if (demand === undefined) {
        recordError(state, effects, `onResponse(${key}) answered "${id}", which is not a waiting request`);
        continue;
      }
      if (demand.key !== key) {
        recordError(state, effects, `onResponse(${key}) answered "${id}", a request for ${demand.key}`);
        continue;
      }
      if (copy !== undefined) {
        const outcome: Outcome = demand.joined ? 'collapsed' : response?.status === 'not-modified' ? 'revalidated' : 'miss';
        answer(effects, demand, outcome, copy, response?.status === 'not-modified' ? 'edge' : servedBy, fetchId);
        continue;
      }
      const stale = state.copies.get(key);
      const sieMs = stale?.policy.staleIfErrorMs ?? 0;
      const floorOk = demand.notBeforeMs === undefined || (stale !== undefined && stale.generatedAtMs >= demand.notBeforeMs);
      if (stale !== undefined && config.role === 'pop' && config.staleIfError && floorOk && ageMs(stale, nowMs) < stale.policy.maxAgeMs + sieMs) {
        answer(effects, demand, 'stale-if-error', stale, 'edge', fetchId);
      } else {
        answer(effects, demand, 'error', undefined, 'none', fetchId);
      }
    }
  };

  return {
    init: () => ({
      cache: policy.create(config.capacityBytes),
      copies: new Map(),
      purgeFloorMs: new Map(),
      collapser: collapser.init(),
      demands: new Map(),
      inFlight: new Map(),
      backgroundKeys: new Set(),
      nextFetch: 0,
      errors: [],
    }),
    step(state, input, ctx) {
      const effects: Effects = [];
      const nowMs = ctx.nowMs;
      switch (input.type) {
        case 'start':
          effects.push({
            type: 'log',
            text: EDGE_CONFIG_LOG,
            data: { role: config.role, staleWhileRevalidate: config.role === 'pop' && config.staleWhileRevalidate, staleIfError: config.role === 'pop' && config.staleIfError, collapser: collapser.name, referenceCollapser: collapser === collapseRequests },
          });
          break;
        case 'request': {
          const request = input.request as EdgeRequest;
          if (request.type !== 'get') break;
          onDemand(state, effects, { id: request.id, key: request.key, arrivedAtMs: nowMs, joined: false, answers: 0, client: true }, nowMs);
          break;
        }
        case 'timer':
          if (input.name.startsWith('timeout:')) onUpstream(state, effects, input.payload as string, undefined, nowMs);
          break;
        case 'message': {
          const message = input.message;
          if (message.type === 'response') onUpstream(state, effects, message.fetchId, message, nowMs);
          else if (message.type === 'purge') {
            state.copies.delete(message.key);
            state.purgeFloorMs.set(message.key, Math.max(message.issuedAtMs, state.purgeFloorMs.get(message.key) ?? -Infinity));
          } else if (message.type === 'fetch') {
            const demand: Demand = { id: `${input.from}/${message.fetchId}`, key: message.key, arrivedAtMs: nowMs, joined: false, answers: 0, client: false, from: input.from, fetchId: message.fetchId };
            if (message.haveVersion !== undefined) demand.haveVersion = message.haveVersion;
            if (message.notBeforeMs !== undefined) demand.notBeforeMs = message.notBeforeMs;
            onDemand(state, effects, demand, nowMs);
          }
          break;
        }
      }
      return { state, effects };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The origin and the control node.

/** One fetch the origin received: when, for what, and the body bytes it sent (0 for a 304, an error or silence). */
export interface OriginAccess {
  atMs: number;
  key: string;
  status: 'ok' | 'not-modified' | 'error' | 'silent';
  bytes: number;
}

interface OriginState {
  versions: Map<string, number>;
  /** How many outage windows are open now (windows may overlap). */
  outages: number;
  /** The origin's access log, read by `runCdn` for the metrics. */
  accessLog: OriginAccess[];
}

function originNode(
  objects: ReadonlyMap<string, { sizeBytes: number; policy: ObjectPolicy }>,
  serviceMs: number,
  outageMode: 'error' | 'silent',
): NodeBehavior<OriginState, EdgeMessage> {
  const respond = (state: OriginState, effects: Effects, to: NodeId, fetch: FetchMessage, nowMs: number): void => {
    const object = objects.get(fetch.key);
    if (state.outages > 0 || object === undefined) {
      state.accessLog.push({ atMs: nowMs, key: fetch.key, status: state.outages > 0 && outageMode === 'silent' ? 'silent' : 'error', bytes: 0 });
      if (state.outages > 0 && outageMode === 'silent') return;
      effects.push({ type: 'send', to, message: { type: 'response', fetchId: fetch.fetchId, key: fetch.key, status: 'error', servedBy: 'origin' } });
      return;
    }
    const version = state.versions.get(fetch.key) ?? 1;
    const copy: CachedCopy = { key: fetch.key, version, sizeBytes: object.sizeBytes, generatedAtMs: nowMs, policy: object.policy };
    const status = fetch.haveVersion === version ? 'not-modified' : 'ok';
    state.accessLog.push({ atMs: nowMs, key: fetch.key, status, bytes: status === 'ok' ? object.sizeBytes : 0 });
    effects.push({ type: 'send', to, message: { type: 'response', fetchId: fetch.fetchId, key: fetch.key, status, copy, servedBy: 'origin' } });
  };
  return {
    init: () => ({ versions: new Map(), outages: 0, accessLog: [] }),
    step(state, input, ctx) {
      const effects: Effects = [];
      if (input.type === 'start') {
        const table = [...objects].map(([key, o]) => ({ key, sizeBytes: o.sizeBytes, policy: o.policy }));
        effects.push({ type: 'log', text: ORIGIN_OBJECTS_LOG, data: { objects: table } });
      } else if (input.type === 'message' && input.message.type === 'fetch') {
        if (serviceMs > 0) {
          effects.push({ type: 'setTimer', name: `serve:${input.from}:${input.message.fetchId}`, delayMs: serviceMs, payload: { from: input.from, fetch: input.message } });
        } else {
          respond(state, effects, input.from, input.message, ctx.nowMs);
        }
      } else if (input.type === 'timer') {
        const { from, fetch } = input.payload as { from: NodeId; fetch: FetchMessage };
        respond(state, effects, from, fetch, ctx.nowMs);
      } else if (input.type === 'request') {
        const request = input.request as EdgeRequest;
        if (request.type === 'publish') state.versions.set(request.key, (state.versions.get(request.key) ?? 1) + 1);
        else if (request.type === 'outage') state.outages += request.down ? 1 : -1;
      }
      return { state, effects };
    },
  };
}

/** The control node: sends each purge to every cache, stamped with the time it was issued. */
function controlNode(caches: readonly NodeId[]): NodeBehavior<Record<string, never>, EdgeMessage> {
  return {
    init: () => ({}),
    step(state, input, ctx) {
      if (input.type !== 'request') return { state };
      const request = input.request as EdgeRequest;
      if (request.type !== 'purge') return { state };
      const message: PurgeMessage = { type: 'purge', purgeId: request.purgeId, key: request.key, issuedAtMs: ctx.nowMs };
      return { state, effects: caches.map((to) => ({ type: 'send' as const, to, message })) };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

/** The node ids of the origin and the control node; PoP and shield ids must differ from them. */
export const ORIGIN_NODE = 'origin';
export const CONTROL_NODE = 'control';

function oneWayMs(latencyMs: CdnOptions['latencyMs'], a: string, b: string): number {
  const ms = latencyMs[a]?.[b] ?? latencyMs[b]?.[a];
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new Error(`runCdn: latencyMs has no one-way ms between regions "${a}" and "${b}" (give latencyMs["${a}"]["${b}"])`);
  }
  return ms;
}

function nearestRank(sorted: readonly number[], percentile: number): number {
  return sorted.length === 0 ? 0 : (sorted[percentileIndex(sorted.length, percentile)] as number);
}

type AnyState = CacheState | OriginState | Record<string, never>;

/**
 * Rejects option values no run can mean: every time, bound, size and duration must be a finite number >= 0 (a
 * bucket, a timeout and the trace's size > 0; a max-age or stale window may also be Infinity), and an outage must
 * not end before it starts. A bad value would
 * otherwise run quietly and surface later as a puzzling verdict (a purge bound of -10 ms "violated" before the purge
 * was sent). The error names the option by its path, e.g. `purges[0].boundMs`.
 */
function checkCdnOptions(options: CdnOptions): void {
  const need = (value: unknown, path: string, rule: '>= 0' | '> 0', optional = true, forever = false): void => {
    if (value === undefined && optional) return;
    const ok = typeof value === 'number' && (Number.isFinite(value) || (forever && value === Infinity)) && (rule === '>= 0' ? value >= 0 : value > 0);
    if (!ok) throw new Error(`runCdn: ${path} must be a ${forever ? 'number' : 'finite number'} ${rule} (got ${typeof value === 'number' ? String(value) : preview(value)})`);
  };
  options.objects.forEach((o, i) => {
    need(o.sizeBytes, `objects[${i}].sizeBytes`, '>= 0', false);
    if (o.policy === undefined || o.policy === null) throw new Error(`runCdn: objects[${i}] ("${o.key}") needs a policy with maxAgeMs`);
    // A lifetime or a stale window may be Infinity: a copy that never expires, or may always be served stale.
    need(o.policy.maxAgeMs, `objects[${i}].policy.maxAgeMs`, '>= 0', false, true);
    need(o.policy.staleWhileRevalidateMs, `objects[${i}].policy.staleWhileRevalidateMs`, '>= 0', true, true);
    need(o.policy.staleIfErrorMs, `objects[${i}].policy.staleIfErrorMs`, '>= 0', true, true);
  });
  options.pops.forEach((p, i) => {
    need(p.capacityBytes, `pops[${i}].capacityBytes`, '>= 0', false);
    need(p.clientMs, `pops[${i}].clientMs`, '>= 0');
  });
  if (options.shield !== undefined) need(options.shield.capacityBytes, 'shield.capacityBytes', '>= 0', false);
  need(options.origin.serviceMs, 'origin.serviceMs', '>= 0');
  need(options.upstreamTimeoutMs, 'upstreamTimeoutMs', '> 0');
  options.requests.forEach((r, i) => need(r.atMs, `requests[${i}].atMs`, '>= 0', false));
  (options.publishes ?? []).forEach((p, i) => need(p.atMs, `publishes[${i}].atMs`, '>= 0', false));
  (options.purges ?? []).forEach((p, i) => {
    need(p.atMs, `purges[${i}].atMs`, '>= 0', false);
    need(p.boundMs, `purges[${i}].boundMs`, '>= 0');
  });
  (options.originOutages ?? []).forEach((o, i) => {
    need(o.fromMs, `originOutages[${i}].fromMs`, '>= 0', false);
    need(o.untilMs, `originOutages[${i}].untilMs`, '>= 0', false);
    if (o.untilMs < o.fromMs) throw new Error(`runCdn: originOutages[${i}] ends (untilMs ${o.untilMs}) before it starts (fromMs ${o.fromMs})`);
  });
  need(options.untilMs, 'untilMs', '>= 0', false);
  need(options.settleMs, 'settleMs', '>= 0');
  need(options.bucketMs, 'bucketMs', '> 0');
  need(options.maxTraceEvents, 'maxTraceEvents', '> 0');
  if (options.onCollapserError !== undefined && options.onCollapserError !== 'throw' && options.onCollapserError !== 'record') {
    throw new Error(`runCdn: onCollapserError must be 'throw' or 'record' (got ${preview(options.onCollapserError)})`);
  }
}

/**
 * Runs a CDN: builds the nodes and the per-link latencies from the options, turns requests, publishes, purges and
 * outages into interventions, runs the simulator to `untilMs + settleMs`, and reads the metrics from the replies
 * and the origin's access log (so they are there with the trace off too). With a trace, `checks` holds `checkCdn`.
 */
export function runCdn(options: CdnOptions): CdnRun {
  checkCdnOptions(options);
  const objects = new Map<string, { sizeBytes: number; policy: ObjectPolicy }>();
  for (const object of options.objects) objects.set(object.key, { sizeBytes: object.sizeBytes, policy: object.policy });
  if (options.pops.length === 0) throw new Error('runCdn: give at least one PoP in pops');
  const shieldId = options.shield === undefined ? undefined : options.shield.id ?? 'shield';
  const regionOf = new Map<NodeId, string>();
  for (const pop of options.pops) {
    if (regionOf.has(pop.id) || pop.id === ORIGIN_NODE || pop.id === CONTROL_NODE || pop.id === shieldId) {
      throw new Error(`runCdn: the PoP id "${pop.id}" is used twice or names the origin, the control node or the shield`);
    }
    regionOf.set(pop.id, pop.region);
  }
  if (shieldId !== undefined && options.shield !== undefined) regionOf.set(shieldId, options.shield.region);
  regionOf.set(ORIGIN_NODE, options.origin.region);
  regionOf.set(CONTROL_NODE, options.controlRegion ?? options.origin.region);

  const collapser = options.collapser ?? collapseRequests;
  const common = {
    collapser,
    staleWhileRevalidate: options.staleWhileRevalidate ?? true,
    staleIfError: options.staleIfError ?? true,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 1000,
    ignoreMaxAge: options.ignoreMaxAge ?? false,
    onCollapserError: options.onCollapserError ?? 'throw',
  };
  const nodes: Record<NodeId, NodeBehavior<AnyState, EdgeMessage>> = {};
  const popUpstream = shieldId ?? ORIGIN_NODE;
  for (const pop of options.pops) {
    nodes[pop.id] = cacheNode({ ...common, role: 'pop', upstream: popUpstream, capacityBytes: pop.capacityBytes, policy: namedPolicy(pop.policy ?? lru) }) as NodeBehavior<AnyState, EdgeMessage>;
  }
  if (shieldId !== undefined && options.shield !== undefined) {
    nodes[shieldId] = cacheNode({
      ...common,
      collapser: options.shieldCollapser ?? collapser,
      role: 'shield',
      upstream: ORIGIN_NODE,
      capacityBytes: options.shield.capacityBytes,
      policy: namedPolicy(options.shield.policy ?? lru),
    }) as NodeBehavior<AnyState, EdgeMessage>;
  }
  nodes[ORIGIN_NODE] = originNode(objects, options.origin.serviceMs ?? 0, options.originOutageMode ?? 'error') as NodeBehavior<AnyState, EdgeMessage>;
  const caches = [...options.pops.map((p) => p.id), ...(shieldId === undefined ? [] : [shieldId])];
  nodes[CONTROL_NODE] = controlNode(caches) as NodeBehavior<AnyState, EdgeMessage>;

  const ids = [...regionOf.keys()];
  const links: LinkOverride[] = [];
  for (const from of ids) {
    for (const to of ids) {
      links.push({ from, to, latency: { kind: 'constant', ms: oneWayMs(options.latencyMs, regionOf.get(from) as string, regionOf.get(to) as string) } });
    }
  }
  links.push(...(options.links ?? []));

  const interventions: Intervention[] = [];
  const popById = new Map(options.pops.map((p) => [p.id, p]));
  options.requests.forEach((r, i) => {
    if (!popById.has(r.pop)) throw new Error(`runCdn: requests[${i}].pop "${r.pop}" is not a PoP (${[...popById.keys()].join(', ')})`);
    if (!objects.has(r.key)) throw new Error(`runCdn: requests[${i}].key "${r.key}" is not in objects`);
    interventions.push({ atMs: r.atMs, kind: 'request', node: r.pop, request: { type: 'get', id: `r${i}`, key: r.key } satisfies EdgeRequest });
  });
  for (const p of options.publishes ?? []) interventions.push({ atMs: p.atMs, kind: 'request', node: ORIGIN_NODE, request: { type: 'publish', key: p.key } satisfies EdgeRequest });
  (options.purges ?? []).forEach((p, i) => {
    interventions.push({ atMs: p.atMs, kind: 'request', node: CONTROL_NODE, request: { type: 'purge', purgeId: `p${i}`, key: p.key, boundMs: p.boundMs ?? 2000 } satisfies EdgeRequest });
  });
  for (const o of options.originOutages ?? []) {
    interventions.push({ atMs: o.fromMs, kind: 'request', node: ORIGIN_NODE, request: { type: 'outage', down: true } satisfies EdgeRequest });
    interventions.push({ atMs: o.untilMs, kind: 'request', node: ORIGIN_NODE, request: { type: 'outage', down: false } satisfies EdgeRequest });
  }
  interventions.push(...(options.interventions ?? []));

  const replies: { reply: EdgeReply; atMs: number }[] = [];
  const recording = options.trace ?? true;
  const simulation = new Simulation<AnyState, EdgeMessage>({
    seed: options.seed,
    nodes: observeReplies(nodes, (response, _node, atMs) => replies.push({ reply: response as EdgeReply, atMs })),
    network: { latency: { kind: 'constant', ms: 0 }, fifo: true, links },
    interventions,
    trace: { record: recording, recordState: false, maxEvents: options.maxTraceEvents ?? 200_000 },
  });
  const endMs = options.untilMs + (options.settleMs ?? 5000);
  simulation.runUntil(endMs);

  const states = simulation.states();
  const origin = states[ORIGIN_NODE] as OriginState | undefined;
  const collapserErrors = caches.flatMap((id) => (states[id] as CacheState | undefined)?.errors ?? []);
  const requests = servedRequests(options, replies);
  const metrics = cdnMetrics(requests, origin?.accessLog ?? [], endMs, options.bucketMs ?? 1000);
  const run: CdnRun = { requests, metrics, checks: [], collapserErrors };
  if (recording) {
    run.trace = simulation.trace();
    run.checks = checkCdn(run.trace);
  }
  return run;
}

function servedRequests(options: CdnOptions, replies: readonly { reply: EdgeReply; atMs: number }[]): ServedRequest[] {
  const popById = new Map(options.pops.map((p) => [p.id, p]));
  const sizeOf = new Map(options.objects.map((o) => [o.key, o.sizeBytes]));
  const served: ServedRequest[] = options.requests.map((r, i) => ({
    id: `r${i}`,
    atMs: r.atMs,
    pop: r.pop,
    key: r.key,
    sizeBytes: sizeOf.get(r.key) ?? 0,
    outcome: 'error',
    servedBy: 'none',
    answers: 0,
  }));
  const byId = new Map(served.map((s) => [s.id, s]));
  for (const { reply, atMs } of replies) {
    const entry = byId.get(reply.id);
    if (entry === undefined) continue;
    entry.answers++;
    if (entry.answers > 1) continue; // the first answer is the one the client saw
    const pop = popById.get(entry.pop) as PopSpec;
    const clientMs = pop.clientMs ?? oneWayMs(options.latencyMs, pop.region, pop.region);
    entry.answeredAtMs = atMs;
    entry.outcome = reply.outcome;
    entry.servedBy = reply.servedBy;
    entry.latencyMs = roundMs(2 * clientMs + (atMs - entry.atMs));
    if (reply.copy !== undefined) entry.version = reply.copy.version;
  }
  return served;
}

const EDGE_HITS: ReadonlySet<Outcome> = new Set(['hit', 'stale-while-revalidate', 'stale-if-error']);

function cdnMetrics(requests: readonly ServedRequest[], accessLog: readonly OriginAccess[], endMs: number, bucketMs: number): CdnMetrics {
  const answered = requests.filter((r) => r.answeredAtMs !== undefined);
  const hits = answered.filter((r) => EDGE_HITS.has(r.outcome)).length;
  const bodies = answered.filter((r) => r.outcome !== 'error');
  const servedBytes = bodies.reduce((sum, r) => sum + r.sizeBytes, 0);
  const edgeBytes = bodies.filter((r) => EDGE_HITS.has(r.outcome) || r.outcome === 'revalidated').reduce((sum, r) => sum + r.sizeBytes, 0);
  const latencies = answered.map((r) => r.latencyMs as number).sort((a, b) => a - b);
  const buckets = Math.max(1, Math.ceil(endMs / bucketMs));
  const series = Array.from({ length: buckets }, (_, i) => ({ startMs: i * bucketMs, originRequests: 0, originBytes: 0, edgeBytes: 0 }));
  const bucketAt = (t: number) => series[Math.min(buckets - 1, Math.floor(t / bucketMs))] as CdnMetrics['series'][number];
  for (const a of accessLog) {
    const bucket = bucketAt(a.atMs);
    bucket.originRequests++;
    bucket.originBytes += a.bytes;
  }
  for (const r of bodies) bucketAt(r.answeredAtMs as number).edgeBytes += r.sizeBytes;
  return {
    requests: requests.length,
    hits,
    hitRatio: requests.length === 0 ? 0 : hits / requests.length,
    byteHitRatio: servedBytes === 0 ? 0 : edgeBytes / servedBytes,
    originRequests: accessLog.length,
    originBytes: accessLog.reduce((sum, a) => sum + a.bytes, 0),
    errors: answered.filter((r) => r.outcome === 'error').length,
    unanswered: requests.length - answered.length,
    latencyMs: { p50: nearestRank(latencies, 50), p95: nearestRank(latencies, 95), p99: nearestRank(latencies, 99) },
    series,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Workloads.

/** The key of a catalogue object of popularity rank `rank` (1 = most popular). */
export const objectKey = (rank: number): string => `/o/${rank}`;

export interface WorkloadMapping {
  /** Seeds the draw of each request's PoP. */
  seed: number | string;
  /** The region mix: each PoP's share of the clients (any positive weights; they are normalised). Example:
   *  `{ 'pop-eu': 3, 'pop-us': 2, 'pop-asia': 1 }`. */
  popShares: Record<string, number>;
  /** The origin's freshness policy: one for every object, or one per rank. */
  policy: ObjectPolicy | ((rank: number) => ObjectPolicy);
}

/**
 * Turns a `zipfWorkload` into `runCdn`'s `requests` and `objects`: rank r becomes the key `/o/r` (`objectKey`),
 * with the workload's size for it; each request goes to a PoP drawn (seeded) by `popShares`, as if clients in each
 * region sent their share of the stream to their nearest PoP. Every object of the catalogue is listed, requested
 * or not.
 */
export function requestsFromWorkload(workload: ZipfWorkload, mapping: WorkloadMapping): Pick<CdnOptions, 'requests' | 'objects'> {
  const pops = Object.keys(mapping.popShares).sort();
  const weights = pops.map((pop) => mapping.popShares[pop] as number);
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (pops.length === 0 || !weights.every((w) => Number.isFinite(w) && w >= 0) || !(total > 0)) {
    throw new Error('requestsFromWorkload: popShares must give each PoP a weight >= 0, at least one of them > 0');
  }
  const random = new Random(mapping.seed).fork('pop-of-request');
  const requests = workload.requests.map((r) => {
    let u = random.next() * total;
    let i = 0;
    while (i < pops.length - 1 && u >= (weights[i] as number)) u -= weights[i++] as number;
    return { atMs: r.atMs, pop: pops[i] as string, key: objectKey(r.key) };
  });
  const policyOf = typeof mapping.policy === 'function' ? mapping.policy : () => mapping.policy as ObjectPolicy;
  const objects = workload.sizes.map((sizeBytes, i) => ({ key: objectKey(i + 1), sizeBytes, policy: policyOf(i + 1) }));
  return { requests, objects };
}
