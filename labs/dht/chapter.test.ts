// Method: every number the partitioning chapter quotes from a run is checked here against that run. Each test reads
// the cell's source from the chapter itself, runs it with the same runtime the build uses, and checks the tables it
// shows against the sentence that quotes them; an edit the prose invites ("try X and you will see Y") is applied to
// the source as text and its promised outcome checked too. Claims about a lab function the prose states outside any
// cell (Maglev's disruption, jump and rendezvous balance) are checked by calling the lab directly. A change to a lab
// or a cell that moves a quoted number fails here.
import { describe, expect, it } from 'vitest';
import { edit, readChapter, run, table } from '../runtime/chapter-cells';
import { HashRing, MAGLEV_DEFAULT_SIZE, jumpHashString, maglevTable, rendezvous, runChord, runChordStore } from './index';

const { source: chapter, prose, cellSource } = readChapter('scale/partitioning.mdx');

const num = (row: Record<string, unknown> | undefined, column: string) => row?.[column] as number;

describe('why mod n is not enough: cell moved', () => {
  it('modulo moves nine keys in ten; the four other schemes each move close to the minimum 1/11', async () => {
    expect(prose).toContain('Modulo moves nine keys in ten; the four other schemes each move close to the minimum');
    const rows = table(await run(cellSource('moved')));
    const moved = Object.fromEntries(rows.map((r) => [r.scheme, r.moved as number]));
    expect(moved.modulo).toBeCloseTo(10 / 11, 1);
    for (const scheme of ['ring, 100 vnodes', 'rendezvous', 'jump', 'maglev']) expect(Math.abs((moved[scheme] as number) - 1 / 11), scheme).toBeLessThan(0.025);
    // "Some bars even fall a little below 1/11": the ring, rendezvous and jump here.
    expect(moved['ring, 100 vnodes'] as number).toBeLessThan(1 / 11);
    expect(moved.rendezvous as number).toBeLessThan(1 / 11);
    // "a standard deviation of about 0.004, and jump's bar, a little over two of those below the line": the
    // binomial standard deviation for the cell's own key count, and jump's distance from 1/11 in those units.
    expect(cellSource('moved')).toContain('length: 5_000');
    expect(prose).toContain('luck of drawing 5,000 keys');
    const sd = Math.sqrt(((1 / 11) * (10 / 11)) / 5000);
    expect(sd).toBeCloseTo(0.004, 3);
    expect(prose).toContain('a standard deviation of about 0.004, and jump\'s bar, a little over two of those below the line');
    const jumpBelow = (1 / 11 - (moved.jump as number)) / sd;
    expect(jumpBelow).toBeGreaterThan(2);
    expect(jumpBelow).toBeLessThan(2.6);
  });
});

describe('consistent hashing: cell vnodes', () => {
  it('a few hundred vnodes bring the busiest machine within about 10 to 15% of the mean, near the model 1 + √(2 ln n / v)', async () => {
    expect(prose).toContain('For $n = 10$ that predicts 1.13 at 256 vnodes, close to the cell\'s median');
    expect(1 + Math.sqrt((2 * Math.log(10)) / 256)).toBeCloseTo(1.13, 2);
    const rows = table(await run(cellSource('vnodes')));
    const at256 = rows.find((r) => r.vnodes === 256);
    expect(num(at256, 'median')).toBeGreaterThan(1.05);
    expect(num(at256, 'median')).toBeLessThan(1.15);
    expect(num(at256, 'max')).toBeLessThan(1.16);
    expect(Math.abs(num(at256, 'median') - 1.13)).toBeLessThan(0.06);
    // The curve flattens: each step of the median is no larger than the one before, by and large.
    expect(num(rows[0], 'median')).toBeGreaterThan(2.5);
  });
});

describe('rendezvous, jump and Maglev hashing (the prose outside the cells)', () => {
  it('jump and rendezvous balance alike: each bucket\'s share of 100,000 keys is within binomial noise of 1/n for both', () => {
    const n = 10;
    const keys = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);
    const names = Array.from({ length: n }, (_, i) => `node-${i}`);
    const sigma = Math.sqrt(keys.length * (1 / n) * (1 - 1 / n));
    for (const place of [(k: string) => rendezvous(k, names), (k: string) => names[jumpHashString(k, n)] as string]) {
      const counts = new Map<string, number>();
      for (const k of keys) counts.set(place(k), (counts.get(place(k)) ?? 0) + 1);
      expect(counts.size).toBe(n);
      for (const c of counts.values()) expect(Math.abs(c - keys.length / n)).toBeLessThan(4 * sigma);
    }
    expect(prose).toContain('Every bucket gets an equal expected share of the keys, exactly as with rendezvous hashing');
  });

  it('Maglev: a table of 65,537 slots; fewer than half a percent of the other slots change owner when one of ten backends leaves', () => {
    expect(prose).toContain('(65,537 in the lab)');
    expect(MAGLEV_DEFAULT_SIZE).toBe(65_537);
    const names = Array.from({ length: 10 }, (_, i) => `node-${i}`);
    const before = maglevTable(names);
    const after = maglevTable(names.filter((n) => n !== 'node-3'));
    let others = 0;
    let changed = 0;
    before.forEach((owner, slot) => {
      if (owner === 'node-3') return;
      others++;
      if (after[slot] !== owner) changed++;
    });
    expect(prose).toContain('in the lab, fewer than half a percent when one of ten backends leaves');
    expect(changed / others).toBeLessThan(0.005);
    expect(changed).toBeGreaterThan(0);
  });
});

describe('Chord §6 path length: cell chord-hops', () => {
  it('the hops up to the predecessor stay a fraction of a hop below ½ log₂ N, and the whole lookup is one more', async () => {
    const rows = table(await run(cellSource('chord-hops')));
    expect(rows.map((r) => r.nodes)).toEqual([16, 64, 256, 1024, 4096]);
    for (const row of rows) {
      const half = num(row, '½ log₂ N');
      expect(num(row, 'hops to the predecessor'), `N = ${row.nodes}`).toBeLessThan(half);
      expect(num(row, 'hops to the predecessor'), `N = ${row.nodes}`).toBeGreaterThan(half - 0.6);
      expect(num(row, 'mean hops')).toBeCloseTo(num(row, 'hops to the predecessor') + 1, 1);
      // "between half a hop and a hop above it"
      expect(num(row, 'mean hops') - half).toBeGreaterThan(0.4);
      expect(num(row, 'mean hops') - half).toBeLessThan(1);
    }
    expect(prose).toContain('between half a hop and a hop above it');
  });
});

describe('Chord under churn: cell chord-churn', () => {
  it('four successors answer every lookup up to 4 events per second and most at 8; one successor falls steadily', async () => {
    const rows = table(await run(cellSource('chord-churn')));
    const answered = (list: string, churn: number) => num(rows.find((r) => r.list === list && r.churn === churn), 'answered');
    for (const churn of [0, 1, 2, 4]) expect(answered('r = 4', churn)).toBe(100);
    expect(answered('r = 4', 8)).toBeGreaterThan(50);
    expect(answered('r = 4', 8)).toBeLessThan(100);
    const one = [0, 1, 2, 4, 8].map((churn) => answered('r = 1', churn));
    for (let i = 1; i < one.length; i++) expect(one[i]).toBeLessThan(one[i - 1] as number);
    expect(prose).toContain('Four successors absorb the same churn almost entirely at moderate rates');
  });
});

describe('replication on the successor list: cell chord-store', () => {
  it('one copy loses about the fraction crashed; three copies lose a fraction of a percent at f = 0.25; survivors get R copies again', async () => {
    const rows = table(await run(cellSource('chord-store')));
    const lost = (R: number, f: number) => num(rows.find((r) => r.R === `R = ${R}` && r['nodes failed'] === f), 'keys lost');
    expect(Math.abs(lost(1, 0.25) - 0.25)).toBeLessThan(0.05);
    expect(lost(3, 0.25)).toBeLessThan(0.01);
    for (const row of rows) {
      const [whole, items] = String(row['survivors with R copies again']).split(' of ').map(Number);
      expect(whole, `${row.R}, f = ${row['nodes failed']}`).toBe(items);
    }
    expect(prose).toContain('with one copy, losing a quarter of the nodes loses about a quarter of the keys; with three, a fraction of a percent');
  });
});

describe('Kademlia §2.2 k-buckets: cell kademlia-table', () => {
  it('the farthest bucket spans some 460 nodes and keeps 8; around bucket 24 the buckets keep every node there is', async () => {
    const rows = table(await run(cellSource('kademlia-table')));
    const bucket = (i: number) => rows.find((r) => r.bucket === i);
    expect(Math.abs(num(bucket(31), 'nodes there') - 460)).toBeLessThan(25);
    expect(num(bucket(31), 'contacts kept')).toBe(8);
    const firstKeepAll = Math.max(...rows.filter((r) => num(r, 'nodes there') < 8).map((r) => r.bucket as number));
    expect(Math.abs(firstKeepAll - 24)).toBeLessThanOrEqual(1);
    for (const row of rows) expect(num(row, 'contacts kept')).toBe(Math.min(8, num(row, 'nodes there')));
    expect(prose).toContain('some 460 nodes, of which it keeps 8');
  });
});

describe('Kademlia §2.3 lookups: cell kademlia', () => {
  it('α = 3 takes fewer rounds and more messages than α = 1 at every size (the caption)', async () => {
    const rows = table(await run(cellSource('kademlia')));
    for (const nodes of [100, 300, 1000, 3000]) {
      const one = rows.find((r) => r['α'] === 'α = 1' && r.nodes === nodes);
      const three = rows.find((r) => r['α'] === 'α = 3' && r.nodes === nodes);
      expect(num(three, 'rounds')).toBeLessThan(num(one, 'rounds'));
      expect(num(three, 'messages')).toBeGreaterThan(num(one, 'messages'));
    }
  });

  it('with a fifth of the nodes crashed, every lookup ends, about three in four find the k closest, at about one extra round', async () => {
    const source = cellSource('kademlia');
    const healthy = table(await run(source));
    const failing = table(await run(edit(source, 'prepopulated: true, record: false', 'prepopulated: true, record: false, failures: 0.2')));
    let found = 0;
    let total = 0;
    failing.forEach((row, i) => {
      const [ok, of] = String(row['found the true k closest']).split(' of ').map(Number);
      found += ok as number;
      total += of as number;
      expect(of).toBe(60);
      const extra = num(row, 'rounds') - num(healthy[i], 'rounds');
      expect(extra).toBeGreaterThan(0.3);
      expect(extra).toBeLessThan(1.8);
    });
    expect(found / total).toBeGreaterThan(0.6);
    expect(found / total).toBeLessThan(0.9);
    // "The gap between α = 1 and α = 3 widens": summed over the four sizes, α = 1 loses more rounds to the dead.
    const gap = (rows: Record<string, unknown>[]) => rows.slice(0, 4).reduce((sum, row, i) => sum + num(row, 'rounds') - num(rows[i + 4], 'rounds'), 0);
    expect(gap(failing)).toBeGreaterThan(gap(healthy));
    expect(prose).toContain('The gap between $\\alpha = 1$ and $\\alpha = 3$ widens');
    expect(prose).toContain('about three in four still find exactly the $k$ closest live nodes');
  });
});

describe('hot keys: cell hot-keys', () => {
  it('all policies near 1.1 at s = 0; the owner of the hottest key nearly three times the mean at s = 1.25', async () => {
    const rows = table(await run(cellSource('hot-keys')));
    const at = (s: number, policy: string) => num(rows.find((r) => r.s === s && String(r.policy).startsWith(policy)), 'imbalance');
    for (const policy of ['owner only', 'reads over', '10 hottest']) expect(Math.abs(at(0, policy) - 1.1)).toBeLessThan(0.06);
    expect(at(1.25, 'owner only')).toBeGreaterThan(2.5);
    expect(at(1.25, 'owner only')).toBeLessThan(3);
    expect(prose).toContain('its owner is nearly three times as busy as the average');
  });

  it('the hottest key\'s share is over a fifth at s = 1.25 and over a third at s = 1.5; four of its eight pieces share a machine', () => {
    const share = (s: number) => 1 / Array.from({ length: 10_000 }, (_, i) => 1 / (i + 1) ** s).reduce((a, b) => a + b, 0);
    expect(share(1.25)).toBeGreaterThan(1 / 5);
    expect(share(1.5)).toBeGreaterThan(1 / 3);
    const nodes = Array.from({ length: 10 }, (_, i) => `node-${i}`);
    const ring = new HashRing(nodes, { vnodes: 200 });
    const pieces = new Map<string, number>();
    for (let j = 0; j < 8; j++) {
      const owner = ring.lookup(`key-0#${j}`);
      pieces.set(owner, (pieces.get(owner) ?? 0) + 1);
    }
    expect(Math.max(...pieces.values())).toBe(4);
    expect(prose).toContain('four of the hottest key\'s eight pieces land on the same machine');
  });
});

describe('the edits the prose invites', () => {
  it('moved: when a node leaves, the ring and rendezvous move its keys and only those', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
    const before = Array.from({ length: 10 }, (_, i) => `node-${i}`);
    const after = before.filter((n) => n !== 'node-3');
    const ringBefore = new HashRing(before, { vnodes: 100 });
    const ringAfter = new HashRing(after, { vnodes: 100 });
    const schemes: [string, (k: string) => string, (k: string) => string][] = [
      ['ring', (k) => ringBefore.lookup(k), (k) => ringAfter.lookup(k)],
      ['rendezvous', (k) => rendezvous(k, before), (k) => rendezvous(k, after)],
    ];
    for (const [scheme, placeBefore, placeAfter] of schemes) {
      const moved = keys.filter((k) => placeBefore(k) !== placeAfter(k));
      expect(moved.length, scheme).toBeGreaterThan(0);
      for (const k of moved) expect(placeBefore(k), scheme).toBe('node-3');
      expect(moved.length, scheme).toBe(keys.filter((k) => placeBefore(k) === 'node-3').length);
    }
    expect(prose).toContain('it is the leaving node\'s keys, and only those, that move in the ring and rendezvous schemes');
  });

  it('chord-churn: "stabilisation runs only every 250 ms", as the cell runs it (the lab\'s default)', () => {
    // The cell passes no node options, so the period is the default: consecutive stabilize timers of one node.
    const { trace, names } = runChord({ seed: 7, nodes: 8, lookups: 4, lookupIntervalMs: 25, stable: true, untilMs: 2000, record: true });
    // Each stabilisation round starts by asking the successor for its predecessor.
    const fired = trace.events
      .filter((e) => e.kind === 'send' && e.node === names[0] && (e.message as { type: string }).type === 'getPredecessor')
      .map((e) => e.t);
    expect(fired.length).toBeGreaterThan(3);
    for (let i = 1; i < fired.length; i++) expect((fired[i] as number) - (fired[i - 1] as number)).toBe(250);
    expect(cellSource('chord-churn')).not.toContain('stabilizeMs');
    expect(prose).toContain('because stabilisation runs only every 250 ms');
  });

  it('chord-churn: at 16 events per second even a list of 8 falls behind', async () => {
    const source = edit(edit(cellSource('chord-churn'), 'for (const r of [1, 4])', 'for (const r of [8])'), '[0, 1, 2, 4, 8]', '[8, 16]');
    const rows = table(await run(source));
    const at16 = num(rows.find((r) => r.churn === 16), 'answered');
    expect(at16).toBeLessThan(100);
    expect(prose).toContain('raise the rate to 16 per second, where even long lists start to fall behind');
  });

  it('chord-store: steady churn of 4 per second for five seconds brings 16 to 27 crashes, a fifth to three tenths of the original nodes, and three copies lose nothing', async () => {
    const source = edit(cellSource('chord-store'), 'crash: { atMs: 2000, fraction }', 'churn: { ratePerSec: 4 }');
    const rows = table(await run(source));
    for (const row of rows.filter((r) => r.R === 'R = 3')) expect(num(row, 'keys lost')).toBe(0);
    for (const seed of [1, 2, 3]) {
      const run = runChordStore({ seed, nodes: 64, items: 200, replicas: 3, successorListLength: 8, churn: { ratePerSec: 4 }, record: false });
      const original = new Set(run.names.slice(0, 64));
      const crashes = run.membership.filter((m) => m.kind === 'crash');
      expect(crashes.length, `seed ${seed}`).toBeGreaterThanOrEqual(16);
      expect(crashes.length, `seed ${seed}`).toBeLessThanOrEqual(27);
      const crashedOriginals = crashes.filter((m) => original.has(m.node)).length;
      expect(crashedOriginals / 64, `seed ${seed}`).toBeGreaterThanOrEqual(0.2);
      expect(crashedOriginals / 64, `seed ${seed}`).toBeLessThanOrEqual(0.3);
    }
    expect(prose).toContain('Over five seconds the three seeds see 16 to 27 crashes');
    expect(prose).toContain('between a fifth and three tenths of the original 64 nodes are among the crashed');
  });
});

/** The paragraph (text between blank lines, folded to one line) that contains `phrase`; it must be exactly one. */
function paragraphWith(phrase: string): string {
  const found = chapter.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ')).filter((p) => p.includes(phrase));
  expect(found.length, `one paragraph should contain "${phrase}"`).toBe(1);
  return found[0] as string;
}

describe('What the chapter states, held to its sources', () => {
  it('stabilisation is §5.1 of the SIGCOMM paper (its §4.4 is the older join that updates fingers directly), with Theorem 5', () => {
    expect(chapter).not.toContain('(#ref-stoica2001), §4.4');
    expect(paragraphWith('a protocol every node runs periodically')).toContain('(#ref-stoica2001), §5.1)');
    const theorem = paragraphWith("The paper's theorem starts from a correct ring");
    expect(theorem).toContain('every successor pointer is correct ([Stoica et al. 2001](#ref-stoica2001), §5.1, Theorem 5');
    expect(theorem).toContain('no failures');
  });

  it('successor lists: Theorems 7 and 8 of §5.2, a closest live successor with high probability in expected O(log N) hops', () => {
    const failures = paragraphWith('**Failures** are harder');
    expect(failures).toContain('(#ref-stoica2001), §5.2, Theorems 7 and 8');
    expect(failures).toContain('in an expected $O(\\log N)$ hops');
  });

  it('the Chord paper itself names the states stabilisation cannot mend; Liben-Nowell et al. named the loopy one', () => {
    const loopy = paragraphWith('(#ref-libennowell2002)');
    expect(loopy).toContain('the Chord paper itself says so');
    expect(loopy).toContain('joins alone cannot produce either (§5.1)');
  });

  it('the summary does not promise repair from every state that goes round the ring once', () => {
    expect(prose).not.toContain('from any state that goes round the ring once');
    expect(prose).toContain('repaired by stabilisation after joins, though not from every state that failures can leave behind');
  });

  it("Dynamo's preference list is longer than N (DeCandia et al. 2007 §4.3); the lab computes its first n machines", () => {
    const dynamo = paragraphWith('(#ref-decandia2007)). Cassandra and Riak followed');
    expect(dynamo).toContain('runs on past $N$ machines');
    const ring = new HashRing(['a', 'b', 'c', 'd', 'e'], { vnodes: 8 });
    expect(new Set(ring.preferenceList('k', 3)).size).toBe(3);
    expect(ring.preferenceList('k', 3)[0]).toBe(ring.lookup('k'));
  });

  it('Cassandra 4.0: the lower token count is stated as a fact, the allocation algorithm as the answer to its imbalance', () => {
    const cassandra = paragraphWith('zero-hop DHT');
    expect(cassandra).toContain('lowered the default to 16');
    expect(cassandra).not.toMatch(/moved to 16 tokens placed by an allocation algorithm rather than at random, because/);
  });
});
