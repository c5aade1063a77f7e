/**
 * Seeded random histories that are linearizable by construction, for tests, the benchmark and the chapter's cells.
 *
 * The construction simulates an atomic object: each client issues one operation at a time (a think time, then an
 * interval from invocation to response); every operation that takes effect gets a linearization point drawn
 * uniformly inside its interval; the operations are applied to the data type in the order of their points, which
 * gives each its output. The points are a witness, so the history is linearizable (Herlihy and Wing 1990, §2).
 *
 * Some operations are indeterminate (`info`: the client stopped waiting; the operation takes effect with
 * probability one half, at a point that may fall after the client moved on) and some fail (`fail`: no effect).
 * `corrupt: true` then changes one ok output (a read's or get's value, a cas's answer) to another plausible one,
 * which makes most histories violations, though not all: the wrong value may still have a legal order. Tests use
 * this to see both verdicts often; `corruptedId` names the operation changed.
 */
import { Random } from '../sim/random';
import type { History, Operation } from './history';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from './data-types';

/** Settings shared by both generators. Times are in ms and integers, so histories print cleanly. */
export interface HistoryShapeOptions {
  /** The seed (a number or a string); the same options give the same history. */
  seed: number | string;
  /** How many clients issue operations concurrently, e.g. 3. Clients are named `c1`, `c2`, … */
  clients: number;
  /** How many operations in total, e.g. 6. */
  operations: number;
  /** Probability that an operation is indeterminate (`info`); default 0.05. */
  infoProbability?: number;
  /** Probability that an operation fails (`fail`, no effect); default 0.05. */
  failProbability?: number;
  /** Longest time from invocation to response, in ms; default 10. Longer means more overlap. */
  maxLatencyMs?: number;
  /** Longest pause between a client's operations, in ms; default 4. */
  maxThinkMs?: number;
  /** Change one ok output so that most histories become violations; default false. */
  corrupt?: boolean;
}

export interface RegisterHistoryOptions extends HistoryShapeOptions {
  /** Writes draw values from 1..values; default 5. Few values make reads ambiguous, which is the hard case. */
  values?: number;
  /** Share of reads; default 0.5. */
  readFraction?: number;
  /** Share of compare-and-sets; default 0.15 (the rest are writes). */
  casFraction?: number;
}

export interface KvHistoryOptions extends HistoryShapeOptions {
  /** How many keys (`k0`, `k1`, …); default 3. */
  keys?: number;
  /** Share of gets; default 0.5. */
  getFraction?: number;
  /** Share of appends; default 0.3 (the rest are puts). */
  appendFraction?: number;
}

export interface GeneratedHistory<I, O> {
  history: History<I, O>;
  /** The operation whose output `corrupt` changed, if any. */
  corruptedId?: number;
}

interface Sequential<S, I, O> {
  init: S;
  apply(state: S, input: I): { output: O; state: S };
}

const registerSpec: Sequential<RegisterValue, RegisterInput, RegisterOutput> = {
  init: null,
  apply(state, input) {
    if (input.f === 'read') return { output: state, state };
    if (input.f === 'write') return { output: null, state: input.value };
    return state === input.from ? { output: true, state: input.to } : { output: false, state };
  },
};

/** A seeded register history (read, write, cas over small integers); see the module comment. */
export function randomRegisterHistory(options: RegisterHistoryOptions): GeneratedHistory<RegisterInput, RegisterOutput> {
  const values = options.values ?? 5;
  const readFraction = options.readFraction ?? 0.5;
  const casFraction = options.casFraction ?? 0.15;
  const value = (rng: Random): number => rng.int(1, values);
  const chooseInput = (rng: Random): RegisterInput => {
    const u = rng.next();
    if (u < readFraction) return { f: 'read' };
    if (u < readFraction + casFraction) return { f: 'cas', from: rng.chance(0.2) ? null : value(rng), to: value(rng) };
    return { f: 'write', value: value(rng) };
  };
  const corruptOutput = (rng: Random, op: Operation<RegisterInput, RegisterOutput>): RegisterOutput | undefined => {
    if (op.input.f === 'cas') return !(op.output as boolean);
    if (op.input.f !== 'read') return undefined;
    const choices: RegisterValue[] = [null];
    for (let v = 1; v <= values; v++) choices.push(v);
    return rng.pick(choices.filter((v) => v !== op.output));
  };
  return generate(options, chooseInput, () => registerSpec, () => 'register', corruptOutput);
}

/** A seeded key-value history (get, put, append over a few keys); see the module comment. */
export function randomKvHistory(options: KvHistoryOptions): GeneratedHistory<KvInput, KvOutput> {
  const keys = options.keys ?? 3;
  const getFraction = options.getFraction ?? 0.5;
  const appendFraction = options.appendFraction ?? 0.3;
  const letters = ['a', 'b', 'c', 'd'];
  const chooseInput = (rng: Random): KvInput => {
    const key = `k${rng.int(0, keys - 1)}`;
    const u = rng.next();
    if (u < getFraction) return { f: 'get', key };
    if (u < getFraction + appendFraction) return { f: 'append', key, value: rng.pick(letters) };
    return { f: 'put', key, value: rng.pick(letters) };
  };
  const spec: Sequential<string, KvInput, KvOutput> = {
    init: '',
    apply(state, input) {
      if (input.f === 'get') return { output: state, state };
      return { output: null, state: input.f === 'put' ? input.value : state + input.value };
    },
  };
  const corruptOutput = (rng: Random, op: Operation<KvInput, KvOutput>): KvOutput | undefined => {
    if (op.input.f !== 'get') return undefined;
    const seen = op.output as string;
    // Plausible wrong answers: one letter more or less, or another single letter.
    const choices = [seen.slice(0, -1), seen + rng.pick(letters), rng.pick(letters)].filter((v) => v !== seen);
    return rng.pick(choices);
  };
  return generate(options, chooseInput, () => spec, (input) => input.key, corruptOutput);
}

/**
 * The shared construction: intervals per client, then outputs from the atomic object, one object per `objectOf`
 * (per key for the map, so keys are independent objects, as the model's partition assumes).
 */
function generate<S, I, O>(
  options: HistoryShapeOptions,
  chooseInput: (rng: Random) => I,
  specFor: (object: string) => Sequential<S, I, O>,
  objectOf: (input: I) => string,
  corruptOutput: (rng: Random, op: Operation<I, O>) => O | undefined,
): GeneratedHistory<I, O> {
  const { clients, operations } = options;
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`clients must be a positive integer (got ${clients})`);
  if (!Number.isInteger(operations) || operations < 0) throw new Error(`operations must be a non-negative integer (got ${operations})`);
  const infoProbability = options.infoProbability ?? 0.05;
  const failProbability = options.failProbability ?? 0.05;
  const maxLatencyMs = Math.max(1, Math.round(options.maxLatencyMs ?? 10));
  const maxThinkMs = Math.max(0, Math.round(options.maxThinkMs ?? 4));
  const root = new Random(options.seed);
  const timing = root.fork('timing');
  const inputs = root.fork('inputs');

  // Clients take turns by their next free time (ties by name), so ids follow invocation order.
  const freeAtMs = Array.from({ length: clients }, () => timing.int(0, maxThinkMs));
  const ops: Operation<I, O>[] = [];
  const pointMs: number[] = [];
  for (let id = 0; id < operations; id++) {
    let c = 0;
    for (let k = 1; k < clients; k++) if ((freeAtMs[k] as number) < (freeAtMs[c] as number)) c = k;
    const invokeMs = freeAtMs[c] as number;
    const returnMs = invokeMs + timing.int(1, maxLatencyMs);
    const u = timing.next();
    const status = u < infoProbability ? 'info' : u < infoProbability + failProbability ? 'fail' : 'ok';
    // An indeterminate operation takes effect half the time, possibly after the client stopped waiting.
    const takesEffect = status === 'ok' || (status === 'info' && timing.chance(0.5));
    const effectEndMs = status === 'info' ? returnMs + maxLatencyMs : returnMs;
    pointMs.push(takesEffect ? invokeMs + timing.next() * (effectEndMs - invokeMs) : NaN);
    const op: Operation<I, O> = { id, client: `c${c + 1}`, input: chooseInput(inputs), status, invokeMs };
    if (status !== 'info') op.returnMs = returnMs;
    ops.push(op);
    freeAtMs[c] = returnMs + timing.int(0, maxThinkMs);
  }

  const effective = ops.filter((op) => !Number.isNaN(pointMs[op.id] as number));
  effective.sort((a, b) => (pointMs[a.id] as number) - (pointMs[b.id] as number) || a.id - b.id);
  const states = new Map<string, S>();
  for (const op of effective) {
    const object = objectOf(op.input);
    const spec = specFor(object);
    const before = states.has(object) ? (states.get(object) as S) : spec.init;
    const { output, state } = spec.apply(before, op.input);
    states.set(object, state);
    if (op.status === 'ok') op.output = output;
  }

  let corruptedId: number | undefined;
  if (options.corrupt) {
    const corruptRng = root.fork('corrupt');
    const targets = corruptRng.shuffle(ops.filter((op) => op.status === 'ok'));
    for (const op of targets) {
      const wrong = corruptOutput(corruptRng, op);
      if (wrong === undefined) continue;
      op.output = wrong;
      corruptedId = op.id;
      break;
    }
  }
  return corruptedId === undefined ? { history: ops } : { history: ops, corruptedId };
}
