/**
 * The small runs the chapter's diagram exercises draw and ask about: the clocks chapter's random exchange on three
 * nodes, every event stamped with a vector clock (`runExchange` with `vectorClock`), shown as a space-time diagram
 * whose events carry their ids (`a1`, `b3`). A cut is written as the clocks chapter and the lab's `cuts.ts` count
 * it: how many events of each node it includes, always a prefix of the node's events.
 *
 * What a cut is and when it is consistent follows Mattern (1989, "Virtual time and global states of distributed
 * systems", §3): a cut is consistent when no message is received inside it and sent outside it. The exercises'
 * tests hold the lab's answers to a brute-force oracle built on `happensBefore`. Which messages cross a cut, and the cut's frontier, come from
 * `cuts.ts` (`checkCut`, `cutFrontier`); this file adds what only the exercises need: the messages in flight
 * across a cut, a cut written out in words, and the figure a prompt shows (`runFigure`), drawn like the lab's
 * `cutFigure` with every mark named in its legend.
 */
import type { ProcessEvent } from '../../clocks/causality';
import type { PlotOutput, SpaceTimeOutput } from '../../display/outputs';
import { runExchange, type StampedEvent } from '../../clocks/exchange';
import { vectorClock, type VectorTimestamp } from '../../clocks/logical';
import type { NodeId } from '../../sim/types';
import { CHECKPOINT_ROLES } from '../checkpoint-figure';
import type { Cut } from '../cuts';
import { CUT_ROLES, colourScale, eventPositions, fitCaption, laneOptions, placeLabels, plural, type Placed } from '../cut-figure';

export const NODES = ['a', 'b', 'c'] as const;

export type { Cut } from '../cuts';

export interface SmallRun {
  trace: SpaceTimeOutput['trace'];
  events: StampedEvent<VectorTimestamp>[];
}

// Variants are drawn and graded many times over (the tests enumerate thousands of seeds); one seed always gives
// the same run, so the last few runs are kept.
const cache = new Map<string, SmallRun>();

/** The exchange with seed `seed`: each node (a, b, c unless told) starts `eventsPerNode` events, vector-stamped. */
export function smallRun(seed: number, eventsPerNode: number, nodes: readonly NodeId[] = NODES): SmallRun {
  const key = `${seed}/${eventsPerNode}/${nodes.join(',')}`;
  let run = cache.get(key);
  if (run === undefined) {
    run = runExchange(vectorClock, { seed, eventsPerNode, nodes: [...nodes] });
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, run);
  }
  return run;
}

/** The number of events of each node in the run. */
export function eventCounts(events: readonly StampedEvent<unknown>[], nodes: readonly NodeId[] = NODES): Cut {
  const counts: Cut = Object.fromEntries(nodes.map((n) => [n, 0]));
  for (const e of events) counts[e.node] = Math.max(counts[e.node] ?? 0, e.index);
  return counts;
}

export function inCut(cut: Cut, e: { node: NodeId; index: number }): boolean {
  return e.index <= (cut[e.node] ?? 0);
}

/** One message of the run: its send event and its receive event. */
export interface RunMessage {
  send: string;
  receive: string;
}

/** Every delivered message, ordered by the send's node, then its index. */
export function runMessages(events: readonly StampedEvent<unknown>[]): RunMessage[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  return events
    .filter((e) => e.kind === 'receive' && e.from !== undefined)
    .map((e) => ({ send: e.from as string, receive: e.id }))
    .sort((x, y) => {
      const [a, b] = [byId.get(x.send) as StampedEvent<unknown>, byId.get(y.send) as StampedEvent<unknown>];
      return a.node === b.node ? a.index - b.index : a.node < b.node ? -1 : 1;
    });
}

/** The messages sent inside the cut and received outside it: in flight across a consistent cut. */
export function inFlightMessages(events: readonly StampedEvent<unknown>[], cut: Cut): RunMessage[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  return runMessages(events).filter((m) => inCut(cut, byId.get(m.send) as StampedEvent<unknown>) && !inCut(cut, byId.get(m.receive) as StampedEvent<unknown>));
}

/** A cut in words: `a1 to a2 on a, b1 on b, nothing on c`. */
export function cutText(cut: Cut): string {
  return NODES.map((n) => {
    const k = cut[n] ?? 0;
    if (k === 0) return `nothing on ${n}`;
    return k === 1 ? `${n}1 on ${n}` : `${n}1 to ${n}${k} on ${n}`;
  }).join(', ');
}

/** A cut as the vector of its counts in node order: `[2, 1, 0]`. */
export function cutVector(cut: Cut): string {
  return `[${Object.keys(cut).sort().map((n) => cut[n] ?? 0).join(', ')}]`;
}

/** A vector timestamp in node order: `[2, 0, 1]`. */
export function vectorText(v: VectorTimestamp): string {
  return `[${NODES.map((n) => v[n] ?? 0).join(', ')}]`;
}

/**
 * A run's events without their times, so that the lab's figures (`cutFigure`, `checkpointFigure`) place them at
 * their Lamport timestamps: two events of one node are then at least one unit apart, however close in time they
 * happened (a2 at 29.88 ms and a3 at 29.93 ms would be drawn on top of each other), and every receive is to the
 * right of its send.
 */
export function untimed(events: readonly StampedEvent<unknown>[]): ProcessEvent[] {
  return events.map((e) => ({ id: e.id, node: e.node, index: e.index, kind: e.kind, ...(e.from === undefined ? {} : { from: e.from }) }));
}

/** What each mark of a prompt's run figure stands for; the legend shows these words. */
export const RUN_ROLES = {
  event: 'event',
  message: CUT_ROLES.message,
  cut: CUT_ROLES.cut,
  inside: CUT_ROLES.inside,
  outside: CUT_ROLES.outside,
  checkpoint: CHECKPOINT_ROLES.checkpoint,
} as const;

/** Colours of the roles `cut-figure.ts` does not colour (the others keep its colours, so prompt and solution agree). */
const RUN_COLOURS: Record<string, string> = {
  [RUN_ROLES.event]: '#4e79a7',
  [RUN_ROLES.checkpoint]: '#59a14f',
};

export interface RunFigureOptions {
  /** A cut to draw (a dashed line through each lane after its last event inside), without saying whether it is consistent. */
  cut?: Cut;
  /** Checkpoints to draw, each after `index` events of its node, labelled above. */
  checkpoints?: readonly { node: NodeId; index: number; label: string }[];
}


/**
 * A run as a prompt shows it: one lane per node, events at their Lamport timestamps (see `untimed`), each labelled
 * with its id below its dot, messages as arrows, and optionally a cut or checkpoints; every mark is named in the
 * legend. Unlike `cutFigure` it colours no message by what it does to the cut: that is the question.
 */
export function runFigure(run: SmallRun, caption: string, options: RunFigureOptions = {}): PlotOutput {
  const events = untimed(run.events);
  const nodes = [...new Set(events.map((e) => e.node))].sort();
  const { x, label: xLabel } = eventPositions(events);
  const xs = [...x.values()];
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const pad = Math.max((maxX - minX) * 0.04, 0.5);
  const { cut, checkpoints = [] } = options;
  const lane = (n: NodeId) => events.filter((e) => e.node === n).sort((a, b) => a.index - b.index);
  // A point after `count` events of a lane: halfway to the next event, or just before the first / after the last.
  const after = (n: NodeId, count: number): number => {
    const last = lane(n)[count - 1];
    const first = lane(n)[count];
    if (last === undefined) return (first === undefined ? minX : (x.get(first.id) as number)) - pad;
    if (first === undefined) return (x.get(last.id) as number) + pad;
    return ((x.get(last.id) as number) + (x.get(first.id) as number)) / 2;
  };
  const role = (e: ProcessEvent) => (cut === undefined ? RUN_ROLES.event : inCut(cut, e) ? RUN_ROLES.inside : RUN_ROLES.outside);
  const placed: Placed[] = events.map((e) => ({ event: e.id, node: e.node, x: x.get(e.id) as number, role: role(e), note: e.kind }));
  const byId = new Map(events.map((e) => [e.id, e]));
  const messages = events.filter((e) => e.kind === 'receive' && e.from !== undefined).map((r) => {
    const s = byId.get(r.from as string) as ProcessEvent;
    return { message: `${s.id} → ${r.id}`, from: s.node, to: r.node, x1: x.get(s.id) as number, x2: x.get(r.id) as number, role: RUN_ROLES.message };
  });
  const cutPoints = cut === undefined ? [] : nodes.map((n) => ({ node: n, x: after(n, cut[n] ?? 0), role: RUN_ROLES.cut }));
  const marks = checkpoints.map((c) => ({ event: c.label, node: c.node, x: after(c.node, c.index), role: RUN_ROLES.checkpoint, note: '' }));
  const eventLabels = placeLabels(placed, minX - pad, maxX + pad, ['below']);
  const checkpointLabels = placeLabels(marks, minX - pad, maxX + pad, ['above']);
  const dropped = eventLabels.dropped + checkpointLabels.dropped;
  const roles: string[] = [
    ...(cut === undefined ? [RUN_ROLES.event] : [RUN_ROLES.inside, RUN_ROLES.outside].filter((r) => placed.some((p) => p.role === r))),
    ...(messages.length > 0 ? [RUN_ROLES.message] : []),
    ...(cut === undefined ? [] : [RUN_ROLES.cut]),
    ...(marks.length > 0 ? [RUN_ROLES.checkpoint] : []),
  ];
  const note = ` Events are placed by Lamport time, so each receive is to the right of its send.${dropped === 0 ? '' : ` (${plural(dropped, 'label')} left out; hover a mark.)`}`;
  return {
    kind: 'plot',
    marks: [
      { mark: 'ruleY', data: nodes, options: { stroke: 'currentColor', strokeOpacity: 0.4 } },
      { mark: 'dot', data: placed, options: { x: 'x', y: 'node', r: 4.5, fill: 'role', stroke: 'role', title: 'event' } },
      { mark: 'arrow', data: messages, options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 1.6, headLength: 8, inset: 5, title: 'message' } },
      { mark: 'line', data: cutPoints, options: { x: 'x', y: 'node', stroke: 'role', strokeWidth: 2.5, strokeDasharray: '6 4' } },
      { mark: 'dot', data: marks, options: { x: 'x', y: 'node', r: 6, symbol: 'square', fill: 'role', stroke: 'white', strokeWidth: 1, title: 'event' } },
      { mark: 'text', data: eventLabels.below, options: { x: 'x', y: 'node', text: 'event', dy: 16, fill: 'currentColor' } },
      { mark: 'text', data: checkpointLabels.above, options: { x: 'x', y: 'node', text: 'event', dy: -15, fill: 'currentColor', fontSize: 11 } },
    ],
    options: laneOptions(nodes, { label: xLabel, domain: [minX - 2 * pad, maxX + 2 * pad] }, colourScale(roles, RUN_COLOURS)),
    caption: fitCaption(caption + note, caption),
    ariaLabel: fitCaption(`Space-time diagram of ${plural(events.length, 'event')} on ${plural(nodes.length, 'node')} (${nodes.join(', ')}), ${plural(messages.length, 'message')}${cut === undefined ? '' : ', with a cut'}${marks.length === 0 ? '' : ` and ${plural(marks.length, 'checkpoint')}`}. ${caption}`, caption),
  };
}

export const messageText = (m: RunMessage) => `${m.send} → ${m.receive}`;


/** Every cut of a run with these event counts, consistent or not, in lexicographic order of the counts. */
export function allCuts(counts: Cut): Cut[] {
  const nodes = Object.keys(counts).sort();
  let cuts: Cut[] = [{}];
  for (const n of nodes) cuts = cuts.flatMap((c) => Array.from({ length: (counts[n] ?? 0) + 1 }, (_, k) => ({ ...c, [n]: k })));
  return cuts;
}
