/**
 * Method: the metrics are checked against values computed by hand on a tiny hand-made history (each expected
 * number is derived in a comment from the definitions in store-run.ts); the runner against its contract: one seed
 * gives one byte-identical run, bad options give errors that name the field; the PACELC sweep against what Abadi
 * (2012, §3) predicts for a Dynamo-style store: latency grows with R and W, and only R + W ≤ N reads are stale.
 */
import { describe, expect, it } from 'vitest';
import type { History } from './history';
import type { KvInput, KvOutput } from './data-types';
import type { Version } from './store';
import { clientOfProcess } from './clients';
import { lostWrites, metricsOverTime, percentile, quorumSweep, runStore, staleReads } from './store-run';
import type { StoreRunOptions } from './store-run';

type Op = History<KvInput, KvOutput>[number];
const ok = (id: number, client: string, input: KvInput, invokeMs: number, returnMs: number, output: KvOutput): Op => ({ id, client, input, status: 'ok', invokeMs, returnMs, output });
const put = (key: string, value: string): KvInput => ({ f: 'put', key, value });
const get = (key: string): KvInput => ({ f: 'get', key });

// Time runs left to right; c1 and c2 live on side a, c3 on side b.
const history: History<KvInput, KvOutput> = [
  ok(0, 'c1', put('x', 'c1-0'), 0, 10, null),
  ok(1, 'c2', put('x', 'c2-0'), 20, 30, null),
  ok(2, 'c3', get('x'), 40, 50, 'c1-0'), // stale: c2-0 (invoked 20, after c1-0 returned) returned at 30, before 40
  ok(3, 'c1', get('x'), 41, 45, 'c2-0'), // fresh
  ok(4, 'c2', get('x'), 5, 8, ''), // fresh: no write had returned by 5
  ok(5, 'c3', get('x'), 60, 70, ''), // stale: the initial value, after c1-0 returned at 10
  { id: 6, client: 'c1', input: put('x', 'c1-1'), status: 'info', invokeMs: 55 },
  ok(7, 'c2', get('x'), 80, 90, 'c1-1'), // fresh: an indeterminate write precedes nothing
  { id: 8, client: 'c1~1', input: put('y', 'c1-2'), status: 'fail', invokeMs: 100, returnMs: 110 },
  ok(9, 'c2', get('y'), 120, 130, ''), // fresh: a failed write counts for nothing
  ok(10, 'c3', put('x', 'c3-0'), 62, 75, null),
  ok(11, 'c2', get('x'), 95, 99, 'c1-0|c2-0'), // stale: the sibling c1-0 was replaced by c2-0 before 95
];
// c2 stamped by a clock behind c1's: the earlier write c1-0 wins over c2-0.
const stamps: Record<string, Version> = {
  'c1-0': { value: 'c1-0', time: 5, node: 'a' },
  'c2-0': { value: 'c2-0', time: 3, node: 'c' },
  'c1-1': { value: 'c1-1', time: 56, node: 'a' },
  'c3-0': { value: 'c3-0', time: 70, node: 'b' },
};

describe('metrics on a hand-made history', () => {
  it('stale reads: reads 2, 5 and 11, each with a write that shows it', () => {
    const stale = staleReads(history);
    expect(stale.map((s) => s.read.id)).toEqual([2, 5, 11]);
    expect(stale.map((s) => [s.older?.id ?? null, s.newer.id])).toEqual([[0, 1], [null, 0], [0, 1]]);
  });

  it('lost writes: c2-0, acknowledged after c1-0 returned but stamped below it; the indeterminate c1-1 is not counted', () => {
    expect(lostWrites(history, stamps).map((l) => [l.lost.id, l.winner.id])).toEqual([[1, 0]]);
    expect(lostWrites(history, {})).toEqual([]);
  });

  it('lost writes between two writes one coordinator stamped in the same millisecond: seq decides, never a tie', () => {
    // c1-0 returned at 10, before c2-0 was invoked at 20, and both got time 5 from a; the store's order says which
    // one the replicas keep. If c1-0 was stamped second (seq 2), c2-0 is lost; if first, nothing is.
    const tied = (first: string): Record<string, Version> => ({
      ...stamps,
      'c1-0': { value: 'c1-0', time: 5, node: 'a', seq: first === 'c1-0' ? 1 : 2 },
      'c2-0': { value: 'c2-0', time: 5, node: 'a', seq: first === 'c1-0' ? 2 : 1 },
    });
    expect(lostWrites(history, tied('c2-0')).map((l) => [l.lost.id, l.winner.id])).toEqual([[1, 0]]);
    expect(lostWrites(history, tied('c1-0'))).toEqual([]);
  });

  it('answered, stale and lost per 50 ms bucket and side', () => {
    const sideOf = (p: string) => (clientOfProcess(p) === 'c3' ? 'b' : 'a');
    const rows = metricsOverTime(history, { bucketMs: 50, sideOf, stamps });
    const pick = (r: (typeof rows)[number]) => [r.fromMs, r.side, r.issued, r.ok, r.fail, r.info, r.answered, r.reads, r.staleReads, r.writes, r.lostWrites];
    expect(rows.map(pick)).toEqual([
      // [0, 50): a has ops 0, 1, 3, 4 (two writes, c2-0 lost; two fresh reads); b has the stale read 2.
      [0, 'a', 4, 4, 0, 0, 1, 2, 0, 2, 1],
      [0, 'b', 1, 1, 0, 0, 1, 1, 1, 0, 0],
      // [50, 100): a has 6 (info), 7 and 11 (stale); b has 5 (stale) and the write 10.
      [50, 'a', 3, 2, 0, 1, 2 / 3, 2, 1, 0, 0],
      [50, 'b', 2, 2, 0, 0, 1, 1, 1, 1, 0],
      // [100, 150): a has the failed write 8 (process c1~1, client c1) and the fresh read 9.
      [100, 'a', 2, 1, 1, 0, 0.5, 1, 0, 0, 0],
    ]);
    expect(() => metricsOverTime(history, { bucketMs: 0 })).toThrow(/bucketMs must be a positive number/);
  });

  it('nearest-rank percentiles', () => {
    expect([20, 50, 99, 100].map((p) => percentile([5, 1, 4, 2, 3], p))).toEqual([1, 3, 5, 5]);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('runStore: one seed rules a run', () => {
  const options: StoreRunOptions = { seed: 5, mode: 'ap', resolve: 'version-vectors', partition: { atMs: 300, healAtMs: 900, groups: [['a']] }, untilMs: 1500 };

  it('the same seed gives a byte-identical trace and history; another seed does not', () => {
    for (const mode of ['cp', 'ap', 'dynamo'] as const) {
      const o = { ...options, mode, resolve: mode === 'cp' ? undefined : options.resolve };
      const one = runStore(o);
      const two = runStore(o);
      expect(JSON.stringify(two.trace)).toBe(JSON.stringify(one.trace));
      expect(two.history).toEqual(one.history);
      expect(JSON.stringify(runStore({ ...o, seed: 6 }).history)).not.toBe(JSON.stringify(one.history));
    }
  });

  it('bad options are refused with the field and the rule', () => {
    const bad: [Partial<StoreRunOptions>, RegExp][] = [
      [{ mode: 'ca' as never }, /^mode must be one of cp, ap, dynamo \(got "ca"\)/],
      [{ mode: 'dynamo', quorum: { n: 3, r: 4, w: 1 } }, /quorum\.r must be an integer from 1 to n = 3 \(got 4\)/],
      [{ mode: 'dynamo', quorum: { n: 4, r: 1, w: 1 } }, /quorum\.n must be an integer from 1 to the number of replicas \(3\)/],
      [{ mode: 'cp', quorum: { n: 3, r: 2, w: 2 } }, /quorum is only for mode "dynamo"/],
      [{ mode: 'cp', antiEntropyMs: 100 }, /antiEntropyMs is for ap and dynamo/],
      [{ mode: 'ap', readWriteBack: false }, /readWriteBack is only for mode "cp"/],
      [{ clients: [{ id: 'c1', home: 'z' }] }, /clients\[0\]\.home must name a replica \(replicas: a, b, c\) \(got "z"\)/],
      [{ clients: [{ id: 'a', home: 'a' }] }, /clients\[0\]\.id must be a new node id/],
      [{ partition: { atMs: 10, groups: [['a', 'c9']] } }, /partition\.groups must name only replicas/],
      [{ partition: { atMs: 10, healAtMs: 5, groups: [['a']] } }, /partition\.healAtMs must be after atMs = 10/],
      [{ clocks: { c1: { offsetMs: 5 } } }, /clocks\.c1 must name a replica/],
      [{ sessions: ['read-my-writes' as never] }, /sessions\[0\] must be one of read-your-writes/],
      [{ workload: { readFraction: 2 } }, /workload\.readFraction must be between 0 and 1/],
      [{ resolve: 'newest' as never }, /resolve must be one of lww, version-vectors/],
    ];
    for (const [override, message] of bad) expect(() => runStore({ seed: 1, mode: 'ap', ...override })).toThrow(message);
  });
});

describe('PACELC (Abadi 2012, §3): else latency or consistency, as R and W change', () => {
  it('read latency grows with R, write latency with W, and only R + W ≤ N reads are stale', () => {
    const rows = quorumSweep({ seed: 1, pairs: [[1, 1], [2, 2], [3, 3], [1, 3], [3, 1]], untilMs: 3000 });
    const at = (r: number, w: number) => rows.find((row) => row.r === r && row.w === w) as (typeof rows)[number];
    expect(at(1, 1).readP50Ms).toBeLessThan(at(2, 2).readP50Ms);
    expect(at(2, 2).readP50Ms).toBeLessThan(at(3, 3).readP50Ms);
    expect(at(1, 1).writeP50Ms).toBeLessThan(at(2, 2).writeP50Ms);
    expect(at(2, 2).writeP50Ms).toBeLessThan(at(3, 3).writeP50Ms);
    expect(at(1, 1).staleReadFraction).toBeGreaterThan(0);
    for (const [r, w] of [[2, 2], [3, 3], [1, 3], [3, 1]]) expect(at(r as number, w as number).staleReadFraction).toBe(0);
    for (const row of rows) expect(row.reads).toBeGreaterThan(50);
  });
});
