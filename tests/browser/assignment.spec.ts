// Method: make an instructor's link for a three-exercise assignment (one numeric, one structured, one code
// exercise) with the book's own `assignmentLink`, open it as a student would, with the keyboard where a student
// would use it, and check the submission file the page downloads against seeds computed here with `variantSeed`
// and read back with the regrader's own `readProgressFile`. Then: two student ids see different variants, a
// damaged or missing link says so, the page says it needs JavaScript when it is off, and axe finds no serious
// violation in either colour scheme nor at a phone's width.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { assignmentLink } from '../../labs/assign/link';
import type { Manifest } from '../../labs/assign/manifest';
import { readProgressFile } from '../../labs/exercises/progress';
import { variantSeed } from '../../labs/exercises/variants';
import { SCHEME_RULES, WIDTH_RULES, watchErrors } from './helpers';

const MANIFEST: Manifest = {
  id: 'cs451-2026-hw3',
  title: 'Homework 3: retransmission',
  exercises: [
    { id: 'intro/expected-transmissions', points: 2 },
    { id: 'intro/retransmitted', points: 3 },
    { id: 'intro/ponger', points: 5 },
  ],
  due: '2026-12-04T23:59',
  timeZone: 'America/Toronto',
  late: { kind: 'per-day', percent: 10, floor: 50 },
};

// The student's browser is set to a zone of its own, so the page must give the due date in both.
test.use({ locale: 'en-GB', timezoneId: 'Europe/Berlin' });

/** The link below the site's base, as the instructor's command prints it after the site's address. */
const LINK = assignmentLink(MANIFEST, '');

const PONGER = `export function pongerStep(state: any, input: any) {
if (input.type !== 'message' || input.message.type !== 'ping') return { state };
return { state, effects: [{ type: 'send', to: input.from, message: { type: 'pong', n: input.message.n, echoSentAtMs: input.message.sentAtMs } }] };
}
`;

function exercise(page: Page, id: string) {
  return page.locator(`.hb-exercise[data-exercise="${id}"]`);
}

/** Enters a student id with the keyboard: type it, press Enter. */
async function enterStudentId(page: Page, studentId: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Student id' });
  await input.focus();
  await input.fill('');
  await page.keyboard.type(studentId);
  await page.keyboard.press('Enter');
  await expect(page.locator('.hb-assignment-student')).toHaveText(studentId);
  await expect(page.locator('.hb-assignment-exercises .hb-exercise')).toHaveCount(3);
}

/** Each exercise's shown seed and prompt, in the assignment's order. */
async function variants(page: Page): Promise<{ seed: string; prompt: string }[]> {
  return page.locator('.hb-assignment-exercises .hb-exercise').evaluateAll((articles) => articles.map((a) => ({
    seed: (a as HTMLElement).dataset.seed ?? '',
    prompt: a.querySelector('.hb-prompt')?.textContent ?? '',
  })));
}

async function downloadSubmission(page: Page): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download submission' }).focus();
  await page.keyboard.press('Enter');
  const file = await download;
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

test('a student opens the link, enters their id, answers and downloads a submission for their own variants; they can resubmit', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  await page.goto(LINK);
  await expect(page.locator('.hb-assignment-title')).toHaveText(MANIFEST.title);
  await expect(page.locator('.hb-assignment-due')).toContainText(/Due Friday,? 4 December 2026 at 23:59 \S+ \(America\/Toronto\); in your time zone that is Saturday,? 5 December 2026 at 05:59 \S+ \(Europe\/Berlin\)\./);
  await expect(page.locator('.hb-assignment-due')).toContainText('10% of the points for each started day late');
  await expect(page.locator('.hb-assignment-summary')).toContainText('3 exercises, 10 points in all');

  await enterStudentId(page, 's1001');
  const seeds = MANIFEST.exercises.map(({ id }) => String(variantSeed({ exerciseId: id, learnerId: 's1001', assignmentId: MANIFEST.id })));
  expect((await variants(page)).map((v) => v.seed)).toEqual(seeds);
  await expect(exercise(page, 'intro/ponger').locator('.hb-exercise-meta')).toContainText('5 points');
  // The variant is assigned: no New variant, no solution.
  await expect(page.getByRole('button', { name: 'New variant' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Show solution' })).toHaveCount(0);
  await expect(page.locator('.hb-assignment-progress-summary')).toContainText('0 of 3 exercises answered');

  const numeric = exercise(page, 'intro/expected-transmissions');
  const loss = Number((await numeric.locator('.hb-prompt').textContent())!.match(/probability (\d+)%/)![1]) / 100;
  await numeric.getByLabel('Your answer').fill((1 / (1 - loss) ** 2).toFixed(4));
  await numeric.getByLabel('Your answer').press('Enter');
  await expect(numeric.locator('.hb-score')).toContainText('Correct. Score: 100%');

  const code = exercise(page, 'intro/ponger');
  await code.getByLabel('Your code').click();
  const editor = code.locator('.cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(PONGER);
  await page.keyboard.press('Shift+Enter');
  await expect(code.locator('.hb-score')).toContainText('Correct. Score: 100%');
  await expect(page.locator('.hb-assignment-progress-summary')).toContainText('2 of 3 exercises answered');
  await expect(page.locator('.hb-assignment-progress')).toContainText('best score in this browser 100%');
  await expect(page.locator('.hb-assignment-progress-summary')).toContainText('your instructor grades the submission again');

  const first = await downloadSubmission(page);
  expect(first.name).toBe('cs451-2026-hw3-s1001.json');
  await expect(page.locator('.hb-assignment-download-status')).toContainText('2 of 3 exercises answered. Not answered: intro/retransmitted');
  const read = readProgressFile(first.text);
  expect(read.ok).toBe(true);
  if (!read.ok) return;
  expect(read.problems).toEqual([]);
  const entries = Object.fromEntries(read.entries.map(({ key, entry }) => [key, entry.value as { seed?: number }]));
  expect(Object.keys(entries)).toEqual(['exercise:intro/expected-transmissions', 'exercise:intro/ponger', 'learner']);
  expect(entries.learner).toEqual({ v: 1, learnerId: 's1001', assignmentId: MANIFEST.id });
  expect(entries['exercise:intro/expected-transmissions']!.seed).toBe(Number(seeds[0]));
  expect(entries['exercise:intro/ponger']!.seed).toBe(Number(seeds[2]));

  // Resubmitting: answer the last exercise and download again; the id and the answers survive a reload.
  await page.reload();
  await expect(page.locator('.hb-assignment-student')).toHaveText('s1001');
  await expect(exercise(page, 'intro/expected-transmissions').getByLabel('Your answer')).toHaveValue((1 / (1 - loss) ** 2).toFixed(4));
  await expect(exercise(page, 'intro/expected-transmissions').locator('.hb-exercise-status')).toContainText('1 attempt');
  const structured = exercise(page, 'intro/retransmitted');
  await structured.getByLabel(/Your answer/).fill('{0}');
  await structured.getByLabel(/Your answer/).press('Enter');
  await expect(structured.locator('.hb-score')).toBeVisible();
  await expect(page.locator('.hb-assignment-progress-summary')).toContainText('3 of 3 exercises answered');
  const second = await downloadSubmission(page);
  const reread = readProgressFile(second.text);
  expect(reread.ok && reread.entries.map((e) => e.key)).toEqual(['exercise:intro/expected-transmissions', 'exercise:intro/ponger', 'exercise:intro/retransmitted', 'learner']);
  expect(reread.ok && reread.entries.find((e) => e.key === 'exercise:intro/retransmitted')!.entry.value).toMatchObject({ seed: Number(seeds[1]), answer: { kind: 'structured', text: '{0}' } });
  expect(errors).toEqual([]);
});

test('two student ids see different variants, and changing the id warns first', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(LINK);
  await enterStudentId(page, 's1001');
  const first = await variants(page);
  await page.getByRole('button', { name: 'Change student id' }).click();
  await expect(page.locator('.hb-assignment-learner-warning')).toContainText('Changing your student id changes your variants');
  await expect(page.getByRole('textbox', { name: 'Student id' })).toBeFocused();
  await enterStudentId(page, 's1002');
  const second = await variants(page);
  expect(second.map((v) => v.seed)).toEqual(MANIFEST.exercises.map(({ id }) => String(variantSeed({ exerciseId: id, learnerId: 's1002', assignmentId: MANIFEST.id }))));
  for (let i = 0; i < 3; i++) expect(second[i]!.seed).not.toBe(first[i]!.seed);
  expect(second.map((v) => v.prompt).join('\n')).not.toBe(first.map((v) => v.prompt).join('\n'));
  // An empty id is refused with a message, and the current one is kept.
  await page.getByRole('button', { name: 'Change student id' }).click();
  await page.getByRole('textbox', { name: 'Student id' }).fill('   ');
  await page.getByRole('textbox', { name: 'Student id' }).press('Enter');
  await expect(page.locator('.hb-assignment-error')).toHaveText('Enter your student id.');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.hb-assignment-student')).toHaveText('s1002');
  expect(errors).toEqual([]);
});

test('a damaged, missing or wrong link shows a clear message and no exercises', async ({ page }) => {
  const errors = watchErrors(page);
  const problem = page.locator('.hb-assignment-problem');
  // Cut short when copied.
  await page.goto(LINK.slice(0, LINK.length - 25));
  await expect(problem).toBeVisible();
  await expect(problem).toHaveAttribute('role', 'alert');
  await expect(problem).toContainText('This assignment link is damaged or incomplete');
  await expect(problem).toContainText('ask your instructor for a new link');
  await expect(page.locator('.hb-assignment-main')).toBeHidden();
  // Not base64url at all.
  await page.goto('assignment/#a=%3Cscript%3Ealert(1)%3C/script%3E');
  await expect(problem).toContainText('damaged');
  // No assignment in the link.
  await page.goto('assignment/');
  await expect(problem).toContainText('the link has none');
  // A well-formed link naming an exercise the book does not have.
  await page.goto(assignmentLink({ ...MANIFEST, exercises: [{ id: 'intro/pongr', points: 1 }] }, ''));
  await expect(problem).toContainText('intro/pongr');
  await expect(page.locator('.hb-exercise')).toHaveCount(0);
  // Fixing the link in the same tab shows the assignment.
  await page.goto(LINK);
  await expect(page.locator('.hb-assignment-title')).toHaveText(MANIFEST.title);
  await expect(problem).toBeHidden();
  expect(errors).toEqual([]);
});

test('with JavaScript off, the page says the assignment needs JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(LINK);
  await expect(page.locator('.hb-assignment-noscript')).toContainText('This assignment needs JavaScript');
  await expect(page.locator('.hb-assignment-main')).toBeHidden();
  await context.close();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no serious violation on an assignment with its exercises shown (${scheme}), nor at 390 px`, async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(LINK);
    await enterStudentId(page, 's1001');
    await page.getByRole('button', { name: 'Change student id' }).click(); // the form and its warning, shown
    const axe = () => new AxeBuilder({ page });
    const serious = (violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[]) => violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious((await (scheme === 'light' ? axe() : axe().withRules(SCHEME_RULES)).analyze()).violations)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    const { scrollWidth, viewport } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(viewport);
    expect(serious((await axe().withRules(WIDTH_RULES).analyze()).violations)).toEqual([]);
    expect(errors).toEqual([]);
  });
}
