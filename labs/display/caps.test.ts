// Method: feed the caps outputs far beyond every limit (and values that are not outputs at all), and check that
// what comes out is within the limits, says what was cut in words, keeps the start of the data, and is unchanged
// by a second pass (the page caps again what the worker already capped).
import { describe, expect, it } from 'vitest';
import { runPingDemo } from '../intro/ping';
import { createSink } from './api';
import { capOutput, capOutputs, displayLimits, plainData } from './caps';
import type { Output } from './outputs';

const size = (value: unknown) => JSON.stringify(value).length;

describe('output caps', () => {
  it('cuts a 50 MB display.text to the text limit and says so', () => {
    const { outputs, display } = createSink();
    display.text('x'.repeat(50_000_000));
    const [text] = outputs;
    expect(text!.kind).toBe('text');
    expect((text as { text: string }).text).toHaveLength(displayLimits.maxTextChars);
    expect((text as { truncated?: string }).truncated).toBe('Showing the first 100,000 of 50,000,000 characters.');
  });

  it('stops console text at the line limit, with a notice', () => {
    const { outputs, console } = createSink();
    for (let i = 0; i < 10_000; i++) console.log(`line ${i}`);
    const text = (outputs[0] as { text: string }).text;
    expect(outputs).toHaveLength(1);
    expect(text.split('\n').length).toBeLessThanOrEqual(displayLimits.maxConsoleLines + 1);
    expect(text).toContain('line 1999');
    expect(text).not.toContain('line 2000');
    expect(text).toMatch(/… truncated: a run prints at most/);
  });

  it('keeps the first 2,000 of 200,000 time-series rows', () => {
    const { outputs, display } = createSink();
    const rows = Array.from({ length: 200_000 }, (_, t) => ({ t, v: Math.sin(t) }));
    display.timeSeries(rows, { x: 't', y: 'v' });
    const series = outputs[0] as Extract<Output, { kind: 'timeseries' }>;
    expect(series.rows).toHaveLength(displayLimits.maxSeriesRows);
    expect(series.rows[0]).toEqual({ t: 0, v: 0 });
    expect(series.truncated).toBe('Showing the first 2,000 of 200,000 points.');
  });

  it('shares one point budget across the marks of a plot', () => {
    const { outputs, display } = createSink();
    const data = Array.from({ length: 1_500 }, (_, i) => ({ x: i, y: i }));
    display.plot({ marks: [{ mark: 'dot', data, options: { x: 'x', y: 'y' } }, { mark: 'line', data, options: { x: 'x', y: 'y' } }] });
    const plot = outputs[0] as Extract<Output, { kind: 'plot' }>;
    expect(plot.marks[0]!.data).toHaveLength(1_500);
    expect(plot.marks[1]!.data).toHaveLength(displayLimits.maxPlotPoints - 1_500);
    expect(plot.truncated).toBe('Showing the first 2,000 of 3,000 data points.');
  });

  it('caps histogram values, table rows and cells, and trace events', () => {
    const { outputs, display } = createSink();
    display.histogram(Array.from({ length: 1_000_000 }, (_, i) => i % 97));
    display.table(Array.from({ length: 10_000 }, () => ({ note: 'y'.repeat(1_000_000) })));
    const trace = runPingDemo({ seed: 1, count: 2 });
    const events = Array.from({ length: 50_000 }, (_, i) => ({ ...trace.events[i % trace.events.length]!, seq: i }));
    display.spaceTime({ ...trace, events });
    const [histogram, table, spacetime] = outputs as [Extract<Output, { kind: 'histogram' }>, Extract<Output, { kind: 'table' }>, Extract<Output, { kind: 'spacetime' }>];
    expect(histogram.values).toHaveLength(displayLimits.maxHistogramValues);
    expect(histogram.truncated).toMatch(/50,000 of 1,000,000 values/);
    expect(table.rows).toHaveLength(displayLimits.maxTableRows);
    expect(table.truncatedFrom).toBe(10_000);
    expect((table.rows[0]![0] as string).length).toBe(displayLimits.maxValueChars);
    expect(spacetime.trace.events).toHaveLength(displayLimits.maxTraceEvents);
    expect(spacetime.trace.truncated).toBe(true);
    expect(spacetime.truncated).toMatch(/20,000 of 50,000 events/);
  });

  it('bounds the size of a whole run, however many outputs it makes', () => {
    const { outputs, display } = createSink();
    for (let i = 0; i < 1_000; i++) display.text('z'.repeat(1_000_000));
    expect(outputs).toHaveLength(displayLimits.maxOutputs);
    expect(size(outputs)).toBeLessThan(displayLimits.maxOutputs * (displayLimits.maxTextChars + 200));
  });

  it('leaves outputs within the limits as they are, and a second pass changes nothing', () => {
    const trace = runPingDemo({ seed: 2, count: 3 });
    const { outputs, display, console } = createSink();
    display.spaceTime(trace, { caption: 'pings' });
    display.table([{ a: 1, b: 'two' }]);
    console.log('hello');
    display.timeSeries(Array.from({ length: 5_000 }, (_, t) => ({ t, v: t })), { x: 't', y: 'v' });
    expect((outputs[0] as Extract<Output, { kind: 'spacetime' }>).trace).toEqual(trace);
    expect(capOutputs(outputs)).toEqual(outputs);
  });

  it('turns anything that is not an output into a warning, and values into plain data', () => {
    expect(capOutputs([{ kind: '<script>' }, 42, null])).toEqual([
      { kind: 'text', stream: 'warn', text: 'Cannot show an output of kind <script>.' },
      { kind: 'text', stream: 'warn', text: 'Cannot show an output of kind none.' },
      { kind: 'text', stream: 'warn', text: 'Cannot show an output of kind none.' },
    ]);
    const cyclic: Record<string, unknown> = { f: () => 1, n: 1n };
    cyclic.self = cyclic;
    expect(plainData(cyclic)).toEqual({ n: '1n', self: '[…]' });
    expect(capOutput({ kind: 'error', message: 'boom', phase: 'evil', line: -3 })).toEqual({ kind: 'error', message: 'boom', phase: 'run' });
  });
});
