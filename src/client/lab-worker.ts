/**
 * The main thread's handle on the lab workers: every call (a cell's run, a grade, an exercise view) runs on a
 * fresh worker of its own, taken ready from a pool and terminated when the call ends (src/client/worker-pool.ts
 * says why). A call that runs past its limit, or that the reader stops, costs only its own worker; nothing queued
 * elsewhere is interrupted, because nothing queues.
 */
import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../worker/lab.worker';
import { createWorkerPool, type CallOptions, type Timed } from './worker-pool';

export type { Timed, CallOptions };

const pool = createWorkerPool<Comlink.Remote<LabWorkerApi>>(() => {
  const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'happens-before-labs' });
  // Calls go over a port of their own, and nothing listens to the worker itself: a cell that floods the page
  // with `postMessage` from its realm then costs the page almost nothing, instead of jamming its event loop
  // (and with it the very timer that would stop the cell).
  const channel = new MessageChannel();
  worker.postMessage({ labPort: channel.port2 }, [channel.port2]);
  const api = Comlink.wrap<LabWorkerApi>(channel.port1);
  // A worker that fails to load (a network error, say) reports it here; without this its calls would wait forever.
  const failed = new Promise<never>((_, reject) => worker.addEventListener('error', (event) => reject(new Error(event.message || 'the lab worker failed to start')), { once: true }));
  const ready = Promise.race([api.prepare(), failed]);
  ready.catch(() => undefined);
  return {
    api,
    ready,
    terminate: () => {
      worker.terminate();
      api[Comlink.releaseProxy]();
      channel.port1.close();
    },
  };
});

/** Starts a spare worker without running anything, so the next call finds it ready. */
export function warmWorker(): void {
  pool.warm();
}

/**
 * Runs `call` on a fresh worker, under `limitMs` counted from when that worker is ready. A timeout or an abort
 * through `options.signal` terminates that worker only.
 */
export function callWorker<T>(call: (api: Comlink.Remote<LabWorkerApi>) => Promise<T>, limitMs: number, options?: CallOptions): Promise<Timed<T>> {
  return pool.call(call, limitMs, options);
}
