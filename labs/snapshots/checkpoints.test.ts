// Method: rollback propagation is compared with a brute-force oracle that tries every combination of checkpoints,
// keeps the consistent ones and takes the greatest (fast-check over random runs of the clocks chapter's exchange,
// random checkpoint placements and a random failed node). A diagram worked by hand shows the domino effect round
// by round (Randell 1975), and the same run with one coordinated checkpoint stops at it. Seeded bank runs with
// Chandy-Lamport snapshots as checkpoints (Elnozahy et al. 2002 §3, coordinated checkpointing) never roll back
// behind the last complete snapshot, while uncoordinated checkpoints of the very same runs cascade, in some runs to
// the initial states.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ProcessEvent } from '../clocks/causality';
import { runExchange } from '../clocks/exchange';
import { vectorClock } from '../clocks/logical';
import { appEvents, checkCut, cutOfSnapshot } from './cuts';
import { STATE_RECORDED_LOG } from './layer';
import { recoveryLine, recoveryLineByEnumeration, runCheckpointing, snapshotCheckpoints } from './checkpoints';
import type { Checkpoint } from './checkpoints';

/**
 * p: p1 send m1, [P1], p2 receive m2, [P2], p3 send m3, p4 receive m4.
 * q: q1 receive m1, [Q1], q2 send m2, q3 receive m3, [Q2], q4 send m4.
 */
const zigzag: ProcessEvent[] = [
  { id: 'p1', node: 'p', index: 1, kind: 'send' },
  { id: 'p2', node: 'p', index: 2, kind: 'receive', from: 'q2' },
  { id: 'p3', node: 'p', index: 3, kind: 'send' },
  { id: 'p4', node: 'p', index: 4, kind: 'receive', from: 'q4' },
  { id: 'q1', node: 'q', index: 1, kind: 'receive', from: 'p1' },
  { id: 'q2', node: 'q', index: 2, kind: 'send' },
  { id: 'q3', node: 'q', index: 3, kind: 'receive', from: 'p3' },
  { id: 'q4', node: 'q', index: 4, kind: 'send' },
];
const P1: Checkpoint = { node: 'p', index: 1, label: 'P1' };
const P2: Checkpoint = { node: 'p', index: 2, label: 'P2' };
const Q1: Checkpoint = { node: 'q', index: 1, label: 'Q1' };
const Q2: Checkpoint = { node: 'q', index: 3, label: 'Q2' };

describe('Rollback propagation and the domino effect (Randell 1975; Elnozahy et al. 2002 §3, uncoordinated checkpointing)', () => {
  it('a diagram worked by hand: q fails, and each rollback orphans a message of the one before', () => {
    const r = recoveryLine(zigzag, [P1, P2, Q1, Q2], 'q');
    // q restarts from Q2, so q4 is unsent but p4 received it: p goes back to P2, unsending p3, which q3 received
    // before Q2: q goes back to Q1, unsending q2, which p2 received: p goes back to P1. {p: 1, q: 1} is consistent.
    expect(r.start).toEqual({ p: 4, q: 3 });
    expect(r.rounds.map((round) => round.map((b) => `${b.node}:${b.fromIndex}→${b.toIndex} (${b.orphan.send}→${b.orphan.receive})`))).toEqual([
      ['p:4→2 (q4→p4)'],
      ['q:3→1 (p3→q3)'],
      ['p:2→1 (q2→p2)'],
    ]);
    expect(r.line).toEqual({ p: P1, q: Q1 });
    expect(r.undone).toEqual({ p: 3, q: 3 });
    expect(r.rolledBackEvents).toBe(6);
    expect(r.domino).toBe(true);
    expect(r.toInitial).toEqual([]);
    expect(recoveryLineByEnumeration(zigzag, [P1, P2, Q1, Q2], 'q')).toEqual(r.cut);
  });

  it('without P1 the cascade reaches the initial states of both processes', () => {
    const r = recoveryLine(zigzag, [P2, Q1, Q2], 'q');
    expect(r.line).toEqual({ p: 'initial', q: 'initial' });
    expect(r.rounds).toHaveLength(4);
    expect(r.toInitial).toEqual(['p', 'q']);
    expect(r.rolledBackEvents).toBe(8);
  });

  it('one coordinated checkpoint (a consistent cut) stops the cascade at once', () => {
    const s1 = [{ node: 'p', index: 2, label: 's1' }, { node: 'q', index: 2, label: 's1' }];
    expect(checkCut(zigzag, { p: 2, q: 2 }).consistent).toBe(true);
    const r = recoveryLine(zigzag, s1, 'q');
    expect(r.cut).toEqual({ p: 2, q: 2 });
    expect(r.rounds).toHaveLength(1);
    expect(r.domino).toBe(false);
    expect(r.rolledBackEvents).toBe(4);
  });

  it('refuses checkpoints and failures that do not fit the run', () => {
    expect(() => recoveryLine(zigzag, [{ node: 'p', index: 5, label: 'X' }], 'q')).toThrow(/from 0 to 4/);
    expect(() => recoveryLine(zigzag, [{ node: 'r', index: 0, label: 'X' }], 'q')).toThrow(/node "r"/);
    expect(() => recoveryLine(zigzag, [], 'r')).toThrow(/failed node "r"/);
  });

  it('equals the brute-force oracle (the greatest consistent combination of checkpoints) on random runs and placements', () => {
    let cascades = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.nat(3),
        fc.constantFrom('keep' as const, 'restore' as const),
        (seed, nodeCount, draws, failedAt, survivors) => {
          const nodes = ['a', 'b', 'c', 'd'].slice(0, nodeCount);
          const { events } = runExchange(vectorClock, { seed, nodes, eventsPerNode: 4, sendProbability: 0.8 });
          const present = nodes.filter((n) => events.some((e) => e.node === n));
          if (present.length === 0) return;
          const checkpoints: Checkpoint[] = present.flatMap((n, i) => {
            const total = events.filter((e) => e.node === n).length;
            return [0, 1, 2].map((k) => ({ node: n, index: Math.floor((draws[i * 3 + k] ?? 0) * (total + 1)), label: `${n}${k}` }));
          });
          const failed = present[failedAt % present.length]!;
          const r = recoveryLine(events, checkpoints, failed, { survivors });
          expect(r.cut).toEqual(recoveryLineByEnumeration(events, checkpoints, failed, { survivors }));
          expect(checkCut(events, r.cut).consistent).toBe(true);
          for (const n of present) {
            expect(r.cut[n]).toBeLessThanOrEqual(r.start[n]!);
            const point = r.line[n]!;
            expect(point === 'initial' ? 0 : point === 'current' ? events.filter((e) => e.node === n).length : point.index).toBe(r.cut[n]);
          }
          if (r.rounds.length > 1) cascades++;
        },
      ),
      { numRuns: 150, seed: 21 },
    );
    expect(cascades).toBeGreaterThan(10); // the comparison covers cascading rollbacks, not only single ones
  });
});

describe('runCheckpointing: uncoordinated against coordinated checkpoints on the same bank runs (Elnozahy et al. 2002 §3)', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const runs = seeds.map((seed) => ({ seed, u: runCheckpointing({ seed, mode: 'uncoordinated' }), c: runCheckpointing({ seed, mode: 'coordinated' }) }));

  it('both modes see the same application events; each snapshot\'s checkpoints are a consistent cut of the run', () => {
    for (const { seed, u, c } of runs) {
      expect(c.events).toEqual(u.events);
      const all = appEvents(c.bank.trace);
      for (const s of c.bank.snapshots.filter((s) => s.complete)) {
        const parts = snapshotCheckpoints(s);
        const cut = Object.fromEntries(parts.map((p) => [p.node, p.index]));
        expect(checkCut(all, cut).consistent, `seed ${seed} ${s.snapshotId}`).toBe(true);
        // Each node's part holds its application events before it recorded (the layer logs the instant it records).
        for (const p of parts) {
          const recorded = c.bank.trace.events.find((e) => e.kind === 'log' && e.node === p.node && e.text === STATE_RECORDED_LOG && (e.data as { snapshotId: string }).snapshotId === s.snapshotId)!;
          expect(p.index).toBe(all.filter((e) => e.node === p.node && e.seq < recorded.seq).length);
        }
      }
    }
  });

  it('coordinated recovery never goes behind the last complete snapshot, and never cascades past a checkpoint', () => {
    for (const { seed, c } of runs) {
      const usable = c.bank.snapshots.filter((s) => s.complete && s.completedAtMs! < c.failAtMs);
      expect(usable.length, `seed ${seed}`).toBeGreaterThan(0);
      const last = cutOfSnapshot(usable[usable.length - 1]!);
      for (const n of Object.keys(c.recovery.cut)) expect(c.recovery.cut[n]!, `seed ${seed} node ${n}`).toBeGreaterThanOrEqual(last[n]!);
      expect(c.recovery.domino, `seed ${seed}`).toBe(false);
      expect(c.recovery.cut).toEqual(recoveryLineByEnumeration(c.events, c.checkpoints, c.failed));
    }
  });

  it('uncoordinated checkpoints of the same runs cascade, in some runs all the way to the initial states', () => {
    for (const { u } of runs) expect(u.recovery.cut).toEqual(recoveryLineByEnumeration(u.events, u.checkpoints, u.failed));
    const dominoes = runs.filter(({ u }) => u.recovery.domino);
    expect(dominoes.length).toBeGreaterThan(3);
    const toStart = runs.filter(({ u }) => Object.values(u.recovery.cut).every((k) => k === 0));
    expect(toStart.map((r) => r.seed)).toContain(8);
    const worst = (mode: 'u' | 'c') => Math.max(...runs.map((r) => r[mode].lostEvents));
    expect(worst('u')).toBeGreaterThan(worst('c'));
  });
});

describe('runCheckpointing checks its options, naming each', () => {
  it.each([
    [{ mode: 'xx' }, `runCheckpointing: mode must be 'uncoordinated' or 'coordinated' (got "xx")`],
    [{ mode: 'coordinated', nodes: ['a'] }, 'runCheckpointing: nodes must list at least two node ids (got ["a"])'],
    [{ mode: 'coordinated', nodes: ['a', 'a'] }, 'runCheckpointing: nodes must not name a node twice (got ["a","a"])'],
    [{ mode: 'coordinated', transfers: -1 }, 'runCheckpointing: transfers must be a non-negative whole number (got -1)'],
    [{ mode: 'coordinated', checkpointIntervalMs: 0 }, 'runCheckpointing: checkpointIntervalMs must be a positive number of milliseconds (got 0)'],
    [{ mode: 'coordinated', untilMs: -5 }, 'runCheckpointing: untilMs must be a positive number of milliseconds (got -5)'],
    [{ mode: 'coordinated', failAtMs: 500 }, 'runCheckpointing: failAtMs must be after 0 and at most untilMs (340 ms) (got 500)'],
    [{ mode: 'coordinated', failed: 'z' }, 'runCheckpointing: failed must be one of the nodes (a, b, c) (got "z")'],
    [{ mode: 'coordinated', survivors: 'all' }, `runCheckpointing: survivors must be 'keep' or 'restore' (got "all")`],
  ])('%j', (bad, message) => {
    expect(() => runCheckpointing({ seed: 1, ...bad } as Parameters<typeof runCheckpointing>[0])).toThrow(message);
  });
});
