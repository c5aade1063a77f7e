/**
 * A reader of Jepsen histories, so a reader of the chapter can check a history from a real test run.
 *
 * Two formats, the ones Knossos and Porcupine read:
 *
 * - `jepsen.util` log lines, as Jepsen prints them while a test runs: a process, a type, a function and a value,
 *   separated by tabs, e.g. `INFO  jepsen.util - 3\t:invoke\t:write\t1` (values `nil`, integers, `[1 4]` for a
 *   compare-and-set from 1 to 4). Other lines of the log are skipped.
 * - EDN operation maps, one per line or inside a vector, e.g.
 *   `{:type :invoke, :f :read, :value nil, :process 0, :time 12345}`, and key-value operations
 *   `{:process 0, :type :invoke, :f :put, :key "3", :value "x 0 1 y"}` with `:get`, `:put` and `:append`.
 *
 * An invocation pairs with the next completion of the same process: `:ok` → ok, `:fail` → fail, `:info` → info;
 * an invocation that never completes is info. The nemesis's operations are skipped. Times are `:time` in
 * nanoseconds, converted to ms; a history without `:time` uses line numbers as times (order is all that matters).
 *
 * Input may be hostile (a file a reader pasted): the text and the number of operations are capped, nesting depth is
 * capped, the reader is a hand-written scanner (no regular expression that could backtrack, nothing evaluated), and
 * every error names the line and what was expected there.
 */
import type { History, Operation } from './history';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from './data-types';

/** The largest text accepted, in characters (about 32 MB of ASCII). */
export const JEPSEN_MAX_TEXT_CHARS = 32 * 1024 * 1024;
/** The most operations (invocations) accepted. */
export const JEPSEN_MAX_OPERATIONS = 200_000;
const MAX_NESTING = 64;

export type JepsenHistory =
  | { kind: 'register'; history: History<RegisterInput, RegisterOutput> }
  | { kind: 'kv'; history: History<KvInput, KvOutput> };

/** An error in a Jepsen history: the 1-based line where it was found and what was expected there. */
export class JepsenParseError extends Error {
  constructor(
    readonly line: number,
    expected: string,
  ) {
    super(`line ${line}: expected ${expected}`);
    this.name = 'JepsenParseError';
  }
}

/** Reads a Jepsen history (either format); see the module comment. Throws a `JepsenParseError` on bad input. */
export function parseJepsenHistory(text: string): JepsenHistory {
  if (typeof text !== 'string') throw new TypeError('a Jepsen history must be given as text');
  if (text.length > JEPSEN_MAX_TEXT_CHARS) {
    throw new JepsenParseError(1, `at most ${JEPSEN_MAX_TEXT_CHARS} characters (the text has ${text.length})`);
  }
  const records = text.includes(LOG_MARK) ? readLogLines(text) : readEdnRecords(text);
  return pairOperations(records);
}

// ---- EDN values (the subset Jepsen histories use) ----

type Edn = null | boolean | number | string | Keyword | Symbol_ | Edn[] | EdnMap;
class Keyword {
  constructor(readonly name: string) {}
}
class Symbol_ {
  constructor(readonly name: string) {}
}
class EdnMap {
  constructor(readonly entries: Map<string, Edn>) {}
  get(keyword: string): Edn | undefined {
    return this.entries.get(`:${keyword}`);
  }
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\f';
const isDelimiter = (c: string): boolean => isSpace(c) || '()[]{}";'.includes(c);

/** A scanner over EDN text that counts lines, so every error can say where it is. */
class EdnReader {
  pos = 0;
  line: number;
  constructor(
    private readonly text: string,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  fail(expected: string): never {
    const c = this.text[this.pos];
    throw new JepsenParseError(this.line, `${expected}, found ${c === undefined ? 'the end' : JSON.stringify(c)}`);
  }

  /** Skips whitespace, commas and `;` comments; true if a value follows. */
  skip(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos] as string;
      if (c === '\n') this.line++;
      if (isSpace(c)) this.pos++;
      else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else return true;
    }
    return false;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  read(depth = 0): Edn {
    if (depth > MAX_NESTING) throw new JepsenParseError(this.line, `values nested at most ${MAX_NESTING} deep`);
    if (!this.skip()) this.fail('a value');
    const c = this.text[this.pos] as string;
    if (c === '[' || c === '(') return this.readSequence(c === '[' ? ']' : ')', depth);
    if (c === '{') return this.readMap(depth);
    if (c === '"') return this.readString();
    if (c === '#') {
      this.pos++;
      if (this.peek() === '{') return this.readSequence('}', depth);
      this.readToken(); // a tag such as #inst: the tagged value follows and stands for itself
      return this.read(depth + 1);
    }
    if (c === ')' || c === ']' || c === '}') this.fail('a value');
    return this.atom(this.readToken());
  }

  private readSequence(close: string, depth: number): Edn[] {
    this.pos++;
    const items: Edn[] = [];
    for (;;) {
      if (!this.skip()) this.fail(`${JSON.stringify(close)} to close a collection`);
      if (this.peek() === close) {
        this.pos++;
        return items;
      }
      items.push(this.read(depth + 1));
    }
  }

  private readMap(depth: number): EdnMap {
    const startLine = this.line;
    const items = this.readSequence('}', depth);
    if (items.length % 2 !== 0) throw new JepsenParseError(startLine, 'a value for every key of the map (it has an odd number of items)');
    const entries = new Map<string, Edn>();
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      const name = key instanceof Keyword ? `:${key.name}` : typeof key === 'string' ? key : undefined;
      if (name === undefined) throw new JepsenParseError(startLine, 'map keys that are keywords (like :type) or strings');
      entries.set(name, items[i + 1] as Edn);
    }
    return new EdnMap(entries);
  }

  private readString(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    while (this.pos < t.length) {
      const c = t[this.pos++] as string;
      if (c === '"') return out;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === '"' || e === '\\') out += e;
      else throw new JepsenParseError(this.line, `a string escape (\\n, \\t, \\r, \\" or \\\\), found \\${e ?? 'the end'}`);
    }
    throw new JepsenParseError(this.line, 'a closing " for the string');
  }

  private readToken(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !isDelimiter(this.text[this.pos] as string)) this.pos++;
    if (this.pos === start) this.fail('a value');
    return this.text.slice(start, this.pos);
  }

  private atom(token: string): Edn {
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token[0] === ':') {
      if (token.length === 1) throw new JepsenParseError(this.line, 'a keyword name after ":"');
      return new Keyword(token.slice(1));
    }
    const first = token[0] as string;
    const second = token[1];
    if ((first >= '0' && first <= '9') || ((first === '-' || first === '+') && second !== undefined && second >= '0' && second <= '9')) {
      const digits = token.endsWith('N') || token.endsWith('M') ? token.slice(0, -1) : token;
      const value = Number(digits);
      if (!Number.isFinite(value)) throw new JepsenParseError(this.line, `a number, found ${JSON.stringify(token)}`);
      return value;
    }
    return new Symbol_(token);
  }
}

// ---- The two formats, as records of one event each ----

interface EventRecord {
  line: number;
  process: number | string;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  key?: string;
  value: Edn;
  timeNs?: number;
}

function readEdnRecords(text: string): EventRecord[] {
  const reader = new EdnReader(text);
  const records: EventRecord[] = [];
  const take = (value: Edn, line: number): void => {
    if (!(value instanceof EdnMap)) throw new JepsenParseError(line, 'an operation map like {:type :invoke, :f :read, :value nil, :process 0}');
    const record = recordOf(value, line);
    if (record) records.push(record);
    if (records.length > 2 * JEPSEN_MAX_OPERATIONS) tooMany(line);
  };
  let sawTopLevel = false;
  while (reader.skip()) {
    const line = reader.line;
    if (reader.peek() === '[' || reader.peek() === '(') {
      if (sawTopLevel) throw new JepsenParseError(line, 'operation maps after the history vector, not another vector');
      // A whole history in one vector: read its maps one at a time, so the line of each is known.
      reader.pos++;
      for (;;) {
        if (!reader.skip()) reader.fail('"]" to close the history');
        const c = reader.peek();
        if (c === ']' || c === ')') {
          reader.pos++;
          break;
        }
        const at = reader.line;
        take(reader.read(1), at);
      }
    } else {
      take(reader.read(), line);
    }
    sawTopLevel = true;
  }
  return records;
}

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

function recordOf(map: EdnMap, line: number): EventRecord | undefined {
  const process = map.get('process');
  if (process instanceof Keyword && process.name === 'nemesis') return undefined;
  if (typeof process !== 'number' && typeof process !== 'string') throw new JepsenParseError(line, 'a :process (a number)');
  const type = map.get('type');
  if (!(type instanceof Keyword) || !TYPES.has(type.name)) throw new JepsenParseError(line, 'a :type of :invoke, :ok, :fail or :info');
  const f = map.get('f');
  if (!(f instanceof Keyword)) throw new JepsenParseError(line, 'an :f such as :read, :write, :cas, :get, :put or :append');
  const record: EventRecord = { line, process, type: type.name as EventRecord['type'], f: f.name, value: map.get('value') ?? null };
  const key = map.get('key');
  if (key !== undefined && key !== null) {
    if (typeof key !== 'string' && typeof key !== 'number') throw new JepsenParseError(line, 'a :key that is a string or a number');
    record.key = String(key);
  }
  const time = map.get('time');
  if (time !== undefined && time !== null) {
    if (typeof time !== 'number') throw new JepsenParseError(line, 'a :time in nanoseconds (a number)');
    record.timeNs = time;
  }
  return record;
}

const LOG_MARK = 'jepsen.util - ';

/** `INFO  jepsen.util - 3\t:invoke\t:write\t1`: process, type, f and value, tab-separated after the mark. */
function readLogLines(text: string): EventRecord[] {
  const records: EventRecord[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end);
    start = end + 1;
    const at = raw.indexOf(LOG_MARK);
    if (at < 0) continue;
    const fields = splitFields(raw.slice(at + LOG_MARK.length));
    if (fields.length < 3) throw new JepsenParseError(line, 'a process, a type and a function after "jepsen.util - "');
    const [processText, typeText, fText] = fields as [string, string, string];
    if (processText === ':nemesis') continue;
    const process = Number(processText);
    if (!Number.isInteger(process)) throw new JepsenParseError(line, `a process number, found ${JSON.stringify(processText)}`);
    if (typeText[0] !== ':' || !TYPES.has(typeText.slice(1))) {
      throw new JepsenParseError(line, `a type of :invoke, :ok, :fail or :info, found ${JSON.stringify(typeText)}`);
    }
    if (fText[0] !== ':' || fText.length < 2) throw new JepsenParseError(line, `a function like :read, found ${JSON.stringify(fText)}`);
    const valueText = fields.slice(3).join(' ');
    let value: Edn = null;
    if (valueText !== '') {
      const reader = new EdnReader(valueText, line);
      value = reader.read();
      if (reader.skip()) throw new JepsenParseError(line, `one value after the function, found more: ${JSON.stringify(valueText)}`);
    }
    records.push({ line, process, type: typeText.slice(1) as EventRecord['type'], f: fText.slice(1), value });
    if (records.length > 2 * JEPSEN_MAX_OPERATIONS) tooMany(line);
  }
  return records;
}

/** Tab-separated fields; a value such as `[1 4]` keeps its inner spaces because fields are split on tabs first. */
function splitFields(rest: string): string[] {
  const byTab = rest.split('\t').map((s) => s.trim()).filter((s) => s !== '');
  if (byTab.length >= 3) return byTab;
  return rest.trim().split(' ').filter((s) => s !== '');
}

function tooMany(line: number): never {
  throw new JepsenParseError(line, `at most ${JEPSEN_MAX_OPERATIONS} operations, the most this reader accepts`);
}

// ---- Pairing invocations with completions ----

const REGISTER_FS = new Set(['read', 'write', 'cas']);
const KV_FS = new Set(['get', 'put', 'append']);

function pairOperations(records: EventRecord[]): JepsenHistory {
  if (records.length === 0) throw new JepsenParseError(1, 'at least one operation (the text has none)');
  const kind = REGISTER_FS.has((records[0] as EventRecord).f) ? 'register' : 'kv';
  const allowed = kind === 'register' ? REGISTER_FS : KV_FS;
  const withTime = records.filter((r) => r.timeNs !== undefined).length;
  if (withTime !== 0 && withTime !== records.length) {
    const missing = records.find((r) => r.timeNs === undefined) as EventRecord;
    throw new JepsenParseError(missing.line, 'a :time like the other operations have (all or none must have one)');
  }
  const timeOf = (r: EventRecord): number => (withTime === 0 ? r.line : (r.timeNs as number) / 1e6);

  const ops: Operation[] = [];
  const pending = new Map<string, { op: Operation; record: EventRecord }>();
  for (const r of records) {
    if (!allowed.has(r.f)) {
      const names = kind === 'register' ? ':read, :write or :cas (a register history)' : ':get, :put or :append (a key-value history)';
      throw new JepsenParseError(r.line, `a function ${names}, found :${r.f}`);
    }
    const client = `p${r.process}`;
    if (r.type === 'invoke') {
      if (pending.has(client)) {
        const open = pending.get(client) as { record: EventRecord };
        throw new JepsenParseError(r.line, `a completion of process ${r.process}'s operation invoked on line ${open.record.line} before its next invocation`);
      }
      if (ops.length >= JEPSEN_MAX_OPERATIONS) tooMany(r.line);
      const op: Operation = { id: ops.length, client, input: inputOf(r, kind), status: 'info', invokeMs: timeOf(r) };
      ops.push(op);
      pending.set(client, { op, record: r });
      continue;
    }
    const open = pending.get(client);
    if (!open) throw new JepsenParseError(r.line, `an :invoke of process ${r.process} before this :${r.type}`);
    if (open.record.f !== r.f) throw new JepsenParseError(r.line, `a completion of :${open.record.f} (invoked on line ${open.record.line}), found :${r.f}`);
    pending.delete(client);
    if (r.type === 'info') continue; // indeterminate: it stays info with no return
    const returnMs = timeOf(r);
    if (returnMs < open.op.invokeMs) throw new JepsenParseError(r.line, 'a completion time not before its invocation');
    open.op.status = r.type;
    open.op.returnMs = returnMs;
    if (r.type === 'ok') open.op.output = outputOf(r, kind);
  }
  return kind === 'register'
    ? { kind, history: ops as History<RegisterInput, RegisterOutput> }
    : { kind, history: ops as History<KvInput, KvOutput> };
}

function registerValue(value: Edn, line: number, what: string): RegisterValue {
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  throw new JepsenParseError(line, `${what} that is nil, a number or a string`);
}

function inputOf(r: EventRecord, kind: 'register' | 'kv'): RegisterInput | KvInput {
  if (kind === 'register') {
    if (r.f === 'read') return { f: 'read' };
    if (r.f === 'write') return { f: 'write', value: registerValue(r.value, r.line, 'a written value') };
    const pair = r.value;
    if (!Array.isArray(pair) || pair.length !== 2) throw new JepsenParseError(r.line, 'a cas value [from to], like [1 4]');
    return { f: 'cas', from: registerValue(pair[0] as Edn, r.line, 'a cas from-value'), to: registerValue(pair[1] as Edn, r.line, 'a cas to-value') };
  }
  if (r.key === undefined) throw new JepsenParseError(r.line, 'a :key for a key-value operation');
  if (r.f === 'get') return { f: 'get', key: r.key };
  if (typeof r.value !== 'string') throw new JepsenParseError(r.line, `a string :value for :${r.f}`);
  return { f: r.f as 'put' | 'append', key: r.key, value: r.value };
}

function outputOf(r: EventRecord, kind: 'register' | 'kv'): RegisterOutput | KvOutput {
  if (kind === 'register') {
    if (r.f === 'read') return registerValue(r.value, r.line, 'a value read');
    return r.f === 'cas' ? true : null;
  }
  if (r.f !== 'get') return null;
  if (r.value === null) return '';
  if (typeof r.value !== 'string') throw new JepsenParseError(r.line, 'a string :value for a completed :get');
  return r.value;
}
