// Method: every exercise of the chapter is graded with its own reference answer over many seeded variants (all
// must pass), and with typical wrong answers (each must fail, with feedback a learner can act on). Code exercises
// get the mistakes learners make: modulo instead of jump hash, an off-by-one loop bound, a 32-bit generator;
// successor walking, overshooting fingers and a closed interval in Chord; numeric distance, no limit to k and
// sorting by id in Kademlia; and code that throws.
import { describe, expect, it } from 'vitest';
import { SEEDS, gradeText, structured, numeric, code, itPassesEveryVariant, describeCodeReferences, expectReferenceWrittenLikePlaceholder } from '../exercises/test-support';
import { grade, referenceAnswer, variantParams } from '../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts, parsedPlaceholder, structuredAccepts } from '../exercises/oracle-support';
import { parseStructured } from '../exercises/parse';
import { ExerciseRegistry } from '../exercises/registry';
import { HashRing } from './ring';
import { rendezvous } from './rendezvous';
import { maglevLookup, maglevTable } from './maglev';
import { jumpHashString } from './jump';
import { moduloPlacement } from './placement';
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
      expect(result.text).toContain(p.scheme === 'modulo' ? 'the minimum' : 'mod-n placement');
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
    // The chapter's table: jump and rendezvous balance in expectation only, Maglev to within one slot; the solution
    // must not teach "perfect" balance for either.
    const solution = whichScheme.solution({} as never).text;
    expect(solution).not.toMatch(/perfect/);
    expect(solution).toContain('equal expected share');
    expect(solution).toContain('equal to within one slot');
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

// ——— Every variant has exactly one right answer ———
// Each generator is enumerated over thousands of seeds (code exercises over hundreds) and compared with a brute-force
// oracle written here: walking the ring id by id, flipping bits one at a time, counting hash values over a cycle,
// moving real keys between real placement schemes. The oracle's answer must pass and every other candidate fail.

const CONCEPT_SEEDS = enumerateSeeds(2000);

/** Walks the 64-id circle from `key`, one id at a time, to the first node. */
const walkToNode = (ids: number[], key: number) => {
  for (let step = 0; step < 64; step++) if (ids.includes((key + step) % 64)) return (key + step) % 64;
  throw new Error('empty ring');
};

describe('every variant has exactly one right answer (brute force over seeds)', () => {
  it('ring successor: only the node reached by walking clockwise from the key passes; each mistake is explained', async () => {
    for (const [index, seed] of CONCEPT_SEEDS.entries()) {
      const p = variantParams(ringSuccessor, seed) as { ids: number[]; key: number };
      const oracle = walkToNode(p.ids, p.key);
      expect((await grade(ringSuccessor, seed, numeric(oracle))).passed, `seed ${seed}`).toBe(true);
      if (index % 10 !== 0) continue; // every id 0..63 as an answer, and the mistakes, for a tenth of the seeds
      for (let value = 0; value < 64; value++) {
        const result = await grade(ringSuccessor, seed, numeric(value));
        expect(result.passed, `seed ${seed}: ${value}`).toBe(value === oracle);
      }
      const before = [...p.ids].reverse().find((id) => id < p.key) ?? (p.ids.at(-1) as number);
      if (before !== oracle) expect((await gradeText(ringSuccessor, seed, numeric(before))).text).toContain('comes before the key');
      if (p.ids.includes(p.key)) expect((await gradeText(ringSuccessor, seed, numeric(walkToNode(p.ids, p.key + 1)))).text).toContain('up to and including its id');
      else expect((await gradeText(ringSuccessor, seed, numeric(p.key))).text).toContain(`No node has id ${p.key}`);
      if (oracle < p.key && !p.ids.includes(0)) expect((await gradeText(ringSuccessor, seed, numeric(0))).text).toContain('No node has id 0. Wrapping');
    }
  });

  it('finger table: only the walked fingers pass; any single entry changed to another node fails', () => {
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(fingerTableExercise, seed) as { ids: number[]; node: number };
      const oracle = [1, 2, 4, 8, 16, 32].map((step) => walkToNode(p.ids, p.node + step));
      expect(structuredAccepts(fingerTableExercise, p, oracle), `seed ${seed}`).toBe(true);
      if (CONCEPT_SEEDS.indexOf(seed) % 5 !== 0) continue; // the near misses for a fifth of the seeds
      for (let i = 0; i < 6; i++) {
        for (const other of [...p.ids, (p.node + 2 ** i) % 64]) {
          if (other === oracle[i]) continue;
          const nearMiss = oracle.map((f, j) => (j === i ? other : f));
          expect(structuredAccepts(fingerTableExercise, p, nearMiss), `seed ${seed}: ${nearMiss}`).toBe(false);
        }
      }
    }
  });

  it('XOR bucket: exactly one [distance, bucket] passes, the bit-by-bit distance and the bucket whose range holds it', () => {
    for (const [index, seed] of CONCEPT_SEEDS.entries()) {
      const p = variantParams(xorBucket, seed) as { a: number; b: number };
      let distance = 0;
      for (let bit = 0; bit < 8; bit++) if (((p.a >> bit) & 1) !== ((p.b >> bit) & 1)) distance += 2 ** bit;
      const bucket = [0, 1, 2, 3, 4, 5, 6, 7].find((i) => 2 ** i <= distance && distance < 2 ** (i + 1)) as number;
      expect(structuredAccepts(xorBucket, p, [distance, bucket]), `seed ${seed}`).toBe(true);
      if (index % 20 !== 0) continue; // every candidate answer for a twentieth of the seeds
      let passing = 0;
      for (let d = 0; d < 256; d++) for (let i = 0; i < 8; i++) if (structuredAccepts(xorBucket, p, [d, i])) passing++;
      expect(passing, `seed ${seed}`).toBe(1);
    }
  });

  it('moved fraction: the answer is the fraction of one full hash cycle that changes node; mistakes stay apart', async () => {
    for (const seed of CONCEPT_SEEDS.slice(0, 500)) {
      const p = variantParams(movedFractionExercise, seed) as { scheme: string; n: number };
      let oracle: number;
      if (p.scheme === 'modulo') {
        const cycle = p.n * (p.n + 1);
        let moved = 0;
        for (let h = 0; h < cycle; h++) if (h % p.n !== h % (p.n + 1)) moved++;
        oracle = moved / cycle;
      } else {
        // Equal shares before and after, and only the newcomer's keys change owner: count the newcomer's slots on a
        // ring of n(n + 1) equal slots.
        oracle = p.n / (p.n * (p.n + 1));
      }
      expect((await grade(movedFractionExercise, seed, numeric(oracle))).passed).toBe(true);
      expect((await grade(movedFractionExercise, seed, numeric(oracle * 1.02))).passed).toBe(false);
      for (const m of movedFractionExercise.kind === 'numeric' ? movedFractionExercise.mistakes?.(p as never) ?? [] : []) {
        const result = await gradeText(movedFractionExercise, seed, numeric(m.value));
        expect(result.passed).toBe(false);
        expect(result.text).toBe(`value: ${m.feedback}`);
      }
    }
  });

  it('replica loss: f^R and the exact count for 1,000 nodes pass; no typical mistake can pass, and each is explained', async () => {
    const choose = (n: number, k: number) => {
      let c = 1;
      for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
      return c;
    };
    const drawn = new Set<string>();
    for (const seed of CONCEPT_SEEDS) {
      const p = variantParams(replicaLossExercise, seed) as { failedPercent: number; replicas: number };
      drawn.add(`${p.failedPercent}/${p.replicas}`);
      const f = p.failedPercent / 100;
      const failed = Math.round(f * 1000);
      // The key's R successors are a fixed set of R nodes; count the crash sets of size `failed` that contain all of them.
      const exact = choose(1000 - p.replicas, failed - p.replicas) / choose(1000, failed);
      expect((await grade(replicaLossExercise, seed, numeric(f ** p.replicas))).passed, `seed ${seed}`).toBe(true);
      expect((await grade(replicaLossExercise, seed, numeric(exact))).passed, `seed ${seed}`).toBe(true);
      for (const m of replicaLossExercise.kind === 'numeric' ? replicaLossExercise.mistakes?.(p as never) ?? [] : []) {
        expect((await grade(replicaLossExercise, seed, numeric(m.value))).passed, `seed ${seed}: ${m.feedback}`).toBe(false);
      }
    }
    expect(drawn.has('50/2')).toBe(false); // f / R = f^R there
    expect(drawn.size).toBe(17);
  });

  it('which scheme: each option judged by removing a node from named nodes and counting the keys that move', () => {
    const nodes = ['alder', 'birch', 'cedar', 'hazel', 'larch', 'maple', 'rowan', 'willow'];
    const gone = 'hazel';
    const rest = nodes.filter((n) => n !== gone);
    const keys = Array.from({ length: 4000 }, (_, i) => `user:${i}`);
    const ringBefore = new HashRing(nodes, { vnodes: 100 });
    const ringAfter = new HashRing(rest, { vnodes: 100 });
    const [maglevBefore, maglevAfter] = [maglevTable(nodes, 4099), maglevTable(rest, 4099)];
    const schemes: Record<string, (key: string, members: string[]) => string> = {
      modulo: (key, members) => moduloPlacement(key, members),
      ring: (key, members) => (members.length === nodes.length ? ringBefore : ringAfter).lookup(key),
      rendezvous: (key, members) => rendezvous(key, members),
      jump: (key, members) => members[jumpHashString(key, members.length)] as string,
      maglev: (key, members) => maglevLookup(members.length === nodes.length ? maglevBefore : maglevAfter, key),
    };
    const minimal: string[] = [];
    for (const [id, place] of Object.entries(schemes)) {
      // Keys that move although the removed node did not hold them: zero for a minimal-disruption scheme, a few
      // percent for Maglev's table, most keys for numbering schemes.
      const needless = keys.filter((key) => place(key, nodes) !== gone && place(key, nodes) !== place(key, rest)).length;
      if (needless / keys.length < 0.05) minimal.push(id);
    }
    const correct = whichScheme.kind === 'choice' ? whichScheme.correct({} as never) : [];
    expect([...correct].sort()).toEqual(minimal.sort());
  });
});

describeCodeReferences([[jumpHashExercise, 200], [chordFindSuccessor, 300], [kademliaKClosest, 400]]);

describe('code exercises: typical mistakes fail in every variant, not only the default', () => {
  const wrong: [Exercise, string, [string, string][]][] = [
    [jumpHashExercise, '32-bit generator', [['(1n << 64n) - 1n', '(1n << 32n) - 1n']]],
    [jumpHashExercise, 'loop bound off by one', [['while (j < buckets)', 'while (j <= buckets)']]],
    [chordFindSuccessor, 'closed interval for the preceding finger', [
      ['if (between(f, n, key, false, m)) return f;', 'if (between(f, n, key, true, m)) return f;'],
      ['while (!between(key, n, fingers[n][0], true, m)) {', 'for (let hop = 0; hop < 4 * m && !between(key, n, fingers[n][0], true, m); hop++) {'],
    ]],
    [chordFindSuccessor, 'testing the finger\'s start instead of the finger', [
      ['if (between(f, n, key, false, m)) return f;', 'if (between((n + 2 ** i) % 2 ** m, n, key, false, m)) return f;'],
      ['while (!between(key, n, fingers[n][0], true, m)) {', 'for (let hop = 0; hop < m && !between(key, n, fingers[n][0], true, m); hop++) {'],
    ]],
    [kademliaKClosest, 'numeric distance', [['((a ^ target) >>> 0) - ((b ^ target) >>> 0)', 'Math.abs(a - target) - Math.abs(b - target) || a - b']]],
    [kademliaKClosest, 'sorted by id', [['((a ^ target) >>> 0) - ((b ^ target) >>> 0)', 'a - b']]],
    [kademliaKClosest, 'no limit to k', [['.slice(0, k)', '']]],
  ];
  for (const [def, mistake, replace] of wrong) {
    it(`${def.id}: ${mistake}`, async () => {
      const source = edit(def, replace);
      for (const seed of enumerateSeeds(25)) {
        const result = await gradeText(def, seed, code(source));
        expect(result.passed, `seed ${seed}`).toBe(false);
        expect(result.text.length).toBeGreaterThan(40);
      }
    });
  }
});

describe('structured answers: the placeholder parses, and the reference written like it is accepted', () => {
  for (const def of [fingerTableExercise, xorBucket] as Exercise[]) {
    it(def.id, async () => {
      await expectReferenceWrittenLikePlaceholder(def, CONCEPT_SEEDS.slice(0, 200));
      if (def.kind !== 'structured') return;
      // The prompt's example has as many entries as the answer.
      const entries = (parsedPlaceholder(def) as unknown[]).length;
      const reference = parseStructured(def.format, def.reference(variantParams(def, 0) as never));
      expect(entries).toBe((reference as { value: unknown[] }).value.length);
    });
  }
});

describe('feedback is plain text (the page escapes it, so markdown would show as asterisks and backticks)', () => {
  it('numeric mistakes, choice explanations and structured checks on wrong answers, over 200 seeds', () => {
    const wrongValues: Record<string, unknown[]> = { [fingerTableExercise.id]: [[0, 1, 2, 3, 4, 5], [63, 63, 63, 63, 63, 63]], [xorBucket.id]: [[0, 0], [255, 7]] };
    for (const def of exerciseSet.exercises as Exercise[]) {
      for (const seed of enumerateSeeds(200)) {
        for (const text of feedbackTexts(def, variantParams(def, seed), wrongValues[def.id] ?? [])) {
          expect(text, `${def.id}, seed ${seed}`).not.toMatch(MARKDOWN_IN_FEEDBACK);
        }
      }
    }
  });
});
