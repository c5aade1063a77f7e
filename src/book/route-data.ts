/**
 * Starlight route middleware: replaces the sidebar and the previous/next links with the book's own order
 * (src/book/toc.ts), so chapters carry their numbers and planned chapters are marked as coming.
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import type { StarlightRouteData } from '@astrojs/starlight/route-data';
import { chapterHref, getToc } from './toc';

type SidebarLink = Extract<StarlightRouteData['sidebar'][number], { type: 'link' }>;

export const onRequest = defineRouteMiddleware(async (context) => {
  const route = context.locals.starlightRoute;
  const toc = await getToc();
  const links: SidebarLink[] = [];
  route.sidebar = toc
    .filter((part) => part.chapters.length > 0)
    .map((part) => ({
      type: 'group' as const,
      label: part.title,
      collapsed: false,
      badge: undefined,
      entries: part.chapters.map((chapter) => {
        const link: SidebarLink = {
          type: 'link',
          label: `${chapter.number}. ${chapter.title}`,
          href: chapterHref(chapter.id),
          isCurrent: chapter.id === route.id,
          badge: chapter.status === 'published' ? undefined : { text: chapter.status === 'planned' ? 'coming' : 'draft', variant: chapter.status === 'planned' ? 'note' : 'caution' },
          attrs: chapter.id === route.id ? { 'aria-current': 'page' } : {},
        };
        links.push(link);
        return link;
      }),
    }));
  // After the parts, the book's reference pages; not chapters, so not in the previous/next sequence.
  const glossaryHref = chapterHref('glossary');
  route.sidebar.push({
    type: 'group',
    label: 'Reference',
    collapsed: false,
    badge: undefined,
    entries: [{ type: 'link', label: 'Glossary', href: glossaryHref, isCurrent: route.id === 'glossary', badge: undefined, attrs: route.id === 'glossary' ? { 'aria-current': 'page' } : {} }],
  });
  const readable = links.filter((link) => !link.badge || link.badge.text !== 'coming');
  const index = readable.findIndex((link) => link.isCurrent);
  if (index >= 0) {
    route.pagination = { prev: readable[index - 1], next: readable[index + 1] };
  } else {
    route.pagination = { prev: undefined, next: route.id === '' || route.id === 'index' ? readable[0] : undefined };
  }
});
