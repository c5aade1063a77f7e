// Method: each clock's rules, worked by hand on small diagrams (stamped with assignStamps, no simulator) and
// compared with the values the papers' rules give; the vector order is compared with its definition by fast-check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareHlc,
  compareVectors,
  hlcPhysicalMs,
  hybridClock,
  lamportClock,
  mergeVectors,
  productClock,
  vectorClock,
} from './logical';
import type { LogicalClock, VectorTimestamp } from './logical';
import { assignStamps } from './causality';
import type { ProcessEvent } from './causality';
import { pingPong } from './test-diagrams';


describe('Lamport 1978 §3: logical clocks, IR1 and IR2', () => {
  it('adds one per event and takes max(C, Tm) + 1 on a receive (worked by hand)', () => {
    expect(assignStamps(lamportClock, pingPong)).toEqual({ p1: 1, p2: 2, q1: 1, q2: 3, q3: 4, p3: 5 });
  });

  it('orders concurrent events too: L(q1) < L(p2) although neither happened before the other', () => {
    const L = assignStamps(lamportClock, pingPong);
    expect(L.q1).toBeLessThan(L.p2 as number);
  });
});

describe('Fidge 1988, Mattern 1989: vector time', () => {
  it('counts each node’s events in the causal past (worked by hand)', () => {
    expect(assignStamps(vectorClock, pingPong)).toEqual({
      p1: { p: 1, q: 0 },
      p2: { p: 2, q: 0 },
      q1: { p: 0, q: 1 },
      q2: { p: 2, q: 2 },
      q3: { p: 2, q: 3 },
      p3: { p: 3, q: 3 },
    });
  });

  const vector = fc.record({ a: fc.nat(3), b: fc.nat(3), c: fc.nat(3) });

  it('compareVectors agrees with its definition: before iff every entry ≤ and some <', () => {
    fc.assert(
      fc.property(vector, vector, (x, y) => {
        const keys = ['a', 'b', 'c'] as const;
        const le = keys.every((k) => x[k] <= y[k]);
        const ge = keys.every((k) => x[k] >= y[k]);
        const expected = le && ge ? 'equal' : le ? 'before' : ge ? 'after' : 'concurrent';
        expect(compareVectors(x, y)).toBe(expected);
        expect(compareVectors(y, x)).toBe({ before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' }[expected]);
      }),
    );
  });

  it('mergeVectors is the least upper bound', () => {
    fc.assert(
      fc.property(vector, vector, (x, y) => {
        const m = mergeVectors(x, y);
        expect(['before', 'equal']).toContain(compareVectors(x, m));
        expect(['before', 'equal']).toContain(compareVectors(y, m));
        for (const k of ['a', 'b', 'c'] as const) expect(m[k]).toBe(Math.max(x[k], y[k]));
      }),
    );
  });

  it('treats a node missing from a vector as 0 and never mutates its inputs', () => {
    const x: VectorTimestamp = Object.freeze({ a: 1 });
    const y: VectorTimestamp = Object.freeze({ a: 1, b: 0 });
    expect(compareVectors(x, y)).toBe('equal');
    expect(mergeVectors(x, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(vectorClock.receive(y, 'b', x, 0)).toEqual({ a: 1, b: 1 });
  });
});

describe('Kulkarni, Demirbas et al. 2014, Fig. 5: hybrid logical clocks', () => {
  // a's clock is ahead: its l = 10 travels to b (pt 1 to 3) and c (pt 10), which count with c instead of l.
  const skewed: (ProcessEvent & { physicalMs: number })[] = [
    { id: 'a1', node: 'a', index: 1, kind: 'send', physicalMs: 10 },
    { id: 'a2', node: 'a', index: 2, kind: 'receive', from: 'c3', physicalMs: 20 },
    { id: 'b1', node: 'b', index: 1, kind: 'receive', from: 'a1', physicalMs: 1 },
    { id: 'b2', node: 'b', index: 2, kind: 'local', physicalMs: 2 },
    { id: 'b3', node: 'b', index: 3, kind: 'send', physicalMs: 3 },
    { id: 'c1', node: 'c', index: 1, kind: 'local', physicalMs: 10 },
    { id: 'c2', node: 'c', index: 2, kind: 'receive', from: 'b3', physicalMs: 10 },
    { id: 'c3', node: 'c', index: 3, kind: 'send', physicalMs: 12 },
  ];

  it('takes each branch of the send and receive rules (worked by hand)', () => {
    expect(assignStamps(hybridClock, skewed)).toEqual({
      a1: { l: 10, c: 0 }, // pt > l: l := pt, c := 0
      b1: { l: 10, c: 1 }, // l_m alone is the max: c := c_m + 1
      b2: { l: 10, c: 2 }, // l stays: c := c + 1
      b3: { l: 10, c: 3 },
      c1: { l: 10, c: 0 },
      c2: { l: 10, c: 4 }, // l = l' = l_m: c := max(c, c_m) + 1
      c3: { l: 12, c: 0 },
      a2: { l: 20, c: 0 }, // pt alone is the max: c := 0
    });
  });

  it('floors physical time to whole milliseconds, after rounding away float noise', () => {
    expect(hlcPhysicalMs(19.9999999997)).toBe(20);
    expect(hlcPhysicalMs(20.9)).toBe(20);
    expect(hybridClock.tick({ l: 20, c: 0 }, 'a', 20.7)).toEqual({ l: 20, c: 1 });
    expect(hybridClock.tick({ l: 20, c: 3 }, 'a', 21.2)).toEqual({ l: 21, c: 0 });
  });

  it('compares lexicographically by (l, c)', () => {
    expect(compareHlc({ l: 1, c: 9 }, { l: 2, c: 0 })).toBe(-1);
    expect(compareHlc({ l: 2, c: 1 }, { l: 2, c: 0 })).toBe(1);
    expect(compareHlc({ l: 2, c: 1 }, { l: 2, c: 1 })).toBe(0);
  });
});

describe('productClock: several clocks over one run', () => {
  it('stamps each component exactly as that clock alone would', () => {
    const clock = productClock({ lamport: lamportClock, vector: vectorClock });
    const both = assignStamps(clock, pingPong);
    const L = assignStamps(lamportClock, pingPong);
    const V = assignStamps(vectorClock, pingPong);
    for (const { id } of pingPong) expect(both[id]).toEqual({ lamport: L[id], vector: V[id] });
    expect(clock.name).toBe('lamport × vector');
    // The stamp type is inferred from the components: this line would not compile otherwise.
    const typed: { lamport: number; vector: VectorTimestamp } = clock.init('p', ['p', 'q']);
    expect(typed).toEqual({ lamport: 0, vector: { p: 0, q: 0 } });
  });

  it('passes each component its own part of the message', () => {
    const seen: unknown[] = [];
    const spy: LogicalClock<string> = {
      name: 'spy',
      init: () => 'x',
      tick: (s) => s,
      receive: (s, _n, m) => {
        seen.push(m);
        return s;
      },
    };
    const clock = productClock({ lamport: lamportClock, spy });
    clock.receive({ lamport: 1, spy: 'mine' }, 'a', { lamport: 4, spy: 'theirs' }, 0);
    expect(seen).toEqual(['theirs']);
  });
});
