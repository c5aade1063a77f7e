// Method: load the whole catalog as the build and a regrader do, and cross-check it with the chapters' MDX: every
// set belongs to an existing chapter, every exercise is placed in its chapter exactly once, and every
// `<Exercise id>` in the book names a registered exercise.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookRegistry, findExercise, loadAllSets, UnknownExerciseError } from './catalog';
import { exerciseSolution } from './exercises-view';

const chaptersDir = path.join(__dirname, '..', 'content', 'chapters');

function mdxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? mdxFiles(path.join(dir, entry.name)) : entry.name.endsWith('.mdx') ? [path.join(dir, entry.name)] : []);
}

const placed = new Map<string, string[]>();
for (const file of mdxFiles(chaptersDir)) {
  const chapter = path.relative(chaptersDir, file).replace(/\.mdx$/, '');
  for (const match of readFileSync(file, 'utf8').matchAll(/<Exercise\s+id="([^"]+)"/g)) {
    placed.set(match[1], [...(placed.get(match[1]) ?? []), chapter]);
  }
}

describe('the book\'s exercise catalog', () => {
  it('validates every definition and has no duplicate ids', async () => {
    const registry = await bookRegistry();
    expect(registry.list().length).toBeGreaterThan(0);
  });

  it('places every exercise once, in the chapter its set names', async () => {
    for (const set of await loadAllSets()) {
      expect(mdxFiles(chaptersDir).map((f) => path.relative(chaptersDir, f).replace(/\.mdx$/, ''))).toContain(set.chapter);
      for (const def of set.exercises) expect(placed.get(def.id), def.id).toEqual([set.chapter]);
    }
  });

  it('knows every exercise a chapter places, and rejects unknown ids clearly', async () => {
    for (const id of placed.keys()) expect((await findExercise(id)).id).toBe(id);
    await expect(findExercise('intro/no-such-exercise')).rejects.toThrow(UnknownExerciseError);
    await expect(findExercise('nowhere/at-all')).rejects.toThrow('There is no exercise "nowhere/at-all" in this book.');
  });
});

describe('worked solutions', () => {
  it('show a numeric answer without floating-point noise (no run of seven 0s or 9s after the point)', async () => {
    for (const set of await loadAllSets()) {
      for (const def of set.exercises.filter((d) => d.kind === 'numeric')) {
        for (const seed of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
          const { reference } = await exerciseSolution(def.id, seed);
          expect(reference, `${def.id} seed ${seed}`).not.toMatch(/\.\d*(0{7}|9{7})/);
        }
      }
    }
  });
});
