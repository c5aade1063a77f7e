// Finds a Chromium-family browser the way a user's machine would have one: CHROME_PATH first, then the usual
// Linux and macOS locations. Used by the browser tests and the benchmark; nothing is ever downloaded.
import { existsSync } from 'node:fs';

const candidates = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export function findChrome() {
  return candidates.find((path) => path && existsSync(path));
}

export const chromeArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function requireChrome() {
  const path = findChrome();
  if (!path) {
    throw new Error('No Chromium found. Install one (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH to a Chrome or Chromium binary.');
  }
  return path;
}

// As a command: print the browser's path, or exit 1 (.ci/run uses this to decide whether to install one).
if (import.meta.url === `file://${process.argv[1]}`) {
  const path = findChrome();
  if (path) console.log(path);
  process.exit(path ? 0 : 1);
}
