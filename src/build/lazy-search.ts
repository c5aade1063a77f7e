/**
 * Loads the search UI when a reader first opens search, not when the page goes idle.
 *
 * Starlight's `Search` component creates Pagefind's UI (`@pagefind/default-ui`, about 27 KiB of gzipped script)
 * in a `requestIdleCallback` after every page load, so every reader downloads it whether or not they search;
 * that alone is more than the book's whole budget for script before interaction. This Vite plugin rewrites that
 * one call in the component's script so the same code runs on the first click of the search button or the first
 * Ctrl/⌘+K instead, then puts the cursor in the new search box (Starlight focuses it on open, but on a first open
 * it does not exist yet). Everything else (markup, styles, the dialog, translations) stays Starlight's own.
 *
 * The rewrite matches the source text exactly. If an upgrade of Starlight changes it, the build fails with a
 * message rather than silently going back to the idle prefetch.
 */
import type { Plugin } from 'vite';

const SEARCH_SCRIPT = /@astrojs\/starlight\/components\/Search\.astro\?astro&type=script/;

/** The idle trigger in Starlight 0.37's Search.astro, as written there. */
export const IDLE_TRIGGER = 'const onIdle = window.requestIdleCallback || ((cb) => setTimeout(cb, 1));';

/**
 * Its replacement: `onIdle(load)` now arms `load` for the first open. `openBtn` and `this` (the `site-search`
 * element) are in scope where the trigger sits, inside the element's constructor. The open itself is still
 * Starlight's listener, registered earlier, so the dialog appears at once and the results UI fills it.
 */
export const FIRST_OPEN_TRIGGER = `const onIdle = (load) => {
	let started = false;
	const start = () => {
		if (started) return;
		started = true;
		Promise.resolve(load()).then(() => this.querySelector('input')?.focus());
	};
	openBtn.addEventListener('click', start);
	window.addEventListener('keydown', (e) => {
		if ((e.metaKey === true || e.ctrlKey === true) && e.key === 'k') start();
	});
};`;

/** Rewrites `code` of Starlight's search script; throws if the idle trigger is not found exactly once. */
export function deferSearchUi(code: string): string {
  const at = code.indexOf(IDLE_TRIGGER);
  if (at < 0 || code.indexOf(IDLE_TRIGGER, at + 1) >= 0) {
    throw new Error(
      'lazy-search: Starlight\'s Search.astro no longer contains its idle trigger exactly once, so the search UI cannot be ' +
        'deferred to the first open. Check src/build/lazy-search.ts against the installed @astrojs/starlight.',
    );
  }
  return code.slice(0, at) + FIRST_OPEN_TRIGGER + code.slice(at + IDLE_TRIGGER.length);
}

export function lazySearch(): Plugin {
  return {
    name: 'happens-before:lazy-search',
    enforce: 'pre',
    // Builds only: the dev server never creates the search UI (Starlight shows a note that search needs a build),
    // and it hands this hook the script in another form.
    apply: 'build',
    transform(code, id) {
      if (!SEARCH_SCRIPT.test(id)) return null;
      return { code: deferSearchUi(code), map: null };
    },
  };
}
