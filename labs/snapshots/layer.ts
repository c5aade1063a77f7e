/**
 * The snapshot layer: wraps any application node of the simulator and records global snapshots underneath it, so
 * the algorithm is composed with the application instead of being written into it.
 *
 * The layer sits between the network and the application. Outgoing application messages are wrapped
 * (`LayerMessage` `app`: a per-channel sequence number, the sender's vector clock, the snapshot ids it has
 * recorded); incoming ones are unwrapped before the application sees them, so the application never sees a
 * marker or a wrapper field. Requests other than `startSnapshot` and every timer go to the application unchanged
 * (the layer sets no timers of its own, so no names can clash).
 *
 * Papers:
 * - K. Mani Chandy and Leslie Lamport, "Distributed Snapshots: Determining Global States of Distributed Systems",
 *   ACM TOCS 3(1), 1985: §2 the model (processes and directed FIFO channels), §3.2 the algorithm (the marker
 *   sending rule and the marker receiving rule), §4 the properties of the recorded global state.
 * - Ten-Hwang Lai and Tao H. Yang, "On Distributed Snapshots", Information Processing Letters 25, 1987: messages
 *   carry the sender's colour (recorded or not); a node that receives a message coloured for a snapshot it has not
 *   recorded records before taking it; channel states come out as the difference between what was sent and what
 *   was received before each end recorded. No FIFO needed.
 * - Friedemann Mattern, "Virtual Time and Global States of Distributed Systems", 1989: vector time and the
 *   characterisation of consistent cuts by the vectors of their frontier.
 *
 * The vector clock counts application events only: a send ticks the sender's entry and stamps the message; the
 * delivery of an application message merges the stamp and ticks. A recording copies the clock, so the frontier of
 * a global snapshot is the set of these copies.
 */
import type { VectorTimestamp } from '../clocks/logical';
import { mergeVectors } from '../clocks/logical';
import { jsonCopy } from '../sim/trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext, StepResult } from '../sim/types';
import { RECORDING_LOG } from './types';
import type {
  Channel,
  LayerMessage,
  LocalRecording,
  MarkerReceiveRule,
  RecordedMessage,
  SnapshotAlgorithm,
  StartSnapshotRequest,
} from './types';

export interface SnapshotLayerOptions {
  algorithm: SnapshotAlgorithm;
  /**
   * Directed channels the application may use; default: every ordered pair of distinct nodes. The layer throws a
   * clear error if the application sends on a channel not listed. Markers and control messages go on these only.
   */
  channels?: Channel[];
  /** Replaces Chandy-Lamport's marker receiving rule (for the learner's exercise); default `markerReceiveRule`. */
  markerRule?: MarkerReceiveRule;
}

/**
 * The `log` text the layer emits at the very step in which a node records its state for a snapshot (`data`:
 * `{ snapshotId }`). `RECORDING_LOG` comes later, when the node's part is complete; this one marks the cut's
 * position in the trace, which the reachability checker and the figures read.
 */
export const STATE_RECORDED_LOG = 'snapshot state recorded';

/**
 * Chandy and Lamport's marker receiving rule (1985 §3.2), the reference version. On a marker along channel c:
 * if the node has not recorded its state, it records it, records c's state as empty, and starts recording every
 * other incoming channel; otherwise it stops recording c (c's state is what arrived on it since the recording).
 */
export const markerReceiveRule: MarkerReceiveRule = (view, from) => {
  if (!view.recorded) return { recordState: true, recording: view.incoming.filter((n) => n !== from) };
  return { recordState: false, recording: view.recording.filter((n) => n !== from) };
};

/** One snapshot id's progress at one node. */
export interface SnapshotProgress<S, M> {
  recording: LocalRecording<S, M>;
  /** Chandy-Lamport: incoming channels (by sender) still being recorded. Empty for Lai-Yang. */
  open: NodeId[];
  complete: boolean;
}

/**
 * A node's state under the layer: the application's own state plus the layer's bookkeeping.
 * - `vc`: the vector clock over application events;
 * - `sentCount`: per outgoing channel (by receiver), application messages sent (the next seq);
 * - `received`: per incoming channel (by sender), the seqs of application messages delivered, in arrival order;
 * - `sentLog`: Lai-Yang only, per outgoing channel, every application message sent (what a recording copies);
 * - `recorded`: snapshot ids this node has recorded, in order (Lai-Yang's colour);
 * - `snapshots`: per snapshot id, the recording and its progress.
 */
export interface LayerState<S, M> {
  app: S;
  vc: VectorTimestamp;
  sentCount: Record<NodeId, number>;
  received: Record<NodeId, number[]>;
  sentLog: Record<NodeId, RecordedMessage<M>[]>;
  recorded: string[];
  snapshots: Record<string, SnapshotProgress<S, M>>;
}

/** The request that starts snapshot `snapshotId` at the node it is sent to; send it as a `request` intervention. */
export function startSnapshot(snapshotId: string): StartSnapshotRequest {
  if (typeof snapshotId !== 'string' || snapshotId === '') throw new Error(`startSnapshot needs a non-empty snapshot id (got ${JSON.stringify(snapshotId)})`);
  return { type: 'start-snapshot', snapshotId };
}

function isStartSnapshot(request: unknown): request is StartSnapshotRequest {
  return request !== null && typeof request === 'object' && (request as { type?: unknown }).type === 'start-snapshot' && typeof (request as { snapshotId?: unknown }).snapshotId === 'string';
}

/** Every ordered pair of distinct nodes. */
export function allChannels(nodes: readonly NodeId[]): Channel[] {
  const sorted = nodes.slice().sort();
  return sorted.flatMap((from) => sorted.filter((to) => to !== from).map((to) => ({ from, to })));
}

interface Topology {
  outgoing: NodeId[];
  incoming: NodeId[];
}

function topologyOf(id: NodeId, peers: readonly NodeId[], channels: Channel[] | undefined): Topology {
  if (channels === undefined) return { outgoing: peers.slice().sort(), incoming: peers.slice().sort() };
  const known = new Set([id, ...peers]);
  channels.forEach((c, i) => {
    if (c === null || typeof c !== 'object' || !known.has(c.from) || !known.has(c.to)) {
      throw new Error(`snapshot layer: channels[${i}] must join two nodes of the run (nodes: ${[...known].sort().join(', ')}; got ${JSON.stringify(c)})`);
    }
    if (c.from === c.to) throw new Error(`snapshot layer: channels[${i}] joins ${c.from} to itself; channels join two distinct nodes`);
  });
  const outgoing = [...new Set(channels.filter((c) => c.from === id).map((c) => c.to))].sort();
  const incoming = [...new Set(channels.filter((c) => c.to === id).map((c) => c.from))].sort();
  return { outgoing, incoming };
}

/**
 * Checks a marker rule's answer and returns it in a normal form, or throws an error that names the rule and what
 * was wrong with its answer.
 */
function checkRuleAnswer(
  answer: unknown,
  view: { recorded: boolean; recording: readonly NodeId[]; incoming: readonly NodeId[] },
  from: NodeId,
  ruleName: string,
): { recordState: boolean; recording: NodeId[] } {
  const where = `the marker receiving rule ${ruleName} (marker from ${from}, recorded: ${view.recorded}, recording: [${view.recording.join(', ')}])`;
  if (answer === null || typeof answer !== 'object') throw new Error(`${where} must return { recordState, recording } (got ${String(answer)})`);
  const { recordState, recording } = answer as { recordState?: unknown; recording?: unknown };
  if (typeof recordState !== 'boolean') throw new Error(`${where} returned recordState ${JSON.stringify(recordState)}; it must be true or false`);
  if (recordState && view.recorded) throw new Error(`${where} asked to record the state again, but this node has already recorded it for this snapshot`);
  if (!Array.isArray(recording)) throw new Error(`${where} returned recording ${JSON.stringify(recording)}; it must be a list of senders of incoming channels`);
  const incoming = new Set(view.incoming);
  const seen = new Set<NodeId>();
  for (const n of recording) {
    if (typeof n !== 'string' || !incoming.has(n)) {
      throw new Error(`${where} returned ${JSON.stringify(n)} in recording, which is not an incoming channel (incoming: [${view.incoming.join(', ')}])`);
    }
    if (seen.has(n)) throw new Error(`${where} listed channel ${n} twice in recording`);
    seen.add(n);
  }
  if (!view.recorded && !recordState && recording.length > 0) {
    throw new Error(`${where} asked to record channels [${recording.join(', ')}] before the node has recorded its state`);
  }
  return { recordState, recording: (recording as NodeId[]).slice().sort() };
}

/**
 * Wraps `app` in the snapshot layer. The result is a node behavior like any other: give it to `simulate`, send
 * `startSnapshot(id)` as a request to start snapshot `id` there. Several snapshots with different ids may run at
 * once; a second start of an id the node already recorded is ignored. When a node's part of a snapshot is complete
 * it emits a `log` effect with text `RECORDING_LOG` and its `LocalRecording` as data.
 */
export function withSnapshots<S, M>(app: NodeBehavior<S, M>, options: SnapshotLayerOptions): NodeBehavior<LayerState<S, M>, LayerMessage<M>> {
  if (options === null || typeof options !== 'object') throw new Error('withSnapshots needs options like { algorithm: "chandy-lamport" }');
  const algorithm = options.algorithm;
  if (algorithm !== 'chandy-lamport' && algorithm !== 'lai-yang') {
    throw new Error(`snapshot layer: algorithm must be "chandy-lamport" or "lai-yang" (got ${JSON.stringify(algorithm)})`);
  }
  const rule = options.markerRule ?? markerReceiveRule;
  if (typeof rule !== 'function') throw new Error('snapshot layer: markerRule must be a function (view, from) => { recordState, recording }');
  const ruleName = rule === markerReceiveRule ? 'markerReceiveRule' : rule.name ? `"${rule.name}"` : '(the one given as markerRule)';
  const channels = options.channels?.map((c) => ({ from: c.from, to: c.to }));
  // The topology depends only on the node's id and peers, which never change during a run; cache it per id.
  const topologies = new Map<NodeId, Topology>();
  const topology = (ctx: StepContext): Topology => {
    let t = topologies.get(ctx.id);
    if (t === undefined) {
      t = topologyOf(ctx.id, ctx.peers, channels);
      topologies.set(ctx.id, t);
    }
    return t;
  };

  type State = LayerState<S, M>;
  type Out = Effect<LayerMessage<M>>;

  /** Records this node's state for `snapshotId` now, sends the markers, and completes the part if nothing is open. */
  function record(state: State, snapshotId: string, initiator: boolean, open: NodeId[], ctx: StepContext, effects: Out[]): State {
    const topo = topology(ctx);
    const sentLog: Record<NodeId, RecordedMessage<M>[]> = {};
    const channelsRecorded: Record<NodeId, RecordedMessage<M>[]> = {};
    if (algorithm === 'lai-yang') {
      for (const to of topo.outgoing) sentLog[to] = jsonCopy(state.sentLog[to] ?? []);
    } else {
      for (const from of topo.incoming) channelsRecorded[from] = [];
    }
    const recording: LocalRecording<S, M> = {
      snapshotId,
      node: ctx.id,
      algorithm,
      initiator,
      state: jsonCopy(state.app),
      vc: { ...state.vc },
      sentBefore: Object.fromEntries(topo.outgoing.map((to) => [to, state.sentCount[to] ?? 0])),
      receivedBefore: Object.fromEntries(topo.incoming.map((from) => [from, (state.received[from] ?? []).slice()])),
      channels: algorithm === 'lai-yang' ? sentLog : channelsRecorded,
      // The node can read only its own clock; `collectSnapshots` replaces both times with global time from the trace.
      recordedAtMs: ctx.nowMs,
      completedAtMs: ctx.nowMs,
    };
    effects.push({ type: 'log', text: STATE_RECORDED_LOG, data: { snapshotId } });
    // The marker sending rule (CL 1985 §3.2): a marker on every outgoing channel after recording and before any
    // further message. Lai-Yang sends the same control message so that nodes no coloured message reaches record too.
    for (const to of topo.outgoing) effects.push({ type: 'send', to, message: { type: 'marker', snapshotId } });
    const progress: SnapshotProgress<S, M> = { recording, open: algorithm === 'lai-yang' ? [] : open, complete: false };
    const next: State = { ...state, recorded: [...state.recorded, snapshotId], snapshots: { ...state.snapshots, [snapshotId]: progress } };
    return maybeComplete(next, snapshotId, ctx, effects);
  }

  function maybeComplete(state: State, snapshotId: string, ctx: StepContext, effects: Out[]): State {
    const progress = state.snapshots[snapshotId];
    if (progress === undefined || progress.complete || progress.open.length > 0) return state;
    const recording = { ...progress.recording, completedAtMs: ctx.nowMs };
    effects.push({ type: 'log', text: RECORDING_LOG, data: recording });
    return { ...state, snapshots: { ...state.snapshots, [snapshotId]: { ...progress, recording, complete: true } } };
  }

  function onMarker(state: State, from: NodeId, snapshotId: string, ctx: StepContext, effects: Out[]): State {
    const topo = topology(ctx);
    const progress = state.snapshots[snapshotId];
    if (algorithm === 'lai-yang') {
      return progress === undefined ? record(state, snapshotId, false, [], ctx, effects) : state;
    }
    if (progress?.complete) return state;
    const view = { recorded: progress !== undefined, recording: progress?.open ?? [], incoming: topo.incoming };
    const answer = checkRuleAnswer(rule(view, from), view, from, ruleName);
    if (answer.recordState) return record(state, snapshotId, false, answer.recording, ctx, effects);
    if (progress === undefined) return state;
    const next: State = { ...state, snapshots: { ...state.snapshots, [snapshotId]: { ...progress, open: answer.recording } } };
    return maybeComplete(next, snapshotId, ctx, effects);
  }

  /** Passes one input to the application and wraps what it returns. */
  function runApp(state: State, input: Input<M>, ctx: StepContext, effects: Out[]): State {
    const result = app.step(state.app, input, ctx) as StepResult<S, M> | null;
    if (result === null || typeof result !== 'object') throw new Error(`the application's step must return { state, effects } (got ${String(result)})`);
    const topo = topology(ctx);
    let { vc, sentCount, sentLog } = state;
    for (const effect of result.effects ?? []) {
      if (effect?.type !== 'send') {
        effects.push(effect as Out);
        continue;
      }
      if (!topo.outgoing.includes(effect.to)) {
        throw new Error(
          `the application at ${ctx.id} sent on channel ${ctx.id} -> ${effect.to}, which is not one of the snapshot layer's channels ` +
            `(outgoing from ${ctx.id}: [${topo.outgoing.join(', ')}])`,
        );
      }
      vc = { ...vc, [ctx.id]: (vc[ctx.id] ?? 0) + 1 };
      const seq = sentCount[effect.to] ?? 0;
      sentCount = { ...sentCount, [effect.to]: seq + 1 };
      if (algorithm === 'lai-yang') sentLog = { ...sentLog, [effect.to]: [...(sentLog[effect.to] ?? []), { seq, message: jsonCopy(effect.message) }] };
      effects.push({ type: 'send', to: effect.to, message: { type: 'app', message: effect.message, seq, vc, recorded: state.recorded.slice() } });
    }
    return { ...state, app: result.state, vc, sentCount, sentLog };
  }

  function onAppMessage(state: State, input: { from: NodeId; msgId: number; message: Extract<LayerMessage<M>, { type: 'app' }> }, ctx: StepContext, effects: Out[]): State {
    const wrapped = input.message;
    let next = state;
    if (algorithm === 'lai-yang') {
      // A message coloured for a snapshot this node has not recorded: record first, then take the message, so it
      // counts as received after the recording (its send was after the sender's).
      for (const id of wrapped.recorded) if (next.snapshots[id] === undefined) next = record(next, id, false, [], ctx, effects);
    } else {
      // Chandy-Lamport: the message belongs to the state of every channel still being recorded.
      let snapshots = next.snapshots;
      for (const [id, progress] of Object.entries(snapshots)) {
        if (progress.complete || !progress.open.includes(input.from)) continue;
        const ch = progress.recording.channels;
        const recording = { ...progress.recording, channels: { ...ch, [input.from]: [...(ch[input.from] ?? []), { seq: wrapped.seq, message: jsonCopy(wrapped.message) }] } };
        snapshots = { ...snapshots, [id]: { ...progress, recording } };
      }
      next = { ...next, snapshots };
    }
    const merged = mergeVectors(next.vc, wrapped.vc);
    next = {
      ...next,
      vc: { ...merged, [ctx.id]: (merged[ctx.id] ?? 0) + 1 },
      received: { ...next.received, [input.from]: [...(next.received[input.from] ?? []), wrapped.seq] },
    };
    return runApp(next, { type: 'message', from: input.from, message: wrapped.message, msgId: input.msgId }, ctx, effects);
  }

  return {
    init(ctx) {
      const nodes = [ctx.id, ...ctx.peers].sort();
      topology(ctx);
      return {
        app: app.init(ctx),
        vc: Object.fromEntries(nodes.map((n) => [n, 0])),
        sentCount: {},
        received: {},
        sentLog: {},
        recorded: [],
        snapshots: {},
      };
    },
    step(state, input, ctx) {
      const effects: Out[] = [];
      let next: State;
      switch (input.type) {
        case 'message': {
          const message = input.message;
          if (message?.type === 'marker') next = onMarker(state, input.from, message.snapshotId, ctx, effects);
          else if (message?.type === 'app') next = onAppMessage(state, { from: input.from, msgId: input.msgId, message }, ctx, effects);
          else throw new Error(`snapshot layer at ${ctx.id}: a message from ${input.from} is neither an application message nor a marker`);
          break;
        }
        case 'request':
          if (isStartSnapshot(input.request)) {
            const id = input.request.snapshotId;
            next = state.snapshots[id] === undefined ? record(state, id, true, topology(ctx).incoming.slice(), ctx, effects) : state;
          } else {
            next = runApp(state, input, ctx, effects);
          }
          break;
        default:
          next = runApp(state, input as Input<M>, ctx, effects);
      }
      return { state: next, effects };
    },
  };
}
