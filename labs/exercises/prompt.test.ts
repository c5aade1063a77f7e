// Method: exact expected HTML for each construct of the subset, hostile inputs that must come out inert, and a
// fast-check property that no text can produce a tag or attribute the renderer did not write itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPromptHtml } from './prompt';

describe('the prompt subset', () => {
  it('renders paragraphs with inline code, bold and emphasis', () => {
    expect(renderPromptHtml('Node **b** sends `m` to *c*.\nThen it stops.\n\nSecond paragraph.')).toBe(
      '<p>Node <strong>b</strong> sends <code>m</code> to <em>c</em>.\nThen it stops.</p>\n<p>Second paragraph.</p>',
    );
  });
  it('renders bullet lists, with continuation lines', () => {
    expect(renderPromptHtml('Events:\n- a sends\n  twice\n* c **crashes**\n\nDone.')).toBe(
      '<p>Events:</p>\n<ul><li>a sends\ntwice</li><li>c <strong>crashes</strong></li></ul>\n<p>Done.</p>',
    );
  });
  it('renders numbered lists as ordered lists, keeping a first number other than 1', () => {
    expect(renderPromptHtml('Then, in this order:\n\n1. b asks\n2. c **asks**\n   again\n3) a times out\n\nAfter.')).toBe(
      '<p>Then, in this order:</p>\n<ol><li>b asks</li><li>c <strong>asks</strong>\nagain</li><li>a times out</li></ol>\n<p>After.</p>',
    );
    expect(renderPromptHtml('3. third\n4. fourth')).toBe('<ol start="3"><li>third</li><li>fourth</li></ol>');
  });
  it('starts a new list when the marker kind changes, and lets only "1." interrupt a paragraph', () => {
    expect(renderPromptHtml('- a\n- b\n1. one\n2. two\n- c')).toBe('<ul><li>a</li><li>b</li></ul>\n<ol><li>one</li><li>two</li></ol>\n<ul><li>c</li></ul>');
    expect(renderPromptHtml('Steps:\n1. go')).toBe('<p>Steps:</p>\n<ol><li>go</li></ol>');
    expect(renderPromptHtml('It was published in\n2001. A year later.')).toBe('<p>It was published in\n2001. A year later.</p>');
    expect(renderPromptHtml('1.5 is a number, and 2.x is not a list')).toBe('<p>1.5 is a number, and 2.x is not a list</p>');
  });
  it('renders fenced code literally, with a cleaned language class', () => {
    expect(renderPromptHtml('```ts\nconst a = **b** < c && `d`;\n```\nAfter.')).toBe(
      '<pre tabindex="0"><code class="language-ts">const a = **b** &lt; c &amp;&amp; `d`;</code></pre>\n<p>After.</p>',
    );
    expect(renderPromptHtml('```\nopen to the end')).toBe('<pre tabindex="0"><code>open to the end</code></pre>');
  });
  it('leaves lone asterisks and backticks alone', () => {
    expect(renderPromptHtml('2 * 3 * 4 and a ` tick')).toBe('<p>2 * 3 * 4 and a ` tick</p>');
  });
  it('keeps code spans literal', () => {
    expect(renderPromptHtml('`**not bold**` and `<i>`')).toBe('<p><code>**not bold**</code> and <code>&lt;i&gt;</code></p>');
  });
});

describe('escaping', () => {
  it('escapes script tags everywhere', () => {
    const hostile = '<script>alert(1)</script>';
    expect(renderPromptHtml(hostile)).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(renderPromptHtml(`- ${hostile}`)).toBe('<ul><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul>');
    expect(renderPromptHtml(`7. ${hostile}`)).toBe('<ol start="7"><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ol>');
    expect(renderPromptHtml(`**${hostile}**`)).toBe('<p><strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong></p>');
    expect(renderPromptHtml(`\`${hostile}\``)).toBe('<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>');
  });
  it('keeps attribute injection out of the code block language', () => {
    expect(renderPromptHtml('```ts" onmouseover="alert(1)\nx\n```')).toBe('<p>```ts&quot; onmouseover=&quot;alert(1)\nx</p>\n<pre tabindex="0"><code></code></pre>');
    expect(renderPromptHtml('```Type-Script\nx\n```')).toBe('<pre tabindex="0"><code class="language-type-script">x</code></pre>');
  });
  it('escapes quotes and ampersands, and has no links', () => {
    expect(renderPromptHtml(`[x](javascript:alert(1)) "q" 'a' &amp;`)).toBe('<p>[x](javascript:alert(1)) &quot;q&quot; &#39;a&#39; &amp;amp;</p>');
  });
  it('never emits a tag it did not write (property)', () => {
    const alphabet = fc.constantFrom('<', '>', '"', "'", '&', '*', '`', '-', ' ', '\n', 'a', 's', '/', '=', '#', '1', '7', '.', ')');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((chars) => chars.join('')), (text) => {
        const html = renderPromptHtml(text);
        const tags = html.match(/<[^>]*>/g) ?? [];
        for (const tag of tags) expect(tag).toMatch(/^<\/?(p|ul|ol|li|pre|code|strong|em)>$|^<code class="language-[a-z0-9-]+">$|^<ol start="\d+">$/);
        expect(html.replace(/<[^>]*>/g, '')).not.toMatch(/[<>"']/);
      }),
    );
  });
});
