// Method: a seeded month of 5-minute samples (trafficSeries) and short hand-made series. The discarded samples are
// checked against a naive oracle (sort, take the top ⌊0.05·n⌋: the rule billing.ts states for nearest-rank 95th
// percentile billing), each drawn bucket against the min and max of its samples recomputed by hand, the billed line
// against percentileBill; then the legend names every colour, the spec stays within the display caps (a month has
// more samples than a plot may draw), and the book's renderer draws it at 390 px and the page width with a table.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { capOutput, displayLimits } from '../display/caps';
import { percentileBill, trafficSeries } from './billing';
import { BILL_ROLES, billFigure, burstVerdict, discardedSampleIndices } from './bill-figure';

const month = trafficSeries({ seed: 1, troughMbps: 200, peakMbps: 1000, noiseFraction: 0.05, randomBursts: { count: 4, durationSamples: 36, extraMbps: 1500 } });
const terms = { pricePerMbps: 0.5 };
type Spec = ReturnType<typeof billFigure>;
const marksOf = (spec: Spec, mark: string) => spec.marks.filter((m) => m.mark === mark);
const legendOf = (spec: Spec) => spec.options!.color as { domain: string[]; range: string[] };

describe('discardedSampleIndices: the samples 95th-percentile billing throws away', () => {
  it('are the top ⌊0.05·n⌋ samples, every one at or above the billed rate and every kept one at or below it', () => {
    const bill = percentileBill(month.samplesMbps, terms);
    const dropped = discardedSampleIndices(month.samplesMbps, bill.discardedSamples);
    expect(dropped).toHaveLength(Math.floor(0.05 * month.samplesMbps.length));
    const naive = [...month.samplesMbps].sort((a, b) => b - a).slice(0, dropped.length);
    expect(dropped.map((i) => month.samplesMbps[i]).sort((a, b) => b! - a!)).toEqual(naive);
    const set = new Set(dropped);
    month.samplesMbps.forEach((x, i) => (set.has(i) ? expect(x).toBeGreaterThanOrEqual(bill.billableMbps) : expect(x).toBeLessThanOrEqual(bill.billableMbps)));
    // Ties go to the earlier sample, so the choice does not depend on the sort's stability.
    expect(discardedSampleIndices([5, 9, 9, 9, 1], 2)).toEqual([1, 2]);
  });
});

describe('billFigure', () => {
  const spec = billFigure(month, terms);
  const bill = percentileBill(month.samplesMbps, terms);

  it("draws each hour's range from its own samples, every free burst as a dot, and the billed line at the 95th percentile", () => {
    const buckets = marksOf(spec, 'rect')[0]!.data as { fromDay: number; toDay: number; lowMbps: number; highMbps: number }[];
    expect(spec.marks[0]!.mark).toBe('rect');
    expect(buckets).toHaveLength(720);
    buckets.forEach((b, h) => {
      const part = month.samplesMbps.slice(12 * h, 12 * h + 12);
      expect(b.lowMbps).toBeCloseTo(Math.min(...part), 1);
      expect(b.highMbps).toBeCloseTo(Math.max(...part), 1);
      expect(b.toDay - b.fromDay).toBeCloseTo(1 / 24, 3);
    });
    const dots = marksOf(spec, 'dot')[0]!.data as { mbps: number }[];
    expect(dots).toHaveLength(bill.discardedSamples);
    expect(Math.min(...dots.map((d) => d.mbps))).toBeGreaterThanOrEqual(Math.round(bill.billableMbps * 10) / 10 - 0.05);
    const billed = marksOf(spec, 'ruleY').flatMap((m) => m.data as unknown[]).find((d) => typeof d === 'object') as { mbps: number; role: string };
    expect(billed.mbps).toBe(bill.billableMbps);
    expect(billed.role).toContain(`${Math.round(bill.billableMbps).toLocaleString('en-US')} Mbps`);
    const billText = (marksOf(spec, 'text')[0]!.data as { text: string }[])[0]!.text;
    expect(billText).toBe(`bill $${Math.round(bill.cost)} = ${Math.round(bill.billableMbps).toLocaleString('en-US')} Mbps × $0.50`);
  });

  it('names every colour in the legend and says in the caption what is free and what is billed', () => {
    const legend = legendOf(spec);
    expect(legend.domain).toHaveLength(3);
    expect(legend.domain[0]).toBe(`${BILL_ROLES.series} (range per hour)`);
    expect(legend.domain[1]).toBe(BILL_ROLES.free);
    expect(new Set(legend.range).size).toBe(3);
    const drawn = spec.marks.flatMap((m) => ((m.data ?? []) as { role?: string }[]).map((d) => d.role)).filter(Boolean);
    expect(new Set(drawn)).toEqual(new Set(legend.domain));
    // With the sentence on the bursts the full caption would pass 300 characters, so the short one leads.
    expect(spec.caption).toContain('the top 432 samples (red) are free');
    expect(billFigure(month, terms, { burstNote: false }).caption).toContain('The top 432 (36 hours) are free bursts');
    expect(spec.caption).toContain(`$${Math.round(bill.cost)}`);
    expect(spec.caption!.length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
    // A note that does not fit after the full caption follows the short one.
    const noted = billFigure(month, terms, { burstNote: false, note: 'Look at the red dots above the orange line: those samples cost nothing, however high they go, because the bill reads only the orange line.' }).caption!;
    expect(noted).toMatch(/^The 95th percentile, .* are free\. Look at the red dots/);
    expect(noted.length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
  });

  it('says from the counts whether the bursts were free or billed, before and after they are made long enough to be billed', () => {
    // Three-hour bursts: every burst sample is above the billed rate and among the free ones.
    const burstIndices = (series: typeof month) => [...new Set(series.bursts.flatMap((b) => Array.from({ length: b.durationSamples }, (_, k) => b.startSample + k)))];
    const free = new Set(discardedSampleIndices(month.samplesMbps, bill.discardedSamples));
    expect(burstIndices(month).every((i) => free.has(i) && month.samplesMbps[i]! > bill.billableMbps)).toBe(true);
    expect(burstVerdict(month, [...free])).toEqual({ bursts: 4, samples: 144, free: 144, setsRate: false });
    expect(spec.caption).toContain('Look at the red bursts: all 144 of their samples (12 hours) are among the 432 free ones, so they cost nothing.');
    // Twelve-hour bursts (the chapter's invited edit): 576 burst samples, 432 free, so 144 are billed and set the rate.
    const long = trafficSeries({ seed: 1, troughMbps: 200, peakMbps: 1000, noiseFraction: 0.05, randomBursts: { count: 4, durationSamples: 144, extraMbps: 1500 } });
    const longBill = percentileBill(long.samplesMbps, terms);
    const longFree = new Set(discardedSampleIndices(long.samplesMbps, longBill.discardedSamples));
    const billed = burstIndices(long).filter((i) => !longFree.has(i));
    expect(billed).toHaveLength(576 - 432);
    expect(burstVerdict(long, [...longFree])).toEqual({ bursts: 4, samples: 576, free: 432, setsRate: true });
    const caption = billFigure(long, terms).caption!;
    expect(caption).not.toContain('cost nothing');
    expect(caption).toContain(`The 4 bursts last 48 hours, more than the 36 hours that are free: 144 of their 576 samples are billed, and one sets the billed rate, ${Math.round(longBill.billableMbps).toLocaleString('en-US')} Mbps.`);
    expect(caption.length).toBeLessThanOrEqual(displayLimits.maxLabelChars);
    // Bursts in the quiet hours, below the daily peaks: billed, but not what sets the rate; none without bursts.
    const quiet = { ...month, samplesMbps: month.samplesMbps.map((x, i) => (i >= 48 && i < 52 ? x + 50 : x)), bursts: [{ startSample: 48, durationSamples: 4, extraMbps: 50 }] };
    expect(billFigure(quiet, terms).caption).toContain('The burst lasts');
    expect(billFigure({ ...month, bursts: [] }, terms).caption).not.toMatch(/Look at the red bursts|billed:/);
    expect(billFigure(month, terms, { burstNote: false }).caption).not.toContain('cost nothing');
  });

  it('draws a short series sample by sample, and leaves the free-burst entry out when nothing is discarded', () => {
    const day = { samplesMbps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 110], sampleIntervalMinutes: 5, bursts: [] };
    const short = billFigure(day, { pricePerMbps: 2 });
    expect(legendOf(short).domain[0]).toBe(`${BILL_ROLES.series} (5-minute samples)`);
    expect(legendOf(short).domain).not.toContain(BILL_ROLES.free); // ⌊0.05 · 12⌋ = 0 samples are discarded
    expect((short.marks[0]!.data as unknown[]).length).toBe(12);
    const twenty = billFigure({ ...day, samplesMbps: Array.from({ length: 20 }, (_, i) => (i === 7 ? 999 : 10 + i)) }, { pricePerMbps: 1 });
    expect((marksOf(twenty, 'dot')[0]!.data as { mbps: number }[]).map((d) => d.mbps)).toEqual([999]);
    expect(() => billFigure({ ...day, samplesMbps: [] }, terms)).toThrow(/at least one sample/);
    expect(legendOf(billFigure(month, terms, { maxBuckets: 180 })).domain[0]).toBe(`${BILL_ROLES.series} (range per 4 hours)`);
  });

  it('stays within the display caps and renders at 390 px and the page width with a data table', () => {
    const points = spec.marks.reduce((n, m) => n + (m.data?.length ?? 0), 0);
    expect(points).toBeLessThanOrEqual(displayLimits.maxPlotPoints);
    expect(capOutput({ kind: 'plot', ...spec })).not.toHaveProperty('truncated');
    // Drawing a month in a server-side DOM takes seconds; a week of the same series exercises the same marks.
    const week = billFigure({ ...month, samplesMbps: month.samplesMbps.slice(0, 7 * 288) }, terms, { maxBuckets: 168 });
    for (const width of [390, 688]) {
      const document = new JSDOM('<!doctype html><body></body>').window.document;
      const container = document.createElement('div');
      container.append(renderOutputs([capOutput({ kind: 'plot', ...week })], { document, idPrefix: 'b', width }));
      expect(container.querySelector('svg')).not.toBeNull();
      for (const entry of legendOf(week).domain) expect(container.textContent).toContain(entry);
      expect(container.querySelector('details table')!.textContent).toContain('highMbps');
    }
  });
});
