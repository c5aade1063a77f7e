// Method: drive the store over an in-memory storage holding foreign and damaged keys beside ours, asserting after
// each operation both what is read back and that nothing outside the operation's keys changed; a fast-check
// property runs random write sequences through export → erase → import; hostile files (huge, deeply nested, full of
// junk, naming exercises the book lacks) and a storage that fills up must leave storage exactly as it was; regrading
// is checked against tampering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lamportReceive, quorumOverlap, roundTrip, vectorReceive } from './fixtures';
import { grade, referenceAnswer, variantParams, variantSeed } from './grade';
import {
  chooseVariant,
  clearCellSource,
  eraseProgress,
  exportProgress,
  importProgress,
  loadProgress,
  MAX_NESTING_DEPTH,
  MAX_PROGRESS_FILE_CHARS,
  memoryStorage,
  PROGRESS_PREFIX,
  ProgressWriteError,
  readCellSource,
  readLearner,
  recordAttempt,
  revealSolution,
  saveCellSource,
  saveLearner,
  storageFailure,
  webStorage,
  type BookExercises,
  type ProgressStorage,
} from './progress';
import { regradeSubmission } from './regrade';
import { ExerciseRegistry } from './registry';
import type { Answer, Exercise, GradeResult } from './types';

const T1 = '2025-03-01T10:00:00.000Z';
const T2 = '2025-03-01T11:00:00.000Z';
const T3 = '2025-03-02T09:30:00.000Z';

function dump(storage: ProgressStorage): Record<string, string | null> {
  return Object.fromEntries(storage.keys().sort().map((key) => [key, storage.getItem(key)]));
}

function scored(score: number, exerciseId = 'fixture/round-trip'): GradeResult {
  return { exerciseId, seed: 0, score, passed: score === 1, checks: [] };
}

const numeric = (value: number | string): Answer => ({ kind: 'numeric', value });

describe('recording progress', () => {
  it('counts attempts, keeps the best score and the latest answer with its seed', () => {
    const storage = memoryStorage();
    recordAttempt(storage, 'fixture/round-trip', 0, numeric(3), scored(0), T1);
    recordAttempt(storage, 'fixture/round-trip', 0, numeric(10), scored(1), T2);
    const entry = recordAttempt(storage, 'fixture/round-trip', 42, numeric('7 ms'), scored(0), T3);
    expect(entry).toEqual({ v: 1, exerciseId: 'fixture/round-trip', seed: 42, answer: numeric('7 ms'), attempts: 3, best: 1, revealed: false, updatedAt: T3 });
    expect(loadProgress(storage)).toEqual({ entries: { exercises: { 'fixture/round-trip': entry }, cells: {} }, problems: [] });
    expect(storage.keys()).toEqual([`${PROGRESS_PREFIX}exercise:fixture/round-trip`]);
  });
  it('stores a NaN answer as text, so it survives JSON and regrades as not a number', () => {
    const storage = memoryStorage();
    expect(recordAttempt(storage, 'fixture/round-trip', 0, numeric(Number.NaN), scored(0), T1).answer).toEqual(numeric('NaN'));
    expect(loadProgress(storage).problems).toEqual([]);
  });
  it('reveals a solution, keeping the answer only when it is for the same variant', () => {
    const storage = memoryStorage();
    expect(revealSolution(storage, 'fixture/all-lost', 5, T1)).toMatchObject({ seed: 5, answer: null, attempts: 0, best: 0, revealed: true });
    recordAttempt(storage, 'fixture/round-trip', 9, numeric(3), scored(0.5), T1);
    expect(revealSolution(storage, 'fixture/round-trip', 9, T2)).toMatchObject({ seed: 9, answer: numeric(3), attempts: 1, revealed: true });
    expect(revealSolution(storage, 'fixture/round-trip', 10, T3)).toMatchObject({ seed: 10, answer: null, attempts: 1, best: 0.5 });
    expect(recordAttempt(storage, 'fixture/round-trip', 10, numeric(4), scored(0), T3).revealed).toBe(true);
  });
  it('remembers a drawn variant without an answer, keeping attempts, best and revealed', () => {
    const storage = memoryStorage();
    expect(chooseVariant(storage, 'fixture/round-trip', 77, T1)).toEqual({ v: 1, exerciseId: 'fixture/round-trip', seed: 77, answer: null, attempts: 0, best: 0, revealed: false, updatedAt: T1 });
    recordAttempt(storage, 'fixture/round-trip', 77, numeric(3), scored(0.5), T2);
    revealSolution(storage, 'fixture/round-trip', 77, T2);
    expect(chooseVariant(storage, 'fixture/round-trip', 78, T3)).toMatchObject({ seed: 78, answer: null, attempts: 1, best: 0.5, revealed: true, updatedAt: T3 });
    expect(loadProgress(storage).entries.exercises['fixture/round-trip']).toMatchObject({ seed: 78, answer: null });
    expect(loadProgress(storage).problems).toEqual([]);
  });
  it('saves, reads and clears cell sources and the learner', () => {
    const storage = memoryStorage();
    saveCellSource(storage, '/clocks/lamport/', 'c2', 'const x = 1;', T1);
    expect(readCellSource(storage, '/clocks/lamport/', 'c2')).toBe('const x = 1;');
    expect(readCellSource(storage, '/clocks/lamport/', 'c3')).toBeUndefined();
    clearCellSource(storage, '/clocks/lamport/', 'c2');
    expect(readCellSource(storage, '/clocks/lamport/', 'c2')).toBeUndefined();
    expect(saveLearner(storage, 's1', '')).toEqual({ v: 1, learnerId: 's1' });
    expect(saveLearner(storage, 's1', 'hw1')).toEqual({ v: 1, learnerId: 's1', assignmentId: 'hw1' });
    expect(readLearner(storage)).toEqual({ v: 1, learnerId: 's1', assignmentId: 'hw1' });
  });
  it('throws on programming errors rather than storing something unreadable', () => {
    const storage = memoryStorage();
    expect(() => recordAttempt(storage, 'Not An Id', 0, numeric(1), scored(1), T1)).toThrow();
    expect(() => recordAttempt(storage, 'fixture/round-trip', 0, numeric(1), scored(1), 'yesterday')).toThrow();
    expect(() => saveCellSource(storage, '/p/', 'a#b', '', T1)).toThrow('not a cell address');
    expect(storage.keys()).toEqual([]);
  });
  it('works over a Web Storage-shaped object', () => {
    const map = new Map<string, string>([['other', 'x']]);
    const local = {
      get length() {
        return map.size;
      },
      key: (i: number) => [...map.keys()][i] ?? null,
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    const storage = webStorage(local);
    saveCellSource(storage, '/a/', 'c1', 'x', T1);
    expect(storage.keys()).toEqual(['other', `${PROGRESS_PREFIX}cell:/a/#c1`]);
    expect(eraseProgress(storage)).toBe(1);
    expect([...map.keys()]).toEqual(['other']);
  });
});

/** A store holding valid entries of every kind, damaged entries under our prefix, and other applications' keys. */
function messyStorage(): ProgressStorage {
  const storage = memoryStorage({
    'other-app:settings': '{"theme":"dark"}',
    'happens-before:v2:exercise:fixture/round-trip': '{"v":2}',
    'happens-before:v1': 'not under the prefix: no trailing colon',
    [`${PROGRESS_PREFIX}exercise:fixture/all-lost`]: '{"v":1,"exerciseId":"fixture/all-lost",',
    [`${PROGRESS_PREFIX}exercise:fixture/vector-receive`]: JSON.stringify({ v: 2, exerciseId: 'fixture/vector-receive' }),
    [`${PROGRESS_PREFIX}theme`]: '"dark"',
    [`${PROGRESS_PREFIX}exercise:fixture/lamport-receive`]: JSON.stringify({
      v: 1, exerciseId: 'fixture/round-trip', seed: 0, answer: null, attempts: 0, best: 0, revealed: false, updatedAt: T1,
    }),
    [`${PROGRESS_PREFIX}cell:/intro/#c1`]: JSON.stringify({ v: 1, source: 42, updatedAt: T1 }),
  });
  recordAttempt(storage, 'fixture/round-trip', 0, numeric(10), scored(1), T1);
  saveCellSource(storage, '/intro/', 'c2', 'display(1)', T2);
  saveLearner(storage, 's1', 'hw1');
  return storage;
}

describe('loading', () => {
  it('reports damaged and foreign entries under the prefix, reads the rest, ignores other keys, changes nothing', () => {
    const storage = messyStorage();
    const before = dump(storage);
    const { entries, problems } = loadProgress(storage);
    expect(Object.keys(entries.exercises)).toEqual(['fixture/round-trip']);
    expect(Object.keys(entries.cells)).toEqual(['/intro/#c2']);
    expect(entries.learner).toEqual({ v: 1, learnerId: 's1', assignmentId: 'hw1' });
    expect(problems).toEqual([
      { key: `${PROGRESS_PREFIX}cell:/intro/#c1`, reason: 'invalid source: Expected string, received number' },
      { key: `${PROGRESS_PREFIX}exercise:fixture/all-lost`, reason: 'not valid JSON' },
      { key: `${PROGRESS_PREFIX}exercise:fixture/lamport-receive`, reason: 'holds exercise "fixture/round-trip", not the one its key names' },
      { key: `${PROGRESS_PREFIX}exercise:fixture/vector-receive`, reason: 'written by another version of the book (v: 2)' },
      { key: `${PROGRESS_PREFIX}theme`, reason: 'not a key this version of the book writes' },
    ]);
    expect(dump(storage)).toEqual(before);
  });
  it('erases every key under the prefix, damaged ones included, and nothing else', () => {
    const storage = messyStorage();
    expect(eraseProgress(storage)).toBe(8);
    expect(storage.keys().sort()).toEqual(['happens-before:v1', 'happens-before:v2:exercise:fixture/round-trip', 'other-app:settings']);
  });
});

describe('export and import', () => {
  it('round-trips: export, erase, import gives back every readable entry', () => {
    const storage = messyStorage();
    const before = loadProgress(storage).entries;
    const file = exportProgress(storage, T3);
    expect(JSON.parse(file)).toMatchObject({ format: 'happens-before-progress', version: 1, exportedAt: T3 });
    expect(Object.keys(JSON.parse(file).entries)).toEqual(['cell:/intro/#c2', 'exercise:fixture/round-trip', 'learner']);
    eraseProgress(storage);
    expect(importProgress(storage, file)).toEqual({ ok: true, imported: 3, notes: [] });
    expect(loadProgress(storage)).toEqual({ entries: before, problems: [] });
    expect(importProgress(storage, file)).toEqual({ ok: true, imported: 0, notes: [] });
  });
  it('round-trips any sequence of writes (property)', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('attempt' as const), id: fc.constantFrom('a/x', 'a/y', 'b/z'), seed: fc.nat(), score: fc.constantFrom(0, 0.5, 1), value: fc.double({ noNaN: true }) }),
      fc.record({ op: fc.constant('reveal' as const), id: fc.constantFrom('a/x', 'b/z'), seed: fc.nat() }),
      fc.record({ op: fc.constant('cell' as const), page: fc.constantFrom('/a/', '/b/c/'), cell: fc.constantFrom('c1', 'c2'), source: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const storage = memoryStorage({ 'elsewhere': '1' });
        for (const step of ops) {
          if (step.op === 'attempt') recordAttempt(storage, step.id, step.seed, numeric(step.value), scored(step.score, step.id), T1);
          else if (step.op === 'reveal') revealSolution(storage, step.id, step.seed, T2);
          else saveCellSource(storage, step.page, step.cell, step.source, T3);
        }
        const before = dump(storage);
        const file = exportProgress(storage, T3);
        eraseProgress(storage);
        expect(importProgress(storage, file)).toMatchObject({ ok: true });
        expect(dump(storage)).toEqual(before);
      }),
    );
  });
  it('rejects a malformed file whole, with a clear reason, changing nothing', () => {
    const storage = messyStorage();
    const before = dump(storage);
    const good = JSON.parse(exportProgress(storage, T3));
    const cases: [string, string][] = [
      ['{"format": "happens-before-progress", ', 'This is not a progress file: it is not valid JSON.'],
      ['[1, 2]', "This is not a Happens-Before progress file (its \"format\" is not 'happens-before-progress')."],
      [JSON.stringify({ ...good, format: 'other' }), "This is not a Happens-Before progress file (its \"format\" is not 'happens-before-progress')."],
      [JSON.stringify({ ...good, version: 2 }), 'This file was made by a newer version of the book (file version 2); this page reads version 1.'],
      [JSON.stringify({ ...good, version: 0 }), 'This progress file is damaged: version: Invalid literal value, expected 1.'],
      [JSON.stringify({ ...good, entries: [] }), 'This progress file is damaged: entries: Expected object, received array.'],
      [JSON.stringify({ ...good, exportedAt: 'today' }), 'This progress file is damaged: exportedAt: Invalid datetime.'],
    ];
    for (const [text, reason] of cases) {
      expect(importProgress(storage, text), text).toEqual({ ok: false, problems: [{ reason }] });
      expect(dump(storage)).toEqual(before);
    }
  });
  it('refuses a whole file for one bad entry, reporting every bad one and writing nothing', () => {
    const storage = memoryStorage({ 'other-app': 'x' });
    saveCellSource(storage, '/a/', 'c1', 'local', T1);
    const before = dump(storage);
    const file = JSON.stringify({
      format: 'happens-before-progress',
      version: 1,
      exportedAt: T3,
      entries: {
        'cell:/a/#c1': { v: 1, source: 'ok', updatedAt: T2 },
        'cell:/a/#c2': { v: 1, source: 'no time' },
        'exercise:fixture/x': { v: 1, exerciseId: 'fixture/x', seed: -1, answer: null, attempts: 0, best: 0, revealed: false, updatedAt: T1 },
        'exercise:fixture/y': { v: 1, exerciseId: 'fixture/y', seed: 1, answer: { kind: 'essay' }, attempts: 1, best: 0, revealed: false, updatedAt: T1 },
        learner: { v: 3, learnerId: 's1' },
      },
    }).replace('"entries":{', '"entries":{"__proto__":{"v":1},');
    expect(importProgress(storage, file)).toEqual({
      ok: false,
      problems: [
        { key: '__proto__', reason: 'not a key this version of the book writes' },
        { key: 'cell:/a/#c2', reason: 'invalid updatedAt: Required' },
        { key: 'exercise:fixture/x', reason: 'invalid seed: Number must be greater than or equal to 0' },
        { key: 'exercise:fixture/y', reason: "invalid answer.kind: Invalid discriminator value. Expected 'choice' | 'numeric' | 'structured' | 'code'" },
        { key: 'learner', reason: 'written by another version of the book (v: 3)' },
      ],
    });
    expect(dump(storage)).toEqual(before);
  });
});

describe('merging on import', () => {
  const entry = (attempts: number, updatedAt: string, extra: object = {}) => ({
    v: 1, exerciseId: 'fixture/round-trip', seed: attempts, answer: numeric(attempts), attempts, best: 0, revealed: false, updatedAt, ...extra,
  });
  const fileWith = (entries: Record<string, unknown>) => JSON.stringify({ format: 'happens-before-progress', version: 1, exportedAt: T3, entries });
  const local = (value: object) => memoryStorage({ [`${PROGRESS_PREFIX}exercise:fixture/round-trip`]: JSON.stringify(value) });
  const merged = (storage: ProgressStorage) => loadProgress(storage).entries.exercises['fixture/round-trip'];

  it('keeps the exercise entry with more attempts, however old', () => {
    const storage = local(entry(2, T3));
    expect(importProgress(storage, fileWith({ 'exercise:fixture/round-trip': entry(5, T1) }))).toMatchObject({ ok: true, imported: 1 });
    expect(merged(storage)).toMatchObject({ attempts: 5, seed: 5, answer: numeric(5), updatedAt: T1 });
    expect(importProgress(storage, fileWith({ 'exercise:fixture/round-trip': entry(4, T3) }))).toMatchObject({ ok: true, imported: 0 });
    expect(merged(storage)).toMatchObject({ attempts: 5 });
  });
  it('breaks a tie on attempts by the later update, and keeps the local entry on a full tie', () => {
    const storage = local(entry(2, T1, { answer: numeric('local') }));
    importProgress(storage, fileWith({ 'exercise:fixture/round-trip': entry(2, T2, { answer: numeric('file') }) }));
    expect(merged(storage)?.answer).toEqual(numeric('file'));
    importProgress(storage, fileWith({ 'exercise:fixture/round-trip': entry(2, T2, { answer: numeric('other') }) }));
    expect(merged(storage)?.answer).toEqual(numeric('file'));
  });
  it('takes the higher best and keeps revealed if either side was', () => {
    const storage = local(entry(3, T1, { best: 1 }));
    importProgress(storage, fileWith({ 'exercise:fixture/round-trip': entry(1, T2, { revealed: true, best: 0.5 }) }));
    expect(merged(storage)).toMatchObject({ attempts: 3, best: 1, revealed: true, updatedAt: T1 });
  });
  it('replaces an unreadable local entry', () => {
    const storage = memoryStorage({ [`${PROGRESS_PREFIX}exercise:fixture/round-trip`]: '{oops' });
    expect(importProgress(storage, fileWith({ 'exercise:fixture/round-trip': entry(1, T1) }))).toMatchObject({ ok: true, imported: 1 });
    expect(merged(storage)).toMatchObject({ attempts: 1 });
  });
  it('keeps the later cell edit', () => {
    const storage = memoryStorage();
    saveCellSource(storage, '/a/', 'c1', 'mine', T2);
    importProgress(storage, fileWith({ 'cell:/a/#c1': { v: 1, source: 'older', updatedAt: T1 } }));
    expect(readCellSource(storage, '/a/', 'c1')).toBe('mine');
    // Later as text, earlier as a time: 10:30 UTC.
    importProgress(storage, fileWith({ 'cell:/a/#c1': { v: 1, source: 'older', updatedAt: '2025-03-01T11:30:00+01:00' } }));
    expect(readCellSource(storage, '/a/', 'c1')).toBe('mine');
    importProgress(storage, fileWith({ 'cell:/a/#c1': { v: 1, source: 'newest', updatedAt: T3 } }));
    expect(readCellSource(storage, '/a/', 'c1')).toBe('newest');
  });
  it("keeps this browser's learner and reports a different one", () => {
    const storage = memoryStorage();
    saveLearner(storage, 's1', 'hw1');
    expect(importProgress(storage, fileWith({ learner: { v: 1, learnerId: 's2' } }))).toEqual({
      ok: true,
      imported: 0,
      notes: [{ key: 'learner', reason: "Kept this browser's learner 's1' (assignment 'hw1'); the file names 's2'." }],
    });
    expect(readLearner(storage)).toEqual({ v: 1, learnerId: 's1', assignmentId: 'hw1' });
  });
});

/** A memory storage that holds at most `quotaChars` characters of keys and values, and then throws as browsers do. */
function quotaStorage(quotaChars: number, initial: Record<string, string> = {}): ProgressStorage & { used(): number } {
  const inner = memoryStorage(initial);
  const used = () => inner.keys().reduce((sum, key) => sum + key.length + (inner.getItem(key) ?? '').length, 0);
  return {
    ...inner,
    used,
    setItem: (key, value) => {
      const old = inner.getItem(key);
      const after = used() - (old === null ? 0 : key.length + old.length) + key.length + value.length;
      if (after > quotaChars) throw Object.assign(new Error(`Setting the value of '${key}' exceeded the quota.`), { name: 'QuotaExceededError' });
      inner.setItem(key, value);
    },
  };
}

const BOOK: BookExercises = new Map([
  ['fixture/round-trip', 'numeric'],
  ['fixture/quorum-overlap', 'choice'],
  ['fixture/lamport-receive', 'code'],
]);

const progressFile = (entries: Record<string, unknown>) => JSON.stringify({ format: 'happens-before-progress', version: 1, exportedAt: T3, entries });

const exercise = (exerciseId: string, extra: object = {}) => ({
  v: 1, exerciseId, seed: 3, answer: numeric(12), attempts: 2, best: 1, revealed: false, updatedAt: T1, ...extra,
});

/** `[[[…]]]` nested `depth` deep: enough, unchecked, to overflow the stack of JSON.stringify or a recursive walk. */
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('a full storage', () => {
  it('makes a recorded attempt, a revealed solution and a cell edit throw a ProgressWriteError saying so, keeping what was there', () => {
    const storage = quotaStorage(400);
    recordAttempt(storage, 'fixture/round-trip', 0, numeric(1), scored(0), T1);
    const before = dump(storage);
    const attempt = () => recordAttempt(storage, 'fixture/round-trip', 0, numeric('x'.repeat(400)), scored(1), T2);
    expect(attempt).toThrow(ProgressWriteError);
    expect(attempt).toThrow('storage is full');
    expect(() => revealSolution(storage, 'fixture/quorum-overlap', 1, T2)).toThrow('storage is full');
    expect(() => saveCellSource(storage, '/a/', 'c1', 'y'.repeat(400), T2)).toThrow('storage is full');
    expect(dump(storage)).toEqual(before);
  });
  it('names other refusals in the reader\'s words', () => {
    expect(storageFailure(Object.assign(new Error('x'), { name: 'NS_ERROR_DOM_QUOTA_REACHED' }))).toBe('storage is full');
    expect(storageFailure(Object.assign(new Error('denied'), { name: 'SecurityError' }))).toBe('storage is turned off in this browser');
    expect(storageFailure(new Error('z'.repeat(1000))).length).toBeLessThan(120);
  });
  it('makes an import that does not fit write nothing at all, and restore the entries it was replacing', () => {
    const storage = quotaStorage(6000, { 'other-app': 'x' });
    saveCellSource(storage, '/a/', 'c0', 'mine, older than the file', T1);
    const before = dump(storage);
    const entries: Record<string, unknown> = { 'cell:/a/#c0': { v: 1, source: 'theirs', updatedAt: T3 } };
    for (let i = 1; i <= 200; i++) entries[`cell:/a/#c${i}`] = { v: 1, source: `cell ${i}`, updatedAt: T2 };
    expect(importProgress(storage, progressFile(entries))).toEqual({
      ok: false,
      problems: [{ reason: 'Nothing was imported (storage is full); everything saved before is unchanged.' }],
    });
    expect(dump(storage)).toEqual(before);
  });
});

describe('importing a hostile file', () => {
  it('refuses thousands of good entries for one bad one, and writes none of them', () => {
    const storage = memoryStorage();
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) entries[`cell:/a/#c${i}`] = { v: 1, source: 'junk', updatedAt: T1 };
    entries['exercise:fixture/round-trip'] = exercise('fixture/round-trip', { best: 5 });
    expect(importProgress(storage, progressFile(entries))).toEqual({
      ok: false,
      problems: [{ key: 'exercise:fixture/round-trip', reason: 'invalid best: Number must be less than or equal to 1' }],
    });
    expect(storage.keys()).toEqual([]);
  });
  it("refuses exercises the book does not have, answers of another kind and values no browser writes", () => {
    const storage = memoryStorage();
    saveCellSource(storage, '/a/', 'c1', 'mine', T1);
    const before = dump(storage);
    const report = importProgress(storage, progressFile({
      'cell:/a/#c1': { v: 1, source: 'theirs', updatedAt: T3 },
      'cell:no-slash#c2': { v: 1, source: 'x', updatedAt: T1 },
      'cell:/a/#Bad Id': { v: 1, source: 'x', updatedAt: T1 },
      'exercise:fixture/retired': exercise('fixture/retired'),
      'exercise:fixture/quorum-overlap': exercise('fixture/quorum-overlap'),
      'exercise:fixture/lamport-receive': exercise('fixture/lamport-receive', { answer: { kind: 'code', source: 'x' }, seed: 1.5 }),
      'exercise:fixture/round-trip': exercise('fixture/round-trip', { attempts: 0 }),
    }), BOOK);
    expect(report).toEqual({
      ok: false,
      problems: [
        { key: 'cell:/a/#Bad Id', reason: 'not a key this version of the book writes' },
        { key: 'cell:no-slash#c2', reason: 'not a key this version of the book writes' },
        { key: 'exercise:fixture/lamport-receive', reason: 'invalid seed: Expected integer, received float' },
        { key: 'exercise:fixture/quorum-overlap', reason: 'holds a numeric answer, but "fixture/quorum-overlap" takes a choice answer' },
        { key: 'exercise:fixture/retired', reason: 'there is no exercise "fixture/retired" in this book' },
        { key: 'exercise:fixture/round-trip', reason: 'invalid best: a best score above 0 needs at least one attempt' },
      ],
    });
    expect(dump(storage)).toEqual(before);
  });
  it('accepts the same kinds of entries when they are sound', () => {
    const storage = memoryStorage();
    expect(importProgress(storage, progressFile({
      'cell:/a/b/#c-1': { v: 1, source: 'x', updatedAt: T1 },
      'exercise:fixture/quorum-overlap': exercise('fixture/quorum-overlap', { answer: { kind: 'choice', selected: ['a'] } }),
      'exercise:fixture/round-trip': exercise('fixture/round-trip', { answer: null, attempts: 0, best: 0, revealed: true }),
    }), BOOK)).toEqual({ ok: true, imported: 3, notes: [] });
  });
  it('refuses a file nested deep enough to overflow the stack, before parsing it, and one too large, before reading it', () => {
    const storage = memoryStorage();
    const nested = progressFile({ learner: { v: 1, learnerId: 's1' } }).replace('"s1"', deep(200_000));
    expect(importProgress(storage, nested)).toEqual({ ok: false, problems: [{ reason: `This is not a progress file: it is nested more than ${MAX_NESTING_DEPTH} levels deep.` }] });
    // Brackets inside strings are text, not nesting.
    expect(importProgress(storage, progressFile({ 'cell:/a/#c1': { v: 1, source: deep(100), updatedAt: T1 } }))).toMatchObject({ ok: true, imported: 1 });
    const huge = ' '.repeat(MAX_PROGRESS_FILE_CHARS + 1);
    expect(importProgress(storage, huge)).toEqual({ ok: false, problems: [{ reason: 'This file is too large to be a progress file (5.0 MB; the limit is 5.0 MB).' }] });
    expect(storage.keys()).toEqual([PROGRESS_PREFIX + 'cell:/a/#c1']);
  });
  it('keeps every message short, however long the values it quotes', () => {
    const long = 'x'.repeat(1_000_000);
    const report = importProgress(memoryStorage(), progressFile({
      [`exercise:fixture/${long}`]: exercise(`fixture/${long}`, { best: 2 }),
      'exercise:fixture/round-trip': exercise('fixture/round-trip', { v: long }),
      'exercise:fixture/quorum-overlap': exercise(`fixture/${long}`),
    }), BOOK);
    expect(report.ok).toBe(false);
    const problems = report.ok ? [] : report.problems;
    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(`${problem.key}: ${problem.reason}`.length).toBeLessThan(400);
    expect(problems.map((p) => p.reason)).toContainEqual(expect.stringContaining('(1,000,'));
  });
});

describe('damaged entries already in storage', () => {
  it('are each reported, briefly, while every other entry loads, and nothing is removed', () => {
    const storage = messyStorage();
    storage.setItem(`${PROGRESS_PREFIX}exercise:fixture/deep`, `{"v":${deep(200_000)}}`);
    storage.setItem(`${PROGRESS_PREFIX}exercise:fixture/long`, JSON.stringify({ v: 'y'.repeat(2_000_000) }));
    recordAttempt(storage, 'fixture/retired', 0, numeric(1), scored(1), T1);
    const before = dump(storage);
    const { entries, problems } = loadProgress(storage, BOOK);
    expect(Object.keys(entries.exercises)).toEqual(['fixture/round-trip']);
    expect(entries.learner?.learnerId).toBe('s1');
    expect(problems).toContainEqual({ key: `${PROGRESS_PREFIX}exercise:fixture/deep`, reason: `nested more than ${MAX_NESTING_DEPTH} levels deep` });
    expect(problems).toContainEqual({ key: `${PROGRESS_PREFIX}exercise:fixture/retired`, reason: 'there is no exercise "fixture/retired" in this book' });
    expect(problems.find((p) => p.key?.endsWith('fixture/long'))?.reason).toMatch(/^written by another version of the book \(v: "y{59}… \(2,000,002 characters\)\)$/);
    expect(dump(storage)).toEqual(before);
  });
  it('do not stop an import, which replaces them', () => {
    const storage = memoryStorage({ [`${PROGRESS_PREFIX}exercise:fixture/round-trip`]: `{"v":${deep(100_000)}}` });
    expect(importProgress(storage, progressFile({ 'exercise:fixture/round-trip': exercise('fixture/round-trip') }), BOOK)).toMatchObject({ ok: true, imported: 1 });
    expect(loadProgress(storage, BOOK).problems).toEqual([]);
  });
});

describe('regrading a submission', () => {
  const registry = new ExerciseRegistry().register(roundTrip as Exercise, quorumOverlap as Exercise, vectorReceive as Exercise, lamportReceive as Exercise);
  const learner = { learnerId: 's1234567', assignmentId: 'cs451-hw1' };
  const seedOf = (def: Exercise) => variantSeed({ exerciseId: def.id, ...learner });

  async function submission(): Promise<string> {
    const storage = memoryStorage();
    saveLearner(storage, learner.learnerId, learner.assignmentId);
    const roundSeed = seedOf(roundTrip as Exercise);
    const wrong = numeric(roundTrip.answer(variantParams(roundTrip, roundSeed)) + 3);
    recordAttempt(storage, roundTrip.id, roundSeed, wrong, await grade(roundTrip, roundSeed, wrong), T1);
    const codeSeed = seedOf(lamportReceive as Exercise);
    const code = referenceAnswer(lamportReceive, variantParams(lamportReceive, codeSeed));
    recordAttempt(storage, lamportReceive.id, codeSeed, code, await grade(lamportReceive, codeSeed, code), T2);
    revealSolution(storage, vectorReceive.id, 77, T2);
    recordAttempt(storage, 'fixture/retired', 0, numeric(1), scored(1, 'fixture/retired'), T3);
    return exportProgress(storage, T3);
  }

  it("grades the stored answers again and ignores a tampered 'best'", async () => {
    const file = JSON.parse(await submission());
    file.entries['exercise:fixture/round-trip'].best = 1;
    const { learner: who, results, problems } = await regradeSubmission(JSON.stringify(file), registry);
    expect(who).toEqual({ v: 1, ...learner });
    expect(problems).toEqual([{ key: 'exercise:fixture/retired', reason: "No exercise 'fixture/retired' in this edition of the book." }]);
    expect(results.map((r) => [r.exerciseId, r.claimedBest, r.result.score, r.result.checks[0]?.feedback])).toEqual([
      ['fixture/lamport-receive', 1, 1, expect.stringMatching(/^Returned \d+\.$/)],
      ['fixture/round-trip', 1, 0, 'Too high.'],
      ['fixture/vector-receive', 0, 0, 'No answer was given.'],
    ]);
    const round = results.find((r) => r.exerciseId === 'fixture/round-trip');
    expect(round).toMatchObject({ seed: seedOf(roundTrip as Exercise), assignedSeed: seedOf(roundTrip as Exercise), attempts: 1, revealed: false });
    const vector = results.find((r) => r.exerciseId === 'fixture/vector-receive');
    expect(vector).toMatchObject({ seed: 77, assignedSeed: seedOf(vectorReceive as Exercise), revealed: true });
  });
  it('gives the same results as the browser for the same file, every time', async () => {
    const text = await submission();
    expect(await regradeSubmission(text, registry)).toEqual(await regradeSubmission(text, registry));
  });
  it('reports a rejected file as a problem', async () => {
    expect(await regradeSubmission('not json', registry)).toEqual({ results: [], problems: [{ reason: 'This is not a progress file: it is not valid JSON.' }] });
  });
});
