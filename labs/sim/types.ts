/**
 * The contract between an algorithm and the simulator.
 *
 * A node is a pure state machine: `step(state, input, ctx) -> { state, effects }`. It never reads a wall clock,
 * draws its own randomness, or touches a socket: the simulator hands it every input, owns time (`ctx.nowMs` is the
 * node's physical clock), owns chance (`ctx.random`) and carries out the effects it returns, in order. This is the
 * shape of etcd-io/raft's `Step` and `Ready`, and it is why one seed replays a run exactly.
 */
import type { Random } from './random';

/** A node's name, e.g. `'a'` or `'n3'`. Nodes are always visited in sorted (code-unit) order of their ids. */
export type NodeId = string;

/**
 * What a node is given, one at a time.
 *
 * - `start`: once after `init`, at time 0 and again after every restart.
 * - `message`: a delivered message; `msgId` is unique per transmission (a network duplicate gets its own id).
 * - `timer`: a timer set with `setTimer` fired; `payload` is the one given when it was set.
 * - `request`: a client request injected by a `request` intervention; answer it with a `reply` effect.
 */
export type Input<M> =
  | { type: 'start' }
  | { type: 'message'; from: NodeId; message: M; msgId: number }
  | { type: 'timer'; name: string; payload?: unknown }
  | { type: 'request'; request: unknown };

/**
 * Plain records a step asks the simulator to carry out, in the order listed.
 *
 * - `send`: hand `message` to the network for `to` (self-sends are allowed and cross the network like any other;
 *   an unknown `to` is an error). The message is passed by reference: treat messages as immutable values.
 * - `setTimer`: fire a `timer` input after `delayMs` of this node's own physical clock (so a drifting clock fires
 *   early or late in global time). Setting a timer whose name is already set replaces it.
 * - `cancelTimer`: forget the named timer, if set; a no-op otherwise.
 * - `persist`: replace this node's durable data (kept as a JSON copy); a restart with `durable: true` hands it to
 *   `init` as `ctx.durable`. A crash loses everything else.
 * - `log`: a line for the trace (`data` is copied as JSON), for figures and for checkers.
 * - `reply`: the answer to a client request, recorded in the trace for history checkers.
 */
export type Effect<M> =
  | { type: 'send'; to: NodeId; message: M }
  | { type: 'setTimer'; name: string; delayMs: number; payload?: unknown }
  | { type: 'cancelTimer'; name: string }
  | { type: 'persist'; data: unknown }
  | { type: 'log'; text: string; data?: unknown }
  | { type: 'reply'; response: unknown };

/**
 * The ports a step may read. The object is only valid during the call: the simulator may reuse it, so copy
 * `nowMs` rather than keep `ctx`.
 *
 * - `id`: this node; `peers`: every other node, sorted (frozen).
 * - `nowMs`: this node's physical clock reading in milliseconds (offset and drift applied, see `clock.ts`).
 * - `random`: this node's own stream, forked from the run's seed; it survives restarts.
 */
export interface StepContext {
  id: NodeId;
  peers: readonly NodeId[];
  nowMs: number;
  random: Random;
}

/** What `step` returns: the next state and the effects to carry out, in order (omit `effects` for none). */
export interface StepResult<S, M> {
  state: S;
  effects?: Effect<M>[];
}

/** The step function on its own, for handler tables (`const handlers: Record<string, Step<S, M>>`). */
export type Step<S, M> = (state: S, input: Input<M>, ctx: StepContext) => StepResult<S, M>;

/**
 * An algorithm as the simulator runs it.
 *
 * `init` builds the state at start and at every restart; `ctx.durable` is the last persisted data when the restart
 * is durable and `undefined` otherwise. `step` must be a function of its arguments only (return a new state rather
 * than mutating the old one if you want state events in the trace to show each change).
 */
export interface NodeBehavior<S, M> {
  init(ctx: StepContext & { durable?: unknown }): S;
  step(state: S, input: Input<M>, ctx: StepContext): StepResult<S, M>;
}

/** The trace types, re-exported here so that code needing only the contract imports from one place. */
export type { Trace, TraceEvent } from './trace';
