/**
 * Small exercise definitions of every kind, for the tests of this folder only (they are not in the book). Each is
 * a realistic miniature of a chapter exercise, with a generated variant, so the tests can hold the reference to
 * passing over many seeds and probe each kind's feedback.
 */
import { defineExercise, type Check } from './types';

/** Multiple choice: which (R, W) quorum sizes make every read meet every write among N replicas? */
export const quorumOverlap = defineExercise({
  id: 'fixture/quorum-overlap',
  title: 'Overlapping quorums',
  kind: 'choice',
  multiple: true,
  generate(rng) {
    const replicas = rng.int(3, 7);
    const all: [number, number][] = [];
    for (let r = 1; r <= replicas; r++) for (let w = 1; w <= replicas; w++) all.push([r, w]);
    const overlapping = rng.shuffle(all.filter(([r, w]) => r + w > replicas)).slice(0, 2);
    const disjoint = rng.shuffle(all.filter(([r, w]) => r + w <= replicas)).slice(0, 2);
    return { replicas, pairs: rng.shuffle([...overlapping, ...disjoint]) };
  },
  prompt: (p) => ({ text: `A store keeps **${p.replicas}** replicas. Which read and write quorum sizes guarantee that every read sees the latest write?` }),
  solution: (p) => ({ text: `A read quorum meets every write quorum exactly when R + W > N = ${p.replicas}.` }),
  hints: () => ['Two sets of sizes R and W drawn from N items must share an item when R + W > N.'],
  options: (p) => p.pairs.map(([r, w]) => ({ id: `r${r}w${w}`, label: `R = ${r}, W = ${w}` })),
  correct: (p) => p.pairs.filter(([r, w]) => r + w > p.replicas).map(([r, w]) => `r${r}w${w}`),
  explain(p, optionId) {
    const [r, w] = optionId.slice(1).split('w').map(Number) as [number, number];
    return r + w > p.replicas
      ? `R + W = ${r + w} exceeds N = ${p.replicas}, so the quorums always share a replica.`
      : `R + W = ${r + w} is at most N = ${p.replicas}: a read can miss every replica the write reached.`;
  },
});

/** Single choice: how many crashes does a majority quorum of N tolerate? */
export const majorityTolerance = defineExercise({
  id: 'fixture/majority-tolerance',
  title: 'Majority quorums',
  kind: 'choice',
  multiple: false,
  generate: (rng) => ({ nodes: rng.int(3, 9) }),
  prompt: (p) => ({ text: `A cluster of ${p.nodes} nodes needs a majority to make progress. How many crashed nodes can it tolerate?` }),
  solution: (p) => ({ text: `A majority is ${Math.floor(p.nodes / 2) + 1}, so ${Math.floor((p.nodes - 1) / 2)} may crash.` }),
  options: (p) => Array.from({ length: p.nodes }, (_, f) => ({ id: `f${f}`, label: String(f) })),
  correct: (p) => [`f${Math.floor((p.nodes - 1) / 2)}`],
});

/** Numeric with a unit and an absolute tolerance. */
export const roundTrip = defineExercise({
  id: 'fixture/round-trip',
  title: 'Round trips',
  kind: 'numeric',
  unit: 'ms',
  tolerance: { absolute: 0.5 },
  generate: (rng) => ({ hops: rng.int(1, 4), delayMs: rng.pick([2.5, 5, 10, 20]), processingMs: rng.int(0, 3) }),
  prompt: (p) => ({ text: `A request crosses ${p.hops} links of ${p.delayMs} ms each; the server takes ${p.processingMs} ms. What is the round-trip time?` }),
  solution: (p) => ({ text: `2 × ${p.hops} × ${p.delayMs} + ${p.processingMs} = ${2 * p.hops * p.delayMs + p.processingMs} ms.` }),
  answer: (p) => 2 * p.hops * p.delayMs + p.processingMs,
});

/** Numeric with a relative tolerance: a small probability. */
export const allLost = defineExercise({
  id: 'fixture/all-lost',
  title: 'Losing every retry',
  kind: 'numeric',
  tolerance: { relative: 0.01 },
  generate: (rng) => ({ lossPercent: rng.pick([10, 20, 30, 50]), tries: rng.int(2, 5) }),
  prompt: (p) => ({ text: `Each try is lost with probability ${p.lossPercent}%, independently. What is the probability that all ${p.tries} tries are lost?` }),
  solution: (p) => ({ text: `(${p.lossPercent / 100})^${p.tries}.` }),
  answer: (p) => (p.lossPercent / 100) ** p.tries,
});

/** Structured (vector): a vector clock after a receive. */
export const vectorReceive = defineExercise({
  id: 'fixture/vector-receive',
  title: 'Vector clock on receive',
  kind: 'structured',
  format: 'vector',
  placeholder: '[0, 0, 0]',
  generate(rng) {
    const receiver = rng.int(0, 2);
    const local = [rng.int(0, 5), rng.int(0, 5), rng.int(0, 5)];
    const stamp = [rng.int(0, 5), rng.int(0, 5), rng.int(0, 5)];
    return { receiver, local, stamp };
  },
  prompt: (p) => ({ text: `Node ${'abc'[p.receiver]} has clock \`[${p.local.join(', ')}]\` and receives a message stamped \`[${p.stamp.join(', ')}]\`. What is its clock after the receive?` }),
  solution: (p) => ({ text: `Take the entrywise maximum, then increment the receiver's own entry: \`[${receiveVector(p).join(', ')}]\`.` }),
  reference: (p) => `[${receiveVector(p).join(', ')}]`,
  check(p, value): Check[] {
    const expected = receiveVector(p);
    if (value.length !== expected.length) {
      return [{ name: 'length', passed: false, feedback: `A vector clock has one entry per node: ${expected.length} entries.` }];
    }
    const others = expected.every((x, i) => i === p.receiver || value[i] === x);
    const own = value[p.receiver] === expected[p.receiver];
    return [
      { name: 'length', passed: true, feedback: 'One entry per node.' },
      { name: 'merge', passed: others, feedback: others ? 'The other entries are the entrywise maximum.' : "Each other node's entry is the larger of the two clocks' entries." },
      { name: 'own entry', passed: own, feedback: own ? 'The receiver counted the receive event.' : 'The receive is an event of the receiver: increment its own entry after the merge.' },
    ];
  },
});

function receiveVector(p: { receiver: number; local: number[]; stamp: number[] }): number[] {
  return p.local.map((x, i) => Math.max(x, p.stamp[i] ?? 0) + (i === p.receiver ? 1 : 0));
}

/** A module the code fixture's learner may import, standing in for a lab such as labs/sim. */
export const fixtureMath = { larger: (a: number, b: number): number => (a > b ? a : b) };

/** Code: the Lamport receive rule, checked on generated cases. */
export const lamportReceive = defineExercise({
  id: 'fixture/lamport-receive',
  title: 'Lamport clock on receive',
  kind: 'code',
  signature: 'function onReceive(local: number, stamp: number): number',
  exportName: 'onReceive',
  modules: { 'labs/fixture-math': fixtureMath },
  generate(rng) {
    const equal = rng.int(0, 9);
    const cases: [number, number][] = [[equal, equal]];
    for (let i = 0; i < 3; i++) cases.push([rng.int(0, 20), rng.int(0, 20)]);
    return { cases };
  },
  prompt: () => ({ text: 'Write `onReceive`, which returns a process\'s Lamport clock after it receives a message stamped `stamp`.' }),
  solution: () => ({ text: 'The clock jumps past both its own value and the stamp: `max(local, stamp) + 1`.' }),
  starter: () => 'export function onReceive(local: number, stamp: number): number {\n  return local;\n}\n',
  reference: () =>
    "import { larger } from 'labs/fixture-math';\n\nexport function onReceive(local: number, stamp: number): number {\n  return larger(local, stamp) + 1;\n}\n",
  checks: async (p, fn: (local: number, stamp: number) => unknown, ctx) => {
    const checks: Check[] = [];
    for (const [local, stamp] of p.cases) {
      checks.push(
        await ctx.check(`onReceive(${local}, ${stamp})`, () => {
          const got = fn(local, stamp);
          const expected = Math.max(local, stamp) + 1;
          if (got === expected) return { passed: true, feedback: `Returned ${expected}.` };
          if (typeof got !== 'number') return { passed: false, feedback: `Returned ${JSON.stringify(got) ?? String(got)}, which is not a number.` };
          if (got === Math.max(local, stamp)) return { passed: false, feedback: `Returned ${got}: the receive is an event too, so add one.` };
          return { passed: false, feedback: `Returned ${got}; expected ${expected}, one more than the larger of the two clocks.` };
        }),
      );
    }
    return checks;
  },
});

/** Every fixture, for tests that loop over kinds. */
export const fixtures = [quorumOverlap, majorityTolerance, roundTrip, allLost, vectorReceive, lamportReceive];
