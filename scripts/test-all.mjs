// Every test, in the order a failure is cheapest to find: unit and property tests (vitest), the type check, the dev
// server's pages, then the build (which executes every cell of every chapter), then the browser tests against the
// built site. Stops at the first
// failing stage and exits non-zero.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { findChrome } from './find-chrome.mjs';

// Each runner also writes a JSON report here, so the last line can total every test that ran.
const reports = 'test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const stages = [
  ['unit and property tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/vitest.json`]],
  ['type check (astro check: TypeScript and .astro files)', 'npx', ['astro', 'check']],
  ['dev server (what `npm start` serves)', 'node', ['scripts/dev-smoke.mjs']],
  ['build (runs every cell)', 'npx', ['astro', 'build']],
  ['browser tests', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/browser.json` }],
  ['build for a sub-path (BASE_PATH=/book/)', 'npx', ['astro', 'build'], { BASE_PATH: '/book/', OUT_DIR: './dist-subpath' }],
  ['browser smoke test under /book/', 'npx', ['playwright', 'test', '--grep', '@smoke', '--reporter=list,json'], { BASE_PATH: '/book/', OUT_DIR: './dist-subpath', PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/subpath.json` }],
];

if (!findChrome()) {
  console.error('No Chromium found for the browser tests. Install one (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH.');
  process.exit(1);
}

for (const [name, command, args, extraEnv = {}] of stages) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds} s`);
    summarise();
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${name} passed in ${seconds} s`);
}
summarise();

/** Totals from the runners' own reports: `N passed, N failed` on the last line. */
function summarise() {
  let passed = 0;
  let failed = 0;
  const read = (file) => (existsSync(`${reports}/${file}`) ? JSON.parse(readFileSync(`${reports}/${file}`, 'utf8')) : undefined);
  const unit = read('vitest.json');
  if (unit) {
    passed += unit.numPassedTests;
    failed += unit.numFailedTests;
  }
  for (const file of ['browser.json', 'subpath.json']) {
    const browser = read(file);
    if (browser) {
      passed += browser.stats.expected + browser.stats.flaky;
      failed += browser.stats.unexpected;
    }
  }
  console.log(`\n${passed} passed, ${failed} failed`);
}
