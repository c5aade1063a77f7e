/**
 * Checkers: functions over a finished trace that say whether a property held. They observe; they never live inside
 * an algorithm, so tests, lab cells and graders all run the same ones.
 *
 * A checker answers `ok`, `violation` (with the class of failure and the smallest set of events that shows it) or
 * `inconclusive` (the trace cannot tell, e.g. it was truncated), never a silent pass when evidence is missing,
 * after porcupine's Ok / Illegal / Unknown. A violation found in the recorded prefix of a truncated trace is still
 * reported as a violation: what was recorded did happen.
 *
 * The checkers here are about the network itself; each topic adds its own beside its algorithm.
 */
import type { Trace, TraceEvent, TraceEventOf } from './trace';
import type { NodeId } from './types';

/**
 * The verdict of one checker on one trace.
 *
 * `failure` says which kind of property failed: `safety` (something bad happened), `liveness` (something good did
 * not happen within the run) or `crash` (a node failed outright, e.g. threw). `events` is the evidence, in trace
 * order.
 */
export type CheckResult =
  | { status: 'ok'; property: string }
  | { status: 'violation'; property: string; failure: 'safety' | 'liveness' | 'crash'; message: string; events: TraceEvent[] }
  | { status: 'inconclusive'; property: string; reason: string };

/** The result for a checker that found no violation: ok, or inconclusive when the trace was cut short. */
export function okUnlessTruncated(trace: Trace, property: string): CheckResult {
  if (trace.truncated) {
    const kept = trace.events.length - 1;
    return { status: 'inconclusive', property, reason: `the trace was truncated after ${kept} events, so later events were not checked` };
  }
  return { status: 'ok', property };
}

function linkKey(from: NodeId, to: NodeId): string {
  return JSON.stringify([from, to]);
}

/** A send or a network duplicate: an event that puts message `msgId` on the link from `node` to `to`. */
type Transmission = TraceEventOf<'send'> | TraceEventOf<'duplicate'>;

/** Every transmission by message id, with the original send it copies (itself for a send). */
function transmissions(trace: Trace): Map<number, { event: Transmission; original: TraceEventOf<'send'> | undefined }> {
  const byId = new Map<number, { event: Transmission; original: TraceEventOf<'send'> | undefined }>();
  for (const e of trace.events) {
    if (e.kind === 'send') byId.set(e.msgId, { event: e, original: e });
    else if (e.kind === 'duplicate') byId.set(e.msgId, { event: e, original: byId.get(e.copyOf)?.original });
  }
  return byId;
}

/**
 * No creation: every delivered message was sent earlier, by the node it claims to come from, to the node that got
 * it, with the same content (a network duplicate counts as sent when its original was).
 */
export function checkNoCreation(trace: Trace): CheckResult {
  const property = 'no creation';
  const seen = new Map<number, { event: Transmission; original: TraceEventOf<'send'> | undefined }>();
  for (const e of trace.events) {
    if (e.kind === 'send') seen.set(e.msgId, { event: e, original: e });
    else if (e.kind === 'duplicate') seen.set(e.msgId, { event: e, original: seen.get(e.copyOf)?.original });
    else if (e.kind === 'deliver') {
      const sent = seen.get(e.msgId);
      const original = sent?.original;
      if (sent === undefined || original === undefined) {
        return { status: 'violation', property, failure: 'safety', message: `message ${e.msgId} was delivered to ${e.node} but never sent`, events: [e] };
      }
      if (original.node !== e.from || original.to !== e.node) {
        return {
          status: 'violation', property, failure: 'safety',
          message: `message ${e.msgId} was sent from ${original.node} to ${original.to} but delivered to ${e.node} as from ${e.from}`,
          events: [original, e],
        };
      }
      if (JSON.stringify(original.message) !== JSON.stringify(e.message)) {
        return { status: 'violation', property, failure: 'safety', message: `message ${e.msgId} was delivered with different content than sent`, events: [original, e] };
      }
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * No duplication: each send is delivered at most once, counting the network's copies of it. Only meaningful for
 * runs with `duplicationProbability: 0`; with duplication on, a violation is the expected outcome.
 */
export function checkNoDuplication(trace: Trace): CheckResult {
  const property = 'no duplication';
  const byId = transmissions(trace);
  const firstDelivery = new Map<number, TraceEventOf<'deliver'>>();
  for (const e of trace.events) {
    if (e.kind !== 'deliver') continue;
    const originalId = byId.get(e.msgId)?.original?.msgId ?? e.msgId;
    const first = firstDelivery.get(originalId);
    if (first !== undefined) {
      const send = byId.get(originalId)?.event;
      return {
        status: 'violation', property, failure: 'safety',
        message: `message ${originalId} from ${e.from} to ${e.node} was delivered twice (as ${first.msgId} and ${e.msgId})`,
        events: send === undefined ? [first, e] : [send, first, e],
      };
    }
    firstDelivery.set(originalId, e);
  }
  return okUnlessTruncated(trace, property);
}

/**
 * FIFO links: on every directed link, messages are delivered in the order they were put on it (a subsequence of
 * the transmission order: lost messages may be missing). Only meaningful for runs with `fifo: true`.
 * The evidence is the four events that show an overtaking: two transmissions and their deliveries.
 */
export function checkFifo(trace: Trace): CheckResult {
  const property = 'fifo';
  const byId = transmissions(trace);
  const lastOnLink = new Map<string, { delivered: TraceEventOf<'deliver'>; sent: Transmission }>();
  for (const e of trace.events) {
    if (e.kind !== 'deliver') continue;
    const sent = byId.get(e.msgId)?.event;
    if (sent === undefined) continue; // no creation is another checker's business
    const key = linkKey(e.from, e.node);
    const last = lastOnLink.get(key);
    if (last !== undefined && sent.seq < last.sent.seq) {
      return {
        status: 'violation', property, failure: 'safety',
        message: `on link ${e.from} -> ${e.node}, message ${e.msgId} was delivered after message ${last.delivered.msgId}, which was sent later`,
        events: [sent, last.sent, last.delivered, e].sort((x, y) => x.seq - y.seq),
      };
    }
    lastOnLink.set(key, { delivered: e, sent });
  }
  return okUnlessTruncated(trace, property);
}

/** One line for a result, e.g. `ok: fifo` or `violation (safety) of no duplication: message 3 ... [3 events]`. */
export function formatCheck(result: CheckResult): string {
  switch (result.status) {
    case 'ok':
      return `ok: ${result.property}`;
    case 'inconclusive':
      return `inconclusive: ${result.property}: ${result.reason}`;
    case 'violation': {
      const n = result.events.length;
      return `violation (${result.failure}) of ${result.property}: ${result.message} [${n} event${n === 1 ? '' : 's'}]`;
    }
  }
}
