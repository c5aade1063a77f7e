// Method: price three paths by hand from latency.ts's stated model (RFC 9293 §3.5 one round trip for TCP, RFC 8446
// §2 one for TLS 1.3, RFC 6928 §2 and RFC 5681 §3.1 slow start from 10 segments) and check that the figure stacks
// exactly those phases, contiguously and in the fixed order, with the total at each bar's end; that the legend
// names every colour drawn and no other; and that the spec passes the display caps unchanged and renders with the
// book's own renderer (in a server-side DOM, as the build does) at a phone's width and the page's, with a data
// table of every segment.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { capOutput, displayLimits } from '../display/caps';
import { directLatency, edgeLatency } from './latency';
import { LATENCY_PHASES, latencyFigure } from './latency-figure';

const common = { dns: { kind: 'resolver-hit', resolverRttMs: 10 } as const, tls: 'tls13' as const, responseBytes: 100_000 };
const paths = [
  { label: 'direct to origin', breakdown: directLatency({ ...common, originRttMs: 120 }) },
  { label: 'edge hit', breakdown: edgeLatency({ ...common, edgeRttMs: 15, cache: 'hit' }) },
  { label: 'edge miss', breakdown: edgeLatency({ ...common, edgeRttMs: 15, cache: 'miss', edgeToOriginRttMs: 110 }) },
];

type Spec = ReturnType<typeof latencyFigure>;
const segmentsOf = (spec: Spec) => (spec.marks[0]!.data ?? []) as { path: string; phase: string; roundTrips: number; startMs: number; endMs: number; ms: number }[];
const legendOf = (spec: Spec) => spec.options!.color as { domain: string[]; range: string[] };

function render(spec: Spec, width: number) {
  const document = new JSDOM('<!doctype html><body></body>').window.document;
  const container = document.createElement('div');
  container.append(renderOutputs([capOutput({ kind: 'plot', ...spec })], { document, idPrefix: 'l', width }));
  return container;
}

describe('latencyFigure: one bar per path, stacked by phase', () => {
  it('stacks the round trips priced by hand: 100 KB is 69 segments, three slow-start windows (10 + 20 + 40)', () => {
    const spec = latencyFigure(paths);
    const bar = (label: string) => segmentsOf(spec).filter((s) => s.path === label).map((s) => [s.phase, s.ms]);
    const name = (phase: string) => LATENCY_PHASES.find((p) => p.name === phase)!.label;
    expect(bar('direct to origin')).toEqual([[name('dns'), 10], [name('tcp'), 120], [name('tls'), 120], [name('request'), 120], [name('transfer'), 240]]);
    expect(bar('edge hit')).toEqual([[name('dns'), 10], [name('tcp'), 15], [name('tls'), 15], [name('request'), 15], [name('transfer'), 30]]);
    // The miss adds the edge's fetch over its warm connection: three windows at 110 ms each.
    expect(bar('edge miss')).toEqual([[name('dns'), 10], [name('tcp'), 15], [name('tls'), 15], [name('request'), 15], [name('origin-fetch'), 330], [name('transfer'), 30]]);
    const totals = spec.marks.find((m) => m.mark === 'text')!.data as { path: string; text: string }[];
    expect(totals.map((t) => t.text)).toEqual(['610 ms', '85 ms', '415 ms']);
    expect(spec.caption).toContain('direct to origin 610 ms');
    expect(spec.caption).toContain('Edge hit is 7.2× faster than direct to origin');
  });

  it('segments are contiguous, end at the total and follow the fixed phase order', () => {
    const spec = latencyFigure(paths);
    const order = LATENCY_PHASES.map((p) => p.label);
    for (const { label, breakdown } of paths) {
      const bar = segmentsOf(spec).filter((s) => s.path === label);
      expect(bar[0]!.startMs).toBe(0);
      bar.slice(1).forEach((s, i) => expect(s.startMs).toBeCloseTo(bar[i]!.endMs, 6));
      expect(bar.at(-1)!.endMs).toBeCloseTo(breakdown.totalMs, 6);
      const ranks = bar.map((s) => order.indexOf(s.phase));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
  });

  it('names every colour drawn in the legend, and only those; phases that cost nothing are left out', () => {
    const spec = latencyFigure(paths);
    const legend = legendOf(spec);
    expect(new Set(segmentsOf(spec).map((s) => s.phase))).toEqual(new Set(legend.domain));
    expect(legend.range).toEqual(legend.domain.map((d) => LATENCY_PHASES.find((p) => p.label === d)!.colour));
    const warm = latencyFigure([{ label: 'cached name, plain HTTP', breakdown: directLatency({ dns: { kind: 'client-cached' }, tls: 'none', responseBytes: 10_000, originRttMs: 50 }) }]);
    expect(legendOf(warm).domain).toEqual([LATENCY_PHASES.find((p) => p.name === 'tcp')!.label, LATENCY_PHASES.find((p) => p.name === 'request')!.label]);
    expect(() => latencyFigure([])).toThrow(/at least one path/);
    expect(() => latencyFigure([paths[0]!, paths[0]!])).toThrow(/two paths/);
  });

  it('passes the display caps unchanged and renders at 390 px and at the page width with a data table', () => {
    const spec = latencyFigure(paths, { caption: 'Three paths.' });
    expect(spec.caption).toBe('Three paths.');
    expect(latencyFigure(paths, { note: 'Look at the red segment.' }).caption).toMatch(/faster than direct to origin\. Look at the red segment\.$/);
    const long = latencyFigure(paths.map((p, i) => ({ ...p, label: `${p.label} ${'x'.repeat(80)}${i}` })));
    expect(long.caption!.length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
    const capped = capOutput({ kind: 'plot', ...spec });
    expect(capped).not.toHaveProperty('truncated');
    for (const width of [390, 688]) {
      const html = render(spec, width);
      expect(html.querySelector('svg')).not.toBeNull();
      const table = html.querySelector('details table')!;
      expect(table.querySelectorAll('tbody tr')).toHaveLength(segmentsOf(spec).length);
      expect(table.textContent).toContain('roundTrips');
      for (const phase of legendOf(spec).domain) expect(html.textContent).toContain(phase);
    }
  });
});
