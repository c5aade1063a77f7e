/**
 * Synthetic CDN workloads: Zipf-like popularity, object sizes, timed request streams and flash crowds.
 *
 * Popularity follows Breslau, Cao, Fan, Phillips and Shenker (1999, "Web caching and Zipf-like distributions:
 * evidence and implications", INFOCOM): the i-th most popular of N objects is requested with probability
 * proportional to 1 / i^alpha, and the proxy traces they studied fit alpha below 1 (roughly 0.6 to 0.8).
 * Requests are drawn independently of one another (the independent reference model of their analysis), which is also the
 * assumption under which Che's approximation (che.ts) holds. alpha = 0 is uniform; alpha = 1 is Zipf's law.
 *
 * Everything random is drawn from one seeded `Random`, forked per component, so the same options give the same
 * stream in every engine.
 */
import { Random } from '../sim/random';
import type { CacheRequest } from './cache';

/**
 * The Zipf-like probabilities of ranks 1..catalogSize, at index rank - 1: p_i = i^-alpha / sum_j j^-alpha.
 * They sum to 1 and never increase with rank.
 */
export function zipfPopularity(catalogSize: number, alpha: number): number[] {
  if (!Number.isInteger(catalogSize) || catalogSize < 1) {
    throw new Error(`zipfPopularity: catalogSize must be a whole number >= 1 (got ${catalogSize})`);
  }
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new Error(`zipfPopularity: alpha must be a finite number >= 0 (got ${alpha})`);
  }
  const weights = Array.from({ length: catalogSize }, (_, i) => Math.pow(i + 1, -alpha));
  // Summing from the smallest weight up keeps the rounding error of a long tail out of the large terms.
  let sum = 0;
  for (let i = catalogSize - 1; i >= 0; i--) sum += weights[i] as number;
  return weights.map((w) => w / sum);
}

/** Draws ranks from fixed probabilities by inverting their cumulative sum (a binary search per draw). */
export interface RankSampler {
  /** The probabilities of ranks 1..n, at index rank - 1. */
  readonly probabilities: readonly number[];
  /** The rank (1-based) whose cumulative interval holds u, for u in [0, 1): the inverse of the distribution. */
  rankAt(u: number): number;
  /** One rank drawn with `random` (one draw from the stream). */
  sample(random: Random): number;
}

export function rankSampler(probabilities: readonly number[]): RankSampler {
  if (probabilities.length === 0) throw new Error('rankSampler needs at least one probability');
  const cumulative: number[] = [];
  let sum = 0;
  for (const p of probabilities) {
    if (!(p >= 0)) throw new Error(`rankSampler: probabilities must be >= 0 (got ${p})`);
    sum += p;
    cumulative.push(sum);
  }
  if (!(sum > 0)) throw new Error('rankSampler: the probabilities must not all be 0');
  const rankAt = (u: number): number => {
    // The smallest index whose cumulative sum exceeds u * sum; scaling by the sum absorbs its rounding error.
    const target = u * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo + 1;
  };
  return { probabilities, rankAt, sample: (random) => rankAt(random.next()) };
}

/**
 * Object sizes: log-normal, rounded to whole bytes and clamped to [minBytes, maxBytes]. A log-normal fits the
 * body of web object sizes (Barford and Crovella 1998, "Generating representative web workloads for network and
 * server performance evaluation", SIGMETRICS, §3.1); the defaults put the median near 12 KB with a log-scale
 * spread of 1.3, close to the body they fitted. Sizes are drawn independently of popularity, since Breslau et al.
 * found the correlation between an object's popularity and its size weak.
 */
export interface ObjectSizeOptions {
  /** The median size (e^mu of the log-normal). Default 12,000 bytes. */
  medianBytes?: number;
  /** The standard deviation of ln(size). Default 1.3. */
  sigma?: number;
  /** Smallest size after clamping. Default 100 bytes (a response's headers alone are about that). */
  minBytes?: number;
  /** Largest size after clamping. Default 100,000,000 bytes. */
  maxBytes?: number;
}

/** The sizes of ranks 1..catalogSize (at index rank - 1), drawn with `random`, one normal draw per object. */
export function objectSizes(catalogSize: number, random: Random, options: ObjectSizeOptions = {}): number[] {
  const medianBytes = options.medianBytes ?? 12_000;
  const sigma = options.sigma ?? 1.3;
  const minBytes = options.minBytes ?? 100;
  const maxBytes = options.maxBytes ?? 100_000_000;
  if (!(medianBytes > 0) || !(sigma >= 0) || !(minBytes >= 0) || !(maxBytes >= minBytes)) {
    throw new Error(
      `objectSizes: need medianBytes > 0, sigma >= 0 and 0 <= minBytes <= maxBytes (got ${medianBytes}, ${sigma}, ${minBytes}, ${maxBytes})`,
    );
  }
  const mu = Math.log(medianBytes);
  return Array.from({ length: catalogSize }, () => {
    const size = Math.round(Math.exp(mu + sigma * random.normal()));
    return Math.min(maxBytes, Math.max(minBytes, size));
  });
}

/** A request at a time: the cache key is the object's popularity rank (1 = most popular). */
export interface TimedRequest extends CacheRequest {
  key: number;
  atMs: number;
}

/** A burst of extra requests for one object: Poisson arrivals at `ratePerSecond` during [startMs, startMs + durationMs). */
export interface FlashCrowd {
  rank: number;
  startMs: number;
  durationMs: number;
  ratePerSecond: number;
}

export interface ZipfWorkloadOptions {
  seed: number | string;
  /** Number of distinct objects. */
  catalogSize: number;
  /** The Zipf-like exponent: 0 is uniform, larger concentrates requests on the top ranks. */
  alpha: number;
  /** Number of background requests (flash crowds add theirs on top). */
  requests: number;
  /** Background arrival rate: requests arrive as a Poisson process. Default 1,000 per second. */
  ratePerSecond?: number;
  /** 'unit' gives every object size 1 (the setting of Che's approximation); otherwise log-normal sizes with these
   * options (the default). */
  sizes?: 'unit' | ObjectSizeOptions;
  flashCrowds?: FlashCrowd[];
}

export interface ZipfWorkload {
  /** All requests in time order (background and flash crowds merged; ties keep background first). */
  requests: TimedRequest[];
  /** The background popularity of ranks 1..catalogSize, at index rank - 1. */
  popularity: number[];
  /** The size of ranks 1..catalogSize, at index rank - 1. */
  sizes: number[];
}

/** A seeded request stream: Zipf-like popularity, independent draws, Poisson arrivals, optional flash crowds. */
export function zipfWorkload(options: ZipfWorkloadOptions): ZipfWorkload {
  const { catalogSize, alpha, requests: count } = options;
  const ratePerSecond = options.ratePerSecond ?? 1000;
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`zipfWorkload: requests must be a whole number >= 0 (got ${count})`);
  }
  if (!(ratePerSecond > 0)) throw new Error(`zipfWorkload: ratePerSecond must be > 0 (got ${ratePerSecond})`);
  const random = new Random(options.seed);
  const popularity = zipfPopularity(catalogSize, alpha);
  const sizes =
    options.sizes === 'unit'
      ? popularity.map(() => 1)
      : objectSizes(catalogSize, random.fork('sizes'), options.sizes);
  const sampler = rankSampler(popularity);
  const draws = random.fork('popularity');
  const arrivals = random.fork('arrivals');
  const meanGapMs = 1000 / ratePerSecond;
  const background: TimedRequest[] = [];
  let atMs = 0;
  for (let i = 0; i < count; i++) {
    atMs += arrivals.exponential(meanGapMs);
    const rank = sampler.sample(draws);
    background.push({ key: rank, sizeBytes: sizes[rank - 1] as number, atMs });
  }
  const crowds = options.flashCrowds ?? [];
  if (crowds.length === 0) return { requests: background, popularity, sizes };
  const extra: TimedRequest[] = [];
  crowds.forEach((crowd, index) => {
    if (!Number.isInteger(crowd.rank) || crowd.rank < 1 || crowd.rank > catalogSize) {
      throw new Error(`zipfWorkload: flashCrowds[${index}].rank must be a rank in 1..${catalogSize} (got ${crowd.rank})`);
    }
    if (!(crowd.ratePerSecond > 0) || !(crowd.durationMs >= 0) || !Number.isFinite(crowd.startMs)) {
      throw new Error(`zipfWorkload: flashCrowds[${index}] needs ratePerSecond > 0, durationMs >= 0 and a finite startMs`);
    }
    const gaps = random.fork(`flash:${index}`);
    const endMs = crowd.startMs + crowd.durationMs;
    for (let t = crowd.startMs + gaps.exponential(1000 / crowd.ratePerSecond); t < endMs; ) {
      extra.push({ key: crowd.rank, sizeBytes: sizes[crowd.rank - 1] as number, atMs: t });
      t += gaps.exponential(1000 / crowd.ratePerSecond);
    }
  });
  // Merge by time; each part is already in time order (crowds one after another, so sort that part first).
  extra.sort((a, b) => a.atMs - b.atMs);
  const merged: TimedRequest[] = [];
  let i = 0;
  let j = 0;
  while (i < background.length || j < extra.length) {
    const b = background[i];
    const e = extra[j];
    if (e === undefined || (b !== undefined && b.atMs <= e.atMs)) {
      merged.push(b as TimedRequest);
      i++;
    } else {
      merged.push(e);
      j++;
    }
  }
  return { requests: merged, popularity, sizes };
}
