/**
 * Chapter frontmatter: Starlight's own fields (title, description, ...) plus the fields that make a page a chapter
 * of the book. A page without `part` (the home page, for example) is not a chapter and needs none of them.
 *
 * Example:
 * ```yaml
 * title: Time, clocks and the order of events
 * part: time
 * order: 1
 * status: published
 * summary: Why a distributed system has no global clock, and what it uses instead.
 * objectives:
 *   - Compute Lamport and vector timestamps for a space-time diagram.
 * prerequisites:
 *   - How to read this book
 * references:
 *   - id: lamport1978
 *     authors: Leslie Lamport
 *     title: Time, Clocks, and the Ordering of Events in a Distributed System
 *     venue: Communications of the ACM 21(7)
 *     year: 1978
 *     url: https://doi.org/10.1145/359545.359563
 * ```
 */
import { z } from 'astro/zod';
import { partIds } from './parts';

/** A primary source: a paper, an RFC, a system's own documentation. */
export const referenceSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'a reference id is lower-case letters, digits and dashes, e.g. lamport1978')
    .describe('Key used to cite it in the text, e.g. `lamport1978`.'),
  authors: z.string().describe('As printed, e.g. `Leslie Lamport` or `D. Mills, J. Martin, J. Burbank, W. Kasch`.'),
  title: z.string().describe('Full title, e.g. `Time, Clocks, and the Ordering of Events in a Distributed System`.'),
  venue: z.string().optional().describe('Journal, conference, series or publisher, e.g. `RFC 5905` or `PODC 2014`.'),
  year: z.number().int().min(1900).max(2100).describe('Year of publication, e.g. `1978`.'),
  url: z.string().url().optional().describe('A stable link (DOI, RFC editor, the system\'s docs).'),
  note: z.string().optional().describe('One line on why it is worth reading.'),
});

export const chapterFields = z.object({
  part: z.enum(partIds).optional().describe(`The part this chapter belongs to, one of: ${partIds.join(', ')}.`),
  order: z.number().int().min(1).optional().describe('Position within the part, starting at 1, e.g. `2`.'),
  status: z.enum(['planned', 'draft', 'published']).default('published')
    .describe('`planned`: listed as coming, the page shows its summary and objectives; `draft`: readable, marked as a draft; `published`.'),
  summary: z.string().optional().describe('One or two sentences for the table of contents.'),
  objectives: z.array(z.string()).default([]).describe('What the reader will be able to do afterwards, one per line.'),
  prerequisites: z.array(z.string()).default([]).describe('What to know first: chapter titles or topics.'),
  references: z.array(referenceSchema).default([]).describe('Primary sources, listed at the end of the chapter.'),
}).refine((data) => (data.part === undefined) === (data.order === undefined), {
  message: 'a chapter needs both `part` and `order` (a page that is not a chapter has neither)',
  path: ['order'],
});

export type ChapterFields = z.infer<typeof chapterFields>;
export type Reference = z.infer<typeof referenceSchema>;
