/**
 * The exercises of "Partitioning and distributed hash tables": reading successors and finger tables off a toy
 * Chord ring (m = 6, 64 identifiers), XOR distance and k-buckets, how many keys move when a node joins, which
 * placement schemes tolerate arbitrary membership, and three code exercises held to the labs' own functions and
 * brute-force oracles: jump consistent hash, Chord's finger routing, and Kademlia's k closest contacts.
 *
 * Variants come from the seed: different rings, keys, ids, node counts; the code checks draw their inputs from it.
 */
import type { ExerciseSet } from '../catalog';
import { distinctMistakes } from '../exercises/grade';
import { defineExercise, type Check, type CheckVerdict } from '../exercises/types';
import type { Random } from '../sim/random';
import { bucketIndex, trueClosest, xorDistance } from './kademlia';
import { hash64 } from './hash';
import { jumpHash as jumpHashReference } from './jump';

// ——— A toy Chord ring ———

const TOY_BITS = 6;
const TOY_SIZE = 2 ** TOY_BITS;

/** `count` distinct ids in [0, size), ascending. */
function drawIds(rng: Random, count: number, size: number): number[] {
  const ids = new Set<number>();
  while (ids.size < count) ids.add(rng.int(0, size - 1));
  return [...ids].sort((a, b) => a - b);
}

/** The first id at or after `key` going clockwise on a circle of `size` ids (`ids` ascending). */
function successorOf(ids: readonly number[], key: number, size: number): number {
  const k = ((key % size) + size) % size;
  return ids.find((id) => id >= k) ?? (ids[0] as number);
}

function clockwise(a: number, b: number, size: number): number {
  return (((b - a) % size) + size) % size;
}

/** Finger i of node n = successor((n + 2^i) mod 2^m), i = 0..m−1 (Stoica et al. 2001, §4.3). */
function fingersOf(ids: readonly number[], n: number, bits: number): number[] {
  const size = 2 ** bits;
  return Array.from({ length: bits }, (_, i) => successorOf(ids, (n + 2 ** i) % size, size));
}

function ringText(ids: readonly number[]): string {
  return ids.join(', ');
}

export const ringSuccessor = defineExercise({
  id: 'dht/ring-successor',
  title: 'Who owns a key on the ring?',
  kind: 'numeric',
  tolerance: {},
  generate(rng) {
    const ids = drawIds(rng, rng.int(5, 8), TOY_SIZE);
    // A third of the variants put the key past the largest id, so that the answer wraps around to the smallest.
    const last = ids[ids.length - 1] as number;
    const key = rng.chance(1 / 3) && last < TOY_SIZE - 1 ? rng.int(last + 1, TOY_SIZE - 1) : rng.int(0, TOY_SIZE - 1);
    return { ids, key };
  },
  prompt: (p) => ({
    text: `A consistent-hashing ring has identifiers 0 to 63 (m = 6 bits). The nodes have ids ${ringText(p.ids)}. Which node stores key **${p.key}**? Give its id.`,
  }),
  answer: (p) => successorOf(p.ids, p.key, TOY_SIZE),
  mistakes(p) {
    const owner = successorOf(p.ids, p.key, TOY_SIZE);
    const before = [...p.ids].reverse().find((id) => id < p.key) ?? (p.ids[p.ids.length - 1] as number);
    const known = [
      p.ids.includes(p.key)
        ? { value: successorOf(p.ids, p.key + 1, TOY_SIZE), feedback: `Node ${p.key} has the key's own id, and a node owns every key up to and including its id: the successor is the first node at or after the key.` }
        : { value: p.key, feedback: `No node has id ${p.key}; the key is stored on the first node whose id is at or after ${p.key}, going clockwise.` },
      { value: before, feedback: `Node ${before} comes before the key. A key is stored on its successor, the first node at or after it clockwise${owner < p.key ? ', which here means wrapping past 63 to the smallest id' : ''}; the node before a key is its predecessor.` },
    ];
    if (owner < p.key && !p.ids.includes(0)) known.push({ value: 0, feedback: 'No node has id 0. Wrapping past 63 continues at 0 and goes on clockwise to the first node id.' });
    return distinctMistakes({}, owner, known);
  },
  hints: () => ['A key belongs to its successor: the first node whose id is equal to or follows the key, going clockwise.', 'Past 63 the circle continues at 0.'],
  solution(p) {
    const owner = successorOf(p.ids, p.key, TOY_SIZE);
    const wraps = owner < p.key;
    return {
      text: `successor(${p.key}) = **${owner}**. ${p.ids.includes(p.key) ? `A node has the key's own id, and a node owns the keys up to and including its id.` : wraps ? `No node id is ${p.key} or larger, so the search wraps past 63 to the smallest id.` : `${owner} is the smallest node id that is at least ${p.key}.`} Each node owns the arc between its predecessor (exclusive) and itself (inclusive), which is why a join or a leave moves only the keys of one arc.`,
    };
  },
});

export const fingerTableExercise = defineExercise({
  id: 'dht/finger-table',
  title: 'A Chord finger table',
  kind: 'structured',
  format: 'vector',
  placeholder: '[1, 1, 5, 9, 17, 33]',
  generate(rng) {
    const ids = drawIds(rng, rng.int(6, 8), TOY_SIZE);
    return { ids, node: rng.pick(ids) };
  },
  prompt: (p) => ({
    text: `A Chord ring has identifiers 0 to 63 (m = 6 bits) and nodes ${ringText(p.ids)}. Write the finger table of node **${p.node}**: the six entries finger[0] to finger[5], where finger[i] = successor((${p.node} + 2^i) mod 64). Write the node ids in order, like \`[1, 1, 5, 9, 17, 33]\`.`,
  }),
  reference: (p) => `[${fingersOf(p.ids, p.node, TOY_BITS).join(', ')}]`,
  check(p, value): Check[] {
    if (value.length !== TOY_BITS) {
      return [{ name: 'six entries', passed: false, feedback: `With m = 6 a finger table has 6 entries, finger[0] to finger[5]. Yours has ${value.length}.` }];
    }
    const expected = fingersOf(p.ids, p.node, TOY_BITS);
    return expected.map((want, i) => {
      const got = value[i] as number;
      const start = (p.node + 2 ** i) % TOY_SIZE;
      let feedback = '';
      if (got !== want) {
        if (got === start && !p.ids.includes(start)) feedback = `${got} is where finger[${i}]'s interval starts, (${p.node} + ${2 ** i}) mod 64, but no node has that id: the entry is the node that succeeds it.`;
        else if (!p.ids.includes(got)) feedback = `${got} is not one of the nodes; every finger is a node of the ring.`;
        else feedback = `finger[${i}] is the first node at or after (${p.node} + ${2 ** i}) mod 64 = ${start}, going clockwise (wrapping past 63 to 0).`;
      }
      return { name: `finger[${i}]`, passed: got === want, feedback };
    });
  },
  hints: (p) => [`Start with the targets: ${p.node} + 1, ${p.node} + 2, ${p.node} + 4, … ${p.node} + 32, each mod 64. Then replace each by its successor.`],
  solution(p) {
    const rows = fingersOf(p.ids, p.node, TOY_BITS).map((f, i) => `- finger[${i}] = successor((${p.node} + ${2 ** i}) mod 64 = ${(p.node + 2 ** i) % TOY_SIZE}) = **${f}**`);
    return {
      text: `\`[${fingersOf(p.ids, p.node, TOY_BITS).join(', ')}]\`\n\n${rows.join('\n')}\n\nThe targets double their distance from ${p.node}, so the fingers cover the circle at exponentially growing steps: a lookup can always halve its remaining distance, which is where Chord's O(log N) hops come from. Nearby fingers often repeat a node; that is normal.`,
    };
  },
});

// ——— Kademlia's XOR metric ———

function bits8(x: number): string {
  return x.toString(2).padStart(8, '0');
}

export const xorBucket = defineExercise({
  id: 'dht/xor-bucket',
  title: 'XOR distance and the k-bucket',
  kind: 'structured',
  format: 'vector',
  placeholder: '[37, 5]',
  generate(rng) {
    const a = rng.int(0, 255);
    let b = rng.int(0, 255);
    while (b === a) b = rng.int(0, 255);
    return { a, b };
  },
  prompt: (p) => ({
    text: `In a Kademlia network with 8-bit ids, node **${p.a}** (\`${bits8(p.a)}\` in binary) learns of node **${p.b}** (\`${bits8(p.b)}\`). What is the XOR distance between them, and in which of ${p.a}'s k-buckets does ${p.b} go? Bucket i holds the nodes at distance 2^i ≤ d < 2^(i+1), so buckets run from 0 to 7. Answer \`[distance, bucket]\`, like \`[37, 5]\`.`,
  }),
  reference: (p) => `[${xorDistance(p.a, p.b)}, ${bucketIndex(p.a, p.b)}]`,
  check(p, value): Check[] {
    if (value.length !== 2) return [{ name: 'two numbers', passed: false, feedback: `Answer two numbers, [distance, bucket]. Yours has ${value.length}.` }];
    const [d, bucket] = value as [number, number];
    const want = xorDistance(p.a, p.b);
    const wantBucket = bucketIndex(p.a, p.b);
    let dFeedback = '';
    if (d !== want) {
      dFeedback = d === Math.abs(p.a - p.b)
        ? `${d} is |${p.a} − ${p.b}|, the numeric difference. Kademlia's distance is the bitwise XOR: write both ids in binary and set a 1 wherever they differ.`
        : 'XOR the two ids bit by bit: the distance has a 1 exactly where the ids differ, read as a binary number.';
    }
    let bFeedback = '';
    if (bucket !== wantBucket) {
      bFeedback = bucket === 7 - wantBucket
        ? 'You counted the differing bit from the left. Bucket indices count bit positions from the right (bit 0 is the least significant), so bucket i holds distances from 2^i to 2^(i+1) − 1.'
        : 'The bucket is the position of the highest bit in which the ids differ (the highest 1 of the distance), counting from 0 at the right.';
    }
    return [
      { name: 'distance', passed: d === want, feedback: dFeedback },
      { name: 'bucket', passed: bucket === wantBucket, feedback: bFeedback },
    ];
  },
  hints: () => ['Line the two binary numbers up and mark the positions where they differ.', 'The bucket index is ⌊log2 d⌋.'],
  solution(p) {
    const d = xorDistance(p.a, p.b);
    const i = bucketIndex(p.a, p.b);
    return {
      text: `\`${bits8(p.a)}\` XOR \`${bits8(p.b)}\` = \`${bits8(d)}\` = **${d}**. Its highest 1 is bit ${i}, so 2^${i} ≤ ${d} < 2^${i + 1} and ${p.b} goes in bucket **${i}**: answer \`[${d}, ${i}]\`.\n\nThe ids agree on the ${7 - i} leading bit${7 - i === 1 ? '' : 's'} and differ at bit ${i}; bucket i covers the half of the remaining id space that differs there. Bucket 7 covers half of all ids, bucket 0 a single one, which is why a node knows many nodes close to it and few far away.`,
    };
  },
});

// ——— How much moves ———

export const movedFractionExercise = defineExercise({
  id: 'dht/moved-fraction',
  title: 'How many keys move when a node joins?',
  kind: 'numeric',
  tolerance: { relative: 0.01 },
  generate: (rng) => ({ scheme: rng.pick(['modulo', 'consistent'] as const), n: rng.int(3, 12) }),
  prompt: (p) => ({
    text: p.scheme === 'modulo'
      ? `Keys are placed on ${p.n} nodes by \`hash(key) mod ${p.n}\`. A node is added and placement becomes \`hash(key) mod ${p.n + 1}\`. With a uniform hash and many keys, what fraction of the keys move to a different node? Give a number between 0 and 1.`
      : `Keys are placed on ${p.n} nodes by consistent hashing (a ring with enough virtual nodes that every node owns an equal share). A node joins. With many keys, what fraction of the keys move to a different node? Give a number between 0 and 1.`,
  }),
  answer: (p) => (p.scheme === 'modulo' ? p.n / (p.n + 1) : 1 / (p.n + 1)),
  mistakes: (p) => p.scheme === 'modulo'
    ? [
        { value: 1 / (p.n + 1), feedback: 'That is the minimum, what consistent hashing moves. With modulo placement a key stays only when hash mod n and hash mod (n + 1) agree, which is rare.' },
        { value: 1 / p.n, feedback: 'Count the keys that stay instead: hash mod n and hash mod (n + 1) agree only for a small part of each cycle.' },
      ]
    : [
        { value: p.n / (p.n + 1), feedback: 'That is what mod-n placement moves. On a ring, only the keys the new node takes over move.' },
        { value: 1 / p.n, feedback: `Close, but after the join there are ${p.n + 1} nodes, and the newcomer's fair share is 1/${p.n + 1}.` },
      ],
  hints: (p) => p.scheme === 'modulo'
    ? [`A key stays only if hash mod ${p.n} equals hash mod ${p.n + 1}. Look at the hash values 0 to ${p.n * (p.n + 1) - 1}, one full cycle of both.`]
    : ['Only the keys the new node takes over move; everything else stays where it was. What share does the new node end up with?'],
  solution: (p) => ({
    text: p.scheme === 'modulo'
      ? `**${p.n}/${p.n + 1} ≈ ${(p.n / (p.n + 1)).toFixed(3)}**. Over one cycle of h = 0 … ${p.n * (p.n + 1) - 1}, h mod ${p.n} = h mod ${p.n + 1} only for h = 0 … ${p.n - 1} (after that the two counters drift apart and meet again only at the next cycle): ${p.n} values out of ${p.n * (p.n + 1)}, so 1/${p.n + 1} of the keys stay and the rest move. Adding capacity reshuffles almost everything, which is why modulo placement is a poor fit for a cluster that grows.`
      : `**1/${p.n + 1} ≈ ${(1 / (p.n + 1)).toFixed(3)}**. After the join the ${p.n + 1} nodes own equal shares, and the keys that move are exactly those the new node now owns: 1/${p.n + 1} of them, each taken from the node that held its arc. That is the minimum possible, since the new node must get its share from somewhere.`,
  }),
});

// ——— How much replication saves ———

const REPLICA_NODES = 1000;

/**
 * The exact chance that all `r` copies of a key are among `failed` of `n` nodes crashed at random (r distinct
 * nodes, drawn without replacement): C(failed, r) / C(n, r). For a large network it is close to f^r.
 */
function allCopiesLost(n: number, failed: number, r: number): number {
  let p = 1;
  for (let j = 0; j < r; j++) p *= (failed - j) / (n - j);
  return p;
}

// 7% admits the exact value for 1,000 nodes as well as f^R (they differ by up to 6% for f = 0.1, R = 4).
const REPLICA_TOLERANCE = 0.07;

/** The typical wrong ways to combine the R chances, each with what it computes instead. */
function replicaMistakes(p: { failedPercent: number; replicas: number }): { value: number; feedback: string }[] {
  const f = p.failedPercent / 100;
  const r = p.replicas;
  return [
    { value: f, feedback: `That is the loss with a single copy. A key is lost only when all ${r} of its copies are on crashed nodes.` },
    { value: 1 - (1 - f) ** r, feedback: `That is the chance that at least one copy crashed. A key survives as long as one copy is alive; it is lost only when every copy crashed.` },
    { value: f * r, feedback: `That adds the ${r} chances up. The copies must all fail together, so the chances multiply.` },
    { value: f / r, feedback: 'That divides by the number of copies. Each extra copy multiplies the chance of losing a key by f; it does not divide it.' },
  ];
}

export const replicaLossExercise = defineExercise({
  id: 'dht/replica-loss',
  title: 'How many keys survive a mass failure?',
  kind: 'numeric',
  tolerance: { relative: REPLICA_TOLERANCE },
  generate(rng) {
    // Redraw the rare variant where a typical mistake lands on the answer (f / R = f^R for f = 0.5, R = 2): a wrong
    // method must not pass. Every other seed keeps its first draw.
    for (;;) {
      const p = { failedPercent: rng.pick([10, 20, 25, 30, 40, 50]), replicas: rng.int(2, 4) };
      const answer = (p.failedPercent / 100) ** p.replicas;
      if (replicaMistakes(p).every((m) => Math.abs(m.value - answer) > REPLICA_TOLERANCE * Math.max(answer, m.value))) return p;
    }
  },
  prompt: (p) => ({
    text: `A DHT of ${REPLICA_NODES.toLocaleString('en')} nodes stores every key on its **${p.replicas}** consecutive successors: the owner and the next ${p.replicas - 1} node${p.replicas === 2 ? '' : 's'} clockwise. Suddenly **${p.failedPercent}%** of the nodes, chosen at random, crash together, before any copy can be re-made. About what fraction of the keys has lost every copy? Give a number between 0 and 1; three significant digits are plenty.`,
  }),
  answer: (p) => (p.failedPercent / 100) ** p.replicas,
  mistakes: (p) => replicaMistakes(p),
  hints: (p) => [`Pick one key. Its ${p.replicas} copies are on ${p.replicas} distinct nodes. What is the chance that the first copy's node crashed? And the second's, given the first?`],
  solution: (p) => {
    const f = p.failedPercent / 100;
    const lost = f ** p.replicas;
    return {
      text: `**${f}^${p.replicas} = ${Number(lost.toPrecision(3))}**. A key is lost only if every one of its ${p.replicas} copies sits on a crashed node. Each node crashed with probability ${f}; in a network of ${REPLICA_NODES.toLocaleString('en')} the ${p.replicas} nodes are nearly independent draws (exactly: ${Math.round(f * REPLICA_NODES)}/${REPLICA_NODES} × ${Math.round(f * REPLICA_NODES) - 1}/${REPLICA_NODES - 1} × … = ${Number(allCopiesLost(REPLICA_NODES, Math.round(f * REPLICA_NODES), p.replicas).toPrecision(3))}). With a single copy ${p.failedPercent}% of the keys would be gone; each further copy multiplies the loss by ${f}. That holds only if the copies are re-made before the next failures: the ring must re-replicate as it heals, and copies on consecutive nodes must not share a rack or a power supply, or their failures stop being independent.`,
    };
  },
});

const SCHEMES = ['modulo', 'ring', 'rendezvous', 'jump', 'maglev'] as const;

export const whichScheme = defineExercise<Record<string, never>>({
  id: 'dht/which-scheme',
  title: 'Which placement schemes handle arbitrary membership?',
  kind: 'choice',
  multiple: true,
  generate: () => ({}),
  prompt: () => ({
    text: 'A storage cluster names its nodes by host name, and any node may be decommissioned at any time. Which placement schemes let the nodes have arbitrary names **and** remove an arbitrary node while moving only (about) the keys that node held?',
  }),
  options: () => [
    { id: 'modulo', label: '`hash(key) mod n` over a list of the nodes' },
    { id: 'ring', label: 'Consistent hashing on a ring (with virtual nodes)' },
    { id: 'rendezvous', label: 'Rendezvous (highest random weight) hashing' },
    { id: 'jump', label: 'Jump consistent hash' },
    { id: 'maglev', label: 'Maglev hashing' },
  ],
  correct: () => ['ring', 'rendezvous', 'maglev'],
  explain: (_p, id) => ({
    modulo: 'Removing a node changes n, and almost every key changes node: (n − 1)/n of them.',
    ring: 'Nodes sit on the ring at the hashes of their names; removing one hands only its arcs to the next nodes clockwise.',
    rendezvous: 'Each key goes to the node with the highest hash(key, node); removing a node moves only the keys it won, each to its runner-up.',
    jump: 'Jump hash returns a bucket number in 0..n−1: names need a separate mapping, and only the last bucket can be removed without moving other keys.',
    maglev: 'The lookup table is built from each node\'s permutation of slots, derived from its name; removing a node moves its slots and only a small number of others.',
  } as Record<string, string>)[id] ?? '',
  solution: () => ({
    text: `Ring, rendezvous and Maglev. All three derive a node's position or preferences from its name, so any set of names works, and removing one node disturbs (nearly) only that node's keys. Maglev trades a little extra movement for an O(1) lookup table in which every node's share is equal to within one slot.\n\nJump hash is the odd one: it needs no memory and gives every bucket an equal expected share (equal on average, not exactly, as with rendezvous), but it maps keys to bucket *numbers* 0..n−1 and only supports adding or removing the *last* bucket (Lamping and Veach 2014); it suits numbered shards with replication, not arbitrary failures. Modulo moves most keys whenever n changes.`,
  }),
});

// ——— Code: jump consistent hash ———

type JumpFn = (key: bigint, buckets: number) => number;

const JUMP_STARTER = `export function jumpHash(key: bigint, buckets: number): number {
  // Follow the key's jumps: from bucket b, draw the next bucket count j at which it moves.
  return 0;
}
`;

const JUMP_REFERENCE = `const MASK = (1n << 64n) - 1n;

export function jumpHash(key: bigint, buckets: number): number {
  let state = key & MASK;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = (state * 2862933555777941757n + 1n) & MASK;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(state >> 33n) + 1)));
  }
  return b;
}
`;

/** Fixed inputs, including the port's shared test vector (256, 1024) → 520 and keys with high bits set. */
const JUMP_KNOWN: [bigint, number][] = [
  [0n, 1], [1n, 2], [256n, 1024], [42n, 10], [123456789n, 100], [2n ** 63n + 12345n, 1000], [18446744073709551615n, 50], [9876543210123n, 7],
];

/** A 64-bit key from two 32-bit draws. */
function drawKey(rng: Random): bigint {
  return (BigInt(rng.int(0, 2 ** 32 - 1)) << 32n) | BigInt(rng.int(0, 2 ** 32 - 1));
}

/** The fixed keys of the balance check: the same for every variant, so every variant's bucket count is known good. */
const BALANCE_KEYS = Array.from({ length: 20_000 }, (_, i) => hash64(`key-${i}`));

export const jumpHashExercise = defineExercise({
  id: 'dht/jump-hash',
  title: 'Jump consistent hash',
  kind: 'code',
  signature: 'jumpHash(key: bigint, buckets: number): number',
  exportName: 'jumpHash',
  generate: (rng) => ({
    keys: Array.from({ length: 200 }, () => drawKey(rng).toString()),
    buckets: Array.from({ length: 200 }, () => rng.int(1, 1000)),
    balanceBuckets: rng.int(2, 5),
  }),
  prompt: (p) => ({
    text: `Implement jump consistent hash (Lamping and Veach, 2014): \`jumpHash(key, buckets)\` returns a bucket in 0..buckets − 1 for a 64-bit key.\n\nThe paper's loop keeps a 64-bit linear congruential generator seeded by the key: \`key = key * 2862933555777941757 + 1\` (mod 2^64), and from bucket \`b\` the next bucket count at which the key jumps is \`j = floor((b + 1) * (2^31 / ((key >> 33) + 1)))\`. It stops when \`j\` reaches \`buckets\` and returns the last \`b\`. Use BigInt for the generator (and keep it to 64 bits); the division is a double division.\n\nChecks: your values match the paper's on fixed and random keys; results are in range; going from b to b + 1 buckets moves a key only into the new bucket b; and 20,000 keys spread over ${p.balanceBuckets} buckets within 3% of an equal share.`,
  }),
  starter: () => JUMP_STARTER,
  reference: () => JUMP_REFERENCE,
  hints: () => [
    'Start with b = −1 and j = 0; loop while j < buckets: set b = j, step the generator, compute the next j.',
    'BigInt multiplication does not wrap: mask with (1n << 64n) − 1n after each step. Masking to 32 bits gives different values.',
  ],
  async checks(p, fn: JumpFn, ctx) {
    const checks: Check[] = [];
    const call = (key: bigint, b: number) => `jumpHash(${key}n, ${b})`;
    checks.push(await ctx.check('known values', () => {
      for (const [key, b] of JUMP_KNOWN) {
        const got = fn(key, b);
        const want = jumpHashReference(key, b);
        if (got !== want) return { passed: false, feedback: `${call(key, b)} returned ${String(got)}, not ${want}. Check the generator: a 64-bit step (mask with 2^64 − 1), then (key >> 33) + 1.` };
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('in range', () => {
      for (let i = 0; i < p.keys.length; i++) {
        const key = BigInt(p.keys[i] as string);
        const b = p.buckets[i] as number;
        const got = fn(key, b);
        if (!Number.isInteger(got) || got < 0 || got >= b) return { passed: false, feedback: `${call(key, b)} returned ${String(got)}; with ${b} buckets the result must be an integer from 0 to ${b - 1}. Loop while j < buckets, not ≤.` };
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('matches on random keys', () => {
      for (let i = 0; i < p.keys.length; i++) {
        const key = BigInt(p.keys[i] as string);
        const b = p.buckets[i] as number;
        const got = fn(key, b);
        const want = jumpHashReference(key, b);
        if (got !== want) return { passed: false, feedback: `${call(key, b)} returned ${String(got)}, not ${want}.` };
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('monotone: a key moves only to the new bucket', () => {
      for (const text of p.keys.slice(0, 100)) {
        const key = BigInt(text);
        let before = fn(key, 1);
        for (let b = 1; b < 60; b++) {
          const after = fn(key, b + 1);
          if (after !== before && after !== b) {
            return { passed: false, feedback: `Going from ${b} to ${b + 1} buckets, key ${key}n moved from bucket ${String(before)} to ${String(after)}. Adding bucket ${b} may only move keys into bucket ${b}; every other key must stay put.` };
          }
          before = after;
        }
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('balance', () => {
      const b = p.balanceBuckets;
      const counts = new Array<number>(b).fill(0);
      for (const key of BALANCE_KEYS) {
        const got = fn(key, b);
        if (Number.isInteger(got) && got >= 0 && got < b) counts[got] = (counts[got] as number) + 1;
      }
      const share = BALANCE_KEYS.length / b;
      const worst = counts.reduce((w, c, i) => (Math.abs(c - share) > Math.abs((counts[w] as number) - share) ? i : w), 0);
      const off = Math.abs((counts[worst] as number) - share) / share;
      return { passed: off <= 0.03, feedback: off <= 0.03 ? '' : `Over ${BALANCE_KEYS.length} keys and ${b} buckets, bucket ${worst} got ${counts[worst]} keys, ${(off * 100).toFixed(1)}% away from an equal share of ${share.toFixed(0)}.` };
    }));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${JUMP_REFERENCE}\`\`\`\n\nGoing from b to b + 1 buckets a key must jump to the new bucket with probability 1/(b + 1). Rather than test every bucket count, the loop draws the next count at which the key jumps directly: if the key last jumped to b, the chance it has not jumped again by count j is (b + 1)/j, so j = ⌊(b + 1)/r⌋ for a uniform r in (0, 1], which is what 2^31 / ((key >> 33) + 1) computes. The expected number of jumps is O(ln buckets), and there is no table at all. The generator must be 64-bit, exactly the paper's, or the values differ from every other implementation.`,
  }),
});

// ——— Code: Chord routing ———

type FindSuccessor = (ring: number[], fingers: Record<number, number[]>, start: number, key: number, m: number) => number[];

const CHORD_BITS_EX = 16;

const CHORD_STARTER = `/** Ids are on a circle of 2^m; is x in the clockwise interval (a, b], or (a, b) when inclusiveEnd is false? */
function between(x: number, a: number, b: number, inclusiveEnd: boolean, m: number): boolean {
  const size = 2 ** m;
  const d = (x - a + size) % size;
  const e = (b - a + size) % size || size;
  return d > 0 && (inclusiveEnd ? d <= e : d < e);
}

export function findSuccessor(ring: number[], fingers: Record<number, number[]>, start: number, key: number, m: number): number[] {
  // fingers[n][i] = successor(n + 2^i), so fingers[n][0] is n's successor.
  const path = [start];
  return path;
}
`;

const CHORD_REFERENCE = `function between(x: number, a: number, b: number, inclusiveEnd: boolean, m: number): boolean {
  const size = 2 ** m;
  const d = (x - a + size) % size;
  const e = (b - a + size) % size || size;
  return d > 0 && (inclusiveEnd ? d <= e : d < e);
}

function closestPrecedingFinger(fingers: Record<number, number[]>, n: number, key: number, m: number): number {
  for (let i = m - 1; i >= 0; i--) {
    const f = fingers[n][i];
    if (between(f, n, key, false, m)) return f;
  }
  return n;
}

export function findSuccessor(ring: number[], fingers: Record<number, number[]>, start: number, key: number, m: number): number[] {
  const path = [start];
  let n = start;
  while (!between(key, n, fingers[n][0], true, m)) {
    const next = closestPrecedingFinger(fingers, n, key, m);
    if (next === n) break;
    n = next;
    path.push(n);
  }
  path.push(fingers[n][0]);
  return path;
}
`;

interface ChordCase {
  ring: number[];
  queries: { start: number; key: number }[];
}

function chordCase(rng: Random, nodes: number): ChordCase {
  const size = 2 ** CHORD_BITS_EX;
  const ring = drawIds(rng, nodes, size);
  const queries = Array.from({ length: 120 }, (_, i) => ({
    start: rng.pick(ring),
    // One query in four asks for a node's own id, where the half-open interval (n, successor] matters.
    key: i % 4 === 0 ? rng.pick(ring) : rng.int(0, size - 1),
  }));
  return { ring, queries };
}

export const chordFindSuccessor = defineExercise({
  id: 'dht/chord-find-successor',
  title: 'Chord lookups by finger routing',
  kind: 'code',
  signature: 'findSuccessor(ring: number[], fingers: Record<number, number[]>, start: number, key: number, m: number): number[]',
  exportName: 'findSuccessor',
  generate: (rng) => ({ cases: [chordCase(rng, rng.int(64, 96)), chordCase(rng, rng.int(128, 256))] }),
  prompt: (p) => ({
    text: `Implement Chord's lookup (Stoica et al. 2001, Figure 4) on a stable ring with identifiers 0 to 2^m − 1. \`ring\` lists the node ids in ascending order; \`fingers[n][i]\` is node n's finger i, successor((n + 2^i) mod 2^m), for i = 0..m − 1, so \`fingers[n][0]\` is n's successor. Starting at node \`start\`, return the **path**: the ids of the nodes the lookup visits, \`start\` first, ending with the key's successor.\n\nFrom node n: if the key is in (n, successor(n)], the answer is successor(n). Otherwise move to n's closest preceding finger: the highest finger that lies strictly between n and the key. You may use \`ring\` only to read; do not search it for the answer.\n\nChecks, on rings of ${p.cases.map((c) => c.ring.length).join(' and ')} nodes with m = ${CHORD_BITS_EX}: the path ends at the true successor; every hop moves clockwise toward the key without passing it; a lookup takes at most m hops and on average at most log2 N + 1.`,
  }),
  starter: () => CHORD_STARTER,
  reference: () => CHORD_REFERENCE,
  hints: () => [
    'Intervals wrap: compare clockwise distances, (x − a + 2^m) mod 2^m, rather than the ids themselves.',
    'The closest preceding finger must lie in the open interval (n, key): a finger equal to the key, or past it, overshoots.',
  ],
  async checks(p, fn: FindSuccessor, ctx) {
    const size = 2 ** CHORD_BITS_EX;
    const checks: Check[] = [];
    const tables = p.cases.map((c) => {
      const fingers: Record<number, number[]> = {};
      for (const n of c.ring) fingers[n] = fingersOf(c.ring, n, CHORD_BITS_EX);
      return fingers;
    });
    const describe = (c: ChordCase, q: { start: number; key: number }) => `On the ${c.ring.length}-node ring, the lookup of key ${q.key} from node ${q.start}`;
    /** Every lookup's path, or a verdict on the first lookup that did not return a non-empty array. */
    const run = (): { paths: number[][][] } | { bad: CheckVerdict } => {
      const paths: number[][][] = [];
      for (const [ci, c] of p.cases.entries()) {
        const found: number[][] = [];
        for (const q of c.queries) {
          const path = fn([...c.ring], tables[ci] as Record<number, number[]>, q.start, q.key, CHORD_BITS_EX);
          if (!Array.isArray(path) || path.length === 0) return { bad: { passed: false, feedback: `${describe(c, q)} returned ${JSON.stringify(path)}; return the path as a non-empty array of node ids.` } };
          found.push(path);
        }
        paths.push(found);
      }
      return { paths };
    };
    checks.push(await ctx.check('ends at the successor', () => {
      const result = run();
      if ('bad' in result) return result.bad;
      for (const [ci, c] of p.cases.entries()) {
        for (const [qi, q] of c.queries.entries()) {
          const path = result.paths[ci]?.[qi] as number[];
          const want = successorOf(c.ring, q.key, size);
          const got = path[path.length - 1];
          if (got !== want) return { passed: false, feedback: `${describe(c, q)} ended at ${String(got)} (path ${path.join(' → ')}), but the key's successor, the first node at or after ${q.key} clockwise, is ${want}.` };
        }
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('hops move clockwise without passing the key', (): CheckVerdict => {
      const result = run();
      if ('bad' in result) return result.bad;
      for (const [ci, c] of p.cases.entries()) {
        for (const [qi, q] of c.queries.entries()) {
          const path = result.paths[ci]?.[qi] as number[];
          if (path[0] !== q.start) return { passed: false, feedback: `${describe(c, q)} returned a path starting at ${path[0]}; start it with the node the lookup starts at.` };
          const span = clockwise(q.start, q.key, size) || size;
          let travelled = 0;
          for (let i = 1; i < path.length - 1; i++) {
            const step = clockwise(path[i - 1] as number, path[i] as number, size);
            travelled += step;
            if (step === 0 || travelled >= span) {
              return { passed: false, feedback: `${describe(c, q)} went ${path.join(' → ')}: the hop to ${path[i]} ${step === 0 ? 'does not move' : travelled === span ? 'lands on the key itself, which only its successor may do; the closest preceding finger lies strictly before the key' : 'passes the key'}. Every intermediate hop must land in the open interval (current node, key).` };
            }
          }
        }
      }
      return { passed: true, feedback: '' };
    }));
    checks.push(await ctx.check('O(log N) hops', () => {
      const result = run();
      if ('bad' in result) return result.bad;
      for (const [ci, c] of p.cases.entries()) {
        const hops = (result.paths[ci] ?? []).map((path) => path.length - 1);
        const worst = Math.max(...hops);
        const mean = hops.reduce((s, h) => s + h, 0) / hops.length;
        const bound = Math.log2(c.ring.length) + 1;
        if (worst > CHORD_BITS_EX) return { passed: false, feedback: `On the ${c.ring.length}-node ring a lookup took ${worst} hops, more than m = ${CHORD_BITS_EX}. Following successors one by one is correct but linear; jump to the closest preceding finger instead.` };
        if (mean > bound) return { passed: false, feedback: `On the ${c.ring.length}-node ring lookups took ${mean.toFixed(1)} hops on average, more than log2 N + 1 = ${bound.toFixed(1)}. Take the highest finger that still precedes the key, not the lowest.` };
      }
      return { passed: true, feedback: '' };
    }));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${CHORD_REFERENCE}\`\`\`\n\nThe loop is Figure 4's find_predecessor: stop at the node whose successor interval (n, successor] contains the key, and answer its successor. Each closest-preceding-finger hop lands strictly before the key (so it never overshoots) and, because finger i spans 2^i ids, at least halves the remaining distance: O(log N) hops with high probability, about ½ log2 N on average. The interval is half-open on purpose: a key equal to a node's id belongs to that node, so the node itself must not be taken as a preceding finger.`,
  }),
});

// ——— Code: Kademlia's k closest ———

type KClosest = (contacts: { id: number }[], target: number, k: number) => number[];

const KAD_STARTER = `export function kClosest(contacts: { id: number }[], target: number, k: number): number[] {
  // The ids of the k contacts closest to target by XOR distance, closest first.
  return contacts.map((c) => c.id);
}
`;

const KAD_REFERENCE = `export function kClosest(contacts: { id: number }[], target: number, k: number): number[] {
  return contacts
    .map((c) => c.id)
    .sort((a, b) => ((a ^ target) >>> 0) - ((b ^ target) >>> 0))
    .slice(0, k);
}
`;

interface KadCase {
  ids: number[];
  target: number;
  k: number;
  why: string;
}

function kadCase(rng: Random, count: number, k: number, why: string, includeTarget = false): KadCase {
  const ids = drawIds(rng, count, 2 ** 16);
  const target = includeTarget ? rng.pick(ids) : rng.int(0, 2 ** 16 - 1);
  return { ids: rng.shuffle(ids), target, k, why };
}

export const kademliaKClosest = defineExercise({
  id: 'dht/kademlia-k-closest',
  title: 'Kademlia: the k closest contacts',
  kind: 'code',
  signature: 'kClosest(contacts: { id: number }[], target: number, k: number): number[]',
  exportName: 'kClosest',
  generate: (rng) => ({
    cases: [
      kadCase(rng, 8, 3, 'a few contacts'),
      kadCase(rng, 12, 5, 'a dozen contacts'),
      kadCase(rng, 40, 20, 'k = 20, as in the paper'),
      kadCase(rng, 10, 4, 'the target is one of the contacts', true),
      kadCase(rng, rng.int(3, 6), 8, 'fewer contacts than k'),
      kadCase(rng, 30, 8, 'thirty contacts'),
    ],
  }),
  prompt: () => ({
    text: 'Implement the core of a Kademlia FIND_NODE answer (Maymounkov and Mazières, 2002): given the contacts a node knows, return the ids of the `k` contacts closest to `target` by XOR distance, d(a, b) = a XOR b, **closest first**. If there are fewer than k contacts, return them all. Do not change the array you are given. Ids are 16-bit numbers; the checks compare your answer with sorting every contact by XOR distance.',
  }),
  starter: () => KAD_STARTER,
  reference: () => KAD_REFERENCE,
  hints: () => [
    'In JavaScript, a ^ b is the bitwise XOR of two numbers.',
    'Sort by the distance to the target, not by the ids, then keep the first k.',
  ],
  async checks(p, fn: KClosest, ctx) {
    const checks: Check[] = [];
    for (const c of p.cases) {
      checks.push(await ctx.check(c.why, () => {
        const contacts = c.ids.map((id) => ({ id }));
        const got = fn(contacts, c.target, c.k);
        const want = trueClosest(c.ids, c.target, c.k);
        const call = c.ids.length <= 12 ? `kClosest([${c.ids.join(', ')}] as ids, target ${c.target}, k ${c.k})` : `kClosest on ${c.ids.length} contacts, target ${c.target}, k ${c.k}`;
        if (JSON.stringify(contacts.map((x) => x.id)) !== JSON.stringify(c.ids)) return { passed: false, feedback: `${call} changed the contacts array; sort a copy.` };
        if (JSON.stringify(got) === JSON.stringify(want)) return { passed: true, feedback: '' };
        const shown = `${call} returned ${JSON.stringify(got)}`;
        if (!Array.isArray(got)) return { passed: false, feedback: `${shown}; return an array of ids.` };
        if (got.length > c.k) return { passed: false, feedback: `${shown}: ${got.length} ids, but at most k = ${c.k}. Keep only the k closest.` };
        if (got.length < want.length) return { passed: false, feedback: `${shown}: ${got.length} ids, but there ${want.length === 1 ? 'is' : 'are'} ${want.length} to return.` };
        const numeric = c.ids.slice().sort((a, b) => Math.abs(a - c.target) - Math.abs(b - c.target) || a - b).slice(0, c.k);
        if (JSON.stringify(got) === JSON.stringify(numeric)) return { passed: false, feedback: `${shown}: those are the closest by numeric difference |a − target|. Kademlia measures distance by XOR, which ranks ids by the longest common prefix of bits with the target.` };
        if (JSON.stringify(got) === JSON.stringify(got.slice().sort((a, b) => a - b)) && got.length > 1) return { passed: false, feedback: `${shown}, sorted by id. The list must be sorted by XOR distance to ${c.target}, closest first.` };
        const first = got.findIndex((id, i) => id !== want[i]);
        const wrong = got[first] as number;
        return { passed: false, feedback: `${shown}. Position ${first + 1} holds ${wrong}, at XOR distance ${xorDistance(wrong, c.target)} from ${c.target}, but a contact at distance ${xorDistance(want[first] as number, c.target)} belongs there.` };
      }));
    }
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${KAD_REFERENCE}\`\`\`\n\n\`>>> 0\` keeps the distance unsigned (for 32-bit ids, XOR can set the sign bit). XOR distance is a metric in which distances from one point to distinct ids are distinct, so there are no ties to break. Real nodes keep O(k log n) contacts and k is small (20), so a sort is fine; the lab's version keeps a sorted list of the best k in one pass.`,
  }),
});

export const exerciseSet: ExerciseSet = {
  chapter: 'scale/partitioning',
  exercises: [
    ringSuccessor,
    fingerTableExercise,
    xorBucket,
    movedFractionExercise,
    replicaLossExercise,
    whichScheme,
    jumpHashExercise,
    chordFindSuccessor,
    kademliaKClosest,
  ],
};
