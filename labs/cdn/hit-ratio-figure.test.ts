// Method: the rows against their definition (each simulated row recomputed with simulateCache on the documented
// stream, each Che row with cheApproximation on the same popularity); LRU's hit ratio never falls as the cache
// grows on one stream (LRU is a stack algorithm: Mattson, Gecsei, Slutz and Traiger 1970, "Evaluation techniques
// for storage hierarchies", IBM Systems Journal 9(2), whose inclusion property says a larger cache holds a
// superset of a smaller one); Che's approximation (Che, Tung and Wang 2002) within 0.015 of simulated LRU at the
// chapter's sizes (the sampling error of 18,000 counted requests is about 0.004); then the figure: a colour per
// exponent and a symbol per curve, both legends, every row in the first mark (the data table), within the display
// caps, rendered by the book's renderer.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { capOutput, displayLimits } from '../display/caps';
import { fifo, lru, segmentedLru, simulateCache } from './cache';
import { cheApproximation } from './che';
import { CHAPTER_HIT_RATIO_OPTIONS, CHE_LABEL, alphaLabel, cheGap, hitRatioCurves, hitRatioFigure, largestSizeText, simulatedLabel } from './hit-ratio-figure';
import { zipfWorkload } from './workload';

const chapter = hitRatioCurves({ seed: 1, ...CHAPTER_HIT_RATIO_OPTIONS, policies: [lru, segmentedLru()] });

describe('hitRatioCurves', () => {
  it('has one simulated row per exponent, policy and size, and one Che row per exponent and size, each as defined', () => {
    const { alphas, sizes } = CHAPTER_HIT_RATIO_OPTIONS;
    expect(chapter).toHaveLength(alphas.length * (2 * sizes.length + sizes.length));
    const small = { seed: 7, catalogSize: 500, alphas: [0.8], policies: [fifo], sizes: [10, 50], requests: 4_000, warmupRequests: 1_000 };
    const rows = hitRatioCurves(small);
    const workload = zipfWorkload({ seed: '7:alpha=0.8', catalogSize: 500, alpha: 0.8, requests: 4_000, sizes: 'unit' });
    for (const capacity of small.sizes) {
      const sim = rows.find((r) => r.method === 'simulated' && r.capacity === capacity)!;
      expect(sim.policy).toBe('FIFO');
      expect(sim.hitRatio).toBe(simulateCache(fifo, workload.requests, capacity, { warmupRequests: 1_000 }).hitRatio);
      const che = rows.find((r) => r.method === 'che' && r.capacity === capacity)!;
      expect(che.policy).toBe('LRU');
      expect(che.hitRatio).toBe(cheApproximation(workload.popularity, capacity).hitRatio);
    }
    expect(hitRatioCurves({ ...small, che: false }).every((r) => r.method === 'simulated')).toBe(true);
    expect(hitRatioCurves(small)).toEqual(rows);
    expect(() => hitRatioCurves({ ...small, sizes: [0] })).toThrow(/sizes/);
    expect(() => hitRatioCurves({ ...small, warmupRequests: 4_000 })).toThrow(/warmupRequests/);
  });

  it('LRU never hits less in a larger cache on the same stream (a stack algorithm)', () => {
    for (const alpha of CHAPTER_HIT_RATIO_OPTIONS.alphas) {
      const lruRows = chapter.filter((r) => r.alpha === alpha && r.method === 'simulated' && r.policy === 'LRU').sort((a, b) => a.capacity - b.capacity);
      lruRows.slice(1).forEach((r, i) => expect(r.hitRatio).toBeGreaterThanOrEqual(lruRows[i]!.hitRatio));
    }
  });

  it("Che's approximation is within 0.015 of simulated LRU at every exponent and size of the chapter's cell", () => {
    expect(cheGap(chapter)).toBeLessThan(0.015);
    // Segmented LRU keeps the proven-popular objects out of reach of one-off requests, so it hits more here.
    for (const r of chapter.filter((x) => x.policy === 'SLRU 80%')) {
      const plain = chapter.find((x) => x.method === 'simulated' && x.policy === 'LRU' && x.alpha === r.alpha && x.capacity === r.capacity)!;
      expect(r.hitRatio).toBeGreaterThan(plain.hitRatio);
    }
  });
});

describe('hitRatioFigure', () => {
  const spec = hitRatioFigure(chapter);
  const options = spec.options as { color: { domain: string[]; range: string[] }; symbol: { domain: string[]; range: string[] }; x: { type: string } };

  it('draws a colour per exponent and a symbol per curve, with Che as crosses on a dashed line, each in a legend', () => {
    expect(options.color.domain).toEqual(CHAPTER_HIT_RATIO_OPTIONS.alphas.map(alphaLabel));
    expect(options.symbol.domain).toEqual([simulatedLabel('LRU'), simulatedLabel('SLRU 80%'), CHE_LABEL]);
    expect(options.symbol.range.at(-1)).toBe('times');
    expect(new Set(options.symbol.range).size).toBe(options.symbol.range.length);
    expect(options.x.type).toBe('log');
    const dashed = spec.marks.filter((m) => m.mark === 'line' && m.options?.strokeDasharray);
    expect(dashed).toHaveLength(1);
    expect((dashed[0]!.data as { method: string }[]).every((p) => p.method === 'che')).toBe(true);
    expect(spec.marks[0]!.data).toHaveLength(chapter.length);
    expect(spec.caption).toMatch(/within 0\.\d{3} of simulated LRU/);
    expect(spec.caption!.length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
    expect(hitRatioFigure(chapter, { note: 'Look at the crosses.' }).caption).toMatch(/Look at the crosses\.$/);
  });

  it('quotes each hit ratio with its policy and exponent, from the rows, and the Che gap as a three-decimal table shows it', () => {
    const at = (policy: string, alpha: number) =>
      chapter.find((r) => r.method === 'simulated' && r.policy === policy && r.alpha === alpha && r.capacity === 1_600)!.hitRatio.toFixed(3);
    const [low, high] = CHAPTER_HIT_RATIO_OPTIONS.alphas;
    expect(spec.caption).toContain(
      `At 1,600 objects, LRU hits ${at('LRU', low)} (α = ${low}) and ${at('LRU', high)} (α = ${high}); SLRU 80% hits ${at('SLRU 80%', low)} and ${at('SLRU 80%', high)}.`,
    );
    expect(spec.caption!.replaceAll('SLRU 80%', ''), 'no percentage without its policy').not.toMatch(/\d%/);
    // The gap a reader computes from the printed columns (0.151 against 0.156 is 0.005, though the values differ by 0.004).
    const printed = chapter
      .filter((r) => r.method === 'che')
      .map((c) => {
        const sim = chapter.find((r) => r.method === 'simulated' && r.policy === 'LRU' && r.alpha === c.alpha && r.capacity === c.capacity)!;
        return Math.round(Math.abs(Number(sim.hitRatio.toFixed(3)) - Number(c.hitRatio.toFixed(3))) * 1_000);
      });
    const readOff = (Math.max(...printed) / 1_000).toFixed(3);
    expect(cheGap(chapter, 3)?.toFixed(3)).toBe(readOff);
    expect(spec.caption).toContain(`Che's approximation (×, dashed) is within ${readOff} of simulated LRU at every point.`);
    expect(cheGap(chapter, 3)).toBeGreaterThan(cheGap(chapter)!);
    // One exponent: it is named once, for the whole sentence.
    expect(largestSizeText(chapter.filter((r) => r.alpha === high))).toBe(`At 1,600 objects at α = ${high}, LRU hits ${at('LRU', high)}; SLRU 80% hits ${at('SLRU 80%', high)}.`);
  });

  it('leaves Che out of the legend when there are no Che rows, and refuses no rows', () => {
    const plain = hitRatioFigure(chapter.filter((r) => r.method === 'simulated'));
    expect((plain.options as typeof options).symbol.domain).not.toContain(CHE_LABEL);
    expect(plain.caption).not.toContain('Che');
    expect(() => hitRatioFigure([])).toThrow(/at least one row/);
  });

  it('passes the caps unchanged and renders at 390 px and the page width with both legends and a data table', () => {
    expect(capOutput({ kind: 'plot', ...spec })).not.toHaveProperty('truncated');
    for (const width of [390, 688]) {
      const document = new JSDOM('<!doctype html><body></body>').window.document;
      const container = document.createElement('div');
      container.append(renderOutputs([capOutput({ kind: 'plot', ...spec })], { document, idPrefix: 'h', width }));
      expect(container.querySelectorAll('svg').length).toBeGreaterThan(1);
      for (const entry of [...options.color.domain, ...options.symbol.domain]) expect(container.textContent).toContain(entry);
      expect(container.querySelectorAll('details table tbody tr')).toHaveLength(chapter.length);
    }
  });
});
