// Method: each describe block names the section of the paper whose rule it tests. Single steps of the wrapped node
// check the rules exactly (what is recorded, which markers go out, in what order); whole bank runs on the simulator
// (several topologies, 2 to 6 nodes, FIFO links for Chandy-Lamport and reordering links for Lai-Yang) are judged by
// the checkers, over a fixed list of seeds so that every run is the same each time.
import { describe, expect, it } from 'vitest';
import { allChannels, markerReceiveRule, startSnapshot, STATE_RECORDED_LOG, withSnapshots } from './layer';
import type { LayerState } from './layer';
import { bankNode, randomTransfers, runBank, transfer } from './bank';
import type { BankMessage, BankRun, BankState } from './bank';
import { channelStateByDifference, collectSnapshots } from './collect';
import { RECORDING_LOG } from './types';
import type { Channel, LayerMessage, LocalRecording, MarkerReceiveRule, SnapshotAlgorithm } from './types';
import { formatCheck } from '../sim/check';
import { Random } from '../sim/random';
import { simulate } from '../sim/simulation';
import { eventsOfKind } from '../sim/trace';
import type { Effect, Input, NodeBehavior, StepContext } from '../sim/types';

type L = LayerState<BankState, BankMessage>;
type W = LayerMessage<BankMessage>;

const ctx = (id: string, peers = ['b', 'c']): StepContext => ({ id, peers, nowMs: 7, random: new Random(1) });

function node(algorithm: SnapshotAlgorithm, options: { channels?: Channel[]; markerRule?: MarkerReceiveRule; balance?: number } = {}) {
  const behavior = withSnapshots(bankNode(options.balance ?? 100), { algorithm, ...options });
  const c = ctx('a');
  const init = () => behavior.init(c);
  const step = (state: L, input: Input<W>) => {
    const result = behavior.step(state, input, c);
    return { state: result.state, effects: (result.effects ?? []) as Effect<W>[] };
  };
  return { init, step };
}

const request = (r: unknown): Input<W> => ({ type: 'request', request: r });
const marker = (from: string, snapshotId = 's'): Input<W> => ({ type: 'message', from, message: { type: 'marker', snapshotId }, msgId: 0 });
const appMsg = (from: string, amount: number, seq = 0, recorded: string[] = []): Input<W> => ({
  type: 'message', from, msgId: 0, message: { type: 'app', message: { type: 'transfer', amount }, seq, vc: { a: 0, b: 1, c: 0 }, recorded },
});
const logs = (effects: Effect<W>[], text: string) => effects.filter((e) => e.type === 'log' && e.text === text) as Extract<Effect<W>, { type: 'log' }>[];
const sends = (effects: Effect<W>[]) => effects.filter((e) => e.type === 'send') as Extract<Effect<W>, { type: 'send' }>[];

function expectAllOk(run: BankRun, label: string) {
  expect(run.snapshots.length, label).toBeGreaterThan(0);
  for (const [id, checks] of Object.entries(run.checks)) {
    for (const c of checks) expect(c.status, `${label} ${id}: ${formatCheck(c)}`).toBe('ok');
  }
}

describe('Chandy-Lamport 1985 §3.2 the marker sending rule', () => {
  it('records the state at the initiator, then sends a marker on every outgoing channel before anything else', () => {
    const n = node('chandy-lamport');
    const { state, effects } = n.step(n.init(), request(startSnapshot('s')));
    expect(state.recorded).toEqual(['s']);
    expect(state.snapshots.s!.recording.state).toEqual({ balance: 100 });
    expect(state.snapshots.s!.open).toEqual(['b', 'c']);
    expect(sends(effects).map((e) => [e.to, e.message])).toEqual([
      ['b', { type: 'marker', snapshotId: 's' }],
      ['c', { type: 'marker', snapshotId: 's' }],
    ]);
    expect(logs(effects, STATE_RECORDED_LOG)).toHaveLength(1);
    expect(logs(effects, RECORDING_LOG)).toHaveLength(0);
  });

  it('sends markers only on the channels of the topology', () => {
    const n = node('chandy-lamport', { channels: [{ from: 'a', to: 'b' }, { from: 'c', to: 'a' }] });
    const { state, effects } = n.step(n.init(), request(startSnapshot('s')));
    expect(sends(effects).map((e) => e.to)).toEqual(['b']);
    expect(state.snapshots.s!.open).toEqual(['c']);
  });

  it('ignores a second start of an id the node already recorded', () => {
    const n = node('chandy-lamport');
    const first = n.step(n.init(), request(startSnapshot('s')));
    const second = n.step(first.state, request(startSnapshot('s')));
    expect(second.state).toBe(first.state);
    expect(second.effects).toEqual([]);
  });
});

describe('Chandy-Lamport 1985 §3.2 the marker receiving rule', () => {
  it('on a first marker records the state, records that channel as empty and starts recording the others', () => {
    const n = node('chandy-lamport');
    const { state, effects } = n.step(n.init(), marker('b'));
    expect(state.snapshots.s!.open).toEqual(['c']);
    expect(state.snapshots.s!.recording.initiator).toBe(false);
    expect(state.snapshots.s!.recording.channels).toEqual({ b: [], c: [] });
    expect(sends(effects).map((e) => e.to)).toEqual(['b', 'c']);
  });

  it('records messages arriving on a channel after the recording and before its marker, then completes', () => {
    const n = node('chandy-lamport');
    let s = n.step(n.init(), marker('b')).state;
    s = n.step(s, appMsg('c', 30, 0)).state;
    s = n.step(s, appMsg('b', 5, 0)).state; // after b's marker: not part of any channel state
    const { state, effects } = n.step(s, marker('c'));
    const [log] = logs(effects, RECORDING_LOG);
    const recording = log!.data as LocalRecording<BankState, BankMessage>;
    expect(recording.channels).toEqual({ b: [], c: [{ seq: 0, message: { type: 'transfer', amount: 30 } }] });
    expect(recording.state).toEqual({ balance: 100 });
    expect(state.app).toEqual({ balance: 135 });
    expect(state.snapshots.s!.complete).toBe(true);
  });

  it('the reference rule as a pure decision', () => {
    expect(markerReceiveRule({ recorded: false, recording: [], incoming: ['b', 'c', 'd'] }, 'c')).toEqual({ recordState: true, recording: ['b', 'd'] });
    expect(markerReceiveRule({ recorded: true, recording: ['b', 'd'], incoming: ['b', 'c', 'd'] }, 'd')).toEqual({ recordState: false, recording: ['b'] });
  });

  it('runs a learner rule in place of the reference, and names it in a clear error when its answer is nonsense', () => {
    const recordEverything: MarkerReceiveRule = function recordEverything(view) {
      return { recordState: !view.recorded, recording: ['z'] };
    };
    const n = node('chandy-lamport', { markerRule: recordEverything });
    expect(() => n.step(n.init(), marker('b'))).toThrow(/recordEverything.*"z".*not an incoming channel/);
    const again: MarkerReceiveRule = function again(view) {
      return { recordState: true, recording: view.recorded ? [] : ['c'] };
    };
    const m = node('chandy-lamport', { markerRule: again });
    const s = m.step(m.init(), marker('b')).state;
    expect(() => m.step(s, marker('c'))).toThrow(/again.*already recorded/);
  });
});

describe('the layer keeps itself out of the application', () => {
  it('never lets the application see a marker or a wrapper field, and passes timers and other requests through', () => {
    const seen: unknown[] = [];
    const spy: NodeBehavior<BankState, BankMessage> = {
      init: () => ({ balance: 50 }),
      step(state, input, c) {
        seen.push(input.type === 'message' ? { from: input.from, message: input.message } : input);
        return bankNode(50).step(state, input, c);
      },
    };
    const trace = simulate<L, W>({
      seed: 1,
      nodes: { a: withSnapshots(spy, { algorithm: 'chandy-lamport' }), b: withSnapshots(bankNode(50), { algorithm: 'chandy-lamport' }) },
      network: { fifo: true },
      interventions: [
        { atMs: 1, kind: 'request', node: 'b', request: transfer('a', 20) },
        { atMs: 2, kind: 'request', node: 'b', request: startSnapshot('s') },
        { atMs: 3, kind: 'request', node: 'a', request: { type: 'something else' } },
      ],
      untilMs: 100,
    });
    expect(seen).toContainEqual({ from: 'b', message: { type: 'transfer', amount: 20 } });
    expect(seen).toContainEqual({ type: 'request', request: { type: 'something else' } });
    expect(JSON.stringify(seen)).not.toMatch(/marker|seq|vc|recorded|start-snapshot/);
    expect(eventsOfKind(trace, 'log').filter((e) => e.text === RECORDING_LOG)).toHaveLength(2);
  });

  it('throws a clear error when the application sends on a channel that is not listed', () => {
    const n = node('lai-yang', { channels: [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }] });
    expect(() => n.step(n.init(), request(transfer('c', 10)))).toThrow(/channel a -> c.*not one of the snapshot layer's channels/);
  });

  it('numbers messages per channel and keeps a vector clock over application events (Mattern 1989)', () => {
    const n = node('chandy-lamport');
    let s = n.init();
    const r1 = n.step(s, request(transfer('b', 10)));
    const r2 = n.step(r1.state, request(transfer('b', 10)));
    const r3 = n.step(r2.state, request(transfer('c', 10)));
    s = r3.state;
    expect([r1, r2, r3].map((r) => sends(r.effects)[0]!.message)).toMatchObject([
      { type: 'app', seq: 0, vc: { a: 1, b: 0, c: 0 } },
      { type: 'app', seq: 1, vc: { a: 2, b: 0, c: 0 } },
      { type: 'app', seq: 0, vc: { a: 3, b: 0, c: 0 } },
    ]);
    s = n.step(s, appMsg('b', 5)).state;
    expect(s.vc).toEqual({ a: 4, b: 1, c: 0 });
    expect(s.received).toEqual({ b: [0] });
  });
});

describe('Lai and Yang 1987: colours instead of markers on the critical path', () => {
  it('a message coloured for a snapshot the node has not recorded makes it record before taking the message', () => {
    const n = node('lai-yang');
    const { state, effects } = n.step(n.init(), appMsg('b', 40, 0, ['s']));
    expect(state.snapshots.s!.recording.state).toEqual({ balance: 100 });
    expect(state.snapshots.s!.recording.receivedBefore).toEqual({ b: [], c: [] });
    expect(state.app).toEqual({ balance: 140 });
    expect(logs(effects, RECORDING_LOG)).toHaveLength(1);
    expect(sends(effects).map((e) => e.to)).toEqual(['b', 'c']);
  });

  it('records at once every message sent before the recording, per outgoing channel', () => {
    const n = node('lai-yang');
    let s = n.step(n.init(), request(transfer('b', 10))).state;
    s = n.step(s, request(transfer('b', 15))).state;
    const { effects } = n.step(s, request(startSnapshot('s')));
    const recording = logs(effects, RECORDING_LOG)[0]!.data as LocalRecording<BankState, BankMessage>;
    expect(recording.channels).toEqual({ b: [{ seq: 0, message: { type: 'transfer', amount: 10 } }, { seq: 1, message: { type: 'transfer', amount: 15 } }], c: [] });
    expect(recording.sentBefore).toEqual({ b: 2, c: 0 });
  });

  it('channel state by difference: sent before minus received before, by seq, in send order', () => {
    const sent = [0, 1, 2, 3].map((seq) => ({ seq, message: seq * 10 }));
    expect(channelStateByDifference(sent, [2, 0])).toEqual([{ seq: 1, message: 10 }, { seq: 3, message: 30 }]);
    expect(channelStateByDifference(sent, [])).toEqual(sent);
  });
});

const ring = (nodes: string[]): Channel[] => nodes.map((from, i) => ({ from, to: nodes[(i + 1) % nodes.length]! }));
/** A ring one way, plus two-way links from the first node to every other one. */
const mixed = (nodes: string[]): Channel[] => {
  const out = ring(nodes);
  for (const n of nodes.slice(2)) out.push({ from: nodes[0]!, to: n }, { from: n, to: nodes[0]! });
  return out.filter((c, i) => out.findIndex((d) => d.from === c.from && d.to === c.to) === i);
};
const names = (n: number) => ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, n);
const balances = (nodes: string[]) => Object.fromEntries(nodes.map((n, i) => [n, 100 + 10 * i]));

describe('Chandy-Lamport §4 and Lai-Yang on whole runs: every snapshot is complete, consistent, conserving and reachable', () => {
  const topologies: [string, (nodes: string[]) => Channel[] | undefined][] = [
    ['all-to-all', () => undefined],
    ['a directed ring', ring],
    ['one-way and two-way links', mixed],
  ];
  for (const algorithm of ['chandy-lamport', 'lai-yang'] as const) {
    for (const [name, channelsOf] of topologies) {
      it(`${algorithm} on ${algorithm === 'chandy-lamport' ? 'FIFO' : 'non-FIFO'} links, ${name}, 2 to 6 nodes`, () => {
        for (let size = 2; size <= 6; size++) {
          for (const seed of [1, 2, 3]) {
            const nodes = names(size);
            const channels = channelsOf(nodes);
            const run = runBank({
              seed: `${name}-${size}-${seed}`,
              balances: balances(nodes),
              ...(channels ? { channels } : {}),
              algorithm,
              transfers: 10 * size,
              snapshots: [{ atMs: 20 + seed * 7, node: nodes[seed % size]!, id: 's1' }],
              untilMs: 400,
            });
            expect(run.fifo).toBe(algorithm === 'chandy-lamport');
            expectAllOk(run, `${algorithm} ${name} n=${size} seed=${seed}`);
          }
        }
      });
    }

    it(`${algorithm}: concurrent snapshots from two initiators and sequential ones, by id`, () => {
      for (const seed of [1, 2, 3, 4]) {
        const nodes = names(4);
        const run = runBank({
          seed,
          balances: balances(nodes),
          algorithm,
          transfers: 40,
          snapshots: [
            { atMs: 30, node: 'a', id: 'left' },
            { atMs: 31, node: 'd', id: 'right' },
            { atMs: 120, node: 'b', id: 'later' },
          ],
          untilMs: 400,
        });
        expect(run.snapshots.map((s) => s.snapshotId).sort()).toEqual(['later', 'left', 'right']);
        expect(run.snapshots.find((s) => s.snapshotId === 'left')!.initiators).toEqual(['a']);
        expectAllOk(run, `${algorithm} seed=${seed}`);
      }
    });
  }

  it('two initiators of one id make one snapshot with both as initiators', () => {
    const run = runBank({
      seed: 9, balances: { a: 50, b: 50, c: 50 }, algorithm: 'chandy-lamport', transfers: 15,
      snapshots: [{ atMs: 30, node: 'a', id: 's' }, { atMs: 30, node: 'c', id: 's' }], untilMs: 300,
    });
    expect(run.snapshots).toHaveLength(1);
    expect(run.snapshots[0]!.initiators).toEqual(['a', 'c']);
    expectAllOk(run, 'two initiators');
  });
});

describe('collecting snapshots', () => {
  it('reports a snapshot as incomplete, naming the nodes a directed topology never reaches', () => {
    const run = runBank({
      seed: 1, balances: { a: 10, b: 10, c: 10 }, algorithm: 'chandy-lamport',
      channels: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }], transfers: 4, snapshots: [{ atMs: 10, node: 'b', id: 's' }], untilMs: 200,
    });
    const [snapshot] = run.snapshots;
    expect(snapshot!.complete).toBe(false);
    expect(snapshot!.missing).toEqual(['a', 'b']); // b waits forever for a's marker; a never hears of the snapshot
    expect(run.checks.s!.map((c) => c.status)).toEqual(['violation', 'inconclusive', 'inconclusive', 'inconclusive']);
  });

  it('collects the same snapshots from a trace as runBank does, with a learner channel-state rule plugged in', () => {
    const run = runBank({ seed: 5, balances: { a: 100, b: 100, c: 100 }, algorithm: 'lai-yang', transfers: 30, snapshots: [{ atMs: 25, node: 'b', id: 's' }], untilMs: 300 });
    expect(collectSnapshots(run.trace)).toEqual(run.snapshots);
    const forgetful = collectSnapshots(run.trace, { channelState: () => [] });
    expect(forgetful[0]!.channels.every((c) => c.messages.length === 0)).toBe(true);
  });

  it("gives a snapshot's times in global time, even when a node's clock is skewed", () => {
    const trace = simulate<L, W>({
      seed: 1,
      nodes: { a: withSnapshots(bankNode(10), { algorithm: 'chandy-lamport' }), b: withSnapshots(bankNode(10), { algorithm: 'chandy-lamport' }) },
      network: { fifo: true, latency: { kind: 'constant', ms: 5 } },
      clocks: { a: { offsetMs: 1000 } },
      interventions: [{ atMs: 3, kind: 'request', node: 'a', request: startSnapshot('s') }],
      untilMs: 50,
    });
    const logged = eventsOfKind(trace, 'log').find((e) => e.text === RECORDING_LOG && e.node === 'a')!.data as LocalRecording<BankState, BankMessage>;
    expect(logged.recordedAtMs).toBe(1003);
    const [snapshot] = collectSnapshots<BankState, BankMessage>(trace);
    expect(snapshot!.recordings.a!.recordedAtMs).toBe(3);
    expect(snapshot!.recordings.a!.completedAtMs).toBe(13);
    expect(snapshot!.startedAtMs).toBe(3);
  });

  it('randomTransfers stays on the given channels and is the same for the same seed', () => {
    const channels = ring(['a', 'b', 'c']);
    const t1 = randomTransfers({ seed: 4, nodes: ['a', 'b', 'c'], channels, count: 50, untilMs: 100 });
    expect(t1).toEqual(randomTransfers({ seed: 4, nodes: ['a', 'b', 'c'], channels, count: 50, untilMs: 100 }));
    for (const i of t1) {
      if (i.kind !== 'request') throw new Error('not a request');
      const r = i.request as { to: string };
      expect(channels).toContainEqual({ from: i.node, to: r.to });
    }
    expect(allChannels(['b', 'a'])).toEqual([{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }]);
  });
});
