// Method: run cells through the same function the build and the worker use, with the real lab modules, and check
// outputs, their order, and that each kind of failure ends the outputs with an error pointing at the right line.
import { describe, expect, it } from 'vitest';
import { runCell } from './cell';

describe('running a cell', () => {
  it('imports the labs and shows what the cell displays, in order', async () => {
    const result = await runCell("import { runPingDemo } from 'labs/intro';\nconsole.log('start');\ndisplay(runPingDemo({ seed: 1, count: 1 }));\nconsole.log('end');\n", 'c.ts');
    expect(result.error).toBeUndefined();
    expect(result.outputs.map((o) => o.kind)).toEqual(['text', 'spacetime', 'text']);
  });
  it('names the importable modules when an import is unknown, at its line', async () => {
    const result = await runCell("const x = 1;\nimport { nope } from 'labs/nowhere';\nnope(x);\n", 'c.ts');
    expect(result.error).toMatchObject({ phase: 'compile', line: 2 });
    expect(result.error!.message).toContain('labs/sim');
    expect(result.outputs.at(-1)).toMatchObject({ kind: 'error', line: 2 });
  });
  it('keeps the outputs made before a failure', async () => {
    const result = await runCell("display.text('before');\nthrow new Error('boom');\n", 'c.ts');
    expect(result.outputs.map((o) => o.kind)).toEqual(['text', 'error']);
    expect(result.error).toMatchObject({ phase: 'run', line: 2, message: 'boom' });
  });
  it('reports a simulator error thrown on behalf of a bad lab parameter', async () => {
    const result = await runCell("import { runPingDemo } from 'labs/intro';\nrunPingDemo({ lossProbability: 1.5 });\n", 'c.ts');
    expect(result.error!.message).toMatch(/lossProbability must be between 0 and 1/);
    expect(result.error!.line).toBe(2);
  });
});
