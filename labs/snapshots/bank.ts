/**
 * The bank: the application the snapshot chapter records. Each node holds a balance; a transfer request moves an
 * amount from the node to a neighbour as a message, which the receiver adds to its balance. Money is only ever
 * moved, never made, so the balances plus the money in flight always sum to the starting total: a recorded global
 * state must sum to it too (the kind of conserved quantity Chandy and Lamport 1985 use to explain their algorithm).
 *
 * `runBank` runs the bank under the snapshot layer on the simulator, collects the snapshots and runs the checkers;
 * `findFifoFailure` searches seeds for a Chandy-Lamport run on non-FIFO links whose snapshot creates or destroys
 * money (the wrong-on-purpose case: the same layer, on links that let messages overtake the marker).
 */
import { Random } from '../sim/random';
import { simulate } from '../sim/simulation';
import type { Intervention } from '../sim/interventions';
import type { Latency, LinkOverride } from '../sim/network';
import type { CheckResult } from '../sim/check';
import type { Trace } from '../sim/trace';
import type { NodeBehavior, NodeId } from '../sim/types';
import { allChannels, startSnapshot, withSnapshots } from './layer';
import { checkSnapshots } from './checkers';
import { collectSnapshots } from './collect';
import type { Channel, ChannelStateRule, GlobalSnapshot, MarkerReceiveRule, SnapshotAlgorithm } from './types';

export interface BankState {
  balance: number;
}

export interface BankMessage {
  type: 'transfer';
  amount: number;
}

/** The client request that moves `amount` from the node it is sent to, to `to`. */
export interface TransferRequest {
  type: 'transfer';
  to: NodeId;
  amount: number;
}

/** The `log` text of a refused transfer (`data`: the request and the balance at the time). */
export const TRANSFER_REFUSED_LOG = 'transfer refused';

/**
 * A request to move `amount` (a positive whole number) to `to`; send it as a `request` intervention to the paying
 * node. Throws for an amount that is not a positive whole number or a `to` that is not a node id.
 */
export function transfer(to: NodeId, amount: number): TransferRequest {
  if (typeof to !== 'string' || to === '') throw new Error(`transfer(to, amount): to must name the receiving node (got ${show(to)})`);
  if (!Number.isInteger(amount) || amount <= 0) throw new Error(`transfer(to, amount): amount must be a positive whole number (got ${show(amount)})`);
  return { type: 'transfer', to, amount };
}

/** A value as an error message quotes it: strings in quotes, everything else as JSON where it can be. */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A bank branch starting with `initialBalance`. A transfer request larger than the balance is refused and logged
 * (`TRANSFER_REFUSED_LOG`); otherwise the amount leaves the balance and travels as a message. `transfer` and
 * `runBank` refuse a bad amount before the run starts; the node still refuses (and logs) at run time a request
 * built by hand whose amount is not a positive number, since a node must not throw on what a client sends it.
 */
export function bankNode(initialBalance: number): NodeBehavior<BankState, BankMessage> {
  if (typeof initialBalance !== 'number' || !Number.isFinite(initialBalance)) throw new Error(`bankNode needs a finite initial balance (got ${String(initialBalance)})`);
  return {
    init: () => ({ balance: initialBalance }),
    step(state, input) {
      if (input.type === 'message') {
        const message = input.message;
        if (message?.type !== 'transfer') return { state };
        return { state: { balance: state.balance + message.amount } };
      }
      if (input.type === 'request') {
        const request = input.request as Partial<TransferRequest> | null;
        if (request?.type !== 'transfer' || typeof request.to !== 'string') return { state };
        const amount = request.amount;
        if (typeof amount !== 'number' || !(amount > 0) || amount > state.balance) {
          return { state, effects: [{ type: 'log', text: TRANSFER_REFUSED_LOG, data: { request, balance: state.balance } }] };
        }
        return {
          state: { balance: state.balance - amount },
          effects: [{ type: 'send', to: request.to, message: { type: 'transfer', amount } }],
        };
      }
      return { state };
    },
  };
}

/**
 * `count` transfer requests drawn from `seed`: each on a channel picked uniformly (default: every ordered pair of
 * `nodes`), of a whole amount in [1, maxAmount] (default 50), at a whole millisecond in [fromMs, untilMs] (default
 * fromMs 0). Returned sorted by time, as `request` interventions to the paying node.
 */
export function randomTransfers(options: {
  seed: number | string;
  nodes: NodeId[];
  channels?: Channel[];
  count: number;
  fromMs?: number;
  untilMs: number;
  maxAmount?: number;
}): Intervention[] {
  const channels = options.channels ?? allChannels(options.nodes);
  if (channels.length === 0) throw new Error('randomTransfers needs at least one channel');
  const fromMs = options.fromMs ?? 0;
  const maxAmount = options.maxAmount ?? 50;
  if (!(Number.isInteger(maxAmount) && maxAmount > 0)) throw new Error(`randomTransfers: maxAmount must be a positive whole number (got ${show(maxAmount)})`);
  if (!(options.untilMs >= fromMs)) throw new Error(`randomTransfers: untilMs (${options.untilMs}) must be at least fromMs (${fromMs})`);
  const random = new Random(options.seed).fork('transfers');
  const out: Intervention[] = [];
  for (let i = 0; i < options.count; i++) {
    const channel = channels[random.int(0, channels.length - 1)] as Channel;
    const amount = random.int(1, maxAmount);
    const atMs = random.int(Math.ceil(fromMs), Math.floor(options.untilMs));
    out.push({ atMs, kind: 'request', node: channel.from, request: transfer(channel.to, amount) });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

export interface BankRunOptions {
  seed: number | string;
  /** Each node's starting balance, a non-negative whole number; at least two nodes. */
  balances: Record<NodeId, number>;
  /** Directed channels (default: every ordered pair). Transfers and markers use these only. */
  channels?: Channel[];
  algorithm: SnapshotAlgorithm;
  /**
   * FIFO links. Default true for Chandy-Lamport (its §2 model) and false for Lai-Yang (which needs no FIFO).
   * Chandy-Lamport with `fifo: false` is the wrong-on-purpose run.
   */
  fifo?: boolean;
  /** Link latency (default uniform 1 to 20 ms, so that messages on non-FIFO links overtake each other often). */
  latency?: Latency;
  /** Per-link overrides of latency or FIFO, as the simulator's network takes them. */
  links?: LinkOverride[];
  /**
   * A number of random transfers, a non-negative whole number (`randomTransfers` from the seed, up to `untilMs` / 2),
   * or explicit request interventions (`transfer` requests to the paying node).
   */
  transfers?: number | Intervention[];
  /**
   * Snapshots to start: at `atMs` (at least 0 and before `untilMs`), node `node` starts snapshot `id`. One node may
   * start several snapshots, each with its own id.
   */
  snapshots: { atMs: number; node: NodeId; id: string }[];
  untilMs: number;
  /** The largest amount of a random transfer, a positive whole number (default 50). */
  maxAmount?: number;
  markerRule?: MarkerReceiveRule;
  channelState?: ChannelStateRule;
}

export interface BankRun {
  trace: Trace;
  total: number;
  /** Whether the run's links were FIFO. */
  fifo: boolean;
  /** The channels the run used. */
  channels: Channel[];
  snapshots: GlobalSnapshot<BankState, BankMessage>[];
  /** Per snapshot id: completeness, consistent cut, conservation, reachability. */
  checks: Record<string, CheckResult[]>;
}

/** The money a bank state holds, and the money a transfer message carries. */
export const bankValue = {
  ofState: (s: BankState) => s.balance,
  ofMessage: (m: BankMessage) => m.amount,
};

/**
 * Checks a run's options before anything runs, and throws an Error that names the option as the caller wrote it
 * (`balances.a`, `snapshots[1].atMs`, `channels[0].to`) and what it got. The simulator and the layer check their
 * own inputs too; this check comes first so that the message speaks of `runBank`'s options, not of their insides.
 */
function validateBankOptions(options: BankRunOptions): NodeId[] {
  const fail = (field: string, rule: string, got: unknown): never => {
    throw new Error(`runBank: ${field} ${rule} (got ${show(got)})`);
  };
  if (options === null || typeof options !== 'object') fail('options', 'must be an object', options);
  const { balances } = options;
  if (balances === null || typeof balances !== 'object' || Array.isArray(balances)) fail('balances', 'must map each node to its starting balance, e.g. { a: 100, b: 100 }', balances);
  const nodes = Object.keys(balances).sort();
  if (nodes.length < 2) fail('balances', 'must name at least two nodes, since a transfer goes from one node to another', balances);
  for (const n of nodes) {
    const b = balances[n];
    if (!Number.isInteger(b) || (b as number) < 0) fail(`balances.${n}`, 'must be a non-negative whole number', b);
  }
  if (options.algorithm !== 'chandy-lamport' && options.algorithm !== 'lai-yang') fail('algorithm', "must be 'chandy-lamport' or 'lai-yang'", options.algorithm);
  const untilMs = options.untilMs;
  if (typeof untilMs !== 'number' || !Number.isFinite(untilMs) || untilMs <= 0) fail('untilMs', 'must be a positive number of milliseconds', untilMs);
  const known = new Set(nodes);
  if (options.channels !== undefined) {
    if (!Array.isArray(options.channels)) fail('channels', 'must be a list of { from, to } channels', options.channels);
    options.channels.forEach((c, i) => {
      if (c === null || typeof c !== 'object') fail(`channels[${i}]`, 'must be a { from, to } channel', c);
      for (const end of ['from', 'to'] as const) {
        if (!known.has(c[end])) fail(`channels[${i}].${end}`, `must name a node of balances (nodes: ${nodes.join(', ')})`, c[end]);
      }
      if (c.from === c.to) fail(`channels[${i}]`, 'must join two distinct nodes', c);
    });
  }
  const transfers = options.transfers;
  if (transfers !== undefined && !Array.isArray(transfers) && !(Number.isInteger(transfers) && transfers >= 0)) {
    fail('transfers', 'must be a non-negative whole number of random transfers, or a list of request interventions', transfers);
  }
  if (options.maxAmount !== undefined && !(Number.isInteger(options.maxAmount) && options.maxAmount > 0)) {
    fail('maxAmount', 'must be a positive whole number', options.maxAmount);
  }
  if (!Array.isArray(options.snapshots)) fail('snapshots', 'must be a list of { atMs, node, id } (an empty list for none)', options.snapshots);
  const idsAt = new Map<NodeId, Set<string>>();
  options.snapshots.forEach((s, i) => {
    if (s === null || typeof s !== 'object') fail(`snapshots[${i}]`, 'must be { atMs, node, id }', s);
    if (!known.has(s.node)) fail(`snapshots[${i}].node`, `must name a node of balances (nodes: ${nodes.join(', ')})`, s.node);
    if (typeof s.atMs !== 'number' || !Number.isFinite(s.atMs) || s.atMs < 0) fail(`snapshots[${i}].atMs`, 'must be a non-negative number of milliseconds', s.atMs);
    if (s.atMs >= untilMs) fail(`snapshots[${i}].atMs`, `must be before untilMs (${untilMs} ms), or the snapshot never starts`, s.atMs);
    if (typeof s.id !== 'string' || s.id === '') fail(`snapshots[${i}].id`, 'must be a non-empty string', s.id);
    const ids = idsAt.get(s.node) ?? new Set<string>();
    if (ids.has(s.id)) fail(`snapshots[${i}].id`, `must not repeat an id already started at ${s.node}: each snapshot needs its own id`, s.id);
    ids.add(s.id);
    idsAt.set(s.node, ids);
  });
  return nodes;
}

/**
 * Runs the bank under the snapshot layer, collects every snapshot and checks each one. Throws before running, with
 * an error naming the option, when an option is out of range (see `validateBankOptions`).
 */
export function runBank(options: BankRunOptions): BankRun {
  const nodes = validateBankOptions(options);
  const channels = options.channels ?? allChannels(nodes);
  const fifo = options.fifo ?? options.algorithm === 'chandy-lamport';
  const layerOptions = { algorithm: options.algorithm, channels, ...(options.markerRule ? { markerRule: options.markerRule } : {}) };
  const behaviors = Object.fromEntries(nodes.map((n) => [n, withSnapshots(bankNode(options.balances[n] as number), layerOptions)]));
  const transfers = typeof options.transfers === 'number' || options.transfers === undefined
    ? randomTransfers({ seed: options.seed, nodes, channels, count: options.transfers ?? 0, untilMs: Math.floor(options.untilMs / 2), ...(options.maxAmount !== undefined ? { maxAmount: options.maxAmount } : {}) })
    : options.transfers;
  const starts: Intervention[] = options.snapshots.map((s) => ({ atMs: s.atMs, kind: 'request', node: s.node, request: startSnapshot(s.id) }));
  const interventions = [...transfers, ...starts].sort((a, b) => a.atMs - b.atMs);
  const trace = simulate({
    seed: options.seed,
    nodes: behaviors,
    network: { fifo, latency: options.latency ?? { kind: 'uniform', minMs: 1, maxMs: 20 }, ...(options.links ? { links: options.links } : {}) },
    interventions,
    untilMs: options.untilMs,
  });
  const total = nodes.reduce((sum, n) => sum + (options.balances[n] as number), 0);
  const channelState = options.channelState ? { channelState: options.channelState } : {};
  const checked = checkSnapshots<BankState, BankMessage>(trace, {
    app: (node) => bankNode(options.balances[node] as number),
    total,
    valueOfState: bankValue.ofState,
    valueOfMessage: bankValue.ofMessage,
    fifo,
    ...channelState,
  });
  const snapshots = checked.map((c) => c.snapshot);
  const checks = Object.fromEntries(checked.map((c) => [c.snapshot.snapshotId, c.checks]));
  return { trace, total, fifo, channels, snapshots, checks };
}

/** Whether a bank run's snapshot broke conservation. */
function breaksConservation(run: BankRun): boolean {
  return Object.values(run.checks).some((list) => list.some((c) => c.property === 'conservation' && c.status === 'violation'));
}

/**
 * Searches seeds 1, 2, ... of Chandy-Lamport on non-FIFO links for the first run whose snapshot creates or
 * destroys money, and returns it (undefined if none of `seeds` seeds does). The run is the real layer on links
 * without FIFO, so a transfer sent after its sender recorded can overtake the marker and reach the receiver before
 * it records (the money is counted at both ends: created), or a transfer sent before can be overtaken by the marker
 * and arrive after its channel was closed (counted nowhere: destroyed). Defaults: 200 seeds, three nodes with 100
 * each, all-to-all, 30 transfers over the first half of the run, a snapshot from `a` at 40 ms, run to 400 ms.
 */
export function findFifoFailure(options: {
  seeds?: number;
  firstSeed?: number;
  balances?: Record<NodeId, number>;
  channels?: Channel[];
  transfers?: number;
  snapshots?: { atMs: number; node: NodeId; id: string }[];
  untilMs?: number;
  latency?: Latency;
} = {}): { seed: number; run: BankRun } | undefined {
  const seeds = options.seeds ?? 200;
  const first = options.firstSeed ?? 1;
  for (let seed = first; seed < first + seeds; seed++) {
    const run = runBank({
      seed,
      balances: options.balances ?? { a: 100, b: 100, c: 100 },
      ...(options.channels ? { channels: options.channels } : {}),
      algorithm: 'chandy-lamport',
      fifo: false,
      ...(options.latency ? { latency: options.latency } : {}),
      transfers: options.transfers ?? 30,
      snapshots: options.snapshots ?? [{ atMs: 40, node: 'a', id: 's1' }],
      untilMs: options.untilMs ?? 400,
    });
    if (breaksConservation(run)) return { seed, run };
  }
  return undefined;
}
