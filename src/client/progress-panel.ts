/**
 * The home page's progress: solved counts per chapter in the table of contents, a summary, and export, import
 * and erase. Entries that are damaged or not this book's are listed by key and left alone, never wiped. Everything
 * shown from storage or from an imported file is set as text (never as markup), and every quoted value is short.
 */
import {
  eraseProgress,
  exportProgress,
  importProgress,
  loadProgress,
  MAX_PROGRESS_FILE_CHARS,
  shortText,
  tooLarge,
  webStorage,
  type BookExercises,
  type ProgressProblem,
  type ProgressStorage,
} from '../../labs/exercises/progress';
import type { ExerciseKind } from '../../labs/exercises/types';

/** How many problems a message lists before it says "and N more". */
const LISTED_PROBLEMS = 5;

const panel = document.querySelector<HTMLElement>('.hb-progress');

function openStorage(): ProgressStorage | undefined {
  try {
    return webStorage(window.localStorage);
  } catch {
    return undefined; // storage turned off: the panel says so
  }
}

/** The book's exercises and their kinds, written into the page when it was built (ProgressPanel.astro). */
function bookExercises(): BookExercises {
  const data = panel?.querySelector('script[data-book-exercises]')?.textContent ?? '{}';
  return new Map(Object.entries(JSON.parse(data) as Record<string, ExerciseKind>));
}

function problemText(problem: ProgressProblem): string {
  return problem.key ? `${shortText(problem.key, 120)}: ${problem.reason}` : problem.reason;
}

/** A paragraph and a short list of problems, as elements whose text is set, never parsed. */
function message(text: string, problems: ProgressProblem[] = []): Node[] {
  const nodes: Node[] = [Object.assign(document.createElement('p'), { textContent: text })];
  if (problems.length > 0) {
    const list = document.createElement('ul');
    for (const problem of problems.slice(0, LISTED_PROBLEMS)) list.append(Object.assign(document.createElement('li'), { textContent: problemText(problem) }));
    if (problems.length > LISTED_PROBLEMS) list.append(Object.assign(document.createElement('li'), { textContent: `and ${problems.length - LISTED_PROBLEMS} more.` }));
    nodes.push(list);
  }
  return nodes;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function refresh(storage: ProgressStorage, book: BookExercises, report?: Node[]): void {
  const { entries, problems } = loadProgress(storage, book);
  const solved = new Set(Object.values(entries.exercises).filter((entry) => entry.best === 1).map((entry) => entry.exerciseId));
  let total = 0;
  for (const item of document.querySelectorAll<HTMLElement>('[data-exercises]')) {
    const ids = (item.dataset.exercises ?? '').split(' ').filter(Boolean);
    total += ids.length;
    const done = ids.filter((id) => solved.has(id)).length;
    const slot = item.querySelector<HTMLElement>('.hb-toc-progress');
    if (slot) slot.textContent = ids.length ? `${done} of ${ids.length} exercises solved` : '';
  }
  const tried = Object.keys(entries.exercises).length;
  const edits = Object.keys(entries.cells).length;
  const summary = panel?.querySelector('.hb-progress-summary');
  if (summary) {
    summary.textContent = `You have solved ${solved.size} of ${total} exercises and tried ${tried}; ${plural(edits, 'edited cell', 'edited cells')} saved. Everything is kept in this browser only.`;
  }
  const damaged = panel?.querySelector('.hb-progress-problems');
  damaged?.replaceChildren(
    ...(problems.length
      ? message(`${plural(problems.length, 'saved entry is', 'saved entries are')} damaged or not from this edition of the book, so ${problems.length === 1 ? 'it is' : 'they are'} not counted. ${problems.length === 1 ? 'It is' : 'They are'} left as ${problems.length === 1 ? 'it is' : 'they are'}; Erase progress removes ${problems.length === 1 ? 'it' : 'them'}.`, problems)
      : []),
  );
  if (report) panel?.querySelector('.hb-progress-report')?.replaceChildren(...report);
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

async function importFile(storage: ProgressStorage, book: BookExercises, file: File): Promise<Node[]> {
  const name = shortText(file.name, 80);
  // File.size is in bytes and the limit in characters; a byte is at most one character, so this never refuses a
  // file that fits, and a file too large is refused without being read.
  if (file.size > MAX_PROGRESS_FILE_CHARS) return message(`Nothing was imported from ${name}. ${tooLarge(file.size)}`);
  const report = importProgress(storage, await file.text(), book);
  if (!report.ok) {
    return message(`Nothing was imported from ${name}: ${report.problems.length === 1 ? 'it was refused' : `${plural(report.problems.length, 'entry was', 'entries were')} refused`}, and everything saved before is unchanged.`, report.problems);
  }
  return message(`Imported ${plural(report.imported, 'entry', 'entries')} from ${name}.`, report.notes);
}

function start(): void {
  if (!panel) return;
  const storage = openStorage();
  if (!storage) {
    panel.querySelector('.hb-progress-summary')!.textContent = 'This browser does not let the book save anything (storage is turned off), so progress is not kept.';
    return;
  }
  const book = bookExercises();
  panel.querySelector<HTMLElement>('.hb-progress-actions')!.hidden = false;
  const fileInput = panel.querySelector<HTMLInputElement>('[data-import-file]')!;
  panel.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLButtonElement>('button[data-action]')?.dataset.action;
    if (action === 'export') {
      download(exportProgress(storage, new Date().toISOString()));
      refresh(storage, book, message('Progress exported to a file.'));
    } else if (action === 'import') {
      fileInput.click();
    } else if (action === 'erase') {
      if (confirm('Erase all your answers, attempts and cell edits from this browser? Export them first if you want to keep them.')) {
        const removed = eraseProgress(storage);
        refresh(storage, book, message(`Erased ${plural(removed, 'saved entry', 'saved entries')}.`));
      }
    }
  });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    fileInput.value = '';
    let report: Node[];
    try {
      report = await importFile(storage, book, file);
    } catch (error) {
      report = message(`Nothing was imported: ${shortText(String((error as Error).message ?? error), 120)}`);
    }
    refresh(storage, book, report);
  });
  refresh(storage, book);
}

start();
