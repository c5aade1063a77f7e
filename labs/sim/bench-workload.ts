/**
 * The simulator's throughput workload and its baseline, for the benchmark script.
 *
 * `runPingWorkload` bounces numbered messages around a ring of no-op nodes over constant-latency links with
 * recording off: each delivery is one step and one send, so its cost is the simulator's per-message overhead
 * (queue, step call, effect handling). `runBareHeapBaseline` does the same pushes and pops on a bare `MinHeap`
 * with the same ordering and the same number of items in flight, and nothing else: the floor to compare with.
 */
import { MinHeap } from './event-queue';
import { simulate } from './simulation';
import type { NodeBehavior } from './types';

/** Workload shape: how many nodes in the ring, and how many message chains are in flight at once. */
export interface PingWorkloadOptions {
  nodes?: number;
  inFlight?: number;
}

/** Splits `messages` deliveries into `chains` hop counts that add up to it exactly. */
function chainLengths(messages: number, chains: number): number[] {
  const lengths: number[] = [];
  for (let c = 0; c < chains; c++) lengths.push(Math.floor(messages / chains) + (c < messages % chains ? 1 : 0));
  return lengths.filter((length) => length > 0);
}

/**
 * Delivers exactly `messages` messages. A message is the number of hops its chain has left; node i forwards it to
 * node i+1 (mod nodes) until that reaches zero. Node 0 starts every chain.
 */
export function runPingWorkload(messages: number, options: PingWorkloadOptions = {}): { delivered: number } {
  const nodeCount = options.nodes ?? 2;
  const ids = Array.from({ length: nodeCount }, (_, i) => `n${i}`);
  const chains = chainLengths(messages, options.inFlight ?? 16);
  const behaviors: Record<string, NodeBehavior<null, number>> = {};
  ids.forEach((id, i) => {
    const next = ids[(i + 1) % nodeCount] as string;
    behaviors[id] = {
      init: () => null,
      step: (state, input) => {
        if (input.type === 'start') {
          return { state, effects: i === 0 ? chains.map((hops) => ({ type: 'send' as const, to: next, message: hops })) : [] };
        }
        if (input.type === 'message' && input.message > 1) {
          return { state, effects: [{ type: 'send', to: next, message: input.message - 1 }] };
        }
        return { state };
      },
    };
  });
  const trace = simulate({
    seed: 1,
    nodes: behaviors,
    network: { latency: { kind: 'constant', ms: 1 } },
    trace: { record: false },
    maxEvents: Infinity,
    untilMs: Infinity,
  });
  return { delivered: trace.stats.delivered };
}

/** The same pushes and pops as `runPingWorkload(messages, options)`, on a bare heap of (time, seq, hops) items. */
export function runBareHeapBaseline(messages: number, options: PingWorkloadOptions = {}): { delivered: number } {
  type Item = { atMs: number; seq: number; hops: number };
  const heap = new MinHeap<Item>((a, b) => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq));
  let seq = 0;
  let delivered = 0;
  for (const hops of chainLengths(messages, options.inFlight ?? 16)) heap.push({ atMs: 1, seq: seq++, hops });
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) {
    delivered++;
    if (item.hops > 1) heap.push({ atMs: item.atMs + 1, seq: seq++, hops: item.hops - 1 });
  }
  return { delivered };
}
