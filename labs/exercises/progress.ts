/**
 * The reader's progress, kept in the browser's storage (or any key-value store with the same four operations):
 * exercise answers, edited notebook cells and, for a course, who the learner is.
 *
 * Layout. One key per entry, all under `happens-before:v1:`, each holding one JSON value with `v: 1`:
 * - `exercise:<exerciseId>` → ExerciseEntry: the latest answer and the seed of the variant it answers.
 * - `cell:<pagePath>#<cellId>` → CellEntry: the reader's edited source of a notebook cell.
 * - `learner` → LearnerEntry: the learner's id and, in a course, the assignment id (they choose the variants).
 * Keys outside the prefix belong to someone else and are never read or touched. An entry under the prefix that
 * does not validate (bad JSON, unknown key, another version) is reported by `loadProgress` and left in place:
 * loading never removes anything, and one bad entry never hides the others. Writes to a key (a new attempt, an
 * import) replace what was there, readable or not.
 *
 * Submissions. `exportProgress` writes the file a learner downloads and hands to an instructor. Its `best` scores
 * are what the browser showed and are untrusted: `regradeSubmission` (regrade.ts, for a command-line regrader) grades
 * every stored answer again with the same definitions and seeds, and the instructor compares each seed with the
 * one the (assignment, learner) pair was assigned.
 *
 * Times are passed in by the caller (ISO 8601 strings); nothing here reads a clock. Pure apart from the storage.
 */
import { z } from 'zod';
import { EXERCISE_ID } from './ids';
import type { Answer, GradeResult } from './types';

/** Every key this store owns starts with this; the version is part of it so a future layout can live beside. */
export const PROGRESS_PREFIX = 'happens-before:v1:';

/** The `format` field of an export file. */
export const PROGRESS_FILE_FORMAT = 'happens-before-progress';

/** The export file version this code writes and reads. */
export const PROGRESS_FILE_VERSION = 1;

/** What the store needs from its backing storage: a Map in tests and Node, `localStorage` in the browser. */
export interface ProgressStorage {
  getItem(key: string): string | null;
  /** May throw (a full localStorage does); the caller decides what to tell the reader. */
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /** Every key currently stored, ours or not. */
  keys(): string[];
}

/** An in-memory ProgressStorage, optionally pre-filled. */
export function memoryStorage(initial: Record<string, string> = {}): ProgressStorage {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, String(value)),
    removeItem: (key) => void data.delete(key),
    keys: () => [...data.keys()],
  };
}

/** The part of the Web Storage API (`window.localStorage`) that `webStorage` uses. */
export interface WebStorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A ProgressStorage over `localStorage` or anything shaped like it. */
export function webStorage(storage: WebStorageLike): ProgressStorage {
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => storage.setItem(key, value),
    removeItem: (key) => storage.removeItem(key),
    keys: () => {
      const keys: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key !== null) keys.push(key);
      }
      return keys;
    },
  };
}

const isoTime = z.string().datetime({ offset: true });
const version = z.literal(1).describe('Entry layout version; always 1 under the happens-before:v1: prefix.');

/** A stored answer; the same shapes as `Answer` in types.ts. Its contents are checked again when graded. */
export const answerSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('choice'),
      selected: z.array(z.string()).describe("Ids of the selected options, e.g. ['r2w2', 'r3w1']."),
    }),
    z.object({
      kind: z.literal('numeric'),
      value: z.union([z.number().finite(), z.string()]).describe("The number, or the text typed, e.g. 12.5 or '12.5 ms'."),
    }),
    z.object({
      kind: z.literal('structured'),
      text: z.string().describe("The text typed, e.g. '[2, 0, 1]'."),
    }),
    z.object({
      kind: z.literal('code'),
      source: z.string().describe("The whole TypeScript module, e.g. 'export function f() { ... }'."),
    }),
  ])
  .describe('A learner answer, as submitted.');

/** Stored under `exercise:<exerciseId>`: the latest answer to one exercise and how the reader has fared. */
export const exerciseEntrySchema = z
  .object({
    v: version,
    exerciseId: z.string().regex(EXERCISE_ID).describe("The exercise, e.g. 'intro/count-drops'; equals the id in the key."),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .describe('The variant the answer is for (see variantSeed in grade.ts), e.g. 0 for the default variant.'),
    answer: answerSchema.nullable().describe('The latest answer, or null when the solution was revealed before any attempt.'),
    attempts: z.number().int().min(0).describe('How many answers were graded, over all variants, e.g. 3.'),
    best: z
      .number()
      .min(0)
      .max(1)
      .describe('Best score shown in the browser, 0..1, over all variants. Untrusted: instructors regrade instead.'),
    revealed: z.boolean().describe('Whether the reader has seen the solution.'),
    updatedAt: isoTime.describe("When the entry last changed, e.g. '2025-03-01T12:00:00.000Z'."),
  })
  .describe('Progress on one exercise.');

/** Stored under `cell:<pagePath>#<cellId>`: the reader's edit of one notebook cell. */
export const cellEntrySchema = z
  .object({
    v: version,
    source: z.string().describe("The cell's edited TypeScript, e.g. 'const run = simulate(...)'."),
    updatedAt: isoTime.describe("When it was saved, e.g. '2025-03-01T12:00:00.000Z'."),
  })
  .describe("A notebook cell's edited source.");

/** Stored under `learner`: who is answering, which chooses the variants (variantSeed in grade.ts). */
export const learnerEntrySchema = z
  .object({
    v: version,
    learnerId: z.string().min(1).describe("The learner's id in a course, e.g. 's1234567'."),
    assignmentId: z.string().min(1).optional().describe("The assignment, e.g. 'cs451-2025-hw1'; absent when self-paced."),
  })
  .describe('The learner, for assigned variants.');

export type ExerciseEntry = z.infer<typeof exerciseEntrySchema>;
export type CellEntry = z.infer<typeof cellEntrySchema>;
export type LearnerEntry = z.infer<typeof learnerEntrySchema>;

/** An export file: every readable entry, keyed without the prefix (`'exercise:intro/count-drops'`). */
export const progressFileSchema = z
  .object({
    format: z.literal(PROGRESS_FILE_FORMAT).describe("Always 'happens-before-progress'."),
    version: z.literal(PROGRESS_FILE_VERSION).describe('File layout version, 1.'),
    exportedAt: isoTime.describe("When it was exported, e.g. '2025-03-01T12:00:00.000Z'."),
    entries: z.record(z.unknown()).describe("Entries by key without the prefix, e.g. { 'learner': { v: 1, learnerId: 's1' } }."),
  })
  .describe('A progress export, also the file a learner submits.');

/** Everything readable in the store. */
export interface ProgressSnapshot {
  /** By exercise id. */
  exercises: Record<string, ExerciseEntry>;
  /** By `<pagePath>#<cellId>`. */
  cells: Record<string, CellEntry>;
  learner?: LearnerEntry;
}

/**
 * An entry that was skipped, and why. `key` is the storage key for `loadProgress`, the file's entry key (without
 * the prefix) for `importProgress` and `regradeSubmission`, and absent when a whole file was rejected.
 * Example: `{ key: 'happens-before:v1:exercise:intro/count-drops', reason: 'not valid JSON' }`.
 */
export interface ProgressProblem {
  key?: string;
  reason: string;
}

type EntryKey = { kind: 'exercise'; exerciseId: string } | { kind: 'cell'; cell: string } | { kind: 'learner' };

/** A validated entry, tagged by its key's kind (`cell` is `<pagePath>#<cellId>`). */
type Entry =
  | { kind: 'exercise'; value: ExerciseEntry }
  | { kind: 'cell'; cell: string; value: CellEntry }
  | { kind: 'learner'; value: LearnerEntry };

type ReadEntry = { ok: true; entry: Entry } | { ok: false; reason: string };

function parseEntryKey(key: string): EntryKey | undefined {
  if (key === 'learner') return { kind: 'learner' };
  if (key.startsWith('exercise:')) {
    const exerciseId = key.slice('exercise:'.length);
    return EXERCISE_ID.test(exerciseId) ? { kind: 'exercise', exerciseId } : undefined;
  }
  if (key.startsWith('cell:')) {
    const cell = key.slice('cell:'.length);
    const hash = cell.lastIndexOf('#');
    return hash > 0 && hash < cell.length - 1 ? { kind: 'cell', cell } : undefined;
  }
  return undefined;
}

/** Validates one entry given its key without the prefix; shared by loading and importing. */
function readEntry(key: string, value: unknown): ReadEntry {
  const parsedKey = parseEntryKey(key);
  if (!parsedKey) return { ok: false, reason: 'not a key this version of the book writes' };
  const entryVersion = typeof value === 'object' && value !== null ? (value as { v?: unknown }).v : undefined;
  if (entryVersion !== 1) return { ok: false, reason: `written by another version of the book (v: ${JSON.stringify(entryVersion) ?? 'missing'})` };
  if (parsedKey.kind === 'exercise') {
    const parsed = exerciseEntrySchema.safeParse(value);
    if (!parsed.success) return invalid(parsed.error);
    if (parsed.data.exerciseId !== parsedKey.exerciseId) return { ok: false, reason: `holds exercise '${parsed.data.exerciseId}', not the one its key names` };
    return { ok: true, entry: { kind: 'exercise', value: parsed.data } };
  }
  if (parsedKey.kind === 'cell') {
    const parsed = cellEntrySchema.safeParse(value);
    return parsed.success ? { ok: true, entry: { kind: 'cell', cell: parsedKey.cell, value: parsed.data } } : invalid(parsed.error);
  }
  const parsed = learnerEntrySchema.safeParse(value);
  return parsed.success ? { ok: true, entry: { kind: 'learner', value: parsed.data } } : invalid(parsed.error);
}

function invalid(error: z.ZodError): { ok: false; reason: string } {
  const issue = error.issues[0];
  return { ok: false, reason: `invalid ${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'does not match its schema'}` };
}

/** Reads one stored key (without the prefix); undefined when absent, a reason when unreadable. */
function readStored(storage: ProgressStorage, key: string): ReadEntry | undefined {
  const raw = storage.getItem(PROGRESS_PREFIX + key);
  if (raw === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  return readEntry(key, value);
}

function ownKeys(storage: ProgressStorage): string[] {
  return storage
    .keys()
    .filter((key) => key.startsWith(PROGRESS_PREFIX))
    .map((key) => key.slice(PROGRESS_PREFIX.length))
    .sort();
}

/** Every readable entry, and a problem for each unreadable one under the prefix (left in storage as it was). */
export function loadProgress(storage: ProgressStorage): { entries: ProgressSnapshot; problems: ProgressProblem[] } {
  const entries: ProgressSnapshot = { exercises: {}, cells: {} };
  const problems: ProgressProblem[] = [];
  for (const key of ownKeys(storage)) {
    const read = readStored(storage, key);
    if (!read) continue;
    if (!read.ok) problems.push({ key: PROGRESS_PREFIX + key, reason: read.reason });
    else if (read.entry.kind === 'exercise') entries.exercises[read.entry.value.exerciseId] = read.entry.value;
    else if (read.entry.kind === 'cell') entries.cells[read.entry.cell] = read.entry.value;
    else entries.learner = read.entry.value;
  }
  return { entries, problems };
}

/** Validates then stores; an invalid value here is a programming error, so it throws. */
function write<T>(storage: ProgressStorage, key: string, schema: z.ZodType<T>, value: T): T {
  const checked = schema.parse(value);
  storage.setItem(PROGRESS_PREFIX + key, JSON.stringify(checked));
  return checked;
}

function readExercise(storage: ProgressStorage, exerciseId: string): ExerciseEntry | undefined {
  const read = readStored(storage, `exercise:${exerciseId}`);
  return read?.ok && read.entry.kind === 'exercise' ? read.entry.value : undefined;
}

/**
 * Records a graded attempt: stores this answer and seed (replacing the previous answer), adds one attempt, and
 * keeps the best score seen. A non-finite number answer is stored as its text ('NaN') so it survives JSON.
 * Returns the stored entry. Throws on an invalid id or time, and when the storage refuses the write.
 */
export function recordAttempt(storage: ProgressStorage, exerciseId: string, seed: number, answer: Answer, result: GradeResult, nowIso: string): ExerciseEntry {
  const previous = readExercise(storage, exerciseId);
  const stored = answer.kind === 'numeric' && typeof answer.value === 'number' && !Number.isFinite(answer.value) ? { ...answer, value: String(answer.value) } : answer;
  return write(storage, `exercise:${exerciseId}`, exerciseEntrySchema, {
    v: 1,
    exerciseId,
    seed,
    answer: stored,
    attempts: (previous?.attempts ?? 0) + 1,
    best: Math.max(previous?.best ?? 0, result.score),
    revealed: previous?.revealed ?? false,
    updatedAt: nowIso,
  });
}

/**
 * Marks the solution of the variant `seed` as seen. The stored answer is kept if it answers that variant and
 * dropped otherwise (an entry's answer always belongs to its seed).
 */
export function revealSolution(storage: ProgressStorage, exerciseId: string, seed: number, nowIso: string): ExerciseEntry {
  const previous = readExercise(storage, exerciseId);
  return write(storage, `exercise:${exerciseId}`, exerciseEntrySchema, {
    v: 1,
    exerciseId,
    seed,
    answer: previous?.seed === seed ? previous.answer : null,
    attempts: previous?.attempts ?? 0,
    best: previous?.best ?? 0,
    revealed: true,
    updatedAt: nowIso,
  });
}

function cellKey(pagePath: string, cellId: string): string {
  if (pagePath === '' || cellId === '' || cellId.includes('#')) throw new Error(`not a cell address: ${pagePath}#${cellId}`);
  return `cell:${pagePath}#${cellId}`;
}

/** Saves the reader's edit of a cell. Example: `saveCellSource(s, '/clocks/lamport/', 'c2', source, now)`. */
export function saveCellSource(storage: ProgressStorage, pagePath: string, cellId: string, source: string, nowIso: string): void {
  write(storage, cellKey(pagePath, cellId), cellEntrySchema, { v: 1, source, updatedAt: nowIso });
}

/** The reader's saved edit of a cell, or undefined when there is none (or it is unreadable). */
export function readCellSource(storage: ProgressStorage, pagePath: string, cellId: string): string | undefined {
  const read = readStored(storage, cellKey(pagePath, cellId));
  return read?.ok && read.entry.kind === 'cell' ? read.entry.value.source : undefined;
}

/** Forgets the reader's edit of a cell (back to the book's source). */
export function clearCellSource(storage: ProgressStorage, pagePath: string, cellId: string): void {
  storage.removeItem(PROGRESS_PREFIX + cellKey(pagePath, cellId));
}

/** Records who the learner is; an empty assignment id means self-paced. */
export function saveLearner(storage: ProgressStorage, learnerId: string, assignmentId?: string): LearnerEntry {
  return write(storage, 'learner', learnerEntrySchema, { v: 1, learnerId, ...(assignmentId ? { assignmentId } : {}) });
}

/** The stored learner, or undefined. */
export function readLearner(storage: ProgressStorage): LearnerEntry | undefined {
  const read = readStored(storage, 'learner');
  return read?.ok && read.entry.kind === 'learner' ? read.entry.value : undefined;
}

/** Removes every key under the prefix, readable or not, and nothing else. Returns how many were removed. */
export function eraseProgress(storage: ProgressStorage): number {
  const keys = ownKeys(storage);
  for (const key of keys) storage.removeItem(PROGRESS_PREFIX + key);
  return keys.length;
}

/**
 * The export file (JSON, `progressFileSchema`) with every readable entry, keys sorted. This is also the file a
 * learner submits; see `regradeSubmission`. Unreadable entries are left out (`loadProgress` reports them).
 */
export function exportProgress(storage: ProgressStorage, nowIso: string): string {
  const entries: Record<string, unknown> = {};
  for (const key of ownKeys(storage)) {
    const read = readStored(storage, key);
    if (read?.ok) entries[key] = read.entry.value;
  }
  const file = progressFileSchema.parse({ format: PROGRESS_FILE_FORMAT, version: PROGRESS_FILE_VERSION, exportedAt: nowIso, entries });
  return `${JSON.stringify(file, null, 2)}\n`;
}

export type ReadFile =
  | { ok: true; entries: { key: string; entry: Entry }[]; problems: ProgressProblem[] }
  | { ok: false; reason: string };

/** Validates an export file as a whole (rejecting it with one reason) and then entry by entry. */
export function readProgressFile(text: string): ReadFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'This is not a progress file: it is not valid JSON.' };
  }
  const header = data as Partial<Record<'format' | 'version', unknown>> | null;
  if (typeof header !== 'object' || header === null || header.format !== PROGRESS_FILE_FORMAT) {
    return { ok: false, reason: `This is not a Happens-Before progress file (its "format" is not '${PROGRESS_FILE_FORMAT}').` };
  }
  if (typeof header.version === 'number' && header.version > PROGRESS_FILE_VERSION) {
    return { ok: false, reason: `This file was made by a newer version of the book (file version ${header.version}); this page reads version ${PROGRESS_FILE_VERSION}.` };
  }
  const file = progressFileSchema.safeParse(data);
  if (!file.success) {
    const issue = file.error.issues[0];
    return { ok: false, reason: `This progress file is damaged: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}.` };
  }
  const entries: { key: string; entry: Entry }[] = [];
  const problems: ProgressProblem[] = [];
  // The entries as JSON.parse made them: zod's copy would turn a "__proto__" key into a prototype and lose it.
  const raw = (data as { entries: Record<string, unknown> }).entries;
  for (const key of Object.keys(raw).sort()) {
    const read = readEntry(key, raw[key]);
    if (read.ok) entries.push({ key, entry: read.entry });
    else problems.push({ key, reason: read.reason });
  }
  return { ok: true, entries, problems };
}

/**
 * Merges an export file into the store. A file that is not JSON, not a progress file, or from a newer version is
 * rejected whole (one problem without a key) and nothing changes. Otherwise unreadable entries are skipped and
 * reported, and each readable one is merged with the local entry of the same key:
 *
 * - exercise: the entry with more attempts wins, then the one updated later (a tie keeps the local one); the
 *   winner keeps its seed and answer together, `best` becomes the higher of the two and `revealed` is true if
 *   either was. Attempts are not added, because a file re-imported into the browser it came from would double them.
 * - cell: the later `updatedAt` wins (a tie keeps the local one).
 * - learner: the local learner is kept if there is one; a different learner in the file is reported.
 *
 * A local entry that cannot be read counts as absent. `imported` counts the keys whose stored value changed.
 */
export function importProgress(storage: ProgressStorage, text: string): { imported: number; problems: ProgressProblem[] } {
  const file = readProgressFile(text);
  if (!file.ok) return { imported: 0, problems: [{ reason: file.reason }] };
  const problems = [...file.problems];
  let imported = 0;
  for (const { key, entry } of file.entries) {
    const local = readStored(storage, key);
    const current = local?.ok && local.entry.kind === entry.kind ? local.entry.value : undefined;
    let merged: unknown;
    if (entry.kind === 'exercise') merged = mergeExercise(current as ExerciseEntry | undefined, entry.value);
    else if (entry.kind === 'cell') merged = current && !isLater(entry.value, current as CellEntry) ? current : entry.value;
    else {
      const mine = current as LearnerEntry | undefined;
      merged = mine ?? entry.value;
      if (mine && JSON.stringify(mine) !== JSON.stringify(entry.value)) {
        problems.push({ key, reason: `Kept this browser's learner ${describeLearner(mine)}; the file names ${describeLearner(entry.value)}.` });
      }
    }
    if (current === undefined || JSON.stringify(merged) !== JSON.stringify(current)) {
      storage.setItem(PROGRESS_PREFIX + key, JSON.stringify(merged));
      imported++;
    }
  }
  return { imported, problems };
}

function isLater(a: { updatedAt: string }, b: { updatedAt: string }): boolean {
  return Date.parse(a.updatedAt) > Date.parse(b.updatedAt);
}

function mergeExercise(local: ExerciseEntry | undefined, incoming: ExerciseEntry): ExerciseEntry {
  if (!local) return incoming;
  const incomingWins = incoming.attempts > local.attempts || (incoming.attempts === local.attempts && isLater(incoming, local));
  const winner = incomingWins ? incoming : local;
  return { ...winner, best: Math.max(local.best, incoming.best), revealed: local.revealed || incoming.revealed };
}

function describeLearner(learner: LearnerEntry): string {
  return `'${learner.learnerId}'${learner.assignmentId ? ` (assignment '${learner.assignmentId}')` : ''}`;
}
