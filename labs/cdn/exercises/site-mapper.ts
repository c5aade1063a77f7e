/**
 * Exercise: the authoritative DNS server's choice of site, written by the learner as a `SiteMapper` (the lab's
 * `failover.ts`) that follows the rule of `mapWithinBudget`, stated in full in the prompt: among healthy sites
 * within the latency budget, the least loaded (ties: lower RTT, then id); if none is within the budget, the
 * nearest healthy site (ties: id); if none is healthy, the nearest site (ties: id). Graded on seeded queries
 * against the reference, every disagreement shown with the query and both answers (queries are drawn so that every
 * branch and every tie-break occurs), then plugged into `runFailover` with DNS routing while a site fails: from the
 * moment the authoritative server marks the site down until it marks it up, no answer may name it.
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
/** Each query stresses one branch or tie-break of the rule, in turn. */
const QUERY_KINDS = ['mixed', 'load tie', 'rtt and load tie', 'none within budget', 'none healthy', 'all healthy'] as const;

/** The graded queries of a variant, drawn from its seed. */
export function gradedQueries(seed: number): SiteQuery[] {
  const rng = new Random(seed).fork('site-queries');
  return Array.from({ length: QUERY_COUNT }, (_, i) => {
    const kind = QUERY_KINDS[i % QUERY_KINDS.length] as (typeof QUERY_KINDS)[number];
    const ids = rng.shuffle(SITE_IDS).slice(0, rng.int(3, 5));
    const budgetMs = 10 * rng.int(4, 10);
    const sites = ids.map((id) => ({
      id,
      rttMs: 5 * rng.int(2, 30),
      healthy: kind === 'all healthy' ? true : kind === 'none healthy' ? false : rng.chance(0.7),
      load: rng.int(1, 9) / 10,
    }));
    if (kind === 'none within budget') for (const site of sites) site.rttMs = budgetMs + 5 * rng.int(1, 10);
    if (kind === 'load tie' || kind === 'rtt and load tie') {
      const [a, b] = sites as [(typeof sites)[0], (typeof sites)[0]];
      a.healthy = b.healthy = true;
      a.rttMs = Math.min(a.rttMs, budgetMs);
      b.rttMs = kind === 'rtt and load tie' ? a.rttMs : Math.min(b.rttMs, budgetMs);
      a.load = b.load = 0.1;
    }
    const resolverRegion = rng.pick(['eu-west', 'eu-central', 'us-east']);
    return rng.chance(0.3) ? { resolverRegion, clientRegion: rng.pick(['eu-west', 'eu-central']), budgetMs, sites } : { resolverRegion, budgetMs, sites };
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
