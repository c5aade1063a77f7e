/**
 * A lock service with leases, and storage that checks fencing tokens: the failure Kleppmann describes in
 * "Designing Data-Intensive Applications", ch. 8 ("The leader and the lock", "Fencing tokens"), and the remedy
 * Chubby calls sequencers (Burrows, "The Chubby lock service for loosely-coupled distributed systems", OSDI 2006,
 * §2.4): a lock holder passes a number that grows with every grant to the server it writes to, and the server
 * refuses a number lower than one it has already seen.
 *
 * Four nodes: `lock` grants a lease of `leaseMs` (on its own clock) with a token one higher than the last; `c1` and
 * `c2` each acquire the lock, do some work, then write to `storage` with their token; `storage` accepts or
 * rejects the write. `runLockDemo` pauses `c1` (a `pause` intervention, like a long GC pause) right after it gets
 * the lock, for longer than the lease: the lock service lets the lease expire and grants the lock to `c2`, and
 * when `c1` resumes it writes, still believing it holds the lock. Without fencing, storage takes both writes; with
 * fencing, it rejects `c1`'s, because it has already seen `c2`'s higher token.
 */
import { Simulation } from '../sim/simulation';
import { okUnlessTruncated } from '../sim/check';
import type { CheckResult } from '../sim/check';
import type { NetworkOptions } from '../sim/network';
import { formatMs } from '../sim/trace';
import type { Trace, TraceEvent, TraceEventOf } from '../sim/trace';
import type { Effect, NodeBehavior, NodeId } from '../sim/types';

/**
 * The messages. `acquire` and `granted` between a client and the lock service (a client waits, queued, while
 * someone else holds a live lease); `write` from a client to storage, carrying its token; `writeResult` back.
 */
export type LockMessage =
  | { type: 'acquire' }
  | { type: 'granted'; token: number; leaseMs: number }
  | { type: 'write'; token: number; value: unknown }
  | { type: 'writeResult'; token: number; accepted: boolean };

/**
 * The lock service's state: the last token issued (tokens start at 1 and only grow), the current holder and when
 * its lease ends on the service's clock, and the clients waiting, in arrival order.
 */
export interface LockServiceState {
  lastToken: number;
  holder: NodeId | null;
  leaseEndsMs: number;
  waiting: NodeId[];
}

/** A client's state: its token once granted (null before), and whether it has written. */
export interface LockClientState {
  token: number | null;
  wrote: boolean;
}

/** Storage's state: the highest token it has seen on an accepted write (0 before any), and how many it took. */
export interface StorageState {
  highestToken: number;
  writes: number;
}

export type LockDemoState = LockServiceState | LockClientState | StorageState;

const EXPIRE_TIMER = 'lease-expired';
const ACQUIRE_TIMER = 'acquire';
const WRITE_TIMER = 'write';

/**
 * The lock service. A lease runs `leaseMs` on the service's own clock from the grant; when it ends, the service
 * grants the lock to the next waiting client, if any. It never hears from the holder again (there is no release
 * and no renewal here), which is the point: it cannot tell a paused client from a dead one. Log lines: `grant`
 * `{ client, token, leaseMs }` and `expire` `{ client, token }`.
 */
export function lockService(leaseMs: number): NodeBehavior<LockServiceState, LockMessage> {
  const grant = (state: LockServiceState, client: NodeId, nowMs: number, out: Effect<LockMessage>[]): LockServiceState => {
    const token = state.lastToken + 1;
    out.push({ type: 'log', text: 'grant', data: { client, token, leaseMs } });
    out.push({ type: 'send', to: client, message: { type: 'granted', token, leaseMs } });
    out.push({ type: 'setTimer', name: EXPIRE_TIMER, delayMs: leaseMs });
    return { ...state, lastToken: token, holder: client, leaseEndsMs: nowMs + leaseMs };
  };
  return {
    init: () => ({ lastToken: 0, holder: null, leaseEndsMs: 0, waiting: [] }),
    step(state, input, ctx) {
      const out: Effect<LockMessage>[] = [];
      if (input.type === 'message' && input.message.type === 'acquire') {
        const free = state.holder === null || ctx.nowMs >= state.leaseEndsMs;
        if (free) return { state: grant(state, input.from, ctx.nowMs, out), effects: out };
        if (state.holder === input.from || state.waiting.includes(input.from)) return { state };
        return { state: { ...state, waiting: [...state.waiting, input.from] } };
      }
      if (input.type === 'timer' && input.name === EXPIRE_TIMER && state.holder !== null) {
        out.push({ type: 'log', text: 'expire', data: { client: state.holder, token: state.lastToken } });
        const [next, ...rest] = state.waiting;
        const freed: LockServiceState = { ...state, holder: null, waiting: rest };
        return { state: next === undefined ? freed : grant(freed, next, ctx.nowMs, out), effects: out };
      }
      return { state };
    },
  };
}

/**
 * A client: asks for the lock at `acquireAtMs`, and once granted does `workMs` of work and then writes `value` to
 * storage with its token. It checks nothing after the grant: like the process in Kleppmann's figure 8-4, it
 * believes it holds the lock for the whole critical section (a check of its lease just before writing would only
 * narrow the window, since a pause or a slow network can still come between the check and the write's arrival).
 * Log lines: `granted` `{ token }`, `writing` `{ token }` and `written` `{ token, accepted }`.
 */
export function lockClient(o: { acquireAtMs: number; workMs: number; value: unknown }): NodeBehavior<LockClientState, LockMessage> {
  return {
    init: () => ({ token: null, wrote: false }),
    step(state, input, ctx) {
      switch (input.type) {
        case 'start':
          return { state, effects: [{ type: 'setTimer', name: ACQUIRE_TIMER, delayMs: Math.max(0, o.acquireAtMs - ctx.nowMs) }] };
        case 'timer':
          if (input.name === ACQUIRE_TIMER) return { state, effects: [{ type: 'send', to: 'lock', message: { type: 'acquire' } }] };
          if (input.name === WRITE_TIMER && state.token !== null && !state.wrote) {
            const token = state.token;
            return {
              state: { ...state, wrote: true },
              effects: [
                { type: 'log', text: 'writing', data: { token } },
                { type: 'send', to: 'storage', message: { type: 'write', token, value: o.value } },
              ],
            };
          }
          return { state };
        case 'message': {
          const m = input.message;
          if (m.type === 'granted' && state.token === null) {
            return {
              state: { ...state, token: m.token },
              effects: [
                { type: 'log', text: 'granted', data: { token: m.token } },
                { type: 'setTimer', name: WRITE_TIMER, delayMs: o.workMs },
              ],
            };
          }
          if (m.type === 'writeResult') return { state, effects: [{ type: 'log', text: 'written', data: { token: m.token, accepted: m.accepted } }] };
          return { state };
        }
        default:
          return { state };
      }
    },
  };
}

/**
 * Storage. With `fencing`, a write whose token is lower than the highest token it has accepted is rejected
 * (Chubby §2.4's sequencer check); without, every write is accepted. Log lines: `write` `{ client, token, value }`
 * for an accepted write, `reject` `{ client, token, highestToken }` for a rejected one.
 */
export function fencedStorage(fencing: boolean): NodeBehavior<StorageState, LockMessage> {
  return {
    init: () => ({ highestToken: 0, writes: 0 }),
    step(state, input) {
      if (input.type !== 'message' || input.message.type !== 'write') return { state };
      const { token, value } = input.message;
      const client = input.from;
      if (fencing && token < state.highestToken) {
        return {
          state,
          effects: [
            { type: 'log', text: 'reject', data: { client, token, highestToken: state.highestToken } },
            { type: 'send', to: client, message: { type: 'writeResult', token, accepted: false } },
          ],
        };
      }
      return {
        state: { highestToken: Math.max(state.highestToken, token), writes: state.writes + 1 },
        effects: [
          { type: 'log', text: 'write', data: { client, token, value } },
          { type: 'send', to: client, message: { type: 'writeResult', token, accepted: true } },
        ],
      };
    },
  };
}

/**
 * The demo's settings.
 *
 * - `fencing`: whether storage checks tokens.
 * - `leaseMs`: the lease length (default 100).
 * - `pauseMs`: how long `c1` pauses right after it gets the lock (default 300, longer than the lease).
 * - `untilMs`: how long to run (default 1000).
 * - `network`: overrides of the default network (5 to 15 ms). The script assumes one-way latencies under 50 ms:
 *   `c1` asks for the lock at 0 ms and `c2` at 50 ms, so `c1` is first.
 */
export interface LockRunOptions {
  seed: number | string;
  fencing: boolean;
  leaseMs?: number;
  pauseMs?: number;
  untilMs?: number;
  network?: Partial<NetworkOptions>;
}

/** One write as storage saw it: who, with which token, when (global ms), and whether it was accepted. */
export interface StorageWrite {
  client: NodeId;
  token: number;
  atMs: number;
  accepted: boolean;
}

/** How long a client works between getting the lock and writing, in ms of its own clock. */
const WORK_MS = 10;

/**
 * Runs the demo and returns the trace and the writes storage saw, in order. The pause is scheduled while the run
 * is going, 1 ms after `c1` takes its grant (interventions added during a run must lie in the future); the trace
 * records it, and the same seed always puts it at the same time.
 */
export function runLockDemo(o: LockRunOptions): { trace: Trace; writes: StorageWrite[] } {
  const leaseMs = o.leaseMs ?? 100;
  const pauseMs = o.pauseMs ?? 300;
  const untilMs = o.untilMs ?? 1000;
  const sim = new Simulation<LockDemoState, LockMessage>({
    seed: o.seed,
    nodes: {
      lock: lockService(leaseMs) as NodeBehavior<LockDemoState, LockMessage>,
      c1: lockClient({ acquireAtMs: 0, workMs: WORK_MS, value: 'c1' }) as NodeBehavior<LockDemoState, LockMessage>,
      c2: lockClient({ acquireAtMs: 50, workMs: WORK_MS, value: 'c2' }) as NodeBehavior<LockDemoState, LockMessage>,
      storage: fencedStorage(o.fencing) as NodeBehavior<LockDemoState, LockMessage>,
    },
    network: o.network,
  });
  const c1HasLock = () => ((sim.states().c1 as LockClientState | undefined)?.token ?? null) !== null;
  while (!c1HasLock() && sim.nowMs <= untilMs && sim.step());
  if (c1HasLock()) sim.schedule({ atMs: sim.nowMs + 1, kind: 'pause', node: 'c1', durationMs: pauseMs });
  sim.runUntil(untilMs);
  const trace = sim.trace();
  return { trace, writes: storageWrites(trace) };
}

/** The writes storage saw, from its `write` and `reject` log lines, in order. */
export function storageWrites(trace: Trace): StorageWrite[] {
  const out: StorageWrite[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'log' || e.node !== 'storage' || (e.text !== 'write' && e.text !== 'reject')) continue;
    const { client, token } = e.data as { client: NodeId; token: number };
    out.push({ client, token, atMs: e.t, accepted: e.text === 'write' });
  }
  return out;
}

type LogEvent = TraceEventOf<'log'>;

/**
 * Safety: storage never accepts writes from two lease holders interleaved. A write accepted with token k is a
 * violation when, by the time storage accepted it, the lock service's grant log shows the lease of token k had
 * expired and the lock had been granted to another client (a higher token): from then on the writer is no longer
 * the holder, whatever it believes. Also a violation: an accepted write whose token was never granted to its
 * writer. The evidence is the writer's grant, the later grant and the accepted write.
 *
 * Note that fencing alone does not make this hold in every run: if the stale write reaches storage before any
 * write with the new token, storage has nothing to compare it with and accepts it. Here the new holder writes
 * soon after its grant and the paused client much later, so it holds; Chubby §2.4 has servers also check a
 * sequencer against the lock service itself to close that gap.
 */
export function checkExclusiveWrites(trace: Trace): CheckResult {
  const property = 'exclusive writes';
  const grants = new Map<number, LogEvent>();
  let lastGrant: LogEvent | undefined;
  for (const e of trace.events) {
    if (e.kind !== 'log') continue;
    if (e.node === 'lock' && e.text === 'grant') {
      grants.set((e.data as { token: number }).token, e);
      lastGrant = e;
    } else if (e.node === 'storage' && e.text === 'write') {
      const { client, token } = e.data as { client: NodeId; token: number };
      const own = grants.get(token);
      if (own === undefined || (own.data as { client: NodeId }).client !== client) {
        return violation(property, `storage accepted a write from ${client} with token ${token}, which the lock service never granted to ${client}`, own === undefined ? [e] : [own, e]);
      }
      if (lastGrant !== undefined && lastGrant !== own) {
        const next = lastGrant.data as { client: NodeId; token: number };
        return violation(
          property,
          `storage accepted ${client}'s write with token ${token} at ${formatMs(e.t)} ms, after its lease expired and the lock was granted to ${next.client} (token ${next.token}) at ${formatMs(lastGrant.t)} ms`,
          [own, lastGrant, e],
        );
      }
    }
  }
  return okUnlessTruncated(trace, property);
}

function violation(property: string, message: string, events: TraceEvent[]): CheckResult {
  return { status: 'violation', property, failure: 'safety', message, events: events.sort((x, y) => x.seq - y.seq) };
}
