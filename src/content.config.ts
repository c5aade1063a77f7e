import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { chapterFields } from './book/chapter-schema';

// Chapters live in content/chapters (the book's source tree) rather than Starlight's default src/content/docs.
export const collections = {
  docs: defineCollection({
    loader: glob({ pattern: '**/*.{md,mdx}', base: './content/chapters' }),
    schema: docsSchema({ extend: chapterFields }),
  }),
};
