/**
 * The figure of a snapshot on the bank: the run as a space-time diagram, drawn as the cut figure draws one (one lane
 * per node, global time to the right, messages as arrows from send to delivery), with what the reader must see
 * for one snapshot id (STYLE 16):
 * - the snapshot's markers, in their own colour, so the marker rules can be followed lane by lane;
 * - each node's recording point (a diamond at the instant it recorded, labelled with the balance it recorded), and
 *   the cut through them;
 * - the transfers recorded as channel state, highlighted: they cross the cut forwards, and the snapshot counts them;
 * - transfers that cross the cut backwards (received before the receiver recorded, sent after the sender did), in
 *   red, which only a broken run has (Chandy-Lamport on reordering links).
 * Other snapshots' markers are folded away (`showOtherMarkers` brings them back), and so is everything sent after
 * the snapshot completed. Every colour is named in the legend. The only text on the plot is one label per lane, at
 * its recording point, so no two labels can collide; the transfers' amounts are in `snapshotTable` and in hovers.
 */
import type { PlotOutput } from '../display/outputs';
import { displayLimits } from '../display/caps';
import type { TraceEventOf } from '../sim/trace';
import type { NodeId } from '../sim/types';
import type { BankMessage, BankRun, BankState } from './bank';
import { orphanMessages } from './checkers';
import type { GlobalSnapshot, LayerMessage } from './types';

/** A `display.plot` spec, as a cell passes it to `display.plot` or `display`. */
export type SnapshotPlotSpec = Omit<PlotOutput, 'kind'>;

/** What each mark of the snapshot figure stands for; the legend shows these words. */
export const SNAPSHOT_ROLES = {
  transfer: 'transfer',
  marker: 'marker',
  otherMarker: "another snapshot's marker",
  recorded: 'transfer recorded as channel state',
  backwards: 'transfer crossing the cut backwards',
  point: 'recording point',
  cut: 'the cut',
} as const;

/** Colours that read on light and dark pages alike (Tableau 10), the cut in the cut figure's colour. */
const COLOURS: Record<string, string> = {
  [SNAPSHOT_ROLES.transfer]: '#9c755f',
  [SNAPSHOT_ROLES.marker]: '#4e79a7',
  [SNAPSHOT_ROLES.otherMarker]: '#bab0ac',
  [SNAPSHOT_ROLES.recorded]: '#f28e2b',
  [SNAPSHOT_ROLES.backwards]: '#e15759',
  [SNAPSHOT_ROLES.point]: '#59a14f',
  [SNAPSHOT_ROLES.cut]: '#b07aa1',
};

const LANE_HEIGHT_PX = 56;
const LABEL_OFFSET_PX = 14;

export interface SnapshotFigureOptions {
  /** The caption; default: who started the snapshot, what it recorded and whether it conserved the total. */
  caption?: string;
  /** Draw the markers of the run's other snapshots too, in grey (default false). */
  showOtherMarkers?: boolean;
  /** The last time drawn; default: when the snapshot completed, extended to the arrival of what was sent by then. */
  untilMs?: number;
}

interface Arrow {
  message: string;
  from: NodeId;
  to: NodeId;
  x1: number;
  x2: number;
  role: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const ms = (t: number) => `${Number(t.toFixed(1))} ms`;
const fit = (text: string, fallback: string) => (text.length <= displayLimits.maxLabelChars ? text : fallback);

function snapshotOf(run: BankRun, snapshotId: string): GlobalSnapshot<BankState, BankMessage> {
  const snapshot = run.snapshots.find((s) => s.snapshotId === snapshotId);
  if (snapshot === undefined) {
    throw new Error(`the run has no snapshot "${snapshotId}" (it has: ${run.snapshots.map((s) => s.snapshotId).join(', ') || 'none'})`);
  }
  return snapshot;
}

/** The recorded value of the snapshot's states and channels, and the verdict on the total. */
function totals(run: BankRun, snapshot: GlobalSnapshot<BankState, BankMessage>) {
  const inStates = Object.values(snapshot.states).reduce((sum, s) => sum + s.balance, 0);
  const inChannels = snapshot.channels.reduce((sum, c) => sum + c.messages.reduce((m, r) => m + r.message.amount, 0), 0);
  return { inStates, inChannels, recorded: inStates + inChannels, total: run.total };
}

/** A space-time diagram of a bank run for snapshot `snapshotId` (see the module comment). */
export function snapshotFigure(run: BankRun, snapshotId: string, options: SnapshotFigureOptions = {}): SnapshotPlotSpec {
  const snapshot = snapshotOf(run, snapshotId);
  const nodes = run.trace.nodes;
  const sends = new Map<number, TraceEventOf<'send'>>();
  const delivered: { send: TraceEventOf<'send'>; deliver: TraceEventOf<'deliver'> }[] = [];
  for (const e of run.trace.events) {
    if (e.kind === 'send') sends.set(e.msgId, e);
    else if (e.kind === 'deliver') {
      const send = sends.get(e.msgId);
      if (send) delivered.push({ send, deliver: e });
    }
  }
  const recordedKeys = new Set(snapshot.channels.flatMap((c) => c.messages.map((m) => `${c.from}>${c.to}#${m.seq}`)));
  const backwardsKeys = new Set(orphanMessages(snapshot).map((o) => `${o.from}>${o.to}#${o.seq}`));
  const recordedAt = Object.values(snapshot.recordings).map((r) => r.recordedAtMs);
  const doneMs = snapshot.completedAtMs ?? Math.max(...recordedAt, ...Object.values(snapshot.recordings).map((r) => r.completedAtMs));
  const shown = delivered.filter(({ send }) => send.t <= doneMs);
  const untilMs = options.untilMs ?? Math.max(doneMs, ...shown.map(({ deliver }) => deliver.t));
  const showOther = options.showOtherMarkers ?? false;

  const arrows: Arrow[] = [];
  let folded = 0;
  for (const { send, deliver } of delivered) {
    if (send.t > doneMs || deliver.t > untilMs) {
      folded++;
      continue;
    }
    const m = send.message as LayerMessage<BankMessage>;
    if (m.type === 'marker') {
      const mine = m.snapshotId === snapshotId;
      if (!mine && !showOther) continue;
      arrows.push({ message: `${mine ? 'marker' : `marker of ${m.snapshotId}`} ${send.node} → ${send.to}`, from: send.node, to: send.to, x1: send.t, x2: deliver.t, role: mine ? SNAPSHOT_ROLES.marker : SNAPSHOT_ROLES.otherMarker });
      continue;
    }
    const key = `${send.node}>${send.to}#${m.seq}`;
    const role = backwardsKeys.has(key) ? SNAPSHOT_ROLES.backwards : recordedKeys.has(key) ? SNAPSHOT_ROLES.recorded : SNAPSHOT_ROLES.transfer;
    const what = role === SNAPSHOT_ROLES.recorded ? ', recorded in the channel state' : role === SNAPSHOT_ROLES.backwards ? ', received before the receiver recorded but sent after the sender did' : '';
    arrows.push({ message: `transfer of ${m.message.amount} ${send.node} → ${send.to} (#${m.seq})${what}`, from: send.node, to: send.to, x1: send.t, x2: deliver.t, role });
  }

  const points = nodes.flatMap((node) => {
    const r = snapshot.recordings[node];
    if (r === undefined) return [];
    return [{ node, x: r.recordedAtMs, role: SNAPSHOT_ROLES.point, label: `${r.state.balance}`, title: `${node} records balance ${r.state.balance} at ${ms(r.recordedAtMs)}${r.initiator ? ' (initiator)' : ''}` }];
  });
  const cut = points.map((p) => ({ node: p.node, x: p.x, role: SNAPSHOT_ROLES.cut }));

  const xs = [0, untilMs, ...points.map((p) => p.x)];
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const pad = Math.max((maxX - minX) * 0.03, 0.5);
  const roles: string[] = [SNAPSHOT_ROLES.transfer, SNAPSHOT_ROLES.recorded, SNAPSHOT_ROLES.backwards, SNAPSHOT_ROLES.marker, SNAPSHOT_ROLES.otherMarker].filter((role) => arrows.some((a) => a.role === role));
  if (points.length > 0) roles.push(SNAPSHOT_ROLES.point, SNAPSHOT_ROLES.cut);

  const t = totals(run, snapshot);
  const name = snapshot.algorithm === 'chandy-lamport' ? 'Chandy-Lamport' : 'Lai-Yang';
  const verdict = !snapshot.complete
    ? `incomplete: ${snapshot.missing.join(', ')} never completed`
    : t.recorded === t.total
      ? `recorded ${t.recorded} = ${t.inStates} in balances + ${t.inChannels} in channels (orange): the total, conserved`
      : `recorded ${t.recorded} = ${t.inStates} in balances + ${t.inChannels} in channels, but the total is ${t.total}: the snapshot ${t.recorded > t.total ? 'creates' : 'destroys'} ${Math.abs(t.recorded - t.total)}`;
  const backwards = arrows.filter((a) => a.role === SNAPSHOT_ROLES.backwards).length;
  const foldedNote = folded === 0 ? '' : `; ${plural(folded, 'later message')} not drawn`;
  const caption = `Snapshot ${snapshotId} (${name} on ${run.fifo ? 'FIFO' : 'reordering'} links, started by ${snapshot.initiators.join(' and ')} at ${ms(snapshot.startedAtMs)}): ${verdict}` +
    `${backwards > 0 ? `; ${plural(backwards, 'transfer')} crossing the cut backwards (red)` : ''}. Diamonds: where each node recorded, labelled with its balance${foldedNote}.`;

  return {
    marks: [
      { mark: 'ruleY', data: nodes, options: { stroke: 'currentColor', strokeOpacity: 0.4 } },
      { mark: 'arrow', data: arrows, options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 1.6, headLength: 8, inset: 3, title: 'message' } },
      { mark: 'line', data: cut, options: { x: 'x', y: 'node', stroke: 'role', strokeWidth: 2.5, strokeDasharray: '6 4' } },
      { mark: 'dot', data: points, options: { x: 'x', y: 'node', r: 5, fill: 'role', stroke: 'role', symbol: 'diamond', title: 'title' } },
      { mark: 'text', data: points, options: { x: 'x', y: 'node', text: 'label', dy: -LABEL_OFFSET_PX, fill: 'currentColor', fontWeight: 'bold' } },
    ],
    options: {
      height: nodes.length * LANE_HEIGHT_PX + 60,
      marginLeft: 40,
      marginRight: 20,
      x: { label: 'time (ms)', domain: [minX - pad, maxX + pad] },
      y: { label: null, domain: nodes, type: 'point', padding: 0.5 },
      color: { domain: roles, range: roles.map((r) => COLOURS[r]), legend: true },
    },
    caption: options.caption ?? fit(caption, `Snapshot ${snapshotId} (${name}): ${t.recorded === t.total ? 'the total is conserved' : `recorded ${t.recorded}, total ${t.total}`}.`),
    ariaLabel: fit(
      `Space-time diagram of ${plural(nodes.length, 'node')} (${nodes.join(', ')}) with ${plural(arrows.filter((a) => a.role !== SNAPSHOT_ROLES.marker).length, 'transfer')} and the markers of snapshot ${snapshotId}; ${verdict}.`,
      `Space-time diagram of snapshot ${snapshotId}.`,
    ),
  };
}

/** One row of `snapshotTable`: a node's recorded balance or a channel's recorded transfers. */
export interface SnapshotTableRow {
  part: string;
  recorded: string;
  value: number;
}

/**
 * The snapshot as rows for `display.table`: each node's recorded balance, then each channel's recorded transfers
 * (`#seq: amount`, or `empty`), then the recorded total.
 */
export function snapshotTable(snapshot: GlobalSnapshot<BankState, BankMessage>): SnapshotTableRow[] {
  const rows: SnapshotTableRow[] = [];
  for (const node of Object.keys(snapshot.states).sort()) {
    const balance = snapshot.states[node]!.balance;
    rows.push({ part: `node ${node}`, recorded: `balance ${balance}`, value: balance });
  }
  for (const c of snapshot.channels) {
    const value = c.messages.reduce((sum, m) => sum + m.message.amount, 0);
    rows.push({ part: `channel ${c.from} → ${c.to}`, recorded: c.messages.length === 0 ? 'empty' : c.messages.map((m) => `#${m.seq}: ${m.message.amount}`).join(', '), value });
  }
  rows.push({ part: 'total', recorded: snapshot.complete ? 'balances + channels' : `incomplete (missing ${snapshot.missing.join(', ')})`, value: rows.reduce((sum, r) => sum + r.value, 0) });
  return rows;
}
