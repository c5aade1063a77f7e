/**
 * Method: the session guarantees of Terry et al. (1994, §3) are checked on the clients' histories by naive oracles
 * written here from the definitions, reading the store's own order of writes (the stamps its replicas logged): each
 * guarantee asked for is never violated across seeds, and the same runs without it violate it, so the oracle can
 * tell the difference. The store runs in `ap` mode with clients routed to random replicas (a load balancer), which
 * is where sessions matter. History recording is checked on a hand-made trace, and the read rule's contract on
 * rules that break it.
 */
import { describe, expect, it } from 'vitest';
import { NodeError } from '../sim/simulation';
import type { Trace, TraceEvent } from '../sim/trace';
import type { History } from './history';
import type { KvInput, KvOutput } from './data-types';
import { compareVersions } from './store';
import type { Version } from './store';
import { clientOfProcess, firstReply, historyOf, registerHistoryOf } from './clients';
import type { ReadRule } from './clients';
import type { SessionGuarantee } from './session';
import { runStore } from './store-run';
import type { StoreRunOptions } from './store-run';

const network = { latency: { kind: 'lognormal' as const, medianMs: 10, sigma: 1.2, minMs: 1 } };
const workload = { keys: ['x'], thinkMinMs: 0, thinkMaxMs: 5 };

function sessionRun(seed: number, sessions: SessionGuarantee[], extra: Partial<StoreRunOptions> = {}) {
  return runStore({ seed, mode: 'ap', routing: 'random', network, workload, sessions, ...extra });
}

type Stamped = { op: History<KvInput, KvOutput>[number]; stamps: Version[] };

/** Each process's ok operations in session order, each with the stamps of the values it wrote or read. */
function sessions(history: History<KvInput, KvOutput>, stamps: Record<string, Version>): Map<string, Stamped[]> {
  const out = new Map<string, Stamped[]>();
  for (const op of history.slice().sort((a, b) => a.invokeMs - b.invokeMs)) {
    if (op.status !== 'ok') continue;
    const values = op.input.f === 'put' ? [op.input.value] : String(op.output).split('|').filter((v) => v !== '');
    (out.get(op.client) ?? out.set(op.client, []).get(op.client) as Stamped[]).push({ op, stamps: values.map((v) => stamps[v] as Version) });
  }
  return out;
}

/** Some stamp in `read` is `v` or comes after it in the store's order. */
const sees = (read: Version[], v: Version) => read.some((r) => compareVersions(r, v) === 'after' || compareVersions(r, v) === 'equal');

/** Terry §3's four guarantees, for one key, as violations counted by walking each session in order. */
function violations(history: History<KvInput, KvOutput>, stamps: Record<string, Version>): Record<SessionGuarantee, number> {
  const count: Record<SessionGuarantee, number> = { 'read-your-writes': 0, 'monotonic-reads': 0, 'monotonic-writes': 0, 'writes-follow-reads': 0 };
  for (const ops of sessions(history, stamps).values()) {
    let lastWrite: Version | null = null;
    let lastRead: Version[] = [];
    for (const { op, stamps: mine } of ops) {
      if (op.input.f === 'get') {
        if (lastWrite !== null && !sees(mine, lastWrite)) count['read-your-writes']++; // my last write, or newer
        if (!lastRead.every((v) => sees(mine, v))) count['monotonic-reads']++; // nothing older than what I read
        lastRead = mine;
      } else {
        const [w] = mine as [Version];
        if (lastWrite !== null && compareVersions(w, lastWrite) !== 'after') count['monotonic-writes']++;
        if (lastRead.some((v) => compareVersions(w, v) !== 'after')) count['writes-follow-reads']++;
        lastWrite = w;
      }
    }
  }
  return count;
}

describe('Terry et al. 1994 §3: session guarantees on the store, against naive oracles', () => {
  it('read your writes and monotonic reads: never violated when asked for, violated in the same runs when not', () => {
    for (const g of ['read-your-writes', 'monotonic-reads'] as const) {
      let without = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const on = sessionRun(seed, [g]);
        expect(violations(on.history, on.stamps)[g], `${g} on, seed ${seed}`).toBe(0);
        // Reads are still answered: the rule waits for a replica to catch up rather than refusing.
        expect(on.history.filter((op) => op.input.f === 'get' && op.status === 'ok').length).toBeGreaterThan(20);
        const off = sessionRun(seed, []);
        without += violations(off.history, off.stamps)[g];
      }
      expect(without, g).toBeGreaterThan(0);
    }
  });

  it('monotonic writes and writes follow reads: stamped after the session, even by a replica whose clock is 200 ms behind', () => {
    const clocks = { c: { offsetMs: -200 } };
    for (const g of ['monotonic-writes', 'writes-follow-reads'] as const) {
      let without = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const on = sessionRun(seed, [g], { clocks });
        expect(violations(on.history, on.stamps)[g], `${g} on, seed ${seed}`).toBe(0);
        const off = sessionRun(seed, [], { clocks });
        without += violations(off.history, off.stamps)[g];
      }
      expect(without, g).toBeGreaterThan(0);
    }
  });

  it('all four at once, with version vectors: none violated', () => {
    const all: SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'writes-follow-reads'];
    for (let seed = 1; seed <= 6; seed++) {
      const run = sessionRun(seed, all, { resolve: 'version-vectors', clocks: { c: { offsetMs: -200 } } });
      const v = violations(run.history, run.stamps);
      for (const g of all) expect(v[g], `${g}, seed ${seed}`).toBe(0);
    }
  });
});

describe('the read rule: a pluggable read path and its contract', () => {
  it('a rule that refuses every read leaves every read failed, with its reason in the trace', () => {
    const refuse: ReadRule = () => ({ refuse: 'closed' });
    const run = runStore({ seed: 1, mode: 'ap', readRule: refuse });
    const reads = run.history.filter((op) => op.input.f === 'get');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((op) => op.status === 'fail')).toBe(true);
    expect(run.trace.events.some((e) => e.kind === 'log' && e.text === 'complete' && (e.data as { note?: string }).note === 'closed')).toBe(true);
  });

  it('a rule that waits on the same replica sees each reply in order', () => {
    const seen: number[] = [];
    const twice: ReadRule = (input) => {
      seen.push(input.replies.length);
      return input.replies.length < 2 ? { ask: input.asked[0] as string, delayMs: 5 } : { answer: 1 };
    };
    const run = runStore({ seed: 1, mode: 'ap', readRule: twice, clients: 1, untilMs: 1500 });
    expect(run.history.some((op) => op.input.f === 'get' && op.status === 'ok')).toBe(true);
    expect(seen.slice(0, 4)).toEqual([1, 2, 1, 2]);
  });

  it('a rule that breaks the contract stops the run with an error naming the client and the fault', () => {
    const bad: [ReadRule, RegExp][] = [
      [() => ({ answer: 3 }), /c\d.*answered reply 3, but there are 1 replies/],
      [() => ({ ask: 'z' }), /asked "z", which is not a replica/],
      [() => ({}) as never, /must return \{ answer \}, \{ ask \} or \{ refuse \}/],
    ];
    for (const [rule, message] of bad) {
      let error: unknown;
      try {
        runStore({ seed: 1, mode: 'ap', readRule: rule });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NodeError);
      expect(String((error as Error).message)).toMatch(message);
    }
    expect(firstReply({ key: 'x', guarantees: [], session: { written: {}, read: {} }, replies: [], replicas: [], asked: [] })).toEqual({ answer: 0 });
  });
});

describe('recording histories (Herlihy and Wing 1990 §2; Jepsen processes)', () => {
  const log = (seq: number, t: number, node: string, text: string, data: unknown): TraceEvent => ({ seq, t, kind: 'log', node, text, data });
  const trace: Trace = {
    seed: 0,
    nodes: ['a', 'c1', 'c2'],
    endMs: 100,
    truncated: false,
    stats: { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 },
    events: [
      log(0, 1, 'c1', 'invoke', { op: 0, input: { f: 'put', key: 'x', value: 'c1-0' } }),
      log(1, 2, 'c2', 'invoke', { op: 0, input: { f: 'get', key: 'x' } }),
      log(2, 3, 'a', 'stamp', { key: 'x', value: 'c1-0', time: 3, node: 'a' }),
      log(3, 5, 'c2', 'complete', { op: 0, status: 'ok', output: '' }),
      log(4, 30, 'c1', 'complete', { op: 0, status: 'info', note: 'timed out' }),
      log(5, 40, 'c1', 'invoke', { op: 1, input: { f: 'get', key: 'x' } }),
      log(6, 45, 'c1', 'complete', { op: 1, status: 'ok', output: 'c1-0' }),
      log(7, 50, 'c2', 'invoke', { op: 1, input: { f: 'put', key: 'y', value: 'c2-1' } }),
      log(8, 52, 'c2', 'complete', { op: 1, status: 'fail', note: 'no majority' }),
      log(9, 60, 'c2', 'invoke', { op: 2, input: { f: 'get', key: 'y' } }),
    ],
  };

  it('numbers operations in invocation order; info has no return; a client goes on as a new process after info', () => {
    expect(historyOf(trace)).toEqual([
      { id: 0, client: 'c1', input: { f: 'put', key: 'x', value: 'c1-0' }, status: 'info', invokeMs: 1 },
      { id: 1, client: 'c2', input: { f: 'get', key: 'x' }, status: 'ok', invokeMs: 2, returnMs: 5, output: '' },
      { id: 2, client: 'c1~1', input: { f: 'get', key: 'x' }, status: 'ok', invokeMs: 40, returnMs: 45, output: 'c1-0' },
      { id: 3, client: 'c2', input: { f: 'put', key: 'y', value: 'c2-1' }, status: 'fail', invokeMs: 50, returnMs: 52 },
      // Still open when the trace ends: indeterminate.
      { id: 4, client: 'c2', input: { f: 'get', key: 'y' }, status: 'info', invokeMs: 60 },
    ]);
    expect(clientOfProcess('c1~1')).toBe('c1');
  });

  it('projects one key onto a register history (missing reads as unset)', () => {
    expect(registerHistoryOf(historyOf(trace), 'x')).toEqual([
      { id: 0, client: 'c1', input: { f: 'write', value: 'c1-0' }, status: 'info', invokeMs: 1 },
      { id: 1, client: 'c2', input: { f: 'read' }, status: 'ok', invokeMs: 2, returnMs: 5, output: null },
      { id: 2, client: 'c1~1', input: { f: 'read' }, status: 'ok', invokeMs: 40, returnMs: 45, output: 'c1-0' },
    ]);
  });
});
