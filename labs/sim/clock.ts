/**
 * Per-node physical clocks: what `ctx.nowMs` reads.
 *
 * The simulator keeps one global virtual time t (ms), which no node can see. A node's clock reads
 * `offsetMs + t * (1 + driftPpm / 1e6)`: skewed by a constant offset and running fast (positive drift) or slow
 * (negative drift) at a constant rate, the model of TigerBeetle's `src/testing/time.zig` without its jumps.
 * Timers are set in local time, so their global delay is the local delay divided by the clock's rate.
 */
import type { NodeId } from './types';

/** How one node's clock differs from global time. `driftPpm` is in parts per million (1000 ppm = 0.1 %). */
export interface ClockOptions {
  offsetMs: number;
  driftPpm: number;
}

/** A perfect clock: reads global time. */
export const defaultClock: ClockOptions = { offsetMs: 0, driftPpm: 0 };

/** Local seconds per global second, e.g. 1.0001 for +100 ppm. */
export function clockRate(clock: ClockOptions): number {
  return 1 + clock.driftPpm / 1e6;
}

/** The clock's reading (ms) at global time `globalMs`. */
export function clockReadingMs(clock: ClockOptions, globalMs: number): number {
  return clock.offsetMs + globalMs * clockRate(clock);
}

/** How much global time passes while this clock advances by `localMs` (how long a timer really takes). */
export function globalDurationMs(clock: ClockOptions, localMs: number): number {
  return localMs / clockRate(clock);
}

/** How far this clock advances while `globalMs` of global time passes. */
export function localDurationMs(clock: ClockOptions, globalMs: number): number {
  return globalMs * clockRate(clock);
}

/**
 * Fills in defaults and checks one node's clock options, throwing a message that names the field.
 * Drift must stay above -1,000,000 ppm (a clock that stops or runs backwards cannot fire timers).
 */
export function resolveClockOptions(node: NodeId, partial: Partial<ClockOptions> | undefined): ClockOptions {
  const clock = { ...defaultClock, ...partial };
  const where = `clocks.${node}`;
  if (typeof clock.offsetMs !== 'number' || !Number.isFinite(clock.offsetMs)) {
    throw new Error(`${where}.offsetMs must be a finite number of milliseconds (got ${String(clock.offsetMs)})`);
  }
  if (typeof clock.driftPpm !== 'number' || !Number.isFinite(clock.driftPpm) || clock.driftPpm <= -1e6) {
    throw new Error(`${where}.driftPpm must be a finite number greater than -1000000 (got ${String(clock.driftPpm)})`);
  }
  return clock;
}
