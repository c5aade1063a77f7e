// Takes full-page screenshots of built pages in both colour schemes, for looking at what a reader sees:
//   node scripts/screenshot.mjs http://127.0.0.1:4321/start/how-to-read/ out-prefix [--click-run] [--slices]
import { chromium } from '@playwright/test';
import { chromeArgs, requireChrome } from './find-chrome.mjs';

const [url, prefix = 'shot', ...flags] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: requireChrome(), args: chromeArgs });
for (const scheme of ['light', 'dark']) {
  const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
  page.on('console', (msg) => { if (msg.type() === 'error') console.log(`[${scheme}] console error: ${msg.text()}`); });
  page.on('pageerror', (error) => console.log(`[${scheme}] page error: ${error.message}`));
  await page.goto(url, { waitUntil: 'networkidle' });
  if (flags.includes('--click-run')) {
    for (const button of await page.locator('.hb-cell [data-action="run"]').all()) await button.click();
    await page.waitForTimeout(1500);
  }
  if (flags.includes('--slices')) {
    // Long pages in viewport-sized slices, which are easier to read than one very tall image.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, i = 0; y < height; y += 1400, i++) {
      await page.screenshot({ path: `${prefix}-${scheme}-${i}.png`, fullPage: true, clip: { x: 0, y, width: 1280, height: Math.min(1400, height - y) } });
    }
  } else {
    await page.screenshot({ path: `${prefix}-${scheme}.png`, fullPage: true });
  }
  await page.close();
}
await browser.close();
