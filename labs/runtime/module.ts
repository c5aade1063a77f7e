/**
 * Compiling and evaluating a reader's TypeScript: the one path shared by notebook cells (at build time in Node
 * and in the browser's worker) and by code exercises (in the worker and in a command-line regrade).
 *
 * Source is TypeScript written as an ES module. sucrase strips the types and rewrites `import`/`export` into
 * `require()` calls and assignments to `exports`, keeping every statement on its original line, so a line
 * number from a stack trace is a line number in what the reader wrote. The result runs inside an async function
 * (top-level `await` works) whose parameters are the only names it is given besides the language's globals:
 * `require` resolves only the modules the caller lists (the labs), and `globals` adds names such as `display`.
 */
import { transform } from 'sucrase';

/** A failure the reader can act on: what went wrong and where in their TypeScript (1-based line and column). */
export class SourceError extends Error {
  /** compile: the source does not parse; run: it threw; timeout: it ran past its limit and was stopped. */
  readonly phase: 'compile' | 'run' | 'timeout';
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, phase: SourceError['phase'], line?: number, column?: number) {
    super(message);
    this.name = 'SourceError';
    this.phase = phase;
    this.line = line;
    this.column = column;
  }
  /** `line 3, column 7: x is not defined` or the bare message when no position is known. */
  describe(): string {
    if (this.line === undefined) return this.message;
    return `line ${this.line}${this.column !== undefined ? `, column ${this.column}` : ''}: ${this.message}`;
  }
  /** A plain record that survives postMessage and JSON (Error subclasses do not). */
  toJSON(): SourceErrorData {
    return { name: this.name, message: this.message, phase: this.phase, line: this.line, column: this.column };
  }
}

export interface SourceErrorData {
  name: string;
  message: string;
  phase: SourceError['phase'];
  line?: number;
  column?: number;
}

/** TypeScript turned into runnable JavaScript, with the module specifiers it imports. */
export interface CompiledModule {
  /** JavaScript, line-aligned with the source. */
  code: string;
  /** Specifiers named by `import ... from '...'`, in order of first appearance, for preloading. */
  imports: string[];
  /** The name used in stack traces; also how errors are matched to this module. */
  filename: string;
}

/** Strips types and rewrites imports; throws a SourceError (phase 'compile') pointing at the bad line. */
export function compileTypeScript(source: string, filename = 'cell.ts'): CompiledModule {
  let code: string;
  try {
    code = transform(source, { transforms: ['typescript', 'imports'], filePath: filename }).code;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    // The compiler words its errors for tool authors ("Error transforming cell.ts: Unexpected token (2:10)"); the
    // reader gets the kind of error and the compiler's own reason, and the line and column go to the editor.
    const reason = String((error as Error).message ?? error)
      .replace(/\s*\(\d+:\d+\)\s*$/, '')
      .replace(/^Error transforming [^:]*:\s*/, '');
    const message = `Syntax error: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
    throw new SourceError(message, 'compile', loc?.line, loc?.column);
  }
  const imports: string[] = [];
  for (const match of code.matchAll(/\brequire\('([^']+)'\)/g)) {
    if (!imports.includes(match[1])) imports.push(match[1]);
  }
  return { code, imports, filename };
}

/** What evaluation is given: the importable modules and extra global names. */
export interface EvaluateOptions {
  /** Module specifier → module namespace (for example `'labs/sim'` → the simulator's exports). */
  modules: Record<string, unknown>;
  /** Names visible to the code as if global (`display`, `console`, ...). */
  globals?: Record<string, unknown>;
  /**
   * Builds the module's function and calls it; the default is `new Function(...params, body)(...args)`. Node's
   * build passes one that runs under a watchdog (src/build/node-runner.ts), because a build has no worker to
   * terminate. A runner must keep the engine's `new Function` line layout, so that error lines still map.
   */
  invoke?: FunctionInvoker;
}

/** Makes `function (params) { body }` and calls it with `args`, returning what it returns. */
export type FunctionInvoker = (params: string[], body: string, args: unknown[]) => unknown;

const defaultInvoke: FunctionInvoker = (params, body, args) => (new Function(...params, body) as (...a: unknown[]) => unknown)(...args);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Runs a compiled module and resolves to its exports. Errors thrown while it runs (synchronously or after an
 * `await`) are rethrown as SourceError with the line in the original source, when the stack names it.
 * There is no time limit here: callers that run untrusted code do so in a worker they can terminate.
 */
export async function evaluateModule(compiled: CompiledModule, options: EvaluateOptions): Promise<Record<string, unknown>> {
  const globals = options.globals ?? {};
  const names = Object.keys(globals);
  for (const name of names) if (!IDENTIFIER.test(name)) throw new Error(`not a global name: ${name}`);
  const exports: Record<string, unknown> = {};
  const require = (specifier: string): unknown => {
    if (Object.prototype.hasOwnProperty.call(options.modules, specifier)) return options.modules[specifier];
    const known = Object.keys(options.modules).sort().join(', ');
    throw new Error(`Cannot import '${specifier}': the modules available here are ${known || 'none'}`);
  };
  const invoke = options.invoke ?? defaultInvoke;
  const args = [require, exports, ...names.map((name) => globals[name])];
  let running: unknown;
  try {
    running = invoke(['require', 'exports', ...names], wrap(compiled.code, compiled.filename), args);
  } catch (error) {
    // A SyntaxError here means sucrase accepted the code and the engine did not (say, `await` in a plain function).
    if (error instanceof SyntaxError) throw new SourceError(error.message, 'compile');
    throw toSourceError(error, compiled.filename);
  }
  try {
    await running;
  } catch (error) {
    throw toSourceError(error, compiled.filename);
  }
  return exports;
}

/** Compiles and evaluates in one call. */
export async function runModule(source: string, filename: string, options: EvaluateOptions): Promise<Record<string, unknown>> {
  return evaluateModule(compileTypeScript(source, filename), options);
}

function wrap(code: string, filename: string): string {
  return `return (async () => {\n${code}\n})();\n//# sourceURL=${filename}`;
}

/**
 * How many lines the engine counts before the first line of wrapped code. It differs between engines (V8 puts
 * the `function anonymous(...)` header on two lines, others on one), so it is measured once rather than assumed.
 */
let headerLines: number | undefined;
function lineOffset(): number {
  if (headerLines === undefined) {
    const probe = '__line_probe__.ts';
    const source = wrap('throw new Error("probe")', probe).replace('async () =>', '() =>');
    headerLines = 0;
    try {
      (new Function(source) as () => void)();
    } catch (error) {
      const position = stackPosition(String((error as Error).stack ?? ''), probe);
      if (position) headerLines = position.line - 2;
    }
  }
  return headerLines;
}

function stackPosition(stack: string, filename: string): { line: number; column: number } | undefined {
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

/** Maps any thrown value to a SourceError whose line is in the reader's source, if the stack says where. */
export function toSourceError(error: unknown, filename: string): SourceError {
  if (error instanceof SourceError) return error;
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : `threw ${safeString(error)}`;
  const stack = error instanceof Error ? String(error.stack ?? '') : '';
  const position = stackPosition(stack, filename);
  if (!position) return new SourceError(message, 'run');
  const line = position.line - lineOffset() - 1; // and one more for the wrapper's "return (async () => {"
  return new SourceError(message, 'run', line >= 1 ? line : undefined, line >= 1 ? position.column : undefined);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return 'a value that cannot be printed';
  }
}
