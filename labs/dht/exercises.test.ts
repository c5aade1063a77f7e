// Method: every exercise of the chapter is graded with its own reference answer over many seeded variants (all
// must pass), and with typical wrong answers (each must fail, with feedback a learner can act on). Code exercises
// get the mistakes learners make: modulo instead of jump hash, an off-by-one loop bound, a 32-bit generator;
// successor walking, overshooting fingers and a closed interval in Chord; numeric distance, no limit to k and
// sorting by id in Kademlia; and code that throws.
import { describe, expect, it } from 'vitest';
import { SEEDS, gradeText, structured, numeric, code, itPassesEveryVariant } from '../exercises/test-support';
import { grade, referenceAnswer, variantParams } from '../exercises/grade';
import { ExerciseRegistry } from '../exercises/registry';
import type { Exercise } from '../exercises/types';
import {
  chordFindSuccessor,
  exerciseSet,
  fingerTableExercise,
  jumpHashExercise,
  kademliaKClosest,
  movedFractionExercise,
  replicaLossExercise,
  ringSuccessor,
  whichScheme,
  xorBucket,
} from './exercises';



const reference = (def: Exercise): string => (referenceAnswer(def, variantParams(def, 0)) as { source: string }).source;
const edit = (def: Exercise, replace: [string, string][]) => replace.reduce((s, [from, to]) => {
  expect(s).toContain(from);
  return s.replace(from, to);
}, reference(def));

describe('the chapter\'s exercise set', () => {
  it('registers cleanly, with every kind', () => {
    const registry = new ExerciseRegistry().register(...exerciseSet.exercises);
    expect(exerciseSet.chapter).toBe('scale/partitioning');
    expect(registry.list('dht')).toHaveLength(exerciseSet.exercises.length);
    expect(new Set(exerciseSet.exercises.map((def) => def.kind))).toEqual(new Set(['choice', 'numeric', 'structured', 'code']));
  });

  itPassesEveryVariant(exerciseSet.exercises);
});

describe('hand exercises: wrong answers fail with useful feedback', () => {
  it('ring successor: the predecessor is wrong', async () => {
    const p = variantParams(ringSuccessor, 1) as { ids: number[]; key: number };
    const owner = ringSuccessor.kind === 'numeric' ? ringSuccessor.answer(p as never) : -1;
    const other = p.ids.find((id) => id !== owner) as number;
    expect((await grade(ringSuccessor, 1, numeric(other))).passed).toBe(false);
    expect((await grade(ringSuccessor, 1, numeric(owner))).passed).toBe(true);
  });

  it('finger table: the interval starts instead of their successors, and a wrong length', async () => {
    const p = variantParams(fingerTableExercise, 2) as { ids: number[]; node: number };
    const starts = [0, 1, 2, 3, 4, 5].map((i) => (p.node + 2 ** i) % 64);
    const result = await gradeText(fingerTableExercise, 2, structured(`[${starts.join(', ')}]`));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('is where finger[');
    expect((await gradeText(fingerTableExercise, 2, structured('[1, 2, 3]'))).text).toContain('6 entries');
  });

  it('XOR bucket: numeric difference and a bucket counted from the left', async () => {
    const seed = SEEDS.find((s) => {
      const q = variantParams(xorBucket, s) as { a: number; b: number };
      return Math.abs(q.a - q.b) !== (q.a ^ q.b) && 31 - Math.clz32(q.a ^ q.b) !== 7 - (31 - Math.clz32(q.a ^ q.b));
    }) as number;
    const p = variantParams(xorBucket, seed) as { a: number; b: number };
    const bucket = 31 - Math.clz32(p.a ^ p.b);
    const result = await gradeText(xorBucket, seed, structured(`[${Math.abs(p.a - p.b)}, ${7 - bucket}]`));
    expect(result.score).toBe(0);
    expect(result.text).toContain('the numeric difference');
    expect(result.text).toContain('counted the differing bit from the left');
  });

  it('moved fraction: swapping the two schemes\' answers fails', async () => {
    for (const seed of SEEDS) {
      const p = variantParams(movedFractionExercise, seed) as { scheme: string; n: number };
      const swapped = p.scheme === 'modulo' ? 1 / (p.n + 1) : p.n / (p.n + 1);
      const result = await gradeText(movedFractionExercise, seed, numeric(swapped));
      expect(result.score).toBe(0);
      expect(result.text).toContain(p.scheme === 'modulo' ? 'the minimum' : '`mod n`');
      expect((await gradeText(movedFractionExercise, seed, numeric(1 / p.n))).text).toContain(p.scheme === 'modulo' ? 'Count the keys that stay' : 'fair share');
    }
  });

  it('replica loss: f, 1 − (1 − f)^R, f·R and f/R each fail with their own explanation', async () => {
    for (const seed of SEEDS) {
      const p = variantParams(replicaLossExercise, seed) as { failedPercent: number; replicas: number };
      const f = p.failedPercent / 100;
      const r = p.replicas;
      const cases: [number, string][] = [
        [f, 'single copy'],
        [1 - (1 - f) ** r, 'at least one'],
        [f * r, 'adds the'],
        [f / r, 'divides by'],
      ];
      for (const [wrong, phrase] of cases) {
        if (Math.abs(wrong - f ** r) <= 0.07 * f ** r) continue; // f / R equals f^R when f = 0.5 and R = 2
        const result = await gradeText(replicaLossExercise, seed, numeric(wrong));
        expect(result.score, `${wrong} for f = ${f}, R = ${r}`).toBe(0);
        // For small f, f·R and 1 − (1 − f)^R nearly coincide; then the first explanation in the list is given.
        const first = cases.find(([value]) => Math.abs(wrong - value) <= 0.07 * value) as [number, string];
        expect(result.text).toContain(first[1]);
        expect(phrase === first[1] || first[0] !== wrong).toBe(true);
      }
      // The exact (hypergeometric) value for 1,000 nodes is accepted as well as f^R.
      const failed = Math.round(f * 1000);
      let exact = 1;
      for (let j = 0; j < r; j++) exact *= (failed - j) / (1000 - j);
      expect((await grade(replicaLossExercise, seed, numeric(exact))).passed).toBe(true);
      const high = f ** r * 1.5;
      if (cases.every(([wrong]) => Math.abs(high - wrong) > 0.07 * wrong)) expect((await gradeText(replicaLossExercise, seed, numeric(high))).text).toContain('Too high');
    }
  });

  it('which scheme: adding jump hash or modulo costs points', async () => {
    expect((await grade(whichScheme, 0, { kind: 'choice', selected: ['ring', 'rendezvous', 'maglev'] })).passed).toBe(true);
    const withJump = await grade(whichScheme, 0, { kind: 'choice', selected: ['ring', 'rendezvous', 'maglev', 'jump'] });
    expect(withJump.passed).toBe(false);
    expect(withJump.score).toBeCloseTo(2 / 3);
    expect((await grade(whichScheme, 0, { kind: 'choice', selected: ['modulo', 'jump'] })).score).toBe(0);
  });
});

describe('code exercises: typical mistakes fail with the input that shows them', () => {
  it('jump hash: the starter and plain modulo fail; modulo breaks monotonicity', async () => {
    const starter = await gradeText(jumpHashExercise, 0, code(jumpHashExercise.kind === 'code' ? jumpHashExercise.starter({} as never) : ''));
    expect(starter.passed).toBe(false);
    const modulo = await gradeText(jumpHashExercise, 0, code('export function jumpHash(key: bigint, buckets: number): number {\n  return Number(key % BigInt(buckets));\n}\n'));
    expect(modulo.passed).toBe(false);
    expect(modulo.text).toMatch(/monotone: a key moves only to the new bucket: Going from \d+ to \d+ buckets, key \d+n moved from bucket \d+ to \d+/);
    expect(modulo.checks.find((c) => c.name === 'in range')?.passed).toBe(true);
  });

  it('jump hash: an off-by-one loop bound leaves the range, a 32-bit generator gives other values', async () => {
    const offByOne = await gradeText(jumpHashExercise, 0, code(edit(jumpHashExercise, [['while (j < buckets)', 'while (j <= buckets)']])));
    expect(offByOne.text).toMatch(/in range: jumpHash\(\d+n, \d+\) returned \d+; with \d+ buckets the result must be an integer from 0 to \d+/);
    const narrow = await gradeText(jumpHashExercise, 0, code(edit(jumpHashExercise, [['(1n << 64n) - 1n', '(1n << 32n) - 1n']])));
    expect(narrow.passed).toBe(false);
    expect(narrow.text).toMatch(/known values: jumpHash\(\d+n, \d+\) returned \d+, not \d+/);
  });

  it('jump hash: a throw reports the learner\'s line', async () => {
    const throws = await gradeText(jumpHashExercise, 0, code(edit(jumpHashExercise, [['let b = -1;', 'let b = -1; if (buckets > 500) throw new Error("too many");']])));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/line 5, column \d+: too many/);
  });

  it('Chord: walking successors one by one is right but linear', async () => {
    const linear = `export function findSuccessor(ring: number[], fingers: Record<number, number[]>, start: number, key: number, m: number): number[] {
  const size = 2 ** m;
  const d = (x: number, y: number) => (y - x + size) % size;
  const path = [start];
  let n = start;
  while (!(d(n, key) > 0 && d(n, key) <= (d(n, fingers[n][0]) || size))) {
    n = fingers[n][0];
    path.push(n);
  }
  path.push(fingers[n][0]);
  return path;
}
`;
    const result = await gradeText(chordFindSuccessor, 0, code(linear));
    expect(result.checks.find((c) => c.name === 'ends at the successor')?.passed).toBe(true);
    expect(result.text).toMatch(/O\(log N\) hops: On the \d+-node ring a lookup took \d+ hops, more than m = 16/);
  });

  it('Chord: an overshooting finger gives the wrong owner; a closed interval lands on the key', async () => {
    // Testing the finger's start (n + 2^i) instead of the finger itself jumps past the key; with a hop limit the
    // lookup stops at the wrong node.
    const overshoot = edit(chordFindSuccessor, [
      ['if (between(f, n, key, false, m)) return f;', 'if (between((n + 2 ** i) % 2 ** m, n, key, false, m)) return f;'],
      ['while (!between(key, n, fingers[n][0], true, m)) {', 'for (let hop = 0; hop < m && !between(key, n, fingers[n][0], true, m); hop++) {'],
    ]);
    const over = await gradeText(chordFindSuccessor, 0, code(overshoot));
    expect(over.passed).toBe(false);
    expect(over.text).toMatch(/ends at the successor: On the \d+-node ring, the lookup of key \d+ from node \d+ ended at \d+ \(path [\d →]+\), but the key's successor/);

    const closed = await gradeText(chordFindSuccessor, 0, code(edit(chordFindSuccessor, [
      ['if (between(f, n, key, false, m)) return f;', 'if (between(f, n, key, true, m)) return f;'],
      ['while (!between(key, n, fingers[n][0], true, m)) {', 'for (let hop = 0; hop < 4 * m && !between(key, n, fingers[n][0], true, m); hop++) {'],
    ])));
    expect(closed.passed).toBe(false);
    expect(closed.text).toContain('lands on the key itself');
  });

  it('Chord: a throw reports the learner\'s line', async () => {
    const throws = await gradeText(chordFindSuccessor, 0, code(edit(chordFindSuccessor, [['const path = [start];', 'const path = [start]; if (key % 7 === 3) throw new Error("no route");']])));
    expect(throws.passed).toBe(false);
    expect(throws.text).toMatch(/line 17, column \d+: no route/);
  });

  it('Kademlia: numeric distance, no limit to k, and sorting by id are each named', async () => {
    const numericSort = await gradeText(kademliaKClosest, 0, code(edit(kademliaKClosest, [['((a ^ target) >>> 0) - ((b ^ target) >>> 0)', 'Math.abs(a - target) - Math.abs(b - target) || a - b']])));
    expect(numericSort.passed).toBe(false);
    expect(numericSort.text).toContain('closest by numeric difference');
    const unlimited = await gradeText(kademliaKClosest, 0, code(edit(kademliaKClosest, [['.slice(0, k)', '']])));
    expect(unlimited.text).toMatch(/but at most k = \d+\. Keep only the k closest/);
    expect(unlimited.checks.find((c) => c.name === 'fewer contacts than k')?.passed).toBe(true);
    const byId = await gradeText(kademliaKClosest, 0, code(edit(kademliaKClosest, [['((a ^ target) >>> 0) - ((b ^ target) >>> 0)', 'a - b']])));
    expect(byId.passed).toBe(false);
    expect(byId.text).toContain('sorted by id');
    const mutating = await gradeText(kademliaKClosest, 0, code(edit(kademliaKClosest, [['return contacts', 'contacts.reverse();\n  return contacts']])));
    expect(mutating.text).toContain('changed the contacts array');
  });
});
