// Method: list every page of the built site from its output folder (each index.html, plus the 404 page), load each
// at a phone's width (390 px) in both colour schemes, and measure: the document must not be wider than the
// viewport (wide maths, figures, tables and code scroll inside their own boxes), the header's Search and menu
// buttons must lie inside the viewport, every wide figure says that it scrolls, and axe (light scheme, the rules that
// width can change) must find no serious violation at that width (a box that scrolls must take keyboard focus).
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { WIDTH_RULES, watchErrors } from './helpers';

const OUT_DIR = process.env.OUT_DIR ?? 'dist';
const WIDTH = 390;

/** Every page's path below the site's base, e.g. '' (home), 'time/clocks/', from the built folder. */
function builtPages(dir = OUT_DIR): string[] {
  const pages: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== '_astro' && name !== 'pagefind') pages.push(...builtPages(path));
    } else if (name === 'index.html') {
      const folder = relative(OUT_DIR, dir).split(sep).join('/');
      pages.push(folder ? `${folder}/` : '');
    }
  }
  return pages.sort();
}

const PAGES = [...builtPages(), 'no-such-page/'];

test('the built site has the pages this test walks', () => {
  expect(PAGES).toEqual(expect.arrayContaining(['', 'glossary/', 'start/how-to-read/', 'time/clocks/', 'no-such-page/']));
});

for (const scheme of ['light', 'dark'] as const) {
  for (const path of PAGES) {
    test(`/${path} fits ${WIDTH} px without scrolling sideways (${scheme})`, async ({ page }) => {
      test.setTimeout(240_000); // axe on a long chapter is slow on a busy machine; the verdict must not depend on it
      const errors = watchErrors(page);
      await page.setViewportSize({ width: WIDTH, height: 844 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(path);
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      const { scrollWidth, viewport, widest } = await page.evaluate(() => {
        const viewport = document.documentElement.clientWidth;
        // The elements that stick out, to name in a failure: those whose right edge passes the viewport and whose
        // parent's does not (the outermost culprit, not every descendant of it).
        const out = (el: Element) => el.getBoundingClientRect().right > viewport + 0.5;
        const widest = Array.from(document.body.querySelectorAll('*'))
          .filter((el) => out(el) && el.parentElement && !out(el.parentElement))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`);
        return { scrollWidth: document.documentElement.scrollWidth, viewport, widest };
      });
      expect(scrollWidth, `wider than the viewport because of: ${widest.join(', ')}`).toBeLessThanOrEqual(viewport);
      // The home and 404 pages have no sidebar, so no menu button; every other page has both.
      const buttons = [page.locator('header button[data-open-modal]')];
      if (path !== '' && path !== 'no-such-page/') buttons.push(page.locator('starlight-menu-button button'));
      for (const button of buttons) {
        await expect(button).toBeVisible();
        const box = (await button.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport);
      }
      // A figure wider than the phone scrolls in its box, and a line under it says so.
      const hints = await page.locator('.hb-chart').evaluateAll((charts) => charts.map((c) => getComputedStyle(c, '::after').content));
      for (const hint of hints) expect(hint).toContain('Scroll sideways');
      // Axe once per page at this width, with the rules a narrower layout can change (boxes that now scroll must take
      // keyboard focus; text over what is drawn behind it). Those do not change with the colour scheme, and
      // site.spec.ts runs every rule at a desktop width.
      if (scheme === 'light') {
        const results = await new AxeBuilder({ page }).withRules(WIDTH_RULES).analyze();
        const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
      }
      expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    });
  }
}
