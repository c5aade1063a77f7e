// Method: replay. The same seed is run with different clock algorithms (the reference ones, a product of them, a
// learner-style one) and the runs must share their event structure exactly; the same seed and clock run twice
// must give byte-identical JSON; counts are checked against the options.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clockNode, eventId, loggedEvent, runExchange, stampedEvents } from './exchange';
import type { ExchangeOptions, StampedEvent } from './exchange';
import { hybridClock, lamportClock, productClock, vectorClock } from './logical';
import type { LogicalClock } from './logical';
import { NodeError } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';

/** A clock a learner might write: it ignores everything and always says 7. */
const constantClock: LogicalClock<number> = { name: 'always 7', init: () => 0, tick: () => 7, receive: () => 7 };

const structure = (events: StampedEvent<unknown>[]) =>
  events.map(({ id, node, index, kind, to, from, t, seq, physicalMs }) => ({ id, node, index, kind, to, from, t, seq, physicalMs }));

const busy: Omit<ExchangeOptions, 'seed'> = {
  nodes: ['a', 'b', 'c', 'd'],
  eventsPerNode: 6,
  clocks: { a: { offsetMs: 40, driftPpm: 300 }, c: { offsetMs: -15, driftPpm: -200 } },
  network: { lossProbability: 0.1, duplicationProbability: 0.1, latency: { kind: 'exponential', meanMs: 12, minMs: 1 } },
};

describe('the exchange: one seed, one event structure, whatever the clock', () => {
  it('gives the same ids, kinds, send/receive pairs, times and trace positions for every clock algorithm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const reference = structure(runExchange(lamportClock, { seed, ...busy }).events);
        const others: LogicalClock<unknown>[] = [
          vectorClock as LogicalClock<unknown>,
          hybridClock as LogicalClock<unknown>,
          productClock({ lamport: lamportClock, vector: vectorClock, hlc: hybridClock }) as LogicalClock<unknown>,
          constantClock as LogicalClock<unknown>,
        ];
        for (const clock of others) expect(structure(runExchange(clock, { seed, ...busy }).events)).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });

  it('replays byte for byte: same seed and clock, identical JSON', () => {
    for (const seed of [0, 1, 'clocks', 424242]) {
      const clock = productClock({ lamport: lamportClock, vector: vectorClock, hlc: hybridClock });
      expect(JSON.stringify(runExchange(clock, { seed, ...busy }))).toBe(JSON.stringify(runExchange(clock, { seed, ...busy })));
    }
  });

  it('differs between seeds', () => {
    expect(structure(runExchange(lamportClock, { seed: 1 }).events)).not.toEqual(structure(runExchange(lamportClock, { seed: 2 }).events));
  });
});

describe('the exchange: what each node does', () => {
  it('initiates eventsPerNode local events and sends per node, and one receive per delivered message', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { trace, events } = runExchange(lamportClock, { seed, ...busy });
      for (const node of busy.nodes as string[]) {
        const mine = events.filter((e) => e.node === node);
        expect(mine.filter((e) => e.kind !== 'receive')).toHaveLength(6);
        expect(mine.map((e) => e.index)).toEqual(mine.map((_, i) => i + 1));
        expect(mine.map((e) => e.id)).toEqual(mine.map((e) => eventId(node, e.index)));
      }
      expect(events.filter((e) => e.kind === 'send')).toHaveLength(trace.stats.sent);
      expect(events.filter((e) => e.kind === 'receive')).toHaveLength(trace.stats.delivered);
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const r of events.filter((e) => e.kind === 'receive')) {
        const s = byId.get(r.from as string) as StampedEvent<number>;
        expect(s).toMatchObject({ kind: 'send', to: r.node });
        expect(s.t).toBeLessThanOrEqual(r.t);
      }
    }
  });

  it('logs every event with its stamp and physical time, so the trace alone gives the events back', () => {
    const { trace, events } = runExchange(vectorClock, { seed: 5, clocks: { b: { offsetMs: 7 } } });
    expect(stampedEvents(trace)).toEqual(events);
    for (const e of events) {
      expect(trace.events[e.seq]).toEqual(loggedEvent(e));
      expect(e.physicalMs).toBeCloseTo(e.t + (e.node === 'b' ? 7 : 0), 9);
      expect(Object.keys(e.stamp).sort()).toEqual(['a', 'b', 'c']);
    }
    // The message carries the send's stamp and id.
    for (const send of eventsOfKind(trace, 'send')) {
      const message = send.message as { type: string; stamp: unknown; sendId: string };
      expect(message.type).toBe('event-message');
      expect(message.stamp).toEqual(events.find((e) => e.id === message.sendId)?.stamp);
    }
  });

  it('runs until every message has arrived, and only initiates when there is a peer to send to', () => {
    const { events } = runExchange(lamportClock, { seed: 3, nodes: ['solo'], eventsPerNode: 3, sendProbability: 1 });
    expect(events.map((e) => `${e.id} ${e.kind}`)).toEqual(['solo1 local', 'solo2 local', 'solo3 local']);
    const { trace } = runExchange(lamportClock, { seed: 3 });
    expect(trace.stats.delivered).toBe(trace.stats.sent);
  });

  it('separates the index from a node id that ends in a digit', () => {
    expect(eventId('a', 12)).toBe('a12');
    expect(eventId('n1', 2)).toBe('n1.2');
    const { events } = runExchange(lamportClock, { seed: 1, nodes: ['n1', 'n11'] });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});

describe('the exchange: a learner’s clock', () => {
  it('lets an exception from the clock stop the run as a NodeError naming the node, with the trace so far', () => {
    const broken: LogicalClock<number> = {
      name: 'broken',
      init: () => 0,
      tick: (s) => s + 1,
      receive: () => {
        throw new Error('receive not written yet');
      },
    };
    let error: unknown;
    try {
      runExchange(broken, { seed: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).message).toContain('receive not written yet');
    expect((error as NodeError).trace?.events.length).toBeGreaterThan(0);
  });

  it('rejects options that cannot describe a run, naming the field', () => {
    expect(() => runExchange(lamportClock, { seed: 1, eventsPerNode: -1 })).toThrow(/eventsPerNode/);
    expect(() => runExchange(lamportClock, { seed: 1, sendProbability: 2 })).toThrow(/sendProbability/);
    expect(() => runExchange(lamportClock, { seed: 1, intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => runExchange(lamportClock, { seed: 1, nodes: ['a', 'a'] })).toThrow(/distinct/);
    expect(() => runExchange(lamportClock, { seed: 1, interventions: [{ atMs: 5, kind: 'restart', node: 'a', durable: true }] })).toThrow(/restart/);
    expect(() => clockNode(lamportClock, { sendProbability: -0.1 })).toThrow(/sendProbability/);
  });
});
