/**
 * The assignment manifest: the file an instructor writes to give a class exercises from the book, with points, a
 * due date in a time zone, a late policy and per-student extensions. Pure (no clock, no storage, no Node API), so
 * the student's page, the link and the command-line regrader all read a manifest through this one parser.
 *
 * Dates. `due`, `late.zeroAfter` and every extension are local date-times (`2026-12-04T23:59`, seconds optional,
 * no offset) read in the manifest's `timeZone`. A local time is turned into an instant the way a wall clock would
 * (Temporal's "compatible" rule): a time that occurs twice when clocks go back is the earlier one; a time skipped
 * when clocks go forward moves forward by the gap (02:30 on a spring-forward night is 03:30). Both cases are
 * reported as warnings, since a due date there is almost certainly a mistake.
 *
 * Exercise ids are checked against the book when the caller passes the known ids (`bookExerciseIds()` loads them;
 * the command does). Without them only their form is checked, which is what a page that has not loaded every
 * chapter can do.
 */
import { z } from 'zod';
import { EXERCISE_ID } from '../exercises/ids';

/** What a late submission costs. Absent means `{ kind: 'none' }`. */
export type LatePolicy =
  | { kind: 'none' }
  | { kind: 'per-day' | 'per-hour'; percent: number; floor?: number; zeroAfter?: string };

export interface Manifest {
  /** `[a-z0-9][a-z0-9-_.]{0,63}`, e.g. "cs451-2026-hw3"; with the student id it seeds each student's variants. */
  id: string;
  /** Shown to students and in the gradebook column, e.g. "Homework 3: clocks". */
  title: string;
  /** The exercises in the order students see them; ids must exist in the book. */
  exercises: { id: string; points: number }[];
  /** ISO 8601 local date-time in `timeZone`, e.g. "2026-12-04T23:59". */
  due: string;
  /** IANA time zone, e.g. "America/Toronto". */
  timeZone: string;
  late?: LatePolicy;
  /** Student id → that student's own local due date-time. */
  extensions?: Record<string, string>;
}

export type ParsedManifest = { ok: true; manifest: Manifest; warnings: string[] } | { ok: false; errors: string[] };

/** The longest manifest text read; a real one is a few kilobytes. */
export const MAX_MANIFEST_CHARS = 1024 * 1024;

export const ASSIGNMENT_ID = /^[a-z0-9][a-z0-9\-_.]{0,63}$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The fields of a local date-time, or undefined when it is not one (wrong form, 31 February, 24:00). */
function localFields(text: string): number[] | undefined {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0));
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return [y, mo, d, h, mi, s];
}

const localDateTime = z
  .string()
  .refine(
    (text) => localFields(text) !== undefined,
    (text) => ({ message: `expected a local date-time like "2026-12-04T23:59" (no offset; it is read in the manifest's timeZone); got ${quoted(text)}` }),
  );

const latePolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none').describe('Late work gets 0.') }).strict(),
  z
    .object({
      kind: z.enum(['per-day', 'per-hour']).describe('Each started day (24 h) or hour late costs `percent`.'),
      percent: z.number().finite().min(0).max(100).describe('Percent of the points lost per started day or hour, e.g. 10.'),
      floor: z.number().finite().min(0).max(100).optional().describe('The least percent of the points a late submission keeps, e.g. 50.'),
      zeroAfter: localDateTime.optional().describe('After this local date-time late work gets 0, e.g. "2026-12-11T23:59".'),
    })
    .strict(),
]);

/** The manifest's shape (zod); dates, time zone and ids are checked further in `parseManifest`. */
export const manifestSchema = z
  .object({
    $schema: z.string().max(2000).optional().describe('Where an editor finds the JSON Schema (`happens-before schema` prints it); ignored otherwise.'),
    id: z
      .string()
      .regex(ASSIGNMENT_ID, 'expected 1 to 64 of a-z, 0-9, "-", "_", "." starting with a letter or digit, e.g. "cs451-2026-hw3"')
      .describe('The assignment id; it seeds every student\'s variants, so never change it once students start.'),
    title: z.string().trim().min(1, 'expected a non-empty title').max(200).describe('e.g. "Homework 3: clocks".'),
    exercises: z
      .array(
        z
          .object({
            id: z.string().regex(EXERCISE_ID, 'expected an exercise id like "clocks/lamport-receive"'),
            points: z.number().finite().positive('expected points greater than 0').max(1000),
          })
          .strict(),
      )
      .min(1, 'expected at least one exercise')
      .max(200),
    due: localDateTime.describe('Local date-time, e.g. "2026-12-04T23:59".'),
    timeZone: z.string().describe('IANA time zone, e.g. "America/Toronto".'),
    late: latePolicySchema.optional(),
    extensions: z.record(z.string().min(1).max(200), localDateTime).optional(),
  })
  .strict();

/** Edit distance (Levenshtein), for suggesting the id a typo meant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Up to three known ids nearest to `id`: the same chapter first, then by edit distance. */
export function nearestIds(id: string, known: Iterable<string>): string[] {
  const chapter = id.split('/')[0];
  return [...known]
    .map((candidate) => ({ candidate, distance: editDistance(id, candidate) - (candidate.split('/')[0] === chapter ? 0.5 : 0) }))
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

function fieldPath(path: (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '') || '(file)';
}

function quoted(value: string, max = 60): string {
  const text = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(text);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at instant `ms`, in ms (east positive), to the second. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const { type, value } of format.formatToParts(ms)) parts[type] = value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** How a local date-time maps to instants in a zone: one, two (clocks went back) or none (clocks went forward). */
export interface LocalResolution {
  instantMs: number;
  kind: 'exact' | 'ambiguous' | 'skipped';
}

/**
 * The instant of local date-time `local` in `timeZone` (see the file comment for the two DST cases). Throws on a
 * malformed date-time or an unknown zone: call it on validated manifests.
 */
export function resolveLocal(local: string, timeZone: string): LocalResolution {
  const fields = localFields(local);
  if (!fields) throw new RangeError(`not a local date-time: ${quoted(local)}`);
  const [y, mo, d, h, mi, s] = fields;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const day = 86_400_000;
  const offsets = [...new Set([zoneOffsetMs(wall - day, timeZone), zoneOffsetMs(wall + day, timeZone)])];
  const fits = offsets.map((offset) => wall - offset).filter((instant) => zoneOffsetMs(instant, timeZone) === wall - instant).sort((a, b) => a - b);
  if (fits.length === 1) return { instantMs: fits[0], kind: 'exact' };
  if (fits.length > 1) return { instantMs: fits[0], kind: 'ambiguous' };
  // Skipped: read the wall time with the offset in force before the jump, which lands after it by the gap.
  return { instantMs: wall - zoneOffsetMs(wall - day, timeZone), kind: 'skipped' };
}

/** Validated then resolved; every problem is one error naming its field. */
function checkDates(manifest: Manifest, errors: string[], warnings: string[]): void {
  const zone = manifest.timeZone;
  const dated: [string, string][] = [['due', manifest.due]];
  if (manifest.late && manifest.late.kind !== 'none' && manifest.late.zeroAfter) dated.push(['late.zeroAfter', manifest.late.zeroAfter]);
  for (const [student, local] of Object.entries(manifest.extensions ?? {})) dated.push([`extensions[${quoted(student)}]`, local]);
  for (const [path, local] of dated) {
    const { kind } = resolveLocal(local, zone);
    if (kind === 'ambiguous') warnings.push(`${path}: ${local} happens twice in ${zone} (clocks go back); the first one is used.`);
    if (kind === 'skipped') warnings.push(`${path}: ${local} does not exist in ${zone} (clocks go forward); it is read as the same time after the change.`);
  }
  const due = resolveLocal(manifest.due, zone).instantMs;
  if (manifest.late && manifest.late.kind !== 'none' && manifest.late.zeroAfter && resolveLocal(manifest.late.zeroAfter, zone).instantMs <= due) {
    errors.push(`late.zeroAfter: expected a date-time after due (${manifest.due}); got ${manifest.late.zeroAfter}.`);
  }
  for (const [student, local] of Object.entries(manifest.extensions ?? {})) {
    const unlike = unlikeStudentId(student);
    if (unlike) warnings.push(`extensions[${quoted(student)}]: ${unlike}, so this extension may never apply; write the id exactly as the student enters it.`);
    if (resolveLocal(local, zone).instantMs < due) warnings.push(`extensions[${quoted(student)}]: ${local} is before the due date ${manifest.due}, so it shortens this student's time.`);
  }
}

/** The longest student id the assignment page accepts (`readStudentId` in src/client/assignment.ts) and a manifest's extensions should use. */
export const MAX_STUDENT_ID_CHARS = 64;

/**
 * Why an extension's key cannot be, or is unlikely to be, a student id the assignment page accepts
 * (`readStudentId` in src/client/assignment.ts: trimmed, at most 64 characters, no control characters), or
 * undefined. The page keeps inner spaces, but an id with whitespace is almost always a typo ("S 1" for "s1").
 */
function unlikeStudentId(key: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(key)) return 'a student id cannot hold control characters or line breaks (the assignment page refuses them)';
  if (key.trim() !== key) return 'the assignment page trims spaces around a student id, so no student id starts or ends with one';
  if (key.length > MAX_STUDENT_ID_CHARS) return `a student id has at most ${MAX_STUDENT_ID_CHARS} characters (the assignment page refuses longer ones); this one has ${key.length}`;
  if (/\s/.test(key)) return 'it holds whitespace, which student ids seldom do';
  return undefined;
}

/**
 * Parses and validates a manifest (JSON text). Every error names the field path and what was expected; an unknown
 * exercise id (when `knownExerciseIds` is given) lists the nearest ids of the book. Never throws.
 */
export function parseManifest(text: string, knownExerciseIds?: Iterable<string>): ParsedManifest {
  if (typeof text !== 'string') return { ok: false, errors: ['(file): expected the text of a JSON file.'] };
  if (text.length > MAX_MANIFEST_CHARS) return { ok: false, errors: [`(file): expected at most ${MAX_MANIFEST_CHARS} characters; this one has ${text.length}.`] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(file): expected JSON; ${error instanceof Error ? error.message : 'it does not parse'}.`] };
  }
  return validateManifest(data, knownExerciseIds);
}

/** `parseManifest` on a value already parsed from JSON. */
export function validateManifest(data: unknown, knownExerciseIds?: Iterable<string>): ParsedManifest {
  const parsed = manifestSchema.safeParse(data);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => quoted(key)).join(', ')}`
          : issue.code === 'invalid_type' && issue.received === 'undefined'
            ? `required, expected ${issue.expected}`
            : issue.message;
      errors.push(`${fieldPath(issue.path)}: ${message}.`);
    }
  }
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof record.timeZone === 'string' && !isTimeZone(record.timeZone)) {
    errors.push(`timeZone: expected an IANA time zone like "America/Toronto" or "Europe/Berlin"; got ${quoted(record.timeZone)}.`);
  }
  if (Array.isArray(record.exercises)) {
    const known = knownExerciseIds ? new Set(knownExerciseIds) : undefined;
    const seen = new Map<string, number>();
    record.exercises.forEach((exercise, index) => {
      const id = (exercise as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !EXERCISE_ID.test(id)) return;
      if (seen.has(id)) errors.push(`exercises[${index}].id: expected each exercise once; ${quoted(id)} is also exercises[${seen.get(id)}].`);
      else seen.set(id, index);
      if (known && !known.has(id)) {
        const near = nearestIds(id, known);
        errors.push(`exercises[${index}].id: expected an exercise of this book; there is no ${quoted(id)}.${near.length ? ` Nearest: ${near.map((n) => quoted(n)).join(', ')}.` : ''}`);
      }
    });
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  const { $schema: _editorsOnly, ...manifest } = parsed.data as Manifest & { $schema?: string };
  checkDates(manifest, errors, warnings);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, manifest, warnings };
}

/** Every exercise id in the book (loads every chapter's set). */
export async function bookExerciseIds(): Promise<string[]> {
  const { loadAllSets } = await import('../catalog');
  return (await loadAllSets()).flatMap((set) => set.exercises.map((exercise) => exercise.id));
}

/** `parseManifest` with the ids checked against the whole book. */
export async function parseManifestForBook(text: string): Promise<ParsedManifest> {
  return parseManifest(text, await bookExerciseIds());
}

/** The due instant (epoch ms) for a student: their extension if they have one, else the manifest's `due`. */
export function dueInstant(manifest: Manifest, studentId?: string): number {
  const extension = studentId !== undefined && manifest.extensions && Object.hasOwn(manifest.extensions, studentId) ? manifest.extensions[studentId] : undefined;
  return resolveLocal(extension ?? manifest.due, manifest.timeZone).instantMs;
}

/** The total points of the assignment. */
export function maxPoints(manifest: Manifest): number {
  return manifest.exercises.reduce((sum, { points }) => sum + points, 0);
}

const localDateTimeJson = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$',
  description: "A local date-time without offset, read in the manifest's timeZone.",
  examples: ['2026-12-04T23:59'],
};

/**
 * A JSON Schema (draft 2020-12) of the manifest file, for editors: save it (`happens-before schema > manifest.schema.json`)
 * and point the manifest's `"$schema"` at it for completion and checking as you type.
 */
export const MANIFEST_JSON_SCHEMA: object = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://happens-before.example/assignment-manifest.schema.json',
  title: 'Happens-Before assignment manifest',
  description: 'Exercises from the book given to a class, with points, a due date, a late policy and extensions.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'exercises', 'due', 'timeZone'],
  properties: {
    $schema: { type: 'string', description: 'Where an editor finds this schema; ignored otherwise.', examples: ['./manifest.schema.json'] },
    id: {
      type: 'string',
      pattern: ASSIGNMENT_ID.source,
      description: "The assignment id; with the student id it seeds each student's variants. Never change it once students start.",
      examples: ['cs451-2026-hw3'],
    },
    title: { type: 'string', minLength: 1, maxLength: 200, description: 'Shown to students and in the gradebook column.', examples: ['Homework 3: clocks'] },
    exercises: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      description: 'The exercises, in the order students see them. Ids must exist in the book.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'points'],
        properties: {
          id: { type: 'string', pattern: EXERCISE_ID.source, examples: ['clocks/lamport-receive'] },
          points: { type: 'number', exclusiveMinimum: 0, maximum: 1000, examples: [10] },
        },
      },
    },
    due: { ...localDateTimeJson, description: "The due date-time, local to timeZone. A time skipped by a DST change is read as the same time after it; a repeated one as the first." },
    timeZone: { type: 'string', description: 'IANA time zone name.', examples: ['America/Toronto', 'Europe/Berlin'] },
    late: {
      description: 'The late policy; absent means late work gets 0.',
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'none' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'percent'],
          properties: {
            kind: { enum: ['per-day', 'per-hour'], description: 'Each started day (24 h) or hour after the due time costs percent.' },
            percent: { type: 'number', minimum: 0, maximum: 100, examples: [10] },
            floor: { type: 'number', minimum: 0, maximum: 100, description: 'The least percent of the points late work keeps.', examples: [50] },
            zeroAfter: { ...localDateTimeJson, description: 'After this local date-time late work gets 0 (moved by the same amount for a student with an extension).' },
          },
        },
      ],
    },
    extensions: {
      type: 'object',
      description: 'Student id → that student\'s own local due date-time.',
      additionalProperties: localDateTimeJson,
      examples: [{ s1234567: '2026-12-06T23:59' }],
    },
  },
};
