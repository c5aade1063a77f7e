// Method: drive the assignment page's pure half with an in-memory store as a student's browser would fill it (a
// chapter answer to the default variant, answers to the assigned variants, a cell edit, damaged and hostile
// entries), and read the submission back with the regrader's own reader (`readProgressFile`); seeds are compared
// with `variantSeed` computed independently, and the exercise markup is parsed to check it has every hook the
// chapter pages' controller uses.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import {
  memoryStorage,
  PROGRESS_PREFIX,
  readProgressFile,
  recordAttempt,
  saveCellSource,
  saveLearner,
} from '../../labs/exercises/progress';
import { variantSeed } from '../../labs/exercises/variants';
import { parseManifest, type Manifest } from '../../labs/assign/manifest';
import { exerciseView } from '../../labs/exercises-view';
import { findExercise } from '../../labs/catalog';
import type { GradeResult } from '../../labs/exercises/types';
import {
  assignedSeeds,
  assignmentProgress,
  dueText,
  exerciseArticleHtml,
  latePolicyText,
  readStudentId,
  submissionFile,
  submissionFileName,
} from './assignment';

const NOW = '2026-11-29T06:00:00.000Z';

function manifest(extra: Partial<Manifest> = {}): Manifest {
  const parsed = parseManifest(JSON.stringify({
    id: 'cs451-2026-hw3',
    title: 'Homework 3',
    exercises: [{ id: 'intro/expected-transmissions', points: 2 }, { id: 'intro/retransmitted', points: 3 }, { id: 'intro/ponger', points: 5 }],
    due: '2026-12-04T23:59',
    timeZone: 'America/Toronto',
    ...extra,
  }));
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.manifest;
}

const result = (score: number): GradeResult => ({ score, passed: score === 1, checks: [] }) as unknown as GradeResult;

describe('the student id', () => {
  it('is trimmed, and refused when empty, too long or holding control characters', () => {
    expect(readStudentId('  s1234567 ')).toEqual({ ok: true, studentId: 's1234567' });
    expect(readStudentId('   ')).toMatchObject({ ok: false, reason: 'Enter your student id.' });
    expect(readStudentId('x'.repeat(65))).toMatchObject({ ok: false, reason: expect.stringContaining('at most 64') });
    expect(readStudentId('a\nb')).toMatchObject({ ok: false, reason: expect.stringContaining('control characters') });
    expect(readStudentId('ana.maría@uni.example')).toEqual({ ok: true, studentId: 'ana.maría@uni.example' });
  });

  it('chooses each variant as variantSeed does with the assignment id, and two students get different seeds', () => {
    const m = manifest();
    const a = assignedSeeds(m, 's1');
    const b = assignedSeeds(m, 's2');
    for (const { id } of m.exercises) {
      expect(a.get(id)).toBe(variantSeed({ exerciseId: id, learnerId: 's1', assignmentId: 'cs451-2026-hw3' }));
      expect(a.get(id)).not.toBe(b.get(id));
    }
    expect([...a.keys()]).toEqual(m.exercises.map((e) => e.id));
  });
});

describe('the submission file name', () => {
  it('is <assignment>-<student>.json with anything unsafe in a file name replaced', () => {
    expect(submissionFileName('cs451-2026-hw3', 's1234567')).toBe('cs451-2026-hw3-s1234567.json');
    expect(submissionFileName('cs451-hw3', 'Ana María/2')).toBe('cs451-hw3-Ana_Mar_a_2.json');
    expect(submissionFileName('cs451', '../../etc/passwd')).toBe('cs451-etc_passwd.json');
    expect(submissionFileName('cs451', '...')).toBe('cs451-student.json');
    expect(submissionFileName('cs451', 'x'.repeat(500))).toHaveLength('cs451-'.length + 80 + '.json'.length);
  });
});

describe('the submission', () => {
  /** A browser in which the student answered on a chapter page, then two of three assigned variants. */
  function browser() {
    const m = manifest();
    const storage = memoryStorage({ 'someone-else': 'kept', [`${PROGRESS_PREFIX}exercise:intro/count-drops`]: '{not json' });
    const seeds = assignedSeeds(m, 's1');
    recordAttempt(storage, 'intro/expected-transmissions', 0, { kind: 'numeric', value: '1.2' }, result(1), NOW);
    recordAttempt(storage, 'intro/expected-transmissions', seeds.get('intro/expected-transmissions')!, { kind: 'numeric', value: '1.5' }, result(0), NOW);
    recordAttempt(storage, 'intro/retransmitted', 0, { kind: 'structured', text: '{0}' }, result(1), NOW);
    recordAttempt(storage, 'intro/ponger', seeds.get('intro/ponger')!, { kind: 'code', source: 'export function pongerStep() {}' }, result(0.5), NOW);
    recordAttempt(storage, 'intro/effects', 0, { kind: 'choice', selected: ['send'] }, result(1), NOW);
    saveCellSource(storage, '/start/how-to-read/', 'first-run', 'display(1)', NOW);
    saveLearner(storage, 'someone', 'another-course');
    return { m, storage, seeds };
  }

  it('holds the learner and only the answers to the assigned variants, and the regrader reads it whole', () => {
    const { m, storage, seeds } = browser();
    const file = submissionFile(storage, m, 's1', NOW);
    expect(file.included).toEqual(['intro/expected-transmissions', 'intro/ponger']);
    expect(file.missing).toEqual(['intro/retransmitted']);
    const read = readProgressFile(file.text, new Map([['intro/expected-transmissions', 'numeric'], ['intro/ponger', 'code'], ['intro/retransmitted', 'structured']]));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.problems).toEqual([]);
    expect(read.entries.map((e) => e.key)).toEqual(['exercise:intro/expected-transmissions', 'exercise:intro/ponger', 'learner']);
    const byKey = Object.fromEntries(read.entries.map((e) => [e.key, e.entry.value]));
    expect(byKey.learner).toEqual({ v: 1, learnerId: 's1', assignmentId: 'cs451-2026-hw3' });
    expect(byKey['exercise:intro/expected-transmissions']).toMatchObject({ seed: seeds.get('intro/expected-transmissions'), answer: { kind: 'numeric', value: '1.5' }, attempts: 2 });
    expect(byKey['exercise:intro/ponger']).toMatchObject({ seed: variantSeed({ exerciseId: 'intro/ponger', learnerId: 's1', assignmentId: m.id }) });
    expect(JSON.parse(file.text)).toMatchObject({ format: 'happens-before-progress', version: 1, exportedAt: NOW });
    expect(file.text).not.toContain('display(1)');
    expect(file.text).not.toContain('another-course');
    // Nothing in the browser was changed or lost by making it.
    expect(storage.getItem('someone-else')).toBe('kept');
    expect(storage.getItem(`${PROGRESS_PREFIX}exercise:intro/count-drops`)).toBe('{not json');
  });

  it('under another student id holds none of the first student\'s answers', () => {
    const { m, storage } = browser();
    const file = submissionFile(storage, m, 's2', NOW);
    expect(file.included).toEqual([]);
    expect(Object.keys(JSON.parse(file.text).entries)).toEqual(['learner']);
  });

  it('ignores a stored entry that does not validate, and one under a key like __proto__', () => {
    const m = manifest();
    const seed = assignedSeeds(m, 's1').get('intro/ponger')!;
    const storage = memoryStorage({
      [`${PROGRESS_PREFIX}exercise:intro/ponger`]: JSON.stringify({ v: 1, exerciseId: 'intro/ponger', seed, answer: { kind: 'code', source: 1 }, attempts: 1, best: 1, revealed: false, updatedAt: NOW }),
      [`${PROGRESS_PREFIX}__proto__`]: JSON.stringify({ polluted: true }),
      [`${PROGRESS_PREFIX}exercise:intro/retransmitted`]: '['.repeat(100000),
    });
    const file = submissionFile(storage, m, 's1', NOW);
    expect(file.included).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(assignmentProgress(storage, m, 's1').map((p) => p.answered)).toEqual([false, false, false]);
  });
});

describe('the progress list', () => {
  it('says which exercises are answered for the assigned variant, and which hold an answer to another variant', () => {
    const m = manifest();
    const storage = memoryStorage();
    const seeds = assignedSeeds(m, 's1');
    recordAttempt(storage, 'intro/expected-transmissions', seeds.get('intro/expected-transmissions')!, { kind: 'numeric', value: '2' }, result(1), NOW);
    recordAttempt(storage, 'intro/retransmitted', 0, { kind: 'structured', text: '{0}' }, result(1), NOW);
    expect(assignmentProgress(storage, m, 's1')).toEqual([
      { exerciseId: 'intro/expected-transmissions', points: 2, assignedSeed: seeds.get('intro/expected-transmissions'), answered: true, otherVariant: false, attempts: 1, best: 1 },
      { exerciseId: 'intro/retransmitted', points: 3, assignedSeed: seeds.get('intro/retransmitted'), answered: false, otherVariant: true, attempts: 0, best: 0 },
      { exerciseId: 'intro/ponger', points: 5, assignedSeed: seeds.get('intro/ponger'), answered: false, otherVariant: false, attempts: 0, best: 0 },
    ]);
  });
});

describe('the due date', () => {
  it('is given in the assignment\'s zone and in the student\'s, and says when it has passed', () => {
    const m = manifest();
    const due = Date.UTC(2026, 11, 5, 4, 59); // 23:59 EST is 04:59 UTC the next day
    const berlin = dueText(m, 's1', 'Europe/Berlin', due, 'en-GB');
    // The words come from the runtime's ICU data ("Friday, 4 December" or "Friday 4 December", "EST" or "GMT-5"):
    // the test holds the date, time and zone, not the punctuation.
    expect(berlin.inAssignmentZone).toMatch(/^Friday,? 4 December 2026 at 23:59 \S+ \(America\/Toronto\)$/);
    expect(berlin.inStudentZone).toMatch(/^Saturday,? 5 December 2026 at 05:59 \S+ \(Europe\/Berlin\)$/);
    expect(berlin.passed).toBe(false);
    expect(dueText(m, 's1', 'Europe/Berlin', due + 1, 'en-GB').passed).toBe(true);
    const toronto = dueText(m, 's1', 'America/Toronto', due, 'en-GB');
    expect(toronto.inStudentZone).toBeUndefined();
  });

  it('follows a student\'s extension', () => {
    const m = manifest({ extensions: { s9: '2026-12-06T12:00' } });
    expect(dueText(m, 's9', 'America/Toronto', 0, 'en-GB').inAssignmentZone).toMatch(/^Sunday,? 6 December 2026 at 12:00 /);
    expect(dueText(m, 's1', 'America/Toronto', 0, 'en-GB').inAssignmentZone).toMatch(/^Friday,? 4 December 2026 at 23:59 /);
  });

  it('states the late policy', () => {
    expect(latePolicyText(manifest())).toBe('Work handed in after the due date gets no points.');
    expect(latePolicyText(manifest({ late: { kind: 'per-day', percent: 10, floor: 50, zeroAfter: '2026-12-08T23:59' } })))
      .toBe('Late work loses 10% of the points for each started day late, but never below 50% of the points; after 2026-12-08 23:59 (America/Toronto) it gets no points.');
    expect(latePolicyText(manifest({ late: { kind: 'per-hour', percent: 5 } }))).toBe('Late work loses 5% of the points for each started hour late.');
  });
});

describe('an assigned exercise as the page shows it', () => {
  it('has every element the chapter pages\' controller uses, the assignment\'s points, and no New variant', async () => {
    const view = exerciseView(await findExercise('intro/ponger'), 12345);
    const html = exerciseArticleHtml({ ...view, title: '<img src=x onerror=alert(1)>' }, 7);
    const { document } = new JSDOM(html).window;
    const article = document.querySelector('article')!;
    expect(article.dataset).toMatchObject({ exercise: 'intro/ponger', seed: '12345', kind: 'code' });
    for (const selector of ['.hb-exercise-title', '.hb-exercise-status', '.hb-hints', '.hb-feedback', '.hb-solution', '.hb-exercise-body', 'button[type="submit"]', '[data-action="reveal"]', 'textarea[name="source"]']) {
      expect(article.querySelector(selector), selector).not.toBeNull();
    }
    expect(article.querySelector<HTMLButtonElement>('[data-action="reveal"]')!.hidden).toBe(true);
    expect(article.querySelector('[data-action="variant"]')).toBeNull();
    expect(article.querySelector('img')).toBeNull();
    expect(article.querySelector('.hb-exercise-title')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(article.querySelector('.hb-exercise-meta')!.textContent).toBe('Code · 7 points · variant 12345');
  });
});

describe('the page shell', () => {
  it('has every element the page code looks up (components/Assignment.astro against src/client/assignment.ts)', () => {
    const component = readFileSync(new URL('../../components/Assignment.astro', import.meta.url), 'utf8');
    const markup = component.split('---')[2]!.split('<style')[0]!;
    const { document } = new JSDOM(markup).window;
    const code = readFileSync(new URL('./assignment.ts', import.meta.url), 'utf8');
    const selectors = [...new Set([...code.matchAll(/'(\.hb-assignment[a-z-]*|\[data-action="[a-z-]+"\]|input\[name="student-id"\])'/g)].map((m) => m[1]!))];
    expect(selectors.length).toBeGreaterThan(15);
    for (const selector of selectors) expect(document.querySelector(selector), selector).not.toBeNull();
  });
});
