/**
 * Where a reader's edits to cells are kept: one localStorage entry per cell, under the progress store's prefix
 * (labs/exercises/progress.ts owns the format; this is the small subset the page needs before any heavy code
 * loads). A damaged entry is ignored here and reported by the progress panel; it is never overwritten silently.
 */
import { storageFailure } from '../../labs/exercises/storage-failure';

export const STORAGE_PREFIX = 'happens-before:v1:';

/** Whether an edit was kept; when not, `reason` says why in the reader's words ('storage is full'). */
export type SaveOutcome = { saved: true } | { saved: false; reason: string };

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

/**
 * Saves the reader's edit of a cell. A refused write (storage full or turned off) is reported, never swallowed:
 * the edit then lives only in the editor, and the caller must tell the reader it will not survive a reload.
 */
export function saveSource(cellId: string, source: string): SaveOutcome {
  const store = storage();
  if (!store) return { saved: false, reason: 'storage is turned off in this browser' };
  try {
    store.setItem(cellKey(cellId), JSON.stringify({ v: 1, source, updatedAt: new Date().toISOString() }));
    return { saved: true };
  } catch (error) {
    return { saved: false, reason: storageFailure(error) };
  }
}

export function clearSource(cellId: string): void {
  storage()?.removeItem(cellKey(cellId));
}
