/**
 * Sequential consistency (Lamport 1979, "How to make a multiprocessor computer that correctly executes
 * multiprocess programs", IEEE Trans. Computers C-28(9)): "the result of any execution is the same as if the
 * operations of all the processors were executed in some sequential order, and the operations of each individual
 * processor appear in this sequence in the order specified by its program."
 *
 * On a history (history.ts) that reads: there is a total order of the operations that took effect which keeps each
 * client's session order (its operations by invocation time) and is legal for the sequential model. Unlike
 * linearizability, real time between clients does not count: a read may return a value that, by the clock, was
 * already overwritten, as long as some interleaving of the sessions explains it.
 *
 * This module also holds what every checker of the weaker models shares: the result shape, the step budget, the
 * validation of a history and its session order. The other checkers (causal.ts, session.ts) import from here.
 */
import type { History, Model, Operation } from './history';
import { validateHistory as validateOperations } from './linearizability';

/** What a checker of this lab answers (after Porcupine's Ok / Illegal / Unknown, STYLE.md rule 5). */
export type Verdict = 'ok' | 'violation' | 'inconclusive';

/**
 * The result of every checker of the weaker models (sequential.ts, causal.ts, session.ts).
 *
 * - `verdict`: `inconclusive` only when the step budget ran out (or, for agreement at quiescence, when the history
 *   cannot show it either way); never a silent `ok`.
 * - `model`: the model checked, in plain words, e.g. `sequential consistency`.
 * - `explanation`: plain words, never empty. A violation names the operations involved as `op <id> (<client>:
 *   <operation>)`, so a reader can find them in the history and a figure can highlight them.
 * - `witness`: on `ok`, what shows it (an order of the operations, or one view per client); each checker documents
 *   its own.
 * - `stats.steps`: the work done, in the unit the checker counts against `maxSteps`.
 */
export interface ConsistencyResult<W = unknown> {
  verdict: Verdict;
  model: string;
  explanation: string;
  witness?: W;
  stats: { steps: number };
}

/**
 * Options of every checker here. `maxSteps` is a deterministic budget (search nodes for the searching checkers,
 * elementary steps for the others): a run that exhausts it answers `inconclusive`, the same on every machine.
 */
export interface CheckOptions {
  maxSteps?: number;
}

/** The default budget: enough for the chapter's histories (dozens of operations) in well under a second. */
export const DEFAULT_MAX_STEPS = 500_000;

/** Thrown inside a search when the budget runs out, and caught by the checker that started it. */
export class BudgetExhausted extends Error {
  constructor(readonly steps: number) {
    super(`step budget of ${steps} exhausted`);
  }
}

/** A step counter against a budget; `tick` throws `BudgetExhausted` once the budget is spent. */
export class StepBudget {
  steps = 0;
  constructor(readonly maxSteps: number) {}
  tick(count = 1): void {
    this.steps += count;
    if (this.steps > this.maxSteps) throw new BudgetExhausted(this.maxSteps);
  }
}

/** The budget from the options, validated. */
export function budgetFrom(options: CheckOptions | undefined): StepBudget {
  const maxSteps = options?.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new TypeError(`maxSteps must be a whole number of steps, not ${String(maxSteps)}`);
  return new StepBudget(maxSteps);
}

/**
 * The function a checker answers through: the verdict, the explanation as a sentence, the witness if any, and the
 * steps the budget has counted so far (read when the answer is made).
 */
export function answerWith<W>(model: string, budget: StepBudget): (verdict: ConsistencyResult['verdict'], explanation: string, witness?: W) => ConsistencyResult<W> {
  return (verdict, explanation, witness) => ({
    verdict,
    model,
    explanation: sentence(explanation),
    ...(witness ? { witness } : {}),
    stats: { steps: budget.steps },
  });
}

/** How an explanation names an operation: `op 3 (b: read → 1)`. */
export function opLabel(op: Operation, describe: (input: unknown, output: unknown) => string): string {
  return `op ${op.id} (${op.client}: ${describe(op.input, op.status === 'ok' ? op.output : undefined)})`;
}

/** A sentence that starts with a capital, for explanations that open with an operation's label. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A list in plain words: `a`, `a and b`, `a, b and c`. */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Check that a history is well formed, or throw a `TypeError` that names the checker and says what is wrong with
 * which operation. The rules are the linearizability checker's (`validateHistory` in linearizability.ts: unique
 * ids, a client name, a known status, finite times with a response no earlier than the call, an output on every
 * `ok` operation, a client's returned operations never overlapping its next one), so every checker of the lab
 * accepts the same histories; the weaker models also read each input's fields, so an input must be an object.
 *
 * An `info` operation never returned, so a client may go on after it (as a closed-loop client does after a
 * timeout); see `sessionBefore` for what that means for the session order.
 */
export function validateHistory(history: History, checker: string): void {
  try {
    validateOperations(history);
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${checker}: ${error.message}`);
    throw error;
  }
  for (const op of history) {
    if (op.input === null || typeof op.input !== 'object') throw new TypeError(`${checker}: op ${op.id} has no input (an object such as { f: 'read' })`);
  }
}

/**
 * Each client's operations by invocation time, ties broken by id. Clients come in order of their first invocation,
 * so results do not depend on the order of the history's array.
 */
export function sessionsOf<I, O>(history: History<I, O>): Map<string, Operation<I, O>[]> {
  const sorted = [...history].sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
  const sessions = new Map<string, Operation<I, O>[]>();
  for (const op of sorted) {
    let ops = sessions.get(op.client);
    if (!ops) sessions.set(op.client, (ops = []));
    ops.push(op);
  }
  return sessions;
}

/**
 * The session order: `a` comes before `b` when one client issued both, `a` first, and `a` returned. An indeterminate
 * (`info`) operation comes after its client's earlier operations but is concurrent with the later ones: its response
 * never came, so it may have taken effect at any time after its invocation, even after operations the client issued
 * once it stopped waiting. This is how the linearizability checker reads it too (a response at +∞), so the
 * hierarchy linearizable ⇒ sequentially consistent ⇒ causal holds for histories with timeouts.
 */
export function sessionBefore(a: Operation, b: Operation): boolean {
  return a.client === b.client && a.status !== 'info' && (a.invokeMs < b.invokeMs || (a.invokeMs === b.invokeMs && a.id < b.id));
}

/** The witness of sequential consistency: op ids in a legal total order (info ops only if the order uses them). */
export interface SequentialWitness {
  order: number[];
}

/**
 * A model's state over the whole history. A model with `partition` (the key-value map) specifies one part (key) at
 * a time, which is enough for linearizability because it is local (Herlihy and Wing 1990, §3.3). Sequential
 * consistency is not local (the same paper shows two objects, each sequentially consistent, whose combined history
 * is not), so the whole history is checked at once and the state is one sub-state per part.
 */
interface WholeModel {
  init(): unknown[];
  step(state: unknown[], op: Operation): unknown[] | undefined;
  key(state: unknown[]): string;
  describe(state: unknown[]): string;
}

function wholeModel<S, I, O>(model: Model<S, I, O>, history: History<I, O>): WholeModel {
  const parts = model.partition ? model.partition(history) : [history];
  const partOf = new Map<number, number>();
  const partLabel: string[] = [];
  parts.forEach((part, index) => {
    for (const op of part) partOf.set(op.id, index);
    // A part named by its key when the inputs carry one (the key-value map), by its number otherwise.
    const input = part[0]?.input as { key?: unknown } | undefined;
    partLabel.push(typeof input?.key === 'string' ? `key ${input.key}` : `part ${index + 1}`);
  });
  const stateKey = (s: S) => (model.key ? model.key(s) : JSON.stringify(s) ?? 'undefined');
  return {
    init: () => parts.map(() => model.init()),
    step(state, op) {
      const index = partOf.get(op.id) ?? 0;
      const output = op.status === 'ok' ? (op.output as O) : undefined;
      const outcome = model.step(state[index] as S, op.input as I, output);
      if (!outcome.legal) return undefined;
      const next = [...state];
      next[index] = outcome.state;
      return next;
    },
    key: (state) => state.map((s) => stateKey(s as S)).join('\u0001'),
    describe: (state) =>
      parts.length === 1
        ? model.describeState(state[0] as S)
        : listInWords(state.map((s, i) => `${partLabel[i]}: ${model.describeState(s as S)}`)),
  };
}

/**
 * Lamport's sequential consistency on a history, for any sequential model.
 *
 * The search walks the sessions side by side: a configuration is how many of each client's returned operations are
 * placed (a position vector), which indeterminate operations are placed, and the model state they leave; a move
 * places one client's next returned operation, or an indeterminate one whose predecessors in session order
 * (`sessionBefore`) are placed, if the model allows it. Configurations already found to lead nowhere are remembered
 * (the key is the positions, the placed indeterminate operations and the model's state key), so each is explored
 * once; `stats.steps` counts explored configurations against `maxSteps`.
 *
 * `fail` operations are dropped. An `info` operation may be left out, or placed with its output unknown (the model
 * then allows any output). On `ok` the witness is the order found.
 */
export function checkSequentialConsistency<S, I, O>(
  history: History<I, O>,
  model: Model<S, I, O>,
  options?: CheckOptions,
): ConsistencyResult<SequentialWitness> {
  const name = 'sequential consistency';
  validateHistory(history as History, 'checkSequentialConsistency');
  const budget = budgetFrom(options);
  const taken = (history as History).filter((op) => op.status !== 'fail');
  const clients = [...sessionsOf(taken).values()];
  const sessions = clients.map((ops) => ops.filter((op) => op.status === 'ok'));
  // Each indeterminate operation, with its client and how many of that client's returned operations precede it.
  const floating = clients.flatMap((ops, c) =>
    ops.filter((op) => op.status === 'info').map((op) => ({ op, client: c, after: ops.filter((o) => o.status === 'ok' && sessionBefore(o, op)).length })),
  );
  const whole = wholeModel(model, taken as History<I, O>);
  const describe = (input: unknown, output: unknown) => model.describeOperation(input as I, output as O | undefined);
  const label = (op: Operation) => opLabel(op, describe);

  const positions = sessions.map(() => 0);
  const floated = floating.map(() => false);
  const order: Operation[] = [];
  const deadEnds = new Set<string>();
  let best = { order: [] as Operation[], positions: [...positions], state: whole.init() };

  const search = (state: unknown[]): boolean => {
    if (positions.every((p, c) => p === (sessions[c] as Operation[]).length)) return true;
    const key = `${positions.join(',')}|${floated.map(Number).join('')}|${whole.key(state)}`;
    if (deadEnds.has(key)) return false;
    budget.tick();
    if (order.length > best.order.length) best = { order: [...order], positions: [...positions], state };
    for (let c = 0; c < sessions.length; c++) {
      const op = (sessions[c] as Operation[])[positions[c] as number];
      if (op === undefined) continue;
      const next = whole.step(state, op);
      if (next === undefined) continue;
      positions[c] = (positions[c] as number) + 1;
      order.push(op);
      if (search(next)) return true;
      order.pop();
      positions[c] = (positions[c] as number) - 1;
    }
    for (const [i, f] of floating.entries()) {
      if (floated[i] || (positions[f.client] as number) < f.after) continue;
      const next = whole.step(state, f.op);
      if (next === undefined) continue;
      floated[i] = true;
      order.push(f.op);
      if (search(next)) return true;
      order.pop();
      floated[i] = false;
    }
    deadEnds.add(key);
    return false;
  };

  const initial = whole.init();
  try {
    if (search(initial)) {
      return {
        verdict: 'ok',
        model: name,
        explanation:
          order.length === 0
            ? 'No operation of the history needs a place (none returned), so the empty order explains it.'
            : `Every client's operations fit one legal order that keeps each client's own order: ${order.map((op) => `op ${op.id}`).join(', ')}.`,
        witness: { order: order.map((op) => op.id) },
        stats: { steps: budget.steps },
      };
    }
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    return {
      verdict: 'inconclusive',
      model: name,
      explanation: `Gave up after exploring ${budget.maxSteps} configurations (maxSteps) without settling the question; the longest legal order found places ${best.order.length} of the ${taken.length} operations. Raise maxSteps to search further.`,
      stats: { steps: budget.steps },
    };
  }

  // At the longest order found, no returned operation can come next (or a longer order would exist).
  const blocked: string[] = [];
  sessions.forEach((session, c) => {
    const op = session[best.positions[c] as number];
    if (op !== undefined) blocked.push(label(op));
  });
  const shown = best.order.slice(0, 8).map(label);
  const prefix =
    best.order.length === 0
      ? `No operation can come first: at the start ${whole.describe(best.state)}`
      : `The longest legal order found places ${best.order.length} of the ${taken.length} operations (${shown.join(', ')}${best.order.length > shown.length ? ', …' : ''}); after it ${whole.describe(best.state)}`;
  return {
    verdict: 'violation',
    model: name,
    explanation: `No order of the operations keeps every client's own order and is legal for the ${model.name}. ${prefix}, and no client's next operation can follow: ${listInWords(blocked)}.`,
    stats: { steps: budget.steps },
  };
}
