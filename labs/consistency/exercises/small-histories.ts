/**
 * Small register histories for the chapter's history exercises: drawn from an atomic register (every operation
 * takes effect at one instant inside its interval, so the history is linearizable by construction), then possibly
 * with one read's value changed, which usually breaks linearizability and sometimes weaker models too. Operations
 * are labelled A, B, C, … in order of invocation (their ids are 0, 1, 2, …), times are distinct whole numbers, and
 * written values are 1, 2, 3, … in order of invocation, so a value names its write.
 *
 * Also here: the table a prompt shows, and the all-or-nothing grade of an answer that lists the operations in an
 * order (a linearization or a sequential order), shared by the exercises that ask for one.
 */
import type { Check } from '../../exercises/types';
import type { Random } from '../../sim/random';
import type { RegisterInput, RegisterOutput, RegisterValue } from '../data-types';
import type { Operation } from '../history';
import { describeRegisterValue, registerModel } from '../models';

export type RegisterOp = Operation<RegisterInput, RegisterOutput>;

const LABELS = 'ABCDEFGHIJ';

/** The label of an operation: A for id 0, B for id 1, … */
export const labelOf = (id: number): string => LABELS[id] as string;

/** Plain words for one operation, e.g. `B (c2, read → 1, invoked at 3, returned at 9)`. */
export function opInWords(op: RegisterOp): string {
  return `${labelOf(op.id)} (${op.client}, ${registerModel.describeOperation(op.input, op.output)}, invoked at ${op.invokeMs}, returned at ${op.returnMs})`;
}

/**
 * A linearizable history of `operations` ok reads and writes by `clients` clients (c1, c2, …), each client with at
 * least one operation and one at a time. Each operation takes 2 to 8 time units and a client waits 1 to 3 between
 * its operations; a draw whose times collide is drawn again, so every invocation and response time is distinct.
 */
export function drawAtomicHistory(rng: Random, operations: number, clients: number): RegisterOp[] {
  for (;;) {
    const owners = Array.from({ length: operations }, (_, i) => (i < clients ? i : rng.int(0, clients - 1)));
    const timed: { client: string; invokeMs: number; returnMs: number; read: boolean; pointMs: number }[] = [];
    for (let c = 0; c < clients; c++) {
      let at = rng.int(0, 3);
      for (let k = owners.filter((o) => o === c).length; k > 0; k--) {
        const invokeMs = at;
        const returnMs = invokeMs + rng.int(2, 8);
        // The instant the atomic register applies it, strictly inside the interval.
        const pointMs = invokeMs + 0.01 + rng.next() * (returnMs - invokeMs - 0.02);
        timed.push({ client: `c${c + 1}`, invokeMs, returnMs, read: rng.chance(0.5), pointMs });
        at = returnMs + rng.int(1, 3);
      }
    }
    const times = timed.flatMap((t) => [t.invokeMs, t.returnMs]);
    const reads = timed.filter((t) => t.read).length;
    if (new Set(times).size !== times.length || reads === 0 || reads === operations) continue;
    timed.sort((x, y) => x.invokeMs - y.invokeMs);
    let nextValue = 1;
    const inputs = timed.map((t): RegisterInput => (t.read ? { f: 'read' } : { f: 'write', value: nextValue++ }));
    let value: RegisterValue = null;
    const outputs: RegisterOutput[] = new Array<RegisterOutput>(operations);
    for (const i of [...timed.keys()].sort((x, y) => (timed[x]?.pointMs as number) - (timed[y]?.pointMs as number))) {
      const input = inputs[i] as RegisterInput;
      if (input.f === 'write') {
        value = input.value;
        outputs[i] = null;
      } else outputs[i] = value;
    }
    return timed.map((t, id) => ({ id, client: t.client, input: inputs[id] as RegisterInput, output: outputs[id], status: 'ok', invokeMs: t.invokeMs, returnMs: t.returnMs }));
  }
}

/** The values a read could return in this history: unset, and each value written. */
export function possibleValues(ops: readonly RegisterOp[]): RegisterValue[] {
  return [null, ...ops.flatMap((op) => (op.input.f === 'write' ? [op.input.value] : []))];
}

/** The history with the read `id` returning `value` instead. */
export function withReadValue(ops: readonly RegisterOp[], id: number, value: RegisterValue): RegisterOp[] {
  return ops.map((op) => (op.id === id ? { ...op, output: value } : op));
}

/** The history with one read, drawn at random, returning another possible value than it did. */
export function withOneReadChanged(rng: Random, ops: readonly RegisterOp[]): RegisterOp[] {
  const read = rng.pick(ops.filter((op) => op.input.f === 'read'));
  const value = rng.pick(possibleValues(ops).filter((v) => v !== read.output));
  return withReadValue(ops, read.id, value);
}

/**
 * The history as a fixed-width table in a code block: one row per operation, in label order. `open` names a read
 * whose value is left out (shown as `read → ?`).
 */
export function historyTable(ops: readonly RegisterOp[], open?: number): string {
  const rows = ops.map((op) => {
    const what = op.id === open ? 'read → ?' : registerModel.describeOperation(op.input, op.output);
    return `${labelOf(op.id).padEnd(4)}${op.client.padEnd(8)}${String(op.invokeMs).padStart(7)}${String(op.returnMs).padStart(10)}   ${what}`;
  });
  return `\`\`\`\nop  client  invoked  returned   operation\n${rows.join('\n')}\n\`\`\``;
}

/** The order an answer gives, as operations, or a problem with its labels (unknown, missing, repeated). */
function orderOf(ops: readonly RegisterOp[], labels: readonly string[]): { order: RegisterOp[] } | { problem: string } {
  const byLabel = new Map(ops.map((op) => [labelOf(op.id), op]));
  const unknown = labels.filter((label) => !byLabel.has(label));
  if (unknown.length > 0) return { problem: `${unknown.map((l) => `'${l}'`).join(', ')} ${unknown.length === 1 ? 'is not an operation' : 'are not operations'} of this history; its operations are ${ops.map((op) => labelOf(op.id)).join(', ')}.` };
  const repeated = labels.filter((label, i) => labels.indexOf(label) !== i);
  if (repeated.length > 0) return { problem: `${[...new Set(repeated)].join(', ')} ${new Set(repeated).size === 1 ? 'appears' : 'appear'} more than once; each operation takes effect exactly once.` };
  const missing = ops.map((op) => labelOf(op.id)).filter((label) => !labels.includes(label));
  if (missing.length > 0) return { problem: `The order leaves out ${missing.join(', ')}: every operation in this history completed, so every one must be placed.` };
  return { order: labels.map((label) => byLabel.get(label) as RegisterOp) };
}

/**
 * The grade of an answer that lists the operations in an order, as one check, so an order earns full marks when it
 * is right and nothing otherwise (like a numeric answer; the grader scores the fraction of checks passed, and
 * partial checks would pay for what any order gets right, such as naming every operation once). An order is right
 * when it names every operation once, keeps the order constraint (`real-time`: an operation that returned before
 * another was invoked comes first, Herlihy and Wing 1990 §2; `session`: each client's operations in the order it
 * issued them, Lamport 1979), and a register starting unset, applying it, answers every read as the history shows.
 * The feedback names the first thing wrong, in that order. `none` is the answer when no order exists; `exists` says
 * whether one does (the lab's checker decides). Labels are read case-insensitively.
 */
export function checkOrderAnswer(ops: readonly RegisterOp[], labels: readonly string[], constraint: 'real-time' | 'session', exists: boolean): Check[] {
  const normalised = labels.map((label) => label.toUpperCase());
  const model = constraint === 'real-time' ? 'linearizable' : 'sequentially consistent';
  const verdict = (name: string, feedback: string): Check[] => [{ name, passed: feedback === '', feedback }];
  if (normalised.includes('NONE')) {
    if (normalised.length > 1) return verdict('order', 'Write either an order of all the operations or the single word none, not both.');
    return verdict('none', exists ? `This history is ${model}: there is an order of its operations that ${constraint === 'real-time' ? 'respects real time' : 'keeps each client\'s order'} and in which every read returns the latest write before it. Look for it.` : '');
  }
  const name = constraint === 'real-time' ? 'a linearization' : 'a sequential order';
  const found = orderOf(ops, normalised);
  if ('problem' in found) return verdict(name, found.problem);
  const broken = firstPairOutOfOrder(found.order, constraint);
  if (broken) return verdict(name, broken);
  return verdict(name, firstWrongRead(found.order));
}

/** The first pair of operations (by position in `order`) that the constraint requires the other way round, in words, or ''. */
function firstPairOutOfOrder(order: readonly RegisterOp[], constraint: 'real-time' | 'session'): string {
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const [early, late] = [order[i] as RegisterOp, order[j] as RegisterOp];
      if (constraint === 'real-time' && (late.returnMs as number) < early.invokeMs) {
        return `${labelOf(late.id)} returned at ${late.returnMs}, before ${labelOf(early.id)} was invoked at ${early.invokeMs}, so ${labelOf(late.id)} must take effect before ${labelOf(early.id)}; your order puts it after.`;
      }
      if (constraint === 'session' && late.client === early.client && late.invokeMs < early.invokeMs) {
        return `${late.client} issued ${labelOf(late.id)} before ${labelOf(early.id)}, so ${labelOf(late.id)} must come first: a sequential order keeps each client's own order; your order puts it after.`;
      }
    }
  }
  return '';
}

/** The first read in `order` that a register starting unset, applying the order, would answer otherwise, in words, or ''. */
function firstWrongRead(order: readonly RegisterOp[]): string {
  let state = registerModel.init();
  for (const [i, op] of order.entries()) {
    const next = registerModel.step(state, op.input, op.output);
    if (!next.legal) {
      const before = order.slice(0, i).map((o) => labelOf(o.id)).join(', ');
      return `${before ? `After ${before}` : 'At the start'} ${registerModel.describeState(state)}, but ${labelOf(op.id)} reads ${describeRegisterValue(op.output as RegisterValue)}: a read returns the value of the latest write before it in the order${state === null ? '' : ', unset only if no write comes before it'}.`;
    }
    state = next.state;
  }
  return '';
}
