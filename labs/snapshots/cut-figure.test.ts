// Method: each figure spec is checked for what it must show (every event on its lane, the cut line through each
// lane between the last event inside and the first outside, crossing messages red and named in the caption,
// messages in transit in their own colour; in the lattice, every consistent cut once, each one-event step, the run's
// path), for plain data only, for a legend that names every colour used, for labels that never share a row's space
// in a lane, and finally rendered by the book's own renderer in a server-side DOM, as the build does.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { runExchange } from '../clocks/exchange';
import { vectorClock } from '../clocks/logical';
import { pingPong } from '../clocks/test-diagrams';
import { CUT_ROLES, LATTICE_ROLES, cutFigure, describeCut, latticeFigure } from './cut-figure';
import { consistentCuts, cutLattice, runPath } from './cuts';

type Row = Record<string, unknown>;
const rows = (data: unknown[] | undefined): Row[] => (data ?? []) as Row[];

/** The marks of the cut figure, by the order cutFigure lists them. */
function parts(spec: ReturnType<typeof cutFigure>) {
  const [lanes, events, messages, line, points, above, below] = spec.marks;
  return { lanes: lanes!, events: rows(events!.data), messages: rows(messages!.data), line: rows(line!.data), points, above: rows(above!.data), below: rows(below!.data) };
}

function render(spec: ReturnType<typeof cutFigure>) {
  const document = new JSDOM('<!doctype html><body></body>').window.document;
  const container = document.createElement('div');
  container.append(renderOutputs([{ kind: 'plot', ...spec }], { document, idPrefix: 'c' }));
  return container.querySelector('figure')!;
}

describe('cutFigure: a cut on the space-time diagram (Mattern 1989, Figure 4 style)', () => {
  it('an inconsistent cut of the ping-pong diagram: the crossing message red and named, the cut between the right events', () => {
    const spec = cutFigure(pingPong, { p: 1, q: 2 });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const { lanes, events, messages, line } = parts(spec);
    expect(lanes.data).toEqual(['p', 'q']);
    expect(events.map((e) => `${e.event}:${e.role === CUT_ROLES.inside ? 'in' : 'out'}`)).toEqual(['p1:in', 'p2:out', 'p3:out', 'q1:in', 'q2:in', 'q3:out']);
    expect(messages.find((m) => m.message === 'p2 → q2')!.role).toBe(CUT_ROLES.crossing);
    expect(messages.find((m) => m.message === 'q3 → p3')!.role).toBe(CUT_ROLES.message);
    // Without times, x is the Lamport timestamp: p1 1, p2 2, q2 3, q3 4, p3 5; q1 1. The cut on p is between p1 and p2.
    const x = new Map(events.map((e) => [e.event, e.x as number]));
    const at = new Map(line.map((c) => [c.node, c.x as number]));
    expect(at.get('p')).toBeGreaterThan(x.get('p1')!);
    expect(at.get('p')).toBeLessThan(x.get('p2')!);
    expect(at.get('q')).toBeGreaterThan(x.get('q2')!);
    expect(at.get('q')).toBeLessThan(x.get('q3')!);
    expect(spec.caption).toBe(describeCut(pingPong, { p: 1, q: 2 }));
    expect(spec.caption).toContain('q2 receives the message sent by p2');
    const color = spec.options!.color as { domain: string[]; range: string[]; legend: boolean };
    expect(color.legend).toBe(true);
    expect(color.domain).toContain(CUT_ROLES.crossing);
    expect(color.domain).not.toContain(CUT_ROLES.inTransit);
    expect(new Set(color.range).size).toBe(color.domain.length);
  });

  it('a consistent cut: no red, the message in transit across it coloured as channel state and named', () => {
    const spec = cutFigure(pingPong, { p: 2, q: 1 });
    const { messages } = parts(spec);
    expect(messages.find((m) => m.message === 'p2 → q2')!.role).toBe(CUT_ROLES.inTransit);
    expect(messages.some((m) => m.role === CUT_ROLES.crossing)).toBe(false);
    expect(spec.caption).toMatch(/is consistent.*1 message in transit across it \(p2 → q2\)/);
    expect((spec.options!.color as { domain: string[] }).domain).not.toContain(CUT_ROLES.crossing);
  });

  it('on a run of the exchange: events at their times, every role in the legend, labels never collide in a lane row', () => {
    const { events } = runExchange(vectorClock, { seed: 4, eventsPerNode: 5 });
    const total = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, events.filter((e) => e.node === n).length]));
    const cut = { a: Math.ceil(total.a! / 2), b: Math.floor(total.b! / 2), c: total.c! };
    const spec = cutFigure(events, cut);
    const { events: placed, above, below } = parts(spec);
    expect(placed.map((p) => p.x)).toEqual(events.map((e) => e.t));
    expect((spec.options!.x as { label: string }).label).toBe('time (ms)');
    const used = new Set([...placed.map((p) => p.role), ...parts(spec).messages.map((m) => m.role), CUT_ROLES.cut]);
    expect(new Set((spec.options!.color as { domain: string[] }).domain)).toEqual(used);
    // Labels in one lane and row do not overlap: 7 px a character plus a 6 px gap, 600 px for the events' span and padding.
    const xs = placed.map((p) => p.x as number);
    const span = Math.max(...xs) - Math.min(...xs);
    const pxPerMs = 600 / (span + 2 * Math.max(span * 0.04, 0.5));
    const width = (l: Row) => (String(l.event).length * 7 + 6) / pxPerMs;
    for (const row of [above, below]) {
      for (const lane of ['a', 'b', 'c']) {
        const labels = row.filter((l) => l.node === lane).sort((a, b) => (a.x as number) - (b.x as number));
        for (let i = 1; i < labels.length; i++) {
          expect((labels[i]!.x as number) - (labels[i - 1]!.x as number)).toBeGreaterThanOrEqual((width(labels[i]!) + width(labels[i - 1]!)) / 2 - 1e-9);
        }
      }
    }
    const labelled = above.length + below.length;
    expect(labelled + (spec.caption!.match(/labels left out for (\d+)/)?.[1] ? Number(spec.caption!.match(/labels left out for (\d+)/)![1]) : 0)).toBe(events.length);
  });

  it('renders with the book\'s renderer: a figure with the legend naming the crossing and the caption naming the message', () => {
    const figure = render(cutFigure(pingPong, { p: 1, q: 2 }));
    expect(figure.querySelector('svg')).not.toBeNull();
    expect(figure.textContent).toContain(CUT_ROLES.crossing);
    expect(figure.querySelector('figcaption')!.textContent).toContain('q2 receives the message sent by p2');
  });
});

describe('latticeFigure: the lattice of consistent cuts (Babaoğlu and Marzullo 1993)', () => {
  it('the ping-pong lattice: 9 points on levels 0 to 6, 10 edges, labelled with their counts', () => {
    const spec = latticeFigure(pingPong, { cut: { p: 2, q: 1 } });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const points = rows(spec.marks[0]!.data);
    expect(points.map((p) => p.cut)).toEqual(['(0,0)', '(0,1)', '(1,0)', '(1,1)', '(2,0)', '(2,1)', '(2,2)', '(2,3)', '(3,3)']);
    expect(points.map((p) => p.level)).toEqual([0, 1, 1, 2, 2, 3, 4, 5, 6]);
    expect(points.filter((p) => p.role === LATTICE_ROLES.chosen).map((p) => p.cut)).toEqual(['(2,1)']);
    expect(rows(spec.marks[1]!.data)).toHaveLength(10); // no times, so no path: every edge is a plain step
    // The chosen cut is drawn again, larger, and ringed; the caption names it.
    expect(rows(spec.marks[4]!.data).map((p) => p.cut)).toEqual(['(2,1)']);
    expect(spec.marks[4]!.options!.r).toBeGreaterThan(spec.marks[3]!.options!.r as number);
    expect(spec.marks[5]!.options).toMatchObject({ fill: 'none', stroke: 'role' });
    expect(rows(spec.marks[5]!.data).map((p) => p.cut)).toEqual(['(2,1)']);
    expect(spec.caption).toContain('Ringed in red: the chosen cut (2,1).');
    expect(latticeFigure(pingPong).caption).not.toContain('chosen');
    // Every point is labelled once: the chosen one apart, higher, to clear its ring.
    expect(rows(spec.marks[6]!.data)).toHaveLength(8);
    expect(rows(spec.marks[7]!.data).map((p) => p.cut)).toEqual(['(2,1)']);
    expect(Math.abs(spec.marks[7]!.options!.dy as number)).toBeGreaterThan(spec.marks[5]!.options!.r as number);
    // Points on one level never share an x.
    for (let level = 0; level <= 6; level++) {
      const xs = points.filter((p) => p.level === level).map((p) => p.x);
      expect(new Set(xs).size).toBe(xs.length);
    }
    expect(() => latticeFigure(pingPong, { cut: { p: 1, q: 2 } })).toThrow(/not a consistent cut/);
  });

  it('on a run with times: the run\'s path is drawn, one edge per event, from the empty cut to the whole run', () => {
    const { events } = runExchange(vectorClock, { seed: 2, eventsPerNode: 3 });
    const spec = latticeFigure(events);
    const path = rows(spec.marks[2]!.data);
    expect(path).toHaveLength(events.length);
    expect(path.every((e) => e.role === LATTICE_ROLES.path)).toBe(true);
    expect(rows(spec.marks[1]!.data).length + path.length).toBe(cutLattice(events).covers.length);
    expect((spec.options!.color as { domain: string[] }).domain).toEqual([LATTICE_ROLES.cut, LATTICE_ROLES.step, LATTICE_ROLES.path]);
    expect(render(spec).querySelector('svg')).not.toBeNull();
    // A cut the run passed through is named as on the path.
    const passed = runPath(events)[3]!;
    expect(latticeFigure(events, { cut: passed }).caption).toMatch(/Ringed in red: the chosen cut \([\d,]+\), on the path\./);
  });

  it('refuses a lattice too large to read, saying so', () => {
    const { events } = runExchange(vectorClock, { seed: 1, eventsPerNode: 8, sendProbability: 0.2 });
    expect(consistentCuts(events, { max: 100_000 }).length).toBeGreaterThan(300);
    expect(() => latticeFigure(events)).toThrow(/too many to draw legibly/);
  });
});
