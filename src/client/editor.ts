/**
 * CodeMirror 6 for cells, loaded on first edit. Shift+Enter runs the cell; Tab is left to the browser so keyboard
 * users can leave the editor; colours come from CSS variables (book.css) so the editor follows the light and
 * dark themes; a failing line is marked with a diagnostic that names the error.
 */
import { EditorView, basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { keymap } from '@codemirror/view';
import { Prec } from '@codemirror/state';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { setDiagnostics } from '@codemirror/lint';
import { tags } from '@lezer/highlight';

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.modifier, tags.controlKeyword, tags.operatorKeyword], color: 'var(--hb-code-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--hb-code-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--hb-code-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--hb-code-comment)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--hb-code-type)' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--hb-code-function)' },
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--hb-code-property)' },
]);

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--hb-code-bg)', color: 'var(--hb-code-fg)', fontSize: '0.875rem' },
  '.cm-content': { fontFamily: 'var(--__sl-font-mono, ui-monospace, monospace)', caretColor: 'var(--hb-code-fg)' },
  '.cm-gutters': { backgroundColor: 'var(--hb-code-bg)', color: 'var(--hb-code-comment)', border: 'none' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--hb-code-active)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--hb-code-selection) !important' },
  '.cm-cursor': { borderLeftColor: 'var(--hb-code-fg)' },
  '.cm-tooltip': { backgroundColor: 'var(--sl-color-bg-nav)', color: 'var(--sl-color-white)' },
});

export interface CellEditor {
  view: EditorView;
  source(): string;
  setSource(source: string): void;
  /** Marks a line (1-based) with an error message, or clears marks when line is undefined. */
  markError(line: number | undefined, message?: string): void;
  focus(): void;
}

export function createEditor(parent: HTMLElement, doc: string, options: { label: string; onChange(source: string): void; onRun(): void }): CellEditor {
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      Prec.highest(keymap.of([{ key: 'Shift-Enter', run: () => { options.onRun(); return true; } }])),
      basicSetup,
      javascript({ typescript: true }),
      syntaxHighlighting(highlight),
      theme,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': options.label }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange(update.state.doc.toString());
      }),
    ],
  });
  return {
    view,
    source: () => view.state.doc.toString(),
    setSource: (source) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: source } }),
    markError: (line, message) => {
      if (line === undefined || line < 1 || line > view.state.doc.lines) {
        view.dispatch(setDiagnostics(view.state, []));
        return;
      }
      const target = view.state.doc.line(line);
      view.dispatch(setDiagnostics(view.state, [{ from: target.from, to: Math.max(target.to, target.from), severity: 'error', message: message ?? 'error' }]));
    },
    focus: () => view.focus(),
  };
}
