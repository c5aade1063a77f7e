// Method: read "CAP, PACELC and consistency models" from its MDX source, run each cell with the runtime the build
// uses, and hold every number and claim the prose or a caption quotes from a run to that run's outputs. Where the
// prose invites an edit ("set both clock offsets to 0 ..."), the test applies that edit to the cell's source and
// checks what the prose promises. Claims taken from the papers are held to the wording the chapter uses for them,
// and every citation and cross-chapter link must resolve. A lab change that moves a quoted number fails here.
import { describe, expect, it } from 'vitest';
import { edit, expectChapterLinksResolve, expectReferencesCited, ofKind, printed, readChapter, run, table } from '../runtime/chapter-cells';
import type { Output, PlotOutput } from '../display/outputs';
import { checkConvergence, checkLinearizability, checkSequentialConsistency, consistencyGallery, historyFromRows, judgeGalleryEntry, kvModel, lostWrites, randomRegisterHistory, registerModel, runStore } from './index';

const { source: chapter, prose, cells, cellSource, cellCaption, says } = readChapter('consistency/consistency-models.mdx');

/** The data of the `n`th plot's mark of kind `mark`. */
function plotData(outputs: Output[], n: number, mark: string): Record<string, unknown>[] {
  const plots: PlotOutput[] = ofKind(outputs, 'plot');
  const found = plots[n]?.marks.find((m) => m.mark === mark);
  if (found === undefined) throw new Error(`plot ${n} has no ${mark} mark`);
  return (found.data ?? []) as Record<string, unknown>[];
}

/** The data of every mark of kind `mark` in the `n`th plot, in mark order (a figure may split one kind over marks). */
function allPlotData(outputs: Output[], n: number, mark: string): Record<string, unknown>[] {
  const plots: PlotOutput[] = ofKind(outputs, 'plot');
  const found = (plots[n]?.marks ?? []).filter((m) => m.mark === mark);
  if (found.length === 0) throw new Error(`plot ${n} has no ${mark} mark`);
  return found.flatMap((m) => (m.data ?? []) as Record<string, unknown>[]);
}

/** The paragraph (text between blank lines, folded to one line) that contains `phrase`; it must be exactly one. */
function paragraphWith(phrase: string): string {
  const found = chapter.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ')).filter((p) => p.includes(phrase));
  expect(found.length, `one paragraph should contain "${phrase}"`).toBe(1);
  return found[0] as string;
}

describe('the chapter and its cells', () => {
  it('has its cells in page order, none silencing the type checker', () => {
    expect([...cells.keys()]).toEqual(['cap-partition', 'write-back', 'pacelc', 'hierarchy', 'checker-figure', 'checker-cost', 'jepsen']);
    for (const [id, { code }] of cells) expect(code, id).not.toMatch(/\bas never\b|\bas any\b/);
  });
});

describe('Attiya, Bar-Noy and Dolev 1995, the read\'s write-back: cell write-back', () => {
  it('with the write-back all 10 runs are linearizable; without it 3 are, each blocked at a read', async () => {
    const outputs = await run(cellSource('write-back'));
    const rows = table(outputs, 0);
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r['with write-back'] === 'ok')).toHaveLength(10);
    expect(rows.filter((r) => r['without write-back'] === 'violation')).toHaveLength(3);
    expect(rows.filter((r) => r['without write-back'] === 'inconclusive')).toHaveLength(0);
    says('Without the write-back, 3 of the 10 runs are not linearizable');
    says('all 10 runs are linearizable');
    const text = ofKind(outputs, 'text').map((o) => o.text).join('\n');
    expect(text).toMatch(/^Seed 1, without write-back: Not linearizable: .* then get x → r2-7 by client r2 \(invoked 773\./);

    // What the runs really do, as the prose tells it: every client reads and writes; each violation is a read by r2
    // (majority c, d, e) that returns an older value after r1's read (coordinated by b) had returned a value of w's.
    const source = cellSource('write-back');
    for (const line of [
      "const slow = { kind: 'constant' as const, ms: 200 };",
      "const links = [...['c', 'd', 'e'].map((to) => ({ from: 'a', to, latency: slow })), { from: 'b', to: 'e', latency: slow }];",
      "const clients = [{ id: 'w', home: 'a' }, { id: 'r1', home: 'b' }, { id: 'r2', home: 'e' }];",
      "const { history } = runStore({ seed, mode: 'cp', replicas: 5, clients, readWriteBack, quorumTimeoutMs: 1000, network: { links }, workload: { keys: ['x'] } });",
    ]) expect(source).toContain(line);
    const slow = { kind: 'constant' as const, ms: 200 };
    const links = [...['c', 'd', 'e'].map((to) => ({ from: 'a', to, latency: slow })), { from: 'b', to: 'e', latency: slow }];
    const clients = [{ id: 'w', home: 'a' }, { id: 'r1', home: 'b' }, { id: 'r2', home: 'e' }];
    const violations = rows.filter((r) => r['without write-back'] === 'violation').map((r) => Number(r.seed));
    for (const seed of violations) {
      const { history } = runStore({ seed, mode: 'cp', replicas: 5, clients, readWriteBack: false, quorumTimeoutMs: 1000, network: { links }, workload: { keys: ['x'] } });
      for (const client of ['w', 'r1', 'r2']) {
        expect(history.some((op) => op.client === client && op.input.f === 'put'), `${client} writes`).toBe(true);
        expect(history.some((op) => op.client === client && op.input.f === 'get'), `${client} reads`).toBe(true);
      }
      const blockedId = checkLinearizability(history, kvModel, { maxSteps: 2_000_000 }).violation?.blocked;
      const blocked = history.find((op) => op.id === blockedId);
      if (blocked === undefined) throw new Error(`seed ${seed}: no blocked operation`);
      expect([blocked.client, blocked.input.f], `seed ${seed}`).toEqual(['r2', 'get']);
      const before = history.filter((op) => op.client === 'r1' && op.input.f === 'get' && op.status === 'ok' && (op.returnMs as number) <= blocked.invokeMs).at(-1);
      expect(String(before?.output), `seed ${seed}`).toMatch(/^w-/);
      if (seed === 1) {
        expect(before?.output).toBe('w-1');
        expect(blocked.output).toBe('r2-7');
        expect(history.find((op) => op.input.f === 'put' && op.input.value === 'r2-7' && op.status === 'ok')?.client).toBe('r2');
        expect(Math.floor(blocked.invokeMs)).toBe(773);
      }
    }
    says("The line under the table is seed 1's: r1 had read w's `w-1`, and r2's read invoked at about 773 ms returned `r2-7`, a value r2 had written itself earlier");
    says('all three read and write, each operation a read or a write with equal odds');
    expect(source).not.toMatch(/readFraction/);
  });

  it('the invited edit, b no longer slow to e: the inversions become rare (at most 1 in 10)', async () => {
    const rows = table(await run(edit(cellSource('write-back'), "{ from: 'b', to: 'e', latency: slow }", '')), 0);
    expect(rows.filter((r) => r['with write-back'] === 'ok')).toHaveLength(10);
    expect(rows.filter((r) => r['without write-back'] === 'violation').length).toBeLessThanOrEqual(1);
    says('the inversions become rare');
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
    // What the metric is (lostWrites in store-run.ts): an acknowledged write the stamps order before a write of the same
    // key that had completed before it began; nothing about what the replicas ended up holding.
    const caption = ofKind(outputs, 'table')[0]?.caption ?? '';
    expect(caption).toContain("the store's order of writes (their stamps) puts it before a write of the same key that had completed before it began");
    expect(caption).not.toMatch(/converged/);
    says('last writer wins ordered before writes that had completed before they began');
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

  it('the linearizability checker (Herlihy and Wing 1990, §2): the CP history is linearizable; the AP one is not, at c7\'s read of c4-19 after its own write', async () => {
    const outputs = await run(cellSource('cap-partition'));
    const rows = table(outputs, 1);
    const said = (store: string) => printed(outputs).split('\n').find((line) => line.startsWith(`${store}: `)) ?? '';
    expect(rows.find((r) => r.store === 'CP')?.verdict).toBe('ok');
    expect(said('CP')).toContain('294 operations can be ordered');
    expect(said('CP')).toContain('13 failed operations were dropped');
    says('its 294 answered operations have a linearization, and the 13 it refused are dropped');
    expect(rows.find((r) => r.store === 'AP')?.verdict).toBe('violation');
    expect(said('AP')).toContain('The longest legal prefix has 105 operations; then get x → c4-19 by client c7 (invoked 859.');
    says('After a legal prefix of 105 operations it cannot place a read by client c7, invoked at about 860 ms, that returned `c4-19`');
    expect(cellSource('cap-partition')).toContain('maxSteps: 100_000');

    // The story of that read, from the same run: the cell's settings, then the history's operations on key x.
    for (const line of ["const partition = { atMs: 1000, healAtMs: 2000, groups: [['a', 'b']] };", "const clocks = { a: { offsetMs: -20 }, b: { offsetMs: -20 } };", 'const settings = { seed: 1, replicas: 5, clients: 10, partition, clocks, untilMs: 3500 };']) {
      expect(cellSource('cap-partition')).toContain(line);
    }
    const apRun = runStore({ seed: 1, replicas: 5, clients: 10, untilMs: 3500, mode: 'ap', partition: { atMs: 1000, healAtMs: 2000, groups: [['a', 'b']] }, clocks: { a: { offsetMs: -20 }, b: { offsetMs: -20 } } });
    const put = (value: string) => apRun.history.find((op) => op.input.f === 'put' && op.input.value === value && op.status === 'ok');
    const read = apRun.history.find((op) => op.client === 'c7' && op.input.f === 'get' && op.output === 'c4-19' && Math.round(op.invokeMs) === 860);
    const [mine, theirs] = [put('c7-20'), put('c4-19')];
    if (read === undefined || mine === undefined || theirs === undefined) throw new Error('the operations the prose names are not in the run');
    expect(mine.client).toBe('c7');
    expect(mine.returnMs as number).toBeLessThan(read.invokeMs);
    expect(theirs.returnMs as number).toBeLessThan(mine.invokeMs);
    expect(1000 - Math.round(read.invokeMs)).toBe(140);
    says('Client c7 had itself written `c7-20` just before, and that write began after `c4-19` had completed');
    says('The read comes 140 ms *before* the partition');
    expect(apRun.clients.find((c) => c.id === 'c7')?.home).toBe('b');
    expect(apRun.stamps['c7-20']?.node).toBe('b');
    expect(lostWrites(apRun.history, apRun.stamps).some((l) => l.lost.id === mine.id && l.winner.id === theirs.id)).toBe(true);
    says("replica b stamped c7's write with its slow clock, last writer wins judged it older than c4's");
  });

  it('the invited edit, clocks that agree: the first read the checker cannot place falls inside the partition', async () => {
    const source = edit(cellSource('cap-partition'), 'a: { offsetMs: -20 }, b: { offsetMs: -20 }', 'a: { offsetMs: 0 }, b: { offsetMs: 0 }');
    const outputs = await run(source);
    expect(table(outputs, 1).find((r) => r.store === 'AP')?.verdict).toBe('violation');
    const ap = printed(outputs).split('\n').find((line) => line.startsWith('AP: ')) ?? '';
    const invoked = Number(/by client \S+ \(invoked ([\d.]+) ms, returned [\d.]+ ms\) cannot be placed/.exec(ap)?.[1]);
    expect(invoked).toBeGreaterThanOrEqual(1000);
    expect(invoked).toBeLessThan(2000);
    says('as does the first read the linearizability checker cannot place');
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

  it('the CP minority line falls before the partition and has no point for 1,000–1,250 ms, as its caption says', async () => {
    const outputs = await run(cellSource('cap-partition'));
    const minority = plotData(outputs, 0, 'line').filter((r) => r.store === 'CP' && r.side === 'a, b');
    const at = (fromMs: number) => minority.find((r) => r.fromMs === fromMs);
    expect(at(750)?.answered as number).toBeGreaterThan(0);
    expect(at(750)?.answered as number).toBeLessThan(1);
    expect(at(1000)).toBeUndefined();
    expect(at(1250)?.answered).toBe(0);
    const plot = ofKind(outputs, 'plot')[0] as PlotOutput;
    expect(plot.caption).toContain('its line falls before the shading');
    expect(plot.caption).toContain('skips 1,000–1,250 ms');
    expect((plot.options as { marginLeft?: number }).marginLeft).toBeGreaterThanOrEqual(50);
    const stale = ofKind(outputs, 'plot')[1] as PlotOutput;
    expect(stale.caption).toContain("Most of the AP store's fall in the partition");
    for (const p of ofKind(outputs, 'plot') as PlotOutput[]) expect((p.caption ?? '').length).toBeLessThanOrEqual(300);
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

describe('The hierarchy (Viotti and Vukolić 2016; Terry et al. 1994): cell hierarchy', () => {
  const chain = ['lin.', 'seq.', 'causal', 'all 4', 'PRAM'];
  const sessionColumns = ['RYW', 'MR', 'MW', 'WFR'];
  const rowOf = (rows: Record<string, unknown>[], id: string) => {
    const row = rows.find((r) => r.history === id);
    if (row === undefined) throw new Error(`no gallery row "${id}"`);
    return row;
  };

  it('every history is admitted and refused as its entry says, and the table is every entry under every checker', async () => {
    const rows = table(await run(cellSource('hierarchy')), 0);
    expect(rows.map((r) => r.history)).toEqual(consistencyGallery().map((e) => e.id));
    // The column "separates" names each entry's pair, and the table's own columns agree with it.
    const columnOf: Record<string, string> = { linearizability: 'lin.', 'sequential consistency': 'seq.', 'causal consistency': 'causal', PRAM: 'PRAM', 'agreement at quiescence': 'conv.', 'writes follow reads': 'WFR' };
    for (const entry of consistencyGallery()) {
      const row = rowOf(rows, entry.id);
      expect(String(row.separates), entry.id).toMatch(/^[^,]+ ✓, [^,]+ ✗$/);
      const [admitted, refused] = String(row.separates).split(', ').map((s) => s.slice(0, -2));
      if (entry.refusedBy.split(' + ').length === 4) expect(refused).toBe('all 4');
      else expect(refused, entry.id).toBe(columnOf[entry.refusedBy]);
      if (refused !== undefined && refused in row) expect(row[refused], entry.id).toBe('✗');
      if (admitted !== undefined && admitted in row) expect(row[admitted], entry.id).toBe('✓');
    }
    expect(rowOf(rows, 'monotonic-writes').separates).toBe('RYW+MR+WFR ✓, all 4 ✗');
    expect(rowOf(rows, 'writes-follow-reads').separates).toBe('RYW+MR+MW ✓, all 4 ✗');
    const threeNotFour = rows.filter((r) => /^[A-Z]+\+[A-Z]+\+[A-Z]+ ✓, all 4 ✗$/.test(String(r.separates))).map((r) => r.history);
    expect(threeNotFour).toEqual(['writes-follow-reads', 'read-your-writes', 'monotonic-reads', 'monotonic-writes']);
    says('Four rows read there "three guarantees ✓, all 4 ✗", one for each guarantee left out');
    for (const entry of consistencyGallery()) {
      const { admitted, refused } = judgeGalleryEntry(entry);
      expect([admitted.verdict, refused.verdict], entry.id).toEqual(['ok', 'violation']);
    }
    says('The gallery below puts one separating history for each adjacent pair next to the verdicts of every checker in the lab');
  });

  it('the chain: in every row the first five columns are a run of ✗ followed by a run of ✓', async () => {
    const rows = table(await run(cellSource('hierarchy')), 0);
    for (const r of rows) expect(chain.map((c) => r[c]).join(''), String(r.history)).toMatch(/^✗*✓*$/);
    says('the first five columns are a run of ✗ followed by a run of ✓');
  });

  it('the session guarantees (Brzeziński et al. 2004): all four together agree with causal memory; PRAM gives three of them and not the converse', async () => {
    const rows = table(await run(cellSource('hierarchy')), 0);
    for (const r of rows) expect(r['all 4'], String(r.history)).toBe(r.causal);
    says('the causal and "all 4" columns agree in every row');
    for (const r of rows.filter((row) => row.PRAM === '✓')) for (const c of ['RYW', 'MR', 'MW']) expect(r[c], `${String(r.history)} ${c}`).toBe('✓');
    const alone = rows.filter((r) => sessionColumns.every((c) => r[c] === '✓') && r['all 4'] === '✗').map((r) => r.history);
    expect(alone).toEqual(['effect-before-cause', 'writes-follow-reads', 'pram-not-three-guarantees', 'monotonic-writes']);
    says('four histories (`effect-before-cause`, `writes-follow-reads`, `pram-not-three-guarantees` and `monotonic-writes`) pass each guarantee on its own and fail the four together');
    const three = rowOf(rows, 'pram-not-three-guarantees');
    expect([three.PRAM, three.RYW, three.MR, three.MW, three.WFR]).toEqual(['✗', '✓', '✓', '✓', '✓']);
    says('Wherever PRAM holds, so do read your writes, monotonic reads and monotonic writes; `pram-not-three-guarantees` keeps those three and breaks PRAM');
    const cycle = rowOf(rows, 'read-write-cycle');
    expect([cycle.PRAM, cycle.WFR]).toEqual(['✓', '✗']);
    says('`read-write-cycle` keeps PRAM and breaks writes follow reads, so PRAM does not give the fourth');
    // No three imply the fourth: for each guarantee, a history the other three admit and the four together refuse.
    for (const id of ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'read-write-cycle']) expect(rowOf(rows, id)['all 4'], id).toBe('✗');
    for (const [id, broken] of [['read-your-writes', 'RYW'], ['monotonic-reads', 'MR'], ['read-write-cycle', 'WFR']] as const) {
      expect(sessionColumns.filter((c) => c !== broken).map((c) => rowOf(rows, id)[c]), id).toEqual(['✓', '✓', '✓']);
    }
    says('PRAM implies three of them but not the fourth, and no three imply the fourth');
  });

  it("the gallery's last history: each client writes, then reads the other's value; not sequential, yet causal and all four guarantees", async () => {
    const rows = table(await run(cellSource('hierarchy')), 0);
    const last = rows[rows.length - 1] as Record<string, unknown>;
    expect([last['seq.'], last.causal, last['all 4']]).toEqual(['✗', '✓', '✓']);
    const lastEntry = consistencyGallery().at(-1);
    expect(lastEntry?.history.map((op) => [op.client, op.input.f])).toEqual([['a', 'write'], ['b', 'write'], ['a', 'read'], ['b', 'read']]);
    says("In the gallery's last history each client writes and then reads the other's value");
    says('so all four guarantees hold, and causal memory admits it for the same reason');
  });

  it('the convergence column never refuses; the history whose reads go back converges', async () => {
    const rows = table(await run(cellSource('hierarchy')), 0);
    expect(rows.every((r) => r['conv.'] === '✓' || r['conv.'] === '?')).toBe(true);
    expect(rows.some((r) => r['conv.'] === '?')).toBe(true);
    const back = rowOf(rows, 'converges-but-goes-back');
    expect([back['conv.'], back.PRAM, back.MR]).toEqual(['✓', '✗', '✗']);
    for (const entry of consistencyGallery()) {
      const result = checkConvergence(entry.history);
      if (result.verdict === 'inconclusive') expect(result.explanation, entry.id).toMatch(/not converged yet|no read began/);
    }
    says('The convergence column never refuses');
    says('the gallery shows a history that earns it while its reads go back in time on the way, which PRAM forbids');
    says('no finite history can violate it');
    says('The check refuses one thing only, a read of a value that no write ever wrote to its key');
  });

  it("the figure draws the gallery's last history, and the invited edit draws another", async () => {
    const bars = plotData(await run(cellSource('hierarchy')), 0, 'barX');
    expect(bars.map((b) => `${String(b.client)}: ${String(b.label)}`)).toEqual(['a: write 1', 'b: write 2', 'a: read → 2', 'b: read → 1']);
    const other = edit(cellSource('hierarchy'), "const id = 'causal-not-one-write-order';", "const id = 'stale-read';");
    expect(plotData(await run(other), 0, 'barX').map((b) => b.label)).toEqual(['write 1', 'read → unset']);
    says("put another row's id in the cell to draw that one");
    // Key-value rows are drawn with the key-value model: every bar says what it did.
    for (const id of ['store-buffering', 'writes-follow-reads', 'monotonic-writes']) {
      const kv = edit(cellSource('hierarchy'), "const id = 'causal-not-one-write-order';", `const id = '${id}';`);
      const labels = plotData(await run(kv), 0, 'barX').map((b) => String(b.label));
      expect(labels.length, id).toBeGreaterThan(0);
      for (const label of labels) expect(label, id).not.toMatch(/unknown/);
      expect(labels.some((label) => /^(get|put) /.test(label)), id).toBe(true);
    }
  });
});

describe('Checking a history (Wing and Gong 1993; Lowe 2017): cell checker-figure', () => {
  it('the linearizable history: numbered points in the order write 1, c reads 1, write 2, the two reads of 2', async () => {
    const points = plotData(await run(cellSource('checker-figure')), 0, 'dot');
    expect(points.map((p) => p.id)).toEqual([0, 2, 1, 3, 4]);
    expect(points.map((p) => p.order)).toEqual([1, 2, 3, 4, 5]);
    says("a's write of 1, c's read of 1, b's write of 2, then the two reads of 2");
  });

  it("the stale read: a prefix of 4, the register holding 2, and c's last read highlighted and named", async () => {
    const outputs = await run(cellSource('checker-figure'));
    const bars = plotData(outputs, 1, 'barX');
    expect(bars.filter((b) => b.role === 'cannot be placed').map((b) => [b.id, b.client, b.label])).toEqual([[4, 'c', 'read → 1']]);
    expect(plotData(outputs, 1, 'dot')).toHaveLength(4);
    const text = printed(outputs);
    expect(text).toContain('The longest legal prefix has 4 operations; then read → 1 by client c (invoked 26 ms');
    expect(text).toContain('the register holds 2');
    says('The checker reports the longest legal prefix, 4 operations, the state after it (the register holds 2)');
    // The figure has the dashed rule at the blocked read's response, and its caption says what it is.
    const caption = (ofKind(outputs, 'plot')[1] as PlotOutput).caption ?? '';
    expect(caption).toMatch(/^Not linearizable\./);
    expect(caption).toContain('the dashed vertical line marks its response');
    expect(plotData(outputs, 1, 'ruleX').map((r) => r.atMs)).toEqual([34]);
  });

  it('the invited edit, the read invoked at 22 instead of 26: linearizable, c\'s read before b\'s write and a\'s read after it', async () => {
    says('change its invocation time from `26` to `22`');
    const outputs = await run(edit(cellSource('checker-figure'), "['c', read, 1, 26, 34]", "['c', read, 1, 22, 34]"));
    expect(printed(outputs)).toMatch(/^Linearizable/);
    expect((ofKind(outputs, 'plot')[1] as PlotOutput).caption).toMatch(/^Linearizable\./);
    const order = plotData(outputs, 1, 'dot').map((p) => p.id);
    expect(order.indexOf(4)).toBeLessThan(order.indexOf(1));
    expect(order.indexOf(1)).toBeLessThan(order.indexOf(3));
    says('The second figure turns linearizable');
  });
});

describe('What checking costs (Lowe 2017, §4; Gibbons and Korach 1997): cell checker-cost', () => {
  const perOperation = (rows: Record<string, unknown>[], clients: string) => rows.filter((r) => r.clients === clients).map((r) => r['steps per operation (median)'] as number);

  it('up to 8 clients, 2 to 5 steps per operation at every length; 16 clients, 6 to 14 and spread apart', async () => {
    const outputs = await run(cellSource('checker-cost'));
    const rows = table(outputs, 0);
    expect(rows.every((r) => r.verdicts === 'ok')).toBe(true);
    const low = ['2 clients', '4 clients', '8 clients'].flatMap((c) => perOperation(rows, c));
    expect(Math.round(Math.min(...low))).toBe(2);
    expect(Math.round(Math.max(...low))).toBe(5);
    says('For up to 8 clients the search takes between 2 and 5 steps per operation at every length');
    const high = perOperation(rows, '16 clients');
    expect([Math.round(Math.min(...high)), Math.round(Math.max(...high))]).toEqual([6, 14]);
    says('With 16 clients it takes more, 6 to 14 steps per operation, and the dots spread apart');
    const dots = plotData(outputs, 0, 'dot');
    const spread = (clients: string, operations: number) => {
      const values = dots.filter((d) => d.clients === clients && d.operations === operations).map((d) => d.perOperation as number);
      return Math.max(...values) / Math.min(...values);
    };
    const widest = (clients: string) => Math.max(...[100, 300, 1000].map((n) => spread(clients, n)));
    expect(widest('16 clients')).toBeGreaterThan(2 * Math.max(widest('2 clients'), widest('4 clients'), widest('8 clients')));
  });

  it('a 1,000-operation history of 10 clients takes 8,460 steps; a budget of 20,000 steps leaves the corrupted history inconclusive', async () => {
    const text = printed(await run(cellSource('checker-cost')));
    expect(text).toMatch(/1,000 operations of 10 clients: ok after 8,460 steps, in [\d.]+ ms on this machine\./);
    says('A history of 1,000 operations by 10 clients needs 8,460 steps');
    expect(text).toContain('inconclusive');
    expect(text).toContain('covered 124 of 283 operations');
    says('a legal prefix of 124 of the 283 operations that did not fail');
  });

  it('the invited edit, a budget of 1,000,000: a violation after 134,528 steps, at the read that was changed', async () => {
    says('Raise `maxSteps: 20_000` to `1_000_000`');
    const text = printed(await run(edit(cellSource('checker-cost'), 'maxSteps: 20_000', 'maxSteps: 1_000_000')));
    expect(text).toContain('violation after 134,528 steps');
    says('the same history comes back as a violation after 134,528 steps');
    expect(cellSource('checker-cost')).toContain('randomRegisterHistory({ seed: 1, clients: 8, operations: 300, corrupt: true })');
    const { history, corruptedId } = randomRegisterHistory({ seed: 1, clients: 8, operations: 300, corrupt: true });
    expect(checkLinearizability(history, registerModel, { maxSteps: 1_000_000 }).violation?.blocked).toBe(corruptedId);
    expect(corruptedId).toBe(121);
    expect(text).toContain('op 121 corrupted: violation');
    expect(text).toMatch(/The read the checker cannot place is op 121\.$/m);
    says('the line ends by naming the read it cannot place, op 121: the one that was changed');
    says("[the Wing-Gong search with Lowe's memoisation](#the-wing-gong-search-with-lowes-memoisation)");
    expect(chapter).toContain("### The Wing-Gong search, with Lowe's memoisation");
  });
});

describe('Histories from Jepsen (Kingsbury, Jepsen): cell jepsen', () => {
  it('eleven lines become five operations: the nemesis skipped, the timed-out cas indeterminate, process 6 in its own lane', async () => {
    const source = cellSource('jepsen');
    const history = /const text = `([\s\S]*?)`;/.exec(source)?.[1] ?? '';
    expect(history.trim().split('\n')).toHaveLength(11);
    const outputs = await run(source);
    const bars = allPlotData(outputs, 0, 'barX');
    expect(bars.map((b) => b.client).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p6']);
    expect(bars.find((b) => b.client === 'p1')?.label).toBe('cas 1→2 ? (no response)');
    says('Eleven lines become five operations');
    const caption = (ofKind(outputs, 'plot')[0] as PlotOutput).caption ?? '';
    expect(caption).toContain('A dashed outline open to the right is an operation with no response.');
    expect(caption).toContain('The dashed vertical line marks the response of the operation that cannot be placed.');
    expect(caption.length).toBeLessThanOrEqual(300);
    const text = printed(outputs);
    expect(text).toMatch(/^Not linearizable/);
    expect(text).toContain('read → 1 by client p3');
    says("process 3's read of 1, which began later, cannot be placed");
  });

  it("the invited edits: process 3 reads 2, or process 2's answer is lost, and the history is linearizable", async () => {
    says("Change that read's `:value 1` to `:value 2`");
    const source = cellSource('jepsen');
    const reads2 = edit(source, '{:process 3, :type :ok,     :f :read,  :value 1,', '{:process 3, :type :ok,     :f :read,  :value 2,');
    expect(printed(await run(reads2))).toMatch(/^Linearizable/);
    says("Or delete the line of process 2's `:ok`");
    const lost = edit(source, '{:process 2, :type :ok,     :f :read,  :value 2, :time 25000000}\n', '');
    const outputs = await run(lost);
    expect(printed(outputs)).toMatch(/^Linearizable/);
    // No blocked operation, so the caption names no dashed vertical line.
    expect((ofKind(outputs, 'plot')[0] as PlotOutput).caption).not.toContain('vertical line');
  });
});

describe('Definitions the checkers share with the prose', () => {
  it('real time (Herlihy and Wing 1990, §2): an operation that returns at the instant another is invoked precedes it', () => {
    says('o_1 \\prec o_2 \\iff \\mathit{res}(o_1) \\le \\mathit{inv}(o_2)');
    says('An operation that returns at the very instant another is invoked comes before it');
    // a's write returns at 5 and b's read is invoked at 5: the read must see the write, so returning unset is refused.
    const touching = historyFromRows([
      ['a', { f: 'write', value: 1 }, null, 0, 5],
      ['b', { f: 'read' }, null, 5, 7],
    ]);
    expect(checkLinearizability(touching, registerModel, { maxSteps: 1_000 }).verdict).toBe('violation');
    // Sequential consistency ignores real time: the same history is admitted (the read may be ordered first).
    expect(checkSequentialConsistency(touching, registerModel, { maxSteps: 1_000 }).verdict).toBe('ok');
  });
});

describe('What the chapter states, held to its sources', () => {
  it('the CP store is credited to Attiya, Bar-Noy and Dolev (one writer) and Lynch and Shvartsman (many writers)', () => {
    const store = paragraphWith('The CP store is the');
    expect(store).toContain('(#ref-attiya1995)');
    expect(store).toContain('(#ref-lynch1997)');
    expect(chapter).toContain('url: https://doi.org/10.1109/FTCS.1997.614100');
    expect(store).toContain('no two writes share one');
    expect(paragraphWith('Intersection is not linearizability')).toContain('the CP store prevents by writing back before answering');
  });

  it('GitHub 2018: one primary at a time, chosen by a Raft majority; the writes were stranded by asynchronous replication', () => {
    const story = paragraphWith('On 21 October 2018');
    expect(story).toContain('Orchestrator');
    expect(story).toContain('The two sets of writes came one after the other, not side by side');
    expect(paragraphWith('Two things in that story')).toContain('replicated asynchronously, outside any quorum');
    expect(paragraphWith('The failure to fear on the second path')).toContain('the report describes no moment when two primaries took writes side by side');
    // "split brain" is defined in the chapter, but never said of GitHub.
    const sentences = prose.replace(/\s+/g, ' ').split(/(?<=\.) /);
    for (const sentence of sentences) if (/GitHub/.test(sentence)) expect(sentence).not.toMatch(/split brain|split-brain/);
  });

  it("PACELC's rows: Riak's defaults from its documentation, Spanner's reads by safe time, Abadi's caveat on PNUTS", () => {
    const riak = paragraphWith('**Riak** is');
    expect(riak).toContain('(#ref-riak)');
    expect(riak).toContain('$R = W =$ quorum');
    expect(riak).toContain('$PR = PW = 0$');
    expect(riak).not.toMatch(/\bONE\b/);
    const spanner = paragraphWith('**Spanner** commits');
    expect(spanner).toContain('(#ref-corbett2012)');
    expect(spanner).toContain('*safe time*');
    expect(spanner).toContain('(§4.1.3)');
    expect(spanner).not.toMatch(/serves strong reads only while it holds a lease/);
    const pnuts = paragraphWith('**PNUTS** is');
    expect(pnuts).toContain('a partition costs it no further consistency');
    expect(pnuts).toContain('(#ref-abadi2012)');
    // The table stays narrow enough for a phone: every "Why, in short" cell is a few words, the detail in the prose.
    const rows = chapter.split('\n').filter((line) => /^\| (Dynamo|Cassandra|Riak|Spanner|ZooKeeper|etcd|PNUTS|VoltDB)/.test(line));
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
      expect(cells).toHaveLength(4);
      expect(cells[3]?.length ?? 0, row).toBeLessThanOrEqual(40);
      expect(cells[0]?.length ?? 0, row).toBeLessThanOrEqual(30);
    }
    expect(paragraphWith('**Dynamo** is always writeable')).toContain('(#ref-decandia2007)');
    expect(paragraphWith('**Cassandra**')).toContain('(#ref-lakshman2010)');
    expect(paragraphWith('**ZooKeeper** sends')).toContain('(#ref-hunt2010)');
    expect(paragraphWith('**etcd**, like')).toContain('(#ref-etcd)');
  });

  it('the hardness of checking (Gibbons and Korach 1997): the read mapping helps linearizability only', () => {
    const hard = paragraphWith('Gibbons and Korach proved');
    expect(hard).toContain('For linearizability the hardness comes from not knowing which write each read read from');
    expect(hard).toContain('Sequential consistency stays NP-complete even with that mapping given');
    expect(hard).toContain('if none did it can simply be left out');
    expect(hard).toContain('compare-and-set');
  });

  it('what is ours is marked as ours, and the models are compared by inclusion', () => {
    expect(paragraphWith('**Available** means')).toContain('we read it');
    expect(paragraphWith('Brewer took the "two of three" slogan apart')).toContain('In our summary');
    says('admits a subset of the histories the other admits');
    says('one order of all the operations, the same for every client, explains what each of them saw');
    // Vogels's definition is paraphrased, not quoted without marks.
    expect(chapter).not.toContain('eventually all reads return the last updated value');
    expect(chapter).toContain('url: https://doi.org/10.1109/EMPDP.2004.1271440');
  });

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
    expect(chapter).toMatch(/^\| Dynamo \| PA \| EL \|/m);
    expect(chapter).toMatch(/^\| Spanner \| PC \| EC \|/m);
  });

  it('the quorum rule is R + W > N, and the prose says intersection is not linearizability', () => {
    says('$$ R + W > N, $$');
    const caveat = paragraphWith('Intersection is not linearizability');
    expect(caveat).toContain('writing back before answering');
    expect(caveat).toContain('*sloppy* quorums');
  });

  it('every reference is cited and every citation resolves', () => {
    expectReferencesCited(chapter);
  });

  it('states its system model and links there, and links into earlier chapters name sections that exist', () => {
    const links = expectChapterLinksResolve(chapter);
    expect(links).toContainEqual({ path: 'start/how-to-read', anchor: 'system-models' });
    expect(prose).toContain('## What this chapter assumes');
  });
});
