// Method: drive the pool with fake workers whose readiness and answers the test settles by hand, under vitest's
// fake timers, and check which worker each call ran on, which were terminated, and how each call ended. Time only
// moves when the test advances it, so no verdict depends on the machine's speed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkerPool, type WorkerHandle } from './worker-pool';

interface Fake { id: number; calls: string[]; terminated: boolean; becomeReady(): void; answer(name: string, value: unknown): void }

function fakeWorkers() {
  const made: Fake[] = [];
  const spawn = (): WorkerHandle<{ run(name: string): Promise<unknown> }> => {
    let becomeReady!: () => void;
    const ready = new Promise<void>((resolve) => { becomeReady = resolve; });
    const pending = new Map<string, (value: unknown) => void>();
    const fake: Fake = {
      id: made.length, calls: [], terminated: false, becomeReady,
      answer: (name, value) => pending.get(name)?.(value),
    };
    made.push(fake);
    return {
      ready,
      api: { run: (name) => { fake.calls.push(name); return new Promise((resolve) => pending.set(name, resolve)); } },
      terminate: () => { fake.terminated = true; },
    };
  };
  return { made, spawn };
}

describe('worker pool: one fresh worker per call', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('counts a call\'s limit from when its worker is ready, not from when it was made', async () => {
    const { made, spawn } = fakeWorkers();
    const pool = createWorkerPool(spawn, { spares: 0 });
    const result = pool.call((api) => api.run('slow-start'), 5_000);
    await vi.advanceTimersByTimeAsync(8_000); // the worker takes 8 s to load: not the cell's time
    made[0]!.becomeReady();
    await vi.advanceTimersByTimeAsync(4_000);
    made[0]!.answer('slow-start', 'done');
    expect(await result).toEqual({ ok: true, value: 'done' });
  });

  it('a runaway call ends as timed out and terminates only its own worker; a call made meanwhile is unaffected', async () => {
    const { made, spawn } = fakeWorkers();
    const pool = createWorkerPool(spawn, { spares: 0 });
    const runaway = pool.call((api) => api.run('while-true'), 5_000);
    made[0]!.becomeReady();
    await vi.advanceTimersByTimeAsync(1_000);
    const grade = pool.call((api) => api.run('grade'), 10_000);
    made[1]!.becomeReady();
    await vi.advanceTimersByTimeAsync(4_500);
    expect(await runaway).toEqual({ ok: false, timedOut: true, limitMs: 5_000 });
    expect(made.map((w) => [w.calls, w.terminated])).toEqual([[['while-true'], true], [['grade'], false]]);
    await vi.advanceTimersByTimeAsync(5_000); // the grade has now run 9.5 s of its own 10 s
    made[1]!.answer('grade', 1);
    expect(await grade).toEqual({ ok: true, value: 1 });
  });

  it('never reuses a worker: each call gets a fresh one, terminated when the call ends', async () => {
    const { made, spawn } = fakeWorkers();
    const pool = createWorkerPool(spawn, { spares: 1 });
    pool.warm();
    expect(made).toHaveLength(1);
    made[0]!.becomeReady();
    const first = pool.call((api) => api.run('patch Math.min'), 5_000);
    await vi.advanceTimersByTimeAsync(0);
    made[0]!.answer('patch Math.min', 'patched');
    expect(await first).toEqual({ ok: true, value: 'patched' });
    expect(made[0]!.terminated).toBe(true);
    expect(made).toHaveLength(2); // the spare taken was replaced when the call ended
    made[1]!.becomeReady();
    const second = pool.call((api) => api.run('use Math.min'), 5_000);
    await vi.advanceTimersByTimeAsync(0);
    made[1]!.answer('use Math.min', 'clean');
    expect(await second).toEqual({ ok: true, value: 'clean' });
    expect(made.map((w) => w.calls)).toEqual([['patch Math.min'], ['use Math.min'], []]);
  });

  it('a stopped call ends as interrupted at once and terminates its worker', async () => {
    const { made, spawn } = fakeWorkers();
    const pool = createWorkerPool(spawn, { spares: 0 });
    const stop = new AbortController();
    const result = pool.call((api) => api.run('long'), 60_000, { signal: stop.signal });
    made[0]!.becomeReady();
    await vi.advanceTimersByTimeAsync(100);
    stop.abort();
    expect(await result).toEqual({ ok: false, timedOut: false, interrupted: true });
    expect(made[0]!.terminated).toBe(true);
  });

  it('a worker that never becomes ready ends the call after the start limit, not the code\'s', async () => {
    const { made, spawn } = fakeWorkers();
    const pool = createWorkerPool(spawn, { spares: 0, startLimitMs: 30_000 });
    const result = pool.call((api) => api.run('never'), 5_000);
    await vi.advanceTimersByTimeAsync(29_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ ok: false, timedOut: true, limitMs: 30_000 });
    expect(made[0]!.calls).toEqual([]);
    expect(made[0]!.terminated).toBe(true);
  });

  it('runs at most maxActive calls at once; the rest wait uncharged, and a stop while waiting starts no worker', async () => {
    const { made, spawn } = fakeWorkers();
    const pool = createWorkerPool(spawn, { spares: 0, maxActive: 2 });
    const views = ['a', 'b', 'c'].map((name) => pool.call((api) => api.run(name), 5_000));
    const stop = new AbortController();
    const stopped = pool.call((api) => api.run('d'), 5_000, { signal: stop.signal });
    await vi.advanceTimersByTimeAsync(0);
    expect(made.length).toBe(2); // c and d wait for a slot
    stop.abort();
    expect(await stopped).toEqual({ ok: false, timedOut: false, interrupted: true });
    made[0]!.becomeReady();
    made[1]!.becomeReady();
    await vi.advanceTimersByTimeAsync(4_000);
    made[0]!.answer('a', 'A');
    expect(await views[0]).toEqual({ ok: true, value: 'A' });
    await vi.advanceTimersByTimeAsync(0);
    expect(made.length).toBe(3); // a's slot went to c, not to the stopped d
    await vi.advanceTimersByTimeAsync(4_500); // c has waited 8.5 s in all, but run only 4.5 s of its own
    made[2]!.becomeReady();
    await vi.advanceTimersByTimeAsync(4_000);
    made[2]!.answer('c', 'C');
    expect(await views[2]).toEqual({ ok: true, value: 'C' });
    expect(made.map((w) => w.calls)).toEqual([['a'], ['b'], ['c']]);
  });
});
