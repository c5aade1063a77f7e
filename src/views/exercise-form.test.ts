// Method: render the answer form of every structured exercise of the chapters with typed answers, as the page
// does, and read its label back: the label's example must be the exercise's own placeholder and parse in the
// exercise's format, and the wording must not claim items or an order that the exercise does not ask for (the
// label once said "names" for ping numbers and "ordered pairs" for concurrent pairs). The fallback examples of
// each format must parse too.
import { describe, expect, it } from 'vitest';
import { exerciseSet as clocks } from '../../labs/clocks/exercises';
import { exerciseView } from '../../labs/exercises-view';
import { parseStructured } from '../../labs/exercises/parse';
import type { Exercise, StructuredFormat } from '../../labs/exercises/types';
import { exerciseSet as intro } from '../../labs/intro/exercises';
import { exerciseBodyHtml, FORMAT_HINTS, structuredLabel } from './exercise-form';

const unescape = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('structured answer labels', () => {
  const structured = [...intro.exercises, ...clocks.exercises].filter((def): def is Extract<Exercise, { kind: 'structured' }> => def.kind === 'structured');

  it.each(structured.map((def) => [def.id, def] as const))('%s: the label shows the placeholder as its example, and it parses', (_id, def) => {
    const html = exerciseBodyHtml(exerciseView(def, 0));
    const label = unescape(/<label for="[^"]*-text">([^<]*)<\/label>/.exec(html)?.[1] ?? '');
    const placeholder = unescape(/placeholder="([^"]*)"/.exec(html)?.[1] ?? '');
    expect(placeholder).toBe(def.placeholder);
    expect(label).toBe(`Your answer: ${FORMAT_HINTS[def.format]?.shape}, like ${placeholder}`);
    expect(parseStructured(def.format, placeholder)).toMatchObject({ ok: true });
    expect(label).not.toMatch(/\bnames\b|\bordered\b/);
  });

  it('falls back to an example of the format that parses, and to a bare label for an unknown format', () => {
    for (const [format, hint] of Object.entries(FORMAT_HINTS)) {
      expect(parseStructured(format as StructuredFormat, hint.example), format).toMatchObject({ ok: true });
      expect(structuredLabel(format, undefined)).toBe(`Your answer: ${hint.shape}, like ${hint.example}`);
    }
    expect(structuredLabel('matrix', '[[1]]')).toBe('Your answer');
  });
});
