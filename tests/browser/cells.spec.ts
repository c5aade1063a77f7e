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
  test.setTimeout(300_000);
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
  // Reset brings back the outputs the page was built with, not only the code.
  await expect(target.locator('.hb-cell-output tbody tr')).toHaveCount(5);
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
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  await replaceCode(page, 'replay', 'let spins = 0;\nwhile (true) { spins++; }\n');
  const target = cell(page, 'replay');
  await target.locator('[data-action="run"]').click();
  await expect(target.locator('.hb-cell-status')).toHaveText('Running…');
  // The page stays responsive while the worker spins: another control still works.
  await page.locator('.hb-cell[data-cell="first-run"] [data-action="edit"]').click();
  await expect(page.locator('.hb-cell[data-cell="first-run"] .cm-content')).toBeVisible();
  await expect(target.locator('.hb-cell-status')).toHaveText('Stopped after 5 s.');
  await expect(target.locator('.hb-cell-notice .hb-error')).toContainText('was stopped');
  // A stopped run keeps the outputs from before it.
  await expect(target.locator('.hb-cell-output')).toContainText('byte-identical');
  await target.locator('[data-action="reset"]').click();
  await expect(target.locator('.hb-cell-notice')).toBeEmpty();
  await runCell(page, 'replay');
  await expect(target.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(target.locator('.hb-cell-output')).toContainText('byte-identical');
  expect(errors).toEqual([]);
});

test('Stop, reached from the keyboard, ends a running cell and keeps its previous outputs', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  await replaceCode(page, 'replay', 'while (true) {}\n');
  const target = cell(page, 'replay');
  const stop = target.getByRole('button', { name: 'Stop running cell replay' });
  await expect(stop).toBeHidden();
  await page.keyboard.press('Shift+Enter');
  await expect(target.locator('.hb-cell-status')).toHaveText('Running…');
  await expect(stop).toBeVisible();
  await stop.focus();
  await page.keyboard.press('Enter');
  await expect(target.locator('.hb-cell-status')).toHaveText('Stopped. The outputs below are from before this run.');
  await expect(stop).toBeHidden();
  await expect(target.locator('.hb-cell-output')).toContainText('byte-identical');
  await expect(target.locator('.hb-error')).toHaveCount(0);
  await target.locator('[data-action="reset"]').click();
  expect(errors).toEqual([]);
});

test('a runaway cell does not interrupt, delay or replace another cell\'s run', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(CHAPTER);
  const rtt = cell(page, 'rtt-table');
  const rowsBefore = await rtt.locator('.hb-cell-output tbody tr').count();
  await replaceCode(page, 'replay', 'while (true) {}\n');
  const runaway = cell(page, 'replay');
  await runaway.locator('[data-action="run"]').click();
  await expect(runaway.locator('.hb-cell-status')).toHaveText('Running…');
  await runCell(page, 'rtt-table');
  await expect(rtt.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(runaway.locator('.hb-cell-status')).toHaveText('Running…');
  await expect(runaway.locator('.hb-cell-status')).toHaveText('Stopped after 5 s.');
  await expect(rtt.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(rtt.locator('.hb-cell-output tbody tr')).toHaveCount(rowsBefore);
  await expect(rtt.locator('.hb-error')).toHaveCount(0);
  await runaway.locator('[data-action="reset"]').click();
});

test('a cell that patches built-ins and leaves timers running cannot change the next cell\'s result', async ({ page }) => {
  await page.goto(CHAPTER);
  await replaceCode(page, 'replay', [
    "console.log('patching');",
    'Math.min = () => 1;',
    "Array.prototype.map = function () { return ['patched']; } as any;",
    "JSON.stringify = () => '\"patched\"';",
    "(Object.prototype as any).polluted = 'yes';",
    'setInterval(() => { (globalThis as any).ticks = ((globalThis as any).ticks ?? 0) + 1; Math.max = () => -1; }, 1);',
  ].join('\n'));
  await runCell(page, 'replay');
  await expect(cell(page, 'replay').locator('.hb-cell-output')).toContainText('patching');
  await replaceCode(page, 'rtt-table', [
    'await new Promise((resolve) => setTimeout(resolve, 50));',
    "console.log('result', Math.min(3, 4), Math.max(3, 4), [1, 2].map((x) => x * 2).join('+'), JSON.stringify({ a: 1 }), ({} as any).polluted, (globalThis as any).ticks);",
  ].join('\n'));
  await runCell(page, 'rtt-table');
  await expect(cell(page, 'rtt-table').locator('.hb-cell-output')).toHaveText('result 3 4 2+4 {"a":1} undefined undefined');
  await cell(page, 'replay').locator('[data-action="reset"]').click();
  await cell(page, 'rtt-table').locator('[data-action="reset"]').click();
});

test('a huge output is capped in the worker, marked as truncated, and the page stays usable', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  await replaceCode(page, 'rtt-table', [
    "display.text('x'.repeat(50_000_000));",
    'display.timeSeries(Array.from({ length: 200_000 }, (_, t) => ({ t, v: t % 7 })), { x: "t", y: "v" });',
    "for (let i = 0; i < 100_000; i++) console.log('line', i);",
  ].join('\n'));
  await runCell(page, 'rtt-table');
  const target = cell(page, 'rtt-table');
  await expect(target.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(target.locator('.hb-truncated')).toHaveText([
    'Truncated: Showing the first 100,000 of 50,000,000 characters.',
    'Truncated: Showing the first 2,000 of 200,000 points.',
  ]);
  expect(await target.locator('pre.hb-text-display').evaluate((pre) => pre.textContent!.length)).toBeLessThanOrEqual(100_000);
  expect(await target.locator('figure circle').count()).toBeLessThanOrEqual(2_000);
  await expect(target.locator('pre.hb-text-log')).toContainText('… truncated: a run prints at most');
  // The figure's data table is built when the reader opens it.
  await target.locator('details.hb-data summary').click();
  await expect(target.locator('details.hb-data tbody tr')).toHaveCount(2_000);
  // The page still answers: another cell's editor opens and takes text.
  await replaceCode(page, 'first-run', 'console.log(1)');
  await expect(cell(page, 'first-run').locator('.cm-content')).toHaveText('console.log(1)');
  await target.locator('[data-action="reset"]').click();
  await cell(page, 'first-run').locator('[data-action="reset"]').click();
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
