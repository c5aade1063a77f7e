/**
 * Shared by the chapters' exercise tests: the seeds every reference answer must pass, a grade with the failed
 * checks' feedback joined into one string to assert on, and short answer builders.
 */
import { grade } from './grade';
import type { Answer, Exercise } from './types';

export const SEEDS = Array.from({ length: 12 }, (_, i) => i * 7919);

export async function gradeText(def: Exercise, seed: number, answer: Answer) {
  const result = await grade(def, seed, answer);
  return { ...result, text: result.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.feedback}`).join(' | ') };
}

export const structured = (text: string): Answer => ({ kind: 'structured', text });
export const numeric = (value: number): Answer => ({ kind: 'numeric', value });
export const choice = (...selected: string[]): Answer => ({ kind: 'choice', selected });
export const code = (source: string): Answer => ({ kind: 'code', source });
