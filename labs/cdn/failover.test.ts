// Method: the two reference mappers on hand-made queries that hit each rule (budget, load, ties, no healthy site),
// then fast-check against a brute-force oracle that ranks every site by one tuple and sorts the whole list. The
// random queries draw RTTs and loads from tiny sets so that ties, which the rules must break, are common.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  mapNearest,
  mapWithinBudget,
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
