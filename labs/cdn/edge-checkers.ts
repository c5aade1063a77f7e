/**
 * Checkers for a CDN run: functions over the trace of `runCdn`, never inside the nodes. Each answers ok, violation
 * (with the events that show it) or inconclusive (a truncated trace), as `labs/sim/check.ts` describes.
 *
 * They read what the nodes put on the record: client requests (`request` events of type `get` at a PoP), replies
 * (`EdgeReply`), fetches and upstream answers (`send` and `deliver` of `FetchMessage` / `ResponseMessage`),
 * fetch timeouts (`timer` events named `timeout:<fetchId>`), purges as issued (`request` events at the control
 * node), each cache's configuration (the `edge-config` log at start: what it honours, which collapser it runs), the
 * objects' configured policies (the origin's `origin-objects` log at start), fetches sent again (`refetch` logs)
 * and revalidations a request joined (`revalidation-joined` logs). Nothing is taken on a reply's word: an outcome
 * that claims a fetch must name one whose answer really reached the cache, and max-age is the origin's, not the
 * copy's.
 */
import { okUnlessTruncated } from '../sim/check';
import type { CheckResult } from '../sim/check';
import type { Trace, TraceEvent, TraceEventOf } from '../sim/trace';
import type { NodeId } from '../sim/types';
import { EDGE_CONFIG_LOG, ORIGIN_OBJECTS_LOG, REFETCH_LOG, REVALIDATION_JOINED_LOG } from './edge';
import type { CachedCopy, EdgeMessage, EdgeReply, EdgeRequest, FetchMessage, ObjectPolicy, Outcome, ResponseMessage } from './edge';

interface EdgeConfig {
  role: 'pop' | 'shield';
  staleWhileRevalidate: boolean;
  staleIfError: boolean;
  collapser?: string;
  referenceCollapser?: boolean;
}

/** Per node and fetch id. */
const fetchKey = (node: NodeId, fetchId: string): string => `${node} ${fetchId}`;

/** What the checkers need from a trace, gathered in one pass. */
interface EdgeRecord {
  configs: Map<NodeId, EdgeConfig>;
  /** Each object's configured policy, from the origin's table at start; undefined when the trace lacks it. */
  policies: Map<string, ObjectPolicy> | undefined;
  gets: Map<string, TraceEventOf<'request'>>;
  replies: { event: TraceEventOf<'reply'>; reply: EdgeReply }[];
  fetches: Map<string, TraceEventOf<'send'>>;
  /** A client request -> the fetch it started (a fetch sent in the step in which the request arrived, not a
   *  background revalidation). */
  started: Map<string, string>;
  /** Fetches whose upstream answered an error, or that timed out. */
  failed: Map<string, TraceEvent>;
  /** The upstream answers each cache received, by fetch. */
  answers: Map<string, { event: TraceEventOf<'deliver'>; response: ResponseMessage }>;
  /** The event that ended each fetch's flight: its answer's arrival, or its timeout, whichever came first. */
  ended: Map<string, TraceEvent>;
  /** A fetch sent again -> the fetch it stands for. */
  replaces: Map<string, string>;
  /** Background revalidations a request joined (`revalidation-joined` logs). */
  joinedRevalidations: Set<string>;
  purges: { event: TraceEventOf<'request'>; key: string; boundMs: number }[];
  /** Copies the shield sent from its own store: the send, and the copy. */
  shieldServed: { event: TraceEventOf<'send'>; response: ResponseMessage }[];
}

function readRecord(trace: Trace): EdgeRecord {
  const record: EdgeRecord = {
    configs: new Map(), policies: undefined, gets: new Map(), replies: [], fetches: new Map(), started: new Map(),
    failed: new Map(), answers: new Map(), ended: new Map(), replaces: new Map(), joinedRevalidations: new Set(), purges: [], shieldServed: [],
  };
  // The input each node is handling: a fetch sent while a node handles a client's get was started by that get.
  const handling = new Map<NodeId, TraceEvent>();
  for (const e of trace.events) {
    switch (e.kind) {
      case 'log':
        if (e.text === EDGE_CONFIG_LOG) record.configs.set(e.node, e.data as EdgeConfig);
        else if (e.text === ORIGIN_OBJECTS_LOG) {
          const { objects } = e.data as { objects: { key: string; policy: ObjectPolicy }[] };
          record.policies = new Map(objects.map((o) => [o.key, o.policy]));
        } else if (e.text === REFETCH_LOG) {
          const { fetchId, again } = e.data as { fetchId: string; again: string };
          record.replaces.set(fetchKey(e.node, again), fetchKey(e.node, fetchId));
        } else if (e.text === REVALIDATION_JOINED_LOG) {
          record.joinedRevalidations.add(fetchKey(e.node, (e.data as { fetchId: string }).fetchId));
        }
        break;
      case 'request': {
        handling.set(e.node, e);
        const request = e.request as EdgeRequest;
        if (request.type === 'get') record.gets.set(request.id, e);
        else if (request.type === 'purge') record.purges.push({ event: e, key: request.key, boundMs: request.boundMs });
        break;
      }
      case 'reply':
        record.replies.push({ event: e, reply: e.response as EdgeReply });
        break;
      case 'send': {
        const message = e.message as EdgeMessage;
        if (message.type === 'fetch') {
          const id = fetchKey(e.node, message.fetchId);
          record.fetches.set(id, e);
          const cause = handling.get(e.node);
          if (message.background !== true && cause?.kind === 'request' && (cause.request as EdgeRequest).type === 'get') {
            const getId = (cause.request as { id: string }).id;
            if (!record.started.has(getId)) record.started.set(getId, id);
          }
        } else if (message.type === 'response' && message.fromCache === true) record.shieldServed.push({ event: e, response: message });
        break;
      }
      case 'deliver': {
        handling.set(e.node, e);
        const message = e.message as EdgeMessage;
        if (message.type !== 'response') break;
        const id = fetchKey(e.node, message.fetchId);
        if (!record.answers.has(id)) record.answers.set(id, { event: e, response: message });
        if (!record.ended.has(id)) record.ended.set(id, e);
        if (message.status === 'error') record.failed.set(id, e);
        break;
      }
      case 'timer':
        handling.set(e.node, e);
        if (e.name.startsWith('timeout:')) {
          const id = fetchKey(e.node, e.name.slice('timeout:'.length));
          record.failed.set(id, e);
          if (!record.ended.has(id)) record.ended.set(id, e);
        }
        break;
    }
  }
  return record;
}

/** The fetch a fetch sent again stands for, following the chain of `refetch` logs back to the first. */
function originalFetch(record: EdgeRecord, id: string): string {
  let original = id;
  while (record.replaces.has(original)) original = record.replaces.get(original) as string;
  return original;
}

const ageAt = (t: number, copy: CachedCopy): number => t - copy.generatedAtMs;

/** A policy's max-age: the trace may have gone through JSON, which writes an infinite max-age as null. */
const maxAgeOf = (policy: ObjectPolicy): number => policy.maxAgeMs ?? Infinity;

function violation(property: string, failure: 'safety' | 'liveness', message: string, events: (TraceEvent | undefined)[]): CheckResult {
  const list = events.filter((e): e is TraceEvent => e !== undefined).sort((a, b) => a.seq - b.seq);
  return { status: 'violation', property, failure, message, events: list };
}

/** Outcomes that claim a copy just received from upstream. */
const FIRST_HAND: ReadonlySet<Outcome> = new Set(['miss', 'collapsed', 'revalidated']);

/**
 * Whether a reply's copy is first-hand: the reply names a fetch whose upstream answer (a copy, or a 304 renewing
 * one) reached this cache, for this key, after the request arrived, and that answer carried the copy served.
 */
function firstHandAnswer(record: EdgeRecord, event: TraceEventOf<'reply'>, reply: EdgeReply): TraceEvent | undefined {
  if (reply.fetchId === undefined || reply.copy === undefined) return undefined;
  const answer = record.answers.get(fetchKey(event.node, reply.fetchId));
  const get = record.gets.get(reply.id);
  if (answer === undefined || get === undefined || answer.event.seq < get.seq || answer.event.seq > event.seq) return undefined;
  const copy = answer.response.copy;
  if (answer.response.status === 'error' || answer.response.key !== reply.key || copy === undefined) return undefined;
  return copy.version === reply.copy.version && copy.generatedAtMs === reply.copy.generatedAtMs ? answer.event : undefined;
}

/**
 * RFC 9111 §4.2 and RFC 5861: no copy is reused past its max-age unless stale serving allowed it, within its
 * window. The windows are the object's configured policy, read from the table the origin logs at start, never
 * from the copy a reply carries (a copy could claim any max-age).
 *
 * A reply is first-hand, and not checked here, only when it is a `miss`, `collapsed` or `revalidated` that names a
 * fetch whose upstream answer reached this cache for this key after the request arrived, carrying the copy served.
 * Every other reply with a copy is reuse: a `hit` (or a first-hand outcome that names no such answer) must be fresh
 * (age < max-age); a `stale-while-revalidate` answer needs the PoP to honour it and age < max-age +
 * staleWhileRevalidateMs; a `stale-if-error` answer needs the PoP to honour it, a failed fetch (an error answer, or
 * a timeout) behind it, and age < max-age + staleIfErrorMs. The shield's answers from its store must be fresh.
 * Without the origin's table the answer is inconclusive.
 */
export function checkFreshness(trace: Trace): CheckResult {
  const property = 'freshness (RFC 9111 §4.2, RFC 5861)';
  const record = readRecord(trace);
  const policies = record.policies;
  if (policies === undefined) {
    return { status: 'inconclusive', property, reason: `the trace has no "${ORIGIN_OBJECTS_LOG}" log, so the objects' configured max-ages are unknown` };
  }
  const policyOf = (key: string, events: (TraceEvent | undefined)[]): ObjectPolicy | CheckResult => {
    const policy = policies.get(key);
    return policy ?? violation(property, 'safety', `a copy of ${key} was served, but the origin has no such object`, events);
  };
  for (const { event, reply } of record.replies) {
    const copy = reply.copy;
    if (copy === undefined) continue;
    const evidence = [record.gets.get(reply.id), event];
    const policy = policyOf(reply.key, evidence);
    if ('status' in policy) return policy;
    const age = ageAt(event.t, copy);
    const { staleWhileRevalidateMs = 0, staleIfErrorMs = 0 } = policy;
    const maxAgeMs = maxAgeOf(policy);
    const config = record.configs.get(event.node);
    const where = `${event.node} answered ${reply.id} (${reply.key} v${copy.version}) at ${event.t} ms`;
    if (reply.outcome === 'hit' && !(age < maxAgeMs)) {
      return violation(property, 'safety', `${where} as a hit with a copy ${age} ms old, past its max-age of ${maxAgeMs} ms`, evidence);
    }
    if (FIRST_HAND.has(reply.outcome) && firstHandAnswer(record, event, reply) === undefined && !(age < maxAgeMs)) {
      return violation(
        property,
        'safety',
        `${where} as ${reply.outcome === 'miss' ? 'a miss' : reply.outcome}, but names no upstream answer that brought that copy after the request arrived, so it reused a copy ${age} ms old, past its max-age of ${maxAgeMs} ms`,
        evidence,
      );
    }
    if (reply.outcome === 'stale-while-revalidate') {
      if (config?.staleWhileRevalidate !== true) {
        return violation(property, 'safety', `${where} stale-while-revalidate, which this cache does not honour`, evidence);
      }
      if (!(age < maxAgeMs + staleWhileRevalidateMs)) {
        return violation(property, 'safety', `${where} stale-while-revalidate with a copy ${age} ms old, past max-age ${maxAgeMs} + ${staleWhileRevalidateMs} ms`, evidence);
      }
    }
    if (reply.outcome === 'stale-if-error') {
      const failed = reply.fetchId === undefined ? undefined : record.failed.get(fetchKey(event.node, reply.fetchId));
      if (config?.staleIfError !== true || failed === undefined) {
        return violation(property, 'safety', `${where} stale-if-error ${failed === undefined ? 'without a failed fetch behind it' : 'which this cache does not honour'}`, evidence);
      }
      if (!(age < maxAgeMs + staleIfErrorMs)) {
        return violation(property, 'safety', `${where} stale-if-error with a copy ${age} ms old, past max-age ${maxAgeMs} + ${staleIfErrorMs} ms`, [record.gets.get(reply.id), failed, event]);
      }
    }
  }
  for (const { event, response } of record.shieldServed) {
    const copy = response.copy as CachedCopy;
    const policy = policyOf(response.key, [event]);
    if ('status' in policy) return policy;
    const age = ageAt(event.t, copy);
    if (!(age < maxAgeOf(policy))) {
      return violation(property, 'safety', `${event.node} answered ${event.to}'s fetch ${response.fetchId} from its store with a copy ${age} ms old, past its max-age of ${maxAgeOf(policy)} ms`, [event]);
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * Purges are honoured within their bound: once `boundMs` has passed since a purge of a key was issued, no cache
 * serves a copy of that key generated before the purge (to a client, or from the shield's store to a PoP).
 */
export function checkPurges(trace: Trace): CheckResult {
  const property = 'purges within their bound';
  const record = readRecord(trace);
  if (record.purges.length === 0) return okUnlessTruncated(trace, property);
  const served: { event: TraceEventOf<'reply'> | TraceEventOf<'send'>; key: string; copy: CachedCopy; to: string }[] = [
    ...record.replies.flatMap(({ event, reply }) => (reply.copy === undefined ? [] : [{ event, key: reply.key, copy: reply.copy, to: `request ${reply.id}` }])),
    ...record.shieldServed.map(({ event, response }) => ({ event, key: response.key, copy: response.copy as CachedCopy, to: `${event.to}'s fetch ${response.fetchId}` })),
  ];
  served.sort((a, b) => a.event.seq - b.event.seq);
  for (const s of served) {
    for (const purge of record.purges) {
      const deadline = purge.event.t + purge.boundMs;
      if (s.key === purge.key && s.event.t > deadline && s.copy.generatedAtMs < purge.event.t) {
        return violation(
          property,
          'safety',
          `${s.event.node} served ${s.to} at ${s.event.t} ms a copy of ${s.key} generated at ${s.copy.generatedAtMs} ms, before the purge issued at ${purge.event.t} ms (bound ${purge.boundMs} ms, so by ${deadline} ms)`,
          [purge.event, s.event],
        );
      }
    }
  }
  return okUnlessTruncated(trace, property);
}

/** Outcomes that a fetch's answer (or its failure) gives: the reply must name that fetch. */
const FROM_A_FETCH: ReadonlySet<Outcome> = new Set(['miss', 'collapsed', 'revalidated', 'stale-if-error', 'error']);

/** The fetch `node` had in flight for `key` when event `at` happened (sent before it, not yet ended). */
function fetchInFlight(record: EdgeRecord, node: NodeId, key: string, at: TraceEvent): TraceEventOf<'send'> | undefined {
  for (const [id, send] of record.fetches) {
    const message = send.message as FetchMessage;
    if (send.node !== node || message.key !== key || send.seq > at.seq) continue;
    const end = record.ended.get(id);
    if (end === undefined || end.seq > at.seq) return send;
  }
  return undefined;
}

/**
 * Request collapsing, as the chapter states it: a request that finds a fetch for its key in flight waits for that
 * fetch and is answered by it (`collapsed`); a request that finds none starts a fetch and is answered by that fetch;
 * no request is answered by a fetch sent after it arrived if a fetch was already in flight when it arrived, nor by
 * a fetch sent before it arrived that it did not join.
 *
 * On the trace: every client request is answered exactly once (twice is a safety violation, never a liveness one).
 * A reply given from a fetch (`miss`, `collapsed`, `revalidated`, `stale-if-error`, `error`) names it; the fetch
 * was sent by this PoP for the same key, its answer (or its failure) reached the PoP after the request arrived,
 * and a reply with a copy carries the copy that answer brought. A request that started a fetch (one sent while
 * the PoP handled its arrival) is answered by that fetch, and is not `collapsed`. A request that started none is
 * `collapsed` or failed with its fetch, and is answered by the fetch it joined: one sent before it arrived and
 * still in flight then. A fetch sent again after a purge (a `refetch` log) stands for the fetch it replaces. A
 * stale-while-revalidate revalidation answers a request only when one joined it (a `revalidation-joined` log).
 */
export function checkCollapsedAnswers(trace: Trace): CheckResult {
  const property = 'each request answered once, by the fetch it started or the fetch in flight it joined';
  const record = readRecord(trace);
  const repliesById = new Map<string, { event: TraceEventOf<'reply'>; reply: EdgeReply }[]>();
  for (const r of record.replies) {
    const list = repliesById.get(r.reply.id) ?? [];
    list.push(r);
    repliesById.set(r.reply.id, list);
  }
  for (const [id, list] of repliesById) {
    if (list.length > 1) {
      return violation(property, 'safety', `request ${id} was answered ${list.length} times`, [record.gets.get(id), ...list.map((r) => r.event)]);
    }
  }
  for (const { event, reply } of record.replies) {
    const get = record.gets.get(reply.id);
    if (reply.fetchId === undefined) {
      if (FROM_A_FETCH.has(reply.outcome)) {
        return violation(property, 'safety', `request ${reply.id} for ${reply.key} was answered ${reply.outcome} at ${event.t} ms without naming the fetch that answered it`, [get, event]);
      }
      continue;
    }
    const id = fetchKey(event.node, reply.fetchId);
    const fetch = record.fetches.get(id);
    const fetchMessage = fetch?.message as FetchMessage | undefined;
    if (fetch === undefined || fetchMessage?.key !== reply.key) {
      return violation(property, 'safety', `request ${reply.id} for ${reply.key} was answered by fetch ${reply.fetchId}, which ${event.node} never sent for that key`, [get, fetch, event]);
    }
    const end = record.ended.get(id);
    if (end === undefined || end.seq > event.seq || (get !== undefined && end.seq < get.seq)) {
      return violation(
        property,
        'safety',
        `request ${reply.id} for ${reply.key} was answered by fetch ${reply.fetchId}, whose answer ${end === undefined || end.seq > event.seq ? 'had not reached' : 'had reached'} ${event.node} ${end !== undefined && get !== undefined && end.seq < get.seq ? `at ${end.t} ms, before the request arrived at ${get.t} ms` : 'by then'}`,
        [get, fetch, end, event],
      );
    }
    const answer = record.answers.get(id);
    if (reply.outcome !== 'error' && reply.outcome !== 'stale-if-error') {
      const copy = answer?.response.copy;
      if (copy === undefined || copy.version !== reply.copy?.version || copy.generatedAtMs !== reply.copy.generatedAtMs) {
        return violation(property, 'safety', `request ${reply.id} was answered with a copy that fetch ${reply.fetchId} did not bring`, [get, answer?.event, event]);
      }
    }
    if (get === undefined) continue;
    const original = originalFetch(record, id);
    const originalSend = record.fetches.get(original) as TraceEventOf<'send'>;
    const started = record.started.get(reply.id);
    if (started !== undefined) {
      if (started !== original) {
        const startedId = (record.fetches.get(started)?.message as FetchMessage).fetchId;
        return violation(
          property,
          'safety',
          `request ${reply.id} arrived at ${get.t} ms, found no fetch for ${reply.key} in flight and started fetch ${startedId}, but was answered by fetch ${reply.fetchId}, sent at ${originalSend.t} ms`,
          [get, record.fetches.get(started), originalSend, event],
        );
      }
      if (reply.outcome === 'collapsed') {
        return violation(property, 'safety', `request ${reply.id} started fetch ${reply.fetchId} and was answered by it, but as collapsed (a request that joined another's fetch)`, [get, event]);
      }
      continue;
    }
    if (reply.outcome === 'miss' || reply.outcome === 'revalidated') {
      return violation(property, 'safety', `request ${reply.id} started no fetch, but was answered ${reply.outcome} by fetch ${reply.fetchId}, as if it had started it`, [get, originalSend, event]);
    }
    if (originalSend.seq > get.seq) {
      const joined = fetchInFlight(record, event.node, reply.key, get);
      return violation(
        property,
        'safety',
        joined === undefined
          ? `request ${reply.id} arrived at ${get.t} ms, found no fetch for ${reply.key} in flight and started none, and was answered by fetch ${reply.fetchId}, sent after it arrived at ${originalSend.t} ms`
          : `request ${reply.id} arrived at ${get.t} ms and found fetch ${(joined.message as FetchMessage).fetchId} for ${reply.key} in flight, but was answered by fetch ${reply.fetchId}, sent after it arrived at ${originalSend.t} ms`,
        [get, joined, originalSend, event],
      );
    }
    if ((originalSend.message as FetchMessage).background === true && !record.joinedRevalidations.has(original)) {
      return violation(property, 'safety', `request ${reply.id} was answered by fetch ${reply.fetchId}, a stale-while-revalidate revalidation, which answers no request`, [get, originalSend, event]);
    }
  }
  if (!trace.truncated) {
    for (const [id, get] of record.gets) {
      if (!repliesById.has(id)) {
        return violation(property, 'liveness', `request ${id} for ${(get.request as { key: string }).key} at ${get.node} (${get.t} ms) was never answered`, [get]);
      }
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * Request collapsing's bound: per cache and key, at most one upstream fetch in flight at a time (from its send to
 * its answer's arrival or its timeout), background revalidations included. With collapsing and
 * stale-while-revalidate this is what keeps the origin at one request per object per lifetime. `noCollapsing`
 * breaks it on purpose (every miss sends its own fetch), so `checkCdn` runs this checker only when every cache's
 * `edge-config` log says it ran the reference collapser.
 */
export function checkOneFetchInFlight(trace: Trace): CheckResult {
  const property = 'one upstream fetch per key in flight at each cache';
  const record = readRecord(trace);
  const open = new Map<string, TraceEventOf<'send'>[]>();
  for (const e of trace.events) {
    if (e.kind === 'send' && (e.message as EdgeMessage).type === 'fetch') {
      const message = e.message as FetchMessage;
      const slot = `${e.node} ${message.key}`;
      const flying = (open.get(slot) ?? []).filter((send) => {
        const end = record.ended.get(fetchKey(send.node, (send.message as FetchMessage).fetchId));
        return end === undefined || end.seq > e.seq;
      });
      if (flying.length > 0) {
        const other = flying[0] as TraceEventOf<'send'>;
        const otherId = (other.message as FetchMessage).fetchId;
        return violation(
          property,
          'safety',
          `${e.node} sent fetch ${message.fetchId} for ${message.key} at ${e.t} ms while fetch ${otherId}, sent at ${other.t} ms, was still in flight`,
          [other, e],
        );
      }
      open.set(slot, [...flying, e]);
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * RFC 5861 §3: a cache that serves a stale copy under stale-while-revalidate revalidates it in the background.
 * Every `stale-while-revalidate` answer is accompanied by a background fetch for its key at that PoP, sent no
 * later than the answer and still in flight at it (the answer's own revalidation, or one an earlier stale answer
 * started).
 */
export function checkRevalidation(trace: Trace): CheckResult {
  const property = 'a revalidation behind every stale-while-revalidate answer (RFC 5861 §3)';
  const record = readRecord(trace);
  const background = new Map<string, [string, TraceEventOf<'send'>][]>();
  for (const [id, send] of record.fetches) {
    const message = send.message as FetchMessage;
    if (message.background !== true) continue;
    const slot = `${send.node} ${message.key}`;
    background.set(slot, [...(background.get(slot) ?? []), [id, send]]);
  }
  for (const { event, reply } of record.replies) {
    if (reply.outcome !== 'stale-while-revalidate') continue;
    const behind = (background.get(`${event.node} ${reply.key}`) ?? []).some(([id, send]) => {
      if (send.t > event.t) return false;
      const end = record.ended.get(id);
      return end === undefined || end.seq > event.seq;
    });
    if (!behind) {
      return violation(property, 'safety', `${event.node} answered ${reply.id} (${reply.key}) stale-while-revalidate at ${event.t} ms with no revalidation of ${reply.key} in flight`, [record.gets.get(reply.id), event]);
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * The CDN checkers that apply to a run, in a fixed order: freshness, purges, collapsed answers, revalidation (when
 * some cache honours stale-while-revalidate) and one fetch in flight (when every cache ran the reference
 * collapser). Which apply is read from the caches' `edge-config` logs.
 */
export function checkCdn(trace: Trace): CheckResult[] {
  const configs = [...readRecord(trace).configs.values()];
  const checks = [checkFreshness(trace), checkPurges(trace), checkCollapsedAnswers(trace)];
  if (configs.some((c) => c.staleWhileRevalidate)) checks.push(checkRevalidation(trace));
  if (configs.length > 0 && configs.every((c) => c.referenceCollapser === true)) checks.push(checkOneFetchInFlight(trace));
  return checks;
}
