// Method: each checker passes on reference runs and catches a fault planted on purpose, either in the run (a
// collapser that answers a request twice, one that answers the requests that joined a fetch with a later fetch's
// answer, one that answers the oldest waiter instead of the request that sent the fetch, one that throws, a PoP
// told to ignore max-age, purges that cannot arrive within their bound, no collapsing against the one-fetch bound)
// or in a copy of a real run's trace (replies relabelled as misses with an old copy, a copy claiming a longer
// max-age than the origin gave it, a collapsed request pointed at an older fetch, revalidations removed or
// doubled). Then fast-check: random small runs with PoPs, an optional shield, publishes, purges and origin
// outages (503s or silence) give ok from every checker that applies to the configuration.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapseRequests, noCollapsing, runCdn } from './edge';
import type { CdnOptions, CdnRun, Collapser } from './edge';
import { checkCdn, checkCollapsedAnswers, checkFreshness, checkOneFetchInFlight, checkPurges, checkRevalidation } from './edge-checkers';
import type { EdgeReply, FetchMessage } from './edge';
import type { Trace, TraceEvent } from '../sim/trace';
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

/** A copy of a run's trace with a fault planted in it: `plant` may change or drop events (return false to drop). */
function planted(run: CdnRun, plant: (e: TraceEvent) => boolean | void): Trace {
  const copy = JSON.parse(JSON.stringify(trace(run))) as Trace;
  return { ...copy, events: copy.events.filter((e) => plant(e) !== false) };
}
const replyOf = (e: TraceEvent): EdgeReply | undefined => (e.kind === 'reply' ? (e.response as EdgeReply) : undefined);

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
    expectViolation(checkCollapsedAnswers(trace(run)), 'safety', 'request r1 arrived at 10 ms and found fetch f0 for /a in flight, but was answered by fetch f1, sent after it arrived');
  });

  // r0 sends f0 into a silent origin (down until 50 ms; f0 reaches it at 40 ms); r1 sends f1 at 20 ms, answered at
  // 100 ms. Answering the oldest waiter hands f1's answer to r0, which started f0.
  const reordered = scenario({ requests: [{ atMs: 0, pop: 'eu', key: '/a' }, { atMs: 20, pop: 'eu', key: '/a' }], originOutages: [{ fromMs: 0, untilMs: 50 }], originOutageMode: 'silent', untilMs: 21 });
  const oldestWaiter: Collapser<string[]> = {
    name: 'oldest waiter',
    init: () => [],
    onMiss: (state, _key, id) => ({ state: [...state, id], fetch: true }),
    onResponse: (state) => ({ state: state.slice(1), answer: state.slice(0, 1) }),
  };

  it('catches a request answered by a fetch other than the one it started (answers out of order)', () => {
    expectViolation(checkCollapsedAnswers(trace(runCdn({ ...reordered, collapser: oldestWaiter }))), 'safety', 'request r0 arrived at 0 ms, found no fetch for /a in flight and started fetch f0, but was answered by fetch f1');
    const run = runCdn({ ...reordered, collapser: noCollapsing });
    expect(formatCheck(checkCollapsedAnswers(trace(run)))).toMatch(/^ok/);
    expect(run.requests.map((r) => [r.outcome, r.answeredAtMs])).toEqual([['stale-if-error', 1000], ['miss', 100]]);
  });

  it('catches a collapsed request answered by a fetch whose answer came back before it arrived (planted)', () => {
    const run = runCdn(scenario());
    expect(run.requests.map((r) => r.outcome)).toEqual(['miss', 'collapsed', 'collapsed', 'collapsed', 'hit', 'revalidated', 'collapsed', 'collapsed', 'revalidated']);
    const f0 = run.trace!.events.map(replyOf).find((r) => r?.id === 'r0') as EdgeReply;
    const faulty = planted(run, (e) => {
      const reply = replyOf(e);
      if (reply?.id === 'r6') Object.assign(reply, { fetchId: f0.fetchId, copy: f0.copy });
    });
    expectViolation(checkCollapsedAnswers(faulty), 'safety', 'request r6 for /a was answered by fetch f0, whose answer had reached eu at 80 ms, before the request arrived at 1510 ms');
  });

  it('catches a reply from a fetch that names none (planted)', () => {
    const faulty = planted(runCdn(scenario()), (e) => {
      const reply = replyOf(e);
      if (reply?.id === 'r5') delete reply.fetchId;
    });
    expectViolation(checkCollapsedAnswers(faulty), 'safety', 'request r5 for /a was answered revalidated at 1580 ms without naming the fetch that answered it');
  });

  it('a collapser that throws stops the run with an error naming it, the node, the call and the time', () => {
    const throws: Collapser<null> = { name: 'throws', init: () => null, onMiss: () => { throw new Error('not written yet'); }, onResponse: () => ({ state: null, answer: [] }) };
    expect(() => runCdn(scenario({ collapser: throws }))).toThrow('node "eu" threw on a request input: collapser "throws": onMiss(/a, r0) threw: not written yet (at 0 ms)');
    const malformed: Collapser<null> = { name: 'malformed', init: () => null, onMiss: () => ({ state: null, fetch: true }), onResponse: () => { throw new Error('oops'); } };
    expect(() => runCdn(scenario({ collapser: malformed }))).toThrow('collapser "malformed": onResponse(/a) threw: oops');
    expect(() => runCdn(scenario({ collapser: throws, onCollapserError: 'ignore' as 'record' }))).toThrow("runCdn: onCollapserError must be 'throw' or 'record' (got \"ignore\")");
  });

  it("with onCollapserError: 'record' (the grader's setting), a collapser that throws is recorded by name, and its requests show as unanswered (a liveness violation)", () => {
    const throws: Collapser<null> = { name: 'throws', init: () => null, onMiss: () => { throw new Error('not written yet'); }, onResponse: () => ({ state: null, answer: [] }) };
    const run = runCdn(scenario({ collapser: throws, onCollapserError: 'record' }));
    expect(run.collapserErrors[0]).toBe('collapser "throws": onMiss(/a, r0) threw: not written yet');
    expect(run.metrics.unanswered).toBe(run.metrics.requests - run.metrics.hits);
    expectViolation(checkCollapsedAnswers(trace(run)), 'liveness', 'request r0 for /a at eu (0 ms) was never answered');
  });

  it('a malformed answer is named too, and an id it never saw is skipped', () => {
    const malformed: Collapser<null> = { name: 'malformed', init: () => null, onMiss: () => ({ state: null, fetch: true }), onResponse: () => ({ state: null, answer: ['nobody'] }) };
    const run = runCdn(scenario({ collapser: malformed, onCollapserError: 'record' }));
    expect(run.collapserErrors[0]).toBe('collapser "malformed": onResponse(/a) answered "nobody", which is not a waiting request');
    const bad = { name: 'bad', init: () => 0, onMiss: () => ({ state: 0, fetch: 'yes' }), onResponse: () => ({ state: 0, answer: [] }) } as unknown as Collapser;
    expect(() => runCdn(scenario({ collapser: bad }))).toThrow('collapser "bad": onMiss(/a, r0) must return { state, fetch: boolean }');
    expect(runCdn(scenario({ collapser: bad, onCollapserError: 'record' })).collapserErrors[0]).toBe('collapser "bad": onMiss(/a, r0) must return { state, fetch: boolean } (got {"state":0,"fetch":"yes"})');
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

  // A real run with max-age 500 ms: requests every 100 ms for 3 s, so replies after 2 s are hits and misses.
  const halfSecond = scenario({
    objects: [{ key: '/a', sizeBytes: 1000, policy: { maxAgeMs: 500 } }],
    requests: Array.from({ length: 30 }, (_, i) => ({ atMs: 100 * i, pop: 'eu', key: '/a' })),
  });
  const lateReplies = (run: CdnRun) => run.trace!.events.filter((e) => e.kind === 'reply' && e.t > 2000).length;

  it.each(['miss', 'revalidated', 'collapsed'] as const)('catches replies after 2 s relabelled %s, naming no fetch, with a copy generated at 40 ms (planted)', (outcome) => {
    const run = runCdn(halfSecond);
    expect(run.checks.map(formatCheck).filter((c) => !c.startsWith('ok'))).toEqual([]);
    expect(lateReplies(run)).toBeGreaterThan(5);
    const faulty = planted(run, (e) => {
      const reply = replyOf(e);
      if (reply === undefined || e.t <= 2000) return;
      reply.outcome = outcome;
      delete reply.fetchId;
      reply.copy = { ...(reply.copy as NonNullable<EdgeReply['copy']>), generatedAtMs: 40 };
    });
    expectViolation(checkFreshness(faulty), 'safety', 'but names no upstream answer that brought that copy after the request arrived, so it reused a copy');
    expectViolation(checkCollapsedAnswers(faulty), 'safety', `without naming the fetch that answered it`);
  });

  it('catches a relabelled reply that names a fetch answered before the request arrived (planted)', () => {
    const run = runCdn(halfSecond);
    const first = run.trace!.events.map(replyOf).find((r) => r?.id === 'r0') as EdgeReply;
    const faulty = planted(run, (e) => {
      const reply = replyOf(e);
      if (reply !== undefined && e.t > 2000) Object.assign(reply, { outcome: 'miss', fetchId: first.fetchId, copy: first.copy });
    });
    expectViolation(checkFreshness(faulty), 'safety', 'as a miss, but names no upstream answer');
    expectViolation(checkCollapsedAnswers(faulty), 'safety', 'before the request arrived');
  });

  it('catches a stale hit whose copy claims a max-age of 1e9 ms: the max-age is the origin\'s, not the copy\'s (planted)', () => {
    const faulty = planted(runCdn(halfSecond), (e) => {
      const reply = replyOf(e);
      if (reply === undefined || e.t <= 2000) return;
      reply.outcome = 'hit';
      delete reply.fetchId;
      reply.copy = { ...(reply.copy as NonNullable<EdgeReply['copy']>), generatedAtMs: 40, policy: { maxAgeMs: 1e9 } };
    });
    expectViolation(checkFreshness(faulty), 'safety', 'as a hit with a copy 2060 ms old, past its max-age of 500 ms');
  });

  it('is inconclusive without the origin\'s table of objects', () => {
    const faulty = planted(runCdn(halfSecond), (e) => !(e.kind === 'log' && e.text === 'origin-objects'));
    expect(checkFreshness(faulty)).toMatchObject({ status: 'inconclusive' });
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

describe('checkOneFetchInFlight and checkRevalidation: one fetch per key in flight, a revalidation behind each stale answer', () => {
  const objects = [{ key: '/a', sizeBytes: 1000, policy: { maxAgeMs: 1000, staleWhileRevalidateMs: 2000 } }];

  it('the reference collapser keeps one fetch per key in flight; no collapsing does not, as expected, so checkCdn leaves it out', () => {
    const collapsing = runCdn(scenario());
    expect(formatCheck(checkOneFetchInFlight(trace(collapsing)))).toMatch(/^ok/);
    expect(collapsing.checks.map((c) => c.property)).toContain('one upstream fetch per key in flight at each cache');
    const separate = runCdn(scenario({ collapser: noCollapsing }));
    expectViolation(checkOneFetchInFlight(trace(separate)), 'safety', 'eu sent fetch f1 for /a at 10 ms while fetch f0, sent at 0 ms, was still in flight');
    expect(separate.checks.map((c) => c.property)).not.toContain('one upstream fetch per key in flight at each cache');
    expect(separate.checks.every((c) => c.status === 'ok')).toBe(true);
  });

  it('stale-while-revalidate answers each have a background revalidation in flight, one at a time', () => {
    const run = runCdn(scenario({ objects }));
    expect(run.requests.filter((r) => r.outcome === 'stale-while-revalidate').map((r) => r.id)).toEqual(['r5', 'r6', 'r7', 'r8']);
    expect(run.checks.map(formatCheck)).toEqual([
      'ok: freshness (RFC 9111 §4.2, RFC 5861)',
      'ok: purges within their bound',
      'ok: each request answered once, by the fetch it started or the fetch in flight it joined',
      'ok: a revalidation behind every stale-while-revalidate answer (RFC 5861 §3)',
      'ok: one upstream fetch per key in flight at each cache',
    ]);
    expect(checkCdn(trace(runCdn(scenario({ objects, staleWhileRevalidate: false })))).map((c) => c.property)).not.toContain('a revalidation behind every stale-while-revalidate answer (RFC 5861 §3)');
  });

  it('a miss while a revalidation is in flight (the copy purged meanwhile) joins it, so the key keeps one fetch in flight', () => {
    const run = runCdn(scenario({
      objects: [{ key: '/a', sizeBytes: 1000, policy: { maxAgeMs: 100, staleWhileRevalidateMs: 2000 } }],
      requests: [0, 300, 320].map((atMs) => ({ atMs, pop: 'eu', key: '/a' })),
      purges: [{ atMs: 270, key: '/a' }],
    }));
    expect(run.requests.map((r) => [r.outcome, r.answeredAtMs])).toEqual([['miss', 80], ['stale-while-revalidate', 300], ['collapsed', 460]]);
    // The revalidation was conditional; its 304 at 380 ms finds the copy purged, so it is sent again unconditionally.
    expect(run.metrics.originRequests).toBe(3);
    expect(run.checks.map(formatCheck).filter((c) => !c.startsWith('ok'))).toEqual([]);
    expect(run.checks).toHaveLength(5);
  });

  it('catches stale answers with no revalidation sent (planted: the background fetch removed)', () => {
    const faulty = planted(runCdn(scenario({ objects })), (e) => !(e.kind === 'send' && (e.message as FetchMessage).background === true));
    expectViolation(checkRevalidation(faulty), 'safety', 'eu answered r5 (/a) stale-while-revalidate at 1500 ms with no revalidation of /a in flight');
  });

  it('catches a second revalidation of a key while one is in flight (planted: the background fetch doubled)', () => {
    const run = runCdn(scenario({ objects }));
    const copy = JSON.parse(JSON.stringify(trace(run))) as Trace;
    const i = copy.events.findIndex((e) => e.kind === 'send' && (e.message as FetchMessage).background === true);
    const send = copy.events[i] as TraceEvent & { kind: 'send' };
    copy.events.splice(i + 1, 0, { ...send, seq: send.seq + 0.5, message: { ...(send.message as FetchMessage), fetchId: 'f99' } });
    expectViolation(checkOneFetchInFlight(copy), 'safety', 'eu sent fetch f99 for /a at 1500 ms while fetch f1, sent at 1500 ms, was still in flight');
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
