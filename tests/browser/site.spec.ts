// Method: load every kind of page of the built site as a reader would, and check what they must show, that the
// browser logs no errors, that search finds the chapter, and that axe finds no serious or critical violation in
// both colour schemes (every rule in the light scheme, the rules colours can change in the dark).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { CHAPTER, SCHEME_RULES, watchErrors } from './helpers';

const PAGES = ['', CHAPTER, 'time/clocks/', 'agreement/consensus/', 'scale/partitioning/', 'consistency/consistency-models/', 'global-state/snapshots/', 'serving/cdn/', 'scale/sharding/', 'glossary/', 'no-such-page/'];

test('the home page shows the book, its contents by part, and progress', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('');
  await expect(page.locator('h1')).toHaveText('Happens-Before');
  await expect(page.locator('main')).toContainText('textbook of distributed systems');
  const contents = page.getByRole('navigation', { name: 'Table of contents' });
  await expect(contents.getByRole('heading', { name: /Getting started/ })).toBeVisible();
  await expect(contents.getByRole('heading', { name: /Time and order/ })).toBeVisible();
  await expect(contents.getByRole('link', { name: /How to read this book/ })).toBeVisible();
  await expect(contents.locator('.hb-toc-planned', { hasText: 'Sharding' })).toContainText('coming');
  await expect(contents.getByRole('link', { name: /Time, clocks and the order of events/ })).toBeVisible();
  await expect(page.locator('.hb-progress-summary')).toContainText(/You have solved 0 of \d+ exercises/);
  expect(errors).toEqual([]);
});

test('a chapter has its number, objectives, numbered figures and references', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(CHAPTER);
  await expect(page.locator('.hb-eyebrow')).toContainText('Chapter 0');
  await expect(page.locator('.hb-objectives')).toContainText('You will be able to');
  await expect(page.locator('figure.hb-figure')).not.toHaveCount(0);
  await expect(page.locator('.hb-references li')).not.toHaveCount(0);
  await expect(page.locator('.katex').first()).toBeVisible();
  const sidebar = page.locator('nav[aria-label="Main"]');
  await expect(sidebar.getByRole('link', { name: /0\. How to read this book/ })).toHaveAttribute('aria-current', 'page');
  expect(errors).toEqual([]);
});

test('the glossary defines every term, and each links to a section that exists; chapters link terms to it', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('glossary/');
  await expect(page.locator('h1')).toHaveText('Glossary');
  const sidebar = page.locator('nav[aria-label="Main"]');
  await expect(sidebar.getByRole('link', { name: 'Glossary' })).toHaveAttribute('aria-current', 'page');
  const terms = await page.locator('.hb-glossary dt').evaluateAll((dts) => dts.map((dt) => dt.id));
  expect(terms.length).toBeGreaterThan(30);
  const sources = await page.locator('.hb-glossary-source').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  expect(sources).toHaveLength(terms.length);
  // Every back-link lands on a heading that exists: visit each chapter once and look its anchors up.
  const byPage = new Map<string, string[]>();
  for (const href of sources) {
    const url = new URL(href);
    byPage.set(url.pathname, [...(byPage.get(url.pathname) ?? []), decodeURIComponent(url.hash.slice(1))]);
  }
  for (const [pathname, anchors] of byPage) {
    await page.goto(pathname);
    for (const anchor of anchors) expect(await page.locator(`[id="${anchor}"]`).count(), `${pathname}#${anchor}`).toBe(1);
  }
  // Definitions and objectives render their `code`.
  await page.goto('glossary/');
  await expect(page.locator('dt#minimal-disruption + dd').locator('code')).toHaveText('hash(key) mod n');
  // And a chapter's term link leads to the term.
  await page.goto('scale/partitioning/');
  await expect(page.locator('.hb-objectives code').first()).toHaveText('hash(key) mod n');
  await page.locator('main a[href$="glossary/#consistent-hashing"]').first().click();
  await expect(page.locator('dt#consistent-hashing')).toBeInViewport();
  expect(errors).toEqual([]);
});

test('a planned chapter says it is coming', async ({ page }) => {
  await page.goto('scale/sharding/');
  await expect(page.locator('.hb-planned')).toContainText('This chapter is planned');
});

test('the 404 page is the book\'s own', async ({ page }) => {
  const response = await page.goto('no-such-page/');
  expect(response?.status()).toBe(404);
  await expect(page.locator('h1')).toBeVisible();
});

test('search finds a word from the chapter', async ({ page }) => {
  await page.goto('');
  await page.getByRole('button', { name: 'Search' }).click();
  const input = page.locator('dialog[open] .pagefind-ui__search-input');
  await expect(input).toBeFocused();
  await input.fill('retransmission');
  await expect(page.locator('dialog[open] .pagefind-ui__result-link').first()).toContainText('How to read this book');
});

test('the search UI is loaded on the first open, not before; Ctrl+K opens it ready to type', async ({ page }) => {
  const searchScripts: string[] = [];
  page.on('request', (request) => {
    if (/ui-core|pagefind/.test(request.url())) searchScripts.push(request.url());
  });
  await page.goto('');
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500); // Starlight used to fetch it when the browser went idle.
  expect(searchScripts).toEqual([]);
  await page.keyboard.press('Control+k');
  const input = page.locator('dialog[open] .pagefind-ui__search-input');
  await expect(input).toBeFocused();
  expect(searchScripts.length).toBeGreaterThan(0);
  await page.keyboard.type('consensus');
  await expect(page.locator('dialog[open] .pagefind-ui__result-link').first()).toBeVisible();
});

for (const scheme of ['light', 'dark'] as const) {
  for (const path of PAGES) {
    test(`axe finds no serious or critical violation on /${path} (${scheme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(path);
      // The full set of rules once (light); in the dark scheme only the rules that colours can change.
      const axe = new AxeBuilder({ page });
      const results = await (scheme === 'light' ? axe : axe.withRules(SCHEME_RULES)).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    });
  }
}

test('axe finds no serious or critical violation after a reader has run, edited and answered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(CHAPTER);
  await page.locator('.hb-cell[data-cell="faults"] [data-action="run"]').click();
  await expect(page.locator('.hb-cell[data-cell="faults"] .hb-cell-status')).toHaveText(/^Ran in/);
  await page.locator('.hb-cell[data-cell="rtt-table"] [data-action="edit"]').click();
  await expect(page.locator('.hb-cell[data-cell="rtt-table"] .cm-content')).toBeVisible();
  const exercise = page.locator('.hb-exercise[data-exercise="intro/count-drops"]');
  await exercise.getByLabel('Your answer').fill('1');
  await exercise.getByRole('button', { name: 'Check answer' }).click();
  await expect(exercise.locator('.hb-score')).toBeVisible();
  await exercise.locator('[data-action="reveal"]').click();
  await expect(exercise.locator('.hb-solution')).toBeVisible();
  const code = page.locator('.hb-exercise[data-exercise="intro/ponger"]');
  await code.getByRole('button', { name: 'Check answer' }).click();
  await expect(code.locator('.hb-score')).toBeVisible();
  await code.locator('[data-action="hint"]').click();
  await code.locator('[data-action="reveal"]').click();
  await expect(code.locator('.hb-reference')).toBeVisible();
  await page.locator('.hb-cell[data-cell="faults"] details.hb-data summary').click();
  await expect(page.locator('.hb-cell[data-cell="faults"] details.hb-data table')).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
});
