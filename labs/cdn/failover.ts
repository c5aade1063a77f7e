/**
 * DNS request routing against anycast when a site fails.
 *
 * This file's first part is the decision an authoritative DNS server makes for each query: which site's address
 * to answer with. A CDN's authoritative server sees who asks (the recursive resolver, or with EDNS Client Subnet
 * the client's own subnet, RFC 7871 §7.1), measures or estimates the round-trip time from there to each site,
 * knows which sites pass their health checks and how loaded they are, and returns one site. Akamai's end-user
 * mapping (Chen, Sitaraman and Torres 2015, "End-User Mapping: Next Generation Request Routing for Content
 * Delivery", SIGCOMM) measured how much closer clients land when the mapping uses the client's location
 * instead of the resolver's. The mapper is a plain function so that a learner's version can be plugged into the
 * same simulation as the reference.
 */

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
