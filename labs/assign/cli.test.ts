// Method: the command run two ways. In-process, `runCli` with a stand-in folder grader checks usage, errors, exit
// statuses, progress and every output file. End to end, the real bin is spawned on a temporary folder of submission
// files made the way the student's page makes them (`exportProgress` over the assigned variants' reference
// answers, or wrong ones), so the sandbox, the bundling and the files on disk are all exercised.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExercise } from '../catalog';
import { referenceAnswer, variantParams, variantSeed } from '../exercises/grade';
import { exportProgress, memoryStorage, recordAttempt, saveLearner } from '../exercises/progress';
import type { Answer } from '../exercises/types';
import { submissionFileName } from '../../src/client/assignment';
import { checkIdentity, runCli, studentInFileName, type CliDeps } from './cli';
import { safeFileStem } from './exports';
import { readAssignmentLink } from './link';
import { dueInstant, type Manifest } from './manifest';
import type { GradedExercise, GradedSubmission } from './sandbox';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'hb-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest: Manifest = {
  id: 'cs451-hw3',
  title: 'Homework 3',
  exercises: [
    { id: 'clocks/ntp-offset', points: 4 },
    { id: 'clocks/vector-clock', points: 6 },
  ],
  due: '2026-12-04T23:59',
  timeZone: 'America/Toronto',
  late: { kind: 'per-day', percent: 10, floor: 50 },
  extensions: { s4: '2026-12-10T23:59' },
};
const KNOWN = manifest.exercises.map((e) => e.id);

function write(name: string, text: string): string {
  const file = path.join(work, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function run(args: string[], regradeFolder?: CliDeps['regradeFolder']) {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false, knownExerciseIds: async () => KNOWN, ...(regradeFolder ? { regradeFolder } : {}) };
  return runCli(args, deps).then((status) => ({ status, stdout, stderr }));
}

function gradedExercise(exerciseId: string, score: number): GradedExercise {
  return { exerciseId, assignedSeed: 1, answeredSeed: 1, result: { exerciseId, seed: 1, score, passed: score === 1, checks: [{ name: 'value', passed: score === 1, feedback: score === 1 ? 'Correct.' : 'Off by one round trip.' }] } };
}

const HOSTILE_ID = '=HYPERLINK("http://x.example")\u001b[31m<b>/../../x';
const manifestFile = write('manifest.json', JSON.stringify(manifest));
const submissions = path.join(work, 'submissions');
mkdirSync(submissions, { recursive: true });

describe('happens-before (in-process)', () => {
  const fake: CliDeps['regradeFolder'] = async (_dir, _m, options) => {
    options.onProgress?.(1, 3);
    options.onProgress?.(2, 3);
    options.onProgress?.(3, 3);
    return {
      submissions: [
        { file: 'a.json', learnerId: 's1', exportedAt: '2026-12-04T20:00:00.000Z', exercises: [gradedExercise('clocks/ntp-offset', 1), gradedExercise('clocks/vector-clock', 0.5)] },
        { file: 'b.json', exercises: [], problem: 'This is not a progress file: it is not valid JSON.' },
        { file: 'c.json', learnerId: 's2', exportedAt: '2026-12-03T20:00:00.000Z', exercises: [gradedExercise('clocks/ntp-offset', 0), gradedExercise('clocks/vector-clock', 0)] },
      ],
      ignored: ['notes.txt'],
    };
  };

  it('prints help for each command and exits 0', async () => {
    expect(await run(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('happens-before check <manifest.json>') });
    expect(await run(['check', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('--site <url>') });
    expect(await run(['regrade', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('--moodle-id <column>') });
    const schema = await run(['schema']);
    expect(schema.status).toBe(0);
    expect(JSON.parse(schema.stdout).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('lists every exercise of the book with its kind and title, so a manifest can name them', async () => {
    const listed = await run(['exercises']);
    expect(listed.status).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    const ids = lines.map((line) => line.split(/\s+/)[0]);
    for (const id of KNOWN) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(lines.some((line) => / code {7} \S/.test(line))).toBe(true);
    expect(await run(['exercises', 'x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('exercises takes no arguments') });
  });

  it('checks a manifest and prints the link, leaving extensions out of it', async () => {
    const { status, stdout, stderr } = await run(['check', manifestFile, '--site', 'https://example.org/book/']);
    expect(status).toBe(0);
    expect(stderr).toContain('Homework 3 (cs451-hw3): 2 exercises, 10 points, due 2026-12-04T23:59 America/Toronto, 1 extension (not in the link).');
    const read = readAssignmentLink(stdout.trim());
    expect(read.ok && read.manifest.extensions).toBeUndefined();
    expect(stdout.startsWith('https://example.org/book/assignment/#a=')).toBe(true);
  });

  it('exits 2 with a clear message on bad usage, listing every manifest error', async () => {
    const bad = write('bad.json', JSON.stringify({ ...manifest, timeZone: 'Nowhere/Land', exercises: [{ id: 'clocks/ntp-ofset', points: 0 }] }));
    const badRun = await run(['check', bad, '--site', '/']);
    expect(badRun.status).toBe(2);
    expect(badRun.stderr).toContain('has 3 errors:');
    expect(badRun.stderr).toContain('  exercises[0].points: expected points greater than 0.');
    expect(badRun.stderr).toContain('Nearest: "clocks/ntp-offset"');
    expect(badRun.stderr).toContain('  timeZone: expected an IANA time zone');
    const cases: [string[], string][] = [
      [['check', manifestFile, '--site', '/', '--colour'], "Unknown option '--colour'"],
      [['check', manifestFile], '--site is required'],
      [['check', path.join(work, 'nope.json'), '--site', '/'], 'cannot be read (no such file)'],
      [['regrade', manifestFile, path.join(work, 'missing'), '--out', path.join(work, 'o')], 'does not exist'],
      [['regrade', manifestFile, manifestFile, '--out', path.join(work, 'o')], 'is not a folder'],
      [['regrade', manifestFile, submissions], '--out is required'],
      [['regrade', manifestFile, submissions, '--out', submissions], 'must not be the submissions folder'],
      [['regrade', manifestFile, submissions, '--out', path.join(work, 'o'), '--moodle-id', 'phone'], 'expected idnumber, email or username'],
      [['regrade', manifestFile, submissions, '--out', path.join(work, 'o'), '--time-limit', 'soon'], '--time-limit: expected a whole number'],
      [['grade'], 'Unknown command "grade"'],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, fake);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(existsSync(path.join(work, 'o'))).toBe(false);
  });

  it('refuses a bad overrides file before grading anything', async () => {
    const overrides = write('bad-overrides.csv', 'studentId,exerciseId,points,reason\ns1,clocks/ntp-offset,40,too many\n');
    let graded = false;
    const result = await run(['regrade', manifestFile, submissions, '--out', path.join(work, 'o2'), '--overrides', overrides], async () => {
      graded = true;
      return { submissions: [], ignored: [] };
    });
    expect(result).toMatchObject({ status: 2, stderr: expect.stringContaining('bad-overrides.csv line 2: points: expected a number from 0 to 4; got "40".') });
    expect(graded).toBe(false);
  });

  it('exits 1 with a clear message when the folder holds no submission file, writing nothing', async () => {
    const out = path.join(work, 'out-empty');
    const result = await run(['regrade', manifestFile, submissions, '--out', out], async () => ({ submissions: [], ignored: ['export.zip'] }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no submission files (*.json), so nothing was graded and nothing written. It holds 1 other file ("export.zip")');
    expect(existsSync(out)).toBe(false);
  });

  it('draws a progress bar when stderr is a terminal, and fills Canvas columns from a roster', async () => {
    const roster = write('roster.csv', 'Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"Smith, Ann",1001,s1,asmith,L01\n"Lee, Bo",1002,s9,blee,L02\n');
    let stderr = '';
    const out = path.join(work, 'out-tty');
    const status = await runCli(['regrade', manifestFile, submissions, '--out', out, '--roster', roster], {
      stdout: () => {},
      stderr: (t) => void (stderr += t),
      stderrIsTTY: true,
      knownExerciseIds: async () => KNOWN,
      regradeFolder: fake,
    });
    expect(status).toBe(1);
    expect(stderr).toBe(`\r[${'#'.repeat(10)}${'-'.repeat(20)}] 1/3 submissions graded\r[${'#'.repeat(20)}${'-'.repeat(10)}] 2/3 submissions graded\r[${'#'.repeat(30)}] 3/3 submissions graded\n`);
    expect(readFileSync(path.join(out, 'canvas.csv'), 'utf8').split('\r\n')[2]).toBe('"Smith, Ann",1001,s1,asmith,L01,7');
    expect(readFileSync(path.join(out, 'summary.txt'), 'utf8')).toContain('Roster students with no submission (1):\n  Lee, Bo (s9)');
  });

  it('writes every output and exits 1 when a file could not be graded', async () => {
    const out = path.join(work, 'out-fake');
    const result = await run(['regrade', manifestFile, submissions, '--out', out, '--moodle-id', 'username'], fake);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('graded 1 of 3 submissions\ngraded 2 of 3 submissions\ngraded 3 of 3 submissions\n');
    expect(readFileSync(path.join(out, 'canvas.csv'), 'utf8')).toBe(
      'Student,ID,SIS User ID,SIS Login ID,Section,Homework 3 (cs451-hw3)\r\nPoints Possible,,,,,10\r\ns1,,s1,,,7\r\nb.json,,,,,\r\ns2,,s2,,,0\r\n',
    );
    expect(readFileSync(path.join(out, 'moodle.csv'), 'utf8').split('\r\n')[0]).toBe('Username,Homework 3 (cs451-hw3),Feedback');
    expect(readdirSync(path.join(out, 'feedback')).sort()).toEqual(['file-b.txt', 's1.txt', 's2.txt']);
    expect(readFileSync(path.join(out, 'feedback', 'file-b.txt'), 'utf8')).toContain('could not be graded:\n  This is not a progress file');
    const summary = readFileSync(path.join(out, 'summary.txt'), 'utf8');
    expect(summary).toContain('3 submission files, 3 rows (one per student, or per file naming no student): 2 graded, 1 not graded.');
    expect(summary).toContain('Identity unchecked: the file name names no student, so the learner id inside the file was trusted (pass --submitters) (2):\n  a.json\n  c.json');
    expect(summary).toContain('notes.txt');
    expect(summary).toContain("taken from each file's export time");
    expect(result.stdout).toContain(summary);
  });
});

describe('whose grade a file is: the LMS says, not the file', () => {
  const full = [gradedExercise('clocks/ntp-offset', 1), gradedExercise('clocks/vector-clock', 1)];
  const none = [gradedExercise('clocks/ntp-offset', 0), gradedExercise('clocks/vector-clock', 0)];
  const folder = (submissions: GradedSubmission[]): CliDeps['regradeFolder'] => async () => ({ submissions, ignored: [] });
  const canvasRows = (out: string) => readFileSync(path.join(out, 'canvas.csv'), 'utf8').split('\r\n').slice(2, -1);
  const summaryOf = (out: string) => readFileSync(path.join(out, 'summary.txt'), 'utf8');

  it('reads the student from the name the assignment page gives the file, also inside a name the LMS renamed', () => {
    for (const id of ['s1234567', 'Ana María/2', 'a.b-c_d']) {
      const name = submissionFileName(manifest.id, id);
      expect(studentInFileName(name, manifest.id)).toBe(name.slice(manifest.id.length + 1, -'.json'.length));
      expect(checkIdentity({ file: `smithann_late_123_456_${name}`, learnerId: id, exercises: [] }, manifest)).toEqual({ kind: 'checked' });
    }
    expect(checkIdentity({ file: 'cs451-hw3-s1-1.json', learnerId: 's1', exercises: [] }, manifest)).toEqual({ kind: 'checked' });
    expect(checkIdentity({ file: 'cs451-hw3-s1 (2).json', learnerId: 's1', exercises: [] }, manifest)).toEqual({ kind: 'checked' });
    expect(checkIdentity({ file: 'cs451-hw3-s12.json', learnerId: 's1', exercises: [] }, manifest)).toMatchObject({ kind: 'mismatch' });
    expect(studentInFileName('homework.json', manifest.id)).toBeUndefined();
    expect(studentInFileName('xcs451-hw3-s1.json', manifest.id)).toBeUndefined();
  });

  it("does not let a file named for one student give another student a grade (the file name names the submitter)", async () => {
    const out = path.join(work, 'out-mallory-name');
    const result = await run(['regrade', manifestFile, submissions, '--out', out], folder([
      { file: 'cs451-hw3-alice.json', learnerId: 'alice', exercises: full },
      { file: 'cs451-hw3-mallory.json', learnerId: 'alice', exercises: none },
    ]));
    expect(result.status).toBe(1);
    expect(canvasRows(out)).toEqual(['alice,,alice,,,10', 'cs451-hw3-mallory.json,,,,,']);
    expect(summaryOf(out)).toContain("Files whose learner id is not their submitter's by their file name (not graded) (1):\n  cs451-hw3-mallory.json");
    expect(readFileSync(path.join(out, 'feedback', 'file-cs451-hw3-mallory.txt'), 'utf8')).toContain('Its file name names the student "mallory", but its learner entry names "alice"; it is not graded');
  });

  it('takes each file\'s submitter from --submitters and grades no file whose learner id is another student\'s', async () => {
    const out = path.join(work, 'out-mallory-lms');
    const submitters = write('submitters.csv', 'file,studentId\nalice.json,alice\nmallory.json,mallory\n');
    const result = await run(['regrade', manifestFile, submissions, '--out', out, '--submitters', submitters], folder([
      { file: 'alice.json', learnerId: 'alice', exercises: full },
      { file: 'mallory.json', learnerId: 'alice', exercises: none },
      { file: 'stray.json', learnerId: 'bob', exercises: full },
    ]));
    expect(result.status).toBe(1);
    expect(canvasRows(out)).toEqual(['alice,,alice,,,10', 'mallory,,mallory,,,', 'stray.json,,,,,']);
    expect(readFileSync(path.join(out, 'feedback', 'mallory.txt'), 'utf8')).toContain('Handed in by "mallory", but its learner entry names "alice"; it is not graded');
    expect(readFileSync(path.join(out, 'feedback', 'file-stray.txt'), 'utf8')).toContain('The submitters file does not list this file');
    expect(summaryOf(out)).not.toContain('Identity unchecked');
    const bad = await run(['regrade', manifestFile, submissions, '--out', out, '--submitters', write('bad-submitters.csv', 'file,student\nx.json,x\n')], folder([]));
    expect(bad).toMatchObject({ status: 2, stderr: expect.stringContaining('bad-submitters.csv: expected a header line with file and studentId.') });
  });

  it('keys a file that cannot be read by the student its name names, and says the identity came from the name', async () => {
    const out = path.join(work, 'out-broken-named');
    const result = await run(['regrade', manifestFile, submissions, '--out', out], folder([
      { file: 'bob_123_456_cs451-hw3-s3000003.json', exercises: [], problem: 'This is not a progress file: it is not valid JSON.' },
    ]));
    expect(result.status).toBe(1);
    expect(canvasRows(out)).toEqual(['s3000003,,s3000003,,,']);
    expect(readdirSync(path.join(out, 'feedback'))).toEqual(['s3000003.txt']);
    expect(readFileSync(path.join(out, 'feedback', 's3000003.txt'), 'utf8')).toContain('Student: s3000003 (from the file name; the file itself names no one)');
    expect(readFileSync(path.join(out, 'moodle.csv'), 'utf8').split('\r\n')).toHaveLength(2);
  });

  it('grades none of two files that claim one student without --times, and gives the student a row saying why', async () => {
    const out = path.join(work, 'out-conflict');
    const result = await run(['regrade', manifestFile, submissions, '--out', out], folder([
      { file: 'cs451-hw3-s1.json', learnerId: 's1', exercises: full },
      { file: 'cs451-hw3-s2.json', learnerId: 's2', exercises: full },
      { file: 'smithann_123_456_cs451-hw3-s1.json', learnerId: 's1', exercises: none },
    ]));
    expect(result.status).toBe(1);
    expect(canvasRows(out)).toEqual(['s1,,s1,,,', 's2,,s2,,,10']);
    expect(readFileSync(path.join(out, 'feedback', 's1.txt'), 'utf8')).toContain('2 files claim this student (cs451-hw3-s1.json, smithann_123_456_cs451-hw3-s1.json), and no times file says which was handed in last, so none is graded.');
    const summary = summaryOf(out);
    expect(summary.indexOf('CONFLICTS')).toBeLessThan(summary.indexOf('Not graded'));
    expect(summary).toContain(': 3 submission files, 2 rows (one per student, or per file naming no student): 1 graded, 1 not graded.');
    expect(summary).toContain('CONFLICTS: several files claim one student (check who handed in each) (1):\n  s1: cs451-hw3-s1.json, smithann_123_456_cs451-hw3-s1.json; none graded');
  });

  it('grades the latest of conflicting files by --times, lists every file, and still exits 1', async () => {
    const out = path.join(work, 'out-conflict-times');
    const times = write('conflict-times.csv', 'file,submittedAt\na.json,2026-12-04T10:00:00Z\nb.json,2026-12-04T11:00:00Z\n');
    const submitters = write('conflict-submitters.csv', 'file,studentId\na.json,s1\nb.json,s1\n');
    const result = await run(['regrade', manifestFile, submissions, '--out', out, '--times', times, '--submitters', submitters], folder([
      { file: 'a.json', learnerId: 's1', exercises: full },
      { file: 'b.json', learnerId: 's1', exercises: none },
    ]));
    expect(result.status).toBe(1);
    expect(canvasRows(out)).toEqual(['s1,,s1,,,0']);
    expect(summaryOf(out)).toContain('  s1: a.json (2026-12-04T10:00:00.000Z), b.json (2026-12-04T11:00:00.000Z); graded b.json, the latest by the times file');
  });
});

/** A submission file as the student's page makes it: their learner entry and an answer per exercise for their variant. */
async function submissionFile(learnerId: string, answers: 'reference' | 'wrong', exportedAt: string): Promise<string> {
  const storage = memoryStorage();
  saveLearner(storage, learnerId, manifest.id);
  for (const { id } of manifest.exercises) {
    const def = await findExercise(id);
    const seed = variantSeed({ exerciseId: id, learnerId, assignmentId: manifest.id });
    const answer: Answer =
      answers === 'reference' ? referenceAnswer(def, variantParams(def, seed)) : def.kind === 'numeric' ? { kind: 'numeric', value: -12345 } : { kind: 'code', source: 'export function nope() {}' };
    // The browser's claimed score is 1 whatever the answer: the regrader must ignore it.
    recordAttempt(storage, id, seed, answer, { exerciseId: id, seed, score: 1, passed: true, checks: [] }, exportedAt);
  }
  return exportProgress(storage, exportedAt);
}

describe('happens-before regrade (end to end, the real sandbox)', () => {
  it('grades a folder of submissions and writes the gradebooks, with late work, an override and a broken file', async () => {
    const due = dueInstant(manifest);
    const at = (ms: number) => new Date(ms).toISOString();
    writeFileSync(path.join(submissions, 's1.json'), await submissionFile('s1', 'reference', at(due - 60_000)));
    writeFileSync(path.join(submissions, 's2.json'), await submissionFile('s2', 'reference', at(due - 60_000)));
    writeFileSync(path.join(submissions, 's3.json'), await submissionFile('s3', 'wrong', at(due)));
    writeFileSync(path.join(submissions, 'z-hostile.json'), await submissionFile(HOSTILE_ID, 'wrong', at(due - 60_000)));
    writeFileSync(path.join(submissions, 'broken.json'), '{"format": "happens-before-progress", "version": 1, "entries": ');
    const times = write('times.csv', `studentId,submittedAt\ns1,${at(due)}\ns2,${at(due + 25 * 3_600_000)}\ns3,${at(due)}\n`);
    const overrides = write('overrides.csv', 'studentId,exerciseId,points,reason\ns3,clocks/vector-clock,6,"Graded by hand: answer emailed, upload failed"\n');
    const out = path.join(work, 'out');
    const command = spawnSync(process.execPath, [path.join(root, 'bin/happens-before.mjs'), 'regrade', manifestFile, submissions, '--out', out, '--times', times, '--overrides', overrides, '--concurrency', '2'], { encoding: 'utf8', cwd: work });
    expect(command.stderr).toContain('graded 5 of 5 submissions');
    expect(command.status).toBe(1);
    expect(readFileSync(path.join(out, 'canvas.csv'), 'utf8')).toBe(
      'Student,ID,SIS User ID,SIS Login ID,Section,Homework 3 (cs451-hw3)\r\nPoints Possible,,,,,10\r\nbroken.json,,,,,\r\ns1,,s1,,,10\r\ns2,,s2,,,8\r\ns3,,s3,,,6\r\n' +
        `"'=HYPERLINK(""http://x.example"")\\u{1b}[31m<b>/../../x",,"'=HYPERLINK(""http://x.example"")\\u{1b}[31m<b>/../../x",,,0\r\n`,
    );
    const s1 = JSON.parse(readFileSync(path.join(out, 'results', 's1.json'), 'utf8'));
    expect(s1).toMatchObject({ score: 10, max_score: 10, tests: [{ name: 'clocks/ntp-offset', score: 4, max_score: 4 }, { name: 'clocks/vector-clock', score: 6, max_score: 6 }] });
    const s2 = readFileSync(path.join(out, 'feedback', 's2.txt'), 'utf8');
    expect(s2).toContain('Late policy: Submitted 1 day 1 hour late (2 started days at 10% each): 80% of the points kept.');
    const s3 = readFileSync(path.join(out, 'feedback', 's3.txt'), 'utf8');
    expect(s3).toContain('1. clocks/ntp-offset: 0 of 4 points');
    expect(s3).toContain('Set to 6 points by the instructor (the graders gave 0): Graded by hand: answer emailed, upload failed');
    expect(readFileSync(path.join(out, 'feedback', 'file-broken.txt'), 'utf8')).toContain('could not be graded');
    expect(readFileSync(path.join(out, 'moodle.csv'), 'utf8')).not.toContain('broken.json');
    expect(readFileSync(path.join(out, 'summary.txt'), 'utf8')).toContain('Not graded (not in moodle.csv and left blank in canvas.csv: enter these by hand) (1):\n  broken.json: ');
    expect(readFileSync(path.join(out, 'summary.txt'), 'utf8')).toContain('No time in the times file, so no late penalty applied (1):\n  =HYPERLINK("http://x.example")\\u{1b}[31m<b>/../../x (z-hostile.json)');
    // The hostile id's files stay inside results/ and feedback/, under a name of safe characters.
    expect(readdirSync(path.join(out, 'results')).sort()).toEqual([`${safeFileStem(HOSTILE_ID)}.json`, 'file-broken.json', 's1.json', 's2.json', 's3.json'].sort());
    expect(safeFileStem(HOSTILE_ID)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    expect(readdirSync(out).sort()).toEqual(['canvas.csv', 'feedback', 'moodle.csv', 'results', 'summary.txt']);
  });
});
