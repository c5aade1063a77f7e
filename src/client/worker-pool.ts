/**
 * One fresh worker per call, started ahead of time. A cell or a learner's code runs in a worker that nothing else
 * has touched and that is terminated as soon as the call ends, so:
 *
 * - whatever the code left behind (timers it started, `Math.min = () => 1`, `Array.prototype.map` replaced,
 *   `Object.prototype` polluted) dies with its worker and cannot reach another cell's run or an exercise's grade;
 * - calls never queue behind each other, so a call's time limit counts only its own run, and a runaway call
 *   cannot stop, interrupt or delay any other;
 * - stopping a call (its limit passed, or the reader pressed Stop) terminates only its own worker.
 *
 * The limit starts when the worker has answered `ready` (loaded its code), not when the call was made, so the
 * time a worker takes to start is never charged to the reader's code. To keep that start off the reader's path,
 * the pool keeps `spares` workers started and ready; a call takes one and a new spare is started when the call
 * ends (not before, so the spare's start does not compete with the run for the CPU).
 *
 * At most `maxActive` workers run calls at once; further calls wait for a slot (uncharged, like a start), so a
 * page that restores many saved exercises at load does not start one worker per exercise all at once.
 *
 * The pool knows nothing about Web Workers: `spawn` makes a handle, so the policy is tested with fake ones
 * (worker-pool.test.ts) and src/client/lab-worker.ts plugs in real workers.
 */

/** A started worker, as the pool sees it. */
export interface WorkerHandle<Api> {
  api: Api;
  /** Settles when the worker has loaded and can take a call. */
  ready: Promise<unknown>;
  /** Ends the worker at once, whatever it is doing. */
  terminate(): void;
}

/** How a call ended. `interrupted` means it was stopped through its signal (the reader's Stop). */
export type Timed<T> =
  | { ok: true; value: T }
  | { ok: false; timedOut: true; limitMs: number }
  | { ok: false; timedOut: false; interrupted: true };

export interface CallOptions {
  /** Aborting it stops the call: its worker is terminated and the call ends as interrupted. */
  signal?: AbortSignal;
}

export interface WorkerPool<Api> {
  /** Runs `call` on a fresh worker under `limitMs` (counted from when that worker is ready). */
  call<T>(call: (api: Api) => Promise<T>, limitMs: number, options?: CallOptions): Promise<Timed<T>>;
  /** Starts spare workers now, so the next call finds one ready. */
  warm(): void;
  /** Terminates the spare workers (calls in flight keep theirs). */
  dispose(): void;
}

export interface PoolOptions {
  /** Workers kept started and ready for the next call. */
  spares?: number;
  /** Calls that may hold a worker at once; the rest wait, uncharged, for one to end. */
  maxActive?: number;
  /** How long a worker may take to become ready before the call ends as timed out; not charged to the code. */
  startLimitMs?: number;
  /** The timer used for limits (tests pass fake timers through vitest; the page uses the window's). */
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export function createWorkerPool<Api>(spawn: () => WorkerHandle<Api>, options: PoolOptions = {}): WorkerPool<Api> {
  const spareCount = options.spares ?? 1;
  const startLimitMs = options.startLimitMs ?? 60_000;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const spares: WorkerHandle<Api>[] = [];
  const maxActive = Math.max(1, options.maxActive ?? 4);
  let active = 0;
  const waiting: (() => void)[] = [];

  /** Waits for a slot: resolves true when this call may take a worker, or false if its signal aborts first. */
  function waitForSlot(signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active++;
        resolve(true);
      };
      const onAbort = () => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort);
      waiting.push(grant);
    });
  }

  function release(): void {
    active--;
    waiting.shift()?.();
  }

  function warm(): void {
    while (spares.length < spareCount) {
      const handle = spawn();
      // A spare that fails to start is dropped; the next call will start another and report its failure.
      handle.ready.catch(() => {
        const index = spares.indexOf(handle);
        if (index >= 0) spares.splice(index, 1);
        handle.terminate();
      });
      spares.push(handle);
    }
  }

  /** Resolves to `value`'s result, or to 'timeout' after `ms`, or to 'stopped' when the signal aborts. */
  function race<T>(value: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<{ value: T } | 'timeout' | 'stopped'> {
    return new Promise((resolve, reject) => {
      const timer = setTimer(() => finish(() => resolve('timeout')), ms);
      const onAbort = () => finish(() => resolve('stopped'));
      let settled = false;
      function finish(settle: () => void): void {
        if (settled) return;
        settled = true;
        clearTimer(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      }
      signal?.addEventListener('abort', onAbort);
      value.then((v) => finish(() => resolve({ value: v })), (error) => finish(() => reject(error)));
    });
  }

  async function call<T>(run: (api: Api) => Promise<T>, limitMs: number, callOptions: CallOptions = {}): Promise<Timed<T>> {
    const { signal } = callOptions;
    if (signal?.aborted) return { ok: false, timedOut: false, interrupted: true };
    // A free slot is taken at once (no await), so the worker starts in the same task as the call.
    if (active < maxActive) active++;
    else if (!(await waitForSlot(signal))) return { ok: false, timedOut: false, interrupted: true };
    const handle = spares.shift() ?? spawn();
    try {
      const started = await race(handle.ready, startLimitMs, signal);
      if (started === 'stopped') return { ok: false, timedOut: false, interrupted: true };
      if (started === 'timeout') return { ok: false, timedOut: true, limitMs: startLimitMs };
      const outcome = await race(run(handle.api), limitMs, signal);
      if (outcome === 'stopped') return { ok: false, timedOut: false, interrupted: true };
      if (outcome === 'timeout') return { ok: false, timedOut: true, limitMs };
      return { ok: true, value: outcome.value };
    } finally {
      handle.terminate();
      release();
      warm();
    }
  }

  function dispose(): void {
    for (const handle of spares.splice(0)) handle.terminate();
  }

  return { call, warm, dispose };
}
