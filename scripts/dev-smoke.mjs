// What `npm start` serves: starts the dev server, loads the home page, a chapter and the glossary, and fails if
// any does not answer 200 or the server logs an error. The browser tests use the built site, so without this a
// change that only breaks the dev server (a build-only plugin, say) would go unnoticed.
import { spawn } from 'node:child_process';

const port = Number(process.env.DEV_SMOKE_PORT ?? 4331);
const pages = ['', 'scale/partitioning/', 'glossary/'];
const server = spawn('npx', ['astro', 'dev', '--port', String(port), '--host', '127.0.0.1'], {
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let log = '';
server.stdout.on('data', (chunk) => (log += chunk));
server.stderr.on('data', (chunk) => (log += chunk));
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
};

let failed = false;
try {
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    try {
      await fetch(base); // any answer, even an error page, means the server is up
      break;
    } catch {
      /* not up yet */
    }
    if (i > 200) throw new Error(`the dev server did not answer on port ${port} within a minute:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  for (const page of pages) {
    const response = await fetch(base + page);
    console.log(`${response.status} /${page}`);
    if (response.status !== 200) failed = true;
  }
  const errors = log.split('\n').filter((line) => line.includes('[ERROR]'));
  if (errors.length > 0) {
    console.error(`the dev server logged errors:\n${errors.join('\n')}`);
    failed = true;
  }
} catch (error) {
  console.error(String(error));
  failed = true;
} finally {
  stop();
}
process.exit(failed ? 1 : 0);
