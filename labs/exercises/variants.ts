/**
 * Which variant of an exercise a learner gets: seeds derived from ids. Kept apart from the graders so the page can
 * compute a new variant's seed without loading them (and the TypeScript compiler they bring).
 */
import { hashSeed } from '../sim/random';

/**
 * Who is answering, for choosing a variant. With neither id the seed is 0 (the default variant shown to everyone).
 * Example: `{ exerciseId: 'intro/count-drops', assignmentId: 'cs451-2025-hw1', learnerId: 's1234567' }`.
 */
export interface VariantRequest {
  exerciseId: string;
  learnerId?: string;
  assignmentId?: string;
}

/**
 * The seed of a learner's variant: 0 when neither `learnerId` nor `assignmentId` is given (an empty string counts
 * as absent), else `hashSeed('happens-before/variant', assignmentId ?? '', learnerId ?? '', exerciseId)`.
 * Stable forever: changing it would silently change every assigned variant, so tests pin known values.
 */
export function variantSeed({ exerciseId, learnerId, assignmentId }: VariantRequest): number {
  if (!learnerId && !assignmentId) return 0;
  return hashSeed('happens-before/variant', assignmentId ?? '', learnerId ?? '', exerciseId);
}

/**
 * The seed after `seed` for a reader who asks for a new variant: `hashSeed('happens-before/next-variant',
 * exerciseId, seed)` (never `seed` itself). Deterministic, so "new variant" needs no randomness and is replayable.
 */
export function nextVariantSeed(exerciseId: string, seed: number): number {
  const next = hashSeed('happens-before/next-variant', exerciseId, seed);
  return next === seed ? (next + 1) >>> 0 : next;
}
