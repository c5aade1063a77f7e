/**
 * Anycast request routing over a small graph of autonomous systems. Several points of presence (PoPs) announce
 * the same IP prefix, each from its own AS; every AS learns routes to the prefix from its neighbours by BGP
 * (RFC 4271) and sends its clients' packets along the route it selects. Which PoP a client reaches is therefore
 * decided by route selection, not by measured latency: BGP prefers the shortest AS path (RFC 4271 §9.1.2.2 (a)),
 * and an AS path counts networks crossed, not milliseconds. A one-hop transoceanic link beats a two-hop path
 * through the next city. The model computes, for each client AS, both the PoP BGP picks and the PoP with the
 * lowest round-trip time, so a figure can show where they differ and what the detour costs.
 *
 * The model:
 * - A graph of ASes joined by links, each with a round-trip time; a path's RTT is the sum of its links' (time
 *   inside an AS is folded into the links). Links are undirected; at most one per pair of ASes.
 * - Each PoP sits in one AS, at most one PoP per AS. That AS originates the prefix and always prefers its own
 *   route (path length 0).
 * - Every other AS selects, among its neighbours' selected routes that do not already contain it (the AS_PATH
 *   loop check, RFC 4271 §9.1.2), the one with the shortest AS path, ties broken by the lowest neighbour AS
 *   number (standing in for RFC 4271 §9.1.2.2 (f), lowest BGP identifier). Selection runs in synchronous rounds
 *   from no routes until nothing changes; with these rules that steady state is unique, and it is what is
 *   returned.
 * - A withdrawal (the PoP's site fails and stops announcing) removes the PoP and recomputes the steady state.
 *   Clients whose PoP changed lose any TCP connection in flight: the new PoP has no state for it and answers
 *   with a reset, which is why anycast CDNs keep routes stable and prefer short-lived connections.
 *
 * What it leaves out, each of which real routing depends on: local preference and the customer/peer/provider
 * export policies (Gao and Rexford 2001, "Stable Internet routing without global coordination"), which usually
 * outrank path length; MED and hot-potato (IGP-cost) tie-breaks; AS-path prepending used to steer traffic; PoPs
 * that share an AS; the transient path exploration while BGP converges (Labovitz, Ahuja, Bose and Jahanian 2000,
 * "Delayed Internet routing convergence"); and route-flap damping.
 */

import { Random } from "../sim/random";

/** An undirected link between two ASes. */
export interface AsLink {
  a: number;
  b: number;
  /** Round-trip time across the link. Example: 12. */
  rttMs: number;
}

/** The AS graph: AS numbers and the links between them. */
export interface AsGraph {
  ases: readonly number[];
  links: readonly AsLink[];
}

/** A point of presence announcing the anycast prefix from `asn`. */
export interface Pop {
  id: string;
  asn: number;
}

/** Where one client AS's traffic goes, by BGP and by lowest RTT. */
export interface AnycastRoute {
  clientAs: number;
  /** The PoP BGP's selected route leads to; null when no PoP is reachable. */
  pop: string | null;
  /** The selected AS path from the client's AS to the PoP's AS, both included; empty when unreachable. */
  asPath: number[];
  /** AS hops on the selected path (asPath.length − 1); 0 when the client's own AS hosts the PoP. */
  asPathLength: number;
  /** RTT along the selected path; Infinity when unreachable. */
  rttMs: number;
  /** The PoP with the lowest RTT from this client over any path; null when none is reachable. */
  fastestPop: string | null;
  /** One lowest-RTT path from the client's AS to fastestPop's AS. */
  fastestPath: number[];
  fastestRttMs: number;
}

/** A withdrawal's effect: the routes before and after, and the clients whose PoP changed. */
export interface Withdrawal {
  before: AnycastRoute[];
  after: AnycastRoute[];
  /** Clients whose PoP changed, with the PoP they go to now (null when none is left reachable). */
  moved: { clientAs: number; from: string; to: string | null }[];
}

/** The BGP-selected route of every AS that has one, keyed by AS number: the AS path from it to the origin. */
export function bgpSelectedPaths(
  graph: AsGraph,
  pops: readonly Pop[],
): Map<number, number[]> {
  const neighbours = checkAndIndex(graph, pops);
  const origins = new Set(pops.map((pop) => pop.asn));
  let selected = new Map<number, number[]>();
  // A route grows by one AS per round, so after |ASes| + 1 rounds the state must be still.
  for (let round = 0; round <= graph.ases.length + 1; round++) {
    const next = new Map<number, number[]>();
    for (const asn of graph.ases) {
      if (origins.has(asn)) {
        next.set(asn, [asn]);
        continue;
      }
      let best: number[] | undefined;
      for (const neighbour of neighbours.get(asn)!.keys()) {
        const offered = selected.get(neighbour);
        if (!offered || offered.includes(asn)) continue;
        if (
          !best ||
          offered.length + 1 < best.length ||
          (offered.length + 1 === best.length && neighbour < best[1]!)
        ) {
          best = [asn, ...offered];
        }
      }
      if (best) next.set(asn, best);
    }
    if (samePaths(selected, next)) return next;
    selected = next;
  }
  throw new Error(
    "BGP selection did not settle; this cannot happen without policies",
  );
}

/** For every AS in the graph (ascending), the PoP BGP selects and the lowest-RTT PoP. */
export function anycastRouting(
  graph: AsGraph,
  pops: readonly Pop[],
): AnycastRoute[] {
  const neighbours = checkAndIndex(graph, pops);
  const popByAs = new Map(pops.map((pop) => [pop.asn, pop.id]));
  const selected = bgpSelectedPaths(graph, pops);
  const fastest = lowestRttToPops(graph, neighbours, popByAs);
  return [...graph.ases]
    .sort((x, y) => x - y)
    .map((clientAs) => {
      const asPath = selected.get(clientAs) ?? [];
      const toFastest = fastest.get(clientAs);
      return {
        clientAs,
        pop:
          asPath.length > 0 ? popByAs.get(asPath[asPath.length - 1]!)! : null,
        asPath,
        asPathLength: Math.max(0, asPath.length - 1),
        rttMs: asPath.length > 0 ? pathRttMs(neighbours, asPath) : Infinity,
        fastestPop: toFastest
          ? popByAs.get(toFastest.path[toFastest.path.length - 1]!)!
          : null,
        fastestPath: toFastest?.path ?? [],
        fastestRttMs: toFastest?.rttMs ?? Infinity,
      };
    });
}

/** The PoP `popId` stops announcing: routes before and after, and who moved. */
export function withdrawPop(
  graph: AsGraph,
  pops: readonly Pop[],
  popId: string,
): Withdrawal {
  if (!pops.some((pop) => pop.id === popId))
    throw new Error(`no PoP with id ${popId}`);
  const before = anycastRouting(graph, pops);
  const after = anycastRouting(
    graph,
    pops.filter((pop) => pop.id !== popId),
  );
  const moved: Withdrawal["moved"] = [];
  before.forEach((route, i) => {
    if (route.pop !== null && route.pop !== after[i]!.pop) {
      moved.push({
        clientAs: route.clientAs,
        from: route.pop,
        to: after[i]!.pop,
      });
    }
  });
  return { before, after, moved };
}

/** The RTT along an AS path, summing its links; throws if two consecutive ASes are not linked. */
export function pathRttMs(
  neighbours: ReadonlyMap<number, ReadonlyMap<number, number>>,
  path: readonly number[],
): number {
  let rttMs = 0;
  for (let i = 1; i < path.length; i++) {
    const link = neighbours.get(path[i - 1]!)?.get(path[i]!);
    if (link === undefined)
      throw new Error(`AS ${path[i - 1]} and AS ${path[i]} are not linked`);
    rttMs += link;
  }
  return rttMs;
}

/** Adjacency of the graph: for each AS, its neighbours and the RTT to each. Checks the graph as it goes. */
export function asNeighbours(graph: AsGraph): Map<number, Map<number, number>> {
  const neighbours = new Map<number, Map<number, number>>();
  for (const asn of graph.ases) {
    if (!Number.isInteger(asn))
      throw new Error(`AS numbers must be integers, got ${asn}`);
    if (neighbours.has(asn)) throw new Error(`AS ${asn} is listed twice`);
    neighbours.set(asn, new Map());
  }
  graph.links.forEach((link, i) => {
    const { a, b, rttMs } = link;
    if (!neighbours.has(a) || !neighbours.has(b))
      throw new Error(`links[${i}] joins an unknown AS (${a}–${b})`);
    if (a === b) throw new Error(`links[${i}] joins AS ${a} to itself`);
    if (!Number.isFinite(rttMs) || rttMs < 0)
      throw new Error(`links[${i}].rttMs must be ≥ 0, got ${rttMs}`);
    if (neighbours.get(a)!.has(b))
      throw new Error(`links[${i}] repeats the link ${a}–${b}`);
    neighbours.get(a)!.set(b, rttMs);
    neighbours.get(b)!.set(a, rttMs);
  });
  return neighbours;
}

/** Options of a random connected AS graph with PoPs. */
export interface RandomAsGraphOptions {
  seed: number | string;
  /** ASes, numbered 1..ases. Example: 12. */
  ases: number;
  /** Links added beyond a random spanning tree (fewer if the graph fills up). Example: 6. */
  extraLinks: number;
  /** PoPs, placed in distinct random ASes, named "pop-1", "pop-2", … Example: 3. */
  pops: number;
  /** Link RTTs are drawn uniformly from whole milliseconds in [rttMsMin, rttMsMax]. Example: 2, 80. */
  rttMsMin?: number;
  rttMsMax?: number;
}

/** A seeded connected AS graph: a random spanning tree plus random extra links, and PoPs in distinct ASes. */
export function randomAsGraph(options: RandomAsGraphOptions): {
  graph: AsGraph;
  pops: Pop[];
} {
  const { ases, extraLinks, rttMsMin = 2, rttMsMax = 80 } = options;
  if (!Number.isInteger(ases) || ases < 1)
    throw new Error(`ases must be a positive integer, got ${ases}`);
  if (
    !Number.isInteger(options.pops) ||
    options.pops < 0 ||
    options.pops > ases
  ) {
    throw new Error(
      `pops must be an integer in 0..${ases}, got ${options.pops}`,
    );
  }
  const random = new Random(options.seed);
  const numbers = Array.from({ length: ases }, (_, i) => i + 1);
  const links: AsLink[] = [];
  const linked = new Set<string>();
  const addLink = (a: number, b: number) => {
    linked.add(`${Math.min(a, b)}-${Math.max(a, b)}`);
    links.push({ a, b, rttMs: random.int(rttMsMin, rttMsMax) });
  };
  const order = random.shuffle(numbers);
  for (let i = 1; i < order.length; i++)
    addLink(order[i]!, order[random.int(0, i - 1)]!);
  const free: [number, number][] = [];
  for (const a of numbers)
    for (const b of numbers)
      if (a < b && !linked.has(`${a}-${b}`)) free.push([a, b]);
  for (const [a, b] of random.shuffle(free).slice(0, extraLinks)) addLink(a, b);
  const pops = random
    .shuffle(numbers)
    .slice(0, options.pops)
    .map((asn, i) => ({ id: `pop-${i + 1}`, asn }));
  return { graph: { ases: numbers, links }, pops };
}

function checkAndIndex(
  graph: AsGraph,
  pops: readonly Pop[],
): Map<number, Map<number, number>> {
  const neighbours = asNeighbours(graph);
  const ids = new Set<string>();
  const hosts = new Set<number>();
  pops.forEach((pop, i) => {
    if (!neighbours.has(pop.asn))
      throw new Error(`pops[${i}] (${pop.id}) is in unknown AS ${pop.asn}`);
    if (ids.has(pop.id)) throw new Error(`pops[${i}] repeats the id ${pop.id}`);
    if (hosts.has(pop.asn))
      throw new Error(
        `pops[${i}] (${pop.id}) shares AS ${pop.asn} with another PoP`,
      );
    ids.add(pop.id);
    hosts.add(pop.asn);
  });
  return neighbours;
}

/** Dijkstra from all PoP ASes at once; each AS gets its lowest RTT to any PoP and the path to it. */
function lowestRttToPops(
  graph: AsGraph,
  neighbours: ReadonlyMap<number, ReadonlyMap<number, number>>,
  popByAs: ReadonlyMap<number, string>,
): Map<number, { rttMs: number; path: number[] }> {
  const rtt = new Map<number, number>();
  const towardPop = new Map<number, number>();
  for (const asn of popByAs.keys()) rtt.set(asn, 0);
  const done = new Set<number>();
  // The graphs are small (tens of ASes), so a linear scan for the nearest unsettled AS is clear and fast enough.
  for (;;) {
    let nearest: number | undefined;
    for (const [asn, ms] of rtt) {
      if (done.has(asn)) continue;
      if (
        nearest === undefined ||
        ms < rtt.get(nearest)! ||
        (ms === rtt.get(nearest)! && asn < nearest)
      )
        nearest = asn;
    }
    if (nearest === undefined) break;
    done.add(nearest);
    for (const [neighbour, linkMs] of neighbours.get(nearest)!) {
      const through = rtt.get(nearest)! + linkMs;
      if (
        !done.has(neighbour) &&
        (!rtt.has(neighbour) || through < rtt.get(neighbour)!)
      ) {
        rtt.set(neighbour, through);
        towardPop.set(neighbour, nearest);
      }
    }
  }
  const result = new Map<number, { rttMs: number; path: number[] }>();
  for (const asn of graph.ases) {
    if (!rtt.has(asn)) continue;
    const path = [asn];
    while (towardPop.has(path[path.length - 1]!))
      path.push(towardPop.get(path[path.length - 1]!)!);
    result.set(asn, { rttMs: rtt.get(asn)!, path });
  }
  return result;
}

function samePaths(
  x: ReadonlyMap<number, number[]>,
  y: ReadonlyMap<number, number[]>,
): boolean {
  if (x.size !== y.size) return false;
  for (const [asn, path] of x) {
    const other = y.get(asn);
    if (
      !other ||
      other.length !== path.length ||
      other.some((hop, i) => hop !== path[i])
    )
      return false;
  }
  return true;
}
