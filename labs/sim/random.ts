/**
 * Seeded randomness for the simulator: the only source of chance in a run.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128 bits of state, period at least
 * 2^32), seeded through splitmix32. It uses only 32-bit integer arithmetic, so every JavaScript engine produces the
 * same sequence. `fork(label)` derives a child stream from the parent's seed and a label without drawing from the
 * parent, so adding a component (a node, a link, a fault injector) never shifts the numbers any other one sees.
 */

const TWO_POW_32 = 4294967296;

/**
 * Hashes any list of strings and numbers to a 32-bit unsigned seed (cyrb53, low 32 bits).
 *
 * Parts are joined as text with a unit separator, so `hashSeed('ab', 'c')` differs from `hashSeed('a', 'bc')`,
 * and a number hashes like its decimal text (`hashSeed(7)` equals `hashSeed('7')`). Use it to derive a seed from
 * several ids, e.g. `hashSeed(assignmentId, learnerId, exerciseId)`. The values are stable forever: tests pin them.
 */
export function hashSeed(...parts: (string | number)[]): number {
  const text = parts.map(String).join('\u001f');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return h1 >>> 0;
}

/**
 * Turns a user-facing seed into the 32-bit seed a run actually uses.
 *
 * An integer in [0, 2^32) is used as is, and so is a string of decimal digits naming one (a seed read back from a
 * URL replays the same run as the number it came from). Any other string or finite number is hashed with
 * `hashSeed`. Throws on NaN, infinities and other types, which are always a mistake.
 */
export function resolveSeed(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number or a string (got ${seed})`);
    return Number.isInteger(seed) && seed >= 0 && seed < TWO_POW_32 ? seed : hashSeed(seed);
  }
  if (typeof seed === 'string') {
    if (/^\d{1,10}$/.test(seed) && Number(seed) < TWO_POW_32) return Number(seed);
    return hashSeed(seed);
  }
  throw new Error(`seed must be a number or a string (got ${typeof seed})`);
}

/** One splitmix32 output for `state`; used to spread a 32-bit seed over sfc32's four words. */
function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A deterministic pseudo-random stream.
 *
 * Same seed, same calls, same numbers, in every engine. Not cryptographic. Every method draws a fixed number of
 * values (one each, two for `normal`, n-1 for `shuffle`), so the stream position depends only on the calls made.
 */
export class Random {
  /** The resolved 32-bit seed this stream started from; `new Random(r.seed)` replays it. */
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    this.seed = resolveSeed(seed);
    const golden = 0x9e3779b9;
    this.a = splitmix32(this.seed + golden);
    this.b = splitmix32(this.seed + 2 * golden);
    this.c = splitmix32(this.seed + 3 * golden);
    this.d = splitmix32(this.seed + 4 * golden);
    // sfc32's first outputs are correlated with the seed; discarding a few is the author's recommendation.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [minInclusive, maxInclusive]; both must be integers with min <= max. */
  int(minInclusive: number, maxInclusive: number): number {
    if (!Number.isInteger(minInclusive) || !Number.isInteger(maxInclusive) || maxInclusive < minInclusive) {
      throw new Error(`Random.int needs integers min <= max (got ${minInclusive}, ${maxInclusive})`);
    }
    // The bias of scaling a 32-bit draw is below 2^-20 for ranges under 4096 values, far below what a lab can see.
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  /** True with probability p (always draws, so the stream position does not depend on p). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element; throws on an empty list. */
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Random.pick needs a non-empty list');
    return xs[this.int(0, xs.length - 1)] as T;
  }

  /** A uniformly shuffled copy (Fisher-Yates); the input is left as it was. */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Standard normal (mean 0, standard deviation 1) by Box-Muller; draws two values, keeps one. */
  normal(): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential with the given mean (inverse transform); mean must be >= 0. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /**
   * An independent child stream named by `label`, derived from this stream's seed only.
   *
   * Does not draw from (or otherwise change) this stream; the same label always gives the same child, and forks
   * nest (`r.fork('node:a').fork('timers')`). Use distinct labels for distinct components.
   */
  fork(label: string): Random {
    return new Random(hashSeed(this.seed, label));
  }
}
