/**
 * Running one notebook cell: compile its TypeScript, load the lab modules it imports, run it with `display` and a
 * capturing `console`, and return what it showed. The same function runs at build time in Node (whose outputs are
 * baked into the page) and in the browser's worker (when a reader presses Run), so the two cannot drift apart.
 */
import { createSink } from '../display/api';
import type { Output } from '../display/outputs';
import { loadModules, UnknownModuleError } from '../modules';
import { compileTypeScript, evaluateModule, SourceError, type FunctionInvoker, type SourceErrorData } from './module';

export interface CellResult {
  /** What the cell showed and printed, in order; a failure is the last output, of kind 'error'. */
  outputs: Output[];
  /** The failure, if any, also present as the last output. */
  error?: SourceErrorData;
}

/** `invoke` replaces how the compiled cell is called (the build passes a watchdog; see EvaluateOptions). */
export async function runCell(source: string, filename: string, options: { invoke?: FunctionInvoker } = {}): Promise<CellResult> {
  const sink = createSink();
  try {
    const compiled = compileTypeScript(source, filename);
    let modules: Record<string, unknown>;
    try {
      modules = await loadModules(compiled.imports);
    } catch (error) {
      if (error instanceof UnknownModuleError) throw new SourceError(error.message, 'compile', lineOf(source, error.specifier));
      throw error;
    }
    await evaluateModule(compiled, { modules, globals: { display: sink.display, console: sink.console }, invoke: options.invoke });
    return { outputs: sink.outputs };
  } catch (caught) {
    const error = caught instanceof SourceError ? caught.toJSON() : new SourceError(String(caught), 'run').toJSON();
    sink.outputs.push({ kind: 'error', message: error.message, phase: error.phase, line: error.line, column: error.column });
    return { outputs: sink.outputs, error };
  }
}

function lineOf(source: string, specifier: string): number | undefined {
  const index = source.split('\n').findIndex((line) => line.includes(`'${specifier}'`) || line.includes(`"${specifier}"`));
  return index >= 0 ? index + 1 : undefined;
}
