// Every test, in the order a failure is cheapest to find: unit and property tests (vitest), then the build (which
// executes every cell of every chapter), then the browser tests against the built site. Stops at the first
// failing stage and exits non-zero.
import { spawnSync } from 'node:child_process';
import { findChrome } from './find-chrome.mjs';

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const stages = [
  ['unit and property tests', 'npx', ['vitest', 'run']],
  ['type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['build (runs every cell)', 'npx', ['astro', 'build']],
  ['browser tests', 'npx', ['playwright', 'test']],
];

if (!findChrome()) {
  console.error('No Chromium found for the browser tests. Install one (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH.');
  process.exit(1);
}

for (const [name, command, args] of stages) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${name} passed in ${seconds} s`);
}
