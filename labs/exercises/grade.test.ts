// Method: grade the fixture exercises (one or two per kind) with their own reference answers over 50 seeds, which
// must all pass; then with hand-made wrong and malformed answers, asserting the score and the feedback text; and pin
// the seed derivation that a command-line regrader must reproduce.
import { describe, expect, it } from 'vitest';
import { hashSeed, Random } from '../sim/random';
import { allLost, fixtures, lamportReceive, majorityTolerance, quorumOverlap, roundTrip, vectorReceive } from './fixtures';
import { grade, instantiate, nextVariantSeed, referenceAnswer, timeoutResult, variantParams, variantSeed } from './grade';
import type { Answer, CodeExercise, Exercise, GradeResult } from './types';

const SEEDS = Array.from({ length: 50 }, (_, i) => (i === 0 ? 0 : hashSeed('grade-test', i)));

function feedback(result: GradeResult): string {
  return result.checks.map((check) => check.feedback).join(' | ');
}

/** The first seed whose variant satisfies `accept`, so a test can rely on a property of the parameters. */
function seedWhere<P>(def: Exercise<P>, accept: (p: P) => boolean): number {
  const seed = SEEDS.find((s) => accept(variantParams(def, s)));
  if (seed === undefined) throw new Error(`no seed with the wanted variant for ${def.id}`);
  return seed;
}

describe('reference answers', () => {
  for (const def of fixtures as Exercise[]) {
    it(`${def.id} (${def.kind}) passes on 50 seeds`, async () => {
      for (const seed of SEEDS) {
        const result = await grade(def, seed, referenceAnswer(def, variantParams(def, seed)));
        expect(result, `seed ${seed}: ${feedback(result)}`).toMatchObject({ exerciseId: def.id, seed, score: 1, passed: true });
        expect(result.checks.every((check) => check.passed)).toBe(true);
        expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      }
    });
  }
});

describe('variants', () => {
  it('draws parameters from new Random(seed).fork(id), reproducibly', () => {
    const seed = 12345;
    expect(variantParams(roundTrip, seed)).toEqual(roundTrip.generate(new Random(seed).fork(roundTrip.id)));
    expect(instantiate(roundTrip, seed)).toEqual(instantiate(roundTrip, seed));
    expect(instantiate(roundTrip, seed).prompt.text).toContain('round-trip');
  });
  it('pins the variant seeds of known learners', () => {
    expect(variantSeed({ exerciseId: 'intro/count-drops' })).toBe(0);
    expect(variantSeed({ exerciseId: 'intro/count-drops', learnerId: '', assignmentId: '' })).toBe(0);
    expect(variantSeed({ exerciseId: 'intro/count-drops', assignmentId: 'cs451-hw1', learnerId: 's1234567' })).toBe(
      hashSeed('happens-before/variant', 'cs451-hw1', 's1234567', 'intro/count-drops'),
    );
    expect(variantSeed({ exerciseId: 'intro/count-drops', assignmentId: 'cs451-hw1', learnerId: 's1234567' })).toBe(2168793751);
    expect(variantSeed({ exerciseId: 'clocks/vector-receive', assignmentId: 'cs451-hw1', learnerId: 's7654321' })).toBe(434919262);
  });
  it('gives different learners different seeds, and different exercises too', () => {
    const seeds = new Set<number>();
    for (let learner = 0; learner < 200; learner++) seeds.add(variantSeed({ exerciseId: 'intro/count-drops', assignmentId: 'hw1', learnerId: `s${learner}` }));
    expect(seeds.size).toBe(200);
    const a = variantSeed({ exerciseId: 'intro/a', assignmentId: 'hw1', learnerId: 's1' });
    const b = variantSeed({ exerciseId: 'intro/b', assignmentId: 'hw1', learnerId: 's1' });
    expect(a).not.toBe(b);
  });
  it('steps to a new variant deterministically', () => {
    const next = nextVariantSeed(roundTrip.id, 0);
    expect(next).not.toBe(0);
    expect(nextVariantSeed(roundTrip.id, 0)).toBe(next);
    expect(nextVariantSeed(roundTrip.id, next)).not.toBe(next);
  });
});

describe('choice', () => {
  it('gives partial credit: (right picks − wrong picks) / correct options, never below 0', async () => {
    const p = variantParams(quorumOverlap, 0);
    const [right1, right2] = quorumOverlap.correct(p) as [string, string];
    const wrong = quorumOverlap.options(p).map((o) => o.id).filter((id) => ![right1, right2].includes(id));
    const half = await grade(quorumOverlap, 0, { kind: 'choice', selected: [right1] });
    expect(half.score).toBe(0.5);
    expect(half.passed).toBe(false);
    expect(feedback(half)).toContain('One more option is also correct.');
    const cancelled = await grade(quorumOverlap, 0, { kind: 'choice', selected: [right1, wrong[0] as string] });
    expect(cancelled.score).toBe(0);
    expect(feedback(cancelled)).toContain('a read can miss every replica');
    const everything = await grade(quorumOverlap, 0, { kind: 'choice', selected: quorumOverlap.options(p).map((o) => o.id) });
    expect(everything.score).toBe(0);
    const duplicated = await grade(quorumOverlap, 0, { kind: 'choice', selected: [right1, right1, right2] });
    expect(duplicated.score).toBe(1);
  });
  it('explains each selected option and says how many were missed without naming them', async () => {
    const p = variantParams(quorumOverlap, 0);
    const none = quorumOverlap.options(p).find((o) => !quorumOverlap.correct(p).includes(o.id));
    const result = await grade(quorumOverlap, 0, { kind: 'choice', selected: [none!.id] });
    expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
      [none!.label, false],
      ['missing', false],
    ]);
    expect(result.checks[1]?.feedback).toBe('2 more options are also correct.');
  });
  it('single choice: one right option or nothing; more than one is refused', async () => {
    const seed = seedWhere(majorityTolerance, (p) => p.nodes === 5);
    expect((await grade(majorityTolerance, seed, { kind: 'choice', selected: ['f2'] })).score).toBe(1);
    const wrong = await grade(majorityTolerance, seed, { kind: 'choice', selected: ['f3'] });
    expect([wrong.score, feedback(wrong)]).toEqual([0, 'Not this one.']);
    const two = await grade(majorityTolerance, seed, { kind: 'choice', selected: ['f2', 'f1'] });
    expect([two.score, feedback(two)]).toEqual([0, 'Choose exactly one option.']);
  });
  it('refuses empty selections and unknown options', async () => {
    expect(feedback(await grade(quorumOverlap, 0, { kind: 'choice', selected: [] }))).toBe('Choose at least one option.');
    expect(feedback(await grade(quorumOverlap, 0, { kind: 'choice', selected: ['r99w99'] }))).toBe("'r99w99' is not one of this exercise's options.");
  });
});

describe('numeric', () => {
  const seed = seedWhere(roundTrip, (p) => p.hops === 2 && p.delayMs === 5);
  const expected = roundTrip.answer(variantParams(roundTrip, seed));
  it('passes within the absolute tolerance, with or without the unit', async () => {
    for (const value of [expected, expected + 0.5, expected - 0.5, `${expected} ms`, ` ${expected}ms `, `${expected + 0.4}`]) {
      expect((await grade(roundTrip, seed, { kind: 'numeric', value })).passed, String(value)).toBe(true);
    }
  });
  it('says too high or too low without giving the value', async () => {
    const high = await grade(roundTrip, seed, { kind: 'numeric', value: expected + 1 });
    expect([high.score, feedback(high)]).toEqual([0, 'Too high.']);
    const low = await grade(roundTrip, seed, { kind: 'numeric', value: String(expected - 0.6) });
    expect(feedback(low)).toBe('Too low.');
    expect(feedback(low)).not.toContain(String(expected));
  });
  it('explains a known mistake instead of saying too high or too low, and only a wrong answer', async () => {
    // Same id, so the same variant: parameters are drawn from a stream forked by the exercise's id.
    const withMistakes = { ...roundTrip, mistakes: () => [{ value: expected / 2, feedback: 'That is one way only.' }] } as Exercise;
    expect(feedback(await grade(withMistakes, seed, { kind: 'numeric', value: expected / 2 + 0.3 }))).toBe('That is one way only.');
    expect(feedback(await grade(withMistakes, seed, { kind: 'numeric', value: expected + 5 }))).toBe('Too high.');
    const right = await grade({ ...withMistakes, mistakes: () => [{ value: expected, feedback: 'never shown' }] } as Exercise, seed, { kind: 'numeric', value: expected });
    expect(right.passed).toBe(true);
  });
  it('uses a relative tolerance', async () => {
    const answer = allLost.answer(variantParams(allLost, 3));
    expect((await grade(allLost, 3, { kind: 'numeric', value: answer * 1.0099 })).passed).toBe(true);
    expect((await grade(allLost, 3, { kind: 'numeric', value: answer * 1.0101 })).passed).toBe(false);
  });
  it('accepts fractions and absorbs floating-point rounding when no tolerance is given', async () => {
    const exact = { ...allLost, id: 'fixture/exact', tolerance: {}, answer: () => 0.1 + 0.2 } as Exercise;
    expect((await grade(exact, 0, { kind: 'numeric', value: '0.3' })).passed).toBe(true);
    expect((await grade(exact, 0, { kind: 'numeric', value: '3/10' })).passed).toBe(true);
    expect((await grade(exact, 0, { kind: 'numeric', value: 0.3001 })).passed).toBe(false);
  });
  it('turns NaN, garbage and decimal commas into a failed check, not an exception', async () => {
    expect(feedback(await grade(roundTrip, seed, { kind: 'numeric', value: Number.NaN }))).toBe('The answer is not a finite number.');
    expect(feedback(await grade(roundTrip, seed, { kind: 'numeric', value: 'twelve' }))).toBe("Expected a number in ms, like 12.5 or 2/3; found 'twelve'.");
    expect(feedback(await grade(roundTrip, seed, { kind: 'numeric', value: '12,5' }))).toBe(
      "Write '12,5' with a dot for decimals and no thousands separators, like 12.5 or 12500.",
    );
    expect(feedback(await grade(roundTrip, seed, { kind: 'numeric', value: '12 s' }))).toBe('Give the answer in ms as a number only, like 12.5 or 12.5 ms.');
    expect(feedback(await grade(roundTrip, seed, { kind: 'numeric', value: '' }))).toBe('Type a number, like 12.5.');
  });
});

describe('structured', () => {
  const seed = seedWhere(vectorReceive, (p) => p.receiver === 1 && p.stamp[0]! > p.local[0]! && p.local[1]! >= p.stamp[1]!);
  const p = variantParams(vectorReceive, seed);
  const merged = p.local.map((x, i) => Math.max(x, p.stamp[i]!));
  it('accepts brackets or none, commas or spaces', async () => {
    const right = [merged[0], merged[1]! + 1, merged[2]];
    for (const text of [`[${right.join(', ')}]`, right.join(','), ` ${right.join('  ')} `]) {
      expect((await grade(vectorReceive, seed, { kind: 'structured', text })).passed, text).toBe(true);
    }
  });
  it('scores the fraction of checks passed and names what is wrong', async () => {
    const forgotIncrement = await grade(vectorReceive, seed, { kind: 'structured', text: `[${merged.join(', ')}]` });
    expect(forgotIncrement.score).toBeCloseTo(2 / 3);
    expect(forgotIncrement.checks.find((c) => !c.passed)?.feedback).toBe('The receive is an event of the receiver: increment its own entry after the merge.');
    const kept = await grade(vectorReceive, seed, { kind: 'structured', text: `[${p.local[0]}, ${merged[1]! + 1}, ${merged[2]}]` });
    expect(kept.checks.find((c) => !c.passed)?.name).toBe('merge');
    const short = await grade(vectorReceive, seed, { kind: 'structured', text: '[1, 2]' });
    expect([short.score, feedback(short)]).toEqual([0, 'A vector clock has one entry per node: 3 entries.']);
  });
  it('reports unparsable text with the position, as one failed check', async () => {
    const result = await grade(vectorReceive, seed, { kind: 'structured', text: '[1, x, 2]' });
    expect(result).toMatchObject({ score: 0, passed: false });
    expect(result.checks).toEqual([{ name: 'format', passed: false, feedback: "Expected numbers separated by commas, like [0, 0, 0]; found 'x' at position 5." }]);
  });
});

describe('code', () => {
  const p = variantParams(lamportReceive, 0);
  const source = (body: string): Answer => ({ kind: 'code', source: `export function onReceive(local: number, stamp: number): number {\n${body}\n}\n` });
  it('gives credit per check passed', async () => {
    const result = await grade(lamportReceive, 0, source('  return Math.max(local, stamp);'));
    expect(result.score).toBe(0);
    expect(result.checks[0]?.feedback).toMatch(/^Returned \d+: the receive is an event too, so add one\.$/);
    const onlyEqual = await grade(lamportReceive, 0, source(`  return local === stamp ? local + 1 : -1;`));
    const distinct = p.cases.filter(([a, b]) => a !== b).length;
    expect(onlyEqual.score).toBeCloseTo((p.cases.length - distinct) / p.cases.length);
  });
  it('reports a compile error at its line', async () => {
    const result = await grade(lamportReceive, 0, { kind: 'code', source: 'export function onReceive(local: number, stamp: number): number {\n  return local +;\n}\n' });
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ name: 'compiles', passed: false });
    expect(result.checks[0]?.feedback).toMatch(/^Your code does not compile: line 2, column \d+: /);
  });
  it('reports a throw while loading at its line', async () => {
    const result = await grade(lamportReceive, 0, { kind: 'code', source: 'const table = null as any;\nconst first = table.rows;\nexport function onReceive() { return 0; }\n' });
    expect(result.checks[0]).toMatchObject({ name: 'loads', passed: false });
    expect(result.checks[0]?.feedback).toMatch(/^Your code threw while loading: line 2, column \d+: TypeError/);
  });
  it('fails only the checks where the function throws, with the line', async () => {
    const result = await grade(lamportReceive, 0, source('  if (local === stamp) throw new Error("tie");\n  return Math.max(local, stamp) + 1;'));
    const failedChecks = result.checks.filter((c) => !c.passed);
    expect(failedChecks.length).toBeGreaterThanOrEqual(1);
    expect(failedChecks[0]?.feedback).toMatch(/^Your code threw: line 2, column \d+: tie$/);
    expect(result.score).toBeGreaterThan(0);
  });
  it('explains a missing or mistyped export', async () => {
    const missing = await grade(lamportReceive, 0, { kind: 'code', source: 'export function receive(a: number, b: number) { return a + b; }\n' });
    expect(feedback(missing)).toBe('Your code must export a function named onReceive: write `export function onReceive(...)`.');
    const notFunction = await grade(lamportReceive, 0, { kind: 'code', source: 'export const onReceive = 3;\n' });
    expect(feedback(notFunction)).toBe('Your code exports onReceive as a number, but it must be a function.');
  });
  it('lets the learner import the listed modules only', async () => {
    const result = await grade(lamportReceive, 0, { kind: 'code', source: "import { simulate } from 'labs/sim';\nexport function onReceive() { return simulate(); }\n" });
    expect(feedback(result)).toMatch(/^Your code threw while loading: line 1, column \d+: Cannot import 'labs\/sim': the modules available here are labs\/fixture-math$/);
  });
  it('turns a check that throws outside ctx.check into one failed check, with the line when the code threw', async () => {
    const raw: CodeExercise<{ n: number }, (n: number) => number> = {
      ...(lamportReceive as unknown as CodeExercise<{ n: number }, (n: number) => number>),
      id: 'fixture/raw-checks',
      generate: () => ({ n: 2 }),
      checks: (p, fn) => [{ name: 'double', passed: fn(p.n).toFixed(0) === '4', feedback: '' }],
    };
    const throws = await grade(raw, 0, { kind: 'code', source: 'export function onReceive(n: number): number {\n  return (null as any).x;\n}\n' });
    expect(throws.checks).toHaveLength(1);
    expect(throws.checks[0]).toMatchObject({ name: 'checks', passed: false });
    expect(throws.checks[0]?.feedback).toMatch(/^Your code threw: line 2, column \d+: TypeError/);
    const wrongType = await grade(raw, 0, { kind: 'code', source: 'export function onReceive(n: number): any {\n  return "four";\n}\n' });
    expect(feedback(wrongType)).toMatch(/^The check stopped with an error: TypeError: .*toFixed.*\. Your function may have thrown, or returned something of the wrong type\.$/);
  });
  it('turns an async throw inside a check into a failed check', async () => {
    const result = await grade(lamportReceive, 0, source('  return local < 0 ? 0 : (undefined as any)();'));
    expect(result.score).toBe(0);
    expect(result.checks).toHaveLength(p.cases.length);
    expect(result.checks[0]?.feedback).toMatch(/^Your code threw: line 2, column \d+: TypeError/);
  });
  it('makes a timeout a failed check saying how long it ran', () => {
    expect(timeoutResult(lamportReceive, 7, 5000)).toEqual({
      exerciseId: 'fixture/lamport-receive',
      seed: 7,
      score: 0,
      passed: false,
      checks: [{ name: 'time limit', passed: false, feedback: 'Your code ran for more than 5 s and was stopped; look for a loop that never ends.' }],
    });
    expect(timeoutResult(lamportReceive, 7, 1500).checks[0]?.feedback).toContain('more than 1.5 s');
  });
});

describe('malformed answers', () => {
  const cases: [string, Exercise, unknown, string][] = [
    ['wrong kind', roundTrip, { kind: 'choice', selected: ['a'] }, 'This exercise asks for a number, but the answer is a choice of options.'],
    ['unknown kind', vectorReceive, { kind: 'essay', text: 'hi' }, 'This exercise asks for typed text, but the answer is of an unknown kind.'],
    ['null', quorumOverlap, null, 'No answer was given.'],
    ['a bare string', lamportReceive, 'export function onReceive() {}', 'No answer was given.'],
    ['selected not a list', quorumOverlap, { kind: 'choice', selected: 'r1w1' }, 'The answer does not list the options chosen.'],
    ['value missing', allLost, { kind: 'numeric' }, 'The answer has no number.'],
    ['text not a string', vectorReceive, { kind: 'structured', text: [1, 2, 3] }, 'The answer has no text.'],
    ['source missing', lamportReceive, { kind: 'code', code: 'x' }, 'The answer has no code.'],
  ];
  for (const [what, def, answer, message] of cases) {
    it(`${what} → a failed check`, async () => {
      const result = await grade(def, 0, answer as Answer);
      expect(result).toEqual({ exerciseId: def.id, seed: 0, score: 0, passed: false, checks: [{ name: 'answer', passed: false, feedback: message }] });
    });
  }
  it('a definition that fails is reported, not thrown', async () => {
    const broken = { ...roundTrip, id: 'fixture/broken', answer: () => { throw new Error('no answer today'); } } as Exercise;
    const result = await grade(broken, 0, { kind: 'numeric', value: 1 });
    expect(feedback(result)).toBe("This exercise's grader failed (no answer today), so the answer could not be graded. Please report it.");
  });
});
