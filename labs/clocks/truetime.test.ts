// Method: run the commit protocol over many seeds and clock offsets and judge each run with the external-
// consistency checker: no violation with commit wait while every |offset| ≤ ε, a violation without it (or when
// the model's assumption is broken), and commit latency measured against the 2ε the wait should cost.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkExternalConsistency, COMMIT_WAIT_MARGIN_MS, runTrueTime, serverFor, ttNow } from './truetime';
import type { Commit } from './truetime';
import type { TraceEventOf } from '../sim/trace';

const EPSILON_MS = 4; // Spanner §3: "ε is therefore 4 ms most of the time"

describe('Spanner §3: TrueTime', () => {
  it('returns [pt − ε, pt + ε]', () => {
    expect(ttNow(100, 4)).toEqual({ earliest: 96, latest: 104 });
  });
});

describe('Spanner §4.1.2: commit wait gives external consistency', () => {
  it('never violates it while every clock is within ε of true time, for any seed and offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (seed, a, b) => {
          const { commits } = runTrueTime({ seed, epsilonMs: EPSILON_MS, commitWait: true, clockOffsetsMs: { a: a * EPSILON_MS, b: b * EPSILON_MS } });
          expect(commits).toHaveLength(10);
          expect(checkExternalConsistency(commits).status).toBe('ok');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is violated without commit wait at the default offsets (a 0.8ε ahead, b 0.8ε behind)', () => {
    for (let seed = 0; seed < 50; seed++) {
      const { commits, trace } = runTrueTime({ seed, epsilonMs: EPSILON_MS, commitWait: false });
      const result = checkExternalConsistency(commits);
      expect(result.status, `seed ${seed}`).toBe('violation');
      if (result.status !== 'violation') continue;
      // The smallest counterexample: a commit on a (clock ahead) followed by one on b (clock behind).
      expect(result.events).toHaveLength(2);
      for (const e of result.events) expect(e).toEqual(trace.events[e.seq]);
      expect(result.events.map((e) => ((e as TraceEventOf<'log'>).data as { node: string }).node)).toEqual(['a', 'b']);
    }
  });

  it('is violated even with commit wait when a clock is further than ε from true time (the assumption broken)', () => {
    const { commits } = runTrueTime({ seed: 1, epsilonMs: EPSILON_MS, commitWait: true, clockOffsetsMs: { a: 3 * EPSILON_MS, b: -3 * EPSILON_MS } });
    expect(checkExternalConsistency(commits).status).toBe('violation');
  });

  it('costs about 2ε per commit: the wait, plus one round trip and a microsecond', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { commits, trace } = runTrueTime({ seed, epsilonMs: EPSILON_MS, commitWait: true, latency: { kind: 'uniform', minMs: 0.5, maxMs: 1.5 } });
      for (const c of commits) {
        const latencyMs = c.replyMs - c.startMs;
        expect(latencyMs).toBeGreaterThanOrEqual(2 * EPSILON_MS + 2 * 0.5);
        expect(latencyMs).toBeLessThanOrEqual(2 * EPSILON_MS + 2 * 1.5 + COMMIT_WAIT_MARGIN_MS + 1e-9);
      }
      // Each server timer fired once: the margin is enough for TT.after(s) to hold at the first check.
      expect(trace.stats.timers).toBe(10);
      const noWait = runTrueTime({ seed, epsilonMs: EPSILON_MS, commitWait: false });
      for (const c of noWait.commits) expect(c.replyMs - c.startMs).toBeLessThanOrEqual(3);
    }
  });

  it('runs transactions one at a time, alternating a and b, each starting when the last is acknowledged', () => {
    const { commits } = runTrueTime({ seed: 7, epsilonMs: EPSILON_MS, commitWait: true, transactions: 6 });
    expect(commits.map((c) => `${c.txn}@${c.node}`)).toEqual(['1@a', '2@b', '3@a', '4@b', '5@a', '6@b']);
    expect(commits.map((c) => c.node)).toEqual([1, 2, 3, 4, 5, 6].map(serverFor));
    commits.slice(1).forEach((c, i) => expect(c.startMs).toBe((commits[i] as Commit).replyMs));
  });
});

describe('the external-consistency checker', () => {
  const commit = (txn: number, startMs: number, replyMs: number, commitTs: number): Commit => ({ txn, node: serverFor(txn), startMs, commitTs, replyMs });

  it('relates only transactions whose order in real time is known', () => {
    // 1 and 2 overlap, so their timestamps may go either way; 3 starts after both ended.
    const ok = [commit(1, 0, 10, 8), commit(2, 5, 15, 7), commit(3, 15, 20, 18)];
    expect(checkExternalConsistency(ok)).toEqual({ status: 'ok', property: 'external consistency: T1 acknowledged no later than T2 starts implies s1 < s2' });
    const bad = [commit(1, 0, 10, 8), commit(2, 5, 15, 7), commit(3, 15, 20, 8)];
    expect(checkExternalConsistency(bad)).toMatchObject({ status: 'violation', failure: 'safety', events: [] });
    const result = checkExternalConsistency(bad);
    if (result.status === 'violation') expect(result.message).toMatch(/^txn 1 .* before txn 3 .* 8 is not less than 8$/);
  });
});
