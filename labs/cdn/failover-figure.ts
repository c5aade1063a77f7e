/**
 * The failover figure: for several runs of `runFailover` (DNS with different TTLs, anycast), the share of requests
 * that failed in each second, one line per run, with the failure instant marked. A request counts in the second it
 * ended (`FailoverRun.series`), when its client learnt that it had failed, so no line rises before the failure.
 *
 * What the reader must see (STYLE 16): every run starts failing alike once the failure's first timeouts run out, and
 * the runs differ in how long the failures last: a DNS line stays up until the site is marked down and the cached
 * answers expire, an anycast line until the routes converge. One colour per run, named in the legend; runs often
 * coincide (all at 0% before the failure, failing alike just after it, or one run's line on another's for tens of
 * seconds), so each run also has its own width and dash pattern, the first drawn widest and solid underneath, the
 * last narrowest on top, and every run's colour shows where they overlap (a bump shared by all runs reads as
 * shared). The failure instants are grey rules with the dead site's name written at the top, so nothing but the
 * runs takes a colour. The first mark
 * carries one row per run and second (run, second, failed %, failed, requests), which the book's renderer turns
 * into the figure's data table.
 */
import type { PlotOutput } from "../display/outputs";
import { displayLimits } from "../display/caps";
import type { FailoverRun } from "./failover";

/** Colours that read on light and dark pages alike (Tableau 10), one per run, in the order given. */
const RUN_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"];
/** Dash patterns, one per run in the same order: the first run solid, the others broken, so a line on top of another
 *  lets the one below show through its gaps. */
const RUN_DASHES = [undefined, "8 4", "2 3", "12 3 2 3", "1 3", "5 5", "10 5", "3 6"];
/** Line widths: the last run is drawn on top at `TOP_WIDTH`, each earlier one `WIDTH_STEP` wider underneath, so
 *  where runs coincide (before the failure, say) every run's colour shows as a band beside the ones above it. */
const TOP_WIDTH = 2;
const WIDTH_STEP = 1.6;

/** How run `i` of `n` is drawn: its width and dash pattern (exported for the figure's tests). */
export function runStroke(i: number, n: number): { strokeWidth: number; strokeDasharray?: string } {
  const strokeWidth = Math.round((TOP_WIDTH + WIDTH_STEP * (n - 1 - i)) * 10) / 10;
  const dash = RUN_DASHES[i];
  return dash === undefined ? { strokeWidth } : { strokeWidth, strokeDasharray: dash };
}

export interface FailoverFigureOptions {
  /** The caption; default: when each run's clients were all back. */
  caption?: string;
  /** The first second drawn (default 0). */
  fromSecond?: number;
  /** The second after the last one drawn (default: the longest run's end). Runs end with requests still open, which
   *  are not counted, so a cell may stop the figure a few seconds before the run's end. */
  untilSecond?: number;
}

/** One run and the words the legend shows for it. */
export interface FailoverFigureRun {
  label: string;
  run: FailoverRun;
}

const formatSeconds = (ms: number) => `${(Math.round(ms / 100) / 10).toLocaleString("en-US")} s`;

/**
 * The failed share of requests per second, one line per run (see the module comment). Throws on no runs, on two
 * runs with the same label (they would share a colour), and on more runs than it has colours for.
 */
export function failoverFigure(runs: readonly FailoverFigureRun[], options: FailoverFigureOptions = {}): Omit<PlotOutput, "kind"> {
  if (runs.length === 0) throw new Error("failoverFigure needs at least one run");
  if (runs.length > RUN_COLOURS.length) throw new Error(`failoverFigure draws at most ${RUN_COLOURS.length} runs (got ${runs.length})`);
  const labels = runs.map((r) => r.label);
  const repeated = labels.find((label, i) => labels.indexOf(label) !== i);
  if (repeated !== undefined) throw new Error(`failoverFigure: two runs are labelled ${JSON.stringify(repeated)}`);

  const fromSecond = options.fromSecond ?? 0;
  const untilSecond = options.untilSecond ?? Math.max(...runs.map((r) => r.run.series.length));
  const points = runs.flatMap(({ label, run }) =>
    run.series
      .filter((s) => s.second >= fromSecond && s.second < untilSecond && s.requests > 0)
      .map((s) => ({ run: label, second: s.second, failedPercent: Math.round((1000 * s.failed) / s.requests) / 10, failed: s.failed, requests: s.requests })),
  );
  // Each failure once, even when several runs share it.
  const failures = [...new Map(runs.flatMap(({ run }) => run.outages.map((o) => [`${o.site}@${o.atMs}`, { second: o.atMs / 1000, text: `${o.site} fails` }]))).values()]
    .filter((f) => f.second >= fromSecond && f.second < untilSecond)
    .sort((a, b) => a.second - b.second);

  const recoveries = runs.map(({ label, run }) => {
    const worst = run.outages.reduce((ms, o) => Math.max(ms, o.recoveredAfterMs), 0);
    return `${label}: ${formatSeconds(worst)}`;
  });
  const text = `Failed requests per second, counted when they end; clients all succeed again after ${recoveries.join(", ")}.`;
  const caption = options.caption ?? (text.length <= displayLimits.maxLabelChars ? text : "Failed requests per second, counted when they end, one line per run.");

  return {
    marks: [
      // Every row, for the data table; drawn as nothing itself (the lines below draw the runs).
      { mark: "dot", data: points, options: { x: "second", y: "failedPercent", r: 0 } },
      // One line per run, widest first, each narrower one on top with its own dashes (see runStroke).
      ...runs.map(({ label }, i) => ({
        mark: "line" as const,
        data: points.filter((p) => p.run === label),
        options: { x: "second", y: "failedPercent", stroke: "run", curve: "step-after", strokeLinejoin: "round", ...runStroke(i, runs.length) },
      })),
      { mark: "ruleY", data: [0], options: { stroke: "currentColor", strokeOpacity: 0.5 } },
      { mark: "ruleX", data: failures, options: { x: "second", stroke: "#888", strokeDasharray: "4 3" } },
      { mark: "text", data: failures, options: { x: "second", text: "text", frameAnchor: "top", textAnchor: "start", dx: 4, dy: 2, fill: "currentColor", fontSize: 11 } },
    ],
    options: {
      height: 260,
      marginRight: 16,
      x: { label: "time (s)", domain: [fromSecond, untilSecond], grid: true },
      y: { label: "failed requests (%)", domain: [0, 100], grid: true },
      color: { domain: labels, range: RUN_COLOURS.slice(0, runs.length), legend: true },
    },
    caption: caption.slice(0, displayLimits.maxLabelChars),
    ariaLabel: `Lines of the share of failed requests per second for ${labels.join(", ")}, with ${failures.map((f) => `${f.text} at ${f.second} s`).join(", ") || "no failure"} marked.`.slice(
      0,
      displayLimits.maxLabelChars,
    ),
  };
}
