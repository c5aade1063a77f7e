/**
 * Prompt text to HTML: a deliberately tiny markdown subset, safe by construction.
 *
 * Every character of the input is HTML-escaped first; the renderer then adds only its own tags (`p`, `ul`, `ol`,
 * `li`, `pre`, `code`, `strong`, `em`), never an attribute taken from the text except a code block's language, which
 * is reduced to `[a-z0-9-]`, and a numbered list's first number, which is digits only. There are no links, images or raw HTML, so prompt text cannot inject markup or script,
 * whether it is rendered at build time or in the browser. Plain string work only: no DOM.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const FENCE = /^\s*```\s*([\w-]*)\s*$/;
const BULLET = /^\s*[-*]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;

/** A list item's marker and text: `- x` and `* x` are bullets, `1. x` and `1) x` numbered. */
function listItem(line: string): { ordered: false; text: string } | { ordered: true; number: number; text: string } | null {
  const bullet = BULLET.exec(line);
  if (bullet) return { ordered: false, text: bullet[1] as string };
  const numbered = NUMBERED.exec(line);
  if (numbered) return { ordered: true, number: Number(numbered[1]), text: numbered[2] as string };
  return null;
}

/** As in CommonMark, a bullet may interrupt a paragraph but a numbered line only if it is `1.`: "2001. A year" inside a paragraph stays text. */
function interruptsParagraph(line: string): boolean {
  const item = listItem(line);
  return item !== null && (!item.ordered || item.number === 1);
}

/**
 * Renders the prompt subset to an HTML fragment:
 *
 * - blocks: paragraphs separated by blank lines; bullet lists (`- item` or `* item`) and numbered lists (`1. item`
 *   or `1) item`; a list that starts at another number keeps it, as `<ol start="3">`), where an indented line
 *   continues the item above and a change of marker kind starts a new list; fenced code (```` ```ts ```` …
 *   ```` ``` ````; an unclosed fence runs to the end).
 * - inline: `code` (contents shown literally), **bold**, *emphasis*.
 *
 * Example: `renderPromptHtml('Is **a** <b>?')` → `'<p>Is <strong>a</strong> &lt;b&gt;?</p>'`.
 */
export function renderPromptHtml(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const html: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i] as string); i++) body.push(lines[i] as string);
      i++;
      const language = (fence[1] ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '');
      const attribute = language ? ` class="language-${language}"` : '';
      // A wide block (a history table, a long line of code) scrolls in its own box, reachable by keyboard.
      html.push(`<pre tabindex="0"><code${attribute}>${escapeHtml(body.join('\n'))}</code></pre>`);
    } else if (listItem(line)) {
      const first = listItem(line) as NonNullable<ReturnType<typeof listItem>>;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] as string;
        const item = listItem(current);
        if (item && item.ordered === first.ordered) items.push(item.text);
        else if (!item && /^\s+\S/.test(current) && items.length > 0) items[items.length - 1] += `\n${current.trim()}`;
        else break;
        i++;
      }
      const body = items.map((item) => `<li>${renderInline(item)}</li>`).join('');
      if (!first.ordered) html.push(`<ul>${body}</ul>`);
      else html.push(first.number === 1 ? `<ol>${body}</ol>` : `<ol start="${first.number}">${body}</ol>`);
    } else if (line.trim() === '') {
      i++;
    } else {
      const paragraph: string[] = [];
      while (i < lines.length) {
        const current = lines[i] as string;
        if (current.trim() === '' || FENCE.test(current) || interruptsParagraph(current)) break;
        paragraph.push(current.trim());
        i++;
      }
      html.push(`<p>${renderInline(paragraph.join('\n'))}</p>`);
    }
  }
  return html.join('\n');
}

/** Inline markup on one block's text: code spans first (their contents are literal), then bold, then emphasis. */
function renderInline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, index) => {
      if (index % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
        .replace(/\*(?=\S)([^*]+?)\*/g, '<em>$1</em>');
    })
    .join('');
}
