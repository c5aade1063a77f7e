// Method: the bank on its own (a transfer moves money, a refused one moves none), then the wrong-on-purpose case as
// a found run: Chandy and Lamport's algorithm assumes FIFO channels (1985 §2); the same layer on links that let
// messages overtake is searched, seed by seed, for a snapshot that creates or destroys money, and the seed it finds
// is replayed under Lai and Yang's algorithm (1987), which needs no FIFO, and must conserve.
import { describe, expect, it } from 'vitest';
import { bankNode, findFifoFailure, runBank, TRANSFER_REFUSED_LOG, transfer } from './bank';
import { formatCheck } from '../sim/check';
import { Random } from '../sim/random';

const ctx = { id: 'a', peers: ['b'], nowMs: 0, random: new Random(1) };

describe('the bank (Chandy and Lamport 1985 §2: money in transit)', () => {
  it('a transfer leaves the balance as a message, and arrives as a credit', () => {
    const bank = bankNode(100);
    const out = bank.step(bank.init(ctx), { type: 'request', request: transfer('b', 30) }, ctx);
    expect(out.state).toEqual({ balance: 70 });
    expect(out.effects).toEqual([{ type: 'send', to: 'b', message: { type: 'transfer', amount: 30 } }]);
    expect(bank.step({ balance: 5 }, { type: 'message', from: 'b', message: { type: 'transfer', amount: 30 }, msgId: 0 }, ctx).state).toEqual({ balance: 35 });
  });

  it('refuses (and logs) a transfer larger than the balance, or not positive', () => {
    const bank = bankNode(10);
    for (const amount of [11, 0, -5]) {
      const out = bank.step({ balance: 10 }, { type: 'request', request: transfer('b', amount) }, ctx);
      expect(out.state).toEqual({ balance: 10 });
      expect(out.effects).toEqual([{ type: 'log', text: TRANSFER_REFUSED_LOG, data: { request: transfer('b', amount), balance: 10 } }]);
    }
  });

  it('is the same run for the same seed', () => {
    const options = { seed: 'same', balances: { a: 50, b: 50, c: 50 }, algorithm: 'lai-yang' as const, transfers: 20, snapshots: [{ atMs: 20, node: 'b', id: 's' }], untilMs: 200 };
    expect(JSON.stringify(runBank(options).trace)).toBe(JSON.stringify(runBank(options).trace));
  });
});

describe('Chandy-Lamport 1985 §2 assumes FIFO channels: a found run without them', () => {
  const found = findFifoFailure({ seeds: 50 });

  it('finds, within 50 seeds, a snapshot on non-FIFO links that creates or destroys money', () => {
    expect(found, 'no seed in 1..50 broke conservation').toBeDefined();
    const { run, seed } = found!;
    expect(run.fifo).toBe(false);
    const conservation = Object.values(run.checks).flat().find((c) => c.property === 'conservation')!;
    expect(conservation.status, `seed ${seed}`).toBe('violation');
    expect(formatCheck(conservation)).toMatch(/(creates|destroys) \d+/);
    // The recorded state is not one the run could have passed through: the replay cannot reach it.
    expect(Object.values(run.checks).flat().find((c) => c.property === 'reachability')!.status).toBe('violation');
  });

  it('the same seed on FIFO links, and under Lai-Yang on the same reordering links, conserves', () => {
    const { seed } = found!;
    const base = { seed, balances: { a: 100, b: 100, c: 100 }, transfers: 30, snapshots: [{ atMs: 40, node: 'a', id: 's1' }], untilMs: 400 };
    for (const run of [runBank({ ...base, algorithm: 'lai-yang', fifo: false }), runBank({ ...base, algorithm: 'chandy-lamport', fifo: true })]) {
      for (const c of run.checks.s1!) expect(c.status, formatCheck(c)).toBe('ok');
    }
  });

  it('finds nothing when no message can overtake another (constant latency): the search is not rigged', () => {
    expect(findFifoFailure({ seeds: 20, latency: { kind: 'constant', ms: 5 } })).toBeUndefined();
  });
});
