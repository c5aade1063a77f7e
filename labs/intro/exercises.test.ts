// Method: every exercise of the chapter is graded with its own reference answer over many seeded variants (all
// must pass), and with typical wrong answers (each must fail, with feedback a learner can act on). Then each
// exercise is enumerated over thousands of seeds against an oracle written here, independently of the
// definition: the answer is recomputed another way (a series sum, the trace's sends and deliveries), each choice
// option is decided by running the simulator, and a structured answer must be accepted while its near misses
// are not; so every variant has exactly one correct answer.
import { describe, expect, it } from 'vitest';
import { grade, referenceAnswer, variantParams } from '../exercises/grade';
import type { Answer, ChoiceExercise, Exercise, NumericExercise, StructuredExercise } from '../exercises/types';
import { ExerciseRegistry } from '../exercises/registry';
import { itExplainsEveryMistake, itPassesEveryVariant, itShowsTheAnswerFormat, manySeeds } from '../exercises/test-support';
import { NodeError, simulate } from '../sim/simulation';
import type { Trace } from '../sim/trace';
import type { Effect, NodeBehavior } from '../sim/types';
import { countDrops, effectsOfAStep, exerciseSet, expectedTransmissions, measureLoss, seedReplay, whichRetransmitted, writePonger } from './exercises';
import { runPingDemo, type PingMessage } from './ping';


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

  it('numeric: the mean for one message, 1/(1 − p), is explained as the one-way mistake the chapter warns about', async () => {
    const p = variantParams(expectedTransmissions, 3) as { lossPercent: number };
    const oneWay = 1 / (1 - p.lossPercent / 100);
    const result = await gradeText(expectedTransmissions, 3, { kind: 'numeric', value: oneWay });
    expect(result.passed).toBe(false);
    expect(result.text).toContain('for one message to get through');
    expect(result.text).toContain('both arrive');
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
    expect(result.text).toMatch(/no ping in this run has the number 99/i);
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

describe('every variant has exactly one correct answer (thousands of seeds against oracles)', () => {
  const SEEDS = manySeeds(2000);
  const FEW_SEEDS = manySeeds(300);
  const SHORT = { count: 4, intervalMs: 100, retransmitMs: 60, latency: { kind: 'uniform', minMs: 5, maxMs: 15 }, untilMs: 500 } as const;

  itExplainsEveryMistake(exerciseSet.exercises, SEEDS);
  itShowsTheAnswerFormat(exerciseSet.exercises, FEW_SEEDS);

  it('seed replay: two runs with one seed give the same trace, so only "same" holds', () => {
    const def = seedReplay as ChoiceExercise<Record<string, never>>;
    for (const seed of [7, ...SEEDS.slice(1, 50)]) {
      for (const lossProbability of [0.1, 0.3, 0.5]) {
        const first = JSON.stringify(runPingDemo({ seed, lossProbability }));
        expect(JSON.stringify(runPingDemo({ seed, lossProbability }))).toBe(first);
      }
    }
    // 'same-stats' and 'different' both claim that something may differ; nothing did.
    expect(def.correct({})).toEqual(['same']);
    expect(def.options({}).map((o) => o.id).sort()).toEqual(['different', 'same', 'same-stats']);
  });

  it('effects: exactly the options the simulator carries out as returned effects are correct', () => {
    const def = effectsOfAStep as ChoiceExercise<Record<string, never>>;
    // Each option as the effect a step would return; sleeping and reading Math.random have no effect record.
    const asEffect: Record<string, Record<string, unknown>> = {
      send: { type: 'send', to: 'b', message: 'hello' },
      timer: { type: 'setTimer', name: 'wake', delayMs: 5 },
      sleep: { type: 'sleep', delayMs: 50 },
      random: { type: 'random' },
      persist: { type: 'persist', data: { kept: true } },
    };
    const carriedOut = (effect: Record<string, unknown>): boolean => {
      const node: NodeBehavior<{ durable?: unknown }, unknown> = {
        init: (ctx) => ({ durable: ctx.durable }),
        // After a durable restart, the node logs what it got back instead of returning the effect again.
        step: (state, input) => {
          if (input.type !== 'start') return { state };
          return { state, effects: state.durable === undefined ? [effect as unknown as Effect<unknown>] : [{ type: 'log', text: 'recovered', data: state.durable }] };
        },
      };
      const quiet: NodeBehavior<object, unknown> = { init: () => ({}), step: (state) => ({ state }) };
      let trace: Trace;
      try {
        trace = simulate({ seed: 1, nodes: { a: node, b: quiet }, interventions: [{ atMs: 20, kind: 'restart', node: 'a', durable: true } as never], untilMs: 50 });
      } catch (error) {
        if (error instanceof NodeError) return false;
        throw error;
      }
      if (effect.type === 'send') return trace.events.some((e) => e.kind === 'deliver' && e.node === 'b');
      if (effect.type === 'setTimer') return trace.events.some((e) => e.kind === 'timer' && e.node === 'a' && e.name === 'wake');
      if (effect.type === 'persist') return trace.events.some((e) => e.kind === 'log' && e.text === 'recovered' && JSON.stringify(e.data) === JSON.stringify(effect.data));
      return false;
    };
    const holds = def.options({}).filter((o) => carriedOut(asEffect[o.id] as Record<string, unknown>)).map((o) => o.id).sort();
    expect(holds).toEqual([...def.correct({})].sort());
  });

  it('expected transmissions: the answer equals the geometric series summed term by term', () => {
    const def = expectedTransmissions as NumericExercise<{ lossPercent: number }>;
    for (const seed of SEEDS) {
      const p = variantParams(def, seed);
      const success = (1 - p.lossPercent / 100) * (1 - p.lossPercent / 100);
      let mean = 0;
      for (let k = 1, failAll = 1; failAll > 1e-18; k++, failAll *= 1 - success) mean += k * success * failAll;
      expect(def.answer(p)).toBeCloseTo(mean, 9);
      expect(def.mistakes?.(p)).toHaveLength(4);
    }
  });

  it('count drops: the answer is the number of sends never delivered, and no message is still in flight', () => {
    const def = countDrops as NumericExercise<{ seed: number; lossProbability: number }>;
    for (const seed of SEEDS) {
      const p = variantParams(def, seed);
      const trace = runPingDemo({ ...SHORT, seed: p.seed, lossProbability: p.lossProbability });
      const delivered = new Set(trace.events.filter((e) => e.kind === 'deliver').map((e) => (e as { msgId: number }).msgId));
      const lost = trace.events.filter((e) => e.kind === 'send' && !delivered.has(e.msgId));
      const crosses = trace.events.filter((e) => e.kind === 'drop');
      expect(crosses.length, `seed ${seed}: a message is neither delivered nor dropped`).toBe(lost.length);
      expect(def.answer(p)).toBe(lost.length);
    }
  });

  it('retransmitted pings: the grader accepts the set of pings sent twice or more, and no near miss', async () => {
    const def = whichRetransmitted as StructuredExercise<{ seed: number; lossProbability: number }, 'set'>;
    for (const seed of FEW_SEEDS) {
      const p = variantParams(def, seed);
      const trace = runPingDemo({ ...SHORT, seed: p.seed, lossProbability: p.lossProbability });
      const copies = new Map<number, number>();
      for (const e of trace.events) {
        if (e.kind === 'send' && e.node === 'a') copies.set((e.message as PingMessage).n, (copies.get((e.message as PingMessage).n) ?? 0) + 1);
      }
      const twice = [...copies].filter(([, k]) => k >= 2).map(([n]) => n);
      const once = [...copies].filter(([, k]) => k === 1).map(([n]) => n);
      expect(twice.length, `seed ${seed}`).toBeGreaterThan(0);
      const text = (ns: number[]) => `{${ns.join(', ')}}`;
      expect((await grade(def, seed, { kind: 'structured', text: text([...twice].reverse()) })).passed).toBe(true);
      const nearMisses = [twice.slice(1), ...once.map((n) => [...twice, n]), [...twice, 4]];
      for (const miss of nearMisses) expect((await grade(def, seed, { kind: 'structured', text: text(miss) })).passed, `seed ${seed}: ${text(miss)}`).toBe(false);
    }
  });

  it('retransmitted pings: a ping sent once and a number no ping has are told apart in the feedback', async () => {
    const def = whichRetransmitted as StructuredExercise<{ seed: number; lossProbability: number }, 'set'>;
    const p = variantParams(def, 0);
    const trace = runPingDemo({ ...SHORT, seed: p.seed, lossProbability: p.lossProbability });
    const copies = new Map<number, number>();
    for (const e of trace.events) if (e.kind === 'send' && e.node === 'a') copies.set((e.message as PingMessage).n, (copies.get((e.message as PingMessage).n) ?? 0) + 1);
    const twice = [...copies].filter(([, k]) => k >= 2).map(([n]) => n);
    const once = [...copies].filter(([, k]) => k === 1).map(([n]) => n);
    expect(once.length).toBeGreaterThan(0);
    const feedback = (await gradeText(def, 0, { kind: 'structured', text: `{${[...twice, once[0], 99].join(', ')}}` })).text;
    expect(feedback).toContain(`Ping ${once[0]} was sent only once`);
    expect(feedback).toContain('no ping in this run has the number 99');
    expect(feedback).not.toContain('never exist');
  });
});

describe('prompts state every assumption their answer needs', () => {
  it('expected transmissions: the prompt says the timeout exceeds every round trip, without which a slow pong causes extra sends', () => {
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const text = expectedTransmissions.prompt(variantParams(expectedTransmissions, seed) as never).text;
      expect(text).toContain('its retransmission timeout is longer than any round trip');
    }
    // Why it matters: with a timeout below the longest round trip, a lossless link already costs more than one send.
    const early = runPingDemo({ seed: 1, count: 50, retransmitMs: 12, untilMs: 50 * 100 + 2_000 });
    const pings = early.events.filter((e) => e.kind === 'send' && (e.message as PingMessage).type === 'ping').length;
    expect(pings / 50).toBeGreaterThan(1);
  });
});
