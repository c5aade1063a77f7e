/**
 * Page-load code for exercises, kept small: it reveals the buttons, restores the reader's last answer and attempt
 * count from local storage, and loads the controller (worker, graders, editor) on first use.
 */
import { STORAGE_PREFIX } from './cell-store';
import { enhanceFigures } from './figures';

type Controller = typeof import('./exercise-controller');
let controller: Promise<Controller> | undefined;
const load = () => (controller ??= import('./exercise-controller'));

interface StoredEntry { seed: number; attempts: number; best: number; revealed: boolean; answer: unknown }

/** The stored entry if it looks like one; the progress panel reports entries that do not. */
export function storedEntry(exerciseId: string): StoredEntry | undefined {
  try {
    const raw = localStorage.getItem(`${STORAGE_PREFIX}exercise:${exerciseId}`);
    const entry = raw ? (JSON.parse(raw) as Partial<StoredEntry> & { v?: unknown }) : undefined;
    if (!entry || entry.v !== 1 || typeof entry.seed !== 'number' || typeof entry.attempts !== 'number' || typeof entry.best !== 'number') return undefined;
    return entry as StoredEntry;
  } catch {
    return undefined;
  }
}

function boot(): void {
  enhanceFigures();
  for (const article of document.querySelectorAll<HTMLElement>('.hb-exercise:not([data-ready])')) {
    article.dataset.ready = '';
    const id = article.dataset.exercise ?? '';
    article.querySelector<HTMLElement>('.hb-exercise-actions')!.hidden = false;
    article.querySelector<HTMLElement>('.hb-exercise-noscript')!.hidden = true;
    const form = article.querySelector('form')!;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void load().then((c) => c.check(article));
    });
    form.addEventListener('click', (event) => {
      const action = (event.target as Element).closest<HTMLButtonElement>('button[data-action]')?.dataset.action as 'hint' | 'reveal' | 'variant' | undefined;
      if (action) void load().then((c) => c[action](article));
    });
    form.addEventListener('focusin', (event) => {
      if ((event.target as Element).matches('textarea.hb-code-input')) void load().then((c) => c.upgradeEditor(article));
    });
    const entry = storedEntry(id);
    if (entry) void load().then((c) => c.restore(article, entry));
  }
}

boot();
document.addEventListener('astro:page-load', boot);
