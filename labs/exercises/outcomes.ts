/**
 * Building grade results. Kept apart from the graders so the page can record a timed-out grade without loading them.
 */
import type { Check, Exercise, GradeResult } from './types';

/**
 * The result to record when the caller stopped a grade that ran for more than `ms` milliseconds (grading happens
 * in a worker the caller terminates; in Node, a worker thread).
 */
export function timeoutResult(def: Pick<Exercise, 'id'>, seed: number, ms: number): GradeResult {
  const seconds = Number((ms / 1000).toFixed(1));
  return result(def, seed, 0, [failed('time limit', `Your code ran for more than ${seconds} s and was stopped; look for a loop that never ends.`)]);
}

/** A failed check with its feedback. */
export function failed(name: string, feedback: string): Check {
  return { name, passed: false, feedback };
}

/** A result for `def` and `seed`, its score clamped to [0, 1]; `passed` means a full score. */
export function result(def: Pick<Exercise, 'id'>, seed: number, score: number, checks: Check[]): GradeResult {
  const clamped = Math.min(1, Math.max(0, score));
  return { exerciseId: def.id, seed, score: clamped, passed: clamped === 1, checks };
}
