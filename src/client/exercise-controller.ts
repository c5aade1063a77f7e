/**
 * Exercises in the browser, loaded on first use: grade in the lab worker under a time limit, record the attempt in
 * the progress store, and show a score with feedback per check. The browser's score is for the reader only; the
 * stored answers are what an instructor regrades.
 */
import { chooseVariant, recordAttempt, revealSolution, webStorage } from '../../labs/exercises/progress';
import { nextVariantSeed } from '../../labs/exercises/variants';
import { timeoutResult } from '../../labs/exercises/outcomes';
import { renderPromptHtml, escapeHtml } from '../../labs/exercises/prompt';
import type { Answer, GradeResult, Prompt } from '../../labs/exercises/types';
import type { ExerciseView } from '../../labs/exercises-view';
import { exerciseBodyHtml } from '../views/exercise-form';
import { callWorker } from './lab-worker';
import { enhanceFigures } from './figures';
import type { CellEditor } from './editor';

const GRADE_LIMIT_MS = 10_000;
const editors = new WeakMap<HTMLElement, CellEditor>();
const hintsShown = new WeakMap<HTMLElement, number>();

const storage = () => webStorage(localStorage);
const $ = <T extends Element>(root: Element, selector: string) => root.querySelector<T>(selector)!;

function status(article: HTMLElement, text: string): void {
  $(article, '.hb-exercise-status').textContent = text;
}

function idOf(article: HTMLElement): string {
  return article.dataset.exercise ?? '';
}

function seedOf(article: HTMLElement): number {
  return Number(article.dataset.seed ?? 0);
}

function attemptsText(entry: { attempts: number; best: number }): string {
  return `${entry.attempts} attempt${entry.attempts === 1 ? '' : 's'} · best score ${Math.round(entry.best * 100)}%`;
}

function collectAnswer(article: HTMLElement): Answer {
  switch (article.dataset.kind) {
    case 'choice':
      return { kind: 'choice', selected: Array.from(article.querySelectorAll<HTMLInputElement>('.hb-option input:checked')).map((input) => input.value) };
    case 'numeric':
      return { kind: 'numeric', value: $<HTMLInputElement>(article, 'input[name="value"]').value };
    case 'structured':
      return { kind: 'structured', text: $<HTMLInputElement>(article, 'input[name="text"]').value };
    default:
      return { kind: 'code', source: editors.get(article)?.source() ?? $<HTMLTextAreaElement>(article, 'textarea[name="source"]').value };
  }
}

function fillAnswer(article: HTMLElement, answer: unknown): void {
  const a = answer as Partial<Record<string, unknown>> | null;
  if (!a || typeof a !== 'object') return;
  if (a.kind === 'choice' && Array.isArray(a.selected)) {
    for (const input of article.querySelectorAll<HTMLInputElement>('.hb-option input')) input.checked = a.selected.includes(input.value);
  } else if (a.kind === 'numeric') {
    $<HTMLInputElement>(article, 'input[name="value"]').value = String(a.value ?? '');
  } else if (a.kind === 'structured') {
    $<HTMLInputElement>(article, 'input[name="text"]').value = String(a.text ?? '');
  } else if (a.kind === 'code' && typeof a.source === 'string') {
    const editor = editors.get(article);
    if (editor) editor.setSource(a.source);
    else $<HTMLTextAreaElement>(article, 'textarea[name="source"]').value = a.source;
  }
}

function renderFeedback(article: HTMLElement, result: GradeResult): void {
  const percent = Math.round(result.score * 100);
  const items = result.checks.map((check) => `
    <li class="${check.passed ? 'hb-pass' : 'hb-fail'}">
      <span class="hb-mark" aria-hidden="true">${check.passed ? '✓' : '✗'}</span>
      <span class="sr-only">${check.passed ? 'Passed:' : 'Failed:'}</span>
      <strong>${escapeHtml(check.name)}</strong>${check.feedback ? ` — ${escapeHtml(check.feedback)}` : ''}
    </li>`).join('');
  $(article, '.hb-feedback').innerHTML = `
    <p class="hb-score ${result.passed ? 'hb-pass' : 'hb-fail'}">${result.passed ? 'Correct.' : 'Not yet.'} Score: ${percent}%</p>
    <ul class="hb-checks">${items}</ul>`;
}

async function renderPrompt(container: Element, prompt: Prompt, idPrefix: string): Promise<void> {
  container.innerHTML = renderPromptHtml(prompt.text);
  if (prompt.figures?.length) {
    const { renderOutputs } = await import('../views/render');
    container.append(renderOutputs(prompt.figures, { document, idPrefix }));
    enhanceFigures(container);
  }
}

export async function check(article: HTMLElement): Promise<void> {
  const id = idOf(article);
  const seed = seedOf(article);
  const answer = collectAnswer(article);
  const submit = $<HTMLButtonElement>(article, 'button[type="submit"]');
  if (submit.getAttribute('aria-busy') === 'true') return;
  submit.setAttribute('aria-busy', 'true');
  status(article, 'Checking…');
  try {
    const outcome = await callWorker((api) => api.gradeExercise(id, seed, answer), GRADE_LIMIT_MS);
    if (!outcome.ok && !outcome.timedOut) {
      status(article, 'Checking was stopped before it finished. Check again.');
      return;
    }
    const result = outcome.ok ? outcome.value : timeoutResult({ id }, seed, GRADE_LIMIT_MS);
    renderFeedback(article, result);
    let summary = '';
    try {
      const entry = recordAttempt(storage(), id, seed, answer, result, new Date().toISOString());
      summary = attemptsText(entry);
    } catch (error) {
      summary = `Your answer was checked but could not be saved in this browser (${(error as Error).message}).`;
    }
    status(article, `${result.passed ? 'Correct' : `Score ${Math.round(result.score * 100)}%`}. ${summary}`);
    $<HTMLButtonElement>(article, '[data-action="reveal"]').disabled = false;
  } catch (error) {
    status(article, `The answer could not be checked: ${(error as Error).message}`);
  } finally {
    submit.removeAttribute('aria-busy');
  }
}

export async function hint(article: HTMLElement): Promise<void> {
  const view = await callWorker((api) => api.exerciseView(idOf(article), seedOf(article)), GRADE_LIMIT_MS);
  if (!view.ok) return;
  const shown = hintsShown.get(article) ?? 0;
  const hints = view.value.hints;
  if (shown >= hints.length) {
    status(article, 'No more hints for this exercise.');
    return;
  }
  const item = document.createElement('p');
  item.className = 'hb-hint';
  item.innerHTML = `<strong>Hint ${shown + 1} of ${hints.length}:</strong> ${renderPromptHtml(hints[shown]).replace(/^<p>|<\/p>$/g, '')}`;
  $(article, '.hb-hints').append(item);
  hintsShown.set(article, shown + 1);
}

export async function reveal(article: HTMLElement): Promise<void> {
  const id = idOf(article);
  const seed = seedOf(article);
  const outcome = await callWorker((api) => api.exerciseSolution(id, seed), GRADE_LIMIT_MS);
  if (!outcome.ok) return;
  const box = $<HTMLElement>(article, '.hb-solution');
  box.hidden = false;
  box.innerHTML = '<h4>Solution</h4><div class="hb-solution-text"></div>';
  await renderPrompt($(box, '.hb-solution-text'), outcome.value.prompt, `${article.id}-sol`);
  if (outcome.value.reference) {
    const pre = document.createElement('pre');
    pre.className = 'hb-reference';
    pre.tabIndex = 0;
    pre.setAttribute('role', 'region');
    pre.setAttribute('aria-label', 'Reference answer');
    pre.textContent = outcome.value.reference;
    box.append(pre);
  }
  try {
    revealSolution(storage(), id, seed, new Date().toISOString());
  } catch (error) {
    status(article, `The solution is shown, but that you saw it was not saved in this browser (${(error as Error).message}).`);
  }
  box.setAttribute('tabindex', '-1');
  box.focus();
}

async function showVariant(article: HTMLElement, view: ExerciseView): Promise<void> {
  article.dataset.seed = String(view.seed);
  editors.delete(article);
  $(article, '.hb-exercise-body').innerHTML = exerciseBodyHtml(view);
  if (view.prompt.figures?.length) {
    const { renderOutputs } = await import('../views/render');
    $(article, '.hb-prompt-figures').append(renderOutputs(view.prompt.figures, { document, idPrefix: `${article.id}-v${view.seed}` }));
    enhanceFigures(article);
  }
  $(article, '.hb-feedback').innerHTML = '';
  $(article, '.hb-hints').innerHTML = '';
  hintsShown.delete(article);
  const solution = $<HTMLElement>(article, '.hb-solution');
  solution.hidden = true;
  solution.innerHTML = '';
}

export async function variant(article: HTMLElement): Promise<void> {
  const seed = nextVariantSeed(idOf(article), seedOf(article));
  status(article, 'Making a new variant…');
  const outcome = await callWorker((api) => api.exerciseView(idOf(article), seed), GRADE_LIMIT_MS);
  if (!outcome.ok) {
    status(article, 'Could not make a new variant.');
    return;
  }
  await showVariant(article, outcome.value);
  $<HTMLButtonElement>(article, '[data-action="reveal"]').disabled = true;
  // Saved at once, so a reload shows this variant rather than the one it replaced.
  try {
    chooseVariant(storage(), idOf(article), seed, new Date().toISOString());
    status(article, `New variant (number ${seed}). Your earlier attempts still count.`);
  } catch (error) {
    status(article, `New variant (number ${seed}), but it was not saved in this browser (${(error as Error).message}); a reload brings back the previous one.`);
  }
}

/** On page load: bring back the reader's variant, last answer and attempt count. */
export async function restore(article: HTMLElement, entry: { seed: number; attempts: number; best: number; answer: unknown }): Promise<void> {
  if (entry.seed !== seedOf(article)) {
    const outcome = await callWorker((api) => api.exerciseView(idOf(article), entry.seed), GRADE_LIMIT_MS);
    if (outcome.ok) await showVariant(article, outcome.value);
  }
  fillAnswer(article, entry.answer);
  if (entry.attempts > 0) $<HTMLButtonElement>(article, '[data-action="reveal"]').disabled = false;
  if (entry.attempts > 0) status(article, attemptsText(entry));
  else if (entry.seed !== Number(article.dataset.defaultSeed ?? 0)) status(article, `Variant number ${entry.seed}, as you left it.`);
}

/** Swaps a code answer's textarea for the editor, keeping what was typed and the focus. */
export async function upgradeEditor(article: HTMLElement): Promise<void> {
  if (editors.has(article)) return;
  const textarea = article.querySelector<HTMLTextAreaElement>('textarea.hb-code-input');
  if (!textarea) return;
  const { createEditor } = await import('./editor');
  if (editors.has(article) || !textarea.isConnected) return;
  const mount = document.createElement('div');
  mount.className = 'hb-editor';
  textarea.hidden = true;
  textarea.after(mount);
  const editor = createEditor(mount, textarea.value, {
    label: `Your code for ${$(article, '.hb-exercise-title').textContent}. Shift+Enter checks it.`,
    onChange: (source) => { textarea.value = source; },
    onRun: () => void check(article),
  });
  const label = article.querySelector(`label[for="${textarea.id}"]`);
  label?.addEventListener('click', () => editor.focus());
  editors.set(article, editor);
  editor.focus();
}
