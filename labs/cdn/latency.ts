/**
 * What one HTTPS request's latency is made of, counted in round trips: a DNS lookup, the TCP handshake, the TLS
 * handshake, then the request and a response that TCP slow start delivers over one or more further round trips.
 * The same request is priced twice: straight to a distant origin, and to a nearby edge that either has the object
 * (a hit) or must first fetch it from the origin (a miss).
 *
 * The model, stated so a reader can redo it by hand:
 * - DNS: a resolver cache hit costs one round trip to the resolver; a miss adds one round trip from the resolver
 *   to each server it is referred to (root, TLD, authoritative: RFC 1034 §5.3.3), in order. A lookup the client
 *   itself has cached costs nothing.
 * - TCP: the three-way handshake costs one round trip before the client may send (RFC 9293 §3.5).
 * - TLS: TLS 1.3 needs one round trip (RFC 8446 §2), TLS 1.2 two (RFC 5246 §7.3); TLS 1.3 resumption with
 *   0-RTT early data sends the request with the ClientHello and costs none (RFC 8446 §2.3, at the price of
 *   replayable early data). Plain HTTP has no TLS phase.
 * - Request and response: one round trip carries the request and the first congestion window of the response.
 *   Slow start begins at an initial window of 10 segments (RFC 6928 §2) of 1460 bytes (the MSS of a 1500-byte
 *   Ethernet MTU) and doubles each round trip (RFC 5681 §3.1), with no loss and no receive-window or bandwidth
 *   limit, so each further window costs exactly one round trip ("transfer"). Serialization time is ignored: at the
 *   sizes of a web object on a fast link it is small next to the round trips.
 * - A cache miss at the edge adds the edge's own fetch from the origin before the edge answers (store and
 *   forward; real edges stream the body as it arrives, so this is an upper bound). The edge keeps a warm
 *   connection to the origin, so the fetch pays no DNS, TCP or TLS cost: one round trip plus slow-start rounds
 *   from `warmWindowSegments` (by default the same initial window, as after an idle period, RFC 5681 §4.1).
 */

/** The TCP slow-start model: the first window and the segment size. */
export interface SlowStartModel {
  /** Segments in the first window; RFC 6928 §2 raised the default to 10. Example: 10. */
  initialWindowSegments: number;
  /** Maximum segment size in bytes; 1460 for a 1500-byte Ethernet MTU. Example: 1460. */
  mssBytes: number;
}

export const DEFAULT_SLOW_START: SlowStartModel = {
  initialWindowSegments: 10,
  mssBytes: 1460,
};

/** The TLS handshake in use; see the module comment for the round trips each costs. */
export type TlsHandshake = "none" | "tls12" | "tls13" | "tls13-0rtt";

/** Round trips each TLS handshake adds before the request can be sent. */
export const TLS_ROUND_TRIPS: Readonly<Record<TlsHandshake, number>> = {
  none: 0,
  tls12: 2,
  tls13: 1,
  "tls13-0rtt": 0,
};

/** How the client resolves the host name. */
export type DnsLookup =
  /** The client (browser or operating system) already holds the answer. */
  | { kind: "client-cached" }
  /** The recursive resolver answers from its cache: one round trip to it. */
  | { kind: "resolver-hit"; resolverRttMs: number }
  /** The resolver walks the hierarchy: one round trip to it, plus one to each server it asks, in order. */
  | {
      kind: "resolver-walk";
      resolverRttMs: number;
      referralRttsMs: readonly number[];
    };

/** The name of a phase, in the order phases happen. */
export type PhaseName =
  "dns" | "tcp" | "tls" | "request" | "origin-fetch" | "transfer";

/** One phase of a request: how many round trips it took and what they cost. */
export interface LatencyPhase {
  name: PhaseName;
  /** Round trips in this phase, on the path named by the phase (DNS rounds may be on several paths). */
  roundTrips: number;
  ms: number;
}

/** A request's latency as phases in time order and their sum. Phases that cost nothing are left out. */
export interface LatencyBreakdown {
  phases: LatencyPhase[];
  totalMs: number;
}

/** What every request shares, wherever it goes. */
export interface RequestOptions {
  dns: DnsLookup;
  tls: TlsHandshake;
  /** Size of the response body in bytes (headers ignored). Example: 100_000. */
  responseBytes: number;
  slowStart?: SlowStartModel;
}

/**
 * The number of round trips slow start needs to deliver `bytes`: the least k ≥ 1 with
 * w0·(2^k − 1) ≥ ⌈bytes / MSS⌉, since the windows sent are w0, 2·w0, 4·w0, … segments. An empty body still needs
 * the one round trip that carries the request.
 */
export function slowStartRounds(
  bytes: number,
  model: SlowStartModel = DEFAULT_SLOW_START,
): number {
  checkNonNegative("bytes", bytes);
  const { initialWindowSegments: w0, mssBytes } = model;
  if (!Number.isInteger(w0) || w0 < 1)
    throw new Error(
      `initialWindowSegments must be a positive integer, got ${w0}`,
    );
  if (!(mssBytes > 0))
    throw new Error(`mssBytes must be positive, got ${mssBytes}`);
  const segments = Math.ceil(bytes / mssBytes);
  // The closed form k = ⌈log2(segments / w0 + 1)⌉, corrected by one step either way against rounding in log2.
  let rounds = Math.max(1, Math.ceil(Math.log2(segments / w0 + 1)));
  while (rounds > 1 && w0 * (2 ** (rounds - 1) - 1) >= segments) rounds--;
  while (w0 * (2 ** rounds - 1) < segments) rounds++;
  return rounds;
}

/** A request sent straight to the origin over a new connection. */
export function directLatency(
  options: RequestOptions & { originRttMs: number },
): LatencyBreakdown {
  return connectAndFetch(options, options.originRttMs, []);
}

/** A request sent to an edge over a new connection; a miss adds the edge's fetch from the origin. */
export function edgeLatency(
  options: RequestOptions & {
    edgeRttMs: number;
    cache: "hit" | "miss";
    /** Round-trip time from the edge to the origin; needed for a miss. Example: 90. */
    edgeToOriginRttMs?: number;
    /** The warm edge-to-origin connection's window in segments; defaults to the initial window. Example: 10. */
    warmWindowSegments?: number;
  },
): LatencyBreakdown {
  const extra: LatencyPhase[] = [];
  if (options.cache === "miss") {
    const originRttMs = options.edgeToOriginRttMs;
    if (originRttMs === undefined)
      throw new Error("a cache miss needs edgeToOriginRttMs");
    checkNonNegative("edgeToOriginRttMs", originRttMs);
    const model = options.slowStart ?? DEFAULT_SLOW_START;
    const warm = {
      ...model,
      initialWindowSegments:
        options.warmWindowSegments ?? model.initialWindowSegments,
    };
    const rounds = slowStartRounds(options.responseBytes, warm);
    extra.push({
      name: "origin-fetch",
      roundTrips: rounds,
      ms: rounds * originRttMs,
    });
  }
  return connectAndFetch(options, options.edgeRttMs, extra);
}

/** The round trips to resolve a name and their cost. */
export function dnsPhase(dns: DnsLookup): LatencyPhase {
  switch (dns.kind) {
    case "client-cached":
      return { name: "dns", roundTrips: 0, ms: 0 };
    case "resolver-hit":
      checkNonNegative("resolverRttMs", dns.resolverRttMs);
      return { name: "dns", roundTrips: 1, ms: dns.resolverRttMs };
    case "resolver-walk": {
      checkNonNegative("resolverRttMs", dns.resolverRttMs);
      dns.referralRttsMs.forEach((rtt, i) =>
        checkNonNegative(`referralRttsMs[${i}]`, rtt),
      );
      const walkMs = dns.referralRttsMs.reduce((sum, rtt) => sum + rtt, 0);
      return {
        name: "dns",
        roundTrips: 1 + dns.referralRttsMs.length,
        ms: dns.resolverRttMs + walkMs,
      };
    }
    default:
      throw new Error(
        `unknown DNS lookup kind ${(dns as { kind: unknown }).kind}`,
      );
  }
}

function connectAndFetch(
  options: RequestOptions,
  rttMs: number,
  beforeResponse: LatencyPhase[],
): LatencyBreakdown {
  checkNonNegative("rttMs", rttMs);
  if (!(options.tls in TLS_ROUND_TRIPS))
    throw new Error(`unknown TLS handshake ${options.tls}`);
  const tlsRounds = TLS_ROUND_TRIPS[options.tls];
  const rounds = slowStartRounds(
    options.responseBytes,
    options.slowStart ?? DEFAULT_SLOW_START,
  );
  const all: LatencyPhase[] = [
    dnsPhase(options.dns),
    { name: "tcp", roundTrips: 1, ms: rttMs },
    { name: "tls", roundTrips: tlsRounds, ms: tlsRounds * rttMs },
    { name: "request", roundTrips: 1, ms: rttMs },
    ...beforeResponse,
    { name: "transfer", roundTrips: rounds - 1, ms: (rounds - 1) * rttMs },
  ];
  const phases = all.filter((phase) => phase.roundTrips > 0);
  return { phases, totalMs: phases.reduce((sum, phase) => sum + phase.ms, 0) };
}

function checkNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a finite number ≥ 0, got ${value}`);
}
