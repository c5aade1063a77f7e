// Method: the figure spec is checked for its shape (marks, roles, legend, data that survives a structured copy,
// no functions), for what it must show on an ok and on a violating history (numbered points inside their bars; the
// prefix, the blocked operation and the explanation), for labels that never share a row's space in a lane, and
// finally rendered by the book's own renderer in a server-side DOM, as the build does.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { HISTORY_ROLES, historyFigure } from './history-figure';
import { checkLinearizability } from './linearizability';
import { registerModel } from './models';
import { randomRegisterHistory } from './generate';
import type { History } from './history';
import type { RegisterInput, RegisterOutput } from './data-types';

type Row = Record<string, unknown>;
const rows = (data: unknown[] | undefined): Row[] => (data ?? []) as Row[];

const staleRead: History<RegisterInput, RegisterOutput> = [
  { id: 0, client: 'c1', input: { f: 'write', value: 1 }, output: null, status: 'ok', invokeMs: 0, returnMs: 10 },
  { id: 1, client: 'c2', input: { f: 'read' }, output: 1, status: 'ok', invokeMs: 2, returnMs: 8 },
  { id: 2, client: 'c2', input: { f: 'read' }, output: null, status: 'ok', invokeMs: 12, returnMs: 20 },
  { id: 3, client: 'c3', input: { f: 'write', value: 2 }, status: 'info', invokeMs: 14 },
];

describe('historyFigure: a history as lanes of operation bars (Herlihy and Wing 1990, Figure 1 style)', () => {
  it('an ok history: one bar per operation, numbered points inside their bars, a legend naming every colour', () => {
    const history = staleRead.map((op) => (op.id === 2 ? { ...op, output: 1 } : op));
    const result = checkLinearizability(history, registerModel);
    expect(result.verdict).toBe('ok');
    const spec = historyFigure(history, result, { model: registerModel });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec); // plain data only: it crosses to the page
    expect(spec.marks.map((m) => m.mark)).toEqual(['barX', 'barX', 'text', 'text', 'dot', 'text']);
    const [closed, open] = spec.marks;
    expect(rows(closed!.data).map((b) => b.id)).toEqual([0, 1, 2]);
    expect(rows(open!.data)).toEqual([expect.objectContaining({ id: 3, role: HISTORY_ROLES.info, label: 'write 2 (no response)' })]);
    expect(open!.options!.strokeDasharray).toBeDefined();
    const xDomain = (spec.options!.x as { domain: number[] }).domain;
    expect(rows(open!.data)[0]!.endMs).toBe(xDomain[1]); // open to the right edge
    const points = rows(spec.marks[4]!.data);
    expect(points.map((p) => p.order)).toEqual([1, 2, 3]);
    for (const p of points) {
      const op = history.find((o) => o.id === p.id)!;
      expect(p.atMs as number).toBeGreaterThanOrEqual(op.invokeMs);
      expect(p.atMs as number).toBeLessThanOrEqual(op.returnMs ?? Infinity);
      expect(p.client).toBe(op.client);
    }
    const color = spec.options!.color as { domain: string[]; range: string[]; legend: boolean };
    expect(color.legend).toBe(true);
    expect(color.domain).toEqual([HISTORY_ROLES.operation, HISTORY_ROLES.info, HISTORY_ROLES.point]);
    expect(new Set(color.range).size).toBe(color.domain.length);
    expect(spec.caption).toBe(result.explanation);
    expect(spec.ariaLabel).toMatch(/^Timeline of 4 operations by 3 clients, one lane per client \(c1, c2, c3\).*: linearizable/);
    const labels = [...rows(spec.marks[2]!.data), ...rows(spec.marks[3]!.data)].map((l) => l.text).sort();
    expect(labels).toEqual(['read → 1', 'read → 1', 'write 1', 'write 2 (no response)']);
  });

  it('a violation: the prefix numbered, the blocked operation in its own colour with a rule at its response, the explanation as caption', () => {
    const result = checkLinearizability(staleRead, registerModel);
    expect(result.verdict).toBe('violation');
    const spec = historyFigure(staleRead, result, { model: registerModel });
    const bars = [...rows(spec.marks[0]!.data), ...rows(spec.marks[1]!.data)];
    expect(bars.find((b) => b.id === 2)!.role).toBe(HISTORY_ROLES.blocked);
    for (const id of result.violation!.prefix) expect(bars.find((b) => b.id === id)!.role).toBe(HISTORY_ROLES.prefix);
    expect(spec.marks[2]).toMatchObject({ mark: 'ruleX', data: [{ atMs: 20, role: HISTORY_ROLES.blocked }] });
    expect(rows(spec.marks[5]!.data).map((p) => p.id)).toEqual(result.violation!.prefix);
    // The whole explanation is longer than a caption may be, so the caption is the reason the read cannot be placed.
    expect(result.explanation.length).toBeGreaterThan(300);
    expect(spec.caption).toBe(`Not linearizable: ${result.violation!.reason}.`);
    expect(spec.caption).toContain('read → unset by client c2');
    expect((spec.options!.color as { domain: string[] }).domain).toContain(HISTORY_ROLES.blocked);
  });

  it('an indeterminate operation stays dashed and open when the checker places it in the prefix', () => {
    // c3's timed-out write of 2 must be placed for the last read to return 2; the read before it cannot be placed.
    const history: History<RegisterInput, RegisterOutput> = [
      { id: 0, client: 'c3', input: { f: 'write', value: 2 }, status: 'info', invokeMs: 0 },
      { id: 1, client: 'c1', input: { f: 'read' }, output: 2, status: 'ok', invokeMs: 5, returnMs: 8 },
      { id: 2, client: 'c2', input: { f: 'read' }, output: null, status: 'ok', invokeMs: 10, returnMs: 12 },
    ];
    const result = checkLinearizability(history, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.prefix).toContain(0);
    const spec = historyFigure(history, result, { model: registerModel });
    expect(rows(spec.marks[0]!.data).map((b) => b.id)).not.toContain(0);
    const open = rows(spec.marks[1]!.data);
    expect(open.map((b) => b.id)).toEqual([0]);
    expect(open[0]!.role).toBe(HISTORY_ROLES.prefix);
    expect(spec.marks[1]!.options).toMatchObject({ strokeDasharray: '5 4' });
  });

  it('an explanation longer than a caption may be gives way to a summary that fits', () => {
    const result = checkLinearizability(staleRead, registerModel);
    const long = { ...result, explanation: `${result.explanation} ${'More detail. '.repeat(30)}` };
    long.violation = { ...result.violation!, reason: `${result.violation!.reason} ${'More detail. '.repeat(30)}` };
    const spec = historyFigure(staleRead, long, { model: registerModel });
    expect(spec.caption!.length).toBeLessThanOrEqual(300);
    expect(spec.caption).toMatch(/^A history of 4 operations by 3 clients: not linearizable; operation 2 cannot be placed/);
  });

  it('labels in one lane and row never overlap, and longer histories drop them and say so', () => {
    for (let seed = 0; seed < 40; seed++) {
      const { history } = randomRegisterHistory({ seed, clients: 2, operations: 12, maxThinkMs: 0, maxLatencyMs: 3 });
      const spec = historyFigure(history, checkLinearizability(history, registerModel), { model: registerModel });
      const labelMarks = spec.marks.filter((m) => m.mark === 'text' && typeof m.options?.dy === 'number');
      expect(labelMarks).toHaveLength(2);
      for (const mark of labelMarks) {
        const placed = rows(mark.data);
        const span = (spec.options!.x as { domain: number[] }).domain;
        const pxPerMs = 560 / (span[1]! - span[0]!);
        for (const a of placed) {
          for (const b of placed) {
            if (a === b || a.client !== b.client) continue;
            const gap = Math.abs((a.atMs as number) - (b.atMs as number)) * pxPerMs;
            expect(gap * 2).toBeGreaterThanOrEqual(((a.text as string).length + (b.text as string).length) * 7);
          }
        }
      }
    }
    const long = randomRegisterHistory({ seed: 1, clients: 3, operations: 30 }).history;
    const spec = historyFigure(long, undefined, { model: registerModel });
    expect(rows(spec.marks[2]!.data)).toHaveLength(0);
    expect(spec.caption).toMatch(/labels left out for 30 operations/);
  });

  it('renders with the book renderer into a figure with an accessible name and a legend', () => {
    const document = new JSDOM('<!doctype html><body></body>').window.document;
    const result = checkLinearizability(staleRead, registerModel);
    const container = document.createElement('div');
    container.append(renderOutputs([{ kind: 'plot', ...historyFigure(staleRead, result, { model: registerModel }) }], { document, idPrefix: 'h' }));
    const figure = container.querySelector('figure')!;
    expect(figure.querySelector('svg')).not.toBeNull();
    expect(figure.querySelector('figcaption')!.textContent).toContain('cannot be placed');
    expect(figure.textContent).toContain(HISTORY_ROLES.blocked); // the legend's swatch label
    expect(figure.textContent).toContain('read → unset');
  });
});
