/**
 * DNS request routing against anycast when a site fails.
 *
 * The first part is the decision an authoritative DNS server makes for each query: which site's address
 * to answer with. A CDN's authoritative server sees who asks (the recursive resolver, or with EDNS Client Subnet
 * the client's own subnet, RFC 7871 §7.1), measures or estimates the round-trip time from there to each site,
 * knows which sites pass their health checks and how loaded they are, and returns one site. Akamai's end-user
 * mapping (Chen, Sitaraman and Torres 2015, "End-User Mapping: Next Generation Request Routing for Content
 * Delivery", SIGCOMM) measured how much closer clients land when the mapping uses the client's location
 * instead of the resolver's. The mapper is a plain function so that a learner's version can be plugged into the
 * same simulation as the reference.
 */

import { simulate, NodeError } from "../sim/simulation";
import type { NetworkOptions } from "../sim/network";
import type { Intervention } from "../sim/interventions";
import type { Trace } from "../sim/trace";
import type { Effect, NodeBehavior, StepContext } from "../sim/types";
import { anycastRouting, type AsGraph, type Pop } from "./anycast";

/** One site as the mapping function sees it. */
export interface SiteCandidate {
  /** The site's id. Example: "fra". */
  id: string;
  /** Round-trip time from where the query is located (client or resolver) to the site. Example: 24. */
  rttMs: number;
  /** Whether the authoritative server's health checks currently pass for the site. */
  healthy: boolean;
  /** The site's load as a fraction of its capacity, 0..1. Example: 0.4. */
  load: number;
}

/**
 * What the authoritative DNS server's mapping function sees for one query. `rttMs` of each site is measured from
 * the client's region when EDNS Client Subnet gives the client's subnet (then `clientRegion` is set), else from
 * the resolver's region.
 */
export interface SiteQuery {
  /** The region of the recursive resolver that sent the query. Example: "eu-west". */
  resolverRegion: string;
  /** The client's region, present only with EDNS Client Subnet (RFC 7871). */
  clientRegion?: string;
  /** The latency budget the operator set: sites with `rttMs <= budgetMs` are acceptable. Example: 50. */
  budgetMs: number;
  /** Every site of the CDN, healthy or not. */
  sites: SiteCandidate[];
}

/** Chooses the site (by id) the authoritative server answers with. Must return the id of one of `query.sites`. */
export type SiteMapper = (query: SiteQuery) => string;

/** Orders by rttMs, then by id (code-unit order, so the choice does not depend on a locale). */
function byRttThenId(a: SiteCandidate, b: SiteCandidate): number {
  if (a.rttMs !== b.rttMs) return a.rttMs - b.rttMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function lowestRtt(sites: readonly SiteCandidate[]): SiteCandidate {
  let best = sites[0]!;
  for (const site of sites) if (byRttThenId(site, best) < 0) best = site;
  return best;
}

function requireSites(query: SiteQuery, mapper: string): void {
  if (query.sites.length === 0)
    throw new RangeError(`${mapper}: the query lists no sites to choose from`);
}

/**
 * The reference mapping under a latency budget. Among healthy sites with `rttMs <= budgetMs`, the least loaded
 * (ties: lower rttMs, then id). If no healthy site is within the budget, the healthy site with the lowest rttMs
 * (ties: id). If no site is healthy, the site with the lowest rttMs (ties: id): answering with some address is
 * better than answering with none, and the health checks may be wrong. Ids compare in code-unit order. Throws a
 * RangeError when the query lists no sites.
 */
export const mapWithinBudget: SiteMapper = (query) => {
  requireSites(query, "mapWithinBudget");
  const healthy = query.sites.filter((site) => site.healthy);
  if (healthy.length === 0) return lowestRtt(query.sites).id;
  const within = healthy.filter((site) => site.rttMs <= query.budgetMs);
  if (within.length === 0) return lowestRtt(healthy).id;
  let best = within[0]!;
  for (const site of within)
    if (
      site.load < best.load ||
      (site.load === best.load && byRttThenId(site, best) < 0)
    )
      best = site;
  return best.id;
};

/**
 * The nearest healthy site: the healthy site with the lowest rttMs (ties: id, code-unit order); when no site is
 * healthy, the site with the lowest rttMs. Ignores load and the budget. Throws a RangeError when the query lists
 * no sites.
 */
export const mapNearest: SiteMapper = (query) => {
  requireSites(query, "mapNearest");
  const healthy = query.sites.filter((site) => site.healthy);
  return lowestRtt(healthy.length > 0 ? healthy : query.sites).id;
};

// ---------------------------------------------------------------------------------------------------------------
// The failover simulation.
//
// Who is in the run (all pure node behaviors on the simulator, which owns time, randomness and the network):
// - `client:<region>`, one per client region, sends on behalf of `clients` clients: client k sends a request every
//   `requestEveryMs`, from a phase drawn at start. A fraction `downloadFraction` of requests are long downloads of
//   `downloadMs` (a connection in flight); the rest are answered in one round trip. A request that gets no answer
//   within `timeoutMs` (after its download time) has failed; the client sends its next request as usual.
// - DNS routing: `resolver:<region>`, a recursive resolver, caches the authoritative answer until its TTL runs out
//   (RFC 1034 §3.6, RFC 2181 §8) and answers the clients with the TTL that remains; with EDNS Client Subnet the
//   cache is kept per client subnet, here per client region (RFC 7871 §7.3.1). The client keeps the answer for that
//   remaining TTL, as a stub resolver or browser cache does. `auth`, the authoritative server, answers each query
//   with the site the mapper chooses and health-checks every site every `healthCheckEveryMs`; a site that misses
//   `failuresToMarkDown` checks in a row is marked down (and up again at its first answer).
// - Anycast routing: there are no resolvers; each client region's packets go to the site BGP selects for its AS
//   (`anycastRouting`, shortest AS path). `bgp` stands for the routing system: it exchanges keepalives with each
//   site every `keepaliveMs` and, like a BGP session's hold timer (RFC 4271 §4.2, §4.4), declares the site gone
//   after `holdMs` without an answer and withdraws its route. The default 3 s is the smallest hold time RFC 4271
//   §4.2 allows (its suggested default is 90 s, §10); it stands for the fast failure detection operators add to
//   BGP, such as BFD (RFC 5880). The new routes reach the clients `convergenceMs` later: withdrawals make BGP
//   explore ever longer paths before it settles, which Labovitz, Ahuja, Bose and Jahanian (2000, "Delayed Internet
//   routing convergence", SIGCOMM) measured in minutes. The model keeps only that delay, not the exploration
//   itself. A download is a connection once its site has answered the handshake (`established`). A route change
//   moves a client's packets, and with them every established connection's, to another site, which has no state
//   for the connection and answers with a reset (RFC 9293 §3.10.7.1). A request sent to a dead site opened no
//   connection, so it is not reset: it fails by its timeout, as under DNS. A site that comes back is announced
//   again, and routes move back after the same delay, resetting the downloads that the live site had taken over.
//   DNS never moves a connection: a client that gets a new answer opens its next connections there.
// - `site:<id>`, one per site, serves requests and answers checks. A failure crashes the site (messages to it are
//   lost, its connections in flight never finish) and `untilMs` restarts it with empty state.
//
// Every link's one-way latency is constant, from `latencyMs`; the `bgp` node's links take 1 ms (its delays are the
// hold timer and `convergenceMs`). Requests still open when the run ends are not counted.
//
// What it leaves out: resolvers and the authoritative server never fail and never lose a message, so a lookup
// needs no timeout or retry; every resolver honours the TTL, while Pang, Akella, Shaikh, Krishnamurthy and Seshan
// (2004, "On the responsiveness of DNS-based network control", IMC) found a share of clients and resolvers that
// keep answers well past it, which stretches DNS failover further; a client that sees a failure does not look
// the name up again early; and anycast clients are whole ASes, so a route change moves all of a region at once.
// ---------------------------------------------------------------------------------------------------------------

/** DNS request routing: resolvers with TTL caches in front of an authoritative server that maps and health-checks. */
export interface DnsRouting {
  kind: "dns";
  /** The TTL the authoritative server gives its answers. Example: 30. */
  ttlSeconds: number;
  /** Interval between the authoritative server's health checks of each site (default 1,000); it must exceed the round
   *  trip to every site, since a check still unanswered at the next round counts as missed. */
  healthCheckEveryMs?: number;
  /** Consecutive missed checks before a site is marked down (default 3). */
  failuresToMarkDown?: number;
  /** EDNS Client Subnet (RFC 7871): the mapper sees the client's region and the resolver caches per region (default false). */
  ecs?: boolean;
  /** The mapping function (default mapWithinBudget). */
  mapper?: SiteMapper;
  /** The latency budget handed to the mapper, as a round-trip time (default 80). */
  budgetMs?: number;
  /** Where the authoritative server sits (default: the first site's region). */
  authoritativeRegion?: string;
}

/** Anycast routing: every site announces one prefix from its AS; BGP's shortest AS path decides. */
export interface AnycastRouting {
  kind: "anycast";
  graph: AsGraph;
  /** The AS each client region's clients are in. Example: { eu: 3, us: 7 }. */
  clientAs: Record<string, number>;
  /** Time from a withdrawal (or a new announcement) until the clients' routes change (default 30,000). */
  convergenceMs?: number;
  /** Interval between keepalives with each site (default 1,000). */
  keepaliveMs?: number;
  /** Silence after which a site is declared gone and withdrawn, the BGP hold timer (default 3,000: the smallest hold
   *  time RFC 4271 §4.2 allows, standing for fast detection such as BFD; RFC 4271 §10 suggests 90 s). */
  holdMs?: number;
}

export interface FailoverOptions {
  seed: number | string;
  /** Client regions: how many clients each stands for, and where their resolver is (default: the same region). */
  regions: { id: string; clients: number; resolverRegion?: string }[];
  /** Sites: where each is; `asn` is required for anycast; `capacityRps` sets the load the mapper sees (default: load 0). */
  sites: { id: string; region: string; asn?: number; capacityRps?: number }[];
  /** One-way ms between regions; either direction may be given. A missing same-region entry means 1 ms. */
  latencyMs: Record<string, Record<string, number>>;
  routing: DnsRouting | AnycastRouting;
  /** Each client sends a request this often (default 1,000). */
  requestEveryMs?: number;
  /** How long a download lasts (default 5,000). */
  downloadMs?: number;
  /** The fraction of requests that are downloads (default 0.1). */
  downloadFraction?: number;
  /** A request with no answer this long after it was due has failed (default 1,000). */
  timeoutMs?: number;
  /** Each failure crashes `site` at `atMs` and restarts it at `untilMs`, if given. */
  failures?: { site: string; atMs: number; untilMs?: number }[];
  untilMs: number;
}

/** One request as its client saw it, from the client's log. */
export interface FailoverRequest {
  id: string;
  region: string;
  /** The site it was sent to, or null when the client had no route. */
  site: string | null;
  /** When it was sent to the site. */
  atMs: number;
  /** When it finished: answered, timed out or reset. */
  endMs: number;
  outcome: "ok" | "timeout" | "reset" | "unreachable";
  download: boolean;
  /** For a reset: the site that sent it, the one a route change moved the connection to. */
  resetBy?: string;
}

export interface FailoverRun {
  trace: Trace;
  /** Every request that finished before the run's end, in the order they finished. */
  requests: FailoverRequest[];
  /**
   * Per second, the requests that ended in it (answered, timed out or reset: when the client learnt the outcome, so
   * no failure shows before the failure that caused it), how many of them failed (sent to a dead site, or cut off or
   * reset mid-download), and the sites they had been sent to. A request sent to a dead site shows `timeoutMs` after
   * it was sent, or `downloadMs + timeoutMs` for a download.
   */
  series: { second: number; requests: number; failed: number; bySite: Record<string, number> }[];
  /**
   * For each failure: the last time any client still sent to the dead site (atMs when none did); the time from the
   * failure to the last failed request sent while the site was down, before the next failure (0 when none failed);
   * when the authoritative server marked the site down or BGP withdrew it (null if it never did); and the
   * connections reset by route changes (anycast only), in two counts. `connectionsReset`: connections established
   * at the site before it failed and still open when the withdrawal moved their packets elsewhere; a request sent
   * to the site once it was dead opened no connection and counts as a failure, not a reset.
   * `connectionsResetOnReturn`: connections established at another, live site and reset by this one once it came
   * back and its announcement moved its old clients' packets back to it.
   */
  outages: {
    site: string;
    atMs: number;
    lastRequestToDeadSiteMs: number;
    recoveredAfterMs: number;
    detectedAtMs: number | null;
    connectionsReset: number;
    connectionsResetOnReturn: number;
  }[];
  /** Queries the resolvers sent to the authoritative server (0 for anycast). */
  authoritativeQueries: number;
}

/** A mapper threw, or answered with something that is not a site. */
export class MapperError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MapperError";
  }
}

type Message =
  | { type: "lookup" }
  | { type: "answer"; site: string; ttlMs: number }
  | { type: "query"; resolverRegion: string; clientRegion?: string }
  | { type: "response"; clientRegion?: string; site: string; ttlMs: number }
  | { type: "check"; seq: number }
  | { type: "alive"; seq: number; load: number }
  | { type: "get"; id: string; downloadMs: number }
  | { type: "done"; id: string }
  | { type: "established"; id: string }
  | { type: "continue"; id: string }
  | { type: "reset"; id: string }
  | { type: "route"; site: string | null };

type Effects = Effect<Message>[];

const siteNode = (id: string) => `site:${id}`;
const clientNode = (region: string) => `client:${region}`;
const resolverNode = (region: string) => `resolver:${region}`;
const AUTH = "auth";
const BGP = "bgp";
const REQUEST_LOG = "request";

interface OpenRequest {
  id: string;
  site: string | null;
  atMs: number;
  downloadMs: number;
  /** A download whose handshake the site answered: only then is there a connection a route change can move. */
  established: boolean;
  /** Whether a route change has already sent this connection's packets to another site. */
  moved: boolean;
}

interface ClientState {
  nextSendMs: number[];
  sent: number;
  /** DNS: the answer held and when it expires; anycast: the route, which never expires. */
  site: string | null;
  expiresAtMs: number;
  lookingUp: boolean;
  /** Requests waiting for a DNS answer: their ids and download times. */
  queued: { id: string; downloadMs: number }[];
  /** Requests sent and not yet finished, oldest first (a list: it is copied on every change, and stays short). */
  open: OpenRequest[];
}

interface ClientConfig {
  region: string;
  clients: number;
  requestEveryMs: number;
  downloadMs: number;
  downloadFraction: number;
  timeoutMs: number;
  /** DNS: the resolver node to ask; anycast: undefined. */
  resolver?: string;
  /** Anycast: the site routes lead to at the start. */
  initialSite: string | null;
}

function clientBehavior(config: ClientConfig): NodeBehavior<ClientState, Message> {
  const finish = (state: ClientState, id: string, endMs: number, outcome: FailoverRequest["outcome"], resetBy?: string): Effects => {
    const request = state.open.find((r) => r.id === id)!;
    state.open = state.open.filter((r) => r.id !== id);
    const record: FailoverRequest = {
      id, region: config.region, site: request.site, atMs: request.atMs, endMs, outcome, download: request.downloadMs > 0,
      ...(resetBy === undefined ? {} : { resetBy }),
    };
    return [{ type: "cancelTimer", name: `timeout:${id}` }, { type: "log", text: REQUEST_LOG, data: record }];
  };
  /**
   * Anycast only: the packets of an established connection now go to `to`. If that is not the site holding the
   * connection, it answers with a reset. A request whose handshake no site answered has no connection to move: its
   * packets went to a dead site, and it fails by its timeout.
   */
  const follow = (state: ClientState, to: string | null): Effects => {
    if (to === null) return [];
    const effects: Effects = [];
    state.open = state.open.map((r) => {
      if (!r.established || r.moved || r.site === to) return r;
      effects.push({ type: "send", to: siteNode(to), message: { type: "continue", id: r.id } });
      return { ...r, moved: true };
    });
    return effects;
  };
  const sendToSite = (state: ClientState, id: string, downloadMs: number, nowMs: number): Effects => {
    state.open = [...state.open, { id, site: state.site, atMs: nowMs, downloadMs, established: false, moved: false }];
    if (state.site === null) return finish(state, id, nowMs, "unreachable");
    return [
      { type: "send", to: siteNode(state.site), message: { type: "get", id, downloadMs } },
      { type: "setTimer", name: `timeout:${id}`, delayMs: downloadMs + config.timeoutMs, payload: id },
    ];
  };
  return {
    init(ctx) {
      return {
        nextSendMs: Array.from({ length: config.clients }, () => ctx.random.next() * config.requestEveryMs),
        sent: 0,
        site: config.initialSite,
        expiresAtMs: config.resolver === undefined ? Infinity : -Infinity,
        lookingUp: false,
        queued: [],
        open: [],
      };
    },
    step(state, input, ctx) {
      const now = ctx.nowMs;
      const next = { ...state };
      const effects: Effects = [];
      const armTick = () => {
        const due = Math.min(...next.nextSendMs);
        effects.push({ type: "setTimer", name: "tick", delayMs: Math.max(0, due - now) });
      };
      if (input.type === "start") {
        armTick();
        return { state: next, effects };
      }
      if (input.type === "timer" && input.name === "tick") {
        next.nextSendMs = next.nextSendMs.map((due) => {
          if (due > now) return due;
          const id = `${config.region}:${next.sent++}`;
          const downloadMs = ctx.random.next() < config.downloadFraction ? config.downloadMs : 0;
          if (config.resolver !== undefined && !(now < next.expiresAtMs)) {
            next.queued = [...next.queued, { id, downloadMs }];
          } else {
            effects.push(...sendToSite(next, id, downloadMs, now));
          }
          return due + config.requestEveryMs;
        });
        if (next.queued.length > 0 && !next.lookingUp && config.resolver !== undefined) {
          next.lookingUp = true;
          effects.push({ type: "send", to: config.resolver, message: { type: "lookup" } });
        }
        armTick();
        return { state: next, effects };
      }
      if (input.type === "timer" && input.name.startsWith("timeout:")) {
        const id = input.payload as string;
        if (next.open.some((r) => r.id === id)) effects.push(...finish(next, id, now, "timeout"));
        return { state: next, effects };
      }
      if (input.type !== "message") return { state };
      const message = input.message;
      switch (message.type) {
        case "answer": {
          next.site = message.site;
          next.expiresAtMs = now + message.ttlMs;
          next.lookingUp = false;
          const queued = next.queued;
          next.queued = [];
          for (const { id, downloadMs } of queued) effects.push(...sendToSite(next, id, downloadMs, now));
          break;
        }
        case "done":
          if (next.open.some((r) => r.id === message.id)) effects.push(...finish(next, message.id, now, "ok"));
          break;
        case "established": {
          if (!next.open.some((r) => r.id === message.id)) break;
          next.open = next.open.map((r) => (r.id === message.id ? { ...r, established: true } : r));
          // Under anycast, a handshake answered by a site the route has since moved away from is completed along the
          // new route, at a site that never saw it. Under DNS the connection stays with the address it was opened to.
          if (config.resolver === undefined) effects.push(...follow(next, next.site));
          break;
        }
        case "reset":
          if (next.open.some((r) => r.id === message.id)) effects.push(...finish(next, message.id, now, "reset", input.from.slice("site:".length)));
          break;
        case "route":
          // The established connections now send their packets to the new site.
          next.site = message.site;
          effects.push(...follow(next, message.site));
          break;
      }
      return { state: next, effects };
    },
  };
}

interface ResolverState {
  /** Cached answers by key ("" without ECS, else the client region). */
  cache: Record<string, { site: string; expiresAtMs: number }>;
  /** Clients waiting for the authoritative server's answer, by key; a key present means a query is in flight. */
  waiting: Record<string, string[]>;
}

function resolverBehavior(region: string, regionOfClient: (node: string) => string, ecs: boolean): NodeBehavior<ResolverState, Message> {
  return {
    init: () => ({ cache: {}, waiting: {} }),
    step(state, input, ctx) {
      if (input.type !== "message") return { state };
      const message = input.message;
      const now = ctx.nowMs;
      if (message.type === "lookup") {
        const clientRegion = regionOfClient(input.from);
        const key = ecs ? clientRegion : "";
        const cached = state.cache[key];
        if (cached !== undefined && now < cached.expiresAtMs) {
          return { state, effects: [{ type: "send", to: input.from, message: { type: "answer", site: cached.site, ttlMs: cached.expiresAtMs - now } }] };
        }
        const inFlight = state.waiting[key];
        const waiting = { ...state.waiting, [key]: [...(inFlight ?? []), input.from] };
        if (inFlight !== undefined) return { state: { ...state, waiting } };
        const query: Message = ecs ? { type: "query", resolverRegion: region, clientRegion } : { type: "query", resolverRegion: region };
        return { state: { ...state, waiting }, effects: [{ type: "send", to: AUTH, message: query }] };
      }
      if (message.type === "response") {
        const key = ecs ? (message.clientRegion ?? "") : "";
        const cache = { ...state.cache, [key]: { site: message.site, expiresAtMs: now + message.ttlMs } };
        const waiting = { ...state.waiting };
        const clients = waiting[key] ?? [];
        delete waiting[key];
        return {
          state: { cache, waiting },
          effects: clients.map((to) => ({ type: "send", to, message: { type: "answer", site: message.site, ttlMs: message.ttlMs } })),
        };
      }
      return { state };
    },
  };
}

/** What a health checker (the authoritative server, or the BGP speaker) knows of one site. */
interface SiteHealth {
  up: boolean;
  missed: number;
  awaiting: boolean;
  load: number;
}

interface HealthConfig {
  sites: readonly string[];
  everyMs: number;
  missesToMarkDown: number;
  downLog: string;
  upLog: string;
}

/**
 * One health-check round, shared by the authoritative server and the BGP speaker: a check still unanswered counts
 * as missed; enough misses in a row mark the site down. Returns the sites whose state changed.
 */
function healthRound(config: HealthConfig, health: Record<string, SiteHealth>, seq: number): { health: Record<string, SiteHealth>; effects: Effects; changed: string[] } {
  const next: Record<string, SiteHealth> = {};
  const effects: Effects = [];
  const changed: string[] = [];
  for (const site of config.sites) {
    const h = { ...health[site]! };
    if (h.awaiting) h.missed++;
    if (h.up && h.missed >= config.missesToMarkDown) {
      h.up = false;
      changed.push(site);
      effects.push({ type: "log", text: config.downLog, data: { site } });
    }
    h.awaiting = true;
    next[site] = h;
    effects.push({ type: "send", to: siteNode(site), message: { type: "check", seq } });
  }
  effects.push({ type: "setTimer", name: "check", delayMs: config.everyMs });
  return { health: next, effects, changed };
}

function healthAnswer(config: HealthConfig, health: Record<string, SiteHealth>, site: string, load: number): { health: Record<string, SiteHealth>; effects: Effects; changed: boolean } {
  const was = health[site]!;
  const effects: Effects = was.up ? [] : [{ type: "log", text: config.upLog, data: { site } }];
  return { health: { ...health, [site]: { up: true, missed: 0, awaiting: false, load } }, effects, changed: !was.up };
}

const initialHealth = (sites: readonly string[]): Record<string, SiteHealth> =>
  Object.fromEntries(sites.map((site) => [site, { up: true, missed: 0, awaiting: false, load: 0 }]));

interface AuthState {
  health: Record<string, SiteHealth>;
  seq: number;
}

const MARK_DOWN_LOG = "mark-down";
const MARK_UP_LOG = "mark-up";
const WITHDRAW_LOG = "withdraw";
const ANNOUNCE_LOG = "announce";
const ROUTES_LOG = "routes";

function mapperName(mapper: SiteMapper): string {
  return mapper.name ? `"${mapper.name}"` : "(anonymous)";
}

/** Calls the mapper and checks its answer; a throw or a non-site id becomes a MapperError naming the mapper. */
function callMapper(mapper: SiteMapper, query: SiteQuery): string {
  let chosen: unknown;
  const from = query.clientRegion === undefined ? `resolver region ${query.resolverRegion}` : `client region ${query.clientRegion}`;
  try {
    chosen = mapper(query);
  } catch (error) {
    throw new MapperError(`the site mapper ${mapperName(mapper)} threw on a query from ${from}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof chosen !== "string" || !query.sites.some((site) => site.id === chosen)) {
    throw new MapperError(
      `the site mapper ${mapperName(mapper)} answered ${JSON.stringify(chosen) ?? String(chosen)} on a query from ${from}, ` +
        `which is not a site (sites: ${query.sites.map((site) => site.id).join(", ")})`,
    );
  }
  return chosen;
}

function authBehavior(
  config: HealthConfig,
  sites: readonly { id: string; region: string }[],
  rttMs: (a: string, b: string) => number,
  routing: { mapper: SiteMapper; budgetMs: number; ttlMs: number },
): NodeBehavior<AuthState, Message> {
  return {
    init: () => ({ health: initialHealth(config.sites), seq: 0 }),
    step(state, input) {
      if (input.type === "start" || (input.type === "timer" && input.name === "check")) {
        const round = healthRound(config, state.health, state.seq);
        return { state: { health: round.health, seq: state.seq + 1 }, effects: round.effects };
      }
      if (input.type !== "message") return { state };
      const message = input.message;
      if (message.type === "alive") {
        const site = input.from.slice("site:".length);
        const answer = healthAnswer(config, state.health, site, message.load);
        return { state: { ...state, health: answer.health }, effects: answer.effects };
      }
      if (message.type === "query") {
        const from = message.clientRegion ?? message.resolverRegion;
        const query: SiteQuery = {
          resolverRegion: message.resolverRegion,
          ...(message.clientRegion === undefined ? {} : { clientRegion: message.clientRegion }),
          budgetMs: routing.budgetMs,
          sites: sites.map((site) => ({
            id: site.id, rttMs: rttMs(from, site.region), healthy: state.health[site.id]!.up, load: state.health[site.id]!.load,
          })),
        };
        const site = callMapper(routing.mapper, query);
        const response: Message = { type: "response", site, ttlMs: routing.ttlMs, ...(message.clientRegion === undefined ? {} : { clientRegion: message.clientRegion }) };
        return { state, effects: [{ type: "send", to: input.from, message: response }] };
      }
      return { state };
    },
  };
}

interface BgpState {
  health: Record<string, SiteHealth>;
  seq: number;
  /** The site each client region's route leads to now. */
  routes: Record<string, string | null>;
  convergences: number;
}

function bgpBehavior(
  config: HealthConfig,
  pops: readonly Pop[],
  graph: AsGraph,
  clientAs: Record<string, number>,
  initialRoutes: Record<string, string | null>,
  convergenceMs: number,
): NodeBehavior<BgpState, Message> {
  return {
    init: () => ({ health: initialHealth(config.sites), seq: 0, routes: initialRoutes, convergences: 0 }),
    step(state, input) {
      if (input.type === "start" || (input.type === "timer" && input.name === "check")) {
        const round = healthRound(config, state.health, state.seq);
        const effects = round.effects;
        let convergences = state.convergences;
        if (round.changed.length > 0) effects.push({ type: "setTimer", name: `converge:${convergences++}`, delayMs: convergenceMs });
        return { state: { ...state, health: round.health, seq: state.seq + 1, convergences }, effects };
      }
      if (input.type === "timer" && input.name.startsWith("converge:")) {
        // Routes settle on whatever is announced when the delay runs out.
        const announced = pops.filter((pop) => state.health[pop.id]!.up);
        const byAs = new Map(anycastRouting(graph, announced).map((route) => [route.clientAs, route.pop]));
        const routes: Record<string, string | null> = {};
        const effects: Effects = [];
        for (const region of Object.keys(clientAs).sort()) {
          routes[region] = byAs.get(clientAs[region]!) ?? null;
          if (routes[region] !== state.routes[region]) effects.push({ type: "send", to: clientNode(region), message: { type: "route", site: routes[region]! } });
        }
        effects.push({ type: "log", text: ROUTES_LOG, data: { routes } });
        return { state: { ...state, routes }, effects };
      }
      if (input.type === "message" && input.message.type === "alive") {
        const site = input.from.slice("site:".length);
        const answer = healthAnswer(config, state.health, site, input.message.load);
        const effects = answer.effects;
        let convergences = state.convergences;
        if (answer.changed) effects.push({ type: "setTimer", name: `converge:${convergences++}`, delayMs: convergenceMs });
        return { state: { ...state, health: answer.health, convergences }, effects };
      }
      return { state };
    },
  };
}

interface SiteState {
  /** Connections in flight (downloads), by request id, with the client node to answer. */
  connections: Record<string, string>;
  servedSinceCheck: number;
  lastCheckMs: number;
}

function siteBehavior(capacityRps: number | undefined): NodeBehavior<SiteState, Message> {
  return {
    init: (ctx) => ({ connections: {}, servedSinceCheck: 0, lastCheckMs: ctx.nowMs }),
    step(state, input, ctx: StepContext) {
      if (input.type === "timer" && input.name.startsWith("done:")) {
        const id = input.payload as string;
        const to = state.connections[id];
        if (to === undefined) return { state };
        const connections = { ...state.connections };
        delete connections[id];
        return { state: { ...state, connections }, effects: [{ type: "send", to, message: { type: "done", id } }] };
      }
      if (input.type !== "message") return { state };
      const message = input.message;
      switch (message.type) {
        case "get": {
          const served = state.servedSinceCheck + 1;
          if (message.downloadMs === 0) {
            return { state: { ...state, servedSinceCheck: served }, effects: [{ type: "send", to: input.from, message: { type: "done", id: message.id } }] };
          }
          // A download is a connection: the site answers its handshake, then sends for downloadMs.
          return {
            state: { ...state, servedSinceCheck: served, connections: { ...state.connections, [message.id]: input.from } },
            effects: [
              { type: "send", to: input.from, message: { type: "established", id: message.id } },
              { type: "setTimer", name: `done:${message.id}`, delayMs: message.downloadMs, payload: message.id },
            ],
          };
        }
        case "continue":
          // A packet of a connection this site never opened: TCP answers with a reset (RFC 9293 §3.10.7.1).
          if (state.connections[message.id] !== undefined) return { state };
          return { state, effects: [{ type: "send", to: input.from, message: { type: "reset", id: message.id } }] };
        case "check": {
          const elapsedMs = Math.max(1, ctx.nowMs - state.lastCheckMs);
          const load = capacityRps === undefined ? 0 : Math.min(1, (state.servedSinceCheck * 1000) / elapsedMs / capacityRps);
          return {
            state: { ...state, servedSinceCheck: 0, lastCheckMs: ctx.nowMs },
            effects: [{ type: "send", to: input.from, message: { type: "alive", seq: message.seq, load } }],
          };
        }
        default:
          return { state };
      }
    },
  };
}

type NodeState = ClientState | ResolverState | AuthState | BgpState | SiteState;

/** One-way latency between two regions from the table (either direction; same region defaults to 1 ms). */
function oneWayLatency(latencyMs: FailoverOptions["latencyMs"]): (a: string, b: string) => number {
  return (a, b) => {
    const ms = latencyMs[a]?.[b] ?? latencyMs[b]?.[a] ?? (a === b ? 1 : undefined);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      throw new Error(`latencyMs needs a one-way time between ${a} and ${b} (got ${String(ms)})`);
    }
    return ms;
  };
}

function validateFailover(options: FailoverOptions): void {
  const fail = (message: string): never => {
    throw new Error(`runFailover: ${message}`);
  };
  if (options.regions.length === 0) fail("regions must list at least one client region");
  if (options.sites.length === 0) fail("sites must list at least one site");
  const regionIds = new Set<string>();
  for (const region of options.regions) {
    if (regionIds.has(region.id)) fail(`region ${region.id} is listed twice`);
    regionIds.add(region.id);
    if (!Number.isInteger(region.clients) || region.clients < 1) fail(`regions ${region.id}: clients must be a positive integer (got ${region.clients})`);
  }
  const siteIds = new Set<string>();
  for (const site of options.sites) {
    if (siteIds.has(site.id)) fail(`site ${site.id} is listed twice`);
    siteIds.add(site.id);
  }
  for (const failure of options.failures ?? []) {
    if (!siteIds.has(failure.site)) fail(`failures name an unknown site ${JSON.stringify(failure.site)} (sites: ${[...siteIds].join(", ")})`);
    if (failure.untilMs !== undefined && !(failure.untilMs > failure.atMs)) fail(`the failure of ${failure.site} at ${failure.atMs} ms must end after it starts`);
  }
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) fail(`${name} must be a positive number of ms (got ${value})`);
  };
  positive("requestEveryMs", options.requestEveryMs);
  positive("timeoutMs", options.timeoutMs);
  positive("untilMs", options.untilMs);
  const fraction = options.downloadFraction;
  if (fraction !== undefined && !(fraction >= 0 && fraction <= 1)) fail(`downloadFraction must be in 0..1 (got ${fraction})`);
  const routing = options.routing;
  if (routing.kind === "dns") {
    if (!(routing.ttlSeconds >= 0)) fail(`routing.ttlSeconds must be 0 or more (got ${routing.ttlSeconds})`);
    positive("routing.healthCheckEveryMs", routing.healthCheckEveryMs);
  } else if (routing.kind === "anycast") {
    for (const site of options.sites) if (site.asn === undefined) fail(`site ${site.id} needs an asn for anycast routing`);
    for (const region of options.regions) if (routing.clientAs[region.id] === undefined) fail(`routing.clientAs has no AS for region ${region.id}`);
    positive("routing.keepaliveMs", routing.keepaliveMs);
  } else {
    fail(`routing.kind must be "dns" or "anycast" (got ${JSON.stringify((routing as { kind: unknown }).kind)})`);
  }
}

/**
 * Runs clients against sites under DNS or anycast routing while sites fail, and measures how long clients keep
 * going to a dead site (the model is described where the simulation's part of this file begins). One seed gives
 * one trace exactly.
 * A mapper that throws or answers with something that is not a site makes this throw a MapperError naming it.
 */
export function runFailover(options: FailoverOptions): FailoverRun {
  validateFailover(options);
  const latency = oneWayLatency(options.latencyMs);
  const requestEveryMs = options.requestEveryMs ?? 1000;
  const downloadMs = options.downloadMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 1000;
  const downloadFraction = options.downloadFraction ?? 0.1;
  const routing = options.routing;
  const siteIds = options.sites.map((site) => site.id);
  const nodes: Record<string, NodeBehavior<NodeState, Message>> = {};
  const regionOf = new Map<string, string>();
  const add = (id: string, region: string | null, behavior: NodeBehavior<NodeState, Message>) => {
    nodes[id] = behavior;
    if (region !== null) regionOf.set(id, region);
  };
  for (const site of options.sites) add(siteNode(site.id), site.region, siteBehavior(site.capacityRps));

  let initialRoutes: Record<string, string | null> = {};
  if (routing.kind === "dns") {
    const ecs = routing.ecs ?? false;
    const health: HealthConfig = {
      sites: siteIds, everyMs: routing.healthCheckEveryMs ?? 1000, missesToMarkDown: routing.failuresToMarkDown ?? 3, downLog: MARK_DOWN_LOG, upLog: MARK_UP_LOG,
    };
    const rttMs = (a: string, b: string) => 2 * latency(a, b);
    const authRegion = routing.authoritativeRegion ?? options.sites[0]!.region;
    for (const site of options.sites) {
      // A check still unanswered at the next round counts as missed, so every answer must come back within one interval.
      if (rttMs(authRegion, site.region) >= health.everyMs) {
        throw new Error(`runFailover: routing.healthCheckEveryMs (${health.everyMs}) must exceed the round trip from the authoritative server to site ${site.id} (${rttMs(authRegion, site.region)} ms)`);
      }
    }
    add(AUTH, authRegion, authBehavior(health, options.sites, rttMs, {
      mapper: routing.mapper ?? mapWithinBudget, budgetMs: routing.budgetMs ?? 80, ttlMs: routing.ttlSeconds * 1000,
    }));
    const resolverRegions = [...new Set(options.regions.map((region) => region.resolverRegion ?? region.id))];
    for (const region of resolverRegions) {
      add(resolverNode(region), region, resolverBehavior(region, (node) => regionOf.get(node)!, ecs));
    }
  } else {
    const pops = options.sites.map((site) => ({ id: site.id, asn: site.asn! }));
    const byAs = new Map(anycastRouting(routing.graph, pops).map((route) => [route.clientAs, route.pop]));
    initialRoutes = Object.fromEntries(options.regions.map((region) => [region.id, byAs.get(routing.clientAs[region.id]!) ?? null]));
    const keepaliveMs = routing.keepaliveMs ?? 1000;
    const health: HealthConfig = {
      sites: siteIds, everyMs: keepaliveMs, missesToMarkDown: Math.max(1, Math.ceil((routing.holdMs ?? 3000) / keepaliveMs)), downLog: WITHDRAW_LOG, upLog: ANNOUNCE_LOG,
    };
    add(BGP, null, bgpBehavior(health, pops, routing.graph, routing.clientAs, initialRoutes, routing.convergenceMs ?? 30_000));
  }
  for (const region of options.regions) {
    add(clientNode(region.id), region.id, clientBehavior({
      region: region.id, clients: region.clients, requestEveryMs, downloadMs, downloadFraction, timeoutMs,
      ...(routing.kind === "dns" ? { resolver: resolverNode(region.resolverRegion ?? region.id) } : {}),
      initialSite: initialRoutes[region.id] ?? null,
    }));
  }

  const ids = Object.keys(nodes).sort();
  const links: NonNullable<NetworkOptions["links"]> = [];
  for (const from of ids) {
    for (const to of ids) {
      const a = regionOf.get(from);
      const b = regionOf.get(to);
      const ms = a === undefined || b === undefined ? 1 : latency(a, b);
      links.push({ from, to, latency: { kind: "constant", ms } });
    }
  }
  const interventions: Intervention[] = [];
  for (const failure of options.failures ?? []) {
    interventions.push({ atMs: failure.atMs, kind: "crash", node: siteNode(failure.site) });
    if (failure.untilMs !== undefined) interventions.push({ atMs: failure.untilMs, kind: "restart", node: siteNode(failure.site), durable: false });
  }
  interventions.sort((x, y) => x.atMs - y.atMs);

  let trace: Trace;
  try {
    trace = simulate<NodeState, Message>({
      seed: options.seed,
      nodes,
      network: { latency: { kind: "constant", ms: 1 }, fifo: true, links },
      interventions,
      trace: { maxEvents: 5_000_000, recordState: false },
      untilMs: options.untilMs,
    });
  } catch (error) {
    if (error instanceof NodeError && error.cause instanceof MapperError) throw error.cause;
    throw error;
  }
  return summarize(trace, options, siteIds);
}

function summarize(trace: Trace, options: FailoverOptions, siteIds: readonly string[]): FailoverRun {
  const requests: FailoverRequest[] = [];
  const detections: { site: string; t: number; down: boolean }[] = [];
  let authoritativeQueries = 0;
  for (const e of trace.events) {
    if (e.kind === "log") {
      if (e.text === REQUEST_LOG) requests.push(e.data as FailoverRequest);
      else if (e.text === MARK_DOWN_LOG || e.text === WITHDRAW_LOG) detections.push({ site: (e.data as { site: string }).site, t: e.t, down: true });
    } else if (e.kind === "deliver" && e.node === AUTH && (e.message as Message).type === "query") {
      authoritativeQueries++;
    }
  }
  const seconds = Math.ceil(options.untilMs / 1000);
  const series = Array.from({ length: seconds }, (_, second) => ({
    second, requests: 0, failed: 0, bySite: Object.fromEntries(siteIds.map((id) => [id, 0])) as Record<string, number>,
  }));
  for (const request of requests) {
    // A request counts in the second it ended, when its client learnt that it had succeeded or failed: counted by
    // the second it was sent, a download begun before a failure and cut off by it would show as failing before it.
    const bucket = series[Math.floor(request.endMs / 1000)];
    if (bucket === undefined) continue;
    bucket.requests++;
    if (request.outcome !== "ok") bucket.failed++;
    if (request.site !== null) bucket.bySite[request.site] = (bucket.bySite[request.site] ?? 0) + 1;
  }
  const failures = [...(options.failures ?? [])].sort((x, y) => x.atMs - y.atMs);
  const outages = failures.map((failure, i) => {
    const windowEndMs = failures[i + 1]?.atMs ?? Infinity;
    const deadUntilMs = failure.untilMs ?? Infinity;
    let lastRequestToDeadSiteMs = failure.atMs;
    let lastFailedMs = failure.atMs;
    let connectionsReset = 0;
    let connectionsResetOnReturn = 0;
    for (const request of requests) {
      if (request.site === failure.site && request.atMs >= failure.atMs && request.atMs < deadUntilMs) {
        lastRequestToDeadSiteMs = Math.max(lastRequestToDeadSiteMs, request.atMs);
      }
      if (request.outcome === "ok") continue;
      const inWindow = request.endMs >= failure.atMs && request.endMs < windowEndMs;
      if (request.outcome === "reset" && inWindow && request.site === failure.site) connectionsReset++;
      if (request.outcome === "reset" && inWindow && request.resetBy === failure.site && request.endMs >= deadUntilMs) {
        // Caused by the site's return, not by its failure: counted here, and not as slow recovery below.
        connectionsResetOnReturn++;
        continue;
      }
      if (request.atMs >= failure.atMs && request.atMs < Math.min(windowEndMs, deadUntilMs)) lastFailedMs = Math.max(lastFailedMs, request.atMs);
    }
    const detection = detections.find((d) => d.site === failure.site && d.t >= failure.atMs && d.t < windowEndMs);
    return {
      site: failure.site, atMs: failure.atMs, lastRequestToDeadSiteMs, recoveredAfterMs: lastFailedMs - failure.atMs,
      detectedAtMs: detection?.t ?? null, connectionsReset, connectionsResetOnReturn,
    };
  });
  return { trace, requests, series, outages, authoritativeQueries };
}
