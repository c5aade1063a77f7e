/**
 * Shared by the chapters' exercise tests: the seeds every reference answer must pass, the test that holds each
 * reference to them, a grade with the failed checks' feedback joined into one string to assert on, and short
 * answer builders.
 */
import { expect, it } from 'vitest';
import { grade, referenceAnswer, variantParams } from './grade';
import type { Answer, Exercise } from './types';

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

export async function gradeText(def: Exercise, seed: number, answer: Answer) {
  const result = await grade(def, seed, answer);
  return { ...result, text: result.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.feedback}`).join(' | ') };
}

export const structured = (text: string): Answer => ({ kind: 'structured', text });
export const numeric = (value: number): Answer => ({ kind: 'numeric', value });
export const choice = (...selected: string[]): Answer => ({ kind: 'choice', selected });
export const code = (source: string): Answer => ({ kind: 'code', source });
