// Method: every claim "How to read this book" makes about a run is checked here against that run. Each test reads
// the cell's source from the chapter itself, runs it with the same runtime the build uses, and checks the tables,
// traces and printed lines it shows; an edit the prose invites ("change X to Y and you should see Z") is applied to
// the source as text and its promised outcome checked too. A change to the lab or the cell that moves a number the
// prose quotes fails here.
import { describe, expect, it } from 'vitest';
import { diagram, edit, printed, readChapter, run, table } from '../runtime/chapter-cells';
import type { Trace, TraceEventOf } from '../sim/trace';
import { eventsOfKind } from '../sim/trace';
import { clockReadingMs } from '../sim/clock';
import { rttSamples } from './ping';
import type { PingMessage } from './ping';

const { source, prose, cellSource, cellCaption } = readChapter('start/how-to-read.mdx');


const pingSends = (trace: Trace) => eventsOfKind(trace, 'send').filter((e) => (e.message as PingMessage).type === 'ping');
const sendsOf = (trace: Trace, type: PingMessage['type']) => eventsOfKind(trace, 'send').filter((e) => (e.message as PingMessage).type === type);

describe('a system small enough to hold in your head: cells first-run and rtt-table', () => {
  it('first-run: five pings over a lossless link, every one answered once (the caption)', async () => {
    expect(cellCaption('first-run')).toContain('five times over a link with 5–15 ms delay and no loss');
    const trace = diagram(await run(cellSource('first-run')));
    expect(pingSends(trace)).toHaveLength(5);
    expect(sendsOf(trace, 'pong')).toHaveLength(5);
    expect(eventsOfKind(trace, 'drop')).toHaveLength(0);
    expect(rttSamples(trace).map((s) => s.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('rtt-table: changed to count 20, it shows twenty rows, each between 10 and 30 ms', async () => {
    expect(prose).toContain('you should see twenty rows, each between 10 and 30 ms');
    const rows = table(await run(edit(cellSource('rtt-table'), 'count: 5', 'count: 20')));
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(row.rttMs as number).toBeGreaterThanOrEqual(10);
      expect(row.rttMs as number).toBeLessThanOrEqual(30);
    }
  });
});

describe('nodes are state machines: cell step-by-hand', () => {
  it('the first tick sends ping 0 and sets two timers; the retransmission resends it; the pong gives an RTT of 11 ms', async () => {
    const rows = table(await run(cellSource('step-by-hand')));
    expect(rows.map((r) => r.nowMs)).toEqual([0, 60, 71]);
    expect(rows[0]?.effects).toBe('send {"type":"ping","n":0,"sentAtMs":0}; setTimer retransmit 0 (+60 ms); setTimer tick (+100 ms)');
    expect(rows[1]?.effects).toBe('send {"type":"ping","n":0,"sentAtMs":60}; setTimer retransmit 0 (+60 ms)');
    expect(rows[2]?.effects).toBe('cancelTimer retransmit 0; log rtt {"n":0,"rttMs":11,"attempts":2}');
    expect(prose).toContain('so the pinger measures an RTT of 11 ms, cancels the retransmission timer and logs the sample');
  });

  it('drives the pinger with typed inputs, not casts', () => {
    expect(cellSource('step-by-hand')).not.toMatch(/\bas never\b|\bas any\b/);
  });
});

describe('the simulator owns time and chance: cell replay', () => {
  it('the same seed gives a byte-identical trace; another seed a different run', async () => {
    const text = printed(await run(cellSource('replay')));
    expect(text).toMatch(/^seed 7 twice: byte-identical \(\d+ characters of trace\)$/m);
    expect(text).toContain('seed 7 and seed 8: different runs');
  });
});

describe('faults on purpose: cell faults', () => {
  it('nothing crosses the partition; unanswered pings are resent every 60 ms until one gets through after the heal', async () => {
    const trace = diagram(await run(cellSource('faults')));
    const deliveries = eventsOfKind(trace, 'deliver');
    expect(deliveries.filter((e) => e.t >= 250 && e.t < 500)).toHaveLength(0);
    // Every one of the six pings is answered in the end.
    expect(new Set(rttSamples(trace).map((s) => s.n))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // Copies of one ping go out 60 ms apart, and the pings sent during the partition are answered only after it.
    const byPing = new Map<number, TraceEventOf<'send'>[]>();
    for (const send of pingSends(trace)) byPing.set((send.message as PingMessage).n, [...(byPing.get((send.message as PingMessage).n) ?? []), send]);
    for (const sends of byPing.values()) for (let i = 1; i < sends.length; i++) expect((sends[i] as TraceEventOf<'send'>).t - (sends[i - 1] as TraceEventOf<'send'>).t).toBeCloseTo(60, 6);
    const caughtInPartition = rttSamples(trace).filter((s) => ((byPing.get(s.n) ?? [])[0]?.t ?? 0) >= 250);
    expect(caughtInPartition.length).toBeGreaterThan(0);
    for (const sample of caughtInPartition) expect(sample.t).toBeGreaterThan(500);
  });

  it('the edits the prose invites: a one-way cut lets pings through and stops pongs; a crash leaves a retransmitting forever', async () => {
    const source = cellSource('faults');
    const oneWay = diagram(await run(edit(source, "{ atMs: 250, kind: 'partition', groups: [['a'], ['b']] }", "{ atMs: 250, kind: 'partition-one-way', from: ['b'], to: ['a'] }")));
    const during = (e: { t: number }) => e.t >= 250 && e.t < 500;
    expect(eventsOfKind(oneWay, 'deliver').filter((e) => during(e) && e.node === 'b').length).toBeGreaterThan(0);
    expect(eventsOfKind(oneWay, 'deliver').filter((e) => during(e) && e.node === 'a')).toHaveLength(0);
    expect(sendsOf(oneWay, 'pong').filter(during).length).toBeGreaterThan(0);
    expect(pingSends(oneWay).filter(during).length).toBeGreaterThan(1);

    const crashed = diagram(await run(edit(
      source,
      "interventions: [\n    { atMs: 250, kind: 'partition', groups: [['a'], ['b']] },\n    { atMs: 500, kind: 'heal' },\n  ],",
      "interventions: [{ atMs: 250, kind: 'crash', node: 'b' }],",
    )));
    const lastSend = pingSends(crashed).at(-1) as TraceEventOf<'send'>;
    expect(lastSend.t).toBeGreaterThan(crashed.endMs - 60);
  });
});

describe('how much loss costs: cell loss-cost', () => {
  /** Standard error of the mean number of tries over 400 pings, each geometric with success (1 − p)². */
  const standardError = (p: number) => Math.sqrt((1 - (1 - p) ** 2) / (1 - p) ** 4 / 400);

  it('the measurements sit within three standard errors of 1/(1 − p)², which is 2.04 at p = 0.3', async () => {
    expect(prose).toContain('At $p = 0.3$ that is about 2.04 transmissions per ping');
    expect(1 / 0.7 ** 2).toBeCloseTo(2.04, 2);
    const rows = table(await run(cellSource('loss-cost')));
    expect(rows.map((r) => r.loss)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    for (const row of rows) {
      const p = row.loss as number;
      expect(Math.abs((row.measured as number) - (row.formula as number)), `p = ${p}`).toBeLessThanOrEqual(3 * standardError(p) + 0.001);
    }
  });

  it('with retransmitMs: 20, below the longest round trip, every dot rises above the curve', async () => {
    const rows = table(await run(edit(cellSource('loss-cost'), 'retransmitMs: 40', 'retransmitMs: 20')));
    for (const row of rows) expect(row.measured as number, `p = ${row.loss}`).toBeGreaterThan(row.formula as number);
  });
});

describe('checking properties: cell checks (a deadline, not liveness)', () => {
  it('the healed run meets the deadline; the never-healed one misses it for the pings sent after 150 ms, as a safety violation', async () => {
    const rows = table(await run(cellSource('checks')));
    expect(rows.map((r) => r.property)).toEqual([
      'ok: every ping answered by the end of the run',
      'ok: no creation',
      'violation (safety) of every ping answered by the end of the run: pings 2, 3, 4 were not answered by 1100 ms, the end of the run [3 events]',
      'ok: no creation',
    ]);
    expect(prose).toContain('the pings sent after 150 ms are still unanswered when the run ends');
  });

  it('adding a heal at 600 ms to the second run makes it meet the deadline', async () => {
    const healed = edit(cellSource('checks'), "interventions: [{ atMs: 150, kind: 'partition', groups: [['a'], ['b']] }]", "interventions: [{ atMs: 150, kind: 'partition', groups: [['a'], ['b']] }, { atMs: 600, kind: 'heal' }]");
    const rows = table(await run(healed));
    for (const row of rows) expect(String(row.property)).toMatch(/^ok: /);
  });
});

describe('claims about the simulator and the sources', () => {
  it('every [Author Year](#ref-id) link names a reference in the frontmatter', () => {
    const ids = new Set([...source.matchAll(/^ {2}- id: ([a-z0-9-]+)$/gm)].map((m) => m[1]));
    const cited = [...prose.matchAll(/\(#ref-([a-z0-9-]+)\)/g)].map((m) => m[1]);
    expect(cited.length).toBeGreaterThan(0);
    for (const id of cited) expect(ids, id).toContain(id);
  });

  it('the simulator\'s clock is an offset plus a constant skew, as the system-models section says, with no drift term', () => {
    expect(prose).toContain('with an offset and a constant rate error (its skew, in parts per million)');
    const clock = { offsetMs: 7, driftPpm: 250 };
    const at = (t: number) => clockReadingMs(clock, t);
    // A constant rate: equal steps of true time move the reading by equal amounts, at 1 + 250 ppm.
    expect(at(2_000_000) - 2 * at(1_000_000) + at(0)).toBeCloseTo(0, 6);
    expect(at(1_000_000) - at(0)).toBeCloseTo(1_000_250, 6);
  });

  it('failure models are listed from mildest to harshest in the usual order: crash-stop, omission, crash-recovery, Byzantine', () => {
    const order = ['*Crash-stop*', '*Omission*', '*Crash-recovery*', '*Byzantine*'].map((name) => prose.indexOf(name));
    for (const index of order) expect(index).toBeGreaterThan(0);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    // A reliable link promises delivery only between processes that stay up: a crashed receiver delivers nothing.
    expect(prose).toContain('A *reliable* link delivers every message sent between two processes that do not crash, exactly once');
  });

  it('quotes Yuan et al. with the scope and numbers of their study, and Karn\'s algorithm with both its halves', () => {
    expect(prose).toContain('almost all (92%) of the catastrophic ones came from incorrect handling of errors the software had already signalled');
    expect(prose).toContain('in 58% of them simple tests of that error-handling code would have exposed the fault');
    expect(prose).not.toContain('real systems mostly fail in the code that handles them');
    expect(prose).toContain('keeping the backed-off retransmission timeout');
  });
});
