import { defineConfig } from '@playwright/test';
import { chromeArgs, requireChrome } from './scripts/find-chrome.mjs';

/**
 * Browser tests run against the built site (dist/) served by `astro preview` on a fixed port, in the machine's own
 * Chromium (scripts/find-chrome.mjs): no browser is downloaded. BASE_PATH, if set at build time, must be set here
 * too so the tests visit the same sub-path.
 */
const port = Number(process.env.PREVIEW_PORT ?? 4329);
const base = (process.env.BASE_PATH ?? '/').replace(/\/?$/, '/');

export default defineConfig({
  testDir: 'tests/browser',
  // Generous limits: a slow or busy machine (or a CPU-throttled run) must reach the same verdicts, only later. The
  // limits are there to end a test that hangs, not to measure speed.
  timeout: 600_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}${base}`,
    launchOptions: { executablePath: requireChrome(), args: chromeArgs },
    trace: 'off',
  },
  webServer: {
    command: `npx astro preview --port ${port} --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}${base}`,
    reuseExistingServer: false,
    timeout: 180_000,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } as Record<string, string>,
  },
});
