/**
 * The network model: one plain options record, as in TigerBeetle's `packet_simulator.zig`.
 *
 * Every directed link (from, to), including a node's link to itself, has a latency distribution, a loss
 * probability, a duplication probability and a FIFO flag. Defaults apply to all links; `links` overrides fields
 * for single directions. Partitions are not options but interventions (`interventions.ts`), because they change
 * over a run.
 *
 * What happens to one send, in this order (each random draw comes from the run's `network` stream):
 * 1. dropped (reason `partition`) if a partition separates sender and receiver now;
 * 2. dropped (reason `loss`) with probability `lossProbability` (drawn only when it is > 0);
 * 3. given a latency from `latency`; with `fifo`, delivery is pushed back to no earlier than the previous
 *    delivery on the link, so messages cannot overtake; without it, random latencies reorder messages freely;
 * 4. copied once more with probability `duplicationProbability` (drawn only when > 0): the copy gets its own
 *    message id and its own latency, and is subject to the same delivery-time checks.
 */
import type { NodeId } from './types';
import type { Random } from './random';

/**
 * A latency distribution, in milliseconds. Samples are never negative and are rounded to 1e-6 ms (1 ns) so that
 * traces stay byte-identical across JavaScript engines whose `Math.log`/`exp`/`cos` differ in the last bit.
 *
 * - `constant`: always `ms`.
 * - `uniform`: uniform in [minMs, maxMs].
 * - `exponential`: `minMs` (default 0) plus an exponential tail, so that the mean of the whole is `meanMs`.
 * - `lognormal`: `minMs` (default 0) plus a log-normal part, so that the median of the whole is `medianMs`;
 *   `sigma` is the standard deviation of the underlying normal (0.5 gives a moderate tail, 1 a heavy one).
 */
export type Latency =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number; minMs?: number }
  | { kind: 'lognormal'; medianMs: number; sigma: number; minMs?: number };

/** How one directed link behaves. Probabilities are per message, in [0, 1]. */
export interface LinkOptions {
  latency: Latency;
  lossProbability: number;
  duplicationProbability: number;
  /** Deliver in send order on this link (TCP-like); false lets messages overtake each other (UDP-like). */
  fifo: boolean;
}

/** A per-link override: applies to messages from `from` to `to` only (give both directions to cover both). */
export type LinkOverride = { from: NodeId; to: NodeId } & Partial<LinkOptions>;

/** Defaults for every link, plus directional overrides (later entries win over earlier ones for the same link). */
export interface NetworkOptions extends LinkOptions {
  links?: LinkOverride[];
}

/** A LAN-ish default: 5 to 15 ms, nothing lost or duplicated, reordering allowed. */
export const defaultNetwork: NetworkOptions = {
  latency: { kind: 'uniform', minMs: 5, maxMs: 15 },
  lossProbability: 0,
  duplicationProbability: 0,
  fifo: false,
  links: [],
};

const LATENCY_KINDS = ['constant', 'uniform', 'exponential', 'lognormal'] as const;

/** Rounds a time to 1e-6 ms; see `Latency` for why. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

/** One latency sample in ms (draws one value from `rng`, two for `lognormal`). */
export function sampleLatencyMs(l: Latency, rng: Random): number {
  let ms: number;
  switch (l.kind) {
    case 'constant':
      return l.ms;
    case 'uniform':
      ms = l.minMs + rng.next() * (l.maxMs - l.minMs);
      break;
    case 'exponential': {
      const minMs = l.minMs ?? 0;
      ms = minMs + rng.exponential(l.meanMs - minMs);
      break;
    }
    case 'lognormal': {
      const minMs = l.minMs ?? 0;
      ms = minMs + (l.medianMs - minMs) * Math.exp(l.sigma * rng.normal());
      break;
    }
  }
  return ms > 0 ? roundMs(ms) : 0;
}

/** The fields of `partial` that are not undefined, so that `{ lossProbability: undefined }` keeps the default. */
function definedFields<T extends object>(partial: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(partial) as (keyof T)[]) {
    if (partial[key] !== undefined) out[key] = partial[key];
  }
  return out;
}

function fail(path: string, rule: string, got: unknown): never {
  throw new Error(`${path} ${rule} (got ${typeof got === 'string' ? JSON.stringify(got) : String(got)})`);
}

function checkMs(path: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(path, 'must be a non-negative number of milliseconds', value);
  }
}

function checkProbability(path: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(path, 'must be between 0 and 1', value);
}

/** Checks a latency record, naming the field at fault (`path` is e.g. `network.latency`). */
export function validateLatency(path: string, l: Latency): void {
  if (l === null || typeof l !== 'object') fail(path, 'must be an object like { kind: "constant", ms: 10 }', l);
  switch (l.kind) {
    case 'constant':
      checkMs(`${path}.ms`, l.ms);
      return;
    case 'uniform':
      checkMs(`${path}.minMs`, l.minMs);
      checkMs(`${path}.maxMs`, l.maxMs);
      if (l.maxMs < l.minMs) fail(`${path}.maxMs`, `must be at least minMs = ${l.minMs}`, l.maxMs);
      return;
    case 'exponential':
      if (l.minMs !== undefined) checkMs(`${path}.minMs`, l.minMs);
      checkMs(`${path}.meanMs`, l.meanMs);
      if (l.meanMs < (l.minMs ?? 0)) fail(`${path}.meanMs`, `must be at least minMs = ${l.minMs}`, l.meanMs);
      return;
    case 'lognormal':
      if (l.minMs !== undefined) checkMs(`${path}.minMs`, l.minMs);
      checkMs(`${path}.medianMs`, l.medianMs);
      if (l.medianMs < (l.minMs ?? 0)) fail(`${path}.medianMs`, `must be at least minMs = ${l.minMs}`, l.medianMs);
      if (typeof l.sigma !== 'number' || !Number.isFinite(l.sigma) || l.sigma < 0) {
        fail(`${path}.sigma`, 'must be a non-negative number', l.sigma);
      }
      return;
    default:
      fail(`${path}.kind`, `must be one of ${LATENCY_KINDS.join(', ')}`, (l as { kind: unknown }).kind);
  }
}

function validateLinkFields(path: string, link: Partial<LinkOptions>): void {
  if (link.latency !== undefined) validateLatency(`${path}.latency`, link.latency);
  if (link.lossProbability !== undefined) checkProbability(`${path}.lossProbability`, link.lossProbability);
  if (link.duplicationProbability !== undefined) {
    checkProbability(`${path}.duplicationProbability`, link.duplicationProbability);
  }
  if (link.fifo !== undefined && typeof link.fifo !== 'boolean') fail(`${path}.fifo`, 'must be true or false', link.fifo);
}

/**
 * Fills `defaultNetwork` in under `partial` and checks everything, throwing an Error whose message names the
 * field, the rule and the value (these come from readers editing lab parameters), e.g.
 * `network.lossProbability must be between 0 and 1 (got 1.5)`.
 */
export function resolveNetworkOptions(partial: Partial<NetworkOptions> | undefined, nodes: readonly NodeId[]): NetworkOptions {
  if (partial !== undefined && (partial === null || typeof partial !== 'object')) fail('network', 'must be an object', partial);
  const known = new Set(nodes);
  const network: NetworkOptions = { ...defaultNetwork, ...definedFields(partial ?? {}), links: partial?.links ?? [] };
  validateLinkFields('network', network);
  if (!Array.isArray(network.links)) fail('network.links', 'must be a list of { from, to, ...overrides }', network.links);
  network.links.forEach((link, i) => {
    const path = `network.links[${i}]`;
    for (const end of ['from', 'to'] as const) {
      if (!known.has(link[end])) {
        fail(`${path}.${end}`, `must name a node (nodes: ${nodes.join(', ')})`, link[end]);
      }
    }
    validateLinkFields(path, link);
  });
  return network;
}

/** The options in force on the directed link from → to: the defaults with every matching override applied. */
export function linkOptions(network: NetworkOptions, from: NodeId, to: NodeId): LinkOptions {
  let link: LinkOptions = {
    latency: network.latency,
    lossProbability: network.lossProbability,
    duplicationProbability: network.duplicationProbability,
    fifo: network.fifo,
  };
  for (const { from: f, to: t, ...override } of network.links ?? []) {
    if (f === from && t === to) link = { ...link, ...definedFields(override) };
  }
  return link;
}
