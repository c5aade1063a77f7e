/**
 * The deterministic network simulator: owns time, randomness and the network, runs pure node behaviors.
 *
 * A run is a discrete-event simulation over one global virtual time (ms). Events wait in a binary heap ordered by
 * (time, insertion sequence), so ties break by the order in which they were scheduled and nothing depends on
 * object identity or engine details. Every random decision comes from streams forked from the seed: `network`
 * for latency, loss and duplication, `node:<id>` for each node's `ctx.random`. Same seed and same interventions,
 * byte-identical trace (TigerBeetle's VOPR: "reproduce this failure with seed=").
 *
 * Order within one instant:
 * 1. at time 0 every node runs `init` then a `start` input, in sorted node-id order;
 * 2. then the interventions at that time, in list order (see `interventions.ts`);
 * 3. then deliveries and timers, in the order they were scheduled.
 * A step's effects are carried out in the order returned; a timer of 0 ms or a message with 0 ms latency runs
 * after everything already scheduled for the same instant.
 *
 * Choices worth knowing: a self-send is a message like any other (it crosses the link from the node to itself).
 * A send to an unknown node id is always a bug, so it throws a `NodeError` naming the node, as does a step that
 * throws or returns something other than `{ state, effects? }`. The run stops (`trace().halted`) after `maxEvents`
 * processed events, so a runaway loop ends instead of hanging a lab.
 */
import { MinHeap } from './event-queue';
import { Random, resolveSeed } from './random';
import { resolveNetworkOptions, sampleLatencyMs, linkOptions } from './network';
import type { LinkOptions, NetworkOptions } from './network';
import { resolveClockOptions } from './clock';
import type { ClockOptions } from './clock';
import { validateIntervention } from './interventions';
import type { Intervention } from './interventions';
import { jsonCopy } from './trace';
import type { DropReason, Trace, TraceEvent, TraceStats } from './trace';
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from './types';

/** Trace recording options. */
export interface TraceOptions {
  /** Most events kept (default 20000); the last kept is a `truncated` marker. The run itself goes on. */
  maxEvents?: number;
  /** Record a `state` event whenever a step changes a node's state (default true). Costs a JSON copy per step. */
  recordState?: boolean;
  /** Record events at all (default true); false keeps only `stats`, for benchmarks and long searches. */
  record?: boolean;
}

/**
 * Everything a run depends on. Replaying a run needs exactly these (with the same behaviors).
 *
 * - `seed`: a number or a string (see `resolveSeed`); the trace carries the resolved 32-bit number.
 * - `nodes`: one behavior per node id; nodes may share one behavior object or each have their own. When their
 *   state or message types differ, use a union type or give the type arguments, e.g. `simulate<unknown, unknown>`.
 * - `network`: overrides of `defaultNetwork` (see `network.ts`).
 * - `clocks`: per-node clock offset and drift (see `clock.ts`); nodes not named read global time.
 * - `interventions`: faults and requests at given times (see `interventions.ts`).
 * - `trace`: what to record.
 * - `maxEvents`: most queue events processed over the run (default 1,000,000) before it halts.
 */
export interface SimulationOptions<S, M> {
  seed: number | string;
  nodes: Record<NodeId, NodeBehavior<S, M>>;
  network?: Partial<NetworkOptions>;
  clocks?: Record<NodeId, Partial<ClockOptions>>;
  interventions?: Intervention[];
  trace?: TraceOptions;
  maxEvents?: number;
}

const START = 0;
const DELIVER = 1;
const TIMER = 2;
const RESUME = 3;
const INTERVENE = 4;
const REQUEST = 5; // only ever queued in a paused node's inbox

// Starts sort before interventions, and interventions before everything else, at the same instant.
const START_SEQ_BASE = -(2 ** 53) + 1;
const INTERVENTION_SEQ_BASE = -(2 ** 52);

const NEW = 0;
const UP = 1;
const DOWN = 2;

/**
 * One scheduled event. Every event has the same fields, created by `pending` in the same order, so all share one
 * hidden class and the hot path stays monomorphic (an object literal allocates faster than a class instance here).
 */
interface Pending {
  readonly atMs: number;
  readonly seq: number;
  readonly kind: number;
  /** The node it happens at (receiver, timer owner). */
  readonly node: number;
  /** Sender index for deliveries, -1 otherwise. */
  readonly from: number;
  /** The message id for deliveries; the timer or pause token this event is valid for otherwise. */
  readonly id: number;
  /** The message, the timer payload, the request or the intervention. */
  readonly value: unknown;
  /** The message's JSON copy for the trace (when recording) or the timer's name. */
  readonly aux: unknown;
}

function pending(atMs: number, seq: number, kind: number, node: number, from: number, id: number, value: unknown, aux: unknown): Pending {
  return { atMs, seq, kind, node, from, id, value, aux };
}

function earlier(a: Pending, b: Pending): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

class NodeSlot<S, M> {
  status = NEW;
  state: S | undefined = undefined;
  paused = false;
  pauseEndMs = 0;
  pauseToken = 0;
  inbox: Pending[] = [];
  /** Timer name -> token of the one pending firing that counts. */
  readonly timers = new Map<string, number>();
  /** Last persisted data, as JSON text. */
  durable: string | undefined = undefined;
  lastStateJson: string | undefined = undefined;
  /** The last send's destination and its index (a one-entry cache; both undefined until the first send). */
  lastTo: NodeId | undefined = undefined;
  lastToIndex: number | undefined = undefined;
  readonly ctx: StepContext;

  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly behavior: NodeBehavior<S, M>,
    readonly offsetMs: number,
    readonly rate: number,
    allIds: readonly NodeId[],
    random: Random,
  ) {
    // Peers are computed on first use: a node that never reads them costs nothing, which keeps networks of
    // thousands of nodes linear to set up instead of quadratic.
    let peers: readonly NodeId[] | undefined;
    this.ctx = {
      id,
      get peers() {
        return (peers ??= Object.freeze(allIds.filter((other) => other !== id)));
      },
      nowMs: 0,
      random,
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A node threw, or broke the contract (an unknown effect, a send to an unknown node, data JSON cannot hold): the
 * run cannot go on. Graders report it as a `crash` failure. `node` and `atMs` (global time) say where and when,
 * `cause` is the original exception, and `trace` (filled in by `simulate`) is the trace up to that moment.
 */
export class NodeError extends Error {
  trace?: Trace;

  constructor(
    readonly node: NodeId,
    readonly atMs: number,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'NodeError';
  }
}

function isPositiveCount(n: unknown): boolean {
  return typeof n === 'number' && (n === Infinity || (Number.isInteger(n) && n >= 1));
}

/**
 * A run in progress. Drive it with `runUntil`, `runFor` or `step`; read it with `states` and `trace`.
 * `schedule` adds an intervention during the run (for interactive labs); `interventions()` returns the full list
 * for replay.
 */
export class Simulation<S, M> {
  /** The resolved 32-bit seed. */
  readonly seed: number;
  /** Node ids, sorted. */
  readonly nodeIds: readonly NodeId[];

  private readonly slots: NodeSlot<S, M>[] = [];
  private readonly indexOf = new Map<NodeId, number>();
  private readonly n: number;
  private readonly queue = new MinHeap<Pending>(earlier);
  private readonly networkRandom: Random;
  private readonly defaultLink: LinkOptions;
  private readonly linkOverrides: Map<number, LinkOptions> | null;
  private readonly lastDeliveryMs: Float64Array | null;
  private blocked: Uint8Array | null = null;
  private partitioned = false;
  private readonly armedDrops = new Set<number>();
  private readonly scheduled: Intervention[] = [];
  private readonly maxEvents: number;
  private readonly maxTraceEvents: number;

  private now = 0;
  private nextSeq = 0;
  private nextMsgId = 0;
  private nextTimerToken = 1;
  private processed = 0;
  private halt: Trace['halted'] = undefined;

  private recording: boolean;
  private recordState: boolean;
  private truncated = false;
  private readonly events: TraceEvent[] = [];
  private readonly stats: TraceStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 };

  constructor(options: SimulationOptions<S, M>) {
    if (options === null || typeof options !== 'object') throw new Error('simulation options must be an object');
    this.seed = resolveSeed(options.seed);
    const nodes = options.nodes;
    if (nodes === null || typeof nodes !== 'object' || Object.keys(nodes).length === 0) {
      throw new Error('nodes must be an object with at least one node, like { a: behavior, b: behavior }');
    }
    const ids = Object.keys(nodes).sort();
    this.nodeIds = Object.freeze(ids);
    this.n = ids.length;

    const clocks = options.clocks ?? {};
    for (const id of Object.keys(clocks)) {
      if (!(id in nodes)) throw new Error(`clocks.${id} does not name a node (nodes: ${ids.join(', ')})`);
    }
    const root = new Random(this.seed);
    const sharedIds = Object.freeze(ids.slice());
    ids.forEach((id, index) => {
      const behavior = nodes[id];
      if (behavior === null || typeof behavior !== 'object' || typeof behavior.init !== 'function' || typeof behavior.step !== 'function') {
        throw new Error(`nodes.${id} must be a behavior with init and step functions`);
      }
      const clock = resolveClockOptions(id, clocks[id]);
      this.slots.push(new NodeSlot(id, index, behavior, clock.offsetMs, 1 + clock.driftPpm / 1e6, sharedIds, root.fork(`node:${id}`)));
      this.indexOf.set(id, index);
    });

    const network = resolveNetworkOptions(options.network, ids);
    this.networkRandom = root.fork('network');
    this.defaultLink = linkOptions({ ...network, links: [] }, '', '');
    let anyFifo = this.defaultLink.fifo;
    if (network.links !== undefined && network.links.length > 0) {
      this.linkOverrides = new Map();
      for (const { from, to } of network.links) {
        const link = linkOptions(network, from, to);
        anyFifo ||= link.fifo;
        this.linkOverrides.set(this.linkIndex(from, to), link);
      }
    } else {
      this.linkOverrides = null;
    }
    this.lastDeliveryMs = anyFifo ? new Float64Array(this.n * this.n) : null;

    const traceOptions = options.trace ?? {};
    this.maxTraceEvents = traceOptions.maxEvents ?? 20000;
    if (!isPositiveCount(this.maxTraceEvents) || this.maxTraceEvents === Infinity) {
      throw new Error(`trace.maxEvents must be a positive integer (got ${String(traceOptions.maxEvents)})`);
    }
    this.recording = traceOptions.record ?? true;
    this.recordState = this.recording && (traceOptions.recordState ?? true);
    this.maxEvents = options.maxEvents ?? 1_000_000;
    if (!isPositiveCount(this.maxEvents)) {
      throw new Error(`maxEvents must be a positive integer or Infinity (got ${String(options.maxEvents)})`);
    }

    for (let i = 0; i < ids.length; i++) {
      this.queue.push(pending(0, START_SEQ_BASE + i, START, i, -1, -1, undefined, undefined));
    }
    const interventions = options.interventions ?? [];
    if (!Array.isArray(interventions)) throw new Error('interventions must be a list');
    interventions.forEach((intervention) => this.schedule(intervention));
  }

  /** Global virtual time reached, in ms. */
  get nowMs(): number {
    return this.now;
  }

  /** Processes every event up to and including global time `tMs`, then sets the time to `tMs`. */
  runUntil(tMs: number): void {
    if (typeof tMs !== 'number' || Number.isNaN(tMs)) throw new Error(`runUntil needs a time in ms (got ${String(tMs)})`);
    const queue = this.queue;
    while (this.halt === undefined) {
      const next = queue.peek();
      if (next === undefined || next.atMs > tMs) break;
      if (this.processed >= this.maxEvents) {
        this.halt = { reason: 'maxEvents', maxEvents: this.maxEvents, atMs: this.now };
        break;
      }
      queue.pop();
      this.processed++;
      this.process(next);
    }
    if (this.halt === undefined && tMs > this.now && tMs !== Infinity) this.now = tMs;
  }

  /** Runs for `ms` more milliseconds of global time. */
  runFor(ms: number): void {
    this.runUntil(this.now + ms);
  }

  /** Processes the next event; false when there is none (or the run has halted). */
  step(): boolean {
    if (this.halt !== undefined || this.queue.size === 0) return false;
    if (this.processed >= this.maxEvents) {
      this.halt = { reason: 'maxEvents', maxEvents: this.maxEvents, atMs: this.now };
      return false;
    }
    this.processed++;
    this.process(this.queue.pop() as Pending);
    return true;
  }

  /**
   * Adds an intervention. Before the run starts any time >= 0 is allowed; once events have been processed it
   * must lie strictly in the future, so that a replay with the full list up front runs identically.
   */
  schedule(intervention: Intervention): void {
    validateIntervention(intervention, this.scheduled.length, this.nodeIds, this.indexOf);
    if (this.processed > 0 && !(intervention.atMs > this.now)) {
      throw new Error(`interventions added during a run must lie after now = ${this.now} ms (got atMs ${intervention.atMs})`);
    }
    const seq = INTERVENTION_SEQ_BASE + this.scheduled.length;
    this.scheduled.push(intervention);
    this.queue.push(pending(intervention.atMs, seq, INTERVENE, -1, -1, -1, intervention, undefined));
  }

  /** Every intervention scheduled so far, in order: pass it back with the seed to replay this run. */
  interventions(): Intervention[] {
    return this.scheduled.slice();
  }

  /** Each node's current state; undefined for a crashed node (and before time 0 has run). Do not mutate. */
  states(): Record<NodeId, S | undefined> {
    const out: Record<NodeId, S | undefined> = {};
    for (const slot of this.slots) out[slot.id] = slot.state;
    return out;
  }

  /** The trace so far (a snapshot: later progress does not change it). */
  trace(): Trace {
    const trace: Trace = {
      seed: this.seed,
      nodes: this.nodeIds.slice(),
      endMs: this.now,
      events: this.events.slice(),
      truncated: this.truncated,
      stats: { ...this.stats },
    };
    if (this.halt !== undefined) trace.halted = { ...this.halt };
    return trace;
  }

  private linkIndex(from: NodeId, to: NodeId): number {
    return (this.indexOf.get(from) as number) * this.n + (this.indexOf.get(to) as number);
  }

  private clockMs(slot: NodeSlot<S, M>): number {
    return slot.offsetMs + this.now * slot.rate;
  }

  private process(ev: Pending): void {
    this.now = ev.atMs;
    switch (ev.kind) {
      case DELIVER:
        this.arrive(ev);
        return;
      case TIMER: {
        const slot = this.slots[ev.node] as NodeSlot<S, M>;
        if (slot.timers.get(ev.aux as string) !== ev.id) return; // cancelled, replaced, or lost in a crash
        if (slot.paused) slot.inbox.push(ev);
        else this.fireTimer(slot, ev);
        return;
      }
      case START: {
        const slot = this.slots[ev.node] as NodeSlot<S, M>;
        if (slot.status === NEW) this.boot(slot, undefined);
        return;
      }
      case RESUME:
        this.resume(ev);
        return;
      case INTERVENE:
        this.intervene(ev.value as Intervention);
        return;
    }
  }

  private arrive(ev: Pending): void {
    const slot = this.slots[ev.node] as NodeSlot<S, M>;
    if (slot.status !== UP) this.drop(ev, 'crashed');
    else if (this.partitioned && (this.blocked as Uint8Array)[ev.from * this.n + ev.node] === 1) this.drop(ev, 'partition');
    else if (this.armedDrops.size > 0 && this.armedDrops.delete(ev.id)) this.drop(ev, 'intervention');
    else if (slot.paused) slot.inbox.push(ev);
    else this.deliver(slot, ev);
  }

  private deliver(slot: NodeSlot<S, M>, ev: Pending): void {
    this.stats.delivered++;
    const from = (this.slots[ev.from] as NodeSlot<S, M>).id;
    if (this.recording) {
      this.record({ seq: this.events.length, t: this.now, kind: 'deliver', node: slot.id, from, msgId: ev.id, message: ev.aux, clockMs: this.clockMs(slot) });
    }
    this.runStep(slot, { type: 'message', from, message: ev.value as M, msgId: ev.id });
  }

  private fireTimer(slot: NodeSlot<S, M>, ev: Pending): void {
    const name = ev.aux as string;
    if (slot.timers.get(name) !== ev.id) return;
    slot.timers.delete(name);
    this.stats.timers++;
    if (this.recording) {
      this.record({ seq: this.events.length, t: this.now, kind: 'timer', node: slot.id, name, clockMs: this.clockMs(slot) });
    }
    const input: Input<M> = ev.value === undefined ? { type: 'timer', name } : { type: 'timer', name, payload: ev.value };
    this.runStep(slot, input);
  }

  private drop(ev: Pending, reason: DropReason): void {
    this.stats.dropped++;
    if (this.recording) {
      const from = (this.slots[ev.from] as NodeSlot<S, M>).id;
      const node = (this.slots[ev.node] as NodeSlot<S, M>).id;
      this.record({ seq: this.events.length, t: this.now, kind: 'drop', node, from, msgId: ev.id, message: ev.aux, reason });
    }
  }

  private runStep(slot: NodeSlot<S, M>, input: Input<M>): void {
    const ctx = slot.ctx;
    ctx.nowMs = this.clockMs(slot);
    let result: { state: S; effects?: Effect<M>[] };
    try {
      result = slot.behavior.step(slot.state as S, input, ctx);
    } catch (error) {
      throw this.nodeError(slot, `node "${slot.id}" threw on a ${input.type} input: ${messageOf(error)}`, error);
    }
    this.stats.steps++;
    if (result === null || typeof result !== 'object') {
      throw this.nodeError(slot, `node "${slot.id}": step must return { state, effects } (got ${String(result)}) on a ${input.type} input`);
    }
    slot.state = result.state;
    if (this.recordState) this.recordStateIfChanged(slot);
    const effects = result.effects;
    if (effects !== undefined) {
      if (!Array.isArray(effects)) throw this.nodeError(slot, `node "${slot.id}": step returned effects that are not a list`);
      for (let i = 0; i < effects.length; i++) this.apply(slot, effects[i] as Effect<M>);
    }
  }

  private nodeError(slot: NodeSlot<S, M>, message: string, cause?: unknown): NodeError {
    return new NodeError(slot.id, this.now, `${message} (at ${this.now} ms)`, cause);
  }

  private apply(slot: NodeSlot<S, M>, effect: Effect<M>): void {
    if (effect === null || typeof effect !== 'object') {
      throw this.nodeError(slot, `node "${slot.id}" returned an effect that is not an object (got ${String(effect)})`);
    }
    switch (effect.type) {
      case 'send':
        this.send(slot, effect.to, effect.message);
        return;
      case 'setTimer':
        this.setTimer(slot, effect.name, effect.delayMs, effect.payload);
        return;
      case 'cancelTimer':
        slot.timers.delete(effect.name);
        return;
      case 'persist':
        slot.durable = this.jsonText(slot, effect.data, 'its persisted data');
        return;
      case 'log':
        if (this.recording) {
          const log: TraceEvent = { seq: this.events.length, t: this.now, kind: 'log', node: slot.id, text: String(effect.text) };
          if (effect.data !== undefined) log.data = this.copyOf(slot, effect.data, 'its log data');
          this.record(log);
        }
        return;
      case 'reply':
        if (this.recording) {
          this.record({ seq: this.events.length, t: this.now, kind: 'reply', node: slot.id, response: this.copyOf(slot, effect.response, 'its reply') ?? null });
        }
        return;
      default:
        throw this.nodeError(
          slot,
          `node "${slot.id}" returned an unknown effect type ${JSON.stringify((effect as { type: unknown }).type)} ` +
            '(expected send, setTimer, cancelTimer, persist, log or reply)',
        );
    }
  }

  private send(slot: NodeSlot<S, M>, to: NodeId, message: M): void {
    // Most nodes send to the same peer again and again; remembering the last lookup skips a hash-map probe.
    const toIndex = to === slot.lastTo ? slot.lastToIndex : this.indexOf.get(to);
    if (toIndex === undefined) {
      throw this.nodeError(slot, `node "${slot.id}" sent a message to unknown node ${JSON.stringify(to)} (nodes: ${this.nodeIds.join(', ')})`);
    }
    slot.lastTo = to;
    slot.lastToIndex = toIndex;
    const msgId = this.nextMsgId++;
    this.stats.sent++;
    const linkIndex = slot.index * this.n + toIndex;
    const link = this.linkOverrides === null ? this.defaultLink : (this.linkOverrides.get(linkIndex) ?? this.defaultLink);
    let copy: unknown;
    if (this.recording) {
      copy = this.copyOf(slot, message, `its message to "${to}"`) ?? null;
      this.record({ seq: this.events.length, t: this.now, kind: 'send', node: slot.id, to, msgId, message: copy, clockMs: this.clockMs(slot) });
    }
    if (this.partitioned && (this.blocked as Uint8Array)[linkIndex] === 1) {
      this.dropAtSend(slot, to, msgId, copy, 'partition');
      return;
    }
    const rng = this.networkRandom;
    if (link.lossProbability > 0 && rng.next() < link.lossProbability) {
      this.dropAtSend(slot, to, msgId, copy, 'loss');
      return;
    }
    this.enqueueDelivery(link, linkIndex, slot.index, toIndex, msgId, message, copy);
    if (link.duplicationProbability > 0 && rng.next() < link.duplicationProbability) {
      const copyId = this.nextMsgId++;
      this.stats.duplicated++;
      if (this.recording) {
        this.record({ seq: this.events.length, t: this.now, kind: 'duplicate', node: slot.id, to, msgId: copyId, copyOf: msgId });
      }
      this.enqueueDelivery(link, linkIndex, slot.index, toIndex, copyId, message, copy);
    }
  }

  private enqueueDelivery(link: LinkOptions, linkIndex: number, from: number, to: number, msgId: number, message: M, copy: unknown): void {
    let atMs = this.now + sampleLatencyMs(link.latency, this.networkRandom);
    if (link.fifo) {
      const last = (this.lastDeliveryMs as Float64Array)[linkIndex] as number;
      if (atMs < last) atMs = last;
      (this.lastDeliveryMs as Float64Array)[linkIndex] = atMs;
    }
    this.queue.push(pending(atMs, this.nextSeq++, DELIVER, to, from, msgId, message, copy));
  }

  private dropAtSend(slot: NodeSlot<S, M>, to: NodeId, msgId: number, copy: unknown, reason: DropReason): void {
    this.stats.dropped++;
    if (this.recording) {
      this.record({ seq: this.events.length, t: this.now, kind: 'drop', node: to, from: slot.id, msgId, message: copy, reason });
    }
  }

  private setTimer(slot: NodeSlot<S, M>, name: string, delayMs: number, payload: unknown): void {
    if (typeof name !== 'string') throw this.nodeError(slot, `node "${slot.id}" set a timer whose name is not a string (got ${String(name)})`);
    if (typeof delayMs !== 'number' || !(delayMs >= 0) || delayMs === Infinity) {
      throw this.nodeError(slot, `node "${slot.id}" set timer "${name}" with delayMs ${String(delayMs)}; it must be a non-negative finite number`);
    }
    const token = this.nextTimerToken++;
    slot.timers.set(name, token);
    this.queue.push(pending(this.now + delayMs / slot.rate, this.nextSeq++, TIMER, slot.index, -1, token, payload, name));
  }

  private boot(slot: NodeSlot<S, M>, durable: string | undefined): void {
    slot.status = UP;
    slot.lastStateJson = undefined;
    const ctx = slot.ctx;
    ctx.nowMs = this.clockMs(slot);
    const initCtx = Object.defineProperties({ id: ctx.id, nowMs: ctx.nowMs, random: ctx.random, durable: durable === undefined ? undefined : JSON.parse(durable) }, {
      peers: { get: () => ctx.peers, enumerable: true },
    }) as StepContext & { durable?: unknown };
    try {
      slot.state = slot.behavior.init(initCtx);
    } catch (error) {
      throw this.nodeError(slot, `node "${slot.id}" threw in init: ${messageOf(error)}`, error);
    }
    this.runStep(slot, { type: 'start' });
  }

  private crash(slot: NodeSlot<S, M>): void {
    slot.status = DOWN;
    slot.state = undefined;
    slot.lastStateJson = undefined;
    slot.timers.clear();
    if (this.recording) this.record({ seq: this.events.length, t: this.now, kind: 'crash', node: slot.id });
    if (slot.paused) {
      for (const ev of slot.inbox) if (ev.kind === DELIVER) this.drop(ev, 'crashed');
      slot.inbox = [];
      slot.paused = false;
      slot.pauseToken++;
    }
  }

  private resume(ev: Pending): void {
    const slot = this.slots[ev.node] as NodeSlot<S, M>;
    if (!slot.paused || slot.pauseToken !== ev.id) return;
    slot.paused = false;
    if (this.recording) this.record({ seq: this.events.length, t: this.now, kind: 'resume', node: slot.id });
    const inbox = slot.inbox;
    slot.inbox = [];
    for (const queued of inbox) {
      if (queued.kind === DELIVER) this.deliver(slot, queued);
      else if (queued.kind === TIMER) this.fireTimer(slot, queued);
      else this.runStep(slot, { type: 'request', request: queued.value });
    }
  }

  private intervene(i: Intervention): void {
    switch (i.kind) {
      case 'partition': {
        const group = new Map<NodeId, number>();
        i.groups.forEach((members, g) => members.forEach((id) => group.set(id, g)));
        const rest = this.nodeIds.filter((id) => !group.has(id));
        const blocked = this.blockedMatrix();
        for (const a of this.slots) {
          for (const b of this.slots) {
            const ga = group.get(a.id) ?? i.groups.length;
            const gb = group.get(b.id) ?? i.groups.length;
            if (ga !== gb) blocked[a.index * this.n + b.index] = 1;
          }
        }
        if (this.recording) {
          const groups = i.groups.map((g) => g.slice());
          if (rest.length > 0) groups.push(rest);
          this.record({ seq: this.events.length, t: this.now, kind: 'partition', groups });
        }
        return;
      }
      case 'partition-one-way': {
        const blocked = this.blockedMatrix();
        for (const from of i.from) {
          for (const to of i.to) if (from !== to) blocked[this.linkIndex(from, to)] = 1;
        }
        if (this.recording) this.record({ seq: this.events.length, t: this.now, kind: 'partition', from: i.from.slice(), to: i.to.slice() });
        return;
      }
      case 'heal':
        this.blocked?.fill(0);
        this.partitioned = false;
        if (this.recording) this.record({ seq: this.events.length, t: this.now, kind: 'heal' });
        return;
      case 'crash': {
        const slot = this.slotOf(i.node);
        if (slot.status === UP) this.crash(slot);
        return;
      }
      case 'restart': {
        const slot = this.slotOf(i.node);
        if (slot.status === UP) this.crash(slot);
        if (this.recording) this.record({ seq: this.events.length, t: this.now, kind: 'restart', node: slot.id, durable: i.durable });
        // Restarting without durable state means the disk is gone too: a later durable restart finds nothing.
        if (!i.durable) slot.durable = undefined;
        this.boot(slot, i.durable ? slot.durable : undefined);
        return;
      }
      case 'pause': {
        const slot = this.slotOf(i.node);
        const endMs = this.now + i.durationMs;
        if (slot.status !== UP || (slot.paused && endMs <= slot.pauseEndMs)) return;
        slot.paused = true;
        slot.pauseEndMs = endMs;
        const token = ++slot.pauseToken;
        if (this.recording) this.record({ seq: this.events.length, t: this.now, kind: 'pause', node: slot.id });
        this.queue.push(pending(endMs, this.nextSeq++, RESUME, slot.index, -1, token, undefined, undefined));
        return;
      }
      case 'drop':
        this.armedDrops.add(i.msgId);
        return;
      case 'request': {
        const slot = this.slotOf(i.node);
        if (this.recording) {
          this.record({ seq: this.events.length, t: this.now, kind: 'request', node: slot.id, request: jsonCopy(i.request, 'request') ?? null });
        }
        if (slot.status !== UP) return;
        if (slot.paused) slot.inbox.push(pending(this.now, -1, REQUEST, slot.index, -1, -1, i.request, undefined));
        else this.runStep(slot, { type: 'request', request: i.request });
        return;
      }
    }
  }

  private slotOf(id: NodeId): NodeSlot<S, M> {
    return this.slots[this.indexOf.get(id) as number] as NodeSlot<S, M>;
  }

  private blockedMatrix(): Uint8Array {
    this.blocked ??= new Uint8Array(this.n * this.n);
    this.partitioned = true;
    return this.blocked;
  }

  private recordStateIfChanged(slot: NodeSlot<S, M>): void {
    const text = this.jsonText(slot, slot.state, 'its state');
    if (text === slot.lastStateJson) return;
    slot.lastStateJson = text;
    this.record(stateEvent(this.events.length, this.now, slot.id, text));
  }

  /** JSON text of a value a node produced; data JSON cannot hold is the node's fault. */
  private jsonText(slot: NodeSlot<S, M>, value: unknown, what: string): string | undefined {
    try {
      return JSON.stringify(value);
    } catch (error) {
      throw this.nodeError(slot, `node "${slot.id}": ${what} is not plain JSON data: ${messageOf(error)}`, error);
    }
  }

  private copyOf<T>(slot: NodeSlot<S, M>, value: T, what: string): T {
    const text = this.jsonText(slot, value, what);
    return text === undefined ? (undefined as T) : (JSON.parse(text) as T);
  }

  /** Appends an event, or the `truncated` marker when only one slot is left, after which recording stops. */
  private record(event: TraceEvent): void {
    const events = this.events;
    if (events.length < this.maxTraceEvents - 1) {
      events.push(event);
      return;
    }
    events.push({ seq: events.length, t: this.now, kind: 'truncated' });
    this.truncated = true;
    this.recording = false;
    this.recordState = false;
  }
}

/**
 * A `state` event whose copy of the state is made from its JSON text when the event's `state` is first read. The
 * simulator needs the text anyway (to see whether the state changed), and most state events of a long run are
 * never read (a cell that counts log lines, a checker of messages), so parsing each one at once was a good part
 * of a recorded run's cost. The event looks and behaves like a plain one: `state` is an enumerable own property,
 * so JSON, spreading, structured cloning and equality all see the same value, and the first read or write turns
 * it into an ordinary data property.
 */
function stateEvent(seq: number, t: number, node: NodeId, text: string | undefined): TraceEvent {
  const event = { seq, t, kind: 'state', node } as Extract<TraceEvent, { kind: 'state' }>;
  if (text === undefined) {
    event.state = null;
    return event;
  }
  const settle = (value: unknown) => Object.defineProperty(event, 'state', { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(event, 'state', {
    enumerable: true,
    configurable: true,
    get() {
      const value: unknown = JSON.parse(text);
      settle(value);
      return value;
    },
    set: settle,
  });
  return event;
}

/** Runs a simulation from time 0 to `untilMs` and returns its trace; a `NodeError` carries the trace so far. */
export function simulate<S, M>(options: SimulationOptions<S, M> & { untilMs: number }): Trace {
  const simulation = new Simulation(options);
  try {
    simulation.runUntil(options.untilMs);
  } catch (error) {
    if (error instanceof NodeError) error.trace = simulation.trace();
    throw error;
  }
  return simulation.trace();
}
