/**
 * Kademlia, as a pure node for the simulator: Maymounkov and Mazières, "Kademlia: A Peer-to-peer Information System
 * Based on the XOR Metric", IPTPS 2002. Section numbers below (§2.1 to §2.3) refer to that paper.
 *
 * - §2.1: node ids and keys live in one id space; the distance between two ids is their bitwise XOR, read as an
 *   integer. It is a metric, and unidirectional: for a point x and a distance Δ there is exactly one y with
 *   d(x, y) = Δ, so lookups for the same target converge along the same path.
 * - §2.2: a node keeps one list of at most k contacts ("k-bucket") per bit position i, holding contacts whose
 *   distance from it lies in [2^i, 2^(i+1)), ordered least-recently seen first. Every message received updates the
 *   sender's bucket; a full bucket pings its least-recently seen contact and evicts it only if it does not answer,
 *   because long-lived nodes are the likeliest to stay alive.
 * - §2.3: the node lookup. The originator keeps a shortlist sorted by distance to the target, sends FIND_NODE to
 *   the α closest contacts it has not yet queried, in parallel, and merges what they return. While a round brings
 *   a closer node it repeats with α more; when a round brings nothing closer it queries all of the k closest not
 *   yet queried, and it ends once the k closest it knows have all answered. A node joins by inserting one known
 *   node (its bootstrap), looking up its own id, then refreshing every bucket farther away than its closest
 *   neighbour (a lookup of a random id in that bucket's range).
 *
 * Choices of this implementation, all worth knowing:
 * - Ids have `KAD_BITS` = 32 bits, held as unsigned JavaScript numbers, so XOR is one machine operation and the
 *   state stays plain JSON. The paper uses 160-bit SHA-1 ids; nothing in the protocol depends on the width except
 *   the number of buckets and the chance of two names colliding (about N^2 / 2^33: 1% at N = 10,000).
 * - `kadId` hashes a name with 32-bit FNV-1a over its UTF-8 bytes: small, dependency-free and stable. It is not a
 *   cryptographic hash (a real deployment must stop nodes from choosing their ids).
 * - RPCs are one-way messages matched by an `rpcId`; each carries the sender's id, as the paper's messages do.
 *   A FIND_NODE that gets no answer within `rpcTimeoutMs` marks the contact dead: it leaves the shortlist's
 *   candidates and the node's buckets.
 * - Lookups proceed in strict rounds (the next batch goes out when every RPC of the current one has answered or
 *   timed out), so "rounds" is a well-defined hop count. The paper lets a new RPC start as soon as any returns;
 *   that is faster in wall-clock time but sends the same kind of messages.
 * - The originator counts itself as an answered member of its own shortlist, so a lookup's result is the k
 *   closest live nodes including the originator when it is one of them.
 * - The bucket-eviction ping is asynchronous: the newcomer waits in the outstanding ping's record; an answer keeps
 *   the head (moved to the tail) and drops the newcomer, a timeout evicts the head and inserts the newcomer. While
 *   one ping to a head is outstanding, further newcomers for that bucket are dropped. The replacement cache of §4.1,
 *   key storage (STORE, FIND_VALUE) and periodic bucket refresh are not modelled.
 */
import { Random } from '../sim/random';
import { lowerBound, offerNearest } from './sorted';
import { Simulation } from '../sim/simulation';
import { observeReplies } from '../sim/observe';
import type { Intervention } from '../sim/interventions';
import type { Trace } from '../sim/trace';
import type { Effect, NodeBehavior, NodeId } from '../sim/types';

// ---- §2.1 The XOR metric. ----------------------------------------------------------------------------------------

/** Width of ids in bits (the paper uses 160; see the module comment for why 32 here). */
export const KAD_BITS = 32;

/** One more than the largest id and the largest distance: 2^32. Also "no distance yet" in a fresh lookup. */
const ID_SPACE = 2 ** KAD_BITS;

const utf8 = new TextEncoder();

/** A node's id or a key's id: 32-bit FNV-1a of the name's UTF-8 bytes, as an unsigned number. Stable forever. */
export function kadId(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(name)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** §2.1: d(a, b) = a XOR b, as an unsigned integer in [0, 2^32). */
export function xorDistance(a: number, b: number): number {
  return (a ^ b) >>> 0;
}

/**
 * §2.2: which k-bucket of `self` holds `other`: the index i of the highest bit in which they differ, so that
 * 2^i <= d(self, other) < 2^(i+1). Bucket 31 covers half the id space, bucket 0 a single id. -1 when equal.
 */
export function bucketIndex(self: number, other: number): number {
  const d = (self ^ other) >>> 0;
  return d === 0 ? -1 : 31 - Math.clz32(d);
}

/** The ids `y` with `bucketIndex(self, y) === i`: one contiguous range [lo, hi] of 2^i ids. */
export function bucketRange(self: number, i: number): { lo: number; hi: number } {
  const width = 2 ** i;
  const prefix = Math.floor(self / (2 * width)) * (2 * width);
  const lo = prefix + (((self >>> i) & 1) === 1 ? 0 : width);
  return { lo, hi: lo + width - 1 };
}

// ---- §2.2 Node state: k-buckets. ---------------------------------------------------------------------------------

/** What a node knows of another: its simulator name (its "IP address and port") and its Kademlia id. */
export interface Contact {
  name: NodeId;
  id: number;
}

/**
 * A routing table (§2.2): `buckets[i]` holds at most `k` contacts at distance [2^i, 2^(i+1)) from `self`, least
 * recently seen first. There are always `KAD_BITS` buckets. Treat it as immutable: every update returns a new
 * table that shares the unchanged buckets.
 */
export interface KBuckets {
  self: number;
  k: number;
  buckets: Contact[][];
}

/** A routing table that knows nobody. */
export function emptyBuckets(self: number, k: number): KBuckets {
  checkBucketSize(k);
  return { self, k, buckets: Array.from({ length: KAD_BITS }, () => []) };
}

function checkBucketSize(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
}

function withBucket(b: KBuckets, i: number, bucket: Contact[]): KBuckets {
  const buckets = b.buckets.slice();
  buckets[i] = bucket;
  return { self: b.self, k: b.k, buckets };
}

/**
 * §2.2: the routing table after hearing from `contact`.
 *
 * - Already present: it moves to the tail (most recently seen).
 * - Absent, bucket not full: appended at the tail.
 * - Absent, bucket full: the head (least recently seen) must be pinged. With `oldestAlive` undefined nothing
 *   changes and `toPing` names the head: the caller pings it and calls again with the outcome. With `true` the
 *   head answered: it moves to the tail and the newcomer is dropped. With `false` it did not: it is `evicted` and
 *   the newcomer appended.
 * Hearing from oneself changes nothing. When nothing changes, the same table object is returned.
 */
export function updateBuckets(b: KBuckets, contact: Contact, oldestAlive?: boolean): { buckets: KBuckets; evicted?: Contact; toPing?: Contact } {
  const i = bucketIndex(b.self, contact.id);
  if (i < 0) return { buckets: b };
  const bucket = b.buckets[i] as Contact[];
  const at = bucket.findIndex((c) => c.id === contact.id);
  if (at >= 0) {
    if (at === bucket.length - 1 && (bucket[at] as Contact).name === contact.name) return { buckets: b };
    return { buckets: withBucket(b, i, [...bucket.slice(0, at), ...bucket.slice(at + 1), contact]) };
  }
  if (bucket.length < b.k) return { buckets: withBucket(b, i, [...bucket, contact]) };
  const head = bucket[0] as Contact;
  if (oldestAlive === undefined) return { buckets: b, toPing: head };
  if (oldestAlive) return { buckets: withBucket(b, i, [...bucket.slice(1), head]) };
  return { buckets: withBucket(b, i, [...bucket.slice(1), contact]), evicted: head };
}

/** The routing table without the contact whose id is `id` (a contact found dead); the same object if absent. */
export function removeFromBuckets(b: KBuckets, id: number): KBuckets {
  const i = bucketIndex(b.self, id);
  if (i < 0) return b;
  const bucket = b.buckets[i] as Contact[];
  const at = bucket.findIndex((c) => c.id === id);
  return at < 0 ? b : withBucket(b, i, [...bucket.slice(0, at), ...bucket.slice(at + 1)]);
}

/** Every contact in the table, bucket by bucket. */
export function bucketContacts(b: KBuckets): Contact[] {
  const out: Contact[] = [];
  for (const bucket of b.buckets) for (const c of bucket) out.push(c);
  return out;
}

/**
 * The `k` contacts closest to `target` by XOR distance, closest first. Contacts must have distinct ids, so there
 * are no ties (§2.1: distances from one point to distinct ids are distinct). One pass keeping a sorted list of the
 * best k so far: O(n k), cheaper than sorting for the small k of Kademlia.
 */
export function kClosest(contacts: readonly Contact[], target: number, k: number): Contact[] {
  const best: Contact[] = [];
  const dist: number[] = [];
  if (k <= 0) return best;
  for (const c of contacts) offerNearest(best, dist, k, c, (c.id ^ target) >>> 0);
  return best;
}

/**
 * The brute-force oracle: the `k` ids closest to `target`, closest first, by sorting all of them. It sorts the
 * distances themselves as unsigned 32-bit numbers (a typed array sorts numerically, with no comparator call per
 * pair) and maps each back to its id: XOR with `target` is its own inverse, so distance d belongs to id d ^ target.
 */
export function trueClosest(ids: readonly number[], target: number, k: number): number[] {
  const distances = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) distances[i] = xorDistance(ids[i] as number, target);
  distances.sort();
  const out: number[] = [];
  for (let i = 0; i < Math.min(Math.max(0, k), distances.length); i++) out.push(xorDistance(distances[i] as number, target));
  return out;
}

// ---- §2.3 The protocol: messages, lookups, the node. -------------------------------------------------------------

/**
 * The RPCs, as one-way messages. Every message carries `senderId`, the sender's Kademlia id, so that the receiver
 * can update its buckets (§2.2); `rpcId` matches an answer to its request.
 *
 * - `findNode`: "give me the k contacts you know closest to `target`" (§2.3 FIND_NODE).
 * - `findNodeResult`: the answer, closest first, never naming the requester.
 * - `ping` / `pong`: is the head of a full bucket still alive (§2.2 PING)?
 */
export type KademliaMessage =
  | { type: 'findNode'; rpcId: number; senderId: number; target: number }
  | { type: 'findNodeResult'; rpcId: number; senderId: number; contacts: Contact[] }
  | { type: 'ping'; rpcId: number; senderId: number }
  | { type: 'pong'; rpcId: number; senderId: number };

/** Why a lookup runs: a client `request`, the join lookup of the node's own id, or a join-time bucket refresh. */
export type KadLookupPurpose = 'client' | 'join' | 'refresh';

/** A shortlist entry's progress: not yet asked, asked and awaited, answered, or timed out (dead). */
export type ShortlistStatus = 'unqueried' | 'waiting' | 'answered' | 'failed';

export interface ShortlistEntry {
  contact: Contact;
  /** XOR distance from the lookup's target. */
  distance: number;
  status: ShortlistStatus;
}

/**
 * One lookup in progress at its originator (§2.3).
 *
 * - `shortlist`: every contact seen, closest to `target` first; failed ones stay, so that a dead node named again
 *   by someone else is not asked twice.
 * - `inFlight`: FIND_NODE RPCs of the current round still awaited; the next round starts when it reaches 0.
 * - `rounds`: rounds started (the hop count); `messages`: FIND_NODE RPCs sent.
 * - `bestDistance`: the closest live distance when the current round started (2^32 before the first round).
 */
export interface LookupState {
  lookupId: number;
  target: number;
  purpose: KadLookupPurpose;
  shortlist: ShortlistEntry[];
  inFlight: number;
  rounds: number;
  messages: number;
  bestDistance: number;
}

/** An RPC awaiting its answer: a lookup's FIND_NODE, or the ping deciding between a bucket's head and a newcomer. */
export type OutstandingRpc =
  | { kind: 'findNode'; lookupId: number; contact: Contact }
  | { kind: 'ping'; head: Contact; newcomer: Contact };

/**
 * A node's state: its own contact, its routing table, and its outstanding RPCs and lookups keyed by id. Plain
 * JSON, replaced (never mutated) by every step.
 */
export interface KademliaState {
  self: Contact;
  buckets: KBuckets;
  nextRpcId: number;
  rpcs: Record<number, OutstandingRpc>;
  nextLookupId: number;
  lookups: Record<number, LookupState>;
}

/**
 * Settings of one node.
 *
 * - `k`: bucket size and lookup result size (default 8; the paper suggests 20).
 * - `alpha`: parallel FIND_NODE RPCs per round (default 3, the paper's choice).
 * - `rpcTimeoutMs`: how long to wait for an answer before declaring a contact dead (default 100 ms; the default
 *   network's round trip is at most 30 ms).
 * - `bootstrap`: a node to join through at start (§2.3); without it the node waits to be contacted or prepopulated.
 * - `joinDelayMs`: how long after start to join (default 0), so that a lab can stagger arrivals.
 */
export interface KademliaOptions {
  k?: number;
  alpha?: number;
  rpcTimeoutMs?: number;
  bootstrap?: NodeId;
  joinDelayMs?: number;
}

/** A client asks a node to look up `lookup` (an id) with `{ type: 'request', request: { lookup } }`. */
export interface KadLookupRequest {
  lookup: number;
}

/** The node's reply to a lookup request: the k closest live nodes it found, closest first, and the lookup's cost. */
export interface KadLookupReply {
  lookup: number;
  found: Contact[];
  rounds: number;
  messages: number;
}

const rpcTimer = (rpcId: number) => `rpc ${rpcId}`;

function isId(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < ID_SPACE;
}

function withoutKey<V>(record: Record<number, V>, key: number): Record<number, V> {
  const out = { ...record };
  delete out[key];
  return out;
}

/** A Kademlia node (§2.2, §2.3) that starts with an empty routing table and joins through `options.bootstrap`. */
export function kademliaNode(options: KademliaOptions = {}): NodeBehavior<KademliaState, KademliaMessage> {
  return kademliaBehavior(options, undefined);
}

function kademliaBehavior(options: KademliaOptions, initialBuckets: KBuckets | undefined): NodeBehavior<KademliaState, KademliaMessage> {
  const { k = 8, alpha = 3, rpcTimeoutMs = 100, bootstrap, joinDelayMs = 0 } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
  if (!Number.isInteger(alpha) || alpha < 1) throw new Error(`alpha must be a positive integer (got ${alpha})`);
  if (!(rpcTimeoutMs > 0) || !Number.isFinite(rpcTimeoutMs)) throw new Error(`rpcTimeoutMs must be a positive number (got ${rpcTimeoutMs})`);

  /** What a step produces besides the state: its effects, in order, and the step's random stream to draw from. */
  interface Out {
    effects: Effect<KademliaMessage>[];
    random: Random;
  }

  /**
   * §2.2: every message received updates the sender's bucket; a full bucket pings its head first. A ping or pong
   * from an unknown node whose bucket is full is not pinged for: each ping would otherwise set off another at its
   * receiver, a cascade across the network that the paper does not intend.
   */
  function heardFrom(s: KademliaState, contact: Contact, mayPing: boolean, out: Out): KademliaState {
    const { buckets, toPing } = updateBuckets(s.buckets, contact);
    if (toPing === undefined) return buckets === s.buckets ? s : { ...s, buckets };
    if (!mayPing) return s;
    for (const rpc of Object.values(s.rpcs)) if (rpc.kind === 'ping' && rpc.head.id === toPing.id) return s;
    const rpcId = s.nextRpcId;
    out.effects.push(
      { type: 'send', to: toPing.name, message: { type: 'ping', rpcId, senderId: s.self.id } },
      { type: 'setTimer', name: rpcTimer(rpcId), delayMs: rpcTimeoutMs, payload: rpcId },
    );
    return { ...s, nextRpcId: rpcId + 1, rpcs: { ...s.rpcs, [rpcId]: { kind: 'ping', head: toPing, newcomer: contact } } };
  }

  function startLookup(s: KademliaState, target: number, purpose: KadLookupPurpose, out: Out): KademliaState {
    const self: ShortlistEntry = { contact: s.self, distance: xorDistance(s.self.id, target), status: 'answered' };
    const known = kClosest(bucketContacts(s.buckets), target, k).map(
      (contact): ShortlistEntry => ({ contact, distance: xorDistance(contact.id, target), status: 'unqueried' }),
    );
    const shortlist = [...known, self].sort((a, b) => a.distance - b.distance);
    const lookupId = s.nextLookupId;
    const lookup: LookupState = { lookupId, target, purpose, shortlist, inFlight: 0, rounds: 0, messages: 0, bestDistance: ID_SPACE };
    return nextRound({ ...s, nextLookupId: lookupId + 1, lookups: { ...s.lookups, [lookupId]: lookup } }, lookup, out);
  }

  /**
   * §2.3, between rounds: α more queries while the last round brought a closer node, else every unqueried one of
   * the k closest; done when the k closest live contacts have all answered.
   */
  function nextRound(s: KademliaState, lookup: LookupState, out: Out): KademliaState {
    const live = lookup.shortlist.filter((e) => e.status !== 'failed');
    const top = live.slice(0, k);
    const best = (live[0] as ShortlistEntry).distance; // the originator itself is always live
    const improved = best < lookup.bestDistance;
    const unqueried = top.filter((e) => e.status === 'unqueried');
    if (unqueried.length === 0) return finishLookup(s, lookup, top, out);
    const batch = improved ? unqueried.slice(0, alpha) : unqueried;
    const asked = new Set(batch.map((e) => e.contact.id));
    let rpcId = s.nextRpcId;
    const rpcs = { ...s.rpcs };
    for (const e of batch) {
      rpcs[rpcId] = { kind: 'findNode', lookupId: lookup.lookupId, contact: e.contact };
      out.effects.push(
        { type: 'send', to: e.contact.name, message: { type: 'findNode', rpcId, senderId: s.self.id, target: lookup.target } },
        { type: 'setTimer', name: rpcTimer(rpcId), delayMs: rpcTimeoutMs, payload: rpcId },
      );
      rpcId++;
    }
    const next: LookupState = {
      ...lookup,
      shortlist: lookup.shortlist.map((e) => (asked.has(e.contact.id) ? { ...e, status: 'waiting' } : e)),
      inFlight: batch.length,
      rounds: lookup.rounds + 1,
      messages: lookup.messages + batch.length,
      bestDistance: best,
    };
    return { ...s, nextRpcId: rpcId, rpcs, lookups: { ...s.lookups, [lookup.lookupId]: next } };
  }

  function finishLookup(s: KademliaState, lookup: LookupState, top: ShortlistEntry[], out: Out): KademliaState {
    const found = top.map((e) => e.contact);
    let next: KademliaState = { ...s, lookups: withoutKey(s.lookups, lookup.lookupId) };
    const { target, rounds, messages, purpose } = lookup;
    out.effects.push({ type: 'log', text: `${purpose} lookup done`, data: { target, rounds, messages, found: found.length } });
    if (purpose === 'client') {
      const reply: KadLookupReply = { lookup: target, found, rounds, messages };
      out.effects.push({ type: 'reply', response: reply });
    } else if (purpose === 'join') {
      // §2.3 join: refresh every bucket farther away than the closest neighbour, by looking up an id in its range.
      const neighbour = found.find((c) => c.id !== s.self.id);
      if (neighbour !== undefined) {
        for (let i = bucketIndex(s.self.id, neighbour.id) + 1; i < KAD_BITS; i++) {
          const { lo } = bucketRange(s.self.id, i);
          const target = lo + Math.floor(out.random.next() * 2 ** i);
          next = startLookup(next, target, 'refresh', out);
        }
      }
    }
    return next;
  }

  function onFindNodeResult(s: KademliaState, rpcId: number, contacts: readonly Contact[], out: Out): KademliaState {
    const rpc = s.rpcs[rpcId];
    if (rpc === undefined || rpc.kind !== 'findNode') return s; // an answer after its timeout: already written off
    out.effects.push({ type: 'cancelTimer', name: rpcTimer(rpcId) });
    const rest = { ...s, rpcs: withoutKey(s.rpcs, rpcId) };
    const lookup = s.lookups[rpc.lookupId];
    if (lookup === undefined) return rest;
    const seen = new Set(lookup.shortlist.map((e) => e.contact.id));
    const shortlist = lookup.shortlist.map((e) => (e.contact.id === rpc.contact.id ? { ...e, status: 'answered' as const } : e));
    for (const contact of contacts) {
      if (!isId(contact.id) || seen.has(contact.id)) continue;
      seen.add(contact.id);
      shortlist.push({ contact, distance: xorDistance(contact.id, lookup.target), status: 'unqueried' });
    }
    shortlist.sort((a, b) => a.distance - b.distance);
    return endOfReply(rest, { ...lookup, shortlist, inFlight: lookup.inFlight - 1 }, out);
  }

  function endOfReply(s: KademliaState, lookup: LookupState, out: Out): KademliaState {
    if (lookup.inFlight > 0) return { ...s, lookups: { ...s.lookups, [lookup.lookupId]: lookup } };
    return nextRound(s, lookup, out);
  }

  function onRpcTimeout(s: KademliaState, rpcId: number, out: Out): KademliaState {
    const rpc = s.rpcs[rpcId];
    if (rpc === undefined) return s;
    const rest = { ...s, rpcs: withoutKey(s.rpcs, rpcId) };
    if (rpc.kind === 'ping') {
      // §2.2: the head did not answer, so it is evicted and the newcomer takes a place (if one is still free).
      const buckets = removeFromBuckets(rest.buckets, rpc.head.id);
      const update = updateBuckets(buckets, rpc.newcomer);
      return { ...rest, buckets: update.toPing === undefined ? update.buckets : buckets };
    }
    const dead = rpc.contact.id;
    const withoutDead = { ...rest, buckets: removeFromBuckets(rest.buckets, dead) };
    const lookup = s.lookups[rpc.lookupId];
    if (lookup === undefined) return withoutDead;
    const shortlist = lookup.shortlist.map((e) => (e.contact.id === dead ? { ...e, status: 'failed' as const } : e));
    return endOfReply(withoutDead, { ...lookup, shortlist, inFlight: lookup.inFlight - 1 }, out);
  }

  function join(s: KademliaState, out: Out): KademliaState {
    if (bootstrap === undefined) return s;
    const contact: Contact = { name: bootstrap, id: kadId(bootstrap) };
    if (contact.id === s.self.id) return s;
    return startLookup({ ...s, buckets: updateBuckets(s.buckets, contact).buckets }, s.self.id, 'join', out);
  }

  return {
    init(ctx) {
      const self: Contact = { name: ctx.id, id: kadId(ctx.id) };
      const buckets = initialBuckets ?? emptyBuckets(self.id, k);
      return { self, buckets, nextRpcId: 0, rpcs: {}, nextLookupId: 0, lookups: {} };
    },

    step(state, input, ctx) {
      const out: Out = { effects: [], random: ctx.random };
      let s = state;
      switch (input.type) {
        case 'start':
          if (bootstrap !== undefined && bootstrap !== ctx.id) {
            if (joinDelayMs > 0) out.effects.push({ type: 'setTimer', name: 'join', delayMs: joinDelayMs });
            else s = join(s, out);
          }
          break;

        case 'timer':
          if (input.name === 'join') s = join(s, out);
          else s = onRpcTimeout(s, input.payload as number, out);
          break;

        case 'request': {
          const request = input.request as Partial<KadLookupRequest> | null;
          if (request === null || typeof request !== 'object' || !isId(request.lookup)) {
            out.effects.push({ type: 'reply', response: { error: 'expected { lookup: id } with an id in [0, 2^32)' } });
          } else {
            s = startLookup(s, request.lookup, 'client', out);
          }
          break;
        }

        case 'message': {
          const m = input.message;
          s = heardFrom(s, { name: input.from, id: m.senderId }, m.type !== 'ping' && m.type !== 'pong', out);
          switch (m.type) {
            case 'findNode': {
              // k + 1 so that leaving out the requester still returns k contacts.
              const contacts = kClosest(bucketContacts(s.buckets), m.target, k + 1).filter((c) => c.name !== input.from).slice(0, k);
              out.effects.push({ type: 'send', to: input.from, message: { type: 'findNodeResult', rpcId: m.rpcId, senderId: s.self.id, contacts } });
              break;
            }
            case 'findNodeResult':
              s = onFindNodeResult(s, m.rpcId, m.contacts, out);
              break;
            case 'ping':
              out.effects.push({ type: 'send', to: input.from, message: { type: 'pong', rpcId: m.rpcId, senderId: s.self.id } });
              break;
            case 'pong':
              // The sender moved to its bucket's tail in heardFrom; the newcomer waiting on this ping is dropped.
              if (s.rpcs[m.rpcId]?.kind === 'ping') {
                out.effects.push({ type: 'cancelTimer', name: rpcTimer(m.rpcId) });
                s = { ...s, rpcs: withoutKey(s.rpcs, m.rpcId) };
              }
              break;
          }
          break;
        }
      }
      return { state: s, effects: out.effects };
    },
  };
}

// ---- Large networks: routing tables filled directly. -------------------------------------------------------------


/**
 * A network whose routing tables are filled directly (each node learns a random sample of contacts, as if after
 * many lookups), for large-N experiments where joining one by one would dominate the run.
 *
 * By default each node is as if it had heard from every other node once, in random order, with every bucket head
 * answering its ping: each bucket holds k random nodes of its range (all of them when fewer), in random order.
 * That is the steady state §2.2 describes. With `contactsPerNode` = m, a node instead hears from only m random
 * other nodes; its near buckets then stay mostly empty and lookups can miss, which a lab can show. Table contents
 * come from `seed` alone (one stream per node name), so the same names and seed give the same tables. A node that
 * restarts gets its initial table back. Throws if two names hash to the same id.
 */
export function prepopulatedKademlia(
  names: readonly string[],
  options: KademliaOptions & { seed: number | string; contactsPerNode?: number },
): Record<NodeId, NodeBehavior<KademliaState, KademliaMessage>> {
  const { seed, contactsPerNode, ...nodeOptions } = options;
  const tables = sharedTables(names, { seed, k: nodeOptions.k ?? 8, contactsPerNode });
  const nodes: Record<NodeId, NodeBehavior<KademliaState, KademliaMessage>> = {};
  for (const name of names) nodes[name] = kademliaBehavior(nodeOptions, tables[name] as KBuckets);
  return nodes;
}

/**
 * `prepopulatedTables` for the nodes' initial states, remembering the last answer: an experiment that varies only
 * α or the lookups (the chapter's cells do) builds the same tables again, and for thousands of nodes that was a
 * quarter of the run. Nodes never change a table (every step returns a new one), and the shared tables are frozen,
 * so that code which reaches one through a node's state cannot change what the next run starts from either.
 * Callers of `prepopulatedTables` itself get fresh tables, which they may change as they like.
 */
let lastTables: { key: string; tables: Record<NodeId, KBuckets> } | undefined;
function sharedTables(names: readonly string[], options: { seed: number | string; k: number; contactsPerNode?: number }): Record<NodeId, KBuckets> {
  const key = JSON.stringify([options.seed, options.k, options.contactsPerNode ?? null, names]);
  if (lastTables?.key !== key) {
    const tables = prepopulatedTables(names, options);
    for (const table of Object.values(tables)) {
      for (const bucket of table.buckets) {
        for (const contact of bucket) Object.freeze(contact);
        Object.freeze(bucket);
      }
      Object.freeze(table.buckets);
      Object.freeze(table);
    }
    lastTables = { key, tables };
  }
  return lastTables.tables;
}

/**
 * The routing tables `prepopulatedKademlia` starts its nodes with, by node name, for figures and tests that look
 * at a table without running the network. Same names, seed, `k` and `contactsPerNode`, same tables.
 */
export function prepopulatedTables(
  names: readonly string[],
  options: { seed: number | string; k?: number; contactsPerNode?: number },
): Record<NodeId, KBuckets> {
  const { seed, k = 8, contactsPerNode } = options;
  const contacts: Contact[] = names.map((name) => ({ name, id: kadId(name) }));
  const byId = new Map<number, Contact>();
  for (const c of contacts) {
    const other = byId.get(c.id);
    if (other !== undefined) throw new Error(`names "${other.name}" and "${c.name}" have the same Kademlia id ${c.id}`);
    byId.set(c.id, c);
  }
  const sortedIds = contacts.map((c) => c.id).sort((a, b) => a - b);
  const root = new Random(seed).fork('kademlia:prepopulate');
  const tables: Record<NodeId, KBuckets> = {};
  for (const self of contacts) {
    const rng = root.fork(self.name);
    let table: KBuckets;
    if (contactsPerNode === undefined || contactsPerNode >= contacts.length - 1) {
      checkBucketSize(k);
      const buckets: Contact[][] = [];
      for (let i = 0; i < KAD_BITS; i++) {
        const { lo, hi } = bucketRange(self.id, i);
        const first = lowerBound(sortedIds, lo, (id) => id);
        const count = lowerBound(sortedIds, hi + 1, (id) => id) - first;
        const picks = count <= k ? rng.shuffle(Array.from({ length: count }, (_, j) => j)) : distinctDraws(rng, count, k);
        buckets.push(picks.map((j) => byId.get(sortedIds[first + j] as number) as Contact));
      }
      table = { self: self.id, k, buckets };
    } else {
      table = emptyBuckets(self.id, k);
      for (const j of distinctDraws(rng, contacts.length, Math.max(0, contactsPerNode) + 1)) {
        table = updateBuckets(table, contacts[j] as Contact, true).buckets; // hearing from oneself is a no-op
      }
    }
    tables[self.name] = table;
  }
  return tables;
}

/**
 * One row of `routingTableView`: bucket `bucket` of a table covers the ids `lo`..`hi` (the 2^bucket ids whose
 * XOR distance from the owner lies in [2^bucket, 2^(bucket+1)), §2.2); `nodes` of the network's ids fall in it and
 * the table keeps `contacts` of them (at most k).
 */
export interface BucketRow {
  bucket: number;
  lo: number;
  hi: number;
  nodes: number;
  contacts: number;
}

/**
 * The XOR-distance view of one routing table: for each bucket, how many of the network's nodes (`ids`, the
 * owner's own id may be among them) lie in its range and how many the table keeps. Far buckets cover huge ranges
 * and keep only k; near buckets keep every node there is, so a node knows its own neighbourhood completely.
 */
export function routingTableView(table: KBuckets, ids: readonly number[]): BucketRow[] {
  const nodes = new Array<number>(KAD_BITS).fill(0);
  for (const id of ids) {
    const i = bucketIndex(table.self, id);
    if (i >= 0) nodes[i] = (nodes[i] as number) + 1;
  }
  return table.buckets.map((bucket, i) => ({ ...bucketRange(table.self, i), bucket: i, nodes: nodes[i] as number, contacts: bucket.length }));
}

/** `m` distinct integers of [0, n), in the random order drawn (m <= n). */
function distinctDraws(rng: Random, n: number, m: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < Math.min(m, n)) {
    const j = rng.int(0, n - 1);
    if (!seen.has(j)) {
      seen.add(j);
      out.push(j);
    }
  }
  return out;
}

// ---- Runs. -------------------------------------------------------------------------------------------------------

/**
 * One client lookup as observed in a run.
 *
 * - `target`, `from`: what was looked up and by whom; `found`: the contacts it returned, closest first.
 * - `hops`: rounds of the iterative lookup; `messages`: FIND_NODE RPCs it sent (each answered one also cost a
 *   reply message).
 * - `ok`: `found` is exactly the true k closest among live nodes (the brute-force `trueClosest`), in order.
 * - `atMs`: when the originator replied.
 */
export interface KadLookupResult {
  target: number;
  from: NodeId;
  found: Contact[];
  hops: number;
  messages: number;
  ok: boolean;
  atMs: number;
}

/**
 * Settings of a lookup experiment.
 *
 * - `seed`: rules everything (names, tables, failures, lookups, the network).
 * - `nodes`: how many nodes (named `n0`, `n1`, ...; a name whose id collides with an earlier one is skipped).
 * - `k`, `alpha`, `rpcTimeoutMs`: the nodes' settings (defaults 8, 3, 100 ms).
 * - `lookups`: how many client lookups (default 20), each from a random live node for a random id, 10 ms apart.
 * - `prepopulated`: fill routing tables directly (default true); otherwise every node joins through `n0`, one
 *   every 20 ms, and lookups start 5 s after the last join.
 * - `failures`: fraction of nodes crashed just before the lookups (default 0); they stay in others' tables.
 * - `untilMs`: when the run ends (default 30 s after the last lookup starts).
 * - `record`: record the trace (default true; turn off for large runs, the stats remain).
 */
export interface KademliaRunOptions {
  seed: number | string;
  nodes: number;
  k?: number;
  alpha?: number;
  rpcTimeoutMs?: number;
  lookups?: number;
  prepopulated?: boolean;
  failures?: number;
  untilMs?: number;
  record?: boolean;
}

/** `count` node names whose Kademlia ids are distinct: `n0`, `n1`, ..., skipping any that collide. */
export function kademliaNames(count: number): string[] {
  const names: string[] = [];
  const ids = new Set<number>();
  for (let i = 0; names.length < count; i++) {
    const name = `n${i}`;
    const id = kadId(name);
    if (ids.has(id)) continue;
    ids.add(id);
    names.push(name);
  }
  return names;
}

const JOIN_SPACING_MS = 20;
const SETTLE_MS = 5000;
const LOOKUP_SPACING_MS = 10;

/**
 * Runs a Kademlia network and a series of client lookups; returns the trace, each lookup's result (in reply
 * order), the node names and the names of the nodes crashed before the lookups. The results are read from the
 * nodes' `reply` effects as they happen (an observer outside the nodes), so they are available with recording off.
 */
export function runKademlia(o: KademliaRunOptions): { trace: Trace; lookups: KadLookupResult[]; names: string[]; crashed: string[] } {
  const { seed, k = 8, alpha = 3, rpcTimeoutMs, lookups = 20, prepopulated = true, failures = 0, record = true } = o;
  if (!Number.isInteger(o.nodes) || o.nodes < 1) throw new Error(`nodes must be a positive integer (got ${o.nodes})`);
  if (!(failures >= 0 && failures < 1)) throw new Error(`failures must be a fraction in [0, 1) (got ${failures})`);
  const names = kademliaNames(o.nodes);
  const rng = new Random(seed).fork('kademlia:run');
  const nodeOptions: KademliaOptions = { k, alpha, rpcTimeoutMs };

  let behaviors: Record<NodeId, NodeBehavior<KademliaState, KademliaMessage>>;
  let lookupsStartMs: number;
  if (prepopulated) {
    behaviors = prepopulatedKademlia(names, { ...nodeOptions, seed });
    lookupsStartMs = 10;
  } else {
    behaviors = {};
    names.forEach((name, i) => {
      behaviors[name] = kademliaNode({ ...nodeOptions, bootstrap: names[0], joinDelayMs: i * JOIN_SPACING_MS });
    });
    lookupsStartMs = names.length * JOIN_SPACING_MS + SETTLE_MS;
  }

  const crashed = new Set(rng.shuffle(names).slice(0, Math.round(failures * names.length)));
  const live = names.filter((n) => !crashed.has(n));
  const interventions: Intervention[] = [...crashed].sort().map((node) => ({ atMs: lookupsStartMs, kind: 'crash', node }));
  for (let j = 0; j < lookups; j++) {
    const request: KadLookupRequest = { lookup: rng.nextUint32() };
    interventions.push({ atMs: lookupsStartMs + 1 + j * LOOKUP_SPACING_MS, kind: 'request', node: rng.pick(live), request });
  }

  const replies: { from: NodeId; atMs: number; reply: KadLookupReply }[] = [];
  const observed = observeReplies(behaviors, (response, from, atMs) => {
    if ('found' in (response as object)) replies.push({ from, atMs, reply: response as KadLookupReply });
  });

  const simulation = new Simulation({
    seed,
    nodes: observed,
    interventions,
    trace: { record, recordState: record },
    maxEvents: 50_000_000,
  });
  simulation.runUntil(o.untilMs ?? lookupsStartMs + lookups * LOOKUP_SPACING_MS + 30_000);

  const liveIds = live.map(kadId);
  const results = replies.map(({ from, atMs, reply }): KadLookupResult => {
    const expected = trueClosest(liveIds, reply.lookup, k);
    const ok = expected.length === reply.found.length && expected.every((id, i) => reply.found[i]?.id === id);
    return { target: reply.lookup, from, found: reply.found, hops: reply.rounds, messages: reply.messages, ok, atMs };
  });
  return { trace: simulation.trace(), lookups: results, names, crashed: [...crashed].sort() };
}
