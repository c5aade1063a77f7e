// Method: the session checker is compared with a naive oracle written straight from the per-client definition in
// session.ts (Terry et al. 1994 §3, each client's servers with their own order of the writes): for every choice of
// which indeterminate writes took effect and every visibility (each read, any subset of the writes that holds the
// write it returned), test the visibility rules as the definitions quantify them; then for every client, try every
// order of the writes and keep those under which the client's reads return the latest visible write, noting which
// order rules each satisfies. A set of guarantees holds when one visibility passes its rules and every client has an
// order that passes its order rules. Thousands of small seeded histories, register and key-value, must get the same
// verdict from checker and oracle for all fifteen non-empty sets. Then the relation to the view-based models of
// causal.ts, checker against checker on thousands more (Brzeziński, Sobaniec and Wawrzyniak 2004: causal memory is
// exactly all four; PRAM implies read your writes, monotonic reads and monotonic writes, and the converse fails on a
// history named here), each guarantee's own anomaly, the two multi-key anomalies Terry's propagation clauses refuse,
// agreement at quiescence, the budget and input.
import { describe, expect, it } from 'vitest';
import type { History, Operation } from './history';
import { checkCausalConsistency, checkPram } from './causal';
import { randomSmallHistory } from './gallery';
import {
  SESSION_GUARANTEES,
  checkConvergence,
  checkMonotonicReads,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkSessionGuarantees,
  checkWritesFollowReads,
  type SessionGuarantee,
  type SessionWitness,
} from './session';
import { permutations, isWrite, keyOf, initialOf, op, w, r } from './test-oracles';


const valueOf = (o: Operation) => (o.input as { value: unknown }).value;
// An indeterminate operation never returned: it precedes nothing in its session.
const sessionBefore = (a: Operation, b: Operation) => a.client === b.client && a.status !== 'info' && (a.invokeMs < b.invokeMs || (a.invokeMs === b.invokeMs && a.id < b.id));
const subset = <T,>(a: Set<T>, b: Set<T>) => [...a].every((x) => b.has(x));

/**
 * Whether the history satisfies each set of guarantees, by brute force. The visibility rules: no read sees a later
 * write of its own client (always); read your writes; monotonic reads; the propagation halves of monotonic writes
 * and writes follow reads. The order rules, per client: its reads return the latest visible write of their key
 * (always); monotonic writes' and writes follow reads' orders.
 */
function oracle(history: History): (set: readonly SessionGuarantee[]) => boolean {
  const taken = history.filter((o) => o.status !== 'fail');
  const reads = taken.filter((o) => !isWrite(o) && o.status === 'ok');
  const info = taken.filter((o) => isWrite(o) && o.status === 'info');
  const clients = [...new Set(taken.map((o) => o.client))];
  // What one visibility achieves: its visibility rules, and for each client the order rules some order meets.
  const found: { ryw: boolean; mr: boolean; mwSeen: boolean; wfrSeen: boolean; orders: Set<string>[] }[] = [];
  for (let choice = 0; choice < 1 << info.length; choice++) {
    const writes = taken.filter((o) => isWrite(o) && (o.status === 'ok' || (choice >> info.indexOf(o)) & 1));
    const options = reads.map((rd) => {
      const source = writes.find((wr) => keyOf(wr) === keyOf(rd) && Object.is(valueOf(wr), rd.output));
      const fits: Set<Operation>[] = [];
      for (let bits = 0; bits < 1 << writes.length; bits++) {
        const vis = new Set(writes.filter((_, i) => (bits >> i) & 1));
        if (source ? vis.has(source) : Object.is(rd.output, initialOf(rd)) && [...vis].every((wr) => keyOf(wr) !== keyOf(rd))) fits.push(vis);
      }
      return fits;
    });
    if (options.some((fits) => fits.length === 0)) continue;
    const pick = reads.map(() => 0);
    for (;;) {
      const vis = new Map(reads.map((rd, i) => [rd, (options[i] as Set<Operation>[])[pick[i] as number] as Set<Operation>]));
      const seen = (rd: Operation) => vis.get(rd) as Set<Operation>;
      // No server holds a write before it is issued: a read never sees a later write of its own client.
      if (reads.every((rd) => writes.every((wr) => !(seen(rd).has(wr) && sessionBefore(rd, wr))))) {
        const ryw = reads.every((rd) => writes.every((wr) => !sessionBefore(wr, rd) || seen(rd).has(wr)));
        const mr = reads.every((a) => reads.every((b) => !sessionBefore(a, b) || subset(seen(a), seen(b))));
        const mwSeen = writes.every((w1) => writes.every((w2) => !sessionBefore(w1, w2) || reads.every((rd) => !seen(rd).has(w2) || seen(rd).has(w1))));
        const wfrSeen = reads.every((p) => writes.every((w) => !sessionBefore(p, w) || reads.every((rd) => !seen(rd).has(w) || subset(seen(p), seen(rd)))));
        const orders = clients.map((client) => {
          const met = new Set<string>();
          for (const ar of permutations(writes)) {
            const rank = new Map(ar.map((o, i) => [o, i]));
            const before = (a: Operation, b: Operation) => (rank.get(a) as number) < (rank.get(b) as number);
            const explains = reads
              .filter((rd) => rd.client === client)
              .every((rd) => {
                const last = [...seen(rd)].filter((wr) => keyOf(wr) === keyOf(rd)).sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number)).pop();
                return Object.is(last === undefined ? initialOf(rd) : valueOf(last), rd.output);
              });
            if (!explains) continue;
            const mw = writes.every((w1) => writes.every((w2) => !sessionBefore(w1, w2) || before(w1, w2)));
            const wfr = reads.every((p) => writes.every((w) => !sessionBefore(p, w) || [...seen(p)].every((wr) => before(wr, w))));
            met.add(`${mw}|${wfr}`);
          }
          return met;
        });
        found.push({ ryw, mr, mwSeen, wfrSeen, orders });
      }
      let i = 0;
      while (i < reads.length && (pick[i] = (pick[i] as number) + 1) === (options[i] as Set<Operation>[]).length) pick[i++] = 0;
      if (i === reads.length) break;
    }
  }
  return (set) => {
    const needs = (g: SessionGuarantee) => set.includes(g);
    const mw = needs('monotonic-writes');
    const wfr = needs('writes-follow-reads');
    return found.some(
      (f) =>
        (!needs('read-your-writes') || f.ryw) &&
        (!needs('monotonic-reads') || f.mr) &&
        (!mw || f.mwSeen) &&
        (!wfr || f.wfrSeen) &&
        f.orders.every((met) => [...met].some((pair) => (!mw || pair.startsWith('true|')) && (!wfr || pair.endsWith('|true')))),
    );
  };
}

const put = (key: string, value: string) => ({ f: 'put', key, value });
const get = (key: string) => ({ f: 'get', key });
const ALL_FOUR = SESSION_GUARANTEES;
const WITHOUT_WFR: SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'monotonic-writes'];
const SETS = Array.from({ length: 15 }, (_, i) => SESSION_GUARANTEES.filter((g) => ((i + 1) >> SESSION_GUARANTEES.indexOf(g)) & 1));

describe('Terry et al. 1994 §3, per client, against a brute-force oracle', () => {
  it('agrees with the oracle for every set of guarantees on 2,000 random register and key-value histories; each guarantee alone is often kept and often broken', () => {
    const counts = new Map<string, { ok: number; violation: number }>();
    for (let seed = 0; seed < 2000; seed++) {
      const history = randomSmallHistory(`session-${seed}`, { clients: 2 + (seed % 2), operations: 4 + (seed % 3), keys: seed % 3 === 0 ? 2 : 0 });
      const holds = oracle(history);
      for (const set of SETS) {
        const expected = holds(set) ? 'ok' : 'violation';
        const result = checkSessionGuarantees(history, set);
        expect(result.verdict, `${set.join(' + ')}, seed session-${seed}: ${JSON.stringify(history)}`).toBe(expected);
        if (set.length === 1 || set.length === 4) {
          const count = counts.get(result.model) ?? { ok: 0, violation: 0 };
          count[expected]++;
          counts.set(result.model, count);
        }
        if (result.verdict === 'violation') for (const [, id] of result.explanation.matchAll(/op (\d+)/g)) expect(history.some((o) => o.id === Number(id))).toBe(true);
      }
    }
    expect(counts.size).toBe(5);
    for (const [model, count] of counts) {
      expect(count.ok, model).toBeGreaterThan(400);
      // Monotonic writes alone refuses little: reads of a later write of the reader's own client (nothing else makes
      // a read see more than the write it returned). The random histories hold a few of those.
      expect(count.violation, model).toBeGreaterThan(model === 'monotonic writes' ? 20 : 150);
    }
  });

  it('the witness of an ok verdict is an explanation: each read returns the latest visible write in its client\'s order, which respects monotonic writes', () => {
    let checked = 0;
    for (let seed = 0; seed < 400; seed++) {
      const history = randomSmallHistory(`witness-${seed}`, { clients: 3, operations: 7, keys: seed % 2 === 0 ? 2 : 0 });
      const result = checkSessionGuarantees(history, ALL_FOUR);
      if (result.verdict !== 'ok') continue;
      checked++;
      const { arbitrations, visibility } = result.witness as SessionWitness;
      const byId = (id: number) => history.find((o) => o.id === id) as Operation;
      for (const [readId, visible] of Object.entries(visibility)) {
        const read = byId(Number(readId));
        const order = arbitrations[read.client] as number[];
        const last = visible.filter((id) => keyOf(byId(id)) === keyOf(read)).sort((a, b) => order.indexOf(a) - order.indexOf(b)).pop();
        expect(last === undefined ? initialOf(read) : valueOf(byId(last))).toBe(read.output);
      }
      for (const order of Object.values(arbitrations)) {
        for (const [i, a] of order.entries()) for (const b of order.slice(i + 1)) expect(sessionBefore(byId(b), byId(a))).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('Brzeziński, Sobaniec and Wawrzyniak 2004: the session guarantees and the view-based models', () => {
  it('causal memory holds exactly when all four guarantees do, on 4,000 random register and key-value histories with both verdicts common', () => {
    const counts = { ok: 0, violation: 0 };
    for (let seed = 0; seed < 4000; seed++) {
      const history = randomSmallHistory(`causal-four-${seed}`, { clients: 2 + (seed % 3), operations: 4 + (seed % 5), keys: seed % 3 === 0 ? 2 + (seed % 2) : 0, writeFraction: 0.5 });
      const causal = checkCausalConsistency(history).verdict;
      expect(causal).not.toBe('inconclusive');
      expect(checkSessionGuarantees(history, ALL_FOUR).verdict, `seed causal-four-${seed}: ${JSON.stringify(history)}`).toBe(causal);
      counts[causal as 'ok' | 'violation']++;
    }
    expect(counts.ok).toBeGreaterThan(600);
    expect(counts.violation).toBeGreaterThan(600);
  });

  it('PRAM ⇒ read your writes + monotonic reads + monotonic writes on 4,000 histories; the converse fails, and only where writes follow reads is missing', () => {
    let pram = 0;
    let weaker = 0;
    for (let seed = 0; seed < 4000; seed++) {
      const history = randomSmallHistory(`pram-three-${seed}`, { clients: 2 + (seed % 3), operations: 4 + (seed % 5), keys: seed % 3 === 0 ? 2 + (seed % 2) : 0, writeFraction: 0.5 });
      const isPram = checkPram(history).verdict === 'ok';
      const three = checkSessionGuarantees(history, WITHOUT_WFR).verdict === 'ok';
      const where = `seed pram-three-${seed}: ${JSON.stringify(history)}`;
      if (isPram) expect(three, where).toBe(true);
      pram += Number(isPram);
      if (three && !isPram) {
        weaker++;
        // Such a history is never causal either: adding writes follow reads refuses it.
        expect(checkSessionGuarantees(history, ALL_FOUR).verdict, where).toBe('violation');
      }
    }
    expect(pram).toBeGreaterThan(800);
    expect(weaker).toBeGreaterThan(0);
  });

  it('the counterexample: c writes 1; d reads 1, writes 2, reads 1. Three guarantees hold, PRAM does not', () => {
    const history = [op(0, 'c', w(1), null, 0, 10), op(1, 'd', r, 1, 20, 30), op(2, 'd', w(2), null, 40, 50), op(3, 'd', r, 1, 60, 70)];
    // d's servers may apply 2 before 1: read your writes makes op 2 visible to op 3, which still returns 1.
    expect(checkSessionGuarantees(history, WITHOUT_WFR)).toMatchObject({ verdict: 'ok', witness: { arbitrations: { d: [2, 0] }, visibility: { 1: [0], 3: [0, 2] } } });
    expect(checkPram(history).verdict).toBe('violation');
    const four = checkSessionGuarantees(history, ALL_FOUR);
    expect(four.verdict).toBe('violation');
    expect(four.explanation).toContain('op 0 (c: write 1) is visible to op 1 (d: read → 1) (the write it read), which d issued before op 2 (d: write 2) (writes follow reads)');
  });
});

describe('each guarantee\'s own anomaly (Terry et al. 1994 §3.1 to §3.4)', () => {
  it('§3.1 read your writes: a client that misses its own write', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'a', r, null, 20, 30)];
    expect(checkReadYourWrites(history)).toMatchObject({
      verdict: 'violation',
      model: 'read your writes',
      explanation: 'Op 1 (a: read → unset) returned the initial value (unset), but op 0 (a: write 1) must be visible to it (a wrote it earlier: read your writes), so under read your writes it would have returned at least that write.',
    });
    expect(checkSessionGuarantees(history, ['monotonic-reads', 'writes-follow-reads', 'monotonic-writes']).verdict).toBe('ok');
  });

  it('§3.2 monotonic reads: reads that go back in time', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, 1, 20, 30), op(2, 'b', r, null, 40, 50)];
    expect(checkMonotonicReads(history).verdict).toBe('violation');
    expect(checkSessionGuarantees(history, ['read-your-writes', 'writes-follow-reads', 'monotonic-writes'])).toMatchObject({ verdict: 'ok', witness: { arbitrations: { a: [0], b: [0] }, visibility: { 1: [0], 2: [] } } });
  });

  it('§3.3 writes follow reads: each client writes what made the other write', () => {
    const history = [op(0, 'a', r, 2, 0, 10), op(1, 'a', w(1), null, 20, 30), op(2, 'b', r, 1, 0, 10), op(3, 'b', w(2), null, 20, 30)];
    const result = checkWritesFollowReads(history);
    expect(result.verdict).toBe('violation');
    // b's read of 1 comes before its write of 2, which a read: so a's read sees a's own write of 1, issued later.
    expect(result.explanation).toBe(
      'Op 1 (a: write 1) must be visible to op 0 (a: read → 2) (op 3 (b: write 2) is visible to it, and op 1 (a: write 1) was visible to op 2 (b: read → 1), which b issued before that write: writes follow reads), but a issued that write only after the read, and no server holds a write before it is issued.',
    );
    expect(checkSessionGuarantees(history, WITHOUT_WFR).verdict).toBe('ok');
  });

  it('§3.4 monotonic writes: a writer\'s writes seen out of order, refused with monotonic reads', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'a', w(2), null, 20, 30), op(2, 'b', r, 2, 40, 50), op(3, 'b', r, 1, 60, 70)];
    expect(checkMonotonicWrites(history).verdict).toBe('ok');
    expect(checkSessionGuarantees(history, ['read-your-writes', 'monotonic-reads', 'writes-follow-reads'])).toMatchObject({ verdict: 'ok', witness: { arbitrations: { b: [1, 0] } } });
    const both = checkSessionGuarantees(history, ['monotonic-writes', 'monotonic-reads']);
    expect(both).toMatchObject({ verdict: 'violation', model: 'monotonic reads + monotonic writes' });
    expect(both.explanation).toContain('because a wrote op 0 (a: write 1) before op 1 (a: write 2) (monotonic writes)');
  });

  it('no server holds a write before it is issued: a read of its own client\'s later write is refused under any guarantee', () => {
    const history = [op(0, 'a', r, 1, 0, 10), op(1, 'a', w(1), null, 20, 30)];
    for (const set of SETS) {
      expect(checkSessionGuarantees(history, set)).toMatchObject({
        verdict: 'violation',
        explanation: 'Op 1 (a: write 1) must be visible to op 0 (a: read → 1) (the write it read), but a issued that write only after the read, and no server holds a write before it is issued.',
      });
    }
  });

  it('servers order concurrent writes each their own way: a writes 1 then reads 2, b writes 2 then reads 1, and all four hold', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(2), null, 0, 10), op(2, 'a', r, 2, 20, 30), op(3, 'b', r, 1, 20, 30)];
    expect(checkSessionGuarantees(history, ALL_FOUR)).toMatchObject({ verdict: 'ok', witness: { arbitrations: { a: [0, 1], b: [1, 0] } } });
  });
});

describe('Terry et al. 1994 §3.3 and §3.4: the propagation clauses on several keys', () => {
  it('the newsgroup: b sees the reply, then misses the post it answers; refused by writes follow reads with monotonic reads, admitted without writes follow reads', () => {
    const history = [
      op(0, 'c', put('x', 'post'), null, 0, 10),
      op(1, 'a', get('x'), 'post', 20, 30),
      op(2, 'a', put('y', 'reply'), null, 40, 50),
      op(3, 'b', get('y'), 'reply', 60, 70),
      op(4, 'b', get('x'), '', 80, 90),
    ];
    const refused = checkSessionGuarantees(history, ALL_FOUR);
    expect(refused.verdict).toBe('violation');
    expect(refused.explanation).toBe(
      'Op 4 (b: get x → "") returned the initial value (empty), but op 0 (c: put x=post) must be visible to it (it is visible to op 3 (b: get y → reply), an earlier read of b: monotonic reads), so under read your writes + monotonic reads + writes follow reads + monotonic writes it would have returned at least that write. ' +
        'In turn, op 0 (c: put x=post) is visible to op 3 (b: get y → reply) because op 2 (a: put y=reply) is visible to it, and op 0 (c: put x=post) was visible to op 1 (a: get x → post), which a issued before that write: writes follow reads.',
    );
    expect(checkSessionGuarantees(history, ['monotonic-reads', 'writes-follow-reads']).verdict).toBe('violation');
    expect(checkSessionGuarantees(history, WITHOUT_WFR).verdict).toBe('ok');
    expect(checkPram(history).verdict).toBe('ok');
    expect(checkCausalConsistency(history).verdict).toBe('violation');
  });

  it('a writer\'s second put seen without its first: refused by monotonic writes with monotonic reads, admitted without monotonic writes', () => {
    const history = [op(0, 'a', put('y', '1'), null, 0, 10), op(1, 'a', put('x', '2'), null, 20, 30), op(2, 'b', get('x'), '2', 40, 50), op(3, 'b', get('y'), '', 60, 70)];
    const refused = checkSessionGuarantees(history, ALL_FOUR);
    expect(refused.verdict).toBe('violation');
    expect(refused.explanation).toBe(
      'Op 3 (b: get y → "") returned the initial value (empty), but op 0 (a: put y=1) must be visible to it (it is visible to op 2 (b: get x → 2), an earlier read of b: monotonic reads), so under read your writes + monotonic reads + writes follow reads + monotonic writes it would have returned at least that write. ' +
        'In turn, op 0 (a: put y=1) is visible to op 2 (b: get x → 2) because op 1 (a: put x=2) is visible to it, and a wrote op 0 (a: put y=1) before that: monotonic writes.',
    );
    expect(checkSessionGuarantees(history, ['monotonic-reads', 'monotonic-writes']).verdict).toBe('violation');
    expect(checkSessionGuarantees(history, ['read-your-writes', 'monotonic-reads', 'writes-follow-reads']).verdict).toBe('ok');
    expect(checkPram(history).verdict).toBe('violation');
  });
});

describe('agreement at quiescence (what a finite history shows of eventual consistency)', () => {
  const read = (id: number, client: string, value: unknown, at: number) => op(id, client, r, value, at, at + 2);

  it('reads that begin after the last write ended agree, whatever happened before: ok, with when each key settled', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, null, 5, 7), op(2, 'a', w(2), null, 20, 30), read(3, 'a', 2, 40), read(4, 'b', 2, 41)];
    expect(checkConvergence(history)).toMatchObject({
      verdict: 'ok',
      model: 'agreement at quiescence',
      explanation: 'Every key that was read settled after its last write: the register settled on 2 from 30 ms (2 reads after that).',
      witness: { keys: { '': { value: 2, quiescentFromMs: 30, settledFromMs: 30, reads: 2 } } },
    });
  });

  it('the review\'s example: a stale read just after the write, then agreement, is ok and never a violation', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), read(1, 'b', null, 11), read(2, 'b', 1, 500), read(3, 'c', 1, 600)];
    expect(checkConvergence(history)).toMatchObject({ verdict: 'ok', witness: { keys: { '': { value: 1, quiescentFromMs: 10, settledFromMs: 13, reads: 2 } } } });
  });

  it('reads that still disagree at the end are inconclusive: the replicas may agree later', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(2), null, 0, 12), read(2, 'a', 1, 40), read(3, 'b', 2, 41)];
    expect(checkConvergence(history)).toMatchObject({
      verdict: 'inconclusive',
      explanation:
        'After the last write ended at 12 ms, the reads still disagree at the end of the history: op 2 (a: read → 1) and op 3 (b: read → 2) returned different values, and no read began after both had ended. The replicas may agree later, which no finite history can rule out.',
    });
    // A read that begins once the disagreeing ones have ended settles it.
    expect(checkConvergence([...history, read(4, 'c', 2, 50)])).toMatchObject({ verdict: 'ok', witness: { keys: { '': { value: 2, settledFromMs: 42, reads: 1 } } } });
  });

  it('reads that agree on the initial value after a write took effect have not converged yet', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), read(1, 'b', 1, 20), read(2, 'b', null, 40)];
    expect(checkConvergence(history)).toMatchObject({
      verdict: 'inconclusive',
      explanation: 'After the last write ended at 10 ms, the reads agree on the initial value, though op 0 (a: write 1) took effect; every replica eventually applies it, so they have not converged yet, and a later read may show it.',
    });
    // A write that may never have taken effect leaves the initial value possible for ever.
    const maybe = [op(0, 'a', w(1), undefined, 0, undefined, 'info'), read(1, 'b', null, 20)];
    expect(checkConvergence(maybe)).toMatchObject({ verdict: 'ok', witness: { keys: { '': { value: null, quiescentFromMs: 0 } } } });
  });

  it('never a violation of eventual consistency on random histories, only for a value no write wrote', () => {
    for (let seed = 0; seed < 500; seed++) {
      const history = randomSmallHistory(`agreement-${seed}`, { clients: 3, operations: 8, keys: seed % 2 === 0 ? 2 : 0 });
      expect(checkConvergence(history).verdict, `seed agreement-${seed}`).not.toBe('violation');
    }
    expect(checkConvergence([op(0, 'a', w(1), null, 0, 10), read(1, 'b', 7, 20)])).toMatchObject({
      verdict: 'violation',
      explanation: 'Op 1 (b: read → 7) returned a value that no write of its key wrote (and not the initial value); no replica could ever hold it, so no eventually consistent store returns it.',
    });
  });

  it('is judged per key; an indeterminate write counts from its invocation; a key without a read after its last write leaves it open', () => {
    const kv = [op(0, 'a', put('x', '1'), null, 0, 10), op(1, 'b', put('y', '2'), undefined, 5, undefined, 'info'), op(2, 'a', get('x'), '1', 20, 22), op(3, 'b', get('y'), '', 20, 22), op(4, 'b', get('x'), '1', 30, 32)];
    expect(checkConvergence(kv)).toMatchObject({ verdict: 'ok', witness: { keys: { x: { value: '1', quiescentFromMs: 10, reads: 2 }, y: { value: '', quiescentFromMs: 5, reads: 1 } } } });
    expect(checkConvergence([op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, 1, 5, 7)])).toMatchObject({ verdict: 'inconclusive', explanation: 'After the last write ended at 10 ms, no read began, so nothing shows whether the replicas agree on it.' });
    expect(checkConvergence([op(0, 'a', w(1), null, 0, 10)])).toMatchObject({ verdict: 'inconclusive', explanation: 'No read took effect, so nothing shows whether the replicas agree.' });
  });
});

describe('budget and input', () => {
  it('a tiny maxSteps gives inconclusive with an explanation, never ok', () => {
    const history = [op(0, 'a', w(1), null, 0, 10), op(1, 'b', r, 1, 20, 30), op(2, 'b', r, 1, 40, 50)];
    const result = checkSessionGuarantees(history, ['monotonic-reads'], { maxSteps: 1 });
    expect(result).toMatchObject({ verdict: 'inconclusive', explanation: 'Gave up after 1 steps (maxSteps) while building the visibility and the write orders; raise maxSteps to finish.' });
    expect(checkSessionGuarantees(history, ['monotonic-reads']).verdict).toBe('ok');
    expect(checkConvergence(history, { maxSteps: 2 }).verdict).toBe('inconclusive');
  });

  it('refuses unknown guarantees, an empty set, and histories the checkers cannot read, with clear errors', () => {
    const history = [op(0, 'a', w(1), null, 0, 10)];
    expect(() => checkSessionGuarantees(history, [])).toThrow(/name at least one of 'read-your-writes'/);
    expect(() => checkSessionGuarantees(history, ['read-my-writes' as SessionGuarantee])).toThrow(/unknown guarantee "read-my-writes"/);
    expect(() => checkReadYourWrites([op(0, 'a', w(1), null, 0, 10), op(1, 'b', w(1), null, 0, 10)])).toThrow(/write the same value/);
    expect(() => checkConvergence([op(0, 'a', w(1), null, 0, 10), op(1, 'b', { f: 'get', key: 'x' }, '', 0, 10)])).toThrow(/checkConvergence: expected register operations/);
  });
});
