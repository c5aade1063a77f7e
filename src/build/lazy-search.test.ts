// Method: the rewrite is checked on the installed Starlight's own Search.astro (so an upgrade that changes the
// code fails here first, with the build's message), and on text without the trigger, which must be refused.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FIRST_OPEN_TRIGGER, IDLE_TRIGGER, deferSearchUi } from './lazy-search';

const require = createRequire(import.meta.url);
// The package's exports list neither its package.json nor its components' sources: walk up from its entry point.
let starlightRoot = dirname(require.resolve('@astrojs/starlight'));
while (!existsSync(join(starlightRoot, 'package.json'))) starlightRoot = dirname(starlightRoot);
const searchAstro = readFileSync(join(starlightRoot, 'components', 'Search.astro'), 'utf8');

describe('lazy-search', () => {
  it('finds the idle trigger exactly once in the installed Starlight and replaces it with the first-open trigger', () => {
    const rewritten = deferSearchUi(searchAstro);
    expect(rewritten).not.toContain(IDLE_TRIGGER);
    expect(rewritten).toContain(FIRST_OPEN_TRIGGER);
    expect(rewritten).not.toContain('requestIdleCallback');
    // The UI is still created by Starlight's own code, with its options.
    expect(rewritten).toContain("await import('@pagefind/default-ui')");
    expect(rewritten.replace(FIRST_OPEN_TRIGGER, IDLE_TRIGGER)).toBe(searchAstro);
  });

  it('refuses code without the trigger, or with it twice, with a message that says what to check', () => {
    expect(() => deferSearchUi('class SiteSearch {}')).toThrow(/lazy-search.*Search\.astro/);
    expect(() => deferSearchUi(`${IDLE_TRIGGER}\n${IDLE_TRIGGER}`)).toThrow(/exactly once/);
  });
});
