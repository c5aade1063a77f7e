/**
 * The figure of a snapshot on the bank: the run as a space-time diagram, drawn as the cut figure draws one (one lane
 * per node, global time to the right, messages as arrows from send to delivery), with what the reader must see
 * for one snapshot id (STYLE 16):
 * - the snapshot's markers, in their own colour, so the marker rules can be followed lane by lane;
 * - each node's recording point (a diamond at the instant it recorded, labelled with the balance it recorded), and
 *   the cut through them;
 * - the transfers recorded as channel state, highlighted: they cross the cut forwards, and the snapshot counts them;
 * - the three ways a broken run (Chandy-Lamport on reordering links) gets a transfer wrong, each in its own colour:
 *   crossing the cut backwards (received before the receiver recorded, sent after the sender did); recorded in
 *   flight although sent after its sender recorded, so that the sender's balance holds it too (counted twice);
 *   sent before its sender recorded and received after the receiver recorded, yet in no channel state (lost). The
 *   last two are read from the recordings alone: the sender's `sentBefore` count and the channel's recorded seqs.
 * Other snapshots' markers are folded away (`showOtherMarkers` brings them back), and so is everything sent after
 * the snapshot completed. Every colour is named in the legend. The cut is drawn wide and first, under the arrows;
 * the only text on the plot is one label per lane, at its recording point, on a halo of the page's background so
 * an arrow passing behind it does not cross it out, and no two labels can collide; the transfers' amounts are in
 * `snapshotTable` and in hovers.
 */
import type { PlotOutput } from '../display/outputs';
import { displayLimits } from '../display/caps';
import type { TraceEventOf } from '../sim/trace';
import type { NodeId } from '../sim/types';
import type { BankMessage, BankRun, BankState } from './bank';
import { orphanMessages } from './checkers';
import { laneOptions } from './cut-figure';
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
  countedTwice: 'recorded in flight but sent after the sender recorded (counted twice)',
  lost: 'sent before the sender recorded, recorded nowhere (lost)',
  point: 'recording point',
  cut: 'the cut',
} as const;

/**
 * Colours that read on light and dark pages alike (Tableau 10 and 20), the cut in the cut figure's colour; the
 * three failure kinds apart from each other and from the correct channel state (orange).
 */
const COLOURS: Record<string, string> = {
  [SNAPSHOT_ROLES.transfer]: '#9c755f',
  [SNAPSHOT_ROLES.marker]: '#4e79a7',
  [SNAPSHOT_ROLES.otherMarker]: '#bab0ac',
  [SNAPSHOT_ROLES.recorded]: '#f28e2b',
  [SNAPSHOT_ROLES.backwards]: '#e15759',
  [SNAPSHOT_ROLES.countedTwice]: '#b6992d',
  [SNAPSHOT_ROLES.lost]: '#76b7b2',
  [SNAPSHOT_ROLES.point]: '#59a14f',
  [SNAPSHOT_ROLES.cut]: '#b07aa1',
};

/** What a transfer's hover adds to say how the snapshot counted it. */
const ARROW_NOTES: Record<string, string> = {
  [SNAPSHOT_ROLES.recorded]: ', recorded in the channel state',
  [SNAPSHOT_ROLES.backwards]: ', received before the receiver recorded but sent after the sender did',
  [SNAPSHOT_ROLES.countedTwice]: ', recorded in the channel state but sent after the sender recorded: counted twice',
  [SNAPSHOT_ROLES.lost]: ', sent before the sender recorded and received after the receiver did, but in no channel state: lost',
};

/** The roles that only a broken snapshot has, drawn thicker than the rest. */
const FAILURES: readonly string[] = [SNAPSHOT_ROLES.backwards, SNAPSHOT_ROLES.countedTwice, SNAPSHOT_ROLES.lost];
const LABEL_OFFSET_PX = 14;
/** The page's background (Starlight's variable, white where it is not set), as a halo behind labels. */
const LABEL_HALO = 'var(--sl-color-bg, white)';

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

/**
 * The transfers a snapshot got wrong in the two ways its channel states can, read from the recordings alone (keys
 * `from>to#seq`): `countedTwice`, recorded as a channel's state although their seq is at least the sender's
 * `sentBefore` count for that channel (sent after the sender recorded, so its balance holds them too); `lost`, sent
 * before the sender recorded (seq below that count), not received by the receiver before it recorded, and in no
 * channel state (counted at neither end). A channel one of whose ends has no recording is skipped.
 */
export function channelStateFailures(snapshot: GlobalSnapshot<BankState, BankMessage>): { countedTwice: Set<string>; lost: Set<string> } {
  const countedTwice = new Set<string>();
  const lost = new Set<string>();
  for (const c of snapshot.channels) {
    const sender = snapshot.recordings[c.from];
    const receiver = snapshot.recordings[c.to];
    if (sender === undefined || receiver === undefined) continue;
    const sentBefore = sender.sentBefore[c.to] ?? 0;
    const recorded = new Set(c.messages.map((m) => m.seq));
    const received = new Set(receiver.receivedBefore[c.from] ?? []);
    for (const seq of recorded) if (seq >= sentBefore) countedTwice.add(`${c.from}>${c.to}#${seq}`);
    for (let seq = 0; seq < sentBefore; seq++) if (!recorded.has(seq) && !received.has(seq)) lost.add(`${c.from}>${c.to}#${seq}`);
  }
  return { countedTwice, lost };
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
  const { countedTwice, lost } = channelStateFailures(snapshot);
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
    const role = backwardsKeys.has(key) ? SNAPSHOT_ROLES.backwards
      : countedTwice.has(key) ? SNAPSHOT_ROLES.countedTwice
        : lost.has(key) ? SNAPSHOT_ROLES.lost
          : recordedKeys.has(key) ? SNAPSHOT_ROLES.recorded : SNAPSHOT_ROLES.transfer;
    const what = ARROW_NOTES[role] ?? '';
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
  const roles: string[] = [SNAPSHOT_ROLES.transfer, SNAPSHOT_ROLES.recorded, ...FAILURES, SNAPSHOT_ROLES.marker, SNAPSHOT_ROLES.otherMarker].filter((role) => arrows.some((a) => a.role === role));
  if (points.length > 0) roles.push(SNAPSHOT_ROLES.point, SNAPSHOT_ROLES.cut);

  const t = totals(run, snapshot);
  const name = snapshot.algorithm === 'chandy-lamport' ? 'Chandy-Lamport' : 'Lai-Yang';
  const verdict = !snapshot.complete
    ? `incomplete: ${snapshot.missing.join(', ')} never completed`
    : t.recorded === t.total
      ? `recorded ${t.recorded} = ${t.inStates} in balances + ${t.inChannels} in channels (orange): the total, conserved`
      : `recorded ${t.recorded} = ${t.inStates} in balances + ${t.inChannels} in channels, but the total is ${t.total}: the snapshot ${t.recorded > t.total ? 'creates' : 'destroys'} ${Math.abs(t.recorded - t.total)}`;
  const count = (role: string) => arrows.filter((a) => a.role === role).length;
  const failures = [
    [count(SNAPSHOT_ROLES.backwards), 'crossing the cut backwards (red)'],
    [count(SNAPSHOT_ROLES.countedTwice), 'counted twice (gold)'],
    [count(SNAPSHOT_ROLES.lost), 'lost (teal)'],
  ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${plural(n as number, 'transfer')} ${what as string}`);
  const foldedNote = folded === 0 ? '' : `; ${plural(folded, 'later message')} not drawn`;
  const caption = `Snapshot ${snapshotId} (${name} on ${run.fifo ? 'FIFO' : 'reordering'} links, started by ${snapshot.initiators.join(' and ')} at ${ms(snapshot.startedAtMs)}): ${verdict}` +
    `${failures.length > 0 ? `; ${failures.join(', ')}` : ''}. Diamonds: where each node recorded, labelled with its balance${foldedNote}.`;

  return {
    marks: [
      { mark: 'ruleY', data: nodes, options: { stroke: 'currentColor', strokeOpacity: 0.4 } },
      // The cut first, wide and solid enough to see, so every arrow is drawn over it. Its data are the points'
      // indices and its channels arrays, so that the figure's data table (built from the first mark whose rows are
      // records) still lists the messages.
      { mark: 'line', data: cut.map((_, i) => i), options: { x: cut.map((c) => c.x), y: cut.map((c) => c.node), stroke: cut.map((c) => c.role), strokeWidth: 5, strokeOpacity: 0.85, strokeLinecap: 'round' } },
      { mark: 'arrow', data: arrows.filter((a) => !FAILURES.includes(a.role)), options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 1.6, headLength: 8, inset: 3, title: 'message' } },
      // What the snapshot got wrong, thicker and on top of everything else that moves.
      { mark: 'arrow', data: arrows.filter((a) => FAILURES.includes(a.role)), options: { x1: 'x1', y1: 'from', x2: 'x2', y2: 'to', stroke: 'role', strokeWidth: 2.8, headLength: 10, inset: 3, title: 'message' } },
      { mark: 'dot', data: points, options: { x: 'x', y: 'node', r: 5, fill: 'role', stroke: 'role', symbol: 'diamond', title: 'title' } },
      // A halo of the page's own background behind each balance, so an arrow passing behind does not cross it out.
      { mark: 'text', data: points, options: { x: 'x', y: 'node', text: 'label', dy: -LABEL_OFFSET_PX, fill: 'currentColor', fontWeight: 'bold', stroke: LABEL_HALO, strokeWidth: 4, paintOrder: 'stroke' } },
    ],
    options: laneOptions(nodes, { label: 'time (ms)', domain: [minX - pad, maxX + pad] }, { domain: roles, range: roles.map((r) => COLOURS[r]), legend: true }),
    caption: options.caption ?? fit(caption, fit(
      `Snapshot ${snapshotId} (${name}): ${t.recorded === t.total ? 'the total is conserved' : `recorded ${t.recorded}, total ${t.total}`}${failures.length > 0 ? `; ${failures.join(', ')}` : ''}.`,
      `Snapshot ${snapshotId} (${name}): ${t.recorded === t.total ? 'the total is conserved' : `recorded ${t.recorded}, total ${t.total}`}.`,
    )),
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
