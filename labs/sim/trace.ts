/**
 * The trace: what happened in a run, as plain JSON, for figures, checkers and graders.
 *
 * Events are in the order the simulator processed them; `seq` is the event's index in `events`. `t` is global
 * virtual time in ms (no node can see it); `clockMs` is the acting node's own clock reading at that moment.
 * Message payloads, log data and states are JSON copies taken when the event happened, so later mutation by an
 * algorithm cannot change the record, and `JSON.stringify(trace)` is byte-identical for the same seed and
 * interventions (sampled latencies are rounded to 1e-6 ms so that this holds across engines too, see `Latency`). Several events may share one copied payload object (a send and its deliver); treat traces as
 * read-only.
 *
 * Events, by kind (`node` is always the node the event happens at):
 * - `send`: `node` handed message `msgId` for `to` to the network. Always recorded, even if it is then dropped.
 * - `deliver`: `node` processed message `msgId` from `from` (after any pause, so `t` is when its step ran).
 * - `drop`: message `msgId` for `node` was lost: `loss` and send-time `partition` drops are recorded at send time,
 *   `crashed`, delivery-time `partition` and `intervention` drops at arrival time.
 * - `duplicate`: the network made an extra copy `msgId` of message `copyOf` from `node` to `to`.
 * - `timer`: `node`'s timer `name` fired and its step ran.
 * - `crash`, `pause`, `resume`, `restart`, `partition`, `heal`: interventions as they took effect (`partition`
 *   lists `groups` for a symmetric partition, with the implied group of unnamed nodes last, or `from`/`to`).
 * - `state`: `node`'s state after a step that changed it (by JSON comparison), and after every start and restart.
 * - `log`, `request`, `reply`: a node's log effect, a client request as it arrived, a node's reply effect.
 * - `truncated`: the trace reached its size cap here; recording stopped and the run went on. Always last.
 */
import type { NodeId } from './types';

export type DropReason = 'loss' | 'partition' | 'crashed' | 'intervention';

export type TraceEvent =
  | { seq: number; t: number; kind: 'send'; node: NodeId; to: NodeId; msgId: number; message: unknown; clockMs: number }
  | { seq: number; t: number; kind: 'deliver'; node: NodeId; from: NodeId; msgId: number; message: unknown; clockMs: number }
  | { seq: number; t: number; kind: 'drop'; node: NodeId; from: NodeId; msgId: number; message: unknown; reason: DropReason }
  | { seq: number; t: number; kind: 'duplicate'; node: NodeId; to: NodeId; msgId: number; copyOf: number }
  | { seq: number; t: number; kind: 'timer'; node: NodeId; name: string; clockMs: number }
  | { seq: number; t: number; kind: 'crash'; node: NodeId }
  | { seq: number; t: number; kind: 'pause'; node: NodeId }
  | { seq: number; t: number; kind: 'resume'; node: NodeId }
  | { seq: number; t: number; kind: 'restart'; node: NodeId; durable: boolean }
  | { seq: number; t: number; kind: 'partition'; groups?: NodeId[][]; from?: NodeId[]; to?: NodeId[] }
  | { seq: number; t: number; kind: 'heal' }
  | { seq: number; t: number; kind: 'state'; node: NodeId; state: unknown }
  | { seq: number; t: number; kind: 'log'; node: NodeId; text: string; data?: unknown }
  | { seq: number; t: number; kind: 'request'; node: NodeId; request: unknown }
  | { seq: number; t: number; kind: 'reply'; node: NodeId; response: unknown }
  | { seq: number; t: number; kind: 'truncated' };

/** The kinds of trace event, e.g. `'deliver'`. */
export type TraceEventKind = TraceEvent['kind'];

/** The event type of one kind, e.g. `TraceEventOf<'send'>`. */
export type TraceEventOf<K extends TraceEventKind> = Extract<TraceEvent, { kind: K }>;

/**
 * Counters over the whole run, kept even when recording is off or the trace was truncated.
 * `sent` counts send effects; `duplicated` the extra copies the network made; `dropped` every drop event;
 * `delivered` messages processed by their receiver; `timers` timers fired; `steps` calls to `step`.
 */
export interface TraceStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  timers: number;
  steps: number;
}

/**
 * A whole run. `seed` is the resolved 32-bit seed (pass it back to replay), `nodes` the sorted node ids, `endMs`
 * the global time the run reached. `truncated` is true when the event cap cut recording short (the last event is
 * then the `truncated` marker). `halted` is present when the run itself stopped early at its processed-event cap,
 * which usually means a runaway loop (such as a timer of 0 ms re-set forever).
 */
export interface Trace {
  seed: number;
  nodes: NodeId[];
  endMs: number;
  events: TraceEvent[];
  truncated: boolean;
  stats: TraceStats;
  halted?: { reason: 'maxEvents'; maxEvents: number; atMs: number };
}

/**
 * A deep copy through JSON, for recording values that must not change later (structuredClone is not available
 * in every runtime the book targets). `undefined` stays `undefined`; functions and undefined fields vanish, as in
 * JSON. `what` names the value in the error thrown for data that JSON cannot hold (cycles, BigInt).
 */
/**
 * A simulated time for a message: to 1e-6 ms, the resolution of the simulator's times, without the binary rounding
 * noise of sums such as 3.1116260000000002. Rounding is monotone, so it never reverses the order of two times.
 */
export function formatMs(value: number): string {
  return String(Number(value.toFixed(6)));
}

export function jsonCopy<T>(value: T, what = 'value'): T {
  if (value === undefined) return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new Error(`${what} is not plain JSON data: ${(error as Error).message}`);
  }
  return text === undefined ? (undefined as T) : (JSON.parse(text) as T);
}

/** The events of one kind, typed, in trace order. */
export function eventsOfKind<K extends TraceEventKind>(trace: Trace, kind: K): TraceEventOf<K>[] {
  return trace.events.filter((e): e is TraceEventOf<K> => e.kind === kind);
}
