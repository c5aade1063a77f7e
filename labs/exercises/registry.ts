/**
 * The book's exercises by id. Registering checks a definition's shape (a definition is code, so this stands in
 * for a schema) and draws its default variant once, so a malformed definition fails when the chapter's module
 * loads, with every problem listed, instead of when a learner first answers it.
 */
import { variantParams } from './grade';
import type { Exercise, ExerciseKind, StructuredFormat } from './types';

import { EXERCISE_ID } from './ids';

export { EXERCISE_ID };

const KINDS: readonly ExerciseKind[] = ['choice', 'numeric', 'structured', 'code'];
const FORMATS: readonly StructuredFormat[] = ['vector', 'list', 'set', 'pairs'];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A definition that cannot be registered; `problems` lists every reason. */
export class ExerciseDefinitionError extends Error {
  constructor(readonly exerciseId: string, readonly problems: string[]) {
    super(`Exercise '${exerciseId}' is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ExerciseDefinitionError';
  }
}

/** The problems with a definition, empty when it is fine. Calls none of its functions but `generate`, once, for seed 0. */
export function definitionProblems(def: Exercise): string[] {
  const problems: string[] = [];
  const has = (field: string, type: string, article = 'a'): void => {
    const value = (def as unknown as Record<string, unknown>)[field];
    if (typeof value !== type) problems.push(`${field} must be ${article} ${type} (found ${value === undefined ? 'nothing' : typeof value})`);
  };
  if (typeof def.id !== 'string' || !EXERCISE_ID.test(def.id)) {
    problems.push("id must be kebab-case segments separated by '/', chapter first, like 'intro/count-drops'");
  }
  has('title', 'string');
  if (typeof def.title === 'string' && def.title.trim() === '') problems.push('title must not be empty');
  if (def.points !== undefined && !(typeof def.points === 'number' && Number.isFinite(def.points) && def.points > 0)) {
    problems.push('points must be a positive number when given');
  }
  for (const field of ['generate', 'prompt', 'solution']) has(field, 'function');
  if (def.hints !== undefined) has('hints', 'function');
  if (!KINDS.includes(def.kind)) {
    problems.push(`kind must be one of ${KINDS.join(', ')} (found ${JSON.stringify(def.kind)})`);
    return problems;
  }
  switch (def.kind) {
    case 'choice':
      has('options', 'function');
      has('correct', 'function');
      has('multiple', 'boolean');
      if (def.explain !== undefined) has('explain', 'function');
      break;
    case 'numeric': {
      has('answer', 'function');
      const tolerance = def.tolerance as Record<string, unknown> | undefined;
      const bad = (value: unknown): boolean => value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0);
      if (typeof tolerance !== 'object' || tolerance === null || bad(tolerance.absolute) || bad(tolerance.relative)) {
        problems.push('tolerance must be { absolute?: number; relative?: number } with non-negative numbers, like { absolute: 0.5 }');
      }
      if (def.unit !== undefined) has('unit', 'string');
      break;
    }
    case 'structured':
      if (!FORMATS.includes(def.format)) problems.push(`format must be one of ${FORMATS.join(', ')} (found ${JSON.stringify(def.format)})`);
      has('check', 'function');
      has('reference', 'function');
      break;
    case 'code':
      has('signature', 'string');
      has('starter', 'function');
      has('reference', 'function');
      has('checks', 'function');
      if (typeof def.exportName !== 'string' || !IDENTIFIER.test(def.exportName)) problems.push('exportName must be a JavaScript identifier, like onReceive');
      if (def.modules !== undefined && (typeof def.modules !== 'object' || def.modules === null)) problems.push('modules must be an object of module specifiers');
      break;
  }
  if (problems.length === 0) problems.push(...defaultVariantProblems(def));
  return problems;
}

/** Draws the default variant and checks that its parameters are plain JSON (they are stored and sent between threads). */
function defaultVariantProblems(def: Exercise): string[] {
  let params: unknown;
  try {
    params = variantParams(def, 0);
  } catch (error) {
    return [`the default variant (seed 0) could not be made: ${error instanceof Error ? error.message : String(error)}`];
  }
  const path = nonJsonPath(params, 'params');
  return path ? [`generate must return plain JSON, but ${path} is not (seed 0)`] : [];
}

function nonJsonPath(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = nonJsonPath(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, field] of Object.entries(value)) {
      const bad = nonJsonPath(field, `${path}.${key}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return path;
}

/** Holds the book's exercises; one per id. */
export class ExerciseRegistry {
  private readonly byId = new Map<string, Exercise>();

  /** Validates and adds definitions; throws ExerciseDefinitionError for an invalid one or a duplicate id. */
  register(...defs: Exercise[]): this {
    for (const def of defs) {
      const id = typeof def?.id === 'string' ? def.id : String(def?.id);
      if (this.byId.has(id)) throw new ExerciseDefinitionError(id, ['an exercise with this id is already registered']);
      const problems = definitionProblems(def);
      if (problems.length > 0) throw new ExerciseDefinitionError(id, problems);
      this.byId.set(id, def);
    }
    return this;
  }

  /** The definition with this id, or undefined. */
  get(id: string): Exercise | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Definitions in registration order, optionally only those under a chapter (or section) prefix, matched by
   * whole segments: `list('intro')` includes 'intro/count-drops' but not 'introduction/x'.
   */
  list(prefix?: string): Exercise[] {
    const all = [...this.byId.values()];
    if (prefix === undefined || prefix === '') return all;
    const base = prefix.replace(/\/+$/, '');
    return all.filter((def) => def.id === base || def.id.startsWith(`${base}/`));
  }
}
