/**
 * Remark plugin: a fenced block whose info string is `ts cell` (optionally with attributes) becomes a notebook
 * cell. The source stays an ordinary, readable code block in the MDX:
 *
 *     ```ts cell id="ping" caption="Two nodes ping each other over a lossy link."
 *     import { runPingDemo } from 'labs/intro';
 *     display(runPingDemo({ seed: 1 }));
 *     ```
 *
 * The block is replaced by `<HbCell code=… id=… file=… line=… />`, and an import of components/Cell.astro is
 * added to the module. The component runs the cell when the page is built and renders its outputs; the file and
 * line passed here are how a failing cell names its place in a build error.
 *
 * Attributes: `id` (stable key for saved edits; defaults to cell-N in page order), `caption` (a caption for the
 * cell's first figure when the code gives none), `timeout` (browser run limit in ms, default 5000).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The slice of the mdast/MDX tree this plugin reads and writes. */
interface Node {
  type: string;
  lang?: string | null;
  meta?: string | null;
  value?: string;
  position?: { start: { line: number } };
  children?: Node[];
  [key: string]: unknown;
}

const componentPath = fileURLToPath(new URL('../../components/Cell.astro', import.meta.url));
const COMPONENT = 'HbCell';

/** Parses `id="x" caption='y' timeout=3000` into a record; bare words become `true`. */
export function parseCellMeta(meta: string): Record<string, string | true> {
  const attributes: Record<string, string | true> = {};
  const pattern = /([A-Za-z][\w-]*)(?:=(?:"([^"]*)"|'([^']*)'|(\S+)))?/g;
  for (const match of meta.matchAll(pattern)) {
    attributes[match[1]] = match[2] ?? match[3] ?? match[4] ?? true;
  }
  return attributes;
}

export function isCellFence(node: Node): boolean {
  return node.type === 'code' && (node.lang === 'ts' || node.lang === 'typescript') && /(^|\s)cell(\s|$)/.test(node.meta ?? '');
}

export function remarkCells() {
  return (root: unknown, file: { path?: string; cwd?: string }) => {
    const tree = root as Node;
    let count = 0;
    const seen = new Set();
    const relativeFile = file.path ? path.relative(file.cwd ?? process.cwd(), file.path) : '<unknown>';
    walk(tree, (node, index, parent) => {
      if (!isCellFence(node)) return;
      count += 1;
      const meta = parseCellMeta(node.meta ?? '');
      const id = typeof meta.id === 'string' ? meta.id : `cell-${count}`;
      if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
        throw new Error(`${relativeFile}:${node.position?.start.line}: cell id "${id}" must be lower-case letters, digits and dashes`);
      }
      if (seen.has(id)) throw new Error(`${relativeFile}:${node.position?.start.line}: two cells on this page have the id "${id}"`);
      seen.add(id);
      const attributes: Record<string, string> = {
        code: node.value ?? '',
        id,
        file: relativeFile,
        // The fence's first line is the ``` line; the code starts on the next.
        line: String((node.position?.start.line ?? 0) + 1),
      };
      if (typeof meta.caption === 'string') attributes.caption = meta.caption;
      if (typeof meta.timeout === 'string') attributes.timeout = meta.timeout;
      parent.children![index] = {
        type: 'mdxJsxFlowElement',
        name: COMPONENT,
        attributes: Object.entries(attributes).map(([name, value]) => ({ type: 'mdxJsxAttribute', name, value })),
        children: [],
      };
    });
    if (count > 0) tree.children?.unshift(importDeclaration(COMPONENT, componentPath));
  };
}

function walk(node: Node, visit: (node: Node, index: number, parent: Node) => void, index = 0, parent?: Node): void {
  if (parent) visit(node, index, parent);
  if (Array.isArray(node.children)) node.children.forEach((child, i) => walk(child, visit, i, node));
}

/** An `import Name from "source"` node, with the ESTree that MDX needs to compile it. */
function importDeclaration(name: string, source: string): Node {
  return {
    type: 'mdxjsEsm',
    value: `import ${name} from ${JSON.stringify(source)};`,
    data: {
      estree: {
        type: 'Program',
        sourceType: 'module',
        body: [{
          type: 'ImportDeclaration',
          specifiers: [{ type: 'ImportDefaultSpecifier', local: { type: 'Identifier', name } }],
          source: { type: 'Literal', value: source, raw: JSON.stringify(source) },
        }],
      },
    },
  };
}
