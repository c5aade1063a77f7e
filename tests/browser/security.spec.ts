// Method: load a chapter of the built site as a reader would, in both colour schemes, and check what the browser
// enforces: the page carries a Content-Security-Policy, nothing on it (theme, search, cells, the worker, KaTeX)
// trips that policy, and markup a cell crafts (a javascript: link in a plot, HTML in a caption or a table) stays
// inert: no script runs, no page navigates, no such link is even written.
import { expect, test, type Page } from '@playwright/test';
import { CHAPTER, cell, replaceCode, runCell, watchErrors } from './helpers';

/** Records every CSP violation the page reports, from before its first script. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

test('a chapter page carries a policy that forbids inline script and other origins', async ({ page }) => {
  const violations = await watchViolations(page);
  await page.goto(CHAPTER);
  expect(await violations()).toEqual([]);
  // The policy is enforced, and the watcher sees it: a script the page did not ship is refused and reported.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'document.body.dataset.injected = "1"';
    document.body.append(script);
  });
  expect(await page.evaluate(() => document.body.dataset.injected)).toBeUndefined();
  await expect.poll(violations).toEqual([expect.stringMatching(/^script-src(-elem)? inline$/)]);
  const policy = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(policy).toContain("connect-src 'self'");
  // The policy must come before any script, or it does not govern it.
  const order = await page.evaluate(() => Array.from(document.head.children).findIndex((e) => e.matches('meta[http-equiv="content-security-policy"]'))
    < Array.from(document.head.children).findIndex((e) => e.localName === 'script'));
  expect(order).toBe(true);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`nothing on a chapter trips the policy in the ${scheme} scheme: theme, search, maths, cells and the worker`, async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    const violations = await watchViolations(page);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(CHAPTER);
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await runCell(page, 'first-run');
    await expect(cell(page, 'first-run').locator('.hb-cell-status')).toHaveText(/^Ran in/);
    await expect(cell(page, 'first-run').locator('figure svg')).toBeVisible();
    await page.keyboard.press('ControlOrMeta+k');
    const search = page.locator('dialog[open] .pagefind-ui__search-input');
    await expect(search).toBeVisible();
    await search.fill('lamport');
    await expect(page.locator('dialog[open] .pagefind-ui__result-link').first()).toBeVisible();
    await page.keyboard.press('Escape');
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('a plot link, caption or table a cell crafts cannot run script or navigate', async ({ page }) => {
  const errors = watchErrors(page);
  const violations = await watchViolations(page);
  await page.goto(CHAPTER);
  const start = page.url();
  await replaceCode(page, 'rtt-table', [
    'const data = [',
    "  { x: 1, y: 1, url: 'javascript:document.body.dataset.pwned = \"1\"' },",
    "  { x: 2, y: 2, url: ' java\\tscript:document.body.dataset.pwned = \"2\"' },",
    "  { x: 3, y: 3, url: 'data:text/html,<script>parent.document.body.dataset.pwned = \"3\"</script>' },",
    "  { x: 4, y: 4, url: '../../glossary/' },",
    '];',
    "display.plot({ marks: [{ mark: 'dot', data, options: { x: 'x', y: 'y', r: 12, href: 'url' } }], caption: '<img src=x onerror=\"document.body.dataset.pwned=4\">' });",
    "display.table([{ html: '<img src=x onerror=\"document.body.dataset.pwned=5\">' }]);",
  ].join('\n'));
  await runCell(page, 'rtt-table');
  const output = cell(page, 'rtt-table').locator('.hb-cell-output');
  await expect(output.locator('figure svg')).toBeVisible();
  await expect(output.locator('img')).toHaveCount(0);
  await expect(output.locator('figcaption')).toContainText('<img src=x');
  const hrefs = await output.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(hrefs).toEqual([null, null, null, '../../glossary/']);
  for (const link of (await output.locator('a').all()).slice(0, 3)) await link.click({ force: true });
  expect(page.url()).toBe(start);
  expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
  expect(await violations()).toEqual([]);
  expect(errors).toEqual([]);
  await cell(page, 'rtt-table').locator('[data-action="reset"]').click();
});
