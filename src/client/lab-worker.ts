/**
 * The main thread's handle on the lab worker. Every call races a time limit; when the limit passes, the worker is
 * terminated (the only way to stop a synchronous loop) and the next call starts a fresh one, so runaway code
 * costs the reader one error message and nothing else. Calls still waiting on a terminated worker end at once
 * as interrupted, rather than waiting out their own limits for an answer that will never come.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../worker/lab.worker';

interface Instance {
  worker: Worker;
  api: Comlink.Remote<LabWorkerApi>;
  /** Ends the calls in flight on this worker, when it is terminated. */
  interrupts: Set<() => void>;
}

let current: Instance | undefined;

function instance(): Instance {
  if (!current) {
    const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'happens-before-labs' });
    current = { worker, api: Comlink.wrap<LabWorkerApi>(worker), interrupts: new Set() };
  }
  return current;
}

/** Starts the worker without running anything. */
export function warmWorker(): void {
  void instance().api.ping();
}

export type Timed<T> =
  | { ok: true; value: T }
  | { ok: false; timedOut: true; limitMs: number }
  | { ok: false; timedOut: false; interrupted: true };

export async function callWorker<T>(call: (api: Comlink.Remote<LabWorkerApi>) => Promise<T>, limitMs: number): Promise<Timed<T>> {
  const mine = instance();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let interrupt: (() => void) | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), limitMs); });
  const interrupted = new Promise<'interrupted'>((resolve) => { interrupt = () => resolve('interrupted'); });
  mine.interrupts.add(interrupt!);
  try {
    const winner = await Promise.race([call(mine.api), timeout, interrupted]);
    if (winner === 'timeout') {
      terminate(mine);
      return { ok: false, timedOut: true, limitMs };
    }
    if (winner === 'interrupted') return { ok: false, timedOut: false, interrupted: true };
    return { ok: true, value: winner as T };
  } finally {
    clearTimeout(timer);
    mine.interrupts.delete(interrupt!);
  }
}

function terminate(target: Instance): void {
  target.worker.terminate();
  target.api[Comlink.releaseProxy]();
  if (current === target) current = undefined;
  for (const interrupt of [...target.interrupts]) interrupt();
}

/** Terminates the current worker (the next call starts a new one). */
export function restartWorker(): void {
  if (current) terminate(current);
}
