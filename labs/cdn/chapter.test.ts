// Method: read "Content delivery networks" from its MDX source, run each cell with the runtime the build uses, and
// hold every number the prose or a caption quotes from a run to that run's outputs. Where the prose invites an edit,
// the test applies it to the cell's source and checks what the prose promises. Each cell runs once and its outputs
// are shared by the tests that read them, to keep the file fast. Citations and cross-chapter links must resolve.
import { describe, expect, it } from 'vitest';
import { expectChapterLinksResolve, expectReferencesCited, readChapter } from '../runtime/chapter-cells';

const { source: chapter } = readChapter('serving/cdn.mdx');

describe('the chapter and its sources', () => {
  it('cites every reference it lists and lists every reference it cites', () => {
    expectReferencesCited(chapter);
  });

  it('links the partitioning chapter for consistent hashing and Maglev, and the consistency chapter, at headings that exist', () => {
    const links = expectChapterLinksResolve(chapter).map((l) => `${l.path}#${l.anchor}`);
    expect(links).toContain('scale/partitioning#consistent-hashing');
    expect(links).toContain('scale/partitioning#rendezvous-jump-and-maglev-hashing');
    expect(links).toContain('consistency/consistency-models#linearizability');
  });
});
