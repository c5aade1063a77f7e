// Method: the property first. `readYourWritesViolations` is held to a hand-made history and to a naive oracle
// (each client's reads, one by one, against every earlier acknowledged write of that client, with the stamps'
// order), on store runs with the lab's two read rules: the rule that answers with the first reply breaks read your
// writes in most runs, the store's session rule never does. Then the reference passes 40 variants, and wrong rules
// (the starter, which answers with whatever comes; one that compares values instead of stamps; one that refuses
// everything; one that asks forever; one that returns a bad index; three that give up by answering a stale reply,
// after one retry, at the third reply, or once every replica was asked, which pass most store runs) fail with
// feedback that names the problem, and a passing answered share is reported without advice against refusing.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { clientOfProcess, firstReply, sessionReadRule } from '../clients';
import type { KvInput, KvOutput } from '../data-types';
import type { History } from '../history';
import { compareVersions, type Version } from '../store';
import { readYourWrites, readYourWritesViolations, runReadRule } from './read-your-writes';

/** Terry et al. §3.1 read naively: a read must not be ordered before any earlier acknowledged write of its client to its key. */
function oracleViolations(history: History<KvInput, KvOutput>, stamps: Record<string, Version>): number[] {
  const bad: number[] = [];
  for (const read of history) {
    if (read.input.f !== 'get' || read.status !== 'ok') continue;
    const values = (read.output ?? '').split('|').filter(Boolean);
    const earlier = history.filter((w) => w.input.f === 'put' && w.status === 'ok' && w.input.key === read.input.key && clientOfProcess(w.client) === clientOfProcess(read.client) && (w.returnMs as number) < read.invokeMs);
    const missed = earlier.some((w) => {
      const mine = stamps[(w.input as { value: string }).value] as Version;
      return !values.some((v) => stamps[v] !== undefined && compareVersions(stamps[v] as Version, mine) !== 'before' && compareVersions(stamps[v] as Version, mine) !== 'concurrent');
    });
    if (missed) bad.push(read.id);
  }
  return bad;
}

describe('Terry et al. 1994 §3.1 read your writes, on the store\'s histories', () => {
  it('a hand-made history: an unwritten read and an older value after a write are violations; a newer value is not', () => {
    const stamps: Record<string, Version> = { 'c1-0': { value: 'c1-0', time: 10, node: 'a' }, 'c2-0': { value: 'c2-0', time: 5, node: 'b' }, 'c2-1': { value: 'c2-1', time: 30, node: 'b' } };
    const history: History<KvInput, KvOutput> = [
      { id: 0, client: 'c1', input: { f: 'put', key: 'x', value: 'c1-0' }, output: null, status: 'ok', invokeMs: 0, returnMs: 2 },
      { id: 1, client: 'c1', input: { f: 'get', key: 'x' }, output: 'c2-0', status: 'ok', invokeMs: 3, returnMs: 5 },
      { id: 2, client: 'c1~1', input: { f: 'get', key: 'x' }, output: '', status: 'ok', invokeMs: 6, returnMs: 8 },
      { id: 3, client: 'c1~1', input: { f: 'get', key: 'x' }, output: 'c2-1', status: 'ok', invokeMs: 9, returnMs: 11 },
      { id: 4, client: 'c2', input: { f: 'get', key: 'x' }, output: '', status: 'ok', invokeMs: 12, returnMs: 13 },
    ];
    expect(readYourWritesViolations(history, stamps).map((v) => v.read.id)).toEqual([1, 2]);
    expect(oracleViolations(history, stamps)).toEqual([1, 2]);
  });

  it('agrees with the oracle on 30 runs; answering the first reply breaks it in most runs, the session rule never', () => {
    let firstBroken = 0;
    for (const [i, seed] of enumerateSeeds(15).entries()) {
      for (const [rule, isFirst] of [[firstReply, true], [sessionReadRule, false]] as const) {
        const run = runReadRule(rule, seed, i % 2 === 1);
        const found = readYourWritesViolations(run.history, run.stamps).map((v) => v.read.id).sort((a, b) => a - b);
        expect(found, `seed ${seed}`).toEqual(oracleViolations(run.history, run.stamps));
        if (isFirst && found.length > 0) firstBroken++;
        if (!isFirst) expect(found, `seed ${seed}`).toEqual([]);
      }
    }
    expect(firstBroken).toBeGreaterThanOrEqual(10);
  });
});

describeCodeReferences([[readYourWrites, 40]]);

const reference = () => (readYourWrites.kind === 'code' ? readYourWrites.reference(variantParams(readYourWrites, 0)) : '');
const withRule = (body: string) => `${reference().slice(0, reference().indexOf('export function readRule'))}export function readRule(input: ReadRuleInput): ReadChoice {\n${body}\n}\n`;

describe('wrong read rules fail with feedback a learner can act on', () => {
  const seeds = enumerateSeeds(5);

  it('the starter, which answers with any reply, misses its own write in a named run', async () => {
    const starter = readYourWrites.kind === 'code' ? readYourWrites.starter(variantParams(readYourWrites, 0)) : '';
    for (const seed of seeds) {
      const result = await gradeText(readYourWrites, seed, code(starter));
      expect(result.passed).toBe(false);
      expect(result.text).toContain('Case "the reply is older than the write"');
      expect(result.text).toMatch(/In the run with seed \d+.*client c\d wrote "c\d-\d+".*which the store orders before its own write/);
    }
  });

  it('a rule that refuses every read is told that it answers nothing', async () => {
    const result = await gradeText(readYourWrites, seeds[0] as number, code(withRule("  return { refuse: 'no' };")));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/Your rule answered 0 of \d+ reads \(0%\)/);
  });

  it('a rule that keeps asking until the client times out answers too little', async () => {
    const body = '  const mine = input.session.written[input.key];\n  const reply = input.replies[input.replies.length - 1];\n  if (mine === undefined) return { answer: 0 };\n  return { ask: reply.replica, delayMs: 50 };';
    const result = await gradeText(readYourWrites, seeds[1] as number, code(withRule(body)));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('reads still answered');
  });

  it('a rule that looks for its own value (not a newer one) fails the newer-write case', async () => {
    const body = "  const mine = input.session.written[input.key];\n  const last = input.replies.length - 1;\n  if (mine === undefined || input.replies[last].versions.some((v) => v.value === mine.value)) return { answer: last };\n  if (input.asked.length >= 9) return { refuse: 'none' };\n  return { ask: input.replicas[input.asked.length % 3], delayMs: 20 };";
    const result = await gradeText(readYourWrites, seeds[2] as number, code(withRule(body)));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('Case "the reply holds a newer write"');
  });

  // Each rule retries while replies are stale, then answers the newest reply anyway: safe in most runs, where the
  // write has spread by then, but a read your writes violation whenever it has not.
  const giveUpByAnswering = (answerAfter: number) => `  const mine = input.session.written[input.key];
  const last = input.replies.length - 1;
  const fresh = mine === undefined || input.replies[last].versions.some((v) => v.time > mine.time || (v.time === mine.time && v.node >= mine.node));
  if (fresh || input.asked.length >= ${answerAfter}) return { answer: last };
  return { ask: input.replicas[(input.replicas.indexOf(input.replies[last].replica) + 1) % input.replicas.length], delayMs: 10 };`;

  it('a rule that answers the newest reply after one retry, even if stale, fails the stale cases', async () => {
    for (const seed of seeds.slice(0, 3)) {
      const result = await gradeText(readYourWrites, seed, code(withRule(giveUpByAnswering(2))));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toContain('Case "two stale replies": the rule answered with reply 1');
      expect(result.text).toContain('never answer with a stale reply');
      expect(result.text).toContain('Case "a retry that comes back stale again"');
      expect(result.text).toContain('Case "three stale replies"');
    }
  });

  it('a rule that answers the third reply anyway fails the two cases with three stale replies, and only those', async () => {
    for (const seed of seeds.slice(0, 3)) {
      const result = await gradeText(readYourWrites, seed, code(withRule(giveUpByAnswering(3))));
      expect(result.passed, `seed ${seed}`).toBe(false);
      const single = result.checks.find((c) => c.name === 'single cases');
      expect(single?.passed).toBe(false);
      expect(single?.feedback).toMatch(/^Case "every replica asked, every reply stale": the rule answered with reply 2\. .*or refuse\. Case "three stale replies": the rule answered with reply 2\. [^"]*when you stop trying, refuse\.$/);
    }
  });

  it('a rule that asks each replica once and then answers the stale last reply fails the every-replica case, and only that one', async () => {
    const body = `  const mine = input.session.written[input.key];
  const last = input.replies.length - 1;
  const fresh = mine === undefined || input.replies[last].versions.some((v) => v.time > mine.time || (v.time === mine.time && v.node >= mine.node));
  const unasked = input.replicas.filter((r) => !input.asked.includes(r));
  if (fresh || unasked.length === 0) return { answer: last };
  return { ask: unasked[0] };`;
    for (const seed of seeds.slice(0, 3)) {
      const result = await gradeText(readYourWrites, seed, code(withRule(body)));
      expect(result.passed, `seed ${seed}`).toBe(false);
      const single = result.checks.find((c) => c.name === 'single cases');
      expect(single?.passed).toBe(false);
      expect(single?.feedback).toMatch(/^Case "every replica asked, every reply stale": the rule answered with reply 2\. .*ask again after a wait, or refuse\.$/);
    }
  });

  it('when enough reads are answered, the answered check gives the count without the advice against refusing', async () => {
    const result = await gradeText(readYourWrites, seeds[0] as number, code(reference()));
    const answered = result.checks.find((c) => c.name === 'reads still answered');
    expect(answered?.passed).toBe(true);
    expect(answered?.feedback).toMatch(/^Your rule answered \d+ of \d+ reads \(\d+%\); at least 75% must be answered\.$/);
    expect(answered?.feedback).not.toContain('Refusing');
  });

  it('an answer index with no reply, or a replica that does not exist, is named', async () => {
    expect((await gradeText(readYourWrites, seeds[0] as number, code(withRule('  return { answer: 5 };')))).text).toContain('the replies so far are numbered 0 to 0');
    expect((await gradeText(readYourWrites, seeds[0] as number, code(withRule("  return { ask: 'z' };")))).text).toContain('which is not a replica');
  });
});
