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

  it('refuses (and logs) a transfer larger than the balance, or a hand-made request whose amount is not positive', () => {
    const bank = bankNode(10);
    for (const amount of [11, 0, -5]) {
      const request = { type: 'transfer', to: 'b', amount };
      const out = bank.step({ balance: 10 }, { type: 'request', request }, ctx);
      expect(out.state).toEqual({ balance: 10 });
      expect(out.effects).toEqual([{ type: 'log', text: TRANSFER_REFUSED_LOG, data: { request, balance: 10 } }]);
    }
  });

  it('transfer(to, amount) refuses an amount that is not a positive whole number, before any run', () => {
    for (const amount of [0, -5, 2.5, Number.NaN]) {
      expect(() => transfer('b', amount)).toThrow(`transfer(to, amount): amount must be a positive whole number (got ${amount})`);
    }
    expect(() => transfer('' as string, 5)).toThrow('transfer(to, amount): to must name the receiving node (got "")');
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

describe('runBank checks its options before running, naming each as the caller wrote it', () => {
  const good = { seed: 1, balances: { a: 100, b: 100, c: 100 }, algorithm: 'chandy-lamport' as const, transfers: 5, snapshots: [{ atMs: 10, node: 'a', id: 's1' }], untilMs: 100 };
  const cases: [string, Record<string, unknown>, string][] = [
    ['one node', { balances: { a: 100 } }, 'runBank: balances must name at least two nodes, since a transfer goes from one node to another (got {"a":100})'],
    ['a negative balance', { balances: { a: 100, b: -1 } }, 'runBank: balances.b must be a non-negative whole number (got -1)'],
    ['a fractional balance', { balances: { a: 100, b: 2.5 } }, 'runBank: balances.b must be a non-negative whole number (got 2.5)'],
    ['a negative transfer count', { transfers: -3 }, 'runBank: transfers must be a non-negative whole number of random transfers, or a list of request interventions (got -3)'],
    ['a fractional transfer count', { transfers: 1.5 }, 'runBank: transfers must be a non-negative whole number'],
    ['a negative maxAmount', { maxAmount: -5 }, 'runBank: maxAmount must be a positive whole number (got -5)'],
    ['a zero maxAmount', { maxAmount: 0 }, 'runBank: maxAmount must be a positive whole number (got 0)'],
    ['a snapshot at an unknown node', { snapshots: [{ atMs: 10, node: 'z', id: 's1' }] }, 'runBank: snapshots[0].node must name a node of balances (nodes: a, b, c) (got "z")'],
    ['a snapshot after the run ends', { untilMs: 20, snapshots: [{ atMs: 40, node: 'a', id: 's1' }] }, 'runBank: snapshots[0].atMs must be before untilMs (20 ms), or the snapshot never starts (got 40)'],
    ['a snapshot at a negative time', { snapshots: [{ atMs: -1, node: 'a', id: 's1' }] }, 'runBank: snapshots[0].atMs must be a non-negative number of milliseconds (got -1)'],
    ['one id twice at one node', { snapshots: [{ atMs: 10, node: 'a', id: 's1' }, { atMs: 30, node: 'a', id: 's1' }] }, 'runBank: snapshots[1].id must not repeat an id already started at a: each snapshot needs its own id (got "s1")'],
    ['a channel to an unknown node', { channels: [{ from: 'a', to: 'b' }, { from: 'b', to: 'z' }] }, 'runBank: channels[1].to must name a node of balances (nodes: a, b, c) (got "z")'],
    ['a channel from a node to itself', { channels: [{ from: 'a', to: 'a' }] }, 'runBank: channels[0] must join two distinct nodes (got {"from":"a","to":"a"})'],
    ['an unknown algorithm', { algorithm: 'chandy' }, "runBank: algorithm must be 'chandy-lamport' or 'lai-yang' (got \"chandy\")"],
  ];
  it.each(cases)('%s', (_, bad, message) => {
    expect(() => runBank({ ...good, ...bad } as Parameters<typeof runBank>[0])).toThrow(message);
  });

  it('accepts the good options, and the same id started at two different nodes (concurrent initiators)', () => {
    expect(runBank(good).snapshots).toHaveLength(1);
    const both = runBank({ ...good, snapshots: [{ atMs: 10, node: 'a', id: 's1' }, { atMs: 12, node: 'b', id: 's1' }] });
    expect(both.snapshots[0]!.initiators).toEqual(['a', 'b']);
  });
});
