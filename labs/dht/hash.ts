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
 * The result is the same in every JavaScript engine: FNV's multiplication runs on four 16-bit limbs in plain
 * doubles (every intermediate is below 2^26, so exact), and fmix64 uses BigInt masked to 64 bits. Not
 * cryptographic: anyone can choose keys that collide.
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

/**
 * FNV-1a 64 of the UTF-8 bytes of `text`, starting from the offset basis XOR fmix64(seed); no finaliser. With
 * seed 0 this is the published FNV-1a 64 (e.g. "a" → 0xaf63dc4c8601ec8c). Exported so tests can check it
 * against the published vectors and a plain BigInt loop.
 */
export function fnv1a64(text: string, seed = 0): bigint {
  checkSeed(seed);
  let [h0, h1, h2, h3] = offsetBasis(seed);
  // h × 0x100000001b3 = h × 435 + (h << 40); h << 40 adds limb 0 at bit 8 of limb 2 and limb 1 at bit 8 of limb 3.
  const eat = (byte: number): void => {
    h0 ^= byte;
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
  };
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x80) {
      eat(code);
    } else if (code < 0x800) {
      eat(0xc0 | (code >> 6));
      eat(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      eat(0xe0 | (code >> 12));
      eat(0x80 | ((code >> 6) & 0x3f));
      eat(0x80 | (code & 0x3f));
    } else {
      eat(0xf0 | (code >> 18));
      eat(0x80 | ((code >> 12) & 0x3f));
      eat(0x80 | ((code >> 6) & 0x3f));
      eat(0x80 | (code & 0x3f));
    }
  }
  return (BigInt(h3) << 48n) | (BigInt(h2) << 32n) | (BigInt(h1) << 16n) | BigInt(h0);
}

/**
 * A 64-bit hash of `text`, in [0, 2^64): fmix64(FNV-1a 64 with the seeded offset basis). Different seeds give
 * independent-looking functions of the same text (Maglev's h1 and h2, a ring's re-seeding). `seed` is an integer
 * in [0, 2^32), default 0; anything else throws.
 */
export function hash64(text: string, seed = 0): bigint {
  return fmix64(fnv1a64(text, seed));
}

/** An unsigned 32-bit hash of `text`: the top 32 bits of `hash64(text, seed)`. */
export function hash32(text: string, seed = 0): number {
  return Number(hash64(text, seed) >> 32n);
}

/**
 * Maps a 64-bit hash to a number in [0, 1): its top 53 bits over 2^53, so every result is an exact double and
 * 1 is never reached. Bits above 64 are dropped first (the argument is read modulo 2^64).
 */
export function unitInterval(h: bigint): number {
  return Number((h & MASK_64) >> 11n) / TWO_POW_53;
}
