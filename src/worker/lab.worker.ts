/**
 * The lab worker: runs one reader's cell or grades one answer off the main thread, with the same labs modules the
 * tests and the build use. The main thread talks to it through comlink (src/client/lab-worker.ts), gives it one
 * call, and terminates it afterwards, so whatever the code left in this realm (timers, patched built-ins) goes
 * with it. Outputs are capped here as they are made (labs/display/caps.ts).
 */
import * as Comlink from 'comlink';
import { runCell } from '../../labs/runtime/cell';
import { findExercise } from '../../labs/catalog';
import { exerciseSolution, exerciseViewById } from '../../labs/exercises-view';
import { grade } from '../../labs/exercises/grade';
import type { Answer } from '../../labs/exercises/types';
import { loadModules } from '../../labs/modules';
import { compileTypeScript } from '../../labs/runtime/module';

const api = {
  ping: async () => true,
  /**
   * Readies this worker for a call before the call's time limit starts: the simulator most cells import is
   * loaded and the compiler has run once, so neither is charged to the reader's code.
   */
  prepare: async () => {
    compileTypeScript('const warm: number = 1;', 'warm.ts');
    await loadModules(['labs/sim', 'labs/display']);
    return true;
  },
  runCell,
  exerciseView: exerciseViewById,
  exerciseSolution,
  gradeExercise: async (id: string, seed: number, answer: Answer) => grade(await findExercise(id), seed, answer),
};

export type LabWorkerApi = typeof api;

// The page sends the port its calls will use as its first message (src/client/lab-worker.ts says why).
self.addEventListener('message', (event: MessageEvent) => {
  const port = (event.data as { labPort?: unknown } | null)?.labPort;
  if (port instanceof MessagePort) Comlink.expose(api, port);
}, { once: true });
