// Method: the journey of a first visit, run against the root build and again against a build for a sub-path
// (BASE_PATH=/book/): every request must succeed, links must stay under the base, and a cell, an exercise and
// search must work. A site that hard-codes "/" anywhere fails here.
import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';

test('@smoke a first visit works end to end, every request succeeds', async ({ page, baseURL }) => {
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => failed.push(`failed ${request.url()}`));
  const errors = watchErrors(page);
  await page.goto('');
  const base = new URL(baseURL!).pathname;
  const link = page.getByRole('navigation', { name: 'Table of contents' }).getByRole('link', { name: /How to read this book/ });
  expect(await link.getAttribute('href')).toBe(`${base}start/how-to-read/`);
  await link.click();
  await expect(page.locator('h1')).toHaveText('How to read this book');
  expect(new URL(page.url()).pathname).toBe(`${base}start/how-to-read/`);

  const cell = page.locator('.hb-cell[data-cell="faults"]');
  await cell.locator('[data-action="run"]').click();
  await expect(cell.locator('.hb-cell-status')).toHaveText(/^Ran in/);
  await expect(cell.locator('figure svg')).toBeVisible();

  const exercise = page.locator('.hb-exercise[data-exercise="intro/seed-replay"]');
  await exercise.getByLabel('Exactly the same trace, event for event').check();
  await exercise.getByRole('button', { name: 'Check answer' }).click();
  await expect(exercise.locator('.hb-score')).toContainText('Correct');

  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('dialog[open] .pagefind-ui__search-input').fill('partition');
  const result = page.locator('dialog[open] .pagefind-ui__result-link').first();
  await expect(result).toBeVisible();
  expect(await result.getAttribute('href')).toMatch(new RegExp(`^${base}`));

  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});
