/**
 * The book's Content-Security-Policy, written into every built page as a `<meta http-equiv>` so it holds on any
 * static host (no server headers needed). It allows scripts only from the book's own origin plus the inline
 * scripts the build itself wrote (Starlight's theme, search and sidebar scripts, Astro's small module scripts),
 * each by its SHA-256 hash, computed here from the page's final HTML. Nothing a cell shows can therefore run
 * script, and nothing on the page can fetch from another origin.
 *
 * - `script-src` has no 'unsafe-inline' and no 'unsafe-eval'. It has 'wasm-unsafe-eval' because Pagefind's
 *   search runs WebAssembly. The lab worker compiles cells with `new Function`; a worker loaded from its own
 *   URL runs under that response's policy, not this page's, so this policy does not reach it.
 * - `style-src` keeps 'unsafe-inline': Plot and the build-time SVGs carry `style` attributes, and styles cannot
 *   run script. Loading styles, images and fonts from other origins is still refused (`url()` in a cell's
 *   chart is also removed by the views, src/views/render.ts).
 * - `worker-src 'self' blob:` admits the lab worker. `frame-ancestors` cannot be set from a meta tag; a host that
 *   wants it must send it as a header.
 *
 * The dev server (`npm start`) gets no policy: Vite injects inline scripts of its own there.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';

const EXECUTABLE_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript']);

/** The SHA-256 source expressions of the inline scripts a browser would run, in order of first appearance. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attributes = match[1]!;
    if (/\bsrc\s*=/i.test(attributes)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]?.toLowerCase() ?? '';
    if (!EXECUTABLE_TYPES.has(type)) continue; // JSON data blocks are never executed
    const hash = `'sha256-${createHash('sha256').update(match[2]!, 'utf8').digest('base64')}'`;
    if (!hashes.includes(hash)) hashes.push(hash);
  }
  return hashes;
}

export function policyFor(html: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${inlineScriptHashes(html).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** The page with its policy as the first element of <head> after the charset (a policy applies from its tag on). */
export function withContentSecurityPolicy(html: string): string {
  if (/<meta\s+http-equiv=["']content-security-policy["']/i.test(html)) return html;
  const meta = `<meta http-equiv="content-security-policy" content="${policyFor(html)}">`;
  const charset = /<meta\s+charset=[^>]*>/i.exec(html);
  const head = /<head\b[^>]*>/i.exec(html);
  const at = charset && head && charset.index > head.index ? charset.index + charset[0].length : head ? head.index + head[0].length : -1;
  if (at < 0) return html;
  return html.slice(0, at) + meta + html.slice(at);
}

async function* htmlFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}

/** Adds the policy to every HTML file of the finished build. */
export function contentSecurityPolicy(): AstroIntegration {
  return {
    name: 'happens-before:content-security-policy',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        let pages = 0;
        for await (const file of htmlFiles(fileURLToPath(dir))) {
          const html = await readFile(file, 'utf8');
          await writeFile(file, withContentSecurityPolicy(html));
          pages += 1;
        }
        logger.info(`Content-Security-Policy added to ${pages} pages`);
      },
    },
  };
}
