/**
 * From graded submissions to what an instructor's gradebook reads: scores with late penalties and manual overrides
 * applied, a Canvas gradebook import CSV, a Moodle grade import CSV, a Gradescope-style results.json per
 * submission and a plain-text feedback file per student.
 *
 * Everything a submission carries is hostile (its learner id above all, and the messages its code made a grader
 * print), and every file here is opened by a person in a spreadsheet, an LMS or an editor. So:
 * - CSV follows RFC 4180 (CRLF lines; a cell with a comma, quote or line break is quoted, quotes doubled);
 * - a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so no
 *   spreadsheet runs it as a formula (OWASP, "CSV Injection"); numbers are written as numbers;
 * - control characters and bidirectional overrides in ids and messages are written as visible `\u{…}` escapes, so
 *   nothing is lost and nothing rewrites the line it sits on;
 * - the Moodle feedback column is HTML (Moodle renders it), so `<`, `>`, `&` and quotes are escaped there.
 *
 * Scoring. An exercise earns `score × points`; an override replaces that with its points. The late multiplier
 * applies to the sum. Points are rounded to hundredths. Pure apart from nothing: no file access here (cli.ts reads
 * and writes), so the browser could use it too.
 */
import { hashSeed } from '../sim/random';
import { latePenalty, type LatePenalty } from './late';
import { maxPoints, type Manifest } from './manifest';
import type { GradedExercise, GradedSubmission } from './sandbox';

/** A manual score for one student's exercise (overrides.csv: studentId, exerciseId, points, reason). */
export interface Override {
  studentId: string;
  exerciseId: string;
  points: number;
  reason: string;
}

/** A student as Canvas's own gradebook export lists them; it fills the first five columns of canvas.csv. */
export interface RosterRow {
  student: string;
  id: string;
  sisUserId: string;
  sisLoginId: string;
  section: string;
}

export interface ScoredExercise {
  exerciseId: string;
  maxPoints: number;
  /** Points earned before the late penalty: the graded score × points, or the override's points. */
  points: number;
  graded?: GradedExercise;
  override?: Override;
}

export interface ScoredSubmission {
  file: string;
  /** The learner id from the file ('' when it names none). Untrusted: escaped wherever it is written. */
  studentId: string;
  /** Where `studentId` came from when the file itself named no one (it could not be read): the LMS's file name or the submitters file. */
  studentIdFrom?: 'file name' | 'submitters file';
  /** Why the file could not be graded; then `total` is undefined and the gradebooks get an empty grade. */
  problem?: string;
  exercises: ScoredExercise[];
  pointsBeforeLate: number;
  /** Undefined when no submission time is known (no penalty applied). */
  late?: LatePenalty;
  submittedAtMs?: number;
  /** Points after the late penalty, or undefined when the file could not be graded. */
  total?: number;
  maxPoints: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** "1 point", "0 points", "2.5 points". */
const pointsText = (points: number) => `${points} point${points === 1 ? '' : 's'}`;

/** Applies overrides and the late policy to one graded submission. */
export function scoreSubmission(graded: GradedSubmission, manifest: Manifest, submittedAtMs: number | undefined, overrides: Override[]): ScoredSubmission {
  const studentId = graded.learnerId ?? '';
  const max = maxPoints(manifest);
  if (graded.problem !== undefined || graded.learnerId === undefined) {
    return {
      file: graded.file,
      studentId,
      problem: graded.problem ?? 'The file names no learner.',
      exercises: [],
      pointsBeforeLate: 0,
      ...(submittedAtMs !== undefined ? { submittedAtMs } : {}),
      maxPoints: max,
    };
  }
  const byExercise = new Map(graded.exercises.map((exercise) => [exercise.exerciseId, exercise]));
  const exercises = manifest.exercises.map(({ id, points }): ScoredExercise => {
    const gradedExercise = byExercise.get(id);
    // The last override for a (student, exercise) wins, as when an instructor appends a correction.
    const override = overrides.filter((o) => o.studentId === studentId && o.exerciseId === id).at(-1);
    const earned = override ? override.points : round2((gradedExercise?.result.score ?? 0) * points);
    return { exerciseId: id, maxPoints: points, points: earned, ...(gradedExercise ? { graded: gradedExercise } : {}), ...(override ? { override } : {}) };
  });
  const pointsBeforeLate = round2(exercises.reduce((sum, e) => sum + e.points, 0));
  const late = submittedAtMs !== undefined ? latePenalty(manifest, studentId, submittedAtMs) : undefined;
  return {
    file: graded.file,
    studentId,
    exercises,
    pointsBeforeLate,
    ...(late ? { late } : {}),
    ...(submittedAtMs !== undefined ? { submittedAtMs } : {}),
    total: round2(pointsBeforeLate * (late?.multiplier ?? 1)),
    maxPoints: max,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Safe text

const UNSAFE_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const UNSAFE_WITH_BREAKS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Text with control characters and bidirectional overrides written as `\u{…}` escapes. With `lineBreaks`, `\n`
 * and tabs are kept (a multi-line message); `\r` is always escaped.
 */
export function visibleText(text: string, lineBreaks = false): string {
  const escape = (c: string) => `\\u{${c.charCodeAt(0).toString(16)}}`;
  return lineBreaks ? text.replace(/\r\n?/g, '\n').replace(UNSAFE_CHARS, escape) : text.replace(UNSAFE_WITH_BREAKS, escape);
}

/** One CSV cell (RFC 4180), text neutralised against formula injection; numbers written as they are. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Line breaks and tabs in a cell would be kept by RFC 4180, but no cell here needs one, so all are made visible.
  let text = visibleText(value);
  if (/^[=+\-@\t\r]/.test(value) || /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLines(rows: (string | number | undefined)[][]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Rows of a CSV text (RFC 4180: quoted cells may hold commas, doubled quotes and line breaks; CRLF or LF lines; a
 * byte-order mark is dropped). Never throws: an unclosed quote runs to the end of the text.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((value) => value.trim() !== ''));
}

/** The index of each wanted column in a header row, matched without case or spaces; -1 when absent. */
function columns(header: string[], names: string[]): number[] {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  return names.map((name) => header.findIndex((h) => norm(h) === norm(name)));
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the instructor's files

export interface ReadRows<T> {
  rows: T[];
  /** One per refused line, with its line number, e.g. 'overrides.csv line 3: points: expected a number from 0 to 4; got "five".' */
  errors: string[];
}

/** overrides.csv: a header naming studentId, exerciseId, points, reason (any order), then one override a line. */
export function readOverrides(text: string, manifest: Manifest, name = 'overrides.csv'): ReadRows<Override> {
  const [header = [], ...lines] = parseCsv(text);
  const [s, e, p, r] = columns(header, ['studentId', 'exerciseId', 'points', 'reason']);
  if (s < 0 || e < 0 || p < 0) return { rows: [], errors: [`${name}: expected a header line with studentId, exerciseId, points and reason; got ${JSON.stringify(header.join(',').slice(0, 80))}.`] };
  const rows: Override[] = [];
  const errors: string[] = [];
  lines.forEach((line, index) => {
    const where = `${name} line ${index + 2}`;
    const studentId = (line[s] ?? '').trim();
    const exerciseId = (line[e] ?? '').trim();
    const exercise = manifest.exercises.find((x) => x.id === exerciseId);
    const points = Number((line[p] ?? '').trim());
    if (!studentId) errors.push(`${where}: studentId: expected a student id.`);
    else if (!exercise) errors.push(`${where}: exerciseId: expected one of the manifest's exercises; got ${JSON.stringify(exerciseId.slice(0, 80))}.`);
    else if ((line[p] ?? '').trim() === '' || !Number.isFinite(points) || points < 0 || points > exercise.points) {
      errors.push(`${where}: points: expected a number from 0 to ${exercise.points}; got ${JSON.stringify((line[p] ?? '').slice(0, 40))}.`);
    } else rows.push({ studentId, exerciseId, points, reason: r >= 0 ? (line[r] ?? '').trim() : '' });
  });
  return { rows, errors };
}

/** times.csv: a header naming studentId or file, and submittedAt (ISO 8601 with an offset or Z), e.g. as an LMS exports. */
export function readTimes(text: string, name = 'times.csv'): ReadRows<{ key: string; submittedAtMs: number }> {
  const [header = [], ...lines] = parseCsv(text);
  const [s, f, t] = columns(header, ['studentId', 'file', 'submittedAt']);
  if ((s < 0 && f < 0) || t < 0) return { rows: [], errors: [`${name}: expected a header line with studentId (or file) and submittedAt.`] };
  const rows: { key: string; submittedAtMs: number }[] = [];
  const errors: string[] = [];
  lines.forEach((line, index) => {
    const key = (line[s >= 0 ? s : f] ?? '').trim();
    const value = (line[t] ?? '').trim();
    const ms = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? Date.parse(value) : NaN;
    if (!key) errors.push(`${name} line ${index + 2}: expected a ${s >= 0 ? 'studentId' : 'file'}.`);
    else if (!Number.isFinite(ms)) errors.push(`${name} line ${index + 2}: submittedAt: expected a date-time with its offset, like 2026-12-04T23:59:00-05:00; got ${JSON.stringify(value.slice(0, 40))}.`);
    else rows.push({ key, submittedAtMs: ms });
  });
  return { rows, errors };
}

/**
 * submitters.csv: a header naming file and studentId, then who handed in each file, as the LMS records it. This,
 * not the learner id written inside a file (which its sender controls), says whose grade a file is.
 */
export function readSubmitters(text: string, name = 'submitters.csv'): ReadRows<{ file: string; studentId: string }> {
  const [header = [], ...lines] = parseCsv(text);
  const [f, s] = columns(header, ['file', 'studentId']);
  if (f < 0 || s < 0) return { rows: [], errors: [`${name}: expected a header line with file and studentId.`] };
  const rows: { file: string; studentId: string }[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const file = (line[f] ?? '').trim();
    const studentId = (line[s] ?? '').trim();
    if (!file || !studentId) errors.push(`${name} line ${index + 2}: expected a file and a studentId.`);
    else if (seen.has(file)) errors.push(`${name} line ${index + 2}: ${JSON.stringify(file.slice(0, 80))} is listed twice.`);
    else {
      seen.add(file);
      rows.push({ file, studentId });
    }
  });
  return { rows, errors };
}

/** Canvas's gradebook export (Student, ID, SIS User ID, SIS Login ID, Section, …); its "Points Possible" row is skipped. */
export function readRoster(text: string, name = 'roster.csv'): ReadRows<RosterRow> {
  const [header = [], ...lines] = parseCsv(text);
  const [student, id, sisUserId, sisLoginId, section] = columns(header, ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section']);
  if (student < 0 || (sisUserId < 0 && sisLoginId < 0)) {
    return { rows: [], errors: [`${name}: expected Canvas's gradebook export, whose header has Student and SIS User ID or SIS Login ID.`] };
  }
  const cell = (line: string[], index: number) => (index >= 0 ? (line[index] ?? '').trim() : '');
  const rows = lines
    .filter((line) => !/^points possible$/i.test(cell(line, student)))
    .map((line) => ({ student: cell(line, student), id: cell(line, id), sisUserId: cell(line, sisUserId), sisLoginId: cell(line, sisLoginId), section: cell(line, section) }));
  return { rows, errors: [] };
}

/** The roster row of a student id: by SIS User ID, else by SIS Login ID (without case). */
export function findInRoster(roster: RosterRow[], studentId: string): RosterRow | undefined {
  if (!studentId) return undefined;
  return roster.find((row) => row.sisUserId !== '' && row.sisUserId === studentId) ?? roster.find((row) => row.sisLoginId !== '' && row.sisLoginId.toLowerCase() === studentId.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------------
// Gradebooks

/** The assignment's gradebook column: "<title> (<id>)". */
export function gradeColumn(manifest: Manifest): string {
  return `${manifest.title} (${manifest.id})`;
}

/**
 * Canvas's gradebook import layout: Student, ID, SIS User ID, SIS Login ID, Section, then the assignment's column;
 * the second row is "Points Possible" with the maximum. With a roster, a matched student's first five columns are
 * Canvas's own (so Canvas matches them by its ID); without one, Student and SIS User ID are the student id.
 * An ungraded file gets an empty grade, which Canvas leaves as it was.
 */
export function canvasCsv(scored: ScoredSubmission[], manifest: Manifest, roster?: RosterRow[]): string {
  const rows: (string | number | undefined)[][] = [
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', gradeColumn(manifest)],
    ['Points Possible', '', '', '', '', maxPoints(manifest)],
  ];
  for (const submission of scored) {
    const match = roster ? findInRoster(roster, submission.studentId) : undefined;
    const who = match ? [match.student, match.id, match.sisUserId, match.sisLoginId, match.section] : [submission.studentId || submission.file, '', submission.studentId, '', ''];
    rows.push([...who, submission.total]);
  }
  return csvLines(rows);
}

const MOODLE_ID_HEADER = { idnumber: 'ID number', email: 'Email address', username: 'Username' } as const;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One line for a gradebook's feedback column: the total, then late penalty, overrides and problems. */
export function feedbackSummary(submission: ScoredSubmission): string {
  if (submission.total === undefined) return `Not graded: ${submission.problem ?? 'the file could not be read'}`;
  const parts = [`${submission.total} of ${submission.maxPoints} points.`];
  if (submission.late && submission.late.lateByMs > 0) parts.push(submission.late.reason);
  for (const e of submission.exercises) {
    if (e.override) parts.push(`${e.exerciseId}: set to ${e.override.points} of ${e.maxPoints} by the instructor${e.override.reason ? ` (${e.override.reason})` : ''}.`);
    else if (e.graded?.stopped) parts.push(`${e.exerciseId}: stopped (${e.graded.stopped}).`);
  }
  return parts.join(' ');
}

/**
 * Whether a submission gets a moodle.csv row: only a graded one that names its student. Moodle's CSV importer
 * (grade/import/csv/classes/load_data.php) aborts the whole import at a user it cannot find, so a file name in the
 * user column would block every student's grade; and a row with no grade teaches Moodle nothing. Files not graded
 * stay in summary.txt and their feedback file, for the instructor to enter by hand.
 */
export function inMoodleCsv(submission: ScoredSubmission): boolean {
  return submission.studentId !== '' && submission.total !== undefined;
}

/**
 * Moodle's grade import (CSV): the user column (ID number, Email address or Username, holding the student id
 * students entered), the assignment's grade column and a Feedback column (HTML-escaped, since Moodle renders it).
 * One row per graded student only (`inMoodleCsv`).
 */
export function moodleCsv(scored: ScoredSubmission[], manifest: Manifest, idColumn: 'idnumber' | 'email' | 'username'): string {
  const rows: (string | number | undefined)[][] = [[MOODLE_ID_HEADER[idColumn], gradeColumn(manifest), 'Feedback']];
  for (const submission of scored.filter(inMoodleCsv)) rows.push([submission.studentId, submission.total, escapeHtml(visibleText(feedbackSummary(submission)))]);
  return csvLines(rows);
}

/** What begins each further line of a quoted text: no line the report writes itself begins so. */
export const QUOTE_MARK = '| ';

/**
 * Text quoted from a check message, a file or an instructor's note, made visible (`visibleText`) and trimmed: its
 * first line as it is, each further line prefixed with `indent` and `QUOTE_MARK`. A message that learner code made
 * (a thrown error's text) can hold line breaks; marked this way, none of its lines can pass for a line of the
 * report, such as a forged "2. dht/jump-hash: 2 of 2 points".
 */
export function quotedText(text: string, indent: string): string {
  return visibleText(text, true)
    .trim()
    .split('\n')
    .map((line, index) => (index === 0 ? line : `${indent}${QUOTE_MARK}${line}`.trimEnd()))
    .join('\n');
}

function checkLines(exercise: ScoredExercise, indent: string): string[] {
  const checks = exercise.graded?.result.checks ?? [];
  if (checks.length === 0 && !exercise.graded) return ['✗ answer: not graded.'];
  return checks.map((check) => {
    const feedback = quotedText(check.feedback, indent);
    return `${check.passed ? '✓' : '✗'} ${visibleText(check.name)}${feedback ? `: ${feedback}` : ''}`;
  });
}

/** Gradescope's results.json: score (after late), max_score, one test per exercise (points before late), output. */
export function gradescopeResults(scored: ScoredSubmission): object {
  return {
    score: scored.total ?? 0,
    max_score: scored.maxPoints,
    output: visibleText(feedbackSummary(scored)),
    tests: scored.exercises.map((exercise) => ({
      name: exercise.exerciseId,
      score: exercise.points,
      max_score: exercise.maxPoints,
      output: [
        ...(exercise.override ? [`Set to ${pointsText(exercise.override.points)} by the instructor: ${visibleText(exercise.override.reason || 'no reason given')}.`] : []),
        ...(exercise.graded?.stopped ? [`Stopped: ${exercise.graded.stopped}.`] : []),
        ...checkLines(exercise, ''),
      ].join('\n'),
    })),
  };
}

/** The plain-text feedback a student reads: per exercise the points and each check's message; late and overrides explained. */
export function feedbackText(scored: ScoredSubmission, manifest: Manifest): string {
  const lines = [`${visibleText(manifest.title)} (${manifest.id})`, `Student: ${scored.studentId ? `${visibleText(scored.studentId)}${scored.studentIdFrom ? ` (from the ${scored.studentIdFrom}; the file itself names no one)` : ''}` : '(none named in the file)'}`, `File: ${visibleText(scored.file)}`, ''];
  if (scored.total === undefined) {
    lines.push('This submission could not be graded:', `  ${quotedText(scored.problem ?? 'unknown reason', '  ')}`, '', 'Ask your instructor; download the submission file again from the assignment page and resubmit it unchanged.');
    return lines.join('\n') + '\n';
  }
  scored.exercises.forEach((exercise, index) => {
    lines.push(`${index + 1}. ${exercise.exerciseId}: ${exercise.points} of ${exercise.maxPoints} points`);
    if (exercise.override) lines.push(`   Set to ${pointsText(exercise.override.points)} by the instructor (the graders gave ${round2((exercise.graded?.result.score ?? 0) * exercise.maxPoints)}): ${quotedText(exercise.override.reason || 'no reason given', '   ')}`);
    if (exercise.graded?.stopped) lines.push(`   Stopped: ${exercise.graded.stopped}.`);
    for (const line of checkLines(exercise, '   ')) lines.push(`   ${line}`);
    lines.push('');
  });
  lines.push(`Points before any late penalty: ${scored.pointsBeforeLate} of ${scored.maxPoints}`);
  lines.push(scored.late ? `Late policy: ${scored.late.reason}` : 'Late policy: no submission time was known, so no late penalty was applied.');
  lines.push(`Total: ${scored.total} of ${scored.maxPoints}`);
  return lines.join('\n') + '\n';
}

/**
 * A file-name stem for a student's results and feedback: letters, digits, '.', '_' and '-' kept, anything else
 * '_'; a stem that had to change, or is empty, gets a short hash of the id so two ids never share a file.
 */
export function safeFileStem(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 64);
  if (cleaned === id && cleaned !== '' && !/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(cleaned)) return cleaned;
  return `${cleaned || 'student'}-${hashSeed('happens-before/file-stem', id).toString(16).padStart(8, '0')}`;
}
