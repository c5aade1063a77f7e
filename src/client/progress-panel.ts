/**
 * The home page's progress: solved counts per chapter in the table of contents, a summary, and export, import
 * and erase. Entries that are damaged or not this book's are listed and left alone, never wiped.
 */
import { eraseProgress, exportProgress, importProgress, loadProgress, webStorage, type ProgressProblem } from '../../labs/exercises/progress';

const storage = webStorage(localStorage);
const panel = document.querySelector<HTMLElement>('.hb-progress');

function describeProblems(problems: ProgressProblem[]): string {
  if (problems.length === 0) return '';
  const list = problems.slice(0, 5).map((p) => `${p.key ? `${p.key}: ` : ''}${p.reason}`).join('; ');
  return ` ${problems.length} saved entr${problems.length === 1 ? 'y was' : 'ies were'} skipped because ${problems.length === 1 ? 'it is' : 'they are'} damaged or not from this book (left untouched): ${list}${problems.length > 5 ? '; …' : ''}.`;
}

function refresh(extra = ''): void {
  const { entries, problems } = loadProgress(storage);
  const solved = new Set(Object.values(entries.exercises).filter((entry) => entry.best === 1).map((entry) => entry.exerciseId));
  const tried = Object.keys(entries.exercises).length;
  let total = 0;
  for (const item of document.querySelectorAll<HTMLElement>('[data-exercises]')) {
    const ids = (item.dataset.exercises ?? '').split(' ').filter(Boolean);
    total += ids.length;
    const done = ids.filter((id) => solved.has(id)).length;
    const slot = item.querySelector<HTMLElement>('.hb-toc-progress');
    if (slot) slot.textContent = ids.length ? `${done} of ${ids.length} exercises solved` : '';
  }
  const edits = Object.keys(entries.cells).length;
  const summary = panel?.querySelector('.hb-progress-summary');
  if (summary) {
    summary.textContent = `You have solved ${solved.size} of ${total} exercises and tried ${tried}; ${edits} edited cell${edits === 1 ? '' : 's'} saved. Everything is kept in this browser only.${describeProblems(problems)}`;
  }
  const report = panel?.querySelector('.hb-progress-report');
  if (report) report.textContent = extra;
}

function download(text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `happens-before-progress-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

if (panel) {
  panel.querySelector<HTMLElement>('.hb-progress-actions')!.hidden = false;
  const fileInput = panel.querySelector<HTMLInputElement>('[data-import-file]')!;
  panel.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLButtonElement>('button[data-action]')?.dataset.action;
    if (action === 'export') {
      download(exportProgress(storage, new Date().toISOString()));
      refresh('Progress exported to a file.');
    } else if (action === 'import') {
      fileInput.click();
    } else if (action === 'erase') {
      if (confirm('Erase all your answers, attempts and cell edits from this browser? Export them first if you want to keep them.')) {
        const removed = eraseProgress(storage);
        refresh(`Erased ${removed} saved entr${removed === 1 ? 'y' : 'ies'}.`);
      }
    }
  });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    const text = await file.text();
    fileInput.value = '';
    try {
      const { imported, problems } = importProgress(storage, text);
      if (imported === 0 && problems.length === 1 && !problems[0].key) {
        refresh(`Nothing was imported from ${file.name}: ${problems[0].reason}`);
        return;
      }
      refresh(`Imported ${imported} entr${imported === 1 ? 'y' : 'ies'} from ${file.name}.${problems.length ? ` Skipped ${problems.length}: ${problems.slice(0, 3).map((p) => p.reason).join('; ')}.` : ''}`);
    } catch (error) {
      refresh(`Nothing was imported: ${(error as Error).message}`);
    }
  });
}
refresh();
