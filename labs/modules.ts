/**
 * The modules a cell or a learner's code may import, by the specifier they write (`import { simulate } from
 * 'labs/sim'`). The specifiers are the folders' paths in the repository, so a reader can find the source they
 * are running. Each entry loads on demand, so the worker fetches only what a cell imports. A chapter adds its
 * lab here.
 */
export const moduleLoaders: Record<string, () => Promise<unknown>> = {
  'labs/sim': () => import('./sim/index'),
  'labs/intro': () => import('./intro/index'),
  'labs/display': () => import('./display/index'),
  'labs/clocks': () => import('./clocks/index'),
  'labs/consensus': () => import('./consensus/index'),
  'labs/dht': () => import('./dht/index'),
  'labs/consistency': () => import('./consistency/index'),
  'labs/snapshots': () => import('./snapshots/index'),
  'labs/cdn': () => import('./cdn/index'),
};

/** Loads the named modules, or throws naming the first unknown specifier. */
export async function loadModules(specifiers: readonly string[]): Promise<Record<string, unknown>> {
  const loaded: Record<string, unknown> = {};
  for (const specifier of specifiers) {
    const load = moduleLoaders[specifier];
    if (!load) throw new UnknownModuleError(specifier);
    loaded[specifier] = await load();
  }
  return loaded;
}

export class UnknownModuleError extends Error {
  constructor(readonly specifier: string) {
    super(`Cannot import '${specifier}': the modules available are ${Object.keys(moduleLoaders).join(', ')}`);
    this.name = 'UnknownModuleError';
  }
}
