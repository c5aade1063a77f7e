// Method: round-trip properties (fast-check writes random values in each format's accepted spellings and the
// parser must read them back) plus table tests of the exact messages for typical mistakes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber, parseStructured } from './parse';

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,4}$/);
const separator = fc.constantFrom(', ', ',', ' ', ' , ', '; ');

describe('structured formats read back what was written', () => {
  it('vector', () => {
    const entry = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), separator, fc.boolean(), (values, sep, brackets) => {
        const body = values.map(String).join(sep);
        expect(parseStructured('vector', brackets ? `[${body}]` : body)).toEqual({ ok: true, value: values.map((v) => Number(String(v))) });
      }),
    );
  });
  it('list keeps order and duplicates; set sorts and deduplicates', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), separator, (names, sep) => {
        expect(parseStructured('list', `[${names.join(sep)}]`)).toEqual({ ok: true, value: names });
        expect(parseStructured('set', `{${names.join(sep)}}`)).toEqual({ ok: true, value: [...new Set(names)].sort() });
      }),
    );
  });
  it('pairs, as (a, b) or a -> b, mixed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, name, fc.boolean()), { minLength: 1, maxLength: 6 }), separator, (pairs, sep) => {
        const text = pairs.map(([a, b, arrow]) => (arrow ? `${a} -> ${b}` : `(${a}, ${b})`)).join(sep === ' ' ? ', ' : sep);
        expect(parseStructured('pairs', text)).toEqual({ ok: true, value: pairs.map(([a, b]) => [a, b]) });
      }),
    );
  });
  it('accepts node names with dots, colons and dashes, and arrows without spaces', () => {
    expect(parseStructured('pairs', 'a.1->b:2, n-3 -> n-4')).toEqual({ ok: true, value: [['a.1', 'b:2'], ['n-3', 'n-4']] });
    expect(parseStructured('vector', '[1e2, -3, .5]')).toEqual({ ok: true, value: [100, -3, 0.5] });
  });
  it('allows an empty bracketed value', () => {
    expect(parseStructured('vector', '[]')).toEqual({ ok: true, value: [] });
    expect(parseStructured('set', '{ }')).toEqual({ ok: true, value: [] });
  });
});

describe('structured formats explain mistakes', () => {
  const cases: [Parameters<typeof parseStructured>[0], string, string][] = [
    ['vector', '[1, x, 2]', "Expected numbers separated by commas, like [1, 0, 2]; found 'x' at position 5."],
    ['vector', '', 'Expected numbers separated by commas, like [1, 0, 2]; the answer is empty.'],
    ['vector', '[1, 2', "Expected ']' to close the '[' at position 1; found the end of the text."],
    ['vector', '[1, 2] 3', "Expected nothing after the closing ']'; found '3' at position 8."],
    ['vector', '(1, 2)', "Expected numbers separated by commas, like [1, 0, 2]; found '(' at position 1."],
    ['list', 'a, (b)', "Expected items separated by commas, in order, like a, c, b; found '(' at position 4."],
    ['set', '{a, b]', "Expected items separated by commas, like {a, c}; found ']' at position 6."],
    ['pairs', '(a b)', "Expected ',' between the two names of a pair, like (a, b); found 'b' at position 4."],
    ['pairs', '(a, b', "Expected ')' to close the '(' at position 1; found the end of the text."],
    ['pairs', 'a b', "Expected '->' after 'a', like a -> b; found 'b' at position 3."],
    ['pairs', 'a ->', 'Expected pairs separated by commas, like (a, b), (b, c) or a -> b, b -> c; found the end of the text.'],
  ];
  for (const [format, text, message] of cases) {
    it(`${format}: ${JSON.stringify(text)}`, () => {
      expect(parseStructured(format, text)).toEqual({ ok: false, message });
    });
  }
  it("words the message with the exercise's own example when it gives one (ping numbers, not names)", () => {
    expect(parseStructured('set', '{0, (2}', '{0, 2}')).toEqual({ ok: false, message: "Expected items separated by commas, like {0, 2}; found '(' at position 5." });
    expect(parseStructured('list', '', '3, c')).toEqual({ ok: false, message: 'Expected items separated by commas, in order, like 3, c; the answer is empty.' });
  });
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.constantFrom('vector', 'list', 'set', 'pairs' as const), fc.string({ maxLength: 40 }), (format, text) => {
        const parsed = parseStructured(format, text);
        if (!parsed.ok) expect(parsed.message).toMatch(/^Expected .*(found .*|the answer is empty)\.$/);
      }),
    );
  });
});

describe('numbers', () => {
  const accepted: [string | number, number, string?][] = [
    ['12', 12],
    [' -0.5 ', -0.5],
    ['+3', 3],
    ['.25', 0.25],
    ['1e-3', 0.001],
    ['2/3', 2 / 3],
    ['12.5 ms', 12.5, 'ms'],
    ['12.5MS', 12.5, 'ms'],
    [7, 7],
  ];
  for (const [input, value, unit] of accepted) {
    it(`reads ${JSON.stringify(input)}${unit ? ` in ${unit}` : ''}`, () => {
      expect(parseNumber(input, unit)).toEqual({ ok: true, value });
    });
  }
  it('round-trips every finite double written by String()', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(parseNumber(String(x))).toEqual({ ok: true, value: Number(String(x)) });
    }));
  });
  const refused: [string | number, string, string?][] = [
    ['1,000', "Write '1,000' with a dot for decimals and no thousands separators, like 12.5 or 12500."],
    ['12 s', 'Give the answer in ms as a number only, like 12.5 or 12.5 ms.', 'ms'],
    ['12 apples', 'Give the answer as a number only, like 12.5.'],
    ['1/0', "'1/0' divides by zero."],
    ['   ', 'Type a number, like 12.5.'],
    [Number.POSITIVE_INFINITY, 'The answer is not a finite number.'],
    ['NaN', "Expected a number, like 12.5 or 2/3; found 'NaN'."],
  ];
  for (const [input, message, unit] of refused) {
    it(`refuses ${JSON.stringify(String(input))}`, () => {
      expect(parseNumber(input, unit)).toEqual({ ok: false, message });
    });
  }
});
