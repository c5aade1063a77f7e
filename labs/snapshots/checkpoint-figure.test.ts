// Method: the figure spec of a diagram worked by hand (the domino cascade of checkpoints.test.ts) is checked mark by
// mark: events kept or rolled back as the recovery line says, the orphans that forced each rollback red, the
// checkpoints on the line apart from the others, the line through them, the failure, a legend naming every colour
// used and a caption that tells the cascade; then seeded bank runs in both modes are drawn and rendered by the
// book's own renderer in a server-side DOM, as the build does.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import type { ProcessEvent } from '../clocks/causality';
import { CHECKPOINT_ROLES, checkpointFigure } from './checkpoint-figure';
import { recoveryLine, runCheckpointing } from './checkpoints';
import type { Checkpoint } from './checkpoints';

type Row = Record<string, unknown>;
const rows = (data: unknown[] | undefined): Row[] => (data ?? []) as Row[];

const zigzag: ProcessEvent[] = [
  { id: 'p1', node: 'p', index: 1, kind: 'send' },
  { id: 'p2', node: 'p', index: 2, kind: 'receive', from: 'q2' },
  { id: 'p3', node: 'p', index: 3, kind: 'send' },
  { id: 'p4', node: 'p', index: 4, kind: 'receive', from: 'q4' },
  { id: 'q1', node: 'q', index: 1, kind: 'receive', from: 'p1' },
  { id: 'q2', node: 'q', index: 2, kind: 'send' },
  { id: 'q3', node: 'q', index: 3, kind: 'receive', from: 'p3' },
  { id: 'q4', node: 'q', index: 4, kind: 'send' },
];
const checkpoints: Checkpoint[] = [
  { node: 'p', index: 1, label: 'P1' },
  { node: 'p', index: 2, label: 'P2' },
  { node: 'q', index: 1, label: 'Q1' },
  { node: 'q', index: 3, label: 'Q2' },
];

describe('checkpointFigure: checkpoints, the failure and the recovery line (Randell 1975)', () => {
  it('the hand-made cascade: what is kept, what is undone, which orphans forced it, where the line runs', () => {
    const recovery = recoveryLine(zigzag, checkpoints, 'q');
    const spec = checkpointFigure({ events: zigzag, checkpoints, failed: 'q', recovery });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const [, events, undoneArrows, arrows, line, marks, failure, labels] = spec.marks.map((m) => rows(m.data));
    expect(events!.filter((e) => e.role === CHECKPOINT_ROLES.kept).map((e) => e.event)).toEqual(['p1', 'q1']);
    expect(undoneArrows).toEqual([]);
    expect(arrows!.filter((m) => m.role === CHECKPOINT_ROLES.orphan).map((m) => m.message).sort()).toEqual(['p3 → q3', 'q2 → p2', 'q4 → p4']);
    expect(marks!.map((m) => `${m.event}:${m.role === CHECKPOINT_ROLES.onLine ? 'line' : 'other'}`)).toEqual(['P1:line', 'P2:other', 'Q1:line', 'Q2:other']);
    // The line passes through the checkpoints the system restarts from.
    for (const point of line!) expect(point.x).toBe(marks!.find((m) => m.node === point.node && m.role === CHECKPOINT_ROLES.onLine)!.x);
    expect(failure).toEqual([expect.objectContaining({ node: 'q', role: CHECKPOINT_ROLES.failure })]);
    expect(labels!.map((l) => l.event).sort()).toEqual(['P1', 'P2', 'Q1', 'Q2']);
    const color = spec.options!.color as { domain: string[]; range: string[] };
    const used = new Set([...events!, ...arrows!, ...marks!, ...line!, ...failure!].map((d) => d.role as string));
    expect(new Set(color.domain)).toEqual(used);
    expect(spec.caption).toContain('takes 3 rounds, each forced by an orphan (red)');
    // The failure has a colour of its own, not the orphans' red.
    const colourOf = (role: string) => color.range[color.domain.indexOf(role)];
    expect(colourOf(CHECKPOINT_ROLES.failure)).not.toBe(colourOf(CHECKPOINT_ROLES.orphan));
    expect(spec.caption).toContain('p at P1, q at Q1');
    expect(spec.caption).toContain('domino effect');
  });

  it('one round of rollback reads as one round, forced by one orphan', () => {
    // q sends to p, which receives it after its checkpoint P1; q fails with no checkpoint and restarts from its
    // initial state, so the message is unsent and its receipt an orphan: p rolls back once, to P1, and stops.
    const events = [
      { id: 'p1', node: 'p', index: 1, kind: 'local' as const },
      { id: 'q1', node: 'q', index: 1, kind: 'send' as const, to: 'p' },
      { id: 'p2', node: 'p', index: 2, kind: 'receive' as const, from: 'q1' },
    ];
    const marks = [{ node: 'p', index: 1, label: 'P1' }];
    const recovery = recoveryLine(events, marks, 'q');
    expect(recovery.rounds).toHaveLength(1);
    const spec = checkpointFigure({ events, checkpoints: marks, failed: 'q', recovery });
    expect(spec.caption).toContain('rollback propagation takes 1 round, forced by an orphan (red)');
  });

  it('two checkpoints of one state (nothing happened between them): only the one the line uses is drawn on it', () => {
    const twice = [...checkpoints, { node: 'p', index: 1, label: 'P1b' }];
    const spec = checkpointFigure({ events: zigzag, checkpoints: twice, failed: 'q', recovery: recoveryLine(zigzag, twice, 'q') });
    const marks = rows(spec.marks[5]!.data);
    expect(marks.filter((m) => m.role === CHECKPOINT_ROLES.onLine).map((m) => m.event)).toEqual(['P1', 'Q1']);
  });

  it('seeded bank runs: the uncoordinated run that falls back to the start and the coordinated one that stops at its last snapshot', () => {
    const document = new JSDOM('<!doctype html><body></body>').window.document;
    const u = runCheckpointing({ seed: 8, mode: 'uncoordinated' });
    const c = runCheckpointing({ seed: 8, mode: 'coordinated' });
    const uSpec = checkpointFigure(u);
    const cSpec = checkpointFigure(c);
    expect(uSpec.caption).toMatch(/^Uncoordinated checkpoints: c fails \(✕\); .*every node is back at its initial state/);
    expect(cSpec.caption).toMatch(/^Coordinated checkpoints: c fails \(✕\); .*no node loses a checkpoint it had taken/);
    expect(rows(uSpec.marks[1]!.data).every((e) => e.role === CHECKPOINT_ROLES.undone)).toBe(true);
    const container = document.createElement('div');
    container.append(renderOutputs([{ kind: 'plot', ...uSpec }, { kind: 'plot', ...cSpec }], { document, idPrefix: 'k' }));
    const figures = container.querySelectorAll(':scope > figure');
    expect(figures).toHaveLength(2);
    expect(figures[0]!.textContent).toContain(CHECKPOINT_ROLES.orphan);
    expect(figures[1]!.textContent).toContain(CHECKPOINT_ROLES.onLine);
  });
});
