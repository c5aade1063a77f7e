/**
 * The book's parts, in reading order. A chapter names its part by `id` in its frontmatter (`part: time`), and its
 * place in the part by `order`; chapter numbers follow from both, so adding a chapter renumbers the ones after it.
 */
export interface Part {
  /** Stable key used in chapter frontmatter, e.g. `time`. */
  id: string;
  /** Shown in the sidebar and the table of contents, e.g. `Time and order`. */
  title: string;
}

export const parts: readonly Part[] = [
  { id: 'start', title: 'Getting started' },
  { id: 'time', title: 'Time and order' },
  { id: 'agreement', title: 'Agreement' },
  { id: 'consistency', title: 'Consistency and replication' },
  { id: 'scale', title: 'Data at scale' },
  { id: 'global-state', title: 'Global state' },
  { id: 'serving', title: 'Serving and surviving' },
];

export const partIds = parts.map((part) => part.id) as [string, ...string[]];
