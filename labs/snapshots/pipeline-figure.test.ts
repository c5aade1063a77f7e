// Method: build the figure and tables from seeded pipeline runs (one crash-free, one with a crash and a restore),
// check that every mark the reader needs is there and named in the legend, that records are thinned to the budget
// and acknowledgements folded, that no two labels are drawn over one another, that the spec stays within the
// display caps, and finally render it with the book's own renderer in a server-side DOM, as the build does.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { capOutput, displayLimits } from '../display/caps';
import { PIPELINE_ROLES, pipelineCheckpointTable, pipelineFigure, pipelineRecoveryTable } from './pipeline-figure';
import { PIPELINE_NODES, TASKS, runPipeline } from './pipeline';

const crashed = runPipeline({ seed: 5, records: 40, checkpointIntervalMs: 30, crash: { node: 'count-0', atMs: 95, restartAfterMs: 20 } });
const calm = runPipeline({ seed: 5, records: 40, checkpointIntervalMs: 30 });

type Spec = ReturnType<typeof pipelineFigure>;
const legend = (spec: Spec) => (spec.options?.color as { domain: string[] }).domain;
const dataOf = (spec: Spec, mark: string, pick: (options: Record<string, unknown>) => boolean = () => true) =>
  spec.marks.filter((m) => m.mark === mark && pick(m.options ?? {})).flatMap((m) => (m.data ?? []) as Record<string, unknown>[]);

function render(spec: Spec, width?: number) {
  const document = new JSDOM('<!doctype html><body></body>').window.document;
  const container = document.createElement('div');
  container.append(renderOutputs([{ kind: 'plot', ...spec }], { document, idPrefix: 'p', width }));
  return container;
}

describe('pipelineFigure', () => {
  it('draws barriers, alignment, saved states, completions and commits, each named in the legend', () => {
    const spec = pipelineFigure(calm);
    const roles = legend(spec);
    for (const r of [PIPELINE_ROLES.barrier, PIPELINE_ROLES.aligning, PIPELINE_ROLES.saved, PIPELINE_ROLES.complete, PIPELINE_ROLES.commit, PIPELINE_ROLES.control]) {
      expect(roles).toContain(r);
    }
    expect(roles).not.toContain(PIPELINE_ROLES.crash);
    const barriers = dataOf(spec, 'arrow').filter((a) => a.role === PIPELINE_ROLES.barrier);
    // Seven links carry each checkpoint's barrier: 2 sources × 2 counts, 2 counts → total, total → sink.
    const complete = calm.checkpoints.filter((c) => c.completedAtMs !== undefined).length;
    expect(barriers.length).toBeGreaterThanOrEqual(7 * complete);
    expect(dataOf(spec, 'ruleX', (o) => o.x === 'completeMs')).toHaveLength(complete);
    expect(dataOf(spec, 'dot').filter((d) => d.role === PIPELINE_ROLES.saved).length).toBe(calm.checkpoints.reduce((n, c) => n + Object.keys(c.tasks).length, 0));
  });

  it('thins records to the budget and says so in the legend; folds acknowledgements unless asked', () => {
    const spec = pipelineFigure(calm, { maxRecordArrows: 30 });
    const records = dataOf(spec, 'arrow').filter((a) => String(a.role).startsWith(PIPELINE_ROLES.record));
    expect(records.length).toBeLessThanOrEqual(30 + 7); // one per link may round up
    expect(records.length).toBeGreaterThan(10);
    expect(legend(spec).some((r) => /^record \(1 in \d+ drawn\)$/.test(r))).toBe(true);
    const folded = dataOf(spec, 'arrow').filter((a) => /^ack|complete:/.test(String(a.label)));
    expect(folded).toHaveLength(0);
    const shown = dataOf(pipelineFigure(calm, { showControl: true }), 'arrow').filter((a) => /^ack/.test(String(a.label)));
    expect(shown.length).toBe(TASKS.length * calm.checkpoints.filter((c) => Object.keys(c.tasks).length === TASKS.length).length);
    expect(legend(pipelineFigure(calm, { recordEvery: 1 }))).toContain(PIPELINE_ROLES.record);
  });

  it('shows the crash, the downtime, the messages lost, the restore and its label', () => {
    const spec = pipelineFigure(crashed);
    const roles = legend(spec);
    expect(roles).toContain(PIPELINE_ROLES.crash);
    expect(roles).toContain(PIPELINE_ROLES.restore);
    const texts = dataOf(spec, 'text').map((t) => String(t.text ?? t.label));
    expect(texts).toContain('✕ crash');
    expect(texts).toContain('↻ restart');
    const [recovery] = crashed.recoveries;
    expect(texts).toContain(`restore ✓${recovery!.fromCheckpoint}, attempt 1`);
    expect(dataOf(spec, 'arrow').filter((a) => a.role === PIPELINE_ROLES.restore)).toHaveLength(TASKS.length);
    expect(dataOf(spec, 'ruleY', (o) => o.strokeDasharray === '2 3')).toEqual([
      { node: 'count-0', fromMs: 95, toMs: 115, role: PIPELINE_ROLES.crash },
    ]);
    expect(spec.caption).toMatch(/count-0 restarted → restore from checkpoint \d+ \(attempt 1\), \d+ records replayed/);
  });

  it('keeps checkpoint labels apart and puts crash and restart labels on opposite sides', () => {
    // Drawn over eight times its length, the run's checkpoints crowd together and some labels must give way.
    const run = runPipeline({ seed: 2, records: 120, checkpointIntervalMs: 9 });
    const spec = pipelineFigure(run, { untilMs: 8 * Math.max(...run.checkpoints.map((c) => c.completedAtMs ?? 0)) });
    const endMs = (spec.options?.x as { domain: number[] }).domain[1] as number;
    // Each label's estimated box (7 px a character, centred on its rule) ends before the next begins.
    const boxes = dataOf(spec, 'text', (o) => o.frameAnchor === 'top').map((t) => {
      const x = (t.x as number) * (580 / endMs);
      const half = (String(t.label).length * 7) / 2;
      return [x - half, x + half] as const;
    });
    expect(boxes.length).toBeGreaterThan(1);
    expect(boxes.length).toBeLessThan(dataOf(spec, 'ruleX', (o) => o.x === 'completeMs').length); // some were too close and left out
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]).toBeGreaterThan(boxes[i - 1]![1]);
    // The crash's label left of its moment above the lane; the restart's left of its moment below the lane, over the
    // downtime, where the restore orders it causes (sent after it) cannot pass.
    const noteMark = (text: string) => pipelineFigure(crashed).marks.find((m) => m.mark === 'text' && (m.data ?? []).some((d) => (d as { text?: string }).text === text))!;
    expect(noteMark('✕ crash').options).toMatchObject({ textAnchor: 'end' });
    expect(noteMark('✕ crash').options!.dy as number).toBeLessThan(0);
    expect(noteMark('↻ restart').options).toMatchObject({ textAnchor: 'end' });
    expect(noteMark('↻ restart').options!.dy as number).toBeGreaterThan(0);
    const restartMs = crashed.trace.events.find((e) => e.kind === 'restart')!.t;
    const restores = dataOf(pipelineFigure(crashed), 'arrow').filter((a) => a.role === PIPELINE_ROLES.restore);
    expect(restores.every((a) => (a.sentMs as number) >= restartMs)).toBe(true);
  });

  it('marks a checkpoint a restore aborted: a grey dashed rule at its trigger, "✗n aborted", in the legend', () => {
    // The chapter's run: checkpoint 2 is triggered at 150 ms, while count-1 (crashed at 120) is down; its restart
    // brings a restore from checkpoint 1, and checkpoint 2 never completes.
    const run = runPipeline({ seed: 1, records: 40, checkpointIntervalMs: 50, crash: { node: 'count-1', atMs: 120 } });
    const spec = pipelineFigure(run);
    const aborted = run.checkpoints.filter((c) => c.completedAtMs === undefined);
    expect(aborted.map((c) => c.checkpointId)).toEqual([2]);
    const rules = dataOf(spec, 'ruleX', (o) => o.x === 'triggeredMs');
    expect(rules.map((r) => [r.checkpoint, r.triggeredMs, r.role])).toEqual([[2, aborted[0]!.triggeredAtMs, PIPELINE_ROLES.aborted]]);
    expect(dataOf(spec, 'text', (o) => o.frameAnchor === 'top').map((t) => t.label)).toEqual(['✓1', '✗2 aborted', '✓3']);
    expect(legend(spec)).toContain(PIPELINE_ROLES.aborted);
    // A run without a restore aborts nothing, and says nothing of it.
    expect(legend(pipelineFigure(calm))).not.toContain(PIPELINE_ROLES.aborted);
    expect(dataOf(pipelineFigure(calm), 'ruleX', (o) => o.x === 'triggeredMs')).toEqual([]);
  });

  it('stays within the display caps, so nothing is cut when a cell shows it', () => {
    const spec = pipelineFigure(runPipeline({ seed: 4, records: 200, checkpointIntervalMs: 40, crash: { node: 'sink', atMs: 300 } }));
    expect(spec.marks.length).toBeLessThanOrEqual(displayLimits.maxPlotMarks);
    const capped = capOutput({ kind: 'plot', ...spec });
    expect(capped.kind === 'plot' && capped.truncated).toBeFalsy();
    expect((spec.caption ?? '').length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
  });

  it('renders with the book\'s renderer: a figure, its legend naming every colour, lanes in pipeline order', () => {
    const html = render(pipelineFigure(crashed));
    const figure = html.querySelector('figure')!;
    expect(figure).not.toBeNull();
    expect(figure.querySelector('figcaption')!.textContent).toMatch(/restore from checkpoint/);
    const text = figure.textContent ?? '';
    for (const r of legend(pipelineFigure(crashed))) expect(text).toContain(r);
    const ticks = [...figure.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
    expect(ticks).toEqual([...PIPELINE_NODES]);
  });
});

describe('pipeline tables', () => {
  it('lists each checkpoint with its times and every task\'s saved bytes, and each recovery with its replay', () => {
    const rows = pipelineCheckpointTable(crashed);
    expect(rows).toHaveLength(crashed.checkpoints.length);
    expect(Object.keys(rows[0]!)).toEqual(['checkpoint', 'attempt', 'triggered (ms)', 'complete (ms)', 'aligning, most (ms)', ...TASKS.map((t) => `${t} (bytes)`)]);
    expect(rows.some((r) => r['complete (ms)'] === 'never')).toBe(true); // the checkpoint the crash cut short
    expect(rows[0]!['count-0 (bytes)']).toBeGreaterThan(10);
    const recoveries = pipelineRecoveryTable(crashed);
    expect(recoveries).toEqual([{
      attempt: 1, cause: 'count-0 restarted', 'ordered (ms)': expect.any(Number), 'from checkpoint': crashed.recoveries[0]!.fromCheckpoint,
      'all restored (ms)': expect.any(Number), 'records replayed': crashed.recoveries[0]!.replayedRecords,
    }]);
    expect(pipelineRecoveryTable(calm)).toEqual([]);
  });
});
