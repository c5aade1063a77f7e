/**
 * The failover figure: for several runs of `runFailover` (DNS with different TTLs, anycast), the share of requests
 * that failed in each second, one line per run, with the failure instant marked.
 *
 * What the reader must see (STYLE 16): every run fails the same way at the failure instant, and the runs differ in
 * how long the failures last: a DNS line stays up until the site is marked down and the cached answers expire, an
 * anycast line until the routes converge. One colour per run, named in the legend; the failure instants are grey
 * rules with the dead site's name written at the top, so nothing but the runs takes a colour. The first mark
 * carries one row per run and second (run, second, failed %, failed, requests), which the book's renderer turns
 * into the figure's data table.
 */
import type { PlotOutput } from "../display/outputs";
import { displayLimits } from "../display/caps";
import type { FailoverRun } from "./failover";

/** Colours that read on light and dark pages alike (Tableau 10), one per run, in the order given. */
const RUN_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"];

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
  const text = `Failed requests per second; clients all succeed again after ${recoveries.join(", ")}.`;
  const caption = options.caption ?? (text.length <= displayLimits.maxLabelChars ? text : "Failed requests per second, one line per run.");

  return {
    marks: [
      { mark: "line", data: points, options: { x: "second", y: "failedPercent", stroke: "run", strokeWidth: 2, curve: "step-after" } },
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
