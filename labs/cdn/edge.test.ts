// Method: small scenarios with constant link latencies, where every answer's outcome and time can be worked out by
// hand from RFC 9111 §4.2 (freshness), RFC 9111 §4.3 (conditional requests), RFC 5861 §3-4 (stale-while-revalidate,
// stale-if-error) and the collapsing contract; each run also passes the three CDN checkers. Then the naive oracle:
// one PoP, no collapsing, no purges and an infinite max-age give exactly `simulateCache`'s hits and misses.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapseRequests, noCollapsing, runCdn } from './edge';
import type { CdnOptions, CdnRun, ObjectPolicy } from './edge';
import { fifo, lru, lfu, simulateCache } from './cache';
import type { CachePolicy } from './cache';
import { formatCheck } from '../sim/check';

const latencyMs = { eu: { eu: 5, us: 40, asia: 90 }, us: { us: 5, asia: 80 }, asia: { asia: 5 } };

function base(policy: ObjectPolicy, requests: CdnOptions['requests'], extra: Partial<CdnOptions> = {}): CdnOptions {
  return {
    seed: 1,
    objects: [{ key: '/a', sizeBytes: 1000, policy }, { key: '/b', sizeBytes: 2000, policy }],
    pops: [{ id: 'eu', region: 'eu', capacityBytes: 100_000 }],
    origin: { region: 'us' },
    latencyMs,
    requests,
    untilMs: requests.reduce((m, r) => Math.max(m, r.atMs), 0) + 1,
    ...extra,
  };
}

const at = (times: number[], key = '/a', pop = 'eu') => times.map((atMs) => ({ atMs, pop, key }));
const outcomes = (run: CdnRun) => run.requests.map((r) => r.outcome);
const allOk = (run: CdnRun) => expect(run.checks.map(formatCheck).filter((c) => !c.startsWith('ok'))).toEqual([]);

describe('RFC 9111 §4.2 freshness at a PoP', () => {
  it('a copy is a hit while its age is below max-age, then a miss revalidated with a 304 (RFC 9111 §4.3.1)', () => {
    // The origin generates the copy at 40 ms (eu -> us is 40 ms one way); max-age 1,000 ms: fresh until 1,040 ms.
    const run = runCdn(base({ maxAgeMs: 1000 }, at([0, 500, 1039, 1041])));
    expect(outcomes(run)).toEqual(['miss', 'hit', 'hit', 'revalidated']);
    expect(run.requests.map((r) => r.latencyMs)).toEqual([90, 10, 10, 90]);
    expect(run.metrics.originRequests).toBe(2);
    expect(run.metrics.originBytes).toBe(1000); // the 304 carries no body
    expect(run.metrics.hitRatio).toBe(0.5);
    expect(run.metrics.byteHitRatio).toBe(0.75); // hits and the revalidated answer come from the stored body
    allOk(run);
  });

  it('a new version published at the origin is fetched in full once the old copy expires', () => {
    const run = runCdn(base({ maxAgeMs: 1000 }, at([0, 500, 2000]), { publishes: [{ atMs: 300, key: '/a' }] }));
    expect(run.requests.map((r) => [r.outcome, r.version])).toEqual([['miss', 1], ['hit', 1], ['miss', 2]]);
    allOk(run);
  });

  it('is the same run for the same seed', () => {
    const options = base({ maxAgeMs: 300, staleWhileRevalidateMs: 200 }, at([0, 10, 350, 400, 900, 910]));
    expect(JSON.stringify(runCdn(options).trace)).toBe(JSON.stringify(runCdn(options).trace));
  });
});

describe('request collapsing', () => {
  const crowd = at(Array.from({ length: 20 }, (_, i) => 10 + i * 3));

  it('collapseRequests: twenty misses in flight together cost one origin fetch, and all get its copy', () => {
    const run = runCdn(base({ maxAgeMs: 10_000 }, crowd, { collapser: collapseRequests }));
    expect(run.metrics.originRequests).toBe(1);
    expect(outcomes(run).filter((o) => o === 'collapsed')).toHaveLength(19);
    expect(new Set(run.requests.map((r) => r.answeredAtMs))).toEqual(new Set([90])); // all at the one answer (10 ms + 40 + 40)
    allOk(run);
  });

  it('noCollapsing: every miss before the first answer goes to the origin', () => {
    const run = runCdn(base({ maxAgeMs: 10_000 }, crowd, { collapser: noCollapsing }));
    // The first copy arrives at 90 ms; requests at 10, 13, ..., 67 all missed before it.
    expect(run.metrics.originRequests).toBe(20);
    expect(outcomes(run).every((o) => o === 'miss')).toBe(true);
    allOk(run);
  });
});

describe('the naive oracle: one PoP without collapsing, purges or expiry is simulateCache', () => {
  it('hits and byte hits equal simulateCache with the same policy on the same stream (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 60 }),
        fc.constantFrom<CachePolicy>(lru, lfu, fifo),
        fc.integer({ min: 1000, max: 6000 }),
        (ranks, policy, capacityBytes) => {
          const objects = Array.from({ length: 8 }, (_, r) => ({ key: `/o/${r}`, sizeBytes: 500 + 250 * r, policy: { maxAgeMs: Infinity } }));
          // 200 ms apart: each miss is answered (90 ms round trip) before the next request arrives.
          const requests = ranks.map((r, i) => ({ atMs: i * 200, pop: 'eu', key: `/o/${r}` }));
          const run = runCdn({
            seed: 2, objects, requests, latencyMs, origin: { region: 'us' }, collapser: noCollapsing,
            pops: [{ id: 'eu', region: 'eu', capacityBytes, policy }], untilMs: ranks.length * 200,
          });
          const oracle = simulateCache(policy, ranks.map((r) => ({ key: `/o/${r}`, sizeBytes: 500 + 250 * r })), capacityBytes);
          expect(run.metrics.hits).toBe(oracle.hits);
          expect(run.metrics.byteHitRatio).toBeCloseTo(oracle.byteHitRatio, 12);
          allOk(run);
        },
      ),
      { seed: 12, numRuns: 60 },
    );
  });
});

describe('RFC 5861 §3 stale-while-revalidate', () => {
  const policy = { maxAgeMs: 1000, staleWhileRevalidateMs: 500 };

  it('answers at once with the stale copy inside the window, revalidates once in the background, then hits', () => {
    // Fresh until 1,040 ms; at 1,100 and 1,120 ms the copy is stale but within 500 ms: both answered at once, one
    // background fetch (sent at 1,100 ms, answered 304 at 1,180 ms) renews it: 1,300 ms is a hit.
    const run = runCdn(base(policy, at([0, 1100, 1120, 1300])));
    expect(outcomes(run)).toEqual(['miss', 'stale-while-revalidate', 'stale-while-revalidate', 'hit']);
    expect(run.requests.map((r) => r.latencyMs)).toEqual([90, 10, 10, 10]);
    expect(run.metrics.originRequests).toBe(2);
    allOk(run);
  });

  it('past the window, or with stale-while-revalidate turned off, the request waits for a revalidation', () => {
    expect(outcomes(runCdn(base(policy, at([0, 1600]))))).toEqual(['miss', 'revalidated']);
    const off = runCdn(base(policy, at([0, 1100]), { staleWhileRevalidate: false }));
    expect(outcomes(off)).toEqual(['miss', 'revalidated']);
    expect(off.requests[1]?.latencyMs).toBe(90);
    allOk(off);
  });
});

describe('RFC 5861 §4 stale-if-error and origin outages', () => {
  const policy = { maxAgeMs: 1000, staleIfErrorMs: 5000 };
  const outage = { originOutages: [{ fromMs: 500, untilMs: 20_000 }] };

  it('an origin answering 503 is hidden by the stale copy inside the window, and shows after it', () => {
    // The copy (generated at 40 ms) may be served on error until 40 + 1,000 + 5,000 = 6,040 ms.
    const run = runCdn(base(policy, at([0, 2000, 6100]), outage));
    expect(outcomes(run)).toEqual(['miss', 'stale-if-error', 'error']);
    expect(run.metrics.errors).toBe(1);
    allOk(run);
    const off = runCdn(base(policy, at([0, 2000]), { ...outage, staleIfError: false }));
    expect(outcomes(off)).toEqual(['miss', 'error']);
    allOk(off);
  });

  it('an origin that does not answer at all: the PoP gives up after upstreamTimeoutMs and serves stale', () => {
    const run = runCdn(base(policy, at([0, 2000, 2100]), { ...outage, originOutageMode: 'silent', upstreamTimeoutMs: 800 }));
    expect(outcomes(run)).toEqual(['miss', 'stale-if-error', 'stale-if-error']);
    expect(run.requests.map((r) => r.answeredAtMs)).toEqual([80, 2800, 2800]); // the second joined the first's fetch
    allOk(run);
  });

  it('a crashed origin is an origin that does not answer', () => {
    const run = runCdn(base(policy, at([0, 2000]), { interventions: [{ atMs: 1000, kind: 'crash', node: 'origin' }] }));
    expect(outcomes(run)).toEqual(['miss', 'stale-if-error']);
    allOk(run);
  });
});

describe('tiered caching: an origin shield', () => {
  const pops = [
    { id: 'pop-eu', region: 'eu', capacityBytes: 100_000 },
    { id: 'pop-us', region: 'us', capacityBytes: 100_000 },
    { id: 'pop-asia', region: 'asia', capacityBytes: 100_000 },
  ];
  const requests = [...at([0, 5], '/a', 'pop-eu'), ...at([0, 30], '/a', 'pop-us'), ...at([0], '/a', 'pop-asia'), ...at([400], '/a', 'pop-eu')];

  it('three PoPs missing together cost the origin one fetch behind a shield, three without', () => {
    const options = base({ maxAgeMs: 10_000 }, requests, { pops, origin: { region: 'asia' } });
    const direct = runCdn(options);
    const shielded = runCdn({ ...options, shield: { region: 'us', capacityBytes: 100_000 } });
    expect(direct.metrics.originRequests).toBe(3);
    expect(shielded.metrics.originRequests).toBe(1);
    expect(outcomes(shielded)).toEqual(['miss', 'collapsed', 'miss', 'collapsed', 'miss', 'hit']);
    allOk(direct);
    allOk(shielded);
  });

  it('a PoP that misses later is served from the shield store, and the copy keeps its age from the origin', () => {
    const options = base({ maxAgeMs: 1000 }, [...at([0], '/a', 'pop-us'), ...at([300, 900], '/a', 'pop-eu')], {
      pops, origin: { region: 'asia' }, shield: { region: 'us', capacityBytes: 100_000 },
    });
    const run = runCdn(options);
    // pop-us -> shield (5 ms) -> origin (80 ms): generated at 85 ms, fresh until 1,085 ms everywhere.
    expect(run.requests.map((r) => [r.outcome, r.servedBy])).toEqual([['miss', 'origin'], ['miss', 'shield'], ['hit', 'edge']]);
    allOk(run);
  });
});

describe('purges', () => {
  const policy = { maxAgeMs: 100_000 };

  it('a purge after a publish makes every PoP fetch the new version', () => {
    const pops = [{ id: 'pop-eu', region: 'eu', capacityBytes: 10_000 }, { id: 'pop-asia', region: 'asia', capacityBytes: 10_000 }];
    const run = runCdn(base(policy, [...at([0, 700], '/a', 'pop-eu'), ...at([0, 700], '/a', 'pop-asia')], {
      pops, publishes: [{ atMs: 500, key: '/a' }], purges: [{ atMs: 600, key: '/a', boundMs: 500 }],
    }));
    expect(run.requests.map((r) => [r.pop, r.outcome, r.version])).toEqual([
      ['pop-eu', 'miss', 1], ['pop-eu', 'miss', 2], ['pop-asia', 'miss', 1], ['pop-asia', 'miss', 2],
    ]);
    allOk(run);
  });

  it('a copy already on its way when the purge arrives is fetched again, not stored or served', () => {
    // The expired copy is revalidated by a fetch sent at 570 ms; the origin answers at 610 ms. The purge is issued
    // at 620 ms from a control node in eu and reaches the PoP at 625 ms; the answer, generated before the purge,
    // arrives at 650 ms: it is refused and fetched again in full (the purge dropped the copy), answered at 730 ms.
    const run = runCdn(base({ maxAgeMs: 100 }, at([0, 570, 1000]), { controlRegion: 'eu', purges: [{ atMs: 620, key: '/a' }] }));
    expect(run.requests.map((r) => [r.outcome, r.answeredAtMs])).toEqual([['miss', 80], ['miss', 730], ['revalidated', 1080]]);
    allOk(run);
  });
});

describe('runCdn options', () => {
  it('names what is wrong: an unknown PoP or key, a missing latency, a PoP id taken by another node', () => {
    const ok = base({ maxAgeMs: 1000 }, at([0]));
    expect(() => runCdn({ ...ok, requests: at([0], '/a', 'nowhere') })).toThrow('runCdn: requests[0].pop "nowhere" is not a PoP (eu)');
    expect(() => runCdn({ ...ok, requests: at([0], '/z') })).toThrow('runCdn: requests[0].key "/z" is not in objects');
    expect(() => runCdn({ ...ok, origin: { region: 'mars' } })).toThrow('latencyMs has no one-way ms between regions "eu" and "mars"');
    expect(() => runCdn({ ...ok, pops: [{ id: 'origin', region: 'eu', capacityBytes: 1 }] })).toThrow('names the origin');
  });

  it('rejects negative or non-finite times, bounds, sizes and windows, naming the option (a purge bound of -10 ms is no promise)', () => {
    const ok = base({ maxAgeMs: 1000 }, at([0, 500]));
    const purge = { atMs: 400, key: '/a' };
    const bad: [Partial<CdnOptions>, string][] = [
      [{ purges: [{ ...purge, boundMs: -10 }] }, 'runCdn: purges[0].boundMs must be a finite number >= 0 (got -10)'],
      [{ purges: [{ ...purge, boundMs: Infinity }] }, 'purges[0].boundMs must be a finite number >= 0 (got Infinity)'],
      [{ purges: [{ ...purge, atMs: NaN }] }, 'purges[0].atMs must be a finite number >= 0 (got NaN)'],
      [{ requests: at([-1]) }, 'requests[0].atMs must be a finite number >= 0 (got -1)'],
      [{ publishes: [{ atMs: -5, key: '/a' }] }, 'publishes[0].atMs must be a finite number >= 0 (got -5)'],
      [{ objects: [{ key: '/a', sizeBytes: -1, policy: { maxAgeMs: 10 } }] }, 'objects[0].sizeBytes must be a finite number >= 0 (got -1)'],
      [{ objects: [{ key: '/a', sizeBytes: 1, policy: { maxAgeMs: -10 } }] }, 'objects[0].policy.maxAgeMs must be a number >= 0 (got -10)'],
      [{ objects: [{ key: '/a', sizeBytes: 1, policy: { maxAgeMs: 10, staleWhileRevalidateMs: NaN } }] }, 'objects[0].policy.staleWhileRevalidateMs must be a number >= 0 (got NaN)'],
      [{ objects: [{ key: '/a', sizeBytes: 1, policy: { maxAgeMs: 10, staleIfErrorMs: -1 } }] }, 'objects[0].policy.staleIfErrorMs must be a number >= 0 (got -1)'],
      [{ pops: [{ id: 'eu', region: 'eu', capacityBytes: -1 }] }, 'pops[0].capacityBytes must be a finite number >= 0 (got -1)'],
      [{ pops: [{ id: 'eu', region: 'eu', capacityBytes: 1, clientMs: -3 }] }, 'pops[0].clientMs must be a finite number >= 0 (got -3)'],
      [{ shield: { region: 'us', capacityBytes: Infinity } }, 'shield.capacityBytes must be a finite number >= 0 (got Infinity)'],
      [{ origin: { region: 'us', serviceMs: -150 } }, 'origin.serviceMs must be a finite number >= 0 (got -150)'],
      [{ upstreamTimeoutMs: 0 }, 'upstreamTimeoutMs must be a finite number > 0 (got 0)'],
      [{ originOutages: [{ fromMs: -1, untilMs: 10 }] }, 'originOutages[0].fromMs must be a finite number >= 0 (got -1)'],
      [{ originOutages: [{ fromMs: 100, untilMs: 50 }] }, 'runCdn: originOutages[0] ends (untilMs 50) before it starts (fromMs 100)'],
      [{ untilMs: Infinity }, 'untilMs must be a finite number >= 0 (got Infinity)'],
      [{ settleMs: -1 }, 'settleMs must be a finite number >= 0 (got -1)'],
      [{ bucketMs: 0 }, 'bucketMs must be a finite number > 0 (got 0)'],
      [{ maxTraceEvents: -1 }, 'maxTraceEvents must be a finite number > 0 (got -1)'],
    ];
    for (const [extra, message] of bad) expect(() => runCdn({ ...ok, ...extra }), message).toThrow(message);
    // The bounds are inclusive, and a lifetime or stale window may be forever.
    const edge = { purges: [{ ...purge, boundMs: 0 }], settleMs: 0, objects: [{ key: '/a', sizeBytes: 0, policy: { maxAgeMs: Infinity, staleIfErrorMs: Infinity } }] };
    expect(runCdn({ ...ok, ...edge }).metrics.requests).toBe(2);
  });

  it('an eviction policy that throws stops the run with an error naming it, the call, the node and the time', () => {
    const broken: CachePolicy<null> = { ...(lru as unknown as CachePolicy<null>), name: 'broken', insert: () => { throw new Error('not written yet'); } };
    expect(() => runCdn(base({ maxAgeMs: 1000 }, at([0]), { pops: [{ id: 'eu', region: 'eu', capacityBytes: 100_000, policy: broken }] })))
      .toThrow('node "eu" threw on a message input: eviction policy "broken": insert(/a, 1000) threw: not written yet (at 80 ms)');
  });

  it('without a trace the metrics are the same and there are no checks', () => {
    const options = base({ maxAgeMs: 300, staleWhileRevalidateMs: 200 }, at([0, 10, 350, 400, 900, 910]));
    const traced = runCdn(options);
    const bare = runCdn({ ...options, trace: false });
    expect(bare.trace).toBeUndefined();
    expect(bare.checks).toEqual([]);
    expect(bare.metrics).toEqual(traced.metrics);
    expect(bare.requests).toEqual(traced.requests);
  });
});
