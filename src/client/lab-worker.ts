/**
 * The main thread's handle on the lab worker. Every call races a time limit; when the limit passes, the worker is
 * terminated (the only way to stop a synchronous loop) and the next call starts a fresh one, so runaway code
 * costs the reader one error message and nothing else.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../worker/lab.worker';

let worker: Worker | undefined;
let api: Comlink.Remote<LabWorkerApi> | undefined;

function current(): Comlink.Remote<LabWorkerApi> {
  if (!api) {
    worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'happens-before-labs' });
    api = Comlink.wrap<LabWorkerApi>(worker);
  }
  return api;
}

/** Starts the worker without running anything. */
export function warmWorker(): void {
  void current().ping();
}

export type Timed<T> = { ok: true; value: T } | { ok: false; timedOut: true; limitMs: number };

export async function callWorker<T>(call: (api: Comlink.Remote<LabWorkerApi>) => Promise<T>, limitMs: number): Promise<Timed<T>> {
  const remote = current();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), limitMs); });
  try {
    const winner = await Promise.race([call(remote), timeout]);
    if (winner === 'timeout') {
      restartWorker();
      return { ok: false, timedOut: true, limitMs };
    }
    return { ok: true, value: winner as T };
  } finally {
    clearTimeout(timer);
  }
}

export function restartWorker(): void {
  worker?.terminate();
  api?.[Comlink.releaseProxy]();
  worker = undefined;
  api = undefined;
}
