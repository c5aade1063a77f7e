/**
 * Checkers for global snapshots: functions over a collected snapshot and the trace it came from. They observe
 * only what the layer logged and what the simulator recorded; none of them lives inside the layer.
 *
 * - `checkCompleteness`: every node logged its part (a liveness property of the run: all markers arrived).
 * - `checkConsistentCut`: Mattern 1989: the cut through the recording points is consistent iff no node's
 *   frontier knows more of another node's events than that node had itself recorded, frontier[p][q] <= frontier[q][q].
 * - `checkConservation`: an application invariant (the bank's total) holds of the recorded states plus the
 *   recorded channel states.
 * - `checkReachable`: Chandy and Lamport 1985 §4: the recorded global state is reachable from the initial state,
 *   and the final state is reachable from it, by replaying the application's own step function over the trace's
 *   inputs in a causal order.
 *
 * Each answers ok, violation (with the trace events that show it) or inconclusive (the snapshot is incomplete or
 * the trace was cut short), never a silent pass.
 */
import { okUnlessTruncated } from '../sim/check';
import type { CheckResult } from '../sim/check';
import { Random } from '../sim/random';
import type { Trace, TraceEvent } from '../sim/trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from '../sim/types';
import type { VectorTimestamp } from '../clocks/logical';
import { collectSnapshots } from './collect';
import { STATE_RECORDED_LOG } from './layer';
import type { LayerState } from './layer';
import { RECORDING_LOG } from './types';
import type { ChannelStateRule, GlobalSnapshot, LayerMessage, RecordedMessage } from './types';

function violation(property: string, failure: 'safety' | 'liveness', message: string, events: TraceEvent[]): CheckResult {
  return { status: 'violation', property, failure, message, events: events.slice().sort((x, y) => x.seq - y.seq) };
}

/** The `RECORDING_LOG` events behind a snapshot's recordings of `nodes` (when the snapshot knows their seqs). */
function recordingEvents<S, M>(snapshot: GlobalSnapshot<S, M>, nodes: NodeId[]): TraceEvent[] {
  const seqs = snapshot.recordingSeqs;
  if (seqs === undefined) return [];
  return nodes.flatMap((node) => {
    const recording = snapshot.recordings[node];
    const seq = seqs[node];
    if (recording === undefined || seq === undefined) return [];
    return [{ seq, t: recording.completedAtMs, kind: 'log' as const, node, text: RECORDING_LOG, data: recording }];
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Completeness: every node of the run logged its part of the snapshot before the run ended. */
export function checkCompleteness<S, M>(snapshot: GlobalSnapshot<S, M>, trace?: Trace): CheckResult {
  const property = 'completeness';
  if (snapshot.complete) return { status: 'ok', property };
  if (trace?.truncated) return { status: 'inconclusive', property, reason: `the trace was truncated before ${snapshot.missing.join(', ')} logged their part` };
  return violation(
    property,
    'liveness',
    `snapshot ${snapshot.snapshotId}: ${snapshot.missing.join(', ')} never completed ${snapshot.missing.length === 1 ? 'its' : 'their'} part` +
      `${trace ? ` by the end of the run (${trace.endMs} ms)` : ''}; a node completes once it has recorded and a marker arrived on each incoming channel`,
    recordingEvents(snapshot, Object.keys(snapshot.recordings)),
  );
}

/**
 * Mattern's condition (1989) on a cut's frontier, the reference version: for every pair of nodes p, q,
 * frontier[p][q] <= frontier[q][q], that is, no recording point has seen an event of q that q's own recording
 * point had not yet reached. A node missing from a vector counts as 0 there.
 */
export function consistentFrontier(frontier: Record<NodeId, VectorTimestamp>): boolean {
  const nodes = Object.keys(frontier);
  for (const p of nodes) {
    for (const q of nodes) if ((frontier[p]![q] ?? 0) > (frontier[q]![q] ?? 0)) return false;
  }
  return true;
}

/** Application messages received before the receiver recorded that were sent after the sender recorded. */
export function orphanMessages<S, M>(snapshot: GlobalSnapshot<S, M>): { from: NodeId; to: NodeId; seq: number }[] {
  const out: { from: NodeId; to: NodeId; seq: number }[] = [];
  for (const to of Object.keys(snapshot.recordings).sort()) {
    const receiver = snapshot.recordings[to]!;
    for (const from of Object.keys(receiver.receivedBefore).sort()) {
      const sender = snapshot.recordings[from];
      if (sender === undefined) continue;
      const sentBefore = sender.sentBefore[to] ?? 0;
      for (const seq of receiver.receivedBefore[from]!) if (seq >= sentBefore) out.push({ from, to, seq });
    }
  }
  return out;
}

/**
 * The recorded cut is consistent (Mattern 1989), judged from the frontier of vector clocks by `isConsistent`
 * (default `consistentFrontier`; a learner's test can be given instead). A violation names a pair p, q with
 * frontier[p][q] > frontier[q][q] and the messages that crossed the cut backwards (received inside, sent outside).
 */
export function checkConsistentCut<S, M>(
  snapshot: GlobalSnapshot<S, M>,
  options: { isConsistent?: (frontier: Record<NodeId, VectorTimestamp>) => boolean } = {},
): CheckResult {
  const property = 'consistent cut';
  if (!snapshot.complete) return { status: 'inconclusive', property, reason: `snapshot ${snapshot.snapshotId} is incomplete (missing ${snapshot.missing.join(', ')})` };
  const isConsistent = options.isConsistent ?? consistentFrontier;
  const verdict = isConsistent(snapshot.frontier);
  if (typeof verdict !== 'boolean') throw new Error(`the consistency test must return true or false (got ${String(verdict)})`);
  if (verdict) return { status: 'ok', property };
  const nodes = Object.keys(snapshot.frontier).sort();
  let pair: [NodeId, NodeId] | undefined;
  for (const p of nodes) {
    for (const q of nodes) if (pair === undefined && (snapshot.frontier[p]![q] ?? 0) > (snapshot.frontier[q]![q] ?? 0)) pair = [p, q];
  }
  const orphans = orphanMessages(snapshot);
  const crossed = orphans.length === 0 ? 'no message crossed the cut backwards'
    : `${plural(orphans.length, 'message')} crossed the cut backwards (${orphans.map((o) => `${o.from} -> ${o.to} #${o.seq}`).join(', ')}): received before the receiver recorded, sent after the sender recorded`;
  if (pair === undefined) {
    return violation(property, 'safety', `snapshot ${snapshot.snapshotId}: the consistency test rejected the cut, but no pair p, q has frontier[p][q] > frontier[q][q]; ${crossed}`, recordingEvents(snapshot, nodes));
  }
  const [p, q] = pair;
  return violation(
    property,
    'safety',
    `snapshot ${snapshot.snapshotId}: ${p}'s recording has seen ${snapshot.frontier[p]![q]} events of ${q}, but ${q} recorded after only ${snapshot.frontier[q]![q]}; ${crossed}`,
    recordingEvents(snapshot, [p, q]),
  );
}

/**
 * Conservation: the recorded states plus the recorded channel states hold exactly `total` (for the bank: every
 * balance plus every transfer recorded in flight). A violation says how much the snapshot created or destroyed.
 */
export function checkConservation<S, M>(
  snapshot: GlobalSnapshot<S, M>,
  options: { total: number; valueOfState: (s: S) => number; valueOfMessage: (m: M) => number },
): CheckResult {
  const property = 'conservation';
  if (!snapshot.complete) return { status: 'inconclusive', property, reason: `snapshot ${snapshot.snapshotId} is incomplete (missing ${snapshot.missing.join(', ')})` };
  const inStates = Object.values(snapshot.states).reduce((sum, s) => sum + options.valueOfState(s), 0);
  const inFlight = snapshot.channels.reduce((sum, c) => sum + c.messages.reduce((m, r) => m + options.valueOfMessage(r.message), 0), 0);
  const recorded = inStates + inFlight;
  if (recorded === options.total) return { status: 'ok', property };
  const diff = recorded - options.total;
  return violation(
    property,
    'safety',
    `snapshot ${snapshot.snapshotId} records ${recorded} (${inStates} in states + ${inFlight} in channels) but the total is ${options.total}: it ${diff > 0 ? 'creates' : 'destroys'} ${Math.abs(diff)}`,
    recordingEvents(snapshot, Object.keys(snapshot.recordings).sort()),
  );
}

// ---- Reachability by replay. ----------------------------------------------------------------------------------

/** One input the application got, read back from the trace. */
type AppInput<M> =
  | { kind: 'deliver'; from: NodeId; seq: number; message: M; event: TraceEvent; nowMs: number; msgId: number }
  | { kind: 'other'; input: Input<M>; event: TraceEvent; nowMs: number };

interface Replay<S, M> {
  states: Map<NodeId, S>;
  queues: Map<string, RecordedMessage<M>[]>;
  nextSeq: Map<string, number>;
}

const channelKey = (from: NodeId, to: NodeId) => `${from}\u0000${to}`;

/** The application inputs of each node, split at the node's recording step for `snapshotId`. */
function splitInputs<M>(trace: Trace, snapshotId: string): Map<NodeId, { before: AppInput<M>[]; after: AppInput<M>[]; cutSeq: number }> | string {
  const cutSeq = new Map<NodeId, number>();
  for (const e of trace.events) {
    if (e.kind === 'log' && e.text === STATE_RECORDED_LOG && (e.data as { snapshotId?: string }).snapshotId === snapshotId && !cutSeq.has(e.node)) cutSeq.set(e.node, e.seq);
  }
  const inputs = new Map<NodeId, { seq: number; input: AppInput<M> | undefined }[]>(trace.nodes.map((n) => [n, []]));
  for (const e of trace.events) {
    if (e.kind === 'deliver') {
      const wrapped = e.message as LayerMessage<M>;
      const input: AppInput<M> | undefined = wrapped.type === 'app'
        ? { kind: 'deliver', from: e.from, seq: wrapped.seq, message: wrapped.message, event: e, nowMs: e.clockMs, msgId: e.msgId }
        : undefined;
      inputs.get(e.node)!.push({ seq: e.seq, input });
    } else if (e.kind === 'timer') {
      inputs.get(e.node)!.push({ seq: e.seq, input: { kind: 'other', input: { type: 'timer', name: e.name }, event: e, nowMs: e.clockMs } });
    } else if (e.kind === 'request') {
      const request = e.request as { type?: unknown } | null;
      const isStart = request !== null && typeof request === 'object' && request.type === 'start-snapshot';
      inputs.get(e.node)!.push({ seq: e.seq, input: isStart ? undefined : { kind: 'other', input: { type: 'request', request: e.request }, event: e, nowMs: e.t } });
    } else if (e.kind === 'crash' || e.kind === 'restart' || e.kind === 'pause') {
      return `the run has a ${e.kind} of ${e.node} at ${e.t} ms, which the replay does not model`;
    }
  }
  const out = new Map<NodeId, { before: AppInput<M>[]; after: AppInput<M>[]; cutSeq: number }>();
  for (const node of trace.nodes) {
    const cut = cutSeq.get(node);
    if (cut === undefined) return `${node} never recorded its state for snapshot ${snapshotId}`;
    const list = inputs.get(node)!;
    // The recording step's own input is the node's last input before the log: a start request or a marker (never
    // an application input), or under Lai-Yang a coloured message the application takes only after recording.
    let stepIndex = -1;
    list.forEach((x, i) => {
      if (x.seq < cut) stepIndex = i;
    });
    const app = (xs: typeof list) => xs.flatMap((x) => (x.input ? [x.input] : []));
    out.set(node, { before: app(list.slice(0, Math.max(stepIndex, 0))), after: app(list.slice(Math.max(stepIndex, 0))), cutSeq: cut });
  }
  return out;
}

/** A behavior per node: one shared behavior, or a function from node id to behavior. */
export type AppOf<S, M> = NodeBehavior<S, M> | ((node: NodeId) => NodeBehavior<S, M>);

function behaviorOf<S, M>(app: AppOf<S, M>, node: NodeId): NodeBehavior<S, M> {
  return typeof app === 'function' ? app(node) : app;
}

/**
 * Chandy and Lamport 1985 §4: the recorded global state S* is reachable from the initial state S_i, and the final
 * state S_f is reachable from S*. Checked by replaying the application's own step function: from each node's
 * initial state, the inputs each node took before it recorded (read from the trace), in any order that respects
 * causality (a delivery waits until its message was sent in the replay; channels are queues, and with `fifo` a
 * delivery must take the head of its queue). The replayed states and channel contents must equal the recorded
 * ones. Then the inputs after the recording points are replayed the same way, and must reach the states the run
 * ended in. The sequence found need not be the run's own order: the recorded state may never have occurred.
 */
export function checkReachable<S, M>(trace: Trace, snapshot: GlobalSnapshot<S, M>, app: AppOf<S, M>, options: { fifo?: boolean } = {}): CheckResult {
  const property = 'reachability';
  if (!snapshot.complete) return { status: 'inconclusive', property, reason: `snapshot ${snapshot.snapshotId} is incomplete (missing ${snapshot.missing.join(', ')})` };
  if (trace.truncated) return { status: 'inconclusive', property, reason: 'the trace was truncated, so the replay would miss inputs' };
  const split = splitInputs<M>(trace, snapshot.snapshotId);
  if (typeof split === 'string') return { status: 'inconclusive', property, reason: split };
  const fifo = options.fifo ?? false;
  const nodes = trace.nodes;
  const replay: Replay<S, M> = { states: new Map(), queues: new Map(), nextSeq: new Map() };
  // Each node's own random stream, forked as the simulator forks it (the layer draws nothing from it).
  const randoms = new Map(nodes.map((n) => [n, new Random(trace.seed).fork(`node:${n}`)]));
  const ctxOf = (node: NodeId, nowMs: number): StepContext => ({ id: node, peers: nodes.filter((n) => n !== node), nowMs, random: randoms.get(node)! });

  const apply = (node: NodeId, input: Input<M>, nowMs: number) => {
    const ctx = ctxOf(node, nowMs);
    const result = behaviorOf(app, node).step(replay.states.get(node) as S, input, ctx);
    replay.states.set(node, result.state);
    for (const effect of (result.effects ?? []) as Effect<M>[]) {
      if (effect.type !== 'send') continue;
      const key = channelKey(node, effect.to);
      const seq = replay.nextSeq.get(key) ?? 0;
      replay.nextSeq.set(key, seq + 1);
      replay.queues.set(key, [...(replay.queues.get(key) ?? []), { seq, message: JSON.parse(JSON.stringify(effect.message)) as M }]);
    }
  };

  for (const node of nodes) {
    replay.states.set(node, behaviorOf(app, node).init(ctxOf(node, 0)));
    apply(node, { type: 'start' }, 0);
  }

  /** Replays every node's list in a causal order; returns a violation if some input can never be taken. */
  const run = (lists: Map<NodeId, AppInput<M>[]>, phase: string): CheckResult | undefined => {
    const next = new Map(nodes.map((n) => [n, 0]));
    for (;;) {
      let progressed = false;
      let left = 0;
      for (const node of nodes) {
        const list = lists.get(node)!;
        let i = next.get(node)!;
        for (; i < list.length; i++) {
          const x = list[i]!;
          if (x.kind === 'other') {
            apply(node, x.input, x.nowMs);
            continue;
          }
          const key = channelKey(x.from, node);
          const queue = replay.queues.get(key) ?? [];
          const at = queue.findIndex((m) => m.seq === x.seq);
          if (at < 0) break;
          if (fifo && at > 0) {
            return violation(property, 'safety', `${phase}: on FIFO channel ${x.from} -> ${node}, message #${x.seq} was delivered while #${queue[0]!.seq} was still ahead of it`, [x.event]);
          }
          const queued = queue[at]!;
          if (JSON.stringify(queued.message) !== JSON.stringify(x.message)) {
            return violation(property, 'safety', `${phase}: message #${x.seq} on ${x.from} -> ${node} differs in the replay from the run; the application is not a function of its inputs`, [x.event]);
          }
          replay.queues.set(key, [...queue.slice(0, at), ...queue.slice(at + 1)]);
          apply(node, { type: 'message', from: x.from, message: x.message, msgId: x.msgId }, x.nowMs);
        }
        if (i > next.get(node)!) progressed = true;
        next.set(node, i);
        left += list.length - i;
      }
      if (left === 0) return undefined;
      if (!progressed) {
        const stuck = nodes.flatMap((n) => {
          const x = lists.get(n)![next.get(n)!];
          return x?.kind === 'deliver' ? [{ node: n, x }] : [];
        });
        const { node, x } = stuck[0]!;
        return violation(
          property,
          'safety',
          `${phase}: no causal order takes every input: ${node} received message #${x.seq} from ${x.from}, which ${x.from} sends only later`,
          stuck.map((s) => s.x.event),
        );
      }
    }
  };

  const before = new Map([...split].map(([n, s]) => [n, s.before]));
  const failedBefore = run(before, `replaying the events before snapshot ${snapshot.snapshotId}'s cut`);
  if (failedBefore) return failedBefore;
  const evidence = recordingEvents(snapshot, nodes);
  for (const node of nodes) {
    const replayed = JSON.stringify(replay.states.get(node));
    const recorded = JSON.stringify(snapshot.states[node]);
    if (replayed !== recorded) {
      return violation(property, 'safety', `replaying the events before the cut gives ${node} the state ${replayed}, but ${node} recorded ${recorded}`, evidence);
    }
  }
  const recordedChannels = new Map(snapshot.channels.map((c) => [channelKey(c.from, c.to), c]));
  const show = (ms: readonly RecordedMessage<M>[]) => `[${ms.map((m) => `#${m.seq}`).join(', ')}]`;
  const keys = new Set([...recordedChannels.keys(), ...[...replay.queues].filter(([, q]) => q.length > 0).map(([k]) => k)]);
  for (const key of [...keys].sort()) {
    const [from, to] = key.split('\u0000') as [NodeId, NodeId];
    const inQueue = replay.queues.get(key) ?? [];
    const recorded = recordedChannels.get(key)?.messages ?? [];
    const norm = (ms: readonly RecordedMessage<M>[]) => JSON.stringify((fifo ? ms.slice() : ms.slice().sort((x, y) => x.seq - y.seq)).map((m) => [m.seq, m.message]));
    if (norm(inQueue) !== norm(recorded)) {
      return violation(property, 'safety', `after replaying the events before the cut, channel ${from} -> ${to} holds ${show(inQueue)}, but the snapshot recorded ${show(recorded)}`, evidence);
    }
  }
  const after = new Map([...split].map(([n, s]) => [n, s.after]));
  const failedAfter = run(after, `replaying the events after snapshot ${snapshot.snapshotId}'s cut`);
  if (failedAfter) return failedAfter;
  const finalStates = new Map<NodeId, TraceEvent>();
  for (const e of trace.events) if (e.kind === 'state') finalStates.set(e.node, e);
  for (const node of nodes) {
    const last = finalStates.get(node);
    if (last === undefined || last.kind !== 'state') {
      return { status: 'inconclusive', property, reason: `the trace records no state of ${node} (run with trace.recordState on), so the final state reached by the replay cannot be compared with the run's` };
    }
    const final = JSON.stringify((last.state as LayerState<S, M>).app);
    const replayed = JSON.stringify(replay.states.get(node));
    if (final !== replayed) {
      return violation(property, 'safety', `replaying from the recorded state gives ${node} the final state ${replayed}, but the run ended with ${final}`, [last]);
    }
  }
  // The channels too: what the replay leaves in flight must be what the run left undelivered (sent, never delivered
  // nor dropped).
  const inFlight = new Map<string, number[]>();
  const settled = new Set<number>();
  for (const e of trace.events) if (e.kind === 'deliver' || e.kind === 'drop') settled.add(e.msgId);
  for (const e of trace.events) {
    if (e.kind !== 'send' || settled.has(e.msgId)) continue;
    const m = e.message as LayerMessage<M> | undefined;
    if (m?.type !== 'app') continue;
    const key = channelKey(e.node, e.to);
    inFlight.set(key, [...(inFlight.get(key) ?? []), m.seq]);
  }
  const finalKeys = new Set([...inFlight.keys(), ...[...replay.queues].filter(([, q]) => q.length > 0).map(([k]) => k)]);
  for (const key of [...finalKeys].sort()) {
    const [from, to] = key.split('\u0000') as [NodeId, NodeId];
    const replayed = (replay.queues.get(key) ?? []).map((m) => m.seq).sort((x, y) => x - y);
    const left = (inFlight.get(key) ?? []).slice().sort((x, y) => x - y);
    if (JSON.stringify(replayed) !== JSON.stringify(left)) {
      return violation(property, 'safety', `replaying from the recorded state leaves [${replayed.map((q) => `#${q}`).join(', ')}] in flight on ${from} -> ${to}, but the run ended with [${left.map((q) => `#${q}`).join(', ')}] undelivered`, evidence);
    }
  }
  return okUnlessTruncated(trace, property);
}

/** What `checkSnapshots` needs to run each checker; a checker whose inputs are missing is left out. */
export interface CheckSnapshotsOptions<S, M> {
  /** The application, for reachability (one behavior, or one per node). */
  app?: AppOf<S, M>;
  /** The conserved total and how to count it, for conservation. */
  total?: number;
  valueOfState?: (s: S) => number;
  valueOfMessage?: (m: M) => number;
  /** Whether the run's links were FIFO (the replay then takes channels as queues in order). */
  fifo?: boolean;
  channelState?: ChannelStateRule;
  isConsistent?: (frontier: Record<NodeId, VectorTimestamp>) => boolean;
}

/** Collects every snapshot of `trace` and checks each: completeness, consistent cut, conservation, reachability. */
export function checkSnapshots<S, M>(trace: Trace, options: CheckSnapshotsOptions<S, M> = {}): { snapshot: GlobalSnapshot<S, M>; checks: CheckResult[] }[] {
  const snapshots = collectSnapshots<S, M>(trace, options.channelState ? { channelState: options.channelState } : {});
  return snapshots.map((snapshot) => {
    const checks: CheckResult[] = [checkCompleteness(snapshot, trace), checkConsistentCut(snapshot, options.isConsistent ? { isConsistent: options.isConsistent } : {})];
    if (options.total !== undefined && options.valueOfState && options.valueOfMessage) {
      checks.push(checkConservation(snapshot, { total: options.total, valueOfState: options.valueOfState, valueOfMessage: options.valueOfMessage }));
    }
    if (options.app) checks.push(checkReachable(trace, snapshot, options.app, { fifo: options.fifo ?? false }));
    return { snapshot, checks };
  });
}
