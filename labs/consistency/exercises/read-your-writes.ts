/**
 * Exercise: write the store's read path so that every client reads its own writes. The learner's function is the
 * clients' `ReadRule` (clients.ts): called with every reply to a read, it answers with one, asks another replica
 * (at once or after a delay), or refuses. It runs in the lab's AP store (`runStore`, mode `ap`, last-writer-wins),
 * where a load balancer sends each operation to a random replica and writes reach the other replicas only later,
 * in some runs across a partition that heals.
 *
 * The property is read your writes as Terry, Demers, Petersen, Spreitzer, Theimer and Welch (1994, "Session
 * guarantees for weakly consistent replicated data", §3.1) state it: a read must reflect every earlier write of
 * its session, that is, return the session's latest acknowledged write to the key or a value that the store's one
 * write order (here the stamps the replicas gave each write, `run.stamps`) puts after it. It is checked on the
 * history the clients recorded, with that order. A rule must also keep answering: refusing every read is safe and
 * useless, so at least `ANSWERED_AT_LEAST` of the reads must be answered.
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import type { NodeId } from '../../sim/types';
import { clientOfProcess, type ReadChoice, type ReadRule, type ReadRuleInput } from '../clients';
import type { KvInput, KvOutput } from '../data-types';
import type { History, Operation } from '../history';
import { SIBLING_SEPARATOR, compareVersions, type Version } from '../store';
import { runStore } from '../store-run';

type KvOp = Operation<KvInput, KvOutput>;

/** A read that missed its session's write: the client, the write it had made, and what it read instead. */
export interface ReadYourWritesViolation {
  client: string;
  write: KvOp;
  read: KvOp;
}

/**
 * Reads that do not reflect their session's latest acknowledged write to the key (Terry et al. 1994, §3.1), with
 * the store's write order given by `stamps` (value → version). A session is a client node (the history may rename
 * its process after a timeout, `c1~1`, but the client keeps its session). A read reflects the write when one of
 * the values it returned (siblings split on `|`) has a stamp at or after the write's; the initial value `''`
 * reflects nothing.
 */
export function readYourWritesViolations(history: History<KvInput, KvOutput>, stamps: Record<string, Version>): ReadYourWritesViolation[] {
  const sessions = new Map<string, KvOp[]>();
  for (const op of history) {
    const client = clientOfProcess(op.client);
    sessions.set(client, [...(sessions.get(client) ?? []), op]);
  }
  const out: ReadYourWritesViolation[] = [];
  for (const [client, ops] of sessions) {
    const lastWrite = new Map<string, KvOp>();
    for (const op of [...ops].sort((a, b) => a.invokeMs - b.invokeMs)) {
      if (op.status !== 'ok') continue;
      if (op.input.f === 'put') lastWrite.set(op.input.key, op);
      if (op.input.f !== 'get') continue;
      const write = lastWrite.get(op.input.key);
      const mine = write === undefined ? undefined : stamps[(write.input as { value: string }).value];
      if (write === undefined || mine === undefined) continue;
      const values = (op.output ?? '').split(SIBLING_SEPARATOR).filter((v) => v !== '');
      const reflects = values.some((v) => {
        const theirs = stamps[v];
        const order = theirs === undefined ? undefined : compareVersions(theirs, mine);
        return order === 'after' || order === 'equal';
      });
      if (!reflects) out.push({ client, write, read: op });
    }
  }
  return out.sort((a, b) => a.read.invokeMs - b.read.invokeMs);
}

/** The share of reads (gets) in all runs together that must be answered (`ok`). */
export const ANSWERED_AT_LEAST = 0.75;

/**
 * One run of the exercise's store: 3 replicas, 4 clients behind a load balancer (`routing: 'random'`), one key,
 * lognormal latency (median 10 ms, a long tail), anti-entropy every 300 ms; with `partition`, replica a is cut off
 * from 500 to 1,100 ms. The clients ask for read your writes, so a write carries nothing special: only the read
 * rule enforces it.
 */
export function runReadRule(readRule: ReadRule, seed: number, partition: boolean) {
  return runStore({
    seed,
    mode: 'ap',
    replicas: 3,
    clients: 4,
    routing: 'random',
    sessions: ['read-your-writes'],
    readRule,
    antiEntropyMs: 300,
    network: { latency: { kind: 'lognormal', medianMs: 10, sigma: 1.2, minMs: 1 } },
    workload: { keys: ['x'], thinkMinMs: 0, thinkMaxMs: 10, timeoutMs: 300 },
    untilMs: 1800,
    ...(partition ? { partition: { atMs: 500, healAtMs: 1100, groups: [['a']] } } : {}),
  });
}

const versionText = (v: Version) => `${JSON.stringify(v.value)} (time ${v.time}, node ${v.node})`;
const inputText = (input: ReadRuleInput) =>
  `key ${JSON.stringify(input.key)}, session write ${input.session.written[input.key] ? versionText(input.session.written[input.key] as Version) : 'none'}, replies [${input.replies.map((r) => `${r.replica}: ${r.versions.length === 0 ? 'nothing stored' : r.versions.map(versionText).join(' and ')}`).join('; ')}], asked [${input.asked.join(', ')}]`;

/** The learner's rule, with its choice checked against the contract, so a wrong shape is named instead of stalling. */
export function learnerReadRule(fn: (input: ReadRuleInput) => unknown): ReadRule {
  return (input) => {
    const got = fn(JSON.parse(JSON.stringify(input)) as ReadRuleInput) as Partial<{ answer: unknown; ask: unknown; delayMs: unknown; refuse: unknown }> | undefined;
    const call = `readRule(${inputText(input)})`;
    if (typeof got !== 'object' || got === null) throw new WrongReturn(`${call} returned ${JSON.stringify(got) ?? String(got)}; it must return { answer }, { ask } or { refuse }.`);
    if ('answer' in got) {
      if (typeof got.answer !== 'number' || !Number.isInteger(got.answer) || got.answer < 0 || got.answer >= input.replies.length) {
        throw new WrongReturn(`${call} returned { answer: ${JSON.stringify(got.answer)} }, but the replies so far are numbered 0 to ${input.replies.length - 1}.`);
      }
      return { answer: got.answer };
    }
    if ('ask' in got) {
      if (typeof got.ask !== 'string' || !input.replicas.includes(got.ask)) throw new WrongReturn(`${call} asked ${JSON.stringify(got.ask)}, which is not a replica (the replicas are ${input.replicas.join(', ')}).`);
      const delayMs = got.delayMs ?? 0;
      if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) throw new WrongReturn(`${call} asked with delayMs ${JSON.stringify(got.delayMs)}; a delay is a non-negative number of milliseconds.`);
      return { ask: got.ask as NodeId, delayMs };
    }
    if ('refuse' in got) return { refuse: String(got.refuse) };
    throw new WrongReturn(`${call} returned ${JSON.stringify(got)}; it must return { answer }, { ask } or { refuse }.`);
  };
}

const v = (value: string, time: number, node: string): Version => ({ value, time, node });
const reply = (replica: string, versions: Version[]) => ({ replica, versions, value: versions.map((x) => x.value).sort().join(SIBLING_SEPARATOR) });
const caseInput = (written: Version | undefined, replies: ReturnType<typeof reply>[], asked: string[]): ReadRuleInput => ({
  key: 'x',
  guarantees: ['read-your-writes'],
  session: { written: written === undefined ? {} : { x: written }, read: {} },
  replies,
  replicas: ['a', 'b', 'c'],
  asked,
});

interface RuleCase {
  name: string;
  input: ReadRuleInput;
  /** Which kinds of choice are right: answers (with the reply indices allowed), or not answering (ask or refuse). */
  answer: number[] | 'not-answer';
  why: string;
}

const RULE_CASES: RuleCase[] = [
  { name: 'nothing written yet', input: caseInput(undefined, [reply('b', [v('c2-0', 40, 'c')])], ['b']), answer: [0], why: 'This session has not written x, so read your writes asks nothing of the reply: answer with it.' },
  { name: 'the reply holds the write', input: caseInput(v('c1-3', 120, 'a'), [reply('b', [v('c1-3', 120, 'a')])], ['b']), answer: [0], why: 'The reply is the session\'s own write: answer.' },
  { name: 'the reply holds a newer write', input: caseInput(v('c1-3', 120, 'a'), [reply('c', [v('c2-5', 130, 'b')])], ['c']), answer: [0], why: 'c2-5 is stamped after the session\'s write (time 130 > 120), so it already reflects it: answer.' },
  { name: 'the reply is older than the write', input: caseInput(v('c1-3', 120, 'a'), [reply('c', [v('c2-1', 90, 'b')])], ['c']), answer: 'not-answer', why: 'c2-1 is stamped before the session\'s write (time 90 < 120): replica c has not received the write yet. Ask another replica (or the same one later), or refuse.' },
  { name: 'the replica has nothing', input: caseInput(v('c1-3', 120, 'a'), [reply('b', [])], ['b']), answer: 'not-answer', why: 'Replica b stores nothing for x: the session\'s write has not reached it.' },
  { name: 'same time, lower node', input: caseInput(v('c1-3', 120, 'b'), [reply('c', [v('c3-2', 120, 'a')])], ['c']), answer: 'not-answer', why: 'Equal times are ordered by node: (120, a) comes before (120, b), so the reply is older than the write.' },
  { name: 'a later reply catches up', input: caseInput(v('c1-3', 120, 'a'), [reply('c', [v('c2-1', 90, 'b')]), reply('a', [v('c1-3', 120, 'a')])], ['c', 'a']), answer: [1], why: 'The second reply, from a, holds the write: answer with it (reply 1), not with the stale first one.' },
  // Asking again earns no right to answer: every reply here is stale, so each must be asked again or refused.
  { name: 'two stale replies', input: caseInput(v('c1-3', 120, 'a'), [reply('c', [v('c2-1', 90, 'b')]), reply('b', [v('c3-2', 100, 'c')])], ['c', 'b']), answer: 'not-answer', why: 'Both replies are older than the session\'s write (times 90 and 100 < 120): neither replica has received it, and having asked twice does not change that. Ask again (a third replica, or after a wait) or refuse; never answer with a stale reply.' },
  { name: 'a retry that comes back stale again', input: caseInput(v('c1-3', 120, 'a'), [reply('c', [v('c2-1', 90, 'b')]), reply('c', [v('c2-1', 90, 'b')])], ['c', 'c']), answer: 'not-answer', why: 'Replica c was asked again and still holds only c2-1 (time 90 < 120): the retry came back as stale as the first reply. Wait longer, ask another replica, or refuse.' },
  { name: 'every replica asked, every reply stale', input: caseInput(v('c1-3', 120, 'a'), [reply('b', [v('c2-1', 90, 'b')]), reply('c', []), reply('a', [v('c3-0', 60, 'c')])], ['b', 'c', 'a']), answer: 'not-answer', why: 'Each of the three replicas has now been asked once and none holds the session\'s write (b has c2-1 from time 90, c nothing, a c3-0 from time 60, all before 120): it is still on its way. Having asked everyone does not make the last reply safe: ask again after a wait, or refuse.' },
  { name: 'three stale replies', input: caseInput(v('c1-3', 120, 'a'), [reply('b', [v('c2-1', 90, 'b')]), reply('c', []), reply('b', [v('c2-1', 90, 'b')])], ['b', 'c', 'b']), answer: 'not-answer', why: 'After three tries no reply reflects the session\'s write (b holds c2-1 from time 90 < 120, c holds nothing). Trying for a while and then answering anyway returns exactly the stale value the guarantee forbids: when you stop trying, refuse.' },
];

function ruleCaseProblem(rule: ReadRule, c: RuleCase): string {
  const got = rule(c.input);
  if (c.answer === 'not-answer') return 'answer' in got ? `answered with reply ${got.answer}. ${c.why}` : '';
  if (!('answer' in got)) return `${'ask' in got ? `asked ${got.ask}` : 'refused'} instead of answering. ${c.why}`;
  return c.answer.includes(got.answer) ? '' : `answered with reply ${got.answer}. ${c.why}`;
}

export interface ReadYourWritesParams {
  seeds: number[];
}

const RULE_TYPES = `// A version: the value written and its stamp. The store orders versions by time, then by node
// (last writer wins): (time 120, node 'b') comes after (120, 'a') and before (121, 'a').
export interface Version { value: string; time: number; node: string }
// One reply to the read: the replica, the versions it holds for the key (none if it stores nothing).
export interface ReadReply { replica: string; versions: Version[]; value: string }
export interface ReadRuleInput {
  key: string;
  guarantees: string[];
  session: { written: Record<string, Version>; read: Record<string, Version[]> }; // written[key]: this session's last acknowledged write
  replies: ReadReply[];      // every reply to this read so far, oldest first
  replicas: string[];        // every replica, sorted
  asked: string[];           // the replicas asked so far for this read, in order
}
export type ReadChoice = { answer: number } | { ask: string; delayMs?: number } | { refuse: string };
`;

const RULE_STARTER = `${RULE_TYPES}
// Called each time a reply to the current read arrives. Answer with one of the replies (its index), ask another
// replica (after delayMs of waiting, if you like), or refuse.
export function readRule(input: ReadRuleInput): ReadChoice {
  return { answer: input.replies.length - 1 };
}
`;

const RULE_REFERENCE = `${RULE_TYPES}
// Whether version v is the write w or comes after it in the store's order.
function atOrAfter(v: Version, w: Version): boolean {
  return v.time > w.time || (v.time === w.time && v.node >= w.node);
}

export function readRule(input: ReadRuleInput): ReadChoice {
  const mine = input.session.written[input.key];
  const last = input.replies.length - 1;
  const reply = input.replies[last];
  // The newest reply will do if the session wrote nothing to this key, or if it reflects the session's write.
  if (mine === undefined || reply.versions.some((v) => atOrAfter(v, mine))) return { answer: last };
  // Otherwise try the next replica; after one round, wait a little between tries for the write to spread.
  if (input.asked.length >= 3 * input.replicas.length) return { refuse: 'no replica has this session\\'s write yet' };
  const next = input.replicas[(input.replicas.indexOf(reply.replica) + 1) % input.replicas.length];
  return { ask: next, delayMs: input.asked.length < input.replicas.length ? 0 : 20 };
}
`;

type LearnerRule = (input: ReadRuleInput) => unknown;

export const readYourWrites = defineExercise({
  id: 'consistency/read-your-writes',
  title: 'A read path that reads your writes',
  kind: 'code',
  signature: 'readRule(input: ReadRuleInput): ReadChoice',
  exportName: 'readRule',
  generate: (rng): ReadYourWritesParams => ({ seeds: Array.from({ length: 6 }, () => rng.int(1, 1_000_000_000)) }),
  prompt: (p) => ({
    text: `In the lab's AP store every replica answers at once from its own copy and passes writes on later, and here a load balancer sends each operation to a random replica. So a client can write x on one replica and read x, a moment later, from another that has not received the write yet. Write the clients' read path, \`readRule(input)\`: it is called each time a reply to a read arrives and returns \`{ answer: i }\` (the read returns \`input.replies[i]\`), \`{ ask: replica, delayMs }\` (send the read to that replica, after waiting \`delayMs\`; you are called again when it replies), or \`{ refuse: reason }\` (the read fails).\n\nGuarantee **read your writes** (Terry et al. 1994): a read must return this session's latest acknowledged write to the key (\`input.session.written[key]\`) or a version the store orders after it. Versions are ordered by \`time\`, then by \`node\`. A rule that refuses too much fails too: at least ${ANSWERED_AT_LEAST * 100}% of reads must be answered. Your rule is first tried on single cases, then runs in every client of ${p.seeds.length} store runs (seeds ${p.seeds.join(', ')}; 3 replicas, 4 clients, every other run with replica a cut off from 500 to 1,100 ms), and the history the clients record is checked.`,
  }),
  starter: () => RULE_STARTER,
  reference: () => RULE_REFERENCE,
  hints: () => [
    'A reply reflects your write when one of its versions is your write or was stamped after it: compare (time, node) pairs.',
    'When the reply is too old, do not answer with it: ask the next replica in input.replicas; after a round, wait a little (a delay) so the write can spread. Give up only after several rounds, and give up by refusing: a stale reply is never a safe answer, however many replicas you asked.',
  ],
  async checks(p, fn, ctx) {
    const rule = learnerReadRule(fn as unknown as LearnerRule);
    const checks: Check[] = [];
    checks.push(await ctx.check('single cases', () => guarded(() => {
      const wrong = RULE_CASES.map((c) => {
        const problem = ruleCaseProblem(rule, c);
        return problem ? `Case "${c.name}": the rule ${problem}` : '';
      }).filter(Boolean);
      return { passed: wrong.length === 0, feedback: wrong.join(' ') };
    })));
    let reads = 0;
    let answered = 0;
    checks.push(await ctx.check(`read your writes in ${p.seeds.length} store runs`, () => guarded(() => {
      // Every run is counted for the answered share, even after a violation was found.
      let verdict: CheckVerdict = { passed: true, feedback: '' };
      for (const [i, seed] of p.seeds.entries()) {
        const run = runReadRule(rule, seed, i % 2 === 1);
        const gets = run.history.filter((op) => op.input.f === 'get');
        reads += gets.length;
        answered += gets.filter((op) => op.status === 'ok').length;
        const [first] = readYourWritesViolations(run.history, run.stamps);
        if (first !== undefined && verdict.passed) verdict = violationVerdict(first, run.stamps, seed, i % 2 === 1);
      }
      return verdict;
    })));
    checks.push(await ctx.check('reads still answered', (): CheckVerdict => {
      if (reads === 0) return { passed: false, feedback: 'No store run completed, so no read could be counted; see the check above.' };
      const share = answered / reads;
      const counted = `Your rule answered ${answered} of ${reads} reads (${Math.round(share * 100)}%); at least ${ANSWERED_AT_LEAST * 100}% must be answered.`;
      if (share >= ANSWERED_AT_LEAST) return { passed: true, feedback: counted };
      return {
        passed: false,
        feedback: `${counted} Refusing, or asking again and again until the client times out, keeps a session consistent but gives it nothing: ask another replica, wait a little between rounds, and answer as soon as a reply reflects the write.`,
      };
    }));
    return checks;
  },
  solution: () => ({
    text: `\`\`\`ts\n${RULE_REFERENCE.slice(RULE_TYPES.length + 1)}\`\`\`\n\nThis is Terry et al.'s implementation (§4) cut down to one key: the session remembers the version of its last write, and a server may serve a read only if it has seen that write. Here the check runs on the client, on each reply, which is what the store's own \`sessionReadRule\` does. Only a session's own writes matter: another client's older value is stale for that client too, but read your writes does not forbid it (that would be a stronger model). The cost is latency and availability: a read may need a second or third replica, or a wait, and during a partition a session whose write is stuck on the other side may get no answer at all, the CAP trade-off at the scale of one session.`,
  }),
});

function violationVerdict(first: ReadYourWritesViolation, stamps: Record<string, Version>, seed: number, partition: boolean): CheckVerdict {
  const written = (first.write.input as { value: string }).value;
  const read = first.read.output ?? '';
  const readStamp = read === '' ? undefined : stamps[read.split(SIBLING_SEPARATOR)[0] as string];
  const what = read === '' ? 'nothing (the key looked unwritten)' : `${JSON.stringify(read)}${readStamp ? `, stamped at time ${readStamp.time} on ${readStamp.node}` : ''}`;
  const mine = stamps[written];
  return {
    passed: false,
    feedback: `In the run with seed ${seed}${partition ? ' (replica a cut off from 500 to 1,100 ms)' : ''}, client ${first.client} wrote ${JSON.stringify(written)} (stamped at time ${mine?.time} on ${mine?.node}, acknowledged at ${first.write.returnMs} ms), then read at ${first.read.invokeMs} ms and got ${what}, which the store orders before its own write. The replica that answered had not received the write yet, and your rule answered with its reply.`,
  };
}
