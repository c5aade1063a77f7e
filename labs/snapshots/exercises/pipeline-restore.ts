/**
 * Exercise: after a crash, from which checkpoint does a stream job restore, and how many records do its sources
 * read again? The run is the lab's word-count pipeline with asynchronous barrier snapshots (Carbone, Fóra, Ewen,
 * Haridi and Tzoumas 2015, "Lightweight asynchronous snapshots for distributed dataflows", §4: a
 * checkpoint counts only once every task has acknowledged it, and recovery restarts every task from the last
 * complete one, the sources rewinding to their recorded offsets, §4.4). The prompt gives the checkpoints' times
 * and the sources' offsets; the answer is the records read twice, which the pipeline's own run summary counts
 * (`RecoverySummary.replayedRecords`). The test recomputes it from the trace.
 */
import { distinctMistakes } from '../../exercises/grade';
import { defineExercise } from '../../exercises/types';
import type { NodeId } from '../../sim/types';
import { COORDINATOR, PIPELINE_LOG, SOURCES, TASKS, runPipeline, type CheckpointSummary, type PipelineMessage, type PipelineRun } from '../pipeline';
import { pipelineFigure } from '../pipeline-figure';

export interface PipelineRestoreParams {
  seed: number;
  records: number;
  checkpointIntervalMs: number;
  crash: { node: NodeId; atMs: number };
}

const RESTART_AFTER_MS = 40;

const runs = new Map<string, PipelineRun>();

/** The variant's run (kept: prompt, answer, mistakes and solution all read it). */
export function restoreRun(p: PipelineRestoreParams): PipelineRun {
  const key = JSON.stringify(p);
  let run = runs.get(key);
  if (run === undefined) {
    run = runPipeline({ seed: p.seed, records: p.records, checkpointIntervalMs: p.checkpointIntervalMs, crash: { ...p.crash, restartAfterMs: RESTART_AFTER_MS } });
    if (runs.size > 16) runs.delete(runs.keys().next().value as string);
    runs.set(key, run);
  }
  return run;
}

const ms = (t: number) => `${Math.round(t * 10) / 10} ms`;

/** A source's offset saved in a checkpoint: how many of its records it had read when it took the barrier. */
function offsetIn(checkpoint: CheckpointSummary, source: NodeId): number | undefined {
  const state = checkpoint.tasks[source]?.state as { kind?: string; offset?: number } | undefined;
  return state?.kind === 'source' ? state.offset : undefined;
}

/** How many records each source had read when it restored: one more than the highest offset it had sent. */
export function readThroughAtRestore(run: PipelineRun): Record<NodeId, number> {
  const read: Record<NodeId, number> = Object.fromEntries(SOURCES.map((s) => [s, 0]));
  const restored = new Set<NodeId>();
  for (const e of run.trace.events) {
    if (e.kind === 'log' && e.text === PIPELINE_LOG.restored) restored.add(e.node);
    if (e.kind !== 'send' || restored.has(e.node) || !(SOURCES as readonly string[]).includes(e.node)) continue;
    const m = e.message as PipelineMessage;
    if (m.type === 'record' && m.offset !== undefined) read[e.node] = Math.max(read[e.node] ?? 0, m.offset + 1);
  }
  return read;
}

/** The checkpoints of the first attempt that had been triggered when the restore was ordered. */
function checkpointsBefore(run: PipelineRun): CheckpointSummary[] {
  const order = run.recoveries[0]?.orderedAtMs ?? Infinity;
  return run.checkpoints.filter((c) => c.attempt === 0 && c.triggeredAtMs <= order);
}

/** The checkpoint a restore ordered at `orderedAtMs` uses: the latest one completed by then, or none. */
export function restoreCheckpoint(run: PipelineRun): CheckpointSummary | undefined {
  const order = run.recoveries[0]?.orderedAtMs ?? Infinity;
  return checkpointsBefore(run).filter((c) => c.completedAtMs !== undefined && c.completedAtMs <= order).at(-1);
}

/** Records the sources read again if they rewind to `checkpoint` (to the start when undefined). */
function replayedFrom(run: PipelineRun, checkpoint: CheckpointSummary | undefined): number {
  const read = readThroughAtRestore(run);
  return SOURCES.reduce((sum, s) => sum + Math.max(0, (read[s] ?? 0) - (checkpoint === undefined ? 0 : (offsetIn(checkpoint, s) ?? 0))), 0);
}

export function replayedRecords(p: PipelineRestoreParams): number {
  const run = restoreRun(p);
  return replayedFrom(run, restoreCheckpoint(run));
}

const TOLERANCE = { absolute: 0 };

function mistakes(p: PipelineRestoreParams) {
  const run = restoreRun(p);
  const chosen = restoreCheckpoint(run);
  const later = checkpointsBefore(run).filter((c) => c.checkpointId > (chosen?.checkpointId ?? 0) && SOURCES.every((s) => offsetIn(c, s) !== undefined));
  return distinctMistakes(TOLERANCE, replayedRecords(p), [
    ...later.map((c) => ({
      value: replayedFrom(run, c),
      feedback: `That rewinds the sources to checkpoint ${c.checkpointId}, which ${c.completedAtMs === undefined ? 'never completed' : 'completed only after the restore was ordered'}. A checkpoint can be restored only once every task has acknowledged it: until then some operator's state for it may not exist.`,
    })),
    ...(chosen === undefined ? [] : [{ value: replayedFrom(run, undefined), feedback: `That replays every record from the start. Checkpoint ${chosen.checkpointId} had completed before the restore: the sources rewind only to the offsets it saved.` }]),
  ]);
}

export const pipelineRestore = defineExercise({
  id: 'snapshots/pipeline-restore',
  title: 'Restoring a stream job after a crash',
  kind: 'numeric',
  tolerance: TOLERANCE,
  unit: 'records',
  generate(rng): PipelineRestoreParams {
    for (;;) {
      const p: PipelineRestoreParams = {
        seed: rng.int(1, 1_000_000),
        records: 2 * rng.int(14, 24),
        checkpointIntervalMs: rng.pick([20, 25, 30]),
        crash: { node: rng.pick(TASKS), atMs: rng.int(40, 110) },
      };
      const run = restoreRun(p);
      if (run.recoveries.length !== 1 || !run.finished) continue;
      const order = run.recoveries[0]?.orderedAtMs as number;
      // Times shown to a tenth of a millisecond must order as the run did.
      if (run.checkpoints.some((c) => c.completedAtMs !== undefined && Math.abs(c.completedAtMs - order) < 0.5)) continue;
      if (checkpointsBefore(run).length < 2) continue;
      return p;
    }
  },
  prompt(p) {
    const run = restoreRun(p);
    const order = run.recoveries[0]?.orderedAtMs as number;
    const read = readThroughAtRestore(run);
    const lines = checkpointsBefore(run).map((c) => {
      const offsets = SOURCES.map((s) => (offsetIn(c, s) === undefined ? `${s} had not saved yet` : `${s} at offset ${offsetIn(c, s)}`)).join(', ');
      const done = c.completedAtMs === undefined ? 'never completed' : `completed at ${ms(c.completedAtMs)}`;
      return `- checkpoint ${c.checkpointId}: triggered at ${ms(c.triggeredAtMs)}, ${done}; ${offsets}`;
    });
    return {
      text: `The lab's word-count job runs two sources (${SOURCES.join(', ')}), two counting operators, a total and a sink; the coordinator's timer fires every ${p.checkpointIntervalMs} ms and injects a barrier, one checkpoint at a time: a firing that falls while the previous checkpoint is still incomplete is skipped, so not every multiple of ${p.checkpointIntervalMs} ms starts one. A checkpoint is complete when every task has acknowledged it. A source's offset is how many of its records it had read when it saved its state. Task **${p.crash.node}** crashes at ${p.crash.atMs} ms and restarts ${RESTART_AFTER_MS} ms later; at ${ms(order)} the coordinator orders every task to restore. The checkpoints triggered by then:\n\n${lines.join('\n')}\n\nWhen they restore, ${SOURCES.map((s) => `${s} has read ${read[s]} records`).join(' and ')}. Every task goes back to the latest checkpoint complete when the restore is ordered (or to the start, if none is), and each source reads again from its saved offset. How many records do the two sources read a second time, in all?`,
    };
  },
  answer: replayedRecords,
  mistakes,
  hints: () => [
    'First find the checkpoint: the latest one that had completed before the restore was ordered. A checkpoint triggered but not yet acknowledged by every task does not count.',
    'Then, for each source, the records it reads again are those between its offset in that checkpoint and how far it had read.',
  ],
  solution(p) {
    const run = restoreRun(p);
    const chosen = restoreCheckpoint(run);
    const read = readThroughAtRestore(run);
    const parts = SOURCES.map((s) => `${s}: ${read[s]} − ${chosen === undefined ? 0 : offsetIn(chosen, s)}`);
    return {
      text: `Checkpoints are triggered at multiples of ${p.checkpointIntervalMs} ms, one at a time: ${skippedText(p)} The job restores from ${chosen === undefined ? 'the start: no checkpoint had completed' : `checkpoint ${chosen.checkpointId}, the latest complete when the restore was ordered`}. The sources read again ${parts.join(', ')}, so **${replayedRecords(p)}** records in all. Their effects on the operators' states are undone by the restore, and the sink had committed only the output of complete checkpoints, so the output after recovery equals the crash-free output: exactly once (Carbone et al. 2015, §4.4). Records are read twice; they are counted once.`,
      figures: [{ kind: 'plot', ...pipelineFigure(run) }],
    };
  },
});

/**
 * The timer firings up to the restore order that started no checkpoint, because the previous one was still
 * incomplete (the coordinator runs one checkpoint at a time); the solution names them.
 */
export function skippedTriggers(p: PipelineRestoreParams): number[] {
  const run = restoreRun(p);
  const order = run.recoveries[0]?.orderedAtMs ?? Infinity;
  const triggered = checkpointsBefore(run);
  return run.trace.events
    .filter((e) => e.kind === 'timer' && e.node === COORDINATOR && e.name === 'checkpoint' && e.t <= order)
    .map((e) => e.t)
    .filter((t) => !triggered.some((c) => c.triggeredAtMs === t));
}

function skippedText(p: PipelineRestoreParams): string {
  const skipped = skippedTriggers(p);
  if (skipped.length === 0) return 'here each firing found the previous checkpoint complete, so none was skipped.';
  return `the ${skipped.length === 1 ? 'firing' : 'firings'} at ${skipped.map((t) => ms(t)).join(', ')} fell while a checkpoint was still incomplete and started none.`;
}
