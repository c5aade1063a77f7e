// Method: each checker passes on reference runs and catches a fault planted on purpose: a collapser that answers a
// request twice, one that answers the requests that joined a fetch with a later fetch's answer, one that throws,
// a PoP told to ignore max-age (RFC 9111 §4.2 forbids it), and purges that cannot arrive within their bound (a
// slow link, a partition). Then fast-check: random small runs with PoPs, an optional shield, publishes, purges and
// origin outages (503s or silence) give ok from every checker with the reference configuration.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapseRequests, noCollapsing, runCdn } from './edge';
import type { CdnOptions, CdnRun, Collapser } from './edge';
import { checkCollapsedAnswers, checkFreshness, checkPurges } from './edge-checkers';
import { fifo, lru, segmentedLru } from './cache';
import type { CachePolicy } from './cache';
import { formatCheck } from '../sim/check';
import type { CheckResult } from '../sim/check';

const latencyMs = { eu: { eu: 5, us: 40, asia: 90 }, us: { us: 5, asia: 80 }, asia: { asia: 5 } };

function scenario(extra: Partial<CdnOptions> = {}): CdnOptions {
  const requests = [0, 10, 20, 30, 200, 1500, 1510, 1520, 3000].map((atMs) => ({ atMs, pop: 'eu', key: '/a' }));
  return {
    seed: 5,
    objects: [{ key: '/a', sizeBytes: 1000, policy: { maxAgeMs: 1000 } }],
    pops: [{ id: 'eu', region: 'eu', capacityBytes: 10_000 }],
    origin: { region: 'us' },
    latencyMs,
    requests,
    untilMs: 3001,
    ...extra,
  };
}

function expectViolation(result: CheckResult, failure: 'safety' | 'liveness', text: string): void {
  expect(result.status, formatCheck(result)).toBe('violation');
  if (result.status !== 'violation') return;
  expect(result.failure).toBe(failure);
  expect(result.message).toContain(text);
  expect(result.events.length).toBeGreaterThan(0);
}

const trace = (run: CdnRun) => run.trace as NonNullable<CdnRun['trace']>;

/** Wrong on purpose: every miss fetches, and every answer answers all waiters ever seen for the key, so the earlier
 *  ones are answered again. */
const answersTwice: Collapser<Record<string, string[]>> = {
  name: 'answers twice',
  init: () => ({}),
  onMiss: (state, key, id) => ({ state: { ...state, [key]: [...(state[key] ?? []), id] }, fetch: true }),
  onResponse: (state, key) => ({ state, answer: [...(state[key] ?? [])] }),
};

/** Wrong on purpose: the request that sent a fetch gets its answer, but those that joined it wait for the next one. */
interface LagState { inFlight: Record<string, string>; joined: Record<string, string[]>; held: Record<string, string[]> }
const answersLate: Collapser<LagState> = {
  name: 'answers late',
  init: () => ({ inFlight: {}, joined: {}, held: {} }),
  onMiss(state, key, id) {
    if (state.inFlight[key] !== undefined) {
      return { state: { ...state, joined: { ...state.joined, [key]: [...(state.joined[key] ?? []), id] } }, fetch: false };
    }
    return { state: { ...state, inFlight: { ...state.inFlight, [key]: id } }, fetch: true };
  },
  onResponse(state, key) {
    const first = state.inFlight[key];
    const answer = [...(first === undefined ? [] : [first]), ...(state.held[key] ?? [])];
    const inFlight = { ...state.inFlight };
    delete inFlight[key];
    return { state: { inFlight, joined: { ...state.joined, [key]: [] }, held: { ...state.held, [key]: state.joined[key] ?? [] } }, answer };
  },
};

describe('checkCollapsedAnswers: every request answered once, a collapsed one by the fetch it joined', () => {
  it('is ok for the reference collapser and for no collapsing', () => {
    for (const collapser of [collapseRequests, noCollapsing]) {
      const run = runCdn(scenario({ collapser }));
      expect(formatCheck(checkCollapsedAnswers(trace(run)))).toMatch(/^ok/);
    }
  });

  it('catches a collapser that answers a request twice', () => {
    const run = runCdn(scenario({ collapser: answersTwice }));
    expectViolation(checkCollapsedAnswers(trace(run)), 'safety', 'request r0 was answered 8 times'); // r0 to r3 sent 4 fetches, r5 to r7 3 more, r8 1
    expect(run.requests[0]?.answers).toBe(8);
  });

  it('catches a collapser that answers the requests that joined a fetch with a later fetch', () => {
    const run = runCdn(scenario({ collapser: answersLate }));
    expectViolation(checkCollapsedAnswers(trace(run)), 'safety', 'joined a fetch in flight, but was answered by fetch');
  });

  it('a collapser that throws is an error naming it, and its requests show as unanswered (a liveness violation)', () => {
    const throws: Collapser<null> = { name: 'throws', init: () => null, onMiss: () => { throw new Error('not written yet'); }, onResponse: () => ({ state: null, answer: [] }) };
    const run = runCdn(scenario({ collapser: throws }));
    expect(run.collapserErrors[0]).toBe('collapser "throws": onMiss(/a, r0) threw: not written yet');
    expect(run.metrics.unanswered).toBe(run.metrics.requests - run.metrics.hits);
    expectViolation(checkCollapsedAnswers(trace(run)), 'liveness', 'request r0 for /a at eu (0 ms) was never answered');
  });

  it('a malformed answer is named too, and an id it never saw is skipped', () => {
    const malformed: Collapser<null> = { name: 'malformed', init: () => null, onMiss: () => ({ state: null, fetch: true }), onResponse: () => ({ state: null, answer: ['nobody'] }) };
    const run = runCdn(scenario({ collapser: malformed }));
    expect(run.collapserErrors[0]).toBe('collapser "malformed": onResponse(/a) answered "nobody", which is not a waiting request');
    const bad = { name: 'bad', init: () => 0, onMiss: () => ({ state: 0, fetch: 'yes' }), onResponse: () => ({ state: 0, answer: [] }) } as unknown as Collapser;
    expect(runCdn(scenario({ collapser: bad })).collapserErrors[0]).toBe('collapser "bad": onMiss(/a, r0) must return { state, fetch: boolean } (got {"state":0,"fetch":"yes"})');
  });
});

describe('checkFreshness: RFC 9111 §4.2 max-age, RFC 5861 windows', () => {
  it('is ok for the reference, with and without stale serving', () => {
    const policy = { maxAgeMs: 1000, staleWhileRevalidateMs: 300, staleIfErrorMs: 2000 };
    const objects = [{ key: '/a', sizeBytes: 1000, policy }];
    for (const extra of [{}, { staleWhileRevalidate: false }, { originOutages: [{ fromMs: 1000, untilMs: 2500 }] }]) {
      const run = runCdn(scenario({ objects, ...extra }));
      expect(formatCheck(checkFreshness(trace(run)))).toMatch(/^ok/);
    }
  });

  it('catches a PoP that ignores max-age (the wrong-on-purpose ignoreMaxAge option)', () => {
    const run = runCdn(scenario({ ignoreMaxAge: true }));
    expect(run.metrics.originRequests).toBe(1);
    expectViolation(checkFreshness(trace(run)), 'safety', 'past its max-age of 1000 ms');
  });
});

describe('checkPurges: no copy older than a purge is served once its bound has passed', () => {
  const purgeRun = (extra: Partial<CdnOptions>) =>
    runCdn(scenario({
      objects: [{ key: '/a', sizeBytes: 1000, policy: { maxAgeMs: 100_000 } }],
      publishes: [{ atMs: 100, key: '/a' }],
      purges: [{ atMs: 150, key: '/a', boundMs: 1000 }],
      ...extra,
    }));

  it('is ok when the purge arrives in time', () => {
    const run = purgeRun({});
    expect(run.requests.at(-1)?.version).toBe(2);
    expect(run.checks.map(formatCheck).filter((c) => !c.startsWith('ok'))).toEqual([]);
  });

  it('catches a purge on a link too slow for its bound', () => {
    const run = purgeRun({ links: [{ from: 'control', to: 'eu', latency: { kind: 'constant', ms: 5000 } }] });
    expectViolation(checkPurges(trace(run)), 'safety', 'before the purge issued at 150 ms (bound 1000 ms, so by 1150 ms)');
  });

  it('catches a purge lost to a partition between the control node and the PoP', () => {
    const run = purgeRun({ interventions: [{ atMs: 140, kind: 'partition', groups: [['control'], ['eu']] }] });
    expectViolation(checkPurges(trace(run)), 'safety', 'served request r5 at 1500 ms');
  });
});

describe('all checkers on random runs with outages, publishes and purges (fast-check)', () => {
  const keys = ['/a', '/b', '/c'];
  const pops = [{ id: 'eu', region: 'eu' }, { id: 'asia', region: 'asia' }];
  const arbitrary = fc.record({
    seed: fc.integer({ min: 0, max: 1000 }),
    requests: fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 4000 }), pop: fc.constantFrom('eu', 'asia'), key: fc.constantFrom(...keys) }), { maxLength: 40 }),
    publishes: fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 4000 }), key: fc.constantFrom(...keys) }), { maxLength: 3 }),
    purges: fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 4000 }), key: fc.constantFrom(...keys) }), { maxLength: 3 }),
    outages: fc.array(fc.record({ fromMs: fc.integer({ min: 0, max: 4000 }), lengthMs: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 2 }),
    silent: fc.boolean(),
    shield: fc.boolean(),
    policy: fc.constantFrom<CachePolicy>(lru, fifo, segmentedLru(0.8)),
    capacityBytes: fc.integer({ min: 1000, max: 5000 }),
    maxAgeMs: fc.integer({ min: 50, max: 2000 }),
    swrMs: fc.integer({ min: 0, max: 1000 }),
    sieMs: fc.integer({ min: 0, max: 3000 }),
    collapse: fc.boolean(),
  });

  it('every checker is ok and every request is answered once', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbitrary, (p) => {
        const policy = { maxAgeMs: p.maxAgeMs, staleWhileRevalidateMs: p.swrMs, staleIfErrorMs: p.sieMs };
        const run = runCdn({
          seed: p.seed,
          objects: keys.map((key, i) => ({ key, sizeBytes: 800 + 400 * i, policy })),
          pops: pops.map((pop) => ({ ...pop, capacityBytes: p.capacityBytes, policy: p.policy })),
          shield: p.shield ? { region: 'us', capacityBytes: 2 * p.capacityBytes } : undefined,
          origin: { region: 'us' },
          latencyMs,
          requests: p.requests,
          publishes: p.publishes,
          purges: p.purges,
          originOutages: p.outages.map((o) => ({ fromMs: o.fromMs, untilMs: o.fromMs + o.lengthMs })),
          originOutageMode: p.silent ? 'silent' : 'error',
          collapser: p.collapse ? collapseRequests : noCollapsing,
          untilMs: 4001,
        });
        expect(run.checks.map(formatCheck).filter((c) => !c.startsWith('ok'))).toEqual([]);
        expect(run.metrics.unanswered).toBe(0);
        expect(run.requests.every((r) => r.answers === 1)).toBe(true);
        expect(run.collapserErrors).toEqual([]);
        for (const r of run.requests) seen.add(r.outcome);
      }),
      { seed: 20, numRuns: 150 },
    );
    // The runs reach every outcome, so the checkers were exercised on each kind of answer.
    expect([...seen].sort()).toEqual(['collapsed', 'error', 'hit', 'miss', 'revalidated', 'stale-if-error', 'stale-while-revalidate']);
  });
});
