// Method: properties over hundreds of seeded bank runs (fast-check draws the seed, the topology, the algorithm, the
// transfers and where and when snapshots start, several at once too), judged two ways: by the checkers, and by a
// naive oracle that reads the trace's own send and deliver events. Mattern's vector condition (1989) must agree
// with the oracle's definition of a consistent cut on every snapshot, including the inconsistent ones that
// Chandy-Lamport produces on non-FIFO links. Then each checker is shown to fail on a snapshot broken by hand.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runBank, bankNode, bankValue } from './bank';
import type { BankMessage, BankRun, BankState } from './bank';
import { checkConsistentCut, checkConservation, checkReachable, consistentFrontier, orphanMessages } from './checkers';
import { STATE_RECORDED_LOG } from './layer';
import type { Channel, GlobalSnapshot, LayerMessage, SnapshotAlgorithm } from './types';
import { formatCheck } from '../sim/check';
import type { Trace } from '../sim/trace';

const NODES = ['a', 'b', 'c', 'd', 'e'];

function topology(kind: 'all' | 'ring' | 'mixed', nodes: string[]): Channel[] | undefined {
  if (kind === 'all') return undefined;
  const ring = nodes.map((from, i) => ({ from, to: nodes[(i + 1) % nodes.length]! }));
  if (kind === 'ring' || nodes.length < 3) return ring;
  return [...ring, { from: nodes[1]!, to: nodes[0]! }, { from: nodes[0]!, to: nodes[2]! }].filter(
    (c, i, all) => all.findIndex((d) => d.from === c.from && d.to === c.to) === i,
  );
}

const runArb = (algorithm: fc.Arbitrary<SnapshotAlgorithm>, fifo: (a: SnapshotAlgorithm) => boolean) =>
  fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    size: fc.integer({ min: 2, max: 5 }),
    kind: fc.constantFrom('all' as const, 'ring' as const, 'mixed' as const),
    algorithm,
    transfers: fc.integer({ min: 0, max: 40 }),
    starts: fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 150 }), node: fc.integer({ min: 0, max: 4 }), id: fc.constantFrom('s1', 's2', 's3') }), { minLength: 1, maxLength: 3 }),
  }).map((p) => {
    const nodes = NODES.slice(0, p.size);
    const channels = topology(p.kind, nodes);
    return runBank({
      seed: p.seed,
      balances: Object.fromEntries(nodes.map((n) => [n, 100])),
      ...(channels ? { channels } : {}),
      algorithm: p.algorithm,
      fifo: fifo(p.algorithm),
      transfers: p.transfers,
      // runBank refuses one id started twice at one node; the layer would ignore the later start anyway.
      snapshots: p.starts
        .map((s) => ({ atMs: s.atMs, node: nodes[s.node % p.size]!, id: s.id }))
        .sort((a, b) => a.atMs - b.atMs)
        .filter((s, i, all) => all.findIndex((t) => t.node === s.node && t.id === s.id) === i),
      untilMs: 400,
    });
  });

/**
 * The naive oracle: a snapshot's cut is consistent iff no application message was delivered in a step before its
 * receiver's recording step and sent in a step after its sender's. Steps are read off the trace: the simulator runs
 * one step at a time, so the step that recorded is the last delivery, timer or request before the recording log.
 */
function oracleOrphans(trace: Trace, snapshotId: string): { from: string; to: string; seq: number }[] {
  const events = trace.events;
  const cutLog = new Map<string, number>();
  const cutStep = new Map<string, number>();
  let lastInput = -1;
  for (const e of events) {
    if (e.kind === 'deliver' || e.kind === 'timer' || e.kind === 'request') lastInput = e.seq;
    if (e.kind === 'log' && e.text === STATE_RECORDED_LOG && (e.data as { snapshotId: string }).snapshotId === snapshotId && !cutLog.has(e.node)) {
      cutLog.set(e.node, e.seq);
      cutStep.set(e.node, lastInput);
    }
  }
  const sentAt = new Map<number, { seq: number; from: string }>();
  const out: { from: string; to: string; seq: number }[] = [];
  for (const e of events) {
    if (e.kind === 'send' && (e.message as LayerMessage<BankMessage>).type === 'app') sentAt.set(e.msgId, { seq: e.seq, from: e.node });
    if (e.kind !== 'deliver') continue;
    const m = e.message as LayerMessage<BankMessage>;
    if (m.type !== 'app') continue;
    const send = sentAt.get(e.msgId)!;
    const sentAfter = send.seq > (cutLog.get(e.from) ?? Infinity);
    const receivedBefore = e.seq < (cutStep.get(e.node) ?? -Infinity);
    if (sentAfter && receivedBefore) out.push({ from: e.from, to: e.node, seq: m.seq });
  }
  return out.sort((x, y) => (x.from + x.to + x.seq < y.from + y.to + y.seq ? -1 : 1));
}

const statusOf = (run: BankRun, id: string, property: string) => run.checks[id]!.find((c) => c.property === property)!;

describe('Chandy-Lamport §4 and Lai-Yang: properties over seeded runs with snapshots started anywhere', () => {
  it('every snapshot is complete, conserves the total, is a consistent cut and is reachable (CL on FIFO, LY on reordering links)', () => {
    fc.assert(
      fc.property(runArb(fc.constantFrom('chandy-lamport' as const, 'lai-yang' as const), (a) => a === 'chandy-lamport'), (run) => {
        for (const [id, checks] of Object.entries(run.checks)) {
          for (const c of checks) expect(c.status, `seed ${run.trace.seed} ${id}: ${formatCheck(c)}`).toBe('ok');
        }
        for (const s of run.snapshots) expect(oracleOrphans(run.trace, s.snapshotId)).toEqual([]);
      }),
      { numRuns: 250, seed: 1985 },
    );
  });

  it("Mattern's vector condition agrees with the naive oracle on every snapshot, consistent or not (CL on reordering links too)", () => {
    let inconsistent = 0;
    let total = 0;
    fc.assert(
      fc.property(runArb(fc.constantFrom('chandy-lamport' as const, 'lai-yang' as const), () => false), (run) => {
        for (const s of run.snapshots) {
          if (!s.complete) continue;
          total++;
          const oracle = oracleOrphans(run.trace, s.snapshotId);
          expect(consistentFrontier(s.frontier), `seed ${run.trace.seed} ${s.snapshotId}`).toBe(oracle.length === 0);
          expect(orphanMessages(s).sort((x, y) => (x.from + x.to + x.seq < y.from + y.to + y.seq ? -1 : 1))).toEqual(oracle);
          expect(statusOf(run, s.snapshotId, 'consistent cut').status).toBe(oracle.length === 0 ? 'ok' : 'violation');
          if (oracle.length > 0) inconsistent++;
        }
      }),
      { numRuns: 250, seed: 1989 },
    );
    // The comparison means something only if both verdicts occurred.
    expect(inconsistent).toBeGreaterThan(0);
    expect(total - inconsistent).toBeGreaterThan(0);
  });
});

describe('each checker fails on a snapshot broken by hand', () => {
  const run = runBank({ seed: 12, balances: { a: 100, b: 100, c: 100 }, algorithm: 'chandy-lamport', transfers: 40, snapshots: [{ atMs: 30, node: 'a', id: 's' }], untilMs: 300 });
  const snapshot = run.snapshots[0]!;
  const withFlight = snapshot.channels.find((c) => c.messages.length > 0);
  const options = { total: run.total, valueOfState: bankValue.ofState, valueOfMessage: bankValue.ofMessage };
  const app = bankNode(100);

  it('the run itself passes and has money in flight at the cut', () => {
    expect(run.checks.s!.map(formatCheck)).toEqual(['ok: completeness', 'ok: consistent cut', 'ok: conservation', 'ok: reachability']);
    expect(withFlight).toBeDefined();
  });

  it('conservation: dropping a recorded message destroys its amount', () => {
    const broken: GlobalSnapshot<BankState, BankMessage> = {
      ...snapshot,
      channels: snapshot.channels.map((c) => (c === withFlight ? { ...c, messages: c.messages.slice(1) } : c)),
    };
    const result = checkConservation(broken, options);
    expect(result.status).toBe('violation');
    expect(formatCheck(result)).toContain(`destroys ${withFlight!.messages[0]!.message.amount}`);
  });

  it('reachability: a recorded state no replay reaches, and a channel state the replay does not leave', () => {
    const state: GlobalSnapshot<BankState, BankMessage> = { ...snapshot, states: { ...snapshot.states, b: { balance: snapshot.states.b!.balance + 1 } } };
    expect(formatCheck(checkReachable(run.trace, state, app, { fifo: true }))).toMatch(/gives b the state .* but b recorded/);
    const channel: GlobalSnapshot<BankState, BankMessage> = {
      ...snapshot,
      channels: snapshot.channels.map((c) => (c === withFlight ? { ...c, messages: [] } : c)),
    };
    expect(formatCheck(checkReachable(run.trace, channel, app, { fifo: true }))).toMatch(new RegExp(`channel ${withFlight!.from} -> ${withFlight!.to} holds`));
  });

  it('consistent cut: a frontier that has seen more of a node than it recorded names the pair; a learner condition is used', () => {
    const frontier = { ...snapshot.frontier, b: { ...snapshot.frontier.b!, c: snapshot.frontier.c!.c! + 2 } };
    const result = checkConsistentCut({ ...snapshot, frontier });
    expect(result.status).toBe('violation');
    expect(formatCheck(result)).toMatch(/b's recording has seen \d+ events of c, but c recorded after only \d+/);
    expect(checkConsistentCut({ ...snapshot, frontier }, { isConsistent: () => true }).status).toBe('ok');
    expect(checkConsistentCut(snapshot, { isConsistent: () => false }).status).toBe('violation');
  });

  it('reachability after the cut: a final state or a final channel the replay does not reach is caught; no state events is inconclusive', () => {
    const events = run.trace.events;
    const lastDelivery = events.map((e) => e.kind === 'deliver' && (e.message as LayerMessage<BankMessage>).type === 'app').lastIndexOf(true);
    const missingDelivery: Trace = { ...run.trace, events: events.filter((_, i) => i !== lastDelivery) };
    expect(formatCheck(checkReachable(missingDelivery, snapshot, app, { fifo: true }))).toMatch(/gives [a-c] the final state .* but the run ended with/);
    const last = events[events.length - 1]!;
    const extraSend = { seq: last.seq + 1, t: last.t, kind: 'send' as const, node: 'a', to: 'b', msgId: 10_000, clockMs: last.t, message: { type: 'app', seq: 999, vc: {}, recorded: [], message: { type: 'transfer', amount: 1 } } };
    const strayMessage: Trace = { ...run.trace, events: [...events, extraSend] };
    expect(formatCheck(checkReachable(strayMessage, snapshot, app, { fifo: true }))).toMatch(/leaves \[\] in flight on a -> b, but the run ended with \[#999\] undelivered/);
    const noStates: Trace = { ...run.trace, events: events.filter((e) => e.kind !== 'state') };
    const result = checkReachable(noStates, snapshot, app, { fifo: true });
    expect(result.status).toBe('inconclusive');
    expect(formatCheck(result)).toContain('records no state of a');
  });

  it('an incomplete snapshot is inconclusive, never a silent pass', () => {
    const incomplete = { ...snapshot, complete: false, missing: ['c'] };
    expect(checkConsistentCut(incomplete).status).toBe('inconclusive');
    expect(checkConservation(incomplete, options).status).toBe('inconclusive');
    expect(checkReachable(run.trace, incomplete, app).status).toBe('inconclusive');
  });
});

describe('the checkers catch wrong rules plugged into the layer (what the exercises grade)', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
  const caught = (options: Partial<Parameters<typeof runBank>[0]>) =>
    seeds.some((seed) => {
      const run = runBank({ seed, balances: { a: 100, b: 100, c: 100 }, algorithm: 'chandy-lamport', transfers: 30, snapshots: [{ atMs: 30, node: 'a', id: 's' }], untilMs: 400, ...options });
      return Object.values(run.checks).flat().some((c) => c.status === 'violation');
    });

  it('a marker rule that records no channel at all loses money in flight', () => {
    expect(caught({ markerRule: (view) => ({ recordState: !view.recorded, recording: [] }) })).toBe(true);
  });

  it('a marker rule that also records the channel the first marker came on (not empty, as §3.2 says) is caught', () => {
    expect(caught({ markerRule: (view, from) => (view.recorded ? { recordState: false, recording: view.recording.filter((n) => n !== from) } : { recordState: true, recording: [...view.incoming] }) })).toBe(true);
  });

  it('Lai-Yang channel states taken as everything sent, not the difference, count money twice', () => {
    expect(caught({ algorithm: 'lai-yang', channelState: (sent) => sent.slice() })).toBe(true);
  });

  it('the reference rules pass the same seeds', () => {
    expect(caught({})).toBe(false);
    expect(caught({ algorithm: 'lai-yang' })).toBe(false);
  });
});
