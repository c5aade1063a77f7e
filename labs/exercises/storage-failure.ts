/**
 * Why the browser's storage refused a write, in the reader's words. Kept apart from progress.ts (which brings zod)
 * so that the page's small cell store can use it too.
 */

/** `text` cut to `max` characters, with an ellipsis and its full length when cut. For keys and values in messages. */
export function shortText(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length.toLocaleString('en')} characters)`;
}

/**
 * 'storage is full' for a quota error (every browser names it QuotaExceededError, except old Firefox's
 * NS_ERROR_DOM_QUOTA_REACHED), 'storage is turned off in this browser' when the browser forbids it, and otherwise
 * the browser's own message, cut short.
 */
export function storageFailure(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return 'storage is full';
  if (name === 'SecurityError') return 'storage is turned off in this browser';
  return `the browser refused to store it (${shortText(String((error as Error | null)?.message ?? error))})`;
}
