/**
 * What Run, Edit and Reset do, loaded on first use. Runs go to the lab worker under the cell's time limit; outputs
 * come back as data and are drawn here with the same views the build used; an error's line is marked in the
 * editor (or in the highlighted code, when the editor is closed).
 */
import type { CellEditor } from './editor';
import { callWorker, warmWorker } from './lab-worker';
import { clearSource, saveSource } from './cell-store';
import { enhanceFigures } from './figures';

const editors = new WeakMap<HTMLElement, CellEditor>();
const opening = new WeakMap<HTMLElement, Promise<CellEditor>>();
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
        if (edited) saveSource(cell.dataset.cell ?? '', text);
        else clearSource(cell.dataset.cell ?? '');
        markEdited(cell, edited);
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
  clearSource(cell.dataset.cell ?? '');
  const editor = editors.get(cell);
  editor?.setSource(original(cell));
  editor?.markError(undefined);
  markEdited(cell, false);
  status(cell, 'Reset to the original code.');
}

export async function run(cell: HTMLElement): Promise<void> {
  const runButton = part<HTMLButtonElement>(cell, '[data-action="run"]');
  if (runButton.getAttribute('aria-busy') === 'true') return;
  const editor = editors.get(cell);
  const source = editor?.source() ?? original(cell);
  const limitMs = Number(cell.dataset.timeout) || 5000;
  runButton.setAttribute('aria-busy', 'true');
  cell.classList.add('hb-running');
  status(cell, 'Running…');
  editor?.markError(undefined);
  const started = performance.now();
  try {
    const outcome = await callWorker((api) => api.runCell(source, `${cell.dataset.cell}.ts`), limitMs);
    const [{ renderOutputs }] = await Promise.all([import('../views/render')]);
    const outputs = outcome.ok
      ? outcome.value.outputs
      : outcome.timedOut
        ? [{ kind: 'error' as const, phase: 'timeout' as const, message: `The cell ran for more than ${limitMs / 1000} s and was stopped. Look for a loop that never ends, or a simulation with no time limit. The worker was restarted, so you can run again.` }]
        : [{ kind: 'error' as const, phase: 'timeout' as const, message: 'This run was interrupted because another run on the page went past its time limit and its worker was stopped. Run it again.' }];
    const container = part(cell, '.hb-cell-output');
    const fragment = renderOutputs(outputs, { document, idPrefix: `cell-${cell.dataset.cell}-r${++runCounter}`, defaultCaption: cell.dataset.caption });
    container.replaceChildren(fragment);
    enhanceFigures(container);
    const error = outcome.ok ? outcome.value.error : { line: undefined, message: 'stopped' };
    const elapsed = Math.round(performance.now() - started);
    cell.dataset.lastRunMs = String(elapsed);
    if (error) {
      status(cell, outcome.ok ? `Failed${error.line ? ` at line ${error.line}` : ''}.` : outcome.timedOut ? `Stopped after ${limitMs / 1000} s.` : 'Interrupted.');
      if (error.line) await markErrorLine(cell, error.line, error.message);
    } else {
      status(cell, `Ran in ${elapsed} ms.`);
    }
  } catch (error) {
    status(cell, `Could not run: ${(error as Error).message}`);
  } finally {
    runButton.removeAttribute('aria-busy');
    cell.classList.remove('hb-running');
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
