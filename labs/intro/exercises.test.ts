// Method: every exercise of the chapter is graded with its own reference answer over many seeded variants (all
// must pass), and with typical wrong answers (each must fail, with feedback a learner can act on).
import { describe, expect, it } from 'vitest';
import { grade, referenceAnswer, variantParams } from '../exercises/grade';
import type { Answer, Exercise } from '../exercises/types';
import { ExerciseRegistry } from '../exercises/registry';
import { itPassesEveryVariant } from '../exercises/test-support';
import { countDrops, effectsOfAStep, exerciseSet, expectedTransmissions, measureLoss, seedReplay, whichRetransmitted, writePonger } from './exercises';


async function gradeText(def: Exercise, seed: number, answer: Answer) {
  const result = await grade(def, seed, answer);
  return { ...result, text: result.checks.map((c) => `${c.name}: ${c.feedback}`).join(' | ') };
}

describe('the chapter\'s exercise set', () => {
  it('registers cleanly and covers every kind', () => {
    const registry = new ExerciseRegistry().register(...exerciseSet.exercises);
    expect(registry.list('intro')).toHaveLength(exerciseSet.exercises.length);
    expect(new Set(exerciseSet.exercises.map((def) => def.kind))).toEqual(new Set(['choice', 'numeric', 'structured', 'code']));
  });

  itPassesEveryVariant(exerciseSet.exercises);
});

describe('wrong answers fail with useful feedback', () => {
  it('choice: a wrong option explains why', async () => {
    const single = await gradeText(seedReplay, 0, { kind: 'choice', selected: ['different'] });
    expect(single.passed).toBe(false);
    const multiple = await gradeText(effectsOfAStep, 0, { kind: 'choice', selected: ['send', 'sleep'] });
    expect(multiple.score).toBeLessThan(1);
    expect(multiple.text).toContain('never blocks');
  });

  it('numeric: the number of transmissions for one trip, not a round trip, is too low', async () => {
    const p = variantParams(expectedTransmissions, 3) as { lossPercent: number };
    const oneWay = 1 / (1 - p.lossPercent / 100);
    const result = await gradeText(expectedTransmissions, 3, { kind: 'numeric', value: oneWay });
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/low/i);
  });

  it('numeric: counting drops off by one fails', async () => {
    const p = variantParams(countDrops, 5);
    const right = (referenceAnswer(countDrops, p) as { value: number }).value;
    const result = await gradeText(countDrops, 5, { kind: 'numeric', value: right + 1 });
    expect(result.passed).toBe(false);
  });

  it('structured: a missing and an extra ping are both named', async () => {
    const p = variantParams(whichRetransmitted, 1);
    const right = (referenceAnswer(whichRetransmitted, p) as { text: string }).text;
    const wrong = right.replace(/\{(\d+)/, '{99');
    const result = await gradeText(whichRetransmitted, 1, { kind: 'structured', text: wrong });
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/missed 1 ping/);
    expect(result.text).toMatch(/Ping 99/);
    const garbage = await gradeText(whichRetransmitted, 1, { kind: 'structured', text: '{0, ???' });
    expect(garbage.passed).toBe(false);
  });

  const ponger = (body: string) => ({ kind: 'code' as const, source: `export function pongerStep(state: any, input: any): any {\n${body}\n}\n` });

  it('code (ponger): the starter does nothing and fails every check but one', async () => {
    const result = await gradeText(writePonger, 0, { kind: 'code', source: writePonger.kind === 'code' ? writePonger.starter({} as never) : '' });
    expect(result.passed).toBe(false);
    expect(result.text).toContain('exactly one send');
  });

  it('code (ponger): answering only the first copy of a ping breaks liveness on a lossy link', async () => {
    const dedup = ponger(`  if (input.type !== 'message' || input.message.type !== 'ping') return { state };
  if ((state.seen ?? []).includes(input.message.n)) return { state };
  return { state: { ...state, seen: [...(state.seen ?? []), input.message.n] }, effects: [{ type: 'send', to: input.from, message: { type: 'pong', n: input.message.n, echoSentAtMs: input.message.sentAtMs } }] };`);
    const result = await gradeText(writePonger, 0, dedup);
    expect(result.checks.find((c) => c.name === 'every ping answered on a lossy link')?.passed).toBe(false);
    expect(result.text).toContain('answer the repeat too');
  });

  it('code (ponger): a pong that does not echo the send time is caught', async () => {
    const noEcho = ponger(`  if (input.type !== 'message' || input.message.type !== 'ping') return { state };
  return { state, effects: [{ type: 'send', to: input.from, message: { type: 'pong', n: input.message.n, echoSentAtMs: 0 } }] };`);
    const result = await gradeText(writePonger, 0, noEcho);
    expect(result.passed).toBe(false);
    expect(result.text).toContain('echoSentAtMs: 12.5');
  });

  it('code (ponger): replying to the wrong node, and throwing, are reported with the line', async () => {
    const wrongTarget = await gradeText(writePonger, 0, ponger(`  if (input.type !== 'message') return { state };
  return { state, effects: [{ type: 'send', to: 'b', message: { type: 'pong', n: input.message.n, echoSentAtMs: input.message.sentAtMs } }] };`));
    expect(wrongTarget.text).toContain('send it back to the ping\'s sender');
    const throws = await gradeText(writePonger, 0, ponger('  throw new Error("not yet");'));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/line 2/);
  });

  it('code (loss rate): delivered fraction, NaN on empty traces, and wrong types fail', async () => {
    const delivered = await gradeText(measureLoss, 0, { kind: 'code', source: 'export function lossRate(t: any) { const s = t.events.filter((e: any) => e.kind === "send").length; return t.events.filter((e: any) => e.kind === "deliver").length / s; }' });
    expect(delivered.passed).toBe(false);
    expect(delivered.text).toContain('fraction delivered');
    const nan = await gradeText(measureLoss, 0, { kind: 'code', source: 'export function lossRate(t: any) { return t.events.filter((e: any) => e.kind === "drop").length / t.events.filter((e: any) => e.kind === "send").length; }' });
    expect(nan.score).toBeGreaterThan(0.5);
    expect(nan.text).toContain('dividing by zero');
    const missing = await gradeText(measureLoss, 0, { kind: 'code', source: 'export function lossrate() { return 0; }' });
    expect(missing.passed).toBe(false);
    expect(missing.text).toContain('lossRate');
  });
});
