// Method: manifests as an instructor would write them (good, mistaken, hostile) through parseManifest, comparing
// errors by their field path, and due dates on each side of real DST changes with instants worked out by hand.
import { describe, expect, it } from 'vitest';
import { assignmentLink, readAssignmentLink } from './link';
import { bookExerciseIds, dueInstant, MANIFEST_JSON_SCHEMA, parseManifest, resolveLocal, type Manifest } from './manifest';

const KNOWN = ['clocks/lamport-timestamps', 'clocks/vector-clock', 'clocks/hlc', 'consensus/request-vote', 'dht/jump-hash'];

const good = {
  id: 'cs451-2026-hw3',
  title: 'Homework 3: clocks',
  exercises: [
    { id: 'clocks/lamport-timestamps', points: 4 },
    { id: 'clocks/vector-clock', points: 6 },
  ],
  due: '2026-12-04T23:59',
  timeZone: 'America/Toronto',
  late: { kind: 'per-day', percent: 10, floor: 50, zeroAfter: '2026-12-11T23:59' },
  extensions: { s1234567: '2026-12-06T23:59' },
};

function errorsOf(value: unknown, known: string[] = KNOWN): string[] {
  const parsed = parseManifest(JSON.stringify(value), known);
  return parsed.ok ? [] : parsed.errors;
}

describe('parseManifest', () => {
  it('accepts a complete manifest and keeps every field', () => {
    const parsed = parseManifest(JSON.stringify(good), KNOWN);
    expect(parsed).toEqual({ ok: true, manifest: good, warnings: [] });
  });

  it('accepts and drops an editor\'s "$schema" field', () => {
    expect(parseManifest(JSON.stringify({ $schema: './manifest.schema.json', ...good }), KNOWN)).toEqual({ ok: true, manifest: good, warnings: [] });
  });

  it('names the field path and what was expected for each mistake', () => {
    const errors = errorsOf({ ...good, id: 'CS 451', exercises: [{ id: 'clocks/lamport-timestamps', points: -1 }], due: '2026-12-04 23:59', colour: 'red' });
    expect(errors.some((e) => e.startsWith('id: expected 1 to 64'))).toBe(true);
    expect(errors).toContain('exercises[0].points: expected points greater than 0.');
    expect(errors.some((e) => e.startsWith('due: expected a local date-time like "2026-12-04T23:59"'))).toBe(true);
    expect(errors).toContain('(file): unknown field "colour".');
  });

  it('reports missing fields, an impossible date and a late policy of the wrong kind', () => {
    const { title: _t, ...untitled } = good;
    expect(errorsOf(untitled)).toContain('title: required, expected string.');
    expect(errorsOf({ ...good, due: '2026-02-30T12:00' }).some((e) => e.startsWith('due: expected a local date-time'))).toBe(true);
    expect(errorsOf({ ...good, late: { kind: 'weekly', percent: 5 } }).some((e) => e.startsWith('late.kind:'))).toBe(true);
    expect(errorsOf({ ...good, late: { kind: 'per-hour', percent: 150 } }).some((e) => e.startsWith('late.percent:'))).toBe(true);
  });

  it('suggests the nearest ids for an unknown exercise, and refuses a repeated one', () => {
    const errors = errorsOf({ ...good, exercises: [{ id: 'clocks/vector-clokc', points: 1 }, { id: 'clocks/hlc', points: 1 }, { id: 'clocks/hlc', points: 2 }] });
    expect(errors[0]).toMatch(/^exercises\[0\]\.id: expected an exercise of this book; there is no "clocks\/vector-clokc"\. Nearest: "clocks\/vector-clock"/);
    expect(errors).toContain('exercises[2].id: expected each exercise once; "clocks/hlc" is also exercises[1].');
  });

  it('checks ids against every chapter of the book', async () => {
    const ids = await bookExerciseIds();
    expect(ids).toContain('clocks/vector-clock');
    expect(ids).toContain('dht/jump-hash');
    expect(parseManifest(JSON.stringify(good), ids).ok).toBe(true);
  });

  it('validates the time zone with Intl', () => {
    expect(errorsOf({ ...good, timeZone: 'Mars/Olympus_Mons' })).toEqual([
      'timeZone: expected an IANA time zone like "America/Toronto" or "Europe/Berlin"; got "Mars/Olympus_Mons".',
    ]);
    expect(errorsOf({ ...good, timeZone: 'Europe/Berlin' })).toEqual([]);
  });

  it('refuses a zeroAfter before the due date and warns of an extension that shortens the time', () => {
    expect(errorsOf({ ...good, late: { kind: 'per-day', percent: 10, zeroAfter: '2026-12-01T00:00' } })).toEqual([
      'late.zeroAfter: expected a date-time after due (2026-12-04T23:59); got 2026-12-01T00:00.',
    ]);
    const parsed = parseManifest(JSON.stringify({ ...good, extensions: { s1: '2026-12-01T00:00' } }), KNOWN);
    expect(parsed.ok && parsed.warnings[0]).toMatch(/^extensions\["s1"\]: 2026-12-01T00:00 is before the due date/);
  });

  it('warns of an extension whose key does not look like a student id the page accepts', () => {
    const warningsOf = (extensions: Record<string, string>) => {
      const parsed = parseManifest(JSON.stringify({ ...good, extensions }), KNOWN);
      return parsed.ok ? parsed.warnings : parsed.errors;
    };
    expect(warningsOf({ 'S 1': '2026-12-06T23:59' })).toEqual([
      'extensions["S 1"]: it holds whitespace, which student ids seldom do, so this extension may never apply; write the id exactly as the student enters it.',
    ]);
    expect(warningsOf({ ' s1': '2026-12-06T23:59' })[0]).toContain('trims spaces around a student id');
    expect(warningsOf({ 's\u0007': '2026-12-06T23:59' })[0]).toContain('control characters');
    expect(warningsOf({ ['x'.repeat(65)]: '2026-12-06T23:59' })[0]).toContain('at most 64 characters');
    expect(warningsOf({ s1: '2026-12-06T23:59', 'a.b-c_d@example.org': '2026-12-06T23:59' })).toEqual([]);
  });

  it('repeats a bad due date in its message', () => {
    expect(errorsOf({ ...good, due: '2026-12-04 23:59' })).toContain(
      'due: expected a local date-time like "2026-12-04T23:59" (no offset; it is read in the manifest\'s timeZone); got "2026-12-04 23:59".',
    );
  });

  it('never throws on hostile text', () => {
    for (const text of ['', 'null', '[]', '"x"', '{', '['.repeat(100_000), 'x'.repeat(2 * 1024 * 1024), JSON.stringify(good).replace('{', '{"__proto__": {"late": {"kind": "none"}},')]) {
      const parsed = parseManifest(text, KNOWN);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.errors.length).toBeGreaterThan(0);
    }
  });
});

describe('due dates across daylight saving time', () => {
  const utc = (iso: string) => Date.parse(iso);
  const due = (local: string, timeZone: string) => dueInstant({ ...(good as Manifest), due: local, timeZone, extensions: undefined });

  it('America/Toronto: EST before 8 March 2026, EDT after; 1 November back to EST', () => {
    expect(due('2026-03-07T23:59', 'America/Toronto')).toBe(utc('2026-03-08T04:59:00Z'));
    expect(due('2026-03-08T23:59', 'America/Toronto')).toBe(utc('2026-03-09T03:59:00Z'));
    expect(due('2026-10-31T23:59', 'America/Toronto')).toBe(utc('2026-11-01T03:59:00Z'));
    expect(due('2026-11-01T23:59', 'America/Toronto')).toBe(utc('2026-11-02T04:59:00Z'));
  });

  it('Europe/Berlin: CET before 29 March 2026, CEST after; 25 October back to CET', () => {
    expect(due('2026-03-28T23:59', 'Europe/Berlin')).toBe(utc('2026-03-28T22:59:00Z'));
    expect(due('2026-03-29T23:59', 'Europe/Berlin')).toBe(utc('2026-03-29T21:59:00Z'));
    expect(due('2026-10-24T12:00', 'Europe/Berlin')).toBe(utc('2026-10-24T10:00:00Z'));
    expect(due('2026-10-25T12:00', 'Europe/Berlin')).toBe(utc('2026-10-25T11:00:00Z'));
  });

  it('a skipped local time moves forward by the gap and a repeated one is the first, both with a warning', () => {
    expect(resolveLocal('2026-03-08T02:30', 'America/Toronto')).toEqual({ instantMs: utc('2026-03-08T07:30:00Z'), kind: 'skipped' });
    expect(resolveLocal('2026-11-01T01:30', 'America/Toronto')).toEqual({ instantMs: utc('2026-11-01T05:30:00Z'), kind: 'ambiguous' });
    expect(resolveLocal('2026-10-25T02:30', 'Europe/Berlin')).toEqual({ instantMs: utc('2026-10-25T00:30:00Z'), kind: 'ambiguous' });
    const parsed = parseManifest(JSON.stringify({ ...good, due: '2026-03-08T02:30', late: undefined }), KNOWN);
    expect(parsed.ok && parsed.warnings).toEqual(['due: 2026-03-08T02:30 does not exist in America/Toronto (clocks go forward); it is read as the same time after the change.']);
  });

  it('applies a student\'s extension and no one else\'s', () => {
    const manifest = good as Manifest;
    expect(dueInstant(manifest, 's1234567')).toBe(utc('2026-12-07T04:59:00Z'));
    expect(dueInstant(manifest, 's7654321')).toBe(utc('2026-12-05T04:59:00Z'));
    expect(dueInstant(manifest, 'constructor')).toBe(utc('2026-12-05T04:59:00Z'));
  });
});

describe('assignment links', () => {
  it('round-trips the public manifest and leaves out extensions', () => {
    const link = assignmentLink(good as Manifest, 'https://example.org/book');
    expect(link.startsWith('https://example.org/book/assignment/#a=')).toBe(true);
    expect(link).not.toContain('s1234567');
    const { extensions: _e, ...publicPart } = good;
    expect(readAssignmentLink(new URL(link).hash, KNOWN)).toEqual({ ok: true, manifest: publicPart, warnings: [] });
    expect(readAssignmentLink(link).ok).toBe(true);
  });

  it('keeps non-ASCII titles', () => {
    const link = assignmentLink({ ...(good as Manifest), title: 'Übung 3: Uhren ⏰' }, '/');
    const read = readAssignmentLink(link);
    expect(read.ok && read.manifest.title).toBe('Übung 3: Uhren ⏰');
  });

  it('says what is wrong with a missing, cut or corrupted link', () => {
    const link = assignmentLink(good as Manifest, '/');
    expect(readAssignmentLink('#')).toEqual({ ok: false, errors: [expect.stringContaining('has none')] });
    expect(readAssignmentLink(link.slice(0, -20))).toEqual({ ok: false, errors: [expect.stringContaining('cut short')] });
    expect(readAssignmentLink('#a=%%%')).toEqual({ ok: false, errors: [expect.stringContaining('not base64url')] });
    expect(readAssignmentLink(`#a=${'A'.repeat(100_000)}`).ok).toBe(false);
  });
});

describe('MANIFEST_JSON_SCHEMA', () => {
  it('is draft 2020-12 and lists the fields parseManifest reads', () => {
    const schema = MANIFEST_JSON_SCHEMA as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...Object.keys(good)].sort());
    expect(schema.required).toEqual(['id', 'title', 'exercises', 'due', 'timeZone']);
  });
});
