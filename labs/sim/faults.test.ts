// Method: scripted scenarios with constant latency, so every time is known in advance; each test states the
// schedule it expects and compares the trace (and the inputs the nodes themselves saw) against it.
import { describe, expect, it } from 'vitest';
import { Simulation, simulate } from './simulation';
import { eventsOfKind } from './trace';
import type { Trace } from './trace';
import type { Intervention } from './interventions';
import { scripted, ticker } from './test-behaviors';
import type { ScriptedState } from './test-behaviors';

/** a sends { n } to b every 10 ms from 0 ms; latency 4 ms, so b gets one at 4, 14, 24, ... */
function run(b: ReturnType<typeof scripted>, interventions: Intervention[], untilMs = 200) {
  const sim = new Simulation<ScriptedState, unknown>({
    seed: 1,
    nodes: { a: ticker('b', 10), b },
    network: { latency: { kind: 'constant', ms: 4 } },
    interventions,
  });
  sim.runUntil(untilMs);
  return { sim, trace: sim.trace() };
}

const seenBy = (trace: Trace, node: string) => eventsOfKind(trace, 'deliver').filter((e) => e.node === node);

describe('crash: volatile state, timers and later deliveries are lost', () => {
  it('drops deliveries to a crashed node with reason crashed and stops its timers', () => {
    const b = scripted({
      start: () => [{ type: 'setTimer', name: 'beat', delayMs: 5 }],
      timer: () => [{ type: 'setTimer', name: 'beat', delayMs: 5 }],
    });
    const { sim, trace } = run(b, [{ atMs: 50, kind: 'crash', node: 'b' }]);
    expect(seenBy(trace, 'b').map((e) => e.t)).toEqual([4, 14, 24, 34, 44]);
    const drops = eventsOfKind(trace, 'drop');
    expect(drops.map((d) => d.t)).toEqual([54, 64, 74, 84, 94, 104, 114, 124, 134, 144, 154, 164, 174, 184, 194]);
    expect(drops.every((d) => d.reason === 'crashed' && d.node === 'b')).toBe(true);
    expect(eventsOfKind(trace, 'timer').filter((e) => e.node === 'b').every((e) => e.t < 50)).toBe(true);
    expect(sim.states().b).toBeUndefined();
    expect(trace.stats.dropped).toBe(15);
  });

  it('still delivers what the node sent before it crashed', () => {
    const b = scripted({ start: () => [{ type: 'send', to: 'a', message: 'last words' }] });
    const { trace } = run(b, [{ atMs: 1, kind: 'crash', node: 'b' }]);
    expect(seenBy(trace, 'a')).toHaveLength(1);
    expect(seenBy(trace, 'a')[0]).toMatchObject({ t: 4, message: 'last words' });
  });
});

describe('restart: init again, with persisted data only when durable', () => {
  // b persists how many messages it has seen; after a restart, ctx.durable shows what survived.
  const counter = () =>
    scripted({ message: (_input, _ctx, state) => [{ type: 'persist', data: { seen: state.seen.filter((s) => s.type === 'message').length } }] });

  it('hands the last persisted data to init after a durable restart', () => {
    const { sim, trace } = run(counter(), [
      { atMs: 50, kind: 'crash', node: 'b' },
      { atMs: 80, kind: 'restart', node: 'b', durable: true },
    ]);
    expect(sim.states().b?.durable).toEqual({ seen: 5 });
    expect(eventsOfKind(trace, 'restart')).toEqual([{ seq: expect.any(Number), t: 80, kind: 'restart', node: 'b', durable: true }]);
    // Back up at 80: the message arriving at 84 is delivered again, and b's start input came first.
    expect(sim.states().b?.seen[0]).toMatchObject({ type: 'start', clockMs: 80 });
    expect(seenBy(trace, 'b').filter((e) => e.t > 50)[0]?.t).toBe(84);
  });

  it('hands nothing to init after a volatile restart', () => {
    const { sim } = run(counter(), [
      { atMs: 50, kind: 'crash', node: 'b' },
      { atMs: 80, kind: 'restart', node: 'b', durable: false },
    ]);
    expect(sim.states().b?.durable).toBeNull();
  });

  it('loses the disk with a volatile restart: a later durable restart finds nothing', () => {
    const { sim } = run(counter(), [
      { atMs: 50, kind: 'restart', node: 'b', durable: false },
      { atMs: 52, kind: 'crash', node: 'b' },
      { atMs: 53, kind: 'restart', node: 'b', durable: true },
    ]);
    expect(sim.states().b?.durable).toBeNull();
  });

  it('treats restarting a running node as a crash then a restart at the same instant', () => {
    const { trace } = run(counter(), [{ atMs: 50, kind: 'restart', node: 'b', durable: true }]);
    const faults = trace.events.filter((e): boolean => e.kind === 'crash' || e.kind === 'restart');
    expect(faults.map((e) => [e.kind, e.t])).toEqual([['crash', 50], ['restart', 50]]);
  });
});

describe('pause: inputs queue up and are processed in order at resume', () => {
  it('delivers queued messages and fires queued timers at resume, in arrival order', () => {
    const b = scripted({ start: () => [{ type: 'setTimer', name: 'alarm', delayMs: 60 }] });
    const { sim, trace } = run(b, [{ atMs: 50, kind: 'pause', node: 'b', durationMs: 40 }]);
    const seen = (sim.states().b as ScriptedState).seen;
    // Arrivals at 54, 60 (timer), 64, 74, 84 are all processed at 90, in that order.
    const atResume = seen.filter((s) => s.clockMs === 90);
    expect(atResume.map((s) => (s.type === 'timer' ? 'timer' : (s.message as { n: number }).n))).toEqual([5, 'timer', 6, 7, 8]);
    expect(seen.filter((s) => s.clockMs > 50 && s.clockMs < 90)).toEqual([]);
    expect(trace.events.filter((e): boolean => e.kind === 'pause' || e.kind === 'resume').map((e) => [e.kind, e.t])).toEqual([
      ['pause', 50],
      ['resume', 90],
    ]);
    expect(seenBy(trace, 'b').map((e) => e.t)).toEqual([4, 14, 24, 34, 44, 90, 90, 90, 90, 94, 104, 114, 124, 134, 144, 154, 164, 174, 184, 194]);
  });

  it('extends a pause that is paused again, and a crash ends the pause and drops its queue', () => {
    const extended = run(scripted(), [
      { atMs: 50, kind: 'pause', node: 'b', durationMs: 20 },
      { atMs: 60, kind: 'pause', node: 'b', durationMs: 30 },
    ]).trace;
    expect(eventsOfKind(extended, 'resume').map((e) => e.t)).toEqual([90]);
    const crashed = run(scripted(), [
      { atMs: 50, kind: 'pause', node: 'b', durationMs: 40 },
      { atMs: 70, kind: 'crash', node: 'b' },
    ]).trace;
    expect(eventsOfKind(crashed, 'resume')).toEqual([]);
    expect(eventsOfKind(crashed, 'drop').filter((d) => d.t === 70).map((d) => d.reason)).toEqual(['crashed', 'crashed']);
  });
});

describe('drop and request interventions', () => {
  it('drops exactly the named message, with reason intervention', () => {
    const { trace } = run(scripted(), [{ atMs: 0, kind: 'drop', msgId: 3 }]);
    expect(eventsOfKind(trace, 'drop')).toMatchObject([{ msgId: 3, reason: 'intervention', t: 34, node: 'b', from: 'a' }]);
    expect(seenBy(trace, 'b').map((e) => e.msgId)).not.toContain(3);
  });

  it('hands a request to the node and records its reply; a crashed node records the request and stays silent', () => {
    const b = scripted({ request: (input) => [{ type: 'reply', response: { echo: input.request } }] });
    const { trace } = run(b, [
      { atMs: 20, kind: 'request', node: 'b', request: 'x' },
      { atMs: 30, kind: 'crash', node: 'b' },
      { atMs: 40, kind: 'request', node: 'b', request: 'y' },
    ]);
    const io = trace.events.filter((e) => e.kind === 'request' || e.kind === 'reply');
    expect(io.map((e) => [e.kind, e.t])).toEqual([['request', 20], ['reply', 20], ['request', 40]]);
    expect(eventsOfKind(trace, 'reply')[0]).toMatchObject({ node: 'b', response: { echo: 'x' } });
  });

  it('queues a request for a paused node until it resumes', () => {
    const b = scripted({ request: () => [{ type: 'reply', response: 'ok' }] });
    const trace = simulate({
      seed: 1,
      nodes: { b },
      interventions: [
        { atMs: 10, kind: 'pause', node: 'b', durationMs: 20 },
        { atMs: 15, kind: 'request', node: 'b', request: 'q' },
      ],
      untilMs: 100,
    });
    expect(eventsOfKind(trace, 'reply').map((e) => e.t)).toEqual([30]);
  });
});
