// Method: register the fixtures, then malformed copies of them, asserting the exact problems listed, so an author
// who breaks a definition reads what to fix.
import { describe, expect, it } from 'vitest';
import { fixtures, lamportReceive, roundTrip, vectorReceive } from './fixtures';
import { definitionProblems, ExerciseDefinitionError, ExerciseRegistry } from './registry';
import type { Exercise } from './types';

function problemsOf(def: object): string[] {
  return definitionProblems(def as Exercise);
}

describe('ExerciseRegistry', () => {
  it('registers, finds and lists by chapter prefix on whole segments', () => {
    const registry = new ExerciseRegistry().register(...fixtures);
    const other = { ...roundTrip, id: 'fixtures/round-trip' } as Exercise;
    const nested = { ...roundTrip, id: 'fixture/latency/round-trip' } as Exercise;
    registry.register(other, nested);
    expect(registry.get('fixture/round-trip')).toBe(roundTrip);
    expect(registry.has('fixture/nope')).toBe(false);
    expect(registry.get('fixture/nope')).toBeUndefined();
    expect(registry.list('fixture').map((def) => def.id)).toEqual([...fixtures.map((def) => def.id), 'fixture/latency/round-trip']);
    expect(registry.list('fixture/latency/').map((def) => def.id)).toEqual(['fixture/latency/round-trip']);
    expect(registry.list()).toHaveLength(fixtures.length + 2);
  });
  it('refuses a duplicate id', () => {
    const registry = new ExerciseRegistry().register(roundTrip);
    expect(() => registry.register({ ...roundTrip } as Exercise)).toThrow(
      new ExerciseDefinitionError('fixture/round-trip', ['an exercise with this id is already registered']),
    );
  });
  it('throws one error listing every problem', () => {
    const bad = { ...roundTrip, id: 'Intro/Round_Trip', title: '', tolerance: { absolute: -1 } };
    let error: unknown;
    try {
      new ExerciseRegistry().register(bad as Exercise);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ExerciseDefinitionError);
    expect((error as Error).message).toBe(
      "Exercise 'Intro/Round_Trip' is not valid:\n" +
        "  - id must be kebab-case segments separated by '/', chapter first, like 'intro/count-drops'\n" +
        '  - title must not be empty\n' +
        '  - tolerance must be { absolute?: number; relative?: number } with non-negative numbers, like { absolute: 0.5 }',
    );
  });
});

describe('definition problems', () => {
  it('accepts every fixture', () => {
    for (const def of fixtures) expect(definitionProblems(def as Exercise)).toEqual([]);
  });
  it('requires a chapter segment in the id', () => {
    expect(problemsOf({ ...roundTrip, id: 'round-trip' })[0]).toMatch(/^id must be kebab-case/);
  });
  it('names an unknown kind and stops there', () => {
    expect(problemsOf({ ...roundTrip, kind: 'essay' })).toEqual(['kind must be one of choice, numeric, structured, code (found "essay")']);
  });
  it('names missing functions and bad fields per kind', () => {
    const { reference: _reference, ...noReference } = vectorReceive;
    expect(problemsOf({ ...noReference, format: 'matrix' })).toEqual([
      'format must be one of vector, list, set, pairs (found "matrix")',
      'reference must be a function (found nothing)',
    ]);
    expect(problemsOf({ ...lamportReceive, exportName: 'on receive', starter: 'x' })).toEqual([
      'starter must be a function (found string)',
      'exportName must be a JavaScript identifier, like onReceive',
    ]);
    expect(problemsOf({ ...roundTrip, points: 0, hints: ['a'] })).toEqual([
      'points must be a positive number when given',
      'hints must be a function (found object)',
    ]);
  });
  it('draws the default variant and requires plain JSON parameters', () => {
    expect(problemsOf({ ...roundTrip, generate: () => ({ at: new Date(0) }) })).toEqual(['generate must return plain JSON, but params.at is not (seed 0)']);
    expect(problemsOf({ ...roundTrip, generate: () => ({ xs: [1, Number.NaN] }) })).toEqual(['generate must return plain JSON, but params.xs[1] is not (seed 0)']);
    expect(
      problemsOf({
        ...roundTrip,
        generate: () => {
          throw new Error('no nodes');
        },
      }),
    ).toEqual(['the default variant (seed 0) could not be made: no nodes']);
  });
});
