// Method: compile and run small TypeScript modules through the same path cells and code exercises use, and check
// that results, imports and every kind of failure come back with the line and column of the original source.
import { describe, expect, it } from 'vitest';
import { compileTypeScript, runModule, SourceError } from './module';

const modules = { 'labs/x': { double: (n: number) => 2 * n } };

async function failure(source: string): Promise<SourceError> {
  try {
    await runModule(source, 'cell.ts', { modules });
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected the module to fail');
}

describe('compiling TypeScript', () => {
  it('strips types and lists imports in order', () => {
    const compiled = compileTypeScript('import { a } from "labs/a";\nimport type { T } from "labs/t";\nimport { b } from "labs/b";\nconst n: T = a(b);\n');
    expect(compiled.imports).toEqual(['labs/a', 'labs/b']);
    expect(compiled.code.split('\n').length).toBe(5);
  });
  it('reports a syntax error at its line and column', async () => {
    const error = await failure('const a = 1;\nconst b = ;\n');
    expect(error.phase).toBe('compile');
    expect([error.line, error.column]).toEqual([2, 11]);
    expect(error.message).toBe('Syntax error: unexpected token');
  });
});

describe('running a module', () => {
  it('resolves imports to the given modules and returns exports', async () => {
    const exports = await runModule('import { double } from "labs/x";\nexport const y: number = double(21);\n', 'a.ts', { modules });
    expect(exports.y).toBe(42);
  });
  it('supports top-level await and injected globals', async () => {
    const seen: unknown[] = [];
    await runModule('const v = await Promise.resolve(3);\nshow(v * 2);\n', 'a.ts', { modules, globals: { show: (x: unknown) => seen.push(x) } });
    expect(seen).toEqual([6]);
  });
  it('maps a runtime error to the line that threw', async () => {
    const error = await failure('const a = 1;\n\n(null as any).foo;\n');
    expect(error.phase).toBe('run');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/TypeError/);
  });
  it('maps an error thrown after an await', async () => {
    const error = await failure('await 0;\nconst q = 2;\nthrow new RangeError("bad q");\n');
    expect(error.line).toBe(3);
    expect(error.describe()).toBe('line 3, column 7: RangeError: bad q');
  });
  it('names the available modules when an import is unknown', async () => {
    const error = await failure('import { z } from "labs/nope";\nz();\n');
    expect(error.message).toContain("Cannot import 'labs/nope'");
    expect(error.message).toContain('labs/x');
    expect(error.line).toBe(1);
  });
  it('reports a thrown non-Error value', async () => {
    const error = await failure('throw "oops";');
    expect(error.message).toBe('threw "oops"');
  });
  it('survives JSON as plain data', async () => {
    const error = await failure('let x: any = 1;\nx();\n');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ phase: 'run', line: 2 });
  });
});
