/**
 * The gallery of separating histories: for each step down the hierarchy of consistency models, a history of three
 * to eight operations that the weaker model admits and the stronger one refuses, with the reason in plain words.
 * The chapter draws them and runs both checkers on each; the tests check that both verdicts are what the entry says.
 *
 * The hierarchy, strongest first: linearizability (Herlihy and Wing 1990), sequential consistency (Lamport 1979),
 * causal consistency (Ahamad et al. 1995), PRAM (Lipton and Sandberg 1988), and agreement at quiescence, what a
 * finite history shows of eventual consistency. The session guarantees of Terry et al. (1994), each client's
 * servers with their own order of the writes (session.ts), sit inside it: all four together are exactly causal
 * memory (Brzeziński, Sobaniec and Wawrzyniak 2004), and PRAM implies read your writes, monotonic reads and
 * monotonic writes, which are strictly weaker than PRAM. One entry per guarantee shows that the other three do not
 * imply it; one shows the three without writes follow reads admitting what PRAM refuses; the last shows all four
 * admitting what sequential consistency refuses.
 *
 * Also here: a seeded generator of small random read/write histories and a search for a history that separates any
 * two models, so that a reader can ask for a new example instead of trusting ours.
 */
import { Random } from '../sim/random';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from './data-types';
import type { History, Operation, OpStatus } from './history';
import { checkLinearizability } from './linearizability';
import { kvModel, registerModel } from './models';
import { checkCausalConsistency, checkPram } from './causal';
import { checkSequentialConsistency, type CheckOptions, type Verdict } from './sequential';
import { SESSION_GUARANTEES, SESSION_GUARANTEE_NAMES, checkConvergence, checkSessionGuarantees, type SessionGuarantee } from './session';

/** A register or key-value history, as the gallery and the generator make them. */
export type MemoryHistoryInput = History<RegisterInput | KvInput, RegisterOutput | KvOutput>;

/**
 * One entry of the gallery.
 *
 * - `id`: stable, kebab-case (for links and figure names).
 * - `history`: three to eight operations; written values are unique, so every read names the write it read.
 * - `admittedBy`, `refusedBy`: model names, keys of `MODEL_CHECKERS` (the second is the stronger model, or the
 *   guarantee the history breaks).
 * - `explanation`: why, in our words, naming operations by id (`op 3`).
 */
export interface GalleryEntry {
  id: string;
  title: string;
  history: MemoryHistoryInput;
  admittedBy: string;
  refusedBy: string;
  explanation: string;
}

/** What the gallery needs of a checker's result (every checker of this lab answers at least this). */
export interface ModelVerdict {
  verdict: Verdict;
  model: string;
  explanation: string;
}

const isKv = (history: History) => history.some((op) => typeof (op.input as { key?: unknown } | null)?.key === 'string');

/**
 * A checker for every non-empty set of session guarantees, by the name its results carry (the guarantees' names
 * joined with ` + ` in the order of `SESSION_GUARANTEES`, e.g. `monotonic reads + monotonic writes`).
 */
function sessionCheckers(): Record<string, (history: History, options?: CheckOptions) => ModelVerdict> {
  const checkers: Record<string, (history: History, options?: CheckOptions) => ModelVerdict> = {};
  for (let mask = 1; mask < 1 << SESSION_GUARANTEES.length; mask++) {
    const which: SessionGuarantee[] = SESSION_GUARANTEES.filter((_, i) => (mask >> i) & 1);
    checkers[which.map((g) => SESSION_GUARANTEE_NAMES[g]).join(' + ')] = (history, options) => checkSessionGuarantees(history, which, options);
  }
  return checkers;
}

/**
 * The checker of each model the gallery names, by the name its results carry: linearizability, sequential
 * consistency, causal consistency, PRAM, every non-empty set of session guarantees, and agreement at quiescence.
 * Linearizability and sequential consistency take the register or key-value model the history's operations call for.
 */
export const MODEL_CHECKERS: Record<string, (history: History, options?: CheckOptions) => ModelVerdict> = {
  linearizability: (history, options) =>
    isKv(history)
      ? checkLinearizability(history as History<KvInput, KvOutput>, kvModel, options)
      : checkLinearizability(history as History<RegisterInput, RegisterOutput>, registerModel, options),
  'sequential consistency': (history, options) =>
    isKv(history)
      ? checkSequentialConsistency(history as History<KvInput, KvOutput>, kvModel, options)
      : checkSequentialConsistency(history as History<RegisterInput, RegisterOutput>, registerModel, options),
  'causal consistency': checkCausalConsistency,
  PRAM: checkPram,
  ...sessionCheckers(),
  'agreement at quiescence': checkConvergence,
};

/** The four session guarantees together, and each set of three, by their checkers' names. */
const ALL_FOUR = 'read your writes + monotonic reads + writes follow reads + monotonic writes';
const WITHOUT_RYW = 'monotonic reads + writes follow reads + monotonic writes';
const WITHOUT_MR = 'read your writes + writes follow reads + monotonic writes';
const WITHOUT_WFR = 'read your writes + monotonic reads + monotonic writes';
const WITHOUT_MW = 'read your writes + monotonic reads + writes follow reads';

/** The checker for a model name of `MODEL_CHECKERS`, or a clear error listing the names. */
export function checkerFor(model: string): (history: History, options?: CheckOptions) => ModelVerdict {
  const checker = MODEL_CHECKERS[model];
  if (!checker) throw new TypeError(`no checker for the model ${JSON.stringify(model)}; known models: ${Object.keys(MODEL_CHECKERS).join(', ')}`);
  return checker;
}

/** Both verdicts on one entry: what its `admittedBy` and `refusedBy` checkers answer. */
export function judgeGalleryEntry(entry: GalleryEntry, options?: CheckOptions): { admitted: ModelVerdict; refused: ModelVerdict } {
  return { admitted: checkerFor(entry.admittedBy)(entry.history, options), refused: checkerFor(entry.refusedBy)(entry.history, options) };
}

type Step = [client: string, input: RegisterInput | KvInput, output: RegisterOutput | KvOutput | undefined, invokeMs: number, returnMs: number, status?: OpStatus];

/** A history from rows `[client, input, output, invokeMs, returnMs, status?]`, numbered 0, 1, 2, … in row order. */
export function historyFromRows(steps: Step[]): MemoryHistoryInput {
  return steps.map(([client, input, output, invokeMs, returnMs, status = 'ok'], id) => {
    const op: Operation<RegisterInput | KvInput, RegisterOutput | KvOutput> = { id, client, input, status, invokeMs };
    if (status !== 'info') op.returnMs = returnMs;
    if (status === 'ok') op.output = output;
    return op;
  });
}

const write = (value: RegisterValue): RegisterInput => ({ f: 'write', value });
const read: RegisterInput = { f: 'read' };
const put = (key: string, value: string): KvInput => ({ f: 'put', key, value });
const get = (key: string): KvInput => ({ f: 'get', key });

/** The gallery, strongest separation first. */
export function consistencyGallery(): GalleryEntry[] {
  return [
    {
      id: 'stale-read',
      title: 'A stale read: sequential, not linearizable',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['b', read, null, 20, 30],
      ]),
      admittedBy: 'sequential consistency',
      refusedBy: 'linearizability',
      explanation:
        'Client b reads (op 1) after a\'s write of 1 (op 0) has returned, and still finds the register unset. Linearizability forbids it: op 0 ended before op 1 began, so it must take effect first. Sequential consistency only keeps each client\'s own order, and the order op 1, op 0 is legal.',
    },
    {
      id: 'later-write-first',
      title: 'A later write takes effect first: sequential, not linearizable',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['b', write(2), null, 20, 30],
        ['a', read, 1, 40, 50],
      ]),
      admittedBy: 'sequential consistency',
      refusedBy: 'linearizability',
      explanation:
        'Herlihy and Wing (1990) separate the two conditions with a queue in which an item enqueued later comes out first; this is the same idea on a register. Client b writes 2 (op 1) after a\'s write of 1 (op 0) has returned, yet a then reads 1 (op 2). In real time op 1 lies between op 0 and op 2, so linearizability needs 2. Sequential consistency may run b\'s write first: op 1, op 0, op 2 keeps each client\'s order and is legal.',
    },
    {
      id: 'store-buffering',
      title: 'Both flags unseen (Lamport 1979): causal, not sequential',
      history: historyFromRows([
        ['a', put('x', '1'), null, 0, 10],
        ['b', put('y', '1'), null, 0, 10],
        ['a', get('y'), '', 20, 30],
        ['b', get('x'), '', 20, 30],
      ]),
      admittedBy: 'causal consistency',
      refusedBy: 'sequential consistency',
      explanation:
        'The example behind Lamport\'s definition of sequential consistency (1979), where two processes each raise a flag and then look at the other\'s. Client a sets x (op 0) and then finds y empty (op 2); b sets y (op 1) and then finds x empty (op 3). In any single order one of the puts comes first, and the other client\'s later get would see it. Causal memory lets each client see its own put first: nothing orders op 0 and op 1, so a\'s view may put op 1 after op 2, and b\'s may put op 0 after op 3.',
    },
    {
      id: 'concurrent-writes-disagree',
      title: 'Two readers see concurrent writes in opposite orders: causal, not sequential',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['b', write(2), null, 0, 10],
        ['c', read, 1, 20, 30],
        ['d', read, 2, 20, 30],
        ['c', read, 2, 40, 50],
        ['d', read, 1, 40, 50],
      ]),
      admittedBy: 'causal consistency',
      refusedBy: 'sequential consistency',
      explanation:
        'Client c sees 1 then 2 (op 2, op 4); d sees 2 then 1 (op 3, op 5). One order of all operations would have to put op 0 before op 1 for c and op 1 before op 0 for d. The writes are concurrent (neither client read anything before writing), so causal memory lets each reader order them its own way.',
    },
    {
      id: 'effect-before-cause',
      title: 'A reply seen before its question: PRAM, not causal',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['b', read, 1, 20, 30],
        ['b', write(2), null, 40, 50],
        ['c', read, 2, 60, 70],
        ['c', read, 1, 80, 90],
      ]),
      admittedBy: 'PRAM',
      refusedBy: 'causal consistency',
      explanation:
        'Client b read 1 (op 1) before writing 2 (op 2), so op 2 causally follows a\'s write of 1 (op 0). Client c reads 2 (op 3) and then 1 (op 4): in its view op 0 comes after op 2, against the causal order, so causal memory refuses. PRAM asks only that each writer\'s own writes be seen in order; a and b wrote one value each, so c\'s view op 2, op 3, op 0, op 4 is fine. Among the session guarantees it is writes follow reads, with monotonic reads, that refuses it.',
    },
    {
      id: 'writes-follow-reads',
      title: 'A reply seen, then its post missing (Terry et al. 1994 §3.3): PRAM, not causal; the other three guarantees, not writes follow reads',
      history: historyFromRows([
        ['c', put('x', 'post'), null, 0, 10],
        ['a', get('x'), 'post', 20, 30],
        ['a', put('y', 'reply'), null, 40, 50],
        ['b', get('y'), 'reply', 60, 70],
        ['b', get('x'), '', 80, 90],
      ]),
      admittedBy: WITHOUT_WFR,
      refusedBy: ALL_FOUR,
      explanation:
        'Terry et al. motivate writes follow reads with a bulletin board. Client a reads the post (op 1) and then writes a reply (op 2); b reads the reply (op 3) and then finds no post (op 4). Writes follow reads makes whatever op 1 saw, the post (op 0), visible wherever the reply is, so op 3 sees it; monotonic reads keeps it visible to op 4, which cannot then return empty. Read your writes, monotonic reads and monotonic writes say nothing about a\'s reply depending on what a read, and neither does PRAM: b may see a\'s put without c\'s. Causal memory refuses it, as op 0 → op 1 → op 2 is a causal chain.',
    },
    {
      id: 'pram-not-three-guarantees',
      title: 'A client\'s servers apply its write before the one it had read: read your writes, monotonic reads and monotonic writes, not PRAM',
      history: historyFromRows([
        ['c', write(1), null, 0, 10],
        ['d', read, 1, 20, 30],
        ['d', write(2), null, 40, 50],
        ['d', read, 1, 60, 70],
      ]),
      admittedBy: WITHOUT_WFR,
      refusedBy: 'PRAM',
      explanation:
        'Client d reads 1 (op 1), writes 2 (op 2) and reads 1 again (op 3). Read your writes makes op 2 visible to op 3 and monotonic reads keeps op 0 visible, so d\'s servers must apply op 2 before op 0; nothing in those three guarantees forbids it, since Terry\'s order of the writes need not follow what a client read. PRAM gives d one view that keeps d\'s own order: op 0 before op 1, op 1 before op 2, op 2 before op 3, so op 3 would return 2. Writes follow reads would put op 0 before op 2 too: with all four guarantees the history is refused, as it is by causal memory.',
    },
    {
      id: 'read-your-writes',
      title: 'A client misses its own write: the other three guarantees, not read your writes',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['a', read, null, 20, 30],
        ['b', read, 1, 20, 30],
      ]),
      admittedBy: WITHOUT_RYW,
      refusedBy: ALL_FOUR,
      explanation:
        'Client a writes 1 (op 0) and then finds the register unset (op 1), as if its read went to a server its write had not reached. Read your writes demands op 0 be visible to op 1, which then cannot return the initial value. The other three guarantees have nothing to say: a\'s read comes after no read, b\'s read (op 2) shows that the write took effect elsewhere, and nobody writes after reading.',
    },
    {
      id: 'monotonic-reads',
      title: 'Reads go back in time: the other three guarantees, not monotonic reads',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['b', read, 1, 20, 30],
        ['b', read, null, 40, 50],
      ]),
      admittedBy: WITHOUT_MR,
      refusedBy: ALL_FOUR,
      explanation:
        'Client b reads 1 (op 1) and then finds the register unset (op 2), as if its second read went to a server further behind. Monotonic reads keeps op 0 visible to op 2 once op 1 saw it, and then op 2 cannot return the initial value. Read your writes concerns only a client\'s own writes, and b wrote nothing; a wrote once and never read.',
    },
    {
      id: 'monotonic-writes',
      title: 'A writer\'s second put seen without its first: the other three guarantees, not monotonic writes',
      history: historyFromRows([
        ['a', put('y', '1'), null, 0, 10],
        ['a', put('x', '2'), null, 20, 30],
        ['b', get('x'), '2', 40, 50],
        ['b', get('y'), '', 60, 70],
      ]),
      admittedBy: WITHOUT_MW,
      refusedBy: ALL_FOUR,
      explanation:
        'Client a puts y (op 0) and then x (op 1); b reads a\'s x (op 2) and then finds y empty (op 3). Terry et al. ask that a server holding a session\'s later write hold its earlier ones, so op 0 is visible to op 2, and monotonic reads keeps it visible to op 3, which cannot then return empty. Without monotonic writes, op 2 may see op 1 alone. Each guarantee taken alone admits the history too: monotonic writes needs monotonic reads to carry op 0 to op 3. PRAM refuses it, as b\'s view must keep a\'s order.',
    },
    {
      id: 'read-write-cycle',
      title: 'Each client writes what made the other write: PRAM, not writes follow reads',
      history: historyFromRows([
        ['a', read, 2, 0, 10],
        ['a', write(1), null, 20, 30],
        ['b', read, 1, 0, 10],
        ['b', write(2), null, 20, 30],
      ]),
      admittedBy: 'PRAM',
      refusedBy: 'writes follow reads',
      explanation:
        'Client a reads 2 (op 0) before writing 1 (op 1); b reads 1 (op 2) before writing 2 (op 3). Writes follow reads makes what b\'s read saw, op 1, visible wherever op 3 is, so a\'s read op 0 would see a\'s own write op 1 before a issued it. PRAM only asks each view to keep each writer\'s order, and a view may put the other client\'s write before the client\'s own read. Causal memory refuses it as well: its causal order is a cycle.',
    },
    {
      id: 'converges-but-goes-back',
      title: 'Agrees in the end, but reads go back meanwhile: agreement at quiescence, not PRAM',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['a', write(2), null, 20, 30],
        ['b', read, 2, 22, 24],
        ['b', read, 1, 26, 28],
        ['a', read, 2, 40, 42],
        ['b', read, 2, 40, 44],
      ]),
      admittedBy: 'agreement at quiescence',
      refusedBy: 'PRAM',
      explanation:
        'After a\'s last write (op 1) has returned, both final reads (op 4, op 5) return 2: the replicas agree, which is all that eventual consistency promises and all a finite history can show of it. On the way, b read 2 (op 2) and then 1 (op 3), seeing a\'s writes out of the order a issued them; PRAM (and monotonic reads) refuse that.',
    },
    {
      id: 'causal-not-one-write-order',
      title: 'Each client reads the other\'s write after its own: causal and all four session guarantees, not sequential',
      history: historyFromRows([
        ['a', write(1), null, 0, 10],
        ['b', write(2), null, 0, 10],
        ['a', read, 2, 20, 30],
        ['b', read, 1, 20, 30],
      ]),
      admittedBy: ALL_FOUR,
      refusedBy: 'sequential consistency',
      explanation:
        'Each client writes and then reads the other\'s value: a reads 2 (op 2), b reads 1 (op 3). One order of all operations would need op 1 between op 0 and op 2, and op 0 between op 1 and op 3, so each write before the other. Terry\'s servers may each apply concurrent writes in their own order: a\'s servers apply op 0 and then op 1, b\'s op 1 and then op 0, and every guarantee holds (a sees its own write, then the later one). Causal memory admits it for the same reason: the writes are concurrent.',
    },
  ];
}

/** Options of `randomSmallHistory`. */
export interface SmallHistoryOptions {
  /** 2 or 3 clients are typical; default 3. */
  clients?: number;
  /** Operations in total; default 6. */
  operations?: number;
  /** Share of writes; default 0.45. */
  writeFraction?: number;
  /** With keys (`x`, `y`, …), a key-value history; without, a register history. */
  keys?: number;
  /** Probability that a write is indeterminate (`info`); default 0.1. A fifth of those reads fail instead. */
  infoProbability?: number;
}

/**
 * A small random history with unique written values (1, 2, 3, … in order of writing, as strings for keys): each
 * client issues operations one at a time, with at least a millisecond between them (so that a client's order is
 * also real-time order for every checker); each read returns the initial value or a value some write of the history
 * writes, chosen at random (even one written later, which only the weakest models admit). Most such histories are
 * not linearizable and many are not even PRAM, so they exercise both verdicts of every checker. Seeded: the same
 * seed and options give the same history.
 */
export function randomSmallHistory(seed: number | string, options: SmallHistoryOptions = {}): MemoryHistoryInput {
  const random = new Random(seed);
  const clients = options.clients ?? 3;
  const operations = options.operations ?? 6;
  const writeFraction = options.writeFraction ?? 0.45;
  const keyCount = options.keys ?? 0;
  const infoProbability = options.infoProbability ?? 0.1;
  const keys = Array.from({ length: Math.max(1, keyCount) }, (_, i) => String.fromCharCode(120 + i));
  const plan = Array.from({ length: operations }, () => ({
    client: random.int(0, clients - 1),
    isWrite: random.chance(writeFraction),
    key: random.pick(keys),
    choice: random.next(),
    odd: random.next(),
    gapMs: random.int(1, 3),
    durationMs: random.int(1, 6),
  }));
  const written = new Map<string, number[]>();
  let counter = 0;
  const values = plan.map((step) => {
    if (!step.isWrite) return 0;
    counter += 1;
    written.set(step.key, [...(written.get(step.key) ?? []), counter]);
    return counter;
  });
  const clock = Array.from({ length: clients }, () => 0);
  return plan.map((step, id) => {
    const client = `c${step.client + 1}`;
    const invokeMs = (clock[step.client] as number) + step.gapMs;
    const returnMs = invokeMs + step.durationMs;
    clock[step.client] = returnMs;
    const value = values[id] as number;
    const op: Operation<RegisterInput | KvInput, RegisterOutput | KvOutput> = step.isWrite
      ? { id, client, input: keyCount > 0 ? put(step.key, String(value)) : write(value), status: 'ok', invokeMs }
      : { id, client, input: keyCount > 0 ? get(step.key) : read, status: 'ok', invokeMs };
    if (step.isWrite && step.odd < infoProbability) {
      op.status = 'info';
      return op;
    }
    if (!step.isWrite && step.odd < infoProbability / 5) {
      op.status = 'fail';
      op.returnMs = returnMs;
      return op;
    }
    op.returnMs = returnMs;
    if (step.isWrite) op.output = null;
    else {
      const choices = written.get(step.key) ?? [];
      const pick = Math.floor(step.choice * (choices.length + 1));
      const chosen = pick === 0 ? undefined : choices[pick - 1];
      op.output = keyCount > 0 ? (chosen === undefined ? '' : String(chosen)) : (chosen ?? null);
    }
    return op;
  });
}

/**
 * Search seeds `0, 1, 2, …` (at most `attempts`) for a random small history that `admittedBy` admits and `refusedBy`
 * refuses (both checkers run with `options`); `undefined` if none turns up. The chapter uses it to let a reader ask
 * for a fresh separating example.
 */
export function findSeparatingHistory(
  admittedBy: string,
  refusedBy: string,
  search: SmallHistoryOptions & { attempts?: number; seed?: number } = {},
  options?: CheckOptions,
): { seed: number | string; history: MemoryHistoryInput } | undefined {
  const admit = checkerFor(admittedBy);
  const refuse = checkerFor(refusedBy);
  const attempts = search.attempts ?? 1000;
  for (let i = 0; i < attempts; i++) {
    const seed = `${search.seed ?? 0}:${i}`;
    const history = randomSmallHistory(seed, search);
    if (admit(history, options).verdict === 'ok' && refuse(history, options).verdict === 'violation') return { seed, history };
  }
  return undefined;
}
