/**
 * Frontmatter lines and glossary definitions are plain text except for `code` in backticks, the one piece of
 * markdown they may use. This splits such a text into the parts a component renders as text and as `<code>`.
 */
export type InlinePart = { text: string } | { code: string };

export function inlineCode(text: string): InlinePart[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? { code: part } : { text: part }));
}
