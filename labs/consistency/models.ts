/**
 * Sequential specifications of the chapter's two data types, in the shape of `Model` (history.ts): a register
 * with read, write and compare-and-set, and a key-value map with get, put and append.
 *
 * A model is the "sequential specification" of Herlihy and Wing (1990, §2): it says which outputs a single,
 * uninterrupted caller may see. The checkers never look inside it; they only call `init`, `step` and `key`.
 *
 * Writing your own model (a counter, a queue) takes five small functions. The state must be a plain value that
 * `step` never mutates, and `step` must accept `output === undefined` (an indeterminate operation: any output is
 * allowed, and the model returns the state the operation would leave):
 *
 * ```ts
 * const counterModel: Model<number, { f: 'add'; by: number } | { f: 'get' }, number | null> = {
 *   name: 'counter',
 *   init: () => 0,
 *   step: (n, input, output) =>
 *     input.f === 'add'
 *       ? { legal: true, state: n + input.by }
 *       : output === undefined || output === n ? { legal: true, state: n } : { legal: false },
 *   key: (n) => String(n),
 *   describeOperation: (input, output) => (input.f === 'add' ? `add ${input.by}` : `get → ${output ?? '?'}`),
 *   describeState: (n) => `the counter holds ${n}`,
 * };
 * ```
 *
 * A FIFO queue's state would be an array of values (enqueue returns a new array with the value appended; a dequeue
 * is legal when its output equals the first element, or is `null` on an empty queue), with `key: (q) => q.join(',')`.
 * `partition` is only worth writing when the operations on different parts never interact, as keys of a map do.
 */
import type { History, Model, StepOutcome } from './history';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from './data-types';

const ILLEGAL: StepOutcome<never> = { legal: false };

/** Plain words for a register value: `unset` for null, strings quoted only when they could pass for a number. */
export function describeRegisterValue(value: RegisterValue | boolean | undefined): string {
  if (value === undefined) return '?';
  if (value === null) return 'unset';
  if (typeof value === 'string' && (value === '' || /^-?\d/.test(value))) return JSON.stringify(value);
  return String(value);
}

/**
 * Knossos's cas-register (Herlihy and Wing 1990, §4, extended with compare-and-set). The state is the value,
 * `null` while unset. Values compare with `===`, so the number 1 and the string "1" are different values.
 *
 * - read: legal when the output is the current value (or unknown); the state is unchanged.
 * - write: legal when the output is `null` (or unknown); the state becomes the value.
 * - cas: output `true` is legal when the state is `from` and leaves `to`; `false` is legal when the state is not
 *   `from` and leaves it unchanged; an unknown output leaves `to` if the state is `from`, the state otherwise.
 */
export const registerModel: Model<RegisterValue, RegisterInput, RegisterOutput> = {
  name: 'register',
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case 'read':
        if (output === undefined || output === state) return { legal: true, state };
        return ILLEGAL;
      case 'write':
        if (output === undefined || output === null) return { legal: true, state: input.value };
        return ILLEGAL;
      case 'cas':
        if (output === undefined) return { legal: true, state: state === input.from ? input.to : state };
        if (output === true) return state === input.from ? { legal: true, state: input.to } : ILLEGAL;
        if (output === false) return state !== input.from ? { legal: true, state } : ILLEGAL;
        return ILLEGAL;
      default:
        return ILLEGAL;
    }
  },
  // A type tag keeps 1 and "1" apart; the checker calls this once per legal step, so it stays cheap.
  key: (state) => (state === null ? 'n' : typeof state === 'number' ? `d${state}` : `s${state}`),
  describeOperation(input, output) {
    switch (input.f) {
      case 'read':
        return `read → ${describeRegisterValue(output)}`;
      case 'write':
        return `write ${describeRegisterValue(input.value)}`;
      case 'cas': {
        const mark = output === true ? ' ✓' : output === false ? ' ✗' : output === undefined ? ' ?' : ` → ${String(output)}`;
        return `cas ${describeRegisterValue(input.from)}→${describeRegisterValue(input.to)}${mark}`;
      }
      default:
        return 'unknown operation';
    }
  },
  describeState: (state) => (state === null ? 'the register is unset' : `the register holds ${describeRegisterValue(state)}`),
  readOnly: (input, output) => input.f === 'read' || (input.f === 'cas' && output === false),
};

/**
 * Porcupine's key-value model, checked one key at a time. `partition` splits a history by key, which is sound
 * because operations on different keys commute: a history is linearizable exactly when each key's sub-history is
 * (Herlihy and Wing 1990, §3.3 locality; Horn and Kroening 2015 call this P-compositionality). The state is the
 * key's value, `''` while the key is missing.
 *
 * - get: legal when the output is the current value (or unknown); the state is unchanged.
 * - put: legal when the output is `null` (or unknown); the state becomes the value.
 * - append: legal when the output is `null` (or unknown); the value is added to the end.
 */
export const kvModel: Model<string, KvInput, KvOutput> = {
  name: 'key-value map',
  init: () => '',
  step(state, input, output) {
    switch (input.f) {
      case 'get':
        return output === undefined || output === state ? { legal: true, state } : ILLEGAL;
      case 'put':
        return output === undefined || output === null ? { legal: true, state: input.value } : ILLEGAL;
      case 'append':
        return output === undefined || output === null ? { legal: true, state: state + input.value } : ILLEGAL;
      default:
        return ILLEGAL;
    }
  },
  key: (state) => state,
  partition(history: History<KvInput, KvOutput>): History<KvInput, KvOutput>[] {
    const byKey = new Map<string, History<KvInput, KvOutput>>();
    for (const op of history) {
      const key = op.input.key;
      let part = byKey.get(key);
      if (!part) byKey.set(key, (part = []));
      part.push(op);
    }
    return [...byKey.values()];
  },
  describeOperation(input, output) {
    switch (input.f) {
      case 'get':
        return `get ${input.key} → ${output === undefined ? '?' : output === null ? 'null' : output === '' ? '""' : output}`;
      case 'put':
        return `put ${input.key}=${input.value}`;
      case 'append':
        return `append ${input.key}+=${input.value}`;
      default:
        return 'unknown operation';
    }
  },
  describeState: (state) => (state === '' ? 'the key is empty' : `the key holds ${JSON.stringify(state)}`),
  readOnly: (input) => input.f === 'get',
};
