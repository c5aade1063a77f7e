// Method: every claim the consensus chapter makes about a run is checked here against that run. Each test reads
// the cell's source from the chapter itself, runs it with the same runtime the build uses, and checks the tables
// and traces it shows; an edit the prose invites ("replace X with Y and you will see Z") is applied to the source
// as text and its promised outcome checked too. A change to the lab or the cell that moves a quoted number fails here.
import { describe, expect, it } from 'vitest';
import { chapterAnchors, diagram, edit, expectReferencesCited, readChapter, run, table } from '../runtime/chapter-cells';
import type { SpaceTimeOutput } from '../display/outputs';
import type { Trace } from '../sim/trace';
import { acceptorRule, runPaxos } from './paxos';
import type { AcceptorRule } from './paxos';
import { adoptionRun, appliedByNode, chosenValues, defaultRaftOptions, roleChanges, runLockDemo } from './index';
import { defaultNetwork } from '../sim/network';
import type { RaftState } from './raft';

const { source: chapter, text, says, cellSource } = readChapter('agreement/consensus.mdx');

/** Every verdict string in a table's `column` starts with `ok:`. */
const allOk = (rows: Record<string, unknown>[], column: string) => rows.every((r) => String(r[column]).startsWith('ok:'));

describe('FLP and the duel (Paxos Made Simple §2.4): cell paxos-duel', () => {
  it('two proposers without backoff choose nothing in 120 ms; a distinguished proposer chooses; agreement holds in both', async () => {
    const rows = table(await run(cellSource('paxos-duel')));
    expect(rows[0].chosen).toBe('nothing');
    expect(String(rows[0].termination)).toMatch(/^violation \(liveness\)/);
    expect(rows[1].chosen).not.toBe('nothing');
    expect(allOk(rows, 'agreement')).toBe(true);
    says('nothing is chosen in 120 ms');
  });

  it("the diagram's caption: each accept is refused by at least two of the three acceptors, so no ballot gathers a majority", async () => {
    const duel = diagram(await run(cellSource('paxos-duel')));
    const acceptedBy = new Map<string, Set<string>>();
    for (const e of duel.events) {
      if (e.kind !== 'log' || e.text !== 'accepted') continue;
      const { ballot } = e.data as { ballot: { round: number; proposer: string } };
      const key = `${ballot.round}/${ballot.proposer}`;
      acceptedBy.set(key, (acceptedBy.get(key) ?? new Set()).add(e.node));
    }
    const attempts = duel.events.filter((e) => e.kind === 'log' && e.text === 'accept').length;
    expect(attempts).toBeGreaterThan(1);
    for (const nodes of acceptedBy.values()) expect(nodes.size).toBeLessThan(2);
    says('so at most one acceptor takes each accept');
  });

  it('"latency jitter usually ends a duel after a few rounds": most other seeds choose a value within the 120 ms', () => {
    const seeds = Array.from({ length: 100 }, (_, i) => i + 1);
    const ended = seeds.filter((seed) => chosenValues(runPaxos({ seed, backoff: 'none', retryMs: 0, untilMs: 120 })).length > 0);
    expect(ended.length).toBeGreaterThan(seeds.length / 2);
    says('latency jitter usually ends a duel after a few rounds');
  });

  it("the invited edit: random backoff chooses a value within the same 120 ms", async () => {
    const source = edit(cellSource('paxos-duel'), "backoff: 'none' as const", "backoff: 'random' as const");
    const rows = table(await run(source));
    expect(rows[0].chosen).not.toBe('nothing');
    expect(allOk(rows, 'agreement')).toBe(true);
  });
});

describe('The worked Paxos run (§2.2, adoption of the highest accepted value): cell paxos-adoption', () => {
  it('p1 has promises from a1 and a2; p2 holds (1, p2), hears of x with (1, p1) and sends x', async () => {
    const outputs = await run(cellSource('paxos-adoption'));
    const attempts = table(outputs, 0);
    for (const run of ["p1's accept reaches a1", "p1's accept reaches a1 and a2"]) {
      const [p1, p2, ...more] = attempts.filter((a) => a.run === run);
      expect(more).toEqual([]);
      expect(p1).toMatchObject({ proposer: 'p1', ballot: '(1, p1)', 'promises from': 'a1, a2', 'promises reported': 'nothing accepted', 'accept sent with': 'x' });
      expect(p2).toMatchObject({ proposer: 'p2', ballot: '(1, p2)', 'promises from': 'a1, a2', 'promises reported': 'x, accepted with (1, p1)', 'accept sent with': 'x' });
    }
    const chosen = table(outputs, 1);
    // Nothing is chosen before p2 when the accept reached a1 only; x at 30 ms, before anyone learns it, otherwise.
    expect(chosen.filter((c) => c.run === "p1's accept reaches a1").map((c) => [c.chosen, c.ballot])).toEqual([['x', '(1, p2)']]);
    expect(chosen.filter((c) => c.run === "p1's accept reaches a1 and a2").map((c) => [c.chosen, c.ballot, c['at (ms)']])).toEqual([
      ['x', '(1, p1)', 30],
      ['x', '(1, p2)', expect.any(Number)],
    ]);
    says('*x* would already have been chosen at 30 ms');
  });

  it('"At 200 ms p2 prepares (1, p2)": its first prepares leave at 200 ms', async () => {
    const trace = diagram(await run(cellSource('paxos-adoption')));
    const prepares = trace.events.filter((e) => e.kind === 'send' && e.node === 'p2' && (e.message as { type: string }).type === 'prepare');
    expect(prepares.length).toBeGreaterThan(0);
    expect(Math.min(...prepares.map((e) => e.t))).toBe(200);
    says('At 200 ms p2 prepares (1, p2)');
  });

  it('p1 crashes before x is chosen, so it never learns it; its accepts to a2 and a3 are what the partition drops', async () => {
    const trace = diagram(await run(cellSource('paxos-adoption')));
    const crash = trace.events.find((e) => e.kind === 'crash' && e.node === 'p1');
    expect(crash?.t).toBe(25);
    expect(trace.events.some((e) => e.kind === 'log' && e.node === 'p1' && e.text === 'chosen')).toBe(false);
    const dropped = trace.events.flatMap((e) => (e.kind === 'drop' && e.from === 'p1' ? [`${e.node}:${(e.message as { type: string }).type}`] : []));
    expect(dropped.sort()).toEqual(['a2:accept', 'a3:accept']);
  });

  it('without adoption the run is unsafe: acceptors that do not report what they accepted let y be chosen too', () => {
    const forgetful: AcceptorRule = (state, request) => {
      const answer = acceptorRule(state, request);
      return answer.reply.type === 'promise' ? { ...answer, reply: { ...answer.reply, accepted: null } } : answer;
    };
    const values = chosenValues(adoptionRun({ p1AcceptReaches: ['a1', 'a2'], acceptor: forgetful })).map((c) => c.value);
    expect(values).toContain('x');
    expect(values).toContain('y');
  });
});

describe('Raft §5.2 randomized election timeouts: cell elections', () => {
  const ranges = "const ranges: [number, number][] = [[150, 151], [150, 155], [150, 200], [150, 300]];";

  it('with a 1 ms range not one of 60 runs elects a leader in 3 s; from 150–200 ms on, all do, most within one timeout', async () => {
    const rows = table(await run(cellSource('elections')));
    const byRange = Object.fromEntries(rows.map((r) => [r.range, r]));
    expect(byRange['150–151 ms']['runs with a leader within 3 s']).toBe('0 of 60');
    for (const [range, maxMs] of [['150–200 ms', 200], ['150–300 ms', 300]] as const) {
      expect(byRange[range]['runs with a leader within 3 s']).toBe('60 of 60');
      expect(byRange[range]['median time to leader (ms)']).toBeLessThan(maxMs);
    }
    // "one run in the 60 has a failed election"
    expect(byRange['150–300 ms']['runs with at least one failed election']).toBe(1);
    says('not one elects a leader within three seconds');
    says('one run in the 60 has a failed election');
  });

  it('the invited edit: [150, 1000] still elects every time, with fewer split votes and a longer median wait', async () => {
    const source = edit(cellSource('elections'), ranges, ranges.replace('[150, 300]]', '[150, 300], [150, 1000]]'));
    const byRange = Object.fromEntries(table(await run(source)).map((r) => [r.range, r]));
    const wide = byRange['150–1000 ms'];
    expect(wide['runs with a leader within 3 s']).toBe('60 of 60');
    // "with even fewer split votes": strictly fewer failed elections than 150–300 ms.
    expect(wide['runs with at least one failed election']).toBeLessThan(byRange['150–300 ms']['runs with at least one failed election'] as number);
    says('elections still succeed, with even fewer split votes');
    expect(wide['median time to leader (ms)']).toBeGreaterThan(byRange['150–300 ms']['median time to leader (ms)'] as number);
  });
});

/** Each node's last recorded Raft state at or before `atMs`. */
function statesAt(trace: Trace, atMs: number): Record<string, RaftState> {
  const out: Record<string, RaftState> = {};
  for (const e of trace.events) if (e.kind === 'state' && e.t <= atMs) out[e.node] = e.state as RaftState;
  return out;
}

describe('Raft §5.3 log replication through a partition: cell replication', () => {
  it('safety and progress hold, and every node ends with the same applied commands', async () => {
    const outputs = await run(cellSource('replication'));
    expect(allOk(table(outputs, 0), 'check')).toBe(true);
    const applied = table(outputs, 1);
    expect(applied).toHaveLength(5);
    expect(new Set(applied.map((r) => `${r.applied}/${r.last}`)).size).toBe(1);
    // Which commands are missing, as the prose explains: those before the first leader, and those between the
    // partition and the majority's new leader.
    const trace = diagram(outputs);
    const leaders = roleChanges(trace).filter((c) => c.role === 'leader');
    const firstLeaderMs = leaders[0].t;
    const newLeaderMs = leaders.find((c) => c.t > 600)?.t ?? Infinity;
    const requests = trace.events.flatMap((e) => (e.kind === 'request' && e.node === 'a' ? [{ t: e.t, command: (e.request as { command: string }).command }] : []));
    const expected = requests.filter((r) => (r.t >= firstLeaderMs && r.t < 600) || r.t >= newLeaderMs).map((r) => r.command);
    expect(expected.length).toBeLessThan(20);
    expect(appliedByNode(trace).a.map((e) => e.command)).toEqual(expected);
    says('The first few arrived before any leader had been elected');
  });

  it('as the caption says: the cut-off leader appends what it cannot commit, a higher term elects another, and after the heal its entries are overwritten', async () => {
    const trace = diagram(await run(cellSource('replication')));
    const changes = roleChanges(trace);
    const first = changes.find((c) => c.role === 'leader');
    if (first === undefined) throw new Error('no leader');
    const during = statesAt(trace, 1599)[first.node];
    expect(during.role).toBe('leader');
    expect(during.log.length).toBeGreaterThan(during.commitIndex);
    expect(changes.some((c) => c.role === 'leader' && c.node !== first.node && c.term > first.term && c.t > 600 && c.t < 1600)).toBe(true);
    expect(changes.some((c) => c.node === first.node && c.role === 'follower' && c.t >= 1600)).toBe(true);
    const end = statesAt(trace, trace.endMs);
    const uncommitted = during.log.slice(during.commitIndex);
    const overwritten = uncommitted.filter((entry, i) => JSON.stringify(end[first.node].log[during.commitIndex + i]) !== JSON.stringify(entry));
    expect(overwritten.length).toBeGreaterThan(0);
    // The figure shows the partition as a shaded interval from 600 to 1,600 ms.
    expect(trace.events.find((e) => e.kind === 'partition')?.t).toBe(600);
    expect(trace.events.find((e) => e.kind === 'heal')?.t).toBe(1600);
  });

  const partition = '{ atMs: 600, kind: \'partition\', groups: [[leader], others] },';
  const invited: [string, string][] = [
    ['a one-way partition', "{ atMs: 600, kind: 'partition-one-way', from: [leader], to: others },"],
    ['a crash and a durable restart of the leader', "{ atMs: 600, kind: 'crash', node: leader }, { atMs: 1600, kind: 'restart', node: leader, durable: true },"],
  ];
  for (const [name, replacement] of invited) {
    it(`the invited edit, ${name}: the safety rows stay ok`, async () => {
      const rows = table(await run(edit(cellSource('replication'), partition, replacement)), 0);
      expect(allOk(rows.slice(0, -1), 'check')).toBe(true);
    });
  }

  it('the invited edit, isolating a follower: its term climbs, the healthy leader steps down after the heal, and a leader is elected again within a few hundred ms', async () => {
    const source = edit(cellSource('replication'), partition, "{ atMs: 600, kind: 'partition', groups: [[others[0]], [leader, ...others.slice(1)]] },");
    const outputs = await run(source);
    expect(allOk(table(outputs, 0), 'check')).toBe(true);
    const trace = diagram(outputs);
    const changes = roleChanges(trace);
    const first = changes.find((c) => c.role === 'leader');
    if (first === undefined) throw new Error('no leader');
    const follower = ['a', 'b', 'c', 'd', 'e'].filter((n) => n !== first.node)[0];
    const campaigns = changes.filter((c) => c.node === follower && c.role === 'candidate' && c.t > 600 && c.t < 1600);
    expect(campaigns.length).toBeGreaterThan(1);
    const stepDown = changes.find((c) => c.node === first.node && c.role === 'follower' && c.t >= 1600);
    if (stepDown === undefined) throw new Error('the leader never stepped down');
    const next = changes.find((c) => c.role === 'leader' && c.t > stepDown.t);
    if (next === undefined) throw new Error('no leader after the heal');
    expect(next.t - stepDown.t).toBeLessThan(1000);
  });
});

describe('Raft §5.4.2 and Figure 8: cell figure-8', () => {
  it('the naive rule shows a safety violation, Raft\'s rule none', async () => {
    const rows = table(await run(cellSource('figure-8')));
    const naive = rows.filter((r) => String(r.rule).startsWith('naive'));
    const real = rows.filter((r) => String(r.rule).startsWith('Raft'));
    expect(naive.some((r) => String(r.verdict).startsWith('violation (safety)'))).toBe(true);
    expect(allOk(real, 'verdict')).toBe(true);
  });

  it('the diagram shows, within its 1,600 ms, x2 applied on a, b, c and d, then y2 on e at the same index', async () => {
    const output = (await run(cellSource('figure-8'))).find((o): o is SpaceTimeOutput => o.kind === 'spacetime');
    if (output === undefined) throw new Error('no diagram');
    const bySeq = new Map(output.trace.events.map((e) => [e.seq, e]));
    const shown = (output.labels ?? []).map((l) => ({ ...l, event: bySeq.get(l.seq) })).filter((l) => l.event !== undefined && l.event.t <= (output.untilMs ?? Infinity));
    const x2 = shown.filter((l) => l.text === 'applies x2').map((l) => l.event?.kind === 'log' ? l.event.node : '');
    const y2 = shown.filter((l) => l.text === 'applies y2');
    expect(x2.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(y2.map((l) => (l.event?.kind === 'log' ? l.event.node : ''))).toEqual(['e']);
    expect(Math.min(...y2.map((l) => l.event?.t ?? 0))).toBeGreaterThan(Math.max(...shown.filter((l) => l.text === 'applies x2').map((l) => l.event?.t ?? 0)));
  });
});

describe('What agreement costs: cell cost', () => {
  it('messages per command are 4(n − 1), half carrying the command and half heartbeats; latency grows only slightly', async () => {
    const rows = table(await run(cellSource('cost')));
    expect(rows.map((r) => r.nodes)).toEqual([3, 5, 7]);
    for (const r of rows) {
      const n = r.nodes as number;
      expect(r.committed).toBe(40);
      expect(r['messages per command'] as number).toBeCloseTo(4 * (n - 1), -0.3);
      expect(Math.abs((r['carrying entries'] as number) - 2 * (n - 1))).toBeLessThanOrEqual(0.1 * 2 * (n - 1));
      expect(Math.abs((r.heartbeats as number) - 2 * (n - 1))).toBeLessThanOrEqual(0.1 * 2 * (n - 1));
    }
    const latency = rows.map((r) => r['median commit latency (ms)'] as number);
    expect(latency[2]).toBeLessThanOrEqual(1.25 * latency[0]);
    says('as $4(n-1)$');
  });
});

describe('Leases and fencing tokens (Burrows 2006 §2.4): cell fencing', () => {
  it('without fencing both clients write; with tokens the paused client\'s stale write is rejected', async () => {
    const outputs = await run(cellSource('fencing'));
    const writes = table(outputs, 0);
    const unfenced = writes.filter((w) => w.storage === 'no fencing');
    const fenced = writes.filter((w) => w.storage === 'fencing tokens');
    expect(unfenced.filter((w) => w.accepted).map((w) => w.client).sort()).toEqual(['c1', 'c2']);
    expect(fenced.find((w) => w.client === 'c1')?.accepted).toBe(false);
    expect(fenced.find((w) => w.client === 'c2')?.accepted).toBe(true);
    const verdicts = table(outputs, 1);
    expect(String(verdicts[0].verdict)).toMatch(/^violation \(safety\)/);
    expect(String(verdicts[1].verdict)).toMatch(/^ok:/);
    // The caption's "pauses (orange)": the diagram's trace holds c1's pause, which the view draws in orange.
    expect(diagram(outputs).events.some((e) => e.kind === 'pause' && e.node === 'c1')).toBe(true);
  });

  it('the invited edit: a pause shorter than the lease (pauseMs: 50) and the problem disappears in both runs', async () => {
    let source = edit(cellSource('fencing'), 'fencing: false })', 'fencing: false, pauseMs: 50 })');
    source = edit(source, 'fencing: true })', 'fencing: true, pauseMs: 50 })');
    const verdicts = table(await run(source), 1);
    expect(allOk(verdicts, 'verdict')).toBe(true);
  });
});

/** The paragraph (text between blank lines, folded to one line) that contains `phrase`; it must be exactly one. */
function paragraphWith(phrase: string): string {
  const found = chapter.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ')).filter((p) => p.includes(phrase));
  expect(found.length, `one paragraph should contain "${phrase}"`).toBe(1);
  return found[0];
}

describe('Settings the chapter quotes are the labs\' defaults', () => {
  it('links take 5 to 15 ms, a leader sends heartbeats every 50 ms, and a lease lasts longer than the 50 ms pause the prose suggests', () => {
    expect(defaultNetwork.latency).toEqual({ kind: 'uniform', minMs: 5, maxMs: 15 });
    says('a RequestVote takes 5 to 15 ms to arrive');
    says('on links with 5–15 ms delay');
    expect(defaultRaftOptions.heartbeatMs).toBe(50);
    says('once per heartbeat interval (50 ms)');
    const { trace } = runLockDemo({ seed: 1, fencing: false });
    const grant = trace.events.find((e) => e.kind === 'log' && e.node === 'lock' && e.text === 'grant');
    const leaseMs = grant?.kind === 'log' ? (grant.data as { leaseMs: number }).leaseMs : NaN;
    const pause = trace.events.find((e) => e.kind === 'pause' && e.node === 'c1');
    const resume = trace.events.find((e) => e.kind === 'resume' && e.node === 'c1');
    expect(leaseMs).toBeGreaterThan(50);
    expect((resume?.t ?? 0) - (pause?.t ?? Infinity)).toBeGreaterThan(leaseMs);
    says('Shorten `pauseMs` below the lease (say `pauseMs: 50`)');
  });
});

describe('What the chapter states, held to its sources', () => {
  it('random timeouts are a partial-synchrony device (Raft §5.6), not the randomisation of Ben-Or 1983', () => {
    expect(text).not.toMatch(/randomi[sz]ation escape/);
    const timeouts = paragraphWith('randomised election timeouts may look like the second');
    expect(timeouts).toContain('(#ref-ongaro2014), §5.6');
    const benOr = paragraphWith('(#ref-benor1983)');
    expect(benOr).toContain('terminates with probability 1');
    expect(benOr).toContain('(#ref-dls1988)');
    // §5.6: broadcastTime ≪ electionTimeout ≪ MTBF, where broadcastTime is a round of RPCs and their answers.
    expect(timeouts).toContain('send RPCs to all the others and hear back');
    expect(timeouts).not.toContain('the time to reach the other servers');
  });

  it("FLP's admissible runs: at most one faulty process, and every message to a non-faulty process is eventually received", () => {
    const model = paragraphWith('**admissible**');
    expect(model).toContain('at most one process is faulty');
    expect(model).toContain('every message sent to a process that is not faulty is eventually received');
    expect(model).toContain('(#ref-flp1985)');
  });

  it('Chandra and Toueg: completeness plus eventual weak accuracy, and a majority of correct processes', () => {
    const detectors = paragraphWith('(#ref-chandra1996)');
    for (const phrase of ['**strong** completeness', '**weak** completeness', '**eventual weak accuracy**', '$f < n/2$', '◇S', '◇W']) {
      expect(detectors).toContain(phrase);
    }
  });

  it('Paxos has learners, and chosen is not learned (Paxos Made Simple §2.3)', () => {
    const roles = paragraphWith('three roles');
    expect(roles).toContain('**learners**');
    const chosen = paragraphWith('A value is **chosen** when');
    expect(chosen).toContain('**learns**');
    expect(chosen).toContain('(#ref-lamport2001), §2.3');
    // The worked run names proposers and acceptors by their roles: only proposers send accepts.
    expect(text).not.toMatch(/a\d's (first )?accept\b/);
  });

  it('the §5.3 commit rule comes with its §5.4.2 qualification', () => {
    const commit = paragraphWith('An entry is **committed** once');
    expect(commit).toContain('the leader that created it');
    expect(commit).toContain('§5.4.2');
  });

  it('Raft membership: a configuration is used once in the log, and the 2015 single-server fix is given', () => {
    expect(paragraphWith('committed or not')).toContain('(#ref-ongaro2014thesis), §4.1');
    const bug = paragraphWith('(#ref-ongaro2015)');
    expect(bug).toContain('disjoint');
    expect(bug).toContain('until it has committed an entry of its own term');
  });

  it('leases cite Gray and Cheriton and fencing cites Kleppmann; every reference is cited and every citation resolves', () => {
    expectReferencesCited(chapter);
    expect(paragraphWith('(#ref-gray1989)')).toContain('clocks');
    expect(paragraphWith('(#ref-kleppmann2016)')).toContain('fencing token');
  });

  it('◇W is the weakest detector for consensus with a majority correct (Chandra, Hadzilacos and Toueg 1996), not "at all"', () => {
    const weakest = paragraphWith('(#ref-cht1996)');
    expect(weakest).toContain('weakest detector for consensus when a majority is correct');
    expect(weakest).not.toMatch(/solves consensus at all/);
  });

  it('Chubby §2.4: a sequencer carries the lock generation number and is checked by the server; it is not itself the number', () => {
    const fencing = paragraphWith('(#ref-burrows2006) §2.4');
    expect(fencing).not.toContain('Chubby calls it a sequencer');
    expect(fencing).toContain('generation number, which rises each time the lock goes from free to held');
    expect(fencing).toContain('up to a minute');
  });

  it('Multi-Paxos: Paxos Made Simple §3 does treat leader changes, gaps and reconfiguration, in outline', () => {
    const multi = paragraphWith('**Multi-Paxos**');
    expect(multi).toContain('(#ref-lamport2001), §3');
    expect(multi).not.toMatch(/gaps in the log, reconfiguration, snapshots\) are what Lamport's papers leave/);
  });

  it('links into other chapters name sections that exist, among them the system models of How to read this book', () => {
    const links = [...chapter.matchAll(/\]\(\.\.\/\.\.\/((?:start|time)\/[a-z-]+)\/#([a-z0-9-]+)\)/g)].map((m) => ({ path: m[1], anchor: m[2] }));
    expect(links).toContainEqual({ path: 'start/how-to-read', anchor: 'system-models' });
    for (const { path, anchor } of links) expect(chapterAnchors(path).has(anchor), `${path}#${anchor}`).toBe(true);
  });
});
