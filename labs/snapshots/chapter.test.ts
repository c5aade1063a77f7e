// Method: read "Distributed snapshots and global state" from its MDX source, run each cell with the runtime the build
// uses, and hold every number and claim the prose or a caption quotes from a run to that run's outputs, or, where the
// claim is about the run itself (who recorded when, which transfer overtook which marker), to the same run rebuilt
// from the lab and read from its trace. Where the prose invites an edit ("start the snapshot elsewhere, node: 'c'"),
// the test applies it to the cell's source and checks what the prose promises. Each cell runs once and its outputs
// are shared by the tests that read them, to keep the file fast. Citations and cross-chapter links must resolve.
import { describe, expect, it } from 'vitest';
import type { Output, PlotOutput } from '../display/outputs';
import { chapterAnchors, edit, expectCaptionGuidance, expectChapterLinksResolve, expectReferencesCited, ofKind, printed, readChapter, runOnce, table } from '../runtime/chapter-cells';
import { glossary } from '../../src/book/glossary';
import { runExchange } from '../clocks/exchange';
import { vectorClock } from '../clocks/logical';
import { STATE_RECORDED_LOG, checkCut, findFifoFailure, runBank, runCheckpointing, runPath, runPipeline } from './index';
import type { Cut } from './index';

const { source: chapter, prose, cells, cellSource, cellCaption, says } = readChapter('global-state/snapshots.mdx');

/** Each cell's outputs for one source, computed once. */
const outputsOf = runOnce();

const plots = (outputs: Output[]): PlotOutput[] => ofKind(outputs, 'plot');

/** The paragraph (text between blank lines, folded to one line) that contains `phrase`; it must be exactly one. */
function paragraphWith(phrase: string): string {
  const found = chapter.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ')).filter((p) => p.includes(phrase));
  expect(found.length, `one paragraph should contain "${phrase}"`).toBe(1);
  return found[0] as string;
}

/** What each figure's or table's caption must tell the reader to look at, by cell, in output order. */
const guidance: Record<string, { figures: string[]; tables: string[] }> = {
  cut: { figures: ['Look for a red arrow: a message received inside the cut but sent outside it', 'the green path is the order the run happened in'], tables: [] },
  'chandy-lamport': { figures: ["Follow the blue markers from a's diamond: each branch records (its diamond, labelled with its balance) when the first marker reaches it. The orange transfers are those caught in flight"], tables: ['Check the total', "Each checker's verdict"] },
  'fifo-failure': { figures: ["Look at c's lane just after its diamond: a transfer of 42 leaves c after c recorded and reaches b before c's blue marker does"], tables: ['Look at the channel from c to b and at the total, 342 where the bank holds 300'] },
  'lai-yang': { figures: [], tables: ['Compare what each algorithm records in flight, and its total', 'A snapshot can be a consistent cut and still fail the other two'] },
  checkpoints: { figures: ['Follow the red arrows, the orphans: each forced a rollback', 'Follow the red arrows, the orphans: each forced a rollback'], tables: ['Compare the rows'] },
  pipeline: { figures: ['every task is restored from checkpoint 1 (purple) and checkpoint 2 aborted. Orange arrows are barriers'], tables: ['compare the last two columns'] },
};

describe('the chapter and its cells', () => {
  it('has its cells in page order, none silencing the type checker, and no placeholder left', () => {
    expect([...cells.keys()]).toEqual(['cut', 'chandy-lamport', 'fifo-failure', 'lai-yang', 'checkpoints', 'pipeline']);
    for (const [id, { code }] of cells) expect(code, id).not.toMatch(/\bas never\b|\bas any\b/);
    expect(chapter).not.toMatch(/\{\/\* cell:/);
  });

  it.each([...cells.keys()])('cell %s: every figure and table shows a caption that says what to look at, within 300 characters', async (id) => {
    const outputs = await outputsOf(cellSource(id));
    expectCaptionGuidance(id, outputs, cellCaption(id), guidance[id] as { figures: string[]; tables: string[] });
  });
});

describe('Mattern 1989, consistent cuts and their lattice: cell cut', () => {
  const { events } = runExchange(vectorClock, { seed: 1, eventsPerNode: 2, intervalMs: 30 });
  const onPath = (cut: Cut) => runPath(events).some((c) => ['a', 'b', 'c'].every((n) => c[n] === cut[n]));

  it('the cut (4, 1, 2) is inconsistent, a4 receiving the message sent at b2, and the caption names it', async () => {
    expect(cellSource('cut')).toContain("runExchange(vectorClock, { seed: 1, eventsPerNode: 2, intervalMs: 30 })");
    expect(cellSource('cut')).toContain('const cut = { a: 4, b: 1, c: 2 };');
    const outputs = await outputsOf(cellSource('cut'));
    expect(plots(outputs)).toHaveLength(2);
    expect(plots(outputs)[0]?.caption).toContain('a4 receives the message sent by b2');
    expect(checkCut(events, { a: 4, b: 1, c: 2 }).crossing).toEqual([{ send: 'b2', receive: 'a4' }]);
    says('The cut $(4, 1, 2)$ contains a4, the receipt of the message that b sends at b2, but not b2 itself');
    expect(plots(outputs)[0]?.caption).toContain('red arrow');
  });

  it('the invited edit b: 2: consistent, c2 → a5 in transit, and the cut on the path the run took', async () => {
    const outputs = await outputsOf(edit(cellSource('cut'), 'b: 1', 'b: 2'));
    expect(plots(outputs)[0]?.caption).toContain('is consistent');
    expect(plots(outputs)[0]?.caption).toContain('(c2 → a5)');
    expect(onPath({ a: 4, b: 2, c: 2 })).toBe(true);
    says('Change `b: 1` to `b: 2` and run the cell');
    says('the message from c2 to a5 leaves it and is not yet received');
    says('on the green path, since the run passed through this state');
  });

  it('the invited edit { a: 1, b: 0, c: 2 }: consistent, off the path, with b1 concurrent with a1, c1 and c2 and yet earlier in time', async () => {
    const outputs = await outputsOf(edit(cellSource('cut'), '{ a: 4, b: 1, c: 2 }', '{ a: 1, b: 0, c: 2 }'));
    expect(plots(outputs)[0]?.caption).toContain('is consistent');
    expect(onPath({ a: 1, b: 0, c: 2 })).toBe(false);
    const t = (id: string) => events.find((e) => e.id === id)?.t as number;
    // b1 happened, in global time, before c2, so no instant had c two events in and b none.
    expect(t('b1')).toBeLessThan(t('c2'));
    says("Then try `{ a: 1, b: 0, c: 2 }`: also consistent, and a point of the lattice off the green path");
    says("c's two events and a's first are concurrent with b's first");
  });
});

describe('Chandy and Lamport 1985 §3.2 and §4 on the bank: cell chandy-lamport', () => {
  const bank = runBank({ seed: 5, balances: { a: 100, b: 100, c: 100 }, algorithm: 'chandy-lamport', transfers: 12, snapshots: [{ atMs: 40, node: 'a', id: 's1' }], untilMs: 200 });
  const snapshot = bank.snapshots[0]!;
  const recordedAt = (node: string) => snapshot.recordings[node]!.recordedAtMs;

  it('records 133, 37 and 24 with 30, 36 and 40 in flight, 300 in all, and every checker accepts it', async () => {
    for (const line of ['seed: 5,', "balances: { a: 100, b: 100, c: 100 },", "algorithm: 'chandy-lamport',", 'transfers: 12,', "snapshots: [{ atMs: 40, node: 'a', id: 's1' }],", 'untilMs: 200,']) {
      expect(cellSource('chandy-lamport')).toContain(line);
    }
    const outputs = await outputsOf(cellSource('chandy-lamport'));
    const rows = table(outputs, 0);
    const value = (part: string) => rows.find((r) => r.part === part)?.value;
    expect([value('node a'), value('node b'), value('node c')]).toEqual([133, 37, 24]);
    expect(rows.find((r) => r.part === 'channel b → a')?.recorded).toBe('#1: 30');
    expect(rows.find((r) => r.part === 'channel c → b')?.recorded).toBe('#0: 36, #1: 40');
    expect(rows.filter((r) => String(r.part).startsWith('channel') && r.value !== 0)).toHaveLength(2);
    expect(value('total')).toBe(300);
    expect(table(outputs, 1).map((r) => [r.checker, r.verdict])).toEqual([['completeness', 'ok'], ['consistent cut', 'ok'], ['conservation', 'ok'], ['reachability', 'ok']]);
    says('a records at 40 ms with a balance of 133');
    says('The balances add up to 194, and the three transfers recorded in flight, 30 on the channel from b to a and 36 and 40 on the channel from c to b, bring the total to exactly 300');
    says('every checker accepts the snapshot');
    says('Four checkers then read the trace: completeness');
  });

  it('b records on a\'s marker at about 51 ms, c at about 56 ms on b\'s marker, which reached it before a\'s', () => {
    expect(recordedAt('a')).toBe(40);
    expect(Math.round(recordedAt('b'))).toBe(51);
    expect(Math.round(recordedAt('c'))).toBe(56);
    const markersTo = (node: string) => bank.trace.events.filter((e) => e.kind === 'deliver' && e.node === node && (e.message as { type: string }).type === 'marker');
    const first = markersTo('b')[0];
    expect(first?.kind === 'deliver' && first.from).toBe('a');
    expect(first?.t).toBe(recordedAt('b'));
    const toC = markersTo('c');
    expect(toC.map((e) => e.kind === 'deliver' && e.from)).toEqual(['b', 'a']);
    expect(toC[0]?.t).toBe(recordedAt('c'));
    says("b records when a's marker arrives, at about 51 ms, with 37, and sends its own; c records at about 56 ms with 24, on b's marker, which reached it a moment before a's");
  });

  it('each transfer recorded in flight was sent before its sender recorded and received after its receiver did', () => {
    const sends = new Map<string, number>();
    const delivers = new Map<string, number>();
    for (const e of bank.trace.events) {
      if ((e.kind === 'send' || e.kind === 'deliver') && (e.message as { type: string }).type === 'app') {
        const m = e.message as { seq: number };
        const channel = e.kind === 'send' ? `${e.node}>${e.to}` : `${e.from}>${e.node}`;
        (e.kind === 'send' ? sends : delivers).set(`${channel}#${m.seq}`, e.t);
      }
    }
    const recorded = snapshot.channels.flatMap((c) => c.messages.map((m) => ({ key: `${c.from}>${c.to}#${m.seq}`, from: c.from, to: c.to })));
    expect(recorded).toHaveLength(3);
    for (const r of recorded) {
      expect(sends.get(r.key) as number, r.key).toBeLessThan(recordedAt(r.from));
      expect(delivers.get(r.key) as number, r.key).toBeGreaterThan(recordedAt(r.to));
    }
    says('Each of those transfers was sent before its sender recorded and received after its receiver did');
  });

  it('six markers for six channels, and a recorded state the bank never held', async () => {
    const text = printed(await outputsOf(cellSource('chandy-lamport')));
    expect(text).toContain('Markers sent: 6, one per channel (6 channels).');
    expect(text).toContain('At no instant did the branches hold the recorded balances together: the recorded state never occurred.');
    says('Six markers were sent, one per channel');
    says('no instant of the run had the three branches holding 133, 37 and 24 together');
  });

  it('the invited edit node: \'c\': other balances, the same total', async () => {
    const outputs = await outputsOf(edit(cellSource('chandy-lamport'), "node: 'a', id", "node: 'c', id"));
    expect(plots(outputs)[0]?.caption).toContain("started by c at 40 ms. Follow the blue markers from c's diamond");
    const rows = table(outputs, 0);
    const balances = ['a', 'b', 'c'].map((n) => rows.find((r) => r.part === `node ${n}`)?.value);
    expect(balances).not.toEqual([133, 37, 24]);
    expect(rows.find((r) => r.part === 'total')?.value).toBe(300);
    expect(table(outputs, 1).every((r) => r.verdict === 'ok')).toBe(true);
    says("`node: 'c'` for instance, and run the cell: the recorded balances change and the total does not");
  });

  it('the cost the prose states: one marker per channel, e markers, n(n-1) all to all', () => {
    says('A snapshot costs exactly one marker per channel: $e$ markers for $e$ channels, $n(n-1)$ when every process talks to every other');
  });
});

describe('Chandy and Lamport 1985 §4 needs FIFO channels: cell fifo-failure', () => {
  const found = findFifoFailure();
  if (found === undefined) throw new Error('findFifoFailure found no run');
  const trace = found.run.trace.events;
  const recorded = (node: string) => trace.find((e) => e.kind === 'log' && e.text === STATE_RECORDED_LOG && e.node === node)?.t as number;
  const app = (kind: 'send' | 'deliver', from: string, to: string, seq: number) => trace.find((e) => {
    if (e.kind !== kind) return false;
    const m = e.message as { type: string; seq?: number };
    const [f, t] = e.kind === 'send' ? [e.node, e.to] : e.kind === 'deliver' ? [e.from, e.node] : ['', ''];
    return m.type === 'app' && m.seq === seq && f === from && t === to;
  });
  const marker = (from: string, to: string) => trace.find((e) => e.kind === 'deliver' && e.from === from && e.node === to && (e.message as { type: string }).type === 'marker');

  it('stops at the first seed; the snapshot counts 342 and creates 42; the cut checker passes, conservation and reachability fail', async () => {
    expect(found.seed).toBe(1);
    says('The search stops at its first seed');
    const outputs = await outputsOf(cellSource('fifo-failure'));
    expect(plots(outputs)[0]?.caption).toContain("Seed 1: the snapshot records 342 of the bank's 300. Look at c's lane just after its diamond: a transfer of 42 leaves c after c recorded and reaches b before c's blue marker does");
    const rows = table(outputs, 0);
    expect(rows.find((r) => r.part === 'total')?.value).toBe(342);
    expect(rows.find((r) => r.part === 'node c')?.value).toBe(132);
    expect(rows.find((r) => r.part === 'channel c → b')?.recorded).toBe('#0: 42');
    const text = printed(outputs);
    expect(text).toContain('consistent cut: ok');
    expect(text).toMatch(/conservation: violation \(.*it creates 42\)/);
    expect(text).toMatch(/reachability: violation \(.*channel c -> b/);
    says('The snapshot counts 342 of the bank\'s 300: it creates 42');
    says('while c\'s recorded balance of 132 still includes it');
    says('so the cut checker passes; conservation and reachability fail');
  });

  it('the story in the trace: a at 40, b and c at about 51, the 42 sent at 54 arrives at about 58, before c\'s marker at 63', () => {
    expect(recorded('a')).toBe(40);
    expect(Math.round(recorded('b'))).toBe(51);
    expect(Math.round(recorded('c'))).toBe(51);
    const sent = app('send', 'c', 'b', 0);
    const arrived = app('deliver', 'c', 'b', 0);
    expect(sent?.t).toBe(54);
    expect(sent?.kind === 'send' && (sent.message as { message: { amount: number } }).message.amount).toBe(42);
    expect(sent?.t as number).toBeGreaterThan(recorded('c'));
    expect(Math.round(arrived?.t as number)).toBe(58);
    expect(arrived?.t as number).toBeGreaterThan(recorded('b'));
    expect(Math.round(marker('c', 'b')?.t as number)).toBe(63);
    expect(arrived?.t as number).toBeLessThan(marker('c', 'b')?.t as number);
    says('a records at 40 ms and b at about 51 ms; c records at about 51 ms too and sends its marker to b');
    says('At 54 ms c sends b a transfer of 42, which reaches b at about 58 ms, before c\'s marker, which takes until 63 ms');
  });

  it('the prose on the two failure modes: only one of them makes the cut inconsistent', () => {
    says('A checker of consistent cuts alone would pass those snapshots; conservation and reachability do not');
  });
});

describe('Lai and Yang 1987 on links that reorder, and concurrent snapshots: cell lai-yang', () => {
  const found = findFifoFailure();
  const onFoundSeed = (r: Record<string, unknown>) => [r.algorithm, r['a, b, c'], r['in flight'], r.total];

  it('the found run under both algorithms: the same balances 24, 103, 132; Chandy-Lamport 342 with the 42, Lai-Yang 300 with only the 41', async () => {
    expect(cellSource('lai-yang').match(/\bfifo: false\b/g), 'every run of the cell follows `fifo`').toBeNull();
    const outputs = await outputsOf(cellSource('lai-yang'));
    expect(table(outputs, 0).map(onFoundSeed)).toEqual([
      ['Chandy-Lamport', '24, 103, 132', 'c → a: 41; c → b: 42', 342],
      ['Lai-Yang', '24, 103, 132', 'c → a: 41', 300],
    ]);
    expect(ofKind(outputs, 'table')[0]?.caption).toContain(`Seed ${found?.seed} on links that reorder; the bank holds 300.`);
    // The Chandy-Lamport row is the run findFifoFailure found, recorded again.
    const cl = found?.run.snapshots[0];
    expect(cl && ['a', 'b', 'c'].map((n) => cl.states[n]?.balance).join(', ')).toBe('24, 103, 132');
    expect(printed(outputs)).toContain('Chandy-Lamport: conservation and reachability fail.\nLai-Yang: every check passes.');
    says('Both algorithms record the same three balances, 24, 103 and 132');
    says('it keeps only the 41 on the channel from c to a, which c sent before recording and a received after');
  });

  it('the 41 was sent before c recorded and received after a did; the 42 after c recorded', () => {
    const laiYang = runBank({ seed: 1, balances: { a: 100, b: 100, c: 100 }, transfers: 30, untilMs: 400, fifo: false, algorithm: 'lai-yang', snapshots: [{ atMs: 40, node: 'a', id: 's1' }] });
    const s = laiYang.snapshots[0]!;
    const events = laiYang.trace.events;
    const sendOf = (to: string, seq: number) => events.find((e) => e.kind === 'send' && e.node === 'c' && e.to === to && (e.message as { type: string; seq?: number }).type === 'app' && (e.message as { seq: number }).seq === seq)?.t as number;
    const deliverOf = (to: string, seq: number) => events.find((e) => e.kind === 'deliver' && e.from === 'c' && e.node === to && (e.message as { type: string; seq?: number }).type === 'app' && (e.message as { seq: number }).seq === seq)?.t as number;
    expect(sendOf('a', 0)).toBeLessThan(s.recordings.c!.recordedAtMs);
    expect(deliverOf('a', 0)).toBeGreaterThan(s.recordings.a!.recordedAtMs);
    expect(sendOf('b', 0)).toBeGreaterThan(s.recordings.c!.recordedAtMs);
    says('because that transfer left c after c had recorded and so was red');
  });

  it('twenty seeds, three snapshots each: Lai-Yang passes all 60; Chandy-Lamport conserves 27, is reachable in 26, and a consistent cut in 54', async () => {
    expect(cellSource('lai-yang')).toContain("const snapshots = [{ atMs: 40, node: 'a', id: 's1' }, { atMs: 42, node: 'c', id: 's2' }, { atMs: 100, node: 'b', id: 's3' }];");
    expect(cellSource('lai-yang')).toContain('for (let seed = 1; seed <= 20; seed++)');
    const outputs = await outputsOf(cellSource('lai-yang'));
    const rows = table(outputs, 1);
    const row = (algorithm: string) => rows.find((r) => r.algorithm === algorithm) as Record<string, unknown>;
    expect(ofKind(outputs, 'table')[1]?.caption).toContain("Of each algorithm's 60 snapshots (twenty runs on links that reorder)");
    expect(row('Lai-Yang')).toMatchObject({ conserves: 60, cut: 60, reachable: 60 });
    expect(row('Chandy-Lamport')).toMatchObject({ conserves: 27, cut: 54, reachable: 26 });
    says("Every one of Lai-Yang's 60 snapshots passes all three checks");
    says("Of Chandy-Lamport's 60, only 27 conserve the total and 26 are reachable, yet 54 are consistent cuts");
    says('two of them started 2 ms apart by different nodes and a third later');
  });

  it('the invited edit fifo = true: the whole cell on FIFO links; on seed 1 Chandy-Lamport records only the 41 and 300, and every check passes', async () => {
    const outputs = await outputsOf(edit(cellSource('lai-yang'), 'const fifo = false;', 'const fifo = true;'));
    expect(ofKind(outputs, 'table')[0]?.caption).toContain(`Seed ${found?.seed} on FIFO links`);
    expect(table(outputs, 0).map(onFoundSeed)).toEqual([
      ['Chandy-Lamport', '24, 103, 132', 'c → a: 41', 300],
      ['Lai-Yang', '24, 103, 132', 'c → a: 41', 300],
    ]);
    expect(printed(outputs)).toBe('Chandy-Lamport: every check passes.\nLai-Yang: every check passes.');
    expect(ofKind(outputs, 'table')[1]?.caption).toContain("Of each algorithm's 60 snapshots (twenty runs on FIFO links)");
    for (const r of table(outputs, 1)) expect(r, String(r.algorithm)).toMatchObject({ conserves: 60, cut: 60, reachable: 60 });
    // On FIFO links the same transfer of 42, sent by c after it recorded, reaches b behind c's marker.
    const fifoRun = runBank({ seed: found?.seed as number, balances: { a: 100, b: 100, c: 100 }, transfers: 30, untilMs: 400, fifo: true, algorithm: 'chandy-lamport', snapshots: [{ atMs: 40, node: 'a', id: 's1' }] });
    const ev = fifoRun.trace.events;
    const isApp42 = (e: (typeof ev)[number]) => {
      if (e.kind !== 'send' && e.kind !== 'deliver') return false;
      const m = e.message as { type: string; seq?: number; message?: { amount: number } };
      return m.type === 'app' && m.seq === 0 && m.message?.amount === 42;
    };
    const sent42 = ev.find((e) => e.kind === 'send' && e.node === 'c' && e.to === 'b' && isApp42(e));
    const got42 = ev.find((e) => e.kind === 'deliver' && e.from === 'c' && e.node === 'b' && isApp42(e));
    const markerCB = ev.find((e) => e.kind === 'deliver' && e.from === 'c' && e.node === 'b' && (e.message as { type: string }).type === 'marker');
    expect(sent42?.t as number).toBeGreaterThan(fifoRun.snapshots[0]!.recordings.c!.recordedAtMs);
    expect(ev.indexOf(got42!)).toBeGreaterThan(ev.indexOf(markerCB!));
    says('Change `const fifo = false` to `true` and run the cell again: the whole cell now runs on links that keep order');
    says("On seed 1 the 42 no longer overtakes c's marker, so Chandy-Lamport records only the 41 in flight, as Lai-Yang does, and its total is 300; over the twenty seeds both algorithms pass every check");
  });
});

describe('Randell 1975 and Elnozahy et al. 2002, recovery lines and the domino effect: cell checkpoints', () => {
  const uncoordinated = runCheckpointing({ seed: 8, mode: 'uncoordinated' });
  const coordinated = runCheckpointing({ seed: 8, mode: 'coordinated' });
  const step = (r: typeof uncoordinated, round: number) => r.recovery.rounds[round]!.map((b) => `${b.node}→${b.to === 'initial' ? 'initial' : b.to.label}`).sort();

  it('uncoordinated, seed 8: c from c:2, then a:2 and b:2, then c:1, six rounds, everyone at the start, 61 events and 8 checkpoints', () => {
    expect(cellSource('checkpoints')).toContain('const seed = 8;');
    expect(uncoordinated.failAtMs).toBe(170);
    expect(uncoordinated.recovery.line).toMatchObject({ a: 'initial', b: 'initial', c: 'initial' });
    expect(uncoordinated.recovery.start.c).toBe(uncoordinated.checkpoints.find((c) => c.label === 'c:2')?.index);
    expect(step(uncoordinated, 0)).toEqual(['a→a:2', 'b→b:2']);
    expect(step(uncoordinated, 1)).toEqual(['c→c:1']);
    expect(uncoordinated.recovery.rounds[1]![0]!.orphan.send.startsWith('b')).toBe(true);
    expect(uncoordinated.recovery.rounds).toHaveLength(6);
    expect(uncoordinated.events).toHaveLength(61);
    expect(uncoordinated.lostEvents).toBe(61);
    expect(uncoordinated.checkpoints).toHaveLength(8);
    says('lets branch c fail at 170 ms');
    says('c restarts from its latest checkpoint, c:2, which orphans the transfers c had sent to a and to b after it, so a rolls back to a:2 and b to b:2; that orphans a transfer b had sent to c, so c goes back to c:1; and so on, for six rounds');
    says('all 61 events before the failure are undone, although eight checkpoints had been taken');
  });

  it('coordinated, seed 8: one round, a and b back to their parts of cp2, never further', () => {
    expect(coordinated.recovery.rounds).toHaveLength(1);
    expect(step(coordinated, 0)).toEqual(['a→cp2', 'b→cp2']);
    expect(coordinated.recovery.line).toMatchObject({ a: { label: 'cp2' }, b: { label: 'cp2' }, c: { label: 'cp2' } });
    expect(coordinated.recovery.domino).toBe(false);
    says('c restarts from its part of snapshot cp2, which orphans one transfer to a and one to b, and each rolls back to its own part of cp2');
  });

  it('over twenty seeds: 7 dominoes and 4 back to a start uncoordinated, the worst losing all; coordinated none, 34% at worst; means 30% and 21%', async () => {
    const outputs = await outputsOf(cellSource('checkpoints'));
    expect(plots(outputs)).toHaveLength(2);
    expect(plots(outputs)[0]?.caption).toContain('the domino effect');
    const rows = table(outputs, 0);
    const row = (mode: string) => rows.find((r) => r.mode === mode) as Record<string, unknown>;
    expect(row('uncoordinated')).toMatchObject({ domino: 7, 'to start': 4, 'work lost': '30% mean, 100% worst' });
    expect(row('coordinated')).toMatchObject({ domino: 0, 'to start': 0, 'work lost': '21% mean, 34% worst' });
    expect(plots(outputs)[0]?.caption).toContain('c fails at 170 ms (✕). Follow the red arrows, the orphans: each forced a rollback, in 6 rounds, the domino effect. The dashed recovery line restarts a at its start, b at its start, c at its start; grey events are undone (61 of 61)');
    expect(plots(outputs)[1]?.caption).toContain('in one round. The dashed recovery line restarts a at cp2, b at cp2, c at cp2');
    says('Over twenty seeds uncoordinated checkpoints set off the domino effect in 7 runs and sent some branch back to its start in 4, and the worst run lost all its work');
    says('lost at most 34%. On average the difference is smaller, 30% against 21%');
  });

  it('the invited edit seed 2: uncoordinated checkpoints lose a single event, fewer than the coordinated ones', () => {
    const u = runCheckpointing({ seed: 2, mode: 'uncoordinated' });
    const c = runCheckpointing({ seed: 2, mode: 'coordinated' });
    expect(u.lostEvents).toBe(1);
    expect(c.lostEvents).toBeGreaterThan(1);
    edit(cellSource('checkpoints'), 'const seed = 8;', 'const seed = 2;');
    says('Change `seed` to 2 for a run where the uncoordinated checkpoints happen to be well placed and lose a single event');
  });
});

describe('Carbone et al. 2015, asynchronous barrier snapshots with exactly-once recovery: cell pipeline', () => {
  const job = { seed: 1, records: 40, checkpointIntervalMs: 50 };
  const crash = { node: 'count-1', atMs: 120 };

  it('aligned: restored from checkpoint 1, 9 records read again, 40 results, exactly-once ok; unaligned: 41 and "the" counted to 16', async () => {
    expect(cellSource('pipeline')).toContain('const job = { seed: 1, records: 40, checkpointIntervalMs: 50 };');
    expect(cellSource('pipeline')).toContain("const crash = { node: 'count-1', atMs: 120 };");
    const outputs = await outputsOf(cellSource('pipeline'));
    expect(plots(outputs)).toHaveLength(1);
    expect(plots(outputs)[0]?.caption).toContain('count-1 crashes at 120 ms (red) and restarts; every task is restored from checkpoint 1 (purple) and checkpoint 2 aborted');
    const rows = table(outputs, 0);
    expect(rows[0]).toMatchObject({ variant: 'aligned barriers', 'read again': 9, results: 40, 'exactly-once': 'ok' });
    expect(rows[1]).toMatchObject({ variant: 'no alignment', 'read again': 9, results: 41, 'exactly-once': 'violation' });
    expect(ofKind(outputs, 'table')[0]?.caption).toContain('both restore from checkpoint 1.');
    expect(printed(outputs)).toContain('no alignment: the=16 was written, but the crash-free run never counts "the" that far');
    expect(ofKind(outputs, 'table')[0]?.caption).toContain('The crash-free run writes 40 results');
    says('The sources read again the 9 records they had read since');
    says('The output is the crash-free run\'s, 40 results');
    says('Without alignment the same crash ends with 41 results');
    says('the checker finds "the" counted to 16, where the crash-free run stops at 15');
  });

  it('one checkpoint at a time: 1 triggered at 50 ms and complete at about 110, so the trigger at 100 is skipped; 2 triggered at 150 while count-1 is down, aborted by the restore at about 172', () => {
    const aligned = runPipeline({ ...job, crash });
    const [first, second] = aligned.checkpoints;
    expect([first?.checkpointId, first?.triggeredAtMs, Math.round(first?.completedAtMs as number)]).toEqual([1, 50, 110]);
    // The coordinator's timer falls every interval; the one between the two triggers found checkpoint 1 in progress.
    expect((first?.completedAtMs as number) > 2 * job.checkpointIntervalMs).toBe(true);
    expect([second?.checkpointId, second?.triggeredAtMs, second?.completedAtMs]).toEqual([2, 150, undefined]);
    const restartMs = crash.atMs + 40;
    expect(second!.triggeredAtMs > crash.atMs && second!.triggeredAtMs < restartMs).toBe(true);
    const recovery = aligned.recoveries[0]!;
    expect(recovery.fromCheckpoint).toBe(1);
    expect(Math.round(recovery.orderedAtMs)).toBe(172);
    expect(recovery.orderedAtMs).toBeGreaterThan(restartMs);
    says('A coordinator triggers a checkpoint every 50 ms, one at a time: a trigger that falls while the previous checkpoint is still in progress is skipped');
    says('Checkpoint 1 is triggered at 50 ms and completes at about 110 ms, so the trigger due at 100 ms is skipped');
    says('count-1 crashes at 120 ms, and checkpoint 2 is triggered at 150 ms while it is down, so it cannot complete');
    says('count-1 restarts at 160 ms and announces itself, and at about 172 ms the coordinator aborts checkpoint 2 and restores every task from checkpoint 1');
    says('Task count-1 crashes at 120 ms and restarts 40 ms later');
  });

  it('the story in the runs: count-1 saved "the" at 11 unaligned and 10 aligned with the same offsets', () => {
    const aligned = runPipeline({ ...job, crash });
    const unaligned = runPipeline({ ...job, crash, align: false });
    const reference = runPipeline(job);
    const saved = (r: typeof aligned) => r.checkpoints.find((c) => c.checkpointId === 1)!.tasks;
    const theCount = (r: typeof aligned) => (saved(r)['count-1']!.state as { counts: Record<string, number> }).counts.the;
    expect(theCount(aligned)).toBe(10);
    expect(theCount(unaligned)).toBe(11);
    for (const source of ['source-0', 'source-1']) expect(saved(unaligned)[source]!.state).toEqual(saved(aligned)[source]!.state);
    expect((reference.finalStates['count-1'] as { counts: Record<string, number> }).counts.the).toBe(15);
    const unalignedReference = runPipeline({ ...job, align: false });
    expect(unalignedReference.output).toHaveLength(40);
    says('it had already counted an eleventh "the"');
    says('the saved count would have been 10');
    says('Run without a crash, the unaligned job writes the right 40 results');
  });

  it('the invited edit atMs: 220: restored from checkpoint 2, nothing read again, both variants right', async () => {
    const outputs = await outputsOf(edit(cellSource('pipeline'), 'atMs: 120', 'atMs: 220'));
    expect(ofKind(outputs, 'table')[0]?.caption).toContain('both restore from checkpoint 2.');
    expect(plots(outputs)[0]?.caption).not.toContain('aborted');
    for (const r of table(outputs, 0)) expect(r).toMatchObject({ 'read again': 0, results: 40, 'exactly-once': 'ok' });
    says('Change `atMs: 120` to `atMs: 220` and run the cell');
    says('no record is read again, and both variants write the right 40 results');
  });
});

describe('the text against its sources and the book', () => {
  it('states the theorem and the marker rules with their sections', () => {
    says('([Chandy and Lamport 1985](#ref-chandy1985), §4, Theorem 1)');
    says('([Chandy and Lamport 1985](#ref-chandy1985), §3.2)');
    says('([Chandy and Lamport 1985](#ref-chandy1985), §3.1)');
    expect(paragraphWith('Why the recorded cut is consistent.')).toContain('FIFO channel');
    expect(paragraphWith('The proof is an argument a student can carry out')).toContain('pre-recording');
    // The invariant paragraph after the proof names both uses of FIFO and points at the section that shows them.
    expect(paragraphWith('The invariant behind the algorithm is worth naming')).toContain('[Why FIFO matters](#why-fifo-matters)');
    expect(prose).toContain('### Why FIFO matters');
  });

  it('Chandy and Lamport 1985 §5: the example of a property a snapshot cannot decide is not stable, and the "ever" form is', () => {
    says('Take the property "branches a and b hold more than 250 between them". It is not stable');
    says('Whether they have *ever* held more than 250 is another property, and a stable one');
    expect(chapter).not.toContain('did branches a and b ever hold');
  });

  it('every reference is cited and every citation resolves', () => {
    expectReferencesCited(chapter);
  });

  it('states its system model and links there, and links into earlier chapters name sections that exist', () => {
    const links = expectChapterLinksResolve(chapter);
    expect(links).toContainEqual({ path: 'start/how-to-read', anchor: 'system-models' });
    expect(links).toContainEqual({ path: 'time/clocks', anchor: 'happens-before' });
    expect(prose).toContain('## What this chapter assumes');
    // The glossary terms this chapter teaches point at its own headings.
    const own = chapterAnchors('global-state/snapshots');
    for (const entry of glossary.filter((g) => g.taught.chapter === 'global-state/snapshots')) expect(own.has(entry.taught.section), entry.id).toBe(true);
  });
});
