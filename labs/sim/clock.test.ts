// Method: the clock formula offset + t(1 + drift/1e6) is the oracle; nodes report what ctx.nowMs said, and the
// trace's global times are checked against it, with fast-check for the pure conversion functions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate, Simulation } from './simulation';
import { clockReadingMs, globalDurationMs, localDurationMs } from './clock';
import { eventsOfKind } from './trace';
import { scripted, sendMany } from './test-behaviors';
import type { ScriptedState } from './test-behaviors';

describe('clock readings: offset + t * (1 + driftPpm / 1e6)', () => {
  it('is what a drifting node reads on every input', () => {
    const clock = { offsetMs: 1000, driftPpm: 100_000 };
    const sim = new Simulation({
      seed: 3,
      nodes: { a: scripted({ start: () => sendMany('b', 30) }), b: scripted() },
      clocks: { b: clock },
      network: { latency: { kind: 'uniform', minMs: 1, maxMs: 50 } },
    });
    sim.runUntil(100);
    const trace = sim.trace();
    const seen = (sim.states().b as ScriptedState).seen.filter((s) => s.type === 'message');
    const delivered = eventsOfKind(trace, 'deliver');
    expect(seen).toHaveLength(30);
    seen.forEach((s, i) => {
      const t = (delivered[i] as { t: number }).t;
      expect(s.clockMs).toBeCloseTo(1000 + t * 1.1, 9);
      expect(delivered[i]).toMatchObject({ clockMs: s.clockMs });
    });
    // The sender's clock is perfect.
    expect(eventsOfKind(trace, 'send').every((e) => e.clockMs === e.t)).toBe(true);
  });

  it('converts durations both ways consistently', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -500_000, max: 500_000, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (offsetMs, driftPpm, t, localMs) => {
          const clock = { offsetMs, driftPpm };
          const later = t + globalDurationMs(clock, localMs);
          const advanced = clockReadingMs(clock, later) - clockReadingMs(clock, t);
          return Math.abs(advanced - localMs) <= 1e-6 * Math.max(1, localMs, t) &&
            Math.abs(localDurationMs(clock, globalDurationMs(clock, localMs)) - localMs) <= 1e-9 * Math.max(1, localMs);
        },
      ),
    );
  });
});

describe('timers run on the node\'s own clock', () => {
  const timerAt = (driftPpm: number, offsetMs = 0) => {
    const trace = simulate({
      seed: 1,
      nodes: { a: scripted({ start: () => [{ type: 'setTimer', name: 'x', delayMs: 100 }] }) },
      clocks: { a: { offsetMs, driftPpm } },
      untilMs: 1000,
    });
    return eventsOfKind(trace, 'timer')[0] as { t: number; clockMs: number };
  };

  it('fires when the local clock has advanced by delayMs: early in global time on a fast clock', () => {
    const fired = timerAt(100_000, 500);
    expect(fired.t).toBeCloseTo(100 / 1.1, 9);
    expect(fired.clockMs - 500).toBeCloseTo(100, 9);
  });

  it('fires late in global time on a slow clock, and exactly on time on a perfect one', () => {
    expect(timerAt(-500_000).t).toBeCloseTo(200, 9);
    expect(timerAt(0)).toMatchObject({ t: 100, clockMs: 100 });
  });

  it('replaces a timer set again under the same name, and forgets a cancelled one', () => {
    const trace = simulate({
      seed: 1,
      nodes: {
        a: scripted({
          start: () => [
            { type: 'setTimer', name: 'x', delayMs: 10 },
            { type: 'setTimer', name: 'x', delayMs: 30, payload: 'second' },
            { type: 'setTimer', name: 'y', delayMs: 20 },
            { type: 'cancelTimer', name: 'y' },
          ],
        }),
      },
      untilMs: 100,
    });
    expect(eventsOfKind(trace, 'timer').map((e) => [e.name, e.t])).toEqual([['x', 30]]);
    expect(trace.stats.timers).toBe(1);
  });
});
