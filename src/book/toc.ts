/**
 * The table of contents, computed once from the chapters' frontmatter: parts in the order of src/book/parts.ts,
 * chapters by `order` within a part, and chapter numbers counted across the book. The sidebar, previous/next links, the
 * home page's contents and each chapter's title all read it, so they cannot disagree. Numbering starts at 0 with
 * the first chapter of the first part (How to read this book).
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import { parts, type Part } from './parts';

export interface TocChapter {
  /** Collection id, which is also the page's path below the base, e.g. `start/how-to-read`. */
  id: string;
  number: number;
  title: string;
  status: 'planned' | 'draft' | 'published';
  summary?: string;
  entry: CollectionEntry<'docs'>;
}

export interface TocPart extends Part {
  chapters: TocChapter[];
}

let cached: Promise<TocPart[]> | undefined;

export function getToc(): Promise<TocPart[]> {
  cached ??= buildToc();
  return cached;
}

async function buildToc(): Promise<TocPart[]> {
  const entries = (await getCollection('docs')).filter((entry) => entry.data.part !== undefined);
  let number = 0;
  return parts.map((part) => {
    const chapters = entries
      .filter((entry) => entry.data.part === part.id)
      .sort((a, b) => (a.data.order ?? 0) - (b.data.order ?? 0) || a.id.localeCompare(b.id))
      .map((entry) => ({
        id: entry.id,
        number: number++,
        title: entry.data.title,
        status: entry.data.status,
        summary: entry.data.summary,
        entry,
      }));
    return { ...part, chapters };
  });
}

export async function chapterById(id: string): Promise<TocChapter | undefined> {
  for (const part of await getToc()) {
    const chapter = part.chapters.find((candidate) => candidate.id === id);
    if (chapter) return chapter;
  }
  return undefined;
}

/** The site-relative href of a chapter, honouring the configured base path. */
export function chapterHref(id: string): string {
  const base = import.meta.env.BASE_URL.endsWith('/') ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;
  return `${base}${id}/`;
}
