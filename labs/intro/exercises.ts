/**
 * The exercises of "How to read this book": one of every kind the book uses (single and multiple choice, numeric,
 * structured, and code run inside the simulator), each about the ping system the chapter is built on.
 * Variants come from the seed: a different run of the ping system, a different loss rate.
 */
import type { ExerciseSet } from '../catalog';
import { distinctMistakes } from '../exercises/grade';
import { defineExercise, type Check } from '../exercises/types';
import * as sim from '../sim/index';
import { eventsOfKind, type Trace } from '../sim/trace';
import type { Effect, Input, NodeBehavior } from '../sim/types';
import { checkEveryPingAnswered, pinger, rttSamples, runPingDemo, type PingMessage, type PingState, type PongerState } from './ping';

const SHORT_RUN = { count: 4, intervalMs: 100, retransmitMs: 60, latency: { kind: 'uniform', minMs: 5, maxMs: 15 } } as const;

/** A short ping run on a lossy link, as the diagram-reading exercises show it. */
function shortRun(seed: number, lossProbability: number): Trace {
  return runPingDemo({ ...SHORT_RUN, seed, lossProbability, untilMs: 500 });
}

/** Ping numbers that were sent more than once in a run. */
/** Why each named ping is not a retransmitted one: it was sent once only, or no ping has that number. */
function extraPingsFeedback(trace: Trace, extra: string[]): string {
  const sent = new Set(eventsOfKind(trace, 'send').map((e) => (e.message as PingMessage)).filter((m) => m.type === 'ping').map((m) => String(m.n)));
  const once = extra.filter((n) => sent.has(n));
  const unknown = extra.filter((n) => !sent.has(n));
  const parts: string[] = [];
  if (once.length) parts.push(`${once.map((n) => `ping ${n}`).join(' and ')} ${once.length === 1 ? 'was' : 'were'} sent only once`);
  if (unknown.length) parts.push(`no ping in this run has the number ${unknown.join(' or ')} (the pings are numbered ${[...sent].join(', ')})`);
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function retransmittedPings(trace: Trace): number[] {
  const sends = new Map<number, number>();
  for (const send of eventsOfKind(trace, 'send')) {
    const message = send.message as PingMessage;
    if (message.type === 'ping') sends.set(message.n, (sends.get(message.n) ?? 0) + 1);
  }
  return [...sends].filter(([, count]) => count > 1).map(([n]) => n).sort((a, b) => a - b);
}

export const seedReplay = defineExercise<Record<string, never>>({
  id: 'intro/seed-replay',
  title: 'What a seed fixes',
  kind: 'choice',
  multiple: false,
  generate: () => ({}),
  prompt: () => ({
    text: 'You run a cell that simulates the ping system on a lossy link with `seed: 7`, then run it again without changing anything. What does the second run produce?',
  }),
  options: () => [
    { id: 'same', label: 'Exactly the same trace, event for event' },
    { id: 'same-stats', label: 'The same number of drops, but possibly at other times' },
    { id: 'different', label: 'A different run, because the link loses messages at random' },
  ],
  correct: () => ['same'],
  explain: (_p, id) => (id === 'same' ? '' : 'All randomness in a run comes from the seed, so nothing can differ between the two runs.'),
  solution: () => ({
    text: 'Exactly the same trace. The simulator draws every random choice (latencies, losses, duplicates) from one generator seeded by `seed`, and time is virtual, so the same seed and the same interventions replay a run exactly. Change the seed to see another run.',
  }),
});

export const effectsOfAStep = defineExercise<Record<string, never>>({
  id: 'intro/effects',
  title: 'What a node may do',
  kind: 'choice',
  multiple: true,
  generate: () => ({}),
  prompt: () => ({
    text: 'A node in this book is a pure function `step(state, input)` that returns a new state and a list of effects. Which of these can a step do **directly**, as an effect it returns?',
  }),
  options: () => [
    { id: 'send', label: 'Send a message to another node' },
    { id: 'timer', label: 'Ask to be woken up after some time on its own clock' },
    { id: 'sleep', label: 'Wait 50 ms before returning' },
    { id: 'random', label: 'Read `Math.random()` to pick a timeout' },
    { id: 'persist', label: 'Save data that survives a crash' },
  ],
  correct: () => ['send', 'timer', 'persist'],
  explain: (_p, id) => ({
    sleep: 'A step never blocks: time passes only in the simulator, between inputs. It sets a timer instead.',
    random: 'Randomness comes from the simulator (the `random` port in the step context), so a seed can replay it.',
  } as Record<string, string>)[id] ?? '',
  solution: () => ({
    text: 'Sending, setting a timer and persisting are effects (`send`, `setTimer`, `persist`). A step never waits and never reads a global clock or random source: the simulator owns time and chance, which is what makes every run replayable from its seed.',
  }),
});

/** The mean number of sends of one ping when each message is lost with probability `loss`: 1 / (1 − loss)². */
function meanSends(loss: number): number {
  return 1 / (1 - loss) ** 2;
}

const TRANSMISSIONS_TOLERANCE = { relative: 0.02 };

export const expectedTransmissions = defineExercise({
  id: 'intro/expected-transmissions',
  title: 'How many transmissions?',
  kind: 'numeric',
  tolerance: TRANSMISSIONS_TOLERANCE,
  // Loss rates at which every known mistake below lies outside the tolerance (at 10% loss 1/(1 − 2p) is within 2%
  // of the answer, and at 50% 2/(1 − p) equals it), so each wrong method is told apart from the right one.
  generate: (rng) => ({ lossPercent: rng.pick([15, 20, 25, 30, 40]) }),
  prompt: (p) => ({
    text: `The link loses each message independently with probability ${p.lossPercent}%. The pinger retransmits a ping until a pong comes back, and its retransmission timeout is longer than any round trip, so it sends a ping again only when the ping or its pong was lost. On average, how many times is one ping sent? (A ping round trip succeeds only when both the ping and its pong get through.)`,
  }),
  answer: (p) => meanSends(p.lossPercent / 100),
  mistakes(p) {
    const loss = p.lossPercent / 100;
    return distinctMistakes(TRANSMISSIONS_TOLERANCE, meanSends(loss), [
      { value: 1 / (1 - loss), feedback: `That is the mean number of tries for one message to get through. A ping counts as answered only when the ping and its pong both arrive, which happens with probability (1 − ${loss})², not 1 − ${loss}.` },
      { value: meanSends(loss) - 1, feedback: 'That counts the retransmissions only; the question asks how many times the ping is sent, the first send included.' },
      { value: 2 / (1 - loss), feedback: 'That adds two one-way means. The ping is sent again whenever either message is lost, so one round trip is one try, and it succeeds with probability (1 − p)².' },
      { value: 1 / (1 - 2 * loss), feedback: `That takes the chance of losing the round trip as 2p. Both losses can happen together, so it is 1 − (1 − p)² = 2p − p², which makes a success (1 − ${loss})².` },
    ]);
  },
  hints: () => ['A round trip succeeds with probability (1 − p)², and the number of tries until the first success is geometric.'],
  solution: (p) => {
    const q = (1 - p.lossPercent / 100) ** 2;
    return {
      text: `A round trip succeeds when the ping and the pong both arrive: probability (1 − ${p.lossPercent / 100})² = ${q.toFixed(4)}. Tries until the first success follow a geometric distribution with mean 1/${q.toFixed(4)} ≈ **${(1 / q).toFixed(3)}**. Loss hurts twice: once on the way out, once on the way back.`,
    };
  },
});

/** Counts of a short run's messages: sent, delivered, and dropped pings and pongs. */
function messageCounts(trace: Trace) {
  const dropped = eventsOfKind(trace, 'drop').map((d) => (d.message as PingMessage).type);
  return {
    sent: eventsOfKind(trace, 'send').length,
    delivered: eventsOfKind(trace, 'deliver').length,
    droppedPings: dropped.filter((type) => type === 'ping').length,
    droppedPongs: dropped.filter((type) => type === 'pong').length,
  };
}

export const countDrops = defineExercise({
  id: 'intro/count-drops',
  title: 'Reading a space-time diagram',
  kind: 'numeric',
  tolerance: { absolute: 0 },
  generate(rng) {
    // Only runs in which every message has arrived or been dropped by the end of the figure: a message still in
    // flight would be neither, and a reader could fairly count it either way.
    const lossProbability = rng.pick([0.2, 0.25, 0.3]);
    for (;;) {
      const seed = rng.int(1, 10_000);
      const { sent, delivered, droppedPings, droppedPongs } = messageCounts(shortRun(seed, lossProbability));
      if (sent === delivered + droppedPings + droppedPongs) return { seed, lossProbability };
    }
  },
  prompt: (p) => ({
    text: `The diagram shows node **a** pinging node **b** four times over a link that loses ${p.lossProbability * 100}% of messages (seed ${p.seed}). How many messages did the network drop? Dropped messages are dashed and end in a cross; the data table under the figure lists every event.`,
    figures: [{ kind: 'spacetime', trace: shortRun(p.seed, p.lossProbability), caption: `The ping system, seed ${p.seed}, ${p.lossProbability * 100}% loss.` }],
  }),
  answer: (p) => eventsOfKind(shortRun(p.seed, p.lossProbability), 'drop').length,
  mistakes(p) {
    const { sent, delivered, droppedPings, droppedPongs } = messageCounts(shortRun(p.seed, p.lossProbability));
    return distinctMistakes({ absolute: 0 }, droppedPings + droppedPongs, [
      { value: droppedPings, feedback: 'That counts the lost pings only. Pongs are lost too, on the way back from b: look for crosses on arrows that leave b.' },
      { value: droppedPongs, feedback: 'That counts the lost pongs only. Pings are lost too, on the way from a: look for crosses on arrows that leave a.' },
      { value: sent, feedback: 'That is every message sent. Count only the dashed arrows that end in a cross (the table\'s `drop` rows).' },
      { value: delivered, feedback: 'That counts the messages that arrived. Count the ones that did not: dashed arrows ending in a cross.' },
    ]);
  },
  solution: (p) => {
    const trace = shortRun(p.seed, p.lossProbability);
    const drops = eventsOfKind(trace, 'drop');
    return {
      text: `${drops.length} message${drops.length === 1 ? ' was' : 's were'} dropped, out of ${trace.stats.sent} sent: ${drops.map((d) => `m${d.msgId} (${(d.message as PingMessage).type} ${(d.message as PingMessage).n})`).join(', ') || 'none'}. In the table, they are the rows whose event is \`drop\`.`,
    };
  },
});

export const whichRetransmitted = defineExercise({
  id: 'intro/retransmitted',
  title: 'Which pings were sent twice?',
  kind: 'structured',
  format: 'set',
  placeholder: '{0, 2}',
  generate(rng) {
    // Draw runs until one has at least one retransmission, so the answer is never the empty set.
    const lossProbability = rng.pick([0.25, 0.3, 0.35]);
    for (;;) {
      const seed = rng.int(1, 10_000);
      if (retransmittedPings(shortRun(seed, lossProbability)).length > 0) return { seed, lossProbability };
    }
  },
  prompt: (p) => ({
    text: `In this run (seed ${p.seed}, ${p.lossProbability * 100}% loss), which pings did **a** send more than once? Give their numbers \`n\` as a set, like \`{0, 2}\`. A ping is sent again when no pong came back within 60 ms.`,
    figures: [{ kind: 'spacetime', trace: shortRun(p.seed, p.lossProbability), caption: `Which pings were retransmitted? Seed ${p.seed}.` }],
  }),
  reference: (p) => `{${retransmittedPings(shortRun(p.seed, p.lossProbability)).join(', ')}}`,
  check(p, value): Check[] {
    const expected = retransmittedPings(shortRun(p.seed, p.lossProbability)).map(String);
    const missing = expected.filter((n) => !value.includes(n));
    const extra = value.filter((n) => !expected.includes(n));
    return [
      { name: 'all retransmitted pings', passed: missing.length === 0, feedback: missing.length ? `You missed ${missing.length} ping${missing.length === 1 ? '' : 's'}: look for a ping whose pong never arrived within 60 ms, or whose ping was lost.` : '' },
      { name: 'only retransmitted pings', passed: extra.length === 0, feedback: extra.length ? extraPingsFeedback(shortRun(p.seed, p.lossProbability), extra) : '' },
    ];
  },
  solution: (p) => {
    const trace = shortRun(p.seed, p.lossProbability);
    const again = retransmittedPings(trace);
    return { text: `Pings ${again.join(', ')}: each has two or more \`send\` events carrying the same \`n\`. The pinger cannot tell a lost ping from a lost pong, so both cause a retransmission.` };
  },
});

/** What the learner implements: the ponger's step function. */
type PongerStep = (state: PongerState, input: Input<PingMessage>) => { state: PongerState; effects?: Effect<PingMessage>[] };

const PONGER_STARTER = `import type { Effect, Input } from 'labs/sim';
import type { PingMessage, PongerState } from 'labs/intro';

// Answer every ping with a pong that echoes the ping's n and sentAtMs.
export function pongerStep(state: PongerState, input: Input<PingMessage>): { state: PongerState; effects?: Effect<PingMessage>[] } {
  return { state };
}
`;

const PONGER_REFERENCE = `import type { Effect, Input } from 'labs/sim';
import type { PingMessage, PongerState } from 'labs/intro';

export function pongerStep(state: PongerState, input: Input<PingMessage>): { state: PongerState; effects?: Effect<PingMessage>[] } {
  if (input.type !== 'message' || input.message.type !== 'ping') return { state };
  const { n, sentAtMs } = input.message;
  return {
    state: { ...state, answered: state.answered + 1 },
    effects: [{ type: 'send', to: input.from, message: { type: 'pong', n, echoSentAtMs: sentAtMs } }],
  };
}
`;

function learnerPonger(step: PongerStep): NodeBehavior<PingState, PingMessage> {
  return {
    init: () => ({ role: 'ponger', answered: 0 }),
    step: (state, input) => {
      const result = step(state as PongerState, input);
      if (!result || typeof result !== 'object' || !('state' in result)) throw new Error('pongerStep must return { state, effects }');
      return result;
    },
  };
}

export const writePonger = defineExercise({
  id: 'intro/ponger',
  title: 'Write the ponger',
  kind: 'code',
  signature: 'pongerStep(state: PongerState, input: Input<PingMessage>): { state: PongerState; effects?: Effect<PingMessage>[] }',
  exportName: 'pongerStep',
  modules: { 'labs/sim': sim },
  generate: (rng) => ({ seed: rng.int(1, 100_000), lossProbability: rng.pick([0.2, 0.3, 0.4]) }),
  prompt: (p) => ({
    text: `Write node **b**'s step function. When a \`ping\` arrives, send back a \`pong\` to its sender with the same \`n\`, and echo its \`sentAtMs\` as \`echoSentAtMs\` so the pinger can measure the round trip. Ignore every other input. Your function runs in the simulator against the real pinger on a link that loses ${p.lossProbability * 100}% of messages (seed ${p.seed}).`,
  }),
  starter: () => PONGER_STARTER,
  reference: () => PONGER_REFERENCE,
  hints: () => ['A retransmitted ping arrives because the first pong may have been lost: answer it again.'],
  async checks(p, fn, ctx) {
    const step = fn as unknown as PongerStep;
    const ping: Input<PingMessage> = { type: 'message', from: 'a', msgId: 1, message: { type: 'ping', n: 3, sentAtMs: 12.5 } };
    const answersOne = await ctx.check('answers a ping', () => {
      const sends = (step({ role: 'ponger', answered: 0 }, ping).effects ?? []).filter((e) => e.type === 'send');
      const pong = sends[0] as Extract<Effect<PingMessage>, { type: 'send' }> | undefined;
      if (sends.length !== 1 || !pong) return { passed: false, feedback: `A ping should cause exactly one send; yours caused ${sends.length}.` };
      if (pong.to !== 'a') return { passed: false, feedback: `The pong went to "${pong.to}"; send it back to the ping's sender, input.from.` };
      const m = pong.message as Partial<Extract<PingMessage, { type: 'pong' }>>;
      if (m.type !== 'pong' || m.n !== 3 || m.echoSentAtMs !== 12.5) {
        return { passed: false, feedback: `For ping { n: 3, sentAtMs: 12.5 } the reply should be { type: 'pong', n: 3, echoSentAtMs: 12.5 }; yours was ${JSON.stringify(m)}.` };
      }
      return { passed: true, feedback: '' };
    });
    const quiet = await ctx.check('ignores other inputs', () => {
      const inputs: Input<PingMessage>[] = [{ type: 'start' }, { type: 'timer', name: 'x' }, { type: 'message', from: 'a', msgId: 2, message: { type: 'pong', n: 1, echoSentAtMs: 0 } }];
      const noisy = inputs.filter((input) => (step({ role: 'ponger', answered: 0 }, input).effects ?? []).some((e) => e.type === 'send'));
      return { passed: noisy.length === 0, feedback: noisy.length ? `Your ponger sent a message in response to ${noisy.map((i) => (i.type === 'message' ? 'a pong' : `a ${i.type} input`)).join(' and ')}; only pings need an answer.` : '' };
    });
    const live = await ctx.check('every ping answered on a lossy link', () => {
      const trace = sim.simulate({
        seed: p.seed,
        nodes: { a: pinger({ count: 8 }), b: learnerPonger(step) },
        network: { latency: { kind: 'uniform', minMs: 5, maxMs: 15 }, lossProbability: p.lossProbability },
        untilMs: 8 * 100 + 40 * 60,
      });
      const result = checkEveryPingAnswered(trace, 8);
      if (result.status === 'ok') {
        const bad = rttSamples(trace).filter((s) => s.rttMs < 10 || s.rttMs > 30);
        if (bad.length) return { passed: false, feedback: `Every ping got a pong, but the pinger measured impossible round trips (${bad.map((s) => `${s.rttMs} ms`).join(', ')}); with one-way delays of 5–15 ms they must lie between 10 and 30 ms. Echo the ping's sentAtMs unchanged.` };
        return { passed: true, feedback: '' };
      }
      return { passed: false, feedback: `${result.status === 'violation' ? result.message : result.reason}. When a pong is lost, the pinger sends the same ping again; your ponger must answer the repeat too.` };
    });
    return [answersOne, quiet, live];
  },
  solution: () => ({
    text: 'Match on a `message` input whose message is a `ping`, and return one `send` effect back to `input.from` echoing `n` and `sentAtMs`. Answer every copy: the ponger cannot know whether its earlier pong arrived, and the pinger stops retransmitting only when one does.',
  }),
});

const LOSS_RATE_STARTER = `import type { Trace } from 'labs/sim';

// The fraction of sent messages that the network dropped (0 when nothing was sent).
export function lossRate(trace: Trace): number {
  return 0;
}
`;

const LOSS_RATE_REFERENCE = `import type { Trace } from 'labs/sim';

export function lossRate(trace: Trace): number {
  const sent = trace.events.filter((e) => e.kind === 'send').length;
  const dropped = trace.events.filter((e) => e.kind === 'drop').length;
  return sent === 0 ? 0 : dropped / sent;
}
`;

export const measureLoss = defineExercise({
  id: 'intro/loss-rate',
  title: 'Measure the loss rate from a trace',
  kind: 'code',
  signature: 'lossRate(trace: Trace): number',
  exportName: 'lossRate',
  generate: (rng) => ({ seeds: [rng.int(1, 100_000), rng.int(1, 100_000), rng.int(1, 100_000)], lossProbability: rng.pick([0.1, 0.2, 0.3]) }),
  prompt: (p) => ({
    text: `Traces are plain data: \`trace.events\` lists every event with a \`kind\` such as \`send\`, \`deliver\` and \`drop\`. Write \`lossRate(trace)\`: the number of \`drop\` events divided by the number of \`send\` events, or 0 for a trace with no sends. It is checked on ping runs with ${p.lossProbability * 100}% loss and on a run with no messages at all.`,
  }),
  starter: () => LOSS_RATE_STARTER,
  reference: () => LOSS_RATE_REFERENCE,
  async checks(p, fn, ctx) {
    const lossRate = fn as unknown as (trace: Trace) => number;
    const checks: Check[] = [];
    for (const [i, seed] of p.seeds.entries()) {
      const trace = runPingDemo({ seed, lossProbability: p.lossProbability, count: 10 });
      const sent = eventsOfKind(trace, 'send').length;
      const expected = eventsOfKind(trace, 'drop').length / sent;
      checks.push(await ctx.check(`ping run ${i + 1} (seed ${seed})`, () => {
        const got = lossRate(trace);
        if (typeof got !== 'number' || Number.isNaN(got)) return { passed: false, feedback: `lossRate returned ${String(got)}, not a number.` };
        if (Math.abs(got - expected) < 1e-9) return { passed: true, feedback: '' };
        const deliveredRatio = eventsOfKind(trace, 'deliver').length / sent;
        const hint = Math.abs(got - deliveredRatio) < 1e-9 ? ' That is the fraction delivered; count the drops instead.' : ' Count `drop` events and divide by the number of `send` events.';
        return { passed: false, feedback: `For a run with ${sent} sends, lossRate returned ${got}.${hint}` };
      }));
    }
    const silent: Trace = sim.simulate({ seed: 1, nodes: { a: pinger({ count: 0 }), b: pinger({ count: 0 }) }, untilMs: 10 });
    checks.push(await ctx.check('a run with no messages', () => {
      const got = lossRate(silent);
      return { passed: got === 0, feedback: got === 0 ? '' : `With nothing sent, lossRate should be 0; yours returned ${String(got)} (dividing by zero sends gives NaN).` };
    }));
    return checks;
  },
  solution: () => ({ text: 'Count the `send` and `drop` events with `filter` and divide, guarding against zero sends.' }),
});

export const exerciseSet: ExerciseSet = {
  chapter: 'start/how-to-read',
  exercises: [seedReplay, effectsOfAStep, expectedTransmissions, countDrops, whichRetransmitted, writePonger, measureLoss],
};
