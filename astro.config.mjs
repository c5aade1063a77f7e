// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { remarkCells } from './src/build/remark-cells.ts';
import { rehypeScrollBoxes } from './src/build/rehype-scroll-boxes.ts';
import { lazySearch } from './src/build/lazy-search.ts';
import { contentSecurityPolicy } from './src/build/csp.ts';

/**
 * BASE_PATH serves the book under a sub-path of a static host (BASE_PATH=/book/ npm run build); SITE_URL, when
 * set, is the public origin used for canonical links and the sitemap.
 */
const base = process.env.BASE_PATH ?? '/';
/** OUT_DIR builds somewhere other than dist/ (the tests build a sub-path copy beside the main one). */
const outDir = process.env.OUT_DIR ?? './dist';
/** ASTRO_CACHE_DIR keeps two builds running side by side from sharing one content cache. */
const cacheDir = process.env.ASTRO_CACHE_DIR || undefined;

export default defineConfig({
  site: process.env.SITE_URL || undefined,
  base,
  outDir,
  ...(cacheDir ? { cacheDir } : {}),
  trailingSlash: 'ignore',
  markdown: {
    remarkPlugins: [remarkMath, remarkCells],
    rehypePlugins: [rehypeKatex, rehypeScrollBoxes],
  },
  vite: {
    plugins: [lazySearch()],
    worker: { format: 'es' },
    // Pre-bundle what cells load on first use, so the dev server does not reload the page on a reader's first Run.
    optimizeDeps: {
      include: ['comlink', '@observablehq/plot', 'codemirror', '@codemirror/lang-javascript', '@codemirror/lint', '@codemirror/view', '@codemirror/state', '@codemirror/language', '@lezer/highlight', 'sucrase', 'zod'],
    },
  },
  integrations: [
    starlight({
      title: 'Happens-Before',
      description: 'An interactive textbook of distributed systems: read, run the real algorithms, break them, and check your understanding.',
      favicon: '/favicon.svg',
      head: [],
      customCss: ['katex/dist/katex.min.css', './src/styles/book.css'],
      components: {
        PageTitle: './src/starlight/PageTitle.astro',
        MarkdownContent: './src/starlight/MarkdownContent.astro',
      },
      routeMiddleware: './src/book/route-data.ts',
      lastUpdated: false,
      pagination: true,
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
    }),
    // Last, so it sees each page's final HTML: a Content-Security-Policy with the hashes of its inline scripts.
    contentSecurityPolicy(),
  ],
});
