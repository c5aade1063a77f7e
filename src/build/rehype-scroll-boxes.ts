/**
 * On a phone, display maths and the chapters' markdown tables scroll sideways in their own boxes (book.css, and
 * Starlight's `display: block; overflow: auto` on tables), and a box that scrolls must take keyboard focus to be
 * scrolled without a pointer. This rehype step, run after rehype-katex, makes each such box focusable:
 * - a display formula (`span.katex-display`) becomes a focusable group labelled "Formula"; KaTeX's MathML inside
 *   it is what a screen reader reads;
 * - a markdown `<table>` gets `tabindex="0"` and keeps its table role.
 * The cells' own figures and tables are made focusable where they are rendered (src/views/render.ts).
 */
interface HastNode {
  type: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

function isDisplayMath(node: HastNode): boolean {
  const className = node.properties?.className;
  return node.type === 'element' && Array.isArray(className) && className.includes('katex-display');
}

export function rehypeScrollBoxes() {
  return (tree: HastNode): void => {
    const stack: HastNode[] = [tree];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (isDisplayMath(node)) {
        node.properties = { ...node.properties, tabIndex: 0, role: 'group', ariaLabel: 'Formula' };
        continue;
      }
      if (node.type === 'element' && node.tagName === 'table') {
        node.properties = { ...node.properties, tabIndex: 0 };
        continue;
      }
      if (node.children) stack.push(...node.children);
    }
  };
}
