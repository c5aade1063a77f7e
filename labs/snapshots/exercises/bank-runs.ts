/**
 * The bank runs the snapshot code exercises grade in: the lab's bank (`runBank`) under the snapshot layer, on a few
 * named topologies, with random transfers and snapshots started anywhere, sometimes two at once. A variant lists
 * its runs as plain data (seed, topology, snapshot starts), so the grader, the prompt and a failing check can all
 * name the run a learner should look at.
 */
import type { Random } from '../../sim/random';
import type { CheckResult } from '../../sim/check';
import type { Latency } from '../../sim/network';
import { runBank, type BankRun } from '../bank';
import type { Channel, ChannelStateRule, MarkerReceiveRule, NodeId, SnapshotAlgorithm } from '../types';

/** The topologies runs are drawn on; each is strongly connected, so every node can be reached by markers. */
export const TOPOLOGIES = {
  triangle: { nodes: ['a', 'b', 'c'], text: 'three nodes, a channel each way between every two', channels: undefined },
  ring: { nodes: ['a', 'b', 'c', 'd'], text: 'a directed ring a → b → c → d → a, one incoming channel per node', channels: ring(['a', 'b', 'c', 'd']) },
  line: { nodes: ['a', 'b', 'c'], text: 'a line a ⇄ b ⇄ c, no channel between a and c', channels: [...both('a', 'b'), ...both('b', 'c')] },
  'ring-chord': { nodes: ['a', 'b', 'c', 'd'], text: 'the ring a → b → c → d → a with a chord a ⇄ c', channels: [...ring(['a', 'b', 'c', 'd']), ...both('a', 'c')] },
} satisfies Record<string, { nodes: NodeId[]; text: string; channels: Channel[] | undefined }>;

export type TopologyName = keyof typeof TOPOLOGIES;

function ring(nodes: NodeId[]): Channel[] {
  return nodes.map((from, i) => ({ from, to: nodes[(i + 1) % nodes.length] as NodeId }));
}

function both(x: NodeId, y: NodeId): Channel[] {
  return [{ from: x, to: y }, { from: y, to: x }];
}

export interface SnapshotStart {
  atMs: number;
  node: NodeId;
  id: string;
}

/** One graded run: its seed, its topology, and when and where each snapshot starts. */
export interface GradedRun {
  seed: number;
  topology: TopologyName;
  snapshots: SnapshotStart[];
}

export const BALANCE = 100;
export const TRANSFERS = 30;
export const UNTIL_MS = 500;

/**
 * Draws one run: a single snapshot, two started at two nodes within 5 ms of each other (concurrent), or two started
 * far apart (sequential, the second perhaps at the same node).
 */
export function drawRun(rng: Random, topology: TopologyName, shape: 'single' | 'concurrent' | 'sequential'): GradedRun {
  const seed = rng.int(1, 1_000_000_000);
  const nodes = TOPOLOGIES[topology].nodes;
  const first = { atMs: rng.int(10, 150), node: rng.pick(nodes), id: 's1' };
  if (shape === 'single') return { seed, topology, snapshots: [first] };
  if (shape === 'concurrent') {
    const other = rng.pick(nodes.filter((n) => n !== first.node));
    return { seed, topology, snapshots: [first, { atMs: first.atMs + rng.int(0, 5), node: other, id: 's2' }] };
  }
  return { seed, topology, snapshots: [first, { atMs: first.atMs + rng.int(60, 120), node: rng.pick(nodes), id: 's2' }] };
}

/**
 * The run on the lab's bank: every node starts with `BALANCE`, `TRANSFERS` random transfers in the first half
 * (unless told), latency and FIFO as the bank's defaults (uniform 1 to 20 ms; FIFO for Chandy-Lamport only) unless told.
 */
export function bankRun(
  run: GradedRun,
  algorithm: SnapshotAlgorithm,
  rules: { markerRule?: MarkerReceiveRule; channelState?: ChannelStateRule } = {},
  load: { transfers?: number; latency?: Latency; fifo?: boolean } = {},
): BankRun {
  const topology = TOPOLOGIES[run.topology];
  return runBank({
    seed: run.seed,
    balances: Object.fromEntries(topology.nodes.map((n) => [n, BALANCE])),
    ...(topology.channels ? { channels: topology.channels } : {}),
    algorithm,
    transfers: load.transfers ?? TRANSFERS,
    ...(load.latency ? { latency: load.latency } : {}),
    ...(load.fifo !== undefined ? { fifo: load.fifo } : {}),
    snapshots: run.snapshots,
    untilMs: UNTIL_MS,
    ...rules,
  });
}

/** A run in words, for prompts and feedback: `seed 123 (a directed ring ...; snapshot s1 from b at 40 ms, s2 ...)`. */
export function runText(run: GradedRun): string {
  const starts = run.snapshots.map((s) => `${s.id} from ${s.node} at ${s.atMs} ms`).join(', ');
  return `seed ${run.seed} (${TOPOLOGIES[run.topology].text}; snapshot ${starts})`;
}

/** The first result with the given property that is not ok, over every snapshot of every run, with its run. */
export function firstFailure(results: { run: GradedRun; checks: Record<string, CheckResult[]> }[], property: string): { run: GradedRun; snapshotId: string; result: Exclude<CheckResult, { status: 'ok' }> } | undefined {
  for (const { run, checks } of results) {
    for (const s of run.snapshots) {
      const result = (checks[s.id] ?? []).find((c) => c.property === property);
      if (result === undefined) return { run, snapshotId: s.id, result: { status: 'inconclusive', property, reason: `snapshot ${s.id} was never recorded by any node` } };
      if (result.status !== 'ok') return { run, snapshotId: s.id, result };
    }
  }
  return undefined;
}
