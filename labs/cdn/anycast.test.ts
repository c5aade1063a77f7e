// Method: a hand-made graph where the shortest AS path is not the fastest, and one for the tie-break; then, on
// small random graphs (fast-check over seeds), the model against brute force: every simple path from each client
// AS to each PoP's AS is enumerated, BGP's choice is the shortest in AS hops with ties going to the
// lexicographically smallest AS sequence (what the lowest-next-hop rule gives hop by hop), and the fastest PoP
// is the least RTT over all simple paths. Withdrawals are checked the same way, and for moving only the clients
// of the withdrawn PoP.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  anycastRouting,
  asNeighbours,
  bgpSelectedPaths,
  pathRttMs,
  randomAsGraph,
  withdrawPop,
  type AsGraph,
  type Pop,
} from "./anycast";

/** Every simple path from `from` to any AS in `targets` that does not pass through another target. */
function simplePaths(
  graph: AsGraph,
  from: number,
  targets: ReadonlySet<number>,
): number[][] {
  const neighbours = asNeighbours(graph);
  const paths: number[][] = [];
  const walk = (path: number[]) => {
    const last = path[path.length - 1]!;
    if (targets.has(last)) {
      paths.push([...path]);
      return;
    }
    for (const next of neighbours.get(last)!.keys()) {
      if (path.includes(next)) continue;
      path.push(next);
      walk(path);
      path.pop();
    }
  };
  walk([from]);
  return paths;
}

function lexicographicallyLess(
  x: readonly number[],
  y: readonly number[],
): boolean {
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return x[i]! < y[i]!;
  return x.length < y.length;
}

/** The oracle: BGP's path and the least RTT for one client, by enumeration. */
function bruteForce(graph: AsGraph, pops: readonly Pop[], client: number) {
  const paths = simplePaths(graph, client, new Set(pops.map((pop) => pop.asn)));
  if (paths.length === 0)
    return { asPath: [] as number[], fastestRttMs: Infinity };
  let bgp = paths[0]!;
  for (const path of paths) {
    if (
      path.length < bgp.length ||
      (path.length === bgp.length && lexicographicallyLess(path, bgp))
    )
      bgp = path;
  }
  const neighbours = asNeighbours(graph);
  return {
    asPath: bgp,
    fastestRttMs: Math.min(...paths.map((path) => pathRttMs(neighbours, path))),
  };
}

// Client AS 1 in Europe. PoP "nyc" in AS 10 is one hop away over a transatlantic link; PoP "fra" in AS 20 is two
// hops away through a local transit AS 2. BGP counts hops, so AS 1 goes to New York.
const TRANSATLANTIC: AsGraph = {
  ases: [1, 2, 3, 10, 20],
  links: [
    { a: 1, b: 10, rttMs: 90 },
    { a: 1, b: 2, rttMs: 5 },
    { a: 2, b: 20, rttMs: 4 },
    { a: 3, b: 10, rttMs: 8 },
  ],
};
const TRANSATLANTIC_POPS: Pop[] = [
  { id: "nyc", asn: 10 },
  { id: "fra", asn: 20 },
];

describe("RFC 4271 §9.1.2.2: the shortest AS path wins, not the lowest latency", () => {
  it("sends a European client across the Atlantic", () => {
    const routes = anycastRouting(TRANSATLANTIC, TRANSATLANTIC_POPS);
    const client = routes.find((route) => route.clientAs === 1)!;
    expect(client).toEqual({
      clientAs: 1,
      pop: "nyc",
      asPath: [1, 10],
      asPathLength: 1,
      rttMs: 90,
      fastestPop: "fra",
      fastestPath: [1, 2, 20],
      fastestRttMs: 9,
    });
    // A PoP's own AS stays home; AS 3 has one way out.
    expect(routes.find((route) => route.clientAs === 20)).toMatchObject({
      pop: "fra",
      asPath: [20],
      asPathLength: 0,
      rttMs: 0,
    });
    expect(routes.find((route) => route.clientAs === 3)).toMatchObject({
      pop: "nyc",
      asPath: [3, 10],
      rttMs: 8,
    });
    expect(routes.map((route) => route.clientAs)).toEqual([1, 2, 3, 10, 20]);
  });

  it("breaks a tie in path length by the lowest next-hop AS", () => {
    // AS 1 hears two-hop routes from AS 5 (to PoP b) and AS 4 (to PoP a) and takes AS 4's, though it is slower.
    const graph: AsGraph = {
      ases: [1, 4, 5, 40, 50],
      links: [
        { a: 1, b: 5, rttMs: 1 },
        { a: 5, b: 50, rttMs: 1 },
        { a: 1, b: 4, rttMs: 30 },
        { a: 4, b: 40, rttMs: 30 },
      ],
    };
    const pops = [
      { id: "a", asn: 40 },
      { id: "b", asn: 50 },
    ];
    expect(bgpSelectedPaths(graph, pops).get(1)).toEqual([1, 4, 40]);
    expect(anycastRouting(graph, pops)[0]).toMatchObject({
      pop: "a",
      rttMs: 60,
      fastestPop: "b",
      fastestRttMs: 2,
    });
  });

  it("re-routes the withdrawn PoP's clients and only them", () => {
    const result = withdrawPop(TRANSATLANTIC, TRANSATLANTIC_POPS, "nyc");
    expect(result.moved).toEqual([
      { clientAs: 1, from: "nyc", to: "fra" },
      { clientAs: 3, from: "nyc", to: "fra" },
      { clientAs: 10, from: "nyc", to: "fra" },
    ]);
    expect(result.after.find((route) => route.clientAs === 3)).toMatchObject({
      asPath: [3, 10, 1, 2, 20],
      rttMs: 107,
    });
    const last = withdrawPop(TRANSATLANTIC, [{ id: "fra", asn: 20 }], "fra");
    expect(
      last.after.every(
        (route) =>
          route.pop === null &&
          route.rttMs === Infinity &&
          route.asPath.length === 0,
      ),
    ).toBe(true);
    expect(last.moved).toHaveLength(5);
  });

  it("refuses a malformed graph or PoP list", () => {
    const pops = TRANSATLANTIC_POPS;
    expect(() =>
      anycastRouting({ ases: [1, 2], links: [{ a: 1, b: 3, rttMs: 1 }] }, []),
    ).toThrow(/unknown AS/);
    expect(() =>
      anycastRouting({ ases: [1], links: [{ a: 1, b: 1, rttMs: 1 }] }, []),
    ).toThrow(/itself/);
    expect(() =>
      anycastRouting(
        {
          ases: [1, 2],
          links: [
            { a: 1, b: 2, rttMs: 1 },
            { a: 2, b: 1, rttMs: 2 },
          ],
        },
        [],
      ),
    ).toThrow(/repeats/);
    expect(() =>
      anycastRouting(TRANSATLANTIC, [...pops, { id: "x", asn: 10 }]),
    ).toThrow(/shares AS 10/);
    expect(() =>
      anycastRouting(TRANSATLANTIC, [...pops, { id: "nyc", asn: 3 }]),
    ).toThrow(/repeats the id/);
    expect(() => withdrawPop(TRANSATLANTIC, pops, "lhr")).toThrow(/no PoP/);
  });
});

describe("against brute-force enumeration of simple paths on random AS graphs", () => {
  const small = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    ases: fc.integer({ min: 1, max: 8 }),
    extraLinks: fc.integer({ min: 0, max: 8 }),
    popFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const build = ({
    seed,
    ases,
    extraLinks,
    popFraction,
  }: {
    seed: number;
    ases: number;
    extraLinks: number;
    popFraction: number;
  }) =>
    randomAsGraph({
      seed,
      ases,
      extraLinks,
      pops: Math.round(popFraction * ases),
    });

  it("BGP picks the shortest AS path with the lowest next hop; the fastest PoP has the least RTT", () => {
    fc.assert(
      fc.property(small, (options) => {
        const { graph, pops } = build(options);
        const neighbours = asNeighbours(graph);
        for (const route of anycastRouting(graph, pops)) {
          const oracle = bruteForce(graph, pops, route.clientAs);
          expect(route.asPath).toEqual(oracle.asPath);
          expect(route.fastestRttMs).toBe(oracle.fastestRttMs);
          if (route.pop === null) continue;
          expect(route.rttMs).toBe(pathRttMs(neighbours, route.asPath));
          expect(route.rttMs).toBeGreaterThanOrEqual(route.fastestRttMs);
          expect(pathRttMs(neighbours, route.fastestPath)).toBe(
            route.fastestRttMs,
          );
          expect(pops.find((pop) => pop.id === route.fastestPop)!.asn).toBe(
            route.fastestPath.at(-1),
          );
          expect(pops.find((pop) => pop.id === route.pop)!.asn).toBe(
            route.asPath.at(-1),
          );
        }
      }),
      { numRuns: 300, seed: 4271 },
    );
  });

  it("a withdrawal moves exactly the withdrawn PoP's clients, to what enumeration picks without it", () => {
    fc.assert(
      fc.property(small, fc.nat(), (options, which) => {
        const { graph, pops } = build({
          ...options,
          popFraction: Math.max(options.popFraction, 0.2),
        });
        if (pops.length === 0) return;
        const gone = pops[which % pops.length]!;
        const result = withdrawPop(graph, pops, gone.id);
        const remaining = pops.filter((pop) => pop.id !== gone.id);
        expect(result.moved.map((move) => move.clientAs)).toEqual(
          result.before
            .filter((route) => route.pop === gone.id)
            .map((route) => route.clientAs),
        );
        for (const route of result.after)
          expect(route.asPath).toEqual(
            bruteForce(graph, remaining, route.clientAs).asPath,
          );
      }),
      { numRuns: 200, seed: 1997 },
    );
  });

  it("random graphs are connected, seeded and have PoPs in distinct ASes", () => {
    const one = randomAsGraph({
      seed: "figure",
      ases: 20,
      extraLinks: 10,
      pops: 4,
    });
    expect(
      randomAsGraph({ seed: "figure", ases: 20, extraLinks: 10, pops: 4 }),
    ).toEqual(one);
    expect(one.graph.links).toHaveLength(29);
    expect(new Set(one.pops.map((pop) => pop.asn)).size).toBe(4);
    expect(
      anycastRouting(one.graph, one.pops).every((route) => route.pop !== null),
    ).toBe(true);
  });
});
