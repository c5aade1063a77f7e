// Method: the generator's histories are first held to an independent oracle (a plain depth-first search over
// orders that respect real time, simulating a queue, with timed-out operations placed or left out), which must
// agree with the checker run with the reference model; both verdicts must be common. Then the reference solution
// passes 60 variants, and wrong models (the starter, which ignores its state; a stack; a model that changes its
// state in place; one that refuses timed-out operations; one that throws; and right steps with a key that gives
// two different queues one string: a constant, the length, the values joined with no separator) fail with
// feedback naming the problem, and a key's fault is put on the key, never on step.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { checkLinearizability } from '../linearizability';
import { QUEUE_CHECK_STEPS, queueModel, queueModelExercise, randomQueueHistory, type QueueOp } from './queue-model';

/**
 * Herlihy and Wing 1990, §2, directly: some order of the completed operations (and any subset of the timed-out
 * ones) that respects real time and that a FIFO queue would answer as recorded. Real time as the checker reads
 * recorded times: A precedes B when A returned at or before B's invocation.
 */
function oracleLinearizable(history: QueueOp[]): boolean {
  const search = (placed: Set<number>, queue: number[]): boolean => {
    const done = history.filter((op) => op.status === 'ok').every((op) => placed.has(op.id));
    if (done) return true;
    for (const op of history) {
      if (placed.has(op.id)) continue;
      // op may go next only if no unplaced completed operation returned before op was invoked; a return and an
      // invocation at the same instant count as the return first (these operations all take time).
      if (history.some((o) => !placed.has(o.id) && o.status === 'ok' && (o.returnMs as number) <= op.invokeMs)) continue;
      let next: number[];
      if (op.input.f === 'enqueue') next = [...queue, op.input.value];
      else {
        const front = queue[0] ?? null;
        if (op.status === 'ok' && op.output !== front) continue;
        next = queue.slice(1);
      }
      if (search(new Set([...placed, op.id]), next)) return true;
    }
    return false;
  };
  return search(new Set(), []);
}

describe('Herlihy and Wing 1990 §2 with a FIFO queue: the generated histories', () => {
  it('the checker with the reference model agrees with a brute-force oracle on 600 histories, and both verdicts occur', () => {
    let ok = 0;
    let info = 0;
    for (const [i, seed] of enumerateSeeds(600).entries()) {
      const history = randomQueueHistory(seed, i % 2 === 1);
      info += history.filter((op) => op.status === 'info').length;
      const result = checkLinearizability(history, queueModel, { maxSteps: QUEUE_CHECK_STEPS });
      expect(result.verdict, `seed ${seed}`).not.toBe('inconclusive');
      expect(result.verdict === 'ok', `seed ${seed}`).toBe(oracleLinearizable(history));
      if (i % 2 === 0) expect(result.verdict, `uncorrupted seed ${seed}`).toBe('ok');
      if (result.verdict === 'ok') ok++;
    }
    expect(ok).toBeGreaterThan(330);
    expect(ok).toBeLessThan(500);
    expect(info).toBeGreaterThan(30);
  });
});

describeCodeReferences([[queueModelExercise, 60]]);

const reference = (): string => (queueModelExercise.kind === 'code' ? queueModelExercise.reference(variantParams(queueModelExercise, 0)) : '');
const edit = (from: string, to: string) => {
  const source = reference();
  expect(source).toContain(from);
  return source.replace(from, to);
};

describe('wrong queue models fail with feedback that names the problem', () => {
  const seeds = enumerateSeeds(6);

  it('the starter, which accepts everything, fails the single steps and accepts a non-linearizable history', async () => {
    const starter = queueModelExercise.kind === 'code' ? queueModelExercise.starter(variantParams(queueModelExercise, 0)) : '';
    for (const seed of seeds) {
      const result = await gradeText(queueModelExercise, seed, code(starter));
      expect(result.passed).toBe(false);
      expect(result.text).toContain('a value from an empty queue');
      expect(result.text).toContain('but with your model the checker accepts it');
      // Its key is right; its step cannot tell queues apart, and that is what it is told.
      expect(result.text).not.toContain('your key gives');
      expect(result.text).not.toContain('Your step is not the cause');
    }
  });

  it('a stack (last in, first out) is told it returned the newest value', async () => {
    const stack = edit('output === state[0] ? { legal: true, state: state.slice(1) }', 'output === state[state.length - 1] ? { legal: true, state: state.slice(0, -1) }');
    const result = await gradeText(queueModelExercise, seeds[1] as number, code(stack));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('what a stack would do');
    expect(result.text).toMatch(/History \d+ \(seed \d+\): c\d/);
  });

  it('a model that shifts the array in place is told it changed the state it was given', async () => {
    const mutating = edit('return output === undefined || output === state[0] ? { legal: true, state: state.slice(1) } : { legal: false };', 'if (output === undefined || output === state[0]) { state.shift(); return { legal: true, state }; }\n      return { legal: false };');
    const result = await gradeText(queueModelExercise, seeds[2] as number, code(mutating));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('changed the state it was given');
  });

  it('a model that refuses operations whose output is unknown fails the timeout cases', async () => {
    const strict = edit('return output === undefined || output === state[0]', 'return output === state[0]');
    const result = await gradeText(queueModelExercise, seeds[3] as number, code(strict));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('a dequeue that timed out');
  });

  // Lowe 2017, §4: the cache is sound only if different states have different keys.
  it.each([
    ['a constant key', "return 'queue';"],
    ['the length as the key', 'return String(state.length);'],
    ['the values joined with no separator', "return state.join('');"],
    ['the front value alone', 'return String(state[0]);'],
  ])('right steps with %s fail on key, and the feedback names key, not step', async (_what, body) => {
    const wrongKey = edit("key(state: number[]): string {\n      return state.join(',');", `key(state: number[]): string {\n      ${body}`);
    for (const seed of seeds.slice(0, 3)) {
      const result = await gradeText(queueModelExercise, seed, code(wrongKey));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.score).toBeLessThan(1);
      const failedChecks = result.checks.filter((c) => !c.passed).map((c) => c.name);
      expect(failedChecks).toContain('key tells queues apart');
      expect(failedChecks).not.toContain('single steps');
      expect(result.text).toMatch(/your key gives "[^"]*" for both the queue \[[\d, ]*\]/);
      expect(result.text).toContain('Different queues must get different keys');
      expect(result.text).not.toMatch(/your step (refuses|allows)/);
    }
  });

  it('a constant key that fools the checker on a history is blamed for it, not the steps', async () => {
    const constant = edit("key(state: number[]): string {\n      return state.join(',');", "key(state: number[]): string {\n      return 'queue';");
    let blamed = 0;
    for (const seed of enumerateSeeds(12)) {
      const result = await gradeText(queueModelExercise, seed, code(constant));
      const verdicts = result.checks.find((c) => c.name.startsWith("the checker's verdicts"));
      if (verdicts === undefined || verdicts.passed) continue;
      expect(verdicts.feedback).toContain('Your step is not the cause');
      expect(verdicts.feedback).toContain('Your key gives one string for two different states');
      blamed++;
    }
    expect(blamed).toBeGreaterThan(3);
  });

  it('a key that differs for equal states is named, and one left out is allowed', async () => {
    const unstable = edit("key(state: number[]): string {\n      return state.join(',');", "key(state: number[]): string {\n      return state.join(',') + ':' + Math.random();");
    const result = await gradeText(queueModelExercise, seeds[0] as number, code(unstable));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('for two copies of the same state');
    const noKey = edit("    key(state: number[]): string {\n      return state.join(',');\n    },\n", '');
    expect((await gradeText(queueModelExercise, seeds[0] as number, code(noKey))).passed).toBe(true);
  });

  it('the prompt states the key contract both ways', () => {
    const prompt = queueModelExercise.prompt(variantParams(queueModelExercise, 0)).text;
    expect(prompt).toContain('different strings for different states');
    expect(prompt).toContain('equal strings for equal states');
  });

  it('a step that returns a bare boolean, or throws, is reported as such', async () => {
    const bare = edit("if (input.f === 'enqueue') {", "if (input.f === 'enqueue') return true as never;\n      if (input.f === 'enqueue') {");
    expect((await gradeText(queueModelExercise, seeds[0] as number, code(bare))).text).toContain('it must return { legal: true, state } or { legal: false }');
    const throws = edit("if (input.f === 'enqueue') {", "if (input.f === 'dequeue' && state.length > 1) throw new Error('boom');\n      if (input.f === 'enqueue') {");
    expect((await gradeText(queueModelExercise, seeds[0] as number, code(throws))).text).toMatch(/line \d+.*boom/);
    expect((await gradeText(queueModelExercise, seeds[0] as number, code('export const queueModel = () => 3;'))).text).toContain('must return an object with init and step');
  });
});
