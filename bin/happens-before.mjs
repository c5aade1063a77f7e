#!/usr/bin/env node
// The instructor's command (`npx happens-before --help`). The book's code is TypeScript, so on start this bundles
// labs/assign/cli.ts with esbuild into node_modules/.cache/happens-before/cli-<hash>/, the hash taken over every
// source file under labs/ and the lockfile, so an unchanged checkout reuses the bundle and starts at once. The
// sandbox bundles its own child (labs/assign/sandbox-child.ts) the same way, into a folder the child alone may read.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  walk(path.join(root, 'labs'));
  for (const file of ['package-lock.json', 'bin/happens-before.mjs']) if (existsSync(path.join(root, file))) hash.update(readFileSync(path.join(root, file)));
  return hash.digest('hex').slice(0, 16);
}

async function cliBundle() {
  const dir = path.join(root, 'node_modules', '.cache', 'happens-before', `cli-${sourceHash()}`);
  const file = path.join(dir, 'cli.mjs');
  if (existsSync(file)) return file;
  let build;
  try {
    ({ build } = await import('esbuild'));
  } catch {
    process.stderr.write('error: esbuild is not installed; run "npm install" in the book\'s folder first.\n');
    process.exit(2);
  }
  const output = await build({
    entryPoints: [path.join(root, 'labs/assign/cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    // esbuild stays a package: the sandbox imports it to bundle its child.
    external: ['esbuild'],
    alias: { labs: path.join(root, 'labs') },
    banner: { js: "import { createRequire as __hbCreateRequire } from 'node:module'; const require = __hbCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  mkdirSync(dir, { recursive: true });
  // Written then renamed, so a second command started meanwhile never runs half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, output.outputFiles[0].text);
  renameSync(temporary, file);
  // Older bundles are of sources that no longer exist; a command still running one has already loaded it.
  for (const entry of readdirSync(path.dirname(dir))) {
    if (entry.startsWith('cli-') && entry !== path.basename(dir)) rmSync(path.join(path.dirname(dir), entry), { recursive: true, force: true });
  }
  return file;
}

const { runCli } = await import(pathToFileURL(await cliBundle()).href);
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
});
