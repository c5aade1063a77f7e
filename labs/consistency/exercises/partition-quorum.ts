/**
 * Exercise: choose Dynamo's R and W so that one side of a partition keeps answering, and, where the prompt asks
 * for it, no read misses an acknowledged write. The learner's `chooseQuorum` is called on the variant's scenario
 * and on more seeded scenarios; each choice runs the lab's Dynamo store (`runStore`, mode `dynamo`, N = every
 * replica) through that partition and is checked on the history the clients recorded: the required side's clients
 * got their reads and/or writes answered while the partition lasted, and, where consistency is required, R + W > N
 * and the run has no stale read (`staleReads`). DeCandia et al. (2007), Dynamo, §4.5 (R, W and R + W > N);
 * Gilbert and Lynch (2002), §3 (a side without a quorum cannot answer consistently).
 */
import { WrongReturn, guarded } from '../../exercises/in-simulation';
import { defineExercise, type Check, type CheckVerdict } from '../../exercises/types';
import { Random } from '../../sim/random';
import { runStore, staleReads } from '../store-run';
import { replicaNames } from './quorum-latency';

/** What one scenario asks of the quorums. */
export interface QuorumScenario {
  /** Replicas a, b, …; every key is stored on all of them (N = n). */
  n: number;
  /** The two sides of the partition. */
  sides: string[][];
  /** The side whose clients must keep getting answers while the partition lasts. */
  mustAnswer: string[];
  reads: boolean;
  writes: boolean;
  /** Whether every read must return the latest acknowledged write, or something newer (R + W > N). */
  consistent: boolean;
}

export interface PartitionQuorumParams {
  scenario: QuorumScenario;
  /** The seeds of more scenarios the function is called on, and of the store runs. */
  moreSeeds: number[];
  runSeed: number;
}

/** A scenario with a solution: a side must both read and write consistently only if it is a majority. */
export function drawScenario(rng: Random): QuorumScenario {
  const n = rng.int(3, 7);
  const names = rng.shuffle(replicaNames(n));
  const cut = rng.int(1, n - 1);
  const sides = [names.slice(0, cut).sort(), names.slice(cut).sort()].sort((x, y) => (x[0] as string).localeCompare(y[0] as string));
  const need = rng.pick(['reads', 'writes', 'both'] as const);
  const consistent = rng.chance(0.7);
  const majority = sides.find((side) => 2 * side.length > n);
  let mustAnswer = rng.pick(sides);
  const reads = need !== 'writes';
  let writes = need !== 'reads';
  if (reads && writes && consistent) {
    // Both, consistently, only a majority side can do; on an even split, ask for reads alone.
    if (majority !== undefined) mustAnswer = majority;
    else writes = false;
  }
  return { n, sides, mustAnswer, reads, writes, consistent };
}

/** Whether the side that must answer holds no majority (at most half the replicas), so no majority quorum forms there. */
export function minoritySideMustAnswer(s: QuorumScenario): boolean {
  return 2 * s.mustAnswer.length <= s.n;
}

/**
 * The seeds of a variant's further scenarios: `count` drawn freely, except that when neither they nor the variant's
 * own scenario ask a side without a majority to answer, the last is drawn again until its scenario does. So every
 * variant holds a scenario that "R = W = a majority" cannot serve (Gilbert and Lynch 2002, §3: a side cut off from
 * a majority gets no majority quorum).
 */
export function drawMoreSeeds(rng: Random, scenario: QuorumScenario, count: number): number[] {
  const seeds = Array.from({ length: count }, () => rng.int(1, 1_000_000_000));
  const drawn = (seed: number) => drawScenario(new Random(seed));
  if (minoritySideMustAnswer(scenario) || seeds.some((seed) => minoritySideMustAnswer(drawn(seed)))) return seeds;
  let last = rng.int(1, 1_000_000_000);
  while (!minoritySideMustAnswer(drawn(last))) last = rng.int(1, 1_000_000_000);
  return [...seeds.slice(0, -1), last];
}

/** The ranges of right answers: r ≤ side for reads, w ≤ side for writes, r + w > n when consistent. */
export function quorumAllowed(s: QuorumScenario, r: number, w: number): boolean {
  const k = s.mustAnswer.length;
  return r >= 1 && w >= 1 && r <= s.n && w <= s.n && (!s.reads || r <= k) && (!s.writes || w <= k) && (!s.consistent || r + w > s.n);
}

/** One right answer, the reference solution's (the same rule as its source below). */
export function referenceQuorum(s: QuorumScenario): { r: number; w: number } {
  const k = s.mustAnswer.length;
  if (!s.consistent) return { r: k, w: k };
  if (s.reads && !s.writes) return { r: k, w: s.n - k + 1 };
  if (s.writes && !s.reads) return { r: s.n - k + 1, w: k };
  return { r: k, w: k };
}

const sideText = (side: string[]) => `{${side.join(', ')}}`;
const needText = (s: QuorumScenario) => (s.reads && s.writes ? 'reads and writes' : s.reads ? 'reads' : 'writes');

export function scenarioInWords(s: QuorumScenario): string {
  return `N = ${s.n} replicas (${replicaNames(s.n).join(', ')}), partitioned into ${s.sides.map(sideText).join(' and ')}; the side ${sideText(s.mustAnswer)} must keep answering ${needText(s)}${s.consistent ? ', and every read must see the latest acknowledged write' : ', and stale reads are allowed'}`;
}

/**
 * The run's timeline: the partition from 500 to 3,000 ms; operations counted if invoked from 600 to 2,500 ms, so
 * each ends (answered, refused or timed out) before the heal. Two clients per replica, so that a side of one
 * replica still issues enough reads and writes to judge.
 */
const PARTITION = { atMs: 500, healAtMs: 3000 };
const WINDOW = { fromMs: 600, toMs: 2500 };
const CLIENTS_PER_REPLICA = 2;
/** The share of a side's required operations in the window that must be answered. */
export const ANSWERED_AT_LEAST = 0.9;

export interface QuorumRunOutcome {
  /** Per required kind, operations of the required side's clients invoked in the window, and how many were ok. */
  answered: { kind: 'reads' | 'writes'; issued: number; ok: number }[];
  stale: number;
  staleExample?: string;
}

/** Runs the Dynamo store with (r, w) through the scenario's partition. */
export function runQuorumScenario(s: QuorumScenario, r: number, w: number, seed: number): QuorumRunOutcome {
  const replicas = replicaNames(s.n);
  const run = runStore({
    seed,
    mode: 'dynamo',
    replicas,
    clients: replicas.flatMap((home, i) => Array.from({ length: CLIENTS_PER_REPLICA }, (_, j) => ({ id: `c${CLIENTS_PER_REPLICA * i + j + 1}`, home }))),
    quorum: { n: s.n, r, w },
    partition: { ...PARTITION, groups: [s.sides[0] as string[]] },
    workload: { keys: ['x'], timeoutMs: 300 },
    untilMs: 4000,
  });
  const required = new Set(s.mustAnswer);
  const inWindow = run.history.filter((op) => op.invokeMs >= WINDOW.fromMs && op.invokeMs <= WINDOW.toMs && run.sideOf(op.client).split(', ').every((id) => required.has(id)));
  const kinds: ('reads' | 'writes')[] = [...(s.reads ? ['reads' as const] : []), ...(s.writes ? ['writes' as const] : [])];
  const answered = kinds.map((kind) => {
    const ops = inWindow.filter((op) => op.input.f === (kind === 'reads' ? 'get' : 'put'));
    return { kind, issued: ops.length, ok: ops.filter((op) => op.status === 'ok').length };
  });
  const stale = staleReads(run.history);
  const first = stale[0];
  const staleExample = first === undefined ? undefined : `${first.read.client} read ${JSON.stringify(first.read.output)} at ${first.read.invokeMs} ms, after ${first.newer.client}'s write of ${JSON.stringify((first.newer.input as { value: string }).value)} had been acknowledged at ${first.newer.returnMs} ms`;
  return { answered, stale: stale.length, staleExample };
}

/** The learner's choice for a scenario, checked for shape. */
function learnerChoice(fn: (scenario: QuorumScenario) => unknown, s: QuorumScenario): { r: number; w: number } {
  const got = fn(JSON.parse(JSON.stringify(s)) as QuorumScenario) as Partial<{ r: unknown; w: unknown }> | undefined;
  const valid = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= s.n;
  if (typeof got !== 'object' || got === null || !valid(got.r) || !valid(got.w)) {
    throw new WrongReturn(`For ${scenarioInWords(s)}, chooseQuorum returned ${JSON.stringify(got) ?? String(got)}; it must return { r, w }, two whole numbers from 1 to N = ${s.n}.`);
  }
  return { r: got.r as number, w: got.w as number };
}

/** Checks one scenario: the choice in a real run, then the reason in words if it failed. */
export function scenarioVerdict(s: QuorumScenario, r: number, w: number, seed: number): CheckVerdict {
  const where = `For ${scenarioInWords(s)}, you chose R = ${r}, W = ${w}.`;
  const k = s.mustAnswer.length;
  const outcome = runQuorumScenario(s, r, w, seed);
  for (const a of outcome.answered) {
    if (a.issued > 0 && a.ok >= ANSWERED_AT_LEAST * a.issued) continue;
    const quorum = a.kind === 'reads' ? `R = ${r}` : `W = ${w}`;
    return { passed: false, feedback: `${where} In the store run (seed ${seed}), the clients of ${sideText(s.mustAnswer)} got ${a.ok} of their ${a.issued} ${a.kind} answered during the partition. A ${a.kind === 'reads' ? 'read' : 'write'} waits for ${quorum} replies, and that side has only ${k} replica${k === 1 ? '' : 's'} to give them.` };
  }
  if (s.consistent && r + w <= s.n) {
    const shown = outcome.stale > 0 ? `The run shows it: ${outcome.stale} stale read${outcome.stale === 1 ? '' : 's'}, e.g. ${outcome.staleExample}.` : 'This run happened to show no stale read, but nothing prevents one.';
    return { passed: false, feedback: `${where} R + W = ${r + w} is not more than N = ${s.n}: a read quorum of ${r} and a write quorum of ${w} can be disjoint, so a read can miss the latest acknowledged write. ${shown}` };
  }
  if (s.consistent && outcome.stale > 0) return { passed: false, feedback: `${where} The run (seed ${seed}) had ${outcome.stale} stale read${outcome.stale === 1 ? '' : 's'}, e.g. ${outcome.staleExample}.` };
  return { passed: true, feedback: '' };
}

const SCENARIO_TYPE = `// One scenario. Replicas a, b, …; every key is stored on all N = n of them.
export interface QuorumScenario {
  n: number;
  sides: string[][];        // the two sides of the partition
  mustAnswer: string[];     // the side whose clients must keep getting answers during the partition
  reads: boolean;           // … to their reads
  writes: boolean;          // … to their writes
  consistent: boolean;      // every read must return the latest acknowledged write (or newer)
}
`;

const QUORUM_STARTER = `${SCENARIO_TYPE}
// Return R (replies a read waits for) and W (acknowledgements a write waits for), each from 1 to n.
export function chooseQuorum(s: QuorumScenario): { r: number; w: number } {
  return { r: 1, w: 1 };
}
`;

const QUORUM_REFERENCE = `${SCENARIO_TYPE}
export function chooseQuorum(s: QuorumScenario): { r: number; w: number } {
  // During the partition the side hears only its own k replicas: what it must answer waits for at most k.
  const k = s.mustAnswer.length;
  if (!s.consistent) return { r: k, w: k };
  // Consistency needs every read quorum to meet every write quorum, r + w > n: keep the quorum the side needs at
  // k and raise the other one just enough. (A side that must do both consistently is a majority: k + k > n.)
  if (s.reads && !s.writes) return { r: k, w: s.n - k + 1 };
  if (s.writes && !s.reads) return { r: s.n - k + 1, w: k };
  return { r: k, w: k };
}
`;

type ChooseQuorum = (scenario: QuorumScenario) => unknown;

export const partitionQuorum = defineExercise({
  id: 'consistency/partition-quorum',
  title: 'Choose R and W for a partition',
  kind: 'code',
  signature: 'chooseQuorum(s: QuorumScenario): { r: number; w: number }',
  exportName: 'chooseQuorum',
  generate(rng): PartitionQuorumParams {
    const scenario = drawScenario(rng);
    const moreSeeds = drawMoreSeeds(rng, scenario, 5);
    return { scenario, moreSeeds, runSeed: rng.int(1, 1_000_000) };
  },
  prompt: (p) => ({
    text: `A Dynamo-style store keeps every key on all N replicas; a read waits for R replies and a write for W acknowledgements, and an operation that cannot get them is refused or times out. Write \`chooseQuorum(s)\`, which picks R and W for a scenario: a partition splits the replicas into two sides, one side's clients must keep getting answers to their reads, their writes, or both while it lasts, and, when \`s.consistent\` is true, every read must return the latest acknowledged write or something newer. Your function is called on this scenario:\n\n- ${scenarioInWords(p.scenario)}\n\nand on ${p.moreSeeds.length} more drawn the same way (every one has a solution, and at least one of all ${p.moreSeeds.length + 1} asks a side without a majority of the replicas to keep answering). Each choice runs in the lab's Dynamo store through that partition (from 500 to 3,000 ms, with two clients per replica), and passes when the required side's clients got at least ${ANSWERED_AT_LEAST * 100}% of the required operations answered during the partition and, where consistency is asked, the quorums guarantee it and the run has no stale read.`,
  }),
  starter: () => QUORUM_STARTER,
  reference: () => QUORUM_REFERENCE,
  hints: () => [
    'During the partition the side can only hear from its own replicas: an operation it must answer can wait for no more replies than the side has.',
    'A read sees the latest acknowledged write when every read quorum shares a replica with every write quorum: R + W > N. Keep the quorum the side needs small and make the other one large.',
  ],
  async checks(p, fn, ctx) {
    const choose = fn as unknown as ChooseQuorum;
    const scenarios = [p.scenario, ...p.moreSeeds.map((seed) => drawScenario(new Random(seed)))];
    const checks: Check[] = [];
    for (const [i, s] of scenarios.entries()) {
      const name = i === 0 ? 'this scenario' : `scenario ${i + 1}`;
      checks.push(await ctx.check(name, () => guarded(() => {
        const { r, w } = learnerChoice(choose, s);
        return scenarioVerdict(s, r, w, p.runSeed + i);
      })));
    }
    return checks;
  },
  solution: (p) => ({
    text: `\`\`\`ts\n${QUORUM_REFERENCE.slice(SCENARIO_TYPE.length + 1)}\`\`\`\n\nFor this scenario that gives R = ${referenceQuorum(p.scenario).r}, W = ${referenceQuorum(p.scenario).w}, one of the right answers. The side's size bounds the quorum of every operation it must answer; consistency then fixes the other quorum from below, R + W > N, which is Dynamo's (and Gifford's) intersection rule. The price shows on the other operation: with reads kept available on a minority side, writes need so many acknowledgements that nobody can write during the partition, and with writes kept available, reads stop instead. Both at once, consistently, is possible only on a majority side (2k > N), and then the minority side can do neither: CAP in numbers.`,
  }),
});
