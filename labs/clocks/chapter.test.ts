// Method: read "Time, clocks and the order of events" from its MDX source, run each of its cells with the runtime the
// build uses (`runCell`), and hold every number and claim the prose or a caption quotes from a run to that run's
// outputs. Where the prose invites an edit ("set offsetMs: 0 ..."), the test makes that edit to the cell's source
// and checks that the run shows what the prose promises. A lab change that moves a quoted number fails here.
import { describe, expect, it } from 'vitest';
import type { Output, PlotOutput, SpaceTimeOutput, TableOutput, TimeSeriesOutput } from '../display/outputs';
import { ofKind, printed, readChapter, records, run as runSource } from '../runtime/chapter-cells';
import { Random } from '../sim/random';
import { trueTimeServer, ttNow } from './truetime';
import type { ChapterCell } from '../runtime/chapter-cells';

const { source, cells, prose } = readChapter('time/clocks.mdx');

function cell(id: string): ChapterCell {
  const found = cells.get(id);
  if (!found) throw new Error(`the chapter has no cell "${id}"`);
  return found;
}

/** Runs a cell, after replacing each `[from, to]` in its source; every `from` must occur, or the edit is stale. */
async function run(id: string, edits: [string, string][] = []): Promise<Output[]> {
  let code = cell(id).code;
  for (const [from, to] of edits) {
    expect(code, `cell "${id}" should contain ${JSON.stringify(from)}`).toContain(from);
    code = code.replace(from, to);
  }
  return runSource(code, `${id}.ts`);
}

describe('the chapter and its cells', () => {
  it('every cell runs, and no teaching cell silences the type checker with `as never`', async () => {
    expect([...cells.keys()]).toEqual(['drift', 'lww', 'ntp', 'marzullo', 'intersection', 'causality', 'stamp-size', 'hlc', 'truetime']);
    for (const [id, { code }] of cells) {
      expect(code, id).not.toContain('as never');
      await run(id);
    }
  });
});

describe('why there is no global clock', () => {
  it('two clocks 50 ppm apart in skew move 50 µs apart each second and 4.32 s a day, as the caption says', async () => {
    const text = printed(await run('drift'));
    expect(text).toContain('After a day the clocks are 4.32 s apart; after one second, 50 µs.');
    expect(cell('drift').caption).toContain('the offset between them grows by 50 µs every second');
    expect(prose).toContain('one part per million is 86.4 ms a day');
    expect(86_400 * 1e-6 * 1000).toBeCloseTo(86.4, 9);
  });

  it('last writer wins loses a\'s later write with a slow clock, keeps it with a correct one, and loses b\'s when a writes first with a fast clock', async () => {
    const decisions = async (edits: [string, string][] = []) =>
      records(ofKind(await run('lww', edits), 'table').at(-1)).map((r) => r.decision);
    expect(await decisions()).toEqual(['kept y (stamp 100)', 'ignored x: stamp 70 is older than 100']);
    expect(prose).toContain('The register keeps `"y"`: the most recent write is silently lost');
    expect(prose).toContain('Set `offsetMs: 0` and run the cell again: now the register keeps `"x"`');
    expect(await decisions([['offsetMs: -50', 'offsetMs: 0']])).toEqual(['kept y (stamp 100)', 'kept x (stamp 120)']);
    expect(prose).toContain("`client('x', 80)`, with a clock 50 ms *ahead*, `offsetMs: 50`. Its stamp, 130, beats the 100");
    expect(await decisions([["client('x', 120)", "client('x', 80)"], ['offsetMs: -50', 'offsetMs: 50']])).toEqual([
      'kept x (stamp 130)',
      'ignored y: stamp 100 is older than 130',
    ]);
  });
});

describe('synchronising physical clocks', () => {
  it('NTP: exactly 15 ms at zero asymmetry, an error of half the asymmetry, always inside ±δ/2, also with jitter', async () => {
    const rows = records(ofKind(await run('ntp'), 'table')[0]);
    for (const r of rows) {
      expect(r.errorMs).toBeCloseTo((r.asymmetry as number) / 2, 9);
      expect(r.delayMs).toBe(40);
    }
    expect(rows.find((r) => r.asymmetry === 0)?.offsetMs).toBe(15);
    expect(prose).toContain('At zero asymmetry the estimate is exactly 15 ms');
    const jittered = records(ofKind(await run('ntp', [['samples: 1 }', 'samples: 1, jitterMs: 5 }']]), 'table')[0]);
    expect(jittered.some((r) => Math.abs((r.errorMs as number) - (r.asymmetry as number) / 2) > 0.01)).toBe(true);
    for (const r of jittered) expect(Math.abs(r.errorMs as number)).toBeLessThanOrEqual((r.delayMs as number) / 2);
  });

  it('Marzullo: four sources agree and E is the falseticker; moved, E narrows the answer; five liars win', async () => {
    const result = async (edits: [string, string][] = []) => records(ofKind(await run('marzullo', edits), 'table').at(-1))[0];
    expect(await result()).toEqual({ selected: '[11.4, 11.9]', agreeing: 4, falsetickers: 'E' });
    expect(cell('marzullo').caption).toContain('four sources agree on it; source E is a falseticker');
    expect(prose).toContain('Move source **E** to `lo: 11.5, hi: 11.7` and it becomes a truechimer that narrows the answer to its own interval, agreed by all five');
    expect(await result([['lo: 15.0, hi: 16.5', 'lo: 11.5, hi: 11.7']])).toEqual({ selected: '[11.5, 11.7]', agreeing: 5, falsetickers: 'none' });
    const liars = (k: number): [string, string][] => [[
      "{ source: 'E', lo: 15.0, hi: 16.5 },",
      "{ source: 'E', lo: 15.0, hi: 16.5 }," + Array.from({ length: k }, (_, i) => `{ source: 'F${i}', lo: 15.2, hi: 16.4 },`).join(''),
    ]];
    // Three more make four near 16 s against four: a tie, which the leftmost region wins; four more outvote the truth.
    expect(await result(liars(3))).toMatchObject({ selected: '[11.4, 11.9]', agreeing: 4 });
    expect(await result(liars(4))).toMatchObject({ selected: '[15.2, 16.4]', agreeing: 5 });
    expect(prose).toContain('with four intervals near 16 s the two groups tie (the algorithm keeps the leftmost region), and with five the algorithm confidently selects the wrong time');
  });

  it('intersection: plain Marzullo picks [6, 7] and blames C; NTP allows f = 2 and keeps [−1, 7]; colluding D and E fool it at f = 1', async () => {
    const table = async (edits: [string, string][] = []) => records(ofKind(await run('intersection', edits), 'table')[0]);
    expect(await table()).toEqual([
      { algorithm: 'plain Marzullo', selected: '[6, 7]', sources: 4, 'holds the truth': 'no', falsetickers: 'C' },
      { algorithm: 'NTP intersection (f = 2)', selected: '[-1, 7]', sources: 3, 'holds the truth': 'yes', falsetickers: 'D, E' },
    ]);
    expect(prose).toContain('The plain algorithm selects [6, 7] ms, covered by four intervals');
    expect(prose).toContain('it names C, the most precise source, as the falseticker');
    expect(prose).toContain('$f = 2$ gives [−1, 7], which holds the midpoints of A, B and C and the true offset, and D and E, whose midpoints are outside, are the falsetickers');
    const colluding = await table([
      ["{ source: 'D', lo: 5, hi: 13 }", "{ source: 'D', lo: 2, hi: 6 }"],
      ["{ source: 'E', lo: 6, hi: 14 }", "{ source: 'E', lo: 2, hi: 6 }"],
    ]);
    expect(colluding[1]).toEqual({ algorithm: 'NTP intersection (f = 1)', selected: '[2, 6]', sources: 4, 'holds the truth': 'no', falsetickers: 'C' });
    expect(prose).toContain('move D and E to `lo: 2, hi: 6` and the algorithm accepts [2, 6] with $f = 1$, missing the truth, because only C\'s midpoint lies outside');
  });
});

describe('happens-before and logical clocks', () => {
  it('a1 and b3 are concurrent, yet Lamport stamps them 1 and 5, as the prose says', async () => {
    const [diagram] = ofKind(await run('causality'), 'spacetime') as SpaceTimeOutput[];
    const label = (id: string) => diagram?.labels?.find((l) => l.text.startsWith(`${id} `));
    const a1 = label('a1');
    const b3 = label('b3');
    expect(a1?.text.split(' ')[1]).toBe('1');
    expect(b3?.text.split(' ')[1]).toBe('5');
    expect(diagram?.highlight?.chosen).toBe(b3?.seq);
    expect(diagram?.highlight?.concurrent).toContain(a1?.seq);
    expect(prose).toContain('a1 and b3 are concurrent (neither is in the other\'s causal past), yet a1 is stamped 1 and b3 is stamped 5');
  });

  it('a vector timestamp costs about eight characters per process; Lamport and hybrid stamps keep one size', async () => {
    const rows = records(ofKind(await run('stamp-size'), 'table')[0]);
    const size = (clock: string, n: number) => rows.find((r) => r.clock === clock && r.processes === n)?.['characters per timestamp'] as number;
    expect(Math.round(size('vector', 64) / 64)).toBe(8);
    expect(prose).toContain('about eight characters per entry here');
    const ns = [2, 4, 8, 16, 32, 64];
    expect(new Set(ns.map((n) => size('hybrid (HLC)', n))).size).toBe(1);
    for (const n of ns) expect(size('Lamport', n)).toBeLessThanOrEqual(2);
    // "Busier processes only make each number a digit or two longer": ten times the events per node.
    const busier = records(ofKind(await run('stamp-size', [['eventsPerNode: 8', 'eventsPerNode: 80']]), 'table')[0]);
    const busierVector64 = busier.find((r) => r.clock === 'vector' && r.processes === 64)?.['characters per timestamp'] as number;
    expect(busierVector64).toBeGreaterThan(size('vector', 64));
    expect(busierVector64 - size('vector', 64)).toBeLessThanOrEqual(2 * 64);
    expect(prose).toContain('busier processes only make each number a digit or two longer');
  });
});

describe('hybrid logical clocks', () => {
  const bound = (outputs: Output[]) => {
    const [plot] = ofKind(outputs, 'plot') as PlotOutput[];
    const rows = plot?.marks.find((m) => m.mark === 'dot')?.data as Record<string, number>[];
    const epsilonMs = Number(/ε \(largest offset between two clocks\): ([\d.]+) ms/.exec(printed(outputs))?.[1]);
    return { rows, epsilonMs, largest: Math.max(...rows.map((r) => r['l − pt (ms)'] as number)) };
  };

  it('0 ≤ l − pt ≤ ε for every event, and l − pt grows when a\'s clock is set 140 ms ahead', async () => {
    const base = bound(await run('hlc'));
    expect(base.epsilonMs).toBeGreaterThan(0);
    for (const r of base.rows) {
      expect(r['l − pt (ms)']).toBeGreaterThanOrEqual(0);
      expect(r['l − pt (ms)']).toBeLessThanOrEqual(base.epsilonMs);
    }
    const far = bound(await run('hlc', [['a: { offsetMs: 32', 'a: { offsetMs: 140']]));
    expect(far.largest).toBeGreaterThan(base.largest + 50);
    expect(far.largest).toBeLessThanOrEqual(far.epsilonMs);
    expect(prose).toContain('Try `offsetMs: 140` on node **a**: $l - pt$ grows with it');
  });

  it('the figure\'s caption describes only what it plots (l − pt and ε), not the Lamport counter', () => {
    expect(cell('hlc').caption).not.toMatch(/Lamport/);
    expect(cell('hlc').code).toContain("y: 'l − pt (ms)'");
  });
});

describe('TrueTime and commit wait', () => {
  it('commit wait adds 2ε to the mean latency, keeps external consistency, and without it b stamps T2 below T1', async () => {
    const outputs = await run('truetime');
    const [series] = ofKind(outputs, 'timeseries') as TimeSeriesOutput[];
    const points = (series?.rows ?? []) as Record<string, number>[];
    for (let i = 1; i < points.length; i++) {
      const slope = ((points[i] as Record<string, number>)['mean commit latency (ms)'] - (points[i - 1] as Record<string, number>)['mean commit latency (ms)'])
        / ((points[i] as Record<string, number>).epsilonMs - (points[i - 1] as Record<string, number>).epsilonMs);
      expect(slope).toBeCloseTo(2, 2);
    }
    expect(cell('truetime').caption).toContain('the mean commit latency grows by about 2ε');
    const verdicts = records(ofKind(outputs, 'table')[0]).map((r) => String(r.verdict));
    expect(verdicts[0]).toMatch(/^ok/);
    expect(verdicts[1]).toMatch(/^violation/);
    // The reply to txn 1 and the start of txn 2 are one instant; the message says so rather than "before".
    expect(verdicts[1]).toContain('txn 1 (on a) was acknowledged at 1.483614 ms, the moment txn 2 (on b) started');
    const [diagram] = ofKind(outputs, 'spacetime') as SpaceTimeOutput[];
    const stamp = (txn: number) => Number(diagram?.labels?.find((l) => l.text.startsWith(`T${txn} `))?.text.split('s=')[1]);
    expect(stamp(2)).toBeLessThan(stamp(1));
    expect(diagram?.caption).toContain('b stamps T2 below T1');
  });
});

describe('claims taken from the sources', () => {
  it('every [Author Year](#ref-id) link names a reference in the frontmatter', () => {
    const ids = new Set([...source.matchAll(/^ {2}- id: ([a-z0-9-]+)$/gm)].map((m) => m[1]));
    for (const [, id] of prose.matchAll(/\(#ref-([a-z0-9-]+)\)/g)) expect(ids, id).toContain(id);
    expect(ids).toContain('taft2020');
  });

  it('Lamport and Melliar-Smith need n > 3m clocks in all, not three times as many correct clocks as faulty ones', () => {
    expect(source).toContain('need more than three times as many clocks in all as faulty ones (n > 3m)');
    expect(source).not.toContain('three times as many correct clocks as faulty ones');
  });

  it('NTP\'s accuracy is quoted from RFC 5905 §1, and its selection algorithm is named as the RFC names it', () => {
    expect(prose).toContain('within a few hundred microseconds of their servers, and within a few tens of milliseconds when they poll as rarely as once every 36 hours ([RFC 5905](#ref-rfc5905), §1)');
    expect(prose).not.toContain('NTP over the internet typically achieves milliseconds');
    expect(prose).toContain('the *selection algorithm* of [RFC 5905](#ref-rfc5905), §11.2.1');
  });

  it('HLC\'s counter bound is the paper\'s N(ε + 1), not a bound in terms of the message rate', () => {
    expect(prose).toContain('the paper bounds it by $N(\\varepsilon + 1)$ for $N$ processes');
    expect(prose).not.toContain('message rate');
  });

  it('Spanner\'s start rule: s is no smaller than TT.now().latest, and the cell takes exactly that value', () => {
    expect(prose).toContain('picks an $s_1$ no smaller than $\\texttt{TT.now().latest}$');
    // The server stamps a request with TT.now().latest at the instant it arrives: its own clock reading plus ε.
    const server = trueTimeServer(5, true);
    const ctx = { id: 'a', peers: ['b', 'client'], nowMs: 100, random: new Random(1) };
    const { effects = [] } = server.step(server.init(ctx), { type: 'message', from: 'client', msgId: 1, message: { type: 'commit-request', txn: 1 } }, ctx);
    const waiting = effects[0] as { type: string; payload?: { commitTs: number } };
    expect(waiting.type).toBe('setTimer');
    expect(waiting.payload?.commitTs).toBe(ttNow(100, 5).latest);
  });

  it('the vector-clock proof starts from V(a) < V(b), so a and b are distinct events', () => {
    expect(prose).toContain('suppose $V(a) < V(b)$ with $a$ on process $i$');
    expect(prose).toContain('It is not $b$, whose vector differs');
  });
});
