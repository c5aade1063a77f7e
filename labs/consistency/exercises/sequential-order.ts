/**
 * Exercise: is this history sequentially consistent? If it is, give a sequential order. Lamport (1979): the
 * operations must fit one order that a single register could have answered and that keeps each client's
 * operations in the order the client issued them; unlike linearizability, real time between different clients
 * does not count. Any such order is accepted; `none` is right only when the lab's checker
 * (`checkSequentialConsistency`) finds none. Most variants are sequentially consistent but not linearizable, the
 * gap the exercise is about.
 */
import { defineExercise } from '../../exercises/types';
import type { Random } from '../../sim/random';
import { registerModel } from '../models';
import { checkSequentialConsistency } from '../sequential';
import { linearizabilityOf } from './linearization-order';
import { checkOrderAnswer, drawAtomicHistory, historyTable, labelOf, withOneReadChanged, type RegisterOp } from './small-histories';

export interface SequentialParams {
  ops: RegisterOp[];
  /** How the variant was drawn: linearizable, sequentially consistent only, or neither. */
  shape: 'linearizable' | 'sequential-only' | 'neither';
}

/** The lab checker's verdict on a small history; it always decides one this size. */
export function sequentialConsistencyOf(ops: RegisterOp[]) {
  const result = checkSequentialConsistency(ops, registerModel, { maxSteps: 100_000 });
  if (result.verdict === 'inconclusive') throw new Error(`the checker could not decide a ${ops.length}-operation history`);
  return result;
}

function drawSequentialVariant(rng: Random): SequentialParams {
  const shape = rng.pick(['linearizable', 'sequential-only', 'sequential-only', 'neither'] as const);
  for (;;) {
    const atomic = drawAtomicHistory(rng, rng.int(4, 6), rng.int(2, 3));
    const ops = shape === 'linearizable' ? atomic : withOneReadChanged(rng, atomic);
    const linearizable = linearizabilityOf(ops).verdict === 'ok';
    const sequential = sequentialConsistencyOf(ops).verdict === 'ok';
    const drawn = linearizable ? 'linearizable' : sequential ? 'sequential-only' : 'neither';
    if (drawn === shape) return { ops, shape };
  }
}

/** Rewrites the checker's `op 3` as the label the prompt uses, `D`. */
const withLabels = (text: string) => text.replace(/\bop (\d+)/g, (_, id: string) => labelOf(Number(id)));

export const sequentialOrder = defineExercise({
  id: 'consistency/sequential-order',
  title: 'Is this history sequentially consistent?',
  kind: 'structured',
  format: 'list',
  placeholder: 'B, A, C, D',
  generate: (rng) => drawSequentialVariant(rng),
  prompt: (p) => ({
    text: `Clients used one shared register, which starts **unset** (a read of it before any write returns unset). Each client issues one operation at a time; each operation was invoked and returned at the times shown, and every operation completed:\n\n${historyTable(p.ops)}\n\nIs the history **sequentially consistent**? If it is, list the operations ${p.ops.map((op) => labelOf(op.id)).join(', ')} in an order that shows it: every operation exactly once, each client's operations in the order that client issued them, and every read returning the value of the latest write before it in your order (unset if none). Real time between different clients does not count here. Any such order is accepted. Write the labels like \`B, A, C, D\`, or the single word \`none\` if no such order exists.`,
  }),
  reference(p) {
    const result = sequentialConsistencyOf(p.ops);
    return result.verdict === 'ok' ? (result.witness?.order ?? []).map(labelOf).join(', ') : 'none';
  },
  check: (p, value) => checkOrderAnswer(p.ops, value, 'session', sequentialConsistencyOf(p.ops).verdict === 'ok'),
  hints: () => [
    'Only each client\'s own order is fixed. Write each client\'s operations as a column; an answer interleaves the columns.',
    'A read that looks too late or too early in time may be fine here: you may move a whole client\'s operations earlier or later relative to the others, as long as its own order stays.',
  ],
  solution(p) {
    const result = sequentialConsistencyOf(p.ops);
    const linearizable = linearizabilityOf(p.ops).verdict === 'ok';
    if (result.verdict === 'ok') {
      const order = (result.witness?.order ?? []).map(labelOf).join(', ');
      const gap = linearizable
        ? 'This history is linearizable too, so an order that also respects real time exists.'
        : 'The history is not linearizable: every such order puts some operation before one that, by the clock, had returned before it was invoked. Sequential consistency allows that, as long as no client can tell from its own operations: it is what a system that serves each client from a replica lagging behind by a consistent amount can give.';
      return { text: `Sequentially consistent. One order is **${order}**: each client's operations stay in their order, and each read returns the latest write before it. ${gap}` };
    }
    return {
      text: `**none**: the history is not sequentially consistent, so not linearizable either. ${withLabels(result.explanation)} Whatever interleaving of the clients you try, some read returns a value it could not have seen at its place in its own client's order.`,
    };
  },
});
