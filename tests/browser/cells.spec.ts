// Method: drive the demo chapter's cells with the mouse and keyboard — run, edit, break, stop, reset, reload — and
// check what the reader sees; and load the chapter with JavaScript off to check it reads completely without it.
import { expect, test } from '@playwright/test';
import { CHAPTER, cell, replaceCode, runCell, watchErrors } from './helpers';

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });
  test('the chapter shows every cell\'s output, rendered at build time', async ({ page }) => {
    await page.goto(CHAPTER);
    const cells = page.locator('.hb-cell');
    expect(await cells.count()).toBeGreaterThanOrEqual(5);
    for (const one of await cells.all()) {
      await expect(one.locator('.hb-cell-output > *').first()).toBeVisible();
      await expect(one.locator('.hb-cell-bar')).toBeHidden();
    }
    expect(await page.locator('.hb-cell figure svg').count()).toBeGreaterThanOrEqual(4);
    await expect(page.locator('.hb-cell-output > .hb-table-wrap table').first()).toBeVisible();
    await expect(page.locator('.hb-exercise').first()).toContainText('needs JavaScript');
  });
});

test('every cell of every published chapter runs in the browser without error', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await page.goto('');
  const chapters = await page.locator('.hb-chapter-list a.hb-toc-title').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
  expect(chapters.length).toBeGreaterThan(0);
  for (const href of chapters) {
    await page.goto(href);
    for (const one of await page.locator('.hb-cell').all()) {
      const id = await one.getAttribute('data-cell');
      const ran = await runCell(page, id!);
      await expect(ran.locator('.hb-cell-status'), `${href} cell ${id}`).toHaveText(/^Ran in/);
      await expect(ran.locator('.hb-error')).toHaveCount(0);
    }
  }
  expect(errors).toEqual([]);
});

test('an edit runs with Shift+Enter, survives a reload, and Reset restores the original', async ({ page }) => {
  await page.goto(CHAPTER);
  const original = await cell(page, 'rtt-table').locator('script[data-original]').textContent();
  const edited = JSON.parse(original!).replace('count: 5', 'count: 20');
  await replaceCode(page, 'rtt-table', edited);
  await page.keyboard.press('Shift+Enter');
  const target = cell(page, 'rtt-table');
  await expect(target.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(target.locator('.hb-cell-output tbody tr')).toHaveCount(20);
  await expect(target.locator('.hb-cell-badge')).toBeVisible();

  await page.reload();
  await expect(target.locator('.cm-content')).toContainText('count: 20');
  await expect(target.locator('.hb-cell-badge')).toBeVisible();

  await target.locator('[data-action="reset"]').click();
  await expect(target.locator('.cm-content')).toContainText('count: 5');
  await expect(target.locator('[data-action="reset"]')).toBeHidden();
  await page.reload();
  await expect(target.locator('.cm-content')).toHaveCount(0);
});

test('an error points at the line of the TypeScript that failed', async ({ page }) => {
  await page.goto(CHAPTER);
  await replaceCode(page, 'rtt-table', "import { runPingDemo } from 'labs/intro';\n\nconst trace = runPingDemo({ seed: 1 });\nconst n: number = (trace as any).nothing.length;\n");
  await runCell(page, 'rtt-table');
  const target = cell(page, 'rtt-table');
  await expect(target.locator('.hb-cell-status')).toHaveText('Failed at line 4.');
  await expect(target.locator('.hb-error')).toContainText('Line 4');
  await expect(target.locator('.hb-error')).toContainText('TypeError');
  await expect(target.locator('.cm-lintRange-error, .cm-lint-marker-error').first()).toBeVisible();
  await target.locator('[data-action="reset"]').click();
});

test('a runaway cell is stopped, and the next run works', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  await replaceCode(page, 'replay', 'let spins = 0;\nwhile (true) { spins++; }\n');
  const target = cell(page, 'replay');
  await target.locator('[data-action="run"]').click();
  await expect(target.locator('.hb-cell-status')).toHaveText('Running…');
  // The page stays responsive while the worker spins: another control still works.
  await page.locator('.hb-cell[data-cell="first-run"] [data-action="edit"]').click();
  await expect(page.locator('.hb-cell[data-cell="first-run"] .cm-content')).toBeVisible();
  await expect(target.locator('.hb-cell-status')).toHaveText('Stopped after 5 s.', { timeout: 15_000 });
  await expect(target.locator('.hb-error')).toContainText('was stopped');
  await target.locator('[data-action="reset"]').click();
  await runCell(page, 'replay');
  await expect(target.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(target.locator('.hb-cell-output')).toContainText('byte-identical');
  expect(errors).toEqual([]);
});

test('space-time diagrams can be stepped through with the keyboard', async ({ page }) => {
  await page.goto(CHAPTER);
  const figure = cell(page, 'first-run').locator('figure');
  const firstEvent = figure.locator('circle[tabindex="0"]');
  await firstEvent.focus();
  await expect(figure.locator('.hb-event-readout')).toContainText('Event 1 of');
  await page.keyboard.press('ArrowRight');
  await expect(figure.locator('.hb-event-readout')).toContainText('Event 2 of');
  await expect(figure.locator('.hb-event-readout')).toContainText(/receives|sends|timer/);
});
