/**
 * The exercises of "Time, clocks and the order of events": reading Lamport and vector timestamps and concurrency
 * off a space-time diagram, NTP's offset and delay, Marzullo's interval, skew, the limits of Lamport clocks and
 * Spanner's commit wait, and three code exercises that run the learner's clock inside the chapter's exchange
 * workload and hold it to the brute-force happened-before oracle of `causality.ts`.
 *
 * Variants come from the seed: a different run of the exchange (and a different event to ask about), different
 * NTP timestamps, source intervals, skew rates and uncertainties. Diagram figures label every event with its id
 * (`a1`, `b3`) at the trace position of the event, so a prompt can name events the reader can find.
 */
import type { ExerciseSet } from '../catalog';
import type { SpaceTimeOutput } from '../display/outputs';
import { distinctMistakes } from '../exercises/grade';
import { defineExercise, type Check, type CheckVerdict } from '../exercises/types';
import { guarded, WrongReturn } from '../exercises/in-simulation';
import type { CheckResult } from '../sim/check';
import { clockReadingMs } from '../sim/clock';
import { Random } from '../sim/random';
import { checkHlc, checkVectorCharacterisesCausality, happensBefore } from './causality';
import { runExchange, type StampedEvent } from './exchange';
import { compareVectors, hlcPhysicalMs, hybridClock, lamportClock, vectorClock } from './logical';
import type { HlcTimestamp, LogicalClock, NodeId, VectorOrder, VectorTimestamp } from './logical';
import { marzullo as marzulloReference, marzulloBruteForce, type MarzulloResult, type SourceInterval } from './marzullo';
import { ntpDelay, ntpOffset, runNtp } from './ntp';
import { ttNow } from './truetime';

const NODES = ['a', 'b', 'c'] as const;

/** The small exchange the diagram-reading exercises show: three nodes, each starting `eventsPerNode` events. */
function diagramRun<T>(clock: LogicalClock<T>, seed: number, eventsPerNode: number) {
  return runExchange(clock, { seed, eventsPerNode });
}

/** A space-time figure of a run with every event labelled by its id (or by `text`, e.g. its timestamp). */
function diagram<T>(
  run: { trace: SpaceTimeOutput['trace']; events: StampedEvent<T>[] },
  caption: string,
  text: (e: StampedEvent<T>) => string = (e) => e.id,
  highlight?: SpaceTimeOutput['highlight'],
): SpaceTimeOutput {
  return { kind: 'spacetime', trace: run.trace, caption, labels: run.events.map((e) => ({ seq: e.seq, text: text(e) })), ...(highlight ? { highlight } : {}) };
}

/** A vector in node order, as the learner writes it: `[2, 0, 1]`. */
function vectorText(v: VectorTimestamp, nodes: readonly string[] = NODES): string {
  return `[${nodes.map((n) => v[n] ?? 0).join(', ')}]`;
}

/** A vector as the checkers print it: `{a: 2, b: 0, c: 1}`. */
function vectorRecord(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  return `{${Object.keys(v).sort().map((n) => `${n}: ${String((v as Record<string, unknown>)[n])}`).join(', ')}}`;
}

function signed(x: number): string {
  return x > 0 ? `+${x}` : String(x);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seqsOf<T>(events: StampedEvent<T>[], ids: Iterable<string>): number[] {
  const wanted = new Set(ids);
  return events.filter((e) => wanted.has(e.id)).map((e) => e.seq);
}

// ——— Reading a diagram ———

function lamportRun(seed: number) {
  return diagramRun(lamportClock, seed, 4);
}

function lamportAnswer(seed: number, node: string): string {
  return `[${lamportRun(seed).events.filter((e) => e.node === node).map((e) => e.stamp).join(', ')}]`;
}

export const lamportTimestamps = defineExercise({
  id: 'clocks/lamport-timestamps',
  title: 'Lamport timestamps of one node',
  kind: 'structured',
  format: 'vector',
  placeholder: '[1, 2, 5]',
  generate(rng) {
    // A node with at most six events and a receive that makes its clock jump, so counting events alone is not the answer.
    for (;;) {
      const seed = rng.int(1, 100_000);
      const { events } = lamportRun(seed);
      const jumpers = NODES.filter((n) => events.filter((e) => e.node === n).length <= 6 && events.some((e) => e.node === n && e.kind === 'receive' && e.stamp > e.index));
      if (jumpers.length > 0) return { seed, node: rng.pick(jumpers) as string };
    }
  },
  prompt(p) {
    const run = lamportRun(p.seed);
    const mine = run.events.filter((e) => e.node === p.node);
    return {
      text: `Every node keeps a Lamport clock that starts at 0. Each event (local, send or receive) adds one to it; a message carries the sender's timestamp, and a receive sets the clock to the larger of its own value and the message's, plus one. Give the Lamport timestamps of node **${p.node}**'s events ${mine.map((e) => `\`${e.id}\``).join(', ')}, in order, like \`[1, 2, 5]\`.`,
      figures: [diagram(run, `Seed ${p.seed}: three nodes exchanging messages. Each label is an event's id.`)],
    };
  },
  reference: (p) => lamportAnswer(p.seed, p.node),
  check(p, value): Check[] {
    const { events } = lamportRun(p.seed);
    const mine = events.filter((e) => e.node === p.node);
    const stampOf = new Map(events.map((e) => [e.id, e.stamp]));
    if (value.length !== mine.length) {
      return [{ name: 'one timestamp per event', passed: false, feedback: `Node ${p.node} has ${plural(mine.length, 'event')} (${mine.map((e) => e.id).join(', ')}); give one timestamp for each, in order. Yours has ${value.length}.` }];
    }
    const checks: Check[] = [{ name: 'one timestamp per event', passed: true, feedback: '' }];
    const drop = value.findIndex((x, i) => i > 0 && x <= (value[i - 1] as number));
    checks.push({
      name: 'increasing along the node',
      passed: drop < 0,
      feedback: drop < 0 ? '' : `Every event moves the clock forward, so timestamps on one node strictly increase; yours go from ${value[drop - 1]} at ${mine[drop - 1]?.id} to ${value[drop]} at ${mine[drop]?.id}.`,
    });
    const wrong = mine.findIndex((e, i) => value[i] !== e.stamp);
    let feedback = '';
    if (wrong >= 0) {
      const e = mine[wrong] as StampedEvent<number>;
      const before = wrong === 0 ? 0 : (value[wrong - 1] as number);
      const got = value[wrong] as number;
      if (e.kind !== 'receive') {
        feedback = wrong === 0
          ? `${e.id} is ${p.node}'s first event: the clock starts at 0 and the event adds one.`
          : `${e.id} is a ${e.kind} event: it adds one to the timestamp of ${p.node}'s previous event (you gave ${before} there).`;
      } else {
        const message = stampOf.get(e.from as string) as number;
        const sender = `${e.id} receives the message ${e.from} sent, which carries L(${e.from})`;
        if (got === before + 1) feedback = `${sender}; your timestamp only counts ${p.node}'s own events. Take the larger of ${p.node}'s clock and the message's timestamp first, then add one.`;
        else if (got === Math.max(before, message)) feedback = `${sender}; you took the larger of the two but did not add one for the receive itself.`;
        else feedback = `${sender}. Work out L(${e.from}) on its node first, then take the larger of it and ${p.node}'s clock (${before}), plus one.`;
      }
    }
    checks.push({ name: 'every timestamp', passed: wrong < 0, feedback: wrong < 0 ? '' : `The first wrong timestamp is at ${mine[wrong]?.id}. ${feedback}` });
    return checks;
  },
  hints: (p) => [
    `Go through the run in time order, not node by node: before ${p.node} can stamp a receive you need the sender's timestamp.`,
    'A receive is an event too: max(own clock, message timestamp) + 1.',
  ],
  solution(p) {
    const run = lamportRun(p.seed);
    const mine = run.events.filter((e) => e.node === p.node);
    const steps = mine.map((e, i) => {
      const before = i === 0 ? 0 : (mine[i - 1] as StampedEvent<number>).stamp;
      if (e.kind !== 'receive') return `- \`${e.id}\` (${e.kind}): ${before} + 1 = **${e.stamp}**`;
      const message = run.events.find((f) => f.id === e.from)?.stamp as number;
      return `- \`${e.id}\` (receive of \`${e.from}\`, stamped ${message}): max(${before}, ${message}) + 1 = **${e.stamp}**`;
    });
    return {
      text: `The answer is \`${lamportAnswer(p.seed, p.node)}\`.\n\n${steps.join('\n')}\n\nThe jumps come from messages: a receive pulls the clock past everything the sender had seen, which is what makes e → f imply L(e) < L(f).`,
      figures: [diagram(run, `Seed ${p.seed} with every event's Lamport timestamp.`, (e) => `${e.id}: ${e.stamp}`)],
    };
  },
});

function vectorRun(seed: number) {
  return diagramRun(vectorClock, seed, 4);
}

/** Events whose vector knows about other nodes; prefer those that know about all three. */
function interestingVectorEvents(events: StampedEvent<VectorTimestamp>[]): StampedEvent<VectorTimestamp>[] {
  const others = (e: StampedEvent<VectorTimestamp>) => NODES.filter((n) => n !== e.node && (e.stamp[n] ?? 0) > 0).length;
  const full = events.filter((e) => others(e) === 2);
  return full.length > 0 ? full : events.filter((e) => others(e) === 1);
}

export const vectorTimestamp = defineExercise({
  id: 'clocks/vector-timestamp',
  title: 'The vector timestamp of an event',
  kind: 'structured',
  format: 'vector',
  placeholder: '[0, 0, 0]',
  generate(rng) {
    for (;;) {
      const seed = rng.int(1, 100_000);
      const candidates = interestingVectorEvents(vectorRun(seed).events);
      if (candidates.length > 0) return { seed, event: rng.pick(candidates).id };
    }
  },
  prompt(p) {
    const run = vectorRun(p.seed);
    const chosen = run.events.find((e) => e.id === p.event) as StampedEvent<VectorTimestamp>;
    return {
      text: `The nodes keep vector clocks: each event adds one to the node's own entry, and a receive first takes the entry-by-entry maximum of the node's vector and the message's. What is the vector timestamp of event **${p.event}**? Write it in node order a, b, c, like \`[2, 0, 1]\`.`,
      figures: [diagram(run, `Seed ${p.seed}. The ringed event is ${p.event}.`, (e) => e.id, { chosen: chosen.seq })],
    };
  },
  reference: (p) => vectorText((vectorRun(p.seed).events.find((e) => e.id === p.event) as StampedEvent<VectorTimestamp>).stamp),
  check(p, value): Check[] {
    const { events } = vectorRun(p.seed);
    const chosen = events.find((e) => e.id === p.event) as StampedEvent<VectorTimestamp>;
    if (value.length !== NODES.length) {
      return [{ name: 'one entry per node', passed: false, feedback: `A vector has one entry per node, in the order a, b, c: 3 entries. Yours has ${value.length}.` }];
    }
    return NODES.map((n, i) => {
      const expected = chosen.stamp[n] as number;
      const got = value[i] as number;
      const what = n === chosen.node
        ? `${p.event} is on ${n}, so ${n}'s own entry counts ${n}'s events up to and including ${p.event}.`
        : `The entry for ${n} counts the events of ${n} that happen before ${p.event}, through any chain of messages, not only messages ${chosen.node} received from ${n} directly.`;
      return {
        name: `entry for ${n}`,
        passed: got === expected,
        feedback: got === expected ? '' : `Your entry for ${n} is too ${got > expected ? 'high' : 'low'}. ${what}`,
      };
    });
  },
  hints: (p) => [`Trace backwards from ${p.event}: follow the line of its node to the left, and every message arrow back to its sender, and keep going.`],
  solution(p) {
    const run = vectorRun(p.seed);
    const chosen = run.events.find((e) => e.id === p.event) as StampedEvent<VectorTimestamp>;
    const hb = happensBefore(run.events);
    const past = run.events.filter((e) => hb(e.id, p.event));
    const counts = NODES.map((n) => `${n}: ${plural(chosen.stamp[n] as number, 'event')}${n === chosen.node ? ` (${p.event} included)` : ''}`);
    return {
      text: `V(${p.event}) = \`${vectorText(chosen.stamp)}\`. Entry n of a vector timestamp is the number of n's events in the causal past of the event, the event itself included. The causal past of ${p.event} is ${past.map((e) => `\`${e.id}\``).join(', ') || 'empty'}, so the counts are ${counts.join('; ')}.`,
      figures: [diagram(run, `Seed ${p.seed} with every vector timestamp; ${p.event}'s causal past is marked.`, (e) => `${e.id} ${vectorText(e.stamp)}`, { chosen: chosen.seq, past: seqsOf(run.events, past.map((e) => e.id)) })],
    };
  },
});

function concurrencyRun(seed: number) {
  return diagramRun(vectorClock, seed, 4);
}

/** Whether two events of `named` are concurrent, and, when they are not, which one happens before the other. */
function orderOf(hb: (e: string, f: string) => boolean, e: string, f: string): 'concurrent' | 'before' | 'after' {
  if (hb(e, f)) return 'before';
  if (hb(f, e)) return 'after';
  return 'concurrent';
}

/** The concurrent pairs among `ids`, each once, in the order of `ids`. */
function concurrentAmong(seed: number, ids: readonly string[]): [string, string][] {
  const hb = happensBefore(concurrencyRun(seed).events);
  const pairs: [string, string][] = [];
  ids.forEach((e, i) => ids.slice(i + 1).forEach((f) => { if (orderOf(hb, e, f) === 'concurrent') pairs.push([e, f]); }));
  return pairs;
}

function unorderedKey(e: string, f: string): string {
  return e < f ? `${e}|${f}` : `${f}|${e}`;
}

export const concurrentPairsExercise = defineExercise({
  id: 'clocks/concurrent-pairs',
  title: 'Which events are concurrent?',
  kind: 'structured',
  format: 'pairs',
  placeholder: '(a1, b2), (b1, c3)',
  generate(rng) {
    // Five events from all three nodes, with at least two concurrent pairs and at least three ordered ones.
    for (;;) {
      const seed = rng.int(1, 100_000);
      const { events } = concurrencyRun(seed);
      const hb = happensBefore(events);
      const picked = rng.shuffle(events).slice(0, 5);
      if (new Set(picked.map((e) => e.node)).size < 3) continue;
      const chosen = picked.sort((x, y) => (x.node === y.node ? x.index - y.index : x.node < y.node ? -1 : 1)).map((e) => e.id);
      let concurrent = 0;
      for (let i = 0; i < chosen.length; i++) {
        for (let j = i + 1; j < chosen.length; j++) if (orderOf(hb, chosen[i] as string, chosen[j] as string) === 'concurrent') concurrent++;
      }
      if (concurrent >= 2 && concurrent <= 7) return { seed, events: chosen };
    }
  },
  prompt(p) {
    const run = concurrencyRun(p.seed);
    return {
      text: `Among the events ${p.events.map((id) => `\`${id}\``).join(', ')}, which pairs are **concurrent** (neither happens before the other)? List every such pair once, like \`(a1, b2), (b1, c3)\`.`,
      figures: [diagram(run, `Seed ${p.seed}: three nodes exchanging messages. Each label is an event's id.`)],
    };
  },
  reference: (p) => concurrentAmong(p.seed, p.events).map(([e, f]) => `(${e}, ${f})`).join(', '),
  check(p, value): Check[] {
    const hb = happensBefore(concurrencyRun(p.seed).events);
    const named = new Set(p.events);
    const strays = value.filter(([e, f]) => !named.has(e) || !named.has(f) || e === f);
    const given = new Map<string, [string, string]>();
    for (const [e, f] of value) if (named.has(e) && named.has(f) && e !== f) given.set(unorderedKey(e, f), [e, f]);
    const wrong = [...given.values()].filter(([e, f]) => orderOf(hb, e, f) !== 'concurrent');
    const expected = concurrentAmong(p.seed, p.events);
    const missing = expected.filter(([e, f]) => !given.has(unorderedKey(e, f)));
    const checks: Check[] = [];
    if (strays.length > 0) {
      checks.push({ name: 'pairs of the named events', passed: false, feedback: `${strays.map(([e, f]) => `(${e}, ${f})`).join(' and ')}: each pair must be two different events among ${p.events.join(', ')}.` });
    }
    checks.push({
      name: 'only concurrent pairs',
      passed: wrong.length === 0,
      feedback: wrong.map(([e, f]) => {
        const [first, second] = orderOf(hb, e, f) === 'before' ? [e, f] : [f, e];
        return `(${e}, ${f}) are not concurrent: ${first} happens before ${second} (follow the node lines and message arrows from ${first}).`;
      }).join(' '),
    });
    const involved = [...new Set(missing.flat())].sort();
    checks.push({
      name: 'every concurrent pair',
      passed: missing.length === 0,
      feedback: missing.length === 0 ? '' : `You missed ${plural(missing.length, 'concurrent pair')}; look again at the pairs that include ${involved.slice(0, 2).join(' or ')}. Two events are concurrent when no path of node lines and message arrows leads from either to the other.`,
    });
    return checks;
  },
  hints: () => [
    'Events on the same node are never concurrent: one comes before the other on that node\'s line.',
    'e happens before f when you can walk from e to f forwards in time, along node lines and message arrows.',
  ],
  solution(p) {
    const run = concurrencyRun(p.seed);
    const hb = happensBefore(run.events);
    const lines: string[] = [];
    p.events.forEach((e, i) => p.events.slice(i + 1).forEach((f) => {
      const order = orderOf(hb, e, f);
      lines.push(order === 'concurrent' ? `- \`${e}\` ∥ \`${f}\`: concurrent` : order === 'before' ? `- \`${e}\` → \`${f}\`` : `- \`${f}\` → \`${e}\``);
    }));
    return {
      text: `The concurrent pairs are \`${concurrentAmong(p.seed, p.events).map(([e, f]) => `(${e}, ${f})`).join(', ')}\`. All ten pairs:\n\n${lines.join('\n')}\n\nThe vector timestamps in the figure confirm it: two events are concurrent exactly when neither vector is ≤ the other in every entry.`,
      figures: [diagram(run, `Seed ${p.seed} with vector timestamps.`, (e) => `${e.id} ${vectorText(e.stamp)}`)],
    };
  },
});

// ——— Physical clocks ———

interface NtpParams {
  t1: number;
  t2: number;
  t3: number;
  t4: number;
  outboundMs: number;
  returnMs: number;
  serverOffsetMs: number;
}

/** One NTP exchange with unequal one-way delays, from the chapter's own simulated client and server. */
function drawNtpExchange(rng: Random): NtpParams {
  const serverOffsetMs = rng.pick([-1, 1]) * rng.int(5, 120);
  const outboundMs = rng.int(4, 40);
  const returnMs = outboundMs + rng.pick([-1, 1]) * rng.int(3, 25);
  const fixedReturn = Math.max(2, returnMs);
  const polls = rng.int(2, 6);
  const { samples } = runNtp({ seed: rng.int(1, 100_000), serverOffsetMs, outboundMs, returnMs: fixedReturn, processingMs: rng.int(1, 6), samples: polls, intervalMs: 1000 });
  const last = samples[samples.length - 1] as NonNullable<(typeof samples)[number]>;
  return { t1: last.t1, t2: last.t2, t3: last.t3, t4: last.t4, outboundMs, returnMs: fixedReturn, serverOffsetMs };
}

const NTP_TOLERANCE = { absolute: 0.05 };

/** The wrong formulas learners use for θ, each with what it reveals. */
function ntpOffsetMistakes(p: NtpParams): { value: number; feedback: string }[] {
  const theta = ntpOffset(p);
  return distinctMistakes(NTP_TOLERANCE, theta, [
    { value: -theta, feedback: 'The sign is flipped: that is the client\'s offset relative to the server. θ is positive when the server is ahead, so each leg is server time minus client time: (t2 − t1) and (t3 − t4).' },
    { value: 2 * theta, feedback: 'You added the two legs but did not halve: (t2 − t1) + (t3 − t4) contains the offset twice, once per leg. Divide by 2.' },
    { value: p.t2 - p.t1, feedback: 'That is the request\'s leg alone, t2 − t1: the offset plus the outbound delay. Average it with the reply\'s leg, t3 − t4, so the delays cancel.' },
    { value: p.t3 - p.t4, feedback: 'That is the reply\'s leg alone, t3 − t4: the offset minus the return delay. Average it with the request\'s leg, t2 − t1, so the delays cancel.' },
    { value: ((p.t2 - p.t1) - (p.t3 - p.t4)) / 2, feedback: 'Subtracting the legs cancels the offset and leaves half the round-trip delay. Add them instead: θ = ((t2 − t1) + (t3 − t4)) / 2.' },
  ]);
}

/** The wrong formulas learners use for δ, each with what it reveals. */
function ntpDelayMistakes(p: NtpParams): { value: number; feedback: string }[] {
  return distinctMistakes(NTP_TOLERANCE, ntpDelay(p), [
    { value: p.t4 - p.t1, feedback: 'That is the whole round trip on the client\'s clock, including the time the server took to answer. Subtract the server\'s share, t3 − t2.' },
    { value: p.t4 - p.t1 + (p.t3 - p.t2), feedback: 'The server\'s processing time, t3 − t2, is part of t4 − t1 but not of the network delay: subtract it rather than add it.' },
    { value: ntpDelay(p) / 2, feedback: 'That is half the round trip, what a one-way trip would take if both were equal. The question asks for the whole round-trip delay δ.' },
    { value: ntpOffset(p), feedback: 'That is the offset θ. The delay uses differences on one clock each: δ = (t4 − t1) − (t3 − t2).' },
  ]);
}

/**
 * An NTP exchange in which every known mistake, for the offset and for the delay, gives a value the grader tells
 * apart from the answer and from the other mistakes (a zero offset, for one, would make a flipped sign correct).
 */
function drawNtp(rng: Random): NtpParams {
  for (;;) {
    const p = drawNtpExchange(rng);
    if (ntpOffsetMistakes(p).length === 5 && ntpDelayMistakes(p).length === 4) return p;
  }
}

function ntpTable(p: NtpParams): string {
  return `- t1 = ${p.t1} ms: the client sends its request (client clock)\n- t2 = ${p.t2} ms: the server receives it (server clock)\n- t3 = ${p.t3} ms: the server sends its reply (server clock)\n- t4 = ${p.t4} ms: the client receives the reply (client clock)`;
}

export const ntpOffsetExercise = defineExercise({
  id: 'clocks/ntp-offset',
  title: 'NTP: the clock offset',
  kind: 'numeric',
  unit: 'ms',
  tolerance: NTP_TOLERANCE,
  generate: drawNtp,
  mistakes: ntpOffsetMistakes,
  prompt: (p) => ({
    text: `A client polls an NTP server once and records the four timestamps of the exchange:\n\n${ntpTable(p)}\n\nWhat offset θ of the server's clock relative to the client's does the client compute (positive when the server is ahead)?`,
  }),
  answer: (p) => ntpOffset(p),
  hints: () => ['Each of (t2 − t1) and (t3 − t4) is the offset plus or minus a one-way delay; averaging them cancels the delays if they are equal.'],
  solution: (p) => ({
    text: `θ = ((t2 − t1) + (t3 − t4)) / 2 = ((${p.t2} − ${p.t1}) + (${p.t3} − ${p.t4})) / 2 = **${ntpOffset(p)} ms** (RFC 5905 §8).\n\nIn this run the server was really ${Math.abs(p.serverOffsetMs)} ms ${p.serverOffsetMs >= 0 ? 'ahead' : 'behind'}, but the request took ${p.outboundMs} ms and the reply ${p.returnMs} ms. The formula assumes the two are equal, so it is off by half their difference, (${p.outboundMs} − ${p.returnMs}) / 2 = ${(p.outboundMs - p.returnMs) / 2} ms. The client cannot see that error, only bound it: it is at most half the round-trip delay.`,
  }),
});

export const ntpDelayExercise = defineExercise({
  id: 'clocks/ntp-delay',
  title: 'NTP: the round-trip delay',
  kind: 'numeric',
  unit: 'ms',
  tolerance: NTP_TOLERANCE,
  generate: drawNtp,
  mistakes: ntpDelayMistakes,
  prompt: (p) => ({
    text: `A client polls an NTP server once and records the four timestamps of the exchange:\n\n${ntpTable(p)}\n\nWhat round-trip delay δ does the client compute: the time the two messages spent on the network, not counting the time the server took to answer?`,
  }),
  answer: (p) => ntpDelay(p),
  hints: () => ['t4 − t1 is the whole round trip on the client\'s clock; t3 − t2 is the server\'s share of it on the server\'s clock. Offsets cancel within each difference.'],
  solution: (p) => ({
    text: `δ = (t4 − t1) − (t3 − t2) = (${p.t4} − ${p.t1}) − (${p.t3} − ${p.t2}) = **${ntpDelay(p)} ms**: ${p.outboundMs} ms out plus ${p.returnMs} ms back. Each difference is taken on one clock, so the unknown offset cancels. The true offset lies within θ ± δ/2, which is why NTP prefers the samples with the smallest delay.`,
  }),
});

interface MarzulloParams {
  intervals: SourceInterval[];
  /** The true offset, which every truechimer contains; not shown in the prompt, told in the solution. */
  truthMs: number;
  /** The one source whose interval misses the true offset. */
  falseticker: string;
}

const SOURCE_NAMES = ['ntp1', 'ntp2', 'ntp3', 'ntp4', 'ntp5'];

/** How many of the intervals contain all of [lo, hi]. */
function sourcesContaining(intervals: readonly SourceInterval[], lo: number, hi: number): number {
  return intervals.filter((i) => i.lo <= lo && hi <= i.hi).length;
}

/**
 * Every separate region covered by the largest number of intervals, left to right, with that number. The count is
 * constant between neighbouring endpoints, so sampling each endpoint and each midpoint between two sees it all.
 */
function regionsCoveredByMost(intervals: readonly SourceInterval[]): { lo: number; hi: number; count: number }[] {
  const ends = [...new Set(intervals.flatMap((i) => [i.lo, i.hi]))].sort((x, y) => x - y);
  const samples = ends.flatMap((x, k) => (k + 1 < ends.length ? [x, (x + (ends[k + 1] as number)) / 2] : [x]));
  const counts = samples.map((x) => intervals.filter((i) => i.lo <= x && x <= i.hi).length);
  const most = Math.max(...counts);
  const regions: { lo: number; hi: number; count: number }[] = [];
  counts.forEach((count, k) => {
    if (count !== most) return;
    const last = regions[regions.length - 1];
    if (last && counts[k - 1] === most) last.hi = samples[k] as number;
    else regions.push({ lo: samples[k] as number, hi: samples[k] as number, count });
  });
  return regions;
}

function intervalList(intervals: readonly SourceInterval[]): string {
  return intervals.map((i) => `- ${i.source}: [${i.lo}, ${i.hi}]`).join('\n');
}

export const marzulloInterval = defineExercise({
  id: 'clocks/marzullo-interval',
  title: 'Marzullo\'s interval',
  kind: 'structured',
  format: 'vector',
  placeholder: '[-3, 4]',
  generate(rng): MarzulloParams {
    // Truechimers all contain the true offset; one falseticker lies clear of their common region. A variant is
    // kept only when that common region is the one and only region covered by the most intervals: otherwise the
    // falseticker and some truechimers could tie with it (or the falseticker's own region could be picked), and
    // the question would have two answers or the wrong one.
    for (;;) {
      const n = rng.int(4, 5);
      const truth = rng.int(-20, 20);
      const truechimers: SourceInterval[] = [];
      for (let i = 0; i < n - 1; i++) truechimers.push({ source: '', lo: truth - rng.int(1, 12), hi: truth + rng.int(1, 12) });
      const commonLo = Math.max(...truechimers.map((i) => i.lo));
      const commonHi = Math.min(...truechimers.map((i) => i.hi));
      const width = rng.int(4, 14);
      const lo = rng.chance(0.5) ? commonHi + rng.int(2, 10) : commonLo - rng.int(2, 10) - width;
      const falseInterval = { source: 'false', lo, hi: lo + width };
      const named = rng.shuffle([...truechimers, falseInterval]).map((i, k) => ({ ...i, source: SOURCE_NAMES[k] as string }));
      const falseticker = named.find((i) => i.lo === falseInterval.lo && i.hi === falseInterval.hi && !(i.lo <= truth && truth <= i.hi))?.source;
      const regions = regionsCoveredByMost(named);
      const only = regions.length === 1 ? regions[0] : undefined;
      if (falseticker && only && only.count === n - 1 && only.lo === commonLo && only.hi === commonHi && commonLo < commonHi) {
        return { intervals: named, truthMs: truth, falseticker };
      }
    }
  },
  prompt: (p) => ({
    text: `${p.intervals.length} time sources each report an interval that should contain the true offset of the local clock (in ms):\n\n${intervalList(p.intervals)}\n\nOne of them is a falseticker. Which interval does Marzullo's algorithm select, the region contained in the largest number of source intervals? Intervals are closed. Write it as \`[lo, hi]\`, like \`[-3, 4]\`.`,
  }),
  reference: (p) => {
    const best = marzulloReference(p.intervals);
    return `[${best.lo}, ${best.hi}]`;
  },
  check(p, value): Check[] {
    if (value.length !== 2) return [{ name: 'an interval', passed: false, feedback: `Give two numbers, the ends of the interval: [lo, hi]. Yours has ${value.length}.` }];
    const [lo, hi] = value as [number, number];
    if (lo > hi) {
      const intersection = lo === Math.max(...p.intervals.map((i) => i.lo)) && hi === Math.min(...p.intervals.map((i) => i.hi));
      return [{
        name: 'an interval',
        passed: false,
        feedback: intersection
          ? `[${lo}, ${hi}] is the intersection of all ${p.intervals.length} intervals, and it is empty: the falseticker agrees with nobody. Look for the region that the most intervals share.`
          : `[${lo}, ${hi}] is empty: lo must not be greater than hi.`,
      }];
    }
    const best = marzulloReference(p.intervals);
    const count = sourcesContaining(p.intervals, lo, hi);
    const checks: Check[] = [{
      name: 'agreed by the most sources',
      passed: count === best.count,
      feedback: count === best.count ? '' : `[${lo}, ${hi}] lies inside ${plural(count, 'source interval')}${count === 0 ? '' : ` (${p.intervals.filter((i) => i.lo <= lo && hi <= i.hi).map((i) => i.source).join(', ')})`}; some point lies inside more. Sweep the endpoints left to right, counting how many intervals are open.`,
    }];
    const whole = lo === best.lo && hi === best.hi;
    checks.push({
      name: 'the whole region',
      passed: whole,
      feedback: whole ? '' : count === best.count
        ? `Every source that contains [${lo}, ${hi}] contains a wider interval too: give the whole region where the most intervals overlap, from the largest lo to the smallest hi among them.`
        : 'This is not the region shared by the most intervals.',
    });
    return checks;
  },
  hints: () => ['Sort the 2n endpoints; walking left to right, a lo opens an interval and a hi closes one. Where the number of open intervals peaks is the answer.'],
  solution(p) {
    const best: MarzulloResult = marzulloReference(p.intervals);
    const sorted = p.intervals.slice().sort((x, y) => x.lo - y.lo);
    return {
      text: `Marzullo's algorithm selects **[${best.lo}, ${best.hi}]**, contained in ${best.count} of the ${p.intervals.length} intervals; ${p.falseticker} does not contain it and is the falseticker. The true offset in this variant was ${p.truthMs} ms, inside the region, as every truechimer's interval promised. It holds the truth here because every truechimer contains the true offset, so the region they share lies in ${best.count} intervals, and the one falseticker lies clear of it, so no region lies in more. That is not true of plain Marzullo in general: with several falsetickers, even a majority of truechimers does not stop falsetickers that graze wide truechimer intervals from winning the count. NTP's intersection algorithm (RFC 5905 §11.2.1) looks instead for a region shared by all sources but f, trying f = 0, 1, … only while f is less than half of them, and also requires that no more than f midpoints lie outside it.\n\nSweeping the endpoints from left to right (${sorted.map((i) => `${i.source} opens at ${i.lo}`).join(', ')}; each closes at its hi), the count of open intervals reaches ${best.count} at ${best.lo}, when the last truechimer opens, and drops at ${best.hi}, when the first one closes. The intersection of all ${p.intervals.length} would be empty: a single falseticker defeats intersection, not Marzullo.`,
    };
  },
});

const DRIFT_TOLERANCE = { relative: 0.01 };

export const driftPerDay = defineExercise({
  id: 'clocks/drift-per-day',
  title: 'A day of skew',
  kind: 'numeric',
  unit: 's',
  tolerance: DRIFT_TOLERANCE,
  generate: (rng) => ({ driftPpm: rng.pick([5, 10, 20, 35, 50, 80, 100, 150, 200]) }),
  prompt: (p) => ({
    text: `A quartz clock runs fast by ${p.driftPpm} ppm (parts per million): that is its rate error against true time, which RFC 5905 calls its frequency offset and this chapter its skew. It is never corrected. How many seconds ahead of true time (its offset) is it after one day?`,
  }),
  answer: (p) => (p.driftPpm * 86_400) / 1e6,
  mistakes: (p) => distinctMistakes(DRIFT_TOLERANCE, (p.driftPpm * 86_400) / 1e6, [
    { value: p.driftPpm * 86_400, feedback: `That is the offset in microseconds: ${p.driftPpm} ppm is ${p.driftPpm} µs per second. The question asks for seconds; divide by 10⁶.` },
    { value: (p.driftPpm * 86_400) / 1e3, feedback: 'That is the offset in milliseconds. The question asks for seconds; divide by 1,000.' },
    { value: (p.driftPpm * 3600) / 1e6, feedback: 'That is the offset after one hour (3,600 s). A day has 24 hours: 86,400 s.' },
    { value: (p.driftPpm * 1440) / 1e6, feedback: 'That multiplies by 1,440, the minutes in a day, but the skew is per second: a day has 86,400 s.' },
    { value: (p.driftPpm * 86_400) / 1e9, feedback: 'That reads ppm as parts per billion. One ppm is a millionth: 10⁻⁶ s gained per second.' },
  ]),
  hints: () => ['A skew of 1 ppm means one microsecond gained per second. How many seconds are in a day?'],
  solution: (p) => ({
    text: `${p.driftPpm} ppm is ${p.driftPpm} µs gained per second. A day has 86,400 s, so the clock gains ${p.driftPpm} × 86,400 µs = **${((p.driftPpm * 86_400) / 1e6).toFixed(3)} s**. At that rate the offset grows by ${((p.driftPpm * 60) / 1000).toFixed(2)} ms every minute, which is why machines resynchronise with NTP every few minutes rather than once a day.`,
  }),
});

// ——— Logical clocks' limits and TrueTime ———

export const lamportLimits = defineExercise<Record<string, never>>({
  id: 'clocks/lamport-limits',
  title: 'What Lamport timestamps tell you',
  kind: 'choice',
  multiple: true,
  generate: () => ({}),
  prompt: () => ({
    text: 'L(e) is the Lamport timestamp of event e, and e → f means e happens before f. Which of these statements hold for every run?',
  }),
  options: () => [
    { id: 'condition', label: 'If e → f, then L(e) < L(f).' },
    { id: 'converse', label: 'If L(e) < L(f), then e → f.' },
    { id: 'equal', label: 'If e ≠ f and L(e) = L(f), then e and f are concurrent.' },
    { id: 'detect', label: 'Comparing L(e) and L(f) tells you whether e and f are concurrent.' },
    { id: 'total', label: 'Ordering events by (L(e), node id) gives a total order in which every e → f has e first.' },
    { id: 'real-time', label: 'If L(e) < L(f), then e happened earlier than f in real time.' },
    { id: 'gap', label: 'If L(f) = L(e) + 1, then f is the next event after e on e\'s node, or the receive of e\'s message.' },
  ],
  correct: () => ['condition', 'equal', 'total'],
  explain: (_p, id) => ({
    condition: 'The Clock Condition: every step along a node line or message arrow increases the timestamp.',
    converse: 'Concurrent events get timestamps too, and one of them is usually smaller: two nodes that never talk number their events 1, 2, 3 independently.',
    equal: 'If either happened before the other, its timestamp would be strictly smaller, so neither did.',
    detect: 'L(e) < L(f) is what you see both when e → f and when e ∥ f; only vector clocks tell the two apart.',
    total: 'This is Lamport\'s total order ⇒ (the paper\'s section "Ordering the Events Totally"): it extends → and breaks ties by node id. Mutual exclusion in the paper is built on it.',
    'real-time': 'Lamport clocks know nothing of real time: a node that does little keeps small timestamps however late its events are.',
    gap: 'Any event whose node happened to have clock L(e) stamps its next event L(e) + 1, whatever e is.',
  } as Record<string, string>)[id] ?? '',
  solution: () => ({
    text: 'Only three hold. The Clock Condition (e → f ⇒ L(e) < L(f)) is what the rules guarantee, and its contrapositive gives the others: equal timestamps on different events mean neither happened before the other, and sorting by (L, node id) is a total order that respects →. The converse fails: a smaller timestamp is compatible with both e → f and e ∥ f, so Lamport clocks cannot detect concurrency, and they say nothing about real time. Vector clocks fix the first limit; physical and hybrid clocks address the second.',
  }),
});

const COMMIT_WAIT_TOLERANCE = { absolute: 0.01 };

export const commitWait = defineExercise({
  id: 'clocks/commit-wait',
  title: 'How long is commit wait?',
  kind: 'numeric',
  unit: 'ms',
  tolerance: COMMIT_WAIT_TOLERANCE,
  generate: (rng) => ({ epsilonMs: rng.pick([1, 2, 3, 3.5, 4, 5, 6, 7]), paxosMs: rng.int(3, 16) }),
  prompt: (p) => ({
    text: `A Spanner leader commits a transaction. TrueTime's uncertainty is ε = ${p.epsilonMs} ms throughout: \`TT.now()\` returns [pt − ${p.epsilonMs}, pt + ${p.epsilonMs}] around the leader's clock reading pt, an interval that contains the true time. The leader picks the commit timestamp s = \`TT.now().latest\`, then starts replicating the commit through Paxos, which takes ${p.paxosMs} ms, and at the same time performs commit wait: it may not make the commit visible until \`TT.now().earliest\` > s. At least how many milliseconds after picking s can the commit become visible?`,
  }),
  answer: (p) => Math.max(2 * p.epsilonMs, p.paxosMs),
  // A candidate equal to the answer is dropped: when 2ε and Paxos take as long, ignoring either one is no mistake.
  mistakes: (p) => distinctMistakes(COMMIT_WAIT_TOLERANCE, Math.max(2 * p.epsilonMs, p.paxosMs), [
    { value: p.epsilonMs, feedback: `Waiting ε is not enough. s = pt0 + ${p.epsilonMs} is the latest the true time could be when s is picked, and TT.now().earliest = pt − ${p.epsilonMs} passes it only when pt > pt0 + 2ε.` },
    { value: 2 * p.epsilonMs + p.paxosMs, feedback: 'Commit wait and Paxos replication run at the same time, not one after the other, so the commit waits for the slower of the two, not for their sum.' },
    { value: 2 * p.epsilonMs, feedback: `Commit wait is over after 2ε = ${2 * p.epsilonMs} ms, but the commit must also be replicated through Paxos, which takes longer here.` },
    { value: p.paxosMs, feedback: `Paxos is done after ${p.paxosMs} ms, but commit wait still holds the commit back until TT.now().earliest > s, 2ε after picking s.` },
    { value: p.epsilonMs + p.paxosMs, feedback: 'That waits ε after replication. Commit wait runs beside Paxos and lasts 2ε from the moment s is picked, so the commit waits for the slower of 2ε and Paxos.' },
  ]),
  hints: (p) => [
    `If s is picked when the clock reads pt0, then s = pt0 + ${p.epsilonMs}. When is pt − ${p.epsilonMs} > s?`,
    'Replication and commit wait run at the same time; the commit needs both.',
  ],
  solution(p) {
    const pick = ttNow(0, p.epsilonMs);
    const wait = 2 * p.epsilonMs;
    const answer = Math.max(wait, p.paxosMs);
    return {
      text: `Measure time on the leader's clock from the moment s is picked: then TT.now() = [${pick.earliest}, ${pick.latest}], so s = ${pick.latest}. Commit wait ends once TT.now().earliest = pt − ${p.epsilonMs} exceeds s, at pt = ${wait}: the wait lasts 2ε = ${wait} ms. Once it is over, s is certainly in the past, so any transaction that starts after the commit is visible gets a larger timestamp (external consistency, Spanner §4.1.2). Spanner overlaps the wait with Paxos replication (${p.paxosMs} ms), so the commit becomes visible after max(2ε, Paxos) = **${answer} ms**. ${wait > p.paxosMs ? 'Here the clock uncertainty, not replication, sets the latency: this is why Google invests in GPS and atomic clocks to keep ε small.' : 'Here replication is the slower of the two and the wait costs nothing extra.'}`,
    };
  },
});

// ——— Code exercises ———

/** A learner's function returned something the workload cannot use; the message says what. */

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function missingFunctions(exports: Record<string, unknown>, names: string[]): string[] {
  return names.filter((name) => typeof exports[name] !== 'function');
}

function verdictOf(results: CheckResult[], prefix: string): CheckVerdict {
  const bad = results.find((r) => r.status !== 'ok');
  if (bad === undefined) return { passed: true, feedback: '' };
  if (bad.status === 'violation') return { passed: false, feedback: `${prefix}${bad.message}.` };
  return { passed: false, feedback: `${prefix}the check could not decide: ${bad.status === 'inconclusive' ? bad.reason : ''}.` };
}

// Vector clocks

type VectorTick = (v: VectorTimestamp, node: string) => VectorTimestamp;
type VectorReceive = (v: VectorTimestamp, node: string, message: VectorTimestamp) => VectorTimestamp;
type VectorCompare = (a: VectorTimestamp, b: VectorTimestamp) => VectorOrder;

const VECTOR_STARTER = `// A vector timestamp: one counter per node, keyed by node id, e.g. { a: 2, b: 0, c: 1 }.
export type Vector = Record<string, number>;

// A local event or a send at \`node\`: the event's timestamp. Return a new object; do not change \`v\`.
export function vectorTick(v: Vector, node: string): Vector {
  return { ...v };
}

// \`node\`, whose clock is \`v\`, receives a message stamped \`message\`: the receive event's timestamp.
export function vectorReceive(v: Vector, node: string, message: Vector): Vector {
  return { ...v, [node]: v[node] + 1 };
}

// How a is ordered against b: 'before' (a < b), 'after' (a > b), 'equal', or 'concurrent'.
export function compare(a: Vector, b: Vector): 'before' | 'after' | 'equal' | 'concurrent' {
  return 'concurrent';
}
`;

const VECTOR_REFERENCE = `export type Vector = Record<string, number>;

export function vectorTick(v: Vector, node: string): Vector {
  return { ...v, [node]: (v[node] ?? 0) + 1 };
}

export function vectorReceive(v: Vector, node: string, message: Vector): Vector {
  const merged: Vector = { ...v };
  for (const n of Object.keys(message)) merged[n] = Math.max(merged[n] ?? 0, message[n]);
  merged[node] = (merged[node] ?? 0) + 1;
  return merged;
}

export function compare(a: Vector, b: Vector): 'before' | 'after' | 'equal' | 'concurrent' {
  let less = false;
  let greater = false;
  for (const n of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[n] ?? 0;
    const y = b[n] ?? 0;
    if (x < y) less = true;
    if (x > y) greater = true;
  }
  if (less && greater) return 'concurrent';
  if (less) return 'before';
  if (greater) return 'after';
  return 'equal';
}
`;

/** Checks that a learner's vector has a finite entry for every node of the run. */
function asVector(value: unknown, nodes: readonly NodeId[], call: string): VectorTimestamp {
  if (typeof value !== 'object' || value === null) throw new WrongReturn(`${call} returned ${String(value)}; it must return a vector, an object like { a: 1, b: 0, c: 2 }.`);
  const v = value as Record<string, unknown>;
  const bad = nodes.find((n) => typeof v[n] !== 'number' || !Number.isFinite(v[n]));
  if (bad !== undefined) throw new WrongReturn(`${call} returned ${vectorRecord(value)}, whose entry for ${bad} is ${String(v[bad])}; every node needs a number.`);
  return v as VectorTimestamp;
}

/** The learner's functions as a LogicalClock: init is the reference one (all zeros), and inputs are copies. */
function learnerVectorClock(tick: VectorTick, receive: VectorReceive): LogicalClock<VectorTimestamp> {
  let nodes: readonly NodeId[] = [];
  return {
    name: 'your vector clock',
    init: (node, all) => {
      nodes = all;
      return vectorClock.init(node, all);
    },
    tick: (stamp, node) => asVector(tick({ ...stamp }, node), nodes, `vectorTick(${vectorRecord(stamp)}, '${node}')`),
    receive: (stamp, node, message) => asVector(receive({ ...stamp }, node, { ...message }), nodes, `vectorReceive(${vectorRecord(stamp)}, '${node}', ${vectorRecord(message)})`),
  };
}

const COMPARE_CASES: { a: VectorTimestamp; b: VectorTimestamp; expected: VectorOrder; why: string }[] = [
  { a: { a: 1, b: 2, c: 0 }, b: { a: 1, b: 2, c: 0 }, expected: 'equal', why: 'Equal vectors are \'equal\': \'before\' needs ≤ in every entry and < in at least one.' },
  { a: { a: 1, b: 0, c: 0 }, b: { a: 1, b: 1, c: 0 }, expected: 'before', why: 'a ≤ b in every entry and a < b in one, so a is before b.' },
  { a: { a: 2, b: 3, c: 1 }, b: { a: 2, b: 1, c: 1 }, expected: 'after', why: 'a ≥ b in every entry and a > b in one, so a is after b.' },
  { a: { a: 2, b: 0, c: 0 }, b: { a: 0, b: 1, c: 0 }, expected: 'concurrent', why: 'a is larger in one entry and smaller in another, so neither is before the other.' },
];

export const vectorClockExercise = defineExercise({
  id: 'clocks/vector-clock',
  title: 'Implement vector clocks',
  kind: 'code',
  signature: 'vectorTick(v: Vector, node: string): Vector; vectorReceive(v: Vector, node: string, message: Vector): Vector; compare(a: Vector, b: Vector): \'before\' | \'after\' | \'equal\' | \'concurrent\'',
  exportName: 'vectorReceive',
  generate: (rng) => ({ seeds: [rng.int(1, 100_000), rng.int(1, 100_000)], sendProbability: rng.pick([0.5, 0.6, 0.7]) }),
  prompt: (p) => ({
    text: `Write the three functions of a vector clock and export them:\n\n- \`vectorTick(v, node)\`: the timestamp of a local event or a send at \`node\`, whose clock is \`v\`;\n- \`vectorReceive(v, node, message)\`: the timestamp of a receive at \`node\` of a message stamped \`message\`;\n- \`compare(a, b)\`: \`'before'\` when a < b (≤ in every entry, < in at least one), \`'after'\` when a > b, \`'equal'\`, or \`'concurrent'\`.\n\nReturn new objects rather than changing your arguments. Your functions stamp every event of the chapter's random exchange (three and four nodes, send probability ${p.sendProbability}), and the stamps are checked against happened-before computed by brute force: for every pair of events, e → f must hold exactly when V(e) < V(f).`,
  }),
  starter: () => VECTOR_STARTER,
  reference: () => VECTOR_REFERENCE,
  hints: () => [
    'A receive is an event of the receiving node: merge first (entry-by-entry maximum), then add one to your own entry.',
    'compare: track whether some entry of a is smaller and whether some entry is larger; the four combinations are the four answers.',
  ],
  async checks(p, fn, ctx) {
    const receive = fn as unknown as VectorReceive;
    const missing = missingFunctions(ctx.exports, ['vectorTick', 'compare']);
    if (missing.length > 0) {
      return [{ name: 'exports', passed: false, feedback: `Your code must also export ${missing.map((name) => `\`${name}\``).join(' and ')}: write \`export function ${missing[0]}(...)\`.` }];
    }
    const tick = ctx.exports.vectorTick as VectorTick;
    const compare = ctx.exports.compare as VectorCompare;
    const checks: Check[] = [];

    checks.push(await ctx.check('vectorTick adds one to its own entry', () => {
      const got = tick({ a: 1, b: 0, c: 2 }, 'b');
      if (sameJson(asSorted(got), { a: 1, b: 1, c: 2 })) return { passed: true, feedback: '' };
      return { passed: false, feedback: `vectorTick({a: 1, b: 0, c: 2}, 'b') returned ${vectorRecord(got)}; an event at b adds one to b's own entry and leaves the others as they are: {a: 1, b: 1, c: 2}.` };
    }));

    checks.push(await ctx.check('vectorReceive merges, then counts the receive', () => {
      const got = receive({ a: 1, b: 3, c: 0 }, 'b', { a: 2, b: 1, c: 4 });
      const call = `vectorReceive({a: 1, b: 3, c: 0}, 'b', {a: 2, b: 1, c: 4}) returned ${vectorRecord(got)}`;
      if (sameJson(asSorted(got), { a: 2, b: 4, c: 4 })) return { passed: true, feedback: '' };
      if (sameJson(asSorted(got), { a: 2, b: 3, c: 4 })) return { passed: false, feedback: `${call}: it merged the message but did not add one to b's own entry. A receive is an event of b too.` };
      if (got && typeof got === 'object' && (got as VectorTimestamp).b === 4 && !((got as VectorTimestamp).a === 2 && (got as VectorTimestamp).c === 4)) {
        return { passed: false, feedback: `${call}: b's own entry is right, but the entries for the other nodes must be the entry-by-entry maximum of both vectors, so that b learns everything the sender knew.` };
      }
      return { passed: false, feedback: `${call}; it should be the entry-by-entry maximum of the two vectors with one added to b's own entry: {a: 2, b: 4, c: 4}.` };
    }));

    checks.push(await ctx.check('compare', () => {
      for (const { a, b, expected, why } of COMPARE_CASES) {
        const got = compare({ ...a }, { ...b });
        if (got !== expected) return { passed: false, feedback: `compare(${vectorRecord(a)}, ${vectorRecord(b)}) returned ${JSON.stringify(got)}, not '${expected}'. ${why}` };
      }
      return { passed: true, feedback: '' };
    }));

    checks.push(await ctx.check('arguments left unchanged', () => {
      const v = { a: 1, b: 3, c: 0 };
      const message = { a: 2, b: 1, c: 4 };
      receive(v, 'b', message);
      const w = { a: 5, b: 0, c: 0 };
      tick(w, 'a');
      const changed = [!sameJson(v, { a: 1, b: 3, c: 0 }) && 'vectorReceive changed its argument v', !sameJson(message, { a: 2, b: 1, c: 4 }) && 'vectorReceive changed the message\'s vector', !sameJson(w, { a: 5, b: 0, c: 0 }) && 'vectorTick changed its argument v'].filter(Boolean);
      return { passed: changed.length === 0, feedback: changed.length ? `${changed.join('; ')}. Return a new object instead: the vector you were given is the stamp of an earlier event, and the message's vector belongs to the sender's event.` : '' };
    }));

    const runs = [
      { seed: p.seeds[0] as number, nodes: ['a', 'b', 'c'], eventsPerNode: 5 },
      { seed: p.seeds[1] as number, nodes: ['a', 'b', 'c', 'd'], eventsPerNode: 6 },
    ];
    for (const run of runs) {
      checks.push(await ctx.check(`characterises causality (${run.nodes.length} nodes, seed ${run.seed})`, () => guarded(() => {
        const { events } = runExchange(learnerVectorClock(tick, receive), { seed: run.seed, nodes: run.nodes, eventsPerNode: run.eventsPerNode, sendProbability: p.sendProbability });
        return verdictOf([checkVectorCharacterisesCausality(events)], `In the run with seed ${run.seed}: `);
      })));
    }

    checks.push(await ctx.check('compare agrees with happened-before', () => {
      const { events } = runExchange(vectorClock, { seed: p.seeds[0] as number, eventsPerNode: 5, sendProbability: p.sendProbability });
      const hb = happensBefore(events);
      for (const e of events) {
        for (const f of events) {
          const expected: VectorOrder = e.id === f.id ? 'equal' : hb(e.id, f.id) ? 'before' : hb(f.id, e.id) ? 'after' : 'concurrent';
          const got = compare({ ...e.stamp }, { ...f.stamp });
          if (got !== expected) {
            const truth = expected === 'equal' ? 'they are the same event' : expected === 'concurrent' ? `${e.id} and ${f.id} are concurrent` : expected === 'before' ? `${e.id} happens before ${f.id}` : `${f.id} happens before ${e.id}`;
            return { passed: false, feedback: `With the correct stamps V(${e.id}) = ${vectorRecord(e.stamp)} and V(${f.id}) = ${vectorRecord(f.stamp)}, compare(V(${e.id}), V(${f.id})) returned ${JSON.stringify(got)}, but ${truth}.` };
          }
        }
      }
      return { passed: true, feedback: '' };
    }));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${VECTOR_REFERENCE}\`\`\`\n\nEvery event adds one to the node's own entry; a receive first takes the entry-by-entry maximum with the message, so the receiver knows every event the sender knew of. Then V(e)[n] counts n's events in e's causal past, which is why e → f exactly when V(e) < V(f). \`compare\` needs two flags, not one: a ≤ b everywhere is 'before' only if some entry is strictly smaller.`,
  }),
});

function asSorted(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
}

// Hybrid logical clocks

type HlcSend = (ts: HlcTimestamp, pt: number) => HlcTimestamp;
type HlcReceive = (ts: HlcTimestamp, msg: HlcTimestamp, pt: number) => HlcTimestamp;

const HLC_STARTER = `// A hybrid logical clock timestamp: l is the largest physical time heard of (ms), c a counter.
export interface Hlc {
  l: number;
  c: number;
}

// A local event or a send at physical time pt (whole ms on this node's clock).
export function hlcSend(ts: Hlc, pt: number): Hlc {
  return { l: ts.l + 1, c: 0 };
}

// A receive of a message stamped msg at physical time pt.
export function hlcReceive(ts: Hlc, msg: Hlc, pt: number): Hlc {
  return { l: Math.max(ts.l, msg.l) + 1, c: 0 };
}
`;

const HLC_REFERENCE = `export interface Hlc {
  l: number;
  c: number;
}

export function hlcSend(ts: Hlc, pt: number): Hlc {
  const l = Math.max(ts.l, pt);
  return { l, c: l === ts.l ? ts.c + 1 : 0 };
}

export function hlcReceive(ts: Hlc, msg: Hlc, pt: number): Hlc {
  const l = Math.max(ts.l, msg.l, pt);
  if (l === ts.l && l === msg.l) return { l, c: Math.max(ts.c, msg.c) + 1 };
  if (l === ts.l) return { l, c: ts.c + 1 };
  if (l === msg.l) return { l, c: msg.c + 1 };
  return { l, c: 0 };
}
`;

function hlcText(h: unknown): string {
  if (typeof h !== 'object' || h === null) return String(h);
  const { l, c } = h as Record<string, unknown>;
  return `{ l: ${String(l)}, c: ${String(c)} }`;
}

function asHlc(value: unknown, call: string): HlcTimestamp {
  const h = value as Record<string, unknown> | null;
  if (typeof h !== 'object' || h === null || typeof h.l !== 'number' || !Number.isFinite(h.l) || typeof h.c !== 'number' || !Number.isInteger(h.c) || h.c < 0) {
    throw new WrongReturn(`${call} returned ${hlcText(value)}; it must return { l, c } with a number l and a whole number c ≥ 0.`);
  }
  return { l: h.l, c: h.c };
}

function learnerHlcClock(send: HlcSend, receive: HlcReceive): LogicalClock<HlcTimestamp> {
  return {
    name: 'your hybrid logical clock',
    init: hybridClock.init,
    tick: (stamp, _node, physicalMs) => {
      const pt = hlcPhysicalMs(physicalMs);
      return asHlc(send({ ...stamp }, pt), `hlcSend(${hlcText(stamp)}, ${pt})`);
    },
    receive: (stamp, _node, message, physicalMs) => {
      const pt = hlcPhysicalMs(physicalMs);
      return asHlc(receive({ ...stamp }, { ...message }, pt), `hlcReceive(${hlcText(stamp)}, ${hlcText(message)}, ${pt})`);
    },
  };
}

const HLC_SEND_CASES: { ts: HlcTimestamp; pt: number; expected: HlcTimestamp; rule: string }[] = [
  { ts: { l: 10, c: 2 }, pt: 7, expected: { l: 10, c: 3 }, rule: 'The physical clock (7) is behind l, so l stays 10 and c counts up: l never goes backwards.' },
  { ts: { l: 10, c: 2 }, pt: 12, expected: { l: 12, c: 0 }, rule: 'The physical clock (12) has passed l, so l becomes 12 and c starts again at 0.' },
];

const HLC_RECEIVE_CASES: { ts: HlcTimestamp; msg: HlcTimestamp; pt: number; expected: HlcTimestamp; rule: string }[] = [
  { ts: { l: 10, c: 3 }, msg: { l: 8, c: 5 }, pt: 20, expected: { l: 20, c: 0 }, rule: 'pt is the largest of the three, so l = pt and c = 0.' },
  { ts: { l: 10, c: 3 }, msg: { l: 15, c: 5 }, pt: 12, expected: { l: 15, c: 6 }, rule: 'The message\'s l is the largest, so l = 15 and c continues the message\'s counter: c_m + 1.' },
  { ts: { l: 15, c: 3 }, msg: { l: 10, c: 5 }, pt: 12, expected: { l: 15, c: 4 }, rule: 'The node\'s own l is the largest, so l stays 15 and c continues its own counter: c + 1.' },
  { ts: { l: 15, c: 3 }, msg: { l: 15, c: 5 }, pt: 12, expected: { l: 15, c: 6 }, rule: 'The node\'s l and the message\'s are equal and largest, so c = max(c, c_m) + 1.' },
];

/** The largest difference between two nodes' whole-ms clock readings at one instant, over [0, endMs]. */
function maxOffsetMs(clocks: Record<string, { offsetMs: number; driftPpm: number }>, endMs: number): number {
  const readings = (t: number) => Object.values(clocks).map((c) => clockReadingMs(c, t));
  const spread = (t: number) => Math.max(...readings(t)) - Math.min(...readings(t));
  return Math.ceil(Math.max(spread(0), spread(endMs)));
}

const HLC_PROPERTIES = ['monotone on each node', 'respects causality', 'l ≥ pt', 'l − pt ≤ largest offset', 'c bounded'] as const;

export const hlcExercise = defineExercise({
  id: 'clocks/hlc',
  title: 'Implement a hybrid logical clock',
  kind: 'code',
  signature: 'hlcSend(ts: Hlc, pt: number): Hlc; hlcReceive(ts: Hlc, msg: Hlc, pt: number): Hlc',
  exportName: 'hlcReceive',
  generate(rng) {
    // Offsets well above the network delay, so messages from fast clocks arrive "from the future" and c has work.
    const clocks: Record<string, { offsetMs: number; driftPpm: number }> = {};
    for (const n of NODES) clocks[n] = { offsetMs: rng.int(0, 60), driftPpm: rng.pick([-300, -100, 0, 100, 300]) };
    return { seeds: [rng.int(1, 100_000), rng.int(1, 100_000)], clocks };
  },
  prompt: (p) => ({
    text: `Write the two rules of a hybrid logical clock (Kulkarni et al., 2014) and export them:\n\n- \`hlcSend(ts, pt)\`: the timestamp of a local event or a send, given the node's current timestamp \`ts\` and its physical clock \`pt\` (whole ms);\n- \`hlcReceive(ts, msg, pt)\`: the timestamp of a receive of a message stamped \`msg\`.\n\nYour clock stamps the chapter's random exchange on three nodes whose physical clocks start up to ${Math.max(...Object.values(p.clocks).map((c) => c.offsetMs)) - Math.min(...Object.values(p.clocks).map((c) => c.offsetMs))} ms apart and run at different rates (${NODES.map((n) => `${n}: offset ${p.clocks[n]?.offsetMs} ms, skew ${signed(p.clocks[n]?.driftPpm ?? 0)} ppm`).join('; ')}). Every node starts at { l: 0, c: 0 }. The run is checked for what an HLC promises: timestamps increase on each node and along every message, l is never behind the node's physical clock nor ahead of it by more than the largest offset between the clocks (ε), and c stays small.`,
  }),
  starter: () => HLC_STARTER,
  reference: () => HLC_REFERENCE,
  hints: () => [
    'l is the largest physical time the node has heard of: the max of its own l, the message\'s l and pt.',
    'c breaks ties between events with the same l. It restarts at 0 only when pt alone is the new l; otherwise it continues the counter of whichever timestamp l came from (both, if they tie).',
  ],
  async checks(p, fn, ctx) {
    const receive = fn as unknown as HlcReceive;
    const missing = missingFunctions(ctx.exports, ['hlcSend']);
    if (missing.length > 0) return [{ name: 'exports', passed: false, feedback: 'Your code must also export `hlcSend`: write `export function hlcSend(ts: Hlc, pt: number): Hlc`.' }];
    const send = ctx.exports.hlcSend as HlcSend;
    const checks: Check[] = [];

    checks.push(await ctx.check('hlcSend', () => {
      for (const { ts, pt, expected, rule } of HLC_SEND_CASES) {
        const got = send({ ...ts }, pt);
        if (!sameJson(asSortedHlc(got), expected)) return { passed: false, feedback: `hlcSend(${hlcText(ts)}, ${pt}) returned ${hlcText(got)}, not ${hlcText(expected)}. ${rule}` };
      }
      return { passed: true, feedback: '' };
    }));

    checks.push(await ctx.check('hlcReceive', () => {
      for (const { ts, msg, pt, expected, rule } of HLC_RECEIVE_CASES) {
        const got = receive({ ...ts }, { ...msg }, pt);
        if (!sameJson(asSortedHlc(got), expected)) return { passed: false, feedback: `hlcReceive(${hlcText(ts)}, ${hlcText(msg)}, ${pt}) returned ${hlcText(got)}, not ${hlcText(expected)}. ${rule}` };
      }
      return { passed: true, feedback: '' };
    }));

    // One run per seed, checked for all five properties; each property is one check over both runs.
    const outcomes: { seed: number; results?: CheckResult[]; stopped?: unknown }[] = p.seeds.map((seed) => {
      try {
        const { trace, events } = runExchange(learnerHlcClock(send, receive), { seed, clocks: p.clocks, eventsPerNode: 6, intervalMs: 8 });
        return { seed, results: checkHlc(events, maxOffsetMs(p.clocks, trace.endMs)) };
      } catch (thrown) {
        return { seed, stopped: thrown };
      }
    });
    for (const [k, property] of HLC_PROPERTIES.entries()) {
      checks.push(await ctx.check(property, () => guarded(() => {
        for (const outcome of outcomes) {
          if (outcome.stopped !== undefined) throw outcome.stopped;
          const verdict = verdictOf([(outcome.results as CheckResult[])[k] as CheckResult], `In the run with seed ${outcome.seed}: `);
          if (!verdict.passed) return verdict;
        }
        return { passed: true, feedback: '' };
      })));
    }
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${HLC_REFERENCE}\`\`\`\n\nThis is Fig. 5 of the paper. l only ever takes values of some node's physical clock, so it is never behind this node's pt and never further ahead than the largest offset between two clocks (ε); c orders events that share an l, and is bounded because l moves on as soon as any physical clock passes it. Dropping pt turns l into a Lamport clock that drifts away from real time; resetting c to 0 when l comes from the message loses the order between a send and its receive.`,
  }),
});

function asSortedHlc(h: unknown): unknown {
  if (typeof h !== 'object' || h === null) return h;
  const { l, c } = h as Record<string, unknown>;
  return { l, c };
}

// Marzullo's algorithm

type MarzulloFn = (intervals: SourceInterval[]) => { lo: number; hi: number; count: number };

const MARZULLO_STARTER = `export interface SourceInterval {
  source: string;
  lo: number;
  hi: number;
}

// The region [lo, hi] contained in the most intervals (closed; touching intervals overlap), with that count.
// Among several such regions, the one with the smallest lo.
export function marzullo(intervals: SourceInterval[]): { lo: number; hi: number; count: number } {
  const first = intervals[0];
  return { lo: first.lo, hi: first.hi, count: 1 };
}
`;

const MARZULLO_REFERENCE = `export interface SourceInterval {
  source: string;
  lo: number;
  hi: number;
}

export function marzullo(intervals: SourceInterval[]): { lo: number; hi: number; count: number } {
  // +1 opens an interval, -1 closes one; at equal positions opens come first, because intervals are closed.
  const points: [number, number][] = [];
  for (const { lo, hi } of intervals) points.push([lo, 1], [hi, -1]);
  points.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  let open = 0;
  let best = { lo: 0, hi: 0, count: 0 };
  for (let i = 0; i < points.length; i++) {
    open += points[i][1];
    if (open > best.count) best = { lo: points[i][0], hi: points[i + 1][0], count: open };
  }
  return best;
}
`;

/** Hand-picked cases: what each is about, and the sets. */
const MARZULLO_CASES: { name: string; intervals: [number, number][]; advice: string }[] = [
  { name: 'one falseticker', intervals: [[8, 12], [11, 13], [10, 12], [0, 3]], advice: 'The intersection of all intervals is empty here; the answer is where the most of them overlap.' },
  { name: 'touching endpoints', intervals: [[0, 3], [3, 5], [6, 8]], advice: 'Intervals are closed: [0, 3] and [3, 5] both contain 3. Where a lo and a hi fall on the same value, count the opening before the closing.' },
  { name: 'no two overlap', intervals: [[5, 9], [0, 1], [2, 3]], advice: 'When no two intervals overlap, every interval is in one source; return the one with the smallest lo.' },
  { name: 'a tie', intervals: [[10, 14], [0, 4], [2, 6], [8, 12]], advice: 'Two regions lie in two intervals each; return the one with the smallest lo.' },
  { name: 'a single point', intervals: [[0, 10], [5, 5], [4, 6]], advice: 'A region can be a single point, lo = hi.' },
];

function named(pairs: [number, number][]): SourceInterval[] {
  return pairs.map(([lo, hi], i) => ({ source: `s${i + 1}`, lo, hi }));
}

function setText(intervals: readonly SourceInterval[]): string {
  return intervals.map((i) => `[${i.lo}, ${i.hi}]`).join(', ');
}

function resultText(r: unknown): string {
  if (typeof r !== 'object' || r === null) return String(r);
  const { lo, hi, count } = r as Record<string, unknown>;
  return `{ lo: ${String(lo)}, hi: ${String(hi)}, count: ${String(count)} }`;
}

/** Compares the learner's result with the brute force's on one set; the feedback shows both. */
function marzulloVerdict(fn: MarzulloFn, intervals: SourceInterval[], advice: string): CheckVerdict {
  const expected = marzulloBruteForce(intervals);
  const got = fn(intervals.map((i) => ({ ...i })));
  const r = (got ?? {}) as Partial<MarzulloResult>;
  if (r.lo === expected.lo && r.hi === expected.hi && r.count === expected.count) return { passed: true, feedback: '' };
  const want = `{ lo: ${expected.lo}, hi: ${expected.hi}, count: ${expected.count} }`;
  const intersection = r.lo === Math.max(...intervals.map((i) => i.lo)) && r.hi === Math.min(...intervals.map((i) => i.hi));
  const why = intersection
    ? 'That is the intersection of all the intervals, which a single falseticker makes empty or wrong; find the region covered by the most intervals instead.'
    : r.count === expected.count && typeof r.lo === 'number' && r.lo > expected.lo
      ? 'The count is right, but an earlier region is covered by as many intervals: return the one with the smallest lo.'
      : advice;
  return { passed: false, feedback: `For ${setText(intervals)} your marzullo returned ${resultText(got)}, but the answer is ${want}. ${why}` };
}

/** Random small sets with integer endpoints in a narrow range, so ties and touching endpoints are common. */
function randomIntervalSets(seed: number, count: number): SourceInterval[][] {
  const rng = new Random(seed).fork('clocks/marzullo sets');
  return Array.from({ length: count }, () => {
    const n = rng.int(1, 6);
    return named(Array.from({ length: n }, () => {
      const lo = rng.int(0, 12);
      return [lo, lo + rng.int(0, 5)] as [number, number];
    }));
  });
}

export const marzulloExercise = defineExercise({
  id: 'clocks/marzullo',
  title: 'Implement Marzullo\'s algorithm',
  kind: 'code',
  signature: 'marzullo(intervals: SourceInterval[]): { lo: number; hi: number; count: number }',
  exportName: 'marzullo',
  generate: (rng) => ({ seeds: [rng.int(1, 100_000), rng.int(1, 100_000)] }),
  prompt: () => ({
    text: 'Write `marzullo(intervals)`. Each interval `{ source, lo, hi }` is one time source\'s claim that the true value lies in [lo, hi]; intervals are closed, so two that touch at an endpoint overlap there. Return the region covered by the largest number of intervals as `{ lo, hi, count }`, where `count` is that number; when several separate regions tie, return the one with the smallest `lo`. A region may be a single point. Aim for O(n log n): sort the endpoints and sweep. The list always has at least one interval. Your function is checked on hand-picked cases and on random sets of up to six intervals, against a brute-force count at every point.',
  }),
  starter: () => MARZULLO_STARTER,
  reference: () => MARZULLO_REFERENCE,
  hints: () => [
    'Make a list of (position, +1) for each lo and (position, −1) for each hi, sort it, and keep a running sum: the number of intervals open at that point.',
    'The region starts where the running sum first reaches its maximum and ends at the next endpoint.',
    'Sort opens before closes at equal positions, or touching intervals will never be counted as overlapping.',
  ],
  async checks(p, fn, ctx) {
    const marzullo = fn as unknown as MarzulloFn;
    const checks: Check[] = [];
    for (const { name, intervals, advice } of MARZULLO_CASES) {
      checks.push(await ctx.check(name, () => marzulloVerdict(marzullo, named(intervals), advice)));
    }
    for (const seed of p.seeds) {
      checks.push(await ctx.check(`random sets (seed ${seed})`, () => {
        for (const set of randomIntervalSets(seed, 40)) {
          const verdict = marzulloVerdict(marzullo, set, 'Compare your sweep with a count of the intervals containing each endpoint.');
          if (!verdict.passed) return verdict;
        }
        return { passed: true, feedback: '' };
      }));
    }
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${MARZULLO_REFERENCE}\`\`\`\n\nThe count of open intervals only changes at endpoints, so a sweep over the sorted endpoints sees every possible count. The first time it exceeds the best so far, a better region starts; it ends at the very next endpoint, which must be a close (an open would raise the count further). Sorting opens before closes at the same position is what makes touching closed intervals overlap. Sorting dominates: O(n log n).`,
  }),
});

export const exerciseSet: ExerciseSet = {
  chapter: 'time/clocks',
  exercises: [
    lamportTimestamps,
    vectorTimestamp,
    concurrentPairsExercise,
    ntpOffsetExercise,
    ntpDelayExercise,
    marzulloInterval,
    driftPerDay,
    lamportLimits,
    commitWait,
    vectorClockExercise,
    hlcExercise,
    marzulloExercise,
  ],
};
