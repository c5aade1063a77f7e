// Method: run cells through the build's watchdog runner and check that a runaway loop is stopped with a timeout
// error instead of hanging, and that ordinary cells, their outputs and their error lines are unchanged by it.
import { describe, expect, it } from 'vitest';
import { runCell } from '../../labs/runtime/cell';
import { watchdogInvoker } from './node-runner';

describe('build-time cells under a watchdog', () => {
  it('stops a synchronous infinite loop', async () => {
    const result = await runCell('let n = 0;\nwhile (true) { n++; }\n', 'loop.ts', { invoke: watchdogInvoker(200) });
    expect(result.error).toMatchObject({ phase: 'timeout' });
    expect(result.error!.message).toContain('0.2 s');
  });
  it('runs ordinary cells and keeps error lines exact', async () => {
    const ok = await runCell("import { runPingDemo } from 'labs/intro';\ndisplay(runPingDemo({ seed: 1, count: 1 }));\n", 'ok.ts', { invoke: watchdogInvoker(5000) });
    expect(ok.error).toBeUndefined();
    expect(ok.outputs[0].kind).toBe('spacetime');
    const bad = await runCell('const a = 1;\nconst b = 2;\n(undefined as any).x;\n', 'bad.ts', { invoke: watchdogInvoker(5000) });
    expect(bad.error).toMatchObject({ phase: 'run', line: 3 });
    const late = await runCell('await Promise.resolve();\n\nthrow new Error("late");\n', 'late.ts', { invoke: watchdogInvoker(5000) });
    expect(late.error).toMatchObject({ line: 3, message: 'late' });
  });
});
