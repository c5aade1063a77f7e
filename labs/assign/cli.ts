/**
 * The instructor's command, `happens-before` (bin/happens-before.mjs bundles this file and calls `runCli`):
 *
 *   happens-before check <manifest.json> --site <base url>
 *   happens-before schema   (the manifest's JSON Schema, for editors)
 *   happens-before regrade <manifest.json> <submissions-dir> --out <dir> [--times times.csv]
 *       [--overrides overrides.csv] [--roster roster.csv] [--moodle-id idnumber|email|username]
 *       [--time-limit <ms>] [--memory <MB>] [--concurrency <n>]
 *
 * Exit status: 0 when everything was graded, 1 when some submission could not be (it still has a row and a
 * feedback file saying why), 2 on bad usage, a bad manifest or a bad overrides/times/roster file (nothing graded,
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
import type { GradeSubmissionsOptions } from './sandbox';

export interface CliDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (then progress is a bar redrawn in place). */
  stderrIsTTY: boolean;
  /** Grades a folder; default `regradeFolder` (the sandbox). */
  regradeFolder?: (dir: string, manifest: Manifest, options: GradeSubmissionsOptions) => Promise<FolderRegrade>;
  /** Every exercise id of the book; default `bookExerciseIds`. */
  knownExerciseIds?: () => Promise<string[]>;
}

export const EXIT_OK = 0;
export const EXIT_UNGRADED = 1;
export const EXIT_USAGE = 2;

const MAIN_HELP = `happens-before: assignments from the book, for instructors.

Usage:
  happens-before check <manifest.json> --site <base url>
  happens-before regrade <manifest.json> <submissions-dir> --out <dir> [options]
  happens-before schema      print the manifest's JSON Schema, for editors

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
  --times <csv>          submission times: columns studentId (or file) and submittedAt (ISO 8601 with offset).
                         Without it, each file's own export time is used (set by the student's browser).
  --overrides <csv>      columns studentId, exerciseId, points, reason: replaces those scores
  --roster <csv>         Canvas's gradebook export, to fill Student, ID, SIS User ID, SIS Login ID, Section
  --moodle-id <column>   how moodle.csv names students: idnumber (default), email or username
  --time-limit <ms>      per exercise (default 10000)
  --memory <MB>          per submission's process (default 256)
  --concurrency <n>      submissions graded at once (default: the number of cores)
  --help                 this text

Exit status: 0 if every submission was graded, 1 if some could not be (each still has a row and a feedback file
saying why), 2 on bad usage or a bad manifest.
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
    throw new UsageError(`Unknown command ${JSON.stringify(command)}; the commands are check, regrade and schema.`);
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
  const scoredAll: ScoredSubmission[] = folder.submissions.map((graded) => {
    let at = times.get(graded.file) ?? (graded.learnerId !== undefined ? times.get(graded.learnerId) : undefined);
    if (at === undefined && !values.times && graded.exportedAt && /(Z|[+-]\d{2}:\d{2})$/.test(graded.exportedAt)) {
      const fromFile = Date.parse(graded.exportedAt);
      if (Number.isFinite(fromFile)) {
        at = fromFile;
        timesFromFiles++;
      }
    }
    return scoreSubmission(graded, manifest, at, overrides);
  });
  const { kept: scored, superseded } = latestPerStudent(scoredAll);

  await writeOutputs(out, manifest, scored, roster, moodleId);
  const summary = summaryText(manifest, scored, { superseded, ignored: folder.ignored, roster, timesFromFiles, timesGiven: Boolean(values.times), overrides });
  await writeFile(path.join(out, 'summary.txt'), summary);
  deps.stdout(summary);
  deps.stdout(`Wrote canvas.csv, moodle.csv, results/, feedback/ and summary.txt to ${out}\n`);
  return scored.some((s) => s.total === undefined) ? EXIT_UNGRADED : EXIT_OK;
}

/** One submission per student: the latest by submission time, then by file name; the others are listed, not graded into the gradebooks. */
export function latestPerStudent(scored: ScoredSubmission[]): { kept: ScoredSubmission[]; superseded: { file: string; by: string }[] } {
  const latest = new Map<string, ScoredSubmission>();
  for (const submission of scored) {
    if (!submission.studentId) continue;
    const current = latest.get(submission.studentId);
    const later = (a: ScoredSubmission, b: ScoredSubmission) => (a.submittedAtMs ?? -Infinity) > (b.submittedAtMs ?? -Infinity) || ((a.submittedAtMs ?? -Infinity) === (b.submittedAtMs ?? -Infinity) && a.file > b.file);
    if (!current || later(submission, current)) latest.set(submission.studentId, submission);
  }
  const kept: ScoredSubmission[] = [];
  const superseded: { file: string; by: string }[] = [];
  for (const submission of scored) {
    const winner = submission.studentId ? latest.get(submission.studentId) : submission;
    if (winner === submission) kept.push(submission);
    else superseded.push({ file: submission.file, by: winner!.file });
  }
  return { kept, superseded };
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
  notes: { superseded: { file: string; by: string }[]; ignored: string[]; roster?: RosterRow[]; timesFromFiles: number; timesGiven: boolean; overrides: Override[] },
): string {
  const graded = scored.filter((s) => s.total !== undefined);
  const totals = graded.map((s) => s.total!).sort((a, b) => a - b);
  const mean = totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0;
  const median = totals.length ? (totals.length % 2 ? totals[(totals.length - 1) / 2] : (totals[totals.length / 2 - 1] + totals[totals.length / 2]) / 2) : 0;
  const late = graded.filter((s) => s.late && s.late.lateByMs > 0);
  const lines = [
    `${visibleText(manifest.title)} (${manifest.id}): ${scored.length} submission${scored.length === 1 ? '' : 's'}, ${graded.length} graded, ${scored.length - graded.length} not graded.`,
    `Points possible: ${maxPoints(manifest)}. ${totals.length ? `Mean ${mean.toFixed(2)}, median ${median}, lowest ${totals[0]}, highest ${totals.at(-1)}.` : ''}`.trimEnd(),
  ];
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push('', `${title} (${items.length}):`, ...items.map((item) => `  ${item}`));
  };
  section('Not graded', scored.filter((s) => s.total === undefined).map((s) => `${visibleText(s.file)}: ${visibleText(s.problem ?? '')}`));
  section('Late', late.map((s) => `${visibleText(s.studentId)} (${visibleText(s.file)}): ${describeDuration(s.late!.lateByMs)} late, ${Math.round(s.late!.multiplier * 10000) / 100}% kept`));
  section('Stopped exercises', graded.flatMap((s) => s.exercises.filter((e) => e.graded?.stopped).map((e) => `${visibleText(s.studentId)}: ${e.exerciseId} (${e.graded!.stopped})`)));
  section('Answers given for another variant (graded for the assigned one)', graded.flatMap((s) => s.exercises.filter((e) => e.graded?.answeredSeed !== undefined && e.graded.answeredSeed !== e.graded.assignedSeed).map((e) => `${visibleText(s.studentId)}: ${e.exerciseId}`)));
  section('Overrides applied', graded.flatMap((s) => s.exercises.filter((e) => e.override).map((e) => `${visibleText(s.studentId)}: ${e.exerciseId} = ${e.override!.points}`)));
  const students = new Set(scored.map((s) => s.studentId));
  section('Overrides for students with no submission', notes.overrides.filter((o) => !students.has(o.studentId)).map((o) => `${visibleText(o.studentId)}: ${o.exerciseId}`));
  section('Older submissions replaced by a later one from the same student', notes.superseded.map(({ file, by }) => `${visibleText(file)} (kept ${visibleText(by)})`));
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
