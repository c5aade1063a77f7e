// Method: the figure is a plain spec, so its marks are read back as data: the markers of the chosen snapshot only,
// one recording point per node at the time it recorded, the cut through them, the transfers the snapshot recorded
// as channel state singled out, and at most one label per lane (so none can collide). Then it is rendered by the
// book's own renderer in a server-side DOM, as the build does, to see the legend and the caption.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../../src/views/render';
import { findFifoFailure, runBank } from './bank';
import { parseScenario, scenarioRun } from './scenario';
import { channelStateFailures, SNAPSHOT_ROLES, snapshotFigure, snapshotTable } from './snapshot-figure';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Row = Record<string, unknown>;
const rows = (data: unknown[] | undefined): Row[] => (data ?? []) as Row[];

function render(spec: ReturnType<typeof snapshotFigure>) {
  const document = new JSDOM('<!doctype html><body></body>').window.document;
  const container = document.createElement('div');
  container.append(renderOutputs([{ kind: 'plot', ...spec }], { document, idPrefix: 's' }));
  return container.querySelector('figure')!;
}

const scenario = (name: string) => scenarioRun(parseScenario(readFileSync(fileURLToPath(new URL(`./testdata/${name}.txt`, import.meta.url)), 'utf8')));

describe('snapshotFigure: Chandy-Lamport on the bank (1985 §3.2), markers and the recorded cut', () => {
  it('the triangle with money in flight: markers, recording points, the cut and the recorded transfer', () => {
    const run = scenario('triangle-in-flight');
    const spec = snapshotFigure(run, 's1');
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const [, cut, arrows, failures, points, labels] = spec.marks;
    const snapshot = run.snapshots[0]!;
    expect(rows(points!.data).map((p) => [p.node, p.x])).toEqual(['a', 'b', 'c'].map((n) => [n, snapshot.recordings[n]!.recordedAtMs]));
    // The cut is drawn before (under) the arrows, through the recording points, wide enough to see.
    expect(cut!.mark).toBe('line');
    expect(cut!.options!.x).toEqual(rows(points!.data).map((p) => p.x));
    expect(cut!.options!.y).toEqual(['a', 'b', 'c']);
    expect(cut!.options!.strokeWidth).toBeGreaterThanOrEqual(4);
    expect(rows(failures!.data)).toEqual([]);
    // The labels sit on a halo of the page's background, so an arrow behind them does not cross them out.
    expect(labels!.options).toMatchObject({ stroke: 'var(--sl-color-bg, white)', paintOrder: 'stroke' });
    const byRole = (role: string) => rows(arrows!.data).filter((a) => a.role === role);
    expect(byRole(SNAPSHOT_ROLES.marker)).toHaveLength(6); // one per channel of the triangle
    expect(byRole(SNAPSHOT_ROLES.recorded).map((a) => [a.from, a.to]).sort()).toEqual([['a', 'b'], ['b', 'c']]);
    expect(byRole(SNAPSHOT_ROLES.backwards)).toEqual([]);
    // One label per lane: nothing to collide with.
    const perLane = new Map<unknown, number>();
    for (const l of rows(labels!.data)) perLane.set(l.node, (perLane.get(l.node) ?? 0) + 1);
    expect([...perLane.values()].every((n) => n === 1)).toBe(true);
    expect(spec.caption).toMatch(/recorded 300 = 235 in balances \+ 65 in channels \(orange\): the total, conserved/);
    const legend = (spec.options!.color as { domain: string[] }).domain;
    expect(legend).toEqual([SNAPSHOT_ROLES.recorded, SNAPSHOT_ROLES.marker, SNAPSHOT_ROLES.point, SNAPSHOT_ROLES.cut]);
  });

  it("draws only the chosen snapshot's markers unless asked, and folds what was sent after it completed", () => {
    const run = scenario('concurrent-initiators');
    const left = snapshotFigure(run, 'left');
    const roles = rows(left.marks[2]!.data).map((a) => a.role);
    expect(roles).not.toContain(SNAPSHOT_ROLES.otherMarker);
    const both = snapshotFigure(run, 'left', { showOtherMarkers: true });
    expect(rows(both.marks[2]!.data).filter((a) => a.role === SNAPSHOT_ROLES.otherMarker)).toHaveLength(6);
    expect(() => snapshotFigure(run, 'nope')).toThrow(/no snapshot "nope" \(it has: left, right\)/);
  });

  it('without FIFO: the caption says how much money the snapshot created or destroyed', () => {
    const { run } = findFifoFailure({ seeds: 50 })!;
    const spec = snapshotFigure(run, 's1');
    expect(spec.caption).toMatch(/but the total is 300: the snapshot (creates|destroys) \d+/);
    expect(spec.caption).toContain('reordering links');
  });

  it('without FIFO: every transfer the snapshot counted twice or lost has its own colour, and they account for the error', () => {
    // Each failing transfer is drawn apart, and their amounts add up to the money created or destroyed: a transfer
    // counted twice creates its amount, one lost destroys it (a transfer crossing backwards is counted by the
    // receiver only, having left the sender's balance after it recorded: it creates its amount too).
    for (let firstSeed = 1, found = 0; found < 5 && firstSeed < 200; found++) {
      const hit = findFifoFailure({ firstSeed, seeds: 200 - firstSeed })!;
      firstSeed = hit.seed + 1;
      const spec = snapshotFigure(hit.run, 's1', { untilMs: 1e9 });
      const failing = rows(spec.marks[3]!.data);
      expect(failing.length, `seed ${hit.seed}`).toBeGreaterThan(0);
      expect(rows(spec.marks[2]!.data).some((a) => [SNAPSHOT_ROLES.countedTwice, SNAPSHOT_ROLES.lost, SNAPSHOT_ROLES.backwards].includes(a.role as never))).toBe(false);
      const amount = (a: Row) => Number(/transfer of (\d+)/.exec(String(a.message))![1]);
      const error = failing.reduce((sum, a) => sum + (a.role === SNAPSHOT_ROLES.lost ? -amount(a) : amount(a)), 0);
      const snapshot = hit.run.snapshots[0]!;
      const recorded = snapshotTable(snapshot).at(-1)!.value;
      expect(error, `seed ${hit.seed}`).toBe(recorded - hit.run.total);
      const legend = (spec.options!.color as { domain: string[] }).domain;
      for (const a of failing) expect(legend).toContain(a.role);
      expect(spec.caption).toMatch(/counted twice \(gold\)|lost \(teal\)|crossing the cut backwards \(red\)/);
    }
  });

  it('counted twice and lost, from the recordings alone, on a snapshot built by hand (the naive reading of §3.2)', () => {
    const recording = (node: string, sentBefore: Record<string, number>, receivedBefore: Record<string, number[]>) =>
      ({ snapshotId: 's', node, algorithm: 'chandy-lamport', initiator: node === 'a', state: { balance: 0 }, vc: {}, sentBefore, receivedBefore, channels: {}, recordedAtMs: 0, completedAtMs: 0 }) as const;
    const transferOf = (seq: number) => ({ seq, message: { type: 'transfer' as const, amount: 1 } });
    const snapshot = {
      snapshotId: 's', algorithm: 'chandy-lamport' as const, initiators: ['a'], states: { a: { balance: 0 }, b: { balance: 0 } },
      // a sent #0, #1 and #2 to b before recording; b had received #0 before it recorded; b recorded #2 and #3 in flight.
      channels: [{ from: 'a', to: 'b', messages: [transferOf(2), transferOf(3)] }, { from: 'b', to: 'a', messages: [] }],
      frontier: {}, complete: true, missing: [], startedAtMs: 0,
      recordings: { a: recording('a', { b: 3 }, { b: [] }), b: recording('b', { a: 0 }, { a: [0] }) },
    };
    const { countedTwice, lost } = channelStateFailures(snapshot as unknown as Parameters<typeof channelStateFailures>[0]);
    expect([...countedTwice]).toEqual(['a>b#3']); // sent after a recorded, yet recorded in flight
    expect([...lost]).toEqual(['a>b#1']); // sent before a recorded, received after b recorded, in no channel state
  });

  it("renders with the book's renderer: an svg, a legend naming markers and recording points, the caption", () => {
    const run = runBank({ seed: 4, balances: { a: 100, b: 100, c: 100, d: 100 }, algorithm: 'lai-yang', transfers: 20, snapshots: [{ atMs: 30, node: 'b', id: 's' }], untilMs: 300 });
    const figure = render(snapshotFigure(run, 's'));
    expect(figure.querySelector('svg')).not.toBeNull();
    expect(figure.textContent).toContain(SNAPSHOT_ROLES.marker);
    expect(figure.textContent).toContain(SNAPSHOT_ROLES.point);
    expect(figure.querySelector('figcaption')!.textContent).toContain('Snapshot s (Lai-Yang on reordering links, started by b at 30 ms)');
    // The data table lists the messages, not the cut's points.
    expect(figure.querySelector('details.hb-data th')!.textContent).toBe('message');
    // The cut is a drawn path under the arrows (its group comes before theirs).
    const groups = Array.from(figure.querySelectorAll('svg > g[aria-label]')).map((g) => g.getAttribute('aria-label'));
    expect(groups.indexOf('line')).toBeGreaterThan(-1);
    expect(groups.indexOf('line')).toBeLessThan(groups.indexOf('arrow'));
  });
});

describe('snapshotTable', () => {
  it('lists each node, each channel and the total the snapshot recorded', () => {
    const run = scenario('two-nodes');
    expect(snapshotTable(run.snapshots[0]!)).toEqual([
      { part: 'node a', recorded: 'balance 70', value: 70 },
      { part: 'node b', recorded: 'balance 60', value: 60 },
      { part: 'channel a → b', recorded: 'empty', value: 0 },
      { part: 'channel b → a', recorded: '#0: 20', value: 20 },
      { part: 'total', recorded: 'balances + channels', value: 150 },
    ]);
  });
});
