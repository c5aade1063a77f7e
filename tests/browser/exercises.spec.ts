// Method: answer the demo chapter's exercises as a learner — wrong, then right — and check the score, feedback,
// attempts, solution, variants, and that progress survives a reload and can be exported, erased and imported;
// then corrupt one saved entry and check it is reported while the rest of the progress is intact.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { CHAPTER, watchErrors } from './helpers';

function exercise(page: Page, id: string) {
  return page.locator(`.hb-exercise[data-exercise="${id}"]`);
}

test('a numeric exercise answered wrong, then right; attempts and progress survive a reload', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  const ex = exercise(page, 'intro/expected-transmissions');
  const loss = Number((await ex.locator('.hb-prompt').textContent())!.match(/probability (\d+)%/)![1]) / 100;
  await expect(ex.locator('[data-action="reveal"]')).toBeDisabled();

  await ex.getByLabel('Your answer').fill(String(1 / (1 - loss)));
  await ex.getByRole('button', { name: 'Check answer' }).click();
  await expect(ex.locator('.hb-score')).toContainText('Not yet. Score: 0%');
  await expect(ex.locator('.hb-checks')).toContainText('for one message to get through');
  await expect(ex.locator('.hb-exercise-status')).toContainText('1 attempt');
  await expect(ex.locator('[data-action="reveal"]')).toBeEnabled();

  await ex.getByLabel('Your answer').fill((1 / (1 - loss) ** 2).toFixed(4));
  await ex.getByLabel('Your answer').press('Enter');
  await expect(ex.locator('.hb-score')).toContainText('Correct. Score: 100%');
  await expect(ex.locator('.hb-exercise-status')).toContainText('2 attempts · best score 100%');

  await ex.locator('[data-action="reveal"]').click();
  await expect(ex.locator('.hb-solution')).toContainText('geometric');

  await page.reload();
  await expect(ex.locator('.hb-exercise-status')).toContainText('2 attempts · best score 100%');
  await expect(ex.getByLabel('Your answer')).toHaveValue((1 / (1 - loss) ** 2).toFixed(4));
  await page.goto('');
  await expect(page.locator('.hb-progress-summary')).toContainText(/You have solved 1 of \d+ exercises/);
  await expect(page.locator('[data-chapter-id="start/how-to-read"] .hb-toc-progress')).toHaveText('1 of 7 exercises solved');
  expect(errors).toEqual([]);
});

test('choice exercises give partial credit and explain wrong picks', async ({ page }) => {
  await page.goto(CHAPTER);
  const ex = exercise(page, 'intro/effects');
  await ex.getByLabel('Send a message to another node').check();
  await ex.getByLabel('Wait 50 ms before returning').check();
  await ex.getByRole('button', { name: 'Check answer' }).click();
  await expect(ex.locator('.hb-feedback')).toContainText('never blocks');
  await ex.getByLabel('Wait 50 ms before returning').uncheck();
  await ex.getByLabel('Ask to be woken up after some time on its own clock').check();
  await ex.getByLabel('Save data that survives a crash').check();
  await ex.getByRole('button', { name: 'Check answer' }).click();
  await expect(ex.locator('.hb-score')).toContainText('Correct');
});

test('a code exercise runs the learner\'s function in the simulation', async ({ page }) => {
  await page.goto(CHAPTER);
  const ex = exercise(page, 'intro/ponger');
  await ex.getByRole('button', { name: 'Check answer' }).click();
  await expect(ex.locator('.hb-score')).toContainText('Not yet');
  await expect(ex.locator('.hb-checks')).toContainText('every ping answered on a lossy link');

  await ex.getByLabel('Your code').click();
  const editor = ex.locator('.cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(`export function pongerStep(state: any, input: any) {
if (input.type !== 'message' || input.message.type !== 'ping') return { state };
return { state, effects: [{ type: 'send', to: input.from, message: { type: 'pong', n: input.message.n, echoSentAtMs: input.message.sentAtMs } }] };
}
`);
  await page.keyboard.press('Shift+Enter');
  await expect(ex.locator('.hb-score')).toContainText('Correct. Score: 100%');
});

test('a new variant asks a different question', async ({ page }) => {
  await page.goto(CHAPTER);
  const ex = exercise(page, 'intro/count-drops');
  const before = await ex.locator('.hb-prompt').textContent();
  await ex.getByRole('button', { name: 'New variant' }).click();
  await expect(ex.locator('.hb-exercise-status')).toContainText('New variant');
  expect(await ex.locator('.hb-prompt').textContent()).not.toEqual(before);
  await expect(ex.locator('.hb-prompt-figures figure svg')).toHaveCount(1);
});

test('a new variant stays after a reload until it is replaced, and an answer to it keeps it', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  const ex = exercise(page, 'intro/retransmitted');
  const original = await ex.locator('.hb-prompt').textContent();
  await ex.getByRole('button', { name: 'New variant' }).click();
  await expect(ex.locator('.hb-exercise-status')).toContainText('New variant');
  const drawn = await ex.locator('.hb-prompt').textContent();
  expect(drawn).not.toEqual(original);

  await page.reload();
  await expect(ex.locator('.hb-prompt')).toHaveText(drawn!);
  await expect(ex.locator('.hb-exercise-status')).toContainText('as you left it');
  await expect(ex.locator('.hb-prompt-figures figure svg')).toHaveCount(1);

  await ex.getByLabel('Your answer').fill('{0}');
  await ex.getByRole('button', { name: 'Check answer' }).click();
  await expect(ex.locator('.hb-exercise-status')).toContainText('1 attempt');
  await page.reload();
  await expect(ex.locator('.hb-prompt')).toHaveText(drawn!);
  await expect(ex.getByLabel('Your answer')).toHaveValue('{0}');

  await ex.getByRole('button', { name: 'New variant' }).click();
  await expect(ex.locator('.hb-exercise-status')).toContainText('New variant');
  const third = await ex.locator('.hb-prompt').textContent();
  expect(third).not.toEqual(drawn);
  await page.reload();
  await expect(ex.locator('.hb-prompt')).toHaveText(third!);
  await expect(ex.locator('.hb-exercise-status')).toContainText('1 attempt');
  expect(errors).toEqual([]);
});

test('the structured answer box says what the prompt asks for', async ({ page }) => {
  await page.goto(CHAPTER);
  const label = exercise(page, 'intro/retransmitted').locator('label[for$="-text"]');
  await expect(label).toHaveText('Your answer: a set, in any order, like {0, 2}');
});

test('progress can be exported, erased and imported; a damaged entry is reported and nothing else is lost', async ({ page }) => {
  await page.goto(CHAPTER);
  const ex = exercise(page, 'intro/seed-replay');
  await ex.getByLabel('Exactly the same trace, event for event').check();
  await ex.getByRole('button', { name: 'Check answer' }).click();
  await expect(ex.locator('.hb-score')).toContainText('Correct');

  await page.goto('');
  await expect(page.locator('.hb-progress-summary')).toContainText(/solved 1 of \d+/);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export progress' }).click();
  const file = await (await download).path();
  const exported = JSON.parse(await readFile(file, 'utf8'));
  expect(exported.format).toBe('happens-before-progress');
  expect(Object.keys(exported.entries)).toContain('exercise:intro/seed-replay');

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Erase progress' }).click();
  await expect(page.locator('.hb-progress-report')).toContainText('Erased 1 saved entry');
  await expect(page.locator('.hb-progress-summary')).toContainText(/solved 0 of \d+/);

  await page.locator('[data-import-file]').setInputFiles(file);
  await expect(page.locator('.hb-progress-report')).toContainText('Imported 1 entry');
  await expect(page.locator('.hb-progress-summary')).toContainText(/solved 1 of \d+/);

  await page.locator('[data-import-file]').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await expect(page.locator('.hb-progress-report')).toContainText('Nothing was imported from notes.json');
  await expect(page.locator('.hb-progress-summary')).toContainText(/solved 1 of \d+/);

  await page.evaluate(() => localStorage.setItem('happens-before:v1:exercise:intro/effects', '{not json'));
  await page.reload();
  await expect(page.locator('.hb-progress-summary')).toContainText(/solved 1 of \d+/);
  await expect(page.locator('.hb-progress-problems')).toContainText('1 saved entry is damaged');
  await expect(page.locator('.hb-progress-problems')).toContainText('happens-before:v1:exercise:intro/effects');
  await page.goto(CHAPTER);
  await expect(exercise(page, 'intro/seed-replay').locator('.hb-exercise-status')).toContainText('1 attempt');
  expect(await page.evaluate(() => localStorage.getItem('happens-before:v1:exercise:intro/effects'))).toBe('{not json');
});
