// Method: RFC 5905 §8's formulas worked by hand, then simulated exchanges whose true offset the run knows: the
// estimate must be exact for symmetric delays, off by exactly half the asymmetry otherwise, and (fast-check over
// delays, jitter, processing time and drift) never further from the truth than half the measured delay.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ntpDelay, ntpOffset, runNtp } from './ntp';
import { eventsOfKind } from '../sim/trace';

describe('RFC 5905 §8: the on-wire offset and delay', () => {
  it('computes θ and δ from the four timestamps (worked by hand)', () => {
    // Server 100 ms ahead; 10 ms out, 20 ms back, 5 ms in the server: t1 = 0, t2 = 110, t3 = 115, t4 = 35.
    const s = { t1: 0, t2: 110, t3: 115, t4: 35 };
    expect(ntpOffset(s)).toBe(95); // ((110 − 0) + (115 − 35)) / 2, 5 ms short: half of (10 − 20)
    expect(ntpDelay(s)).toBe(30); // (35 − 0) − (115 − 110): the time on the wire
  });

  it('gives the same numbers from a simulated exchange with those settings', () => {
    const { samples, trace } = runNtp({ seed: 1, serverOffsetMs: 100, outboundMs: 10, returnMs: 20, processingMs: 5, samples: 3 });
    expect(samples.map(({ t1, t2, t3, t4, offsetMs, delayMs, trueOffsetMs, errorMs }) => ({ t1, t2, t3, t4, offsetMs, delayMs, trueOffsetMs, errorMs }))).toEqual([
      { t1: 0, t2: 110, t3: 115, t4: 35, offsetMs: 95, delayMs: 30, trueOffsetMs: 100, errorMs: -5 },
      { t1: 100, t2: 210, t3: 215, t4: 135, offsetMs: 95, delayMs: 30, trueOffsetMs: 100, errorMs: -5 },
      { t1: 200, t2: 310, t3: 315, t4: 235, offsetMs: 95, delayMs: 30, trueOffsetMs: 100, errorMs: -5 },
    ]);
    expect(eventsOfKind(trace, 'send').map((e) => `${e.node}->${e.to}`)).toEqual(['client->server', 'server->client', 'client->server', 'server->client', 'client->server', 'server->client']);
  });
});

describe('RFC 5905 §8: symmetric delays recover the offset exactly', () => {
  it('for any offset, delay and processing time, and even with a drifting client clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: -500, max: 500 }),
        (serverOffsetMs, oneWayMs, processingMs, clientDriftPpm) => {
          const { samples } = runNtp({ seed: 1, serverOffsetMs, outboundMs: oneWayMs, returnMs: oneWayMs, processingMs, clientDriftPpm, samples: 4 });
          expect(samples).toHaveLength(4);
          for (const s of samples) {
            expect(s.errorMs).toBeCloseTo(0, 5); // each figure is rounded to 1e-6 ms
            if (clientDriftPpm === 0) expect(s.offsetMs).toBeCloseTo(serverOffsetMs, 6);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('RFC 5905 §8: asymmetric delays', () => {
  it('err by exactly half the difference of the one-way delays', () => {
    for (const [outboundMs, returnMs] of [[40, 10], [10, 40], [0, 30], [25, 25]] as const) {
      const { samples } = runNtp({ seed: 2, serverOffsetMs: -37.5, outboundMs, returnMs, clientDriftPpm: 100 });
      for (const s of samples) expect(s.errorMs).toBeCloseTo((outboundMs - returnMs) / 2, 6);
    }
  });

  it('never err by more than half the measured delay: the truth lies in θ ± δ/2', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 200 }),
        (seed, serverOffsetMs, outboundMs, returnMs, jitterMs, processingMs, clientDriftPpm) => {
          const { samples } = runNtp({ seed, serverOffsetMs, outboundMs, returnMs, jitterMs, processingMs, clientDriftPpm });
          for (const s of samples) {
            expect(Math.abs(s.errorMs)).toBeLessThanOrEqual(s.delayMs / 2 + 1e-6);
            expect(s.trueOffsetMs).toBeGreaterThanOrEqual(s.offsetMs - s.delayMs / 2 - 1e-6);
            expect(s.trueOffsetMs).toBeLessThanOrEqual(s.offsetMs + s.delayMs / 2 + 1e-6);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('accept a latency distribution per direction and replay exactly from the seed', () => {
    const options = {
      seed: 'ntp',
      serverOffsetMs: 12,
      outboundMs: { kind: 'lognormal', medianMs: 20, sigma: 0.6 } as const,
      returnMs: { kind: 'exponential', meanMs: 8 } as const,
      samples: 20,
    };
    const run = runNtp(options);
    expect(JSON.stringify(runNtp(options))).toBe(JSON.stringify(run));
    // Requests take longer than answers here, so the estimate tends to run high: errors are half the asymmetry.
    expect(run.samples.filter((s) => s.errorMs > 0).length).toBeGreaterThan(10);
  });
});
