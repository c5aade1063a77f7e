/**
 * The hash function behind every placement scheme in this chapter: FNV-1a 64 with MurmurHash3's 64-bit finaliser.
 *
 * `hash64(text, seed)` is, exactly:
 * 1. encode `text` as UTF-8 (a lone surrogate becomes U+FFFD, as the Encoding Standard's `TextEncoder` does);
 * 2. run FNV-1a 64 over those bytes (Fowler, Noll, Vo; IETF draft-eastlake-fnv): start from the offset basis
 *    0xcbf29ce484222325 XOR `fmix64(seed)`, and for each byte XOR it in, then multiply by the FNV prime
 *    0x100000001b3 modulo 2^64. `fmix64(0) = 0`, so seed 0 is plain, published FNV-1a 64;
 * 3. apply `fmix64` (Austin Appleby, MurmurHash3): x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33;
 *    x *= 0xc4ceb9fe1a85ec53; x ^= x >> 33, all modulo 2^64.
 *
 * Why the finaliser: FNV-1a alone avalanches poorly towards the high bits. Keys that differ only in their last
 * byte ("key1", "key2") differ after one multiplication by a prime whose set bits are 0..8 and 40, so their top
 * bits are strongly correlated. The ring takes the top 32 bits and jump hash takes `key >> 33`, so both would see
 * clustered keys; fmix64 makes every output bit depend on every input bit.
 *
 * The result is the same in every JavaScript engine: both multiplications run on four 16-bit limbs in plain
 * doubles (every intermediate is below 2^36, so exact); `fmix64`, the BigInt form of the finaliser, is kept as
 * the reference the tests compare with. Not cryptographic: anyone can choose keys that collide.
 */

const MASK_64 = (1n << 64n) - 1n;
const TWO_POW_53 = 9007199254740992;

/** MurmurHash3's fmix64, the avalanche step: a bijection on 64-bit words with fmix64(0) = 0. */
export function fmix64(x: bigint): bigint {
  let k = x & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK_64;
  k ^= k >> 33n;
  return k;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 4294967296) {
    throw new Error(`hash seed must be an integer in [0, 2^32) (got ${seed})`);
  }
}

/** The starting FNV state for a seed, as four 16-bit limbs (least significant first); the last one is cached. */
let cachedSeed = -1;
let cachedBasis: [number, number, number, number] = [0, 0, 0, 0];
function offsetBasis(seed: number): [number, number, number, number] {
  if (seed !== cachedSeed) {
    const basis = 0xcbf29ce484222325n ^ fmix64(BigInt(seed));
    cachedBasis = [Number(basis & 0xffffn), Number((basis >> 16n) & 0xffffn), Number((basis >> 32n) & 0xffffn), Number(basis >> 48n)];
    cachedSeed = seed;
  }
  return cachedBasis;
}

type Limbs = [number, number, number, number];

/** The UTF-8 bytes of `text`, with lone surrogates as U+FFFD (`TextEncoder`'s rule), for the rare non-ASCII text. */
const utf8 = new TextEncoder();

/**
 * The hash being computed, as four 16-bit limbs (least significant first). The hot paths (`hash32`,
 * `hash64Parts`, millions of calls per figure) work on these four numbers in place instead of passing arrays
 * between the steps, so a hash allocates nothing; the arithmetic is the same, step for step.
 */
let l0 = 0;
let l1 = 0;
let l2 = 0;
let l3 = 0;

/**
 * FNV-1a 64 over the UTF-8 bytes of `text` from the seeded offset basis, into the limbs. h × 0x100000001b3 =
 * h × 435 + (h << 40), and h << 40 adds limb 0 at bit 8 of limb 2 and limb 1 at bit 8 of limb 3, so one step is a
 * few small multiplications and carries. ASCII text is read directly; anything else goes through `TextEncoder`.
 */
function fnvIntoLimbs(text: string, seed: number): void {
  checkSeed(seed);
  const basis = offsetBasis(seed);
  let h0 = basis[0];
  let h1 = basis[1];
  let h2 = basis[2];
  let h3 = basis[3];
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  const bytes = ascii ? null : utf8.encode(text);
  const length = bytes === null ? text.length : bytes.length;
  for (let i = 0; i < length; i++) {
    h0 ^= bytes === null ? text.charCodeAt(i) : (bytes[i] as number);
    const t0 = h0 * 435;
    let t1 = h1 * 435;
    let t2 = h2 * 435 + (h0 << 8);
    const t3 = h3 * 435 + (h1 << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = (t3 + (t2 >>> 16)) & 0xffff;
  }
  l0 = h0;
  l1 = h1;
  l2 = h2;
  l3 = h3;
}

/** FNV-1a 64 of `text` as four 16-bit limbs (see `fnvIntoLimbs`). */
function fnvLimbs(text: string, seed: number): Limbs {
  fnvIntoLimbs(text, seed);
  return [l0, l1, l2, l3];
}

const TWO_POW_16 = 65536;

/** limbs × c modulo 2^64 on 16-bit limbs: every partial sum stays below 2^36, so doubles hold it exactly. */
function mulLimbsInPlace(c0: number, c1: number, c2: number, c3: number): void {
  let p0 = l0 * c0;
  let p1 = l0 * c1 + l1 * c0;
  let p2 = l0 * c2 + l1 * c1 + l2 * c0;
  let p3 = l0 * c3 + l1 * c2 + l2 * c1 + l3 * c0;
  let carry = Math.floor(p0 / TWO_POW_16);
  p0 -= carry * TWO_POW_16;
  p1 += carry;
  carry = Math.floor(p1 / TWO_POW_16);
  p1 -= carry * TWO_POW_16;
  p2 += carry;
  carry = Math.floor(p2 / TWO_POW_16);
  p2 -= carry * TWO_POW_16;
  p3 += carry;
  l0 = p0;
  l1 = p1;
  l2 = p2;
  l3 = p3 % TWO_POW_16;
}

/** limbs ^= limbs >> 33: the shifted word is limbs 2 and 3 moved down by 32 bits and one more bit. */
function xorShift33InPlace(): void {
  l0 ^= ((l2 >>> 1) | (l3 << 15)) & 0xffff;
  l1 ^= l3 >>> 1;
}

/** `fmix64` on the limbs, the same function as the BigInt one (the tests hold them equal), without BigInt. */
function fmixInPlace(): void {
  xorShift33InPlace();
  mulLimbsInPlace(0x8ccd, 0xed55, 0xafd7, 0xff51); // 0xff51afd7ed558ccd
  xorShift33InPlace();
  mulLimbsInPlace(0xec53, 0x1a85, 0xb9fe, 0xc4ce); // 0xc4ceb9fe1a85ec53
  xorShift33InPlace();
}

/** `fmix64` of four 16-bit limbs. */
function fmixLimbs(x: Limbs): Limbs {
  [l0, l1, l2, l3] = x;
  fmixInPlace();
  return [l0, l1, l2, l3];
}

const toBigInt = ([h0, h1, h2, h3]: Limbs): bigint => (BigInt(h3 * TWO_POW_16 + h2) << 32n) | BigInt(h1 * TWO_POW_16 + h0);

/**
 * FNV-1a 64 of the UTF-8 bytes of `text`, starting from the offset basis XOR fmix64(seed); no finaliser. With
 * seed 0 this is the published FNV-1a 64 (e.g. "a" → 0xaf63dc4c8601ec8c). Exported so tests can check it
 * against the published vectors and a plain BigInt loop.
 */
export function fnv1a64(text: string, seed = 0): bigint {
  return toBigInt(fnvLimbs(text, seed));
}

/**
 * A 64-bit hash of `text`, in [0, 2^64): fmix64(FNV-1a 64 with the seeded offset basis). Different seeds give
 * independent-looking functions of the same text (Maglev's h1 and h2, a ring's re-seeding). `seed` is an integer
 * in [0, 2^32), default 0; anything else throws.
 */
export function hash64(text: string, seed = 0): bigint {
  return toBigInt(fmixLimbs(fnvLimbs(text, seed)));
}

/**
 * `hash64(text, seed)` as two unsigned 32-bit numbers, `hi * 2^32 + lo`, for the hot paths that compare or slice
 * hashes millions of times (rendezvous weights, ring positions) and need no BigInt for it.
 */
export function hash64Parts(text: string, seed = 0): { hi: number; lo: number } {
  fnvIntoLimbs(text, seed);
  fmixInPlace();
  return { hi: l3 * TWO_POW_16 + l2, lo: l1 * TWO_POW_16 + l0 };
}

/** An unsigned 32-bit hash of `text`: the top 32 bits of `hash64(text, seed)`. */
export function hash32(text: string, seed = 0): number {
  fnvIntoLimbs(text, seed);
  fmixInPlace();
  return l3 * TWO_POW_16 + l2;
}

/**
 * Maps a 64-bit hash to a number in [0, 1): its top 53 bits over 2^53, so every result is an exact double and
 * 1 is never reached. Bits above 64 are dropped first (the argument is read modulo 2^64).
 */
export function unitInterval(h: bigint): number {
  return Number((h & MASK_64) >> 11n) / TWO_POW_53;
}
