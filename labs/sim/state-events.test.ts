// Method: scripted nodes whose states are known at every step, including a node that breaks the purity contract by
// mutating its state in place after each step. The trace's `state` events must hold each state as it was when the
// step returned (the simulator's JSON copy), read the same way a plain object is read (keys, JSON, spreading,
// structured cloning, assignment), and a run must serialise to the same text however often it is replayed.
import { describe, expect, it } from 'vitest';
import { Simulation, simulate } from './simulation';
import type { NodeBehavior } from './types';
import type { TraceEvent } from './trace';

type Counter = { count: number; history: number[] };

/** Counts its timer firings; `mutate` makes it change the returned state object in place afterwards (impure). */
function counter(mutate: boolean): NodeBehavior<Counter, never> {
  let last: Counter | undefined;
  let count = 0;
  return {
    init: () => ({ count: 0, history: [] }),
    step(state, input) {
      if (mutate && last !== undefined) {
        last.count = -1; // corrupt the state returned by the previous step, after the simulator has seen it
        last.history.push(-1);
      }
      if (input.type === 'start') return { state, effects: [{ type: 'setTimer', name: 'tick', delayMs: 10 }] };
      count++;
      const next = { count, history: Array.from({ length: count }, (_, i) => i + 1) };
      last = next;
      return { state: next, effects: next.count < 4 ? [{ type: 'setTimer', name: 'tick', delayMs: 10 }] : [] };
    },
  };
}

const stateEvents = (events: readonly TraceEvent[]) => events.filter((e): e is Extract<TraceEvent, { kind: 'state' }> => e.kind === 'state');

describe('simulator: state events', () => {
  it('hold each state as the step returned it, even when the node mutates it later', () => {
    const trace = simulate({ seed: 1, nodes: { a: counter(true) }, untilMs: 100 });
    expect(stateEvents(trace.events).map((e) => e.state)).toEqual([
      { count: 0, history: [] },
      { count: 1, history: [1] },
      { count: 2, history: [1, 2] },
      { count: 3, history: [1, 2, 3] },
      { count: 4, history: [1, 2, 3, 4] },
    ]);
  });

  it('read like plain data: own enumerable keys in order, JSON, spreading, cloning and assignment', () => {
    const trace = simulate({ seed: 1, nodes: { a: counter(false) }, untilMs: 100 });
    const [first, second] = stateEvents(trace.events);
    expect(Object.keys(first!)).toEqual(['seq', 't', 'kind', 'node', 'state']);
    expect(JSON.parse(JSON.stringify(first))).toEqual({ seq: first!.seq, t: 0, kind: 'state', node: 'a', state: { count: 0, history: [] } });
    expect({ ...second }.state).toEqual({ count: 1, history: [1] });
    expect(structuredClone(second).state).toEqual({ count: 1, history: [1] });
    expect(second!.state).toBe(second!.state); // parsed once, then an ordinary property
    const events = stateEvents(trace.events);
    events[2]!.state = 'replaced';
    expect(events[2]!.state).toBe('replaced');
    expect(Object.keys(events[2]!)).toEqual(['seq', 't', 'kind', 'node', 'state']);
  });

  it('serialise identically on every replay, read or not', () => {
    const run = () => simulate({ seed: 7, nodes: { a: counter(false), b: counter(false) }, untilMs: 100 });
    const unread = JSON.stringify(run());
    const read = run();
    for (const e of stateEvents(read.events)) void e.state;
    expect(JSON.stringify(read)).toBe(unread);
    const sim = new Simulation({ seed: 7, nodes: { a: counter(false), b: counter(false) } });
    sim.runUntil(100);
    expect(JSON.stringify(sim.trace())).toBe(unread);
  });
});
