// Method: the run is told event by event and computed by the lab's own layer; the oracle here reads the answer off
// the definition instead (Chandy and Lamport 1985 §3.2 with FIFO channels: a channel's state is the messages sent
// before their sender recorded and received after their receiver recorded, a node recording when it starts the
// snapshot or at its first marker). They agree on 1,500 variants. On every 10th variant every subset of the
// run's messages is graded and exactly one, the oracle's, passes. The recorded states conserve the coins, and
// wrong answers (a message received before recording, a message missing) get feedback that says which and why.
// The answer is graded all or nothing, as one check (a partly right set scores 0), whose feedback names each wrong
// channel.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { channelRecordings, runScript, type ChannelRecordingsParams } from './channel-recordings';

const SEEDS = enumerateSeeds(1500);

function oracle(p: ChannelRecordingsParams): string[] {
  const { events } = runScript(p.script);
  const recordedAt = new Map<string, number>();
  events.forEach((e, i) => {
    const node = e.kind === 'start' ? e.node : e.kind === 'marker' ? e.to : undefined;
    if (node !== undefined && !recordedAt.has(node)) recordedAt.set(node, i);
  });
  const sentAt = new Map<string, number>();
  events.forEach((e, i) => { if (e.kind === 'send') sentAt.set(e.name, i); });
  const inFlight: string[] = [];
  events.forEach((e, i) => {
    if (e.kind === 'receive' && (sentAt.get(e.name) as number) < (recordedAt.get(e.from) as number) && i > (recordedAt.get(e.to) as number)) inFlight.push(e.name);
  });
  return inFlight.sort();
}

describe('Chandy and Lamport 1985 §3.2: the recorded channel states of a scripted run', () => {
  itPassesEveryVariant([channelRecordings]);
  itShowsTheAnswerFormat([channelRecordings], SEEDS.slice(0, 20));

  it('the layer\'s recordings equal the definition on 1,500 variants; every subset is graded on 150 and only the oracle\'s passes', () => {
    const sizes = new Set<number>();
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(channelRecordings, seed) as ChannelRecordingsParams;
      const run = runScript(p.script);
      const expected = oracle(p);
      expect(Object.values(run.recorded).flat().sort(), `seed ${seed}`).toEqual(expected);
      sizes.add(expected.length);
      // Conservation: the recorded balances plus the recorded transfers are the 150 coins the branches started with.
      const inStates = Object.values(run.recordings).reduce((sum, r) => sum + r.state.balance, 0);
      const inFlight = run.events.filter((e) => e.kind === 'send' && expected.includes(e.name)).reduce((sum, e) => sum + (e.kind === 'send' ? e.amount : 0), 0);
      expect(inStates + inFlight, `seed ${seed}`).toBe(150);
      if (i % 10 !== 0) continue;
      const names = Object.values(run.names);
      let passing = 0;
      for (let mask = 0; mask < 1 << names.length; mask++) {
        const subset = names.filter((_, k) => mask & (1 << k)).sort();
        if (structuredAccepts(channelRecordings, p, subset)) {
          passing++;
          expect(subset).toEqual(expected);
        }
      }
      expect(passing, `seed ${seed}`).toBe(1);
    }
    expect([...sizes].sort()).toEqual([1, 2, 3]);
  });

  it('a message received before its receiver recorded, and a missing one, are explained', async () => {
    for (const seed of SEEDS.slice(0, 40)) {
      const p = variantParams(channelRecordings, seed) as ChannelRecordingsParams;
      const run = runScript(p.script);
      const expected = oracle(p);
      const early = run.events.find((e) => e.kind === 'receive' && !expected.includes(e.name));
      if (early === undefined || early.kind !== 'receive') continue;
      const result = await gradeText(channelRecordings, seed, structured(`{${[...expected, early.name].join(', ')}}`));
      expect(result.passed).toBe(false);
      expect(result.text).toMatch(new RegExp(`${early.name} is not in its state: (${early.to} received it at step \\d+, before recording|it arrived at step \\d+, after the marker)`));
      const fewer = await gradeText(channelRecordings, seed, structured(`{${expected.slice(1).join(', ')}}`));
      expect(fewer.text).toMatch(/one transfer that \w received on it after recording its state and before the marker from \w is missing/);
    }
  });

  it('is graded all or nothing: a partly right answer scores 0, and the feedback still names every wrong channel', async () => {
    let partial = 0;
    for (const seed of SEEDS.slice(0, 60)) {
      const p = variantParams(channelRecordings, seed) as ChannelRecordingsParams;
      const expected = oracle(p);
      const empty = await gradeText(channelRecordings, seed, structured('{}'));
      expect(empty.passed, `seed ${seed}`).toBe(false);
      expect(empty.score, `seed ${seed}`).toBe(0);
      expect(empty.checks).toHaveLength(1);
      // Every channel whose recorded state is not empty is named as missing transfers, and no other.
      const run = runScript(p.script);
      const nonEmpty = Object.entries(run.recorded).filter(([, list]) => list.length > 0).map(([key]) => key.replace('->', ' → '));
      for (const c of ['a → b', 'b → c', 'c → a', 'b → a']) {
        expect(empty.text.includes(`Channel ${c}:`), `seed ${seed}, channel ${c}`).toBe(nonEmpty.includes(c));
      }
      if (expected.length < 2) continue;
      partial++;
      const half = await gradeText(channelRecordings, seed, structured(`{${expected.slice(1).join(', ')}}`));
      expect(half.score, `seed ${seed}`).toBe(0);
    }
    expect(partial).toBeGreaterThan(5);
    const seed = SEEDS[0] as number;
    const right = await gradeText(channelRecordings, seed, structured(channelRecordings.kind === 'structured' ? channelRecordings.reference(variantParams(channelRecordings, seed)) : ''));
    expect(right.score).toBe(1);
  });

  it('a name that is not a message of the run is named', async () => {
    expect((await gradeText(channelRecordings, 0, structured('{m99}'))).text).toContain('m99: the run\'s transfers are m1,');
  });
});
