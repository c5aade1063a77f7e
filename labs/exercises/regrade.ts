/**
 * Regrading a submission: an exported progress file graded afresh, in Node or anywhere else, with the book's own
 * graders and the seeds stored beside the answers. Kept apart from progress.ts so that the browser's progress
 * panel does not load the graders (and the TypeScript compiler they bring) just to count solved exercises.
 */
import { grade, variantSeed } from './grade';
import { readProgressFile, type LearnerEntry, type ProgressProblem } from './progress';
import type { ExerciseRegistry } from './registry';
import type { Answer, GradeResult } from './types';

/** One exercise of a submission, graded again. `claimedBest` is what the learner's browser showed: untrusted. */
export interface RegradedExercise {
  exerciseId: string;
  /** The seed the answer was given for. */
  seed: number;
  /** The seed this learner was assigned (`variantSeed`), when the file names a learner; compare it with `seed`. */
  assignedSeed?: number;
  attempts: number;
  revealed: boolean;
  claimedBest: number;
  /** The grade of the stored answer, recomputed; an exercise revealed but never answered grades as "no answer". */
  result: GradeResult;
}

/**
 * Grades a submitted export file afresh: every exercise entry's answer, with the registry's definition, for the
 * seed stored beside it, ignoring the file's `best`. Pure (no storage, no clock); a rejected file or an unknown
 * exercise id is a problem, never an exception. Code answers run here unguarded by a time limit: the command-line
 * regrader calls this inside a worker thread it can stop, and records `timeoutResult` for one that runs too long.
 */
export async function regradeSubmission(
  text: string,
  registry: Pick<ExerciseRegistry, 'get'>,
): Promise<{ learner?: LearnerEntry; results: RegradedExercise[]; problems: ProgressProblem[] }> {
  const file = readProgressFile(text);
  if (!file.ok) return { results: [], problems: [{ reason: file.reason }] };
  const problems = [...file.problems];
  const learnerEntry = file.entries.find(({ entry }) => entry.kind === 'learner')?.entry;
  const learner = learnerEntry?.kind === 'learner' ? learnerEntry.value : undefined;
  const results: RegradedExercise[] = [];
  for (const { key, entry: tagged } of file.entries) {
    if (tagged.kind !== 'exercise') continue;
    const entry = tagged.value;
    const def = registry.get(entry.exerciseId);
    if (!def) {
      problems.push({ key, reason: `No exercise '${entry.exerciseId}' in this edition of the book.` });
      continue;
    }
    const result = await grade(def, entry.seed, entry.answer as Answer);
    results.push({
      exerciseId: entry.exerciseId,
      seed: entry.seed,
      ...(learner ? { assignedSeed: variantSeed({ exerciseId: entry.exerciseId, learnerId: learner.learnerId, assignmentId: learner.assignmentId }) } : {}),
      attempts: entry.attempts,
      revealed: entry.revealed,
      claimedBest: entry.best,
      result,
    });
  }
  return { ...(learner ? { learner } : {}), results, problems };
}
