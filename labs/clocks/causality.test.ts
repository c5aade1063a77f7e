// Method: brute-force happened-before is the oracle. fast-check generates random exchanges (2 to 5 nodes, loss,
// duplication, reordering, skewed and drifting clocks) and every clock is compared with the oracle on every pair
// of events; deliberately broken clocks must be caught, with the two events that show it as evidence.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  causalFuture,
  causalPast,
  checkHlc,
  checkLamportRespectsCausality,
  checkVectorCharacterisesCausality,
  concurrentPairs,
  concurrentWith,
  happensBefore,
} from './causality';
import type { ProcessEvent } from './causality';
import { runExchange } from './exchange';
import type { ExchangeOptions, StampedEvent } from './exchange';
import { compareHlc, compareVectors, hlcPhysicalMs, hybridClock, lamportClock, vectorClock } from './logical';
import type { HlcTimestamp, LogicalClock, VectorTimestamp } from './logical';
import { clockReadingMs } from '../sim/clock';
import type { TraceEventOf } from '../sim/trace';
import { pingPong } from './test-diagrams';

/** Random exchanges: 2 to 5 nodes, lossy, duplicating and reordering links. */
const exchanges: fc.Arbitrary<ExchangeOptions> = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    nodeCount: fc.integer({ min: 2, max: 5 }),
    eventsPerNode: fc.integer({ min: 1, max: 6 }),
    sendProbability: fc.double({ min: 0, max: 1, noNaN: true }),
    lossProbability: fc.constantFrom(0, 0.2),
    duplicationProbability: fc.constantFrom(0, 0.1),
  })
  .map(({ nodeCount, lossProbability, duplicationProbability, ...rest }) => ({
    ...rest,
    nodes: ['a', 'b', 'c', 'd', 'e'].slice(0, nodeCount),
    network: { lossProbability, duplicationProbability, latency: { kind: 'uniform', minMs: 1, maxMs: 30 }, fifo: false },
  }));

/**
 * Skewed (0 to 100 ms apart) and drifting (up to ±1000 ppm) clocks on top of a random exchange. Offsets are not
 * negative because HLC, like the paper, assumes physical clocks read at least its initial l = 0.
 */
const physicalClock = fc.record({
  offsetMs: fc.integer({ min: 0, max: 100_000 }).map((us) => us / 1000),
  driftPpm: fc.integer({ min: -1000, max: 1000 }),
});
const skewedExchanges: fc.Arbitrary<ExchangeOptions> = fc
  .tuple(exchanges, fc.array(physicalClock, { minLength: 5, maxLength: 5 }))
  .map(([options, clocks]) => ({ ...options, clocks: Object.fromEntries((options.nodes as string[]).map((n, i) => [n, clocks[i]])) }));


describe('Lamport 1978 §2: the partial ordering', () => {
  it('relates events along process lines and messages, and nothing else (worked by hand)', () => {
    const hb = happensBefore(pingPong);
    expect(hb('p1', 'q2')).toBe(true); // p1 → p2 → q2
    expect(hb('q1', 'p3')).toBe(true); // q1 → q2 → q3 → p3
    expect(hb('p1', 'p1')).toBe(false);
    expect(hb('q2', 'p2')).toBe(false);
    expect(concurrentPairs(pingPong)).toEqual([
      ['p1', 'q1'],
      ['p2', 'q1'],
    ]);
    expect(causalPast(pingPong, 'q3')).toEqual(['p1', 'p2', 'q1', 'q2']);
    expect(causalFuture(pingPong, 'p2')).toEqual(['p3', 'q2', 'q3']);
    expect(concurrentWith(pingPong, 'q1')).toEqual(['p1', 'p2']);
  });

  it('is an irreflexive partial order that splits the other events into past, future and concurrent', () => {
    fc.assert(
      fc.property(exchanges, (options) => {
        const { events } = runExchange(lamportClock, options);
        const hb = happensBefore(events);
        const ids = events.map((e) => e.id);
        for (const x of ids) {
          expect(hb(x, x)).toBe(false);
          const past = causalPast(events, x);
          const future = causalFuture(events, x);
          const concurrent = concurrentWith(events, x);
          expect(past.length + future.length + concurrent.length).toBe(ids.length - 1);
          expect(new Set([...past, ...future, ...concurrent, x]).size).toBe(ids.length);
          for (const y of ids) {
            if (hb(x, y)) expect(hb(y, x)).toBe(false);
            for (const z of future) if (hb(z, y)) expect(hb(x, y)).toBe(true);
          }
        }
        const pairs = concurrentPairs(events);
        expect(pairs.length).toBe(ids.reduce((n, x) => n + concurrentWith(events, x).length, 0) / 2);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses diagrams it cannot interpret', () => {
    expect(() => happensBefore([{ id: 'a1', node: 'a', index: 1, kind: 'receive', from: 'b1' }])).toThrow(/b1/);
    expect(() => happensBefore([pingPong[0] as ProcessEvent, pingPong[0] as ProcessEvent])).toThrow(/two events/);
    expect(() => happensBefore(pingPong)('p1', 'zz')).toThrow(/unknown event/);
  });
});

describe('Lamport 1978 §3: the Clock Condition', () => {
  it('holds over random exchanges: e → f implies L(e) < L(f), on every pair', () => {
    fc.assert(
      fc.property(exchanges, (options) => {
        const { events } = runExchange(lamportClock, options);
        expect(checkLamportRespectsCausality(events).status).toBe('ok');
        const hb = happensBefore(events);
        for (const e of events) for (const f of events) if (hb(e.id, f.id)) expect(e.stamp).toBeLessThan(f.stamp);
      }),
      { numRuns: 100 },
    );
  });

  it('does not run backwards: some concurrent events have L(e) < L(f) although not e → f', () => {
    let found: [StampedEvent<number>, StampedEvent<number>] | undefined;
    for (let seed = 0; found === undefined && seed < 20; seed++) {
      const { events } = runExchange(lamportClock, { seed });
      const hb = happensBefore(events);
      for (const e of events) {
        const f = events.find((f) => e.stamp < f.stamp && e.node !== f.node && !hb(e.id, f.id) && !hb(f.id, e.id));
        if (f !== undefined) found = [e, f];
      }
    }
    expect(found).toBeDefined();
    const [e, f] = found as [StampedEvent<number>, StampedEvent<number>];
    expect(e.stamp).toBeLessThan(f.stamp);
  });

  it('catches a clock that ignores the message’s stamp (no IR2), with the send and the receive as evidence', () => {
    const noIr2: LogicalClock<number> = { name: 'no IR2', init: () => 0, tick: (s) => s + 1, receive: (s) => s + 1 };
    let caught = 0;
    for (let seed = 0; seed < 30; seed++) {
      const { trace, events } = runExchange(noIr2, { seed, eventsPerNode: 6 });
      const result = checkLamportRespectsCausality(events);
      if (result.status !== 'violation') continue;
      caught++;
      expect(result.events).toHaveLength(2);
      const [send, receive] = result.events.map((e) => (e as TraceEventOf<'log'>).data as StampedEvent<number>);
      expect(receive?.from).toBe(send?.id);
      expect(result.message).toContain(`receives the message sent by ${send?.id}`);
      for (const e of result.events) expect(e).toEqual(trace.events[e.seq]);
    }
    expect(caught).toBeGreaterThan(10);
  });

  it('is inconclusive when a receive’s send is missing from the events', () => {
    const { events } = runExchange(lamportClock, { seed: 1 });
    const withoutSends = events.filter((e) => e.kind !== 'send');
    expect(checkLamportRespectsCausality(withoutSends).status).toBe('inconclusive');
  });
});

describe('Fidge 1988, Mattern 1989: vector clocks characterise causality', () => {
  it('order every pair exactly as brute-force happened-before does, over random exchanges', () => {
    fc.assert(
      fc.property(exchanges, (options) => {
        const { events } = runExchange(vectorClock, options);
        const hb = happensBefore(events);
        for (const e of events) {
          for (const f of events) {
            if (e === f) continue;
            const expected = hb(e.id, f.id) ? 'before' : hb(f.id, e.id) ? 'after' : 'concurrent';
            expect(compareVectors(e.stamp, f.stamp)).toBe(expected);
          }
        }
        expect(checkVectorCharacterisesCausality(events).status).toBe('ok');
      }),
      { numRuns: 100 },
    );
  });

  it('catches a vector clock that does not merge on receive', () => {
    const noMerge: LogicalClock<VectorTimestamp> = { ...vectorClock, name: 'no merge', receive: (s, node, _m, pt) => vectorClock.tick(s, node, pt) };
    const { trace, events } = runExchange(noMerge, { seed: 2 });
    const result = checkVectorCharacterisesCausality(events);
    expect(result).toMatchObject({ status: 'violation', failure: 'safety' });
    if (result.status !== 'violation') return;
    expect(result.message).toMatch(/→ .* was expected, but V/);
    expect(result.events).toHaveLength(2);
    for (const e of result.events) expect(e).toEqual(trace.events[e.seq]);
  });
});

/**
 * The largest l − pt the HLC bound allows in a run, from the actual clock readings: for each event, how far the
 * most advanced node's floored clock was ahead of the event's own at that instant.
 */
function skewBoundMs(options: ExchangeOptions, events: StampedEvent<HlcTimestamp>[]): number {
  const clocks = (options.nodes as string[]).map((n) => ({ offsetMs: 0, driftPpm: 0, ...options.clocks?.[n] }));
  let bound = 0;
  for (const e of events) {
    const ahead = Math.max(...clocks.map((c) => hlcPhysicalMs(clockReadingMs(c, e.t))));
    bound = Math.max(bound, ahead - hlcPhysicalMs(e.physicalMs));
  }
  return bound;
}

describe('Kulkarni, Demirbas et al. 2014: hybrid logical clocks', () => {
  it('are monotone, respect causality, keep pt ≤ l ≤ pt + ε and bound c, over skewed, drifting clocks', () => {
    fc.assert(
      fc.property(skewedExchanges, (options) => {
        const { events } = runExchange(hybridClock, options);
        const results = checkHlc(events, skewBoundMs(options, events));
        expect(results.map((r) => `${r.status}: ${r.property}`)).toEqual(results.map((r) => `ok: ${r.property}`));
      }),
      { numRuns: 100 },
    );
  });

  it('use c when clocks are further apart than messages take, and keep it small', () => {
    // Clocks 40 ms apart against 5 to 15 ms of latency: messages from c arrive "from the future" of a and b.
    let withCounter = 0;
    let largestC = 0;
    for (let seed = 0; seed < 50; seed++) {
      const options: ExchangeOptions = { seed, eventsPerNode: 8, clocks: { b: { offsetMs: 40 }, c: { offsetMs: 80 } } };
      const { events } = runExchange(hybridClock, options);
      expect(checkHlc(events, skewBoundMs({ nodes: ['a', 'b', 'c'], ...options }, events)).every((r) => r.status === 'ok')).toBe(true);
      if (events.some((e) => e.stamp.c > 0)) withCounter++;
      largestC = Math.max(largestC, ...events.map((e) => e.stamp.c));
    }
    expect(withCounter).toBeGreaterThan(40);
    // The paper's bound N(ε + 1) = 3 × 81 assumes a clock tick between events; in practice c stays far smaller.
    expect(largestC).toBeLessThanOrEqual(3 + 8);
  });

  it('order every causally related pair, checked against brute-force happened-before rather than edge by edge', () => {
    fc.assert(
      fc.property(skewedExchanges, (options) => {
        const { events } = runExchange(hybridClock, options);
        const hb = happensBefore(events);
        for (const e of events) for (const f of events) if (hb(e.id, f.id)) expect(compareHlc(e.stamp, f.stamp)).toBe(-1);
      }),
      { numRuns: 30 },
    );
  });

  it('catches a clock that ignores physical time, and a skew bound that is too tight', () => {
    const noPt: LogicalClock<HlcTimestamp> = {
      name: 'no pt',
      init: () => ({ l: 0, c: 0 }),
      tick: (s) => ({ l: s.l, c: s.c + 1 }),
      receive: (s, _n, m) => ({ l: 0, c: Math.max(s.c, m.c) + 1 }),
    };
    const { events } = runExchange(noPt, { seed: 1 });
    const [monotone, causality, atLeastPt] = checkHlc(events, 10);
    expect(monotone?.status).toBe('ok');
    expect(causality?.status).toBe('ok');
    expect(atLeastPt).toMatchObject({ status: 'violation', property: 'HLC l ≥ pt' });

    const options = { seed: 4, clocks: { a: { offsetMs: 30 } } };
    const real = runExchange(hybridClock, options).events;
    const bound = skewBoundMs({ nodes: ['a', 'b', 'c'], ...options }, real);
    const observed = Math.max(...real.map((e) => e.stamp.l - hlcPhysicalMs(e.physicalMs)));
    expect(observed).toBeGreaterThan(0);
    expect(observed).toBeLessThanOrEqual(bound);
    expect(checkHlc(real, bound).every((r) => r.status === 'ok')).toBe(true);
    expect(checkHlc(real, observed - 1)[3]).toMatchObject({ status: 'violation', failure: 'safety' });
  });
});
