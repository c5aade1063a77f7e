/**
 * The session guarantees of Terry, Demers, Petersen, Spreitzer, Theimer and Welch (1994, "Session guarantees for
 * weakly consistent replicated data", PDIS, §3), and convergence, the checkable part of eventual consistency.
 *
 * Terry et al. state the guarantees about servers: each server holds a set of writes (its database) ordered by one
 * global write order, and a read returns what its server's writes, in that order, leave. On a history, which records
 * only what clients saw, this becomes the formulation of Viotti and Vukolić (2016, "Consistency in non-transactional
 * distributed storage systems", ACM CSUR 49(1), §3): a history satisfies a set of guarantees when some abstract
 * execution explains it, that is
 *
 * - an arbitration: one total order of all the writes (Terry's write order), and
 * - a visibility: for each read, the set of writes visible to it (its server's database when it ran),
 *
 * such that every read returns the value of the arbitration-last visible write to its key (the initial value when
 * none is visible), and the constraints of the chosen guarantees hold:
 *
 * - read your writes (§3.1): every write of a client is visible to each later read of that client;
 * - monotonic reads (§3.2): whatever was visible to a read of a client stays visible to its later reads;
 * - writes follow reads (§3.3): a write that follows a read in a session is arbitrated after every write visible to
 *   that read;
 * - monotonic writes (§3.4): a client's writes are arbitrated in its session order.
 *
 * Terry et al. also ask, for the last two, that the earlier writes be visible wherever the later one is. For a
 * register that changes no read's value (those writes are arbitrated before a write that is visible anyway), so it
 * is left out, as Viotti and Vukolić leave it out.
 *
 * Two consequences a reader should know. Monotonic writes on its own admits every history whose reads return
 * written values (let each read see only the write it returned); it bites only together with a guarantee that forces
 * visibility, which is why `checkSessionGuarantees` checks a set of guarantees on one shared execution, not each
 * alone. And the guarantees say nothing about real time or about a read that returns what its own session writes
 * only later; causal consistency forbids that (its causal order would have a cycle).
 *
 * Because there is one arbitration for all clients, these guarantees are not implied by causal memory (causal.ts),
 * whose clients may order concurrent writes differently: the history "a writes 1, then reads 2; b writes 2, then
 * reads 1" is causal, yet read your writes needs 1 before 2 for a's read and 2 before 1 for b's. What causal memory
 * does imply is monotonic writes and writes follow reads together, and all four for any one client's reads (take
 * that client's view as the arbitration); the tests check exactly these claims.
 */
import type { History, Operation } from './history';
import { memoryHistory, shortestPath, thinAirExplanation, type MemoryAccess, type MemoryHistory } from './causal';
import { kvModel, registerModel } from './models';
import { BudgetExhausted, budgetFrom, listInWords, opLabel, sentence, validateHistory, type CheckOptions, type ConsistencyResult } from './sequential';

export type SessionGuarantee = 'read-your-writes' | 'monotonic-reads' | 'monotonic-writes' | 'writes-follow-reads';

/** The four guarantees, in the order Terry et al. present them (§3.1 to §3.4). */
export const SESSION_GUARANTEES: readonly SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'writes-follow-reads', 'monotonic-writes'];

/** Each guarantee in plain words; a set of them is named by joining these with ` + `. */
export const SESSION_GUARANTEE_NAMES: Record<SessionGuarantee, string> = {
  'read-your-writes': 'read your writes',
  'monotonic-reads': 'monotonic reads',
  'writes-follow-reads': 'writes follow reads',
  'monotonic-writes': 'monotonic writes',
};

/**
 * The witness of the session guarantees: an arbitration (write op ids, first to last) and, for each read (by op
 * id), the op ids of the writes visible to it. The visibility is the least one the guarantees demand.
 */
export interface SessionWitness {
  arbitration: number[];
  visibility: Record<number, number[]>;
}

/** One constraint on the arbitration: `before` must precede `after`, and why, in words. */
interface Precedence {
  before: number;
  after: number;
  why: string;
}

/**
 * Whether some arbitration and visibility satisfy the chosen guarantees (see the module comment) on a register or
 * key-value history with unique written values.
 *
 * No search is needed. Every guarantee asks some writes to be visible to some reads; the least visibility that
 * meets those demands (each read sees the write it returned, plus what read your writes and monotonic reads add,
 * computed along each session) is the best choice, because every other rule only forbids visible writes: a read
 * returning the initial value must see no write of its key; a read returning write s must see no write of its key
 * arbitrated after s; a write after a read must be arbitrated after what the read saw. Given that visibility, the
 * rules are precedences between writes, and an arbitration exists exactly when they form no cycle. A violation is a
 * read that must see a write although it returned the initial value, or the shortest cycle, each link with its
 * reason. `stats.steps` counts visibility entries, precedences and graph visits against `maxSteps`.
 */
export function checkSessionGuarantees(history: History, which: readonly SessionGuarantee[], options?: CheckOptions): ConsistencyResult<SessionWitness> {
  if (!Array.isArray(which) || which.length === 0) throw new TypeError(`checkSessionGuarantees: name at least one of ${listInWords(SESSION_GUARANTEES.map((g) => `'${g}'`))}`);
  for (const g of which) {
    if (!SESSION_GUARANTEES.includes(g)) throw new TypeError(`checkSessionGuarantees: unknown guarantee ${JSON.stringify(g)}; expected one of ${listInWords(SESSION_GUARANTEES.map((s) => `'${s}'`))}`);
  }
  const chosen = new Set(which);
  const model = SESSION_GUARANTEES.filter((g) => chosen.has(g)).map((g) => SESSION_GUARANTEE_NAMES[g]).join(' + ');
  const mh = memoryHistory(history, 'checkSessionGuarantees');
  const budget = budgetFrom(options);
  const result = (verdict: ConsistencyResult['verdict'], explanation: string, witness?: SessionWitness): ConsistencyResult<SessionWitness> => ({
    verdict,
    model,
    explanation: sentence(explanation),
    ...(witness ? { witness } : {}),
    stats: { steps: budget.steps },
  });
  if (mh.thinAir.length > 0) return result('violation', thinAirExplanation(mh));
  try {
    return decide(mh, chosen, model, budget, result);
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    return result('inconclusive', `Gave up after ${budget.maxSteps} steps (maxSteps) while building the visibility and the write order; raise maxSteps to finish.`);
  }
}

function decide(
  mh: MemoryHistory,
  chosen: Set<SessionGuarantee>,
  model: string,
  budget: ReturnType<typeof budgetFrom>,
  result: (verdict: ConsistencyResult['verdict'], explanation: string, witness?: SessionWitness) => ConsistencyResult<SessionWitness>,
): ConsistencyResult<SessionWitness> {
  const access = (i: number) => mh.accesses[i] as MemoryAccess;
  // The least visibility, with the reason each write is in it.
  const visible = new Map<number, Map<number, string>>();
  const precedences: Precedence[] = [];
  for (const [client, session] of mh.sessions) {
    const ownWrites: MemoryAccess[] = [];
    let previousRead: MemoryAccess | undefined;
    const readsSoFar: MemoryAccess[] = [];
    for (const a of session) {
      if (a.kind === 'write') {
        // Session order is `sessionBefore`: a write whose outcome the client never learned (info) follows the
        // client's earlier writes but constrains nothing after it, for monotonic writes and read your writes alike.
        if (chosen.has('monotonic-writes') && ownWrites.length > 0) {
          const last = ownWrites[ownWrites.length - 1] as MemoryAccess;
          precedences.push({ before: last.index, after: a.index, why: `${client} wrote ${last.label} before ${a.label} (monotonic writes)` });
        }
        if (chosen.has('writes-follow-reads')) {
          for (const read of readsSoFar) {
            for (const [w, reason] of visible.get(read.index) as Map<number, string>) {
              budget.tick();
              precedences.push({ before: w, after: a.index, why: `${access(w).label} is visible to ${read.label} (${reason}), which ${client} issued before ${a.label} (writes follow reads)` });
            }
          }
        }
        if (a.op.status !== 'info') ownWrites.push(a);
        continue;
      }
      const sees = new Map<number, string>();
      if (a.source !== null) sees.set(a.source, 'the write it read');
      if (chosen.has('read-your-writes')) {
        for (const w of ownWrites) if (!sees.has(w.index)) sees.set(w.index, `${client} wrote it earlier: read your writes`);
      }
      if (chosen.has('monotonic-reads') && previousRead !== undefined) {
        for (const w of (visible.get(previousRead.index) as Map<number, string>).keys()) {
          if (!sees.has(w)) sees.set(w, `it was visible to ${previousRead.label}, an earlier read of ${client}: monotonic reads`);
        }
      }
      budget.tick(sees.size);
      visible.set(a.index, sees);
      previousRead = a;
      readsSoFar.push(a);
    }
  }

  // Return values: no visible write of the read's key may come after the one it returned.
  for (const [r, sees] of visible) {
    const read = access(r);
    for (const [w, reason] of sees) {
      const write = access(w);
      if (write.key !== read.key || w === read.source) continue;
      if (read.source === null) {
        return result('violation', `${read.label} returned the initial value (${mh.initialWords}), but ${write.label} must be visible to it (${reason}), so under ${model} it would have returned at least that write.`);
      }
      budget.tick();
      precedences.push({ before: w, after: read.source, why: `${write.label} is visible to ${read.label} (${reason}), which returned the value of ${access(read.source).label}` });
    }
  }

  const writes = mh.accesses.filter((a) => a.kind === 'write').map((a) => a.index);
  const successors = mh.accesses.map(() => [] as number[]);
  const why = new Map<string, string>();
  for (const p of precedences) {
    if (p.before === p.after) {
      return result('violation', `${access(p.before).label} would have to be arbitrated before itself: ${p.why}.`);
    }
    const edge = `${p.before}>${p.after}`;
    if (why.has(edge)) continue;
    why.set(edge, p.why);
    (successors[p.before] as number[]).push(p.after);
  }

  // Kahn's algorithm; a write left over lies on or behind a cycle.
  const indegree = new Map<number, number>(writes.map((w) => [w, 0]));
  for (const w of writes) for (const next of successors[w] as number[]) indegree.set(next, (indegree.get(next) as number) + 1);
  const arbitration: number[] = [];
  const ready = writes.filter((w) => indegree.get(w) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const w = ready.shift() as number;
    budget.tick();
    arbitration.push(w);
    for (const next of successors[w] as number[]) {
      const left = (indegree.get(next) as number) - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (arbitration.length < writes.length) {
    let cycle: number[] | undefined;
    for (const w of writes) {
      if (arbitration.includes(w)) continue;
      budget.tick(writes.length);
      const found = shortestPath(successors, w, w);
      if (found && (cycle === undefined || found.length < cycle.length)) cycle = found;
    }
    const links = (cycle as number[]).slice(1).map((after, i) => {
      const before = (cycle as number[])[i] as number;
      return `${access(before).label} must come before ${access(after).label}, because ${why.get(`${before}>${after}`) as string}`;
    });
    return result('violation', `No single order of the writes satisfies ${model}; the demands form a cycle: ${links.join('; ')}.`);
  }

  const visibility: Record<number, number[]> = {};
  for (const [r, sees] of visible) visibility[access(r).op.id] = [...sees.keys()].map((w) => access(w).op.id).sort((a, b) => a - b);
  const order = arbitration.map((w) => access(w).op.id);
  return result(
    'ok',
    writes.length === 0 && visible.size === 0
      ? `The history has no read or write that took effect, so ${model} holds trivially.`
      : `The write order ${order.length === 0 ? '(no writes)' : order.map((id) => `op ${id}`).join(', ')}, with each read seeing the writes ${model} demands, explains every read: each returns the latest visible write.`,
    { arbitration: order, visibility },
  );
}

/** Read your writes alone (Terry et al. 1994, §3.1); see `checkSessionGuarantees`. */
export function checkReadYourWrites(history: History, options?: CheckOptions): ConsistencyResult<SessionWitness> {
  return checkSessionGuarantees(history, ['read-your-writes'], options);
}

/** Monotonic reads alone (Terry et al. 1994, §3.2); see `checkSessionGuarantees`. */
export function checkMonotonicReads(history: History, options?: CheckOptions): ConsistencyResult<SessionWitness> {
  return checkSessionGuarantees(history, ['monotonic-reads'], options);
}

/**
 * Monotonic writes alone (Terry et al. 1994, §3.4). On its own it refuses only reads of values nobody wrote (see
 * the module comment); combine it with monotonic reads or read your writes in `checkSessionGuarantees`.
 */
export function checkMonotonicWrites(history: History, options?: CheckOptions): ConsistencyResult<SessionWitness> {
  return checkSessionGuarantees(history, ['monotonic-writes'], options);
}

/**
 * Writes follow reads alone (Terry et al. 1994, §3.3). On its own it refuses a cycle of reads and later writes
 * ("a read 2 then wrote 1; b read 1 then wrote 2"); with monotonic reads it also refuses a client that sees a write
 * without the write its writer had read.
 */
export function checkWritesFollowReads(history: History, options?: CheckOptions): ConsistencyResult<SessionWitness> {
  return checkSessionGuarantees(history, ['writes-follow-reads'], options);
}

/** The witness of convergence: when quiescence began, and the value the final reads agree on, per key. */
export interface ConvergenceWitness {
  quiescentFromMs: number;
  /** Key (`''` for the register) → the value every final read of it returned. */
  values: Record<string, unknown>;
}

/**
 * Convergence, the safety half of eventual consistency that a finite history can show (Terry et al. 1994, §2, on
 * the weakly consistent systems beneath the guarantees; Vogels 2009, "Eventually consistent", CACM 52(1)): once
 * writes stop, replicas agree. Checkable claim: every read that begins after the last write has ended (quiescence)
 * returns the same value, per key.
 *
 * A write's end is its response; for an indeterminate write it is its invocation, on the assumption that a run
 * which has gone quiet let it land or die (a write that lands later still would move quiescence, and no history can
 * show when). Any register or key-value operation counts (a compare-and-set or an append is a write). Which value
 * the reads agree on is not judged here (a lost write is a matter for the stores' metrics). No read after quiescence
 * → `inconclusive`: nothing shows convergence. `stats.steps` counts operations examined.
 */
export function checkConvergence(history: History, options?: CheckOptions): ConsistencyResult<ConvergenceWitness> {
  const model = 'eventual consistency (convergence)';
  const budget = budgetFrom(options);
  const result = (verdict: ConsistencyResult['verdict'], explanation: string, witness?: ConvergenceWitness): ConsistencyResult<ConvergenceWitness> => ({
    verdict,
    model,
    explanation: sentence(explanation),
    ...(witness ? { witness } : {}),
    stats: { steps: budget.steps },
  });
  // memoryHistory would demand unique values, which convergence does not need; the plain validation suffices.
  const labelOf = convergenceLabels(history);
  const checked = history;
  try {
    let quiescentFromMs = -Infinity;
    for (const op of checked) {
      budget.tick();
      if (op.status === 'fail' || isRead(op.input)) continue;
      quiescentFromMs = Math.max(quiescentFromMs, op.status === 'ok' ? (op.returnMs as number) : op.invokeMs);
    }
    const finalReads = new Map<string, { value: unknown; label: string }[]>();
    for (const op of checked) {
      budget.tick();
      if (op.status !== 'ok' || !isRead(op.input) || op.invokeMs < quiescentFromMs) continue;
      const key = keyOf(op.input);
      let reads = finalReads.get(key);
      if (!reads) finalReads.set(key, (reads = []));
      reads.push({ value: op.output, label: labelOf(op) });
    }
    const after = quiescentFromMs === -Infinity ? 'There are no writes, and' : `After the last write ended at ${quiescentFromMs} ms,`;
    if (finalReads.size === 0) {
      return result('inconclusive', `${after} no read began, so nothing shows whether the replicas converged.`);
    }
    const values: Record<string, unknown> = {};
    for (const [key, reads] of finalReads) {
      const first = reads[0] as { value: unknown; label: string };
      const other = reads.find((r) => !Object.is(r.value, first.value));
      if (other) {
        return result('violation', `${after} ${first.label} and ${other.label} still returned different values${key === '' ? '' : ` for key ${key}`}: the replicas did not converge.`);
      }
      values[key] = first.value;
    }
    const count = [...finalReads.values()].reduce((sum, reads) => sum + reads.length, 0);
    const reads = count === 1 ? 'the one read that began' : count === 2 ? 'both reads that began' : `all ${count} reads that began`;
    return result('ok', `${after} ${reads} returned the same value${finalReads.size > 1 ? ' per key' : ''}.`, {
      quiescentFromMs,
      values,
    });
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    return result('inconclusive', `Gave up after ${budget.maxSteps} steps (maxSteps) before every operation was examined.`);
  }
}

const READS = new Set(['read', 'get']);
const isRead = (input: unknown) => READS.has((input as { f: string }).f);
const keyOf = (input: unknown) => {
  const key = (input as { key?: unknown }).key;
  return typeof key === 'string' ? key : '';
};
/**
 * Validate a history for `checkConvergence` (well formed; all register or all key-value operations) and return
 * how explanations name its operations.
 */
function convergenceLabels(history: History): (op: Operation) => string {
  validateHistory(history, 'checkConvergence');
  const fs = new Set(history.map((op) => String((op.input as { f?: unknown }).f)));
  const register = [...fs].every((f) => f === 'read' || f === 'write' || f === 'cas');
  const kv = [...fs].every((f) => f === 'get' || f === 'put' || f === 'append');
  if (!register && !kv) throw new TypeError(`checkConvergence: expected register operations (read, write, cas) or key-value operations (get, put, append), not a mix of ${listInWords([...fs].sort())}`);
  const describe = (register ? registerModel.describeOperation : kvModel.describeOperation) as (input: unknown, output: unknown) => string;
  return (op) => opLabel(op, describe);
}
