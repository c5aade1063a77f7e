/**
 * Where a reader's edits to cells are kept: one localStorage entry per cell, under the progress store's prefix
 * (labs/exercises/progress.ts owns the format; this is the small subset the page needs before any heavy code
 * loads). A damaged entry is ignored here and reported by the progress panel; it is never overwritten silently.
 */
export const STORAGE_PREFIX = 'happens-before:v1:';

/** The page's path below the site's base, so a copy served under /book/ keeps the same keys. */
export function pagePath(): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
  return path.replace(/\/index\.html$/, '/').replace(/\/?$/, '/');
}

export function cellKey(cellId: string): string {
  return `${STORAGE_PREFIX}cell:${pagePath()}#${cellId}`;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled (private mode, sandboxed frame): edits live only in the page
  }
}

export function readSavedSource(cellId: string): string | undefined {
  const raw = storage()?.getItem(cellKey(cellId));
  if (!raw) return undefined;
  try {
    const entry = JSON.parse(raw) as { v?: unknown; source?: unknown };
    return entry.v === 1 && typeof entry.source === 'string' ? entry.source : undefined;
  } catch {
    return undefined;
  }
}

export function saveSource(cellId: string, source: string): void {
  try {
    storage()?.setItem(cellKey(cellId), JSON.stringify({ v: 1, source, updatedAt: new Date().toISOString() }));
  } catch {
    /* quota exceeded or storage disabled: the edit stays in the editor */
  }
}

export function clearSource(cellId: string): void {
  storage()?.removeItem(cellKey(cellId));
}
