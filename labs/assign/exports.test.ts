// Method: graded submissions built by hand (as gradeSubmissions returns them) go through scoring and every export;
// each output is compared whole with the file an LMS should read, and hostile ids and messages are checked to come
// out inert (no formula, no raw control character, no markup in the Moodle feedback).
import { describe, expect, it } from 'vitest';
import {
  canvasCsv,
  csvCell,
  feedbackText,
  gradescopeResults,
  moodleCsv,
  parseCsv,
  readOverrides,
  readRoster,
  readTimes,
  safeFileStem,
  scoreSubmission,
  type Override,
} from './exports';
import { dueInstant, type Manifest } from './manifest';
import type { GradedExercise, GradedSubmission } from './sandbox';

const manifest: Manifest = {
  id: 'cs451-hw3',
  title: 'Homework 3, clocks',
  exercises: [
    { id: 'clocks/hlc', points: 4 },
    { id: 'clocks/vector-clock', points: 6 },
  ],
  due: '2026-12-04T23:59',
  timeZone: 'America/Toronto',
  late: { kind: 'per-day', percent: 10 },
};
const due = dueInstant(manifest);

function exercise(exerciseId: string, score: number, feedback = 'ok', extra: Partial<GradedExercise> = {}): GradedExercise {
  return { exerciseId, assignedSeed: 7, answeredSeed: 7, result: { exerciseId, seed: 7, score, passed: score === 1, checks: [{ name: 'result', passed: score === 1, feedback }] }, ...extra };
}

function graded(learnerId: string, scores: [number, number], file = `${learnerId}.json`): GradedSubmission {
  return { file, learnerId, exercises: [exercise('clocks/hlc', scores[0]), exercise('clocks/vector-clock', scores[1], 'Entry 2 should be 3.')] };
}

describe('scoreSubmission', () => {
  it('adds score × points and applies the late multiplier to the sum', () => {
    const onTime = scoreSubmission(graded('s1', [1, 0.5]), manifest, due, []);
    expect(onTime).toMatchObject({ studentId: 's1', pointsBeforeLate: 7, total: 7, maxPoints: 10, late: { multiplier: 1 } });
    expect(scoreSubmission(graded('s1', [1, 0.5]), manifest, due + 1, []).total).toBe(6.3);
    expect(scoreSubmission(graded('s1', [1 / 3, 0]), manifest, undefined, [])).toMatchObject({ total: 1.33, pointsBeforeLate: 1.33 });
  });

  it('lets an override replace one exercise of one student, the last one winning', () => {
    const overrides: Override[] = [
      { studentId: 's1', exerciseId: 'clocks/vector-clock', points: 5, reason: 'first try' },
      { studentId: 's1', exerciseId: 'clocks/vector-clock', points: 6, reason: 'Regraded by hand: the grader misread a tie' },
      { studentId: 's2', exerciseId: 'clocks/hlc', points: 0, reason: 'other student' },
    ];
    const scored = scoreSubmission(graded('s1', [1, 0]), manifest, due, overrides);
    expect(scored.total).toBe(10);
    expect(scored.exercises[1].override?.points).toBe(6);
    expect(feedbackText(scored, manifest)).toContain('Set to 6 points by the instructor (the graders gave 0): Regraded by hand: the grader misread a tie');
  });

  it('gives an ungraded file no total and says why', () => {
    const scored = scoreSubmission({ file: 'broken.json', exercises: [], problem: 'This is not a progress file: it is not valid JSON.' }, manifest, undefined, []);
    expect(scored.total).toBeUndefined();
    expect(feedbackText(scored, manifest)).toContain('This submission could not be graded:\n  This is not a progress file: it is not valid JSON.');
  });
});

describe('Canvas gradebook CSV', () => {
  const scored = [scoreSubmission(graded('s1', [1, 1]), manifest, due, []), scoreSubmission(graded('jdoe', [0.5, 0]), manifest, due, [])];

  it('has the import layout and a Points Possible row', () => {
    expect(canvasCsv(scored, manifest)).toBe(
      'Student,ID,SIS User ID,SIS Login ID,Section,"Homework 3, clocks (cs451-hw3)"\r\n' +
        'Points Possible,,,,,10\r\n' +
        's1,,s1,,,10\r\n' +
        'jdoe,,jdoe,,,2\r\n',
    );
  });

  it("fills the first five columns from Canvas's own export, matching SIS User ID or login", () => {
    const export_ =
      'Student,ID,SIS User ID,SIS Login ID,Section,Old Quiz (123)\n' +
      '    Points Possible,,,,,5\n' +
      '"Smith, Ann",1001,s1,asmith,CS451 L01,4\n' +
      'Doe Jane,1002,900002,JDoe,CS451 L02,3\n';
    const roster = readRoster(export_);
    expect(roster.errors).toEqual([]);
    expect(roster.rows).toHaveLength(2);
    expect(canvasCsv(scored, manifest, roster.rows).split('\r\n').slice(2, 4)).toEqual(['"Smith, Ann",1001,s1,asmith,CS451 L01,10', 'Doe Jane,1002,900002,JDoe,CS451 L02,2']);
  });
});

describe('Moodle grade import CSV', () => {
  it('has the user column, the grade and a feedback column', () => {
    const late = scoreSubmission(graded('a@example.org', [1, 1]), manifest, due + 1, []);
    expect(moodleCsv([late], manifest, 'email')).toBe(
      'Email address,"Homework 3, clocks (cs451-hw3)",Feedback\r\n' +
        'a@example.org,9,9 of 10 points. Submitted 1 minute late (1 started day at 10% each): 90% of the points kept.\r\n',
    );
    expect(moodleCsv([late], manifest, 'idnumber').startsWith('ID number,')).toBe(true);
    expect(moodleCsv([late], manifest, 'username').startsWith('Username,')).toBe(true);
  });

  it('has no row for a file not graded, so Moodle never meets a user it cannot find and aborts the import', () => {
    const broken = scoreSubmission({ file: 'bob_123_456_cs451-hw3-s1000001.json', exercises: [], problem: 'The file is not valid JSON.' }, manifest, undefined, []);
    const identifiedNotGraded = scoreSubmission({ file: 's2.json', learnerId: 's2', exercises: [], problem: 'Handed in by "s3".' }, manifest, undefined, []);
    const ok = scoreSubmission(graded('s1', [1, 1]), manifest, undefined, []);
    expect(parseCsv(moodleCsv([broken, identifiedNotGraded, ok], manifest, 'idnumber')).map((row) => row[0])).toEqual(['ID number', 's1']);
  });
});

describe('a file not graded', () => {
  it('gets score 0 in results.json with output saying it was not graded and why, and a blank Canvas grade', () => {
    const broken = scoreSubmission({ file: 'x.json', learnerId: 's9', exercises: [], problem: 'The file is not valid JSON.' }, manifest, undefined, []);
    expect(gradescopeResults(broken)).toEqual({ score: 0, max_score: 10, output: 'Not graded: The file is not valid JSON.', tests: [] });
    expect(canvasCsv([broken], manifest).split('\r\n')[2]).toBe('s9,,s9,,,');
  });
});

describe('wording', () => {
  it('says "1 point", not "1 points", for an override', () => {
    const override: Override = { studentId: 's1', exerciseId: 'clocks/hlc', points: 1, reason: 'regraded' };
    const scored = scoreSubmission(graded('s1', [0, 0]), manifest, undefined, [override]);
    expect(feedbackText(scored, manifest)).toContain('Set to 1 point by the instructor (the graders gave 0): regraded');
    expect(JSON.stringify(gradescopeResults(scored))).toContain('Set to 1 point by the instructor: regraded.');
  });
});

describe('hostile ids and messages', () => {
  const hostile = '=HYPERLINK("http://evil.example","click")\u202e\u0007<script>alert(1)</script>\r\nx';
  const submission: GradedSubmission = {
    file: 'evil.json',
    learnerId: hostile,
    exercises: [exercise('clocks/hlc', 0, '+1 <img src=x onerror=alert(1)>\u001b[2J'), exercise('clocks/vector-clock', 0, '@SUM(A1)')],
  };
  const scored = [scoreSubmission(submission, manifest, due, [])];

  it('neutralises formulas in every CSV cell, keeping the text', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(value).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    const canvas = canvasCsv(scored, manifest);
    const rows = parseCsv(canvas);
    expect(rows).toHaveLength(3);
    expect(rows[2][0].startsWith("'=HYPERLINK")).toBe(true);
    expect(canvas).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u202e]/);
    expect(rows[2][0]).toContain('\\u{202e}\\u{7}');
  });

  it('writes no markup into the Moodle feedback and no raw control characters anywhere', () => {
    const moodle = moodleCsv(scored, manifest, 'idnumber');
    const [id, , feedback] = parseCsv(moodle)[1];
    expect(id.startsWith("'=HYPERLINK")).toBe(true);
    expect(feedback).not.toMatch(/[<>]/);
    expect(moodle).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u202e]/);
    const text = feedbackText(scored[0], manifest);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    expect(text).toContain('\\u{1b}[2J');
    const json = JSON.stringify(gradescopeResults(scored[0]));
    expect(json).not.toContain('\\u001b');
  });

  it('marks every further line of a check message, so a thrown message cannot forge lines of the report', () => {
    const forged = 'x\n\n2. dht/jump-hash: 2 of 2 points\n ✓ known values\n';
    const attack = scoreSubmission({ file: 'm.json', learnerId: 'm', exercises: [exercise('clocks/hlc', 0, forged), exercise('clocks/vector-clock', 0, 'a\r\u2028b')] }, manifest, due, []);
    const text = feedbackText(attack, manifest);
    expect(text).toContain('   ✗ result: x\n   |\n   | 2. dht/jump-hash: 2 of 2 points\n   |  ✓ known values\n\n2. clocks/vector-clock');
    expect(text).toContain('   ✗ result: a\n   | \\u{2028}b\n');
    // Every line the report writes itself: the header, "n. exercise: p of q points", a check, or the totals.
    for (const line of text.split('\n')) expect(line).toMatch(/^(|Homework 3.*|Student: m|File: m\.json|\d\. clocks\/[a-z-]+: 0 of \d points|   [✓✗] result: .*|   \|.*|Points before .*|Late policy: .*|Total: .*)$/);
    const tests = (gradescopeResults(attack) as { tests: { output: string }[] }).tests;
    expect(tests[0].output).toBe('✗ result: x\n|\n| 2. dht/jump-hash: 2 of 2 points\n|  ✓ known values');
    const ungraded = scoreSubmission({ file: 'b.json', exercises: [], problem: 'bad\nTotal: 10 of 10' }, manifest, undefined, []);
    expect(feedbackText(ungraded, manifest)).toContain('  bad\n  | Total: 10 of 10\n');
  });

  it('gives every id a safe, distinct file name', () => {
    expect(safeFileStem('s1234567')).toBe('s1234567');
    const stems = ['../../etc/passwd', '..', '', 'con', 'a/b', 'a_b', hostile].map(safeFileStem);
    for (const stem of stems) expect(stem).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    expect(new Set(stems).size).toBe(stems.length);
  });
});

describe('Gradescope results.json', () => {
  it('has score, max_score, output and one test per exercise', () => {
    const overrides: Override[] = [{ studentId: 's1', exerciseId: 'clocks/hlc', points: 2, reason: 'partial credit' }];
    const stopped = { ...graded('s1', [0, 0]), exercises: [exercise('clocks/hlc', 0), exercise('clocks/vector-clock', 0, 'Your code ran for more than 10 s.', { stopped: 'time limit' })] };
    expect(gradescopeResults(scoreSubmission(stopped, manifest, due, overrides))).toEqual({
      score: 2,
      max_score: 10,
      output: '2 of 10 points. clocks/hlc: set to 2 of 4 by the instructor (partial credit). clocks/vector-clock: stopped (time limit).',
      tests: [
        { name: 'clocks/hlc', score: 2, max_score: 4, output: 'Set to 2 points by the instructor: partial credit.\n✗ result: ok' },
        { name: 'clocks/vector-clock', score: 0, max_score: 6, output: 'Stopped: time limit.\n✗ result: Your code ran for more than 10 s.' },
      ],
    });
  });
});

describe("reading the instructor's files", () => {
  it('reads overrides and refuses bad lines with their line numbers', () => {
    const read = readOverrides('studentId,exerciseId,points,reason\ns1,clocks/hlc,3,"late bus, excused"\ns2,clocks/nope,1,x\ns3,clocks/hlc,five,x\ns4,clocks/hlc,5,x\n', manifest);
    expect(read.rows).toEqual([{ studentId: 's1', exerciseId: 'clocks/hlc', points: 3, reason: 'late bus, excused' }]);
    expect(read.errors).toEqual([
      'overrides.csv line 3: exerciseId: expected one of the manifest\'s exercises; got "clocks/nope".',
      'overrides.csv line 4: points: expected a number from 0 to 4; got "five".',
      'overrides.csv line 5: points: expected a number from 0 to 4; got "5".',
    ]);
    expect(readOverrides('who,what\n', manifest).errors[0]).toMatch(/^overrides\.csv: expected a header line/);
  });

  it('reads submission times only with an offset', () => {
    const read = readTimes('file,submittedAt\na.json,2026-12-05T05:00:00Z\nb.json,2026-12-04T23:59\n');
    expect(read.rows).toEqual([{ key: 'a.json', submittedAtMs: Date.parse('2026-12-05T05:00:00Z') }]);
    expect(read.errors[0]).toMatch(/^times\.csv line 3: submittedAt: expected a date-time with its offset/);
  });

  it('parses RFC 4180 quoting, CRLF and a byte-order mark, and never throws on junk', () => {
    expect(parseCsv('\ufeffa,"b,1","c ""q""\r\nd"\r\n\r\ne,f\n')).toEqual([['a', 'b,1', 'c "q"\r\nd'], ['e', 'f']]);
    expect(() => parseCsv('"unclosed,\n'.repeat(1000))).not.toThrow();
  });
});
