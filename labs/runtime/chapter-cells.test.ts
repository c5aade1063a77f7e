// Method: read every chapter of the book with the chapters' own cell reader and hold each teaching cell to the
// book's rule that a cell the reader copies never silences the type checker (`as never`, `as any`).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readChapter } from './chapter-cells';

const chapters = readdirSync(new URL('../../content/chapters/', import.meta.url), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.mdx'))
  .map((file) => file.split('\\').join('/'));

describe('teaching cells', () => {
  it('the reader finds the cells of the published chapters', () => {
    const counts = Object.fromEntries(chapters.map((path) => [path, readChapter(path).cells.size]));
    for (const path of ['start/how-to-read.mdx', 'time/clocks.mdx', 'agreement/consensus.mdx', 'scale/partitioning.mdx']) {
      expect(counts[path], path).toBeGreaterThanOrEqual(5);
    }
  });
  it('no cell of any chapter silences the type checker with `as never` or `as any`', () => {
    for (const path of chapters) {
      for (const [id, cell] of readChapter(path).cells) expect(cell.code, `${path}, cell "${id}"`).not.toMatch(/\bas (never|any)\b/);
    }
  });
});
