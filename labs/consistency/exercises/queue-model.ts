/**
 * Exercise: write the sequential model of a FIFO queue, and let the real linearizability checker use it.
 *
 * A checker knows nothing about data types: it asks a model, one operation at a time, whether an output is legal
 * and what state follows (Herlihy and Wing 1990, §2, the "sequential specification"; Porcupine's `model.go` has
 * the same shape). Herlihy and Wing's own running example is a FIFO queue (§1, Figure 1). The learner's model is
 * first tried on single steps, and its `key` on single states: the checker's cache (Lowe 2017, §4) takes two
 * states with one key for the same state, so `key` must give different strings for different queues, and equal
 * strings for equal states. Then it is plugged into `checkLinearizability` on seeded queue histories (some drawn
 * from an atomic queue, so linearizable, some with a dequeue's value changed) and must reach the verdict the
 * reference model reaches on every one; the first history where it does not is written out in words, and the
 * fault is put on `key` when the learner's steps with a faithful key would have agreed.
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import { Random } from '../../sim/random';
import type { History, Model, Operation, StepOutcome } from '../history';
import { checkLinearizability } from '../linearizability';

/** A queue operation: enqueue a value, or dequeue the value at the front. */
export type QueueInput = { f: 'enqueue'; value: number } | { f: 'dequeue' };
/** `null` for an enqueue; for a dequeue, the value taken from the front, or `null` when the queue was empty. */
export type QueueOutput = number | null;
export type QueueOp = Operation<QueueInput, QueueOutput>;

/** The reference: the state is the queue's contents, front first, and is never mutated. */
export const queueModel: Model<number[], QueueInput, QueueOutput> = {
  name: 'FIFO queue',
  init: () => [],
  step(state, input, output): StepOutcome<number[]> {
    if (input.f === 'enqueue') return output === undefined || output === null ? { legal: true, state: [...state, input.value] } : { legal: false };
    if (state.length === 0) return output === undefined || output === null ? { legal: true, state } : { legal: false };
    return output === undefined || output === state[0] ? { legal: true, state: state.slice(1) } : { legal: false };
  },
  key: (state) => state.join(','),
  describeOperation: (input, output) => (input.f === 'enqueue' ? `enqueue ${input.value}` : `dequeue → ${output === undefined ? '?' : output === null ? 'empty' : output}`),
  describeState: (state) => (state.length === 0 ? 'the queue is empty' : `the queue holds ${state.join(', ')} (front first)`),
};

/**
 * A queue history of `operations` operations by 2 or 3 clients, drawn from an atomic queue: each operation takes
 * effect at one instant inside its interval. A client's last operation may time out (`info`): it then took effect,
 * or not, at the toss of a coin, and its output is unknown. With `corrupt`, one completed dequeue reports another
 * value than the atomic queue gave, which usually (not always) makes the history non-linearizable; the checker
 * with the reference model decides which.
 */
export function randomQueueHistory(seed: number, corrupt: boolean): History<QueueInput, QueueOutput> {
  const rng = new Random(seed);
  for (;;) {
    const clients = rng.int(2, 3);
    const operations = rng.int(5, 8);
    const owners = Array.from({ length: operations }, (_, i) => (i < clients ? i : rng.int(0, clients - 1)));
    const drawn: { client: string; invokeMs: number; returnMs: number | undefined; pointMs: number | undefined; enqueue: boolean }[] = [];
    for (let c = 0; c < clients; c++) {
      let at = rng.int(0, 3);
      const count = owners.filter((o) => o === c).length;
      for (let k = 0; k < count; k++) {
        const invokeMs = at;
        const returnMs = invokeMs + rng.int(2, 9);
        const timedOut = k === count - 1 && rng.chance(0.15);
        const pointMs = timedOut && rng.chance(0.5) ? undefined : invokeMs + 0.01 + rng.next() * (returnMs - invokeMs - 0.02);
        drawn.push({ client: `c${c + 1}`, invokeMs, returnMs: timedOut ? undefined : returnMs, pointMs, enqueue: rng.chance(0.55) });
        at = returnMs + rng.int(1, 3);
      }
    }
    drawn.sort((x, y) => x.invokeMs - y.invokeMs || x.client.localeCompare(y.client));
    let next = 1;
    const inputs = drawn.map((d): QueueInput => (d.enqueue ? { f: 'enqueue', value: next++ } : { f: 'dequeue' }));
    const outputs: (QueueOutput | undefined)[] = drawn.map(() => undefined);
    let queue: number[] = [];
    const applied = [...drawn.keys()].filter((i) => drawn[i]?.pointMs !== undefined).sort((x, y) => (drawn[x]?.pointMs as number) - (drawn[y]?.pointMs as number));
    for (const i of applied) {
      const input = inputs[i] as QueueInput;
      if (input.f === 'enqueue') {
        queue = [...queue, input.value];
        outputs[i] = null;
      } else {
        outputs[i] = queue[0] ?? null;
        queue = queue.slice(1);
      }
    }
    const history: QueueOp[] = drawn.map((d, id) => ({
      id,
      client: d.client,
      input: inputs[id] as QueueInput,
      status: d.returnMs === undefined ? 'info' : 'ok',
      invokeMs: d.invokeMs,
      ...(d.returnMs === undefined ? {} : { returnMs: d.returnMs, output: outputs[id] as QueueOutput }),
    }));
    const dequeues = history.filter((op) => op.status === 'ok' && op.input.f === 'dequeue');
    if (dequeues.length === 0 || !history.some((op) => op.input.f === 'enqueue')) continue;
    if (corrupt) {
      const victim = rng.pick(dequeues);
      const values = [null, ...inputs.flatMap((input) => (input.f === 'enqueue' ? [input.value] : []))].filter((v) => v !== victim.output);
      victim.output = rng.pick(values);
    }
    return history;
  }
}

/** Deterministic budget for the checker: these histories need a few hundred steps at most with a right model. */
export const QUEUE_CHECK_STEPS = 200_000;

function historyInWords(history: History<QueueInput, QueueOutput>): string {
  return [...history]
    .sort((x, y) => x.id - y.id)
    .map((op) => `${op.client} ${queueModel.describeOperation(op.input, op.output)} (invoked at ${op.invokeMs}, ${op.status === 'info' ? 'timed out: it may or may not have taken effect' : `returned at ${op.returnMs}`})`)
    .join('; ');
}

type LearnerQueueModel = Partial<Model<unknown, QueueInput, QueueOutput>>;

const clone = <T>(x: T): T => (x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T));
const callText = (input: QueueInput, output: QueueOutput | undefined) => `step(state, ${JSON.stringify(input)}, ${output === undefined ? 'undefined' : JSON.stringify(output)})`;

/**
 * The learner's model as a `Model` the checker can use: each step gets a copy of the state (so a model that changes
 * its argument is caught instead of corrupting the search), and a step's result of the wrong shape, or a state
 * changed in place, stops the check with a WrongReturn that says so.
 */
export function learnerModel(made: unknown): Model<unknown, QueueInput, QueueOutput> {
  if (typeof made !== 'object' || made === null) throw new WrongReturn(`queueModel() returned ${JSON.stringify(made) ?? String(made)}; it must return an object with init and step.`);
  const m = made as LearnerQueueModel;
  if (typeof m.init !== 'function' || typeof m.step !== 'function') throw new WrongReturn('The object queueModel() returns must have an init() and a step(state, input, output) function.');
  const init = m.init.bind(m);
  const step = m.step.bind(m);
  const key = typeof m.key === 'function' ? m.key.bind(m) : (state: unknown) => JSON.stringify(state);
  return {
    name: 'queue (your model)',
    init: () => init(),
    step(state, input, output) {
      const before = JSON.stringify(state);
      const given = clone(state);
      const got = step(given, clone(input), output) as Partial<{ legal: unknown; state: unknown }> | undefined;
      if (JSON.stringify(given) !== before) throw new WrongReturn(`${callText(input, output)} changed the state it was given (from ${before} to ${JSON.stringify(given)}). The checker returns to a state many times while it searches, so step must leave it as it was and return a new one.`);
      if (typeof got !== 'object' || got === null || typeof got.legal !== 'boolean') throw new WrongReturn(`${callText(input, output)} returned ${JSON.stringify(got) ?? String(got)}; it must return { legal: true, state } or { legal: false }.`);
      if (got.legal && got.state === undefined) throw new WrongReturn(`${callText(input, output)} returned legal: true without the state after the operation.`);
      return got.legal ? { legal: true, state: got.state } : { legal: false };
    },
    key: (state) => String(key(clone(state))),
    describeOperation: queueModel.describeOperation as Model<unknown, QueueInput, QueueOutput>['describeOperation'],
    describeState: (state) => `your model's state is ${JSON.stringify(state) ?? 'undefined'}`,
  };
}

interface StepCase {
  name: string;
  /** Operations applied from the initial state, each with its output; the last one is the one that matters. */
  ops: [QueueInput, QueueOutput | undefined][];
  /** Whether the last operation is legal, and (when it is) the queue's contents afterwards, front first. */
  legal: boolean;
  after?: number[];
  why: string;
}

const enq = (value: number): [QueueInput, QueueOutput] => [{ f: 'enqueue', value }, null];
const deq = (output: QueueOutput | undefined): [QueueInput, QueueOutput | undefined] => [{ f: 'dequeue' }, output];

const STEP_CASES: StepCase[] = [
  { name: 'dequeue from an empty queue', ops: [deq(null)], legal: true, why: 'A new queue is empty, and a dequeue from an empty queue returns null.' },
  { name: 'a value from an empty queue', ops: [deq(4)], legal: false, why: 'Nothing was enqueued, so no dequeue can return 4.' },
  { name: 'first in, first out', ops: [enq(1), enq(2), deq(1)], legal: true, after: [2], why: 'After enqueue 1 and enqueue 2, the front is 1.' },
  { name: 'not last in, first out', ops: [enq(1), enq(2), deq(2)], legal: false, why: 'A queue returns the oldest value, 1; returning 2 is what a stack would do.' },
  { name: 'a value already taken', ops: [enq(1), enq(2), deq(1), deq(1)], legal: false, why: 'The first dequeue took 1; the front is now 2.' },
  { name: 'empty while not empty', ops: [enq(7), deq(null)], legal: false, why: 'The queue holds 7, so a dequeue cannot find it empty.' },
  { name: 'a dequeue that timed out', ops: [enq(1), enq(2), deq(undefined)], legal: true, after: [2], why: 'Its output is unknown (undefined): any output is allowed, and the state is the one the dequeue would leave, with 1 taken.' },
  { name: 'an enqueue that timed out', ops: [enq(3), [{ f: 'enqueue', value: 5 }, undefined]], legal: true, after: [3, 5], why: 'An enqueue whose reply was lost still adds its value at the back.' },
];

/** Runs one case through the learner's model; the problem in words, or '' when it behaves as the case says. */
function stepCaseProblem(model: Model<unknown, QueueInput, QueueOutput>, c: StepCase): string {
  let state = model.init();
  const ref = queueModel;
  let refState = ref.init();
  for (const [k, [input, output]] of c.ops.entries()) {
    const last = k === c.ops.length - 1;
    const got = model.step(state, input, output);
    const words = c.ops.slice(0, k + 1).map(([i, o]) => ref.describeOperation(i, o)).join(', then ');
    if (!last) {
      if (!got.legal) return `your step refused ${ref.describeOperation(input, output)} in "${words}", which is legal. ${c.why}`;
      state = got.state;
      refState = (ref.step(refState, input, output) as { state: number[] }).state;
      continue;
    }
    if (got.legal !== c.legal) return `from a new queue, "${words}": your step says the last operation is ${got.legal ? 'legal' : 'illegal'}. ${c.why}`;
    if (got.legal && c.after !== undefined) {
      // Compare by behaviour, not by representation: the state must dequeue exactly the values of `after`.
      let s = got.state;
      for (const value of c.after) {
        const taken = model.step(s, { f: 'dequeue' }, value);
        if (!taken.legal) return `from a new queue, "${words}" leaves a state from which dequeue → ${value} is refused, but the queue should now hold ${c.after.join(', ')} (front first). ${c.why}`;
        s = taken.state;
      }
      if (!model.step(s, { f: 'dequeue' }, null).legal) return `from a new queue, "${words}" leaves more in the queue than ${c.after.join(', ')}. ${c.why}`;
    }
  }
  return '';
}

/**
 * A queue reached from a new one: the operations applied (each with its output) and the contents they leave,
 * front first.
 */
interface ReachedQueue {
  ops: [QueueInput, QueueOutput | undefined][];
  holds: number[];
}

/**
 * One test of the learner's `key` on two queues. With `same: false` they are different queues, so their keys must
 * differ; with `same: true` they are the same queue, so their keys must be equal whenever the learner's model
 * reaches the same state for both (a model may represent one queue in two ways, and then may key them apart).
 */
interface KeyCase {
  name: string;
  queues: [ReachedQueue, ReachedQueue];
  same: boolean;
}

const holding = (...values: number[]): ReachedQueue => ({ ops: values.map(enq), holds: values });

// Each pair of different queues defeats one kind of key that loses information: a constant, the length, values
// joined with no separator, an order-blind key (sorted values, a sum, a set), a key of the front or the back alone.
const KEY_CASES: KeyCase[] = [
  { name: 'a new queue and one holding 1', queues: [holding(), holding(1)], same: false },
  { name: 'a queue holding 1 and one holding 2', queues: [holding(1), holding(2)], same: false },
  { name: 'a queue holding 1, 2 and one holding 12', queues: [holding(1, 2), holding(12)], same: false },
  { name: 'a queue holding 1, 23 and one holding 12, 3', queues: [holding(1, 23), holding(12, 3)], same: false },
  { name: 'a queue holding 1, 2 and one holding 2, 1', queues: [holding(1, 2), holding(2, 1)], same: false },
  { name: 'a queue holding 1, 2 and one holding 1, 3', queues: [holding(1, 2), holding(1, 3)], same: false },
  { name: 'a queue holding 1, 3 and one holding 2, 3', queues: [holding(1, 3), holding(2, 3)], same: false },
  { name: 'the same queue twice', queues: [holding(1, 2), holding(1, 2)], same: true },
  { name: 'a new queue and one emptied again', queues: [holding(), { ops: [enq(1), deq(1)], holds: [] }], same: true },
  { name: 'one queue reached two ways', queues: [holding(2), { ops: [enq(1), enq(2), deq(1)], holds: [2] }], same: true },
];

const queueInWords = (q: ReachedQueue) => (q.holds.length === 0 ? '[] (empty)' : `[${q.holds.join(', ')}]`);

/** The learner's state after a reached queue's operations, or undefined when its step refuses one of them. */
function reach(model: Model<unknown, QueueInput, QueueOutput>, q: ReachedQueue): { state: unknown } | undefined {
  let state = model.init();
  for (const [input, output] of q.ops) {
    const got = model.step(state, input, output);
    if (!got.legal) return undefined;
    state = got.state;
  }
  return { state };
}

/** Whether the learner's step lets `state` be emptied by dequeues of exactly `values`, in order, and then no more. */
function drainsTo(model: Model<unknown, QueueInput, QueueOutput>, state: unknown, values: readonly number[]): boolean {
  let s = state;
  for (const value of values) {
    const taken = model.step(s, { f: 'dequeue' }, value);
    if (!taken.legal) return false;
    s = taken.state;
  }
  return model.step(s, { f: 'dequeue' }, null).legal;
}

/** Runs one key case; the problem in words, naming `key`, or '' when the keys are as the case requires. */
function keyCaseProblem(model: Model<unknown, QueueInput, QueueOutput>, c: KeyCase): string {
  const [a, b] = c.queues.map((q) => reach(model, q));
  if (a === undefined || b === undefined) return '';
  const [qa, qb] = c.queues;
  // The key is judged only on states the learner's own step holds apart (each empties as its queue should, and
  // one of them refuses the other's values); a step that cannot tell two queues apart is the step's fault, which
  // the single steps and the histories report.
  if (!drainsTo(model, a.state, qa.holds) || !drainsTo(model, b.state, qb.holds)) return '';
  if (!c.same && drainsTo(model, a.state, qb.holds) && drainsTo(model, b.state, qa.holds)) return '';
  const [keyA, keyB] = [model.key?.(a.state) as string, model.key?.(b.state) as string];
  const [wordsA, wordsB] = c.queues.map(queueInWords) as [string, string];
  if (!c.same && keyA === keyB) {
    return `your key gives ${JSON.stringify(keyA)} for both the queue ${wordsA} and the queue ${wordsB} (front first). Different queues must get different keys: the checker remembers each pair (operations placed, key of the state) it has explored and skips any path that reaches a pair it has seen, so two queues sharing a key make it skip a state it never explored, and it may call a linearizable history a violation.`;
  }
  if (c.same && keyA !== keyB && JSON.stringify(a.state) === JSON.stringify(b.state)) {
    return `your key gives ${JSON.stringify(keyA)} and ${JSON.stringify(keyB)} for two copies of the same state, ${JSON.stringify(a.state)}. Equal states must get equal keys, or the checker never recognises a state it has already explored and may run out of its budget.`;
  }
  return '';
}

export interface QueueModelParams {
  /** Seeds of the histories the learner's model is checked on; `corrupt[i]` says whether the i-th has a changed dequeue. */
  seeds: number[];
  corrupt: boolean[];
}

const QUEUE_TYPES = `// A queue operation and its output, as the histories record them:
// enqueue → null; dequeue → the value taken from the front, or null when the queue was empty.
export type QueueInput = { f: 'enqueue'; value: number } | { f: 'dequeue' };
export type QueueOutput = number | null;
export type StepOutcome<S> = { legal: true; state: S } | { legal: false };
`;

const QUEUE_STARTER = `${QUEUE_TYPES}
export function queueModel() {
  return {
    name: 'FIFO queue',
    // The state of a new queue.
    init(): number[] {
      return [];
    },
    // Is \`output\` a legal result of \`input\` applied to \`state\`? If so, return the state after it.
    // \`output\` is undefined when the client never learned the outcome (a timeout): then any output is
    // allowed; return the state the operation would leave. Never change \`state\` itself.
    step(state: number[], input: QueueInput, output: QueueOutput | undefined): StepOutcome<number[]> {
      return { legal: true, state };
    },
    // Different strings for different states, equal strings for equal states: the checker remembers the
    // states it has explored by this key, so two queues sharing a key would be taken for one.
    key(state: number[]): string {
      return state.join(',');
    },
  };
}
`;

const QUEUE_REFERENCE = `${QUEUE_TYPES}
export function queueModel() {
  return {
    name: 'FIFO queue',
    init(): number[] {
      return [];
    },
    step(state: number[], input: QueueInput, output: QueueOutput | undefined): StepOutcome<number[]> {
      if (input.f === 'enqueue') {
        // An enqueue always succeeds and returns null; it adds its value at the back.
        return output === undefined || output === null ? { legal: true, state: [...state, input.value] } : { legal: false };
      }
      if (state.length === 0) {
        // A dequeue from an empty queue finds nothing and changes nothing.
        return output === undefined || output === null ? { legal: true, state } : { legal: false };
      }
      // Otherwise it must return the front value, which leaves the queue.
      return output === undefined || output === state[0] ? { legal: true, state: state.slice(1) } : { legal: false };
    },
    key(state: number[]): string {
      return state.join(',');
    },
  };
}
`;

type QueueModelFactory = () => unknown;

export const queueModelExercise = defineExercise({
  id: 'consistency/queue-model',
  title: 'Write a FIFO queue model for the linearizability checker',
  kind: 'code',
  signature: 'queueModel(): { name: string; init(): S; step(state: S, input: QueueInput, output: QueueOutput | undefined): StepOutcome<S>; key?(state: S): string }',
  exportName: 'queueModel',
  generate(rng): QueueModelParams {
    const seeds = Array.from({ length: 16 }, () => rng.int(1, 1_000_000_000));
    return { seeds, corrupt: seeds.map((_, i) => i % 2 === 1) };
  },
  prompt: (p) => ({
    text: `The chapter's linearizability checker works for any data type it is given a sequential model of. Write the model of a **FIFO queue** of numbers: \`queueModel()\` returns an object with \`init()\`, the state of a new, empty queue, and \`step(state, input, output)\`, which says whether \`output\` is a legal result of \`input\` in \`state\` and, if it is, returns the state after it. An enqueue returns \`null\`; a dequeue returns the value at the front, which leaves the queue, or \`null\` if the queue is empty. When \`output\` is \`undefined\` the client never learned it (the operation timed out): allow any output and return the state the operation would leave. Never change the \`state\` you are given (the checker comes back to it); return a new one. Your state may be any plain value (JSON); the starter uses an array, front first.\n\n\`key(state)\` must give **different strings for different states**, and equal strings for equal states: the checker remembers, by key, each state it has explored with the operations placed so far, and does not explore a state again whose key it has met with the same operations placed, so two different queues with one key would make it skip a state it never explored. If you leave \`key\` out, \`JSON.stringify(state)\` is used.\n\nYour model is first tried on single steps and its \`key\` on pairs of queues, then plugged into the real \`checkLinearizability\` on ${p.seeds.length} seeded histories of 5 to 8 queue operations by 2 or 3 clients (half of them with one dequeue's value changed), and its verdict must match the one the checker reaches with a correct queue model on every history.`,
  }),
  starter: () => QUEUE_STARTER,
  reference: () => QUEUE_REFERENCE,
  hints: () => [
    'Three cases: an enqueue (legal when its output is null or unknown; append the value), a dequeue on an empty queue (legal when the output is null or unknown; nothing changes), and a dequeue on a non-empty queue (legal when the output is the front value or unknown; drop the front).',
    'Build new arrays with [...state, value] and state.slice(1); push and shift change the array the checker keeps.',
    'A key must tell every two queues apart: the length alone does not, and neither do the values joined with no separator ([1, 2] and [12] would both give "12").',
  ],
  async checks(p, fn, ctx) {
    const factory = fn as unknown as QueueModelFactory;
    const checks: Check[] = [];
    checks.push(await ctx.check('single steps', () => guarded(() => {
      const model = learnerModel(factory());
      const wrong = STEP_CASES.map((c) => {
        const problem = stepCaseProblem(model, c);
        return problem ? `Case "${c.name}": ${problem}` : '';
      }).filter(Boolean);
      return { passed: wrong.length === 0, feedback: wrong.slice(0, 2).join(' ') + (wrong.length > 2 ? ` (and ${wrong.length - 2} more cases).` : '') };
    })));
    checks.push(await ctx.check('key tells queues apart', () => guarded(() => {
      const model = learnerModel(factory());
      const wrong = KEY_CASES.map((c) => {
        const problem = keyCaseProblem(model, c);
        return problem ? `Case "${c.name}": ${problem}` : '';
      }).filter(Boolean);
      return { passed: wrong.length === 0, feedback: wrong.slice(0, 1).join(' ') + (wrong.length > 1 ? ` (And ${wrong.length - 1} more ${wrong.length === 2 ? 'case' : 'cases'}.)` : '') };
    })));
    checks.push(await ctx.check(`the checker's verdicts on ${p.seeds.length} histories`, () => guarded(() => agreementVerdict(p, learnerModel(factory())))));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${QUEUE_REFERENCE.slice(QUEUE_TYPES.length + 1)}\`\`\`\n\nThe model is the whole specification of a sequential queue, and nothing more: the checker supplies the concurrency, trying the orders that real time allows (Herlihy and Wing 1990, §2), and the model only judges one order at a time. That is why the same checker serves registers, maps and queues. Purity matters because the search backtracks: it keeps the state before a step and tries another operation from it, so a step that shifted the array in place would leave the checker reasoning about a queue that no longer exists. A timed-out operation (\`output\` undefined) must still change the state, since it may have taken effect; the checker may also leave it out entirely. The key is what Lowe's cache (2017, §4) stores with the set of operations placed: a search that reaches a pair it has stored stops there, since the same state with the same operations left has the same futures. That is sound only if different states have different keys; \`state.join(',')\` is safe for numbers, which contain no comma, while \`state.join('')\` would take [1, 2] and [12] for one queue.`,
  }),
});

/** Runs the checker with the learner's model and with the reference on each history; the first disagreement wins. */
function agreementVerdict(p: QueueModelParams, model: Model<unknown, QueueInput, QueueOutput>): CheckVerdict {
  for (const [i, seed] of p.seeds.entries()) {
    const history = randomQueueHistory(seed, p.corrupt[i] as boolean);
    const expected = checkLinearizability(history, queueModel, { maxSteps: QUEUE_CHECK_STEPS });
    const got = checkLinearizability(history, model, { maxSteps: QUEUE_CHECK_STEPS });
    if (got.verdict === expected.verdict) continue;
    const where = `History ${i + 1} (seed ${seed}): ${historyInWords(history)}.`;
    // The learner's steps with a key that cannot confuse two states: if the checker then agrees, the key is the fault.
    const faithful = checkLinearizability(history, { ...model, key: (state: unknown) => JSON.stringify(state) }, { maxSteps: QUEUE_CHECK_STEPS });
    if (faithful.verdict === expected.verdict) {
      return { passed: false, feedback: `${where} With your model the checker says ${got.verdict === 'ok' ? 'linearizable' : got.verdict === 'violation' ? 'not linearizable' : 'nothing (it ran out of its budget)'}, while a correct model says ${expected.verdict === 'ok' ? 'linearizable' : 'not linearizable'}. Your step is not the cause: with your step and JSON.stringify(state) as the key, the checker agrees. Your key gives one string for two different states (or different strings for equal ones), so the checker's cache takes a state it never explored for one it has.` };
    }
    if (got.verdict === 'inconclusive') return { passed: false, feedback: `${where} With your model the checker ran out of its budget of ${QUEUE_CHECK_STEPS} steps without a verdict, while a correct model settles it: does key(state) give the same string for equal states, and does step return a state that grows only with enqueues?` };
    if (expected.verdict === 'ok') {
      const order = (expected.linearization ?? []).map((id) => queueModel.describeOperation(history.find((op) => op.id === id)?.input as QueueInput, history.find((op) => op.id === id)?.output)).join(', ');
      return { passed: false, feedback: `${where} This history is linearizable (for example in the order ${order}), but with your model the checker finds no legal order: your step refuses an operation a queue allows. ${got.explanation}` };
    }
    return { passed: false, feedback: `${where} This history is not linearizable, but with your model the checker accepts it: your step allows an output a queue would not give. With a correct queue model the checker says: ${expected.explanation}` };
  }
  return { passed: true, feedback: '' };
}
