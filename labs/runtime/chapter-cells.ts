/**
 * Test support for the chapters' own tests (`labs/<topic>/chapter.test.ts`): read a chapter's MDX, take a cell's
 * source exactly as the page has it, apply the edits the prose invites, run it with the runtime the build uses,
 * and read its outputs back as plain data. A number the prose quotes from a run is then checked against the run,
 * so it cannot drift when a lab changes. Used only by tests; the site never imports it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parseCellMeta } from '../../src/build/remark-cells';
import type { Output, SpaceTimeOutput, TableOutput, TextOutput } from '../display/outputs';
import type { Trace } from '../sim/trace';
import { runCell } from './cell';

export interface ChapterCell {
  code: string;
  caption: string;
}

export interface Chapter {
  /** The MDX file as written. */
  source: string;
  /** The whole text, cells and captions included, with runs of white space folded to one space. */
  text: string;
  /** The text without any fenced block, white space folded, so a phrase is found across a line wrap. */
  prose: string;
  /** The cells in page order, by id. */
  cells: Map<string, ChapterCell>;
  /** The source of the cell with this id; throws if the chapter has none. */
  cellSource(id: string): string;
  /** The caption attribute of the cell with this id ('' if it has none). */
  cellCaption(id: string): string;
  /** Asserts that the chapter says this phrase word for word (up to line breaks). */
  says(phrase: string): void;
}

/** Reads `content/chapters/<path>` (e.g. `time/clocks.mdx`). */
export function readChapter(path: string): Chapter {
  const file = fileURLToPath(new URL(`../../content/chapters/${path}`, import.meta.url));
  const source = readFileSync(file, 'utf8');
  const cells = new Map<string, ChapterCell>();
  for (const match of source.matchAll(/^```ts cell([^\n]*)\n([\s\S]*?)\n```$/gm)) {
    const meta = parseCellMeta(match[1] ?? '');
    cells.set(String(meta.id), { code: match[2] ?? '', caption: typeof meta.caption === 'string' ? meta.caption : '' });
  }
  const text = source.replace(/\s+/g, ' ');
  const prose = source.replace(/^```[\s\S]*?^```$/gm, '').replace(/\s+/g, ' ');
  const cell = (id: string): ChapterCell => {
    const found = cells.get(id);
    if (!found) throw new Error(`${path} has no cell "${id}"`);
    return found;
  };
  return {
    source,
    text,
    prose,
    cells,
    cellSource: (id) => cell(id).code,
    cellCaption: (id) => cell(id).caption,
    says: (phrase) => expect(text.includes(phrase), `the chapter should say "${phrase}"`).toBe(true),
  };
}

/** Replaces one exact piece of a cell's source, as a reader following the prose would; it must occur once. */
export function edit(source: string, from: string, to: string): string {
  expect(source.split(from).length - 1, `the cell should contain ${from} once`).toBe(1);
  return source.replace(from, to);
}

/**
 * A `run` that runs each distinct source once and hands every later caller the same outputs: a chapter test reads
 * one cell's outputs from several tests without paying for the run again.
 */
export function runOnce(): (source: string) => Promise<Output[]> {
  const runs = new Map<string, Promise<Output[]>>();
  return (source) => {
    let found = runs.get(source);
    if (found === undefined) {
      found = run(source);
      runs.set(source, found);
    }
    return found;
  };
}

/**
 * Holds a cell's outputs to what their captions must tell the reader: one phrase per figure and per table, in output
 * order, each caption within 300 characters. The page shows a cell's fence caption only on its first figure, and
 * only when that figure has no caption of its own (src/views/render.ts), so a fence caption counts for that figure
 * and must be empty when every figure carries its own: one no figure shows would only mislead whoever edits it.
 */
export function expectCaptionGuidance(id: string, outputs: Output[], fenceCaption: string, expected: { figures: string[]; tables: string[] }): void {
  const figures = outputs.filter((o) => o.kind === 'plot' || o.kind === 'spacetime' || o.kind === 'timeseries' || o.kind === 'histogram');
  const shown = figures.map((o, i) => ('caption' in o && o.caption ? o.caption : i === 0 ? fenceCaption : ''));
  expect(shown).toHaveLength(expected.figures.length);
  expected.figures.forEach((phrase, i) => expect(shown[i], `${id} figure ${i + 1}`).toContain(phrase));
  const tables = ofKind(outputs, 'table').map((t) => t.caption ?? '');
  expect(tables).toHaveLength(expected.tables.length);
  expected.tables.forEach((phrase, i) => expect(tables[i], `${id} table ${i + 1}`).toContain(phrase));
  for (const caption of [...shown, ...tables]) expect(caption.length, caption).toBeLessThanOrEqual(300);
  if (figures.every((o) => 'caption' in o && o.caption)) expect(fenceCaption, `${id} has a fence caption no figure shows`).toBe('');
}

/** Runs a cell's source as the build does; a cell that fails fails the test with its error. */
export async function run(source: string, file = 'cell.ts'): Promise<Output[]> {
  const result = await runCell(source, file);
  expect(result.error, JSON.stringify(result.error)).toBeUndefined();
  return result.outputs;
}

export function ofKind<K extends Output['kind']>(outputs: Output[], kind: K): Extract<Output, { kind: K }>[] {
  return outputs.filter((o): o is Extract<Output, { kind: K }> => o.kind === kind);
}

/** A table's rows as records keyed by column name. */
export function records(t: TableOutput | undefined): Record<string, unknown>[] {
  if (!t) throw new Error('expected a table');
  return t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c, row[i]])));
}

/** The rows of the cell's `n`th table, as records keyed by column. */
export function table(outputs: Output[], n = 0): Record<string, unknown>[] {
  const tables = ofKind(outputs, 'table');
  if (tables[n] === undefined) throw new Error(`the cell showed ${tables.length} tables, not ${n + 1}`);
  return records(tables[n]);
}

/** The trace of the cell's `n`th space-time diagram. */
export function diagram(outputs: Output[], n = 0): Trace {
  const diagrams: SpaceTimeOutput[] = ofKind(outputs, 'spacetime');
  if (diagrams[n] === undefined) throw new Error(`the cell drew ${diagrams.length} space-time diagrams, not ${n + 1}`);
  return diagrams[n].trace;
}

/** Everything the cell printed as text, one output a line. */
export function printed(outputs: Output[]): string {
  return ofKind(outputs, 'text').map((o: TextOutput) => o.text).join('\n');
}

/**
 * The chapter's references and its citations agree: every `(#ref-id)` names an entry of the frontmatter's
 * `references`, and every entry is cited somewhere in the text.
 */
export function expectReferencesCited(mdx: string): void {
  const ids = [...mdx.matchAll(/^ {2}- id: (\S+)$/gm)].map((m) => m[1]);
  const cited = new Set([...mdx.matchAll(/\(#ref-([a-z0-9-]+)\)/g)].map((m) => m[1]));
  expect([...cited].filter((id) => !ids.includes(id)), 'citations of references the chapter does not list').toEqual([]);
  expect(ids.filter((id) => !cited.has(id)), 'references the text never cites').toEqual([]);
}

/** The headings of a chapter (`time/clocks`) as the site slugs them: lower case, punctuation dropped, spaces to dashes. */
export function chapterAnchors(path: string): Set<string> {
  const { source } = readChapter(`${path}.mdx`);
  const slug = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s+/g, '-');
  return new Set([...source.matchAll(/^#{2,4} (.+)$/gm)].map((m) => slug(m[1] as string)));
}

/**
 * Every link from `mdx` into a section of another chapter (`](../../time/clocks/#happens-before)`) names a heading
 * that exists there. Returns the links, so a test can also require particular ones.
 */
export function expectChapterLinksResolve(mdx: string): { path: string; anchor: string }[] {
  const links = [...mdx.matchAll(/\]\(\.\.\/\.\.\/([a-z-]+\/[a-z-]+)\/#([a-z0-9-]+)\)/g)].map((m) => ({ path: m[1] as string, anchor: m[2] as string }));
  for (const { path, anchor } of links) expect(chapterAnchors(path).has(anchor), `${path}#${anchor}`).toBe(true);
  return links;
}
