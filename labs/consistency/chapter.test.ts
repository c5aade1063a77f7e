// Method: read "CAP, PACELC and consistency models" from its MDX source, run each cell with the runtime the build
// uses, and hold every number and claim the prose or a caption quotes from a run to that run's outputs. Where the
// prose invites an edit ("set both clock offsets to 0 ..."), the test applies that edit to the cell's source and
// checks what the prose promises. Claims taken from the papers are held to the wording the chapter uses for them,
// and every citation and cross-chapter link must resolve. A lab change that moves a quoted number fails here.
import { describe, expect, it } from 'vitest';
import { edit, ofKind, readChapter, run, table } from '../runtime/chapter-cells';
import type { Output, PlotOutput } from '../display/outputs';

const { source: chapter, prose, cells, cellSource, cellCaption, says } = readChapter('consistency/consistency-models.mdx');

/** The data of the `n`th plot's mark of kind `mark`. */
function plotData(outputs: Output[], n: number, mark: string): Record<string, unknown>[] {
  const plots: PlotOutput[] = ofKind(outputs, 'plot');
  const found = plots[n]?.marks.find((m) => m.mark === mark);
  if (found === undefined) throw new Error(`plot ${n} has no ${mark} mark`);
  return (found.data ?? []) as Record<string, unknown>[];
}

/** The paragraph (text between blank lines, folded to one line) that contains `phrase`; it must be exactly one. */
function paragraphWith(phrase: string): string {
  const found = chapter.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ')).filter((p) => p.includes(phrase));
  expect(found.length, `one paragraph should contain "${phrase}"`).toBe(1);
  return found[0] as string;
}

describe('the chapter and its cells', () => {
  it('has its cells in page order, none silencing the type checker', () => {
    expect([...cells.keys()].slice(0, 2)).toEqual(['cap-partition', 'pacelc']);
    for (const [id, { code }] of cells) expect(code, id).not.toMatch(/\bas never\b|\bas any\b/);
  });
});

describe('CAP through a partition (Gilbert and Lynch 2002, §3): cell cap-partition', () => {
  const answered = (rows: Record<string, unknown>[], store: string, side: string) => {
    const row = rows.find((r) => r.store === store && String(r.side).startsWith(side));
    if (row === undefined) throw new Error(`no row for ${store}, ${side}`);
    return row;
  };

  it('the CP minority answers none of 12, the majority all 69; the AP store answers all 102 and 150', async () => {
    const rows = table(await run(cellSource('cap-partition')), 0);
    expect(answered(rows, 'CP', 'a, b (minority)')['answered during the partition']).toBe('0 of 12');
    expect(answered(rows, 'CP', 'c, d, e (majority)')['answered during the partition']).toBe('69 of 69');
    expect(answered(rows, 'AP', 'a, b (minority)')['answered during the partition']).toBe('102 of 102');
    expect(answered(rows, 'AP', 'c, d, e (majority)')['answered during the partition']).toBe('150 of 150');
    says('answered none of the 12 requests its clients made');
    says('majority side answered all 69 of its requests');
    says('answered every request on both sides, 102 and 150 of them');
  });

  it('the AP store has 42 stale reads, most during the partition, and 11 lost writes, all from the slow minority; the CP store none', async () => {
    const outputs = await run(cellSource('cap-partition'));
    const rows = table(outputs, 0);
    const total = (store: string, column: string) => rows.filter((r) => r.store === store).reduce((sum, r) => sum + (r[column] as number), 0);
    expect(total('CP', 'stale reads (whole run)')).toBe(0);
    expect(total('CP', 'lost writes (whole run)')).toBe(0);
    expect(total('AP', 'stale reads (whole run)')).toBe(42);
    expect(total('AP', 'lost writes (whole run)')).toBe(11);
    expect(answered(rows, 'AP', 'a, b')['lost writes (whole run)']).toBe(11);
    says('42 stale reads over the run');
    says('11 acknowledged writes from the minority side');
    says('and no read was stale');
    // "most of them while the sides could not exchange writes": from the figure's data.
    const buckets = plotData(outputs, 1, 'rectY').filter((r) => r.store === 'AP');
    const stale = (during: boolean) => buckets.filter((r) => ((r.fromMs as number) >= 1000 && (r.fromMs as number) < 2000) === during).reduce((sum, r) => sum + (r.staleReads as number), 0);
    expect(stale(true)).toBeGreaterThan(stale(false));
    expect(stale(true) + stale(false)).toBe(42);
  });

  it('the invited edit, clocks that agree: no lost writes, and every stale read inside the partition', async () => {
    const source = edit(cellSource('cap-partition'), 'a: { offsetMs: -20 }, b: { offsetMs: -20 }', 'a: { offsetMs: 0 }, b: { offsetMs: 0 }');
    const outputs = await run(source);
    const rows = table(outputs, 0);
    expect(rows.every((r) => r['lost writes (whole run)'] === 0)).toBe(true);
    const buckets = plotData(outputs, 1, 'rectY').filter((r) => (r.staleReads as number) > 0);
    expect(buckets.length).toBeGreaterThan(0);
    for (const r of buckets) expect(r.fromMs as number >= 1000 && (r.fromMs as number) < 2000, `stale reads at ${String(r.fromMs)} ms`).toBe(true);
    says('Set both clock offsets to `offsetMs: 0`');
    says('The lost writes disappear and every stale read now falls inside the partition');
  });

  it('the invited edit, a three-way split: no side holds a majority and the CP store answers nobody until the heal', async () => {
    const source = edit(cellSource('cap-partition'), "groups: [['a', 'b']]", "groups: [['a', 'b'], ['c', 'd']]");
    const rows = table(await run(source), 0).filter((r) => r.store === 'CP');
    expect(rows.map((r) => r.side)).toEqual(['a, b (minority)', 'c, d (minority)', 'e (minority)']);
    for (const r of rows) expect(String(r['answered during the partition'])).toMatch(/^0 of \d+$/);
    says("`groups: [['a', 'b'], ['c', 'd']]`");
  });

  it('the figures say what the captions say: the CP minority answers nothing during the partition, every other line stays at 100%', async () => {
    const lines = plotData(await run(cellSource('cap-partition')), 0, 'line');
    const during = lines.filter((r) => (r.fromMs as number) >= 1000 && (r.fromMs as number) < 2000);
    for (const r of during) {
      if (r.store === 'CP' && String(r.side) === 'a, b') expect(r.answered).toBe(0);
      else expect(r.answered).toBe(1);
    }
    expect(cellCaption('cap-partition')).toContain('from 1,000 to 2,000 ms');
  });
});

describe('PACELC, the else branch (Abadi 2012): cell pacelc', () => {
  const byQuorum = async (source = cellSource('pacelc')) =>
    new Map(table(await run(source), 0).map((r) => [`${String(r.R)}${String(r.W)}`, r]));
  const median = (cell: unknown, which: 0 | 1) => Number(String(cell).split(' / ')[which]);

  it('only R + W ≤ N has stale reads, 9.9% at R = W = 1; waiting for the far replica costs about 110 ms', async () => {
    const rows = await byQuorum();
    for (const r of rows.values()) {
      if (r['R + W > N'] === 'yes') expect(r['stale reads']).toBe('0.0%');
    }
    expect(rows.get('11')?.['stale reads']).toBe('9.9%');
    says('with $R = W = 1$, 9.9% of reads missed a write');
    for (const key of ['31', '32', '33']) {
      const ms = median(rows.get(key)?.['read p50 / p99 (ms)'], 0);
      expect(ms).toBeGreaterThan(100);
      expect(ms).toBeLessThan(120);
    }
    for (const key of ['13', '23', '33']) {
      const ms = median(rows.get(key)?.['write p50 / p99 (ms)'], 0);
      expect(ms).toBeGreaterThan(100);
      expect(ms).toBeLessThan(120);
    }
    says('puts about 110 ms on the median operation of that kind');
    expect(median(rows.get('11')?.['read p50 / p99 (ms)'], 0)).toBeLessThanOrEqual(21);
    expect(median(rows.get('11')?.['write p50 / p99 (ms)'], 0)).toBeLessThanOrEqual(21);
    says('while $R = 1, W = 1$ answers in about 20 ms');
    const twoTwo = rows.get('22');
    expect(median(twoTwo?.['read p50 / p99 (ms)'], 0)).toBe(24);
    expect(median(twoTwo?.['read p50 / p99 (ms)'], 1)).toBeGreaterThan(100);
    says('a median read of about 24 ms, but its 99th percentile is over 100 ms');
  });

  it('the invited edit, c as near as the others: no stale reads, and every median within a few milliseconds', async () => {
    const rows = await byQuorum(edit(cellSource('pacelc'), 'sigma: 0.5, minMs: 1 }, links }', 'sigma: 0.5, minMs: 1 } }'));
    const medians = [...rows.values()].flatMap((r) => [median(r['read p50 / p99 (ms)'], 0), median(r['write p50 / p99 (ms)'], 0)]);
    for (const r of rows.values()) expect(r['stale reads']).toBe('0.0%');
    expect(Math.max(...medians) - Math.min(...medians)).toBeLessThanOrEqual(8);
    says('Delete `links` from the network options');
    says('the stale reads vanish and the latency differences shrink to a few milliseconds');
  });
});

describe('What the chapter states, held to its sources', () => {
  it('CAP is stated with Gilbert and Lynch\'s definitions, Theorem 1 and Corollary 1.1', () => {
    const defs = paragraphWith('turned the conjecture');
    expect(defs).toContain('(#ref-gilbert2002), §2');
    for (const phrase of ['**Consistent** means *atomic*', 'every request received by a node that has not failed eventually gets a response', 'lose arbitrarily many messages']) {
      expect(chapter.replace(/\s+/g, ' ')).toContain(phrase);
    }
    expect(paragraphWith('With these definitions the')).toContain('§3, Theorem 1');
    expect(paragraphWith('Contradiction.')).toContain('Corollary 1.1');
  });

  it('PACELC is Abadi 2012, and its placements cite the systems\' own papers or Abadi', () => {
    const pacelc = paragraphWith('names both trade-offs');
    expect(pacelc).toContain('**P**artition');
    expect(chapter).toMatch(/\| Dynamo \(\[DeCandia et al\. 2007\]\(#ref-decandia2007\)\) \| PA \| EL \|/);
    expect(chapter).toMatch(/\| Spanner \(\[Corbett et al\. 2012\]\(#ref-corbett2012\)\) \| PC \| EC \|/);
  });

  it('the quorum rule is R + W > N, and the prose says intersection is not linearizability', () => {
    says('$$ R + W > N, $$');
    const caveat = paragraphWith('Intersection is not linearizability');
    expect(caveat).toContain('writing back before answering');
    expect(caveat).toContain('*sloppy* quorums');
  });

  it('every reference is cited and every citation resolves', () => {
    const ids = [...chapter.matchAll(/^ {2}- id: (\S+)$/gm)].map((m) => m[1]);
    const cited = new Set([...chapter.matchAll(/\(#ref-([a-z0-9-]+)\)/g)].map((m) => m[1]));
    expect([...cited].filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !cited.has(id))).toEqual([]);
  });

  it('states its system model and links there, and links into earlier chapters name sections that exist', () => {
    const links = [...chapter.matchAll(/\]\(\.\.\/\.\.\/((?:start|time|agreement|scale)\/[a-z-]+)\/#([a-z0-9-]+)\)/g)].map((m) => ({ path: m[1] as string, anchor: m[2] as string }));
    expect(links).toContainEqual({ path: 'start/how-to-read', anchor: 'system-models' });
    const slug = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s+/g, '-');
    for (const { path, anchor } of links) {
      const { source } = readChapter(`${path}.mdx`);
      const anchors = new Set([...source.matchAll(/^#{2,4} (.+)$/gm)].map((m) => slug(m[1] as string)));
      expect(anchors.has(anchor), `${path}#${anchor}`).toBe(true);
    }
    expect(prose).toContain('## What this chapter assumes');
  });
});
