// Method: render every kind of output into a server-side DOM, as the build does, and check the accessible
// structure a reader relies on: figures named by their captions, a data table per figure, labelled groups, text
// escaped, errors with their line.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { runPingDemo } from '../../labs/intro/ping';
import type { Output } from '../../labs/display/outputs';
import { isSafeHref, renderOutputs, sanitizeChart, wrappedLines } from './render';

const document = new JSDOM('<!doctype html><body></body>').window.document;

function render(outputs: Output[], defaultCaption?: string): HTMLElement {
  const container = document.createElement('div');
  container.append(renderOutputs(outputs, { document, idPrefix: 't', defaultCaption }));
  return container;
}

describe('views', () => {
  it('draws a space-time diagram as a labelled figure with a data table and focusable events', () => {
    const trace = runPingDemo({ seed: 1, count: 2 });
    const html = render([{ kind: 'spacetime', trace }], 'Two pings.');
    const figure = html.querySelector('figure')!;
    expect(figure.getAttribute('aria-labelledby')).toBe('t-o0-caption');
    expect(html.querySelector('#t-o0-caption')!.textContent).toBe('Two pings.');
    const svg = figure.querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toMatch(/^Space-time diagram of 2 nodes \(a, b\)/);
    expect(figure.querySelectorAll('g[aria-label]:not([role="group"])')).toHaveLength(0);
    expect(figure.querySelectorAll('g[data-hb-events] circle[data-label]').length).toBeGreaterThan(0);
    expect(figure.querySelectorAll('details table tbody tr')).toHaveLength(trace.events.length);
  });

  it('gives only the first figure the default caption', () => {
    const html = render([
      { kind: 'histogram', values: [1, 2, 2, 3] },
      { kind: 'timeseries', rows: [{ x: 1, y: 2 }, { x: 2, y: 3 }], x: 'x', y: 'y' },
    ], 'First.');
    const captions = [...html.querySelectorAll('figcaption')].map((c) => c.textContent);
    expect(captions[0]).toBe('First.');
    expect(captions[1]).toMatch(/^Line chart of y against x/);
  });

  it('escapes text and tables, and right-aligns numbers', () => {
    const html = render([
      { kind: 'text', text: '<script>alert(1)</script>', stream: 'log' },
      { kind: 'table', columns: ['name', 'value'], rows: [['<b>', 1.23456]] },
    ]);
    expect(html.querySelector('script')).toBeNull();
    expect(html.querySelector('pre')!.textContent).toBe('<script>alert(1)</script>');
    const cells = html.querySelectorAll('td');
    expect(cells[0].textContent).toBe('<b>');
    expect(cells[1].textContent).toBe('1.235');
    expect(cells[1].className).toBe('num');
  });

  it('makes text that may scroll on a phone reachable by keyboard: many lines, or a few long ones that wrap', () => {
    const focusable = (text: string) => render([{ kind: 'text', text, stream: 'log' }]).querySelector('pre')!.getAttribute('tabindex') === '0';
    expect(focusable('short')).toBe(false);
    expect(focusable(Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'))).toBe(true);
    // Three long lines: few lines, but at 390 px each wraps to many.
    expect(focusable(Array.from({ length: 3 }, () => 'word '.repeat(40)).join('\n'))).toBe(true);
    expect(wrappedLines('a'.repeat(72) + '\n\nb', 36)).toBe(4);
  });

  it('shows an error with its line as an alert', () => {
    const html = render([{ kind: 'error', phase: 'run', message: 'TypeError: x is undefined', line: 4, column: 7 }]);
    const alert = html.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('Line 4, column 7');
    expect(alert.textContent).toContain('TypeError: x is undefined');
  });

  it('draws a described Plot figure and rejects an unknown mark by name', () => {
    const html = render([{ kind: 'plot', marks: [{ mark: 'dot', data: [{ a: 1, b: 2 }], options: { x: 'a', y: 'b' } }], caption: 'Dots.' }]);
    expect(html.querySelector('figure svg')).not.toBeNull();
    expect(() => render([{ kind: 'plot', marks: [{ mark: 'nope' as never }] }])).toThrow(/"nope", which is not one of/);
  });

  it('keeps a plot\'s links to http(s) and relative addresses, and drops script, handlers and foreign styles', () => {
    const data = [
      { x: 1, y: 1, url: 'javascript:globalThis.pwned=1' },
      { x: 2, y: 2, url: ' JaVa\tScRiPt:alert(1)' },
      { x: 3, y: 3, url: 'data:text/html,<script>alert(1)</script>' },
      { x: 4, y: 4, url: 'https://example.org/paper' },
      { x: 5, y: 5, url: '../clocks/' },
    ];
    const html = render([{
      kind: 'plot',
      marks: [{ mark: 'dot', data, options: { x: 'x', y: 'y', href: 'url', target: '_blank', fill: 'url(https://evil.example/x.svg#p)' } }],
      options: { style: 'position: fixed; inset: 0; background: url(https://evil.example/track)' },
      caption: '<img src=x onerror=alert(1)>',
    }]);
    const hrefs = Array.from(html.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual([null, null, null, 'https://example.org/paper', '../clocks/']);
    for (const a of Array.from(html.querySelectorAll('a[target]'))) expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    expect(html.querySelector('img')).toBeNull();
    const attributes = Array.from(html.querySelectorAll('svg, svg *')).flatMap((e) => Array.from(e.attributes).map((a) => `${a.name}=${a.value}`));
    expect(attributes.filter((a) => /javascript:|evil\.example|position: fixed/i.test(a))).toEqual([]);
    expect(html.querySelector('figcaption')!.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('removes elements and attributes a chart must never carry', () => {
    const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    chart.innerHTML = '<g onclick="alert(1)"><script>alert(1)</script><foreignObject><div>x</div></foreignObject><a href="vbscript:x"><text>t</text></a><use href="https://evil.example/s.svg#a"/><use href="#local"/></g><style>@import url(https://evil.example/a.css);</style>';
    sanitizeChart(chart);
    expect(chart.innerHTML).toBe('<g><a><text>t</text></a><use></use><use href="#local"></use></g>');
    expect(isSafeHref('mailto:a@b.c')).toBe(false);
    expect(isSafeHref('//example.org/x')).toBe(true);
  });

  it('says in words what the caps cut, next to the output', () => {
    const html = render([{ kind: 'timeseries', rows: [{ t: 0, v: 1 }], x: 't', y: 'v', truncated: 'Showing the first 2,000 of 200,000 points.' }]);
    expect(html.querySelector('figure + p.hb-truncated')!.textContent).toBe('Truncated: Showing the first 2,000 of 200,000 points.');
  });

  it('can build a figure\'s data table only when it is opened', () => {
    const container = document.createElement('div');
    const rows = Array.from({ length: 50 }, (_, t) => ({ t, v: t }));
    container.append(renderOutputs([{ kind: 'timeseries', rows, x: 't', y: 'v' }], { document, idPrefix: 'd', deferDataTables: true }));
    const details = container.querySelector('details')!;
    expect(details.querySelectorAll('tbody tr')).toHaveLength(0);
    details.open = true;
    details.dispatchEvent(new document.defaultView!.Event('toggle'));
    expect(details.querySelectorAll('tbody tr')).toHaveLength(50);
  });
});
