/**
 * Exercise: which values may a read return under a given model? A small register history with one read's value
 * left open; the learner picks every value the read could have returned while the history still satisfies the
 * model: linearizability (Herlihy and Wing 1990, §2), sequential consistency (Lamport 1979) or causal memory
 * (Ahamad, Neiger, Burns, Kohli and Hutto 1995, §2). Each candidate value is decided by the lab's checker for that
 * model on the history completed with it, so the weaker the model, the more values it admits.
 */
import { defineExercise } from '../../exercises/types';
import type { RegisterValue } from '../data-types';
import { checkCausalConsistency } from '../causal';
import { describeRegisterValue } from '../models';
import { linearizabilityOf } from './linearization-order';
import { sequentialConsistencyOf } from './sequential-order';
import { drawAtomicHistory, historyTable, labelOf, possibleValues, withReadValue, type RegisterOp } from './small-histories';

export type ReadModel = 'linearizability' | 'sequential' | 'causal';

export interface PossibleReadsParams {
  ops: RegisterOp[];
  /** The id of the read whose value is left open. */
  open: number;
  model: ReadModel;
}

const MODEL_NAMES: Record<ReadModel, string> = {
  linearizability: 'linearizability',
  sequential: 'sequential consistency',
  causal: 'causal consistency',
};

const MODEL_RULES: Record<ReadModel, string> = {
  linearizability: 'one order of all the operations that respects real time (an operation that returned before another was invoked comes first) and in which every read returns the latest write before it',
  sequential: 'one order of all the operations that keeps each client\'s operations in the order it issued them (real time between clients does not count) and in which every read returns the latest write before it',
  causal: 'for each client, an order of all the writes and of that client\'s reads that respects causality (each client\'s own order, and a write before every read that returns its value, transitively) and in which each of those reads returns the latest write before it; different clients may order concurrent writes differently',
};

/** Rewrites the checkers' `op 3` as the label the prompt uses, `D`. */
const withLabels = (text: string) => text.replace(/\bop (\d+)/g, (_, id: string) => labelOf(Number(id)));

const optionId = (value: RegisterValue) => (value === null ? 'unset' : `v${value}`);

/**
 * Verdicts already reached, by variant and value: grading asks for the correct options and then explains each
 * selected one, which would otherwise run the same checks again. Bounded, and cleared when full.
 */
const verdicts = new Map<string, { ok: boolean; explanation: string }>();

/** The lab checker's verdict for the model on the history with the open read returning `value`. */
export function admits(p: PossibleReadsParams, value: RegisterValue): { ok: boolean; explanation: string } {
  const key = JSON.stringify([p.model, p.open, value, p.ops]);
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  if (verdicts.size >= 2000) verdicts.clear();
  const verdict = decide(p, value);
  verdicts.set(key, verdict);
  return verdict;
}

function decide(p: PossibleReadsParams, value: RegisterValue): { ok: boolean; explanation: string } {
  const ops = withReadValue(p.ops, p.open, value);
  if (p.model === 'linearizability') {
    const r = linearizabilityOf(ops);
    return { ok: r.verdict === 'ok', explanation: r.explanation };
  }
  const r = p.model === 'sequential' ? sequentialConsistencyOf(ops) : checkCausalConsistency(ops, { maxSteps: 100_000 });
  if (r.verdict === 'inconclusive') throw new Error(`the ${p.model} checker could not decide a ${ops.length}-operation history`);
  return { ok: r.verdict === 'ok', explanation: withLabels(r.explanation) };
}

export const possibleReads = defineExercise({
  id: 'consistency/possible-reads',
  title: 'Which values may this read return?',
  kind: 'choice',
  multiple: true,
  generate(rng): PossibleReadsParams {
    const model = rng.pick(['linearizability', 'sequential', 'causal'] as const);
    for (;;) {
      const ops = drawAtomicHistory(rng, rng.int(5, 6), rng.int(2, 3));
      const reads = ops.filter((op) => op.input.f === 'read');
      const open = rng.pick(reads).id;
      const p = { ops: withReadValue(ops, open, null), open, model };
      const allowed = possibleValues(ops).filter((value) => admits(p, value).ok).length;
      // Some value must be right (the atomic register's is, for every model) and some wrong, or there is nothing to decide.
      if (allowed >= 1 && allowed < possibleValues(ops).length) return p;
    }
  },
  prompt: (p) => ({
    text: `Clients used one shared register, which starts **unset**. Written values are distinct, so a value names the write that wrote it. Every operation completed at the times shown, but the value that read ${labelOf(p.open)} returned is left out:\n\n${historyTable(p.ops, p.open)}\n\nUnder **${MODEL_NAMES[p.model]}**, which values could ${labelOf(p.open)} have returned? A value is possible when the history, with ${labelOf(p.open)} returning it, satisfies the model: there is ${MODEL_RULES[p.model]}. Pick every possible value.`,
  }),
  options: (p) => possibleValues(p.ops).map((value) => ({ id: optionId(value), label: describeRegisterValue(value) })),
  correct: (p) => possibleValues(p.ops).filter((value) => admits(p, value).ok).map(optionId),
  explain(p, id) {
    const value = possibleValues(p.ops).find((v) => optionId(v) === id) as RegisterValue;
    const verdict = admits(p, value);
    const read = `${labelOf(p.open)} returning ${describeRegisterValue(value)}`;
    return verdict.ok ? `Possible: with ${read}, the history satisfies ${MODEL_NAMES[p.model]}.` : `Not possible: with ${read}, the history breaks ${MODEL_NAMES[p.model]}. ${verdict.explanation}`;
  },
  hints: (p) => [
    `Try each value in turn: fill it in as ${labelOf(p.open)}'s output and look for the order (or, for causal consistency, the per-client orders) the model asks for.`,
    p.model === 'linearizability'
      ? 'Only writes that could take effect before the read returned and are not certainly overwritten before it was invoked are candidates.'
      : p.model === 'sequential'
        ? 'Real time between clients is free: a whole client\'s operations may slide earlier or later, but the read\'s own client fixes what it has already written and seen.'
        : 'A client must see its own writes and what it has read in causal order, but writes that are concurrent (neither caused the other) may be seen in any order, differently by each client.',
  ],
  solution(p) {
    const lines = possibleValues(p.ops).map((value) => {
      const verdict = admits(p, value);
      return `- ${describeRegisterValue(value)}: ${verdict.ok ? '**possible**' : `not possible. ${verdict.explanation}`}`;
    });
    return {
      text: `${lines.join('\n')}\n\nThe weaker the model, the more values a read may return: linearizability lets a read see only what real time has not ruled out; sequential consistency lets a client lag behind others, as long as it never sees values go back in its own order; causal consistency also lets clients disagree on the order of concurrent writes.`,
    };
  },
});
