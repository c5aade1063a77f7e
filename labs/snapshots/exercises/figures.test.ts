// Method: the figures of the diagram exercises (cut-consistent, count-cuts, recovery-line), prompt and solution,
// over 300 variants each. Every figure is a plot with a legend whose domain names every role its marks use, and
// its axis is the lab's ("Lamport time"), not the simulator's. Events are placed by Lamport time: on the book's
// figure width, no two events of one node are closer than MIN_GAP_PX, so no dot hides another (a2 at 29.88 ms
// and a3 at 29.93 ms of run 19773 were drawn on top of each other when placed by time); every receive is right of
// its send. The prompt's cut line falls between each node's last event inside the cut and its first outside, its
// messages all have one colour (the verdict is the question), and every event id and checkpoint name is drawn.
// Last, one figure of each is rendered by the book's own renderer in a server-side DOM, legend included.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../../src/views/render';
import type { PlotOutput } from '../../display/outputs';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import type { Exercise } from '../../exercises/types';
import { CUT_ROLES } from '../cut-figure';
import { countCuts } from './count-cuts';
import { cutConsistent, type CutConsistentParams } from './cut-consistent';
import { checkpointsOf, recoveryLineExercise, type RecoveryLineParams } from './recovery-line';
import { RUN_ROLES, smallRun } from './small-runs';

const SEEDS = enumerateSeeds(300);
/** The book's figure width less margins, as the lab's figures assume it when they place labels. */
const PLOT_INNER_WIDTH_PX = 600;
/** Two dots of radius 4.5 px side by side with a gap between them; event labels (`a2`) need about 20 px. */
const MIN_GAP_PX = 20;

type Row = Record<string, unknown>;
const rows = (data: unknown[] | undefined): Row[] => (data ?? []) as Row[];

function figuresOf(def: Exercise, seed: number): { prompt: PlotOutput[]; solution: PlotOutput[] } {
  const p = variantParams(def, seed);
  const plots = (figures: unknown[] | undefined) => (figures ?? []) as PlotOutput[];
  return { prompt: plots(def.prompt(p as never).figures), solution: plots(def.solution(p as never).figures) };
}

/** The smallest distance, in px, between two events of one node, with each event's node and x. */
function smallestGapPx(figure: PlotOutput): number {
  const events = rows(figure.marks[1]?.data);
  const [lo, hi] = (figure.options?.x as { domain: [number, number] }).domain;
  const px = PLOT_INNER_WIDTH_PX / (hi - lo);
  let smallest = Infinity;
  const byNode = new Map<string, number[]>();
  for (const e of events) byNode.set(e.node as string, [...(byNode.get(e.node as string) ?? []), e.x as number]);
  for (const xs of byNode.values()) {
    xs.sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) smallest = Math.min(smallest, ((xs[i] as number) - (xs[i - 1] as number)) * px);
  }
  return smallest;
}

/** Every role a mark of the figure colours by. */
function rolesUsed(figure: PlotOutput): Set<string> {
  const used = new Set<string>();
  for (const mark of figure.marks) {
    if (mark.options?.fill !== 'role' && mark.options?.stroke !== 'role') continue;
    for (const row of rows(mark.data)) if (typeof row.role === 'string') used.add(row.role);
  }
  return used;
}

const DIAGRAM_EXERCISES: Exercise[] = [cutConsistent, countCuts, recoveryLineExercise];

describe('the diagram exercises\' figures: a legend for every mark, events that never overlap', () => {
  it.each(DIAGRAM_EXERCISES.map((def) => [def.id, def] as const))('%s: on 300 variants, prompt and solution figures have a legend and events at least 20 px apart', (_id, def) => {
    let smallest = Infinity;
    for (const seed of SEEDS) {
      const { prompt, solution } = figuresOf(def, seed);
      expect(prompt.length, `seed ${seed}`).toBe(1);
      for (const figure of [...prompt, ...solution]) {
        expect(figure.kind, `seed ${seed}`).toBe('plot');
        const color = figure.options?.color as { domain: string[]; legend: boolean };
        expect(color.legend, `seed ${seed}`).toBe(true);
        for (const role of rolesUsed(figure)) expect(color.domain, `seed ${seed}`).toContain(role);
        const x = figure.options?.x as { label?: string; axis?: null };
        if (x.axis !== null) expect(x.label, `seed ${seed}`).toBe('Lamport time');
      }
      // Event dots are the second mark of the run figure and of the lab's cut and checkpoint figures alike (the
      // lattice has no events).
      for (const figure of [...prompt, ...solution].filter((f) => f.marks[0]?.mark === 'ruleY')) {
        smallest = Math.min(smallest, smallestGapPx(figure));
        const x = new Map(rows(figure.marks[1]?.data).map((e) => [e.event as string, e.x as number]));
        for (const m of rows(figure.marks.find((mark) => mark.mark === 'arrow')?.data)) {
          const [send, receive] = (m.message as string).split(' → ');
          expect(x.get(send as string)! < x.get(receive as string)!, `seed ${seed}, ${m.message as string}`).toBe(true);
        }
      }
    }
    expect(smallest).toBeGreaterThanOrEqual(MIN_GAP_PX);
  });

  it('run 19773 of the cut exercise: a2 and a3, 0.05 ms apart, are drawn apart, with the cut line between them', () => {
    const p: CutConsistentParams = { seed: 19773, cut: { a: 2, b: 1, c: 1 } };
    const times = new Map(smallRun(p.seed, 3).events.map((e) => [e.id, e.t]));
    expect(times.get('a3')! - times.get('a2')!).toBeLessThan(0.1);
    const figure = cutConsistent.prompt(p).figures?.[0] as PlotOutput;
    const xs = new Map(rows(figure.marks[1]?.data).map((e) => [e.event as string, e.x as number]));
    expect(xs.get('a3')! - xs.get('a2')!).toBeGreaterThanOrEqual(1);
    const cutOnA = rows(figure.marks.find((m) => m.mark === 'line')?.data).find((l) => l.node === 'a')!.x as number;
    expect(xs.get('a2')! < cutOnA && cutOnA < xs.get('a3')!).toBe(true);
    expect(smallestGapPx(figure)).toBeGreaterThanOrEqual(MIN_GAP_PX);
  });

  it('cut-consistent\'s prompt draws the cut between the right events, without colouring the crossing message', () => {
    for (const seed of SEEDS) {
      const p = variantParams(cutConsistent, seed) as CutConsistentParams;
      const figure = figuresOf(cutConsistent, seed).prompt[0] as PlotOutput;
      const events = rows(figure.marks[1]?.data);
      const line = rows(figure.marks.find((m) => m.mark === 'line')?.data);
      expect(line.map((l) => l.node)).toEqual(['a', 'b', 'c']);
      for (const l of line) {
        const lane = events.filter((e) => e.node === l.node);
        const k = p.cut[l.node as string] ?? 0;
        for (const e of lane) {
          const index = Number((e.event as string).slice(1));
          expect(index <= k ? (e.x as number) < (l.x as number) : (e.x as number) > (l.x as number), `seed ${seed}, ${e.event as string}`).toBe(true);
          expect(e.role).toBe(index <= k ? CUT_ROLES.inside : CUT_ROLES.outside);
        }
      }
      const messages = rows(figure.marks.find((m) => m.mark === 'arrow')?.data);
      expect(new Set(messages.map((m) => m.role))).toEqual(new Set([RUN_ROLES.message]));
      expect(rolesUsed(figure)).not.toContain(CUT_ROLES.crossing);
      // Every event is labelled with its id: the options name messages by them.
      const labels = figure.marks.filter((m) => m.mark === 'text').flatMap((m) => rows(m.data).map((r) => r.event));
      expect(labels.sort()).toEqual(events.map((e) => e.event).sort());
    }
  });

  it('recovery-line\'s prompt draws every checkpoint, named, between the events it falls between', () => {
    for (const seed of SEEDS.slice(0, 100)) {
      const p = variantParams(recoveryLineExercise, seed) as RecoveryLineParams;
      const figure = figuresOf(recoveryLineExercise, seed).prompt[0] as PlotOutput;
      const events = rows(figure.marks[1]?.data);
      const squares = rows(figure.marks.find((m) => m.options?.symbol === 'square')?.data);
      expect(squares.map((s) => s.event).sort()).toEqual(checkpointsOf(p).map((c) => c.label).sort());
      for (const c of checkpointsOf(p)) {
        const at = squares.find((s) => s.event === c.label)!.x as number;
        const x = (i: number) => events.find((e) => e.event === `${c.node}${i}`)?.x as number;
        expect(x(c.index) < at && at < x(c.index + 1), `seed ${seed}, ${c.label}`).toBe(true);
      }
      const labels = figure.marks.filter((m) => m.mark === 'text').flatMap((m) => rows(m.data).map((r) => r.event));
      expect(labels.sort()).toEqual([...events.map((e) => e.event), ...checkpointsOf(p).map((c) => c.label)].sort());
      expect(new Set(rolesUsed(figure))).toEqual(new Set([RUN_ROLES.event, RUN_ROLES.message, RUN_ROLES.checkpoint]));
    }
  });

  it('renders with the book\'s renderer, the legend naming the marks', () => {
    for (const def of DIAGRAM_EXERCISES) {
      const document = new JSDOM('<!doctype html><body></body>').window.document;
      const container = document.createElement('div');
      container.append(renderOutputs(figuresOf(def, SEEDS[0] as number).prompt, { document, idPrefix: 'x' }));
      const figure = container.querySelector('figure');
      expect(figure?.querySelector('svg'), def.id).not.toBeNull();
      expect(figure?.textContent, def.id).toContain(RUN_ROLES.message);
      expect(figure?.textContent, def.id).toContain('Lamport time');
    }
  });
});
