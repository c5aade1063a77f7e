/**
 * Exercise: how long can DNS keep sending clients to a dead site? The model is the lab's `runFailover` with DNS
 * routing, with network delays taken as negligible: the authoritative server health-checks every site every H ms
 * from time 0; a check counts as missed when the next one is due and it has no answer; after F misses in a row the
 * site is marked down. Resolvers cache an answer for its TTL (RFC 1034 §4.3.5, RFC 2181 §8) and hand clients the
 * TTL that remains, which clients keep. A site failing at t₀ (between checks) misses the checks at
 * (⌊t₀/H⌋ + 1)·H onwards, the F-th miss is counted at D = (⌊t₀/H⌋ + 1 + F)·H, and an answer given just before D
 * is cached until D + TTL: clients can be sent to the dead site until just before D + TTL. The test holds this
 * bound to `runFailover` runs.
 */
import { distinctMistakes } from '../../exercises/grade';
import { defineExercise } from '../../exercises/types';
import { ordinal } from './text';

export interface DnsTtlParams {
  healthCheckEveryMs: number;
  failuresToMarkDown: number;
  ttlSeconds: number;
  failAtMs: number;
}

/** When the authoritative server marks the site down. */
export function markedDownAtMs(p: DnsTtlParams): number {
  return (Math.floor(p.failAtMs / p.healthCheckEveryMs) + 1 + p.failuresToMarkDown) * p.healthCheckEveryMs;
}

/** The bound: the time until which a client can still be sent to the dead site. */
export function lastSendBoundMs(p: DnsTtlParams): number {
  return markedDownAtMs(p) + p.ttlSeconds * 1000;
}

const TOLERANCE = { absolute: 1 };

export const dnsTtl = defineExercise({
  id: 'cdn/dns-ttl',
  title: 'How long DNS sends clients to a dead site',
  kind: 'numeric',
  unit: 'ms',
  tolerance: TOLERANCE,
  generate(rng): DnsTtlParams {
    const healthCheckEveryMs = rng.pick([1000, 2000, 5000]);
    return {
      healthCheckEveryMs,
      failuresToMarkDown: rng.int(2, 5),
      ttlSeconds: rng.pick([10, 20, 30, 60, 300]),
      failAtMs: healthCheckEveryMs * rng.int(3, 12) + 10 * rng.int(10, healthCheckEveryMs / 10 - 10),
    };
  },
  prompt: (p) => ({
    text: `A CDN routes clients by DNS. Its authoritative server health-checks every site every ${p.healthCheckEveryMs.toLocaleString('en-US')} ms, at times 0, ${p.healthCheckEveryMs.toLocaleString('en-US')}, ${(2 * p.healthCheckEveryMs).toLocaleString('en-US')}, … ms. A check counts as **missed** when the next check is due and it has had no answer; after **${p.failuresToMarkDown}** misses in a row the server marks the site down and stops answering queries with it. Its answers carry a TTL of ${p.ttlSeconds} s: a resolver caches an answer for the TTL and hands it to clients with the TTL that remains, and a client keeps it that long.\n\nA site fails at ${p.failAtMs.toLocaleString('en-US')} ms and answers nothing after. Network delays are negligible. In the worst case, until what time (in ms) can a client still be sent to the dead site? Give the time just before which the last such request can be sent.`,
  }),
  answer: lastSendBoundMs,
  mistakes: (p) => {
    const down = markedDownAtMs(p);
    const ttl = p.ttlSeconds * 1000;
    return distinctMistakes(TOLERANCE, lastSendBoundMs(p), [
      { value: p.failAtMs + ttl, feedback: 'The TTL starts counting only from the last answer naming the site, which the server keeps giving until it has noticed the failure: add the time to detect it.' },
      { value: down, feedback: 'That is when the server marks the site down. A resolver that asked just before keeps the old answer for a whole TTL after that.' },
      { value: p.failAtMs + p.failuresToMarkDown * p.healthCheckEveryMs + ttl, feedback: 'Detection is counted in checks, not from the moment of failure: find the first check the site cannot answer, then when it and the ones after it count as missed.' },
      { value: down - p.healthCheckEveryMs + ttl, feedback: 'A check counts as missed only when the next check is due without its answer: the last miss is counted one interval after that check was sent.' },
      { value: down + 2 * ttl, feedback: 'The client keeps the TTL that remains, not a fresh TTL: the resolver and the client together hold the answer for one TTL.' },
    ]);
  },
  hints: (p) => [
    `The check at ${(Math.floor(p.failAtMs / p.healthCheckEveryMs) * p.healthCheckEveryMs).toLocaleString('en-US')} ms was answered; which is the first check the site misses, and when is it counted as missed?`,
    'The worst case is a resolver whose cached answer expired just before the site was marked down: it asks again and gets the dead site for a whole TTL.',
  ],
  solution: (p) => {
    const first = (Math.floor(p.failAtMs / p.healthCheckEveryMs) + 1) * p.healthCheckEveryMs;
    const down = markedDownAtMs(p);
    return {
      text: `**${lastSendBoundMs(p).toLocaleString('en-US')} ms.** The first check the site misses is the one at ${first.toLocaleString('en-US')} ms; it counts as missed at ${(first + p.healthCheckEveryMs).toLocaleString('en-US')} ms, and the ${ordinal(p.failuresToMarkDown)} miss in a row at ${down.toLocaleString('en-US')} ms, when the server marks the site down. Until then it still answers with the dead site; a resolver that asked just before ${down.toLocaleString('en-US')} ms caches that answer for ${p.ttlSeconds} s, and its clients are sent there until ${lastSendBoundMs(p).toLocaleString('en-US')} ms. The outage a DNS-routed client can see is detection plus TTL: a short TTL shortens it at the price of more queries to the authoritative server; anycast has no TTL but waits for BGP to withdraw the route and converge.`,
    };
  },
});
