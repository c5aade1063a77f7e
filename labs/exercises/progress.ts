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
import { shortText, storageFailure } from './storage-failure';
import type { Answer, ExerciseKind, GradeResult } from './types';

export { shortText, storageFailure };

/** Every key this store owns starts with this; the version is part of it so a future layout can live beside. */
export const PROGRESS_PREFIX = 'happens-before:v1:';

/** The `format` field of an export file. */
export const PROGRESS_FILE_FORMAT = 'happens-before-progress';

/** The export file version this code writes and reads. */
export const PROGRESS_FILE_VERSION = 1;

/**
 * The longest progress file `importProgress` reads, in characters. A browser keeps about 5 MB per site, so a bigger
 * file could never be stored; refusing it before parsing keeps a hostile file from freezing the page.
 */
export const MAX_PROGRESS_FILE_CHARS = 5 * 1024 * 1024;

/** The deepest nesting of arrays and objects a file or a stored entry may have; real ones nest 5 deep. */
export const MAX_NESTING_DEPTH = 16;

/** How much of a value a message quotes: a report is read by a person, so a 10 MB value becomes a few words. */
const QUOTE_CHARS = 60;

/** A value quoted for a message: JSON, cut short. Only for values whose nesting is already bounded. */
function quote(value: unknown): string {
  return value === undefined ? 'missing' : shortText(JSON.stringify(value) ?? String(value));
}

/** True when arrays and objects in `json` nest deeper than `limit`; strings are skipped, escapes included. */
function nestsDeeperThan(json: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * JSON.parse for text from outside (an imported file, storage another tab or tool may have written): refuses text
 * nested deeper than MAX_NESTING_DEPTH before parsing, so no later step (validation, JSON.stringify, a merge) can
 * overflow the stack on it. Size limits are the caller's, since they differ between a file and an entry.
 */
function parseBoundedJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) return { ok: false, reason: `nested more than ${MAX_NESTING_DEPTH} levels deep` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
}

/** Thrown by the writing functions when the storage refuses a write; `message` is `storageFailure`'s reason. */
export class ProgressWriteError extends Error {
  constructor(readonly key: string, reason: string) {
    super(reason);
    this.name = 'ProgressWriteError';
  }
}

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
    attempts: z.number().int().min(0).safe().describe('How many answers were graded, over all variants, e.g. 3.'),
    best: z
      .number()
      .min(0)
      .max(1)
      .describe('Best score shown in the browser, 0..1, over all variants. Untrusted: instructors regrade instead.'),
    revealed: z.boolean().describe('Whether the reader has seen the solution.'),
    updatedAt: isoTime.describe("When the entry last changed, e.g. '2025-03-01T12:00:00.000Z'."),
  })
  .refine((entry) => entry.best === 0 || entry.attempts > 0, { message: 'a best score above 0 needs at least one attempt', path: ['best'] })
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

/**
 * The book's exercises and the kind of answer each takes, e.g. `new Map([['intro/count-drops', 'numeric']])`.
 * Given to loading and importing, it makes an entry for any other exercise, or with an answer of another kind,
 * a problem rather than progress (the home page builds it from the catalog when the site is built).
 */
export type BookExercises = ReadonlyMap<string, ExerciseKind>;

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

/** A cell's page path as cell-store.ts writes it ('/clocks/lamport/') and a cell id as the build accepts it. */
const CELL_PAGE = /^\/(?:[^#/\s]+\/)*$/;
const CELL_ID = /^[a-z0-9][a-z0-9-]*$/;
const MAX_CELL_PAGE_CHARS = 200;

function parseEntryKey(key: string): EntryKey | undefined {
  if (key === 'learner') return { kind: 'learner' };
  if (key.startsWith('exercise:')) {
    const exerciseId = key.slice('exercise:'.length);
    return EXERCISE_ID.test(exerciseId) ? { kind: 'exercise', exerciseId } : undefined;
  }
  if (key.startsWith('cell:')) {
    const cell = key.slice('cell:'.length);
    const hash = cell.lastIndexOf('#');
    const page = cell.slice(0, hash);
    return hash > 0 && page.length <= MAX_CELL_PAGE_CHARS && CELL_PAGE.test(page) && CELL_ID.test(cell.slice(hash + 1)) ? { kind: 'cell', cell } : undefined;
  }
  return undefined;
}

/**
 * Validates one entry given its key without the prefix; shared by loading and importing. With `book`, an exercise
 * entry must name one of the book's exercises and hold an answer of that exercise's kind. `value` must come from
 * parseBoundedJson (its nesting is bounded).
 */
function readEntry(key: string, value: unknown, book?: BookExercises): ReadEntry {
  const parsedKey = parseEntryKey(key);
  if (!parsedKey) return { ok: false, reason: 'not a key this version of the book writes' };
  const entryVersion = typeof value === 'object' && value !== null ? (value as { v?: unknown }).v : undefined;
  if (entryVersion !== 1) return { ok: false, reason: `written by another version of the book (v: ${quote(entryVersion)})` };
  if (parsedKey.kind === 'exercise') {
    const parsed = exerciseEntrySchema.safeParse(value);
    if (!parsed.success) return invalid(parsed.error);
    const { exerciseId, answer } = parsed.data;
    if (exerciseId !== parsedKey.exerciseId) return { ok: false, reason: `holds exercise ${quote(exerciseId)}, not the one its key names` };
    if (book) {
      const kind = book.get(exerciseId);
      if (!kind) return { ok: false, reason: `there is no exercise ${quote(exerciseId)} in this book` };
      if (answer && answer.kind !== kind) return { ok: false, reason: `holds a ${answer.kind} answer, but ${quote(exerciseId)} takes a ${kind} answer` };
    }
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
  return { ok: false, reason: shortText(`invalid ${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'does not match its schema'}`, 2 * QUOTE_CHARS) };
}

/** Reads one stored key (without the prefix); undefined when absent, a reason when unreadable. */
function readStored(storage: ProgressStorage, key: string, book?: BookExercises): ReadEntry | undefined {
  const raw = storage.getItem(PROGRESS_PREFIX + key);
  if (raw === null) return undefined;
  const parsed = parseBoundedJson(raw);
  return parsed.ok ? readEntry(key, parsed.value, book) : parsed;
}

function ownKeys(storage: ProgressStorage): string[] {
  return storage
    .keys()
    .filter((key) => key.startsWith(PROGRESS_PREFIX))
    .map((key) => key.slice(PROGRESS_PREFIX.length))
    .sort();
}

/**
 * Every readable entry, and a problem for each unreadable one under the prefix (left in storage as it was). With
 * `book`, entries for other exercises or with answers of the wrong kind are problems too. Never throws on what
 * storage holds: a damaged entry is one problem, and every other entry still loads.
 */
export function loadProgress(storage: ProgressStorage, book?: BookExercises): { entries: ProgressSnapshot; problems: ProgressProblem[] } {
  const entries: ProgressSnapshot = { exercises: {}, cells: {} };
  const problems: ProgressProblem[] = [];
  for (const key of ownKeys(storage)) {
    const read = readStored(storage, key, book);
    if (!read) continue;
    if (!read.ok) problems.push({ key: shortText(PROGRESS_PREFIX + key, 2 * QUOTE_CHARS), reason: read.reason });
    else if (read.entry.kind === 'exercise') entries.exercises[read.entry.value.exerciseId] = read.entry.value;
    else if (read.entry.kind === 'cell') entries.cells[read.entry.cell] = read.entry.value;
    else entries.learner = read.entry.value;
  }
  return { entries, problems };
}

/**
 * Validates then stores. An invalid value here is a programming error, so it throws; a write the storage refuses
 * (full, turned off) throws ProgressWriteError, whose message says why, for the caller to show the reader.
 */
function write<T>(storage: ProgressStorage, key: string, schema: z.ZodType<T>, value: T): T {
  const checked = schema.parse(value);
  try {
    storage.setItem(PROGRESS_PREFIX + key, JSON.stringify(checked));
  } catch (error) {
    throw new ProgressWriteError(key, storageFailure(error));
  }
  return checked;
}

function readExercise(storage: ProgressStorage, exerciseId: string): ExerciseEntry | undefined {
  const read = readStored(storage, `exercise:${exerciseId}`);
  return read?.ok && read.entry.kind === 'exercise' ? read.entry.value : undefined;
}

/**
 * Records a graded attempt: stores this answer and seed (replacing the previous answer), adds one attempt, and
 * keeps the best score seen. A non-finite number answer is stored as its text ('NaN') so it survives JSON.
 * Returns the stored entry. Throws on an invalid id or time, and ProgressWriteError when the storage refuses it.
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
  return writeVariant(storage, exerciseId, seed, nowIso, true);
}

/**
 * Records that the reader drew the variant `seed` (New variant), so that it is shown again after a reload until it
 * is answered or replaced. The stored answer belonged to the previous variant and is dropped; attempts, best and
 * revealed are kept. Throws ProgressWriteError when the storage refuses it.
 */
export function chooseVariant(storage: ProgressStorage, exerciseId: string, seed: number, nowIso: string): ExerciseEntry {
  return writeVariant(storage, exerciseId, seed, nowIso);
}

/** The entry as it stands, moved to variant `seed` (its answer kept only if it answers that variant). */
function writeVariant(storage: ProgressStorage, exerciseId: string, seed: number, nowIso: string, revealed?: true): ExerciseEntry {
  const previous = readExercise(storage, exerciseId);
  return write(storage, `exercise:${exerciseId}`, exerciseEntrySchema, {
    v: 1,
    exerciseId,
    seed,
    answer: previous?.seed === seed ? previous.answer : null,
    attempts: previous?.attempts ?? 0,
    best: previous?.best ?? 0,
    revealed: revealed ?? previous?.revealed ?? false,
    updatedAt: nowIso,
  });
}

function cellKey(pagePath: string, cellId: string): string {
  const key = `cell:${pagePath}#${cellId}`;
  if (parseEntryKey(key)?.kind !== 'cell') throw new Error(`not a cell address: ${shortText(`${pagePath}#${cellId}`)}`);
  return key;
}

/**
 * Saves the reader's edit of a cell; throws ProgressWriteError when the storage refuses it.
 * Example: `saveCellSource(s, '/clocks/lamport/', 'c2', source, now)`.
 */
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

/**
 * Validates an export file as a whole (rejecting it with one reason) and then entry by entry. The file is hostile
 * until proved otherwise: its length is checked before anything else, its nesting before parsing, and every reason
 * quotes at most a few dozen characters of it. With `book`, see `readEntry`.
 */
export function readProgressFile(text: string, book?: BookExercises): ReadFile {
  if (text.length > MAX_PROGRESS_FILE_CHARS) return { ok: false, reason: tooLarge(text.length) };
  const parsed = parseBoundedJson(text);
  if (!parsed.ok) return { ok: false, reason: `This is not a progress file: it is ${parsed.reason === 'not valid JSON' ? 'not valid JSON' : parsed.reason}.` };
  const data = parsed.value;
  const header = data as Partial<Record<'format' | 'version', unknown>> | null;
  if (typeof header !== 'object' || header === null || header.format !== PROGRESS_FILE_FORMAT) {
    return { ok: false, reason: `This is not a Happens-Before progress file (its "format" is not '${PROGRESS_FILE_FORMAT}').` };
  }
  if (typeof header.version === 'number' && header.version > PROGRESS_FILE_VERSION) {
    return { ok: false, reason: `This file was made by a newer version of the book (file version ${shortText(String(header.version))}); this page reads version ${PROGRESS_FILE_VERSION}.` };
  }
  const file = progressFileSchema.safeParse(data);
  if (!file.success) {
    const issue = file.error.issues[0];
    return { ok: false, reason: `This progress file is damaged: ${shortText(`${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`, 2 * QUOTE_CHARS)}.` };
  }
  const entries: { key: string; entry: Entry }[] = [];
  const problems: ProgressProblem[] = [];
  // The entries as JSON.parse made them: zod's copy would turn a "__proto__" key into a prototype and lose it.
  const raw = (data as { entries: Record<string, unknown> }).entries;
  for (const key of Object.keys(raw).sort()) {
    const read = readEntry(key, raw[key], book);
    if (read.ok) entries.push({ key, entry: read.entry });
    else problems.push({ key: shortText(key, 2 * QUOTE_CHARS), reason: read.reason });
  }
  return { ok: true, entries, problems };
}

/** The reason a file over MAX_PROGRESS_FILE_CHARS is refused; the panel also uses it before reading a file. */
export function tooLarge(chars: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `This file is too large to be a progress file (${mb(chars)}; the limit is ${mb(MAX_PROGRESS_FILE_CHARS)}).`;
}

/**
 * What an import did. It is all or nothing: `ok: false` means nothing in storage changed, and `problems` says
 * what was refused (a whole file without a key, or each refused entry by its key, or a write the storage refused).
 * `ok: true` means every entry was valid and merged; `imported` counts the keys whose stored value changed, and
 * `notes` says what was kept on purpose (a different learner in the file).
 */
export type ImportReport = { ok: true; imported: number; notes: ProgressProblem[] } | { ok: false; problems: ProgressProblem[] };

/**
 * Merges an export file into the store, all or nothing. Every entry is validated first (with `book`, also against
 * the book's exercises, see `readEntry`); if the file or any entry is refused, nothing is written and every
 * refusal is reported. Otherwise each entry is merged with the local entry of the same key:
 *
 * - exercise: the entry with more attempts wins, then the one updated later (a tie keeps the local one); the
 *   winner keeps its seed and answer together, `best` becomes the higher of the two and `revealed` is true if
 *   either was. Attempts are not added, because a file re-imported into the browser it came from would double them.
 * - cell: the later `updatedAt` wins (a tie keeps the local one).
 * - learner: the local learner is kept if there is one; a different learner in the file is noted.
 *
 * A local entry that cannot be read counts as absent. If the storage refuses a write partway (it is full), the
 * keys already written are put back as they were, so a failed import leaves storage exactly as it found it.
 */
export function importProgress(storage: ProgressStorage, text: string, book?: BookExercises): ImportReport {
  const file = readProgressFile(text, book);
  if (!file.ok) return { ok: false, problems: [{ reason: file.reason }] };
  if (file.problems.length > 0) return { ok: false, problems: file.problems };
  const notes: ProgressProblem[] = [];
  const changes: { key: string; value: string }[] = [];
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
        notes.push({ key, reason: `Kept this browser's learner ${describeLearner(mine)}; the file names ${describeLearner(entry.value)}.` });
      }
    }
    if (current === undefined || JSON.stringify(merged) !== JSON.stringify(current)) changes.push({ key: PROGRESS_PREFIX + key, value: JSON.stringify(merged) });
  }
  const failure = writeAllOrNothing(storage, changes);
  if (failure) return { ok: false, problems: [{ reason: `Nothing was imported (${failure}); everything saved before is unchanged.` }] };
  return { ok: true, imported: changes.length, notes };
}

/**
 * Writes every change or none: when a write throws, the keys written so far are removed first (freeing the space
 * they took) and then given back their old values, which fitted before. Returns why it failed, or undefined.
 */
function writeAllOrNothing(storage: ProgressStorage, changes: { key: string; value: string }[]): string | undefined {
  const previous = changes.map(({ key }) => storage.getItem(key));
  let written = 0;
  try {
    for (const { key, value } of changes) {
      storage.setItem(key, value);
      written++;
    }
    return undefined;
  } catch (error) {
    for (let i = 0; i <= written && i < changes.length; i++) storage.removeItem(changes[i].key);
    for (let i = 0; i <= written && i < changes.length; i++) {
      const old = previous[i];
      if (old !== null) storage.setItem(changes[i].key, old);
    }
    return storageFailure(error);
  }
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
  return `'${shortText(learner.learnerId)}'${learner.assignmentId ? ` (assignment '${shortText(learner.assignmentId)}')` : ''}`;
}
