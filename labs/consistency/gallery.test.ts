// Method: every gallery entry is run through the real checkers, linearizability included: the model it names as
// admitting it must answer ok and the one it names as refusing it must answer violation, and both explanations (the
// entry's and the checker's) may name only operations of the history. Then the hierarchy the gallery illustrates
// is checked as implications on thousands of small seeded random histories: linearizable ⇒ sequentially
// consistent ⇒ causal ⇒ PRAM; sequentially consistent ⇒ all four session guarantees at once (one order serves as
// arbitration and visibility); causal ⇒ monotonic writes with writes follow reads, and ⇒ all four for any single
// client's reads. Causal memory does not imply read your writes or monotonic reads for all clients together, as
// session.ts explains; the gallery shows a counterexample and the test asserts that such histories occur. Each
// premise must hold often, so that no implication passes vacuously.
import { describe, expect, it } from 'vitest';
import type { RegisterInput, RegisterOutput } from './data-types';
import type { History } from './history';
import { checkLinearizability } from './linearizability';
import { registerModel } from './models';
import { MODEL_CHECKERS, checkerFor, consistencyGallery, findSeparatingHistory, judgeGalleryEntry, randomSmallHistory } from './gallery';
import { SESSION_GUARANTEES } from './session';

const ALL_FOUR = 'read your writes + monotonic reads + writes follow reads + monotonic writes';

describe('the gallery of separating histories', () => {
  const gallery = consistencyGallery();

  it('has an entry for each step of the hierarchy and for each session guarantee', () => {
    const pairs = gallery.map((e) => `${e.admittedBy} / ${e.refusedBy}`);
    for (const pair of [
      'sequential consistency / linearizability',
      'causal consistency / sequential consistency',
      'PRAM / causal consistency',
      'eventual consistency (convergence) / PRAM',
      'monotonic reads / read your writes',
      'read your writes / monotonic reads',
      'monotonic reads / monotonic reads + monotonic writes',
      'monotonic reads / monotonic reads + writes follow reads',
      'PRAM / writes follow reads',
      'causal consistency / read your writes',
    ]) {
      expect(pairs).toContain(pair);
    }
    expect(new Set(gallery.map((e) => e.id)).size).toBe(gallery.length);
  });

  for (const entry of gallery) {
    it(`${entry.id}: admitted by ${entry.admittedBy}, refused by ${entry.refusedBy}`, () => {
      expect(entry.history.length).toBeGreaterThanOrEqual(2);
      expect(entry.history.length).toBeLessThanOrEqual(8);
      const { admitted, refused } = judgeGalleryEntry(entry);
      expect(admitted.verdict, admitted.explanation).toBe('ok');
      expect(refused.verdict, refused.explanation).toBe('violation');
      const ids = new Set(entry.history.map((op) => op.id));
      // The linearizability checker names the operation it could not place by id in its structured result.
      if (entry.refusedBy === 'linearizability') {
        const { violation } = checkLinearizability(entry.history as History<RegisterInput, RegisterOutput>, registerModel);
        expect(ids.has(violation?.blocked as number)).toBe(true);
      }
      for (const text of entry.refusedBy === 'linearizability' ? [entry.explanation] : [entry.explanation, refused.explanation]) {
        const named = [...text.matchAll(/op (\d+)/g)].map((m) => Number(m[1]));
        expect(named.length, text).toBeGreaterThan(0);
        for (const id of named) expect(ids.has(id), text).toBe(true);
      }
    });
  }

  it('names checkers it does not know with a clear error', () => {
    expect(() => checkerFor('strong eventual consistency')).toThrow(/no checker for the model "strong eventual consistency"; known models: linearizability, /);
  });
});

describe('the hierarchy on random histories', () => {
  it('linearizable ⇒ sequential ⇒ causal ⇒ PRAM, and sequential ⇒ all four session guarantees, on 2,000 histories', () => {
    const held = { linearizability: 0, sequential: 0, causal: 0, pram: 0 };
    const strict = { sequentialOnly: 0, causalOnly: 0, pramOnly: 0 };
    for (let seed = 0; seed < 2000; seed++) {
      const history = randomSmallHistory(`hierarchy-${seed}`, { clients: 2 + (seed % 2), operations: 3 + (seed % 4), keys: seed % 4 === 0 ? 2 : 0, writeFraction: 0.5 });
      const ok = (model: string) => {
        const verdict = checkerFor(model)(history).verdict;
        expect(verdict, `${model}, seed hierarchy-${seed}`).not.toBe('inconclusive');
        return verdict === 'ok';
      };
      const lin = ok('linearizability');
      const sc = ok('sequential consistency');
      const causal = ok('causal consistency');
      const pram = ok('PRAM');
      const where = `seed hierarchy-${seed}: ${JSON.stringify(history)}`;
      if (lin) expect(sc, where).toBe(true);
      if (sc) expect(causal, where).toBe(true);
      if (causal) expect(pram, where).toBe(true);
      if (sc) expect(ok(ALL_FOUR), where).toBe(true);
      held.linearizability += Number(lin);
      held.sequential += Number(sc);
      held.causal += Number(causal);
      held.pram += Number(pram);
      strict.sequentialOnly += Number(sc && !lin);
      strict.causalOnly += Number(causal && !sc);
      strict.pramOnly += Number(pram && !causal);
    }
    // Each premise holds often, so no implication passes vacuously. Strict separations below linearizability are
    // rare in random histories this small (a few in a thousand: they need two readers and the right reads), which
    // is why the gallery is made by hand; they still occur.
    expect(held.linearizability).toBeGreaterThan(500);
    expect(held.sequential - held.linearizability).toBeGreaterThan(100);
    expect(strict.sequentialOnly).toBeGreaterThan(100);
    expect(strict.causalOnly).toBeGreaterThan(2);
    expect(strict.pramOnly).toBeGreaterThan(2);
  });

  it('causal ⇒ monotonic writes with writes follow reads, and ⇒ all four for each client\'s reads taken alone; not all four together', () => {
    let causalCount = 0;
    let causalButNotAllFour = 0;
    for (let seed = 0; seed < 1500; seed++) {
      const history = randomSmallHistory(`causal-sessions-${seed}`, { clients: 2 + (seed % 2), operations: 4 + (seed % 3), keys: seed % 4 === 0 ? 2 : 0, writeFraction: 0.5 });
      if (MODEL_CHECKERS['causal consistency']?.(history).verdict !== 'ok') continue;
      causalCount++;
      const where = `seed causal-sessions-${seed}: ${JSON.stringify(history)}`;
      expect(checkerFor('writes follow reads')(history).verdict, where).toBe('ok');
      expect(checkerFor('monotonic writes')(history).verdict, where).toBe('ok');
      // Take the client's view as the arbitration, and as visibility what comes before each read in it.
      for (const client of new Set(history.map((op) => op.client))) {
        const alone: History = history.filter((op) => op.client === client || !['read', 'get'].includes((op.input as { f: string }).f));
        expect(checkerFor(ALL_FOUR)(alone).verdict, `${client}, ${where}`).toBe('ok');
      }
      causalButNotAllFour += Number(checkerFor(ALL_FOUR)(history).verdict === 'violation');
    }
    expect(causalCount).toBeGreaterThan(300);
    expect(causalButNotAllFour).toBeGreaterThan(0);
    expect(SESSION_GUARANTEES).toHaveLength(4);
  });

  it('finds a fresh separating history on request, seeded and repeatable', () => {
    const found = findSeparatingHistory('causal consistency', 'sequential consistency', { clients: 3, operations: 6 });
    expect(found).toBeDefined();
    const history = (found as { history: History }).history;
    expect(checkerFor('causal consistency')(history).verdict).toBe('ok');
    expect(checkerFor('sequential consistency')(history).verdict).toBe('violation');
    expect(findSeparatingHistory('causal consistency', 'sequential consistency', { clients: 3, operations: 6 })).toEqual(found);
    // Linearizable histories are sequentially consistent: no search can separate them the other way.
    expect(findSeparatingHistory('linearizability', 'sequential consistency', { attempts: 200 })).toBeUndefined();
  });
});
