// Method: run the step on hand-made trees shaped like rehype-katex's and remark-rehype's output (a display formula
// is a span.katex-display around a span.katex; inline maths is a bare span.katex; a table is a <table>) and read
// back the properties.
import { describe, expect, it } from 'vitest';
import { rehypeScrollBoxes } from './rehype-scroll-boxes';

type Node = { type: string; tagName?: string; properties?: Record<string, unknown>; children?: Node[] };
const element = (tagName: string, className: string[], children: Node[] = []): Node => ({ type: 'element', tagName, properties: { className }, children });
const display = () => element('span', ['katex-display'], [element('span', ['katex'], [element('span', ['katex-mathml'])])]);

describe('boxes that scroll sideways on a phone', () => {
  it('make each display formula a focusable, labelled group', () => {
    const first = display();
    const nested = display();
    const tree: Node = { type: 'root', children: [element('p', [], [first]), element('div', ['wrapper'], [nested])] };
    rehypeScrollBoxes()(tree);
    for (const formula of [first, nested]) expect(formula.properties).toEqual({ className: ['katex-display'], tabIndex: 0, role: 'group', ariaLabel: 'Formula' });
    expect(first.children![0].properties).toEqual({ className: ['katex'] });
  });
  it('make each markdown table focusable, keeping its role', () => {
    const table = element('table', [], [element('tbody', [])]);
    rehypeScrollBoxes()({ type: 'root', children: [element('section', [], [table])] });
    expect(table.properties).toEqual({ className: [], tabIndex: 0 });
  });
  it('leave inline maths alone', () => {
    const inline = element('span', ['katex']);
    rehypeScrollBoxes()({ type: 'root', children: [inline] });
    expect(inline.properties).toEqual({ className: ['katex'] });
  });
});
