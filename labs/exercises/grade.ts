/**
 * Variants and grading: the one path from (definition, seed, answer) to a score, used by the page in a worker and
 * by a command-line regrader, which must agree bit for bit.
 *
 * Reproducing a variant. A variant is named by a 32-bit seed. Its parameters are
 * `def.generate(new Random(seed).fork(def.id))`, that is, drawn from a `Random` (labs/sim/random.ts) seeded with
 * `hashSeed(seed, def.id)`. The seed itself is `variantSeed(...)`: 0 for a self-paced reader (the variant printed at
 * build time), otherwise derived from the assignment and learner ids. Given (assignment id, learner id) a regrader
 * recomputes every seed and every variant without any other state.
 *
 * Scores, in [0, 1], by kind:
 * - choice, one option: 1 if it is the correct one, else 0.
 * - choice, several options: max(0, (correct picks − wrong picks) / number of correct options), so picking every
 *   option earns little and guessing is not rewarded; a selection that is empty or names unknown options scores 0.
 * - numeric: 1 within tolerance, else 0.
 * - structured and code: the fraction of checks passed; text that does not parse, and code that does not compile,
 *   does not load or lacks the export, score 0.
 *
 * `grade` never throws and never rejects: a malformed answer (wrong kind, NaN, unparsable text, code that fails),
 * and even a failing exercise definition, become failed checks with feedback. It sets no time limit; the caller
 * runs it in a worker it can terminate and reports `timeoutResult` instead. Learner code shares the grader's realm
 * (it could patch `Math` or `Array.prototype` under the checks), so a regrader that must resist tampering runs each
 * submission in a fresh worker.
 */
import { runModule, toSourceError, type FunctionInvoker } from '../runtime/module';
import { Random } from '../sim/random';
import { failed, result } from './outcomes';

export { variantSeed, nextVariantSeed } from './variants';
export type { VariantRequest } from './variants';
export { timeoutResult } from './outcomes';
import { parseNumber, parseStructured } from './parse';
import type {
  Answer,
  Check,
  CheckVerdict,
  ChoiceExercise,
  CodeCheckContext,
  CodeExercise,
  Exercise,
  GradeResult,
  NumericExercise,
  Prompt,
  StructuredExercise,
} from './types';


/** One variant of an exercise: its parameters and its prompt. */
export interface Instance<P> {
  params: P;
  prompt: Prompt;
}

/** The variant named by `seed` (an integer in [0, 2^32)): parameters `def.generate(new Random(seed).fork(def.id))` and their prompt. */
export function instantiate<P>(def: Exercise<P>, seed: number): Instance<P> {
  const params = variantParams(def, seed);
  return { params, prompt: def.prompt(params) };
}

/** The parameters of the variant named by `seed`, exactly as `instantiate` draws them, without making the prompt. */
export function variantParams<P>(def: Exercise<P>, seed: number): P {
  return def.generate(new Random(seed).fork(def.id));
}

/**
 * A correct answer to the variant with these parameters, from the definition's own solution fields: the correct
 * options, the expected number, the reference text or the reference source. Tests grade it for many seeds.
 */
export function referenceAnswer<P>(def: Exercise<P>, params: P): Answer {
  switch (def.kind) {
    case 'choice':
      return { kind: 'choice', selected: def.correct(params) };
    case 'numeric':
      return { kind: 'numeric', value: def.answer(params) };
    case 'structured':
      return { kind: 'structured', text: def.reference(params) };
    case 'code':
      return { kind: 'code', source: def.reference(params) };
  }
}

/**
 * Grades one answer (untrusted JSON, checked here) to the variant named by `seed`. See the file comment for scores.
 * `options.invoke` is how a code answer's module function is made and called (runModule's `invoke`): the sandboxed
 * regrader passes one that runs it in a fresh realm.
 */
export async function grade<P>(def: Exercise<P>, seed: number, answer: Answer, options: { invoke?: FunctionInvoker } = {}): Promise<GradeResult> {
  try {
    const mismatch = answerShapeProblem(def, answer);
    if (mismatch) return result(def, seed, 0, [failed('answer', mismatch)]);
    const params = variantParams(def, seed);
    const graded = await gradeKind(def, params, answer, options.invoke);
    return result(def, seed, graded.score, graded.checks);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return result(def, seed, 0, [failed('grader', `This exercise's grader failed (${message}), so the answer could not be graded. Please report it.`)]);
  }
}


interface Graded {
  score: number;
  checks: Check[];
}

const KIND_PHRASES: Record<Exercise['kind'], string> = {
  choice: 'a choice of options',
  numeric: 'a number',
  structured: 'typed text',
  code: 'code',
};

/** Why an answer cannot be graded as this kind at all, or undefined when its shape is right. */
function answerShapeProblem(def: Exercise<unknown>, answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null || !('kind' in answer)) return 'No answer was given.';
  const given = answer as Record<string, unknown>;
  if (given.kind !== def.kind) {
    const phrase = KIND_PHRASES[given.kind as Exercise['kind']];
    return `This exercise asks for ${KIND_PHRASES[def.kind]}, but the answer is ${phrase ?? 'of an unknown kind'}.`;
  }
  switch (def.kind) {
    case 'choice':
      return Array.isArray(given.selected) && given.selected.every((id) => typeof id === 'string') ? undefined : 'The answer does not list the options chosen.';
    case 'numeric':
      return typeof given.value === 'number' || typeof given.value === 'string' ? undefined : 'The answer has no number.';
    case 'structured':
      return typeof given.text === 'string' ? undefined : 'The answer has no text.';
    case 'code':
      return typeof given.source === 'string' ? undefined : 'The answer has no code.';
  }
}

function gradeKind<P>(def: Exercise<P>, params: P, answer: Answer, invoke?: FunctionInvoker): Graded | Promise<Graded> {
  switch (def.kind) {
    case 'choice':
      return gradeChoice(def, params, (answer as Extract<Answer, { kind: 'choice' }>).selected);
    case 'numeric':
      return gradeNumeric(def, params, (answer as Extract<Answer, { kind: 'numeric' }>).value);
    case 'structured':
      return gradeStructured(def, params, (answer as Extract<Answer, { kind: 'structured' }>).text);
    case 'code':
      return gradeCode(def, params, (answer as Extract<Answer, { kind: 'code' }>).source, invoke);
  }
}

function gradeChoice<P>(def: ChoiceExercise<P>, params: P, selection: string[]): Graded {
  const options = def.options(params);
  const correct = new Set(def.correct(params));
  if (correct.size === 0 || (!def.multiple && correct.size !== 1)) throw new Error(`${correct.size} correct options for this variant`);
  const selected = new Set(selection);
  const unknown = [...selected].filter((id) => !options.some((option) => option.id === id));
  if (unknown.length > 0) return { score: 0, checks: [failed('selection', `'${unknown[0]}' is not one of this exercise's options.`)] };
  if (selected.size === 0) return { score: 0, checks: [failed('selection', def.multiple ? 'Choose at least one option.' : 'Choose an option.')] };
  if (!def.multiple && selected.size > 1) return { score: 0, checks: [failed('selection', 'Choose exactly one option.')] };
  const checks: Check[] = options
    .filter((option) => selected.has(option.id))
    .map((option) => {
      const right = correct.has(option.id);
      const feedback = def.explain?.(params, option.id) || (right ? 'Right.' : 'Not this one.');
      return { name: option.label, passed: right, feedback };
    });
  const hits = checks.filter((check) => check.passed).length;
  const wrongPicks = checks.length - hits;
  const missed = correct.size - hits;
  if (def.multiple && missed > 0) {
    checks.push(failed('missing', missed === 1 ? 'One more option is also correct.' : `${missed} more options are also correct.`));
  }
  return { score: Math.max(0, (hits - wrongPicks) / correct.size), checks };
}

/** Floating-point slack on top of the stated tolerance, relative to the expected value (absolute near zero). */
const ROUNDING_SLACK = 1e-9;

/**
 * Whether `value` is accepted as `target` under a numeric exercise's tolerance: its error is at most the largest of
 * `absolute`, `relative × |target|` and the rounding slack. The grader uses it for the answer and for each known
 * mistake, and definitions use it to keep their mistakes apart from the answer and from each other.
 */
export function withinTolerance(tolerance: NumericExercise<unknown>['tolerance'], target: number, value: number): boolean {
  return Math.abs(value - target) <= Math.max(tolerance.absolute ?? 0, (tolerance.relative ?? 0) * Math.abs(target), ROUNDING_SLACK * Math.max(1, Math.abs(target)));
}

/**
 * The known mistakes that a grader can tell apart: finite, not accepted as the answer, and not accepted as an
 * earlier mistake in the list (whose feedback would be shown instead). A definition whose candidate mistakes
 * depend on the variant filters them with this, so every mistake it lists gets its own feedback.
 */
export function distinctMistakes(
  tolerance: NumericExercise<unknown>['tolerance'],
  answer: number,
  candidates: { value: number; feedback: string }[],
): { value: number; feedback: string }[] {
  const kept: { value: number; feedback: string }[] = [];
  for (const mistake of candidates) {
    if (!Number.isFinite(mistake.value) || withinTolerance(tolerance, answer, mistake.value)) continue;
    if (kept.some((earlier) => withinTolerance(tolerance, earlier.value, mistake.value) || withinTolerance(tolerance, mistake.value, earlier.value))) continue;
    kept.push(mistake);
  }
  return kept;
}

function gradeNumeric<P>(def: NumericExercise<P>, params: P, value: number | string): Graded {
  const parsed = parseNumber(value, def.unit);
  if (!parsed.ok) return { score: 0, checks: [failed('number', parsed.message)] };
  const expected = def.answer(params);
  const near = (target: number) => withinTolerance(def.tolerance, target, parsed.value);
  if (near(expected)) return { score: 1, checks: [{ name: 'value', passed: true, feedback: 'Correct.' }] };
  const mistake = def.mistakes?.(params).find((m) => near(m.value));
  return { score: 0, checks: [failed('value', mistake?.feedback ?? (parsed.value > expected ? 'Too high.' : 'Too low.'))] };
}

function gradeStructured<P>(def: StructuredExercise<P>, params: P, text: string): Graded {
  const parsed = parseStructured(def.format, text, def.placeholder);
  if (!parsed.ok) return { score: 0, checks: [failed('format', parsed.message)] };
  return fractionPassed(def.check(params, parsed.value as never));
}

async function gradeCode<P>(def: CodeExercise<P>, params: P, source: string, invoke?: FunctionInvoker): Promise<Graded> {
  // A filename no grader file can have, because stack frames are matched to the learner's code by it.
  const filename = `learner/${def.id}.ts`;
  let exports: Record<string, unknown>;
  try {
    exports = await runModule(source, filename, { modules: def.modules ?? {}, ...(invoke ? { invoke } : {}) });
  } catch (thrown) {
    const error = toSourceError(thrown, filename);
    const feedback = error.phase === 'compile' ? `Your code does not compile: ${error.describe()}` : `Your code threw while loading: ${error.describe()}`;
    return { score: 0, checks: [failed(error.phase === 'compile' ? 'compiles' : 'loads', feedback)] };
  }
  const fn = exports[def.exportName];
  if (typeof fn !== 'function') {
    const feedback =
      fn === undefined
        ? `Your code must export a function named ${def.exportName}: write \`export function ${def.exportName}(...)\`.`
        : `Your code exports ${def.exportName} as ${typeof fn === 'object' ? 'an object' : `a ${typeof fn}`}, but it must be a function.`;
    return { score: 0, checks: [failed('export', feedback)] };
  }
  const ctx: CodeCheckContext = {
    exports,
    async check(name: string, body: () => CheckVerdict | Promise<CheckVerdict>): Promise<Check> {
      try {
        const verdict = await body();
        return { name, passed: verdict.passed === true, feedback: String(verdict.feedback) };
      } catch (thrown) {
        return failed(name, thrownFeedback(thrown, filename));
      }
    },
  };
  try {
    return fractionPassed(await def.checks(params, fn as never, ctx));
  } catch (thrown) {
    return { score: 0, checks: [failed('checks', thrownFeedback(thrown, filename))] };
  }
}

/** Feedback for a throw during a check: the learner's line when their code is on the stack. */
function thrownFeedback(thrown: unknown, filename: string): string {
  const error = toSourceError(thrown, filename);
  if (error.line !== undefined) return `Your code threw: ${error.describe()}`;
  return `The check stopped with an error: ${error.message}. Your function may have thrown, or returned something of the wrong type.`;
}

function fractionPassed(checks: Check[]): Graded {
  if (!Array.isArray(checks) || checks.length === 0) throw new Error('the exercise returned no checks');
  return { score: checks.filter((check) => check.passed).length / checks.length, checks };
}


