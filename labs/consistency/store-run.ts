/**
 * Runs of the replicated store (`store.ts`) with its clients (`clients.ts`), and the metrics the chapter plots:
 * requests answered per side of a partition over time, stale reads, lost writes, and latency percentiles against
 * the stale-read rate as Dynamo's R and W change (Abadi 2012's PACELC trade-off, "else latency or consistency").
 *
 * Every metric is a pure function of a history (and, for lost writes, of the stamps the replicas logged), so a
 * cell, a test and a grader compute the same numbers from the same run.
 */
import { Simulation } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';
import type { ClockOptions } from '../sim/clock';
import type { NetworkOptions } from '../sim/network';
import type { Intervention } from '../sim/interventions';
import type { TraceOptions } from '../sim/simulation';
import type { Trace } from '../sim/trace';
import type { NodeBehavior, NodeId } from '../sim/types';
import type { History, Operation } from './history';
import type { KvInput, KvOutput } from './data-types';
import { CONFLICT_RESOLUTIONS, STORE_MODES, SIBLING_SEPARATOR, compareVersions, storeReplica } from './store';
import type { ConflictResolution, ReplicaConfig, StoreMessage, StoreMode, Version } from './store';
import { clientOfProcess, firstReply, historyOf, sessionReadRule, storeClient } from './clients';
import type { ReadRule, Workload } from './clients';
import { SESSION_GUARANTEES } from './session';
import type { SessionGuarantee } from './session';

/** A client: its node id (must not be a replica's) and its home replica. */
export interface ClientSpec {
  id: NodeId;
  home: NodeId;
}

/**
 * One run of the store. Defaults in brackets.
 *
 * - `seed`; `mode`: `cp`, `ap` or `dynamo` (see `store.ts`).
 * - `replicas`: a count (named a, b, c, …) or ids [3]. `clients`: a count, spread over the replicas in turn and
 *   named c1, c2, …, or a list of `{ id, home }` [one per replica].
 * - `resolve`: `lww` or `version-vectors`, for `ap` and `dynamo` [`lww`]. `quorum`: `{ n, r, w }` for `dynamo`
 *   [n = replicas, r = w = a majority of n]; `readRepair` [true].
 * - `antiEntropyMs`: anti-entropy period, or null for none [`ap`: 100, `dynamo`: null; `cp` has none].
 * - `quorumTimeoutMs`: how long a `cp`/`dynamo` coordinator waits for its quorum [250]. `readWriteBack`: whether a
 *   `cp` read writes back what it found before answering (ABD's second phase; off only to show why) [true].
 * - `sessions`: guarantees every client asks for [none]; `readRule`: the clients' read path [`sessionReadRule`
 *   when read-your-writes or monotonic reads is asked, `firstReply` otherwise]; `routing`: `home` or `random` [home].
 * - `workload`: overrides of keys [x, y], readFraction [0.5], thinkMinMs [10], thinkMaxMs [30], timeoutMs [600],
 *   stopAtMs [untilMs − timeoutMs − 100, so every operation ends before the run does].
 * - `partition`: replicas in `groups` (replicas in no group form one more group) cut apart at `atMs`, healed at
 *   `healAtMs` (or never); each client stays with its home replica.
 * - `clocks`: clock offset and drift per replica (clients keep perfect clocks). `network`: simulator network
 *   options. `untilMs` [3000]. `trace`: recording options [no state events: replica stores are large].
 */
export interface StoreRunOptions {
  seed: number | string;
  mode: StoreMode;
  replicas?: number | NodeId[];
  clients?: number | ClientSpec[];
  resolve?: ConflictResolution;
  quorum?: { n: number; r: number; w: number };
  readRepair?: boolean;
  antiEntropyMs?: number | null;
  quorumTimeoutMs?: number;
  readWriteBack?: boolean;
  sessions?: SessionGuarantee[];
  readRule?: ReadRule;
  routing?: 'home' | 'random';
  workload?: Partial<Workload>;
  partition?: { atMs: number; healAtMs?: number; groups: NodeId[][] };
  clocks?: Record<NodeId, Partial<ClockOptions>>;
  network?: Partial<NetworkOptions>;
  untilMs?: number;
  trace?: TraceOptions;
}

/**
 * What a run gives back: the trace, the clients' history, the replicas and clients, the side of the partition each
 * history process was on (`sideOf`, e.g. `a, b` or `c`; `all` without a partition), each replica's store at the
 * end, the stamps of every write (`stampsOf`), and the settings the replicas ran with.
 */
export interface StoreRun {
  trace: Trace;
  history: History<KvInput, KvOutput>;
  replicas: NodeId[];
  clients: ClientSpec[];
  sideOf: (process: string) => string;
  finalData: Record<NodeId, Record<string, Version[]>>;
  stamps: Record<string, Version>;
  config: ReplicaConfig;
  workload: Workload;
}

function fail(path: string, rule: string, got: unknown): never {
  throw new Error(`${path} ${rule} (got ${typeof got === 'string' ? JSON.stringify(got) : JSON.stringify(got) ?? String(got)})`);
}

function isCount(x: unknown, min = 1): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min;
}

function checkMs(path: string, x: unknown): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) fail(path, 'must be a non-negative number of milliseconds', x);
}

function replicaIds(replicas: number | NodeId[] = 3): NodeId[] {
  if (Array.isArray(replicas)) {
    if (replicas.length === 0 || new Set(replicas).size !== replicas.length) fail('replicas', 'must be a non-empty list of distinct ids', replicas);
    return replicas.slice().sort();
  }
  if (!isCount(replicas) || replicas > 26) fail('replicas', 'must be a count from 1 to 26 or a list of ids', replicas);
  return Array.from({ length: replicas }, (_, i) => String.fromCharCode(97 + i));
}

function clientSpecs(clients: number | ClientSpec[] | undefined, replicas: NodeId[]): ClientSpec[] {
  const specs = Array.isArray(clients)
    ? clients
    : isCount(clients ?? replicas.length)
      ? Array.from({ length: clients ?? replicas.length }, (_, i) => ({ id: `c${i + 1}`, home: replicas[i % replicas.length] as NodeId }))
      : fail('clients', 'must be a positive count or a list of { id, home }', clients);
  const seen = new Set<NodeId>();
  specs.forEach((c, i) => {
    if (typeof c?.id !== 'string' || replicas.includes(c.id) || seen.has(c.id)) fail(`clients[${i}].id`, 'must be a new node id, not a replica or another client', c?.id);
    if (c.id.includes('~')) fail(`clients[${i}].id`, 'must not contain "~" (history processes use it)', c.id);
    if (!replicas.includes(c.home)) fail(`clients[${i}].home`, `must name a replica (replicas: ${replicas.join(', ')})`, c.home);
    seen.add(c.id);
  });
  return specs.map((c) => ({ id: c.id, home: c.home }));
}

/** Checks every option and fills in the defaults (see `StoreRunOptions`); errors name the field and the rule. */
export function resolveStoreOptions(options: StoreRunOptions): { config: ReplicaConfig; clients: ClientSpec[]; workload: Workload; untilMs: number } {
  if (options === null || typeof options !== 'object') fail('options', 'must be an object', options);
  if (!STORE_MODES.includes(options.mode)) fail('mode', `must be one of ${STORE_MODES.join(', ')}`, options.mode);
  const replicas = replicaIds(options.replicas);
  const clients = clientSpecs(options.clients, replicas);
  const resolve = options.resolve ?? 'lww';
  if (!CONFLICT_RESOLUTIONS.includes(resolve)) fail('resolve', `must be one of ${CONFLICT_RESOLUTIONS.join(', ')}`, resolve);
  if (options.mode === 'cp' && options.resolve !== undefined) fail('resolve', 'is for ap and dynamo (cp orders writes by ABD timestamps)', options.resolve);
  const q = options.quorum;
  if (q !== undefined && options.mode !== 'dynamo') fail('quorum', 'is only for mode "dynamo"', q);
  const n = q?.n ?? replicas.length;
  const majorityOfN = Math.floor(n / 2) + 1;
  const [r, w] = [q?.r ?? majorityOfN, q?.w ?? majorityOfN];
  if (!isCount(n) || n > replicas.length) fail('quorum.n', `must be an integer from 1 to the number of replicas (${replicas.length})`, n);
  if (!isCount(r) || r > n) fail('quorum.r', `must be an integer from 1 to n = ${n}`, r);
  if (!isCount(w) || w > n) fail('quorum.w', `must be an integer from 1 to n = ${n}`, w);
  if (options.mode === 'cp' && options.antiEntropyMs != null) fail('antiEntropyMs', 'is for ap and dynamo (cp keeps a majority up to date)', options.antiEntropyMs);
  const antiEntropyMs = options.antiEntropyMs === undefined ? (options.mode === 'ap' ? 100 : null) : options.antiEntropyMs;
  if (antiEntropyMs !== null && (typeof antiEntropyMs !== 'number' || !(antiEntropyMs > 0) || !Number.isFinite(antiEntropyMs))) {
    fail('antiEntropyMs', 'must be a positive number of milliseconds or null', antiEntropyMs);
  }
  const quorumTimeoutMs = options.quorumTimeoutMs ?? 250;
  checkMs('quorumTimeoutMs', quorumTimeoutMs);
  const untilMs = options.untilMs ?? 3000;
  checkMs('untilMs', untilMs);
  const sessions = options.sessions ?? [];
  if (!Array.isArray(sessions)) fail('sessions', 'must be a list of guarantees', sessions);
  sessions.forEach((g, i) => SESSION_GUARANTEES.includes(g) || fail(`sessions[${i}]`, `must be one of ${SESSION_GUARANTEES.join(', ')}`, g));
  if (options.readRule !== undefined && typeof options.readRule !== 'function') fail('readRule', 'must be a function (see ReadRule)', options.readRule);
  if (options.routing !== undefined && options.routing !== 'home' && options.routing !== 'random') fail('routing', 'must be "home" or "random"', options.routing);
  const timeoutMs = options.workload?.timeoutMs ?? 600;
  const workload: Workload = { keys: ['x', 'y'], readFraction: 0.5, thinkMinMs: 10, thinkMaxMs: 30, timeoutMs, stopAtMs: Math.max(0, untilMs - timeoutMs - 100), ...options.workload };
  if (!Array.isArray(workload.keys) || workload.keys.length === 0 || workload.keys.some((k) => typeof k !== 'string')) fail('workload.keys', 'must be a non-empty list of strings', workload.keys);
  if (typeof workload.readFraction !== 'number' || !(workload.readFraction >= 0 && workload.readFraction <= 1)) fail('workload.readFraction', 'must be between 0 and 1', workload.readFraction);
  for (const f of ['thinkMinMs', 'thinkMaxMs', 'timeoutMs', 'stopAtMs'] as const) checkMs(`workload.${f}`, workload[f]);
  if (workload.thinkMaxMs < workload.thinkMinMs) fail('workload.thinkMaxMs', `must be at least thinkMinMs = ${workload.thinkMinMs}`, workload.thinkMaxMs);
  if (!(workload.timeoutMs > 0)) fail('workload.timeoutMs', 'must be positive', workload.timeoutMs);
  const p = options.partition;
  if (p !== undefined) {
    checkMs('partition.atMs', p.atMs);
    if (p.healAtMs !== undefined && !(typeof p.healAtMs === 'number' && p.healAtMs > p.atMs)) fail('partition.healAtMs', `must be after atMs = ${p.atMs}`, p.healAtMs);
    if (!Array.isArray(p.groups)) fail('partition.groups', 'must be a list of lists of replica ids', p.groups);
    p.groups.flat().forEach((id) => replicas.includes(id) || fail('partition.groups', `must name only replicas (${replicas.join(', ')})`, id));
  }
  for (const id of Object.keys(options.clocks ?? {})) if (!replicas.includes(id)) fail(`clocks.${id}`, 'must name a replica (clients keep perfect clocks)', id);
  const readWriteBack = options.readWriteBack ?? true;
  if (typeof readWriteBack !== 'boolean') fail('readWriteBack', 'must be true or false', readWriteBack);
  if (options.mode !== 'cp' && options.readWriteBack !== undefined) fail('readWriteBack', 'is only for mode "cp"', options.readWriteBack);
  const config: ReplicaConfig = { mode: options.mode, resolve, replicas, n, r, w, readRepair: options.readRepair ?? true, antiEntropyMs, quorumTimeoutMs, readWriteBack };
  return { config, clients, workload, untilMs };
}

/**
 * The stamp each written value got, from the replicas' `stamp` log lines (the store's arbitration of writes). A
 * value names its write because clients write values unique in a run (`c1-0`, `c1-1`, …); every stamp is unique
 * too (see `Version`), so two writes never tie in `lostWrites` or in the replicas' merges.
 */
export function stampsOf(trace: Trace): Record<string, Version> {
  const out: Record<string, Version> = {};
  for (const e of eventsOfKind(trace, 'log')) {
    if (e.text !== 'stamp') continue;
    const { key: _key, ...version } = e.data as Version & { key: string };
    out[version.value] = version;
  }
  return out;
}

/** Runs the store with its clients and returns the trace, the history and the rest of `StoreRun`. Same options, same run. */
export function runStore(options: StoreRunOptions): StoreRun {
  const { config, clients, workload, untilMs } = resolveStoreOptions(options);
  const sessions = options.sessions ?? [];
  const readRule = options.readRule ?? (sessions.includes('read-your-writes') || sessions.includes('monotonic-reads') ? sessionReadRule : firstReply);
  const nodes: Record<NodeId, NodeBehavior<unknown, StoreMessage>> = {};
  const replica = storeReplica(config) as NodeBehavior<unknown, StoreMessage>;
  for (const id of config.replicas) nodes[id] = replica;
  for (const c of clients) {
    nodes[c.id] = storeClient({ home: c.home, replicas: config.replicas, routing: options.routing ?? 'home', guarantees: sessions, readRule, resolve: config.resolve, workload }) as NodeBehavior<unknown, StoreMessage>;
  }
  // The simulator puts nodes named in no group together; the store does the same with replicas, so the side of a
  // replica is its group's members, or the rest.
  const groups = options.partition?.groups.map((g) => g.slice().sort()) ?? [];
  const rest = config.replicas.filter((id) => !groups.some((g) => g.includes(id)));
  const sides = groups.length > 0 && rest.length > 0 ? [...groups, rest] : groups;
  const sideOfReplica = (id: NodeId): string => (sides.length === 0 ? 'all' : (sides.find((g) => g.includes(id)) as NodeId[]).join(', '));
  const homeOf = new Map(clients.map((c) => [c.id, c.home]));
  const interventions: Intervention[] = [];
  if (options.partition !== undefined) {
    const withClients = sides.map((g) => [...g, ...clients.filter((c) => g.includes(c.home)).map((c) => c.id)]);
    interventions.push({ atMs: options.partition.atMs, kind: 'partition', groups: withClients });
    if (options.partition.healAtMs !== undefined) interventions.push({ atMs: options.partition.healAtMs, kind: 'heal' });
  }
  const simulation = new Simulation<unknown, StoreMessage>({
    seed: options.seed,
    nodes,
    network: options.network,
    clocks: options.clocks,
    interventions,
    trace: { recordState: false, maxEvents: 1_000_000, ...options.trace },
  });
  simulation.runUntil(untilMs);
  const trace = simulation.trace();
  const states = simulation.states();
  const finalData: Record<NodeId, Record<string, Version[]>> = {};
  for (const id of config.replicas) finalData[id] = (states[id] as { data: Record<string, Version[]> }).data;
  return {
    trace,
    history: historyOf(trace),
    replicas: config.replicas,
    clients,
    sideOf: (process) => sideOfReplica(homeOf.get(clientOfProcess(process)) ?? ''),
    finalData,
    stamps: stampsOf(trace),
    config,
    workload,
  };
}

/** Whether every replica ends with the same versions of every key (anti-entropy's convergence). */
export function replicasConverged(finalData: Record<NodeId, Record<string, Version[]>>): boolean {
  const texts = Object.values(finalData).map((data) => JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]])));
  return texts.every((t) => t === texts[0]);
}

// ---- Metrics. ----------------------------------------------------------------------------------------------------

type KvOp = Operation<KvInput, KvOutput>;

function okPutsByKey(history: History<KvInput, KvOutput>): Map<string, KvOp[]> {
  const out = new Map<string, KvOp[]>();
  for (const op of history) if (op.input.f === 'put' && op.status === 'ok') (out.get(op.input.key) ?? out.set(op.input.key, []).get(op.input.key) as KvOp[]).push(op);
  return out;
}

/** A stale read, with a write that shows it: `newer` completed before the read began, after `older` had completed. */
export interface StaleRead {
  read: KvOp;
  /** The acknowledged write whose value the read returned (null: the read returned the initial, empty value). */
  older: KvOp | null;
  newer: KvOp;
}

/**
 * Stale reads, defined on the history alone, per key. An `ok` get is stale when some `ok` put `newer` of its key
 * returned before the get was invoked and either the get returned the initial value `''`, or one of the values it
 * returned (siblings split on `|`) was written by an `ok` put `older` that returned before `newer` was invoked.
 * In words: the read saw a value that a later write had already replaced, in real time, before the read began.
 * A linearizable history has none (that order is forced by real time); the converse does not hold.
 */
export function staleReads(history: History<KvInput, KvOutput>): StaleRead[] {
  const puts = okPutsByKey(history);
  const writerOf = new Map<string, KvOp>();
  for (const list of puts.values()) for (const op of list) writerOf.set((op.input as { value: string }).value, op);
  // For each key, acknowledged puts by invocation time and the earliest return among those invoked at or after each.
  const sorted = new Map<string, { byInvoke: KvOp[]; earliestReturnFrom: number[] }>();
  for (const [key, list] of puts) {
    const byInvoke = list.slice().sort((a, b) => a.invokeMs - b.invokeMs);
    const earliestReturnFrom = new Array<number>(byInvoke.length + 1).fill(Infinity);
    for (let i = byInvoke.length - 1; i >= 0; i--) earliestReturnFrom[i] = Math.min(earliestReturnFrom[i + 1] as number, (byInvoke[i] as KvOp).returnMs as number);
    sorted.set(key, { byInvoke, earliestReturnFrom });
  }
  // The first put of the key invoked after `afterMs` to return, or null.
  const firstReplacing = (key: string, afterMs: number): KvOp | null => {
    const s = sorted.get(key);
    if (s === undefined) return null;
    let i = s.byInvoke.findIndex((op) => op.invokeMs > afterMs);
    if (i < 0) return null;
    const best = s.earliestReturnFrom[i] as number;
    for (; i < s.byInvoke.length; i++) if ((s.byInvoke[i] as KvOp).returnMs === best) return s.byInvoke[i] as KvOp;
    return null;
  };
  const out: StaleRead[] = [];
  for (const op of history) {
    if (op.input.f !== 'get' || op.status !== 'ok') continue;
    const key = op.input.key;
    const value = op.output ?? '';
    const olders = value === '' ? [null] : value.split(SIBLING_SEPARATOR).map((v) => writerOf.get(v)).filter((w): w is KvOp => w !== undefined);
    for (const older of olders) {
      const newer = firstReplacing(key, older === null ? -Infinity : (older.returnMs as number));
      if (newer !== null && (newer.returnMs as number) < op.invokeMs) {
        out.push({ read: op, older, newer });
        break;
      }
    }
  }
  return out;
}

/** A lost write, with the write that beat it: `winner` returned before `lost` was invoked, yet was stamped after it. */
export interface LostWrite {
  lost: KvOp;
  winner: KvOp;
}

/**
 * Lost writes, from the history and the stamps the store gave each write (`stampsOf`). An `ok` put is lost when
 * an `ok` put `winner` of the same key returned before it was invoked and yet the store's order puts the winner
 * after it (its stamp supersedes the lost write's). Once the replicas converge on the highest stamps, the lost
 * value can never be read again, and no write that began after it replaced it: it was replaced by an older one.
 * This is the signature of last-writer-wins under clock skew. Puts without a stamp are ignored.
 */
export function lostWrites(history: History<KvInput, KvOutput>, stamps: Record<string, Version>): LostWrite[] {
  const out: LostWrite[] = [];
  for (const list of okPutsByKey(history).values()) {
    for (const lost of list) {
      const mine = stamps[(lost.input as { value: string }).value];
      if (mine === undefined) continue;
      const winner = list.find((w) => {
        const theirs = stamps[(w.input as { value: string }).value];
        return (w.returnMs as number) < lost.invokeMs && theirs !== undefined && compareVersions(theirs, mine) === 'after';
      });
      if (winner !== undefined) out.push({ lost, winner });
    }
  }
  return out.sort((a, b) => a.lost.id - b.lost.id);
}

/**
 * One row of `metricsOverTime`: operations invoked in [`fromMs`, `toMs`) by processes on `side`.
 * `issued` counts them, `ok`/`fail`/`info` by outcome, `answered` is ok / issued (null when none was issued).
 * `reads` counts ok gets and `staleReads` those of them that are stale; `writes` counts ok puts and `lostWrites`
 * those of them that are lost (0 when no stamps were given).
 */
export interface MetricsRow {
  fromMs: number;
  toMs: number;
  side: string;
  issued: number;
  ok: number;
  fail: number;
  info: number;
  answered: number | null;
  reads: number;
  staleReads: number;
  writes: number;
  lostWrites: number;
}

/**
 * The chapter's first figure as numbers: per time bucket of `bucketMs` (by invocation time, from 0 to the last
 * invocation) and per side (`sideOf(process)`, default one side `all`), the rows described in `MetricsRow`, in
 * time order, sides sorted within a bucket; a side with no operation in a bucket has no row there.
 */
export function metricsOverTime(
  history: History<KvInput, KvOutput>,
  options: { bucketMs: number; sideOf?: (process: string) => string; stamps?: Record<string, Version> },
): MetricsRow[] {
  const { bucketMs } = options;
  if (!(bucketMs > 0) || !Number.isFinite(bucketMs)) fail('bucketMs', 'must be a positive number of milliseconds', bucketMs);
  const sideOf = options.sideOf ?? (() => 'all');
  const stale = new Set(staleReads(history).map((s) => s.read.id));
  const lost = new Set(options.stamps === undefined ? [] : lostWrites(history, options.stamps).map((l) => l.lost.id));
  const rows = new Map<string, MetricsRow>();
  for (const op of history) {
    const bucket = Math.floor(op.invokeMs / bucketMs);
    const side = sideOf(op.client);
    const id = `${String(bucket).padStart(9, '0')}|${side}`;
    let row = rows.get(id);
    if (row === undefined) {
      row = { fromMs: bucket * bucketMs, toMs: (bucket + 1) * bucketMs, side, issued: 0, ok: 0, fail: 0, info: 0, answered: null, reads: 0, staleReads: 0, writes: 0, lostWrites: 0 };
      rows.set(id, row);
    }
    row.issued++;
    row[op.status]++;
    if (op.status === 'ok' && op.input.f === 'get') {
      row.reads++;
      if (stale.has(op.id)) row.staleReads++;
    }
    if (op.status === 'ok' && op.input.f === 'put') {
      row.writes++;
      if (lost.has(op.id)) row.lostWrites++;
    }
  }
  return [...rows.keys()].sort().map((id) => {
    const row = rows.get(id) as MetricsRow;
    return { ...row, answered: row.ok / row.issued };
  });
}

/**
 * The nearest-rank percentile: the smallest value with at least `p` percent of the values at or below it
 * (`values` sorted ascending; the value at rank ⌈p/100 · n⌉). NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** One (R, W) setting of the sweep: latency of ok reads and writes (return − invoke, ms) and stale reads / ok reads. */
export interface QuorumSweepRow {
  n: number;
  r: number;
  w: number;
  reads: number;
  writes: number;
  readP50Ms: number;
  readP99Ms: number;
  writeP50Ms: number;
  writeP99Ms: number;
  staleReadFraction: number;
}

/**
 * PACELC's "else" branch (Abadi 2012, §3): with no partition, a Dynamo store with N = 3 replicas and the same
 * seeded workload for every (R, W) in `pairs` (default all nine). Lower R and W answer after fewer, faster
 * replies; R + W ≤ N lets a read miss the latest acknowledged write. Defaults: six clients, one key, reads 60%,
 * think time 0 to 10 ms, lognormal latency (median 10 ms, σ 1.2, at least 1 ms: a tail long enough for a read to
 * overtake a write's stores), no read repair (so only the quorums decide), 4,000 ms. `options` overrides any of
 * the store's settings except mode and quorum.
 */
export function quorumSweep(options: Omit<StoreRunOptions, 'mode' | 'quorum'> & { pairs?: [number, number][] }): QuorumSweepRow[] {
  const { pairs, ...rest } = options;
  const all: [number, number][] = pairs ?? [1, 2, 3].flatMap((r) => [1, 2, 3].map((w): [number, number] => [r, w]));
  return all.map(([r, w]) => {
    const run = runStore({
      replicas: 3,
      clients: 6,
      readRepair: false,
      network: { latency: { kind: 'lognormal', medianMs: 10, sigma: 1.2, minMs: 1 } },
      untilMs: 4000,
      trace: { recordState: false },
      ...rest,
      workload: { keys: ['x'], readFraction: 0.6, thinkMinMs: 0, thinkMaxMs: 10, ...rest.workload },
      mode: 'dynamo',
      quorum: { n: 3, r, w },
    });
    const okOps = run.history.filter((op) => op.status === 'ok');
    const latency = (f: 'get' | 'put') => okOps.filter((op) => op.input.f === f).map((op) => (op.returnMs as number) - op.invokeMs);
    const reads = latency('get');
    const writes = latency('put');
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      n: 3,
      r,
      w,
      reads: reads.length,
      writes: writes.length,
      readP50Ms: round(percentile(reads, 50)),
      readP99Ms: round(percentile(reads, 99)),
      writeP50Ms: round(percentile(writes, 50)),
      writeP99Ms: round(percentile(writes, 99)),
      staleReadFraction: reads.length === 0 ? 0 : round(staleReads(run.history).length / reads.length),
    };
  });
}
