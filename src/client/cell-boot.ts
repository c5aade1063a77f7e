/**
 * The only cell code loaded with the page: it reveals the Run/Stop/Edit/Reset bar and loads the rest on first use
 * (the controller, and through it the worker, CodeMirror and Plot). With JavaScript off the bar stays hidden
 * and the page shows the outputs rendered at build time.
 */
import { readSavedSource } from './cell-store';
import { enhanceFigures } from './figures';

type Controller = typeof import('./cell-controller');
let controller: Promise<Controller> | undefined;
const load = () => (controller ??= import('./cell-controller'));

function boot(): void {
  enhanceFigures();
  for (const cell of document.querySelectorAll<HTMLElement>('.hb-cell:not([data-ready])')) {
    cell.dataset.ready = '';
    const bar = cell.querySelector<HTMLElement>('.hb-cell-bar');
    if (!bar) continue;
    bar.hidden = false;
    bar.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
      const action = button?.dataset.action as 'run' | 'stop' | 'edit' | 'reset' | undefined;
      if (action) void load().then((c) => c[action](cell));
    });
    // Start fetching the worker as soon as a reader shows interest, so the first run is quicker.
    bar.querySelector('[data-action="run"]')?.addEventListener('pointerenter', () => void load().then((c) => c.warm()), { once: true });
    bar.querySelector('[data-action="run"]')?.addEventListener('focus', () => void load().then((c) => c.warm()), { once: true });
    const saved = readSavedSource(cell.dataset.cell ?? '');
    if (saved !== undefined) void load().then((c) => c.restore(cell, saved));
  }
}

boot();
document.addEventListener('astro:page-load', boot);
