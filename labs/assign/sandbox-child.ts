/**
 * The child process of the sandboxed regrader (sandbox.ts starts it): loads the book's graders, hardens its own
 * realm, then grades one exercise per request over IPC, running each code answer in a fresh `node:vm` context.
 *
 * The layers, outermost first:
 * 1. Node's permission model (set by the parent): no reads outside this bundle's folder, no writes, no child
 *    processes, no workers; an empty environment; a heap limit; a parent that kills it at the time limit.
 * 2. A fresh vm context per exercise: learner code gets its own built-ins, so `Math.min = () => 1` or a patched
 *    `Array.prototype.map` in it changes nothing the graders use; it has no `process`, `require`, `fetch` or
 *    dynamic `import()`, only the `require` the grader hands it, which resolves the exercise's own modules.
 * 3. This realm, hardened before any learner code runs: its intrinsics and the exercise modules are frozen (so an
 *    object the grader passes in cannot lead to a patch of the grader's built-ins), the `constructor` of every kind
 *    of function throws (so `x.constructor.constructor('return process')()` cannot compile code here), network
 *    globals are gone, and loading network, process, file or vm modules is refused.
 */
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { bookRegistry, exerciseSets } from '../catalog';
import { ExerciseRegistry } from '../exercises/registry';
import { grade } from '../exercises/grade';
import { failed, result } from '../exercises/outcomes';
import { shortText } from '../exercises/storage-failure';
import type { Answer, GradeResult } from '../exercises/types';
import type { FunctionInvoker } from '../runtime/module';

/** What one reply may carry; the parent checks again. */
const MAX_CHECKS_SENT = 201;
const MAX_FEEDBACK_CHARS_SENT = 2000;

/** Parent → child: grade `answer` for the variant `seed` of `exerciseId`. */
export interface ChildRequest {
  type: 'grade';
  id: number;
  exerciseId: string;
  seed: number;
  answer: Answer;
}

/** Child → parent: `ready` once the graders are loaded and the realm hardened, then one `result` per request. */
export type ChildReply = { type: 'ready' } | { type: 'result'; id: number; result: GradeResult };

/**
 * Runs the module body in a new context: the same `function anonymous(params\n) {\n` layout as V8's `new Function`,
 * so error lines still map to the learner's source (see runtime/module.ts).
 */
export const freshRealmInvoker: FunctionInvoker = (params, body, args) => {
  const context = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
  const filename = /\/\/# sourceURL=(\S+)\s*$/.exec(body)?.[1] ?? 'learner.ts';
  const fn = new vm.Script(`(function anonymous(${params.join(',')}\n) {\n${body}\n})`, { filename }).runInContext(context) as (...a: unknown[]) => unknown;
  return Reflect.apply(fn, undefined, args);
};

const NETWORK_AND_SYSTEM_MODULES = ['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'child_process', 'worker_threads', 'fs', 'vm', 'cluster', 'inspector', 'module', 'process'];

/** Makes this realm unfit for an escape (see the file comment, layer 3). Call once, after the graders are loaded. */
export function hardenRealm(exerciseModules: unknown[]): void {
  const throwing = function constructorRefused(): never {
    throw new TypeError('Making functions from strings is not allowed here.');
  };
  const functionPrototypes = [
    Function.prototype,
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const proto of functionPrototypes) Object.defineProperty(proto, 'constructor', { value: throwing, writable: false, configurable: false });

  const g = globalThis as Record<string, unknown>;
  for (const name of ['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest', 'Request', 'Response', 'Headers', 'FormData']) {
    try {
      delete g[name];
    } catch {
      g[name] = undefined;
    }
  }
  const proc = process as unknown as Record<string, unknown>;
  const refuse = (what: string) => () => {
    throw new Error(`${what} is not available while grading.`);
  };
  proc.binding = refuse('process.binding');
  proc._linkedBinding = refuse('process._linkedBinding');
  proc.dlopen = refuse('process.dlopen');
  const getBuiltin = proc.getBuiltinModule as ((id: string) => unknown) | undefined;
  if (getBuiltin) {
    proc.getBuiltinModule = (id: string) => {
      const bare = String(id).replace(/^node:/, '').split('/')[0];
      if (NETWORK_AND_SYSTEM_MODULES.includes(bare)) throw new Error(`Loading '${id}' is not allowed while grading.`);
      return getBuiltin(id);
    };
  }
  try {
    // A CommonJS loader reachable from this realm would hand out any module; refuse the dangerous ones.
    const Module = createRequire(import.meta.url)('node:module') as { _load?: (request: string, ...rest: unknown[]) => unknown };
    const load = Module._load;
    if (load) {
      Module._load = function (request: string, ...rest: unknown[]) {
        const bare = String(request).replace(/^node:/, '').split('/')[0];
        if (NETWORK_AND_SYSTEM_MODULES.includes(bare)) throw new Error(`Loading '${request}' is not allowed while grading.`);
        return load.call(this, request, ...rest);
      };
    }
  } catch {
    // No CommonJS loader to guard.
  }

  overridableBeforeFreeze();
  for (const root of intrinsics()) deepFreeze(root);
  for (const namespace of exerciseModules) deepFreeze(namespace);
}

/** The built-ins to freeze: constructors, their prototypes and the namespaces. */
function intrinsics(): unknown[] {
  const typedArray = Object.getPrototypeOf(Int8Array);
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  return [
    Object, Array, Function, Math, JSON, Promise, Map, Set, WeakMap, WeakSet, WeakRef, String, Number, Boolean, Symbol, BigInt,
    Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError, Reflect, RegExp, Date,
    ArrayBuffer, SharedArrayBuffer, DataView, Atomics, typedArray,
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
    Object.getPrototypeOf(async function () {}), Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async function* () {}),
    iteratorPrototype, Object.getPrototypeOf([][Symbol.iterator]()), Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()), Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf((function* () {})()), Intl,
  ];
}

/**
 * Freezing a prototype makes its data properties read-only, and JavaScript then refuses `instance.name = ...` on
 * any object inheriting them (the "override mistake"): `this.name = 'SourceError'` in an Error subclass would throw.
 * The properties code commonly overrides become accessors whose setter defines an own property on the instance.
 */
function overridableBeforeFreeze(): void {
  const overridden: [object, string[]][] = [
    [Object.prototype, ['constructor', 'toString', 'valueOf', 'toLocaleString', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']],
    [Error.prototype, ['name', 'message', 'toString', 'constructor']],
    [Function.prototype, ['toString', 'name', 'apply', 'call', 'bind']],
    [Array.prototype, ['toString', 'push', 'join', 'constructor']],
    [Promise.prototype, ['then', 'catch', 'finally', 'constructor']],
    [Map.prototype, ['constructor']],
    [Set.prototype, ['constructor']],
    [Symbol.prototype, ['toString']],
    [Date.prototype, ['toString', 'toJSON']],
    [RegExp.prototype, ['toString']],
    [Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), [Symbol.iterator as unknown as string]],
  ];
  for (const error of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
    overridden.push([error.prototype, ['name', 'message', 'constructor']]);
  }
  for (const [proto, keys] of overridden) {
    for (const key of keys) {
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      if (!desc || !('value' in desc) || !desc.configurable) continue;
      const value = desc.value;
      Object.defineProperty(proto, key, {
        get() {
          return value;
        },
        set(this: object, next: unknown) {
          if (this === proto) throw new TypeError(`Cannot assign to read only property '${String(key)}' of a frozen built-in`);
          Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
        },
        enumerable: desc.enumerable,
        configurable: false,
      });
    }
  }
}

/** Freezes `root` and everything reachable through its own properties (getters read once) and prototypes. */
function deepFreeze(root: unknown): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    // Buffers' contents cannot be frozen, and freezing a typed array with elements throws; their prototypes are frozen above.
    if (ArrayBuffer.isView(value)) continue;
    try {
      Object.freeze(value);
    } catch {
      continue;
    }
    stack.push(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value as object)) {
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (!desc) continue;
      if ('value' in desc) stack.push(desc.value);
      else {
        stack.push(desc.get, desc.set);
        // A module namespace's exports are getters: freeze what they give.
        if (desc.get && desc.enumerable) {
          try {
            stack.push(desc.get.call(value));
          } catch {
            // A getter that throws guards nothing we can reach.
          }
        }
      }
    }
  }
}

/** `--sets=intro,clocks`: the chapters whose exercises the parent will ask for (loading fewer starts faster). */
export const SETS_FLAG = '--sets=';

/** The named chapters' exercise sets (unknown names skipped), or the whole book when none are named. */
async function loadRegistry(sets: string | undefined): Promise<ExerciseRegistry> {
  if (sets === undefined) return bookRegistry();
  const registry = new ExerciseRegistry();
  for (const prefix of sets.split(',')) {
    if (Object.prototype.hasOwnProperty.call(exerciseSets, prefix)) registry.register(...(await exerciseSets[prefix]()).exercises);
  }
  return registry;
}

/** A thrown value or rejection outside any grade: reported as this exercise's grader failure, never a silent exit. */
function graderFailure(request: ChildRequest, error: unknown): GradeResult {
  const message = error instanceof Error ? error.message : 'a value that is not an Error';
  return result({ id: request.exerciseId }, request.seed, 0, [failed('grader', `This answer could not be graded (${message}).`)]);
}

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) return;
  const registry = await loadRegistry(process.argv.find((arg) => arg.startsWith(SETS_FLAG))?.slice(SETS_FLAG.length));
  const modules: unknown[] = [];
  for (const def of registry.list()) if (def.kind === 'code' && def.modules) modules.push(...Object.values(def.modules));
  hardenRealm(modules);
  // Learner code's stray rejections and throws after its grade are its own exercise's business, not the child's end.
  process.on('unhandledRejection', () => {});
  process.on('uncaughtException', () => {});
  process.on('message', (message: unknown) => {
    const request = message as ChildRequest;
    if (request?.type !== 'grade' || typeof request.id !== 'number') return;
    void (async () => {
      let graded: GradeResult;
      const def = registry.get(request.exerciseId);
      try {
        graded = def
          ? await grade(def, request.seed, request.answer, { invoke: freshRealmInvoker })
          : result({ id: request.exerciseId }, request.seed, 0, [failed('exercise', `There is no exercise '${request.exerciseId}' in this edition of the book.`)]);
      } catch (error) {
        graded = graderFailure(request, error);
      }
      // Only plain data crosses, cut to a size a person reads: a check's feedback may quote a huge output.
      let reply: ChildReply;
      try {
        const checks = Array.isArray(graded.checks) ? graded.checks.slice(0, MAX_CHECKS_SENT) : [];
        const bounded = { ...graded, checks: checks.map((c) => ({ name: shortText(String(c.name), 200), passed: c.passed === true, feedback: shortText(String(c.feedback), MAX_FEEDBACK_CHARS_SENT) })) };
        reply = { type: 'result', id: request.id, result: JSON.parse(JSON.stringify(bounded)) as GradeResult };
      } catch (error) {
        reply = { type: 'result', id: request.id, result: graderFailure(request, error) };
      }
      send(reply);
    })();
  });
  send({ type: 'ready' } satisfies ChildReply);
}

/** The argument sandbox.ts starts the child with; without it (imported by a test or a tool) nothing starts. */
export const CHILD_FLAG = '--happens-before-sandbox-child';

if (process.argv.includes(CHILD_FLAG) && process.send) void main();
