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

/** A request to move `amount` to `to`; send it as a `request` intervention to the paying node. */
export function transfer(to: NodeId, amount: number): TransferRequest {
  return { type: 'transfer', to, amount };
}

/**
 * A bank branch starting with `initialBalance`. A transfer request larger than the balance (or not a positive
 * amount) is refused and logged; otherwise the amount leaves the balance and travels as a message.
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
  /** A number of random transfers (`randomTransfers` from the seed, up to `untilMs` / 2), or explicit request interventions. */
  transfers?: number | Intervention[];
  snapshots: { atMs: number; node: NodeId; id: string }[];
  untilMs: number;
  /** The most transfer amount for random transfers (default 50). */
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

/** Runs the bank under the snapshot layer, collects every snapshot and checks each one. */
export function runBank(options: BankRunOptions): BankRun {
  const nodes = Object.keys(options.balances).sort();
  if (nodes.length === 0) throw new Error('runBank needs at least one node in balances');
  const channels = options.channels ?? allChannels(nodes);
  const fifo = options.fifo ?? options.algorithm === 'chandy-lamport';
  const layerOptions = { algorithm: options.algorithm, channels, ...(options.markerRule ? { markerRule: options.markerRule } : {}) };
  const behaviors = Object.fromEntries(nodes.map((n) => [n, withSnapshots(bankNode(options.balances[n] as number), layerOptions)]));
  const transfers = typeof options.transfers === 'number' || options.transfers === undefined
    ? randomTransfers({ seed: options.seed, nodes, channels, count: options.transfers ?? 0, untilMs: Math.floor(options.untilMs / 2), ...(options.maxAmount ? { maxAmount: options.maxAmount } : {}) })
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
