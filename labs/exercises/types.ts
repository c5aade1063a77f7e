/**
 * What an exercise is: a seeded generator of variants, a prompt, a worked solution, and a grader, kept side by
 * side in one definition (the way learn.svelte.dev keeps an exercise's README, starter and solution together).
 *
 * A definition is code, not data: its fields are functions of the variant parameters `P`, which `generate` draws
 * from a seeded `Random`. Everything a definition returns (parameters, prompts, checks) is plain JSON, so it can be
 * made at build time, cross a worker boundary, and be reproduced by a command-line regrader from the same seed.
 * The registry (registry.ts) validates definitions when they are registered; grade.ts grades answers against them.
 */
import type { Output } from '../display/outputs';
import type { Random } from '../sim/random';

/** The kinds of exercise, one grading rule each (see grade.ts). */
export type ExerciseKind = 'choice' | 'numeric' | 'structured' | 'code';

/**
 * What the learner reads: text in a small, safe markdown subset rendered by `renderPromptHtml` (prompt.ts), and
 * optional figures drawn by the display views.
 *
 * Supported markdown: paragraphs (separated by a blank line), `inline code`, **bold**, *emphasis*, bullet lists
 * (lines starting with `- ` or `* `) and fenced code blocks. Everything else, HTML included, shows as typed.
 * Example: `{ text: 'Node **b** receives `m` at time 7.\n\n- a sends first\n- c crashes', figures: [spacetime] }`.
 */
export interface Prompt {
  text: string;
  figures?: Output[];
}

/**
 * One named verdict within a grade: what was checked, whether it held, and what to tell the learner.
 * Feedback never gives the expected answer away unless the exercise means it to.
 * Example: `{ name: 'own entry', passed: false, feedback: 'On a receive, b increments its own entry after the merge.' }`.
 */
export interface Check {
  name: string;
  passed: boolean;
  feedback: string;
}

/** Fields every kind shares. `P` is the variant's parameters: plain JSON, drawn by `generate`. */
export interface ExerciseBase<P> {
  /**
   * Stable identity: kebab-case segments separated by '/', the first naming the chapter. It keys stored progress
   * and derives variant seeds, so renaming an exercise orphans learners' answers. Example: `'intro/count-drops'`.
   */
  id: string;
  /** Short heading. Example: `'Counting dropped messages'`. */
  title: string;
  /** Weight in a chapter's total; defaults to 1. Example: `2`. */
  points?: number;
  /**
   * Draws one variant's parameters. It must use only `rng` (never Math.random or a clock) and return plain JSON.
   * grade.ts's `instantiate` calls it as `generate(new Random(seed).fork(id))`.
   * Example: `(rng) => ({ nodes: rng.int(3, 5), lossPercent: rng.pick([10, 20, 30]) })`.
   */
  generate(rng: Random): P;
  /** The question for one variant. Example: `(p) => ({ text: `With ${p.nodes} nodes, how many messages...?` })`. */
  prompt(p: P): Prompt;
  /** The worked explanation, revealed after the learner has tried. Example: `(p) => ({ text: 'Each node sends...' })`. */
  solution(p: P): Prompt;
  /** Hints, shown one at a time before the solution, in order. Example: `(p) => ['Count the sends of node a first.']`. */
  hints?(p: P): string[];
}

/** One option of a choice exercise. `id` is what an answer stores; `label` is markdown. Example: `{ id: 'r2w2', label: 'R = 2, W = 2' }`. */
export interface ChoiceOption {
  id: string;
  label: string;
}

/**
 * Pick one option (`multiple: false`) or several (`multiple: true`).
 * Graded by `grade`: one option is all or nothing; several earn max(0, (right picks − wrong picks) / correct count).
 */
export interface ChoiceExercise<P> extends ExerciseBase<P> {
  kind: 'choice';
  /** The options, in display order; ids unique within the variant. Example: `(p) => [{ id: 'a', label: 'Node a' }, ...]`. */
  options(p: P): ChoiceOption[];
  /** Whether the learner may select more than one option. Example: `true`. */
  multiple: boolean;
  /** The ids of the correct options (exactly one when `multiple` is false). Example: `(p) => ['r2w2', 'r3w1']`. */
  correct(p: P): string[];
  /** Why a selected option is right or wrong, shown when it is selected. Example: `(p, id) => id === 'r1w1' ? 'R + W = 2 is not more than N = 3.' : ''`. */
  explain?(p: P, optionId: string): string;
}

/**
 * A single number, typed by the learner. It passes when |answer − expected| ≤ absolute or
 * |answer − expected| ≤ relative·|expected|; with neither given, the answer must be exact (up to rounding).
 */
export interface NumericExercise<P> extends ExerciseBase<P> {
  kind: 'numeric';
  /** The expected value. Example: `(p) => p.nodes * (p.nodes - 1)`. */
  answer(p: P): number;
  /** Allowed error. Example: `{ absolute: 0.5 }` or `{ relative: 0.01 }` (1%). */
  tolerance: { absolute?: number; relative?: number };
  /**
   * Wrong answers learners are known to give, each with what it reveals. A wrong answer within the tolerance of
   * one of them gets its feedback instead of "too high" or "too low"; the first match wins.
   * Example: `(p) => [{ value: p.n, feedback: 'That counts the nodes, not the messages.' }]`.
   */
  mistakes?(p: P): { value: number; feedback: string }[];
  /** Shown after the input and accepted after the number ('12 ms'). Example: `'ms'`. */
  unit?: string;
}

/**
 * How the learner's text is read for a structured exercise, and the value `check` receives:
 *
 * - `vector`: numbers, `[2, 0, 1]` (brackets optional) → `number[]`.
 * - `list`: names in order, `a, c, b` (brackets optional) → `string[]`.
 * - `set`: names in any order, `{c, a}` (braces optional) → `string[]`, sorted, duplicates dropped.
 * - `pairs`: ordered pairs, `(a, b), (b, c)` or `a -> b, b -> c` → `[string, string][]`, in the order written.
 *
 * Commas between items may be replaced by spaces. Names are letters, digits, `_`, `.`, `:` and `-`.
 */
export interface StructuredValues {
  vector: number[];
  list: string[];
  set: string[];
  pairs: [string, string][];
}

export type StructuredFormat = keyof StructuredValues;

/**
 * An answer written as text in one of the `StructuredValues` formats. Text that does not parse gets the parser's
 * message and no checks; parsed values go to `check`. Score: the fraction of checks passed.
 */
export interface StructuredExercise<P, F extends StructuredFormat = StructuredFormat> extends ExerciseBase<P> {
  kind: 'structured';
  /** How the text is parsed. Example: `'vector'`. */
  format: F;
  /** The text of a correct answer, shown with the solution; tests hold it to passing. Example: `(p) => '[2, 1, 3]'`. */
  reference(p: P): string;
  /** Placeholder shown in the empty input. Example: `'[0, 0, 0]'`. */
  placeholder?: string;
  /**
   * Verdicts on a parsed answer; at least one. Feedback should say what is wrong, not what is right.
   * Example: `(p, v) => [{ name: 'length', passed: v.length === 3, feedback: 'One entry per node: 3 entries.' }]`.
   */
  check(p: P, value: StructuredValues[F]): Check[];
}

/**
 * What a code exercise's checks are given besides the learner's function.
 */
export interface CodeCheckContext {
  /** Everything the learner's module exports, for exercises that ask for more than one function. */
  exports: Record<string, unknown>;
  /**
   * Runs one check so that anything it throws (usually the learner's function) becomes a failed check named
   * `name`, with the learner's line in the feedback, instead of ending the whole grade.
   * Example: `ctx.check('empty log', () => ({ passed: fn([]) === 0, feedback: 'An empty log has length 0.' }))`.
   */
  check(name: string, body: () => CheckVerdict | Promise<CheckVerdict>): Promise<Check>;
}

/** A check's verdict before it is named. */
export type CheckVerdict = Omit<Check, 'name'>;

/**
 * The learner writes a TypeScript module exporting one function; checks call it (often inside the simulator).
 * Score: the fraction of checks passed. The code runs with runModule (labs/runtime/module.ts), importing only
 * `modules`; time limits are the caller's (a terminable worker), see `timeoutResult` in grade.ts.
 */
export interface CodeExercise<P, F = (...args: never[]) => unknown> extends ExerciseBase<P> {
  kind: 'code';
  /** The function's type, shown to the learner. Example: `'function onReceive(local: number, stamp: number): number'`. */
  signature: string;
  /** The source the editor starts with. Example: `(p) => 'export function onReceive(local: number, stamp: number): number {\n  return 0;\n}\n'`. */
  starter(p: P): string;
  /** A source that passes every check, for every variant; tests hold it to that. Example: `(p) => 'export function onReceive(...) { ... }'`. */
  reference(p: P): string;
  /** The export the checks call. Example: `'onReceive'`. */
  exportName: string;
  /** Modules the learner may import, by specifier. Example: `{ 'labs/sim': simModule }`. */
  modules?: Record<string, unknown>;
  /**
   * Verdicts on the learner's function; at least one. Wrap each in `ctx.check` so a throw fails one check only;
   * anything thrown outside it fails the grade as a whole (still with the learner's line when it came from their code).
   * Example: `async (p, fn, ctx) => [await ctx.check('max + 1', () => ({ passed: fn(3, 5) === 6, feedback: '...' }))]`.
   */
  checks(p: P, fn: F, ctx: CodeCheckContext): Check[] | Promise<Check[]>;
}

/**
 * An exercise definition with parameters `P`. Plain `Exercise` (P = unknown) is the type of any definition, whatever
 * its parameters: a `NumericExercise<{ n: number }>` is assignable to it (callbacks are methods, so parameters are
 * checked bivariantly), while `Exercise<never>` accepts none, because `generate` must then return `never`.
 */
export type Exercise<P = unknown> =
  | ChoiceExercise<P>
  | NumericExercise<P>
  | StructuredExercise<P, 'vector'>
  | StructuredExercise<P, 'list'>
  | StructuredExercise<P, 'set'>
  | StructuredExercise<P, 'pairs'>
  | CodeExercise<P>;

/**
 * A learner's answer, as stored and submitted: plain JSON, untrusted (grade.ts checks its shape).
 *
 * - choice: the selected option ids. Example: `{ kind: 'choice', selected: ['r2w2'] }`.
 * - numeric: a number, or the text typed (parsed by `parseNumber`). Example: `{ kind: 'numeric', value: '12.5 ms' }`.
 * - structured: the text typed. Example: `{ kind: 'structured', text: '[2, 0, 1]' }`.
 * - code: the whole module source. Example: `{ kind: 'code', source: 'export function f() {}' }`.
 */
export type Answer =
  | { kind: 'choice'; selected: string[] }
  | { kind: 'numeric'; value: number | string }
  | { kind: 'structured'; text: string }
  | { kind: 'code'; source: string };

/**
 * The outcome of grading one answer for one variant. Plain JSON (it crosses worker boundaries).
 * `score` is in [0, 1] (the rule depends on the kind, see grade.ts); `passed` is `score === 1`.
 */
export interface GradeResult {
  exerciseId: string;
  seed: number;
  score: number;
  passed: boolean;
  checks: Check[];
}

/**
 * Type-checks a definition and keeps its kind: `defineExercise({ kind: 'numeric', generate: (rng) => ({ n: rng.int(3, 5) }),
 * answer: (p) => p.n * 2, ... })` infers `P` from `generate` (and a structured exercise's format, a code exercise's
 * function type from the `fn` parameter of `checks` when it is annotated).
 */
export function defineExercise<P>(def: ChoiceExercise<P>): ChoiceExercise<P>;
export function defineExercise<P>(def: NumericExercise<P>): NumericExercise<P>;
export function defineExercise<P, F extends StructuredFormat = StructuredFormat>(def: StructuredExercise<P, F>): StructuredExercise<P, F>;
export function defineExercise<P, F = (...args: never[]) => unknown>(def: CodeExercise<P, F>): CodeExercise<P, F>;
export function defineExercise(def: Exercise): Exercise {
  return def;
}
