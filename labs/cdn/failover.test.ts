// Method: the two reference mappers on hand-made queries that hit each rule (budget, load, ties, no healthy site),
// then fast-check against a brute-force oracle that ranks every site by one tuple and sorts the whole list. The
// random queries draw RTTs and loads from tiny sets so that ties, which the rules must break, are common.
// The failover runs are small (a few clients per region, tens of simulated seconds) and seeded; each claim is
// checked against a bound worked out from the model's parameters (TTL, health-check interval, hold timer,
// convergence delay, link latencies), and the DNS bound is shown to be reached within one request interval on one
// of a sweep of failure instants, so it is the true worst case and not a loose one.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  MapperError,
  mapNearest,
  mapWithinBudget,
  runFailover,
  type FailoverOptions,
  type SiteCandidate,
  type SiteQuery,
} from "./failover";

const site = (
  id: string,
  rttMs: number,
  load = 0,
  healthy = true,
): SiteCandidate => ({ id, rttMs, load, healthy });
const query = (sites: SiteCandidate[], budgetMs = 50): SiteQuery => ({
  resolverRegion: "r",
  budgetMs,
  sites,
});

/** Compares tuples of numbers and strings left to right (strings in code-unit order). */
function compareTuples(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** The oracle: every site gets a rank tuple; the smallest after a full sort wins. */
function oracle(q: SiteQuery, rule: "budget" | "nearest"): string {
  const anyHealthy = q.sites.some((s) => s.healthy);
  const rank = (s: SiteCandidate): (number | string)[] => {
    // Tier 0: acceptable by every rule; tier 1: healthy but outside the budget; tier 2: unhealthy.
    const tier = !s.healthy
      ? 2
      : rule === "budget" && s.rttMs > q.budgetMs
        ? 1
        : 0;
    const primary = rule === "budget" && tier === 0 ? s.load : 0;
    return [anyHealthy ? tier : 0, primary, s.rttMs, s.id];
  };
  return [...q.sites].sort((a, b) => compareTuples(rank(a), rank(b)))[0]!.id;
}

const arbitraryQuery: fc.Arbitrary<SiteQuery> = fc
  .uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f", "B", "aa"), {
    minLength: 1,
    maxLength: 6,
  })
  .chain((ids) =>
    fc.record({
      resolverRegion: fc.constant("r"),
      budgetMs: fc.constantFrom(0, 10, 20, 30, 45),
      sites: fc.tuple(
        ...ids.map((id) =>
          fc.record({
            id: fc.constant(id),
            rttMs: fc.constantFrom(5, 10, 20, 30, 40),
            healthy: fc.boolean(),
            load: fc.constantFrom(0, 0.25, 0.5, 1),
          }),
        ),
      ),
    }),
  );

describe("mapWithinBudget (the operator's latency budget, then load)", () => {
  it("picks the least loaded healthy site within the budget, not the nearest", () => {
    expect(
      mapWithinBudget(
        query([site("near", 10, 0.9), site("far", 40, 0.1), site("out", 60, 0)]),
      ),
    ).toBe("far");
  });

  it("breaks a load tie by rttMs, then by id", () => {
    expect(
      mapWithinBudget(query([site("x", 30, 0.5), site("y", 20, 0.5)])),
    ).toBe("y");
    expect(
      mapWithinBudget(query([site("y", 20, 0.5), site("x", 20, 0.5)])),
    ).toBe("x");
  });

  it("skips an unhealthy site even when it is the least loaded", () => {
    expect(
      mapWithinBudget(query([site("dead", 5, 0, false), site("ok", 30, 0.8)])),
    ).toBe("ok");
  });

  it("falls back to the nearest healthy site when none is within budget", () => {
    expect(
      mapWithinBudget(
        query([site("a", 80, 0), site("b", 70, 1), site("c", 10, 0, false)], 50),
      ),
    ).toBe("b");
  });

  it("answers with the nearest site when none is healthy", () => {
    expect(
      mapWithinBudget(query([site("a", 80, 0, false), site("b", 70, 1, false)])),
    ).toBe("b");
  });

  it("refuses a query with no sites", () => {
    expect(() => mapWithinBudget(query([]))).toThrow(
      "mapWithinBudget: the query lists no sites",
    );
  });

  it("agrees with the brute-force oracle on random queries", () => {
    fc.assert(
      fc.property(arbitraryQuery, (q) => {
        expect(mapWithinBudget(q)).toBe(oracle(q, "budget"));
      }),
      { numRuns: 3000, seed: 12 },
    );
  });
});

describe("mapNearest (lowest RTT among healthy sites)", () => {
  it("ignores load and the budget", () => {
    expect(
      mapNearest(query([site("near", 90, 1), site("far", 95, 0)], 50)),
    ).toBe("near");
  });

  it("skips unhealthy sites, and answers with the nearest when none is healthy", () => {
    expect(mapNearest(query([site("a", 5, 0, false), site("b", 9)]))).toBe("b");
    expect(
      mapNearest(query([site("a", 9, 0, false), site("b", 5, 0, false)])),
    ).toBe("b");
  });

  it("agrees with the brute-force oracle on random queries", () => {
    fc.assert(
      fc.property(arbitraryQuery, (q) => {
        expect(mapNearest(q)).toBe(oracle(q, "nearest"));
      }),
      { numRuns: 3000, seed: 13 },
    );
  });
});

// Three client regions and two sites. With the default budget (80 ms round trip) eu's clients map to fra and the
// others to iad, so a failure of fra concerns eu's clients.
const latencyMs = { eu: { eu: 5, us: 40, as: 80 }, us: { us: 5, as: 60 }, as: { as: 5 } };
const world = {
  regions: [
    { id: "eu", clients: 5 },
    { id: "us", clients: 5 },
    { id: "as", clients: 5 },
  ],
  sites: [
    { id: "fra", region: "eu", asn: 1 },
    { id: "iad", region: "us", asn: 2 },
  ],
  latencyMs,
};
// Client ASes 11 (eu) and 12 (us, as) each next to one site's AS; 11 and 12 are linked, so when fra withdraws
// eu's clients reach iad in two more hops.
const graph = {
  ases: [1, 2, 11, 12],
  links: [
    { a: 1, b: 11, rttMs: 5 },
    { a: 2, b: 12, rttMs: 5 },
    { a: 11, b: 12, rttMs: 80 },
  ],
};
const anycast = { kind: "anycast" as const, graph, clientAs: { eu: 11, us: 12, as: 12 } };
const REQUEST_EVERY_MS = 1000;

describe("runFailover: one seed, one run", () => {
  it("gives a byte-identical trace for the same seed, and a different one for another seed", () => {
    const options: FailoverOptions = { ...world, seed: 7, routing: { kind: "dns", ttlSeconds: 10 }, failures: [{ site: "fra", atMs: 8000 }], untilMs: 20_000 };
    const a = runFailover(options);
    expect(JSON.stringify(runFailover(options).trace)).toBe(JSON.stringify(a.trace));
    expect(JSON.stringify(runFailover({ ...options, seed: 8 }).trace)).not.toBe(JSON.stringify(a.trace));
    expect(a.trace.truncated).toBe(false);
  });

  it("counts every finished request once in the series, in the second it ended", () => {
    const run = runFailover({ ...world, seed: 1, routing: anycast, failures: [{ site: "fra", atMs: 5000 }], untilMs: 15_000 });
    expect(run.series.reduce((sum, s) => sum + s.requests, 0)).toBe(run.requests.length);
    // The oracle: each second's requests, failures and sites, counted by a scan of every request's end.
    run.series.forEach((s, second) => {
      const ended = run.requests.filter((r) => Math.floor(r.endMs / 1000) === second);
      const bySite = Object.fromEntries(["fra", "iad"].map((id) => [id, ended.filter((r) => r.site === id).length]));
      expect([s.requests, s.failed, s.bySite]).toEqual([ended.length, ended.filter((r) => r.outcome !== "ok").length, bySite]);
    });
    // Before the failure, the only requests sent that fail are downloads to fra that were still open when it crashed.
    for (const r of run.requests.filter((r) => r.atMs < 5000 && r.outcome !== "ok")) {
      expect([r.download, r.site, r.endMs >= 5000]).toEqual([true, "fra", true]);
    }
  });

  it("shows no failure in a second before the first failure, though downloads sent before it fail by it", () => {
    // Long downloads (8 s): many that fra accepted before it crashed at 12.5 s end, failed, seconds later. Counted
    // by the second they were sent, they would show as failures before the crash.
    const failureMs = 12_500;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const routing of [{ kind: "dns" as const, ttlSeconds: 10 }, { ...anycast, convergenceMs: 5000 }]) {
        const run = runFailover({ ...world, seed, downloadMs: 8000, downloadFraction: 0.3, routing, failures: [{ site: "fra", atMs: failureMs }], untilMs: 30_000 });
        const sentBefore = run.requests.filter((r) => r.outcome !== "ok" && r.atMs < failureMs);
        expect(sentBefore.length, `seed ${seed}, ${routing.kind}`).toBeGreaterThan(0);
        expect(run.requests.filter((r) => r.outcome !== "ok" && r.endMs < failureMs), `seed ${seed}, ${routing.kind}`).toEqual([]);
        const firstSecond = Math.floor(failureMs / 1000);
        expect(run.series.slice(0, firstSecond).map((s) => s.failed), `seed ${seed}, ${routing.kind}`).toEqual(Array(firstSecond).fill(0));
        expect(run.series[firstSecond + 1]!.failed, `seed ${seed}, ${routing.kind}`).toBeGreaterThan(0);
      }
    }
  });
});

describe("DNS failover (RFC 1034 §3.6, RFC 2181 §8: a cached answer is used until its TTL runs out)", () => {
  const ttlSeconds = 10;
  const healthCheckEveryMs = 1000;
  const failuresToMarkDown = 3;
  // A resolver answers from its cache until the TTL runs out, so the last request to the dead site can leave as late
  // as: the authoritative server's last answer naming it (just before it marks the site down), plus that answer's
  // trip to the resolver, the TTL, and the trip from the resolver to the clients (here all in eu: 5 ms each).
  const boundAfterMarkDownMs = 5 + ttlSeconds * 1000 + 5;
  const sweep = Array.from({ length: 11 }, (_, j) => {
    const atMs = 15_000 + j * 1000;
    return runFailover({
      ...world, seed: j, routing: { kind: "dns", ttlSeconds, healthCheckEveryMs, failuresToMarkDown },
      failures: [{ site: "fra", atMs }], untilMs: atMs + 20_000,
    }).outages[0]!;
  });

  it("marks a dead site down after failuresToMarkDown missed checks, within one more check interval", () => {
    for (const outage of sweep) {
      const detectionMs = outage.detectedAtMs! - outage.atMs;
      expect(detectionMs).toBeGreaterThanOrEqual((failuresToMarkDown - 1) * healthCheckEveryMs);
      expect(detectionMs).toBeLessThanOrEqual((failuresToMarkDown + 1) * healthCheckEveryMs);
    }
  });

  it("sends clients to the dead site for at most failure + detection + TTL, over a sweep of failure instants", () => {
    for (const outage of sweep) {
      expect(outage.lastRequestToDeadSiteMs).toBeLessThanOrEqual(outage.detectedAtMs! + boundAfterMarkDownMs);
      expect(outage.recoveredAfterMs).toBeLessThanOrEqual(outage.detectedAtMs! - outage.atMs + boundAfterMarkDownMs);
    }
  });

  it("reaches that bound within one request interval on some failure instant (the bound is tight)", () => {
    const slack = sweep.map((o) => o.detectedAtMs! + boundAfterMarkDownMs - o.lastRequestToDeadSiteMs);
    expect(Math.min(...slack)).toBeLessThan(REQUEST_EVERY_MS);
    // And on others the resolver's answer was fresh long before the mark-down, so clients left sooner.
    expect(Math.max(...slack)).toBeGreaterThan(ttlSeconds * 1000 / 2);
  });

  it("trades recovery for load: a shorter TTL recovers sooner and sends more queries to the authoritative server", () => {
    const run = (ttl: number) =>
      runFailover({ ...world, seed: 3, routing: { kind: "dns", ttlSeconds: ttl }, failures: [{ site: "fra", atMs: 31_000 }], untilMs: 60_000 });
    const short = run(2);
    const long = run(30);
    expect(short.outages[0]!.recoveredAfterMs).toBeLessThan(long.outages[0]!.recoveredAfterMs);
    expect(short.outages[0]!.recoveredAfterMs).toBeLessThanOrEqual(short.outages[0]!.detectedAtMs! - 31_000 + 5 + 2000 + 5);
    // Three resolvers, each refreshing at most once per TTL and at least once per TTL plus one request interval
    // plus a lookup's round trips (here well under 200 ms).
    for (const [result, ttlMs] of [[short, 2000], [long, 30_000]] as const) {
      expect(result.authoritativeQueries).toBeLessThanOrEqual(3 * Math.ceil(60_000 / ttlMs));
      expect(result.authoritativeQueries).toBeGreaterThanOrEqual(3 * Math.floor(60_000 / (ttlMs + REQUEST_EVERY_MS + 200)));
    }
    expect(short.authoritativeQueries).toBeGreaterThan(5 * long.authoritativeQueries);
    expect(short.outages[0]!.connectionsReset).toBe(0);
  });

  it("with EDNS Client Subnet (RFC 7871) maps a client far from its resolver by the client's location", () => {
    // Asia's clients use a public resolver in eu; the budget (80 ms round trip) admits iad from as but not fra.
    const options: FailoverOptions = {
      ...world,
      regions: [{ id: "as", clients: 4, resolverRegion: "eu" }],
      seed: 2, routing: { kind: "dns", ttlSeconds: 10 }, untilMs: 10_000,
    };
    const sitesOf = (ecs: boolean) =>
      new Set(runFailover({ ...options, routing: { kind: "dns", ttlSeconds: 10, ecs } }).requests.map((r) => r.site));
    expect(sitesOf(false)).toEqual(new Set(["fra"]));
    expect(sitesOf(true)).toEqual(new Set(["iad"]));
  });

  it("hands the mapper each site's measured load: mapWithinBudget spreads clients over sites in budget, mapNearest does not", () => {
    // Two sites in eu, both within budget of eu's clients; each reports its request rate against a capacity of 2/s.
    const options = (mapper: (q: SiteQuery) => string): FailoverOptions => ({
      seed: 5,
      regions: [{ id: "eu", clients: 3 }, { id: "us", clients: 3 }],
      sites: [{ id: "fra", region: "eu", capacityRps: 2 }, { id: "ams", region: "eu", capacityRps: 2 }],
      latencyMs: { eu: { eu: 5, us: 30 }, us: { us: 5 } },
      routing: { kind: "dns", ttlSeconds: 2, mapper },
      untilMs: 20_000,
    });
    const sitesUsed = (mapper: (q: SiteQuery) => string) => new Set(runFailover(options(mapper)).requests.map((r) => r.site));
    expect(sitesUsed(mapNearest)).toEqual(new Set(["ams"])); // equal RTTs: the lower id
    expect(sitesUsed(mapWithinBudget)).toEqual(new Set(["ams", "fra"]));
  });

  it("reports a mapper that throws or answers with something that is not a site, naming the mapper", () => {
    const options = (mapper: (q: SiteQuery) => string): FailoverOptions => ({
      ...world, seed: 1, routing: { kind: "dns", ttlSeconds: 5, mapper }, untilMs: 3000,
    });
    function throwingMapper(): string {
      throw new Error("no idea");
    }
    function wrongMapper(): string {
      return "ams";
    }
    expect(() => runFailover(options(throwingMapper))).toThrow(MapperError);
    expect(() => runFailover(options(throwingMapper))).toThrow(/^the site mapper "throwingMapper" threw on a query from resolver region (eu|us|as): no idea$/);
    expect(() => runFailover(options(wrongMapper))).toThrow(
      /^the site mapper "wrongMapper" answered "ams" on a query from resolver region (eu|us|as), which is not a site \(sites: fra, iad\)$/,
    );
  });

  it("refuses a failure of a site that does not exist", () => {
    expect(() => runFailover({ ...world, seed: 1, routing: { kind: "dns", ttlSeconds: 5 }, failures: [{ site: "ams", atMs: 1 }], untilMs: 10 })).toThrow(
      'runFailover: failures name an unknown site "ams" (sites: fra, iad)',
    );
  });
});

describe("anycast failover (RFC 4271 §4.2 hold timer; Labovitz et al. 2000: routes converge minutes after a withdrawal)", () => {
  const holdMs = 3000;
  const keepaliveMs = 1000;
  const run = (convergenceMs: number, failure: FailoverOptions["failures"]) =>
    runFailover({ ...world, seed: 4, routing: { ...anycast, convergenceMs, holdMs, keepaliveMs }, failures: failure, untilMs: 60_000 });

  it("keeps sending to the dead site until the withdrawal has converged, whatever the convergence delay", () => {
    for (const convergenceMs of [5000, 20_000]) {
      const outage = run(convergenceMs, [{ site: "fra", atMs: 10_000 }]).outages[0]!;
      const detectionMs = outage.detectedAtMs! - outage.atMs;
      expect(detectionMs).toBeGreaterThanOrEqual(holdMs - keepaliveMs);
      expect(detectionMs).toBeLessThanOrEqual(holdMs + keepaliveMs);
      // The route update takes 1 ms to reach the clients; they send to the dead site up to that moment.
      const routeChangeMs = outage.detectedAtMs! + convergenceMs + 1;
      expect(outage.lastRequestToDeadSiteMs).toBeLessThan(routeChangeMs);
      expect(outage.lastRequestToDeadSiteMs).toBeGreaterThan(routeChangeMs - REQUEST_EVERY_MS);
    }
  });

  it("counts a download sent to the dead site as a failure, not a reset: no connection was ever opened there", () => {
    // With 5 s downloads, every download fra held when it crashed has timed out before the routes move (about 8 s
    // later); the downloads still open at the move were all sent to fra once it was dead, and no site answered them.
    const result = run(5000, [{ site: "fra", atMs: 10_000 }]);
    const outage = result.outages[0]!;
    const routeChangeMs = outage.detectedAtMs! + 5000 + 1;
    const sentToDeadFra = result.requests.filter((r) => r.download && r.site === "fra" && r.atMs >= 10_000 && r.atMs < routeChangeMs);
    expect(sentToDeadFra.length).toBeGreaterThan(0);
    expect(sentToDeadFra.every((r) => r.outcome === "timeout")).toBe(true);
    expect(result.requests.filter((r) => r.outcome === "reset")).toEqual([]);
    expect([outage.connectionsReset, outage.connectionsResetOnReturn]).toEqual([0, 0]);
  });

  it("resets the connections established at the site before it failed and still open when the routes move away", () => {
    // 20 s downloads: those fra accepted before it crashed are still waiting for their timeout when the routes move.
    const result = runFailover({
      ...world, seed: 4, downloadMs: 20_000, routing: { ...anycast, convergenceMs: 5000, holdMs, keepaliveMs },
      failures: [{ site: "fra", atMs: 10_000 }], untilMs: 60_000,
    });
    const outage = result.outages[0]!;
    const routeChangeMs = outage.detectedAtMs! + 5000 + 1;
    const resets = result.requests.filter((r) => r.outcome === "reset");
    expect(resets.length).toBeGreaterThan(0);
    expect(outage.connectionsReset).toBe(resets.length);
    // Each was sent to fra while it was up, and reset by iad one round trip eu <-> us after the route change.
    for (const r of resets) {
      expect([r.site, r.resetBy, r.download, r.atMs < 10_000]).toEqual(["fra", "iad", true, true]);
      expect(r.endMs).toBeCloseTo(routeChangeMs + 2 * 40, 6);
    }
    // And every download fra had accepted (sent 10 ms or more before it crashed) and not finished was reset.
    const accepted = result.requests.filter((r) => r.download && r.site === "fra" && r.atMs < 10_000 - 10 && r.atMs + 20_000 > 10_000);
    expect(resets.map((r) => r.id).sort()).toEqual(accepted.map((r) => r.id).sort());
  });

  it("resets downloads at a live site when the failed site comes back and its old clients' routes move back", () => {
    const result = run(5000, [{ site: "fra", atMs: 10_000, untilMs: 25_000 }]);
    const outage = result.outages[0]!;
    const resets = result.requests.filter((r) => r.outcome === "reset");
    expect(resets.length).toBeGreaterThan(0);
    // All were eu's downloads that iad had accepted, reset by fra after its return.
    for (const r of resets) expect([r.region, r.site, r.resetBy, r.download, r.endMs > 25_000]).toEqual(["eu", "iad", "fra", true, true]);
    expect([outage.connectionsReset, outage.connectionsResetOnReturn]).toEqual([0, resets.length]);
    // They happen at one instant, the route change back: fra's keepalive answer, then convergenceMs, then 1 ms.
    const moveBackMs = Math.min(...resets.map((r) => r.endMs)) - 2 * 5;
    expect(new Set(resets.map((r) => r.endMs)).size).toBe(1);
    expect(moveBackMs).toBeGreaterThan(25_000 + 5000);
    expect(moveBackMs).toBeLessThanOrEqual(25_000 + keepaliveMs + 5000 + 2);
    // Every download iad held for eu at that instant, and no other.
    const openAtIad = result.requests.filter((r) => r.region === "eu" && r.download && r.site === "iad" && r.atMs < moveBackMs - 2 * 40 && r.endMs >= moveBackMs);
    expect(resets.map((r) => r.id).sort()).toEqual(openAtIad.map((r) => r.id).sort());
    // The resets do not count as slow recovery: that ended when the withdrawal converged.
    expect(outage.recoveredAfterMs).toBeLessThan(outage.detectedAtMs! - 10_000 + 5000 + 1);
    // After routes move back, eu's requests go to fra again and succeed.
    const late = result.requests.filter((r) => r.region === "eu" && r.atMs > 40_000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((r) => r.site === "fra" && r.outcome === "ok")).toBe(true);
  });

  it("under DNS, moves clients back to a returned site only as their cached answers expire, resetting nothing", () => {
    const result = runFailover({
      ...world, seed: 4, routing: { kind: "dns", ttlSeconds: 10 }, failures: [{ site: "fra", atMs: 10_000, untilMs: 45_000 }], untilMs: 80_000,
    });
    expect(result.requests.filter((r) => r.outcome === "reset")).toEqual([]);
    expect([result.outages[0]!.connectionsReset, result.outages[0]!.connectionsResetOnReturn]).toEqual([0, 0]);
    // eu's clients keep using iad after fra's return (here 5 s more) until the answer they hold expires: at most the
    // authoritative server's next check plus one TTL later.
    const euAfter = result.requests.filter((r) => r.region === "eu" && r.atMs >= 45_000);
    const firstBackMs = Math.min(...euAfter.filter((r) => r.site === "fra").map((r) => r.atMs));
    expect(euAfter.some((r) => r.site === "iad" && r.atMs > 45_000 + 2000)).toBe(true);
    expect(firstBackMs).toBeLessThanOrEqual(45_000 + 2000 + 10_000 + 20);
    expect(euAfter.filter((r) => r.atMs > firstBackMs + 10_000 + 20).every((r) => r.site === "fra" && r.outcome === "ok")).toBe(true);
    expect(euAfter.every((r) => r.outcome === "ok")).toBe(true);
  });

  it("does not depend on DNS: no queries reach an authoritative server", () => {
    expect(run(5000, [{ site: "fra", atMs: 10_000 }]).authoritativeQueries).toBe(0);
  });
});

describe("runFailover: options a run cannot honour", () => {
  it("refuses a health-check interval shorter than the round trip to a site (every check would count as missed)", () => {
    expect(() =>
      runFailover({ ...world, seed: 1, routing: { kind: "dns", ttlSeconds: 5, healthCheckEveryMs: 50 }, untilMs: 10 }),
    ).toThrow("runFailover: routing.healthCheckEveryMs (50) must exceed the round trip from the authoritative server to site iad (80 ms)");
  });
});
