// Method: read every chapter's source and hold the glossary and the chapters to each other: every glossary link
// names a defined term, every term is linked from the chapter that teaches it, and the entries are well formed.
// That each entry's section exists is checked in the browser tests, against the built pages' heading ids.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glossary, glossaryInOrder, glossaryLinks } from './glossary';

const root = 'content/chapters';
function sources(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, sources(path));
    else if (entry.name.endsWith('.mdx')) out[relative(root, path).replace(/\.mdx$/, '')] = readFileSync(path, 'utf8');
  }
  return out;
}
const chapters = sources(root);
const ids = new Set(glossary.map((entry) => entry.id));

describe('the glossary', () => {
  it('has unique, anchor-safe ids and unique terms, each with a definition of a sentence or more', () => {
    expect(ids.size).toBe(glossary.length);
    expect(new Set(glossary.map((entry) => entry.term.toLowerCase())).size).toBe(glossary.length);
    for (const entry of glossary) {
      expect(entry.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(entry.definition.length, entry.id).toBeGreaterThan(60);
      expect(entry.definition.endsWith('.'), entry.id).toBe(true);
    }
  });

  it('names only chapters that exist, and is listed alphabetically', () => {
    for (const entry of glossary) expect(Object.keys(chapters), entry.id).toContain(entry.taught.chapter);
    const terms = glossaryInOrder().map((entry) => entry.term.toLowerCase());
    expect(terms).toEqual([...terms].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('every glossary link in a chapter names a defined term', () => {
    for (const [chapter, source] of Object.entries(chapters)) {
      for (const id of glossaryLinks(source)) expect(ids.has(id), `${chapter} links to glossary/#${id}, which is not defined`).toBe(true);
    }
  });

  it('every term is linked from the chapter that teaches it', () => {
    for (const entry of glossary) {
      const linked = glossaryLinks(chapters[entry.taught.chapter] ?? '');
      expect(linked, `${entry.taught.chapter} should link to glossary/#${entry.id} where it first uses "${entry.term}"`).toContain(entry.id);
    }
  });

  it('glossaryLinks finds links at any depth and ignores other links', () => {
    expect(glossaryLinks('a [x](../../glossary/#seed) b [y](../glossary/#churn) [z](../../start/how-to-read/) [w](#ref-a)')).toEqual(['seed', 'churn']);
  });
});
