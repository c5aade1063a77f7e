/**
 * Exercise: is this history linearizable? If it is, give a linearization. Herlihy and Wing (1990, §2): a history is
 * linearizable when its operations can be put in one order that keeps real time (an operation that returned
 * before another was invoked comes first) and that a single register, applying them one by one, would answer
 * exactly as the history shows. Any such order is accepted; `none` is right only when the lab's checker
 * (`checkLinearizability`) finds none.
 */
import { defineExercise } from '../../exercises/types';
import type { Random } from '../../sim/random';
import { checkLinearizability } from '../linearizability';
import { registerModel } from '../models';
import { checkOrderAnswer, drawAtomicHistory, historyTable, labelOf, opInWords, withOneReadChanged, type RegisterOp } from './small-histories';

export interface OrderParams {
  ops: RegisterOp[];
}

/** The lab checker's verdict on a small history: these histories are tiny, so it always decides. */
export function linearizabilityOf(ops: RegisterOp[]) {
  const result = checkLinearizability(ops, registerModel, { maxSteps: 100_000 });
  if (result.verdict === 'inconclusive') throw new Error(`the checker could not decide a ${ops.length}-operation history`);
  return result;
}

function drawLinearizationVariant(rng: Random): OrderParams {
  const wantLinearizable = rng.chance(0.5);
  for (;;) {
    const atomic = drawAtomicHistory(rng, rng.int(4, 6), rng.int(2, 3));
    const ops = wantLinearizable ? atomic : withOneReadChanged(rng, atomic);
    // Keep histories where some two operations overlap, so real time alone does not dictate the order.
    const overlapping = ops.some((a) => ops.some((b) => a.id < b.id && b.invokeMs < (a.returnMs as number)));
    if (!overlapping) continue;
    if ((linearizabilityOf(ops).verdict === 'ok') === wantLinearizable) return { ops };
  }
}

const labels = (p: OrderParams) => p.ops.map((op) => labelOf(op.id)).join(', ');

export const linearizationOrder = defineExercise({
  id: 'consistency/linearization-order',
  title: 'Is this history linearizable?',
  kind: 'structured',
  format: 'list',
  placeholder: 'B, A, C, D',
  generate: (rng) => drawLinearizationVariant(rng),
  prompt: (p) => ({
    text: `Clients used one shared register, which starts **unset** (a read of it before any write returns unset). Each operation below was invoked and returned at the times shown (all times are distinct), and every operation completed:\n\n${historyTable(p.ops)}\n\nIs the history linearizable? If it is, list the operations ${labels(p)} in an order that could be a linearization: every operation exactly once, an operation that returned before another was invoked placed before it, and every read returning the value of the latest write before it in your order (unset if none). Any such order is accepted. Write the labels like \`B, A, C, D\`, or the single word \`none\` if no such order exists.`,
  }),
  reference(p) {
    const result = linearizabilityOf(p.ops);
    return result.verdict === 'ok' ? (result.linearization ?? []).map(labelOf).join(', ') : 'none';
  },
  check: (p, value) => checkOrderAnswer(p.ops, value, 'real-time', linearizabilityOf(p.ops).verdict === 'ok'),
  hints: () => [
    'Start with the constraints real time imposes: for each pair, did one return before the other was invoked? Operations that overlap may go either way.',
    'Each read names the write it saw. Place that write before the read, and no other write between them.',
  ],
  solution(p) {
    const result = linearizabilityOf(p.ops);
    if (result.verdict === 'ok') {
      const order = (result.linearization ?? []).map(labelOf).join(', ');
      const points = (result.points ?? []).map((pt) => `${labelOf(pt.id)} at ${pt.atMs}`).join(', ');
      return { text: `Linearizable. One linearization is **${order}**: it keeps every real-time precedence, and each read returns the latest write before it. Each operation can be given a linearization point inside its interval in that order (${points}), the instant at which it seems to take effect. Other orders may work too: operations that overlap in time can be swapped as long as the reads still see the right writes.` };
    }
    const violation = result.violation;
    const prefix = (violation?.prefix ?? []).map(labelOf).join(', ');
    const blocked = p.ops.find((op) => op.id === violation?.blocked) as RegisterOp;
    return {
      text: `**none**: the history is not linearizable. ${prefix ? `The checker's search gets furthest with the order ${prefix}; after it ${violation?.stateAfterPrefix}` : `At the start ${violation?.stateAfterPrefix}`}, and ${opInWords(blocked)} cannot come next: every operation that could still be placed before it, itself included, disagrees with the register there, and real time forbids moving the operations that returned before it was invoked to after it. No other order gets further. Whatever the replicas did, no single copy of the register could have given these answers at these times.`,
    };
  },
});
