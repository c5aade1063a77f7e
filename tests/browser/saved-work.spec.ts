// Method: give the browser's storage the states that lose work in practice — full to its real quota (filled with
// another site's keys until Chromium refuses), holding damaged entries, or receiving a hostile progress file — and
// check from the reader's side that every refused write is reported where it happened, an import changes all or
// nothing, nothing from a file or from storage is run as markup, and the pages still load and show what they can.
import { expect, test, type Page } from '@playwright/test';
import { CHAPTER, cell, watchErrors } from './helpers';

const PREFIX = 'happens-before:v1:';

/** Fills localStorage to Chromium's quota with keys that are not the book's; returns how many were written. */
async function fillStorage(page: Page): Promise<number> {
  return page.evaluate(() => {
    let chunk = 'x'.repeat(1 << 20);
    let written = 0;
    while (chunk.length > 0) {
      try {
        localStorage.setItem(`other-site:filler-${written}`, chunk);
        written++;
      } catch {
        chunk = chunk.slice(0, chunk.length >> 1);
      }
    }
    return written;
  });
}

async function emptyStorageOfFiller(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('other-site:filler-')) localStorage.removeItem(key);
  });
}

/** The book's entries in localStorage, key → raw value. */
function ourEntries(page: Page): Promise<Record<string, string>> {
  return page.evaluate((prefix) => Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith(prefix)).sort().map((k) => [k, localStorage.getItem(k)!])), PREFIX);
}

function progressFile(entries: Record<string, unknown>): string {
  return JSON.stringify({ format: 'happens-before-progress', version: 1, exportedAt: '2025-03-01T10:00:00.000Z', entries });
}

async function importFile(page: Page, name: string, text: string | Buffer): Promise<void> {
  await page.locator('[data-import-file]').setInputFiles({ name, mimeType: 'application/json', buffer: typeof text === 'string' ? Buffer.from(text) : text });
}

const solved = (exerciseId: string) => ({
  v: 1, exerciseId, seed: 0, answer: { kind: 'numeric', value: 1 }, attempts: 1, best: 1, revealed: false, updatedAt: '2025-03-01T10:00:00.000Z',
});

test('a cell edit that storage refuses says so, and saves again once there is room', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  expect(await fillStorage(page)).toBeGreaterThan(0);
  const target = cell(page, 'rtt-table');
  await target.locator('[data-action="edit"]').click();
  await target.locator('.cm-content').click();
  await page.keyboard.type('// mine');
  await expect(target.locator('.hb-cell-status')).toHaveText('Not saved: storage is full. This edit will be lost when you leave the page.');
  expect(Object.keys(await ourEntries(page))).toEqual([]);
  await emptyStorageOfFiller(page);
  await page.keyboard.type('!');
  await expect(target.locator('.hb-cell-status')).toHaveText('Saved.');
  expect(Object.keys(await ourEntries(page))).toEqual([`${PREFIX}cell:/${CHAPTER}#rtt-table`]);
  expect(errors).toEqual([]);
});

test('a checked answer and a revealed solution that storage refuses say they were not saved', async ({ page }) => {
  await page.goto(CHAPTER);
  await fillStorage(page);
  const exercise = page.locator('.hb-exercise[data-exercise="intro/count-drops"]');
  await exercise.getByLabel('Your answer').fill('1');
  await exercise.getByRole('button', { name: 'Check answer' }).click();
  await expect(exercise.locator('.hb-exercise-status')).toContainText('could not be saved in this browser (storage is full)');
  await exercise.locator('[data-action="reveal"]').click();
  await expect(exercise.locator('.hb-solution')).toBeVisible();
  await expect(exercise.locator('.hb-exercise-status')).toHaveText('The solution is shown, but that you saw it was not saved in this browser (storage is full).');
  expect(Object.keys(await ourEntries(page))).toEqual([]);
  await emptyStorageOfFiller(page);
});

test('an import is all or nothing, is shown as text, and refuses what the book does not have', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('');
  const before = await ourEntries(page);
  const markup = '<img src=x onerror="window.__injected=1">';
  const entries: Record<string, unknown> = { 'exercise:intro/count-drops': solved('intro/count-drops') };
  for (let i = 0; i < 3000; i++) entries[`cell:/start/how-to-read/#junk-${i}`] = { v: 1, source: 'junk', updatedAt: '2025-03-01T10:00:00.000Z' };
  entries['exercise:intro/no-such-exercise'] = solved('intro/no-such-exercise');
  entries[`cell:/a/#${markup}`] = { v: 1, source: markup, updatedAt: '2025-03-01T10:00:00.000Z' };
  entries.learner = { v: 1, learnerId: markup.repeat(10_000) };
  await importFile(page, `${markup}.json`, progressFile(entries));
  const report = page.locator('.hb-progress-report');
  await expect(report).toContainText('Nothing was imported from <img src=x');
  await expect(report).toContainText('2 entries were refused');
  await expect(report).toContainText('there is no exercise "intro/no-such-exercise" in this book');
  expect(await page.locator('.hb-progress img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
  expect(await ourEntries(page)).toEqual(before);
  expect((await report.textContent())!.length).toBeLessThan(1000);
  // The same file without the refused entries imports whole, and the solved count follows it.
  delete entries['exercise:intro/no-such-exercise'];
  delete entries[`cell:/a/#${markup}`];
  await importFile(page, 'progress.json', progressFile(entries));
  await expect(report).toContainText('Imported 3,002 entries from progress.json.');
  await expect(page.locator('.hb-progress-summary')).toContainText('You have solved 1 of');
  expect(errors).toEqual([]);
});

test('an import refuses a numeric exercise holding a choice answer, and claims of solving more than the book has', async ({ page }) => {
  await page.goto('');
  const total = Number((await page.locator('.hb-progress-summary').textContent())!.match(/of (\d+) exercises/)![1]);
  const entries: Record<string, unknown> = {
    'exercise:intro/count-drops': { ...solved('intro/count-drops'), answer: { kind: 'choice', selected: ['a'] } },
  };
  for (let i = 0; i <= total; i++) entries[`exercise:intro/extra-${i}`] = solved(`intro/extra-${i}`);
  await importFile(page, 'inflated.json', progressFile(entries));
  await expect(page.locator('.hb-progress-report')).toContainText(`${total + 2} entries were refused`);
  await expect(page.locator('.hb-progress-report')).toContainText('holds a choice answer, but "intro/count-drops" takes a numeric answer');
  await expect(page.locator('.hb-progress-summary')).toContainText(`You have solved 0 of ${total} exercises`);
});

test('a file too large or nested too deep is refused without freezing the page', async ({ page }) => {
  await page.goto('');
  await importFile(page, 'big.json', Buffer.alloc(6 * 1024 * 1024, 0x20));
  await expect(page.locator('.hb-progress-report')).toContainText('too large to be a progress file');
  const deep = progressFile({ learner: { v: 1, learnerId: 's1' } }).replace('"s1"', `${'['.repeat(500_000)}${']'.repeat(500_000)}`);
  await importFile(page, 'deep.json', deep);
  await expect(page.locator('.hb-progress-report')).toContainText('nested more than 16 levels deep');
  expect(await ourEntries(page)).toEqual({});
});

test('damaged saved entries are named on the home page while every other entry still counts, and chapters still load', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('');
  const damaged = {
    [`${PREFIX}exercise:intro/ponger`]: '{"v":1,"exerciseId":',
    [`${PREFIX}exercise:intro/count-drops-old`]: `{"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    [`${PREFIX}cell:/${CHAPTER}#faults`]: JSON.stringify({ v: 1, source: 42 }),
    [`${PREFIX}exercise:intro/${'x'.repeat(300)}`]: JSON.stringify({ v: 'y'.repeat(300) }),
  };
  const sound = {
    [`${PREFIX}exercise:intro/count-drops`]: JSON.stringify(solved('intro/count-drops')),
    [`${PREFIX}cell:/${CHAPTER}#rtt-table`]: JSON.stringify({ v: 1, source: '// my edit\ndisplay(1);', updatedAt: '2025-03-01T10:00:00.000Z' }),
  };
  await page.evaluate((all) => { for (const [k, v] of Object.entries(all)) localStorage.setItem(k, v); }, { ...damaged, ...sound });
  await page.reload();
  await expect(page.locator('.hb-progress-summary')).toContainText('You have solved 1 of');
  await expect(page.locator('.hb-progress-summary')).toContainText('1 edited cell saved');
  const problems = page.locator('.hb-progress-problems');
  await expect(problems).toContainText('4 saved entries are damaged');
  await expect(problems).toContainText(`${PREFIX}exercise:intro/ponger: not valid JSON`);
  await expect(problems).toContainText(`${PREFIX}exercise:intro/count-drops-old: nested more than 16 levels deep`);
  await expect(problems).toContainText(`${PREFIX}cell:/${CHAPTER}#faults: invalid source`);
  // Long keys and values are cut short and wrap, even on a phone.
  expect((await problems.textContent())!.length).toBeLessThan(1500);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.goto(CHAPTER);
  await expect(cell(page, 'rtt-table').locator('.cm-content')).toContainText('// my edit');
  await expect(cell(page, 'faults').locator('.hb-cell-output svg').first()).toBeVisible();
  expect(await ourEntries(page)).toEqual({ ...damaged, ...sound });
  expect(errors).toEqual([]);
});
