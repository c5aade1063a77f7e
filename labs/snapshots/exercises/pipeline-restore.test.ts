// Method: the answer is worked out from what the prompt shows (the latest checkpoint complete when the restore is
// ordered, each source's offset in it and how far it had read); the pipeline's own run summary, built from the
// coordinator's restore order and the tasks' restores in the trace, is the oracle: on 400 variants (each is a
// full simulated run, so fewer than for the diagram exercises) the checkpoint is the one the coordinator chose and
// the count is the records it says were replayed. Known mistakes (an incomplete checkpoint, replaying from the
// start) get their own feedback. The prompt's trigger rule (one checkpoint at a time, a firing that falls while one
// is incomplete is skipped) is checked against the run: every listed trigger falls on a multiple of the interval,
// and every multiple with no trigger falls while the previous checkpoint is still incomplete.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { gradeText, itExplainsEveryMistake, itPassesEveryVariant, numeric } from '../../exercises/test-support';
import { pipelineRestore, replayedRecords, restoreCheckpoint, restoreRun, skippedTriggers, type PipelineRestoreParams } from './pipeline-restore';

const SEEDS = enumerateSeeds(400);

describe('Carbone et al. 2015 §4.4: recovery from the last complete barrier snapshot', () => {
  itPassesEveryVariant([pipelineRestore]);
  itExplainsEveryMistake([pipelineRestore], SEEDS.slice(0, 100));

  it('the checkpoint and the replayed count agree with the coordinator and the run summary on 400 variants', () => {
    let withIncompleteMistake = 0;
    for (const seed of SEEDS) {
      const p = variantParams(pipelineRestore, seed) as PipelineRestoreParams;
      const run = restoreRun(p);
      const recovery = run.recoveries[0];
      expect(restoreCheckpoint(run)?.checkpointId ?? null, `seed ${seed}`).toBe(recovery?.fromCheckpoint);
      expect(replayedRecords(p), `seed ${seed}`).toBe(recovery?.replayedRecords);
      if (pipelineRestore.kind === 'numeric' && pipelineRestore.mistakes?.(p).some((m) => m.feedback.includes('A checkpoint can be restored only once'))) withIncompleteMistake++;
    }
    expect(withIncompleteMistake).toBeGreaterThan(100);
  });

  it('checkpoints start at multiples of the interval, one at a time, as the prompt says, on 400 variants', () => {
    let skips = 0;
    for (const seed of SEEDS) {
      const p = variantParams(pipelineRestore, seed) as PipelineRestoreParams;
      const run = restoreRun(p);
      const order = run.recoveries[0]?.orderedAtMs as number;
      const triggered = run.checkpoints.filter((c) => c.attempt === 0 && c.triggeredAtMs <= order);
      for (const c of triggered) expect(c.triggeredAtMs % p.checkpointIntervalMs, `seed ${seed}`).toBeCloseTo(0, 9);
      for (const t of skippedTriggers(p)) {
        const previous = triggered.filter((c) => c.triggeredAtMs < t).at(-1);
        expect(previous, `seed ${seed}, firing at ${t} ms`).toBeDefined();
        expect(previous?.completedAtMs === undefined || (previous.completedAtMs as number) > t, `seed ${seed}, firing at ${t} ms`).toBe(true);
        skips++;
      }
      const text = pipelineRestore.prompt(p).text;
      expect(text).toContain('one checkpoint at a time: a firing that falls while the previous checkpoint is still incomplete is skipped');
    }
    expect(skips).toBeGreaterThan(400);
  });

  it('rewinding to an incomplete checkpoint is explained', async () => {
    const seed = SEEDS.find((s) => pipelineRestore.kind === 'numeric' && pipelineRestore.mistakes?.(variantParams(pipelineRestore, s) as PipelineRestoreParams).some((m) => m.feedback.includes('never completed'))) as number;
    const p = variantParams(pipelineRestore, seed) as PipelineRestoreParams;
    const mistake = pipelineRestore.kind === 'numeric' ? pipelineRestore.mistakes?.(p).find((m) => m.feedback.includes('never completed')) : undefined;
    expect((await gradeText(pipelineRestore, seed, numeric(mistake?.value ?? -1))).text).toContain('A checkpoint can be restored only once every task has acknowledged it');
  });
});
