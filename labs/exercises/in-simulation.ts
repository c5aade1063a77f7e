/**
 * Helpers for code exercises whose checks run the learner's function inside the simulator.
 */
import { NodeError } from '../sim/simulation';
import type { CheckVerdict } from './types';

/** A finding of the grader itself (say, a return value of the wrong shape), reported as a failed check. */
export class WrongReturn extends Error {}

/**
 * Runs a check body that drives the learner's function inside the simulator. A node whose learner-supplied rule
 * threw stops the run with a NodeError whose cause is the learner's own error, which carries their line: rethrow
 * that, for `ctx.check` to report with the line. A WrongReturn becomes a failed verdict with its message.
 */
export function guarded(body: () => CheckVerdict): CheckVerdict {
  try {
    return body();
  } catch (thrown) {
    const error = thrown instanceof NodeError && thrown.cause !== undefined ? thrown.cause : thrown;
    if (error instanceof WrongReturn) return { passed: false, feedback: error.message };
    throw error;
  }
}
