/**
 * The instructor's command, `happens-before` (bin/happens-before.mjs bundles this file and calls `runCli`):
 *
 *   happens-before check <manifest.json> --site <base url>
 *   happens-before schema   (the manifest's JSON Schema, for editors)
 *   happens-before exercises   (every exercise id of the book, with its kind and title)
 *   happens-before regrade <manifest.json> <submissions-dir> --out <dir> [--times times.csv]
 *       [--submitters submitters.csv] [--overrides overrides.csv] [--roster roster.csv]
 *       [--moodle-id idnumber|email|username] [--time-limit <ms>] [--memory <MB>] [--concurrency <n>]
 *
 * Whose grade a file is comes from the LMS, never from the learner id inside the file (its sender wrote it): from
 * `--submitters` (who handed in each file), else from the file's name as the assignment page gives it
 * (`<assignment>-<student>.json`). A file whose learner id is not its submitter's is not graded; two files that
 * claim one student are a conflict that `--times` resolves (the latest counts) or the instructor does.
 *
 * Exit status: 0 when everything was graded, 1 when some submission could not be (it still has a blank canvas.csv
 * row and a feedback file saying why, but no moodle.csv row), when a file's learner id is not its submitter's, when files conflict, or when the
 * folder holds no submission file, 2 on bad usage, a bad manifest or a bad overrides/times/roster file (nothing graded,
 * nothing written). Results go to stdout and the output folder; progress, warnings and errors go to stderr, with a
 * progress bar only when stderr is a terminal. Every dependency on the machine is in `CliDeps`, so tests can run
 * the whole command in-process.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  canvasCsv,
  feedbackText,
  findInRoster,
  gradescopeResults,
  moodleCsv,
  readOverrides,
  readRoster,
  readSubmitters,
  readTimes,
  safeFileStem,
  scoreSubmission,
  visibleText,
  type Override,
  type RosterRow,
  type ScoredSubmission,
} from './exports';
import { describeDuration } from './late';
import { assignmentLink } from './link';
import { bookExerciseIds, MANIFEST_JSON_SCHEMA, maxPoints, parseManifest, type Manifest } from './manifest';
import type { FolderRegrade } from './regrade-folder';
import type { GradedSubmission, GradeSubmissionsOptions } from './sandbox';

export interface CliDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (then progress is a bar redrawn in place). */
  stderrIsTTY: boolean;
  /** Grades a folder; default `regradeFolder` (the sandbox). */
  regradeFolder?: (dir: string, manifest: Manifest, options: GradeSubmissionsOptions) => Promise<FolderRegrade>;
  /** Every exercise id of the book; default `bookExerciseIds`. */
  knownExerciseIds?: () => Promise<string[]>;
  /** Every exercise of the book in chapter order, for `exercises`; default read from labs/catalog.ts. */
  bookExercises?: () => Promise<BookExercise[]>;
}

/** One line of `happens-before exercises`. `kind` is `code` for an exercise whose page shows a code editor. */
export interface BookExercise {
  id: string;
  kind: string;
  title: string;
}

async function loadBookExercises(): Promise<BookExercise[]> {
  const { loadAllSets } = await import('../catalog');
  return (await loadAllSets()).flatMap((set) => set.exercises.map(({ id, kind, title }) => ({ id, kind, title })));
}

export const EXIT_OK = 0;
export const EXIT_UNGRADED = 1;
export const EXIT_USAGE = 2;

const MAIN_HELP = `happens-before: assignments from the book, for instructors.

Usage:
  happens-before check <manifest.json> --site <base url>
  happens-before regrade <manifest.json> <submissions-dir> --out <dir> [options]
  happens-before schema      print the manifest's JSON Schema, for editors
  happens-before exercises   list every exercise id of the book, with its kind (code: the page shows a code
                             editor) and title, for a manifest's "exercises"

Run "happens-before <command> --help" for a command's options.
`;

const CHECK_HELP = `Usage: happens-before check <manifest.json> --site <base url>

Checks an assignment manifest (every field, the exercise ids against the book, the time zone and dates) and
prints the link to give students. The link holds the manifest without its extensions.

  --site <url>   where the book is published, e.g. https://example.org/book/
  --help         this text

Exit status: 0 if the manifest is valid, 2 if not (each error is listed with its field).
`;

const REGRADE_HELP = `Usage: happens-before regrade <manifest.json> <submissions-dir> --out <dir> [options]

Grades every submission file (*.json) in <submissions-dir> again, in a sandbox, for the variants each student was
assigned, applies late penalties, extensions and overrides, and writes into <dir>:
  canvas.csv              Canvas gradebook import (Grades > Import)
  moodle.csv              Moodle grade import (Grades > Import > CSV file)
  results/<student>.json  Gradescope-style results per submission
  feedback/<student>.txt  what each student reads: per exercise the points and each check's message
  summary.txt             counts, the score spread and everything that needs a look

Options:
  --out <dir>            the output folder (created if needed; not the submissions folder)
  --submitters <csv>     who handed in each file, from the LMS: columns file and studentId. A file whose learner
                         id is another student's is not graded. Without it, the submitter is read from the file
                         name the assignment page gives (<assignment>-<student>.json, also inside names an LMS
                         renamed); a file whose name names no student is graded and listed as identity unchecked.
  --times <csv>          submission times: columns studentId (or file) and submittedAt (ISO 8601 with offset).
                         Without it, each file's own export time is used (set by the student's browser).
  --overrides <csv>      columns studentId, exerciseId, points, reason: replaces those scores
  --roster <csv>         Canvas's gradebook export, to fill Student, ID, SIS User ID, SIS Login ID, Section
  --moodle-id <column>   how moodle.csv names students: idnumber (default), email or username
  --time-limit <ms>      per exercise (default 10000)
  --memory <MB>          per submission's process (default 256)
  --concurrency <n>      submissions graded at once (default: the number of cores)
  --help                 this text

When several files claim one student, the latest by --times is graded and the conflict is listed; without
--times none is graded and the student's row says why.

Exit status: 0 if every submission was graded, 1 if some could not be (each still has a blank canvas.csv row and a
feedback file saying why, but no moodle.csv row: enter it by hand), a file's learner id is not its submitter's, files claim one student, or there is no submission file;
2 on bad usage or a bad manifest.
`;

class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message);
  }
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${JSON.stringify(file)} cannot be read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code ?? 'unknown error'}).`);
  }
}

async function loadManifest(file: string, deps: CliDeps): Promise<{ manifest: Manifest; warnings: string[] }> {
  const text = await readText(file, 'The manifest');
  const parsed = parseManifest(text, await (deps.knownExerciseIds ?? bookExerciseIds)());
  if (!parsed.ok) throw new UsageError(`The manifest ${JSON.stringify(file)} has ${parsed.errors.length} error${parsed.errors.length === 1 ? '' : 's'}:\n${parsed.errors.map((e) => `  ${e}`).join('\n')}`);
  for (const warning of parsed.warnings) deps.stderr(`warning: ${warning}\n`);
  return parsed;
}

/** Runs the command with `args` (without node and the script); resolves to the exit status. Never throws. */
export async function runCli(args: string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      deps.stdout(MAIN_HELP);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === 'check') return await check(rest, deps);
    if (command === 'schema') {
      if (rest.length) throw new UsageError(`schema takes no arguments; got ${JSON.stringify(rest[0])}.`);
      deps.stdout(`${JSON.stringify(MANIFEST_JSON_SCHEMA, null, 2)}\n`);
      return EXIT_OK;
    }
    if (command === 'regrade') return await regrade(rest, deps);
    if (command === 'exercises') {
      if (rest.length) throw new UsageError(`exercises takes no arguments; got ${JSON.stringify(rest[0])}.`);
      const exercises = await (deps.bookExercises ?? loadBookExercises)();
      const width = Math.max(0, ...exercises.map((e) => e.id.length));
      deps.stdout(exercises.map((e) => `${e.id.padEnd(width)}  ${e.kind.padEnd(10)}  ${e.title}\n`).join(''));
      return EXIT_OK;
    }
    throw new UsageError(`Unknown command ${JSON.stringify(command)}; the commands are check, regrade, schema and exercises.`);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = command === 'check' || command === 'regrade' ? `happens-before ${command} --help` : 'happens-before --help';
      deps.stderr(`error: ${error.message}\n(see ${help})\n`);
      return EXIT_USAGE;
    }
    deps.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_USAGE;
  }
}

async function check(args: string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(args, { site: { type: 'string' } });
  if (values.help) {
    deps.stdout(CHECK_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one manifest file; got ${positionals.length}.`);
  const site = values.site as string | undefined;
  if (!site) throw new UsageError('--site is required: the address the book is published at, e.g. --site https://example.org/book/');
  if (!/^https?:\/\/[^/\s]+/.test(site) && !site.startsWith('/')) throw new UsageError(`--site: expected an http(s) address or a path starting with "/"; got ${JSON.stringify(site)}.`);
  const { manifest } = await loadManifest(positionals[0], deps);
  const extensions = Object.keys(manifest.extensions ?? {}).length;
  deps.stderr(`${manifest.title} (${manifest.id}): ${manifest.exercises.length} exercises, ${maxPoints(manifest)} points, due ${manifest.due} ${manifest.timeZone}${extensions ? `, ${extensions} extension${extensions === 1 ? '' : 's'} (not in the link)` : ''}.\n`);
  deps.stdout(`${assignmentLink(manifest, site)}\n`);
  return EXIT_OK;
}

function positiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name}: expected a whole number above 0; got ${JSON.stringify(value)}.`);
  return n;
}

async function regrade(args: string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    times: { type: 'string' },
    submitters: { type: 'string' },
    overrides: { type: 'string' },
    roster: { type: 'string' },
    'moodle-id': { type: 'string' },
    'time-limit': { type: 'string' },
    memory: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (values.help) {
    deps.stdout(REGRADE_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 2) throw new UsageError(`expected a manifest file and a submissions folder; got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}.`);
  const [manifestFile, dir] = positionals;
  const out = values.out as string | undefined;
  if (!out) throw new UsageError('--out is required: the folder to write canvas.csv, moodle.csv, results/ and feedback/ into.');
  const moodleId = (values['moodle-id'] as string | undefined) ?? 'idnumber';
  if (moodleId !== 'idnumber' && moodleId !== 'email' && moodleId !== 'username') throw new UsageError(`--moodle-id: expected idnumber, email or username; got ${JSON.stringify(moodleId)}.`);
  const limits = { timeMs: positiveInteger(values['time-limit'], '--time-limit'), memoryMb: positiveInteger(values.memory, '--memory') };
  const concurrency = positiveInteger(values.concurrency, '--concurrency');

  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat) throw new UsageError(`The submissions folder ${JSON.stringify(dir)} does not exist.`);
  if (!dirStat.isDirectory()) throw new UsageError(`${JSON.stringify(dir)} is not a folder; give the folder that holds the submission files.`);
  if (path.resolve(out) === path.resolve(dir)) throw new UsageError('--out must not be the submissions folder (the outputs would be read as submissions next time).');

  const { manifest } = await loadManifest(manifestFile, deps);
  const problems: string[] = [];
  const overrides: Override[] = [];
  if (values.overrides) {
    const read = readOverrides(await readText(values.overrides as string, 'The overrides file'), manifest, path.basename(values.overrides as string));
    overrides.push(...read.rows);
    problems.push(...read.errors);
  }
  const times = new Map<string, number>();
  if (values.times) {
    const read = readTimes(await readText(values.times as string, 'The times file'), path.basename(values.times as string));
    for (const { key, submittedAtMs } of read.rows) times.set(key, submittedAtMs);
    problems.push(...read.errors);
  }
  let submitters: Map<string, string> | undefined;
  if (values.submitters) {
    const read = readSubmitters(await readText(values.submitters as string, 'The submitters file'), path.basename(values.submitters as string));
    submitters = new Map(read.rows.map(({ file, studentId }) => [file, studentId]));
    problems.push(...read.errors);
  }
  let roster: RosterRow[] | undefined;
  if (values.roster) {
    const read = readRoster(await readText(values.roster as string, 'The roster'), path.basename(values.roster as string));
    roster = read.rows;
    problems.push(...read.errors);
  }
  if (problems.length) throw new UsageError(`Nothing was graded; fix these first:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  const progress = progressReporter(deps);
  const grade = deps.regradeFolder ?? (await import('./regrade-folder')).regradeFolder;
  let folder: FolderRegrade;
  try {
    folder = await grade(dir, manifest, { limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)), ...(concurrency ? { concurrency } : {}), onProgress: progress.update });
  } catch (error) {
    throw new UsageError(`The submissions folder ${JSON.stringify(dir)} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  progress.done(folder.submissions.length);
  if (folder.submissions.length === 0) {
    // Nothing to grade is never a success: most often the folder is the wrong one, or still holds the LMS's zip.
    const others = folder.ignored.length ? ` It holds ${folder.ignored.length} other file${folder.ignored.length === 1 ? '' : 's'} (${folder.ignored.slice(0, 5).map((name) => JSON.stringify(visibleText(name))).join(', ')}${folder.ignored.length > 5 ? ', …' : ''}); unpack the submissions into it if they are in an archive.` : '';
    deps.stderr(`error: The submissions folder ${JSON.stringify(dir)} has no submission files (*.json), so nothing was graded and nothing written.${others}\n`);
    return EXIT_UNGRADED;
  }

  let timesFromFiles = 0;
  const unchecked: string[] = [];
  const mismatched: string[] = [];
  const scoredAll: ScoredSubmission[] = folder.submissions.map((graded) => {
    const identity = checkIdentity(graded, manifest, submitters);
    if (identity.kind === 'mismatch') {
      mismatched.push(graded.file);
      return scoreSubmission({ file: graded.file, ...(identity.submitter ? { learnerId: identity.submitter } : {}), exercises: [], problem: identity.problem }, manifest, undefined, overrides);
    }
    if (identity.kind === 'unchecked' && graded.learnerId !== undefined && graded.problem === undefined) unchecked.push(graded.file);
    let at = times.get(graded.file) ?? (graded.learnerId !== undefined ? times.get(graded.learnerId) : undefined);
    if (at === undefined && !values.times && graded.exportedAt && /(Z|[+-]\d{2}:\d{2})$/.test(graded.exportedAt)) {
      const fromFile = Date.parse(graded.exportedAt);
      if (Number.isFinite(fromFile)) {
        at = fromFile;
        timesFromFiles++;
      }
    }
    const scoredOne = scoreSubmission(graded, manifest, at, overrides);
    if (scoredOne.studentId === '') {
      // A file that could not be read names no learner, but the LMS still says whose it is: its row is that student's.
      const fromSubmitters = submitters?.get(graded.file);
      const fromName = fromSubmitters === undefined ? studentInFileName(graded.file, manifest.id) : undefined;
      if (fromSubmitters !== undefined) return { ...scoredOne, studentId: fromSubmitters, studentIdFrom: 'submitters file' as const };
      if (fromName !== undefined) return { ...scoredOne, studentId: fromName, studentIdFrom: 'file name' as const };
    }
    return scoredOne;
  });
  const { kept: scored, conflicts } = resolveClaims(scoredAll, manifest, (file) => times.has(file), Boolean(values.times));

  await writeOutputs(out, manifest, scored, roster, moodleId);
  const summary = summaryText(manifest, scored, { files: folder.submissions.length, conflicts, mismatched, unchecked, submittersGiven: Boolean(submitters), ignored: folder.ignored, roster, timesFromFiles, timesGiven: Boolean(values.times), overrides });
  await writeFile(path.join(out, 'summary.txt'), summary);
  deps.stdout(summary);
  deps.stdout(`Wrote canvas.csv, moodle.csv, results/, feedback/ and summary.txt to ${out}\n`);
  return scored.some((s) => s.total === undefined) || conflicts.length > 0 || mismatched.length > 0 ? EXIT_UNGRADED : EXIT_OK;
}

/**
 * The student a file name names, as the assignment page names downloads (`<assignment>-<student>.json`, the id
 * reduced as `submissionFileName` in src/client/assignment.ts reduces it), also inside a name an LMS added to, such
 * as Canvas's `name_123_456_<original>`; undefined when the name has no `<assignment>-` part.
 */
export function studentInFileName(file: string, assignmentId: string): string | undefined {
  const name = file.replace(/\.json$/i, '');
  const prefix = `${fileNamePart(assignmentId)}-`.toLowerCase();
  const lower = name.toLowerCase();
  for (let at = lower.indexOf(prefix); at >= 0; at = lower.indexOf(prefix, at + 1)) {
    if (at === 0 || lower[at - 1] === '_') return name.slice(at + prefix.length) || undefined;
  }
  return undefined;
}

/** An id as the assignment page writes it into a file name (the rule of `submissionFileName`). */
function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
}

export type Identity = { kind: 'checked' } | { kind: 'unchecked' } | { kind: 'mismatch'; submitter?: string; problem: string };

/**
 * Whether a file's learner id is the student who handed it in: by `submitters` (file → student id, from the LMS)
 * when given, else by the file's name. A file with no learner id claims no one, so there is nothing to check.
 */
export function checkIdentity(graded: GradedSubmission, manifest: Manifest, submitters?: Map<string, string>): Identity {
  const learner = graded.learnerId;
  if (learner === undefined) return { kind: 'unchecked' };
  const quote = (id: string) => JSON.stringify(id.slice(0, 80));
  if (submitters) {
    const submitter = submitters.get(graded.file);
    if (submitter === undefined) return { kind: 'mismatch', problem: `The submitters file does not list this file, so who handed it in is unknown (its learner entry names ${quote(learner)}); it is not graded.` };
    if (submitter !== learner) {
      return { kind: 'mismatch', submitter, problem: `Handed in by ${quote(submitter)}, but its learner entry names ${quote(learner)}; it is not graded, so it cannot give ${quote(learner)} a grade or ${quote(submitter)} another student's variant.` };
    }
    return { kind: 'checked' };
  }
  const named = studentInFileName(graded.file, manifest.id);
  if (named === undefined) return { kind: 'unchecked' };
  const expected = fileNamePart(learner).toLowerCase();
  const lower = named.toLowerCase();
  // A copy the LMS or a browser renamed ("…-s1-1", "…-s1 (1)") still names its student.
  if (lower === expected || new RegExp(`^${expected.replace(/[.\-]/g, '\\$&')}(-\\d{1,3}| ?\\(\\d{1,3}\\))$`).test(lower)) return { kind: 'checked' };
  return { kind: 'mismatch', problem: `Its file name names the student ${quote(named)}, but its learner entry names ${quote(learner)}; it is not graded, so it cannot give ${quote(learner)} a grade. Pass --submitters with who handed in each file if the name is wrong.` };
}

export interface Conflict {
  studentId: string;
  /** Every file that claims the student, with its submission time when known, in file-name order. */
  files: { file: string; submittedAtMs?: number }[];
  /** The file graded for the student (the latest by the times file), or undefined when none was. */
  kept?: string;
}

/**
 * One row per student. A student claimed by one file keeps it. Two or more files claiming one student are a
 * conflict, never settled silently: the latest by the times file (every file timed by its own name, one strictly
 * latest) is graded; otherwise none is, and the student gets one row saying why, for the instructor to resolve.
 */
export function resolveClaims(
  scored: ScoredSubmission[],
  manifest: Manifest,
  timedByFile: (file: string) => boolean,
  timesGiven: boolean,
): { kept: ScoredSubmission[]; conflicts: Conflict[] } {
  const claims = new Map<string, ScoredSubmission[]>();
  for (const submission of scored) {
    if (!submission.studentId) continue;
    claims.set(submission.studentId, [...(claims.get(submission.studentId) ?? []), submission]);
  }
  const conflicts: Conflict[] = [];
  const kept: ScoredSubmission[] = [];
  const done = new Set<string>();
  for (const submission of scored) {
    const group = submission.studentId ? claims.get(submission.studentId)! : [submission];
    if (group.length === 1) {
      kept.push(submission);
      continue;
    }
    if (done.has(submission.studentId)) continue;
    done.add(submission.studentId);
    const times = group.map((s) => (timedByFile(s.file) ? s.submittedAtMs : undefined));
    const latest = Math.max(...times.map((t) => t ?? -Infinity));
    const winner = times.every((t) => t !== undefined) && times.filter((t) => t === latest).length === 1 ? group[times.indexOf(latest)] : undefined;
    conflicts.push({ studentId: submission.studentId, files: group.map((s) => ({ file: s.file, ...(s.submittedAtMs !== undefined ? { submittedAtMs: s.submittedAtMs } : {}) })), ...(winner ? { kept: winner.file } : {}) });
    if (winner) {
      kept.push(winner);
      continue;
    }
    const names = group.map((s) => s.file).join(', ');
    kept.push({
      file: names,
      studentId: submission.studentId,
      problem: `${group.length} files claim this student (${names}), and ${timesGiven ? 'the times file, by file name, does not say which was handed in last' : 'no times file says which was handed in last'}, so none is graded. The instructor decides which counts: remove the others from the folder${timesGiven ? ', or give each file its time in the times file' : ', or pass --times with each file\'s submission time'}, and regrade.`,
      exercises: [],
      pointsBeforeLate: 0,
      maxPoints: maxPoints(manifest),
    });
  }
  return { kept, conflicts };
}

async function writeOutputs(out: string, manifest: Manifest, scored: ScoredSubmission[], roster: RosterRow[] | undefined, moodleId: 'idnumber' | 'email' | 'username'): Promise<void> {
  try {
    await mkdir(path.join(out, 'results'), { recursive: true });
    await mkdir(path.join(out, 'feedback'), { recursive: true });
    await writeFile(path.join(out, 'canvas.csv'), canvasCsv(scored, manifest, roster));
    await writeFile(path.join(out, 'moodle.csv'), moodleCsv(scored, manifest, moodleId));
    const used = new Set<string>();
    for (const submission of scored) {
      // A file that names no student is filed under its file name, marked so it cannot pass for a student id.
      let stem = submission.studentId ? safeFileStem(submission.studentId) : `file-${safeFileStem(submission.file.replace(/\.json$/i, ''))}`;
      for (let n = 2; used.has(stem.toLowerCase()); n++) stem = `${stem}-${n}`;
      used.add(stem.toLowerCase());
      await writeFile(path.join(out, 'results', `${stem}.json`), `${JSON.stringify(gradescopeResults(submission), null, 2)}\n`);
      await writeFile(path.join(out, 'feedback', `${stem}.txt`), feedbackText(submission, manifest));
    }
  } catch (error) {
    throw new UsageError(`The output folder ${JSON.stringify(out)} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

function summaryText(
  manifest: Manifest,
  scored: ScoredSubmission[],
  notes: { files: number; conflicts: Conflict[]; mismatched: string[]; unchecked: string[]; submittersGiven: boolean; ignored: string[]; roster?: RosterRow[]; timesFromFiles: number; timesGiven: boolean; overrides: Override[] },
): string {
  const graded = scored.filter((s) => s.total !== undefined);
  const totals = graded.map((s) => s.total!).sort((a, b) => a - b);
  const mean = totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0;
  const median = totals.length ? (totals.length % 2 ? totals[(totals.length - 1) / 2] : (totals[totals.length / 2 - 1] + totals[totals.length / 2]) / 2) : 0;
  const late = graded.filter((s) => s.late && s.late.lateByMs > 0);
  const lines = [
    // Files and students differ when files conflict (several files, one student's row), so both are counted.
    `${visibleText(manifest.title)} (${manifest.id}): ${plural(notes.files, 'submission file')}, ${plural(scored.length, 'row')} (one per student, or per file naming no student): ${graded.length} graded, ${scored.length - graded.length} not graded.`,
    `Points possible: ${maxPoints(manifest)}. ${totals.length ? `Mean ${mean.toFixed(2)}, median ${median}, lowest ${totals[0]}, highest ${totals.at(-1)}.` : ''}`.trimEnd(),
  ];
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push('', `${title} (${items.length}):`, ...items.map((item) => `  ${item}`));
  };
  // Identity problems first: each one is a grade that could land on the wrong student.
  section(
    'CONFLICTS: several files claim one student (check who handed in each)',
    notes.conflicts.map(({ studentId, files, kept }) =>
      `${visibleText(studentId)}: ${files.map(({ file, submittedAtMs }) => `${visibleText(file)}${submittedAtMs !== undefined ? ` (${new Date(submittedAtMs).toISOString()})` : ''}`).join(', ')}; ${kept ? `graded ${visibleText(kept)}, the latest by the times file` : 'none graded'}`,
    ),
  );
  section(`Files whose learner id is not their submitter's by ${notes.submittersGiven ? 'the submitters file' : 'their file name'} (not graded)`, notes.mismatched.map((file) => visibleText(file)));
  section('Identity unchecked: the file name names no student, so the learner id inside the file was trusted (pass --submitters)', notes.unchecked.map((file) => visibleText(file)));
  section('Not graded (not in moodle.csv and left blank in canvas.csv: enter these by hand)', scored.filter((s) => s.total === undefined).map((s) => `${s.studentId ? `${visibleText(s.studentId)} (${visibleText(s.file)})` : visibleText(s.file)}: ${visibleText(s.problem ?? '')}`));
  section('Late', late.map((s) => `${visibleText(s.studentId)} (${visibleText(s.file)}): ${describeDuration(s.late!.lateByMs)} late, ${Math.round(s.late!.multiplier * 10000) / 100}% kept`));
  section('Stopped exercises', graded.flatMap((s) => s.exercises.filter((e) => e.graded?.stopped).map((e) => `${visibleText(s.studentId)}: ${e.exerciseId} (${e.graded!.stopped})`)));
  section('Answers given for another variant (graded for the assigned one)', graded.flatMap((s) => s.exercises.filter((e) => e.graded?.answeredSeed !== undefined && e.graded.answeredSeed !== e.graded.assignedSeed).map((e) => `${visibleText(s.studentId)}: ${e.exerciseId}`)));
  section('Overrides applied', graded.flatMap((s) => s.exercises.filter((e) => e.override).map((e) => `${visibleText(s.studentId)}: ${e.exerciseId} = ${e.override!.points}`)));
  const students = new Set(scored.map((s) => s.studentId));
  section('Overrides for students with no submission', notes.overrides.filter((o) => !students.has(o.studentId)).map((o) => `${visibleText(o.studentId)}: ${o.exerciseId}`));
  section('Files in the folder that are not submissions (ignored)', notes.ignored.map((name) => visibleText(name)));
  if (notes.roster) {
    section('Students not found in the roster (their canvas.csv rows use the student id as SIS User ID)', scored.filter((s) => s.studentId && !findInRoster(notes.roster!, s.studentId)).map((s) => visibleText(s.studentId)));
    section('Roster students with no submission', notes.roster.filter((row) => !scored.some((s) => findInRoster([row], s.studentId))).map((row) => `${visibleText(row.student)} (${visibleText(row.sisUserId || row.sisLoginId)})`));
  }
  if (notes.timesGiven) section('No time in the times file, so no late penalty applied', graded.filter((s) => s.submittedAtMs === undefined).map((s) => `${visibleText(s.studentId)} (${visibleText(s.file)})`));
  else {
    lines.push('', notes.timesFromFiles
      ? `Submission times: taken from each file's export time, which the student's browser wrote; pass --times with your LMS's submission times to rely on them.`
      : 'Submission times: none known, so no late penalty was applied; pass --times.');
  }
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Progress on stderr: a bar redrawn in place on a terminal, otherwise a line at every tenth and at the end. */
function progressReporter(deps: CliDeps) {
  let lastTenth = -1;
  return {
    update: (done: number, total: number) => {
      if (deps.stderrIsTTY) {
        const width = 30;
        const filled = Math.round((done / Math.max(1, total)) * width);
        deps.stderr(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} submissions graded`);
      } else {
        const tenth = Math.floor((done / Math.max(1, total)) * 10);
        if (tenth !== lastTenth || done === total) {
          lastTenth = tenth;
          deps.stderr(`graded ${done} of ${total} submissions\n`);
        }
      }
    },
    done: (total: number) => {
      if (deps.stderrIsTTY) deps.stderr('\n');
      else if (total === 0) deps.stderr('graded 0 of 0 submissions\n');
    },
  };
}
