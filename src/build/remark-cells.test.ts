// Method: run the remark plugin over small MDX trees and check that `ts cell` fences, and only they, become cell
// elements with the right attributes, that the component import is added once, and that bad ids fail loudly.
import { describe, expect, it } from 'vitest';
import { isCellFence, parseCellMeta, remarkCells } from './remark-cells';

function code(meta: string | null, value = 'display(1);', line = 10) {
  return { type: 'code', lang: 'ts', meta, value, position: { start: { line }, end: { line: line + 2 } } };
}

function transform(children: unknown[]) {
  const tree = { type: 'root', children };
  remarkCells()(tree, { path: `${process.cwd()}/content/chapters/x.mdx`, cwd: process.cwd() });
  return tree as { children: Array<Record<string, unknown>> };
}

describe('cell fences', () => {
  it('parses attributes in any quoting, and bare flags', () => {
    expect(parseCellMeta('cell id="ping" caption=\'Two nodes.\' timeout=3000')).toEqual({ cell: true, id: 'ping', caption: 'Two nodes.', timeout: '3000' });
  });
  it('recognises only ts fences marked cell', () => {
    expect(isCellFence(code('cell'))).toBe(true);
    expect(isCellFence(code(null))).toBe(false);
    expect(isCellFence({ ...code('cell'), lang: 'js' })).toBe(false);
    expect(isCellFence(code('cellular'))).toBe(false);
  });
  it('replaces a cell fence with the component, keeping the source, file and first code line', () => {
    const tree = transform([code('cell id="ping" caption="Look."', 'display(2);', 10), code(null)]);
    expect(tree.children[0]).toMatchObject({ type: 'mdxjsEsm' });
    const cell = tree.children[1] as { name: string; attributes: { name: string; value: string }[] };
    expect(cell.name).toBe('HbCell');
    expect(Object.fromEntries(cell.attributes.map((a) => [a.name, a.value]))).toEqual({
      code: 'display(2);', id: 'ping', file: 'content/chapters/x.mdx', line: '11', caption: 'Look.',
    });
    expect(tree.children[2]).toMatchObject({ type: 'code' });
  });
  it('numbers cells without ids and adds no import to pages without cells', () => {
    const tree = transform([code('cell'), code('cell')]);
    const ids = tree.children.slice(1).map((c) => (c.attributes as { name: string; value: string }[]).find((a) => a.name === 'id')?.value);
    expect(ids).toEqual(['cell-1', 'cell-2']);
    expect(transform([code(null)]).children).toHaveLength(1);
  });
  it('rejects duplicate and malformed ids with the file and line', () => {
    expect(() => transform([code('cell id="a"'), code('cell id="a"', 'x', 20)])).toThrow('content/chapters/x.mdx:20: two cells on this page have the id "a"');
    expect(() => transform([code('cell id="Bad Id"')])).toThrow(/must be lower-case/);
  });
});
