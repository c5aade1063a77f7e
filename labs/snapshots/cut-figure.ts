/**
 * Figures for cuts: a cut drawn on the space-time diagram, and the lattice of a run's consistent cuts.
 *
 * The book's space-time view (`display.spaceTime`) draws a simulator trace against time; a cut needs one more
 * mark, a line through each process at its cut point, and it is defined over process events, which may come from a
 * diagram drawn by hand as well as from a trace. So these figures are `display.plot` specs, drawn the way the
 * space-time view draws (one lane per node, time to the right, messages as arrows from send to receive): events
 * carrying a time `t` (a run's `StampedEvent`s or `AppEvent`s) are placed at it, events without one at their
 * Lamport timestamp, which puts every receive to the right of its send.
 *
 * Each is an argument (STYLE 16). `cutFigure` shows whether a cut is consistent and why not: messages received
 * inside the cut but sent outside it are drawn red and named in the caption; messages sent inside and received
 * outside, the channel state a snapshot at this cut would record, are drawn in their own colour. `latticeFigure`
 * shows every consistent cut as a point by level, the one-event steps between them, and the path the run took.
 * Every colour is named in the legend; event labels go above or below their dot where there is room and are left
 * out (the caption says how many) rather than drawn over one another.
 */
import { assignStamps } from '../clocks/causality';
import type { ProcessEvent } from '../clocks/causality';
import { lamportClock } from '../clocks/logical';
import { displayLimits } from '../display/caps';
import type { PlotOutput } from '../display/outputs';
import { checkCut, cutLattice, cutLevel, runPath } from './cuts';
import type { AppEvent, Cut } from './cuts';
import type { NodeId } from './types';

/** A `display.plot` spec, as a cell passes it to `display.plot` or `display`. */
export type PlotSpec = Omit<PlotOutput, 'kind'>;

/** What each mark of the cut figure stands for; the legend shows these words. */
export const CUT_ROLES = {
  inside: 'event inside the cut',
  outside: 'event outside the cut',
  message: 'message',
  inTransit: 'in transit across the cut (channel state)',
  crossing: 'received inside, sent outside (makes the cut inconsistent)',
  cut: 'the cut',
} as const;

/** What each mark of the lattice figure stands for. */
export const LATTICE_ROLES = {
  cut: 'consistent cut',
  step: 'one more event',
  path: 'the run as it happened',
  chosen: 'chosen cut',
} as const;

/** Colours that read on light and dark pages alike (Tableau 10). */
const COLOURS: Record<string, string> = {
  [CUT_ROLES.inside]: '#4e79a7',
  [CUT_ROLES.outside]: '#bab0ac',
  [CUT_ROLES.message]: '#9c755f',
  [CUT_ROLES.inTransit]: '#f28e2b',
  [CUT_ROLES.crossing]: '#e15759',
  [CUT_ROLES.cut]: '#b07aa1',
  [LATTICE_ROLES.cut]: '#4e79a7',
  [LATTICE_ROLES.step]: '#bab0ac',
  [LATTICE_ROLES.path]: '#59a14f',
  [LATTICE_ROLES.chosen]: '#e15759',
};

const LANE_HEIGHT_PX = 56;

/**
 * The Plot options every lane diagram of this lab shares (cut, checkpoint and snapshot figures, the exercises'
 * runs): one lane per node from top to bottom, time to the right over `x.domain`, the colour scale given.
 */
export function laneOptions(nodes: readonly NodeId[], x: { label: string; domain: [number, number] }, color: Record<string, unknown>): Record<string, unknown> {
  return { height: nodes.length * LANE_HEIGHT_PX + 60, marginLeft: 40, marginRight: 20, x, y: { label: null, domain: nodes, type: 'point', padding: 0.5 }, color };
}

/** Layout assumptions for placing labels: the book's figure width less margins, Plot's default 12 px font. */
const PLOT_INNER_WIDTH_PX = 600;
const CHAR_WIDTH_PX = 7;
const LABEL_GAP_PX = 6;
const LABEL_OFFSET_PX = 12;

export interface CutFigureOptions {
  /** The caption; default: the verdict, naming the messages that cross the cut. */
  caption?: string;
  /** Label events with their ids when the run has at most this many events (default 40). */
  maxLabels?: number;
}

/** A labelled point on a lane, as the figures place it (`event` is the label's text). */
export interface Placed {
  event: string;
  node: NodeId;
  x: number;
  role: string;
  note: string;
}

export function hasTimes(events: readonly ProcessEvent[]): events is readonly AppEvent[] {
  return events.length > 0 && events.every((e) => typeof (e as Partial<AppEvent>).t === 'number' && Number.isFinite((e as AppEvent).t));
}

/** Each event's x: its time `t` when every event has one, otherwise its Lamport timestamp. */
export function eventPositions(events: readonly ProcessEvent[]): { x: Map<string, number>; label: string } {
  if (hasTimes(events)) return { x: new Map(events.map((e) => [e.id, e.t])), label: 'time (ms)' };
  const stamps = assignStamps(lamportClock, events);
  return { x: new Map(events.map((e) => [e.id, stamps[e.id] as number])), label: 'Lamport time' };
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const formatCut = (nodes: readonly NodeId[], cut: Cut) => `{${nodes.map((n) => `${n}: ${cut[n] ?? 0}`).join(', ')}}`;

/**
 * The verdict on `cut` in a sentence, naming every message that crosses it backwards (or, for a consistent cut,
 * the messages in transit across it). Cells print it; `cutFigure` uses it as its caption when it fits.
 */
export function describeCut(events: readonly ProcessEvent[], cut: Cut): string {
  const verdict = checkCut(events, cut);
  const nodes = [...new Set(events.map((e) => e.node))].sort();
  const byId = new Map(events.map((e) => [e.id, e]));
  if (!verdict.consistent) {
    const named = verdict.crossing.map((c) => `${c.receive} receives the message sent by ${c.send}`).join('; ');
    return `The cut ${formatCut(nodes, cut)} is not consistent: ${named}, and the cut includes the receive but not the send.`;
  }
  const inTransit = events.filter((e) => e.kind === 'receive' && e.index > (cut[e.node] ?? 0) && (byId.get(e.from as string) as ProcessEvent).index <= (cut[(byId.get(e.from as string) as ProcessEvent).node] ?? 0));
  const transit = inTransit.length === 0 ? 'no message is in transit across it' : `${plural(inTransit.length, 'message')} in transit across it (${inTransit.map((e) => `${e.from} → ${e.id}`).join(', ')}), the channel state a snapshot here records`;
  return `The cut ${formatCut(nodes, cut)} is consistent: no message is received inside it and sent outside; ${transit}.`;
}

/**
 * Places each label above or below its dot, in the first of the rows `sides` of its lane (default both, above
 * first) where its estimated width does not overlap a label already there; one that fits nowhere is left out.
 * Lanes are far enough apart that only labels in the same lane and row can collide.
 */
export function placeLabels(placed: readonly Placed[], minX: number, maxX: number, sides: readonly ('above' | 'below')[] = ['above', 'below']): { above: Placed[]; below: Placed[]; dropped: number } {
  const pxPerUnit = PLOT_INNER_WIDTH_PX / Math.max(maxX - minX, 1e-9);
  const taken = new Map<string, [number, number][]>();
  const above: Placed[] = [];
  const below: Placed[] = [];
  let dropped = 0;
  for (const p of [...placed].sort((a, b) => a.x - b.x)) {
    const half = (p.event.length * CHAR_WIDTH_PX + LABEL_GAP_PX) / 2 / pxPerUnit;
    const box: [number, number] = [p.x - half, p.x + half];
    let done = false;
    for (const side of sides) {
      const list = side === 'above' ? above : below;
      const row = `${p.node}\u0000${side}`;
      const boxes = taken.get(row) ?? [];
      if (boxes.some(([a, b]) => box[0] < b && a < box[1])) continue;
      boxes.push(box);
      taken.set(row, boxes);
      list.push(p);
      done = true;
      break;
    }
    if (!done) dropped++;
  }
  return { above, below, dropped };
}

/** The legend's colour scale for the roles present, in the order given; `colours` adds roles of other figures. */
export function colourScale(roles: readonly string[], colours: Record<string, string> = {}): Record<string, unknown> {
  return { domain: roles, range: roles.map((r) => colours[r] ?? COLOURS[r]), legend: true };
}

export function fitCaption(text: string, fallback: string): string {
  return text.length <= displayLimits.maxLabelChars ? text : fallback;
}

/**
 * The run as a space-time diagram with `cut` drawn through it (see the module comment). Throws on a cut that does
 * not fit the run, as `checkCut` does.
 */
export function cutFigure(events: readonly ProcessEvent[], cut: Cut, options: CutFigureOptions = {}): PlotSpec {
  const verdict = checkCut(events, cut);
  const nodes = [...new Set(events.map((e) => e.node))].sort();
  const { x, label: xLabel } = eventPositions(events);
  const byId = new Map(events.map((e) => [e.id, e]));
  const inside = (e: ProcessEvent) => e.index <= (cut[e.node] ?? 0);
  const xs = [...x.values()];
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const pad = Math.max((maxX - minX) * 0.04, 0.5);

  const placed: Placed[] = events.map((e) => ({
    event: e.id,
    node: e.node,
    x: x.get(e.id) as number,
    role: inside(e) ? CUT_ROLES.inside : CUT_ROLES.outside,
    note: e.kind === 'receive' ? `receives ${e.from}` : e.kind === 'send' && (e as AppEvent).to !== undefined ? `sends to ${(e as AppEvent).to}` : e.kind,
  }));

  const crossing = new Set(verdict.crossing.map((c) => c.receive));
  const messages = events
    .filter((e) => e.kind === 'receive')
    .map((r) => {
      const s = byId.get(r.from as string) as ProcessEvent;
      let role: string = CUT_ROLES.message;
      if (crossing.has(r.id)) role = CUT_ROLES.crossing;
      else if (inside(s) && !inside(r)) role = CUT_ROLES.inTransit;
      return { message: `${s.id} → ${r.id}`, from: s.node, to: r.node, x1: x.get(s.id) as number, x2: x.get(r.id) as number, role };
    });

  // The cut point on each lane: halfway between its last event inside and its first outside, or just before the
  // first / after the last event when the cut includes none / all of the lane's events.
  const cutPoints = nodes.map((n) => {
    const lane = events.filter((e) => e.node === n).sort((a, b) => a.index - b.index);
    const count = cut[n] ?? 0;
    const last = lane[count - 1];
    const first = lane[count];
    const at = last === undefined ? (x.get((first as ProcessEvent).id) as number) - pad : first === undefined ? (x.get(last.id) as number) + pad : ((x.get(last.id) as number) + (x.get(first.id) as number)) / 2;
    return { node: n, x: at, count, role: CUT_ROLES.cut };
  });

  const maxLabels = options.maxLabels ?? 40;
  const { above, below, dropped } = events.length <= maxLabels ? placeLabels(placed, minX - pad, maxX + pad) : { above: [], below: [], dropped: events.length };

  const roles = [CUT_ROLES.inside, CUT_ROLES.outside, CUT_ROLES.message, CUT_ROLES.inTransit, CUT_ROLES.crossing, CUT_ROLES.cut].filter(
    (role) => placed.some((p) => p.role === role) || messages.some((m) => m.role === role) || role === CUT_ROLES.cut,
  );
  const droppedNote = dropped === 0 ? '' : ` (labels left out for ${plural(dropped, 'event')}; hover a dot for its id)`;
  const description = describeCut(events, cut);
  const summary = verdict.consistent
    ? `A consistent cut ${formatCut(nodes, cut)}.`
    : `The cut ${formatCut(nodes, cut)} is not consistent: ${plural(verdict.crossing.length, 'message')} received inside it ${verdict.crossing.length === 1 ? 'was' : 'were'} sent outside (red).`;

  return {
    marks: [
      // Lanes first; their data are plain node ids, so the figure's data table is the events' (the first object data).
      { mark: 'ruleY', data: nodes, options: { stroke: 'currentColor', strokeOpacity: 0.4 } },
      { mark: 'dot', data: placed, options: { x: 'x', y: 'node', r: 4.5, fill: 'role', stroke: 'role', title: 'event' } },
      { mark: 'arrow', data: messages, options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 1.6, headLength: 8, inset: 5, title: 'message' } },
      { mark: 'line', data: cutPoints, options: { x: 'x', y: 'node', stroke: 'role', strokeWidth: 2.5, strokeDasharray: '6 4' } },
      { mark: 'dot', data: cutPoints, options: { x: 'x', y: 'node', r: 3, fill: 'role', symbol: 'diamond' } },
      { mark: 'text', data: above, options: { x: 'x', y: 'node', text: 'event', dy: -LABEL_OFFSET_PX - 2, fill: 'currentColor' } },
      { mark: 'text', data: below, options: { x: 'x', y: 'node', text: 'event', dy: LABEL_OFFSET_PX + 2, fill: 'currentColor' } },
    ],
    options: laneOptions(nodes, { label: xLabel, domain: [minX - 2 * pad, maxX + 2 * pad] }, colourScale(roles)),
    caption: options.caption ?? fitCaption(description + droppedNote, summary + droppedNote),
    ariaLabel: fitCaption(`Space-time diagram of ${plural(events.length, 'event')} on ${plural(nodes.length, 'node')} (${nodes.join(', ')}) with a cut. ${description}`, `Space-time diagram with a cut. ${summary}`),
  };
}

export interface LatticeFigureOptions {
  caption?: string;
  /** A cut to mark in its own colour (e.g. the one a snapshot recorded). */
  cut?: Cut;
  /** Draw the path the run took through the lattice (needs events with times; default true when they have them). */
  path?: boolean;
  /** The largest lattice drawn (default 300 cuts); beyond it the figure throws, since no one could read it. */
  max?: number;
}

/**
 * The lattice of the run's consistent cuts (Mattern 1989; Babaoğlu and Marzullo 1993) as a Hasse diagram:
 * each consistent cut a point, one row per level (number of events included) from the empty cut at the top to the
 * whole run at the bottom, an edge for each step that adds one event, and, when the events carry times, the path
 * of the run as it happened. Points are labelled with their counts in node order when there is room.
 */
export function latticeFigure(events: readonly ProcessEvent[], options: LatticeFigureOptions = {}): PlotSpec {
  const max = options.max ?? 300;
  let lattice: ReturnType<typeof cutLattice>;
  try {
    lattice = cutLattice(events, { max });
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`the lattice has more than ${max} consistent cuts, too many to draw legibly; draw a smaller run or pass a larger max`);
    throw error;
  }
  const { nodes, cuts, covers } = lattice;
  const key = (c: Cut) => nodes.map((n) => c[n] ?? 0).join(',');
  const levels = new Map<number, Cut[]>();
  for (const c of cuts) levels.set(cutLevel(c), [...(levels.get(cutLevel(c)) ?? []), c]);
  const widest = Math.max(...[...levels.values()].map((l) => l.length));
  const position = new Map<string, { x: number; level: number }>();
  for (const [level, row] of levels) row.forEach((c, i) => position.set(key(c), { x: i - (row.length - 1) / 2, level }));

  const showPath = options.path ?? hasTimes(events);
  const pathKeys = new Set<string>();
  const pathCuts = new Set<string>();
  if (showPath) {
    if (!hasTimes(events)) throw new Error('the run\'s path needs events with times (t), such as a run\'s StampedEvents or AppEvents');
    const path = runPath(events);
    for (let i = 1; i < path.length; i++) pathKeys.add(`${key(path[i - 1] as Cut)}>${key(path[i] as Cut)}`);
    for (const c of path) pathCuts.add(key(c));
  }
  const chosen = options.cut === undefined ? undefined : key(options.cut);
  if (chosen !== undefined && !position.has(chosen)) throw new Error(`the chosen cut ${formatCut(nodes, options.cut as Cut)} is not a consistent cut of this run`);

  const points = cuts.map((c) => ({ cut: `(${key(c)})`, level: cutLevel(c), x: (position.get(key(c)) as { x: number }).x, role: key(c) === chosen ? LATTICE_ROLES.chosen : LATTICE_ROLES.cut }));
  const edges = covers.map(([i, j]) => {
    const a = cuts[i] as Cut;
    const b = cuts[j] as Cut;
    const pa = position.get(key(a)) as { x: number; level: number };
    const pb = position.get(key(b)) as { x: number; level: number };
    return { x1: pa.x, y1: pa.level, x2: pb.x, y2: pb.level, role: pathKeys.has(`${key(a)}>${key(b)}`) ? LATTICE_ROLES.path : LATTICE_ROLES.step };
  });

  // Labels fit when the widest level leaves each point room for its text.
  const labelPx = (nodes.length * 2 + 1) * CHAR_WIDTH_PX + LABEL_GAP_PX;
  const ring = points.filter((p) => p.role === LATTICE_ROLES.chosen);
  // A figure carries at most displayLimits.maxPlotPoints data points: the points (twice), the chosen cut (twice),
  // their labels, the edges.
  if (2 * points.length + 2 * ring.length + edges.length > displayLimits.maxPlotPoints) {
    throw new RangeError(`the lattice has ${points.length} cuts and ${edges.length} edges, more than a figure can hold; draw a smaller run`);
  }
  const labelled = PLOT_INNER_WIDTH_PX / Math.max(widest, 1) >= labelPx && 3 * points.length + 2 * ring.length + edges.length <= displayLimits.maxPlotPoints;
  const roles = [LATTICE_ROLES.cut, LATTICE_ROLES.step, LATTICE_ROLES.path, LATTICE_ROLES.chosen].filter(
    (r) => points.some((p) => p.role === r) || edges.some((e) => e.role === r),
  );
  const topLevel = Math.max(...points.map((p) => p.level));
  const counts = `${plural(cuts.length, 'consistent cut')} of a run of ${plural(events.length, 'event')} on ${plural(nodes.length, 'node')}`;
  const chosenNote = chosen === undefined ? '' : ` Ringed in red: the chosen cut (${chosen})${showPath ? `, ${pathCuts.has(chosen) ? 'on' : 'off'} the path` : ''}.`;
  const layout = `The lattice: ${counts}, by level (events included) from the empty cut at the top to the whole run at the bottom; ` +
    `each edge adds one event${showPath ? ', and the green path is the order the run happened in' : ''}.`;
  const labels = labelled ? ` Points are labelled with the counts (${nodes.join(', ')}).` : ` Hover a point for its counts (${nodes.join(', ')}).`;
  // Too long for a caption, the sentence on labels goes first, then the layout's details; the chosen cut stays.
  const caption = options.caption ?? fitCaption(layout + labels + chosenNote, layout + chosenNote);

  return {
    marks: [
      { mark: 'dot', data: points, options: { x: 'x', y: 'level', r: 4, fill: 'role', title: 'cut' } },
      { mark: 'link', data: edges.filter((e) => e.role === LATTICE_ROLES.step), options: { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'role', strokeWidth: 1.2 } },
      { mark: 'link', data: edges.filter((e) => e.role === LATTICE_ROLES.path), options: { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'role', strokeWidth: 3 } },
      // The points again on top of the edges, so each edge ends under its dot.
      { mark: 'dot', data: points, options: { x: 'x', y: 'level', r: 4, fill: 'role', stroke: 'white', strokeWidth: 0.8, title: 'cut' } },
      // The chosen cut, larger and ringed, so it is found at a glance among points of one size.
      { mark: 'dot', data: ring, options: { x: 'x', y: 'level', r: 6.5, fill: 'role', stroke: 'white', strokeWidth: 1, title: 'cut' } },
      { mark: 'dot', data: ring, options: { x: 'x', y: 'level', r: 10, fill: 'none', stroke: 'role', strokeWidth: 2, title: 'cut' } },
      { mark: 'text', data: labelled ? points.filter((p) => p.role !== LATTICE_ROLES.chosen) : [], options: { x: 'x', y: 'level', text: 'cut', dy: -10, fill: 'currentColor', fontSize: 10 } },
      // The chosen cut's label clears its ring, in bold.
      { mark: 'text', data: labelled ? ring : [], options: { x: 'x', y: 'level', text: 'cut', dy: -15, fill: 'currentColor', fontSize: 10, fontWeight: 'bold' } },
    ],
    options: {
      height: Math.max(160, (topLevel + 1) * 34 + 70),
      marginLeft: 50,
      marginRight: 20,
      x: { axis: null, domain: [-(widest / 2) - 0.2, widest / 2 + 0.2] },
      y: { label: 'events in the cut', reverse: true, domain: [-0.6, topLevel + 0.4], ticks: Math.min(topLevel + 1, 12) },
      color: colourScale(roles),
    },
    caption: fitCaption(caption, `The lattice: ${counts}, by level, each edge adding one event.${chosenNote}`),
    ariaLabel: `Lattice of ${counts}: levels 0 to ${topLevel}, at most ${widest} cuts on one level${chosen ? `, the chosen cut (${chosen}) marked` : ''}.`,
  };
}
