/**
 * Checkpoints and rollback recovery: where a system restarts from after a failure, and why uncoordinated
 * checkpoints can send it back to the beginning.
 *
 * Each process saves its state now and then (a *checkpoint*). When a process fails it loses everything since its
 * last checkpoint and restarts from there; but messages it had sent after that checkpoint may have been received
 * by others, and the restored state says they were never sent. Such a message is an *orphan*: received in the
 * receiver's state, not sent in the sender's. A set of states with no orphan is a consistent cut (`cuts.ts`); the
 * latest consistent set of checkpoints the system can restart from is the *recovery line* (Randell 1975, "System
 * structure for software fault tolerance", on recovery lines of interacting processes; Elnozahy, Alvisi, Wang and
 * Johnson 2002, "A survey of rollback-recovery protocols in message-passing systems", §2 and §3).
 *
 * Rollback propagation finds it: start from the failed process's last checkpoint and the others' current states,
 * and while some receive is an orphan, roll its receiver back to its last checkpoint before that receive. Each
 * rollback can orphan more messages, and with checkpoints taken independently the cascade can go all the way back
 * to the initial states: Randell's *domino effect* (Elnozahy et al. §3, uncoordinated checkpointing). Coordinated
 * checkpoints avoid it: a global snapshot (Chandy and Lamport 1985) is a consistent set of checkpoints by
 * construction, so no rollback ever goes behind the last complete one (Elnozahy et al. §3, coordinated checkpointing).
 *
 * Why rollback propagation finds the latest consistent line: consistent cuts are closed under pointwise maximum
 * (`cuts.ts`), so among the consistent combinations of checkpoints at or below the starting states there is a
 * greatest one, G. Every rollback is forced: a consistent combination at or below the current states cannot
 * include an orphan receive whose send is outside, so on the receiver it is at or below the last checkpoint before
 * that receive. Hence the states never fall below G, and they stop at a consistent combination, which can only be G.
 * `recoveryLineByEnumeration` is the brute-force oracle the tests compare it with.
 */
import type { ProcessEvent } from '../clocks/causality';
import { Random } from '../sim/random';
import type { BankMessage, BankRun, BankState } from './bank';
import { runBank } from './bank';
import { appEvents, checkCut, cutOfSnapshot } from './cuts';
import type { AppEvent, CrossingMessage, Cut } from './cuts';
import type { GlobalSnapshot, NodeId } from './types';

/**
 * A local checkpoint: node `node` saved its state after its first `index` events (0: before any event). `label`
 * names it in figures and messages (e.g. `a:2` or the snapshot id that took it); `atMs`, when known, is when.
 */
export interface Checkpoint {
  node: NodeId;
  index: number;
  label: string;
  atMs?: number;
}

/**
 * Where one node restarts: the initial state, one of its checkpoints, or (a surviving node not forced back) the
 * state it was in when the failure happened.
 */
export type LinePoint = Checkpoint | 'initial' | 'current';

/** One forced rollback: `node` goes from `fromIndex` events back to `to`, because `orphan` was received at it. */
export interface Rollback {
  node: NodeId;
  fromIndex: number;
  toIndex: number;
  to: Checkpoint | 'initial';
  orphan: CrossingMessage;
}

export interface RecoveryOptions {
  /**
   * What the surviving nodes start from: `keep` (default) their state at the failure, rolled back only when an
   * orphan forces it (Elnozahy et al. §3, the recovery line of uncoordinated checkpointing); `restore`, their latest
   * checkpoints too, as in a restart of the whole system.
   */
  survivors?: 'keep' | 'restore';
}

export interface RecoveryLine {
  /** Where each node restarts. */
  line: Record<NodeId, LinePoint>;
  /** The same, as a cut: how many of each node's events survive. */
  cut: Cut;
  /** Where each node started before propagation (the failed node at its last checkpoint). */
  start: Cut;
  /** The rollbacks, round by round: each round rolls back every receiver of an orphan found in the states of the round before. */
  rounds: Rollback[][];
  /** Events undone on each node: its events at the failure minus those the line keeps. */
  undone: Record<NodeId, number>;
  /** Every event undone, the failed node's lost work included. */
  rolledBackEvents: number;
  /**
   * True when rollbacks cascade past saved work, the chain Randell called the domino effect: some rollback was
   * forced by another forced rollback (at least two rounds), and some node restarts from before its own latest
   * checkpoint. One round, however costly, is not a cascade; nor are rounds that stop at each node's latest
   * checkpoint, as rollbacks to the parts of one global snapshot do.
   */
  domino: boolean;
  /** Nodes sent back to their initial state although they had taken a checkpoint. */
  toInitial: NodeId[];
}

interface Prepared {
  nodes: NodeId[];
  totals: Record<NodeId, number>;
  /** Each node's checkpoints, by index ascending (one per index: a later one with the same index is the same state). */
  byNode: Map<NodeId, Checkpoint[]>;
}

function prepare(events: readonly ProcessEvent[], checkpoints: readonly Checkpoint[], failed: NodeId): Prepared {
  const nodes = [...new Set(events.map((e) => e.node))].sort();
  const totals = Object.fromEntries(nodes.map((n) => [n, events.filter((e) => e.node === n).length]));
  if (!nodes.includes(failed)) throw new Error(`the failed node ${JSON.stringify(failed)} has no events in this run (nodes: ${nodes.join(', ')})`);
  const byNode = new Map<NodeId, Checkpoint[]>(nodes.map((n) => [n, []]));
  for (const c of checkpoints) {
    const list = byNode.get(c.node);
    if (list === undefined) throw new Error(`checkpoint ${c.label} is at node ${JSON.stringify(c.node)}, which has no events in this run`);
    if (!Number.isInteger(c.index) || c.index < 0 || c.index > (totals[c.node] as number)) {
      throw new Error(`checkpoint ${c.label} at ${c.node} has index ${String(c.index)}; it must be from 0 to ${totals[c.node]}, the node's events`);
    }
    if (!list.some((d) => d.index === c.index)) list.push(c);
  }
  for (const list of byNode.values()) list.sort((a, b) => a.index - b.index);
  return { nodes, totals, byNode };
}

/** The node's latest checkpoint with index at most `limit`, or 'initial'. */
function latestAtMost(prepared: Prepared, node: NodeId, limit: number): Checkpoint | 'initial' {
  const list = prepared.byNode.get(node) as Checkpoint[];
  for (let i = list.length - 1; i >= 0; i--) if ((list[i] as Checkpoint).index <= limit) return list[i] as Checkpoint;
  return 'initial';
}

const indexOf = (p: Checkpoint | 'initial') => (p === 'initial' ? 0 : p.index);

function startOf(prepared: Prepared, failed: NodeId, options: RecoveryOptions): { start: Cut; line: Record<NodeId, LinePoint> } {
  const survivors = options.survivors ?? 'keep';
  const line: Record<NodeId, LinePoint> = {};
  for (const n of prepared.nodes) {
    line[n] = n === failed || survivors === 'restore' ? latestAtMost(prepared, n, prepared.totals[n] as number) : 'current';
  }
  const start = Object.fromEntries(prepared.nodes.map((n) => [n, line[n] === 'current' ? (prepared.totals[n] as number) : indexOf(line[n] as Checkpoint | 'initial')]));
  return { start, line };
}

function summarise(prepared: Prepared, line: Record<NodeId, LinePoint>, cut: Cut, start: Cut, rounds: Rollback[][]): RecoveryLine {
  const undone = Object.fromEntries(prepared.nodes.map((n) => [n, (prepared.totals[n] as number) - (cut[n] as number)]));
  const latest = (n: NodeId) => indexOf(latestAtMost(prepared, n, prepared.totals[n] as number));
  const hasCheckpoint = (n: NodeId) => (prepared.byNode.get(n) as Checkpoint[]).some((c) => c.index > 0);
  return {
    line,
    cut,
    start,
    rounds,
    undone,
    rolledBackEvents: Object.values(undone).reduce((a, b) => a + b, 0),
    domino: rounds.length >= 2 && prepared.nodes.some((n) => (cut[n] as number) < latest(n)),
    toInitial: prepared.nodes.filter((n) => cut[n] === 0 && hasCheckpoint(n)),
  };
}

/**
 * The recovery line after `failed` fails at the end of `events`, by rollback propagation (see the module comment):
 * the failed node restarts from its latest checkpoint; while the states contain an orphan receive, its receiver
 * rolls back to its latest checkpoint before it. `checkpoints` may list any node's checkpoints in any order.
 */
export function recoveryLine(events: readonly ProcessEvent[], checkpoints: readonly Checkpoint[], failed: NodeId, options: RecoveryOptions = {}): RecoveryLine {
  const prepared = prepare(events, checkpoints, failed);
  const { start, line } = startOf(prepared, failed, options);
  const cut = { ...start };
  const rounds: Rollback[][] = [];
  for (;;) {
    const { crossing } = checkCut(events, cut);
    if (crossing.length === 0) break;
    // Per receiver, its earliest orphan receive decides how far it goes back.
    const earliest = new Map<NodeId, { orphan: CrossingMessage; index: number }>();
    for (const orphan of crossing) {
      const receive = events.find((e) => e.id === orphan.receive) as ProcessEvent;
      const seen = earliest.get(receive.node);
      if (seen === undefined || receive.index < seen.index) earliest.set(receive.node, { orphan, index: receive.index });
    }
    const round: Rollback[] = [];
    for (const [node, { orphan, index }] of [...earliest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const to = latestAtMost(prepared, node, index - 1);
      round.push({ node, fromIndex: cut[node] as number, toIndex: indexOf(to), to, orphan });
      cut[node] = indexOf(to);
      line[node] = to;
    }
    rounds.push(round);
  }
  return summarise(prepared, line, cut, start, rounds);
}

/**
 * The brute-force oracle for `recoveryLine`: every combination of one restart point per node (the initial state,
 * each checkpoint no later than the node's start, and for a surviving node kept as it was, its state at the
 * failure), the consistent ones kept (`checkCut`), and their pointwise maximum, which is itself one of them (the
 * lattice is closed under join; the function throws if not). Exponential in the nodes; for tests and graders.
 */
export function recoveryLineByEnumeration(events: readonly ProcessEvent[], checkpoints: readonly Checkpoint[], failed: NodeId, options: RecoveryOptions = {}): Cut {
  const prepared = prepare(events, checkpoints, failed);
  const { start } = startOf(prepared, failed, options);
  const choices = prepared.nodes.map((n) => {
    const points = new Set([0, ...(prepared.byNode.get(n) as Checkpoint[]).map((c) => c.index), start[n] as number]);
    return [...points].filter((i) => i <= (start[n] as number));
  });
  let combos: Cut[] = [{}];
  prepared.nodes.forEach((n, i) => {
    combos = combos.flatMap((c) => (choices[i] as number[]).map((k) => ({ ...c, [n]: k })));
  });
  const consistent = combos.filter((c) => checkCut(events, c).consistent);
  const best = Object.fromEntries(prepared.nodes.map((n) => [n, Math.max(...consistent.map((c) => c[n] as number))]));
  if (!consistent.some((c) => prepared.nodes.every((n) => c[n] === best[n]))) {
    throw new Error('the consistent combinations have no greatest element, which the lattice of consistent cuts forbids');
  }
  return best;
}

export interface CheckpointingOptions {
  seed: number | string;
  /**
   * `uncoordinated`: each node checkpoints on its own timer (a random phase, then every `checkpointIntervalMs` of
   * global time), without telling anyone. `coordinated`: checkpoints are the nodes' parts of Chandy-Lamport
   * snapshots that `nodes[0]` starts every `checkpointIntervalMs`; only snapshots complete before the failure count.
   */
  mode: 'uncoordinated' | 'coordinated';
  /** The bank's nodes (default a, b, c), each starting with 100. */
  nodes?: NodeId[];
  /** Random transfers over the first half of the run (default 40). */
  transfers?: number;
  /** Default 60 ms. */
  checkpointIntervalMs?: number;
  /** The node that fails (default the last of `nodes`). */
  failed?: NodeId;
  /** When it fails (default `untilMs` / 2, while transfers are still being made): the events before this instant are the run, the rest never happen. */
  failAtMs?: number;
  /** How long the bank runs (default 340 ms). */
  untilMs?: number;
  survivors?: RecoveryOptions['survivors'];
}

export interface CheckpointingRun {
  mode: CheckpointingOptions['mode'];
  /** The bank run (the same in both modes for one seed: see `runCheckpointing`). */
  bank: BankRun;
  /** The application events before the failure. */
  events: AppEvent[];
  checkpoints: Checkpoint[];
  failed: NodeId;
  failAtMs: number;
  recovery: RecoveryLine;
  /** Events undone by the recovery, the failed node's lost work included (`recovery.rolledBackEvents`). */
  lostEvents: number;
}

/**
 * A bank run with checkpoints, a failure and its recovery line, in one of the two modes.
 *
 * Both modes run the very same bank run for one seed: the Chandy-Lamport layer (FIFO links) takes a snapshot from
 * `nodes[0]` every `checkpointIntervalMs`, and random transfers move money meanwhile. Coordinated mode uses those
 * snapshots' cuts as its checkpoints. Uncoordinated mode ignores them (markers carry no application data, so the
 * application's events are the same) and places each node's checkpoints by its own timer: a checkpoint saves the
 * state and sends nothing, so it changes nothing in the run, and the node's checkpoint at time T holds its
 * application events before T. So the two modes differ only in where the checkpoints are, and the events each
 * loses on recovery can be compared directly.
 */
export function runCheckpointing(options: CheckpointingOptions): CheckpointingRun {
  const nodes = options.nodes ?? ['a', 'b', 'c'];
  const intervalMs = options.checkpointIntervalMs ?? 60;
  const untilMs = options.untilMs ?? 340;
  const failAtMs = options.failAtMs ?? untilMs / 2;
  const failed = options.failed ?? (nodes[nodes.length - 1] as NodeId);
  const fail = (field: string, rule: string, got: unknown): never => {
    throw new Error(`runCheckpointing: ${field} ${rule} (got ${typeof got === 'number' ? String(got) : JSON.stringify(got) ?? String(got)})`);
  };
  if (options.mode !== 'uncoordinated' && options.mode !== 'coordinated') fail('mode', "must be 'uncoordinated' or 'coordinated'", options.mode);
  if (!Array.isArray(nodes) || nodes.length < 2 || nodes.some((n) => typeof n !== 'string' || n === '')) fail('nodes', 'must list at least two node ids', nodes);
  if (new Set(nodes).size !== nodes.length) fail('nodes', 'must not name a node twice', nodes);
  if (options.transfers !== undefined && !(Number.isInteger(options.transfers) && options.transfers >= 0)) fail('transfers', 'must be a non-negative whole number', options.transfers);
  if (!(typeof intervalMs === 'number' && Number.isFinite(intervalMs) && intervalMs > 0)) fail('checkpointIntervalMs', 'must be a positive number of milliseconds', intervalMs);
  if (!(typeof untilMs === 'number' && Number.isFinite(untilMs) && untilMs > 0)) fail('untilMs', 'must be a positive number of milliseconds', untilMs);
  if (!(typeof failAtMs === 'number' && failAtMs > 0 && failAtMs <= untilMs)) fail('failAtMs', `must be after 0 and at most untilMs (${untilMs} ms)`, failAtMs);
  if (!nodes.includes(failed)) fail('failed', `must be one of the nodes (${nodes.join(', ')})`, failed);
  if (options.survivors !== undefined && options.survivors !== 'keep' && options.survivors !== 'restore') fail('survivors', "must be 'keep' or 'restore'", options.survivors);
  const snapshots: { atMs: number; node: NodeId; id: string }[] = [];
  for (let k = 1; k * intervalMs < untilMs; k++) snapshots.push({ atMs: k * intervalMs, node: nodes[0] as NodeId, id: `cp${k}` });
  const bank = runBank({
    seed: options.seed,
    balances: Object.fromEntries(nodes.map((n) => [n, 100])),
    algorithm: 'chandy-lamport',
    transfers: options.transfers ?? 40,
    snapshots,
    untilMs,
  });
  const events = appEvents(bank.trace).filter((e) => e.t < failAtMs);
  const present = new Set(events.map((e) => e.node));
  const checkpoints: Checkpoint[] = [];
  if (options.mode === 'coordinated') {
    const usable = bank.snapshots.filter((s) => s.complete && (s.completedAtMs as number) < failAtMs);
    for (const s of usable) checkpoints.push(...snapshotCheckpoints(s).filter((c) => present.has(c.node)));
  } else {
    for (const n of nodes) {
      if (!present.has(n)) continue;
      const random = new Random(options.seed).fork(`checkpoint timer ${n}`);
      const own = events.filter((e) => e.node === n);
      let k = 0;
      for (let atMs = random.next() * intervalMs; atMs < failAtMs; atMs += intervalMs) {
        k++;
        checkpoints.push({ node: n, index: own.filter((e) => e.t < atMs).length, label: `${n}:${k}`, atMs });
      }
    }
  }
  if (!present.has(failed)) throw new Error(`node ${failed} performed no application event before ${failAtMs} ms; choose another seed or node`);
  const recovery = recoveryLine(events, checkpoints, failed, { survivors: options.survivors ?? 'keep' });
  return { mode: options.mode, bank, events, checkpoints, failed, failAtMs, recovery, lostEvents: recovery.rolledBackEvents };
}

/**
 * A global snapshot's parts as checkpoints, one per node (`cutOfSnapshot`), labelled with the snapshot id; `atMs` is
 * the node's clock when it recorded (`recordedAtMs`), which is global time in bank runs, whose clocks do not drift.
 */
export function snapshotCheckpoints(snapshot: GlobalSnapshot<BankState, BankMessage> | GlobalSnapshot<unknown, unknown>): Checkpoint[] {
  const cut = cutOfSnapshot(snapshot as GlobalSnapshot<unknown, unknown>);
  return Object.keys(cut).sort().map((n) => ({ node: n, index: cut[n] as number, label: snapshot.snapshotId, atMs: snapshot.recordings[n]?.recordedAtMs }));
}
