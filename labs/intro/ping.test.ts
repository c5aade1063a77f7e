// Method: run the ping system across many seeds and judge each trace with checkers: the deadline checker (every
// ping answered within the horizon) with and without loss, and RTT bounds derived from the latency settings.
import { describe, expect, it } from 'vitest';
import { checkEveryPingAnswered, pingPong, runPingDemo, rttSamples } from './ping';
import type { PingState } from './ping';
import { checkNoCreation } from '../sim/check';
import { eventsOfKind } from '../sim/trace';
import { Random } from '../sim/random';

const pingsSent = (trace: ReturnType<typeof runPingDemo>) =>
  eventsOfKind(trace, 'send').filter((e) => (e.message as { type: string }).type === 'ping');

describe('ping over a reliable link', () => {
  it('answers every ping, each sent once, with RTTs between twice the least and twice the most latency', () => {
    for (let seed = 0; seed < 20; seed++) {
      const trace = runPingDemo({ seed, count: 10 });
      expect(checkEveryPingAnswered(trace, 10)).toEqual({ status: 'ok', property: 'every ping answered by the end of the run' });
      expect(pingsSent(trace)).toHaveLength(10);
      const rtts = rttSamples(trace);
      expect(rtts.map((s) => s.n).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const { rttMs } of rtts) {
        expect(rttMs).toBeGreaterThanOrEqual(2 * 5);
        expect(rttMs).toBeLessThanOrEqual(2 * 15);
      }
    }
  });

  it('measures exactly twice a constant latency', () => {
    const trace = runPingDemo({ latency: { kind: 'constant', ms: 7 } });
    expect(rttSamples(trace).map((s) => s.rttMs)).toEqual([14, 14, 14, 14, 14]);
  });
});

describe('ping over a lossy link: retransmission makes progress (checked against a deadline)', () => {
  it('gets every ping answered within the horizon with 30% loss, for 30 seeds', () => {
    let retransmissions = 0;
    for (let seed = 0; seed < 30; seed++) {
      const trace = runPingDemo({ seed, count: 10, lossProbability: 0.3, untilMs: 5000 });
      expect(checkEveryPingAnswered(trace, 10).status, `seed ${seed}`).toBe('ok');
      expect(checkNoCreation(trace).status).toBe('ok');
      retransmissions += pingsSent(trace).length - 10;
      // Each sample measures the transmission it answers, so even retried pings stay within the latency bounds.
      for (const { rttMs } of rttSamples(trace)) expect(rttMs).toBeGreaterThanOrEqual(10);
    }
    expect(retransmissions).toBeGreaterThan(30);
  });

  it('reports a missed deadline as a safety violation, with the unanswered pings as evidence, when the link never comes back', () => {
    const trace = runPingDemo({ count: 3, interventions: [{ atMs: 150, kind: 'partition', groups: [['a'], ['b']] }], untilMs: 2000 });
    const result = checkEveryPingAnswered(trace, 3);
    expect(result).toMatchObject({ status: 'violation', failure: 'safety', message: 'pings 2 were not answered by 2000 ms, the end of the run' });
    if (result.status === 'violation') expect(result.events).toMatchObject([{ kind: 'send', t: 200, message: { type: 'ping', n: 2 } }]);
  });

  it('judges a per-ping deadline: late answers fail it, and a deadline beyond the end of the trace is inconclusive', () => {
    // The partition from 150 to 400 ms holds ping 2 (first sent at 200 ms) back until after the heal.
    const trace = runPingDemo({ count: 3, interventions: [{ atMs: 150, kind: 'partition', groups: [['a'], ['b']] }, { atMs: 400, kind: 'heal' }], untilMs: 2000 });
    expect(checkEveryPingAnswered(trace, 3).status).toBe('ok');
    expect(checkEveryPingAnswered(trace, 3, { withinMs: 100 })).toMatchObject({ status: 'violation', failure: 'safety', message: 'pings 2 were not answered within 100 ms of being sent' });
    expect(checkEveryPingAnswered(trace, 3, { withinMs: 1000 }).status).toBe('ok');
    const short = runPingDemo({ count: 3, interventions: [{ atMs: 150, kind: 'partition', groups: [['a'], ['b']] }], untilMs: 300 });
    expect(checkEveryPingAnswered(short, 3, { withinMs: 500 })).toMatchObject({ status: 'inconclusive' });
  });
});

describe('runPingDemo trace options', () => {
  it('without states, the same events minus the state events; by default states are recorded as before', () => {
    const options = { seed: 11, count: 20, lossProbability: 0.3, untilMs: 5000 };
    const full = runPingDemo(options);
    const lean = runPingDemo({ ...options, trace: { recordState: false } });
    expect(full.events.some((e) => e.kind === 'state')).toBe(true);
    expect(lean.events.some((e) => e.kind === 'state')).toBe(false);
    const withoutStates = (trace: typeof full) => trace.events.filter((e) => e.kind !== 'state').map(({ seq: _seq, ...rest }) => rest);
    expect(withoutStates(lean)).toEqual(withoutStates(full));
  });
});

describe('the ping behaviors are pure', () => {
  it('never mutate the state they are given', () => {
    const nodes = pingPong({ count: 3 });
    const deepFreeze = <T>(x: T): T => {
      if (x !== null && typeof x === 'object') Object.values(Object.freeze(x)).forEach(deepFreeze);
      return x;
    };
    const ctx = { id: 'a', peers: ['b'], nowMs: 0, random: new Random(1) };
    let state = deepFreeze(nodes.a!.init(ctx)) as PingState;
    const inputs = [
      { type: 'start' as const },
      { type: 'timer' as const, name: 'tick' },
      { type: 'timer' as const, name: 'retransmit 0', payload: 0 },
      { type: 'message' as const, from: 'b', msgId: 1, message: { type: 'pong' as const, n: 0, echoSentAtMs: 0 } },
    ];
    for (const input of inputs) state = deepFreeze(nodes.a!.step(state, input, { ...ctx, nowMs: 12 }).state);
    expect(state).toMatchObject({ role: 'pinger', nextN: 1, outstanding: [], rtts: [{ n: 0, rttMs: 12, attempts: 2 }] });
  });
});
