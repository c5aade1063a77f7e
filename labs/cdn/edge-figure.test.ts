// Method: the figures' rows against the runs they draw (each bucket's origin fetches, each outcome's share, each
// point's origin fetches), every colour named in a legend, within the display caps, rendered by the book's
// renderer at 390 px and at the page width with a data table; and the claims the chapter's cells make, on small
// runs: collapsing cuts a flash crowd's origin fetches, stale-while-revalidate answers the crowd at once, and a
// shield keeps the origin's load flat as PoPs are added.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { capOutput, displayLimits } from '../display/caps';
import { collapseRequests, noCollapsing, objectKey, requestsFromWorkload, runCdn } from './edge';
import type { CdnOptions, CdnRun } from './edge';
import { OUTCOMES, flashCrowdFigure, outcomeFigure, tierFigure, unansweredWarning } from './edge-figure';
import type { Collapser } from './edge';
import type { TierPoint } from './edge-figure';
import type { CdnPlotSpec } from './latency-figure';
import { zipfWorkload } from './workload';

const latencyMs = { eu: { eu: 5, us: 40, asia: 90 }, us: { us: 5, asia: 80 }, asia: { asia: 5 } };
const pops = [
  { id: 'pop-eu', region: 'eu', capacityBytes: 5e6 },
  { id: 'pop-us', region: 'us', capacityBytes: 5e6 },
  { id: 'pop-asia', region: 'asia', capacityBytes: 5e6 },
];

function flashRuns(): { label: string; run: CdnRun }[] {
  const workload = zipfWorkload({
    seed: 4, catalogSize: 1, alpha: 1, requests: 6, ratePerSecond: 3, sizes: { medianBytes: 100_000, sigma: 0 },
    flashCrowds: [{ rank: 1, startMs: 2000, durationMs: 1000, ratePerSecond: 400 }],
  });
  const mapped = requestsFromWorkload(workload, { seed: 4, popShares: { 'pop-eu': 1, 'pop-us': 1, 'pop-asia': 1 }, policy: { maxAgeMs: 500, staleWhileRevalidateMs: 2000 } });
  const base: CdnOptions = { seed: 4, ...mapped, pops, latencyMs, origin: { region: 'us', serviceMs: 150 }, untilMs: 3500, bucketMs: 250 };
  return [
    { label: 'no collapsing', run: runCdn({ ...base, collapser: noCollapsing, staleWhileRevalidate: false }) },
    { label: 'collapsing', run: runCdn({ ...base, collapser: collapseRequests, staleWhileRevalidate: false }) },
    { label: 'collapsing + SWR', run: runCdn({ ...base }) },
  ];
}

function rendered(spec: CdnPlotSpec, width: number): Element {
  const document = new JSDOM('<!doctype html><body></body>').window.document;
  const container = document.createElement('div');
  container.append(renderOutputs([capOutput({ kind: 'plot', ...spec })], { document, idPrefix: 'e', width }));
  return container;
}

function expectReadable(spec: CdnPlotSpec, rows: number): void {
  expect(capOutput({ kind: 'plot', ...spec })).not.toHaveProperty('truncated');
  expect(spec.caption?.length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
  const colour = (spec.options as { color: { domain: string[]; range: string[]; legend: boolean } }).color;
  expect(colour.legend).toBe(true);
  expect(colour.range).toHaveLength(colour.domain.length);
  expect(new Set(colour.range).size).toBe(colour.range.length);
  for (const width of [390, 688]) {
    const container = rendered(spec, width);
    for (const entry of colour.domain) expect(container.textContent).toContain(entry);
    expect(container.querySelectorAll('details table tbody tr')).toHaveLength(rows);
  }
}

const runs = flashRuns();

describe('a flash crowd on a stale object (RFC 5861 §3; request collapsing)', () => {
  it('collapsing cuts the origin fetches, and stale-while-revalidate answers the crowd without waiting', () => {
    const [none, collapsing, swr] = runs.map((r) => r.run) as [CdnRun, CdnRun, CdnRun];
    expect(none.metrics.originRequests).toBeGreaterThan(10 * collapsing.metrics.originRequests);
    expect(swr.metrics.originRequests).toBeLessThanOrEqual(collapsing.metrics.originRequests);
    expect(swr.metrics.latencyMs.p99).toBeLessThan(collapsing.metrics.latencyMs.p99);
    expect(swr.requests.filter((r) => r.outcome === 'stale-while-revalidate').length).toBeGreaterThan(0);
    for (const { run } of runs) expect(run.checks.length > 0 && run.checks.every((c) => c.status === 'ok')).toBe(true);
  });

  it('flashCrowdFigure: one row per run and bucket up to the last request, each the bucket fetches as a rate', () => {
    const spec = flashCrowdFigure(runs, { highlight: { fromMs: 2000, untilMs: 3000, label: 'flash crowd' } });
    const rows = spec.marks[0]?.data as { configuration: string; second: number; originFetches: number; originFetchesPerSecond: number }[];
    const buckets = Math.ceil(runs[0]!.run.requests.at(-1)!.atMs / 250 + 1e-9);
    expect(rows).toHaveLength(runs.length * buckets);
    runs.forEach(({ label, run }) => {
      const mine = rows.filter((r) => r.configuration.startsWith(`${label}:`));
      expect(mine.map((r) => r.originFetches)).toEqual(run.metrics.series.slice(0, buckets).map((b) => b.originRequests));
      expect(mine.every((r) => r.originFetchesPerSecond === r.originFetches * 4)).toBe(true);
    });
    expect(spec.caption).toContain(`over time. No collapsing: ${runs[0]!.run.metrics.originRequests} in all`);
    expectReadable(spec, rows.length);
    expect(rendered(spec, 390).textContent).toContain('flash crowd');
  });

  it('flashCrowdFigure: lines that coincide stay visible, each earlier run wider underneath, each later one dashed on top', () => {
    // Collapsing with and without stale-while-revalidate fetch at the same moments here: their lines coincide.
    const [, collapsing, swr] = runs.map((r) => r.run) as [CdnRun, CdnRun, CdnRun];
    expect(swr.metrics.series.some((b, i) => b.originRequests > 0 && b.originRequests === collapsing.metrics.series[i]!.originRequests)).toBe(true);
    const lines = flashCrowdFigure(runs).marks.filter((m) => m.mark === 'line').map((m) => m.options as { strokeWidth: number; strokeDasharray?: string });
    expect(lines.map((l) => l.strokeWidth)).toEqual([5.2, 3.6, 2]);
    expect(lines.map((l) => l.strokeDasharray)).toEqual([undefined, '8 4', '2 3']);
    // Drawn: each line keeps its width and dashes, in run order, so the later one is on top.
    const svg = rendered(flashCrowdFigure(runs), 390);
    const paths = Array.from(svg.querySelectorAll('g[aria-label="line"] path'));
    expect(paths.map((p) => [Number(p.closest('g')!.getAttribute('stroke-width') ?? p.getAttribute('stroke-width')), p.closest('g')!.getAttribute('stroke-dasharray') ?? p.getAttribute('stroke-dasharray')])).toEqual([[5.2, null], [3.6, '8 4'], [2, '2 3']]);
  });

  it('captions: every clause opens with a capital, and shares carry the table\'s one decimal', () => {
    const fetches = flashCrowdFigure(runs).caption!;
    const outcomes = outcomeFigure(runs).caption!;
    for (const caption of [fetches, outcomes]) expect(caption.match(/\. [a-z]/g), caption).toBeNull();
    for (const { label, run } of runs) {
      const share = ((100 * run.metrics.hits) / run.metrics.requests).toFixed(1);
      expect(outcomes).toContain(`${label.charAt(0).toUpperCase()}${label.slice(1)}: ${share}% from the edge at once.`);
    }
    // The run stale-while-revalidate answers nearly all at once is not rounded up to 100%.
    const swr = runs[2]!.run.metrics;
    expect(swr.hits).toBeLessThan(swr.requests);
    expect(outcomes).not.toContain('100%');
  });

  it('a run with unanswered requests: both captions open with a warning, and the bars give them their own segment', () => {
    const forgets: Collapser<null> = { name: 'forgets', init: () => null, onMiss: () => ({ state: null, fetch: true }), onResponse: () => ({ state: null, answer: [] }) };
    const first = runs[0]!.run;
    const mapped = { objects: [{ key: objectKey(1), sizeBytes: 100_000, policy: { maxAgeMs: 500 } }], requests: first.requests.map((r) => ({ atMs: r.atMs, pop: r.pop, key: r.key })) };
    const broken = runCdn({ seed: 4, ...mapped, pops, latencyMs, origin: { region: 'us', serviceMs: 150 }, untilMs: 3500, bucketMs: 250, collapser: forgets });
    const unanswered = broken.metrics.unanswered;
    expect(unanswered).toBeGreaterThan(0);
    expect(unanswered).toBe(broken.requests.filter((r) => r.answeredAtMs === undefined).length);
    const pair = [{ label: 'forgets', run: broken }, runs[1]!];
    expect(unansweredWarning(runs)).toBe('');
    const warning = `Warning: requests went unanswered (forgets: ${unanswered} of ${broken.metrics.requests}); latencies leave them out. `;
    expect(unansweredWarning(pair)).toBe(warning);
    expect(flashCrowdFigure(pair).caption!.startsWith(warning)).toBe(true);
    const spec = outcomeFigure(pair);
    expect(spec.caption!.startsWith(warning)).toBe(true);
    const rows = spec.marks[0]?.data as { configuration: string; outcome: string; requests: number }[];
    expect(rows.find((r) => r.configuration === 'forgets' && r.outcome === 'unanswered')?.requests).toBe(unanswered);
    expectReadable(spec, rows.length);
  });

  it('outcomeFigure: each run is one bar of its requests by outcome, summing to 100%, a fixed colour per outcome', () => {
    const spec = outcomeFigure(runs);
    const rows = spec.marks[0]?.data as { configuration: string; outcome: string; requests: number; percent: number }[];
    for (const { label, run } of runs) {
      const mine = rows.filter((r) => r.configuration === label);
      expect(mine.reduce((sum, r) => sum + r.requests, 0)).toBe(run.requests.length);
      expect(mine.reduce((sum, r) => sum + r.percent, 0)).toBeCloseTo(100, 0);
    }
    const colour = (spec.options as { color: { domain: string[]; range: string[] } }).color;
    colour.domain.forEach((label, i) => expect(OUTCOMES.find((o) => o.label === label)?.colour).toBe(colour.range[i]));
    expectReadable(spec, rows.length);
  });

  it('refuses runs it cannot tell apart or colour', () => {
    expect(() => flashCrowdFigure([])).toThrow('needs at least one run');
    expect(() => outcomeFigure([runs[0]!, runs[0]!])).toThrow('each run needs its own label');
  });
});

describe('tiered caching: an origin shield', () => {
  const workload = zipfWorkload({ seed: 5, catalogSize: 300, alpha: 0.8, requests: 600, ratePerSecond: 400 });
  const regions = ['eu', 'us', 'asia'];
  const points: TierPoint[] = [];
  for (const count of [1, 2, 3]) {
    const mine = regions.slice(0, count).map((region) => ({ id: `pop-${region}`, region, capacityBytes: 50e6 }));
    const mapped = requestsFromWorkload(workload, { seed: 5, popShares: Object.fromEntries(mine.map((p) => [p.id, 1])), policy: { maxAgeMs: 60_000 } });
    const options: CdnOptions = { seed: 5, ...mapped, pops: mine, latencyMs, origin: { region: 'us' }, untilMs: 2000 };
    points.push({ label: 'no shield', pops: count, run: runCdn(options) });
    points.push({ label: 'shield', pops: count, run: runCdn({ ...options, shield: { region: 'us', capacityBytes: 100e6 } }) });
  }

  it('behind a shield the origin fetches each object once, however many PoPs; without one, once per PoP', () => {
    const distinct = new Set(workload.requests.map((r) => r.key)).size;
    for (const p of points) {
      expect(p.run.checks.length > 0 && p.run.checks.every((c) => c.status === 'ok')).toBe(true);
      const perPop = new Set(p.run.requests.map((r) => `${r.pop} ${r.key}`)).size;
      expect(p.run.metrics.originRequests).toBe(p.label === 'shield' ? distinct : perPop);
    }
  });

  it('tierFigure: one point per tiering and PoP count, with the origin fetches as its label', () => {
    const spec = tierFigure(points);
    const rows = spec.marks[0]?.data as { tiering: string; pops: number; originFetches: number }[];
    expect(rows.map((r) => [r.tiering, r.pops, r.originFetches])).toEqual(
      [...points].sort((a, b) => (a.label === b.label ? a.pops - b.pops : a.label === 'no shield' ? -1 : 1)).map((p) => [p.label, p.pops, p.run.metrics.originRequests]),
    );
    expectReadable(spec, rows.length);
  });

  it('tierFigure: each line\'s count is written once, at its last point, and equal counts are drawn 14 px or more apart', () => {
    // At one PoP both tierings fetch the same count: drawn alone, their labels would print on each other.
    const onePop = points.filter((p) => p.pops === 1);
    expect(onePop[0]!.run.metrics.originRequests).toBe(onePop[1]!.run.metrics.originRequests);
    for (const set of [points, onePop]) {
      const spec = tierFigure(set);
      const texts = spec.marks.filter((m) => m.mark === 'text').flatMap((m) => m.data as { tiering: string; pops: number; originFetches: number; labelAt: number }[]);
      const most = Math.max(...set.map((p) => p.pops));
      expect(texts.map((t) => [t.tiering, t.pops])).toEqual([['no shield', most], ['shield', most]]);
      for (const t of texts) expect(t.labelAt).toBeGreaterThanOrEqual(t.originFetches);
      // The y axis runs from 0 to the highest count or label over the plot's height, less its margins.
      const o = spec.options as { height: number; marginTop: number };
      const top = Math.max(...texts.map((t) => t.labelAt), ...set.map((p) => p.run.metrics.originRequests));
      const pxPerFetch = (o.height - o.marginTop - 44) / top;
      expect(Math.abs(texts[0]!.labelAt - texts[1]!.labelAt) * pxPerFetch).toBeGreaterThanOrEqual(13.9);
      // Drawn at 390 px: the two labels' baselines are that far apart, to the right of the y axis' tick labels.
      const svg = Array.from(rendered(spec, 390).querySelectorAll('svg')).find((s) => s.querySelector('g[aria-label="text"]'))!;
      const drawn = Array.from(svg.querySelectorAll('g[aria-label="text"] text')).filter((t) => /^\d+$/.test(t.textContent ?? ''));
      expect(drawn.map((t) => t.textContent)).toEqual(texts.map((t) => String(t.originFetches)));
      const ys = drawn.map((t) => Number(/translate\([^,]+,([^)]+)\)/.exec(t.getAttribute('transform') ?? '')?.[1] ?? t.getAttribute('y')));
      expect(Math.abs(ys[0]! - ys[1]!)).toBeGreaterThanOrEqual(13.9);
    }
    expect(() => tierFigure([...onePop, { ...onePop[0]!, label: 'a' }, { ...onePop[0]!, label: 'b' }, { ...onePop[0]!, label: 'c' }])).not.toThrow();
  });
});

describe('requestsFromWorkload', () => {
  it('keeps the stream, names rank r /o/r, and spreads requests over PoPs by their shares (seeded)', () => {
    const workload = zipfWorkload({ seed: 9, catalogSize: 100, alpha: 0.9, requests: 4000 });
    const mapping = { seed: 3, popShares: { a: 3, b: 1 }, policy: (rank: number) => ({ maxAgeMs: rank * 10 }) };
    const { requests, objects } = requestsFromWorkload(workload, mapping);
    expect(requests.map((r) => [r.atMs, r.key])).toEqual(workload.requests.map((r) => [r.atMs, objectKey(r.key)]));
    expect(objects).toHaveLength(100);
    expect(objects[4]).toEqual({ key: '/o/5', sizeBytes: workload.sizes[4], policy: { maxAgeMs: 50 } });
    const shareA = requests.filter((r) => r.pop === 'a').length / requests.length;
    expect(shareA).toBeGreaterThan(0.72);
    expect(shareA).toBeLessThan(0.78);
    expect(requestsFromWorkload(workload, mapping)).toEqual({ requests, objects });
    expect(() => requestsFromWorkload(workload, { ...mapping, popShares: {} })).toThrow('popShares');
  });
});
