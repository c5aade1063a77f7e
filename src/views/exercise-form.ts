/**
 * The question and answer form of one exercise variant, as an HTML string: rendered into the page at build time
 * (default variant) and again in the browser when a reader asks for another variant, from one function so the
 * two cannot differ. All text is escaped; prompt text goes through the safe markdown subset.
 */
import { escapeHtml, renderPromptHtml } from '../../labs/exercises/prompt';
import type { ExerciseView } from '../../labs/exercises-view';

/**
 * How a structured answer is written, by format, worded so it holds for every exercise of that format: what the
 * items are (names, numbers, events) and whether a pair's order matters is the prompt's to say, and the example
 * is the exercise's own placeholder, so the label cannot contradict the question. The fallback examples parse in
 * their format (exercise-form.test.ts holds both to that).
 */
export const FORMAT_HINTS: Record<string, { shape: string; example: string }> = {
  vector: { shape: 'numbers in brackets', example: '[2, 0, 1]' },
  list: { shape: 'items in order, separated by commas', example: 'a, c, b' },
  set: { shape: 'a set, in any order', example: '{a, c}' },
  pairs: { shape: 'pairs, separated by commas', example: '(a, b), (b, c)' },
};

/** The label of a structured answer's input: its shape, and the exercise's placeholder as the example. */
export function structuredLabel(format: string | undefined, placeholder: string | undefined): string {
  const hint = FORMAT_HINTS[format ?? ''];
  if (!hint) return 'Your answer';
  return `Your answer: ${hint.shape}, like ${placeholder || hint.example}`;
}

export function domId(exerciseId: string): string {
  return `ex-${exerciseId.replace(/[^a-z0-9]+/gi, '-')}`;
}

/** The variable part of an exercise: prompt, answer inputs. Figures are drawn separately by the views. */
export function exerciseBodyHtml(view: ExerciseView): string {
  const id = domId(view.id);
  const prompt = `<div class="hb-prompt">${renderPromptHtml(view.prompt.text)}</div>`;
  return `${prompt}<div class="hb-prompt-figures"></div>${answerHtml(view, id)}`;
}

function answerHtml(view: ExerciseView, id: string): string {
  switch (view.kind) {
    case 'choice': {
      const type = view.multiple ? 'checkbox' : 'radio';
      const options = (view.options ?? []).map((option, i) => `
        <label class="hb-option" for="${id}-o${i}">
          <input type="${type}" id="${id}-o${i}" name="${id}-choice" value="${escapeHtml(option.id)}" />
          <span class="hb-option-label">${inline(option.label)}</span>
        </label>`).join('');
      return `<fieldset class="hb-answer-field"><legend>${view.multiple ? 'Select every answer that applies' : 'Select one answer'}</legend>${options}</fieldset>`;
    }
    case 'numeric':
      return `<div class="hb-answer-field"><label for="${id}-value">Your answer${view.unit ? ` (${escapeHtml(view.unit)})` : ''}</label>
        <input type="text" inputmode="decimal" autocomplete="off" id="${id}-value" name="value" class="hb-input" />
        ${view.unit ? `<span class="hb-unit" aria-hidden="true">${escapeHtml(view.unit)}</span>` : ''}</div>`;
    case 'structured':
      return `<div class="hb-answer-field"><label for="${id}-text">${escapeHtml(structuredLabel(view.format, view.placeholder))}</label>
        <input type="text" autocomplete="off" spellcheck="false" id="${id}-text" name="text" class="hb-input hb-input-wide" placeholder="${escapeHtml(view.placeholder ?? '')}" /></div>`;
    case 'code':
      return `<div class="hb-answer-field hb-code-answer">
        <p class="hb-signature">Implement <code>${escapeHtml(view.signature ?? '')}</code></p>
        <label for="${id}-source">Your code</label>
        <textarea id="${id}-source" name="source" class="hb-code-input" rows="${Math.min(24, (view.starter ?? '').split('\n').length + 2)}" spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off">${escapeHtml(view.starter ?? '')}</textarea></div>`;
  }
}

/** Option labels are one line of the prompt subset, without the paragraph around it. */
function inline(label: string): string {
  return renderPromptHtml(label).replace(/^<p>([\s\S]*)<\/p>$/, '$1');
}
