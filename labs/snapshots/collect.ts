/**
 * Putting a global snapshot together from a trace: every node's `LocalRecording` (logged under `RECORDING_LOG`)
 * for one id, and every channel's state.
 *
 * - Chandy-Lamport (1985 §3.2): the receiver recorded each incoming channel's messages itself; the collector copies
 *   them.
 * - Lai-Yang (1987): the sender logged every application message it had sent on each outgoing channel before it
 *   recorded, and the receiver the sequence numbers it had received before it recorded; a channel's state is the
 *   difference, computed here by a `ChannelStateRule` (the reference one, or a learner's).
 */
import type { Trace } from '../sim/trace';
import type { NodeId } from '../sim/types';
import { STATE_RECORDED_LOG } from './layer';
import { RECORDING_LOG } from './types';
import type { ChannelState, ChannelStateRule, GlobalSnapshot, LocalRecording, RecordedMessage } from './types';

/**
 * Lai and Yang's channel state by difference: the messages the sender sent before it recorded, minus those the
 * receiver had received before it recorded (matched by sequence number), in send order.
 */
export const channelStateByDifference: ChannelStateRule = <M>(sentBefore: readonly RecordedMessage<M>[], receivedBefore: readonly number[]) => {
  const received = new Set(receivedBefore);
  return sentBefore.filter((m) => !received.has(m.seq)).map((m) => ({ seq: m.seq, message: m.message }));
};

/**
 * The `LocalRecording`s of a trace, grouped by snapshot id in order of first appearance, with each log's trace seq;
 * their times are set to global time from the trace.
 */
export function recordingsByIdOf<S, M>(trace: Trace): Map<string, { recording: LocalRecording<S, M>; seq: number }[]> {
  const byId = new Map<string, { recording: LocalRecording<S, M>; seq: number }[]>();
  const recordedAt = new Map<string, number>();
  for (const e of trace.events) {
    if (e.kind !== 'log') continue;
    if (e.text === STATE_RECORDED_LOG) {
      const key = `${e.node}\u0000${(e.data as { snapshotId: string }).snapshotId}`;
      if (!recordedAt.has(key)) recordedAt.set(key, e.t);
      continue;
    }
    if (e.text !== RECORDING_LOG) continue;
    // The layer stamps its recordings with the node's own clock; the trace knows the global time of both moments,
    // which is what a snapshot's times mean (they differ only when the run gives nodes skewed clocks).
    const logged = e.data as LocalRecording<S, M>;
    const recording = { ...logged, recordedAtMs: recordedAt.get(`${e.node}\u0000${logged.snapshotId}`) ?? logged.recordedAtMs, completedAtMs: e.t };
    const list = byId.get(recording.snapshotId) ?? [];
    list.push({ recording, seq: e.seq });
    byId.set(recording.snapshotId, list);
  }
  return byId;
}

function checkedChannelState<M>(rule: ChannelStateRule, sent: readonly RecordedMessage<M>[], received: readonly number[], from: NodeId, to: NodeId): RecordedMessage<M>[] {
  const result = rule(sent, received) as unknown;
  if (!Array.isArray(result)) throw new Error(`the channel state rule must return a list of recorded messages for channel ${from} -> ${to} (got ${String(result)})`);
  return result as RecordedMessage<M>[];
}

/**
 * Every global snapshot recorded in `trace`, one per snapshot id, in the order their first recording was logged.
 * A snapshot is `complete` when every node of the trace logged its part; otherwise `missing` names the others, and
 * channels whose state cannot be known yet (Lai-Yang needs both ends; Chandy-Lamport the receiver) are left out.
 */
export function collectSnapshots<S, M>(trace: Trace, options: { channelState?: ChannelStateRule } = {}): GlobalSnapshot<S, M>[] {
  const rule = options.channelState ?? channelStateByDifference;
  const snapshots: GlobalSnapshot<S, M>[] = [];
  for (const [snapshotId, list] of recordingsByIdOf<S, M>(trace)) {
    const recordings: Record<NodeId, LocalRecording<S, M>> = {};
    for (const { recording } of list) if (recordings[recording.node] === undefined) recordings[recording.node] = recording;
    const nodes = Object.keys(recordings).sort();
    const algorithm = recordings[nodes[0] as NodeId]!.algorithm;
    const channels: ChannelState<M>[] = [];
    if (algorithm === 'chandy-lamport') {
      for (const to of nodes) {
        const r = recordings[to]!;
        for (const from of Object.keys(r.channels).sort()) channels.push({ from, to, messages: r.channels[from]!.map((m) => ({ seq: m.seq, message: m.message })) });
      }
    } else {
      for (const from of nodes) {
        const sender = recordings[from]!;
        for (const to of Object.keys(sender.channels).sort()) {
          const receiver = recordings[to];
          if (receiver === undefined) continue;
          channels.push({ from, to, messages: checkedChannelState(rule, sender.channels[to]!, receiver.receivedBefore[from] ?? [], from, to) });
        }
      }
    }
    channels.sort((x, y) => (x.from === y.from ? (x.to < y.to ? -1 : x.to > y.to ? 1 : 0) : x.from < y.from ? -1 : 1));
    const missing = trace.nodes.filter((n) => recordings[n] === undefined);
    const all = nodes.map((n) => recordings[n]!);
    const initiators = all.filter((r) => r.initiator).map((r) => r.node);
    const snapshot: GlobalSnapshot<S, M> = {
      snapshotId,
      algorithm,
      initiators,
      states: Object.fromEntries(all.map((r) => [r.node, r.state])),
      channels,
      frontier: Object.fromEntries(all.map((r) => [r.node, r.vc])),
      recordings,
      complete: missing.length === 0,
      missing,
      startedAtMs: Math.min(...all.map((r) => r.recordedAtMs)),
    };
    snapshot.recordingSeqs = Object.fromEntries(list.filter(({ recording }) => recordings[recording.node] === recording).map(({ recording, seq }) => [recording.node, seq]));
    if (missing.length === 0) snapshot.completedAtMs = Math.max(...all.map((r) => r.completedAtMs));
    snapshots.push(snapshot);
  }
  return snapshots;
}
