/**
 * The shared vocabulary of the snapshots lab: what a snapshot layer puts on the wire, what each node records, and
 * the global snapshot assembled from a trace. The layer (`layer.ts`), the checkers (`checkers.ts`), the bank
 * (`bank.ts`), the scenarios (`scenario.ts`) and the views all speak these types and nothing else.
 *
 * Words, as the chapter uses them:
 * - a *channel* is one directed link `from -> to` that the application uses; the layer sends its control
 *   messages only on channels, so a topology with directed links is honoured;
 * - a *local recording* is what one node saved for one snapshot: its application state at one instant, and the
 *   messages it attributes to each of its incoming channels;
 * - a *global snapshot* is every node's local recording for one snapshot id, put together (Chandy and Lamport
 *   1985 §3, "global state": a state per process and a sequence of messages per channel).
 *
 * A `globalSnapshot` here is never a Raft `logSnapshot`: the two share a word and nothing else.
 */
import type { VectorTimestamp } from '../clocks/logical';
import type { NodeId } from '../sim/types';

export type { NodeId } from '../sim/types';
export type { VectorTimestamp } from '../clocks/logical';

/** One directed channel of the application's topology. */
export interface Channel {
  from: NodeId;
  to: NodeId;
}

/**
 * Which algorithm the layer runs.
 * - `chandy-lamport`: markers on every outgoing channel after recording; a channel's state is what arrives on it
 *   after the receiver recorded and before that channel's marker (Chandy and Lamport 1985 §3.2). Correct only on
 *   FIFO channels; on others it is run to show how it fails.
 * - `lai-yang`: every application message carries the sender's colour (the ids of the snapshots it has recorded);
 *   a node that receives a message coloured for a snapshot it has not recorded records first; channel states are
 *   computed by difference between what the sender had sent and what the receiver had received, each before its
 *   own recording (Lai and Yang 1987). Correct without FIFO.
 */
export type SnapshotAlgorithm = 'chandy-lamport' | 'lai-yang';

/** The client request that starts snapshot `snapshotId` at the node it is sent to (an initiator). */
export interface StartSnapshotRequest {
  type: 'start-snapshot';
  snapshotId: string;
}

/**
 * What the layer puts on the wire.
 * - `app`: an application message, wrapped. `seq` numbers the application messages on its channel from 0 (per
 *   directed channel, in send order); `vc` is the sender's vector clock over application events after the send
 *   (Mattern 1989), which the consistency checker reads; `recorded` lists the snapshot ids the sender had
 *   recorded when it sent it (Lai-Yang's colour; Chandy-Lamport carries it too, unused, so both runs of one seed
 *   send the same application messages).
 * - `marker`: Chandy-Lamport's marker, and Lai-Yang's control message that makes sure every node records even if
 *   no coloured application message reaches it; both name the snapshot.
 */
export type LayerMessage<M> =
  | { type: 'app'; message: M; seq: number; vc: VectorTimestamp; recorded: string[] }
  | { type: 'marker'; snapshotId: string };

/**
 * One application message as a channel state records it: its per-channel sequence number and its contents.
 */
export interface RecordedMessage<M> {
  seq: number;
  message: M;
}

/**
 * What node `node` saved for snapshot `snapshotId`, logged once its part is complete (Chandy-Lamport: after a
 * marker has arrived on every incoming channel; Lai-Yang: at once, since channel states are computed later).
 *
 * The layer emits it as a trace `log` event with text `RECORDING_LOG` and this record as `data`.
 */
export interface LocalRecording<S, M> {
  snapshotId: string;
  node: NodeId;
  algorithm: SnapshotAlgorithm;
  /** True at the node that started this snapshot. */
  initiator: boolean;
  /** The application's state at the instant the node recorded (a JSON copy). */
  state: S;
  /** The node's vector clock over application events at that instant (the cut's frontier, Mattern 1989). */
  vc: VectorTimestamp;
  /** Application messages sent, per outgoing channel (by receiver), before recording: their count. */
  sentBefore: Record<NodeId, number>;
  /** Sequence numbers of application messages received, per incoming channel (by sender), before recording. */
  receivedBefore: Record<NodeId, number[]>;
  /**
   * Chandy-Lamport: per incoming channel (by sender), the messages recorded as that channel's state.
   * Lai-Yang: per outgoing channel (by receiver), every application message sent before recording, which the
   * collector subtracts the receiver's `receivedBefore` from.
   */
  channels: Record<NodeId, RecordedMessage<M>[]>;
  /** Global time at which the node recorded its state, and at which its part became complete. */
  recordedAtMs: number;
  completedAtMs: number;
}

/** The `log` text under which the layer emits a `LocalRecording`. */
export const RECORDING_LOG = 'snapshot recorded';

/** One channel's state in a global snapshot. */
export interface ChannelState<M> {
  from: NodeId;
  to: NodeId;
  messages: RecordedMessage<M>[];
}

/**
 * A global snapshot assembled from a trace by `collectSnapshots`: every node's recorded state and every channel's
 * recorded messages for one id. `complete` is false when some node's part never arrived (the run ended first, or
 * a node crashed); `missing` then names those nodes, and the other fields hold what there is.
 */
export interface GlobalSnapshot<S, M> {
  snapshotId: string;
  algorithm: SnapshotAlgorithm;
  initiators: NodeId[];
  states: Record<NodeId, S>;
  channels: ChannelState<M>[];
  /** Each node's vector clock when it recorded. */
  frontier: Record<NodeId, VectorTimestamp>;
  recordings: Record<NodeId, LocalRecording<S, M>>;
  complete: boolean;
  missing: NodeId[];
  startedAtMs: number;
  /** When the last node's part became complete (undefined when incomplete). */
  completedAtMs?: number;
  /** The trace `seq` of each node's `RECORDING_LOG` event (filled in by `collectSnapshots`; absent when built by hand). */
  recordingSeqs?: Record<NodeId, number>;
}

/**
 * Chandy-Lamport's marker receiving rule (1985 §3.2) as a pure decision, so that a learner's version can be run in
 * place of the layer's own. It is called when a marker for one snapshot arrives on the channel from `from`.
 *
 * `view.recorded` says whether this node has already recorded its state for the snapshot; `view.recording` lists
 * the incoming channels (by sender) whose messages are being recorded now; `view.incoming` lists every incoming
 * channel. The answer says whether to record the state now (the layer then sends a marker on every outgoing
 * channel, the marker sending rule, before anything else) and which incoming channels are being recorded after this
 * marker. The layer's part for the snapshot is complete once it has recorded and `recording` is empty.
 */
export type MarkerReceiveRule = (
  view: { recorded: boolean; recording: readonly NodeId[]; incoming: readonly NodeId[] },
  from: NodeId,
) => { recordState: boolean; recording: NodeId[] };

/**
 * Lai-Yang's channel state, computed by difference (1987): given every application message the sender sent on the
 * channel before it recorded (`sentBefore`, in send order) and the sequence numbers the receiver had received on it
 * before it recorded (`receivedBefore`, in arrival order), the messages in flight across the cut.
 */
export type ChannelStateRule = <M>(sentBefore: readonly RecordedMessage<M>[], receivedBefore: readonly number[]) => RecordedMessage<M>[];
