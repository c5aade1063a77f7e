/**
 * Ping: the book's first distributed system, two nodes and an unreliable link.
 *
 * Node `a` (the pinger) sends `{ type: 'ping', n }` every `intervalMs`, for `count` pings. Node `b` (the ponger)
 * answers each ping it receives with a pong. The network may delay, reorder or lose either message, so the pinger
 * keeps a retransmission timer per unanswered ping: when it fires, the ping goes out again. When a pong comes
 * back, the pinger measures the round-trip time (RTT) on its own clock and logs it.
 *
 * Which transmission did a pong answer? If a ping was sent twice, measuring from the first send overestimates the
 * RTT and measuring from the last underestimates it (Karn and Partridge, "Improving Round-Trip Time Estimates in
 * Reliable Transport Protocols", SIGCOMM 1987). Here each ping carries the time it was sent and the pong echoes
 * it back, as TCP's timestamp option does (RFC 7323 §3), so every RTT sample is exact for the copy it answers.
 *
 * Both behaviors are pure: everything they know arrives as an input, everything they do is an effect.
 */
import { simulate } from '../sim/simulation';
import type { TraceOptions } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';
import { roundMs } from '../sim/network';
import type { CheckResult } from '../sim/check';
import type { Latency } from '../sim/network';
import type { Intervention } from '../sim/interventions';
import type { Trace, TraceEvent } from '../sim/trace';
import type { Effect, NodeBehavior, NodeId } from '../sim/types';

/** A ping carries its number and its sender's clock reading at sending; a pong echoes both. */
export type PingMessage =
  | { type: 'ping'; n: number; sentAtMs: number }
  | { type: 'pong'; n: number; echoSentAtMs: number };

/** One ping the pinger has sent but not yet seen answered. */
export interface OutstandingPing {
  n: number;
  /** How many times it has been sent so far. */
  attempts: number;
}

/** One measured round trip, as the pinger logs it. */
export interface RttSample {
  n: number;
  rttMs: number;
  /** Which transmission of ping n the pong answered, counting from 1. */
  attempts: number;
}

/** The pinger's state: what to send next, what is unanswered, and what it has measured. */
export interface PingerState {
  role: 'pinger';
  target: NodeId;
  nextN: number;
  outstanding: OutstandingPing[];
  rtts: RttSample[];
}

/** The ponger's state: how many pings it has answered. */
export interface PongerState {
  role: 'ponger';
  answered: number;
}

export type PingState = PingerState | PongerState;

/** Settings of the ping system. All times are on the pinger's own clock. */
export interface PingOptions {
  /** Time between two new pings (default 100 ms). */
  intervalMs?: number;
  /** Time to wait for a pong before sending a ping again (default 60 ms). */
  retransmitMs?: number;
  /** How many pings to send (default 5). */
  count?: number;
  /** Who to ping (default `'b'`). */
  target?: NodeId;
}

const retransmitTimer = (n: number) => `retransmit ${n}`;

/** The pinger: a new ping on every `tick` timer, a retransmission on every `retransmit n` timer. */
export function pinger(options: PingOptions = {}): NodeBehavior<PingState, PingMessage> {
  const { intervalMs = 100, retransmitMs = 60, count = 5, target = 'b' } = options;

  // Sending ping n means: the message, and a timer that will send it again unless a pong cancels it first.
  const sendPing = (n: number, nowMs: number): Effect<PingMessage>[] => [
    { type: 'send', to: target, message: { type: 'ping', n, sentAtMs: nowMs } },
    { type: 'setTimer', name: retransmitTimer(n), delayMs: retransmitMs, payload: n },
  ];

  return {
    init: () => ({ role: 'pinger', target, nextN: 0, outstanding: [], rtts: [] }),

    step(state, input, ctx) {
      if (state.role !== 'pinger') throw new Error('pinger given a ponger state');
      switch (input.type) {
        case 'start':
          return { state, effects: count > 0 ? [{ type: 'setTimer', name: 'tick', delayMs: 0 }] : [] };

        case 'timer': {
          if (input.name === 'tick') {
            const n = state.nextN;
            const more: Effect<PingMessage>[] = n + 1 < count ? [{ type: 'setTimer', name: 'tick', delayMs: intervalMs }] : [];
            return {
              state: { ...state, nextN: n + 1, outstanding: [...state.outstanding, { n, attempts: 1 }] },
              effects: [...sendPing(n, ctx.nowMs), ...more],
            };
          }
          // A retransmission timer: the ping is still unanswered (a pong would have cancelled the timer).
          const n = input.payload as number;
          const outstanding = state.outstanding.map((p) => (p.n === n ? { ...p, attempts: p.attempts + 1 } : p));
          return { state: { ...state, outstanding }, effects: sendPing(n, ctx.nowMs) };
        }

        case 'message': {
          const pong = input.message;
          const waiting = state.outstanding.find((p) => p.n === pong.n);
          // A pong for a ping already answered: a late reply to a retransmitted copy. Nothing left to learn.
          if (pong.type !== 'pong' || waiting === undefined) return { state };
          // Rounded to a nanosecond: the subtraction of two clock readings leaves float noise in the last digits.
          const sample: RttSample = { n: pong.n, rttMs: roundMs(ctx.nowMs - pong.echoSentAtMs), attempts: waiting.attempts };
          return {
            state: { ...state, outstanding: state.outstanding.filter((p) => p !== waiting), rtts: [...state.rtts, sample] },
            effects: [
              { type: 'cancelTimer', name: retransmitTimer(pong.n) },
              { type: 'log', text: 'rtt', data: sample },
            ],
          };
        }

        default:
          return { state };
      }
    },
  };
}

/** The ponger: answers every ping, including repeats (it cannot tell a retransmission from a lost pong). */
export function ponger(): NodeBehavior<PingState, PingMessage> {
  return {
    init: () => ({ role: 'ponger', answered: 0 }),
    step(state, input) {
      if (state.role !== 'ponger' || input.type !== 'message' || input.message.type !== 'ping') return { state };
      const { n, sentAtMs } = input.message;
      return {
        state: { ...state, answered: state.answered + 1 },
        effects: [{ type: 'send', to: input.from, message: { type: 'pong', n, echoSentAtMs: sentAtMs } }],
      };
    },
  };
}

/** The whole system: `a` pings `b` (`options.target`), which answers. */
export function pingPong(options: PingOptions = {}): Record<NodeId, NodeBehavior<PingState, PingMessage>> {
  const target = options.target ?? 'b';
  return { a: pinger({ ...options, target }), [target]: ponger() };
}

/** Settings of the demo run: the ping system's, the network's, and the run's. */
export interface PingDemoOptions extends PingOptions {
  seed?: number | string;
  /** Chance that the network loses a message (default 0). */
  lossProbability?: number;
  /** One-way delay distribution (default uniform 5 to 15 ms). */
  latency?: Latency;
  /** How long to run, in ms (default long enough for every ping plus a few retransmissions). */
  untilMs?: number;
  interventions?: Intervention[];
  /** What the trace records (default: everything, states included); a run that only counts messages can skip states. */
  trace?: TraceOptions;
}

/** Runs the ping system once and returns its trace. Same options, same trace. */
export function runPingDemo(options: PingDemoOptions = {}): Trace {
  const { seed = 1, lossProbability = 0, latency = { kind: 'uniform', minMs: 5, maxMs: 15 }, interventions = [] } = options;
  const { intervalMs = 100, retransmitMs = 60, count = 5 } = options;
  const untilMs = options.untilMs ?? count * intervalMs + 10 * retransmitMs;
  return simulate({
    seed,
    nodes: pingPong(options),
    network: { latency, lossProbability },
    interventions,
    untilMs,
    trace: options.trace,
  });
}

/** The RTTs the pinger measured, in order, read from its `rtt` log lines. */
export function rttSamples(trace: Trace): (RttSample & { t: number })[] {
  return eventsOfKind(trace, 'log')
    .filter((e) => e.text === 'rtt')
    .map((e) => ({ t: e.t, ...(e.data as RttSample) }));
}

/**
 * A deadline check: every one of the `count` pings was answered within `withinMs` of its first sending, or, when
 * `withinMs` is not given, by the end of the run.
 *
 * "Every ping is eventually answered" is a liveness property, and no finite run can violate it: any run that ends
 * with a ping unanswered could still be extended by the answer (Alpern and Schneider, "Defining Liveness", 1985).
 * What a finite trace can show is a deadline missed, and "answered within D" is a safety property in their sense:
 * once the deadline has passed with no answer, nothing later can repair it. So a violation here is reported as
 * `safety`, names the deadline, and lists the first sending of each late ping. A ping whose deadline lies beyond the
 * end of the trace, or a truncated or halted trace that does not show every answer, is inconclusive.
 */
export function checkEveryPingAnswered(trace: Trace, count: number, options: { withinMs?: number } = {}): CheckResult {
  const { withinMs } = options;
  const property = withinMs === undefined ? 'every ping answered by the end of the run' : `every ping answered within ${withinMs} ms`;
  const firstSends = new Map<number, TraceEvent>();
  for (const e of eventsOfKind(trace, 'send')) {
    const message = e.message as PingMessage;
    if (message.type === 'ping' && !firstSends.has(message.n)) firstSends.set(message.n, e);
  }
  const deadlineOf = (n: number) => {
    const sent = firstSends.get(n);
    return withinMs === undefined || sent === undefined ? trace.endMs : sent.t + withinMs;
  };
  const answeredAt = new Map<number, number>();
  for (const s of rttSamples(trace)) if (!answeredAt.has(s.n)) answeredAt.set(s.n, s.t);
  const late = Array.from({ length: count }, (_, n) => n).filter((n) => !((answeredAt.get(n) ?? Infinity) <= deadlineOf(n)));
  if (late.length === 0) return { status: 'ok', property };
  const cutShort = trace.truncated || trace.halted;
  const undecided = late.filter((n) => cutShort || deadlineOf(n) > trace.endMs);
  if (undecided.length > 0) {
    return { status: 'inconclusive', property, reason: `pings ${undecided.join(', ')} unanswered, but the trace ends before their deadline` };
  }
  const deadline = withinMs === undefined ? `by ${trace.endMs} ms, the end of the run` : `within ${withinMs} ms of being sent`;
  return {
    status: 'violation',
    property,
    failure: 'safety',
    message: `pings ${late.join(', ')} were not answered ${deadline}`,
    events: late.flatMap((n) => firstSends.get(n) ?? []),
  };
}
