// Method: the chapter's set as a whole: it registers cleanly (the registry checks every definition's shape), has
// at least eight exercises with three code ones and every kind, is the catalog's set for the chapter, its variants
// differ from seed to seed, and every prompt and solution can be drawn (figures included) for a few seeds. Each
// exercise's own tests (exercises/*.test.ts) grade its reference over many seeds against brute-force oracles and
// hold wrong answers to their feedback.
import { describe, expect, it } from 'vitest';
import { exerciseSets } from '../catalog';
import { variantParams } from '../exercises/grade';
import { ExerciseRegistry } from '../exercises/registry';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts } from '../exercises/oracle-support';
import { SEEDS } from '../exercises/test-support';
import { exerciseSet } from './exercises';

describe('the chapter\'s exercise set', () => {
  it('registers cleanly: at least eight exercises, three of them code, every kind', () => {
    const registry = new ExerciseRegistry().register(...exerciseSet.exercises);
    expect(exerciseSet.chapter).toBe('serving/cdn');
    expect(registry.list('cdn')).toHaveLength(exerciseSet.exercises.length);
    expect(exerciseSet.exercises.length).toBeGreaterThanOrEqual(8);
    expect(exerciseSet.exercises.filter((def) => def.kind === 'code').length).toBeGreaterThanOrEqual(3);
    expect(new Set(exerciseSet.exercises.map((def) => def.kind))).toEqual(new Set(['choice', 'numeric', 'structured', 'code']));
    for (const def of exerciseSet.exercises) expect(def.id.startsWith('cdn/')).toBe(true);
  });

  it('is the set the catalog loads for cdn/ ids', async () => {
    const loaded = await exerciseSets.cdn?.();
    expect(loaded?.exercises.map((def) => def.id)).toEqual(exerciseSet.exercises.map((def) => def.id));
  });

  it('draws different variants for different seeds', () => {
    for (const def of exerciseSet.exercises) {
      const variants = new Set(SEEDS.map((seed) => JSON.stringify(variantParams(def, seed))));
      expect(variants.size, def.id).toBeGreaterThan(6);
    }
  });

  it('draws every prompt and solution, figures included, as plain JSON', () => {
    for (const def of exerciseSet.exercises) {
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
    for (const def of exerciseSet.exercises) {
      for (const seed of enumerateSeeds(50)) {
        for (const text of feedbackTexts(def, variantParams(def, seed))) expect(text, `${def.id}, seed ${seed}`).not.toMatch(MARKDOWN_IN_FEEDBACK);
      }
    }
  });
});
