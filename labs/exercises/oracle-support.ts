/**
 * Shared by the chapters' exhaustive exercise tests, which hold every generated variant to having exactly one right
 * answer by comparing the grader with a brute-force oracle written in the test: the seeds to enumerate, a verdict
 * that calls a definition's own checks without the async grading path (fast enough for thousands of seeds), and a
 * writer that spells a value the way an exercise's placeholder does, so a test can grade "the reference answer,
 * written as the input's example suggests".
 */
import { parseStructured } from './parse';
import type { Exercise, StructuredFormat, StructuredValues } from './types';

/**
 * `count` distinct 32-bit seeds, 0 first (the default variant every reader sees), the rest spread over the whole
 * range by a multiplicative (Fibonacci) step so that nearby and far-apart seeds are both covered.
 */
export function enumerateSeeds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.imul(i, 0x9e3779b1) >>> 0);
}

/** Whether every check of a structured definition passes for `value` (the grader's score 1, without parsing). */
export function structuredAccepts<P>(def: Exercise<P>, params: P, value: unknown): boolean {
  if (def.kind !== 'structured') throw new Error(`${def.id} is not a structured exercise`);
  const checks = def.check(params, value as never);
  return checks.length > 0 && checks.every((c) => c.passed);
}

/**
 * Writes `value` in the shape of `placeholder`: the same brackets or braces (or none), the same separator between
 * items, and for pairs the same `(a, b)` or `a -> b` form. Example: `writeLike('list', '3, c', ['6', 'none'])` →
 * `'6, none'`; `writeLike('vector', '[0, 0]', [5, 2])` → `'[5, 2]'`.
 */
export function writeLike<F extends StructuredFormat>(format: F, placeholder: string, value: StructuredValues[F]): string {
  const text = placeholder.trim();
  const open = text[0] === '[' || text[0] === '{' ? text[0] : '';
  const close = open === '[' ? ']' : open === '{' ? '}' : '';
  const separator = /;\s*/.test(text) && !text.includes(',') ? '; ' : ', ';
  const items = (value as unknown[]).map((item) => {
    if (format !== 'pairs') return String(item);
    const [a, b] = item as [string, string];
    return text.includes('->') ? `${a} -> ${b}` : `(${a}, ${b})`;
  });
  return `${open}${items.join(separator)}${close}`;
}

/** A structured definition's placeholder parsed in its format; throws with the parser's message if it does not. */
export function parsedPlaceholder(def: Exercise<unknown>): unknown {
  if (def.kind !== 'structured') throw new Error(`${def.id} is not a structured exercise`);
  if (def.placeholder === undefined) throw new Error(`${def.id} has no placeholder`);
  const parsed = parseStructured(def.format, def.placeholder);
  if (!parsed.ok) throw new Error(`${def.id}: placeholder ${JSON.stringify(def.placeholder)} does not parse as ${def.format}: ${parsed.message}`);
  return parsed.value;
}

/** A structured definition's reference answer for `params`, rewritten in the shape of its placeholder. */
export function referenceLikePlaceholder<P>(def: Exercise<P>, params: P): string {
  if (def.kind !== 'structured') throw new Error(`${def.id} is not a structured exercise`);
  const parsed = parseStructured(def.format, def.reference(params));
  if (!parsed.ok) throw new Error(`${def.id}: the reference ${JSON.stringify(def.reference(params))} does not parse: ${parsed.message}`);
  return writeLike(def.format, def.placeholder ?? '', parsed.value);
}

/**
 * The feedback a learner can be shown for a variant, gathered from the definition: numeric mistakes, choice
 * explanations, and the checks' feedback on the given wrong structured values. The page prints feedback as plain
 * escaped text, so tests hold these to containing no markdown.
 */
export function feedbackTexts<P>(def: Exercise<P>, params: P, wrongValues: unknown[] = []): string[] {
  if (def.kind === 'numeric') return (def.mistakes?.(params) ?? []).map((m) => m.feedback);
  if (def.kind === 'choice') return def.options(params).map((o) => def.explain?.(params, o.id) ?? '');
  if (def.kind === 'structured') return wrongValues.flatMap((value) => def.check(params, value as never).map((c) => c.feedback));
  return [];
}

/** Markdown marks that would show literally in plain-text feedback: `**`, a backtick, or `*word*`. */
export const MARKDOWN_IN_FEEDBACK = /\*\*|`|(^|\s)\*\S[^*]*\*/;
