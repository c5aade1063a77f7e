// Method: small handwritten histories in both of Jepsen's formats (log lines and EDN maps, loose or in a vector)
// are read and compared with the operations they must give, then checked with the real checker; malformed inputs
// must fail with the line number and what was expected there.
import { describe, expect, it } from 'vitest';
import { JEPSEN_MAX_OPERATIONS, JepsenParseError, parseJepsenHistory } from './jepsen';
import { checkLinearizability } from './linearizability';
import { kvModel, registerModel } from './models';

const LOG = [
  '2024-01-01 10:00:00,000{GMT}\tINFO\t[jepsen test runner] jepsen.core - Running test',
  'INFO  jepsen.util - 0\t:invoke\t:write\t1',
  'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
  'INFO  jepsen.util - 0\t:ok\t:write\t1',
  'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
  'INFO  jepsen.util - 1\t:ok\t:read\t1',
  'INFO  jepsen.util - 2\t:invoke\t:cas\t[1 4]',
  'INFO  jepsen.util - 0\t:invoke\t:write\t2',
  'INFO  jepsen.util - 2\t:ok\t:cas\t[1 4]',
  'INFO  jepsen.util - 0\t:info\t:write\t2',
  'INFO  jepsen.util - 1\t:invoke\t:cas\t[7 8]',
  'INFO  jepsen.util - 1\t:fail\t:cas\t[7 8]',
  'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
].join('\n');

describe('jepsen.util log lines', () => {
  it('pairs each invocation with its process next completion; times are line numbers', () => {
    const parsed = parseJepsenHistory(LOG);
    if (parsed.kind !== 'register') throw new Error(`read as ${parsed.kind}`);
    const { history } = parsed;
    expect(history).toEqual([
      { id: 0, client: 'p0', input: { f: 'write', value: 1 }, status: 'ok', invokeMs: 2, returnMs: 4, output: null },
      { id: 1, client: 'p1', input: { f: 'read' }, status: 'ok', invokeMs: 3, returnMs: 6, output: 1 },
      { id: 2, client: 'p2', input: { f: 'cas', from: 1, to: 4 }, status: 'ok', invokeMs: 7, returnMs: 9, output: true },
      { id: 3, client: 'p0', input: { f: 'write', value: 2 }, status: 'info', invokeMs: 8 },
      { id: 4, client: 'p1', input: { f: 'cas', from: 7, to: 8 }, status: 'fail', invokeMs: 11, returnMs: 12 },
      { id: 5, client: 'p3', input: { f: 'read' }, status: 'info', invokeMs: 13 },
    ]);
    expect(checkLinearizability(history, registerModel).verdict).toBe('ok');
  });
});

describe('EDN operation maps', () => {
  it('reads maps one per line, with :time in nanoseconds', () => {
    const text = [
      '{:type :invoke, :f :write, :value 3, :process 0, :time 1000000}',
      '{:type :invoke, :f :read, :value nil, :process 1, :time 2000000}',
      '{:type :ok, :f :write, :value 3, :process 0, :time 5000000}',
      '{:type :ok, :f :read, :value nil, :process 1, :time 6500000} ; a comment',
      '{:type :invoke, :f :read, :value nil, :process 1, :time 9000000}',
      '{:type :ok, :f :read, :value nil, :process 1, :time 9500000}',
    ].join('\n');
    const parsed = parseJepsenHistory(text);
    if (parsed.kind !== 'register') throw new Error(`read as ${parsed.kind}`);
    const { history } = parsed;
    expect(history.map((op) => [op.invokeMs, op.returnMs, op.output])).toEqual([[1, 5, null], [2, 6.5, null], [9, 9.5, null]]);
    const result = checkLinearizability(history, registerModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.reason).toContain('read → unset by client p1 (invoked 9 ms, returned 9.5 ms)');
  });

  it('reads key-value maps inside a vector', () => {
    const text = `[{:process 0, :type :invoke, :f :put, :key "3", :value "x 0 1 y"}
 {:process 1, :type :invoke, :f :get, :key "3", :value nil}
 {:process 0, :type :ok, :f :put, :key "3", :value "x 0 1 y"}
 {:process 1, :type :ok, :f :get, :key "3", :value "x 0 1 y"}
 {:process 0, :type :invoke, :f :append, :key "4", :value "z"}
 {:process 0, :type :ok, :f :append, :key "4", :value "z"}
 {:process 2, :type :invoke, :f :get, :key "4", :value nil}
 {:process 2, :type :ok, :f :get, :key "4", :value nil}]`;
    const parsed = parseJepsenHistory(text);
    if (parsed.kind !== 'kv') throw new Error(`read as ${parsed.kind}`);
    const { history } = parsed;
    expect(history[0]).toEqual({ id: 0, client: 'p0', input: { f: 'put', key: '3', value: 'x 0 1 y' }, status: 'ok', invokeMs: 1, returnMs: 3, output: null });
    expect(history[3]).toMatchObject({ input: { f: 'get', key: '4' }, output: '' });
    const result = checkLinearizability(history, kvModel);
    expect(result.verdict).toBe('violation');
    expect(result.violation!.blocked).toBe(3);
  });
});

describe('malformed input names the line and what was expected', () => {
  const cases: [string, string, RegExp][] = [
    ['an unclosed map', '{:type :invoke, :f :read, :value nil, :process 0}\n{:type :ok, :f :read', /^line 2: expected "}" to close a collection/],
    ['a missing type', '{:f :read, :value nil, :process 0}', /^line 1: expected a :type of :invoke/],
    ['a completion with no invocation', '{:type :ok, :f :read, :value 1, :process 0}', /^line 1: expected an :invoke of process 0/],
    ['two invocations in a row', '{:type :invoke, :f :read, :process 0}\n\n{:type :invoke, :f :read, :process 0}', /^line 3: expected a completion of process 0's operation invoked on line 1/],
    ['a mixed history', '{:type :invoke, :f :read, :process 0}\n{:type :invoke, :f :put, :key "a", :value "b", :process 1}', /^line 2: expected a function :read, :write or :cas/],
    ['a bad cas value', 'INFO  jepsen.util - 0\t:invoke\t:cas\t4', /^line 1: expected a cas value \[from to\]/],
    ['a bad process', 'x\nINFO  jepsen.util - zero\t:invoke\t:read\tnil', /^line 2: expected a process number/],
    ['an odd map', '{:type}', /^line 1: expected a value for every key of the map/],
    ['an empty text', '  \n', /^line 1: expected at least one operation/],
    ['deep nesting', '['.repeat(200), /nested at most 64 deep/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    expect(() => parseJepsenHistory(text)).toThrow(JepsenParseError);
    expect(() => parseJepsenHistory(text)).toThrow(message);
  });

  it('caps the number of operations', () => {
    const lines: string[] = [];
    for (let i = 0; i <= JEPSEN_MAX_OPERATIONS; i++) lines.push(`{:type :invoke, :f :read, :process ${i}}`);
    expect(() => parseJepsenHistory(lines.join('\n'))).toThrow(/expected at most 200000 operations/);
  });

  it('reads a long string without slowing down (a hand-written scanner, no backtracking)', () => {
    const text = `{:type :invoke, :f :put, :key "k", :value "${'a'.repeat(200_000)}", :process 0}`;
    expect(parseJepsenHistory(text).history[0]!.input).toMatchObject({ f: 'put', key: 'k' });
  });
});
