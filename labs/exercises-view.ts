/**
 * What the page needs to show one variant of an exercise, as plain data: its prompt and the shape of its answer
 * form. Made at build time for the default variant (so the question reads with JavaScript off) and in the worker
 * for any other variant, from the same definition.
 */
import { findExercise } from './catalog';
import { instantiate, variantParams } from './exercises/grade';
import type { ChoiceOption, Exercise, Prompt, StructuredFormat } from './exercises/types';

export interface ExerciseView {
  id: string;
  title: string;
  kind: Exercise['kind'];
  points: number;
  seed: number;
  prompt: Prompt;
  options?: ChoiceOption[];
  multiple?: boolean;
  unit?: string;
  format?: StructuredFormat;
  placeholder?: string;
  signature?: string;
  starter?: string;
  hints: string[];
  /** Whether other seeds give other questions (a fixed question has no "New variant"). */
  variants: boolean;
}

export function exerciseView(def: Exercise<unknown>, seed: number): ExerciseView {
  const { params, prompt } = instantiate(def, seed);
  const view: ExerciseView = { id: def.id, title: def.title, kind: def.kind, points: def.points ?? 1, seed, prompt, hints: def.hints?.(params) ?? [], variants: hasVariants(def) };
  switch (def.kind) {
    case 'choice':
      view.options = def.options(params);
      view.multiple = def.multiple;
      break;
    case 'numeric':
      view.unit = def.unit;
      break;
    case 'structured':
      view.format = def.format;
      view.placeholder = def.placeholder;
      break;
    case 'code':
      view.signature = def.signature;
      view.starter = def.starter(params);
      break;
  }
  return view;
}

export async function exerciseViewById(id: string, seed: number): Promise<ExerciseView> {
  return exerciseView(await findExercise(id), seed);
}

/** The worked solution of a variant, with the reference answer's text where the kind has one. */
export async function exerciseSolution(id: string, seed: number): Promise<{ prompt: Prompt; reference?: string }> {
  const def = await findExercise(id);
  const { params } = instantiate(def, seed);
  const prompt = def.solution(params);
  if (def.kind === 'structured' || def.kind === 'code') return { prompt, reference: def.reference(params) };
  // Twelve significant digits: the answer as computed, without binary floating point's tail (1.5625, not 1.5624999999999998).
  if (def.kind === 'numeric') return { prompt, reference: `${Number(def.answer(params).toPrecision(12))}${def.unit ? ` ${def.unit}` : ''}` };
  return { prompt };
}

/** True when a few seeds draw different parameters; a definition whose `generate` ignores its seed has none. */
export function hasVariants(def: Exercise<unknown>): boolean {
  const first = JSON.stringify(variantParams(def, 0));
  return [1, 2, 3].some((seed) => JSON.stringify(variantParams(def, seed)) !== first);
}
