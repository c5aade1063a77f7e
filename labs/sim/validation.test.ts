// Method: one bad input per case, as a reader editing a lab's parameters would produce it, and the exact error
// message they would see; plus behaviors that break the contract at run time.
import { describe, expect, it } from 'vitest';
import { NodeError, Simulation, simulate } from './simulation';
import type { SimulationOptions } from './simulation';
import type { Intervention } from './interventions';
import type { NodeBehavior } from './types';
import { scripted } from './test-behaviors';

const idle = scripted();
const make = (extra: Partial<SimulationOptions<unknown, unknown>>) => () =>
  new Simulation<unknown, unknown>({ seed: 1, nodes: { a: idle, b: idle }, ...extra });

describe('options are checked before the run, with messages that name the field', () => {
  it.each([
    [{ network: { lossProbability: 1.5 } }, 'network.lossProbability must be between 0 and 1 (got 1.5)'],
    [{ network: { duplicationProbability: -0.1 } }, 'network.duplicationProbability must be between 0 and 1 (got -0.1)'],
    [{ network: { latency: { kind: 'uniform', minMs: 10, maxMs: 5 } } }, 'network.latency.maxMs must be at least minMs = 10 (got 5)'],
    [{ network: { latency: { kind: 'constant', ms: -3 } } }, 'network.latency.ms must be a non-negative number of milliseconds (got -3)'],
    [{ network: { latency: { kind: 'gauss' } } }, 'network.latency.kind must be one of constant, uniform, exponential, lognormal (got "gauss")'],
    [{ network: { links: [{ from: 'a', to: 'z' }] } }, 'network.links[0].to must name a node (nodes: a, b) (got "z")'],
    [{ network: { links: [{ from: 'a', to: 'b', lossProbability: 2 }] } }, 'network.links[0].lossProbability must be between 0 and 1 (got 2)'],
    [{ clocks: { z: {} } }, 'clocks.z does not name a node (nodes: a, b)'],
    [{ clocks: { a: { driftPpm: -1e6 } } }, 'clocks.a.driftPpm must be a finite number greater than -1000000 (got -1000000)'],
    [{ interventions: [{ atMs: 10, kind: 'crash', node: 'z' }] }, 'interventions[0].node must name a node (nodes: a, b) (got "z")'],
    [{ interventions: [{ atMs: -5, kind: 'heal' }] }, 'interventions[0].atMs must be a non-negative number of milliseconds (got -5)'],
    [{ interventions: [{ atMs: 0, kind: 'explode' }] }, 'interventions[0].kind must be one of partition, partition-one-way, heal, crash, restart, pause, drop, request (got "explode")'],
    [{ interventions: [{ atMs: 0, kind: 'partition', groups: [['a'], ['a', 'b']] }] }, 'interventions[0].groups[1] must not repeat a node already in an earlier group (got "a")'],
    [{ seed: Number.NaN }, 'seed must be a finite number or a string (got NaN)'],
    [{ nodes: {} }, 'nodes must be an object with at least one node, like { a: behavior, b: behavior }'],
    [{ trace: { maxEvents: 0 } }, 'trace.maxEvents must be a positive integer (got 0)'],
  ] as [Partial<SimulationOptions<unknown, unknown>>, string][])('%j', (extra, message) => {
    expect(make(extra)).toThrow(new Error(message));
  });

  it('accepts undefined fields as "use the default"', () => {
    expect(make({ network: { lossProbability: undefined } })).not.toThrow();
  });
});

describe('behaviors that break the contract fail loudly, naming the node', () => {
  const once = (effects: unknown[]): NodeBehavior<null, unknown> => ({
    init: () => null,
    step: (state, input) => ({ state, effects: input.type === 'start' ? (effects as never) : [] }),
  });
  const runWith = (a: NodeBehavior<null, unknown>) => () => simulate({ seed: 1, nodes: { a, b: once([]) }, untilMs: 100 });

  it('rejects a send to an unknown node', () => {
    expect(runWith(once([{ type: 'send', to: 'c', message: 1 }]))).toThrow('node "a" sent a message to unknown node "c" (nodes: a, b)');
    expect(runWith(once([{ type: 'send', message: 1 }]))).toThrow('node "a" sent a message to unknown node undefined (nodes: a, b)');
    expect(runWith(once([{ type: 'send', to: 'b', message: 1 }, { type: 'send', to: 'z', message: 1 }]))).toThrow('unknown node "z"');
  });

  it('rejects a negative timer delay and an unknown effect', () => {
    expect(runWith(once([{ type: 'setTimer', name: 't', delayMs: -1 }]))).toThrow('node "a" set timer "t" with delayMs -1; it must be a non-negative finite number');
    expect(runWith(once([{ type: 'sendd', to: 'b' }]))).toThrow('node "a" returned an unknown effect type "sendd"');
  });

  it('rejects a step that forgets to return { state, effects }', () => {
    const forgetful = { init: () => null, step: () => undefined } as unknown as NodeBehavior<null, unknown>;
    expect(runWith(forgetful)).toThrow('node "a": step must return { state, effects } (got undefined) on a start input');
  });

  it('wraps an exception thrown by a node in a NodeError that says where and when, with the trace so far', () => {
    const fragile = scripted({ message: () => { throw new TypeError('boom'); } });
    let caught: unknown;
    try {
      simulate({ seed: 1, nodes: { a: scripted({ start: () => [{ type: 'send', to: 'b', message: 1 }] }), b: fragile }, network: { latency: { kind: 'constant', ms: 3 } }, untilMs: 100 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NodeError);
    const error = caught as NodeError;
    expect(error.message).toBe('node "b" threw on a message input: boom (at 3 ms)');
    expect([error.node, error.atMs, (error.cause as Error).message]).toEqual(['b', 3, 'boom']);
    expect(error.trace?.events.map((e) => e.kind)).toEqual(['state', 'send', 'state', 'deliver']);
  });

  it('rejects state that JSON cannot hold', () => {
    const cyclic: NodeBehavior<{ self?: unknown }, unknown> = {
      init: () => ({}),
      step: (state) => {
        const next: { self?: unknown } = {};
        next.self = next;
        return { state: next };
      },
    };
    expect(() => simulate({ seed: 1, nodes: { a: cyclic }, untilMs: 1 })).toThrow('node "a": its state is not plain JSON data');
  });

  it('rejects an intervention scheduled in the past of a running simulation', () => {
    const sim = make({})();
    sim.runUntil(50);
    const past: Intervention = { atMs: 50, kind: 'heal' };
    expect(() => sim.schedule(past)).toThrow('interventions added during a run must lie after now = 50 ms (got atMs 50)');
  });
});
