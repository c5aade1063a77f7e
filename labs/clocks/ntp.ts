/**
 * NTP's on-wire calculations (RFC 5905 §8) and a simulated client polling a server whose clock is off.
 *
 * One exchange gives four timestamps: the client sends a request at t1 (client clock), the server receives it at
 * t2 and answers at t3 (server clock), the client receives the answer at t4 (client clock). From them alone the
 * client estimates the server's offset θ and the round-trip delay δ. The estimate assumes the two one-way delays
 * are equal; when they are not, θ is off by half their difference, and since that difference is at most δ, the
 * true offset always lies within θ ± δ/2. The simulation shows both facts, with the true offset known to the run
 * (never to the client).
 */
import { simulate } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';
import { clockReadingMs } from '../sim/clock';
import { roundMs } from '../sim/network';
import type { Latency } from '../sim/network';
import type { Trace } from '../sim/trace';
import type { NodeBehavior } from '../sim/types';

/**
 * The four timestamps of one exchange (RFC 5905 §8, where they are T1 to T4): t1 client send and t4 client
 * receive on the client's clock, t2 server receive and t3 server send on the server's clock.
 */
export interface NtpTimestamps {
  t1: number;
  t2: number;
  t3: number;
  t4: number;
}

/** The offset of the server's clock relative to the client's, θ = ((t2 − t1) + (t3 − t4)) / 2 (RFC 5905 §8). */
export function ntpOffset(s: NtpTimestamps): number {
  return (s.t2 - s.t1 + (s.t3 - s.t4)) / 2;
}

/** The round-trip delay, δ = (t4 − t1) − (t3 − t2): the time on the wire, without the server's processing (RFC 5905 §8). */
export function ntpDelay(s: NtpTimestamps): number {
  return s.t4 - s.t1 - (s.t3 - s.t2);
}

/** A request carries t1; the response echoes it and adds t2 and t3, as NTP's origin, receive and transmit timestamps. */
export type NtpMessage =
  | { type: 'ntp-request'; n: number; t1: number }
  | { type: 'ntp-response'; n: number; t1: number; t2: number; t3: number };

/** One exchange as the client logs it ('ntp-sample'): the timestamps and its estimates, rounded to 1e-6 ms. */
export interface NtpSample extends NtpTimestamps {
  n: number;
  offsetMs: number;
  delayMs: number;
}

/** A sample with what only the run knows: the true offset and the estimate's error. */
export interface NtpRunSample extends NtpSample {
  /** Server clock minus client clock at the exchange's midpoint in global time, (send + receive) / 2. */
  trueOffsetMs: number;
  /** offsetMs − trueOffsetMs. */
  errorMs: number;
}

/**
 * Settings of `runNtp`. The server's clock is `serverOffsetMs` ahead of the client's (no drift); the client's
 * may drift. One-way delays are `outboundMs` (client to server) and `returnMs`: a number is a fixed delay, to
 * which `jitterMs` adds a uniform [0, jitterMs]; a `Latency` is used as given.
 */
export interface NtpRunOptions {
  seed: number | string;
  /** Server clock minus client clock. */
  serverOffsetMs: number;
  outboundMs: number | Latency;
  returnMs: number | Latency;
  /** Extra random delay per message, uniform in [0, jitterMs] (default 0); only for numeric delays. */
  jitterMs?: number;
  /** Time the server takes between receiving a request and answering, on its clock (default 0). */
  processingMs?: number;
  /** Exchanges to run (default 8). */
  samples?: number;
  /** Time between polls on the client's clock (default 100 ms). */
  intervalMs?: number;
  /** The client clock's drift in ppm (default 0). */
  clientDriftPpm?: number;
}

export type NtpState = { role: 'client'; polled: number } | { role: 'server'; answered: number };

/** The client: polls every `intervalMs`, `samples` times, and logs each answer's estimates ('ntp-sample'). */
export function ntpClient(options: { samples?: number; intervalMs?: number; server?: string } = {}): NodeBehavior<NtpState, NtpMessage> {
  const { samples = 8, intervalMs = 100, server = 'server' } = options;
  return {
    init: () => ({ role: 'client', polled: 0 }),
    step(state, input, ctx) {
      if (state.role !== 'client') throw new Error('ntpClient given a server state');
      switch (input.type) {
        case 'start':
          return { state, effects: samples > 0 ? [{ type: 'setTimer', name: 'poll', delayMs: 0 }] : [] };
        case 'timer': {
          const n = state.polled;
          return {
            state: { ...state, polled: n + 1 },
            effects: [
              { type: 'send', to: server, message: { type: 'ntp-request', n, t1: ctx.nowMs } },
              ...(n + 1 < samples ? [{ type: 'setTimer' as const, name: 'poll', delayMs: intervalMs }] : []),
            ],
          };
        }
        case 'message': {
          const m = input.message;
          if (m.type !== 'ntp-response') return { state };
          const stamps = { t1: m.t1, t2: m.t2, t3: m.t3, t4: ctx.nowMs };
          const sample: NtpSample = { n: m.n, ...stamps, offsetMs: roundMs(ntpOffset(stamps)), delayMs: roundMs(ntpDelay(stamps)) };
          return { state, effects: [{ type: 'log', text: 'ntp-sample', data: sample }] };
        }
        default:
          return { state };
      }
    },
  };
}

/** The server: stamps t2 on arrival and t3 when it answers, `processingMs` later on its own clock. */
export function ntpServer(options: { processingMs?: number } = {}): NodeBehavior<NtpState, NtpMessage> {
  const { processingMs = 0 } = options;
  return {
    init: () => ({ role: 'server', answered: 0 }),
    step(state, input, ctx) {
      if (state.role !== 'server') throw new Error('ntpServer given a client state');
      if (input.type === 'message' && input.message.type === 'ntp-request') {
        const { n, t1 } = input.message;
        const pending = { to: input.from, n, t1, t2: ctx.nowMs };
        if (processingMs > 0) {
          return { state, effects: [{ type: 'setTimer', name: `answer ${n}`, delayMs: processingMs, payload: pending }] };
        }
        return {
          state: { ...state, answered: state.answered + 1 },
          effects: [{ type: 'send', to: input.from, message: { type: 'ntp-response', n, t1, t2: pending.t2, t3: ctx.nowMs } }],
        };
      }
      if (input.type === 'timer') {
        const { to, n, t1, t2 } = input.payload as { to: string; n: number; t1: number; t2: number };
        return {
          state: { ...state, answered: state.answered + 1 },
          effects: [{ type: 'send', to, message: { type: 'ntp-response', n, t1, t2, t3: ctx.nowMs } }],
        };
      }
      return { state };
    },
  };
}

function oneWay(delay: number | Latency, jitterMs: number): Latency {
  if (typeof delay !== 'number') return delay;
  return jitterMs > 0 ? { kind: 'uniform', minMs: delay, maxMs: delay + jitterMs } : { kind: 'constant', ms: delay };
}

/**
 * Runs a client against a server whose clock is `serverOffsetMs` ahead, over a link whose two directions have
 * their own delays (per-link latency overrides), and returns the trace and every sample with its true offset.
 */
export function runNtp(o: NtpRunOptions): { trace: Trace; samples: NtpRunSample[] } {
  const jitterMs = o.jitterMs ?? 0;
  const clientClock = { offsetMs: 0, driftPpm: o.clientDriftPpm ?? 0 };
  const serverClock = { offsetMs: o.serverOffsetMs, driftPpm: 0 };
  const trace = simulate<NtpState, NtpMessage>({
    seed: o.seed,
    nodes: { client: ntpClient({ samples: o.samples, intervalMs: o.intervalMs }), server: ntpServer({ processingMs: o.processingMs }) },
    network: {
      links: [
        { from: 'client', to: 'server', latency: oneWay(o.outboundMs, jitterMs) },
        { from: 'server', to: 'client', latency: oneWay(o.returnMs, jitterMs) },
      ],
    },
    clocks: { client: clientClock, server: serverClock },
    untilMs: Infinity,
  });
  const sentAt = new Map<number, number>();
  for (const send of eventsOfKind(trace, 'send')) {
    const m = send.message as NtpMessage;
    if (m.type === 'ntp-request') sentAt.set(m.n, send.t);
  }
  const samples = eventsOfKind(trace, 'log')
    .filter((e) => e.text === 'ntp-sample')
    .map((e) => {
      const sample = e.data as NtpSample;
      const midMs = ((sentAt.get(sample.n) as number) + e.t) / 2;
      const trueOffsetMs = roundMs(clockReadingMs(serverClock, midMs) - clockReadingMs(clientClock, midMs));
      return { ...sample, trueOffsetMs, errorMs: roundMs(sample.offsetMs - trueOffsetMs) };
    });
  return { trace, samples };
}
