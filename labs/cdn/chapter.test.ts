// Method: read "Content delivery networks" from its MDX source, run each cell with the runtime the build uses, and
// hold every number the prose or a caption quotes from a run to that run's outputs, or, where the claim is about the
// model itself (which rows the figure drew, which samples were free), to the same run rebuilt from the lab. Where the
// prose invites an edit, the test applies it to the cell's source and checks what the prose promises. Each cell runs
// once per source and its outputs are shared by the tests that read them, to keep the file fast. Citations,
// cross-chapter links and the exercises placed must resolve.
import { describe, expect, it } from 'vitest';
import type { Output } from '../display/outputs';
import { edit, expectCaptionGuidance, expectChapterLinksResolve, expectReferencesCited, ofKind, printed, readChapter, runOnce, table } from '../runtime/chapter-cells';
import { exerciseSets } from '../catalog';
import { runCell } from '../runtime/cell';
import { edgeLatency, hitRatioCurves, lfu, lru, percentileBill, segmentedLru, slowStartRounds, trafficSeries, zipfWorkload } from './index';
import { runFailover } from './failover';

const { source: chapter, cells, cellSource, cellCaption, says } = readChapter('serving/cdn.mdx');

/** Each cell's outputs for one source, computed once. */
const outputsOf = runOnce();

const figureCaptions = (outputs: Output[]): string[] =>
  outputs.filter((o) => o.kind === 'plot' || o.kind === 'spacetime' || o.kind === 'timeseries' || o.kind === 'histogram').map((o) => ('caption' in o && o.caption ? o.caption : ''));

/** What each figure's or table's caption must tell the reader to look at, by cell, in output order. */
const guidance: Record<string, { figures: string[]; tables: string[] }> = {
  latency: { figures: ['Look at the blue and purple handshakes'], tables: [] },
  failover: { figures: ['Look at when each line falls back to zero'], tables: ['how long after the failure it was detected, the last request any client sent to fra'] },
  'pop-balance': { figures: [], tables: ['Look at the distinct objects', 'Look at the busiest server'] },
  'hit-ratio': { figures: ['Look at how each curve keeps climbing'], tables: ['Look at how little the two columns differ'] },
  'flash-crowd': { figures: ['Look at the spikes without collapsing', 'Collapsed requests waited for a revalidation'], tables: ['Compare the origin fetches, and the p99 latency', 'Look at the last column: a collapser that breaks the rule is named there'] },
  'tiered-caching': { figures: ['behind the shield, its misses reach the origin only once'], tables: ['Compare the origin fetches of the two tierings'] },
  purge: { figures: [], tables: ['Look at how long each PoP goes on answering with version 1', 'Look at the purge checker'] },
  bill: { figures: ['Look at the red bursts'], tables: [] },
};

describe('the chapter and its cells', () => {
  it('has its cells in page order, none silencing the type checker, and no placeholder left', () => {
    expect([...cells.keys()]).toEqual(Object.keys(guidance));
    for (const [id, { code }] of cells) expect(code, id).not.toMatch(/\bas never\b|\bas any\b|\bas unknown\b/);
    expect(chapter).not.toMatch(/\{\/\* cell:|TODO|CHAPTER_BODY/);
  });

  it.each(Object.keys(guidance))('cell %s: every figure and table has a caption that says what to look at, within 300 characters', async (id) => {
    const outputs = await outputsOf(cellSource(id));
    expectCaptionGuidance(id, outputs, cellCaption(id), guidance[id] as { figures: string[]; tables: string[] });
  });

  it("places every exercise of the cdn set, in the set's order, under its Exercises heading", async () => {
    const placed = [...chapter.split('## Exercises')[1]!.matchAll(/<Exercise id="([^"]+)" \/>/g)].map((m) => m[1]);
    const load = exerciseSets.cdn;
    expect(load, 'the cdn exercise set is registered in labs/catalog.ts').toBeDefined();
    const set = await load!();
    expect(set.chapter).toBe('serving/cdn');
    expect(placed).toEqual(set.exercises.map((e) => e.id));
    expect(placed.length).toBeGreaterThanOrEqual(8);
  });
});

describe('Why content delivery networks exist: cell latency (RFC 8446 §2, RFC 6928 §2, RFC 5681 §3.1)', () => {
  it('direct 610 ms, edge hit 85 ms, edge miss 415 ms, with three origin-fetch rounds', async () => {
    const text = printed(await outputsOf(cellSource('latency')));
    expect(text).toContain('direct to origin: 610 ms (dns 1×, tcp 1×, tls 1×, request 1×, transfer 2×)');
    expect(text).toContain('edge hit: 85 ms (dns 1×, tcp 1×, tls 1×, request 1×, transfer 2×)');
    expect(text).toContain('edge miss: 415 ms (dns 1×, tcp 1×, tls 1×, request 1×, origin-fetch 3×, transfer 2×)');
    says('Direct to the origin the request takes 610 ms: one round trip to the resolver, then five to the origin');
    says('The edge hit takes 85 ms for the very same round trips, each of them eight times cheaper');
    says('The edge miss takes 415 ms, and most of it is the edge\'s own fetch: three round trips of 110 ms');
  });

  it('the edge miss is an upper bound (RFC 5681 §4.1): a warm window larger than the initial one only shortens it', () => {
    const miss = (warmWindowSegments?: number) =>
      edgeLatency({ dns: { kind: 'resolver-hit', resolverRttMs: 10 }, tls: 'tls13', responseBytes: 100_000, edgeRttMs: 15, cache: 'miss', edgeToOriginRttMs: 110, warmWindowSegments }).totalMs;
    expect(miss()).toBe(415);
    expect(miss(10)).toBe(415);
    for (const segments of [10, 20, 40, 70, 1_000]) expect(miss(segments)).toBeLessThanOrEqual(415);
    for (const segments of [40, 70, 1_000]) expect(miss(segments)).toBeLessThan(415);
    says('Read the 415 ms as an upper bound. The model restarts the warm connection from the initial window');
    says('it lets the edge store the whole object before it forwards the first byte');
    expect(chapter).not.toContain('can grow a larger window');
  });

  it('the slow-start arithmetic the text works by hand: 14.6 kB, 43.8 kB and 102 kB in one, two and three rounds', () => {
    expect(slowStartRounds(14_600)).toBe(1);
    expect(slowStartRounds(14_601)).toBe(2);
    expect(slowStartRounds(43_800)).toBe(2);
    expect(slowStartRounds(102_200)).toBe(3);
    expect(slowStartRounds(100_000)).toBe(3);
    says('14.6 kB arrive in the first round trip, 43.8 kB within two, 102 kB within three');
    says('thus costs one round trip to the resolver and $1 + 1 + 3 = 5$ round trips to the server');
  });

  it("the invited edit tls12: 730 ms direct, 100 ms at the edge", async () => {
    const text = printed(await outputsOf(edit(cellSource('latency'), "'tls13'", "'tls12'")));
    expect(text).toContain('direct to origin: 730 ms');
    expect(text).toContain('edge hit: 100 ms');
    says("Change `tls` to `'tls12'` and every path gains one handshake round trip: 120 ms more on the direct path (730 ms), 15 ms more at the edge (100 ms)");
  });

  it('the invited edit responseBytes 1_000_000: six further windows, 1,090 ms direct and 145 ms at the edge', async () => {
    const text = printed(await outputsOf(edit(cellSource('latency'), '100_000;', '1_000_000;')));
    expect(text).toContain('direct to origin: 1090 ms (dns 1×, tcp 1×, tls 1×, request 1×, transfer 6×)');
    expect(text).toContain('edge hit: 145 ms');
    says('six further windows instead of two, and the direct path grows to 1,090 ms while the edge hit takes 145 ms');
  });
});

describe('RFC 1034 TTLs against RFC 4786 anycast when a site fails and returns: cell failover', () => {
  it('detected after 3 s everywhere; back after 40.3 s (TTL 60), 10.4 s (TTL 10) and 32.8 s (anycast); 6 and 36 queries; no reset as fra fails, 5 as it returns', async () => {
    const rows = table(await outputsOf(cellSource('failover')), 0);
    expect(rows.map((r) => [r.routing, r['detected (s)'], r['last sent to fra (s)'], r['recovered after (s)'], r['DNS queries'], r['resets as fra fails'], r['resets as fra returns']])).toEqual([
      ['DNS, TTL 60 s', 3, 60.3, 40.3, 6, 0, 0],
      ['DNS, TTL 10 s', 3, 30.4, 10.4, 36, 0, 0],
      ['anycast, 30 s to converge', 3, 52.8, 32.8, 0, 0, 5],
    ]);
    says('Every run notices the failure within 3 s');
    says('That is the shortest hold time BGP allows ([RFC 4271](#ref-rfc4271), §4.2); the value the RFC suggests is 90 s (§10)');
    says('keep handing it out until 60.3 s, so the last request to fra leaves then and every client is served again 40.3 s after the failure, although the authoritative server has known for 37 of those seconds');
    says('With a 10 s TTL the clients are back after 10.4 s, detection plus at most one TTL, but the resolvers ask the authoritative server six times as often: 36 queries instead of 6');
    says('32.8 s after the failure here');
    says('when fra comes back at 70 s');
    says('the 5 downloads iad was serving them at that moment now send their packets to fra');
  });

  it('the resets as fra returns: downloads iad had taken over for Paris and Berlin, reset by fra when routes move back, some 30 s after its return', async () => {
    // The cell's anycast run, rebuilt from its source's settings.
    const run = runFailover({
      seed: 1,
      regions: [{ id: 'paris', clients: 8 }, { id: 'berlin', clients: 8 }, { id: 'new-york', clients: 8 }],
      sites: [{ id: 'fra', region: 'berlin', asn: 1 }, { id: 'iad', region: 'new-york', asn: 2 }],
      latencyMs: { paris: { berlin: 8, 'new-york': 40 }, berlin: { 'new-york': 45 } },
      failures: [{ site: 'fra', atMs: 20_000, untilMs: 70_000 }],
      untilMs: 115_000,
      routing: {
        kind: 'anycast', clientAs: { paris: 11, berlin: 12, 'new-york': 13 }, convergenceMs: 30_000,
        graph: { ases: [1, 2, 11, 12, 13], links: [{ a: 11, b: 1, rttMs: 8 }, { a: 12, b: 1, rttMs: 2 }, { a: 13, b: 2, rttMs: 2 }, { a: 11, b: 12, rttMs: 8 }, { a: 12, b: 13, rttMs: 90 }] },
      },
    });
    expect(cellSource('failover')).toContain("failures: [{ site: 'fra', atMs: 20_000, untilMs: 70_000 }],\n  untilMs: 115_000,");
    const resets = run.requests.filter((r) => r.outcome === 'reset');
    expect(resets).toHaveLength(5);
    for (const r of resets) {
      expect([r.site, r.resetBy, r.region === 'paris' || r.region === 'berlin']).toEqual(['iad', 'fra', true]);
      // Reset, and so counted in the figure, some 30 s after the return (in the second from 100 s).
      expect(Math.floor(r.endMs / 1000)).toBe(100);
    }
    expect(run.series[100]!.failed).toBe(5);
    expect(run.series.slice(60, 100).every((s) => s.failed === 0)).toBe(true);
    says('they are the small rise of the anycast line some 30 s after the return');
  });

  it("the figure counts each request when it ends: no line rises before 20 s, and each is back at zero within 6 s of the last failing request's sending", async () => {
    const outputs = await outputsOf(cellSource('failover'));
    const rows = table(outputs, 0);
    const points = (ofKind(outputs, 'plot')[0]!.marks[0]!.data ?? []) as { run: string; second: number; failed: number }[];
    expect(points.length).toBeGreaterThan(0);
    for (const row of rows) {
      const line = points.filter((p) => p.run === row.routing && p.second < 70);
      const failing = line.filter((p) => p.failed > 0).map((p) => p.second);
      // The first failures are requests sent just after 20 s, shown when their 1 s timeout ran out.
      expect(Math.min(...failing), String(row.routing)).toBe(21);
      // The last (while fra is down) ends at most a download and its timeout, 6 s, after the last failing request left.
      const lastSentS = 20 + Number(row['recovered after (s)']);
      expect(Math.max(...failing), String(row.routing)).toBeGreaterThan(lastSentS);
      expect(Math.max(...failing), String(row.routing)).toBeLessThanOrEqual(lastSentS + 6);
    }
    says('The figure counts each request in the second it ends');
    says('fails when its timeout runs out, 1 s after it left, or 6 s after for a download');
    says('each falls back to zero up to 6 s after the last failing request was sent');
  });

  it('the invited edits: a 1 s TTL is back after 3.8 s for 296 queries; a 5 s convergence after 7.8 s', async () => {
    const short = table(await outputsOf(edit(cellSource('failover'), 'const shortTtlSeconds = 10;', 'const shortTtlSeconds = 1;')), 0);
    expect(short[1]).toMatchObject({ routing: 'DNS, TTL 1 s', 'recovered after (s)': 3.8, 'DNS queries': 296 });
    const fast = table(await outputsOf(edit(cellSource('failover'), 'const convergenceMs = 30_000;', 'const convergenceMs = 5_000;')), 0);
    expect(fast[2]).toMatchObject({ routing: 'anycast, 5 s to converge', 'recovered after (s)': 7.8, 'resets as fra fails': 0 });
    says('Set `shortTtlSeconds` to 1 and the DNS clients are back 3.8 s after the failure, at the price of 296 queries instead of 36; set `convergenceMs` to `5_000` and anycast recovers after 7.8 s.');
  });
});

describe('Karger et al. 1997 within a site: cell pop-balance', () => {
  it('random 0.194 against one home 0.447, beside a pooled cache of 2,000 at 0.448; 1,599 distinct objects; busiest 1.16', async () => {
    const outputs = await outputsOf(cellSource('pop-balance'));
    const [random, home] = table(outputs, 0);
    expect(random).toMatchObject({ spreading: 'random', 'hit ratio': '0.194', 'distinct objects stored': 1599, 'copies stored': 2000 });
    expect(home).toMatchObject({ spreading: 'one home per object', 'hit ratio': '0.447', 'distinct objects stored': 2000, 'busiest server ÷ mean': '1.16' });
    expect(ofKind(outputs, 'table')[0]!.caption).toContain('one cache of 2,000 objects would hit 0.448');
    says('Spread at random, the site answers 0.194 of the requests from cache; with one home per object it answers 0.447');
    says('almost exactly the 0.448 of a single cache of 2,000 objects on the same stream');
    says('its 2,000 slots hold only 1,599 different objects');
    says('the busiest receives 1.16 times the mean');
    says('lands, seven times out of eight, on one of the seven others');
    expect(chapter).not.toContain('as likely as not');
  });

  it('the invited edit alpha 1.1: the busiest server carries 1.91 times the mean', async () => {
    const outputs = await outputsOf(edit(cellSource('pop-balance'), 'alpha: 0.8', 'alpha: 1.1'));
    expect(table(outputs, 0)[1]).toMatchObject({ 'busiest server ÷ mean': '1.91' });
    says("Change `alpha: 0.8` to `alpha: 1.1`, a more skewed popularity, and the busiest server's load rises to 1.91 times the mean");
  });
});

describe("Breslau et al. 1999 and Che et al. 2002: cell hit-ratio", () => {
  const rows = hitRatioCurves({ seed: 1, catalogSize: 5_000, alphas: [0.6, 0.9], policies: [lru, segmentedLru()], sizes: [25, 100, 400, 1_600], requests: 24_000, warmupRequests: 6_000 });
  const at = (alpha: number, policy: string, size: number, method: string) =>
    rows.find((r) => r.alpha === alpha && r.policy === policy && r.capacity === size && r.method === method)!.hitRatio;

  it('the cell is this run; LRU hits 0.151 and 0.020 at 25 objects, 0.745 and 0.512 at 1,600, and Che is within a fraction of a point', async () => {
    expect(cellSource('hit-ratio')).toContain('seed: 1,');
    const t = table(await outputsOf(cellSource('hit-ratio')), 0);
    const sim = (alpha: number, size: number) => t.find((r) => r.alpha === alpha && r.size === size)?.['LRU simulated'];
    expect([sim(0.9, 25), sim(0.6, 25), sim(0.9, 1600), sim(0.6, 1600)]).toEqual(['0.151', '0.020', '0.745', '0.512']);
    for (const r of t) expect(Math.abs(Number(r['LRU simulated']) - Number(r["Che's approximation"]))).toBeLessThan(0.01);
    says('catches 0.151 of the requests at $\\alpha = 0.9$ and 0.020 at $\\alpha = 0.6$; at 1,600 objects LRU hits 0.745 and 0.512');
    says('the largest difference is a fraction of a percentage point');
  });

  it("the figure's caption quotes the table: each hit ratio with its policy, and Che's gap as the printed columns give it", async () => {
    const outputs = await outputsOf(cellSource('hit-ratio'));
    const t = table(outputs, 0);
    const caption = figureCaptions(outputs)[0]!;
    const lruAt = (alpha: number) => t.find((r) => r.alpha === alpha && r.size === 1600)?.['LRU simulated'];
    const slru = (alpha: number) => at(alpha, 'SLRU 80%', 1_600, 'simulated').toFixed(3);
    expect(caption).toContain(`At 1,600 objects, LRU hits ${lruAt(0.6)} (α = 0.6) and ${lruAt(0.9)} (α = 0.9); SLRU 80% hits ${slru(0.6)} and ${slru(0.9)}.`);
    const printedGap = Math.max(...t.map((r) => Math.round(Math.abs(Number(r['LRU simulated']) - Number(r["Che's approximation"])) * 1_000))) / 1_000;
    expect(caption).toContain(`within ${printedGap.toFixed(3)} of simulated LRU at every point`);
    // The legend's SLRU 80% is defined where segmented LRU is: the protected segment's share of the cache.
    says("the lab's `segmentedLru(0.8)`, its default, lets it grow to 80% of the capacity and leaves at least a fifth to probation, and the figure below names it SLRU 80%");
    says('The cell simulates LRU and segmented LRU with an 80% protected segment');
  });

  it('each quadrupling adds more than the one before, while each added object buys less; segmented LRU beats LRU at every point', () => {
    const sizes = [25, 100, 400, 1_600];
    for (const alpha of [0.6, 0.9]) {
      const curve = sizes.map((c) => at(alpha, 'LRU', c, 'simulated'));
      const gains = curve.slice(1).map((h, i) => h - curve[i]!);
      const perObject = gains.map((g, i) => g / (sizes[i + 1]! - sizes[i]!));
      for (let i = 1; i < gains.length; i++) {
        expect(gains[i]!, `alpha ${alpha}: quadrupling ${i + 1} adds more`).toBeGreaterThan(gains[i - 1]!);
        expect(perObject[i]!, `alpha ${alpha}: each added object is worth less`).toBeLessThan(perObject[i - 1]!);
      }
      for (const c of sizes) expect(at(alpha, 'SLRU 80%', c, 'simulated')).toBeGreaterThan(at(alpha, 'LRU', c, 'simulated'));
    }
    const curve = sizes.map((c) => at(0.6, 'LRU', c, 'simulated').toFixed(3));
    expect(curve).toEqual(['0.020', '0.072', '0.205', '0.512']);
    const [first, , last] = [0.072 - 0.02, 0.205 - 0.072, 0.512 - 0.205];
    expect([first.toFixed(3), last.toFixed(3)]).toEqual(['0.052', '0.307']);
    expect(last / 1_200 / (first / 75)).toBeCloseTo(1 / 3, 1);
    says('each doubling multiplies the hit ratio by about $2^{1-\\alpha}$');
    says('at $\\alpha = 0.6$ LRU goes from 0.020 to 0.072, 0.205 and 0.512');
    says('the 75 objects of the first quadrupling add 0.052, the 1,200 of the last add 0.307, about a third as much per object');
    expect(chapter).not.toMatch(/by less than the time before|by less each time/);
    says('Segmented LRU does better than LRU here');
  });

  it("Breslau et al. 1999's perfect LFU against the lab's in-cache lfu: 0.582 (LRU 0.504) where the 400 most popular would hit 0.627", () => {
    const withLfu = hitRatioCurves({ seed: 1, catalogSize: 5_000, alphas: [0.9], policies: [lru, lfu], sizes: [400], requests: 24_000, warmupRequests: 6_000 });
    const sim = (policy: string) => withLfu.find((r) => r.policy === policy && r.method === 'simulated')!.hitRatio.toFixed(3);
    const popularity = zipfWorkload({ seed: 1, catalogSize: 5_000, alpha: 0.9, requests: 1 }).popularity;
    const best = popularity.slice(0, 400).reduce((sum, p) => sum + p, 0);
    expect([sim('LFU'), sim('LRU'), best.toFixed(3)]).toEqual(['0.582', '0.504', '0.627']);
    // LRU climbs faster than the ideal cache because it comes closer to it as it grows: its share of the ideal rises.
    const ideal06 = zipfWorkload({ seed: 1, catalogSize: 5_000, alpha: 0.6, requests: 1 }).popularity;
    const share = [25, 100, 400, 1_600].map((c) => at(0.6, 'LRU', c, 'simulated') / ideal06.slice(0, c).reduce((sum, p) => sum + p, 0));
    for (let i = 1; i < share.length; i++) expect(share[i]!).toBeGreaterThan(share[i - 1]!);
    says('LRU climbs\nfaster still, because it comes closer to the ideal as it grows'.replace('\n', ' '));
    says('a cache of 400 objects hits 0.582 with `lfu` (0.504 with LRU), where keeping the 400 most popular would hit 0.627');
    says('Perfect LFU counts every request');
  });

  it('the invited edit alphas [0.6, 0.9, 1.2]: 0.920 at 1,600 objects, Che still within a point', async () => {
    const t = table(await outputsOf(edit(cellSource('hit-ratio'), 'alphas: [0.6, 0.9]', 'alphas: [0.6, 0.9, 1.2]')), 0);
    expect(t.find((r) => r.alpha === 1.2 && r.size === 1600)?.['LRU simulated']).toBe('0.920');
    for (const r of t) expect(Math.abs(Number(r['LRU simulated']) - Number(r["Che's approximation"]))).toBeLessThan(0.01);
    says('at $\\alpha = 1.2$ a cache of 1,600 objects hits 0.920, and Che\'s approximation still stays within a point of the simulation');
  });
});

describe('RFC 9111 §4 collapsed requests and RFC 5861 §3 stale-while-revalidate: cell flash-crowd', () => {
  it('357 origin fetches (468/s at most, 1.0 MB) without collapsing, 10 with it, and p99 282 ms against 10 ms with stale-while-revalidate', async () => {
    const outputs = await outputsOf(cellSource('flash-crowd'));
    const rows = table(outputs, 0).map((r) => [r.configuration, r['origin fetches'], r['origin MB'], r['answered at once (%)'], r.unanswered, r['p99 ms']]);
    expect(rows).toEqual([
      ['no collapsing', 357, '1.0', '81.7', 0, '320'],
      ['collapsing', 10, '0.6', '82.3', 0, '282'],
      ['collapsing + stale-while-revalidate', 10, '0.6', '99.7', 0, '10'],
    ]);
    // Captions open each run's clause with a capital, and give shares with the table's rounding.
    const [fetchCaption, outcomeCaption] = ofKind(outputs, 'plot').map((p) => p.caption ?? '');
    expect(fetchCaption).toContain('over time. No collapsing: 357 in all, at most 468/s. Collapsing: 10 in all');
    expect(outcomeCaption).toContain('No collapsing: 81.7% from the edge at once. Collapsing: 82.3% from the edge at once. Collapsing + stale-while-revalidate: 99.7% from the edge at once.');
    expect(fetchCaption + outcomeCaption).not.toContain('Warning');
    // The trace is recorded, and every checker accepts every run (the last table).
    expect(table(outputs, 1)).toEqual([
      { configuration: 'no collapsing', 'checkers ok': '3 of 3', 'first problem': 'none' },
      { configuration: 'collapsing', 'checkers ok': '4 of 4', 'first problem': 'none' },
      { configuration: 'collapsing + stale-while-revalidate', 'checkers ok': '5 of 5', 'first problem': 'none' },
    ]);
    says('The cell records each run\'s trace, and its last table shows every checker accepting all three runs');
    says('The 0.3% left are five requests of the trickle in the first second');
    // The five that waited, read from the cell's own last run: all before 1 s, one miss at each site and two joining.
    const waited = printed(await outputsOf(edit(cellSource('flash-crowd'), 'display.plot(outcomeFigure', "console.log(JSON.stringify(runs[2]!.run.requests.filter((r) => r.outcome !== 'stale-while-revalidate' && r.outcome !== 'hit').map((r) => [r.atMs < 1000, r.outcome])));\ndisplay.plot(outcomeFigure")));
    expect(JSON.parse(waited)).toEqual([[true, 'miss'], [true, 'miss'], [true, 'collapsed'], [true, 'miss'], [true, 'collapsed']]);
    // Most of the 357 fetches carried no body: at 200 kB each they would have been 71.4 MB, and the origin sent 1.0 MB.
    const [first] = table(outputs, 0);
    expect(Number(first!['origin MB'])).toBeLessThan((Number(first!['origin fetches']) * 200_000) / 1e6 / 10);
    const [rate] = ofKind(outputs, 'plot');
    expect(String((rate!.options!.y as { label: string }).label)).toBe('origin fetches per second');
    const buckets = (rate!.marks[0]!.data as { configuration: string; originFetches: number; originFetchesPerSecond: number }[]).filter((r) => r.configuration.startsWith('no collapsing'));
    expect(Math.max(...buckets.map((b) => b.originFetches))).toBe(117);
    expect(Math.max(...buckets.map((b) => b.originFetchesPerSecond))).toBe(468);
    says('Without collapsing, the origin receives 357 fetches for a single object, at a peak rate of 468 per second: 117 in one quarter of a second');
    expect(chapter).not.toMatch(/up to 468 in one second|up to 852 in a second/);
    says('the bytes stay small, 1.0 MB');
    says('With collapsing the origin sees 10 fetches in all, but the requests that arrive while a fetch is out wait for it, and the slowest 1% take 282 ms');
    says('99.7% of the requests are answered at once from the edge, and the 99th percentile falls to 10 ms');
  });

  it('the invited edit serviceMs 600: 518 fetches (852/s) without collapsing; 9 with it, 49.9% at once and p99 746 ms; nobody waits with stale-while-revalidate', async () => {
    const outputs = await outputsOf(edit(cellSource('flash-crowd'), 'serviceMs: 150', 'serviceMs: 600'));
    const rows = table(outputs, 0).map((r) => [r['origin fetches'], r['answered at once (%)'], r['p99 ms']]);
    expect(rows).toEqual([[518, '73.5', '770'], [9, '49.9', '746'], [9, '99.7', '10']]);
    expect(ofKind(outputs, 'plot')[0]!.caption).toContain('518 in all, at most 852/s');
    const buckets = (ofKind(outputs, 'plot')[0]!.marks[0]!.data as { configuration: string; originFetches: number }[]).filter((r) => r.configuration.startsWith('no collapsing'));
    expect(Math.max(...buckets.map((b) => b.originFetches))).toBe(213);
    says('without collapsing it now receives 518 fetches, at a peak rate of 852 per second (213 in a quarter of a second)');
    says('with collapsing alone it still receives 9, but half the crowd waits for them (49.9% answered at once, p99 746 ms)');
  });

  it('a collapser that throws stops the cell naming it and the call; one that never answers shows its requests as unanswered, with a warning and a checker violation', async () => {
    const bad = "const bad = { name: 'bad', init: () => null, onMiss: () => { throw new Error('boom'); }, onResponse: () => ({ state: null, answer: [] }) };\nconst runs = [";
    const throwing = edit(edit(cellSource('flash-crowd'), 'const runs = [', bad), 'collapser: noCollapsing', 'collapser: bad');
    expect((await runCell(throwing, 'cell.ts')).error?.message).toContain('node "pop-asia" threw on a request input: collapser "bad": onMiss(/o/1, r0) threw: boom');
    const silent = "const silent = { name: 'silent', init: () => null, onMiss: () => ({ state: null, fetch: true }), onResponse: () => ({ state: null, answer: [] as string[] }) };\nconst runs = [";
    const outputs = await outputsOf(edit(edit(cellSource('flash-crowd'), 'const runs = [', silent), 'collapser: noCollapsing', 'collapser: silent'));
    const [first] = table(outputs, 0);
    expect(first!.unanswered).toBeGreaterThan(0);
    expect(printed(outputs)).toContain(`no collapsing: ${first!.unanswered} of 1952 requests were never answered; p50 and p99 leave them out.`);
    for (const p of ofKind(outputs, 'plot')) expect(p.caption).toMatch(new RegExp(`^Warning: requests went unanswered \\(no collapsing: ${first!.unanswered} of 1952\\)`));
    expect(String(table(outputs, 1)[0]!['first problem'])).toMatch(/^each request answered once, by the fetch it started or the fetch in flight it joined: request r\d+ .* was never answered/);
  });
});

describe('Che et al. 2002 on cache hierarchies, origin shields: cell tiered-caching', () => {
  it('439 origin fetches (the distinct objects) with one PoP and at every count behind the shield, 718 with six and no shield', async () => {
    const rows = table(await outputsOf(cellSource('tiered-caching')), 0);
    const row = (pops: number, tiering: string) => rows.find((r) => r.PoPs === pops && r.tiering === tiering)!;
    expect(new Set(zipfWorkload({ seed: 5, catalogSize: 1000, alpha: 0.8, requests: 1000, ratePerSecond: 500 }).requests.map((r) => r.key)).size).toBe(439);
    for (const pops of [1, 2, 4, 6]) expect(row(pops, 'shield in us-east')['origin fetches']).toBe(439);
    expect([1, 2, 4, 6].map((n) => row(n, 'no shield')['origin fetches'])).toEqual([439, 562, 659, 718]);
    expect([row(1, 'no shield')['edge hit ratio'], row(6, 'no shield')['edge hit ratio'], row(6, 'shield in us-east')['edge hit ratio']]).toEqual(['0.535', '0.255', '0.255']);
    expect([row(6, 'shield in us-east')['p95 ms'], row(6, 'no shield')['p95 ms']]).toEqual(['220', '210']);
    // The shield lowers the edge hit ratio only with one site, 0.535 against 0.530, and the same from two sites on.
    expect([1, 2, 4, 6].map((n) => [row(n, 'no shield')['edge hit ratio'], row(n, 'shield in us-east')['edge hit ratio']])).toEqual([['0.535', '0.530'], ['0.424', '0.424'], ['0.315', '0.315'], ['0.255', '0.255']]);
    says('With one site the two rows read 0.535 and 0.530: behind the shield each miss takes 10 ms longer, so five requests arrive while their object\'s first fetch is still out and wait for it as collapsed requests');
    says('From two sites on, no request falls into those 10 ms and the two rows agree');
    const log = "console.log(JSON.stringify(points.map((p) => [p.pops, p.label, p.run.requests.filter((r) => r.outcome === 'collapsed').length, p.run.requests.filter((r) => r.outcome === 'miss').length])));\ndisplay.plot(tierFigure";
    const counts = JSON.parse(printed(await outputsOf(edit(cellSource('tiered-caching'), 'display.plot(tierFigure', log)))) as [number, string, number, number][];
    // With one site: five more collapsed behind the shield (31 against 26), the same 439 misses, so five fewer hits.
    expect(counts.filter(([pops]) => pops === 1)).toEqual([[1, 'no shield', 26, 439], [1, 'shield in us-east', 31, 439]]);
    expect(chapter).not.toContain('which is the same in both rows');
    says('With one point of presence the origin fetches 439 times, once for each distinct object the stream asks for');
    says('the edge hit ratio falls from 0.535 to 0.255 and, without a shield, the origin\'s fetches grow to 718');
    says('Behind the shield the origin fetches 439 times at every number of sites');
    says('with six sites the 95th percentile is 220 ms behind the shield against 210 ms without');
  });

  it("the invited edit, a shield in Asia: still 439 fetches, p95 430 ms (530 ms with six sites)", async () => {
    const rows = table(await outputsOf(edit(cellSource('tiered-caching'), "region: 'us-east', capacityBytes: 100_000_000", "region: 'asia', capacityBytes: 100_000_000")), 0);
    const shielded = rows.filter((r) => r.tiering === 'shield in asia');
    expect(shielded.map((r) => r['origin fetches'])).toEqual([439, 439, 439, 439]);
    expect(shielded.map((r) => r['p95 ms'])).toEqual(['430', '430', '430', '530']);
    says("in `const shield`, set `region: 'asia'`. The origin still sees 439 fetches");
    says('the 95th percentile rises to 430 ms (530 ms with six sites)');
  });
});

describe('purges and their bound, checked by checkPurges: cell purge', () => {
  it('the old version until 440 ms in Europe and 485 ms in Asia, the new one from 530 and 675 ms, and every checker accepts the run', async () => {
    const outputs = await outputsOf(cellSource('purge'));
    expect(table(outputs, 0)).toEqual([
      { PoP: 'pop-eu', 'last version 1 answered at (ms)': 440, 'first version 2 answered at (ms)': 530, 'version 1 answers after 400 ms': 4 },
      { PoP: 'pop-asia', 'last version 1 answered at (ms)': 485, 'first version 2 answered at (ms)': 675, 'version 1 answers after 400 ms': 9 },
    ]);
    const verdicts = table(outputs, 1);
    expect(verdicts.map((r) => r.checker)).toContain('purges within their bound');
    for (const r of verdicts) expect(r.verdict, String(r.checker)).toBe('ok');
    says('that edge answers its last request with the old version at 440 ms');
    says('that edge serves the old version nine more times, until 485 ms');
    says('and `checkPurges` accepts the run');
    says('at 530 ms in Europe and 675 ms in Asia');
  });

  it('the invited edit boundMs 50: the purge checker reports pop-asia serving the old version at 455 ms, past 450 ms', async () => {
    const edited = await outputsOf(edit(cellSource('purge'), 'boundMs: 200', 'boundMs: 50'));
    expect(table(edited, 0), 'the bound is a promise checked on the trace; the run itself is the same').toEqual(table(await outputsOf(cellSource('purge')), 0));
    const checks = table(edited, 1);
    const violations = checks.filter((r) => r.verdict !== 'ok');
    expect(violations.map((r) => [r.checker, r.verdict])).toEqual([['purges within their bound', 'violation']]);
    expect(violations[0]!.detail).toContain('pop-asia served request');
    expect(violations[0]!.detail).toContain('at 455 ms');
    expect(violations[0]!.detail).toContain('so by 450 ms');
    says('set `boundMs: 50`. Nothing in the run changes, but the checker finds pop-asia serving the old version at 455 ms, after the deadline of 450 ms, and reports a violation');
  });

  it('a bound no purge can keep is refused before the run: boundMs -10 stops the cell naming the option', async () => {
    const result = await runCell(edit(cellSource('purge'), 'boundMs: 200', 'boundMs: -10'), 'cell.ts');
    expect(result.error?.message).toContain('runCdn: purges[0].boundMs must be a finite number >= 0 (got -10)');
  });
});

describe('Dimitropoulos et al. 2009, 95th-percentile billing: cell bill', () => {
  const month = trafficSeries({ seed: 1, troughMbps: 200, peakMbps: 1_000, noiseFraction: 0.05, randomBursts: { count: 4, durationSamples: 36, extraMbps: 1_500 } });

  it('billed at 1,024 Mbps against a mean of 625 and a peak of 2,606; $512.23 for 202,621 GB; every burst sample free', async () => {
    const text = printed(await outputsOf(cellSource('bill')));
    expect(text).toContain('billed rate 1024 Mbps, mean 625 Mbps, peak 2606 Mbps');
    expect(text).toContain('432 samples free; bill $512.23 for 202621 GB');
    const bill = percentileBill(month.samplesMbps, { pricePerMbps: 0.5 });
    const burstSamples = month.bursts.flatMap((b) => month.samplesMbps.slice(b.startSample, b.startSample + b.durationSamples));
    expect(burstSamples).toHaveLength(144);
    for (const mbps of burstSamples) expect(mbps).toBeGreaterThan(bill.billableMbps);
    says('The month is billed at 1,024 Mbps');
    says('averaged 625 Mbps and reached 2,606 Mbps in a burst');
    says('The four bursts, twelve hours in all, fall entirely in the 432 free samples: they cost nothing');
    says('The bill, \\$512.23 for 202,621 GB');
    says('A month of 30 days has 8,640 five-minute samples; the top 432 of them, 36 hours\' worth, are free');
  });

  it('the invited edit durationSamples 144: 2,006 Mbps, $1,003.24, for 12% more traffic', async () => {
    const text = printed(await outputsOf(edit(cellSource('bill'), 'durationSamples: 36', 'durationSamples: 144')));
    expect(text).toContain('billed rate 2006 Mbps');
    expect(text).toContain('bill $1003.24 for 226921 GB');
    expect(Math.round((226_921 / 202_621 - 1) * 100)).toBe(12);
    says('the billed rate jumps to the bursts\' level, 2,006 Mbps: the bill nearly doubles, to \\$1,003.24, for 12% more traffic');
  });
});

describe('the chapter and its sources', () => {
  it('cites every reference it lists and lists every reference it cites', () => {
    expectReferencesCited(chapter);
  });

  it('states the collapsing rule in the book\'s one wording, with purges the only version rule (RFC 9111 §4)', () => {
    says('A request that finds a fetch for its key in flight waits for that fetch and is answered by it: it is collapsed. A request that finds none starts a fetch and is answered by that fetch.');
    says('So no request is answered by a fetch sent after it arrived if a fetch was already in flight when it arrived, nor by a fetch sent before it arrived that it did not join.');
    says('after a purge, no copy generated before the purge was issued is served');
    says('as long as the old copy is fresh, RFC 9111 lets the cache answer with it');
    expect(chapter).not.toMatch(/purged or republished|sent\s+at or after it arrived/);
  });

  it('says when stale-while-revalidate readers see the new version (RFC 5861 §3), and how S3-FIFO and segmented LRU differ', () => {
    says('Readers who come after the revalidation has returned get the new version');
    expect(chapter).not.toContain('the next reader gets the new version');
    says("Its idea is related to segmented LRU's but not the same");
    expect(chapter).not.toContain("Its observation is the same as segmented LRU's");
  });

  it('Eisenbud et al. 2016 §3.3–3.4: Maglev keeps connections by its connection-tracking table and hashes for balance first', () => {
    says('it is\nmainly that table, not the hash, that keeps an established connection on its backend'.replace('\n', ' '));
    says('The hash itself puts even balance first');
    says('([Eisenbud et al. 2016](#ref-eisenbud2016), §3.3–3.4;');
  });

  it('cites the sections it relies on, and gives che2002 its volume, pages and DOI', () => {
    says('is shortest ([RFC 4271](#ref-rfc4271), §9.1.2.2, rule a)');
    says('keep state across packets (§4.1)');
    expect(chapter).toContain('venue: IEEE Journal on Selected Areas in Communications 20(7), pp. 1305–1314');
    expect(chapter).toContain('url: https://doi.org/10.1109/JSAC.2002.801752');
  });

  it('puts the findings of Chen, Calder and Dimitropoulos in its own words, keeping their numbers', () => {
    says('were sent to servers about an eighth as far away as before, and their round trips and downloads took about half as long');
    says('it answered about eight times as many queries');
    says('for about one client in five (20%) some other nearby front-end would have been faster');
    says('put the monthly bill up by anywhere from 4.1% to 42.5%');
    says('the billed rate never moved by as much as 2.9%');
    expect(chapter).not.toMatch(/reasonable differences in the window|were directed to a front-end that was not the best|fell about eightfold/);
  });

  it('links the partitioning chapter for consistent hashing and Maglev, and the consistency chapter, at headings that exist', () => {
    const links = expectChapterLinksResolve(chapter).map((l) => `${l.path}#${l.anchor}`);
    expect(links).toContain('scale/partitioning#consistent-hashing');
    expect(links).toContain('scale/partitioning#rendezvous-jump-and-maglev-hashing');
    expect(links).toContain('scale/partitioning#hot-keys');
    expect(links).toContain('consistency/consistency-models#linearizability');
  });
});
