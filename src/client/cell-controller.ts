/**
 * What Run, Stop, Edit and Reset do, loaded on first use. Each run goes to a fresh lab worker under the cell's
 * time limit; outputs come back as data, are capped again (the worker ran untrusted code and could forge its
 * reply) and are drawn with the same views the build used; an error's line is marked in the editor (or in the
 * highlighted code, when the editor is closed).
 *
 * A run that is stopped (by Stop, by Reset, or by its time limit) leaves the outputs the cell showed before;
 * only the notice above them says what happened. Reset brings back the code and the outputs the page was built
 * with.
 */
import type { CellEditor } from './editor';
import { callWorker, warmWorker } from './lab-worker';
import { clearSource, saveSource } from './cell-store';
import { enhanceFigures } from './figures';

const editors = new WeakMap<HTMLElement, CellEditor>();
const opening = new WeakMap<HTMLElement, Promise<CellEditor>>();
/** The run in flight per cell, so Stop and Reset can end it. */
const running = new WeakMap<HTMLElement, AbortController>();
/** The outputs the page was built with, kept (with their listeners) the first time a run replaces them. */
const builtOutputs = new WeakMap<HTMLElement, Node[]>();
let runCounter = 0;

function part<T extends HTMLElement>(cell: HTMLElement, selector: string): T {
  const element = cell.querySelector<T>(selector);
  if (!element) throw new Error(`cell ${cell.dataset.cell} has no ${selector}`);
  return element;
}

function original(cell: HTMLElement): string {
  return JSON.parse(part(cell, 'script[data-original]').textContent ?? '""') as string;
}

function status(cell: HTMLElement, text: string): void {
  part(cell, '.hb-cell-status').textContent = text;
}

/** A message above the outputs (a stopped run, a failure to save); empty clears it. */
function notice(cell: HTMLElement, element?: Element): void {
  const box = part(cell, '.hb-cell-notice');
  if (element) box.replaceChildren(element);
  else box.replaceChildren();
}

function noticeOf(heading: string, message: string): Element {
  const box = document.createElement('div');
  box.className = 'hb-error';
  box.setAttribute('role', 'alert');
  const title = document.createElement('strong');
  title.textContent = heading;
  const text = document.createElement('p');
  text.textContent = message;
  box.append(title, text);
  return box;
}

function replaceOutputs(cell: HTMLElement, fragment: DocumentFragment): void {
  const container = part(cell, '.hb-cell-output');
  if (!builtOutputs.has(cell)) builtOutputs.set(cell, Array.from(container.childNodes));
  container.replaceChildren(fragment);
  enhanceFigures(container);
}

function markEdited(cell: HTMLElement, edited: boolean): void {
  part(cell, '[data-action="reset"]').hidden = !edited;
  part(cell, '.hb-cell-badge').hidden = !edited;
}

export function warm(): void {
  warmWorker();
}

async function openEditor(cell: HTMLElement, source: string): Promise<CellEditor> {
  const existing = editors.get(cell) ?? opening.get(cell);
  if (existing) return existing;
  const pending = import('./editor').then(({ createEditor }) => {
    const host = part(cell, '.hb-cell-source');
    const mount = document.createElement('div');
    mount.className = 'hb-editor';
    host.replaceChildren(mount);
    const editor = createEditor(mount, source, {
      label: `Code of cell ${cell.dataset.cell}. Shift+Enter runs it.`,
      onRun: () => void run(cell),
      onChange: (text) => {
        const edited = text !== original(cell);
        const saving = edited ? saveSource(cell.dataset.cell ?? '', text) : (clearSource(cell.dataset.cell ?? ''), { saved: true as const });
        markEdited(cell, edited);
        if (!saving.saved) status(cell, `Not saved: ${saving.reason}. This edit will be lost when you leave the page.`);
        else if (cell.dataset.unsaved !== undefined) status(cell, 'Saved.');
        cell.toggleAttribute('data-unsaved', !saving.saved);
      },
    });
    editors.set(cell, editor);
    part<HTMLButtonElement>(cell, '[data-action="edit"]').hidden = true;
    return editor;
  });
  opening.set(cell, pending);
  return pending;
}

export async function edit(cell: HTMLElement): Promise<void> {
  status(cell, 'Loading the editor…');
  const editor = await openEditor(cell, original(cell));
  status(cell, '');
  editor.focus();
}

/** On page load, for a cell the reader edited earlier: show their version in the editor. */
export async function restore(cell: HTMLElement, source: string): Promise<void> {
  if (source === original(cell)) return;
  await openEditor(cell, source);
  markEdited(cell, true);
  status(cell, 'Your edit is restored; the output below is from the original code until you run it.');
}

export async function reset(cell: HTMLElement): Promise<void> {
  // Taken out before aborting, so the stopped run knows it was superseded and says nothing.
  const inFlight = running.get(cell);
  running.delete(cell);
  inFlight?.abort();
  clearSource(cell.dataset.cell ?? '');
  const editor = editors.get(cell);
  editor?.setSource(original(cell));
  editor?.markError(undefined);
  cell.querySelectorAll('.hb-error-line').forEach((line) => line.classList.remove('hb-error-line'));
  const built = builtOutputs.get(cell);
  if (built) part(cell, '.hb-cell-output').replaceChildren(...built);
  notice(cell);
  markEdited(cell, false);
  status(cell, 'Reset to the original code and outputs.');
}

/** Stops the cell's run: its worker is terminated and the outputs from before the run stay. */
export async function stop(cell: HTMLElement): Promise<void> {
  running.get(cell)?.abort();
}

export async function run(cell: HTMLElement): Promise<void> {
  const runButton = part<HTMLButtonElement>(cell, '[data-action="run"]');
  const stopButton = part<HTMLButtonElement>(cell, '[data-action="stop"]');
  if (running.has(cell)) return;
  const editor = editors.get(cell);
  const source = editor?.source() ?? original(cell);
  const limitMs = Number(cell.dataset.timeout) || 5000;
  const controller = new AbortController();
  running.set(cell, controller);
  runButton.setAttribute('aria-busy', 'true');
  stopButton.hidden = false;
  cell.classList.add('hb-running');
  status(cell, 'Running…');
  notice(cell);
  editor?.markError(undefined);
  const started = performance.now();
  try {
    const outcome = await callWorker((api) => api.runCell(source, `${cell.dataset.cell}.ts`), limitMs, { signal: controller.signal });
    if (running.get(cell) !== controller) return; // Reset came first and has said what happened
    if (!outcome.ok) {
      if (outcome.timedOut) {
        notice(cell, noticeOf('The cell was stopped', `It ran for more than ${outcome.limitMs / 1000} s. Look for a loop that never ends, or a simulation with no time limit. The outputs below are from before this run; you can run again.`));
        status(cell, `Stopped after ${outcome.limitMs / 1000} s.`);
      } else {
        status(cell, 'Stopped. The outputs below are from before this run.');
      }
      return;
    }
    const [{ renderOutputsGradually }, { capOutputs }] = await Promise.all([import('../views/render'), import('../../labs/display/caps')]);
    const outputs = capOutputs(outcome.value.outputs);
    // One output per task, so a heavy run never holds the page for long; the old outputs stay until all are drawn.
    const fragment = await renderOutputsGradually(outputs, { document, idPrefix: `cell-${cell.dataset.cell}-r${++runCounter}`, defaultCaption: cell.dataset.caption, deferDataTables: true }, () => new Promise((resolve) => setTimeout(resolve, 0)));
    if (controller.signal.aborted) return; // Reset or Stop came while drawing: keep what the cell shows now
    replaceOutputs(cell, fragment);
    const error = outcome.value.error;
    const elapsed = Math.round(performance.now() - started);
    cell.dataset.lastRunMs = String(elapsed);
    if (error) {
      status(cell, `Failed${error.line ? ` at line ${error.line}` : ''}.`);
      if (error.line) await markErrorLine(cell, error.line, error.message);
    } else {
      status(cell, `Ran in ${elapsed} ms.`);
    }
  } catch (error) {
    status(cell, `Could not run: ${(error as Error).message}`);
  } finally {
    if (running.get(cell) === controller) running.delete(cell);
    if (!running.has(cell)) {
      // Stop disappears with the run; a keyboard user who pressed it lands on Run, not on the page's top.
      if (document.activeElement === stopButton) runButton.focus();
      runButton.removeAttribute('aria-busy');
      stopButton.hidden = true;
      cell.classList.remove('hb-running');
    }
  }
}

async function markErrorLine(cell: HTMLElement, line: number, message: string): Promise<void> {
  const editor = editors.get(cell);
  if (editor) {
    editor.markError(line, message);
    return;
  }
  const lines = cell.querySelectorAll('.hb-cell-source .ec-line');
  lines.forEach((element, i) => element.classList.toggle('hb-error-line', i === line - 1));
}
