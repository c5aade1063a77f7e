/**
 * A dataflow pipeline with asynchronous barrier snapshots, a crash and exactly-once recovery: Carbone, Fóra, Ewen,
 * Haridi and Tzoumas, "Lightweight Asynchronous Snapshots for Distributed Dataflows" (2015,
 * arXiv:1506.08603), as Apache Flink runs it. Section numbers below refer to that paper.
 *
 * The job is a word count, one simulator node per task, on FIFO links:
 *
 *     source-0 ─┬─> count-0 ─┐
 *               ╳            ├─> total ──> sink          coordinator: triggers, acks, restores
 *     source-1 ─┴─> count-1 ─┘
 *
 * - Two sources read their own deterministic list of words (drawn from the seed) and hash-partition each word to
 *   one of the two `count` instances, so every `count` task has two inputs.
 * - `count-k` keeps a count per word (keyed state) and emits `(word, count)`; `total` merges both counts' streams,
 *   keeping the number of records it has seen; the sink writes to the outside world.
 * - The coordinator (Flink's JobManager) triggers checkpoint n every `checkpointIntervalMs` by telling each source,
 *   unless checkpoint n-1 is still pending (one at a time, Flink's default); a source records its offset and
 *   injects barrier n into its output streams (§4.2, Algorithm 1). Once a complete checkpoint has every source at
 *   the end of its records, all output is committed and the coordinator stops triggering.
 * - A task with several inputs aligns: once barrier n has arrived on an input, that input is blocked (its messages
 *   are held back) until barrier n has arrived on every input; then the task forwards barrier n on every output,
 *   saves its state and acknowledges n to the coordinator, and unblocks (§4.2). On an acyclic graph no channel
 *   state needs recording: the barriers mark a consistent cut whose channels are empty (§4.2).
 * - Checkpoint n is complete when every task has acknowledged it; the coordinator then tells every task (Flink's
 *   `notifyCheckpointComplete`), and tasks forget older saved states.
 * - Exactly-once output: the sink holds the records that reach it between barriers n-1 and n as transaction n,
 *   pre-commits it with its state at barrier n, and commits it when checkpoint n is complete (a two-phase-commit
 *   sink, as Flink's TwoPhaseCommitSinkFunction). Committed output is the sink's `SINK_LOG.commit` log lines.
 * - Failure detection: a task that restarts announces itself to the coordinator (`hello`); heartbeats are not
 *   modelled. The coordinator answers every announcement, and its own restart, with a global restore: a new
 *   attempt number and the last complete checkpoint (§4.4: every task restarts from the snapshot, the sources
 *   rewind to their recorded offsets). Every data and control message carries its attempt; a receiver drops
 *   messages of older attempts and keeps those of newer ones until its own restore arrives.
 *
 * Wrong on purpose, as named options: `align: false` takes a task's snapshot when the last barrier arrives without
 * blocking the inputs whose barrier came first (Flink's at-least-once mode): the state then includes records
 * from after the barrier, which the sources replay after a recovery, so they are counted twice. `sink: 'direct'`
 * writes each record out as it arrives: the records between the last complete checkpoint and the crash are
 * written again after the recovery.
 *
 * Every task's durable data (the `persist` effect) holds its saved checkpoint states; a crash loses everything
 * else, and the restart is durable. The sink's durable data also holds the id of the last transaction it
 * committed, which stands for what the outside system knows (a Kafka transaction commits once), so that a
 * commit repeated by a recovery is not written twice.
 */
import { hashSeed, Random } from '../sim/random';
import { simulate } from '../sim/simulation';
import { eventsOfKind, jsonCopy } from '../sim/trace';
import type { CheckResult } from '../sim/check';
import type { Intervention } from '../sim/interventions';
import type { Latency } from '../sim/network';
import type { Trace, TraceEvent, TraceEventOf } from '../sim/trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from '../sim/types';

// ---- The job's shape. -----------------------------------------------------------------------------------------

export const COORDINATOR = 'coordinator';
export const SOURCES = ['source-0', 'source-1'] as const;
export const COUNTS = ['count-0', 'count-1'] as const;
export const TOTAL = 'total';
export const SINK = 'sink';
/** Every task (every node but the coordinator), in pipeline order. */
export const TASKS: readonly NodeId[] = [...SOURCES, ...COUNTS, TOTAL, SINK];
/** Every node in pipeline order, as a figure draws their lanes. */
export const PIPELINE_NODES: readonly NodeId[] = [COORDINATOR, ...TASKS];

/** Each task's inputs, in a fixed order. Sources have none. */
export const PIPELINE_INPUTS: Readonly<Record<NodeId, readonly NodeId[]>> = {
  'source-0': [],
  'source-1': [],
  'count-0': SOURCES,
  'count-1': SOURCES,
  [TOTAL]: COUNTS,
  [SINK]: [TOTAL],
};

/** Each task's outputs. A source sends each record to one of them (the partitioner), barriers to all. */
export const PIPELINE_OUTPUTS: Readonly<Record<NodeId, readonly NodeId[]>> = {
  'source-0': COUNTS,
  'source-1': COUNTS,
  'count-0': [TOTAL],
  'count-1': [TOTAL],
  [TOTAL]: [SINK],
  [SINK]: [],
};

/** The words the sources draw from, most frequent first. */
export const PIPELINE_WORDS = ['the', 'snow', 'falls', 'on', 'a', 'quiet', 'river', 'bank'] as const;

/** The hash partitioner: which `count` instance owns `word` (the same word always goes to the same instance). */
export function partitionOf(word: string): NodeId {
  return COUNTS[hashSeed('partition', word) % COUNTS.length] as NodeId;
}

/** One input record, as a source reads it: its position in that source's list and its word. */
export interface SourceRecord {
  source: NodeId;
  offset: number;
  word: string;
}

/**
 * The records of a run, deterministic from the seed: `count` words drawn with a skew toward the start of
 * `PIPELINE_WORDS`, dealt alternately to `source-0` and `source-1` (record i to source i mod 2).
 */
export function pipelineRecords(seed: number | string, count: number): SourceRecord[] {
  const random = new Random(seed).fork('pipeline records');
  const offsets = SOURCES.map(() => 0);
  const out: SourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    // Zipf-like: weight 1/(rank+1).
    const weights = PIPELINE_WORDS.map((_, rank) => 1 / (rank + 1));
    let x = random.next() * weights.reduce((a, b) => a + b, 0);
    let rank = 0;
    while (rank < weights.length - 1 && x >= (weights[rank] as number)) x -= weights[rank++] as number;
    const s = i % SOURCES.length;
    out.push({ source: SOURCES[s] as NodeId, offset: offsets[s]!++, word: PIPELINE_WORDS[rank] as string });
  }
  return out;
}

// ---- Messages. ------------------------------------------------------------------------------------------------

/** What the count, total and sink tasks pass on: a word and how many times it has been counted so far. */
export interface WordCount {
  word: string;
  count: number;
}

/**
 * Everything on the wire. Every message but `hello` carries the sender's `attempt` (the number of global restores
 * it has taken part in); a receiver drops messages of an attempt older than its own.
 * - `trigger` (coordinator → source): start checkpoint `checkpointId`.
 * - `record` (source → count: `word` and the source's `offset`; count → total → sink: `word` and `count`).
 * - `barrier`: checkpoint `checkpointId`'s barrier, injected by the sources and forwarded by every task.
 * - `ack` (task → coordinator): the task has saved its state for `checkpointId`; `exhausted` when a source had
 *   read all its records.
 * - `complete` (coordinator → task): checkpoint `checkpointId` is complete (Flink's notifyCheckpointComplete).
 * - `hello` (restarted task → coordinator): the task is back, with its `incarnation` (1 at first start).
 * - `restore` (coordinator → task): go back to checkpoint `checkpointId` (null: the initial state) as `attempt`.
 */
export type PipelineMessage =
  | { type: 'trigger'; checkpointId: number; attempt: number }
  | { type: 'record'; attempt: number; word: string; offset?: number; count?: number }
  | { type: 'barrier'; checkpointId: number; attempt: number }
  | { type: 'ack'; checkpointId: number; attempt: number; exhausted: boolean }
  | { type: 'complete'; checkpointId: number; attempt: number }
  | { type: 'hello'; incarnation: number }
  | { type: 'restore'; attempt: number; checkpointId: number | null };

/** The `log` texts the pipeline writes; the run summary and the figure read them. */
export const PIPELINE_LOG = {
  /** coordinator: `{ checkpointId, attempt }` */
  triggered: 'checkpoint triggered',
  /** task: `{ checkpointId, attempt, stateBytes, alignedMs, state }`: it saved `state` and acknowledged. */
  snapshot: 'task snapshot',
  /** coordinator: `{ checkpointId, attempt, finished }`: every task acknowledged; `finished` when every source had read everything. */
  complete: 'checkpoint complete',
  /** coordinator: `{ attempt, fromCheckpoint, cause }`: it orders a global restore. */
  recovery: 'global restore',
  /** task: `{ attempt, fromCheckpoint }`: it went back to its saved state. */
  restored: 'task restored',
} as const;

/** The sink's `log` texts: what the outside world sees. */
export const SINK_LOG = {
  /** transactional sink: `{ checkpointId, records }`: transaction `checkpointId` is committed with these records. */
  commit: 'sink commit',
  /** direct sink: `{ record }`: one record written at once. */
  output: 'sink output',
} as const;

// ---- Task state. ----------------------------------------------------------------------------------------------

/** Operator state: a source's offset, a count's table, the total's record count, the sink's transactions. */
export type OperatorState =
  | { kind: 'source'; offset: number }
  | { kind: 'count'; counts: Record<string, number> }
  | { kind: 'total'; records: number }
  | { kind: 'sink'; pending: WordCount[]; precommitted: { checkpointId: number; records: WordCount[] }[] };

/**
 * A task's state. `app` is the operator's state, the part a checkpoint saves; the rest is the snapshot protocol's.
 * - `attempt`: the last restore this task took part in (0 before any); `waiting`: restarted and not yet restored.
 * - `incarnation`: 1 at first start, one more at each restart.
 * - `alignment`: the checkpoint whose barriers are arriving and the inputs they have arrived on (aligned mode:
 *   these inputs are blocked). One at a time, since the coordinator runs one checkpoint at a time; it is a list so
 *   that a coordinator allowing concurrent checkpoints would need no other change in the `align: false` mode.
 * - `held`: messages from blocked inputs, in arrival order; `early`: messages of a newer attempt, kept until this
 *   task's restore to that attempt arrives.
 * - `saved`: checkpoint id → the `app` saved at that checkpoint; it mirrors the durable data.
 * - `committedThrough`: the sink only: the last transaction committed to the outside system (durable too).
 */
export interface TaskState {
  role: 'source' | 'operator' | 'sink';
  attempt: number;
  waiting: boolean;
  incarnation: number;
  app: OperatorState;
  alignment: { checkpointId: number; arrived: NodeId[]; sinceMs: number }[];
  held: { from: NodeId; message: PipelineMessage }[];
  early: { from: NodeId; message: PipelineMessage }[];
  saved: Record<string, OperatorState>;
  committedThrough: number;
}

/** What a task persists: everything a restore needs, and its incarnation and attempt. */
interface TaskDurable {
  incarnation: number;
  attempt: number;
  saved: Record<string, OperatorState>;
  committedThrough: number;
}

/** The coordinator's state; all of it is durable except `pending` and `restarted`. */
export interface CoordinatorState {
  attempt: number;
  nextCheckpointId: number;
  lastComplete: number | null;
  finished: boolean;
  /** True from a restart (durable data found) until its start input has ordered the global restore. */
  restarted: boolean;
  /** Checkpoints triggered in this attempt and not yet complete: who has acknowledged, which sources are exhausted. */
  pending: Record<string, { acked: NodeId[]; exhausted: NodeId[] }>;
}

export interface PipelineBehaviorOptions {
  /** The coordinator's trigger period; a trigger is skipped while a checkpoint is in progress (see `PipelineOptions`). */
  checkpointIntervalMs: number;
  /** Time between two records of one source, by its own clock. */
  recordIntervalMs: number;
  align: boolean;
  sink: 'transactional' | 'direct';
  /** Each source's records, in order. */
  records: Record<NodeId, string[]>;
}

type Effects = Effect<PipelineMessage>[];

function initialApp(node: NodeId): OperatorState {
  if ((SOURCES as readonly string[]).includes(node)) return { kind: 'source', offset: 0 };
  if ((COUNTS as readonly string[]).includes(node)) return { kind: 'count', counts: {} };
  if (node === TOTAL) return { kind: 'total', records: 0 };
  if (node === SINK) return { kind: 'sink', pending: [], precommitted: [] };
  throw new Error(`the pipeline has no task "${node}" (tasks: ${TASKS.join(', ')})`);
}

function durableOf(state: TaskState): TaskDurable {
  return { incarnation: state.incarnation, attempt: state.attempt, saved: state.saved, committedThrough: state.committedThrough };
}

function persist(state: TaskState, effects: Effects): void {
  // A copy: the same step may change the state after this effect (a held record processed after a snapshot).
  effects.push({ type: 'persist', data: jsonCopy(durableOf(state)) });
}

/** The size of a saved state, as the JSON a real system would write (UTF-16 code units of its text). */
export function savedStateBytes(app: OperatorState): number {
  return JSON.stringify(app).length;
}

// ---- Tasks. ---------------------------------------------------------------------------------------------------

/**
 * One task of the pipeline as a pure node. The operator is chosen by the node's id (`source-*`, `count-*`,
 * `total`, `sink`); the snapshot protocol around it is the same for all.
 */
export function pipelineTask(options: PipelineBehaviorOptions): NodeBehavior<TaskState, PipelineMessage> {
  return {
    init(ctx) {
      const app = initialApp(ctx.id);
      const role = app.kind === 'source' ? 'source' : app.kind === 'sink' ? 'sink' : 'operator';
      const durable = ctx.durable as TaskDurable | undefined;
      return {
        role,
        attempt: durable?.attempt ?? 0,
        waiting: durable !== undefined,
        incarnation: (durable?.incarnation ?? 0) + 1,
        app,
        alignment: [],
        held: [],
        early: [],
        saved: durable?.saved ?? {},
        committedThrough: durable?.committedThrough ?? 0,
      };
    },
    step(previous, input, ctx) {
      // Handlers change a copy, so the state the simulator handed in is never changed (STYLE 1).
      const state = jsonCopy(previous);
      const effects: Effects = [];
      const handler = TASK_HANDLERS[input.type];
      handler(state, input as never, ctx, effects, options);
      return { state, effects };
    },
  };
}

type TaskHandler<I> = (state: TaskState, input: I, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions) => void;

const TASK_HANDLERS: { [K in Input<PipelineMessage>['type']]: TaskHandler<Extract<Input<PipelineMessage>, { type: K }>> } = {
  start(state, _input, ctx, effects, options) {
    persist(state, effects);
    // A restart is announced; the task then waits for the coordinator's restore (heartbeats are not modelled).
    if (state.waiting) effects.push({ type: 'send', to: COORDINATOR, message: { type: 'hello', incarnation: state.incarnation } });
    else if (state.role === 'source') scheduleEmit(state, ctx, effects, options);
  },
  timer(state, input, ctx, effects, options) {
    if (input.name === 'emit' && !state.waiting) emitRecord(state, ctx, effects, options);
  },
  request() {
    // The pipeline takes no client requests.
  },
  message(state, input, ctx, effects, options) {
    const { from, message } = input;
    if (message.type === 'restore') return restore(state, message, ctx, effects, options);
    if (message.type === 'hello') return;
    const attempt = message.attempt;
    if (attempt < state.attempt || (state.waiting && attempt <= state.attempt)) return; // an older attempt's
    if (attempt > state.attempt || state.waiting) {
      state.early.push({ from, message });
      return;
    }
    handleCurrent(state, from, message, ctx, effects, options);
    drainHeld(state, ctx, effects, options);
  },
};

function scheduleEmit(state: TaskState, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions): void {
  const app = state.app as Extract<OperatorState, { kind: 'source' }>;
  if (app.offset < (options.records[ctx.id]?.length ?? 0)) effects.push({ type: 'setTimer', name: 'emit', delayMs: options.recordIntervalMs });
  else effects.push({ type: 'cancelTimer', name: 'emit' });
}

/** A source reads its next record and sends it to the count instance that owns the word. */
function emitRecord(state: TaskState, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions): void {
  const app = state.app as Extract<OperatorState, { kind: 'source' }>;
  const words = options.records[ctx.id] ?? [];
  if (app.offset >= words.length) return;
  const word = words[app.offset] as string;
  effects.push({ type: 'send', to: partitionOf(word), message: { type: 'record', attempt: state.attempt, word, offset: app.offset } });
  app.offset += 1;
  scheduleEmit(state, ctx, effects, options);
}

/** A message of the task's own attempt. */
function handleCurrent(state: TaskState, from: NodeId, message: PipelineMessage, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions): void {
  switch (message.type) {
    case 'trigger':
      // A source has no inputs to align: it saves its offset and injects the barrier at once (Algorithm 1).
      if (state.role === 'source') takeSnapshot(state, message.checkpointId, ctx, effects, options, ctx.nowMs);
      return;
    case 'complete':
      notifyComplete(state, message.checkpointId, effects);
      return;
    case 'record':
    case 'barrier':
      if (isBlocked(state, from, options)) state.held.push({ from, message });
      else if (message.type === 'record') processRecord(state, message, effects, options);
      else receiveBarrier(state, from, message.checkpointId, ctx, effects, options);
      return;
    default:
      return;
  }
}

/** Aligned mode: an input is blocked once the barrier of the checkpoint being aligned has arrived on it. */
function isBlocked(state: TaskState, from: NodeId, options: PipelineBehaviorOptions): boolean {
  return options.align && state.alignment.some((a) => a.arrived.includes(from));
}

/** The operator proper: what one record does to the state, and what it sends on. */
function processRecord(state: TaskState, message: Extract<PipelineMessage, { type: 'record' }>, effects: Effects, options: PipelineBehaviorOptions): void {
  const app = state.app;
  switch (app.kind) {
    case 'count': {
      const count = (app.counts[message.word] ?? 0) + 1;
      app.counts[message.word] = count;
      effects.push({ type: 'send', to: TOTAL, message: { type: 'record', attempt: state.attempt, word: message.word, count } });
      return;
    }
    case 'total':
      app.records += 1;
      effects.push({ type: 'send', to: SINK, message: { type: 'record', attempt: state.attempt, word: message.word, count: message.count as number } });
      return;
    case 'sink': {
      const record = { word: message.word, count: message.count as number };
      if (options.sink === 'direct') effects.push({ type: 'log', text: SINK_LOG.output, data: { record } });
      else app.pending.push(record);
      return;
    }
    case 'source':
      return;
  }
}

/**
 * Barrier n on input `from`. Aligned (§4.2): the input is now blocked; once barrier n has come on every input,
 * snapshot. Not aligned: nothing is blocked; snapshot when the last input's barrier n arrives.
 */
function receiveBarrier(state: TaskState, from: NodeId, checkpointId: number, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions): void {
  const inputs = PIPELINE_INPUTS[ctx.id] ?? [];
  let alignment = state.alignment.find((a) => a.checkpointId === checkpointId);
  if (alignment === undefined) {
    alignment = { checkpointId, arrived: [], sinceMs: ctx.nowMs };
    state.alignment.push(alignment);
  }
  if (!alignment.arrived.includes(from)) alignment.arrived.push(from);
  if (!inputs.every((input) => alignment.arrived.includes(input))) return;
  const sinceMs = alignment.sinceMs;
  // Barriers of earlier checkpoints still being tracked can no longer complete at this task in order: drop them.
  state.alignment = state.alignment.filter((a) => a.checkpointId > checkpointId);
  takeSnapshot(state, checkpointId, ctx, effects, options, sinceMs);
}

/**
 * Forward the barrier on every output, save the state (the sink pre-commits its open transaction first), persist,
 * and acknowledge to the coordinator, in that order: the acknowledgement promises the state is durable.
 */
function takeSnapshot(state: TaskState, checkpointId: number, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions, sinceMs: number): void {
  for (const to of PIPELINE_OUTPUTS[ctx.id] ?? []) effects.push({ type: 'send', to, message: { type: 'barrier', checkpointId, attempt: state.attempt } });
  const app = state.app;
  if (app.kind === 'sink') {
    app.precommitted.push({ checkpointId, records: app.pending });
    app.pending = [];
  }
  state.saved[String(checkpointId)] = jsonCopy(app);
  persist(state, effects);
  effects.push({ type: 'log', text: PIPELINE_LOG.snapshot, data: { checkpointId, attempt: state.attempt, stateBytes: savedStateBytes(app), alignedMs: ctx.nowMs - sinceMs, state: jsonCopy(app) } });
  const exhausted = app.kind === 'source' && app.offset >= (options.records[ctx.id]?.length ?? 0);
  effects.push({ type: 'send', to: COORDINATOR, message: { type: 'ack', checkpointId, attempt: state.attempt, exhausted } });
}

/** Messages held from blocked inputs go through once their input unblocks, in arrival order. */
function drainHeld(state: TaskState, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions): void {
  for (;;) {
    const index = state.held.findIndex((h) => !isBlocked(state, h.from, options));
    if (index < 0) return;
    const [{ from, message }] = state.held.splice(index, 1) as [{ from: NodeId; message: PipelineMessage }];
    handleCurrent(state, from, message, ctx, effects, options);
  }
}

/** Checkpoint n is complete: the sink commits every pre-committed transaction up to n; every task forgets older states. */
function notifyComplete(state: TaskState, checkpointId: number, effects: Effects): void {
  commitThrough(state, checkpointId, effects);
  for (const id of Object.keys(state.saved)) if (Number(id) < checkpointId) delete state.saved[id];
  persist(state, effects);
}

function commitThrough(state: TaskState, checkpointId: number, effects: Effects): void {
  const app = state.app;
  if (app.kind !== 'sink') return;
  const due = app.precommitted.filter((t) => t.checkpointId <= checkpointId);
  for (const transaction of due) {
    // The outside system commits a transaction once: a repeated commit after a recovery changes nothing.
    if (transaction.checkpointId > state.committedThrough) {
      effects.push({ type: 'log', text: SINK_LOG.commit, data: { checkpointId: transaction.checkpointId, records: transaction.records } });
      state.committedThrough = transaction.checkpointId;
    }
  }
  app.precommitted = app.precommitted.filter((t) => t.checkpointId > checkpointId);
}

/**
 * The coordinator's global restore (§4.4): back to the state saved at `checkpointId` (or the initial state), as the
 * new attempt. Alignment, held messages and states saved after it are dropped; the sink commits the transactions
 * the restored checkpoint completes and discards everything after it; a source rewinds to its saved offset.
 */
function restore(state: TaskState, message: Extract<PipelineMessage, { type: 'restore' }>, ctx: StepContext, effects: Effects, options: PipelineBehaviorOptions): void {
  if (message.attempt <= state.attempt) return;
  const { checkpointId } = message;
  let app: OperatorState;
  if (checkpointId === null) app = initialApp(ctx.id);
  else {
    const saved = state.saved[String(checkpointId)];
    if (saved === undefined) throw new Error(`${ctx.id} was told to restore checkpoint ${checkpointId}, which it never saved (it has ${Object.keys(state.saved).join(', ') || 'none'})`);
    app = jsonCopy(saved);
  }
  state.app = app;
  state.attempt = message.attempt;
  state.waiting = false;
  state.alignment = [];
  state.held = [];
  for (const id of Object.keys(state.saved)) if (checkpointId === null || Number(id) > checkpointId) delete state.saved[id];
  if (checkpointId !== null) commitThrough(state, checkpointId, effects);
  persist(state, effects);
  effects.push({ type: 'log', text: PIPELINE_LOG.restored, data: { attempt: state.attempt, fromCheckpoint: checkpointId, ...(app.kind === 'source' ? { offset: app.offset } : {}) } });
  if (state.role === 'source') scheduleEmit(state, ctx, effects, options);
  // Messages of this attempt that came before the restore now go through, in arrival order; newer ones wait.
  const early = state.early;
  state.early = [];
  for (const { from, message: m } of early) {
    if (m.type === 'restore' || m.type === 'hello') continue;
    if (m.attempt < state.attempt) continue;
    if (m.attempt > state.attempt) state.early.push({ from, message: m });
    else {
      handleCurrent(state, from, m, ctx, effects, options);
      drainHeld(state, ctx, effects, options);
    }
  }
}

// ---- The coordinator. -----------------------------------------------------------------------------------------

/** The coordinator (Flink's JobManager) as a pure node: triggers, collects acknowledgements, orders restores. */
export function pipelineCoordinator(options: PipelineBehaviorOptions): NodeBehavior<CoordinatorState, PipelineMessage> {
  const durableOf = (s: CoordinatorState) => ({ attempt: s.attempt, nextCheckpointId: s.nextCheckpointId, lastComplete: s.lastComplete, finished: s.finished });
  return {
    init(ctx) {
      const durable = ctx.durable as Omit<CoordinatorState, 'pending' | 'restarted'> | undefined;
      return { attempt: 0, nextCheckpointId: 1, lastComplete: null, finished: false, ...durable, restarted: durable !== undefined, pending: {} };
    },
    step(previous, input, ctx) {
      const state = jsonCopy(previous);
      const effects: Effects = [];
      const globalRestore = (cause: string) => {
        state.attempt += 1;
        state.pending = {};
        effects.push({ type: 'persist', data: durableOf(state) });
        effects.push({ type: 'log', text: PIPELINE_LOG.recovery, data: { attempt: state.attempt, fromCheckpoint: state.lastComplete, cause } });
        for (const task of TASKS) effects.push({ type: 'send', to: task, message: { type: 'restore', attempt: state.attempt, checkpointId: state.lastComplete } });
      };
      const armTrigger = () => {
        if (!state.finished) effects.push({ type: 'setTimer', name: 'checkpoint', delayMs: options.checkpointIntervalMs });
      };
      if (input.type === 'start') {
        // A coordinator that comes back (it has durable data) cannot know what the tasks did meanwhile: restore all.
        if (state.restarted) {
          state.restarted = false;
          globalRestore(`${ctx.id} restarted`);
        } else effects.push({ type: 'persist', data: durableOf(state) });
        armTrigger();
      } else if (input.type === 'timer' && input.name === 'checkpoint') {
        // One checkpoint at a time, as Flink by default (maxConcurrentCheckpoints = 1): a trigger that falls while
        // one is pending is skipped, so checkpoints slower than the interval do not pile up.
        if (!state.finished && Object.keys(state.pending).length === 0) {
          const checkpointId = state.nextCheckpointId++;
          state.pending[String(checkpointId)] = { acked: [], exhausted: [] };
          effects.push({ type: 'persist', data: durableOf(state) });
          effects.push({ type: 'log', text: PIPELINE_LOG.triggered, data: { checkpointId, attempt: state.attempt } });
          for (const source of SOURCES) effects.push({ type: 'send', to: source, message: { type: 'trigger', checkpointId, attempt: state.attempt } });
        }
        armTrigger();
      } else if (input.type === 'message') {
        const { from, message } = input;
        if (message.type === 'hello') globalRestore(`${from} restarted`);
        else if (message.type === 'ack' && message.attempt === state.attempt) {
          const pending = state.pending[String(message.checkpointId)];
          if (pending !== undefined && !pending.acked.includes(from)) {
            pending.acked.push(from);
            if (message.exhausted) pending.exhausted.push(from);
            if (TASKS.every((task) => pending.acked.includes(task))) {
              const checkpointId = message.checkpointId;
              state.lastComplete = checkpointId;
              for (const id of Object.keys(state.pending)) if (Number(id) <= checkpointId) delete state.pending[id];
              // Once every source had read everything when it saved its offset, this checkpoint covers all input.
              state.finished = SOURCES.every((s) => pending.exhausted.includes(s));
              effects.push({ type: 'persist', data: durableOf(state) });
              effects.push({ type: 'log', text: PIPELINE_LOG.complete, data: { checkpointId, attempt: state.attempt, finished: state.finished } });
              for (const task of TASKS) effects.push({ type: 'send', to: task, message: { type: 'complete', checkpointId, attempt: state.attempt } });
              if (state.finished) effects.push({ type: 'cancelTimer', name: 'checkpoint' });
            }
          }
        }
      }
      return { state, effects };
    },
  };
}

// ---- Runs. ----------------------------------------------------------------------------------------------------

/** Asynchronous barrier snapshotting (Carbone et al. 2015) on the simulator: the options of one run. */
export interface PipelineOptions {
  seed: number | string;
  /** Source records, deterministic from the seed (see `pipelineRecords`). */
  records: number;
  /**
   * The coordinator's trigger period: every `checkpointIntervalMs` it triggers the next checkpoint, unless one is
   * still in progress (triggered, neither complete nor aborted by a restore). Checkpoints run one at a time, as
   * Flink's by default, so a trigger that falls while one is in progress is skipped, not queued, and checkpoint
   * ids count the triggers taken, not the periods elapsed.
   */
  checkpointIntervalMs: number;
  /** One task or the coordinator crashes at `atMs` and restarts, durably, `restartAfterMs` later (default 40). */
  crash?: { node: NodeId; atMs: number; restartAfterMs?: number };
  /** Barrier alignment (default true). false is the named wrong-on-purpose variant: no alignment, so a
   *  recovery replays records an operator's state already counted (at-least-once, not exactly-once). */
  align?: boolean;
  /** `transactional` (default): the two-phase-commit sink. `direct`, wrong on purpose: every record is written
   *  as it arrives, so a recovery writes the replayed ones again. */
  sink?: 'transactional' | 'direct';
  /** Time between two records of one source (default 4 ms). */
  recordIntervalMs?: number;
  /** Link latency (default uniform 5 to 15 ms); links are always FIFO, as the algorithm requires on acyclic graphs (§4). */
  latency?: Latency;
  /** Default: long enough for every record to be committed, after a recovery that replays everything. */
  untilMs?: number;
}

/** One checkpoint, from the trace: when it was triggered and completed, and what each task saved. */
export interface CheckpointSummary {
  checkpointId: number;
  attempt: number;
  triggeredAtMs: number;
  completedAtMs?: number;
  /** Per task: when it saved, what and its size, and how long from its first barrier to its snapshot (aligning). */
  tasks: Record<NodeId, { atMs: number; stateBytes: number; alignedMs: number; state: OperatorState }>;
}

/** One global restore: what caused it, from which checkpoint, and how many source records were read again. */
export interface RecoverySummary {
  attempt: number;
  cause: string;
  orderedAtMs: number;
  fromCheckpoint: number | null;
  /** When the last task had restored (undefined if some task never did within the run). */
  restoredAtMs?: number;
  /** Records the sources sent again: for each source, how far it had read minus the offset it went back to. */
  replayedRecords: number;
}

export interface PipelineRun {
  options: PipelineOptions;
  trace: Trace;
  records: SourceRecord[];
  /** The output as the outside world has it: the committed transactions' records in commit order (direct sink:
   *  every record written). */
  output: WordCount[];
  checkpoints: CheckpointSummary[];
  recoveries: RecoverySummary[];
  /** A checkpoint covering every record completed, and the sink committed it. */
  finished: boolean;
  /** Each operator's state at the end of the run (undefined for a task that was down). */
  finalStates: Record<NodeId, OperatorState | undefined>;
}

/** Runs the word-count job once; see the module comment. The same options give the same trace. */
export function runPipeline(options: PipelineOptions): PipelineRun {
  const { seed, records: count, checkpointIntervalMs } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`records must be a non-negative integer (got ${String(count)})`);
  if (!(checkpointIntervalMs > 0)) throw new Error(`checkpointIntervalMs must be positive (got ${String(checkpointIntervalMs)})`);
  const recordIntervalMs = options.recordIntervalMs ?? 4;
  const records = pipelineRecords(seed, count);
  const bySource: Record<NodeId, string[]> = {};
  for (const s of SOURCES) bySource[s] = records.filter((r) => r.source === s).map((r) => r.word);
  const behaviorOptions: PipelineBehaviorOptions = {
    checkpointIntervalMs, recordIntervalMs, align: options.align ?? true, sink: options.sink ?? 'transactional', records: bySource,
  };
  const interventions: Intervention[] = [];
  const crash = options.crash;
  if (crash !== undefined) {
    if (!PIPELINE_NODES.includes(crash.node)) throw new Error(`crash.node must name a node of the pipeline (${PIPELINE_NODES.join(', ')}) (got "${crash.node}")`);
    interventions.push({ atMs: crash.atMs, kind: 'crash', node: crash.node });
    interventions.push({ atMs: crash.atMs + (crash.restartAfterMs ?? 40), kind: 'restart', node: crash.node, durable: true });
  }
  const emitMs = Math.ceil(count / SOURCES.length) * recordIntervalMs;
  const crashEndMs = crash === undefined ? 0 : crash.atMs + (crash.restartAfterMs ?? 40);
  const untilMs = options.untilMs ?? crashEndMs + 2 * emitMs + 10 * checkpointIntervalMs + 500;
  const task = pipelineTask(behaviorOptions);
  const nodes: Record<NodeId, NodeBehavior<unknown, PipelineMessage>> = {
    [COORDINATOR]: pipelineCoordinator(behaviorOptions) as NodeBehavior<unknown, PipelineMessage>,
  };
  for (const id of TASKS) nodes[id] = task as NodeBehavior<unknown, PipelineMessage>;
  const trace = simulate({
    seed,
    nodes,
    network: { latency: options.latency ?? { kind: 'uniform', minMs: 5, maxMs: 15 }, fifo: true },
    interventions,
    trace: { maxEvents: 400_000 },
    untilMs,
  });
  return summarize(options, trace, records);
}

function logs(trace: Trace, text: string): TraceEventOf<'log'>[] {
  return eventsOfKind(trace, 'log').filter((e) => e.text === text);
}

function summarize(options: PipelineOptions, trace: Trace, records: SourceRecord[]): PipelineRun {
  const output: WordCount[] = [];
  for (const e of trace.events) {
    if (e.kind !== 'log' || e.node !== SINK) continue;
    if (e.text === SINK_LOG.commit) output.push(...(e.data as { records: WordCount[] }).records);
    else if (e.text === SINK_LOG.output) output.push((e.data as { record: WordCount }).record);
  }
  const checkpoints = new Map<number, CheckpointSummary>();
  for (const e of logs(trace, PIPELINE_LOG.triggered)) {
    const { checkpointId, attempt } = e.data as { checkpointId: number; attempt: number };
    checkpoints.set(checkpointId, { checkpointId, attempt, triggeredAtMs: e.t, tasks: {} });
  }
  for (const e of logs(trace, PIPELINE_LOG.snapshot)) {
    const { checkpointId, stateBytes: bytes, alignedMs, state } = e.data as { checkpointId: number; stateBytes: number; alignedMs: number; state: OperatorState };
    const summary = checkpoints.get(checkpointId);
    if (summary) summary.tasks[e.node] = { atMs: e.t, stateBytes: bytes, alignedMs, state };
  }
  let finalCheckpoint: number | undefined;
  for (const e of logs(trace, PIPELINE_LOG.complete)) {
    const { checkpointId, finished } = e.data as { checkpointId: number; finished: boolean };
    const summary = checkpoints.get(checkpointId);
    if (summary) summary.completedAtMs = e.t;
    if (finished && finalCheckpoint === undefined) finalCheckpoint = checkpointId;
  }

  // Replayed records: how far each source had read, against where each restore sent it back to.
  const recoveries: RecoverySummary[] = [];
  const readThrough = new Map<NodeId, number>(SOURCES.map((s) => [s, 0]));
  const restoredBy = new Map<number, Set<NodeId>>();
  for (const e of trace.events) {
    if (e.kind === 'send' && (SOURCES as readonly string[]).includes(e.node)) {
      const m = e.message as PipelineMessage;
      if (m.type === 'record' && m.offset !== undefined) readThrough.set(e.node, Math.max(readThrough.get(e.node) ?? 0, m.offset + 1));
    } else if (e.kind === 'log' && e.text === PIPELINE_LOG.recovery) {
      const { attempt, fromCheckpoint, cause } = e.data as { attempt: number; fromCheckpoint: number | null; cause: string };
      recoveries.push({ attempt, cause, orderedAtMs: e.t, fromCheckpoint, replayedRecords: 0 });
    } else if (e.kind === 'log' && e.text === PIPELINE_LOG.restored) {
      const { attempt, offset } = e.data as { attempt: number; offset?: number };
      const recovery = recoveries.find((r) => r.attempt === attempt);
      if (recovery === undefined) continue;
      if (offset !== undefined) {
        recovery.replayedRecords += Math.max(0, (readThrough.get(e.node) ?? 0) - offset);
        readThrough.set(e.node, offset);
      }
      const restored = restoredBy.get(attempt) ?? new Set<NodeId>();
      restoredBy.set(attempt, restored.add(e.node));
      if (restored.size === TASKS.length) recovery.restoredAtMs = e.t;
    }
  }

  const finalStates: Record<NodeId, OperatorState | undefined> = {};
  for (const e of trace.events) {
    if (e.kind === 'state' && TASKS.includes(e.node)) finalStates[e.node] = (e.state as TaskState | null)?.app;
    else if (e.kind === 'crash') finalStates[e.node] = undefined;
  }
  const sinkCommitted = options.sink === 'direct' || logs(trace, SINK_LOG.commit).some((e) => finalCheckpoint !== undefined && (e.data as { checkpointId: number }).checkpointId >= finalCheckpoint);
  return {
    options,
    trace,
    records,
    output,
    checkpoints: [...checkpoints.values()].sort((a, b) => a.checkpointId - b.checkpointId),
    recoveries,
    finished: finalCheckpoint !== undefined && sinkCommitted,
    finalStates,
  };
}

// ---- The exactly-once check. ----------------------------------------------------------------------------------

const key = (r: WordCount) => `${r.word}=${r.count}`;

function tally(output: readonly WordCount[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of output) out.set(key(r), (out.get(key(r)) ?? 0) + 1);
  return out;
}

/** The sink's log events that wrote `record` (the evidence of a violation). */
function writesOf(run: PipelineRun, record: string): TraceEvent[] {
  return run.trace.events.filter((e) => {
    if (e.kind !== 'log' || e.node !== SINK) return false;
    if (e.text === SINK_LOG.commit) return (e.data as { records: WordCount[] }).records.some((r) => key(r) === record);
    if (e.text === SINK_LOG.output) return key((e.data as { record: WordCount }).record) === record;
    return false;
  });
}

/**
 * Exactly-once results (Carbone et al. 2015 §4.4; Flink's end-to-end exactly-once): the output the outside world
 * has after a run with a crash and its recovery is the crash-free run's output, as a multiset (records of
 * different words may interleave differently), and every other task ends in the crash-free run's state. A record
 * counted twice shows as a `(word, count)` the reference never wrote or wrote fewer times; a record lost, as one
 * missing. Inconclusive when a trace was cut short or the reference did not finish; a `liveness` violation when
 * the checked run did not finish (no checkpoint covering every record completed within it).
 */
export function checkExactlyOnce(run: PipelineRun, reference: PipelineRun): CheckResult {
  const property = 'exactly-once output';
  if (run.trace.truncated || reference.trace.truncated) return { status: 'inconclusive', property, reason: 'a trace was truncated, so its output is not all known' };
  if (!reference.finished) return { status: 'inconclusive', property, reason: `the reference run did not commit all its output by ${reference.trace.endMs} ms` };
  if (!run.finished) {
    const last = run.trace.events.filter((e) => e.kind === 'log' && e.node === SINK).slice(-1);
    return {
      status: 'violation', property, failure: 'liveness', events: last,
      message: `the run did not commit all its output by ${run.trace.endMs} ms: no checkpoint covering every record completed and was committed`,
    };
  }
  const got = tally(run.output);
  const want = tally(reference.output);
  for (const r of run.output) {
    const k = key(r);
    const extra = (got.get(k) ?? 0) - (want.get(k) ?? 0);
    if (extra > 0) {
      const wanted = want.get(k) ?? 0;
      const message = wanted === 0
        ? `${k} was written, but the crash-free run never counts "${r.word}" that far: a record was counted twice`
        : `${k} was written ${got.get(k)} times, the crash-free run writes it ${wanted === 1 ? 'once' : `${wanted} times`}: a record's result was written twice`;
      return { status: 'violation', property, failure: 'safety', message, events: writesOf(run, k) };
    }
  }
  for (const r of reference.output) {
    const k = key(r);
    if ((got.get(k) ?? 0) < (want.get(k) ?? 0)) {
      return { status: 'violation', property, failure: 'safety', message: `${k} is missing from the output: a record was lost`, events: writesOf(reference, k) };
    }
  }
  // The sink's state is its output, compared above; the others must end as they end without a crash.
  for (const task of TASKS.filter((t) => t !== SINK)) {
    const mine = JSON.stringify(comparable(run.finalStates[task]));
    const theirs = JSON.stringify(comparable(reference.finalStates[task]));
    if (mine !== theirs) {
      const last = run.trace.events.filter((e) => e.kind === 'state' && e.node === task).slice(-1);
      return { status: 'violation', property, failure: 'safety', message: `${task} ends with state ${mine}, the crash-free run with ${theirs}`, events: last };
    }
  }
  return { status: 'ok', property };
}

/** An operator's state with its keys in order, so that two runs that counted in another order compare equal. */
function comparable(app: OperatorState | undefined): unknown {
  if (app === undefined || app.kind !== 'count') return app;
  return { kind: 'count', counts: Object.fromEntries(Object.entries(app.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
