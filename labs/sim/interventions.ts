/**
 * Interventions: faults and client requests scheduled at global times. Seed plus this list is a replay.
 *
 * Ordering: at time 0 the nodes start first (in sorted id order); then, at any time t, interventions at t happen
 * before deliveries and timers at t, and interventions at the same t happen in list order. So a list scheduled
 * up front and the same list added during a run (`Simulation.schedule`) give the same run.
 *
 * Semantics, one kind at a time:
 * - `partition`: no traffic between different groups, both ways. Nodes named in no group form one more group
 *   together, so `groups: [['a']]` isolates a from everyone else. Partitions accumulate until `heal`.
 * - `partition-one-way`: messages from any node of `from` to any node of `to` are dropped; the reverse passes.
 * - `heal`: removes every partition.
 *   A partition is checked twice: when a message is sent, and again when it would be delivered, so a message
 *   sent across a partition is lost even if the partition heals while it is in flight, and messages already in
 *   flight when a partition starts are lost too. Both drops are recorded with reason `partition`.
 * - `crash`: the node loses its state, timers and paused inputs; messages arriving while it is down are dropped
 *   (reason `crashed`). Messages it already sent stay in the network. Crashing a crashed node does nothing.
 * - `restart`: `init` runs again (with the last persisted data when `durable`), then a `start` input. Restarting
 *   a running node is a crash followed by a restart at the same instant. A restart that is not `durable` models a
 *   machine whose disk was lost as well: its persisted data is erased, so a later durable restart finds none.
 * - `pause`: like a GC pause or a stopped VM: inputs that arrive during the pause queue up and are processed in
 *   arrival order at resume (the clock keeps running). Pausing a paused node extends the pause to whichever end
 *   is later; pausing a crashed node does nothing; a crash ends the pause.
 * - `drop`: the message with this id is dropped (reason `intervention`) if it arrives at or after `atMs`. Message
 *   ids count sends from 0 and are deterministic given the seed and the interventions.
 * - `request`: a client request handed to the node as a `request` input (queued if paused, recorded and
 *   unanswered if the node is down).
 */
import type { NodeId } from './types';

export type Intervention =
  | { atMs: number; kind: 'partition'; groups: NodeId[][] }
  | { atMs: number; kind: 'partition-one-way'; from: NodeId[]; to: NodeId[] }
  | { atMs: number; kind: 'heal' }
  | { atMs: number; kind: 'crash'; node: NodeId }
  | { atMs: number; kind: 'restart'; node: NodeId; durable: boolean }
  | { atMs: number; kind: 'pause'; node: NodeId; durationMs: number }
  | { atMs: number; kind: 'drop'; msgId: number }
  | { atMs: number; kind: 'request'; node: NodeId; request: unknown };

const KINDS = ['partition', 'partition-one-way', 'heal', 'crash', 'restart', 'pause', 'drop', 'request'];

/** A short human description, e.g. `crash b at 120 ms`, for error messages and lab timelines. */
export function describeIntervention(i: Intervention): string {
  switch (i.kind) {
    case 'partition':
      return `partition ${i.groups.map((g) => `{${g.join(', ')}}`).join(' | ')} at ${i.atMs} ms`;
    case 'partition-one-way':
      return `one-way partition {${i.from.join(', ')}} -> {${i.to.join(', ')}} at ${i.atMs} ms`;
    case 'heal':
      return `heal at ${i.atMs} ms`;
    case 'drop':
      return `drop message ${i.msgId} at ${i.atMs} ms`;
    case 'pause':
      return `pause ${i.node} for ${i.durationMs} ms at ${i.atMs} ms`;
    case 'restart':
      return `${i.durable ? 'durable' : 'volatile'} restart ${i.node} at ${i.atMs} ms`;
    default:
      return `${i.kind} ${i.node} at ${i.atMs} ms`;
  }
}

/**
 * Checks one intervention against the run's nodes, throwing an Error that names the entry and the field, e.g.
 * `interventions[2].node must name a node (nodes: a, b) (got "z")`. `index` is its position in the list.
 * `known` answers whether an id is one of `nodes`; a simulation passes its own index, so that scheduling many
 * interventions on a large network does not rebuild a set of every node each time.
 */
export function validateIntervention(
  i: Intervention,
  index: number,
  nodes: readonly NodeId[],
  known: { has(id: NodeId): boolean } = new Set(nodes),
): void {
  const path = `interventions[${index}]`;
  const fail = (field: string, rule: string, got: unknown): never => {
    throw new Error(`${path}${field} ${rule} (got ${typeof got === 'string' ? JSON.stringify(got) : String(got)})`);
  };
  const checkNode = (field: string, node: unknown) => {
    if (typeof node !== 'string' || !known.has(node)) fail(field, `must name a node (nodes: ${nodes.join(', ')})`, node);
  };
  const checkNodes = (field: string, list: unknown) => {
    if (!Array.isArray(list)) fail(field, 'must be a list of node ids', list);
    (list as unknown[]).forEach((node, k) => checkNode(`${field}[${k}]`, node));
  };
  if (i === null || typeof i !== 'object') fail('', 'must be an object like { atMs: 100, kind: "crash", node: "a" }', i);
  if (!KINDS.includes(i.kind)) fail('.kind', `must be one of ${KINDS.join(', ')}`, i.kind);
  if (typeof i.atMs !== 'number' || !Number.isFinite(i.atMs) || i.atMs < 0) {
    fail('.atMs', 'must be a non-negative number of milliseconds', i.atMs);
  }
  switch (i.kind) {
    case 'partition': {
      if (!Array.isArray(i.groups)) fail('.groups', 'must be a list of lists of node ids', i.groups);
      const seen = new Set<string>();
      i.groups.forEach((group, g) => {
        checkNodes(`.groups[${g}]`, group);
        for (const node of group) {
          if (seen.has(node)) fail(`.groups[${g}]`, 'must not repeat a node already in an earlier group', node);
          seen.add(node);
        }
      });
      return;
    }
    case 'partition-one-way':
      checkNodes('.from', i.from);
      checkNodes('.to', i.to);
      return;
    case 'crash':
    case 'request':
      checkNode('.node', i.node);
      return;
    case 'restart':
      checkNode('.node', i.node);
      if (typeof i.durable !== 'boolean') fail('.durable', 'must be true or false', i.durable);
      return;
    case 'pause':
      checkNode('.node', i.node);
      if (typeof i.durationMs !== 'number' || !Number.isFinite(i.durationMs) || i.durationMs < 0) {
        fail('.durationMs', 'must be a non-negative number of milliseconds', i.durationMs);
      }
      return;
    case 'drop':
      if (!Number.isInteger(i.msgId) || i.msgId < 0) fail('.msgId', 'must be a non-negative integer', i.msgId);
      return;
    case 'heal':
      return;
  }
}
