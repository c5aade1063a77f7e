/**
 * Exercise: time to the first byte of a response, through a nearby edge (a hit or a miss) and straight to the
 * origin, with a given TLS version, from the round-trip model of the lab's `latency.ts`: a resolver round trip,
 * the TCP handshake (RFC 9293 §3.5), the TLS handshake (RFC 8446 §2 for TLS 1.3, one round trip; RFC 5246 §7.3
 * for TLS 1.2, two), and the request round trip that brings the first window of the response. On a miss the edge
 * first fetches the whole object over its warm connection to the origin, one round trip per slow-start window
 * (RFC 5681 §3.1, initial window of 10 segments per RFC 6928), before it answers. The first byte arrives at the
 * end of the request round trip, so the answer is the lab's total minus its "transfer" phase.
 */
import { defineExercise, type Check } from '../../exercises/types';
import { directLatency, edgeLatency, slowStartRounds, TLS_ROUND_TRIPS, type LatencyBreakdown, type TlsHandshake } from '../latency';

export interface FirstByteParams {
  resolverRttMs: number;
  edgeRttMs: number;
  originRttMs: number;
  edgeToOriginRttMs: number;
  tls: Extract<TlsHandshake, 'tls12' | 'tls13'>;
  cache: 'hit' | 'miss';
  responseBytes: number;
}

const firstByte = (b: LatencyBreakdown) => b.totalMs - (b.phases.find((phase) => phase.name === 'transfer')?.ms ?? 0);

/** Time to first byte through the edge and directly, from the lab's breakdowns. */
export function firstByteMs(p: FirstByteParams): { edge: number; direct: number } {
  const common = { dns: { kind: 'resolver-hit' as const, resolverRttMs: p.resolverRttMs }, tls: p.tls, responseBytes: p.responseBytes };
  return {
    edge: firstByte(edgeLatency({ ...common, edgeRttMs: p.edgeRttMs, cache: p.cache, edgeToOriginRttMs: p.edgeToOriginRttMs })),
    direct: firstByte(directLatency({ ...common, originRttMs: p.originRttMs })),
  };
}

const tlsName = (tls: FirstByteParams['tls']) => (tls === 'tls13' ? 'TLS 1.3' : 'TLS 1.2');

function mistakes(p: FirstByteParams, path: 'edge' | 'direct'): { value: number; feedback: string }[] {
  const rtt = path === 'edge' ? p.edgeRttMs : p.originRttMs;
  const right = firstByteMs(p)[path];
  const fetchRounds = slowStartRounds(p.responseBytes);
  const otherTls = p.tls === 'tls13' ? 2 : 1;
  const out = [
    { value: right - p.resolverRttMs, feedback: 'The DNS lookup comes first: one round trip to the resolver.' },
    { value: right + (otherTls - TLS_ROUND_TRIPS[p.tls]) * rtt, feedback: `${tlsName(p.tls)} takes ${TLS_ROUND_TRIPS[p.tls]} round trip${TLS_ROUND_TRIPS[p.tls] === 1 ? '' : 's'} before the request can be sent, not ${otherTls}.` },
    { value: right - rtt, feedback: 'Count the TCP handshake: one round trip before TLS starts.' },
    { value: right + (fetchRounds - 1) * rtt, feedback: 'That is the time to the last byte: the first byte arrives with the first window, at the end of the request round trip.' },
  ];
  if (path === 'edge' && p.cache === 'miss') {
    out.push({ value: right - fetchRounds * p.edgeToOriginRttMs, feedback: 'On a miss the edge must fetch the object from the origin before it answers.' });
    if (fetchRounds > 1) out.push({ value: right - (fetchRounds - 1) * p.edgeToOriginRttMs, feedback: `The edge stores the whole object before answering, and at ${p.responseBytes.toLocaleString('en-US')} bytes its fetch takes ${fetchRounds} slow-start windows, one round trip each.` });
  }
  return out.filter((m) => Math.abs(m.value - right) > 0.5);
}

const COUNT_WORDS = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six'];

/**
 * The feedback for a wrong time on one path: every known mistake that gives it, named, so that a number two slips
 * share (with TLS 1.2, leaving out TCP and taking TLS for one round trip both drop one round trip) names both.
 */
function mistakeFeedback(p: FirstByteParams, path: 'edge' | 'direct', got: number): string | undefined {
  const matching = mistakes(p, path).filter((m) => Math.abs(m.value - got) < 0.5).map((m) => m.feedback);
  if (matching.length <= 1) return matching[0];
  return `${COUNT_WORDS[matching.length]} different slips give this number. ${matching.join(' Or: ')}`;
}

/**
 * The feedback for a wrong time that no known slip gives: which way and how far off, in round trips of the path
 * (not in milliseconds, which would hand over the answer), then the phases to count, in order, each with the round
 * trip it is priced at.
 */
export function farOffFeedback(p: FirstByteParams, path: 'edge' | 'direct', got: number): string {
  const right = firstByteMs(p)[path];
  const rtt = path === 'edge' ? p.edgeRttMs : p.originRttMs;
  const where = path === 'edge' ? 'the edge' : 'the origin';
  const off = Math.abs(got - right);
  // Through the edge on a miss, an answer off by more than an edge-to-origin round trip is measured in those, the
  // round trips the edge's fetch is made of.
  const [unit, unitMs] = path === 'edge' && p.cache === 'miss' && off >= p.edgeToOriginRttMs ? ['between the edge and the origin', p.edgeToOriginRttMs] : [`to ${where}`, rtt];
  const trips = Math.round(off / unitMs);
  const howFar =
    trips === 0
      ? `by less than a round trip ${unit} (${unitMs} ms): check the sum.`
      : `by about ${trips} round trip${trips === 1 ? '' : 's'} ${unit} (${unitMs} ms each), which no common slip gives.`;
  const tls = TLS_ROUND_TRIPS[p.tls];
  const words = (n: number) => (n === 1 ? 'one round trip' : n === 2 ? 'two round trips' : `${n} round trips`);
  const phases = [
    'DNS, one round trip to the resolver',
    `TCP, one round trip to ${where}`,
    `${tlsName(p.tls)}, ${words(tls)} to ${where}`,
    ...(path === 'edge' && p.cache === 'miss'
      ? ["then the request: one round trip to the edge, but on this miss the edge answers only once it has fetched the whole object from the origin, one edge-to-origin round trip per slow-start window of 10, 20, 40, … segments"]
      : [`the request, one round trip to ${where}, which brings the first byte`]),
  ];
  return `Too ${got > right ? 'high' : 'low'} ${howFar} Count the phases in order: ${phases.join('; ')}.`;
}

export const firstByteExercise = defineExercise({
  id: 'cdn/first-byte',
  title: 'Time to the first byte, through an edge and direct',
  kind: 'structured',
  format: 'vector',
  placeholder: '[85, 240]',
  generate(rng): FirstByteParams {
    return {
      resolverRttMs: rng.int(1, 6) * 5,
      edgeRttMs: rng.int(2, 8) * 5,
      originRttMs: rng.int(12, 40) * 5,
      edgeToOriginRttMs: rng.int(10, 36) * 5,
      tls: rng.pick(['tls12', 'tls13'] as const),
      cache: rng.pick(['hit', 'miss'] as const),
      responseBytes: rng.pick([10_000, 40_000, 100_000]),
    };
  },
  prompt: (p) => ({
    text: `A client fetches a ${p.responseBytes.toLocaleString('en-US')}-byte object over a new ${tlsName(p.tls)} connection. Its resolver, ${p.resolverRttMs} ms away (round trip), has the name cached. Through the CDN, the client connects to an edge ${p.edgeRttMs} ms away, and the object is a cache **${p.cache}**${p.cache === 'miss' ? `: the edge fetches it from the origin (${p.edgeToOriginRttMs} ms round trip) over a warm connection, needing no handshake, and sends nothing until it has the whole object` : ''}. Directly, the client would connect to the origin, ${p.originRttMs} ms away.\n\nCount in round trips: DNS one, TCP one, ${tlsName(p.tls)} ${TLS_ROUND_TRIPS[p.tls]}, then one for the request, which brings the first bytes of the response. TCP sends 10 segments of 1,460 bytes in its first round trip and doubles each round trip after. Ignore transmission time. How many milliseconds after the client starts does the first byte of the response arrive, through the edge and directly? Answer with two numbers, like \`[85, 240]\`.`,
  }),
  reference: (p) => {
    const { edge, direct } = firstByteMs(p);
    return `[${edge}, ${direct}]`;
  },
  hints: (p) => [
    'Add the round trips until the request\'s answer comes back; each is priced at the round-trip time of the path it takes.',
    ...(p.cache === 'miss' ? [`The edge's fetch delivers ${p.responseBytes.toLocaleString('en-US')} bytes in windows of 10, 20, 40, … segments of 1,460 bytes: how many round trips is that?`] : []),
  ],
  check(p, value): Check[] {
    if (value.length !== 2) return [{ name: 'two numbers', passed: false, feedback: `Give two numbers: the time to the first byte through the edge, then directly (you gave ${value.length}).` }];
    const right = firstByteMs(p);
    return (['edge', 'direct'] as const).map((path, i) => {
      const got = value[i] as number;
      const ok = Math.abs(got - right[path]) < 0.5;
      const known = mistakeFeedback(p, path, got);
      return { name: path === 'edge' ? 'through the edge' : 'directly', passed: ok, feedback: ok ? '' : known ?? farOffFeedback(p, path, got) };
    });
  },
  solution: (p) => {
    const { edge, direct } = firstByteMs(p);
    const tls = TLS_ROUND_TRIPS[p.tls];
    const rounds = slowStartRounds(p.responseBytes);
    const fetch = p.cache === 'miss' ? ` + ${rounds} × ${p.edgeToOriginRttMs} (the edge's fetch: ${Math.ceil(p.responseBytes / 1460)} segments need ${rounds} window${rounds === 1 ? '' : 's'})` : '';
    return {
      text: `**${edge} ms** through the edge, **${direct} ms** directly.\n\n- Edge: ${p.resolverRttMs} (DNS) + ${2 + tls} × ${p.edgeRttMs} (TCP, ${tlsName(p.tls)}, request)${fetch} = ${edge} ms.\n- Direct: ${p.resolverRttMs} + ${2 + tls} × ${p.originRttMs} = ${direct} ms.\n\nThe handshakes are what the edge saves: each of their round trips is paid on the short path to the edge instead of the long one to the origin. A miss pays the long path again, once per slow-start window of the edge's fetch (fewer with a warmer connection, and real edges stream the body instead of waiting for all of it).`,
    };
  },
});
