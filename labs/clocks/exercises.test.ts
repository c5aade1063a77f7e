// Method: every exercise of the chapter is graded with its own reference answer over many seeded variants (all
// must pass), and with typical wrong answers (each must fail, with feedback a learner can act on). Code exercises
// get the mistakes learners make: a vector clock that forgets its own entry on receive, an HLC that ignores
// physical time, a Marzullo that intersects everything, and code that throws. Then every exercise that has one
// answer per variant is enumerated over thousands of seeds against an oracle written here, independently of the
// definition: timestamps and happened-before recomputed from the run's events, NTP's θ and δ from the simulated
// delays, Marzullo's region by counting at every half-millisecond, each Lamport statement decided on real runs;
// the grader must accept the oracle's answer and reject its near misses.
import { describe, expect, it } from 'vitest';
import { SEEDS, gradeText, structured, numeric, code, itPassesEveryVariant, itExplainsEveryMistake, itShowsTheAnswerFormat, manySeeds } from '../exercises/test-support';
import { grade, referenceAnswer, variantParams } from '../exercises/grade';
import { ExerciseRegistry } from '../exercises/registry';
import type { ChoiceExercise, Exercise, NumericExercise, StructuredExercise } from '../exercises/types';
import { clockReadingMs } from '../sim/clock';
import type { StampedEvent } from './exchange';
import { marzullo as marzulloReference, type SourceInterval } from './marzullo';
import { ttNow } from './truetime';
import { happensBefore } from './causality';
import { runExchange } from './exchange';
import {
  commitWait,
  concurrentPairsExercise,
  driftPerDay,
  exerciseSet,
  hlcExercise,
  lamportLimits,
  lamportTimestamps,
  marzulloExercise,
  marzulloInterval,
  ntpDelayExercise,
  ntpOffsetExercise,
  vectorClockExercise,
  vectorTimestamp,
} from './exercises';
import { lamportClock, vectorClock } from './logical';




describe('the chapter\'s exercise set', () => {
  it('registers cleanly, with at least ten exercises of every kind', () => {
    const registry = new ExerciseRegistry().register(...exerciseSet.exercises);
    expect(exerciseSet.chapter).toBe('time/clocks');
    expect(registry.list('clocks')).toHaveLength(exerciseSet.exercises.length);
    expect(exerciseSet.exercises.length).toBeGreaterThanOrEqual(10);
    expect(new Set(exerciseSet.exercises.map((def) => def.kind))).toEqual(new Set(['choice', 'numeric', 'structured', 'code']));
    expect(exerciseSet.exercises.filter((def) => def.kind === 'code').length).toBeGreaterThanOrEqual(3);
  });

  itPassesEveryVariant(exerciseSet.exercises);

  it('labels every event of a diagram with its id, at the event\'s place in the trace', () => {
    const p = variantParams(lamportTimestamps, 0) as { seed: number };
    const figure = lamportTimestamps.prompt(p as never).figures?.[0];
    expect(figure?.kind).toBe('spacetime');
    const { events } = runExchange(lamportClock, { seed: p.seed, eventsPerNode: 4 });
    expect(figure?.kind === 'spacetime' ? figure.labels : []).toEqual(events.map((e) => ({ seq: e.seq, text: e.id })));
  });
});

describe('diagram exercises: wrong answers fail with useful feedback', () => {
  it('Lamport timestamps: counting only the node\'s own events, forgetting the +1, and a wrong length', async () => {
    const p = variantParams(lamportTimestamps, 3) as { seed: number; node: string };
    const mine = runExchange(lamportClock, { seed: p.seed, eventsPerNode: 4 }).events.filter((e) => e.node === p.node);
    const counting = await gradeText(lamportTimestamps, 3, structured(`[${mine.map((e) => e.index).join(', ')}]`));
    expect(counting.passed).toBe(false);
    expect(counting.text).toContain('only counts');
    expect(counting.text).toMatch(/first wrong timestamp is at [a-c]\d+/);

    const firstJump = mine.findIndex((e) => e.kind === 'receive' && e.stamp > (mine[mine.indexOf(e) - 1]?.stamp ?? 0) + 1);
    const noPlusOne = mine.map((e, i) => (i === firstJump ? e.stamp - 1 : e.stamp));
    const missedOne = await gradeText(lamportTimestamps, 3, structured(`[${noPlusOne.join(', ')}]`));
    expect(missedOne.passed).toBe(false);
    expect(missedOne.text).toContain('did not add one');

    const short = await gradeText(lamportTimestamps, 3, structured('[1, 2]'));
    expect(short.score).toBe(0);
    expect(short.text).toContain(`Node ${p.node} has ${mine.length} events`);
    const garbage = await gradeText(lamportTimestamps, 3, structured('[1, x]'));
    expect(garbage.text).toContain("found 'x'");
  });

  it('vector timestamp: each wrong entry is named, too high or too low', async () => {
    const p = variantParams(vectorTimestamp, 5) as { seed: number; event: string };
    const chosen = runExchange(vectorClock, { seed: p.seed, eventsPerNode: 4 }).events.find((e) => e.id === p.event);
    const v = ['a', 'b', 'c'].map((n) => chosen?.stamp[n] ?? 0);
    const other = ['a', 'b', 'c'].findIndex((n) => n !== chosen?.node && (chosen?.stamp[n] ?? 0) > 0);
    const lower = v.map((x, i) => (i === other ? x - 1 : x));
    const result = await gradeText(vectorTimestamp, 5, structured(`[${lower.join(', ')}]`));
    expect(result.score).toBeCloseTo(2 / 3);
    expect(result.text).toContain(`Your entry for ${'abc'[other]} is too low`);
    expect(result.text).toContain('through any chain of messages');
    const own = v.map((x, i) => (i === 'abc'.indexOf(chosen?.node ?? 'a') ? x + 1 : x));
    const high = await gradeText(vectorTimestamp, 5, structured(`[${own.join(', ')}]`));
    expect(high.text).toContain('too high');
    expect((await gradeText(vectorTimestamp, 5, structured('[1, 2]'))).text).toContain('3 entries');
  });

  it('concurrent pairs: a missed pair, an ordered pair and a stray pair are each reported', async () => {
    const p = variantParams(concurrentPairsExercise, 2) as { seed: number; events: string[] };
    const hb = happensBefore(runExchange(vectorClock, { seed: p.seed, eventsPerNode: 4 }).events);
    const concurrent: [string, string][] = [];
    const ordered: [string, string][] = [];
    p.events.forEach((e, i) => p.events.slice(i + 1).forEach((f) => (hb(e, f) || hb(f, e) ? ordered : concurrent).push([e, f])));
    const [e, f] = ordered[0] as [string, string];
    // Drop one concurrent pair, add one ordered pair (written backwards), and one naming an event not asked about.
    const answer = [...concurrent.slice(1), [f, e], [p.events[0], 'z9']].map(([x, y]) => `(${x}, ${y})`).join(', ');
    const result = await gradeText(concurrentPairsExercise, 2, structured(answer));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('You missed 1 concurrent pair');
    expect(result.text).toContain(`(${f}, ${e}) are not concurrent: ${hb(e, f) ? e : f} happens before ${hb(e, f) ? f : e}`);
    expect(result.text).toContain(`(${p.events[0]}, z9): each pair must be two different events`);
    // The same pairs written the other way round are still right.
    const reversed = concurrent.map(([x, y]) => `${y} -> ${x}`).join(', ');
    expect((await grade(concurrentPairsExercise, 2, structured(reversed))).passed).toBe(true);
  });

  it('Marzullo\'s interval: the empty intersection, a region too few sources share, and a part of the region', async () => {
    const p = variantParams(marzulloInterval, 4) as { intervals: { lo: number; hi: number }[] };
    const maxLo = Math.max(...p.intervals.map((i) => i.lo));
    const minHi = Math.min(...p.intervals.map((i) => i.hi));
    const intersection = await gradeText(marzulloInterval, 4, structured(`[${maxLo}, ${minHi}]`));
    expect(intersection.text).toContain('is the intersection of all');
    const answer = (referenceAnswer(marzulloInterval, p) as { text: string }).text;
    const [lo, hi] = JSON.parse(answer) as [number, number];
    const wide = await gradeText(marzulloInterval, 4, structured(`[${lo - 100}, ${hi}]`));
    expect(wide.text).toMatch(/lies inside \d source intervals?.*some point lies inside more/);
    const part = await gradeText(marzulloInterval, 4, structured(`[${lo}, ${(lo + hi) / 2}]`));
    expect(part.score).toBe(0.5);
    expect(part.text).toContain('give the whole region');
  });
});

describe('numeric and choice exercises: wrong answers fail', () => {
  it('NTP offset: the sign flipped, and forgetting to halve, are each explained', async () => {
    for (const seed of [1, 2, 3]) {
      const p = variantParams(ntpOffsetExercise, seed) as { t1: number; t2: number; t3: number; t4: number };
      const theta = (p.t2 - p.t1 + (p.t3 - p.t4)) / 2;
      expect(theta).not.toBe(0);
      const flipped = await gradeText(ntpOffsetExercise, seed, numeric(-theta));
      expect(flipped.passed).toBe(false);
      expect(flipped.text).toContain('The sign is flipped');
      const unhalved = await gradeText(ntpOffsetExercise, seed, numeric(2 * theta));
      expect(unhalved.passed).toBe(false);
      expect(unhalved.text).toContain('did not halve');
    }
    expect((await grade(ntpOffsetExercise, 1, { kind: 'numeric', value: '1,5' })).checks[0]?.feedback).toContain('with a dot');
  });

  it('NTP delay: counting the server\'s processing time is too high', async () => {
    const p = variantParams(ntpDelayExercise, 6) as { t1: number; t4: number };
    const result = await gradeText(ntpDelayExercise, 6, numeric(p.t4 - p.t1));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('including the time the server took to answer');
    expect((await grade(ntpDelayExercise, 6, { kind: 'numeric', value: `${(referenceAnswer(ntpDelayExercise, variantParams(ntpDelayExercise, 6)) as { value: number }).value} ms` })).passed).toBe(true);
  });

  it('drift per day: microseconds taken for seconds, and an hour taken for a day', async () => {
    const p = variantParams(driftPerDay, 0) as { driftPpm: number };
    expect((await gradeText(driftPerDay, 0, numeric(p.driftPpm * 86_400))).text).toContain('in microseconds');
    expect((await gradeText(driftPerDay, 0, numeric((p.driftPpm * 3600) / 1e6))).text).toContain('one hour');
    expect((await grade(driftPerDay, 0, numeric(((p.driftPpm * 86_400) / 1e6) * 1.005))).passed).toBe(true);
  });

  it('commit wait: waiting ε is too short, adding Paxos to 2ε too long, and each is explained', async () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const p = variantParams(commitWait, seed) as { epsilonMs: number; paxosMs: number };
      expect((await gradeText(commitWait, seed, numeric(p.epsilonMs))).text).toContain('Waiting ε is not enough');
      expect((await gradeText(commitWait, seed, numeric(2 * p.epsilonMs + p.paxosMs))).text).toContain('not for their sum');
      expect((await gradeText(commitWait, seed, numeric(3 * p.epsilonMs + p.paxosMs + 1))).text).toContain('Too high');
    }
  });

  it('Lamport limits: the converse and concurrency detection are explained, and a partial pick is incomplete', async () => {
    const converse = await gradeText(lamportLimits, 0, { kind: 'choice', selected: ['condition', 'converse'] });
    expect(converse.score).toBe(0);
    expect(converse.text).toContain('Concurrent events get timestamps too');
    const detect = await gradeText(lamportLimits, 0, { kind: 'choice', selected: ['condition', 'equal', 'detect'] });
    expect(detect.text).toContain('only vector clocks tell the two apart');
    const partial = await gradeText(lamportLimits, 0, { kind: 'choice', selected: ['condition'] });
    expect(partial.score).toBeCloseTo(1 / 3);
    expect(partial.text).toContain('2 more options are also correct');
  });
});

describe('code exercises: typical mistakes fail with the events and stamps that show them', () => {
  const reference = (def: Exercise): string => (referenceAnswer(def, variantParams(def, 0)) as { source: string }).source;
  const vectorSource = (replace: [string | RegExp, string][]) => replace.reduce((s, [from, to]) => s.replace(from, to), reference(vectorClockExercise));

  it('vector clock: the starter fails', async () => {
    const result = await gradeText(vectorClockExercise, 0, code(vectorClockExercise.kind === 'code' ? vectorClockExercise.starter({} as never) : ''));
    expect(result.passed).toBe(false);
    expect(result.text).toContain("an event at b adds one to b's own entry");
    expect(result.text).toContain('In the run with seed');
  });

  it('vector clock: forgetting to count the receive is caught by the unit check and in the run, naming two events', async () => {
    const result = await gradeText(vectorClockExercise, 0, code(vectorSource([['merged[node] = (merged[node] ?? 0) + 1;', '']])));
    expect(result.passed).toBe(false);
    expect(result.text).toContain("did not add one to b's own entry");
    expect(result.text).toMatch(/In the run with seed \d+: \w+ (→|∥) \w+.*V\(\w+\) = \{a: \d+/);
  });

  it('vector clock: taking the max of the own entry without merging the others', async () => {
    const noMerge = vectorSource([
      [/const merged: Vector = \{ \.\.\.v \};\n.*\n/, 'const merged: Vector = { ...v };\n  merged[node] = Math.max(v[node], message[node]);\n'],
    ]);
    const result = await gradeText(vectorClockExercise, 0, code(noMerge));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('entry-by-entry maximum of both vectors');
    expect(result.checks.find((c) => c.name.startsWith('characterises causality'))?.passed).toBe(false);
  });

  it('vector clock: a compare that calls ≤ "before" is caught on equal vectors and on the run', async () => {
    const nonStrict = vectorSource([["if (less) return 'before';", "if (!greater) return 'before';"]]);
    const result = await gradeText(vectorClockExercise, 0, code(nonStrict));
    expect(result.passed).toBe(false);
    expect(result.text).toContain("Equal vectors are 'equal'");
    expect(result.text).toContain('they are the same event');
    expect(result.checks.filter((c) => c.name.startsWith('characterises causality')).every((c) => c.passed)).toBe(true);
  });

  it('vector clock: changing the argument in place is reported; missing exports and throws are too', async () => {
    const inPlace = vectorSource([['return { ...v, [node]: (v[node] ?? 0) + 1 };', 'v[node] = (v[node] ?? 0) + 1;\n  return v;']]);
    const mutating = await gradeText(vectorClockExercise, 0, code(inPlace));
    expect(mutating.text).toContain('vectorTick changed its argument v');
    expect(mutating.checks.find((c) => c.name.startsWith('characterises causality'))?.passed).toBe(true);

    const missing = await gradeText(vectorClockExercise, 0, code('export function vectorReceive() { return {}; }'));
    expect(missing.text).toContain('must also export `vectorTick` and `compare`');

    const throws = await gradeText(vectorClockExercise, 0, code(vectorSource([['const merged: Vector = { ...v };', 'const merged: Vector = { ...v }; if (message.a > 0) throw new Error("not yet");']])));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/Your code threw: line 8, column \d+: not yet/);
    expect(throws.checks.find((c) => c.name.startsWith('characterises causality'))?.feedback).toContain('line 8');
  });

  const hlcSource = (replace: [string, string][]) => replace.reduce((s, [from, to]) => s.replace(from, to), reference(hlcExercise));

  it('HLC: the starter (a Lamport clock in l) falls behind physical time', async () => {
    const result = await gradeText(hlcExercise, 0, code(hlcExercise.kind === 'code' ? hlcExercise.starter({} as never) : ''));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/l ≥ pt: In the run with seed \d+: l\(\w+\) = \d+ is less than its physical time pt = \d+/);
  });

  it('HLC: ignoring pt altogether keeps causality but not closeness to physical time', async () => {
    const noPt = hlcSource([
      ['const l = Math.max(ts.l, pt);', 'const l = ts.l;'],
      ['const l = Math.max(ts.l, msg.l, pt);', 'const l = Math.max(ts.l, msg.l);'],
    ]);
    const result = await gradeText(hlcExercise, 0, code(noPt));
    expect(result.passed).toBe(false);
    expect(result.checks.find((c) => c.name === 'respects causality')?.passed).toBe(true);
    expect(result.checks.find((c) => c.name === 'l ≥ pt')?.passed).toBe(false);
    expect(result.text).toContain('The physical clock (12) has passed l');
  });

  it('HLC: resetting c when l comes from the message breaks causality, naming the send and the receive', async () => {
    const resets = hlcSource([['if (l === msg.l) return { l, c: msg.c + 1 };', 'if (l === msg.l) return { l, c: 0 };']]);
    const result = await gradeText(hlcExercise, 0, code(resets));
    expect(result.passed).toBe(false);
    expect(result.text).toContain("continues the message's counter");
    const runs = await Promise.all(SEEDS.slice(0, 4).map((seed) => gradeText(hlcExercise, seed, code(resets))));
    expect(runs.some((r) => /respects causality: In the run with seed \d+: \w+ → \w+ \(\w+ receives the message sent by \w+\) but hlc\(\w+\) = \(\d+, \d+\)/.test(r.text))).toBe(true);
  });

  it('HLC: a counter that never restarts is caught by the bound on c, and a throw shows its line', async () => {
    const neverResets = hlcSource([['return { l, c: l === ts.l ? ts.c + 1 : 0 };', 'return { l, c: ts.c + 1 };']]);
    const result = await gradeText(hlcExercise, 0, code(neverResets));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/c bounded: In the run with seed \d+: c\(\w+\) = \d+ but only \d+ events before it have l = \d+/);
    const throws = await gradeText(hlcExercise, 0, code(hlcSource([['const l = Math.max(ts.l, msg.l, pt);', 'const l = Math.max(ts.l, msg.l, pt); if (msg.c > 2) throw new RangeError("counter overflow");']])));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/line 12, column \d+: RangeError: counter overflow/);
  });

  it('HLC: a result without c is reported as such', async () => {
    const noC = hlcSource([['return { l, c: 0 };\n}\n', 'return { l } as Hlc;\n}\n']]);
    const result = await gradeText(hlcExercise, 0, code(noC));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('it must return { l, c }');
  });

  it('Marzullo: the starter and the intersection of all intervals fail', async () => {
    const starter = await gradeText(marzulloExercise, 0, code(marzulloExercise.kind === 'code' ? marzulloExercise.starter({} as never) : ''));
    expect(starter.passed).toBe(false);
    const intersection = await gradeText(marzulloExercise, 0, code(`export function marzullo(xs: { lo: number; hi: number }[]) {
  return { lo: Math.max(...xs.map((x) => x.lo)), hi: Math.min(...xs.map((x) => x.hi)), count: xs.length };
}`));
    expect(intersection.passed).toBe(false);
    expect(intersection.text).toContain('That is the intersection of all the intervals');
    expect(intersection.text).toContain('For [8, 12], [11, 13], [10, 12], [0, 3] your marzullo returned { lo: 11, hi: 3, count: 4 }');
  });

  const marzulloSource = (from: string, to: string) => reference(marzulloExercise).replace(from, to);

  it('Marzullo: closing before opening at equal positions misses touching intervals', async () => {
    const result = await gradeText(marzulloExercise, 0, code(marzulloSource('x[0] - y[0] || y[1] - x[1]', 'x[0] - y[0] || x[1] - y[1]')));
    expect(result.passed).toBe(false);
    expect(result.checks.find((c) => c.name === 'touching endpoints')?.feedback).toContain('Intervals are closed: [0, 3] and [3, 5] both contain 3');
    expect(result.checks.find((c) => c.name === 'one falseticker')?.passed).toBe(true);
  });

  it('Marzullo: keeping the last of tied regions, and a throw, are reported', async () => {
    const last = await gradeText(marzulloExercise, 0, code(marzulloSource('if (open > best.count)', 'if (open >= best.count && points[i][1] > 0)')));
    expect(last.passed).toBe(false);
    expect(last.checks.find((c) => c.name === 'a tie')?.feedback).toContain('return the one with the smallest lo');
    const throws = await gradeText(marzulloExercise, 0, code(marzulloSource('let open = 0;', 'let open = 0; if (intervals.length > 5) throw new Error("too many");')));
    expect(throws.checks.some((c) => /line 12, column \d+: too many/.test(c.feedback))).toBe(true);
  });
});

/** Happened-before recomputed from a run's events alone: along each node's line and from each send to its receive. */
function causalPast<T>(events: StampedEvent<T>[]): Map<string, Set<string>> {
  const past = new Map<string, Set<string>>();
  for (const e of [...events].sort((x, y) => x.seq - y.seq)) {
    const mine = new Set<string>();
    const previous = events.find((f) => f.node === e.node && f.index === e.index - 1);
    const direct = [previous?.id, e.kind === 'receive' ? e.from : undefined].filter((id): id is string => id !== undefined);
    for (const id of direct) {
      mine.add(id);
      for (const earlier of past.get(id) ?? []) mine.add(earlier);
    }
    past.set(e.id, mine);
  }
  return past;
}

/** Lamport timestamps recomputed from the events: one more than the node's previous event or the message, whichever is larger. */
function lamportOracle<T>(events: StampedEvent<T>[]): Map<string, number> {
  const stamp = new Map<string, number>();
  const clock = new Map<string, number>();
  for (const e of [...events].sort((x, y) => x.seq - y.seq)) {
    const received = e.kind === 'receive' ? (stamp.get(e.from as string) as number) : 0;
    const value = Math.max(clock.get(e.node) ?? 0, received) + 1;
    clock.set(e.node, value);
    stamp.set(e.id, value);
  }
  return stamp;
}

/** Every separate region covered by the most intervals, found by counting at each half-millisecond. */
function regionsByCounting(intervals: readonly { lo: number; hi: number }[]): { lo: number; hi: number; count: number }[] {
  const from = Math.min(...intervals.map((i) => i.lo));
  const to = Math.max(...intervals.map((i) => i.hi));
  const points: number[] = [];
  for (let x = from; x <= to; x += 0.5) points.push(x);
  const counts = points.map((x) => intervals.filter((i) => i.lo <= x && x <= i.hi).length);
  const most = Math.max(...counts);
  const regions: { lo: number; hi: number; count: number }[] = [];
  points.forEach((x, k) => {
    if (counts[k] !== most) return;
    if (k > 0 && counts[k - 1] === most) (regions[regions.length - 1] as { hi: number }).hi = x;
    else regions.push({ lo: x, hi: x, count: most });
  });
  return regions;
}

describe('every variant has exactly one correct answer (thousands of seeds against oracles)', () => {
  const MANY = manySeeds(2000);
  const FEW = manySeeds(100);

  itExplainsEveryMistake(exerciseSet.exercises, MANY);
  itShowsTheAnswerFormat(exerciseSet.exercises, FEW);

  const near = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance;
  const accepted = async (def: Exercise, seed: number, text: string) => (await grade(def, seed, structured(text))).passed;

  // The diagram exercises: the oracle's answer must be the reference on each of a thousand seeds (drawing a variant
  // runs the exchange until one fits, the slow part); grading it and its near misses, which draws the variant
  // again for each answer, is done on every fiftieth seed.
  const DIAGRAM_SEEDS = manySeeds(1000);
  const graded = (k: number) => k % 50 === 0;

  it('Lamport timestamps: the recomputed stamps are the reference; they are accepted, each one off by one is not', async () => {
    const def = lamportTimestamps as StructuredExercise<{ seed: number; node: string }, 'vector'>;
    for (const [k, seed] of DIAGRAM_SEEDS.entries()) {
      const p = variantParams(def, seed);
      const { events } = runExchange(lamportClock, { seed: p.seed, eventsPerNode: 4 });
      const stamps = lamportOracle(events);
      const mine = events.filter((e) => e.node === p.node).map((e) => stamps.get(e.id) as number);
      expect(def.reference(p), `seed ${seed}`).toBe(`[${mine.join(', ')}]`);
      if (!graded(k)) continue;
      expect(await accepted(def, seed, `[${mine.join(', ')}]`), `seed ${seed}`).toBe(true);
      for (const [i] of mine.entries()) {
        for (const delta of [-1, 1]) expect(await accepted(def, seed, `[${mine.map((x, j) => (j === i ? x + delta : x)).join(', ')}]`)).toBe(false);
      }
    }
  });

  it('vector timestamp: the count of each node\'s events in the causal past is the reference; it is accepted, a near miss is not', async () => {
    const def = vectorTimestamp as StructuredExercise<{ seed: number; event: string }, 'vector'>;
    for (const [k, seed] of DIAGRAM_SEEDS.entries()) {
      const p = variantParams(def, seed);
      const { events } = runExchange(vectorClock, { seed: p.seed, eventsPerNode: 4 });
      const past = causalPast(events).get(p.event) as Set<string>;
      const vector = ['a', 'b', 'c'].map((n) => events.filter((e) => e.node === n && (past.has(e.id) || e.id === p.event)).length);
      expect(def.reference(p), `seed ${seed}`).toBe(`[${vector.join(', ')}]`);
      if (!graded(k)) continue;
      expect(await accepted(def, seed, `[${vector.join(', ')}]`), `seed ${seed}`).toBe(true);
      for (const [i, x] of vector.entries()) {
        expect(await accepted(def, seed, `[${vector.map((y, j) => (j === i ? x + 1 : y)).join(', ')}]`)).toBe(false);
        if (x > 0) expect(await accepted(def, seed, `[${vector.map((y, j) => (j === i ? x - 1 : y)).join(', ')}]`)).toBe(false);
      }
    }
  });

  it('concurrent pairs: the pairs with no causal path either way are the reference; accepted in any order, one missed or one extra is not', async () => {
    const def = concurrentPairsExercise as StructuredExercise<{ seed: number; events: string[] }, 'pairs'>;
    for (const [k, seed] of DIAGRAM_SEEDS.entries()) {
      const p = variantParams(def, seed);
      const past = causalPast(runExchange(vectorClock, { seed: p.seed, eventsPerNode: 4 }).events);
      const concurrent: [string, string][] = [];
      const ordered: [string, string][] = [];
      p.events.forEach((e, i) => p.events.slice(i + 1).forEach((f) => (past.get(f)?.has(e) || past.get(e)?.has(f) ? ordered : concurrent).push([e, f])));
      const text = (pairs: [string, string][]) => pairs.map(([e, f]) => `(${e}, ${f})`).join(', ');
      expect(def.reference(p), `seed ${seed}`).toBe(text(concurrent));
      if (!graded(k)) continue;
      expect(await accepted(def, seed, text(concurrent.map(([e, f]) => [f, e] as [string, string]).reverse())), `seed ${seed}`).toBe(true);
      for (const [i] of concurrent.entries()) expect(await accepted(def, seed, text(concurrent.filter((_, j) => j !== i)))).toBe(false);
      for (const pair of ordered) expect(await accepted(def, seed, text([...concurrent, pair]))).toBe(false);
    }
  });

  it('NTP: θ is the server\'s offset plus half the delays\' difference, δ their sum, as the simulated exchange had them', () => {
    for (const seed of MANY) {
      const offset = variantParams(ntpOffsetExercise, seed) as { serverOffsetMs: number; outboundMs: number; returnMs: number };
      expect(near((ntpOffsetExercise as NumericExercise<typeof offset>).answer(offset), offset.serverOffsetMs + (offset.outboundMs - offset.returnMs) / 2, 0.01), `seed ${seed}`).toBe(true);
      expect((ntpOffsetExercise as NumericExercise<typeof offset>).mistakes?.(offset)).toHaveLength(5);
      const delay = variantParams(ntpDelayExercise, seed) as { outboundMs: number; returnMs: number };
      expect(near((ntpDelayExercise as NumericExercise<typeof delay>).answer(delay), delay.outboundMs + delay.returnMs, 0.01), `seed ${seed}`).toBe(true);
      expect((ntpDelayExercise as NumericExercise<typeof delay>).mistakes?.(delay)).toHaveLength(4);
    }
  });

  it('Marzullo\'s interval: one region has the most sources, a majority, with the true offset in it and only the named falseticker outside', async () => {
    // The review's counterexample: two regions tie, one of them the falseticker's; counting must see both.
    expect(regionsByCounting([{ lo: -1, hi: 5 }, { lo: -12, hi: 3 }, { lo: -11, hi: 8 }, { lo: -7, hi: -3 }])).toHaveLength(2);
    const def = marzulloInterval as StructuredExercise<{ intervals: SourceInterval[]; truthMs: number; falseticker: string }, 'vector'>;
    for (const seed of MANY) {
      const p = variantParams(def, seed);
      const regions = regionsByCounting(p.intervals);
      expect(regions, `seed ${seed}: ${JSON.stringify(p.intervals)}`).toHaveLength(1);
      const { lo, hi, count } = regions[0] as { lo: number; hi: number; count: number };
      expect(count).toBe(p.intervals.length - 1);
      expect(count).toBeGreaterThan(p.intervals.length / 2);
      expect(lo <= p.truthMs && p.truthMs <= hi).toBe(true);
      expect(p.intervals.filter((i) => !(i.lo <= lo && hi <= i.hi)).map((i) => i.source)).toEqual([p.falseticker]);
      expect(p.intervals.filter((i) => !(i.lo <= p.truthMs && p.truthMs <= i.hi)).map((i) => i.source)).toEqual([p.falseticker]);
      expect(def.solution(p).text).toContain(`${p.falseticker} does not contain it and is the falseticker`);
      if (seed % 10 === 0) {
        expect(await accepted(def, seed, `[${lo}, ${hi}]`), `seed ${seed}`).toBe(true);
        for (const [a, b] of [[lo - 1, hi], [lo, hi + 1], [lo + 1, hi], [lo, hi - 1]]) expect(await accepted(def, seed, `[${a}, ${b}]`)).toBe(false);
      }
    }
  });

  it('drift per day: the answer is what the simulator\'s drifting clock reads ahead after 86,400 s', () => {
    for (const seed of MANY) {
      const p = variantParams(driftPerDay, seed) as { driftPpm: number };
      const aheadMs = clockReadingMs({ offsetMs: 0, driftPpm: p.driftPpm }, 86_400_000) - 86_400_000;
      expect((driftPerDay as NumericExercise<typeof p>).answer(p)).toBeCloseTo(aheadMs / 1000, 6);
      expect((driftPerDay as NumericExercise<typeof p>).mistakes?.(p)).toHaveLength(5);
    }
  });

  it('commit wait: the answer is when TT.now().earliest first passes s, or Paxos, whichever is later', () => {
    const def = commitWait as NumericExercise<{ epsilonMs: number; paxosMs: number }>;
    const firstPast = new Map<number, number>();
    for (const seed of MANY) {
      const p = variantParams(def, seed);
      if (!firstPast.has(p.epsilonMs)) {
        const s = ttNow(0, p.epsilonMs).latest;
        let t = 0;
        while (!(ttNow(t, p.epsilonMs).earliest > s)) t += 0.001;
        firstPast.set(p.epsilonMs, t);
      }
      expect(near(def.answer(p), Math.max(firstPast.get(p.epsilonMs) as number, p.paxosMs), def.tolerance.absolute as number), `seed ${seed}`).toBe(true);
    }
  });

  it('Lamport limits: each statement is decided on real runs, and exactly the correct options hold', () => {
    const def = lamportLimits as ChoiceExercise<Record<string, never>>;
    const holds: Record<string, boolean> = { condition: true, converse: true, equal: true, detect: true, total: true, 'real-time': true, gap: true };
    for (const seed of manySeeds(60)) {
      const { events } = runExchange(lamportClock, { seed, eventsPerNode: 5 });
      const past = causalPast(events);
      const L = lamportOracle(events);
      const before = (e: StampedEvent<unknown>, f: StampedEvent<unknown>) => past.get(f.id)?.has(e.id) === true;
      const seen = new Map<string, Set<boolean>>();
      for (const e of events) {
        for (const f of events) {
          if (e === f) continue;
          const [le, lf] = [L.get(e.id) as number, L.get(f.id) as number];
          const concurrent = !before(e, f) && !before(f, e);
          if (before(e, f) && !(le < lf)) holds.condition = false;
          if (le < lf && !before(e, f)) holds.converse = false;
          if (le === lf && !concurrent) holds.equal = false;
          const key = Math.sign(le - lf).toString();
          seen.set(key, (seen.get(key) ?? new Set()).add(concurrent));
          if (before(e, f) && !(le < lf || (le === lf && e.node < f.node))) holds.total = false;
          if (le === lf && e.node === f.node) holds.total = false;
          if (le < lf && !(e.t < f.t)) holds['real-time'] = false;
          const next = f.node === e.node && f.index === e.index + 1;
          if (lf === le + 1 && !next && f.from !== e.id) holds.gap = false;
        }
      }
      if ([...seen.values()].some((outcomes) => outcomes.size > 1)) holds.detect = false;
    }
    expect(Object.keys(holds).filter((id) => holds[id]).sort()).toEqual([...def.correct({})].sort());
    expect(def.options({}).map((o) => o.id).sort()).toEqual(Object.keys(holds).sort());
  });
});

describe('prompts, explanations and solutions say what the sources say', () => {
  it('drift per day: the rate error is RFC 5905\'s "frequency offset"; "skew" is the chapter\'s word, not the RFC\'s', () => {
    for (const seed of SEEDS) {
      const text = driftPerDay.prompt(variantParams(driftPerDay, seed) as never).text;
      expect(text).toContain('RFC 5905 calls its frequency offset');
      expect(text).not.toMatch(/skew[^.]*in RFC 5905's terms/);
    }
  });

  it('HLC: the clocks\' ppm rates are called skew, as the chapter defines it, never drift (the change of the skew)', () => {
    for (const seed of SEEDS) {
      const text = hlcExercise.prompt(variantParams(hlcExercise, seed) as never).text;
      expect(text).toMatch(/skew [+-]?\d+ ppm/);
      expect(text).not.toMatch(/drift [+-]?\d+ ppm|and drift \(/);
    }
  });

  it('Marzullo\'s interval: the solution does not claim that a majority of truechimers makes plain Marzullo safe, which the chapter\'s own sources refute', () => {
    // Three truechimers of five contain 0, yet the region in the most intervals misses it: a majority is not enough.
    const chapterCase: SourceInterval[] = [
      { source: 'A', lo: -1, hi: 7 }, { source: 'B', lo: -1, hi: 7 }, { source: 'C', lo: -1, hi: 1 },
      { source: 'D', lo: 5, hi: 13 }, { source: 'E', lo: 6, hi: 14 },
    ];
    const plain = marzulloReference(chapterCase);
    expect(plain.lo <= 0 && 0 <= plain.hi).toBe(false);
    for (const seed of SEEDS) {
      const text = marzulloInterval.solution(variantParams(marzulloInterval, seed) as never).text;
      expect(text).not.toMatch(/trusted because the truechimers are a majority|without a majority of truechimers it finds none/);
      expect(text).toContain('midpoints');
    }
  });

  it('Lamport limits: the total order is cited by the paper\'s section title (the CACM paper numbers no sections)', () => {
    const explanation = (lamportLimits as ChoiceExercise<Record<string, never>>).explain?.({}, 'total') ?? '';
    expect(explanation).toContain('Ordering the Events Totally');
    expect(explanation).not.toContain('§3');
  });
});
