/**
 * Method: the store's three modes run on the simulator under seeded partitions, and every claim is checked on the
 * clients' histories by code that does not share the store's logic: the linearizability checker with the key-value
 * model (a deterministic step budget; inconclusive counts as a failure), a naive triple-loop oracle for stale
 * reads written here from the definition, and the replicas' final stores for convergence. The version order and
 * merge are compared with brute-force oracles on random versions (fast-check), and a replica stepped by hand shows
 * how it stamps writes that arrive together.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../sim/random';
import type { Effect, Input, NodeId, StepContext } from '../sim/types';
import { checkLinearizability } from './linearizability';
import { kvModel } from './models';
import type { History } from './history';
import type { KvInput, KvOutput } from './data-types';
import { compareVersions, covers, mergeVersions, preferenceList, readValue, storeReplica } from './store';
import type { ReplicaState, StoreMessage, StoreMode, Version } from './store';
import { lostWrites, replicasConverged, resolveStoreOptions, runStore, staleReads } from './store-run';
import type { StoreRunOptions } from './store-run';

const MAX_STEPS = 2_000_000;

/** A random two-sided partition of `replicas`, cut and healed at seeded times: a test's fault schedule. */
function randomPartition(seed: number, replicas: NodeId[]): NonNullable<StoreRunOptions['partition']> & { healAtMs: number } {
  const rng = new Random(`partition:${seed}`);
  const shuffled = rng.shuffle(replicas);
  const cut = rng.int(1, replicas.length - 1);
  const atMs = rng.int(300, 900);
  return { atMs, healAtMs: atMs + rng.int(400, 900), groups: [shuffled.slice(0, cut), shuffled.slice(cut)] };
}

/** Stale reads straight from the definition in `staleReads`' comment: every read, every pair of writes. */
function naiveStaleReadIds(history: History<KvInput, KvOutput>): number[] {
  const puts = history.filter((op) => op.input.f === 'put' && op.status === 'ok');
  const out: number[] = [];
  for (const read of history) {
    if (read.input.f !== 'get' || read.status !== 'ok') continue;
    const key = read.input.key;
    const values = read.output === '' ? [null] : String(read.output).split('|');
    const stale = puts.some((newer) => {
      if (newer.input.key !== key || !((newer.returnMs as number) < read.invokeMs)) return false;
      return values.some((v) => {
        if (v === null) return true;
        const older = puts.find((p) => (p.input as { value: string }).value === v);
        return older !== undefined && (older.returnMs as number) < newer.invokeMs;
      });
    });
    if (stale) out.push(read.id);
  }
  return out;
}

describe('versions: the order and the merge every mode stores by', () => {
  const stamp = fc.record({ value: fc.constantFrom('p', 'q', 'r', 's'), time: fc.integer({ min: 0, max: 3 }), node: fc.constantFrom('a', 'b') });
  const vector = fc.record({ a: fc.integer({ min: 0, max: 2 }), b: fc.integer({ min: 0, max: 2 }) });
  const withVector = fc.record({ value: fc.constantFrom('p', 'q', 'r', 's'), time: fc.constant(0), node: fc.constant('a'), vv: vector });

  it('merging keeps exactly the versions no other version supersedes (brute force over the union)', () => {
    for (const gen of [stamp, withVector]) {
      fc.assert(
        fc.property(fc.array(gen, { maxLength: 5 }), fc.array(gen, { maxLength: 5 }), (xs: Version[], ys: Version[]) => {
          const all = [...xs, ...ys];
          const maximal = all.filter((v) => !all.some((u) => compareVersions(u, v) === 'after'));
          const merged = mergeVersions(xs, ys);
          // Every maximal version is represented once (equal stamps count as one), and nothing else is kept.
          for (const v of maximal) expect(merged.filter((m) => compareVersions(m, v) === 'equal')).toHaveLength(1);
          for (const m of merged) expect(maximal.some((v) => compareVersions(m, v) === 'equal')).toBe(true);
          for (const v of all) expect(covers(merged, v)).toBe(true);
        }),
        { numRuns: 500, seed: 7 },
      );
    }
  });

  it('version vectors compare entry by entry (Dynamo §4.4), timestamps by (time, node, seq)', () => {
    const v = (vv: Record<string, number>): Version => ({ value: 'x', time: 0, node: 'a', vv });
    expect(compareVersions(v({ a: 2, b: 1 }), v({ a: 1, b: 1 }))).toBe('after');
    expect(compareVersions(v({ a: 1 }), v({ b: 1 }))).toBe('concurrent');
    expect(compareVersions(v({ a: 1, b: 0 }), v({ a: 1 }))).toBe('equal');
    expect(compareVersions({ value: 'x', time: 5, node: 'a' }, { value: 'y', time: 5, node: 'b' })).toBe('before');
    expect(compareVersions({ value: 'y', time: 5, node: 'a', seq: 2 }, { value: 'x', time: 5, node: 'a', seq: 1 })).toBe('after');
    expect(readValue(mergeVersions([v({ a: 1 })], [{ ...v({ b: 1 }), value: 'w' }]))).toBe('w|x');
  });

  it('two different writes never compare equal, and the order is antisymmetric (every pair of random versions)', () => {
    // Small domains, so that ties on time, node and seq are frequent; vectors too, equal ones included.
    const stamped = fc.record({ value: fc.constantFrom('p', 'q'), time: fc.integer({ min: 0, max: 1 }), node: fc.constantFrom('a', 'b'), seq: fc.integer({ min: 1, max: 2 }) });
    const handMade = fc.record({ value: fc.constantFrom('p', 'q'), time: fc.integer({ min: 0, max: 1 }), node: fc.constant('a') });
    const vectored = fc.record({ value: fc.constantFrom('p', 'q'), time: fc.constant(0), node: fc.constant('a'), vv: fc.record({ a: fc.integer({ min: 0, max: 1 }) }) });
    const flip = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const;
    for (const gen of [stamped, handMade, vectored] as fc.Arbitrary<Version>[]) {
      fc.assert(
        fc.property(gen, gen, (a, b) => {
          const order = compareVersions(a, b);
          // Each generator fills the same fields in the same order, so equal JSON means the same version.
          expect(order === 'equal').toBe(JSON.stringify(a) === JSON.stringify(b));
          expect(compareVersions(b, a)).toBe(flip[order]);
        }),
        { numRuns: 400, seed: 11 },
      );
    }
  });

  it('a preference list is N distinct replicas in ring order (Dynamo §4.3)', () => {
    const replicas = ['a', 'b', 'c', 'd', 'e'];
    for (const key of ['x', 'y', 'z', 'k1', 'k2']) {
      const list = preferenceList(key, replicas, 3);
      expect(new Set(list).size).toBe(3);
      const start = replicas.indexOf(list[0] as string);
      expect(list).toEqual([0, 1, 2].map((i) => replicas[(start + i) % 5]));
    }
  });
});

/** Replica `a` of a three-replica store, stepped by hand: what it logs and sends for the inputs given to it. */
function replicaByHand(mode: StoreMode) {
  const { config } = resolveStoreOptions({ seed: 1, mode, clients: [{ id: 'p', home: 'a' }, { id: 'q', home: 'a' }] });
  const behavior = storeReplica(config);
  const ctx = (nowMs: number): StepContext => ({ id: 'a', peers: ['a', 'b', 'c', 'p', 'q'], nowMs, random: new Random('by-hand') });
  let state: ReplicaState = behavior.init(ctx(0));
  const stamps: Version[] = [];
  const step = (input: Input<StoreMessage>, nowMs: number): Effect<StoreMessage>[] => {
    const result = behavior.step(state, input, ctx(nowMs));
    state = result.state;
    for (const e of result.effects ?? []) {
      if (e.type === 'log' && e.text === 'stamp') {
        const { key: _key, ...version } = e.data as Version & { key: string };
        stamps.push(version);
      }
    }
    return result.effects ?? [];
  };
  let msgId = 0;
  const from = (sender: NodeId, message: StoreMessage, nowMs: number) => step({ type: 'message', from: sender, message, msgId: msgId++ }, nowMs);
  const put = (client: NodeId, value: string, nowMs: number, context: Version[] = []) =>
    from(client, { type: 'request', op: 0, input: { f: 'put', key: 'x', value }, context }, nowMs);
  return { put, from, stamps, state: () => state };
}

describe('Lynch and Shvartsman (1997): many writers, so every write needs a stamp of its own', () => {
  it('cp: two writes one replica coordinates at once see the same highest timestamp, and still get different stamps', () => {
    const a = replicaByHand('cp');
    a.put('p', 'p-0', 0);
    a.put('q', 'q-0', 1);
    // Rounds 0 (p's write) and 1 (q's) each hear from a majority, a and b, that the key is empty.
    for (const round of [0, 1]) for (const replica of ['a', 'b']) a.from(replica, { type: 'queryReply', round, versions: [] }, 10);
    const [first, second] = a.stamps as [Version, Version];
    expect([first.time, first.node, second.time, second.node]).toEqual([1, 'a', 1, 'a']);
    expect(first.seq).not.toBe(second.seq);
    expect(compareVersions(first, second)).toBe('before');
    // Replicas that receive the two stores in opposite orders keep the same version: they cannot disagree.
    expect(mergeVersions(mergeVersions([], [first]), [second])).toEqual(mergeVersions(mergeVersions([], [second]), [first]));
    expect(mergeVersions([first], [second])).toEqual([second]);
  });

  it('lww: two writes stamped by one coordinator in the same instant, or pushed past the same context, differ too', () => {
    const a = replicaByHand('ap');
    a.put('p', 'p-0', 7);
    a.put('q', 'q-0', 7);
    const context: Version[] = [{ value: 'z', time: 50, node: 'b', seq: 1 }];
    a.put('p', 'p-1', 8, context);
    a.put('q', 'q-1', 8, context);
    const [p0, q0, p1, q1] = a.stamps as [Version, Version, Version, Version];
    expect([p0.time, q0.time, p1.time, q1.time]).toEqual([7, 7, 50.001, 50.001]);
    expect(compareVersions(p0, q0)).toBe('before');
    expect(compareVersions(p1, q1)).toBe('before');
    // The replica keeps the write it stamped last, as every other replica will.
    expect(a.state().data.x).toEqual([q1]);
  });

  // Two clients sharing replica a, the rest alone (with stamps of (timestamp, coordinator) only, seeds 215 and 219
  // were not linearizable), and two clients on every replica (seeds 14 and 17 were not). A run lasts 3,000 ms.
  const network = { latency: { kind: 'lognormal' as const, medianMs: 10, sigma: 1.2 } };
  const workload = { keys: ['x'], readFraction: 0.5, thinkMinMs: 0, thinkMaxMs: 2 };
  const layouts = [
    { name: 'p and q on a, one client on b and on c', seeds: [200, 239], clients: [{ id: 'p', home: 'a' }, { id: 'q', home: 'a' }, { id: 'r1', home: 'b' }, { id: 'r2', home: 'c' }] },
    { name: 'two clients on each replica', seeds: [1, 20], clients: ['a', 'b', 'c'].flatMap((home) => [1, 2].map((k) => ({ id: `${home}${k}`, home }))) },
  ];
  for (const { name, seeds, clients } of layouts) {
    it(`cp, ${name}, seeds ${seeds[0]} to ${seeds[1]}: every history is linearizable, though coordinators stamp concurrent writes with equal timestamps`, () => {
      let runsWithTies = 0;
      for (let seed = seeds[0] as number; seed <= (seeds[1] as number); seed++) {
        const run = runStore({ seed, mode: 'cp', replicas: 3, clients, workload, network, untilMs: 3000 });
        const result = checkLinearizability(run.history, kvModel, { maxSteps: MAX_STEPS });
        expect(result.verdict, `seed ${seed}: ${result.explanation}`).toBe('ok');
        const stamps = Object.values(run.stamps);
        if (stamps.some((v, i) => stamps.some((u, j) => j < i && u.time === v.time && u.node === v.node))) runsWithTies++;
        for (const [i, v] of stamps.entries()) for (const u of stamps.slice(0, i)) expect(compareVersions(u, v), `seed ${seed}`).not.toBe('equal');
      }
      // The hazard is there in most runs: two writes with the same timestamp from the same coordinator.
      expect(runsWithTies).toBeGreaterThan(0.75 * ((seeds[1] as number) - (seeds[0] as number) + 1));
    });
  }
});

describe('cp: Attiya, Bar-Noy and Dolev (1995) majority quorums under partition', () => {
  for (const size of [3, 5]) {
    it(`${size} replicas, 12 seeded partitions and heals: every history is linearizable; the minority answers nothing, the majority everything`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const replicas = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + i));
        const partition = randomPartition(seed, replicas);
        const run = runStore({ seed, mode: 'cp', replicas: size, partition, untilMs: 3200 });
        const result = checkLinearizability(run.history, kvModel, { maxSteps: MAX_STEPS });
        expect(result.verdict, `seed ${seed}: ${result.explanation}`).toBe('ok');

        const majority = partition.groups.find((g) => g.length > size / 2) as NodeId[];
        const during = run.history.filter((op) => op.invokeMs >= partition.atMs && op.invokeMs < partition.healAtMs);
        const majoritySide = majority.slice().sort().join(', ');
        const minorityOps = during.filter((op) => run.sideOf(op.client) !== majoritySide);
        const majorityOps = during.filter((op) => run.sideOf(op.client) === majoritySide);
        expect(minorityOps.length, `seed ${seed}`).toBeGreaterThan(0);
        // Nothing answered before the heal. A request sent in the last 15 ms (the network's longest latency) may
        // reach its coordinator after the heal and succeed then; any earlier one had its quorum messages dropped.
        expect(minorityOps.filter((op) => op.status === 'ok' && (op.returnMs as number) < partition.healAtMs), `seed ${seed}`).toEqual([]);
        expect(minorityOps.filter((op) => op.status === 'ok' && op.invokeMs < partition.healAtMs - 15), `seed ${seed}`).toEqual([]);
        expect(majorityOps.length, `seed ${seed}`).toBeGreaterThan(0);
        expect(majorityOps.filter((op) => op.status !== 'ok'), `seed ${seed}`).toEqual([]);
        // After the heal, everyone answers again.
        const after = run.history.filter((op) => op.invokeMs > partition.healAtMs + 300);
        expect(after.length).toBeGreaterThan(0);
        expect(after.every((op) => op.status === 'ok')).toBe(true);
      }
    });
  }

  it('ABD §3, the read\'s write-back: without it a read returns a value a write in progress left on a minority, and a later read returns the older one', () => {
    // The window is made wide on purpose: the writer's replica a reaches c, d and e 200 ms late, so each of its
    // writes sits on a and b (a minority) for a while; b answers the reader at e late too, so e's reads ask c, d, e.
    // A read through b in that window sees the new value; a later read through e does not. The write-back closes
    // the window: a read that returns the new value has first put it on a majority, which every later read meets.
    const slow = { kind: 'constant' as const, ms: 200 };
    const links = [...['c', 'd', 'e'].map((to) => ({ from: 'a', to, latency: slow })), { from: 'b', to: 'e', latency: slow }];
    const settings = (seed: number, readWriteBack: boolean) => ({
      seed, mode: 'cp' as const, replicas: 5, readWriteBack, quorumTimeoutMs: 1000, network: { links }, untilMs: 3000,
      clients: [{ id: 'w', home: 'a' }, { id: 'r1', home: 'b' }, { id: 'r2', home: 'e' }], workload: { keys: ['x'] },
    });
    const violations: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const withWriteBack = checkLinearizability(runStore(settings(seed, true)).history, kvModel, { maxSteps: MAX_STEPS });
      expect(withWriteBack.verdict, `seed ${seed}: ${withWriteBack.explanation}`).toBe('ok');
      const history = runStore(settings(seed, false)).history;
      const without = checkLinearizability(history, kvModel, { maxSteps: MAX_STEPS });
      expect(without.verdict, `seed ${seed}`).not.toBe('inconclusive');
      if (without.verdict === 'violation') {
        violations.push(seed);
        // The operation it cannot place is a read that returned an older value than one already read.
        expect(history.find((op) => op.id === without.violation?.blocked)?.input.f, `seed ${seed}`).toBe('get');
      }
    }
    expect(violations).toEqual([1, 8, 10]);
  });

  it('a refusal is honest: minority reads and writes fail (nothing was stored), none is left indeterminate', () => {
    const run = runStore({ seed: 3, mode: 'cp', partition: { atMs: 500, healAtMs: 1500, groups: [['a', 'b'], ['c']] } });
    const minority = run.history.filter((op) => op.invokeMs >= 500 && op.invokeMs < 1500 - 15 && run.sideOf(op.client) === 'c');
    expect(minority.some((op) => op.input.f === 'put')).toBe(true);
    expect(minority.every((op) => op.status === 'fail')).toBe(true);
  });
});

describe('ap: answer locally, replicate asynchronously, anti-entropy after the heal', () => {
  const partition = { atMs: 800, healAtMs: 1600, groups: [['a', 'b'], ['c']] };

  it('during a partition both sides answer every request', () => {
    const run = runStore({ seed: 1, mode: 'ap', partition });
    const during = run.history.filter((op) => op.invokeMs >= 800 && op.invokeMs < 1600);
    for (const side of ['a, b', 'c']) expect(during.filter((op) => run.sideOf(op.client) === side).length).toBeGreaterThan(0);
    expect(during.every((op) => op.status === 'ok')).toBe(true);
  });

  it('the checker finds the partition in most seeds; pinned seed 1 names a real operation', () => {
    let violations = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const run = runStore({ seed, mode: 'ap', partition });
      const result = checkLinearizability(run.history, kvModel, { maxSteps: MAX_STEPS });
      expect(result.verdict).not.toBe('inconclusive');
      if (result.verdict === 'violation') violations++;
      if (seed !== 1) continue;
      expect(result.verdict).toBe('violation');
      const blocked = run.history.find((op) => op.id === result.violation?.blocked);
      expect(blocked).toBeDefined();
      const described = kvModel.describeOperation(blocked?.input as KvInput, blocked?.output);
      expect(result.explanation).toContain(described);
      expect(result.explanation).toContain(blocked?.client);
    }
    expect(violations).toBeGreaterThanOrEqual(6);
  });

  it('after the heal every replica converges to the same store (lww and version vectors)', () => {
    // The clients stop writing at the heal, so only anti-entropy can bring the two sides together.
    const workload = { stopAtMs: partition.healAtMs };
    for (const resolve of ['lww', 'version-vectors'] as const) {
      for (let seed = 1; seed <= 5; seed++) {
        const run = runStore({ seed, mode: 'ap', resolve, partition, workload, untilMs: 3000 });
        expect(replicasConverged(run.finalData), `${resolve}, seed ${seed}`).toBe(true);
      }
      // Without anti-entropy, writes sent across the partition are lost for good and the replicas stay apart.
      const apart = runStore({ seed: 1, mode: 'ap', resolve, partition, workload, antiEntropyMs: null });
      expect(replicasConverged(apart.finalData)).toBe(false);
    }
  });

  it('last-writer-wins with a clock 300 ms behind loses acknowledged writes; version vectors keep them as siblings', () => {
    const clocks = { c: { offsetMs: -300 } };
    const lww = runStore({ seed: 2, mode: 'ap', clocks });
    const lost = lostWrites(lww.history, lww.stamps);
    expect(lost.length).toBeGreaterThan(0);
    const [first] = lost;
    const value = (first?.lost.input as { value: string }).value;
    // The lost write was stamped by c, the slow clock, and its value is nowhere once the replicas have converged.
    expect(lww.stamps[value]?.node).toBe('c');
    expect(replicasConverged(lww.finalData)).toBe(true);
    expect(JSON.stringify(lww.finalData)).not.toContain(`"${value}"`);

    const vv = runStore({ seed: 2, mode: 'ap', resolve: 'version-vectors', clocks });
    expect(lostWrites(vv.history, vv.stamps)).toEqual([]);
    expect(vv.history.some((op) => op.status === 'ok' && String(op.output).includes('|'))).toBe(true);
    // Same clocks, no skew: last-writer-wins loses nothing.
    const fair = runStore({ seed: 2, mode: 'ap' });
    expect(lostWrites(fair.history, fair.stamps)).toEqual([]);
  });
});

describe('dynamo: N, R, W quorums (DeCandia et al. 2007, §4.5)', () => {
  const network = { latency: { kind: 'lognormal' as const, medianMs: 10, sigma: 1.2, minMs: 1 } };
  const workload = { keys: ['x'], readFraction: 0.6, thinkMinMs: 0, thinkMaxMs: 10 };

  it('R + W > N: no stale read in 10 seeds without partitions (the naive oracle agrees)', () => {
    for (const [r, w] of [[2, 2], [1, 3], [3, 1]] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const run = runStore({ seed, mode: 'dynamo', quorum: { n: 3, r, w }, clients: 6, network, workload });
        expect(naiveStaleReadIds(run.history), `R=${r} W=${w} seed ${seed}`).toEqual([]);
        expect(staleReads(run.history)).toEqual([]);
      }
    }
  });

  it('R + W ≤ N: stale reads occur, and staleReads finds exactly the ones the naive oracle finds', () => {
    let stale = 0;
    for (const [r, w] of [[1, 1], [1, 2], [2, 1]] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const run = runStore({ seed, mode: 'dynamo', quorum: { n: 3, r, w }, clients: 6, network, workload, readRepair: false });
        const ids = staleReads(run.history).map((s) => s.read.id);
        expect(ids).toEqual(naiveStaleReadIds(run.history));
        stale += ids.length;
      }
    }
    expect(stale).toBeGreaterThan(5);
  });

  it('a quorum the minority side cannot meet leaves it unanswered; R = W = 1 keeps it answering', () => {
    const partition = { atMs: 500, healAtMs: 1500, groups: [['a', 'b'], ['c']] };
    const sideC = (run: ReturnType<typeof runStore>) => run.history.filter((op) => op.invokeMs >= 500 && op.invokeMs < 1500 && run.sideOf(op.client) === 'c');
    const strict = runStore({ seed: 4, mode: 'dynamo', quorum: { n: 3, r: 2, w: 2 }, partition });
    expect(sideC(strict).length).toBeGreaterThan(0);
    expect(sideC(strict).filter((op) => op.status === 'ok')).toEqual([]);
    // Writes sent to N replicas that fall short of W are indeterminate; reads fail.
    expect(sideC(strict).every((op) => op.status === (op.input.f === 'put' ? 'info' : 'fail'))).toBe(true);
    const loose = runStore({ seed: 4, mode: 'dynamo', quorum: { n: 3, r: 1, w: 1 }, partition });
    expect(sideC(loose).length).toBeGreaterThan(0);
    expect(sideC(loose).every((op) => op.status === 'ok')).toBe(true);
  });
});
