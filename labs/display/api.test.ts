// Method: drive the display API and the capturing console the way a cell does, and check the outputs recorded:
// their kinds, order, shapes, and that the limits keep a careless cell from producing unbounded output.
import { describe, expect, it } from 'vitest';
import { createSink, displayLimits, formatValue, tableFrom } from './api';

const trace = { seed: 1, nodes: ['a', 'b'], endMs: 10, events: [], truncated: false, stats: { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 } };

describe('display', () => {
  it('keeps outputs in call order, interleaved with console lines', () => {
    const { outputs, display, console } = createSink();
    console.log('one', 2, { three: 3 });
    console.log('again');
    display.text('shown');
    console.warn('careful');
    expect(outputs).toEqual([
      { kind: 'text', stream: 'log', text: 'one 2 {"three":3}\nagain' },
      { kind: 'text', text: 'shown' },
      { kind: 'text', stream: 'warn', text: 'careful' },
    ]);
  });
  it('chooses a view from the value: trace, records, string, anything else', () => {
    const { outputs, display } = createSink();
    display(trace as never);
    display([{ a: 1 }, { b: 2 }], { caption: 'rows' });
    display('plain');
    display(42);
    expect(outputs.map((o) => o.kind)).toEqual(['spacetime', 'table', 'text', 'text']);
    expect(outputs[1]).toMatchObject({ columns: ['a', 'b'], rows: [[1, undefined], [undefined, 2]], caption: 'rows' });
    expect(outputs[3]).toEqual({ kind: 'text', text: '42' });
  });
  it('rejects wrong arguments with a message that says what was expected', () => {
    const { display } = createSink();
    expect(() => display.spaceTime({} as never)).toThrow(/trace from the simulator/);
    expect(() => display.timeSeries([], {} as never)).toThrow(/names of its x and y fields/);
    expect(() => display.histogram(['x'] as never)).toThrow(/array of numbers/);
    expect(() => display.plot({} as never)).toThrow(/marks/);
  });
  it('caps the number of outputs with one notice', () => {
    const { outputs, display } = createSink();
    for (let i = 0; i < displayLimits.maxOutputs + 25; i++) display.text(`line ${i}`);
    expect(outputs).toHaveLength(displayLimits.maxOutputs);
    expect(outputs[outputs.length - 1]).toMatchObject({ stream: 'warn', text: expect.stringContaining('26 more outputs not shown') });
  });
  it('caps console text', () => {
    const { outputs, console } = createSink();
    for (let i = 0; i < 5000; i++) console.log('x'.repeat(100));
    const total = outputs.reduce((n, o) => n + (o.kind === 'text' ? o.text.length : 0), 0);
    expect(total).toBeLessThan(displayLimits.maxTextChars + 300);
    expect(JSON.stringify(outputs)).toContain('… truncated: a run prints at most');
  });
});

describe('tables and values', () => {
  it('truncates long tables and says by how much', () => {
    const table = tableFrom(Array.from({ length: 800 }, (_, i) => ({ i })));
    expect(table.rows).toHaveLength(displayLimits.maxTableRows);
    expect(table.truncatedFrom).toBe(800);
  });
  it('formats values a reader can read, including cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).toBe('{"a":1,"self":"[circular]"}');
    expect(formatValue(new Map([['k', 1]]))).toBe('Map(1) {"k":1}');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(10n)).toBe('10n');
  });
});
