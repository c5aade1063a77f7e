/**
 * The lab worker: runs readers' cells and grades exercises off the main thread, with the same labs modules the
 * tests and the build use. The main thread talks to it through comlink (src/client/lab-worker.ts) and
 * terminates it when a call runs past its limit.
 */
import * as Comlink from 'comlink';
import { runCell } from '../../labs/runtime/cell';
import { findExercise } from '../../labs/catalog';
import { exerciseSolution, exerciseViewById } from '../../labs/exercises-view';
import { grade } from '../../labs/exercises/grade';
import type { Answer } from '../../labs/exercises/types';

const api = {
  ping: async () => true,
  runCell,
  exerciseView: exerciseViewById,
  exerciseSolution,
  gradeExercise: async (id: string, seed: number, answer: Answer) => grade(await findExercise(id), seed, answer),
};

export type LabWorkerApi = typeof api;

Comlink.expose(api);
