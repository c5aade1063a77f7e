/**
 * Shared by the chapters' exercise tests: the seeds every reference answer must pass, the test that holds each
 * reference to them, the tests that hold numeric mistakes to their feedback and structured answers' placeholders
 * to their format, a grade with the failed checks' feedback joined into one string to assert on, and short
 * answer builders.
 */
import { describe, expect, it } from 'vitest';
import { grade, referenceAnswer, variantParams, withinTolerance } from './grade';
import { exerciseSets } from '../catalog';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts, parsedPlaceholder, referenceLikePlaceholder } from './oracle-support';
import { ExerciseRegistry } from './registry';
import { parseStructured } from './parse';
import type { Answer, Exercise, NumericExercise, StructuredExercise } from './types';

export const SEEDS = Array.from({ length: 12 }, (_, i) => i * 7919);

/** One test per exercise: its reference answer passes every check, with full score, on every seed of `SEEDS`. */
export function itPassesEveryVariant(exercises: readonly Exercise[]): void {
  it.each(exercises.map((def) => [def.id, def] as const))('%s: the reference answer passes every variant', async (_id, def) => {
    for (const seed of SEEDS) {
      const result = await grade(def, seed, referenceAnswer(def, variantParams(def, seed)));
      expect(result.checks.filter((c) => !c.passed), `seed ${seed}`).toEqual([]);
      expect(result.score).toBe(1);
    }
  });
}

/** `count` seeds spread over the 32-bit range, 0 first, for tests that enumerate variants. */
export function manySeeds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 2_654_435_761) >>> 0);
}

/**
 * One test per numeric exercise with `mistakes`: on every seed, each listed mistake is a finite number the grader
 * does not accept as the answer nor as another listed mistake; and answering it gets exactly its own feedback,
 * graded on every `gradeEvery`-th seed (grading draws the variant again, which is the slow part, and the path from
 * a value to its feedback is the same on every seed).
 */
export function itExplainsEveryMistake(exercises: readonly Exercise[], seeds: readonly number[], gradeEvery = 10): void {
  const numeric = exercises.filter((def): def is NumericExercise<unknown> => def.kind === 'numeric' && def.mistakes !== undefined);
  it.each(numeric.map((def) => [def.id, def] as const))('%s: every known mistake gets its own feedback', async (_id, def) => {
    for (const [s, seed] of seeds.entries()) {
      const params = variantParams(def, seed);
      const answer = def.answer(params);
      const mistakes = def.mistakes?.(params) ?? [];
      for (const [k, mistake] of mistakes.entries()) {
        expect(Number.isFinite(mistake.value), `seed ${seed}: ${mistake.feedback}`).toBe(true);
        expect(withinTolerance(def.tolerance, answer, mistake.value), `seed ${seed}: the mistake ${mistake.value} is accepted as ${answer}`).toBe(false);
        mistakes.slice(0, k).forEach((earlier) => expect(withinTolerance(def.tolerance, earlier.value, mistake.value), `seed ${seed}: ${mistake.value} is taken for ${earlier.value}`).toBe(false));
        if (s % gradeEvery !== 0) continue;
        const result = await grade(def, seed, { kind: 'numeric', value: mistake.value });
        expect(result.score).toBe(0);
        expect(result.checks.map((c) => c.feedback)).toEqual([mistake.feedback]);
      }
    }
  });
}

/** A structured answer's shape: its brackets and separators, each item written as `#` (a number) or `x` (a name). */
export function answerShape(text: string): string {
  return text
    .replace(/[A-Za-z0-9_.:-]+/g, (item) => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(item) ? '#' : 'x'))
    .replace(/\s+/g, '');
}

/**
 * One test per structured exercise: its placeholder parses in its format; every example the prompt gives after
 * "like" parses too; and on every seed the reference answer, which the grader accepts, is written the way the
 * placeholder shows (same brackets, numbers where it has numbers, names where it has names), with one item more
 * or fewer than the placeholder at most repeated. So the input's label, its placeholder, the prompt and the
 * grader agree on what an answer looks like.
 */
export function itShowsTheAnswerFormat(exercises: readonly Exercise[], seeds: readonly number[]): void {
  const structuredDefs = exercises.filter((def): def is StructuredExercise<unknown> => def.kind === 'structured');
  it.each(structuredDefs.map((def) => [def.id, def] as const))('%s: placeholder, prompt examples and reference agree on the format', async (_id, def) => {
    expect(def.placeholder, 'a structured exercise shows an example answer').toBeTruthy();
    const placeholder = def.placeholder as string;
    expect(parseStructured(def.format, placeholder)).toMatchObject({ ok: true });
    const itemShape = (text: string) => new Set(answerShape(text).replace(/[^#x]/g, ''));
    for (const seed of seeds) {
      const params = variantParams(def, seed);
      const examples = [...def.prompt(params).text.matchAll(/like `([^`]+)`/g)].map((m) => m[1] as string);
      for (const example of examples) {
        expect(parseStructured(def.format, example), `prompt example ${example}`).toMatchObject({ ok: true });
        expect(itemShape(example), `prompt example ${example} against placeholder ${placeholder}`).toEqual(itemShape(placeholder));
      }
      const reference = def.reference(params);
      expect((await grade(def, seed, { kind: 'structured', text: reference })).passed, `seed ${seed}: ${reference}`).toBe(true);
      const [open, close] = [answerShape(placeholder)[0], answerShape(placeholder).at(-1)];
      expect([answerShape(reference)[0], answerShape(reference).at(-1)], `seed ${seed}: ${reference} is not written like ${placeholder}`).toEqual([open, close]);
      const items = itemShape(reference);
      if (items.size > 0) expect(items, `seed ${seed}: ${reference} has other items than ${placeholder}`).toEqual(itemShape(placeholder));
    }
  });
}

export async function gradeText(def: Exercise, seed: number, answer: Answer) {
  const result = await grade(def, seed, answer);
  return { ...result, text: result.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.feedback}`).join(' | ') };
}

export const structured = (text: string): Answer => ({ kind: 'structured', text });
export const numeric = (value: number): Answer => ({ kind: 'numeric', value });
export const choice = (...selected: string[]): Answer => ({ kind: 'choice', selected });
export const code = (source: string): Answer => ({ kind: 'code', source });

/**
 * One test per code exercise: the reference passes every check on `count` variants drawn by `enumerateSeeds` (a
 * code exercise runs the learner's function in real simulations, so counts are set per exercise). The environment
 * variable HB_CODE_VARIANTS raises every count for a deep run.
 */
export function describeCodeReferences(cases: readonly (readonly [Exercise, number])[]): void {
  const variants = (fallback: number) => Number(process.env.HB_CODE_VARIANTS) || fallback;
  describe('code exercises: the reference passes every variant drawn (hundreds of seeds)', () => {
    for (const [def, count] of cases) {
      it(`${def.id}: ${variants(count)} variants`, async () => {
        for (const seed of enumerateSeeds(variants(count))) {
          const result = await grade(def, seed, referenceAnswer(def, variantParams(def, seed)));
          expect(result.checks.filter((c) => !c.passed), `${def.id}, seed ${seed}`).toEqual([]);
        }
      });
    }
  });
}

/**
 * A structured exercise's placeholder parses, the prompt shows it as its example, and on each seed the reference
 * answer rewritten in the placeholder's shape is accepted (a reader who copies the example's shape is not failed).
 */
export async function expectReferenceWrittenLikePlaceholder(def: Exercise, seeds: readonly number[]): Promise<void> {
  expect(() => parsedPlaceholder(def)).not.toThrow();
  if (def.kind !== 'structured') return;
  for (const seed of seeds) {
    const written = referenceLikePlaceholder(def, variantParams(def, seed));
    expect((await grade(def, seed, structured(written))).passed, `${def.id} seed ${seed}: ${written}`).toBe(true);
  }
  expect(def.prompt(variantParams(def, 0) as never).text).toContain(`\`${def.placeholder}\``);
}

/**
 * The tests every chapter's exercise set shares: it registers cleanly (the registry checks each definition's shape)
 * with at least eight exercises, three of them code, and every kind; it is the set the catalog loads for its
 * prefix; its variants differ from seed to seed; every prompt and solution can be drawn as plain JSON for a few
 * seeds; and its numeric and choice feedback is plain text, which the page prints escaped.
 */
export function describeChapterSet(set: { chapter: string; exercises: readonly Exercise[] }, prefix: string): void {
  describe('the chapter\'s exercise set', () => {
    it('registers cleanly: at least eight exercises, three of them code, every kind', () => {
      const registry = new ExerciseRegistry().register(...set.exercises);
      expect(registry.list(prefix)).toHaveLength(set.exercises.length);
      expect(set.exercises.length).toBeGreaterThanOrEqual(8);
      expect(set.exercises.filter((def) => def.kind === 'code').length).toBeGreaterThanOrEqual(3);
      expect(new Set(set.exercises.map((def) => def.kind))).toEqual(new Set(['choice', 'numeric', 'structured', 'code']));
      for (const def of set.exercises) expect(def.id.startsWith(`${prefix}/`), def.id).toBe(true);
    });

    it(`is the set the catalog loads for ${prefix}/ ids`, async () => {
      const loaded = await exerciseSets[prefix]?.();
      expect(loaded?.chapter).toBe(set.chapter);
      expect(loaded?.exercises.map((def) => def.id)).toEqual(set.exercises.map((def) => def.id));
    });

    it('draws different variants for different seeds', () => {
      for (const def of set.exercises) {
        const variants = new Set(SEEDS.map((seed) => JSON.stringify(variantParams(def, seed))));
        expect(variants.size, def.id).toBeGreaterThan(6);
      }
    });

    it('draws every prompt and solution, figures included, as plain JSON', () => {
      for (const def of set.exercises) {
        for (const seed of SEEDS.slice(0, 3)) {
          const p = variantParams(def, seed);
          for (const text of [def.prompt(p as never), def.solution(p as never)]) {
            expect(text.text.length, def.id).toBeGreaterThan(50);
            expect(JSON.parse(JSON.stringify(text)), def.id).toEqual(text);
          }
        }
      }
    });

    it('writes its numeric and choice feedback as plain text, which the page prints escaped', () => {
      for (const def of set.exercises) {
        for (const seed of enumerateSeeds(50)) {
          for (const text of feedbackTexts(def, variantParams(def, seed))) expect(text, `${def.id}, seed ${seed}`).not.toMatch(MARKDOWN_IN_FEEDBACK);
        }
      }
    });
  });
}
