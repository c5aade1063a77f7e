// Method: statistics over many messages for the probabilistic options (observed rates against the configured
// ones), trace checkers as the oracle for ordering (including a run where the checker must find a violation), and
// small scripted scenarios for overrides and partitions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from './simulation';
import { sampleLatencyMs } from './network';
import type { Latency, NetworkOptions } from './network';
import { Random } from './random';
import { checkFifo, checkNoCreation, checkNoDuplication } from './check';
import { eventsOfKind } from './trace';
import type { Trace } from './trace';
import type { Intervention } from './interventions';
import { scripted, sendMany, ticker } from './test-behaviors';

/** a sends `count` messages to b at time 0; b sends nothing. */
function burst(count: number, network: Partial<NetworkOptions>, seed: number | string = 1): Trace {
  return simulate({
    seed,
    nodes: { a: scripted({ start: () => sendMany('b', count) }), b: scripted() },
    network,
    trace: { maxEvents: 10 * count + 100, recordState: false },
    untilMs: 100_000,
  });
}

/** a and b each send to the other every 10 ms, from time 0. */
function exchange(interventions: Intervention[], untilMs = 400, nodes = ['a', 'b']): Trace {
  const behaviors = Object.fromEntries(nodes.map((id, i) => [id, ticker(nodes[(i + 1) % nodes.length] as string, 10)]));
  return simulate({ seed: 1, nodes: behaviors, network: { latency: { kind: 'constant', ms: 4 } }, interventions, untilMs });
}

function deliveries(trace: Trace, from: string, to: string) {
  return eventsOfKind(trace, 'deliver').filter((e) => e.from === from && e.node === to);
}

describe('latency distributions', () => {
  const rng = new Random(1);
  const sample = (l: Latency, n = 20_000) => Array.from({ length: n }, () => sampleLatencyMs(l, rng));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1] as number;

  it('constant and uniform stay in their bounds; uniform has the midpoint mean', () => {
    expect(sample({ kind: 'constant', ms: 7 }, 10)).toEqual(Array(10).fill(7));
    const xs = sample({ kind: 'uniform', minMs: 5, maxMs: 15 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...xs)).toBeLessThanOrEqual(15);
    expect(Math.abs(mean(xs) - 10)).toBeLessThan(0.1);
  });

  it('exponential has the asked mean overall and never goes below minMs', () => {
    const xs = sample({ kind: 'exponential', meanMs: 10, minMs: 2 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.abs(mean(xs) - 10)).toBeLessThan(0.25);
  });

  it('lognormal has the asked median overall and never goes below minMs', () => {
    const xs = sample({ kind: 'lognormal', medianMs: 20, sigma: 0.8, minMs: 3 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(3);
    expect(Math.abs(median(xs) - 20)).toBeLessThan(0.5);
  });

  it('rounds every sample to 1e-6 ms', () => {
    for (const x of sample({ kind: 'lognormal', medianMs: 20, sigma: 0.8 }, 1000)) {
      expect(Math.round(x * 1e6) / 1e6).toBe(x);
    }
  });
});

describe('loss and duplication: observed rates match the options', () => {
  it('loses about lossProbability of the messages, each recorded as a loss drop', () => {
    const trace = burst(10_000, { lossProbability: 0.3 });
    const drops = eventsOfKind(trace, 'drop');
    expect(drops.every((d) => d.reason === 'loss')).toBe(true);
    expect(Math.abs(drops.length / 10_000 - 0.3)).toBeLessThan(0.02);
    expect(trace.stats.delivered + trace.stats.dropped).toBe(10_000);
  });

  it('duplicates about duplicationProbability of the messages; every copy is delivered; the checker notices', () => {
    const trace = burst(10_000, { duplicationProbability: 0.2 });
    expect(Math.abs(trace.stats.duplicated / 10_000 - 0.2)).toBeLessThan(0.02);
    expect(trace.stats.delivered).toBe(10_000 + trace.stats.duplicated);
    expect(checkNoCreation(trace).status).toBe('ok');
    const verdict = checkNoDuplication(trace);
    expect(verdict).toMatchObject({ status: 'violation', failure: 'safety' });
    if (verdict.status === 'violation') expect(verdict.events.map((e) => e.kind)).toEqual(['send', 'deliver', 'deliver']);
  });

  it('never creates or duplicates anything when duplication is off, whatever the seed and loss', () => {
    fc.assert(
      fc.property(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (seed, lossProbability, fifo) => {
        const trace = burst(50, { lossProbability, fifo, latency: { kind: 'exponential', meanMs: 10 } }, seed);
        return checkNoCreation(trace).status === 'ok' && checkNoDuplication(trace).status === 'ok' && (!fifo || checkFifo(trace).status === 'ok');
      }),
      { numRuns: 100 },
    );
  });
});

describe('reordering and FIFO links', () => {
  const wide: Latency = { kind: 'uniform', minMs: 1, maxMs: 100 };

  it('keeps send order on every link when fifo is true, even with duplicates', () => {
    for (let seed = 0; seed < 20; seed++) {
      expect(checkFifo(burst(200, { latency: wide, fifo: true, duplicationProbability: 0.1 }, seed)).status).toBe('ok');
    }
  });

  it('reorders when fifo is false: the FIFO checker finds an overtaking, with its four events as evidence', () => {
    const verdict = checkFifo(burst(20, { latency: wide, fifo: false }));
    expect(verdict).toMatchObject({ status: 'violation', property: 'fifo', failure: 'safety' });
    if (verdict.status === 'violation') {
      const [sendEarly, sendLate, deliverLate, deliverEarly] = verdict.events;
      expect(verdict.events.map((e) => e.kind)).toEqual(['send', 'send', 'deliver', 'deliver']);
      expect(deliverEarly).toMatchObject({ msgId: (sendEarly as { msgId: number }).msgId });
      expect(deliverLate).toMatchObject({ msgId: (sendLate as { msgId: number }).msgId });
    }
  });

  it('delivers FIFO messages no earlier than their sampled latency', () => {
    const trace = burst(100, { latency: { kind: 'uniform', minMs: 10, maxMs: 30 }, fifo: true });
    expect(eventsOfKind(trace, 'deliver').every((e) => e.t >= 10)).toBe(true);
  });
});

describe('per-link overrides apply to one direction only', () => {
  it('loses everything a -> b but nothing b -> a', () => {
    const trace = simulate({
      seed: 1,
      nodes: { a: scripted({ start: () => sendMany('b', 50) }), b: scripted({ start: () => sendMany('a', 50) }) },
      network: { latency: { kind: 'constant', ms: 1 }, links: [{ from: 'a', to: 'b', lossProbability: 1 }] },
      untilMs: 100,
    });
    expect(deliveries(trace, 'a', 'b')).toHaveLength(0);
    expect(deliveries(trace, 'b', 'a')).toHaveLength(50);
  });

  it('slows a -> b only, and a self-send crosses the node\'s own link', () => {
    const trace = simulate({
      seed: 1,
      nodes: {
        a: scripted({ start: () => [...sendMany('b', 1), ...sendMany('a', 1)] }),
        b: scripted({ start: () => sendMany('a', 1) }),
      },
      network: { latency: { kind: 'constant', ms: 1 }, links: [{ from: 'a', to: 'b', latency: { kind: 'constant', ms: 50 } }] },
      untilMs: 100,
    });
    expect(deliveries(trace, 'a', 'b').map((e) => e.t)).toEqual([50]);
    expect(deliveries(trace, 'b', 'a').map((e) => e.t)).toEqual([1]);
    expect(deliveries(trace, 'a', 'a').map((e) => e.t)).toEqual([1]);
  });
});

describe('partitions (interventions.ts)', () => {
  const between = (trace: Trace, from: string, to: string, fromMs: number, toMs: number) =>
    deliveries(trace, from, to).filter((e) => e.t >= fromMs && e.t < toMs).length;

  it('a symmetric partition blocks both directions, and heal restores both', () => {
    const trace = exchange([
      { atMs: 100, kind: 'partition', groups: [['a'], ['b']] },
      { atMs: 200, kind: 'heal' },
    ]);
    expect(between(trace, 'a', 'b', 100, 200)).toBe(0);
    expect(between(trace, 'b', 'a', 100, 200)).toBe(0);
    expect(between(trace, 'a', 'b', 200, 400)).toBeGreaterThan(15);
    expect(between(trace, 'b', 'a', 200, 400)).toBeGreaterThan(15);
    expect(eventsOfKind(trace, 'partition')).toEqual([{ seq: expect.any(Number), t: 100, kind: 'partition', groups: [['a'], ['b']] }]);
  });

  it('drops messages in flight when the partition starts and messages sent before it heals (checked at both ends)', () => {
    // With sends every 10 ms and 4 ms latency, the sends at 100 ms are in flight when the partition starts at
    // 102 ms (dropped on arrival at 104 ms), and the sends at 190 ms go into a partition that heals at 192 ms,
    // before they would arrive (dropped when sent).
    const trace = exchange([
      { atMs: 102, kind: 'partition', groups: [['a'], ['b']] },
      { atMs: 192, kind: 'heal' },
    ]);
    const drops = eventsOfKind(trace, 'drop');
    expect(drops.every((d) => d.reason === 'partition')).toBe(true);
    expect(drops.filter((d) => d.t === 104)).toHaveLength(2);
    expect(drops.filter((d) => d.t === 190)).toHaveLength(2);
    expect(between(trace, 'a', 'b', 102, 204) + between(trace, 'b', 'a', 102, 204)).toBe(0);
    expect(between(trace, 'a', 'b', 204, 400)).toBeGreaterThan(15);
  });

  it('a one-way partition blocks only from -> to', () => {
    const trace = exchange([{ atMs: 100, kind: 'partition-one-way', from: ['a'], to: ['b'] }]);
    expect(between(trace, 'a', 'b', 101, 400)).toBe(0);
    expect(between(trace, 'b', 'a', 101, 400)).toBeGreaterThan(25);
  });

  it('nodes named in no group form one group together: isolating a leaves b and c connected', () => {
    const trace = exchange([{ atMs: 0, kind: 'partition', groups: [['a']] }], 200, ['a', 'b', 'c']);
    expect(deliveries(trace, 'a', 'b')).toHaveLength(0);
    expect(deliveries(trace, 'c', 'a')).toHaveLength(0);
    expect(deliveries(trace, 'b', 'c').length).toBeGreaterThan(15);
    expect(eventsOfKind(trace, 'partition')[0]).toMatchObject({ groups: [['a'], ['b', 'c']] });
  });
});
