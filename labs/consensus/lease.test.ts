// Method: the scenario of Kleppmann's DDIA ch. 8 (a client paused past its lease writes anyway) is run with and
// without fencing tokens (Chubby §2.4 sequencers), and the storage's log is judged by checkExclusiveWrites. Single
// steps of the lock service and the storage check their rules on hand-built states; 100 seeds with random latency
// check that fencing holds whatever the timing, and that without it the same runs always go wrong.
import { describe, expect, it } from 'vitest';
import { checkExclusiveWrites, fencedStorage, lockService, runLockDemo } from './lease';
import type { LockMessage, LockServiceState } from './lease';
import { Random } from '../sim/random';
import { eventsOfKind } from '../sim/trace';
import type { Effect, Input } from '../sim/types';

const ctx = (id: string, nowMs = 0) => ({ id, peers: [], nowMs, random: new Random(1) });
const msg = (from: string, message: LockMessage): Input<LockMessage> => ({ type: 'message', from, message, msgId: 0 });
const sends = (effects: Effect<LockMessage>[] = []) => effects.filter((e) => e.type === 'send') as Extract<Effect<LockMessage>, { type: 'send' }>[];
const randomLatency = { latency: { kind: 'uniform' as const, minMs: 1, maxMs: 45 } };

describe('Lock service: leases and tokens (DDIA ch. 8; Chubby §2.4)', () => {
  it('grants a free lock with the next token and queues a client while the lease is live', () => {
    const lock = lockService(100);
    const first = lock.step(lock.init(ctx('lock')), msg('c1', { type: 'acquire' }), ctx('lock', 5));
    expect(first.state).toEqual({ lastToken: 1, holder: 'c1', leaseEndsMs: 105, waiting: [] });
    expect(sends(first.effects)).toEqual([{ type: 'send', to: 'c1', message: { type: 'granted', token: 1, leaseMs: 100 } }]);
    const queued = lock.step(first.state, msg('c2', { type: 'acquire' }), ctx('lock', 50));
    expect(queued.state.waiting).toEqual(['c2']);
    expect(sends(queued.effects)).toEqual([]);
  });

  it('on expiry, grants the next waiting client a higher token, on its own clock only', () => {
    const lock = lockService(100);
    const s: LockServiceState = { lastToken: 1, holder: 'c1', leaseEndsMs: 105, waiting: ['c2'] };
    const { state, effects } = lock.step(s, { type: 'timer', name: 'lease-expired' }, ctx('lock', 105));
    expect(state).toEqual({ lastToken: 2, holder: 'c2', leaseEndsMs: 205, waiting: [] });
    expect(sends(effects)[0]?.message).toEqual({ type: 'granted', token: 2, leaseMs: 100 });
  });

  it('storage with fencing rejects a token below the highest it has seen; without, it takes everything', () => {
    const fenced = fencedStorage(true);
    const after2 = fenced.step(fenced.init(ctx('storage')), msg('c2', { type: 'write', token: 2, value: 'b' }), ctx('storage')).state;
    const stale = fenced.step(after2, msg('c1', { type: 'write', token: 1, value: 'a' }), ctx('storage'));
    expect(stale.state).toBe(after2);
    expect(stale.effects?.[0]).toEqual({ type: 'log', text: 'reject', data: { client: 'c1', token: 1, highestToken: 2 } });
    const open = fencedStorage(false);
    const taken = open.step(after2, msg('c1', { type: 'write', token: 1, value: 'a' }), ctx('storage'));
    expect(taken.effects?.[0]).toEqual({ type: 'log', text: 'write', data: { client: 'c1', token: 1, value: 'a' } });
  });
});

describe('Process pauses and fencing tokens (DDIA ch. 8, figures 8-4 and 8-5)', () => {
  it('without fencing, storage accepts both writes, and the paused client\'s write violates exclusivity', () => {
    const { trace, writes } = runLockDemo({ seed: 1, fencing: false });
    expect(writes.map(({ client, token, accepted }) => ({ client, token, accepted }))).toEqual([
      { client: 'c2', token: 2, accepted: true },
      { client: 'c1', token: 1, accepted: true },
    ]);
    const result = checkExclusiveWrites(trace);
    expect(result).toMatchObject({ status: 'violation', failure: 'safety' });
    if (result.status === 'violation') expect(result.events.map((e) => (e.kind === 'log' ? `${e.node}:${e.text}` : e.kind))).toEqual(['lock:grant', 'lock:grant', 'storage:write']);
  });

  it('c1 was paused right after its grant, for longer than the lease, and wrote when it resumed', () => {
    const { trace } = runLockDemo({ seed: 1, fencing: false });
    const granted = eventsOfKind(trace, 'log').find((e) => e.node === 'c1' && e.text === 'granted')!;
    const pause = eventsOfKind(trace, 'pause')[0]!;
    const resume = eventsOfKind(trace, 'resume')[0]!;
    const writing = eventsOfKind(trace, 'log').find((e) => e.node === 'c1' && e.text === 'writing')!;
    expect(pause.t).toBe(granted.t + 1);
    expect(resume.t - pause.t).toBe(300);
    expect(writing.t).toBe(resume.t);
    const c2Grant = eventsOfKind(trace, 'log').find((e) => e.node === 'lock' && e.text === 'grant' && (e.data as { client: string }).client === 'c2')!;
    expect(c2Grant.t).toBeGreaterThan(pause.t);
    expect(c2Grant.t).toBeLessThan(resume.t);
  });

  it('with fencing, storage rejects the stale write and the check passes', () => {
    const { trace, writes } = runLockDemo({ seed: 1, fencing: true });
    expect(writes.map(({ client, token, accepted }) => ({ client, token, accepted }))).toEqual([
      { client: 'c2', token: 2, accepted: true },
      { client: 'c1', token: 1, accepted: false },
    ]);
    expect(checkExclusiveWrites(trace)).toEqual({ status: 'ok', property: 'exclusive writes' });
    expect(eventsOfKind(trace, 'log').some((e) => e.node === 'c1' && e.text === 'written' && (e.data as { accepted: boolean }).accepted === false)).toBe(true);
  });

  it('with fencing, passes for 100 seeds with random latency; without, fails for every one of them', () => {
    for (let seed = 0; seed < 100; seed++) {
      expect(checkExclusiveWrites(runLockDemo({ seed, fencing: true, network: randomLatency }).trace).status, `seed ${seed}`).toBe('ok');
      expect(checkExclusiveWrites(runLockDemo({ seed, fencing: false, network: randomLatency }).trace).status, `seed ${seed}`).toBe('violation');
    }
  });

  it('with a pause shorter than the lease there is nothing to fence: both writes are accepted and the check passes', () => {
    const { trace, writes } = runLockDemo({ seed: 2, fencing: true, pauseMs: 30 });
    expect(writes.every((w) => w.accepted)).toBe(true);
    expect(writes.map((w) => w.client)).toEqual(['c1', 'c2']);
    expect(checkExclusiveWrites(trace).status).toBe('ok');
  });

  it('replays byte-identically from the seed', () => {
    expect(JSON.stringify(runLockDemo({ seed: 'replay', fencing: true, network: randomLatency }))).toBe(
      JSON.stringify(runLockDemo({ seed: 'replay', fencing: true, network: randomLatency })),
    );
  });
});
