/**
 * Running cells at build time under a time limit. In the browser a runaway cell is stopped by terminating its
 * worker; a build has no worker to terminate, so here the cell's synchronous work runs under V8's watchdog
 * (node:vm's `timeout`), which interrupts even a `while (true) {}`. Code after an `await` is outside the watchdog;
 * the build's overall time limit is the backstop for that rarer case.
 */
import vm from 'node:vm';
import { SourceError, type FunctionInvoker } from '../../labs/runtime/module';

const ARGS = Symbol.for('happens-before.cell-args');

export function watchdogInvoker(limitMs: number): FunctionInvoker {
  return (params, body, args) => {
    // The same layout as `new Function` in V8 ("function anonymous(params\n) {\n" + body), so lines still map.
    const source = `(function anonymous(${params.join(',')}\n) {\n${body}\n}).apply(undefined, globalThis[Symbol.for('happens-before.cell-args')])`;
    (globalThis as Record<symbol, unknown>)[ARGS] = args;
    try {
      // The body names its file in a trailing sourceURL comment, which vm ignores mid-script: pass it as the filename.
      const filename = /\/\/# sourceURL=(\S+)\s*$/.exec(body)?.[1] ?? 'cell.ts';
      return new vm.Script(source, { filename }).runInThisContext({ timeout: limitMs });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new SourceError(`ran for more than ${limitMs / 1000} s when the site was built and was stopped; look for a loop that never ends`, 'timeout');
      }
      throw error;
    } finally {
      delete (globalThis as Record<symbol, unknown>)[ARGS];
    }
  };
}
