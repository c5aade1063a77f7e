/**
 * Exercise: the authoritative DNS server's choice of site, written by the learner as a `SiteMapper` (the lab's
 * `failover.ts`) that follows the rule of `mapWithinBudget`, stated in full in the prompt: among healthy sites
 * within the latency budget, the least loaded (ties: lower RTT, then id); if none is within the budget, the
 * nearest healthy site (ties: id); if none is healthy, the nearest site (ties: id). Graded on seeded queries
 * against the reference, every disagreement shown with the query and both answers (queries are built so that every
 * branch and every tie-break alone decides some of them, each tie listed against the rule), then plugged into
 * `runFailover` with DNS routing while a site fails: from the moment the authoritative server marks the site down
 * until it marks it up, no answer may name it.
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import { Random } from '../../sim/random';
import type { Trace } from '../../sim/trace';
import { mapWithinBudget, runFailover, type FailoverOptions, type SiteMapper, type SiteQuery } from '../failover';

export interface SiteMapperParams {
  /** The seed of the graded queries. */
  querySeed: number;
  /** The failover run: its seed, the site that fails and when, the TTL and the budget. */
  failover: { seed: number; failingSite: string; failAtMs: number; ttlSeconds: number; budgetMs: number };
}

const SITE_IDS = ['ams', 'fra', 'lhr', 'mad', 'par', 'waw'];
const QUERY_COUNT = 60;

type Site = SiteQuery['sites'][number];

/**
 * The kinds of graded query, taken in turn so that every seed has ten of each. All but `mixed` are built so that
 * one part of the rule alone decides the answer, against the tempting wrong reading: a tie is listed with the
 * site that must lose it first, so that taking the first in list order, or the larger id, or skipping the tie-break
 * gives another site. The sites a kind needs are its roles; any others are drawn so that they cannot win.
 * - `load tie` (rule 1): two healthy sites within the budget share the least load; the nearer has the larger id and
 *   is listed second, and a third, nearer still but more loaded, catches a rule that ignores load.
 * - `rtt and load tie` (rule 1): two healthy sites within the budget share the least load and the RTT; the larger id
 *   is listed first.
 * - `none within budget` (rule 2): every healthy site is outside the budget; two share the lowest RTT, the larger
 *   id listed first; a farther one is less loaded, and a down site is within the budget.
 * - `none healthy` (rule 3): two down sites share the lowest RTT, the larger id listed first; a farther one is less
 *   loaded.
 * - `all healthy` (rule 1 at its edge): the least loaded site within the budget sits exactly at it; a nearer one is
 *   more loaded, and a site outside the budget is less loaded still.
 */
const QUERY_KINDS = ['mixed', 'load tie', 'rtt and load tie', 'none within budget', 'none healthy', 'all healthy'] as const;
type QueryKind = (typeof QUERY_KINDS)[number];

/** Multiples of 5 ms from `fromMs` to `toMs`, both included. */
const rttsBetween = (fromMs: number, toMs: number) => Array.from({ length: Math.max(0, (toMs - fromMs) / 5 + 1) }, (_, k) => fromMs + 5 * k);

/** The roles a kind needs, as sites without ids, the tied pair first when there is one; and the others' bounds. */
function roles(kind: QueryKind, rng: Random, budgetMs: number): { sites: Omit<Site, 'id'>[]; pair: boolean; other: () => Omit<Site, 'id'> } {
  const load = (min: number) => rng.int(min, 9) / 10;
  const free = (): Omit<Site, 'id'> => ({ rttMs: 5 * rng.int(2, 30), healthy: rng.chance(0.7), load: load(1) });
  switch (kind) {
    case 'mixed':
      return { sites: [], pair: false, other: free };
    case 'load tie': {
      // Loser first (smaller id, farther), then winner; the decoy is nearer than both and more loaded.
      const [decoy, winner, loser] = rng.shuffle(rttsBetween(10, budgetMs)).slice(0, 3).sort((a, b) => a - b) as [number, number, number];
      return {
        sites: [{ rttMs: loser, healthy: true, load: 0.1 }, { rttMs: winner, healthy: true, load: 0.1 }, { rttMs: decoy, healthy: true, load: load(2) }],
        pair: true,
        other: () => ({ ...free(), load: load(2) }),
      };
    }
    case 'rtt and load tie': {
      const rttMs = 5 * rng.int(2, budgetMs / 5);
      return { sites: [{ rttMs, healthy: true, load: 0.1 }, { rttMs, healthy: true, load: 0.1 }], pair: true, other: () => ({ ...free(), load: load(2) }) };
    }
    case 'none within budget': {
      const rttMs = budgetMs + 5 * rng.int(1, 6);
      return {
        sites: [
          { rttMs, healthy: true, load: load(3) },
          { rttMs, healthy: true, load: load(3) },
          { rttMs: rttMs + 5 * rng.int(1, 10), healthy: true, load: rng.int(1, 2) / 10 },
          { rttMs: 5 * rng.int(2, budgetMs / 5), healthy: false, load: load(1) },
        ],
        pair: true,
        other: () => (rng.chance(0.5) ? { rttMs: 5 * rng.int(2, 30), healthy: false, load: load(1) } : { rttMs: rttMs + 5 * rng.int(1, 10), healthy: true, load: load(1) }),
      };
    }
    case 'none healthy': {
      const rttMs = 5 * rng.int(2, 20);
      return {
        sites: [{ rttMs, healthy: false, load: load(3) }, { rttMs, healthy: false, load: load(3) }, { rttMs: rttMs + 5 * rng.int(1, 10), healthy: false, load: 0.1 }],
        pair: true,
        other: () => ({ rttMs: rttMs + 5 * rng.int(1, 10), healthy: false, load: load(1) }),
      };
    }
    case 'all healthy':
      return {
        sites: [{ rttMs: budgetMs, healthy: true, load: 0.2 }, { rttMs: 5 * rng.int(2, budgetMs / 5 - 1), healthy: true, load: load(3) }, { rttMs: budgetMs + 5 * rng.int(1, 10), healthy: true, load: 0.1 }],
        pair: false,
        other: () => ({ ...free(), healthy: true, load: load(3) }),
      };
  }
}

/**
 * The graded queries of a variant, drawn from its seed. In a kind with a tied pair, the pair's ids are the first
 * two drawn, and the list is shuffled and then, if need be, the pair's places swapped: `load tie` lists the smaller
 * id (the loser) first, every other tie the larger id.
 */
export function gradedQueries(seed: number): SiteQuery[] {
  const rng = new Random(seed).fork('site-queries');
  return Array.from({ length: QUERY_COUNT }, (_, i) => {
    const kind = QUERY_KINDS[i % QUERY_KINDS.length] as QueryKind;
    const budgetMs = 10 * rng.int(4, 10);
    const { sites: needed, pair, other } = roles(kind, rng, budgetMs);
    const count = Math.max(needed.length, rng.int(3, 5));
    const ids = rng.shuffle(SITE_IDS).slice(0, count);
    if (pair) {
      const [a, b] = ids as [string, string];
      // The tie's first role takes the id that must come first in the list.
      const loserFirst = kind === 'load tie';
      [ids[0], ids[1]] = loserFirst === (a < b) ? [a, b] : [b, a];
    }
    const sites: Site[] = ids.map((id, k) => ({ id, ...(needed[k] ?? other()) }));
    const listed = rng.shuffle(sites);
    if (pair) {
      const [first, second] = [listed.indexOf(sites[0] as Site), listed.indexOf(sites[1] as Site)];
      if (first > second) [listed[first], listed[second]] = [listed[second] as Site, listed[first] as Site];
    }
    const resolverRegion = rng.pick(['eu-west', 'eu-central', 'us-east']);
    return rng.chance(0.3) ? { resolverRegion, clientRegion: rng.pick(['eu-west', 'eu-central']), budgetMs, sites: listed } : { resolverRegion, budgetMs, sites: listed };
  });
}

/** A query as the feedback prints it. */
export function queryText(q: SiteQuery): string {
  return `budget ${q.budgetMs} ms; ${q.sites.map((s) => `${s.id} ${s.rttMs} ms ${s.healthy ? 'healthy' : 'down'} load ${s.load}`).join(', ')}`;
}

/** The failover run of a variant, with the mapper plugged in. */
export function failoverOptions(p: SiteMapperParams, mapper: SiteMapper): FailoverOptions {
  const f = p.failover;
  return {
    seed: f.seed,
    regions: [{ id: 'eu-west', clients: 4 }, { id: 'eu-central', clients: 4 }, { id: 'us-east', clients: 2, resolverRegion: 'eu-west' }],
    sites: [{ id: 'lhr', region: 'eu-west', capacityRps: 8 }, { id: 'fra', region: 'eu-central', capacityRps: 6 }, { id: 'iad', region: 'us-east', capacityRps: 10 }],
    latencyMs: { 'eu-west': { 'eu-west': 2, 'eu-central': 8, 'us-east': 40 }, 'eu-central': { 'eu-central': 2, 'us-east': 45 }, 'us-east': { 'us-east': 2 } },
    routing: { kind: 'dns', ttlSeconds: f.ttlSeconds, healthCheckEveryMs: 1000, failuresToMarkDown: 3, budgetMs: f.budgetMs, mapper },
    requestEveryMs: 500,
    failures: [{ site: f.failingSite, atMs: f.failAtMs }],
    untilMs: f.failAtMs + 25_000,
  };
}

/**
 * The authoritative server's answers that name a site it had marked down (from its own mark-down and mark-up
 * logs), in time order: the time, the site named, and where the query came from.
 */
export function answersToDownSites(trace: Trace): { atMs: number; site: string; to: string }[] {
  const down = new Set<string>();
  const out: { atMs: number; site: string; to: string }[] = [];
  for (const e of trace.events) {
    if (!('node' in e) || e.node !== 'auth') continue;
    if (e.kind === 'log' && e.text === 'mark-down') down.add((e.data as { site: string }).site);
    if (e.kind === 'log' && e.text === 'mark-up') down.delete((e.data as { site: string }).site);
    if (e.kind === 'send') {
      const message = e.message as { type: string; site?: string };
      if (message.type === 'response' && message.site !== undefined && down.has(message.site)) out.push({ atMs: e.t, site: message.site, to: e.to });
    }
  }
  return out;
}

const TYPES = `export interface SiteCandidate { id: string; rttMs: number; healthy: boolean; load: number /* 0..1 */ }
export interface SiteQuery { resolverRegion: string; clientRegion?: string; budgetMs: number; sites: SiteCandidate[] }
`;

const STARTER = `${TYPES}
export function mapSite(query: SiteQuery): string {
  return query.sites[0].id;
}
`;

const REFERENCE = `${TYPES}
// Lower rttMs first, then the id in code-unit order.
const nearer = (a: SiteCandidate, b: SiteCandidate) => a.rttMs < b.rttMs || (a.rttMs === b.rttMs && a.id < b.id);
const nearest = (sites: SiteCandidate[]) => sites.reduce((best, s) => (nearer(s, best) ? s : best));

export function mapSite(query: SiteQuery): string {
  const healthy = query.sites.filter((s) => s.healthy);
  if (healthy.length === 0) return nearest(query.sites).id;
  const within = healthy.filter((s) => s.rttMs <= query.budgetMs);
  if (within.length === 0) return nearest(healthy).id;
  return within.reduce((best, s) => (s.load < best.load || (s.load === best.load && nearer(s, best)) ? s : best)).id;
}
`;

export const siteMapperExercise = defineExercise({
  id: 'cdn/site-mapper',
  title: 'Choosing a site within a latency budget',
  kind: 'code',
  signature: 'mapSite(query: SiteQuery): string',
  exportName: 'mapSite',
  generate(rng): SiteMapperParams {
    return {
      querySeed: rng.int(1, 1_000_000_000),
      failover: { seed: rng.int(1, 1_000_000_000), failingSite: rng.pick(['lhr', 'fra']), failAtMs: 1000 * rng.int(5, 9) + rng.int(100, 900), ttlSeconds: rng.pick([5, 10, 20]), budgetMs: rng.pick([30, 40, 100]) },
    };
  },
  prompt: (p) => ({
    text: `A CDN's authoritative DNS server answers each query with one site. Write \`mapSite(query)\`, its mapping function. \`query.sites\` lists every site with \`rttMs\` (the round trip from the client's region when EDNS Client Subnet gives it, else from the resolver's), \`healthy\` (whether the server's health checks pass) and \`load\` (0 to 1). Return the \`id\` of:\n\n1. among the **healthy** sites with \`rttMs <= query.budgetMs\`, the **least loaded**; ties go to the lower \`rttMs\`, then to the smaller id;\n2. if no healthy site is within the budget, the healthy site with the lowest \`rttMs\` (ties: the smaller id);\n3. if no site is healthy, the site with the lowest \`rttMs\` (ties: the smaller id): an address that may work beats none.\n\nIds compare as strings with \`<\` (\`'ams' < 'fra'\`). Your function is graded on ${QUERY_COUNT} queries (seed ${p.querySeed}) against this rule, then plugged into the lab's \`runFailover\` with DNS routing (TTL ${p.failover.ttlSeconds} s, budget ${p.failover.budgetMs} ms), where site ${p.failover.failingSite} fails at ${p.failover.failAtMs} ms: once the server has marked it down, no answer may send a client there.`,
  }),
  starter: () => STARTER,
  reference: () => REFERENCE,
  hints: () => [
    'Filter first (healthy, then within budget) and fall back when a filter leaves nothing.',
    'One comparison function for "nearer" (rttMs, then id) serves rules 1 to 3.',
  ],
  async checks(p, fn, ctx) {
    const mapper = fn as unknown as SiteMapper;
    const call = (q: SiteQuery): string => {
      const got = mapper(JSON.parse(JSON.stringify(q)) as SiteQuery) as unknown;
      if (typeof got !== 'string') throw new WrongReturn(`mapSite returned ${JSON.stringify(got) ?? String(got)} for the query (${queryText(q)}); it must return a site's id.`);
      return got;
    };
    const checks: Check[] = [];
    checks.push(await ctx.check('the rule on seeded queries', () => guarded((): CheckVerdict => {
      const wrong: string[] = [];
      for (const q of gradedQueries(p.querySeed)) {
        const expected = mapWithinBudget(q);
        const got = call(q);
        if (got !== expected) wrong.push(`for (${queryText(q)}) the rule answers ${expected}, yours ${got}`);
      }
      const shown = wrong.slice(0, 4).join('; ');
      return { passed: wrong.length === 0, feedback: wrong.length === 0 ? '' : `${wrong.length} of ${QUERY_COUNT} queries disagree: ${shown}${wrong.length > 4 ? `; and ${wrong.length - 4} more` : ''}.` };
    })));
    checks.push(await ctx.check('no client sent to a site marked down', () => guarded((): CheckVerdict => {
      const named: SiteMapper = (q) => call(q);
      const run = runFailover(failoverOptions(p, named));
      const bad = answersToDownSites(run.trace);
      const outage = run.outages[0];
      if (bad.length === 0) return { passed: true, feedback: '' };
      const first = bad[0] as (typeof bad)[number];
      return { passed: false, feedback: `In the failover run, ${p.failover.failingSite} fails at ${p.failover.failAtMs} ms and the server marks it down at ${Math.round(outage?.detectedAtMs ?? NaN)} ms; at ${Math.round(first.atMs)} ms your mapper still answered the query of ${first.to} with ${first.site} (${bad.length} such answers), and its clients keep going there for the ${p.failover.ttlSeconds} s TTL.` };
    })));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${REFERENCE.slice(TYPES.length + 1)}\`\`\`\n\nThe budget turns "nearest" into "good enough": any site within it serves the client well, so the server spreads load among those, and only when none qualifies does it fall back to distance. Health comes first, because a dead site is never good enough; but when every check fails, the checks themselves may be what is broken, and some answer beats none. Once the server marks a site down its answers move clients away, yet resolvers and clients keep the old answer until its TTL runs out: DNS failover is never faster than the health checks plus the TTL.`,
  }),
});
