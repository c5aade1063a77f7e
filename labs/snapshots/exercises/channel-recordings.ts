/**
 * Exercise: what does each channel record? A small Chandy-Lamport run on FIFO channels is told event by event:
 * transfers sent and received, the snapshot started at one node, markers received. The learner names the messages
 * recorded as channels' states (Chandy and Lamport 1985, "Distributed snapshots: determining global states of
 * distributed systems", §3.2: a channel's state is what its receiver took on it after recording and before that
 * channel's marker).
 *
 * The run is not computed by a model of the algorithm written for the exercise: the script drives the lab's own
 * layer (`withSnapshots` around `bankNode`), one step function call per event, with a FIFO queue per channel, and
 * the answer is read from the recordings the layer logs. The test holds it to the definition instead (the messages
 * sent before their sender recorded and received after their receiver did).
 */
import { defineExercise, type Check } from '../../exercises/types';
import { Random } from '../../sim/random';
import type { Effect, NodeBehavior, StepContext } from '../../sim/types';
import { TRANSFER_REFUSED_LOG, bankNode, transfer, type BankMessage, type BankState } from '../bank';
import { startSnapshot, withSnapshots, type LayerState } from '../layer';
import { RECORDING_LOG, type Channel, type LayerMessage, type LocalRecording, type NodeId } from '../types';

/** One scripted action: a transfer request, the start of the snapshot, or the delivery of a channel's oldest message. */
export type ScriptStep =
  | { do: 'transfer'; from: NodeId; to: NodeId; amount: number }
  | { do: 'start'; node: NodeId }
  | { do: 'deliver'; from: NodeId; to: NodeId };

export interface ChannelRecordingsParams {
  script: ScriptStep[];
}

export const SCRIPT_NODES = ['a', 'b', 'c'] as const;
/** Four channels, enough for every node to be reached by markers: a → b → c → a and b → a. */
export const SCRIPT_CHANNELS: Channel[] = [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'b', to: 'a' }];
const START_BALANCE = 50;
const SNAPSHOT_ID = 's';

/** What happened at one step, as the prompt tells it. */
export type ScriptEvent =
  | { kind: 'send'; from: NodeId; to: NodeId; name: string; amount: number }
  | { kind: 'receive'; from: NodeId; to: NodeId; name: string; amount: number }
  | { kind: 'start'; node: NodeId }
  | { kind: 'marker'; from: NodeId; to: NodeId };

export interface ScriptRun {
  events: ScriptEvent[];
  /** Each application message's name (m1, m2, ...) by channel and seq. */
  names: Record<string, string>;
  recordings: Record<NodeId, LocalRecording<BankState, BankMessage>>;
  /** The messages recorded as each channel's state, by `from->to`, as names. */
  recorded: Record<string, string[]>;
}

const channelKey = (from: NodeId, to: NodeId) => `${from}->${to}`;

type Layered = NodeBehavior<LayerState<BankState, BankMessage>, LayerMessage<BankMessage>>;

/**
 * Runs the script through the lab's snapshot layer, one step call per action, with a FIFO queue per channel. A
 * delivery of an empty channel, or a transfer the bank refuses, throws: scripts are generated so neither happens.
 */
export function runScript(script: readonly ScriptStep[]): ScriptRun {
  const key = JSON.stringify(script);
  const cached = runs.get(key);
  if (cached !== undefined) return cached;
  const run = executeScript(script);
  if (runs.size > 32) runs.delete(runs.keys().next().value as string);
  runs.set(key, run);
  return run;
}

// A variant's script is executed again for its prompt, its reference, every check and its solution; one script
// always gives the same run.
const runs = new Map<string, ScriptRun>();

function executeScript(script: readonly ScriptStep[]): ScriptRun {
  const layer: Layered = withSnapshots(bankNode(START_BALANCE), { algorithm: 'chandy-lamport', channels: SCRIPT_CHANNELS });
  const ctxOf = (id: NodeId, nowMs: number): StepContext => ({ id, peers: SCRIPT_NODES.filter((n) => n !== id), nowMs, random: new Random(0) });
  const states: Record<NodeId, LayerState<BankState, BankMessage>> = Object.fromEntries(SCRIPT_NODES.map((n) => [n, layer.init(ctxOf(n, 0))]));
  const queues = new Map<string, LayerMessage<BankMessage>[]>(SCRIPT_CHANNELS.map((c) => [channelKey(c.from, c.to), []]));
  const names: Record<string, string> = {};
  const events: ScriptEvent[] = [];
  const recordings: Record<NodeId, LocalRecording<BankState, BankMessage>> = {};
  let sent = 0;
  const apply = (node: NodeId, effects: Effect<LayerMessage<BankMessage>>[] | undefined) => {
    for (const effect of effects ?? []) {
      if (effect.type === 'send') {
        (queues.get(channelKey(node, effect.to)) as LayerMessage<BankMessage>[]).push(effect.message);
        if (effect.message.type === 'app') {
          const name = `m${++sent}`;
          names[`${channelKey(node, effect.to)}#${effect.message.seq}`] = name;
          events.push({ kind: 'send', from: node, to: effect.to, name, amount: effect.message.message.amount });
        }
      } else if (effect.type === 'log' && effect.text === TRANSFER_REFUSED_LOG) {
        throw new Error(`the script's transfer from ${node} was refused`);
      } else if (effect.type === 'log' && effect.text === RECORDING_LOG) {
        const recording = effect.data as LocalRecording<BankState, BankMessage>;
        recordings[recording.node] = recording;
      }
    }
  };
  script.forEach((step, i) => {
    const nowMs = i + 1;
    if (step.do === 'transfer') {
      const result = layer.step(states[step.from] as LayerState<BankState, BankMessage>, { type: 'request', request: transfer(step.to, step.amount) }, ctxOf(step.from, nowMs));
      states[step.from] = result.state;
      apply(step.from, result.effects);
    } else if (step.do === 'start') {
      events.push({ kind: 'start', node: step.node });
      const result = layer.step(states[step.node] as LayerState<BankState, BankMessage>, { type: 'request', request: startSnapshot(SNAPSHOT_ID) }, ctxOf(step.node, nowMs));
      states[step.node] = result.state;
      apply(step.node, result.effects);
    } else {
      const message = queues.get(channelKey(step.from, step.to))?.shift();
      if (message === undefined) throw new Error(`the script delivers on ${step.from} -> ${step.to}, which is empty`);
      events.push(message.type === 'marker'
        ? { kind: 'marker', from: step.from, to: step.to }
        : { kind: 'receive', from: step.from, to: step.to, name: names[`${channelKey(step.from, step.to)}#${message.seq}`] as string, amount: message.message.amount });
      const result = layer.step(states[step.to] as LayerState<BankState, BankMessage>, { type: 'message', from: step.from, message, msgId: i }, ctxOf(step.to, nowMs));
      states[step.to] = result.state;
      apply(step.to, result.effects);
    }
  });
  const recorded: Record<string, string[]> = {};
  for (const c of SCRIPT_CHANNELS) {
    const list = recordings[c.to]?.channels[c.from] ?? [];
    recorded[channelKey(c.from, c.to)] = list.map((m) => names[`${channelKey(c.from, c.to)}#${m.seq}`] as string);
  }
  return { events, names, recordings, recorded };
}

/**
 * Draws a script: a few transfers, the snapshot started somewhere in the middle, more transfers, and deliveries in
 * a random order (each channel FIFO) until every channel is empty. Kept when one to three messages are recorded.
 */
function drawScript(rng: Random): ScriptStep[] {
  for (;;) {
    const script: ScriptStep[] = [];
    const balances: Record<NodeId, number> = Object.fromEntries(SCRIPT_NODES.map((n) => [n, START_BALANCE]));
    const transfers = rng.int(5, 7);
    const startAfter = rng.int(1, 3);
    let done = 0;
    let started = false;
    for (let guard = 0; guard < 60; guard++) {
      const pending = pendingChannels(script);
      const canSend = done < transfers;
      const canStart = !started && done >= startAfter;
      const roll = rng.next();
      if (canStart && roll < 0.3) {
        script.push({ do: 'start', node: rng.pick(SCRIPT_NODES) });
        started = true;
      } else if (canSend && (pending.length === 0 || roll < 0.55)) {
        const c = rng.pick(SCRIPT_CHANNELS);
        const amount = rng.int(1, 4) * 5;
        if ((balances[c.from] as number) < amount) continue;
        balances[c.from] = (balances[c.from] as number) - amount;
        script.push({ do: 'transfer', from: c.from, to: c.to, amount });
        done++;
      } else if (pending.length > 0) {
        const c = rng.pick(pending);
        script.push({ do: 'deliver', from: c.from, to: c.to });
        const last = runScript(script).events.at(-1);
        if (last?.kind === 'receive') balances[c.to] = (balances[c.to] as number) + last.amount;
      } else if (!started) {
        script.push({ do: 'start', node: rng.pick(SCRIPT_NODES) });
        started = true;
      } else break;
    }
    if (!started || pendingChannels(script).length > 0) continue;
    const run = runScript(script);
    const count = Object.values(run.recorded).flat().length;
    if (Object.keys(run.recordings).length === SCRIPT_NODES.length && count >= 1 && count <= 3) return script;
  }
}

/** The channels with a message (or marker) still queued after the script so far. */
function pendingChannels(script: readonly ScriptStep[]): Channel[] {
  const run = runScript(script);
  const sent = new Map<string, number>();
  for (const e of run.events) {
    if (e.kind === 'send') sent.set(channelKey(e.from, e.to), (sent.get(channelKey(e.from, e.to)) ?? 0) + 1);
    if (e.kind === 'receive' || e.kind === 'marker') sent.set(channelKey(e.from, e.to), (sent.get(channelKey(e.from, e.to)) ?? 0) - 1);
  }
  // Markers are sent when a node records: on every outgoing channel.
  const recordedNodes = recordedBy(run);
  for (const n of recordedNodes) for (const c of SCRIPT_CHANNELS.filter((x) => x.from === n)) sent.set(channelKey(c.from, c.to), (sent.get(channelKey(c.from, c.to)) ?? 0) + 1);
  return SCRIPT_CHANNELS.filter((c) => (sent.get(channelKey(c.from, c.to)) ?? 0) > 0);
}

/** The nodes that have recorded their state by the end of the script so far: the initiator and every marker's receiver. */
function recordedBy(run: ScriptRun): Set<NodeId> {
  const nodes = new Set<NodeId>();
  for (const e of run.events) {
    if (e.kind === 'start') nodes.add(e.node);
    if (e.kind === 'marker') nodes.add(e.to);
  }
  return nodes;
}

export function eventText(e: ScriptEvent): string {
  switch (e.kind) {
    case 'send': return `${e.from} sends **${e.name}** (${e.amount} coins) to ${e.to}.`;
    case 'receive': return `${e.to} receives ${e.name} from ${e.from}.`;
    case 'start': return `${e.node} starts the snapshot: it records its state and sends a marker on each of its outgoing channels.`;
    case 'marker': return `${e.to} receives the marker from ${e.from}.`;
  }
}

const channelText = (c: Channel) => `${c.from} → ${c.to}`;

export const channelRecordings = defineExercise({
  id: 'snapshots/channel-recordings',
  title: 'What does each channel record?',
  kind: 'structured',
  format: 'set',
  placeholder: '{m2, m5}',
  generate: (rng): ChannelRecordingsParams => ({ script: drawScript(rng) }),
  prompt(p) {
    const { events } = runScript(p.script);
    return {
      text: `Three bank branches a, b and c run Chandy and Lamport's snapshot over four FIFO channels: ${SCRIPT_CHANNELS.map(channelText).join(', ')}. Each branch starts with ${START_BALANCE} coins. This happens, in this order (no other transfer is made; a branch that records its state when a marker reaches it also sends its own markers at once, and those sends are not listed):\n\n${events.map((e, i) => `${i + 1}. ${eventText(e)}`).join('\n')}\n\nWhich transfers does the snapshot record as in flight, in the state of some channel? Name them like \`{m2, m5}\`; write \`{}\` if none.`,
    };
  },
  reference: (p) => answerText(p),
  check(p, value): Check[] {
    const run = runScript(p.script);
    const all = Object.values(run.names);
    // One all-or-nothing check: the answer is right only when every channel's state is; the feedback still says,
    // channel by channel, what is wrong.
    const wrong: string[] = [];
    const strays = value.filter((name) => !all.includes(name));
    if (strays.length > 0) wrong.push(`${strays.join(', ')}: the run's transfers are ${[...all].sort(byNumber).join(', ')}.`);
    for (const c of SCRIPT_CHANNELS) {
      const key = channelKey(c.from, c.to);
      const mine = Object.entries(run.names).filter(([k]) => k.startsWith(`${key}#`)).map(([, name]) => name);
      const expected = run.recorded[key] as string[];
      const given = value.filter((name) => mine.includes(name));
      const extra = given.filter((name) => !expected.includes(name));
      const missing = expected.filter((name) => !given.includes(name));
      const problems = [
        ...extra.map((name) => `${name} is not in its state: ${whyNot(run, c, name)}`),
        ...(missing.length > 0 ? [`${missing.length === 1 ? 'one transfer' : `${missing.length} transfers`} that ${c.to} received on it after recording its state and before the marker from ${c.from} ${missing.length === 1 ? 'is' : 'are'} missing.`] : []),
      ];
      if (problems.length > 0) wrong.push(`Channel ${channelText(c)}: ${problems.join(' ')}`);
    }
    return [{ name: 'recorded channel states', passed: wrong.length === 0, feedback: wrong.join(' ') }];
  },
  hints: () => [
    'A branch records its state when it starts the snapshot or at the first marker it receives, whichever comes first. From then on it records each incoming channel until the marker arrives on that channel.',
    'The channel a branch\'s first marker came on is recorded as empty.',
  ],
  solution(p) {
    const run = runScript(p.script);
    const order = new Map<NodeId, number>();
    run.events.forEach((e, i) => {
      const n = e.kind === 'start' ? e.node : e.kind === 'marker' ? e.to : undefined;
      if (n !== undefined && !order.has(n)) order.set(n, i + 1);
    });
    const lines = SCRIPT_CHANNELS.map((c) => {
      const list = run.recorded[channelKey(c.from, c.to)] as string[];
      return `- ${channelText(c)}: ${list.length === 0 ? 'nothing' : list.join(', ')}`;
    });
    return {
      text: `The branches record their states at steps ${SCRIPT_NODES.map((n) => `${n}: ${order.get(n)}`).join(', ')}. Each channel's state is what its receiver took on it after recording and before the marker on that channel:\n\n${lines.join('\n')}\n\nSo the answer is \`${answerText(p)}\`. These are exactly the transfers sent before their sender recorded and received after their receiver recorded: the money in flight across the cut, which with the recorded balances adds up to ${START_BALANCE * SCRIPT_NODES.length} coins.`,
    };
  },
});

function answerText(p: ChannelRecordingsParams): string {
  return `{${Object.values(runScript(p.script).recorded).flat().sort(byNumber).join(', ')}}`;
}

function byNumber(x: string, y: string): number {
  return Number(x.slice(1)) - Number(y.slice(1));
}

/** Why a message is not part of its channel's recorded state: it arrived before the receiver recorded, or after the marker. */
function whyNot(run: ScriptRun, c: Channel, name: string): string {
  const at = (pred: (e: ScriptEvent) => boolean) => run.events.findIndex(pred) + 1;
  const received = at((e) => e.kind === 'receive' && e.name === name);
  const recordedAt = at((e) => (e.kind === 'start' && e.node === c.to) || (e.kind === 'marker' && e.to === c.to));
  const markerAt = at((e) => e.kind === 'marker' && e.from === c.from && e.to === c.to);
  if (received < recordedAt) return `${c.to} received it at step ${received}, before recording its state at step ${recordedAt}, so it is already in ${c.to}'s recorded balance.`;
  if (markerAt > 0 && received > markerAt) return `it arrived at step ${received}, after the marker on this channel (step ${markerAt}): on a FIFO channel that means ${c.from} sent it after recording, so it lies after the cut and the snapshot leaves it out.`;
  return `${c.to} received it at step ${received}, when it was not recording this channel.`;
}
