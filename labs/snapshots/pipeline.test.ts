// Method: each describe block names a section of Carbone, Fóra, Ewen, Haridi and Tzoumas (2015),
// "Lightweight Asynchronous Snapshots for Distributed Dataflows", and judges whole seeded runs of the word-count job
// against naive oracles: a sequential word count over the same records (what the job must compute), and, for every
// checkpoint, the states a sequential count would have after exactly the records before the sources' saved offsets
// (what a consistent cut must hold). Crashes are drawn by fast-check over nodes, times and seeds with fixed fast-check
// seeds; the two wrong-on-purpose options are shown to fail on runs the tests search for. Budgets are counts of runs,
// never wall-clock time.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COORDINATOR, COUNTS, PIPELINE_NODES, SINK, SINK_LOG, SOURCES, TASKS, TOTAL, PIPELINE_WORDS, PIPELINE_LOG,
  checkExactlyOnce, partitionOf, pipelineRecords, pipelineTask, runPipeline,
} from './pipeline';
import type { OperatorState, PipelineBehaviorOptions, PipelineMessage, PipelineOptions, PipelineRun, SourceRecord, TaskState, WordCount } from './pipeline';
import { Random } from '../sim/random';
import { eventsOfKind } from '../sim/trace';
import type { Effect, Input } from '../sim/types';

// ---- Oracles. --------------------------------------------------------------------------------------------------

/** The job computed by one loop: every record counted once, in any order, each count written out. */
function sequentialWordCount(records: readonly SourceRecord[]): { output: WordCount[]; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const output: WordCount[] = [];
  for (const { word } of records) {
    counts[word] = (counts[word] ?? 0) + 1;
    output.push({ word, count: counts[word] as number });
  }
  return { output, counts };
}

const sortedOutput = (output: readonly WordCount[]) => output.map((r) => `${r.word}=${r.count}`).sort();

const countsOf = (state: OperatorState | undefined) => (state?.kind === 'count' ? state.counts : undefined);

function expectComputesTheJob(run: PipelineRun) {
  const oracle = sequentialWordCount(run.records);
  expect(run.finished).toBe(true);
  expect(sortedOutput(run.output)).toEqual(sortedOutput(oracle.output));
  for (const k of COUNTS) {
    const mine = Object.fromEntries(Object.entries(oracle.counts).filter(([word]) => partitionOf(word) === k));
    expect(countsOf(run.finalStates[k])).toEqual(mine);
  }
  expect(run.finalStates[TOTAL]).toEqual({ kind: 'total', records: run.records.length });
}

const base = { records: 40, checkpointIntervalMs: 30 } as const;

describe('the job and its records', () => {
  it('draws the same records from the same seed, deals them to both sources, and partitions words to both counts', () => {
    expect(pipelineRecords(7, 30)).toEqual(pipelineRecords(7, 30));
    expect(pipelineRecords(7, 30)).not.toEqual(pipelineRecords(8, 30));
    const records = pipelineRecords(7, 30);
    expect(records.filter((r) => r.source === SOURCES[0]).map((r) => r.offset)).toEqual([...Array(15).keys()]);
    expect(new Set(PIPELINE_WORDS.map(partitionOf))).toEqual(new Set(COUNTS));
  });

  it('replays byte for byte: the same options give the same trace', () => {
    const options: PipelineOptions = { seed: 'replay', ...base, crash: { node: 'count-1', atMs: 75 } };
    expect(JSON.stringify(runPipeline(options).trace)).toBe(JSON.stringify(runPipeline(options).trace));
  });

  it('refuses a crash of a node the job does not have', () => {
    expect(() => runPipeline({ seed: 1, ...base, crash: { node: 'map-3', atMs: 10 } })).toThrow(/crash\.node must name a node/);
  });
});

describe('Carbone et al. 2015 §3: a crash-free run computes what a sequential word count computes', () => {
  it('over seeds, record counts and checkpoint intervals, the committed output and final states equal the oracle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 7, max: 80 }),
        (seed, records, checkpointIntervalMs) => expectComputesTheJob(runPipeline({ seed, records, checkpointIntervalMs })),
      ),
      { numRuns: 25, seed: 1506 },
    );
  });

  it('commits nothing but complete checkpoints: each transaction after its checkpoint is complete (two-phase commit)', () => {
    const run = runPipeline({ seed: 3, ...base });
    const completedAt = new Map(run.checkpoints.map((c) => [c.checkpointId, c.completedAtMs]));
    const commits = eventsOfKind(run.trace, 'log').filter((e) => e.text === SINK_LOG.commit);
    expect(commits.length).toBeGreaterThan(1);
    for (const e of commits) {
      const done = completedAt.get((e.data as { checkpointId: number }).checkpointId);
      expect(done).toBeDefined();
      expect(e.t).toBeGreaterThanOrEqual(done as number);
    }
  });
});

describe('Carbone et al. 2015 §4.2: barriers aligned at every task with several inputs give a consistent snapshot', () => {
  /**
   * The cut oracle: at checkpoint n, the sources saved offsets o_s. A consistent snapshot of this acyclic job has
   * empty channels (§4.2), so every operator's state must be what a sequential count of exactly the records
   * before those offsets gives, and the sink must hold exactly their results.
   */
  function cutViolations(run: PipelineRun): string[] {
    const wrong: string[] = [];
    for (const checkpoint of run.checkpoints) {
      if (checkpoint.completedAtMs === undefined) continue;
      const offsets = Object.fromEntries(SOURCES.map((s) => [s, (checkpoint.tasks[s]?.state as { offset: number }).offset]));
      const before = run.records.filter((r) => r.offset < (offsets[r.source] as number));
      const oracle = sequentialWordCount(before);
      for (const k of COUNTS) {
        const want = Object.fromEntries(Object.entries(oracle.counts).filter(([w]) => partitionOf(w) === k));
        if (JSON.stringify(sortKeys(countsOf(checkpoint.tasks[k]?.state) ?? {})) !== JSON.stringify(sortKeys(want))) wrong.push(`checkpoint ${checkpoint.checkpointId}: ${k}`);
      }
      const total = checkpoint.tasks[TOTAL]?.state;
      if (total?.kind !== 'total' || total.records !== before.length) wrong.push(`checkpoint ${checkpoint.checkpointId}: ${TOTAL}`);
      const sink = checkpoint.tasks[SINK]?.state;
      // The sink's pre-committed transactions, with those it had committed before, are the results of exactly the
      // records before the cut.
      const held = sink?.kind === 'sink' ? sink.precommitted : [];
      const heldIds = new Set(held.map((t) => t.checkpointId));
      const committed = eventsOfKind(run.trace, 'log').filter((e) => e.node === SINK && e.text === SINK_LOG.commit
        && e.t <= (checkpoint.tasks[SINK]?.atMs as number) && !heldIds.has((e.data as { checkpointId: number }).checkpointId));
      const sinkHas = [...committed.flatMap((e) => (e.data as { records: WordCount[] }).records), ...held.flatMap((t) => t.records)];
      if (JSON.stringify(sortedOutput(sinkHas)) !== JSON.stringify(sortedOutput(oracle.output))) wrong.push(`checkpoint ${checkpoint.checkpointId}: ${SINK}`);
    }
    return wrong;
  }

  // Single steps of count-0 (inputs source-0 and source-1), as Algorithm 1 states the rule.
  const behaviorOptions = (align: boolean): PipelineBehaviorOptions => ({ checkpointIntervalMs: 30, recordIntervalMs: 4, align, sink: 'transactional', records: {} });
  function steps(align: boolean, inputs: [string, PipelineMessage][]) {
    const task = pipelineTask(behaviorOptions(align));
    const ctx = { id: 'count-0', peers: [], nowMs: 10, random: new Random(1) };
    let state: TaskState = task.init(ctx);
    const effects: Effect<PipelineMessage>[][] = [];
    for (const [from, message] of inputs) {
      const result = task.step(state, { type: 'message', from, message, msgId: 0 } as Input<PipelineMessage>, ctx);
      state = result.state;
      effects.push(result.effects ?? []);
    }
    return { state, effects };
  }
  const word = (w: string): PipelineMessage => ({ type: 'record', attempt: 0, word: w, offset: 0 });
  const barrier: PipelineMessage = { type: 'barrier', checkpointId: 1, attempt: 0 };

  it('holds back an input after its barrier, snapshots when every input\'s barrier is in, then lets the held records through', () => {
    const { state, effects } = steps(true, [['source-0', barrier], ['source-0', word('the')], ['source-1', word('the')], ['source-1', barrier]]);
    expect(effects[1]).toEqual([]); // held: source-0 is blocked
    expect(effects[2]!.map((e) => e.type)).toEqual(['send']); // source-1 still flows
    // The barrier goes on, the state is saved (with one "the", from source-1 only) and acknowledged, in that order;
    // only then is the held record counted.
    expect(effects[3]!.map((e) => (e.type === 'send' ? `send ${(e.message as PipelineMessage).type} to ${e.to}` : e.type))).toEqual([
      `send barrier to ${TOTAL}`, 'persist', 'log', `send ack to ${COORDINATOR}`, `send record to ${TOTAL}`,
    ]);
    expect(state.saved['1']).toEqual({ kind: 'count', counts: { the: 1 } });
    expect(state.app).toEqual({ kind: 'count', counts: { the: 2 } });
  });

  it('without alignment, counts the record that came after a barrier into the snapshot', () => {
    const { state, effects } = steps(false, [['source-0', barrier], ['source-0', word('the')], ['source-1', word('the')], ['source-1', barrier]]);
    expect(effects[1]!.map((e) => e.type)).toEqual(['send']);
    expect(state.saved['1']).toEqual({ kind: 'count', counts: { the: 2 } });
  });

  it('drops a message of an older attempt and keeps one of a newer attempt until its restore', () => {
    const record = (w: string, attempt: number): PipelineMessage => ({ type: 'record', attempt, word: w, offset: 0 });
    const restore = (attempt: number): PipelineMessage => ({ type: 'restore', attempt, checkpointId: null });
    const { state, effects } = steps(true, [
      ['source-0', record('snow', 3)], [COORDINATOR, restore(2)], ['source-0', record('the', 1)], ['source-0', record('on', 2)], [COORDINATOR, restore(3)],
    ]);
    expect(effects[0]).toEqual([]); // attempt 3 is kept for later
    expect(effects[2]).toEqual([]); // attempt 1 is dropped
    expect(effects[3]!.map((e) => e.type)).toEqual(['send']); // attempt 2, this task's, is counted
    expect(effects[4]!.filter((e) => e.type === 'send')).toEqual([{ type: 'send', to: TOTAL, message: { type: 'record', attempt: 3, word: 'snow', count: 1 } }]);
    expect(state).toMatchObject({ attempt: 3, app: { kind: 'count', counts: { snow: 1 } }, early: [] });
  });

  it('every checkpoint of a crash-free run completes, every task saves once per checkpoint, and some inputs really block', () => {
    const run = runPipeline({ seed: 11, records: 80, checkpointIntervalMs: 30 });
    const complete = run.checkpoints.filter((c) => c.completedAtMs !== undefined);
    expect(complete.length).toBeGreaterThanOrEqual(3);
    for (const c of complete) expect(Object.keys(c.tasks).sort()).toEqual([...TASKS].sort());
    expect(complete.some((c) => COUNTS.some((k) => (c.tasks[k]?.alignedMs ?? 0) > 0))).toBe(true);
    // One checkpoint at a time: each is triggered after the one before it completed.
    for (let i = 1; i < run.checkpoints.length; i++) {
      expect(run.checkpoints[i]!.triggeredAtMs).toBeGreaterThan(run.checkpoints[i - 1]!.completedAtMs as number);
    }
  });

  it('over seeds, every complete checkpoint holds exactly the effect of the records before the sources\' offsets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 10, max: 50 }), (seed, checkpointIntervalMs) => {
        const run = runPipeline({ seed, records: 40, checkpointIntervalMs });
        expect(cutViolations(run)).toEqual([]);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('without alignment (align: false) some snapshot is found to count records from after the barrier', () => {
    let found: { seed: number; wrong: string[] } | undefined;
    for (let seed = 0; seed < 30 && !found; seed++) {
      const wrong = cutViolations(runPipeline({ seed, ...base, align: false }));
      if (wrong.length > 0) found = { seed, wrong };
    }
    expect(found, 'no seed in 0..29 gave an inconsistent unaligned snapshot').toBeDefined();
  });
});

describe('Carbone et al. 2015 §4.4: after a crash, a global restore from the last complete checkpoint gives exactly-once output', () => {
  const emitEndMs = (base.records / 2) * 4;

  it('for a crash of any node at any time, the committed output and final states equal the crash-free run\'s', () => {
    const references = new Map<number, PipelineRun>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(...PIPELINE_NODES), fc.integer({ min: 0, max: emitEndMs + 120 }), fc.integer({ min: 1, max: 120 }),
        (seed, node, atMs, restartAfterMs) => {
          if (!references.has(seed)) references.set(seed, runPipeline({ seed, ...base }));
          const run = runPipeline({ seed, ...base, crash: { node, atMs, restartAfterMs } });
          const result = checkExactlyOnce(run, references.get(seed) as PipelineRun);
          expect(result, `seed ${seed}, crash ${node} at ${atMs} ms for ${restartAfterMs} ms`).toEqual({ status: 'ok', property: 'exactly-once output' });
          expectComputesTheJob(run);
        },
      ),
      { numRuns: 60, seed: 2015 },
    );
  });

  it('restores every task from the last complete checkpoint, replays the records read since, and drops the old attempt\'s messages', () => {
    const run = runPipeline({ seed: 5, ...base, crash: { node: 'count-0', atMs: 95, restartAfterMs: 20 } });
    expect(run.recoveries).toHaveLength(1);
    const [recovery] = run.recoveries;
    expect(recovery).toMatchObject({ attempt: 1, cause: 'count-0 restarted' });
    const lastCompleteBefore = run.checkpoints.filter((c) => (c.completedAtMs ?? Infinity) < recovery!.orderedAtMs).at(-1);
    expect(recovery!.fromCheckpoint).toBe(lastCompleteBefore?.checkpointId);
    expect(recovery!.replayedRecords).toBeGreaterThan(0);
    expect(recovery!.restoredAtMs).toBeGreaterThan(recovery!.orderedAtMs);
    const restored = eventsOfKind(run.trace, 'log').filter((e) => e.text === PIPELINE_LOG.restored).map((e) => e.node).sort();
    expect(restored).toEqual([...TASKS].sort());
    // After a task's restore, every record it processes belongs to the new attempt.
    for (const task of TASKS) {
      const restoredAt = eventsOfKind(run.trace, 'log').find((e) => e.node === task && e.text === PIPELINE_LOG.restored)!.seq;
      const after = eventsOfKind(run.trace, 'send').filter((e) => e.node === task && e.seq > restoredAt && (e.message as { type: string }).type === 'record');
      for (const e of after) expect((e.message as { attempt: number }).attempt).toBe(1);
    }
  });

  it('without alignment (align: false), a crash is found after which some record is counted twice', () => {
    let found: string | undefined;
    for (let seed = 0; seed < 40 && !found; seed++) {
      const reference = runPipeline({ seed, ...base, align: false });
      const run = runPipeline({ seed, ...base, align: false, crash: { node: 'count-1', atMs: 100 } });
      const result = checkExactlyOnce(run, reference);
      if (result.status === 'violation') {
        expect(result.failure).toBe('safety');
        found = `seed ${seed}: ${result.message}`;
      }
    }
    expect(found, 'no seed in 0..39 showed a record counted twice').toMatch(/counted twice|written \d+ times/);
  });

  it('a direct (non-transactional) sink writes output again after a recovery', () => {
    let found: string | undefined;
    for (let seed = 0; seed < 20 && !found; seed++) {
      const reference = runPipeline({ seed, ...base, sink: 'direct' });
      expectComputesTheJob(reference); // without a crash it is right
      const result = checkExactlyOnce(runPipeline({ seed, ...base, sink: 'direct', crash: { node: 'total', atMs: 100 } }), reference);
      if (result.status === 'violation') found = result.message;
    }
    expect(found).toMatch(/written 2 times, the crash-free run writes it once/);
  });
});

describe('checkExactlyOnce judges what it is given', () => {
  const reference = runPipeline({ seed: 9, ...base });

  it('finds a lost record and a record written twice, with the sink lines that show it', () => {
    const lost: PipelineRun = { ...reference, output: reference.output.slice(1) };
    const lostResult = checkExactlyOnce(lost, reference);
    expect(lostResult).toMatchObject({ status: 'violation', failure: 'safety' });
    expect(lostResult.status === 'violation' && lostResult.message).toMatch(/missing from the output: a record was lost/);
    const twice: PipelineRun = { ...reference, output: [...reference.output, reference.output[0] as WordCount] };
    const twiceResult = checkExactlyOnce(twice, reference);
    expect(twiceResult.status === 'violation' && twiceResult.message).toMatch(/written 2 times/);
    expect(twiceResult.status === 'violation' && twiceResult.events.length).toBeGreaterThan(0);
  });

  it('reports a run that never committed everything as a liveness failure, and a cut-short trace as inconclusive', () => {
    const short = runPipeline({ seed: 9, ...base, untilMs: 60 });
    expect(checkExactlyOnce(short, reference)).toMatchObject({ status: 'violation', failure: 'liveness' });
    expect(checkExactlyOnce(reference, short)).toMatchObject({ status: 'inconclusive' });
    const truncated: PipelineRun = { ...reference, trace: { ...reference.trace, truncated: true } };
    expect(checkExactlyOnce(truncated, reference)).toMatchObject({ status: 'inconclusive' });
  });

  it('compares final operator states too', () => {
    const states = { ...reference.finalStates, [TOTAL]: { kind: 'total' as const, records: 999 } };
    const result = checkExactlyOnce({ ...reference, finalStates: states }, reference);
    expect(result.status === 'violation' && result.message).toMatch(/total ends with state/);
  });
});

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
