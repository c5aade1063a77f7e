// Method: each checker is run on real traces (where it must pass), on hand-made traces that break its property in
// one place (where it must fail with that place as evidence), and on truncated traces (where it must refuse to
// pass). Size caps on the trace and on the run are tested here too, since checkers are what they protect.
import { describe, expect, it } from 'vitest';
import { simulate } from './simulation';
import { checkFifo, checkNoCreation, checkNoDuplication, formatCheck } from './check';
import type { Trace, TraceEvent } from './trace';
import { runPingWorkload } from './bench-workload';
import { scripted, sendMany } from './test-behaviors';

const send = (seq: number, msgId: number, message: unknown = msgId): TraceEvent => ({ seq, t: seq, kind: 'send', node: 'a', to: 'b', msgId, message, clockMs: seq });
const deliver = (seq: number, msgId: number, message: unknown = msgId): TraceEvent => ({ seq, t: seq, kind: 'deliver', node: 'b', from: 'a', msgId, message, clockMs: seq });

function handMade(events: TraceEvent[], truncated = false): Trace {
  return {
    seed: 0,
    nodes: ['a', 'b'],
    endMs: 100,
    events: truncated ? [...events, { seq: events.length, t: 100, kind: 'truncated' }] : events,
    truncated,
    stats: { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 },
  };
}

const chatty = (untilMs: number, maxEvents?: number) =>
  simulate({
    seed: 5,
    nodes: {
      a: scripted({ start: () => sendMany('b', 5), message: (input) => [{ type: 'send', to: input.from, message: input.message }] }),
      b: scripted({ message: (input) => [{ type: 'send', to: input.from, message: input.message }] }),
    },
    network: { fifo: true },
    trace: maxEvents === undefined ? {} : { maxEvents },
    untilMs,
  });

describe('network checkers on hand-made traces', () => {
  it('no creation: a delivery without a send is a violation, shown by that delivery', () => {
    const result = checkNoCreation(handMade([send(0, 0), deliver(1, 0), deliver(2, 7)]));
    expect(result).toMatchObject({ status: 'violation', failure: 'safety', events: [{ seq: 2, msgId: 7 }] });
    expect(formatCheck(result)).toBe('violation (safety) of no creation: message 7 was delivered to b but never sent [1 event]');
  });

  it('no creation: a delivery with altered content is a violation', () => {
    const result = checkNoCreation(handMade([send(0, 0, { v: 1 }), deliver(1, 0, { v: 2 })]));
    expect(result).toMatchObject({ status: 'violation', events: [{ kind: 'send' }, { kind: 'deliver' }] });
  });

  it('no duplication: a second delivery of one send is a violation', () => {
    const result = checkNoDuplication(handMade([send(0, 0), deliver(1, 0), deliver(2, 0)]));
    expect(result).toMatchObject({ status: 'violation', events: [{ seq: 0 }, { seq: 1 }, { seq: 2 }] });
  });

  it('fifo: an overtaking is a violation, shown by two sends and two deliveries; gaps from losses are fine', () => {
    expect(checkFifo(handMade([send(0, 0), send(1, 1), send(2, 2), deliver(3, 0), deliver(4, 2)])).status).toBe('ok');
    const result = checkFifo(handMade([send(0, 0), send(1, 1), deliver(2, 1), deliver(3, 0)]));
    expect(result).toMatchObject({ status: 'violation', events: [{ seq: 0 }, { seq: 1 }, { seq: 2 }, { seq: 3 }] });
  });

  it('reports what the recorded prefix shows, and inconclusive rather than ok when it was cut short', () => {
    const fine = handMade([send(0, 0), deliver(1, 0)], true);
    for (const check of [checkNoCreation, checkNoDuplication, checkFifo]) {
      expect(check(fine).status).toBe('inconclusive');
    }
    expect(formatCheck(checkFifo(fine))).toBe('inconclusive: fifo: the trace was truncated after 2 events, so later events were not checked');
    expect(checkNoCreation(handMade([deliver(0, 3)], true)).status).toBe('violation');
  });
});

describe('network checkers on real runs', () => {
  it('pass on a FIFO, loss-free, duplicate-free run', () => {
    const trace = chatty(200);
    for (const check of [checkNoCreation, checkNoDuplication, checkFifo]) {
      expect(formatCheck(check(trace))).toMatch(/^ok: /);
    }
  });
});

describe('trace cap: recording stops, the run goes on, checkers refuse to pass', () => {
  it('ends with exactly one truncated marker within maxEvents, and keeps counting stats', () => {
    const full = chatty(500);
    const capped = chatty(500, 100);
    expect(capped.truncated).toBe(true);
    expect(capped.events).toHaveLength(100);
    expect(capped.events.filter((e) => e.kind === 'truncated')).toHaveLength(1);
    expect(capped.events[99]?.kind).toBe('truncated');
    expect(capped.events.slice(0, 99)).toEqual(full.events.slice(0, 99));
    expect(capped.stats).toEqual(full.stats);
    expect(capped.endMs).toBe(500);
    for (const check of [checkNoCreation, checkNoDuplication, checkFifo]) {
      expect(check(capped).status).toBe('inconclusive');
    }
  });

  it('halts a runaway run at maxEvents processed events and says so', () => {
    const spinner = scripted({
      start: () => [{ type: 'setTimer', name: 'spin', delayMs: 0 }],
      timer: () => [{ type: 'setTimer', name: 'spin', delayMs: 0 }],
    });
    const trace = simulate({ seed: 1, nodes: { a: spinner }, maxEvents: 1000, trace: { record: false }, untilMs: 10 });
    expect(trace.halted).toEqual({ reason: 'maxEvents', maxEvents: 1000, atMs: 0 });
    expect(trace.endMs).toBe(0);
    expect(trace.stats.timers).toBe(999);
  });
});

describe('benchmark workload', () => {
  it('delivers exactly the number of messages asked for, whatever the shape', () => {
    expect(runPingWorkload(10_000)).toEqual({ delivered: 10_000 });
    expect(runPingWorkload(1001, { nodes: 3, inFlight: 7 })).toEqual({ delivered: 1001 });
  });
});
