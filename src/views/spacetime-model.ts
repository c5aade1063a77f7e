/**
 * The data behind a space-time diagram, derived from a trace without any DOM: lanes, messages (send → deliver),
 * drops, crashes and restarts, pauses, partitions, and a label per event for hover, keyboard focus and the data
 * table. Kept apart from drawing so it can be tested in Node and reused by other views.
 */
import type { NodeId } from '../../labs/sim/types';
import type { Trace, TraceEvent } from '../../labs/sim/trace';
import { formatValue } from '../../labs/display/api';

export interface DiagramEvent { t: number; node: NodeId; lane: number; kind: string; label: string; seq: number }
export interface DiagramMessage { msgId: number; from: NodeId; to: NodeId; fromLane: number; toLane: number; sendMs: number; deliverMs: number; label: string }
export interface DiagramDrop { msgId: number; from: NodeId; to: NodeId; fromLane: number; toLane: number; sendMs: number; dropMs: number; endLane: number; reason: string; label: string }
export interface Interval { node: NodeId; lane: number; fromMs: number; toMs: number }

export interface SpaceTimeModel {
  nodes: NodeId[];
  endMs: number;
  events: DiagramEvent[];
  messages: DiagramMessage[];
  drops: DiagramDrop[];
  crashes: DiagramEvent[];
  restarts: (DiagramEvent & { durable: boolean })[];
  downtime: Interval[];
  pauses: Interval[];
  partitions: { fromMs: number; toMs: number; label: string }[];
  annotations: { t: number; node: NodeId; lane: number; text: string }[];
  /** Highlighted events (see SpaceTimeOutput.highlight), each with its role. */
  emphasis: { t: number; node: NodeId; lane: number; role: 'chosen' | 'past' | 'future' | 'concurrent'; label: string }[];
  /** Events not drawn because of maxEvents (the table still lists them). */
  omitted: number;
  table: { columns: string[]; rows: unknown[][] };
}

const DRAWN_KINDS = new Set(['send', 'deliver', 'timer', 'request', 'reply', 'crash', 'restart', 'drop']);

function ms(value: number): string {
  return `${Number(value.toFixed(2))} ms`;
}

function brief(message: unknown): string {
  const text = formatValue(message);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** A one-line description of an event, used as its tooltip, its accessible label and its table row. */
export function describeEvent(event: TraceEvent): string {
  const e = event as TraceEvent & Record<string, unknown>;
  const at = `at ${ms(event.t)}${typeof e.clockMs === 'number' ? ` (its clock: ${ms(e.clockMs)})` : ''}`;
  switch (event.kind) {
    case 'send': return `${e.node} sends m${e.msgId} to ${e.to} ${at}: ${brief(e.message)}`;
    case 'deliver': return `${e.node} receives m${e.msgId} from ${e.from} ${at}: ${brief(e.message)}`;
    case 'drop': return `m${e.msgId} from ${e.from} to ${e.node} is dropped (${e.reason}) ${at}`;
    case 'duplicate': return `the network duplicates m${e.copyOf} from ${e.node} to ${e.to} as m${e.msgId} ${at}`;
    case 'timer': return `${e.node}'s timer "${e.name}" fires ${at}`;
    case 'crash': return `${e.node} crashes ${at}`;
    case 'restart': return `${e.node} restarts${e.durable ? ' from its durable state' : ' with no durable state'} ${at}`;
    case 'pause': return `${e.node} pauses ${at}`;
    case 'resume': return `${e.node} resumes ${at}`;
    case 'partition': return `partition begins ${at}: ${e.groups ? (e.groups as string[][]).map((g) => `{${g.join(', ')}}`).join(' | ') : `${(e.from as string[]).join(', ')} cannot reach ${(e.to as string[]).join(', ')}`}`;
    case 'heal': return `partitions heal ${at}`;
    case 'state': return `${e.node}'s state becomes ${brief(e.state)} ${at}`;
    case 'log': return `${e.node} logs "${e.text}" ${at}`;
    case 'request': return `${e.node} receives a client request ${at}: ${brief(e.request)}`;
    case 'reply': return `${e.node} replies to a client ${at}: ${brief(e.response)}`;
    case 'truncated': return `the trace was cut here ${at}: it reached its size cap`;
    default: return `${(event as TraceEvent).kind} ${at}`;
  }
}

export interface SpaceTimeModelOptions {
  untilMs?: number;
  annotate?: string;
  maxEvents?: number;
  labels?: { seq: number; text: string }[];
  highlight?: { chosen?: number; past?: number[]; future?: number[]; concurrent?: number[] };
}

export function spaceTimeModel(trace: Trace, options: SpaceTimeModelOptions = {}): SpaceTimeModel {
  const nodes = [...trace.nodes];
  const lane = new Map(nodes.map((node, i) => [node, i]));
  const laneOf = (node: unknown) => lane.get(String(node)) ?? 0;
  // Without an explicit end, the diagram stops a little after the last event rather than at the run's horizon,
  // which is often long after the system fell quiet.
  const lastT = trace.events.length ? trace.events[trace.events.length - 1].t : 0;
  const endMs = options.untilMs ?? Math.max(niceEnd(lastT), 1);
  const visible = trace.events.filter((event) => event.t <= endMs);
  const maxEvents = options.maxEvents ?? Infinity;

  const sends = new Map<number, TraceEvent & Record<string, unknown>>();
  const copies = new Map<number, number>();
  for (const event of trace.events) {
    const e = event as TraceEvent & Record<string, unknown>;
    if (event.kind === 'send') sends.set(e.msgId as number, e);
    if (event.kind === 'duplicate') copies.set(e.msgId as number, e.copyOf as number);
  }
  const sendOf = (msgId: number) => sends.get(msgId) ?? sends.get(copies.get(msgId) ?? -1);

  const model: SpaceTimeModel = {
    nodes, endMs, events: [], messages: [], drops: [], crashes: [], restarts: [], downtime: [], pauses: [], partitions: [], annotations: [], emphasis: [], omitted: 0,
    table: { columns: ['time (ms)', 'node', 'event', 'detail'], rows: [] },
  };
  const down = new Map<NodeId, number>();
  const paused = new Map<NodeId, number>();
  let partitionStart: { t: number; label: string } | undefined;
  const statesByNode = new Map<NodeId, (TraceEvent & Record<string, unknown>)[]>();
  for (const event of visible) if (event.kind === 'state') {
    const node = String((event as Record<string, unknown>).node);
    if (!statesByNode.has(node)) statesByNode.set(node, []);
    statesByNode.get(node)!.push(event as TraceEvent & Record<string, unknown>);
  }

  let drawn = 0;
  for (const event of visible) {
    const e = event as TraceEvent & Record<string, unknown>;
    const label = describeEvent(event);
    model.table.rows.push([Number(event.t.toFixed(3)), e.node ?? '', event.kind, label]);
    if (!DRAWN_KINDS.has(event.kind) && !['pause', 'resume', 'partition', 'heal'].includes(event.kind)) continue;
    if (drawn >= maxEvents) { model.omitted += 1; continue; }
    drawn += 1;
    const node = String(e.node ?? '');
    const diagramEvent: DiagramEvent = { t: event.t, node, lane: laneOf(node), kind: event.kind, label, seq: event.seq };
    switch (event.kind) {
      case 'deliver': {
        const send = sendOf(e.msgId as number);
        const from = String(e.from);
        model.messages.push({ msgId: e.msgId as number, from, to: node, fromLane: laneOf(from), toLane: laneOf(node), sendMs: send ? send.t : event.t, deliverMs: event.t, label });
        model.events.push(diagramEvent);
        break;
      }
      case 'drop': {
        const send = sendOf(e.msgId as number);
        const from = String(e.from);
        const sendMs = send ? send.t : event.t;
        // A message lost at the moment it is sent has no flight to draw: show it dying halfway across.
        const dropMs = event.t > sendMs ? event.t : sendMs + Math.max(endMs * 0.01, 0.5);
        const endLane = event.t > sendMs ? laneOf(node) : (laneOf(from) + laneOf(node)) / 2;
        model.drops.push({ msgId: e.msgId as number, from, to: node, fromLane: laneOf(from), toLane: laneOf(node), sendMs, dropMs, endLane, reason: String(e.reason), label });
        break;
      }
      case 'crash':
        model.crashes.push(diagramEvent);
        down.set(node, event.t);
        break;
      case 'restart':
        model.restarts.push({ ...diagramEvent, durable: Boolean(e.durable) });
        model.downtime.push({ node, lane: laneOf(node), fromMs: down.get(node) ?? 0, toMs: event.t });
        down.delete(node);
        break;
      case 'pause':
        paused.set(node, event.t);
        break;
      case 'resume':
        model.pauses.push({ node, lane: laneOf(node), fromMs: paused.get(node) ?? 0, toMs: event.t });
        paused.delete(node);
        break;
      case 'partition':
        if (partitionStart) model.partitions.push({ fromMs: partitionStart.t, toMs: event.t, label: partitionStart.label });
        partitionStart = { t: event.t, label };
        break;
      case 'heal':
        if (partitionStart) model.partitions.push({ fromMs: partitionStart.t, toMs: event.t, label: partitionStart.label });
        partitionStart = undefined;
        break;
      default:
        model.events.push(diagramEvent);
    }
    if (options.annotate && (event.kind === 'send' || event.kind === 'deliver' || event.kind === 'timer' || event.kind === 'request')) {
      const value = stateAfter(statesByNode.get(node) ?? [], event, options.annotate);
      if (value !== undefined) model.annotations.push({ t: event.t, node, lane: laneOf(node), text: formatValue(value) });
    }
  }
  for (const [node, from] of down) model.downtime.push({ node, lane: laneOf(node), fromMs: from, toMs: endMs });
  for (const [node, from] of paused) model.pauses.push({ node, lane: laneOf(node), fromMs: from, toMs: endMs });
  if (partitionStart) model.partitions.push({ fromMs: partitionStart.t, toMs: endMs, label: partitionStart.label });
  // Labels and highlights name events by seq; seqs are positions in the trace, so look them up directly.
  const bySeq = (seq: number) => {
    const event = trace.events[seq] as (TraceEvent & { node?: string }) | undefined;
    return event && event.seq === seq && event.t <= endMs && event.node !== undefined ? { t: event.t, node: String(event.node), lane: laneOf(event.node), label: describeEvent(event) } : undefined;
  };
  for (const { seq, text } of options.labels ?? []) {
    const at = bySeq(seq);
    if (at) model.annotations.push({ t: at.t, node: at.node, lane: at.lane, text });
  }
  // In time order within each lane, so that alternating labels above and below separates neighbours.
  model.annotations.sort((x, y) => x.lane - y.lane || x.t - y.t);
  const highlight = options.highlight ?? {};
  const roles: [SpaceTimeModel['emphasis'][number]['role'], number[]][] = [
    ['past', highlight.past ?? []], ['future', highlight.future ?? []], ['concurrent', highlight.concurrent ?? []],
    ['chosen', highlight.chosen === undefined ? [] : [highlight.chosen]],
  ];
  for (const [role, seqs] of roles) {
    for (const seq of seqs) {
      const at = bySeq(seq);
      if (at) model.emphasis.push({ ...at, role });
    }
  }
  return model;
}

/** The annotated field of the node's state right after the step that produced `event`. */
function stateAfter(states: (TraceEvent & Record<string, unknown>)[], event: TraceEvent, field: string): unknown {
  let latest: unknown;
  for (const state of states) {
    if (state.seq > event.seq) {
      if (state.t === event.t) latest = state.state;
      break;
    }
    latest = state.state;
  }
  if (latest === undefined || latest === null || typeof latest !== 'object') return undefined;
  return field.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), latest);
}

function niceEnd(lastMs: number): number {
  const padded = lastMs * 1.05;
  const step = 10 ** Math.floor(Math.log10(Math.max(padded, 1))) / 2;
  return Math.ceil(padded / step) * step;
}
