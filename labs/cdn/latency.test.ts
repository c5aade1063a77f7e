// Method: worked examples computed by hand in the comments (a 100 kB object from an origin 100 ms away against an
// edge 10 ms away), the slow-start round count against a loop that sends window after window, and properties
// on random parameters (fast-check): more round-trip time or more bytes never makes a request faster, and a hit
// at an edge no farther than the origin is never slower than going to the origin.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_SLOW_START,
  directLatency,
  edgeLatency,
  slowStartRounds,
  type DnsLookup,
  type TlsHandshake,
} from "./latency";

/** Send windows of w0, 2·w0, 4·w0, … segments until the body is through; count the round trips. */
function roundsByLoop(bytes: number, w0: number, mss: number): number {
  const segments = Math.ceil(bytes / mss);
  let sent = 0;
  let window = w0;
  let rounds = 0;
  do {
    sent += window;
    window *= 2;
    rounds++;
  } while (sent < segments);
  return rounds;
}

const resolverHit: DnsLookup = { kind: "resolver-hit", resolverRttMs: 20 };

describe("RFC 6928 §2 and RFC 5681 §3.1: slow start from an initial window of 10 segments", () => {
  it("counts round trips by hand", () => {
    // 14,600 bytes is exactly the first window; one byte more needs a second round; 30 segments fill two.
    expect(slowStartRounds(0)).toBe(1);
    expect(slowStartRounds(14_600)).toBe(1);
    expect(slowStartRounds(14_601)).toBe(2);
    expect(slowStartRounds(30 * 1460)).toBe(2);
    expect(slowStartRounds(30 * 1460 + 1)).toBe(3);
    // 100 kB is 69 segments: windows of 10, 20 and 40 carry 70.
    expect(slowStartRounds(100_000)).toBe(3);
    // 1 MB is 685 segments: 10 + 20 + … + 640 = 1270 after seven rounds, 630 after six.
    expect(slowStartRounds(1_000_000)).toBe(7);
  });

  it("agrees with a loop that sends window after window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 9000 }),
        (bytes, w0, mss) => {
          expect(
            slowStartRounds(bytes, {
              initialWindowSegments: w0,
              mssBytes: mss,
            }),
          ).toBe(roundsByLoop(bytes, w0, mss));
        },
      ),
      { numRuns: 2000, seed: 6928 },
    );
    // Every window boundary exactly, where the closed form's log2 could round the wrong way.
    for (let w0 = 1; w0 <= 20; w0++) {
      for (let k = 1; k <= 40; k++) {
        const boundary = w0 * (2 ** k - 1);
        for (const segments of [boundary - 1, boundary, boundary + 1]) {
          const bytes = segments * 1460;
          expect(
            slowStartRounds(bytes, {
              initialWindowSegments: w0,
              mssBytes: 1460,
            }),
          ).toBe(roundsByLoop(bytes, w0, 1460));
        }
      }
    }
  });

  it("refuses a negative size and a window below one segment", () => {
    expect(() => slowStartRounds(-1)).toThrow(/bytes/);
    expect(() =>
      slowStartRounds(10, { initialWindowSegments: 0, mssBytes: 1460 }),
    ).toThrow(/initialWindowSegments/);
    expect(() =>
      slowStartRounds(10, { initialWindowSegments: 10, mssBytes: 0 }),
    ).toThrow(/mssBytes/);
  });
});

describe("a request from a client: origin 100 ms away against an edge 10 ms away", () => {
  const request = {
    dns: resolverHit,
    tls: "tls13" as const,
    responseBytes: 100_000,
  };

  it("going to the origin costs DNS + TCP + TLS 1.3 + request + two more windows (RFC 8446 §2)", () => {
    const direct = directLatency({ ...request, originRttMs: 100 });
    expect(direct.phases).toEqual([
      { name: "dns", roundTrips: 1, ms: 20 },
      { name: "tcp", roundTrips: 1, ms: 100 },
      { name: "tls", roundTrips: 1, ms: 100 },
      { name: "request", roundTrips: 1, ms: 100 },
      { name: "transfer", roundTrips: 2, ms: 200 },
    ]);
    expect(direct.totalMs).toBe(520);
  });

  it("TLS 1.2 adds a round trip (RFC 5246 §7.3) and 0-RTT resumption removes TLS's (RFC 8446 §2.3)", () => {
    expect(
      directLatency({ ...request, tls: "tls12", originRttMs: 100 }).totalMs,
    ).toBe(620);
    const resumed = directLatency({
      ...request,
      tls: "tls13-0rtt",
      originRttMs: 100,
    });
    expect(resumed.totalMs).toBe(420);
    expect(resumed.phases.map((phase) => phase.name)).toEqual([
      "dns",
      "tcp",
      "request",
      "transfer",
    ]);
    expect(
      directLatency({ ...request, tls: "none", originRttMs: 100 }).totalMs,
    ).toBe(420);
  });

  it("an edge hit pays the same round trips at a tenth of the cost", () => {
    const hit = edgeLatency({ ...request, edgeRttMs: 10, cache: "hit" });
    // 20 (DNS) + 10 (TCP) + 10 (TLS) + 10 (request) + 20 (two more windows).
    expect(hit.totalMs).toBe(70);
  });

  it("an edge miss adds a fetch over the warm edge-to-origin connection: no handshakes, three windows", () => {
    const miss = edgeLatency({
      ...request,
      edgeRttMs: 10,
      cache: "miss",
      edgeToOriginRttMs: 90,
    });
    expect(miss.phases).toEqual([
      { name: "dns", roundTrips: 1, ms: 20 },
      { name: "tcp", roundTrips: 1, ms: 10 },
      { name: "tls", roundTrips: 1, ms: 10 },
      { name: "request", roundTrips: 1, ms: 10 },
      { name: "origin-fetch", roundTrips: 3, ms: 270 },
      { name: "transfer", roundTrips: 2, ms: 20 },
    ]);
    expect(miss.totalMs).toBe(340);
    // A warm connection whose window has opened to 100 segments fetches the 69 segments in one round trip.
    expect(
      edgeLatency({
        ...request,
        edgeRttMs: 10,
        cache: "miss",
        edgeToOriginRttMs: 90,
        warmWindowSegments: 100,
      }).totalMs,
    ).toBe(160);
    expect(() =>
      edgeLatency({ ...request, edgeRttMs: 10, cache: "miss" }),
    ).toThrow(/edgeToOriginRttMs/);
  });

  it("a resolver walk adds one round trip per referral (RFC 1034 §5.3.3); a client-cached name costs none", () => {
    const walk: DnsLookup = {
      kind: "resolver-walk",
      resolverRttMs: 20,
      referralRttsMs: [30, 40, 50],
    };
    const direct = directLatency({ ...request, dns: walk, originRttMs: 100 });
    expect(direct.phases[0]).toEqual({ name: "dns", roundTrips: 4, ms: 140 });
    expect(
      directLatency({
        ...request,
        dns: { kind: "client-cached" },
        originRttMs: 100,
      }).totalMs,
    ).toBe(500);
  });
});

describe("properties: more round-trip time or more bytes is never faster", () => {
  const tls = fc.constantFrom<TlsHandshake>(
    "none",
    "tls12",
    "tls13",
    "tls13-0rtt",
  );
  const dns = fc.oneof(
    fc.constant<DnsLookup>({ kind: "client-cached" }),
    fc.record({
      kind: fc.constant("resolver-hit" as const),
      resolverRttMs: fc.integer({ min: 0, max: 200 }),
    }),
    fc.record({
      kind: fc.constant("resolver-walk" as const),
      resolverRttMs: fc.integer({ min: 0, max: 200 }),
      referralRttsMs: fc.array(fc.integer({ min: 0, max: 200 }), {
        maxLength: 4,
      }),
    }),
  );
  const rtt = fc.integer({ min: 0, max: 500 });
  const bytes = fc.integer({ min: 0, max: 20_000_000 });

  it("monotone in the round-trip times and the body size", () => {
    fc.assert(
      fc.property(
        dns,
        tls,
        rtt,
        rtt,
        rtt,
        rtt,
        bytes,
        bytes,
        (d, t, r1, r2, o1, o2, b1, b2) => {
          const [rLow, rHigh] = [Math.min(r1, r2), Math.max(r1, r2)];
          const [oLow, oHigh] = [Math.min(o1, o2), Math.max(o1, o2)];
          const [bLow, bHigh] = [Math.min(b1, b2), Math.max(b1, b2)];
          const base = { dns: d, tls: t };
          expect(
            directLatency({ ...base, responseBytes: bLow, originRttMs: rLow })
              .totalMs,
          ).toBeLessThanOrEqual(
            directLatency({ ...base, responseBytes: bHigh, originRttMs: rHigh })
              .totalMs,
          );
          const miss = (r: number, o: number, b: number) =>
            edgeLatency({
              ...base,
              responseBytes: b,
              edgeRttMs: r,
              cache: "miss",
              edgeToOriginRttMs: o,
            }).totalMs;
          expect(miss(rLow, oLow, bLow)).toBeLessThanOrEqual(
            miss(rHigh, oHigh, bHigh),
          );
          // A hit at an edge no farther than the origin never loses to the origin, and a miss never beats a hit.
          const hit = edgeLatency({
            ...base,
            responseBytes: bLow,
            edgeRttMs: rLow,
            cache: "hit",
          }).totalMs;
          expect(hit).toBeLessThanOrEqual(
            directLatency({ ...base, responseBytes: bLow, originRttMs: rHigh })
              .totalMs,
          );
          expect(hit).toBeLessThanOrEqual(miss(rLow, oLow, bLow));
        },
      ),
      { numRuns: 1000, seed: 12 },
    );
  });

  it("the total is the sum of its phases: TCP, TLS, then one round trip per slow-start window", () => {
    fc.assert(
      fc.property(tls, rtt, bytes, (t, r, b) => {
        const result = directLatency({
          dns: { kind: "client-cached" },
          tls: t,
          responseBytes: b,
          originRttMs: r,
        });
        for (const phase of result.phases)
          expect(phase.ms).toBe(phase.roundTrips * r);
        expect(result.totalMs).toBe(
          result.phases.reduce((sum, phase) => sum + phase.ms, 0),
        );
        expect(result.phases.reduce((sum, p) => sum + p.roundTrips, 0)).toBe(
          1 +
            ({ none: 0, tls12: 2, tls13: 1, "tls13-0rtt": 0 } as const)[t] +
            slowStartRounds(b, DEFAULT_SLOW_START),
        );
      }),
      { numRuns: 500, seed: 5681 },
    );
  });
});
