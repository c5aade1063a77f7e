/**
 * Checkers for a CDN run: functions over the trace of `runCdn`, never inside the nodes. Each answers ok, violation
 * (with the events that show it) or inconclusive (a truncated trace), as `labs/sim/check.ts` describes.
 *
 * They read what the nodes put on the record: client requests (`request` events of type `get` at a PoP), replies
 * (`EdgeReply`), fetches and upstream answers (`send` and `deliver` of `FetchMessage` / `ResponseMessage`),
 * fetch timeouts (`timer` events named `timeout:<fetchId>`), purges as issued (`request` events at the control
 * node), each cache's configuration (the `edge-config` log at start) and fetches sent again (`refetch` logs).
 */
import { okUnlessTruncated } from '../sim/check';
import type { CheckResult } from '../sim/check';
import type { Trace, TraceEvent, TraceEventOf } from '../sim/trace';
import type { NodeId } from '../sim/types';
import { EDGE_CONFIG_LOG, REFETCH_LOG } from './edge';
import type { CachedCopy, EdgeMessage, EdgeReply, EdgeRequest, ResponseMessage } from './edge';

interface EdgeConfig {
  role: 'pop' | 'shield';
  staleWhileRevalidate: boolean;
  staleIfError: boolean;
}

/** Per node and fetch id. */
const fetchKey = (node: NodeId, fetchId: string): string => `${node} ${fetchId}`;

/** What the checkers need from a trace, gathered in one pass. */
interface EdgeRecord {
  configs: Map<NodeId, EdgeConfig>;
  gets: Map<string, TraceEventOf<'request'>>;
  replies: { event: TraceEventOf<'reply'>; reply: EdgeReply }[];
  fetches: Map<string, TraceEventOf<'send'>>;
  /** Fetches whose upstream answered an error, or that timed out. */
  failed: Map<string, TraceEvent>;
  /** The upstream answers each cache received, by fetch. */
  answers: Map<string, { event: TraceEventOf<'deliver'>; response: ResponseMessage }>;
  /** A fetch sent again -> the fetch it stands for. */
  replaces: Map<string, string>;
  purges: { event: TraceEventOf<'request'>; key: string; boundMs: number }[];
  /** Copies the shield sent from its own store: the send, and the copy. */
  shieldServed: { event: TraceEventOf<'send'>; response: ResponseMessage }[];
}

function readRecord(trace: Trace): EdgeRecord {
  const record: EdgeRecord = {
    configs: new Map(), gets: new Map(), replies: [], fetches: new Map(), failed: new Map(), answers: new Map(),
    replaces: new Map(), purges: [], shieldServed: [],
  };
  for (const e of trace.events) {
    switch (e.kind) {
      case 'log':
        if (e.text === EDGE_CONFIG_LOG) record.configs.set(e.node, e.data as EdgeConfig);
        else if (e.text === REFETCH_LOG) {
          const { fetchId, again } = e.data as { fetchId: string; again: string };
          record.replaces.set(fetchKey(e.node, again), fetchKey(e.node, fetchId));
        }
        break;
      case 'request': {
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
        if (message.type === 'fetch') record.fetches.set(fetchKey(e.node, message.fetchId), e);
        else if (message.type === 'response' && message.fromCache === true) record.shieldServed.push({ event: e, response: message });
        break;
      }
      case 'deliver': {
        const message = e.message as EdgeMessage;
        if (message.type !== 'response') break;
        const id = fetchKey(e.node, message.fetchId);
        if (!record.answers.has(id)) record.answers.set(id, { event: e, response: message });
        if (message.status === 'error') record.failed.set(id, e);
        break;
      }
      case 'timer':
        if (e.name.startsWith('timeout:')) record.failed.set(fetchKey(e.node, e.name.slice('timeout:'.length)), e);
        break;
    }
  }
  return record;
}

const ageAt = (t: number, copy: CachedCopy): number => t - copy.generatedAtMs;

/** The copy's max-age: the trace is JSON, which writes an infinite max-age as null. */
const maxAgeOf = (copy: CachedCopy): number => copy.policy.maxAgeMs ?? Infinity;

function violation(property: string, failure: 'safety' | 'liveness', message: string, events: (TraceEvent | undefined)[]): CheckResult {
  const list = events.filter((e): e is TraceEvent => e !== undefined).sort((a, b) => a.seq - b.seq);
  return { status: 'violation', property, failure, message, events: list };
}

/**
 * RFC 9111 §4.2 and RFC 5861: no copy is reused past its max-age unless stale serving allowed it, within its
 * window. A `hit` (a client's, or the shield's answer from its store) must be fresh (age < max-age); a
 * `stale-while-revalidate` answer needs the PoP to honour it and age < max-age + staleWhileRevalidateMs; a
 * `stale-if-error` answer needs the PoP to honour it, a failed fetch (an error answer, or a timeout) behind it,
 * and age < max-age + staleIfErrorMs. Answers with a copy just received from upstream (miss, collapsed,
 * revalidated) are first-hand, not reuse, and are not checked here.
 */
export function checkFreshness(trace: Trace): CheckResult {
  const property = 'freshness (RFC 9111 §4.2, RFC 5861)';
  const record = readRecord(trace);
  for (const { event, reply } of record.replies) {
    const copy = reply.copy;
    if (copy === undefined) continue;
    const age = ageAt(event.t, copy);
    const { staleWhileRevalidateMs = 0, staleIfErrorMs = 0 } = copy.policy;
    const maxAgeMs = maxAgeOf(copy);
    const config = record.configs.get(event.node);
    const where = `${event.node} answered ${reply.id} (${reply.key} v${copy.version}) at ${event.t} ms`;
    if (reply.outcome === 'hit' && !(age < maxAgeMs)) {
      return violation(property, 'safety', `${where} as a hit with a copy ${age} ms old, past its max-age of ${maxAgeMs} ms`, [record.gets.get(reply.id), event]);
    }
    if (reply.outcome === 'stale-while-revalidate') {
      if (config?.staleWhileRevalidate !== true) {
        return violation(property, 'safety', `${where} stale-while-revalidate, which this cache does not honour`, [record.gets.get(reply.id), event]);
      }
      if (!(age < maxAgeMs + staleWhileRevalidateMs)) {
        return violation(property, 'safety', `${where} stale-while-revalidate with a copy ${age} ms old, past max-age ${maxAgeMs} + ${staleWhileRevalidateMs} ms`, [record.gets.get(reply.id), event]);
      }
    }
    if (reply.outcome === 'stale-if-error') {
      const failed = reply.fetchId === undefined ? undefined : record.failed.get(fetchKey(event.node, reply.fetchId));
      if (config?.staleIfError !== true || failed === undefined) {
        return violation(property, 'safety', `${where} stale-if-error ${failed === undefined ? 'without a failed fetch behind it' : 'which this cache does not honour'}`, [record.gets.get(reply.id), event]);
      }
      if (!(age < maxAgeMs + staleIfErrorMs)) {
        return violation(property, 'safety', `${where} stale-if-error with a copy ${age} ms old, past max-age ${maxAgeMs} + ${staleIfErrorMs} ms`, [record.gets.get(reply.id), failed, event]);
      }
    }
  }
  for (const { event, response } of record.shieldServed) {
    const copy = response.copy as CachedCopy;
    const age = ageAt(event.t, copy);
    if (!(age < maxAgeOf(copy))) {
      return violation(property, 'safety', `${event.node} answered ${event.to}'s fetch ${response.fetchId} from its store with a copy ${age} ms old, past its max-age of ${maxAgeOf(copy)} ms`, [event]);
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

/**
 * Collapsed requests each get the one upstream answer: every client request is answered exactly once (twice is a
 * safety violation, never is a liveness one); an answer taken from upstream names a fetch this PoP sent for the
 * same key, and carries that fetch's copy; and a `collapsed` request (one that sent no fetch of its own) is
 * answered by a fetch that was already in flight when it arrived, the one it joined, not by a later one. A fetch
 * sent again after a purge (a `refetch` log) stands for the fetch it replaces.
 */
export function checkCollapsedAnswers(trace: Trace): CheckResult {
  const property = 'each request gets one answer, collapsed ones the fetch they joined';
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
    if (reply.fetchId === undefined) continue;
    const get = record.gets.get(reply.id);
    const id = fetchKey(event.node, reply.fetchId);
    const fetch = record.fetches.get(id);
    const fetchMessage = fetch?.message as { key?: string } | undefined;
    if (fetch === undefined || fetchMessage?.key !== reply.key) {
      return violation(property, 'safety', `request ${reply.id} for ${reply.key} was answered by fetch ${reply.fetchId}, which ${event.node} never sent for that key`, [get, fetch, event]);
    }
    const answer = record.answers.get(id);
    if (reply.outcome !== 'error' && reply.outcome !== 'stale-if-error') {
      const copy = answer?.response.copy;
      if (copy === undefined || copy.version !== reply.copy?.version || copy.generatedAtMs !== reply.copy.generatedAtMs) {
        return violation(property, 'safety', `request ${reply.id} was answered with a copy that fetch ${reply.fetchId} did not bring`, [get, answer?.event, event]);
      }
    }
    if (reply.outcome === 'collapsed' && get !== undefined) {
      let originalId = id;
      while (record.replaces.has(originalId)) originalId = record.replaces.get(originalId) as string;
      const original = record.fetches.get(originalId) as TraceEventOf<'send'>;
      if (original.t > get.t) {
        return violation(
          property,
          'safety',
          `request ${reply.id} arrived at ${get.t} ms and joined a fetch in flight, but was answered by fetch ${reply.fetchId}, sent later at ${original.t} ms`,
          [get, original, event],
        );
      }
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

/** All three CDN checkers, in a fixed order: freshness, purges, collapsed answers. */
export function checkCdn(trace: Trace): CheckResult[] {
  return [checkFreshness(trace), checkPurges(trace), checkCollapsedAnswers(trace)];
}
