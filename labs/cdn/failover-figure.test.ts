// Method: two small seeded runs (DNS with a 5 s TTL, anycast) through the figure; the line data is checked against
// each run's series by hand (failed / requests per second, as a percentage), the legend against the run labels,
// the failure rule against the failure instant; then the spec goes through the display caps unchanged and is
// rendered by the book's own renderer in a server-side DOM at a phone's width (390 px) and the page's.
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { renderOutputs } from "../../src/views/render";
import { capOutput, displayLimits } from "../display/caps";
import { runFailover, type FailoverOptions } from "./failover";
import { failoverFigure, runStroke } from "./failover-figure";

const world: Omit<FailoverOptions, "routing" | "seed"> = {
  regions: [
    { id: "eu", clients: 4 },
    { id: "us", clients: 4 },
  ],
  sites: [
    { id: "fra", region: "eu", asn: 1 },
    { id: "iad", region: "us", asn: 2 },
  ],
  latencyMs: { eu: { eu: 5, us: 40 }, us: { us: 5 } },
  failures: [{ site: "fra", atMs: 5000 }],
  untilMs: 30_000,
};
const graph = { ases: [1, 2, 11, 12], links: [{ a: 1, b: 11, rttMs: 5 }, { a: 2, b: 12, rttMs: 5 }, { a: 11, b: 12, rttMs: 80 }] };
const runs = [
  { label: "DNS, TTL 5 s", run: runFailover({ ...world, seed: 1, routing: { kind: "dns", ttlSeconds: 5 } }) },
  { label: "anycast", run: runFailover({ ...world, seed: 1, routing: { kind: "anycast", graph, clientAs: { eu: 11, us: 12 }, convergenceMs: 10_000 } }) },
];

type Spec = ReturnType<typeof failoverFigure>;
type Point = { run: string; second: number; failedPercent: number; failed: number; requests: number };
const pointsOf = (spec: Spec) => (spec.marks[0]!.data ?? []) as Point[];

function render(spec: Spec, width: number) {
  const document = new JSDOM("<!doctype html><body></body>").window.document;
  const container = document.createElement("div");
  container.append(renderOutputs([capOutput({ kind: "plot", ...spec })], { document, idPrefix: "f", width }));
  return container;
}

describe("failoverFigure: the failed share of requests per second, one line per run", () => {
  it("draws each run's series as percentages, names every line in the legend and marks the failure", () => {
    const spec = failoverFigure(runs, { untilSecond: 24 });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec); // plain data only: it crosses to the page
    expect(spec.marks.map((m) => m.mark)).toEqual(["dot", "line", "line", "ruleY", "ruleX", "text"]);
    for (const { label, run } of runs) {
      const line = pointsOf(spec).filter((p) => p.run === label);
      expect(line.map((p) => p.second)).toEqual(run.series.filter((s) => s.second < 24 && s.requests > 0).map((s) => s.second));
      for (const p of line) {
        const s = run.series[p.second]!;
        expect([p.failed, p.requests]).toEqual([s.failed, s.requests]);
        expect(p.failedPercent).toBeCloseTo((100 * s.failed) / s.requests, 1);
      }
    }
    // Half the clients (eu's) go to fra: right after the failure about half of each second's requests fail.
    const justAfter = pointsOf(spec).filter((p) => p.second === 6);
    for (const p of justAfter) expect(p.failedPercent).toBeGreaterThanOrEqual(50);
    expect(spec.options!.color).toEqual({ domain: ["DNS, TTL 5 s", "anycast"], range: expect.any(Array), legend: true });
    expect(spec.marks.find((m) => m.mark === "ruleX")!.data).toEqual([{ second: 5, text: "fra fails" }]);
    expect(spec.caption).toMatch(/^Failed requests per second, counted when they end; clients all succeed again after DNS, TTL 5 s: [\d.]+ s, anycast: [\d.]+ s\.$/);
  });

  it("keeps every run visible where the lines coincide: one line each, the earlier ones wider underneath, each dashed its own way", () => {
    // Before the failure the runs fail alike, second by second: the lines coincide there.
    const spec = failoverFigure(runs, { untilSecond: 24 });
    const at = (run: string, second: number) => pointsOf(spec).find((p) => p.run === run && p.second === second)?.failedPercent;
    for (let second = 0; second < 5; second++) expect(at("anycast", second)).toBe(at("DNS, TTL 5 s", second));
    const lines = spec.marks.filter((m) => m.mark === "line");
    expect(lines.map((m) => [...new Set((m.data as Point[]).map((p) => p.run))])).toEqual(runs.map((r) => [r.label]));
    const strokes = lines.map((m) => m.options as { strokeWidth: number; strokeDasharray?: string });
    // Each line is at least 1.5 px wider than the one drawn on it, so a band of at least 0.75 px of it shows on each side.
    strokes.slice(1).forEach((s, i) => expect(strokes[i]!.strokeWidth - s.strokeWidth).toBeGreaterThanOrEqual(1.5));
    expect(new Set(strokes.map((s) => s.strokeDasharray ?? "solid")).size).toBe(runs.length);
    for (let n = 1; n <= 8; n++) {
      const all = Array.from({ length: n }, (_, i) => runStroke(i, n));
      expect(new Set(all.map((s) => s.strokeDasharray ?? "solid")).size).toBe(n);
      expect(all.at(-1)!.strokeWidth).toBeGreaterThanOrEqual(1.5);
    }
    // Drawn: one path per run in its own colour, width and dashes.
    const svg = [...render(spec, 390).querySelectorAll("svg")].find((s) => s.querySelector('g[aria-label="line"]'))!;
    const paths = [...svg.querySelectorAll('g[aria-label="line"]')].map((g) => ({ g, path: g.querySelector("path")! }));
    expect(paths).toHaveLength(runs.length);
    expect(new Set(paths.map(({ path }) => path.getAttribute("stroke"))).size).toBe(runs.length);
    paths.forEach(({ g }, i) => expect(Number(g.getAttribute("stroke-width"))).toBe(strokes[i]!.strokeWidth));
  });

  it("refuses no runs, repeated labels and more runs than colours", () => {
    expect(() => failoverFigure([])).toThrow(/at least one run/);
    expect(() => failoverFigure([runs[0]!, runs[0]!])).toThrow(/two runs are labelled "DNS, TTL 5 s"/);
    expect(() => failoverFigure(Array.from({ length: 9 }, (_, i) => ({ label: `r${i}`, run: runs[0]!.run })))).toThrow(/at most 8 runs/);
  });

  it("passes the display caps unchanged and renders at 390 px and at the page width with a data table", () => {
    const spec = failoverFigure(runs);
    const capped = capOutput({ kind: "plot", ...spec });
    expect(capped).not.toHaveProperty("truncated");
    expect(pointsOf(spec).length).toBeLessThanOrEqual(displayLimits.maxPlotPoints);
    for (const width of [390, 688]) {
      const html = render(spec, width);
      expect(html.querySelector("svg")).not.toBeNull();
      const table = html.querySelector("details table")!;
      expect(table.querySelectorAll("tbody tr")).toHaveLength(pointsOf(spec).length);
      expect(table.textContent).toContain("failedPercent");
      for (const label of ["DNS, TTL 5 s", "anycast", "fra fails"]) expect(html.textContent).toContain(label);
    }
  });
});
