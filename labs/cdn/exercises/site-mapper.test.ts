// Method: the graded queries are checked to exercise every branch of the rule and every tie-break, and the lab's
// mapWithinBudget is held to a brute force written here (sort every site by the rule's full ranking key) on 200
// variants' queries (12,000 queries). The reference source passes 12 variants, failover run included, and in
// every variant's run the reference never answers with a site marked down while the site is marked down at all.
// Wrong mappers fail with the query and both answers: nearest always (health ignored), least loaded ignoring the
// budget, and health ignored; the first also sends clients to the dead site in the failover run. Every tie-break is
// held to mutants written here (ties by list order or by the larger id, in each rule and in all three; a load tie
// settled by list order or by id; load ignored; the budget read as strict; rule 2 by load or ignoring health): each
// disagrees with the rule on some graded query of every one of 500 query seeds.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { mapWithinBudget, runFailover, type SiteMapper, type SiteQuery } from '../failover';
import { answersToDownSites, failoverOptions, gradedQueries, siteMapperExercise, type SiteMapperParams } from './site-mapper';

describeCodeReferences([[siteMapperExercise, 12]]);

function bruteForce(q: SiteQuery): string {
  const healthy = q.sites.some((s) => s.healthy);
  const within = q.sites.some((s) => s.healthy && s.rttMs <= q.budgetMs);
  const key = (s: SiteQuery['sites'][number]): (number | string)[] => {
    if (!healthy) return [0, 0, s.rttMs, s.id];
    if (!s.healthy) return [9, 0, 0, s.id];
    if (within) return s.rttMs <= q.budgetMs ? [0, s.load, s.rttMs, s.id] : [9, 0, 0, s.id];
    return [0, 0, s.rttMs, s.id];
  };
  const cmp = (a: (number | string)[], b: (number | string)[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number | string) < (b[i] as number | string) ? -1 : 1;
    return 0;
  };
  return [...q.sites].sort((a, b) => cmp(key(a), key(b)))[0]?.id as string;
}

type Tie = 'id' | 'list order' | 'larger id';
/** How a mutant departs from the rule; each field left out follows it. */
interface Slip {
  /** How an RTT tie is broken in rules 1, 2 and 3. */
  ties?: [Tie, Tie, Tie];
  /** What breaks a load tie in rule 1: the RTT (then the id), the list order, or the id alone. */
  loadTie?: 'rtt' | 'list order' | 'id';
  /** Rule 1 ignores load and takes the nearest site within the budget. */
  loadIgnored?: boolean;
  /** The budget read as `rttMs < budgetMs`. */
  strictBudget?: boolean;
  /** Rule 2 takes the least loaded healthy site, or the nearest site of all, healthy or not. */
  rule2?: 'least loaded' | 'health ignored';
}

function mistaken(slip: Slip): SiteMapper {
  const [tie1, tie2, tie3] = slip.ties ?? ['id', 'id', 'id'];
  const wins = (tie: Tie, s: SiteQuery['sites'][number], best: SiteQuery['sites'][number]) => (tie === 'id' ? s.id < best.id : tie === 'larger id' ? s.id > best.id : false);
  const nearest = (sites: SiteQuery['sites'], tie: Tie) => sites.reduce((best, s) => (s.rttMs < best.rttMs || (s.rttMs === best.rttMs && wins(tie, s, best)) ? s : best));
  const lighter = (s: SiteQuery['sites'][number], best: SiteQuery['sites'][number]) => {
    if (s.load !== best.load) return s.load < best.load;
    if (slip.loadTie === 'list order') return false;
    if (slip.loadTie === 'id') return s.id < best.id;
    return s.rttMs < best.rttMs || (s.rttMs === best.rttMs && wins(tie1, s, best));
  };
  return (q) => {
    const healthy = q.sites.filter((s) => s.healthy);
    if (healthy.length === 0) return nearest(q.sites, tie3).id;
    const within = healthy.filter((s) => (slip.strictBudget ? s.rttMs < q.budgetMs : s.rttMs <= q.budgetMs));
    if (within.length === 0) {
      if (slip.rule2 === 'least loaded') return healthy.reduce((best, s) => (s.load < best.load ? s : best)).id;
      return nearest(slip.rule2 === 'health ignored' ? q.sites : healthy, tie2).id;
    }
    if (slip.loadIgnored) return nearest(within, tie1).id;
    return within.reduce((best, s) => (lighter(s, best) ? s : best)).id;
  };
}

const MISTAKES: [string, Slip][] = [
  ['rule 1: RTT ties by list order', { ties: ['list order', 'id', 'id'] }],
  ['rule 1: RTT ties to the larger id', { ties: ['larger id', 'id', 'id'] }],
  ['rule 2: RTT ties by list order', { ties: ['id', 'list order', 'id'] }],
  ['rule 2: RTT ties to the larger id', { ties: ['id', 'larger id', 'id'] }],
  ['rule 3: RTT ties by list order', { ties: ['id', 'id', 'list order'] }],
  ['rule 3: RTT ties to the larger id', { ties: ['id', 'id', 'larger id'] }],
  ['every rule: RTT ties by list order', { ties: ['list order', 'list order', 'list order'] }],
  ['every rule: RTT ties to the larger id', { ties: ['larger id', 'larger id', 'larger id'] }],
  ['rule 1: load ties by list order (lower RTT ignored)', { loadTie: 'list order' }],
  ['rule 1: load ties by id (lower RTT ignored)', { loadTie: 'id' }],
  ['rule 1: lower load ignored (nearest within the budget)', { loadIgnored: true }],
  ['rule 1: a site at the budget counted outside it', { strictBudget: true }],
  ['rule 2: least loaded instead of nearest', { rule2: 'least loaded' }],
  ['rule 2: nearest site, healthy or not', { rule2: 'health ignored' }],
];

describe('DNS request routing under a latency budget', () => {
  it('queries cover every branch and tie-break; mapWithinBudget equals a brute-force ranking on 12,000 queries', () => {
    const branches = { none: 0, outside: 0, loadTie: 0, idTie: 0, ecs: 0 };
    for (const seed of enumerateSeeds(200)) {
      const p = variantParams(siteMapperExercise, seed) as SiteMapperParams;
      for (const q of gradedQueries(p.querySeed)) {
        expect(mapWithinBudget(q), JSON.stringify(q)).toBe(bruteForce(q));
        const healthy = q.sites.filter((s) => s.healthy);
        const within = healthy.filter((s) => s.rttMs <= q.budgetMs);
        if (healthy.length === 0) branches.none++;
        else if (within.length === 0) branches.outside++;
        const least = Math.min(...within.map((s) => s.load));
        const best = within.filter((s) => s.load === least);
        if (best.length > 1) branches.loadTie++;
        if (best.length > 1 && best.filter((s) => s.rttMs === Math.min(...best.map((b) => b.rttMs))).length > 1) branches.idTie++;
        if (q.clientRegion !== undefined) branches.ecs++;
      }
    }
    for (const [name, count] of Object.entries(branches)) expect(count, name).toBeGreaterThan(500);
  });

  it('every tie-break mistake disagrees with the rule on some query, for each of 500 query seeds', () => {
    const queries = enumerateSeeds(500).map((seed) => gradedQueries(seed));
    expect(queries.flat().every((q) => mistaken({})(q) === mapWithinBudget(q)), 'the mutants\' harness, unmutated, is the rule').toBe(true);
    // Seeds on which each mutant passes all 60 queries: none.
    const passedSeeds = MISTAKES.map(([name, slip]) => {
      const map = mistaken(slip);
      return [name, queries.filter((qs) => qs.every((q) => map(q) === mapWithinBudget(q))).length] as const;
    });
    expect(Object.fromEntries(passedSeeds)).toEqual(Object.fromEntries(MISTAKES.map(([name]) => [name, 0])));
  });

  it('in every variant\'s failover run the server marks the failed site down and never answers with it afterwards', () => {
    for (const seed of enumerateSeeds(8)) {
      const p = variantParams(siteMapperExercise, seed) as SiteMapperParams;
      const run = runFailover(failoverOptions(p, mapWithinBudget));
      expect(run.outages[0]?.detectedAtMs, `seed ${seed}`).not.toBeNull();
      expect(answersToDownSites(run.trace)).toEqual([]);
    }
  });

  const reference = siteMapperExercise.kind === 'code' ? siteMapperExercise.reference(variantParams(siteMapperExercise, 0)) : '';
  const withBody = (body: string) => `${reference.slice(0, reference.indexOf('export function mapSite'))}export function mapSite(query: SiteQuery): string {\n${body}\n}\n`;
  const wrong: [string, string, RegExp][] = [
    ['nearest always', '  return nearest(query.sites).id;', /no client sent to a site marked down: In the failover run, \w+ fails at \d+ ms and the server marks it down at \d+ ms; at \d+ ms your mapper still answered the query of resolver:[\w-]+ with \w+/],
    ['least loaded, ignoring the budget', '  const healthy = query.sites.filter((s) => s.healthy);\n  if (healthy.length === 0) return nearest(query.sites).id;\n  return healthy.reduce((best, s) => (s.load < best.load || (s.load === best.load && nearer(s, best)) ? s : best)).id;', /the rule on seeded queries: \d+ of 60 queries disagree: for \(budget \d+ ms; .*\) the rule answers \w+, yours \w+/],
    ['ignoring health', '  const within = query.sites.filter((s) => s.rttMs <= query.budgetMs);\n  if (within.length === 0) return nearest(query.sites).id;\n  return within.reduce((best, s) => (s.load < best.load || (s.load === best.load && nearer(s, best)) ? s : best)).id;', /the rule on seeded queries: \d+ of 60 queries disagree: for \(budget \d+ ms; .* down .*\) the rule answers \w+, yours \w+/],
  ];
  it.each(wrong)('%s fails with the query and both answers', async (_name, body, message) => {
    for (const seed of enumerateSeeds(2)) {
      const result = await gradeText(siteMapperExercise, seed, code(withBody(body)));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toMatch(/the rule on seeded queries: \d+ of 60 queries disagree/);
      expect(result.text).toMatch(message);
    }
  });

  it('ties broken by list order fail with a query whose tie the list order gets wrong', async () => {
    const listOrder = reference.replace('(a.rttMs === b.rttMs && a.id < b.id)', 'false');
    expect(listOrder).not.toBe(reference);
    for (const seed of enumerateSeeds(3)) {
      const result = await gradeText(siteMapperExercise, seed, code(listOrder));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toMatch(/the rule on seeded queries: \d+ of 60 queries disagree: for \(budget \d+ ms; .*\) the rule answers \w+, yours \w+/);
    }
  });

  it('a non-string answer is named with its query', async () => {
    const result = await gradeText(siteMapperExercise, 0, code(withBody('  return 3 as never;')));
    expect(result.text).toMatch(/mapSite returned 3 for the query \(budget \d+ ms; .*\); it must return a site's id\./);
  });
});
