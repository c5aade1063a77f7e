/**
 * What the page needs to show one variant of an exercise, as plain data: its prompt and the shape of its answer
 * form. Made at build time for the default variant (so the question reads with JavaScript off) and in the worker
 * for any other variant, from the same definition.
 */
import { findExercise } from './catalog';
import { instantiate } from './exercises/grade';
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
}

export function exerciseView(def: Exercise<unknown>, seed: number): ExerciseView {
  const { params, prompt } = instantiate(def, seed);
  const view: ExerciseView = { id: def.id, title: def.title, kind: def.kind, points: def.points ?? 1, seed, prompt, hints: def.hints?.(params) ?? [] };
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
  if (def.kind === 'numeric') return { prompt, reference: `${def.answer(params)}${def.unit ? ` ${def.unit}` : ''}` };
  return { prompt };
}
