/**
 * The book's exercises, by chapter. Each chapter's lab folder exports its exercise set (`exercises.ts`: the
 * chapter's page id and its definitions); this file is the one list of those sets. The set of an exercise is
 * found from the first segment of its id (`intro/count-drops` → `intro`), so the worker loads only the chapter
 * it needs. The build, the worker, the tests and a command-line regrader all read exercises through here.
 */
import { ExerciseRegistry } from './exercises/registry';
import type { Exercise } from './exercises/types';

export interface ExerciseSet {
  /** The chapter page the exercises belong to, as a content id, e.g. `start/how-to-read`. */
  chapter: string;
  /** In the order the chapter presents them. */
  exercises: Exercise[];
}

export const exerciseSets: Record<string, () => Promise<ExerciseSet>> = {
  intro: () => import('./intro/exercises').then((m) => m.exerciseSet),
  clocks: () => import('./clocks/exercises').then((m) => m.exerciseSet),
  consensus: () => import('./consensus/exercises').then((m) => m.exerciseSet),
  dht: () => import('./dht/exercises').then((m) => m.exerciseSet),
  consistency: () => import('./consistency/exercises').then((m) => m.exerciseSet),
  snapshots: () => import('./snapshots/exercises').then((m) => m.exerciseSet),
  cdn: () => import('./cdn/exercises').then((m) => m.exerciseSet),
};

export class UnknownExerciseError extends Error {
  constructor(readonly exerciseId: string) {
    super(`There is no exercise "${exerciseId}" in this book.`);
    this.name = 'UnknownExerciseError';
  }
}

const registries = new Map<string, Promise<ExerciseRegistry>>();

/** The registry of one chapter's set: registering validates every definition once, when the set first loads. */
function setRegistry(prefix: string): Promise<ExerciseRegistry> | undefined {
  const load = exerciseSets[prefix];
  if (!load) return undefined;
  let registry = registries.get(prefix);
  if (!registry) {
    registry = load().then((set) => new ExerciseRegistry().register(...set.exercises));
    registries.set(prefix, registry);
  }
  return registry;
}

export async function findExercise(id: string): Promise<Exercise> {
  const found = (await setRegistry(id.split('/')[0]))?.get(id);
  if (!found) throw new UnknownExerciseError(id);
  return found;
}

/** Every chapter's set, in the order of `exerciseSets`. */
export function loadAllSets(): Promise<ExerciseSet[]> {
  return Promise.all(Object.values(exerciseSets).map((load) => load()));
}

/** All exercises in one registry, which validates each definition and rejects duplicate ids. */
export async function bookRegistry(): Promise<ExerciseRegistry> {
  const registry = new ExerciseRegistry();
  for (const set of await loadAllSets()) registry.register(...set.exercises);
  return registry;
}
