// The benchmark: measures what the budgets speak of and prints one table (measured value, budget, verdict). It
// reports; it never fails a build. Budgets are from the foundation's specification; a later chapter adds its own
// rows. Results are also written to bench-results/latest.json for comparison between runs.
//
//   npm run bench             build, then measure everything
//   npm run bench -- --no-build   reuse dist/ (faster when only the browser numbers matter)
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { chromeArgs, requireChrome } from './find-chrome.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const port = Number(process.env.BENCH_PORT ?? 4337);
const rows = [];
const record = (metric, value, unit, budget, pass, note = '') => rows.push({ metric, value, unit, budget, verdict: pass === undefined ? '' : pass ? 'ok' : 'OVER', note });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function publishedChapters() {
  const chapters = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (entry.name.endsWith('.mdx')) {
        const text = await readFile(file, 'utf8');
        if (/^part:/m.test(text) && !/^status:\s*planned/m.test(text)) chapters.push(path.relative(path.join(root, 'content/chapters'), file).replace(/\.mdx$/, ''));
      }
    }
  }
  await walk(path.join(root, 'content/chapters'));
  return chapters;
}

// 1. Build time per chapter: one production build (which also runs every cell), divided by published chapters.
const chapters = await publishedChapters();
if (!process.argv.includes('--no-build')) {
  const started = performance.now();
  const result = spawnSync('npx', ['astro', 'build'], { cwd: root, env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error('astro build failed; run it on its own to see why');
  const seconds = (performance.now() - started) / 1000;
  record('build time, whole site', seconds.toFixed(1), 's', '', undefined, `${chapters.length} published chapter(s)`);
  record('build time per published chapter', (seconds / Math.max(1, chapters.length)).toFixed(1), 's', '', undefined, 'includes running every cell');
}

// 2. Simulator throughput in Node, against a bare binary-heap loop doing the same pushes and pops.
{
  const bundle = await build({ entryPoints: [path.join(root, 'labs/sim/bench-workload.ts')], bundle: true, format: 'esm', platform: 'node', write: false });
  const url = `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`;
  const { runPingWorkload, runBareHeapBaseline } = await import(url);
  const messages = 1_000_000;
  const time = (fn) => { const t = performance.now(); fn(messages); return performance.now() - t; };
  for (let i = 0; i < 2; i++) { time(runPingWorkload); time(runBareHeapBaseline); } // warm up the JIT
  const sim = [], bare = [];
  for (let i = 0; i < 7; i++) { sim.push(time(runPingWorkload)); bare.push(time(runBareHeapBaseline)); }
  const simRate = messages / (median(sim) / 1000);
  const ratio = median(sim) / median(bare);
  record('simulator: delivered messages per second (ping workload, 2 nodes, 16 in flight, trace off)', Math.round(simRate).toLocaleString('en'), 'msg/s', '≥ 1,000,000', simRate >= 1e6);
  record('simulator time ÷ bare binary-heap loop', ratio.toFixed(2), '×', 'goal ≤ 2', ratio <= 2);
}

// 3. Raft: committed commands per wall-clock second for a five-node cluster under a steady client load, and
//    simulated events per second, with trace recording off as a long experiment would run. What committed is
//    read from the nodes' final states (the leader's commit index), not from the trace.
{
  const bundle = await build({
    stdin: { contents: "export { raftNode } from './labs/consensus/raft'; export { Simulation } from './labs/sim/simulation';", resolveDir: root, loader: 'ts' },
    bundle: true, format: 'esm', platform: 'node', write: false,
  });
  const { raftNode, Simulation } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const simulatedMs = 20_000;
  const run = () => {
    const interventions = [];
    for (let i = 0, atMs = 500; atMs < simulatedMs - 500; i++, atMs += 20) {
      for (const node of ids) interventions.push({ atMs, kind: 'request', node, request: { command: `set x=${i}` } });
    }
    const started = performance.now();
    const sim = new Simulation({ seed: 1, nodes: Object.fromEntries(ids.map((id) => [id, raftNode()])), interventions, trace: { record: false } });
    sim.runUntil(simulatedMs);
    const ms = performance.now() - started;
    const committed = Math.max(...Object.values(sim.states()).map((state) => state?.commitIndex ?? 0));
    return { ms, committed, steps: sim.trace().stats.steps };
  };
  run(); // warm up
  const runs = [run(), run(), run()];
  const ms = median(runs.map((r) => r.ms));
  const { committed, steps } = runs[0];
  record('raft: committed commands per wall-clock second (5 nodes, a command every 20 ms)', Math.round(committed / (ms / 1000)).toLocaleString('en'), 'cmd/s', '', undefined, `${committed} committed in ${simulatedMs / 1000} simulated s, ${ms.toFixed(0)} ms of wall time`);
  record('raft: simulated node steps per wall-clock second', Math.round(steps / (ms / 1000)).toLocaleString('en'), 'steps/s', '', undefined, `${steps} steps`);
}

// 4. DHT lookups through the simulator, trace recording off: Chord on a stable 4,096-node ring and Kademlia on a
//    prepopulated 10,000-node network. Wall time includes building the network; the note says how much.
{
  const bundle = await build({ entryPoints: [path.join(root, 'labs/dht/index.ts')], bundle: true, format: 'esm', platform: 'node', write: false });
  const { runChord, runKademlia } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
  const timed = (fn) => { const started = performance.now(); const value = fn(); return { ms: performance.now() - started, value }; };
  // The same simulated span with and without lookups: the difference is what the lookups cost, the rest is
  // building the ring and its stabilization timers.
  const chordRun = (lookups) => runChord({ seed: 1, nodes: 4096, stable: true, lookups, lookupIntervalMs: 1, untilMs: 1400, record: false });
  const chordSetup = timed(() => chordRun(0));
  const chord = timed(() => chordRun(1000));
  const chordOk = chord.value.lookups.filter((l) => l.ok).length;
  const chordMs = Math.max(1, chord.ms - chordSetup.ms);
  record('chord: lookups per wall-clock second (4,096 nodes, stable ring)', Math.round(chordOk / (chordMs / 1000)).toLocaleString('en'), 'lookups/s', '', undefined, `${chordOk} of 1000 ok; ring and maintenance without lookups took ${chordSetup.ms.toFixed(0)} ms, excluded`);
  const kadSetup = timed(() => runKademlia({ seed: 1, nodes: 10_000, prepopulated: true, lookups: 0, record: false }));
  const kad = timed(() => runKademlia({ seed: 1, nodes: 10_000, prepopulated: true, lookups: 500, record: false }));
  const kadOk = kad.value.lookups.filter((l) => l.ok).length;
  const kadMs = Math.max(1, kad.ms - kadSetup.ms);
  record('kademlia: lookups per wall-clock second (10,000 nodes, k = 8, α = 3)', Math.round(kadOk / (kadMs / 1000)).toLocaleString('en'), 'lookups/s', '', undefined, `${kadOk} of 500 found the true 8 closest; setup ${kadSetup.ms.toFixed(0)} ms excluded`);
}

// 5. In Chromium against the built site: JS before interaction, and Run-to-output latency.
const server = spawn('npx', ['astro', 'preview', '--port', String(port), '--host', '127.0.0.1'], { cwd: root, env, stdio: 'ignore', detached: true });
const base = `http://127.0.0.1:${port}${(process.env.BASE_PATH ?? '/').replace(/\/?$/, '/')}`;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(base)).ok) break; } catch { /* not up yet */ }
    if (i > 100) throw new Error(`the preview server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const browser = await chromium.launch({ executablePath: requireChrome(), args: chromeArgs });
  for (const chapter of chapters) {
    // JS loaded before any interaction: every script response until the network is idle, plus inline scripts.
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts = [];
    page.on('response', async (response) => {
      if (response.request().resourceType() !== 'script') return;
      // The search UI loads on the first open of search (src/build/lazy-search.ts); if it ever loads before, say so.
      const search = /ui-core|pagefind/.test(response.url());
      scripts.push(response.body().then((b) => ({ bytes: gzipSync(b).length, search })).catch(() => ({ bytes: 0, search })));
    });
    await page.goto(`${base}${chapter}/`, { waitUntil: 'networkidle' });
    const inline = await page.evaluate(() => Array.from(document.querySelectorAll('script:not([src])')).filter((s) => !s.type || s.type === 'module' || s.type === 'text/javascript').map((s) => s.textContent ?? ''));
    const loaded = await Promise.all(scripts);
    const external = loaded.reduce((a, s) => a + s.bytes, 0);
    const searchBytes = loaded.filter((s) => s.search).reduce((a, s) => a + s.bytes, 0);
    const inlineBytes = inline.reduce((a, text) => a + gzipSync(Buffer.from(text)).length, 0);
    const kib = (external + inlineBytes) / 1024;
    record(`${chapter}: JS before interaction (gzip, ${loaded.length} files + inline)`, kib.toFixed(1), 'KiB', '≤ 20', kib <= 20, searchBytes > 0 ? `${(searchBytes / 1024).toFixed(1)} KiB of it is the search UI, which should load on first open` : 'search UI not loaded');
    if (chapter === chapters[0]) {
      // What the first open of search costs, once: the Pagefind UI's script (its index is fetched per query).
      const searchPage = await context.newPage();
      const searchScripts = [];
      await searchPage.goto(`${base}${chapter}/`, { waitUntil: 'networkidle' });
      searchPage.on('response', (response) => {
        if (response.request().resourceType() === 'script') searchScripts.push(response.body().then((b) => gzipSync(b).length).catch(() => 0));
      });
      const opened = performance.now();
      await searchPage.getByRole('button', { name: 'Search' }).click();
      await searchPage.locator('dialog[open] .pagefind-ui__search-input').waitFor();
      const readyMs = performance.now() - opened;
      await searchPage.waitForLoadState('networkidle');
      const searchKib = (await Promise.all(searchScripts)).reduce((a, b) => a + b, 0) / 1024;
      record('search: script loaded on the first open (gzip)', searchKib.toFixed(1), 'KiB', '', undefined, `search box ready ${Math.round(readyMs)} ms after the click, from a local server`);
      await searchPage.close();
    }

    // Run to output: the first run (worker start, module loads, Plot) and warm runs of the first cell.
    const cells = await page.locator('.hb-cell').evaluateAll((els) => els.map((el) => el.dataset.cell));
    const runOnce = (id) => page.evaluate((cellId) => new Promise((resolve) => {
      const cell = document.querySelector(`.hb-cell[data-cell="${cellId}"]`);
      const status = cell.querySelector('.hb-cell-status');
      status.textContent = '';
      const started = performance.now();
      const observer = new MutationObserver(() => {
        if (/^(Ran in|Failed|Stopped)/.test(status.textContent)) { observer.disconnect(); resolve({ ms: performance.now() - started, status: status.textContent }); }
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
      cell.querySelector('[data-action="run"]').click();
    }), id);
    if (cells.length > 0) {
      const first = await runOnce(cells[0]);
      record(`${chapter}: first run, Run to output (cell ${cells[0]})`, first.ms.toFixed(0), 'ms', '≤ 1000', first.ms <= 1000, first.status);
      const warm = [];
      for (let i = 0; i < 15; i++) warm.push((await runOnce(cells[0])).ms);
      const m = median(warm);
      record(`${chapter}: warm run, median of 15 (cell ${cells[0]})`, m.toFixed(0), 'ms', '≤ 150', m <= 150);
      let heaviest = { id: '', ms: 0 };
      for (const id of cells) {
        await runOnce(id);
        const ms = median([(await runOnce(id)).ms, (await runOnce(id)).ms, (await runOnce(id)).ms]);
        if (ms > heaviest.ms) heaviest = { id, ms };
      }
      record(`${chapter}: heaviest cell, warm (cell ${heaviest.id})`, heaviest.ms.toFixed(0), 'ms', '', undefined, `${cells.length} cells`);
    }
    await context.close();
  }
  await browser.close();
} finally {
  try { process.kill(-server.pid); } catch { /* already gone */ }
}

const widths = ['metric', 'value', 'unit', 'budget', 'verdict'].map((key) => Math.max(key.length, ...rows.map((r) => String(r[key]).length)));
const line = (r) => ['metric', 'value', 'unit', 'budget', 'verdict'].map((key, i) => String(r[key]).padEnd(widths[i])).join(' | ') + (r.note ? `  (${r.note})` : '');
console.log(line({ metric: 'metric', value: 'value', unit: 'unit', budget: 'budget', verdict: 'verdict' }));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
await mkdir(path.join(root, 'bench-results'), { recursive: true });
await writeFile(path.join(root, 'bench-results/latest.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
