// Method: the late policy at its boundaries (on time, 1 ms late, the edge of each started day and hour, the floor,
// zeroAfter, extensions), with the expected share worked out by hand from the policy's definition.
import { describe, expect, it } from 'vitest';
import { latePenalty } from './late';
import { dueInstant, type Manifest } from './manifest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const base: Manifest = {
  id: 'cs451-2026-hw3',
  title: 'Homework 3',
  exercises: [{ id: 'clocks/hlc', points: 10 }],
  due: '2026-12-04T23:59',
  timeZone: 'America/Toronto',
  late: { kind: 'per-day', percent: 10, floor: 50, zeroAfter: '2026-12-11T23:59' },
  extensions: { ext: '2026-12-06T23:59' },
};
const due = dueInstant(base);

describe('latePenalty', () => {
  it('keeps everything exactly on time and before', () => {
    expect(latePenalty(base, 's1', due)).toEqual({ multiplier: 1, lateByMs: 0, reason: 'On time.' });
    expect(latePenalty(base, 's1', due - DAY).multiplier).toBe(1);
  });

  it('charges one started day for 1 ms late, and a second day from 24 h + 1 ms', () => {
    expect(latePenalty(base, 's1', due + 1)).toEqual({
      multiplier: 0.9,
      lateByMs: 1,
      reason: 'Submitted 1 minute late (1 started day at 10% each): 90% of the points kept.',
    });
    expect(latePenalty(base, 's1', due + DAY).multiplier).toBe(0.9);
    expect(latePenalty(base, 's1', due + DAY + 1).multiplier).toBe(0.8);
    expect(latePenalty(base, 's1', due + 3 * DAY).multiplier).toBe(0.7);
    expect(latePenalty(base, 's1', due + 3 * DAY + 1).multiplier).toBe(0.6);
  });

  it('never goes below the floor, and says so', () => {
    const penalty = latePenalty(base, 's1', due + 6 * DAY + 1);
    expect(penalty.multiplier).toBe(0.5);
    expect(penalty.reason).toMatch(/7 started days at 10% each\): 50% of the points kept \(the floor\)\.$/);
  });

  it('gives 0 after zeroAfter, and not at it', () => {
    const zeroAfter = Date.parse('2026-12-12T04:59:00Z');
    expect(latePenalty(base, 's1', zeroAfter).multiplier).toBe(0.5);
    expect(latePenalty(base, 's1', zeroAfter + 1)).toMatchObject({ multiplier: 0, reason: expect.stringContaining('after the last date late work is accepted') });
  });

  it('counts started hours under per-hour, with no floor down to 0', () => {
    const hourly: Manifest = { ...base, late: { kind: 'per-hour', percent: 5 } };
    expect(latePenalty(hourly, 's1', due + 1).multiplier).toBe(0.95);
    expect(latePenalty(hourly, 's1', due + HOUR).multiplier).toBe(0.95);
    expect(latePenalty(hourly, 's1', due + HOUR + 1).multiplier).toBe(0.9);
    expect(latePenalty(hourly, 's1', due + 19 * HOUR + 1).multiplier).toBe(0);
    expect(latePenalty(hourly, 's1', due + 100 * HOUR).multiplier).toBe(0);
  });

  it('gives late work 0 under kind none and when there is no policy', () => {
    expect(latePenalty({ ...base, late: { kind: 'none' } }, 's1', due + 1)).toMatchObject({ multiplier: 0, reason: 'Submitted 1 minute late: late work gets 0.' });
    expect(latePenalty({ ...base, late: undefined }, 's1', due + 1).multiplier).toBe(0);
    expect(latePenalty({ ...base, late: undefined }, 's1', due).multiplier).toBe(1);
  });

  it('applies an extension: on time until the new date, then late from it, with zeroAfter moved by as much', () => {
    const extended = dueInstant(base, 'ext');
    expect(extended - due).toBe(2 * DAY);
    expect(latePenalty(base, 'ext', due + DAY)).toEqual({ multiplier: 1, lateByMs: 0, reason: 'On time (with an extension).' });
    expect(latePenalty(base, 'ext', extended + 1).multiplier).toBe(0.9);
    expect(latePenalty(base, 'ext', extended + 1).reason).toMatch(/^Submitted \S.* after the extended due date \(/);
    const zeroAfter = Date.parse('2026-12-12T04:59:00Z');
    expect(latePenalty(base, 'ext', zeroAfter + 1).multiplier).toBe(0.5);
    expect(latePenalty(base, 'ext', zeroAfter + 2 * DAY + 1).multiplier).toBe(0);
  });

  it('keeps fractional percents exact enough to print', () => {
    const third: Manifest = { ...base, late: { kind: 'per-day', percent: 100 / 3 } };
    expect(latePenalty(third, 's1', due + 1).multiplier).toBeCloseTo(2 / 3, 6);
    expect(latePenalty(third, 's1', due + 1).reason).toContain('33.3333% each): 66.6667% of the points kept');
    expect(latePenalty(third, 's1', due + 3 * DAY).multiplier).toBe(0);
  });
});
