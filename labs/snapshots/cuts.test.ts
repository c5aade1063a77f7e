// Method: three independent answers to "is this cut consistent?" are compared on random cuts of random runs of the
// clocks chapter's exchange (fast-check): the definition (no receive inside whose send is outside), Mattern's
// vector condition on the frontier, and a naive oracle that asks brute-force happened-before whether the cut is
// closed to the past. The lattice is checked against a brute-force enumeration of every cut, against counts
// worked by hand on small diagrams, and for closure under meet and join. Application events are read from a trace
// built with the simulator and from a real run of the snapshot layer.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ProcessEvent } from '../clocks/causality';
import { runExchange } from '../clocks/exchange';
import type { ExchangeOptions } from '../clocks/exchange';
import { vectorClock } from '../clocks/logical';
import { pingPong } from '../clocks/test-diagrams';
import { simulate } from '../sim/simulation';
import type { NodeBehavior } from '../sim/types';
import {
  appEvents,
  checkCut,
  consistentByCausality,
  consistentByVectors,
  consistentCuts,
  cutFrontier,
  cutLattice,
  cutOfSnapshot,
  joinCuts,
  meetCuts,
  runPath,
} from './cuts';
import type { Cut } from './cuts';
import type { LayerMessage } from './types';
import { runBank } from './bank';

/** Random exchanges: 2 to 4 nodes, reordering links, now and then a lost or duplicated message. */
const exchanges: fc.Arbitrary<ExchangeOptions> = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    nodeCount: fc.integer({ min: 2, max: 4 }),
    eventsPerNode: fc.integer({ min: 1, max: 5 }),
    sendProbability: fc.constantFrom(0.5, 0.8, 1),
    lossProbability: fc.constantFrom(0, 0.1),
    duplicationProbability: fc.constantFrom(0, 0.1),
  })
  .map(({ nodeCount, lossProbability, duplicationProbability, ...rest }) => ({
    ...rest,
    nodes: ['a', 'b', 'c', 'd'].slice(0, nodeCount),
    network: { lossProbability, duplicationProbability, latency: { kind: 'uniform', minMs: 1, maxMs: 40 }, fifo: false },
  }));

const nodesOf = (events: readonly ProcessEvent[]) => [...new Set(events.map((e) => e.node))].sort();
const countOf = (events: readonly ProcessEvent[], node: string) => events.filter((e) => e.node === node).length;

/** A random cut of the run: for each node a count from 0 to its number of events, drawn from `draws` (0..1). */
function cutFrom(events: readonly ProcessEvent[], draws: number[]): Cut {
  return Object.fromEntries(nodesOf(events).map((n, i) => [n, Math.floor((draws[i] ?? 0) * (countOf(events, n) + 1))]));
}

/** Every cut of the run, consistent or not (the product of the nodes' prefixes). */
function everyCut(events: readonly ProcessEvent[]): Cut[] {
  let cuts: Cut[] = [{}];
  for (const n of nodesOf(events)) {
    const total = countOf(events, n);
    cuts = cuts.flatMap((c) => Array.from({ length: total + 1 }, (_, k) => ({ ...c, [n]: k })));
  }
  return cuts;
}

const key = (cut: Cut) => JSON.stringify(Object.keys(cut).sort().map((n) => cut[n]));

describe('Consistent cuts: the definition (Chandy and Lamport 1985 §3; Mattern 1989)', () => {
  it('names the message that crosses an inconsistent cut of the ping-pong diagram', () => {
    // q2 receives p2; a cut with q's first two events and only p1 has a receive inside whose send is outside.
    expect(checkCut(pingPong, { p: 1, q: 2 })).toEqual({ consistent: false, crossing: [{ send: 'p2', receive: 'q2' }] });
    expect(checkCut(pingPong, { p: 2, q: 2 })).toEqual({ consistent: true, crossing: [] });
    // A send inside whose receive is outside is a message in flight, not a crossing: still consistent.
    expect(checkCut(pingPong, { p: 2, q: 1 }).consistent).toBe(true);
    expect(checkCut(pingPong, { p: 3, q: 2 }).crossing).toEqual([{ send: 'q3', receive: 'p3' }]);
  });

  it('refuses cuts that do not fit the run, saying why', () => {
    expect(() => checkCut(pingPong, { p: 1 })).toThrow(/no count for node q/);
    expect(() => checkCut(pingPong, { p: 4, q: 0 })).toThrow(/from 0 to 3/);
    expect(() => checkCut(pingPong, { p: 1, q: 1, r: 2 })).toThrow(/names node "r"/);
    expect(checkCut(pingPong, { p: 1, q: 1, r: 0 }).consistent).toBe(true); // a node without events may be at 0
  });

  it("Mattern's vector condition and the happened-before oracle agree with the definition on random cuts of random runs", () => {
    let consistent = 0;
    let inconsistent = 0;
    fc.assert(
      fc.property(exchanges, fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 4, maxLength: 4 }), (options, draws) => {
        const { events } = runExchange(vectorClock, options);
        if (events.length === 0) return;
        const cut = cutFrom(events, draws);
        const verdict = checkCut(events, cut);
        const frontier = cutFrontier(events, cut);
        expect(consistentByVectors(frontier)).toBe(verdict.consistent);
        expect(consistentByCausality(events, cut)).toBe(verdict.consistent);
        // The frontier is the vector clock the run itself stamped on each node's last event in the cut.
        for (const n of nodesOf(events)) {
          const last = events.find((e) => e.node === n && e.index === cut[n]);
          if (last) expect(frontier[n]).toEqual(last.stamp);
          else expect(Object.values(frontier[n] as Record<string, number>).every((x) => x === 0)).toBe(true);
        }
        if (verdict.consistent) consistent++;
        else inconsistent++;
      }),
      { numRuns: 300, seed: 11 },
    );
    // Both answers occur often enough for the comparison to mean something.
    expect(consistent).toBeGreaterThan(50);
    expect(inconsistent).toBeGreaterThan(50);
  });

  it('the comparison can fail: a condition with the inequality flipped disagrees with the definition on some run', () => {
    const flipped = (frontier: Record<string, Record<string, number>>) =>
      Object.keys(frontier).every((p) => Object.keys(frontier).every((q) => (frontier[p]![q] ?? 0) >= (frontier[q]![q] ?? 0)));
    let disagreements = 0;
    for (let seed = 0; seed < 20; seed++) {
      const { events } = runExchange(vectorClock, { seed, eventsPerNode: 4 });
      for (const cut of consistentCuts(events).concat([cutFrom(events, [0.9, 0.1, 0.5])])) {
        if (flipped(cutFrontier(events, cut)) !== checkCut(events, cut).consistent) disagreements++;
      }
    }
    expect(disagreements).toBeGreaterThan(0);
  });
});

describe('The lattice of consistent global states (Mattern 1989; Babaoğlu and Marzullo 1993)', () => {
  it('the ping-pong diagram has 9 consistent cuts and 10 covering edges (worked by hand)', () => {
    // q2 receives p2: q at 2 or more needs p at 2 or more. p3 receives q3: p at 3 needs q at 3.
    // q at 0 or 1: p from 0 to 2 (6 cuts); q at 2: p = 2; q at 3: p = 2 or 3. 6 + 1 + 2 = 9.
    const { cuts, covers } = cutLattice(pingPong);
    expect(cuts.map((c) => `${c.p}${c.q}`)).toEqual(['00', '01', '10', '11', '20', '21', '22', '23', '33']);
    const edges = covers.map(([i, j]) => `${cuts[i]!.p}${cuts[i]!.q}→${cuts[j]!.p}${cuts[j]!.q}`);
    expect(edges.sort()).toEqual(['00→01', '00→10', '01→11', '10→11', '10→20', '11→21', '20→21', '21→22', '22→23', '23→33'].sort());
  });

  it('without messages every cut is consistent: 2 and 3 events give a 3 × 4 grid, 12 cuts and 17 edges', () => {
    const events: ProcessEvent[] = [
      { id: 'a1', node: 'a', index: 1, kind: 'local' },
      { id: 'a2', node: 'a', index: 2, kind: 'local' },
      { id: 'b1', node: 'b', index: 1, kind: 'local' },
      { id: 'b2', node: 'b', index: 2, kind: 'local' },
      { id: 'b3', node: 'b', index: 3, kind: 'local' },
    ];
    const { cuts, covers } = cutLattice(events);
    expect(cuts).toHaveLength(12);
    expect(covers).toHaveLength(2 * 4 + 3 * 3);
  });

  it('stops with a clear error beyond its cap instead of returning part of the lattice', () => {
    expect(() => consistentCuts(pingPong, { max: 5 })).toThrow(/more than 5 consistent cuts/);
    expect(consistentCuts(pingPong, { max: 9 })).toHaveLength(9);
  });

  it('on random runs: exactly the consistent cuts of a brute-force enumeration, covers are the one-event steps, closed under meet and join', () => {
    fc.assert(
      fc.property(exchanges, (options) => {
        const { events } = runExchange(vectorClock, { ...options, eventsPerNode: Math.min(options.eventsPerNode ?? 3, 3) });
        if (events.length === 0) return;
        const { cuts, covers } = cutLattice(events);
        const brute = everyCut(events).filter((c) => checkCut(events, c).consistent);
        expect(cuts.map(key).sort()).toEqual(brute.map(key).sort());
        const level = (c: Cut) => Object.values(c).reduce((a, b) => a + b, 0);
        const below = (a: Cut, b: Cut) => Object.keys(a).every((n) => a[n]! <= b[n]!);
        const expectedCovers: string[] = [];
        cuts.forEach((a, i) => cuts.forEach((b, j) => {
          if (level(b) === level(a) + 1 && below(a, b)) expectedCovers.push(`${i}-${j}`);
        }));
        expect(covers.map(([i, j]) => `${i}-${j}`).sort()).toEqual(expectedCovers.sort());
        const inLattice = new Set(cuts.map(key));
        for (let i = 0; i < cuts.length; i += Math.max(1, Math.floor(cuts.length / 12))) {
          for (let j = 0; j < cuts.length; j += Math.max(1, Math.floor(cuts.length / 12))) {
            expect(inLattice.has(key(meetCuts(cuts[i]!, cuts[j]!)))).toBe(true);
            expect(inLattice.has(key(joinCuts(cuts[i]!, cuts[j]!)))).toBe(true);
          }
        }
        // The run as it happened is a path through the lattice from the empty cut to the whole run.
        const path = runPath(events);
        expect(path.every((c) => inLattice.has(key(c)))).toBe(true);
        expect(path).toHaveLength(events.length + 1);
      }),
      { numRuns: 80, seed: 12 },
    );
  });
});

/** A tiny node that speaks the layer's wire format: it sends app messages and markers, and answers each app message once. */
const wireNode: NodeBehavior<{ sent: number; answered: boolean }, LayerMessage<string>> = {
  init: () => ({ sent: 0, answered: false }),
  step(state, input, ctx) {
    if (input.type === 'start') {
      return {
        state: { ...state, sent: ctx.peers.length },
        effects: ctx.peers.flatMap((to, i) => [
          { type: 'send' as const, to, message: { type: 'app' as const, message: `hello ${to}`, seq: 0, vc: {}, recorded: [] } },
          ...(i === 0 ? [{ type: 'send' as const, to, message: { type: 'marker' as const, snapshotId: 's1' } }] : []),
        ]),
      };
    }
    if (input.type === 'message' && input.message.type === 'app' && !state.answered) {
      return { state: { ...state, answered: true }, effects: [{ type: 'send', to: input.from, message: { type: 'app', message: 'reply', seq: 1, vc: {}, recorded: [] } }] };
    }
    return { state };
  },
};

describe('appEvents: a layer run\'s application events as process events', () => {
  it('reads application sends and deliveries, leaves markers out, and pairs duplicates with their original send', () => {
    const trace = simulate({
      seed: 3,
      nodes: { a: wireNode, b: wireNode, c: wireNode },
      network: { duplicationProbability: 0.5, latency: { kind: 'uniform', minMs: 1, maxMs: 20 } },
      untilMs: 1000,
    });
    const events = appEvents(trace);
    const sends = trace.events.filter((e) => e.kind === 'send' && (e.message as LayerMessage<string>).type === 'app');
    const delivers = trace.events.filter((e) => e.kind === 'deliver' && (e.message as LayerMessage<string>).type === 'app');
    expect(trace.events.some((e) => e.kind === 'deliver' && (e.message as LayerMessage<string>).type === 'marker')).toBe(true);
    expect(trace.stats.duplicated).toBeGreaterThan(0);
    expect(events.filter((e) => e.kind === 'send')).toHaveLength(sends.length);
    expect(events.filter((e) => e.kind === 'receive')).toHaveLength(delivers.length);
    // Each receive names a send on the sending node addressed to the receiver, earlier in the trace.
    for (const r of events.filter((e) => e.kind === 'receive')) {
      const s = events.find((e) => e.id === r.from)!;
      expect(s.kind).toBe('send');
      expect(s.to).toBe(r.node);
      expect(s.seq).toBeLessThan(r.seq);
    }
    // Every node's events are numbered 1, 2, 3, ... in trace order, so the cut machinery accepts them.
    expect(consistentCuts(events).length).toBeGreaterThan(1);
    expect(checkCut(events, Object.fromEntries(nodesOf(events).map((n) => [n, countOf(events, n)]))).consistent).toBe(true);
  });

  it('on real runs of the snapshot layer, every recorded cut is consistent over the run\'s application events (Chandy-Lamport and Lai-Yang)', () => {
    for (const [algorithm, fifo] of [['chandy-lamport', true], ['lai-yang', false]] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const run = runBank({
          seed, balances: { a: 100, b: 100, c: 100, d: 100 }, algorithm, fifo, transfers: 30, untilMs: 300,
          snapshots: [{ atMs: 20, node: 'a', id: 's1' }, { atMs: 25, node: 'c', id: 's2' }, { atMs: 90, node: 'b', id: 's3' }],
        });
        const events = appEvents(run.trace);
        for (const snapshot of run.snapshots.filter((s) => s.complete)) {
          const cut = cutOfSnapshot(snapshot);
          expect(checkCut(events, cut), `${algorithm} seed ${seed} ${snapshot.snapshotId}`).toEqual({ consistent: true, crossing: [] });
          expect(consistentByVectors(cutFrontier(events, cut))).toBe(true);
        }
      }
    }
  });

  it('cutOfSnapshot reads each node\'s own entry of its recorded vector clock', () => {
    const frontier = { a: { a: 2, b: 1 }, b: { a: 1, b: 3 } };
    const snapshot = { frontier } as unknown as Parameters<typeof cutOfSnapshot>[0];
    expect(cutOfSnapshot(snapshot)).toEqual({ a: 2, b: 3 });
  });
});
