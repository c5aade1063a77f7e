/**
 * Reading what a learner typed: numbers for numeric exercises and the structured formats (vector, list, set,
 * pairs). Parsers never throw; a failure is a message that says what was expected, with an example, what was found
 * instead and where (1-based character position), so the learner can fix the text. The UI may call these before
 * submitting, so a typo need not cost an attempt; grade.ts calls them again on what is submitted.
 */
import type { StructuredFormat, StructuredValues } from './types';

/** A parsed value, or a message for the learner. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Reads a number typed by the learner: `12`, `-0.5`, `.25`, `1e-3`, a fraction `2/3`, optionally followed by the
 * exercise's unit (`12.5 ms` when the unit is `ms`). A decimal comma (`12,5`) and thousands separators are refused
 * with a message rather than guessed at, because `1,000` could mean either one thousand or one; the learner is
 * asked to write a dot. Numbers already given as numbers must be finite.
 */
export function parseNumber(input: number | string, unit?: string): Parsed<number> {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? { ok: true, value: input } : { ok: false, message: 'The answer is not a finite number.' };
  }
  let text = input.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, message: 'Type a number, like 12.5.' };
  if (unit && text.toLowerCase().endsWith(unit.toLowerCase())) text = text.slice(0, -unit.length).trim();
  const compact = text.replace(/\s/g, '');
  if (NUMBER.test(compact)) return { ok: true, value: Number(compact) };
  const fraction = /^([+-]?\d+)\/(\d+)$/.exec(compact);
  if (fraction) {
    const denominator = Number(fraction[2]);
    if (denominator === 0) return { ok: false, message: `'${text}' divides by zero.` };
    return { ok: true, value: Number(fraction[1]) / denominator };
  }
  if (/^[+-]?[\d.,]+$/.test(compact) && compact.includes(',')) {
    return { ok: false, message: `Write '${text}' with a dot for decimals and no thousands separators, like 12.5 or 12500.` };
  }
  const inUnit = unit ? ` in ${unit}` : '';
  if (/^[+-]?[\d.]+\s*[^\d\s]+$/.test(text)) {
    return { ok: false, message: `Give the answer${inUnit} as a number only, like 12.5${unit ? ` or 12.5 ${unit}` : ''}.` };
  }
  return { ok: false, message: `Expected a number${inUnit}, like 12.5 or 2/3; found '${text}'.` };
}

interface Token {
  text: string;
  /** 1-based character position in the learner's text. */
  position: number;
}

// '->' is a token of its own; a '-' not followed by '>' may be part of a name or a number.
const TOKEN = /\s+|->|[[\]{}(),;]|(?:[^\s[\]{}(),;-]|-(?!>))+/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    // Every character is matched by one of the alternatives, so the scan always advances.
    if (!match) break;
    if (!/^\s/.test(match[0])) tokens.push({ text: match[0], position: start + 1 });
  }
  return tokens;
}

const NAME = /^[A-Za-z0-9_.:-]+$/;

/** What each format looks like, and a generic example of it; an exercise's own example (its placeholder) wins. */
const EXPECTED: Record<StructuredFormat, [string, string]> = {
  vector: ['numbers separated by commas', '[1, 0, 2]'],
  list: ['items separated by commas, in order', 'a, c, b'],
  set: ['items separated by commas', '{a, c}'],
  pairs: ['pairs separated by commas', '(a, b), (b, c) or a -> b, b -> c'],
};

function expected(format: StructuredFormat, example?: string): string {
  const [shape, generic] = EXPECTED[format];
  return `Expected ${shape}, like ${example?.trim() || generic}`;
}

const CLOSERS: Record<string, string> = { '[': ']', '{': '}' };

/** A cursor over tokens that words its errors in terms of the format being read. */
class Reader {
  private index = 0;
  constructor(private readonly tokens: Token[], private readonly expectation: string) {}
  peek(): Token | undefined {
    return this.tokens[this.index];
  }
  take(): Token | undefined {
    return this.tokens[this.index++];
  }
  skipSeparator(): void {
    const next = this.peek();
    if (next && (next.text === ',' || next.text === ';')) this.index++;
  }
  fail(token: Token | undefined, expected = this.expectation): { ok: false; message: string } {
    const found = token ? `found '${token.text}' at position ${token.position}` : 'found the end of the text';
    return { ok: false, message: `${expected}; ${found}.` };
  }
}

/**
 * Reads structured text in the given format (see `StructuredValues` in types.ts for each format's syntax and
 * value). Example: `parseStructured('vector', '[1, x]')` → `{ ok: false, message: "Expected numbers separated by
 * commas, like [1, 0, 2]; found 'x' at position 5." }`. An exercise passes its placeholder as `example`, so the
 * message shows the kind of items it wants (ping numbers, event names) rather than a generic one.
 */
export function parseStructured<F extends StructuredFormat>(format: F, text: string, example?: string): Parsed<StructuredValues[F]> {
  return parseAny(format, text, expected(format, example)) as Parsed<StructuredValues[F]>;
}

function parseAny(format: StructuredFormat, text: string, expectation: string): Parsed<StructuredValues[StructuredFormat]> {
  if (text.trim() === '') return { ok: false, message: `${expectation}; the answer is empty.` };
  const reader = new Reader(tokenize(text), expectation);
  const opener = reader.peek();
  const closer = opener ? CLOSERS[opener.text] : undefined;
  if (closer) reader.take();
  const items: (number | string | [string, string])[] = [];
  for (;;) {
    const next = reader.peek();
    if (next === undefined) {
      if (closer) return reader.fail(undefined, `Expected '${closer}' to close the '${opener?.text}' at position ${opener?.position}`);
      break;
    }
    if (closer && next.text === closer) {
      reader.take();
      const extra = reader.peek();
      if (extra) return reader.fail(extra, `Expected nothing after the closing '${closer}'`);
      break;
    }
    const item = readItem(reader, format);
    if (!item.ok) return item;
    items.push(item.value);
    reader.skipSeparator();
  }
  if (format === 'set') return { ok: true, value: [...new Set(items as string[])].sort() };
  return { ok: true, value: items as StructuredValues[StructuredFormat] };
}

function readItem(reader: Reader, format: StructuredFormat): Parsed<number | string | [string, string]> {
  if (format === 'vector') {
    const token = reader.take();
    if (!token || !NUMBER.test(token.text)) return reader.fail(token);
    return { ok: true, value: Number(token.text) };
  }
  if (format === 'list' || format === 'set') return readName(reader);
  const first = reader.peek();
  if (first?.text === '(') {
    reader.take();
    const left = readName(reader);
    if (!left.ok) return left;
    const comma = reader.take();
    if (comma?.text !== ',' && comma?.text !== '->') return reader.fail(comma, "Expected ',' between the two names of a pair, like (a, b)");
    const right = readName(reader);
    if (!right.ok) return right;
    const close = reader.take();
    if (close?.text !== ')') return reader.fail(close, `Expected ')' to close the '(' at position ${first.position}`);
    return { ok: true, value: [left.value, right.value] };
  }
  const left = readName(reader);
  if (!left.ok) return left;
  const arrow = reader.take();
  if (arrow?.text !== '->') return reader.fail(arrow, `Expected '->' after '${left.value}', like a -> b`);
  const right = readName(reader);
  if (!right.ok) return right;
  return { ok: true, value: [left.value, right.value] };
}

function readName(reader: Reader): Parsed<string> {
  const token = reader.take();
  if (!token || !NAME.test(token.text)) return reader.fail(token);
  return { ok: true, value: token.text };
}
