// Method: build diagram models from real simulator runs (lossy links, partitions, crashes) and check them against
// the trace directly: every delivery becomes one arrow from its send, every drop a cross, every fault an interval,
// and every event is listed in the data table whatever the drawing cap.
import { describe, expect, it } from 'vitest';
import { runPingDemo } from '../../labs/intro/ping';
import { eventsOfKind } from '../../labs/sim/trace';
import { describeEvent, spaceTimeModel } from './spacetime-model';

describe('space-time diagram model', () => {
  it('pairs every delivery with its send, and every drop with its message', () => {
    const trace = runPingDemo({ seed: 9, lossProbability: 0.3, count: 8 });
    const model = spaceTimeModel(trace);
    const delivers = eventsOfKind(trace, 'deliver');
    const sends = new Map(eventsOfKind(trace, 'send').map((s) => [s.msgId, s]));
    expect(model.messages).toHaveLength(delivers.length);
    for (const message of model.messages) {
      const send = sends.get(message.msgId)!;
      expect(message.sendMs).toBe(send.t);
      expect(message.from).toBe(send.node);
      expect(message.deliverMs).toBeGreaterThanOrEqual(message.sendMs);
    }
    expect(model.drops.map((d) => d.msgId).sort()).toEqual(eventsOfKind(trace, 'drop').map((d) => d.msgId).sort());
    expect(model.table.rows).toHaveLength(trace.events.length);
  });

  it('shows partitions as intervals, crashes with their downtime, and stops a little after the last event', () => {
    const trace = runPingDemo({
      seed: 1,
      count: 6,
      interventions: [
        { atMs: 120, kind: 'partition', groups: [['a'], ['b']] },
        { atMs: 260, kind: 'heal' },
        { atMs: 300, kind: 'crash', node: 'b' },
        { atMs: 420, kind: 'restart', node: 'b', durable: false },
      ],
    });
    const model = spaceTimeModel(trace);
    expect(model.partitions).toEqual([{ fromMs: 120, toMs: 260, label: expect.stringContaining('{a} | {b}') }]);
    expect(model.crashes.map((c) => [c.node, c.t])).toEqual([['b', 300]]);
    expect(model.downtime).toEqual([{ node: 'b', lane: 1, fromMs: 300, toMs: 420 }]);
    expect(model.restarts[0]).toMatchObject({ node: 'b', durable: false });
    const last = trace.events[trace.events.length - 1].t;
    expect(model.endMs).toBeGreaterThanOrEqual(last);
    expect(model.endMs).toBeLessThan(last * 1.5);
  });

  it('draws at most maxEvents events and counts the rest, while the table keeps them all', () => {
    const trace = runPingDemo({ seed: 2, count: 40 });
    const model = spaceTimeModel(trace, { maxEvents: 10 });
    expect(model.events.length + model.messages.length).toBeLessThanOrEqual(20);
    expect(model.omitted).toBeGreaterThan(0);
    expect(model.table.rows).toHaveLength(trace.events.length);
  });

  it('annotates events with a field of the state after the step', () => {
    const trace = runPingDemo({ seed: 3, count: 3 });
    const model = spaceTimeModel(trace, { annotate: 'answered' });
    const onB = model.annotations.filter((a) => a.node === 'b').map((a) => a.text);
    // Receiving a ping and sending its pong happen in one step, so both events show the state after that step.
    expect(onB).toEqual(['1', '1', '2', '2', '3', '3']);
  });

  it('places labels and highlight rings at the events named by seq, and ignores unknown seqs', () => {
    const trace = runPingDemo({ seed: 3, count: 2 });
    const [send, deliver] = [eventsOfKind(trace, 'send')[0], eventsOfKind(trace, 'deliver')[0]];
    const model = spaceTimeModel(trace, { labels: [{ seq: send.seq, text: 'L=1' }, { seq: 99_999, text: 'nowhere' }], highlight: { chosen: deliver.seq, past: [send.seq], concurrent: [99_999] } });
    expect(model.annotations).toEqual([{ t: send.t, node: 'a', lane: 0, text: 'L=1' }]);
    expect(model.emphasis.map((e) => [e.role, e.node, e.t])).toEqual([['past', 'a', send.t], ['chosen', 'b', deliver.t]]);
  });

  it('describes events in words a reader can use', () => {
    const trace = runPingDemo({ seed: 1, count: 1, lossProbability: 0 });
    const send = eventsOfKind(trace, 'send')[0];
    expect(describeEvent(send)).toMatch(/^a sends m\d+ to b at \d+(\.\d+)? ms \(its clock: .* ms\): \{"type":"ping"/);
  });
});
