/**
 * The chapter's workload: nodes exchanging messages at random, every event stamped by a logical clock.
 *
 * Each node initiates `eventsPerNode` events at jittered intervals on its own physical clock; each is a send to a
 * random peer with probability `sendProbability`, otherwise a local event. Every delivered message is a receive
 * event on top. A node stamps each event with the clock algorithm it was given (`logical.ts`) and logs it, so the
 * trace alone holds the run's events and their stamps (`stampedEvents`), ready for the oracle and checkers of
 * `causality.ts`.
 *
 * The random choices (when to act, local or send, to whom) come from `ctx.random` and never look at a stamp, and
 * the network's draws do not look at message contents, so one seed gives the same events, the same ids and the
 * same send/receive pairs whatever the clock: only the stamps differ. That is what lets a figure put Lamport,
 * vector and hybrid stamps side by side, or a learner's clock next to the reference one.
 */
import { simulate } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';
import type { Intervention } from '../sim/interventions';
import type { NetworkOptions } from '../sim/network';
import type { Trace, TraceEvent } from '../sim/trace';
import type { Effect, NodeBehavior, StepContext } from '../sim/types';
import type { LogicalClock, NodeId } from './logical';

/** A message of the exchange: the sender's stamp for the send event (Lamport's Tm, IR2) and that event's id. */
export interface ExchangeMessage<T> {
  type: 'event-message';
  stamp: T;
  sendId: string;
}

/**
 * One process event as the chapter counts them, logged by the node that performed it (Lamport 1978 §2: the
 * events of a process are local events, sends and receives, totally ordered on that process).
 *
 * The node logs everything but `t` and `seq` as the data of a `{ kind: 'log', text: 'event' }` trace event;
 * `stampedEvents` adds those two from the trace.
 */
export interface StampedEvent<T> {
  /** Node + 1-based index on that node, e.g. 'a1', 'b3' (see `eventId`). */
  id: string;
  node: NodeId;
  index: number;
  kind: 'local' | 'send' | 'receive';
  /** The clock value assigned to this event. */
  stamp: T;
  /** The node's clock reading (ctx.nowMs) at the event. */
  physicalMs: number;
  /** Global virtual time. */
  t: number;
  /** The trace seq of the 'log' event that recorded it (views use it to place labels). */
  seq: number;
  /** For a send: the receiver. */
  to?: NodeId;
  /** For a receive: the id of the matching send event, e.g. 'a2'. */
  from?: string;
}

/**
 * An event's id: the node id followed by the event's 1-based index on it, `a1`, `b3`. When the node id itself
 * ends in a digit a dot separates the two (`n2.3`), so that ids of different nodes cannot collide.
 */
export function eventId(node: NodeId, index: number): string {
  return /[0-9]$/.test(node) ? `${node}.${index}` : `${node}${index}`;
}

/** How each node of the exchange behaves; `runExchange` passes its options on. */
export interface ClockNodeOptions {
  /** Local events and sends each node initiates (default 4); receives come on top. */
  eventsPerNode?: number;
  /** Chance that an initiated event is a send to a random peer rather than a local event (default 0.6). */
  sendProbability?: number;
  /** Mean time between initiated events on the node's own clock (default 20 ms), uniform in [0.5, 1.5] × it. */
  intervalMs?: number;
}

/** Everything a run of the exchange depends on. Same options (and clock), same trace. */
export interface ExchangeOptions extends ClockNodeOptions {
  seed: number | string;
  /** Node ids (default ['a', 'b', 'c']). */
  nodes?: NodeId[];
  /** Per-node physical clocks; nodes not named read global time. */
  clocks?: Record<NodeId, { offsetMs?: number; driftPpm?: number }>;
  /** Overrides of the simulator's default network (5 to 15 ms, reordering allowed, nothing lost). */
  network?: Partial<NetworkOptions>;
  /**
   * Faults at given times: partitions, pauses, crashes and message drops. Restarts are refused, because a node
   * that starts again would number its events from 1 again.
   */
  interventions?: Intervention[];
  /** How long to run in ms (default: until every event has happened and every message has arrived or been lost). */
  untilMs?: number;
}

/** A node's state: its clock's current value and how many events it has performed and initiated. */
export interface ClockNodeState<T> {
  stamp: T;
  /** Events so far (local, send and receive): the index of the last one. */
  events: number;
  /** Local events and sends so far; the node stops at `eventsPerNode`. */
  initiated: number;
}

type EventRecord<T> = Omit<StampedEvent<T>, 't' | 'seq'>;

function checkOptions(options: ClockNodeOptions): Required<ClockNodeOptions> {
  const { eventsPerNode = 4, sendProbability = 0.6, intervalMs = 20 } = options;
  if (!Number.isInteger(eventsPerNode) || eventsPerNode < 0) {
    throw new Error(`eventsPerNode must be a non-negative integer (got ${String(eventsPerNode)})`);
  }
  if (typeof sendProbability !== 'number' || !(sendProbability >= 0 && sendProbability <= 1)) {
    throw new Error(`sendProbability must be between 0 and 1 (got ${String(sendProbability)})`);
  }
  if (typeof intervalMs !== 'number' || !(intervalMs > 0) || intervalMs === Infinity) {
    throw new Error(`intervalMs must be a positive number of milliseconds (got ${String(intervalMs)})`);
  }
  return { eventsPerNode, sendProbability, intervalMs };
}

/**
 * A node of the exchange, stamping its events with `clock`.
 *
 * Inputs: `start` sets the `act` timer; each `act` initiates one event (drawing, in this order, send-or-local,
 * then the peer for a send, then the delay to the next `act`); each message is a receive. Effects per event: for a
 * send the `send`, then the `log` of the event; the log's data is the event without `t` and `seq`.
 */
export function clockNode<T>(clock: LogicalClock<T>, options: ClockNodeOptions = {}): NodeBehavior<ClockNodeState<T>, ExchangeMessage<T>> {
  const { eventsPerNode, sendProbability, intervalMs } = checkOptions(options);

  const scheduleNext = (ctx: StepContext): Effect<ExchangeMessage<T>> => ({
    type: 'setTimer',
    name: 'act',
    delayMs: intervalMs * (0.5 + ctx.random.next()),
  });
  const log = (event: EventRecord<T>): Effect<ExchangeMessage<T>> => ({ type: 'log', text: 'event', data: event });

  return {
    init: (ctx) => ({ stamp: clock.init(ctx.id, [ctx.id, ...ctx.peers].sort()), events: 0, initiated: 0 }),

    step(state, input, ctx) {
      switch (input.type) {
        case 'start':
          return { state, effects: eventsPerNode > 0 ? [scheduleNext(ctx)] : [] };

        case 'timer': {
          if (input.name !== 'act' || state.initiated >= eventsPerNode) return { state };
          const isSend = ctx.peers.length > 0 && ctx.random.chance(sendProbability);
          const to = isSend ? ctx.random.pick(ctx.peers) : undefined;
          const more = state.initiated + 1 < eventsPerNode ? [scheduleNext(ctx)] : [];
          const index = state.events + 1;
          const id = eventId(ctx.id, index);
          const stamp = clock.tick(state.stamp, ctx.id, ctx.nowMs);
          const next = { stamp, events: index, initiated: state.initiated + 1 };
          const base = { id, node: ctx.id, index, stamp, physicalMs: ctx.nowMs };
          if (to === undefined) return { state: next, effects: [log({ ...base, kind: 'local' }), ...more] };
          return {
            state: next,
            effects: [
              { type: 'send', to, message: { type: 'event-message', stamp, sendId: id } },
              log({ ...base, kind: 'send', to }),
              ...more,
            ],
          };
        }

        case 'message': {
          const message = input.message;
          const index = state.events + 1;
          const stamp = clock.receive(state.stamp, ctx.id, message.stamp, ctx.nowMs);
          const id = eventId(ctx.id, index);
          return {
            state: { ...state, stamp, events: index },
            effects: [log({ id, node: ctx.id, index, kind: 'receive', stamp, physicalMs: ctx.nowMs, from: message.sendId })],
          };
        }

        default:
          return { state };
      }
    },
  };
}

/**
 * Runs the exchange with `clock` and returns its trace and its events, in trace order. A clock function that
 * throws stops the run with the simulator's `NodeError` (carrying the trace so far).
 */
export function runExchange<T>(clock: LogicalClock<T>, options: ExchangeOptions): { trace: Trace; events: StampedEvent<T>[] } {
  const nodes = options.nodes ?? ['a', 'b', 'c'];
  if (!Array.isArray(nodes) || nodes.length === 0 || new Set(nodes).size !== nodes.length) {
    throw new Error(`nodes must be a non-empty list of distinct ids (got ${JSON.stringify(nodes)})`);
  }
  const interventions = options.interventions ?? [];
  if (interventions.some((i) => i.kind === 'restart')) {
    throw new Error('the exchange does not support restart interventions: a restarted node would number its events from 1 again');
  }
  const behavior = clockNode(clock, options);
  const trace = simulate<ClockNodeState<T>, ExchangeMessage<T>>({
    seed: options.seed,
    nodes: Object.fromEntries(nodes.map((id) => [id, behavior])),
    network: options.network,
    clocks: options.clocks,
    interventions,
    untilMs: options.untilMs ?? Infinity,
  });
  return { trace, events: stampedEvents<T>(trace) };
}

/** The events the nodes logged (`log` events with text 'event'), in trace order, with their `t` and `seq`. */
export function stampedEvents<T>(trace: Trace): StampedEvent<T>[] {
  return eventsOfKind(trace, 'log')
    .filter((e) => e.text === 'event')
    .map((e) => ({ ...(e.data as EventRecord<T>), t: e.t, seq: e.seq }));
}

/** The trace event that recorded `event`, rebuilt from it: the evidence checkers attach to a violation. */
export function loggedEvent<T>(event: StampedEvent<T>): TraceEvent {
  const { t, seq, ...data } = event;
  return { seq, t, kind: 'log', node: event.node, text: 'event', data };
}
