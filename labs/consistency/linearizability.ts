/**
 * A linearizability checker: is there a total order of a history's operations that respects real time (an
 * operation that returned before another was invoked comes first) and that the sequential model accepts?
 * (Herlihy and Wing 1990, §2: a history is linearizable when it can be extended, by completing or removing its
 * pending operations, to one equivalent to a legal sequential history that keeps its real-time order.)
 *
 * Real time, with equal timestamps: A precedes B (A ≺ B) when A.returnMs ≤ B.invokeMs, for operations of any
 * clients. Herlihy and Wing's histories are sequences of events, so a response is either before an invocation or
 * after it; recorded times can tie, and a tie is read as "the response came first". It has to be that way for a
 * client's own operations: a client that issues its next operation the instant the last one returns has seen that
 * outcome, so the two are ordered (as the sequential checker's session order and the session guarantees take
 * them). And one entry list cannot make ties order only a client's own operations: with A then B by one client and
 * C then D by another, all four entries at one instant, "A before B and C before D, the rest concurrent" needs
 * A's return before B's call, B's call before C's return (B, C concurrent), C's return before D's call and D's call
 * before A's return (D, A concurrent): a cycle. So ties order operations of all clients alike. One case is left:
 * two operations that both take no time at the same instant would each precede the other under the rule; they are
 * taken in id order (recorders number operations in invocation order), as the sequential checker orders a
 * client's operations invoked at the same instant.
 *
 * The search is Wing and Gong's (1993): walk the history's call and return entries in time order; at a call, try to
 * linearize that operation now (the model must accept it in the current state), lift its call and return out of the
 * list and start again from the front; at a return whose operation is not yet linearized, that operation can no
 * longer come later, so undo the last choice and try the next candidate. Lowe (2017, "Testing for
 * linearizability", Concurrency Computat.: Pract. Exper. 29(4), §4) makes it practical with a cache of the
 * configurations already explored: the set of linearized operations (a bitset) with the model state they lead to.
 * Two paths reaching the same pair have the same futures, so the second is pruned. The loop follows the shape of
 * Porcupine's `checker.go` (a doubly linked entry list, lift and unlift, a stack of choices).
 *
 * Before searching, a model with `partition` splits the history (per key) and each part is checked alone:
 * linearizability is local (Herlihy and Wing 1990, §3.3, Theorem 1), which Horn and Kroening (2015) call
 * P-compositionality; the search is exponential in the concurrency of a part, so splitting is the largest speed-up.
 * The history is linearizable when every part is and is not when some part is not, so a part that runs out of its
 * budget does not stop the others: any violating part makes the answer a violation (as Porcupine's checker answers
 * Illegal when any partition is), and only when none violates does an undecided part make it inconclusive.
 *
 * Operation statuses (history.ts): `fail` operations are dropped (they certainly had no effect); `info` operations
 * return at +∞ and may be left out (they may never have taken effect), so a part succeeds as soon as every
 * operation that did return is linearized.
 *
 * The answer is ok (with a linearization and a point in time for each placed operation), violation (with the
 * longest linearizable prefix the search found, the operation it could not place and why), or inconclusive when a
 * budget ran out: never a silent ok.
 */
import { formatMs } from '../sim/trace';
import type { History, Model, Operation } from './history';

/**
 * Budgets for the search, each given to every part separately (one part, without `model.partition`), so that a
 * part too concurrent to decide cannot starve the others: the whole check may take up to (number of parts) ×
 * budget. `maxSteps` is deterministic (one step is one call or return entry the search looks at) and is what tests
 * use; `budgetMs` reads `now` (default `performance.now`) every few hundred steps, for cells and the browser, where
 * a reader's history might be too concurrent to finish. A part that exhausts either is undecided, which makes the
 * answer `inconclusive` unless another part is a violation.
 */
export interface LinearizabilityOptions {
  budgetMs?: number;
  maxSteps?: number;
  now?: () => number;
}

/** The checker's point in time for an operation of the linearization: within [invokeMs, returnMs], non-decreasing. */
export interface LinearizationPoint {
  id: number;
  atMs: number;
}

/**
 * Why a history is not linearizable, for one part of it (a key, for a key-value history).
 *
 * - `partition`: the index of the failing part in `model.partition`'s answer (0 without partitions); the first
 *   failing part when several fail.
 * - `prefix`: the longest sequence of that part's operations that the search could order legally, respecting real
 *   time, in its order.
 * - `stateAfterPrefix`: `model.describeState` of the state after `prefix`.
 * - `blocked`: the operation that returned first among those not in the prefix. No order can extend the prefix
 *   past its response: every operation that may still come before it, itself included, is illegal in that state.
 * - `reason`: that, in plain words, naming the operation, its client and times.
 */
export interface LinearizabilityViolation {
  partition: number;
  prefix: number[];
  stateAfterPrefix: string;
  blocked: number;
  reason: string;
}

export interface LinearizabilityResult {
  verdict: 'ok' | 'violation' | 'inconclusive';
  /** The model's name. */
  model: string;
  /** What the verdict means for this history, in plain words: always present. */
  explanation: string;
  /** For ok: operation ids in a legal order (fail operations excluded; info operations only where placed). */
  linearization?: number[];
  /** For ok: one point per operation of `linearization`, in the same order. */
  points?: LinearizationPoint[];
  violation?: LinearizabilityViolation;
  stats: { partitions: number; operations: number; steps: number; cacheHits: number; elapsedMs: number };
}

const BUDGET_CHECK_EVERY_STEPS = 256;

/**
 * Rejects histories that no client could have recorded, with a TypeError naming the operation. Histories can come
 * from a reader's file, and a malformed one would otherwise give a confident but meaningless verdict.
 *
 * Checked: ids are unique integers; clients are non-empty strings; statuses are ok, fail or info; times are finite,
 * and `returnMs >= invokeMs` for ok and fail; an ok operation has an output (`null` for one that returns nothing);
 * and a client's ok and fail operations do not overlap its next operation (a client issues one operation at a time,
 * Herlihy and Wing 1990 §2's well-formedness). An info operation does not end its client's turn: a client that gave
 * up waiting may go on, while the abandoned operation may still take effect.
 */
export function validateHistory(history: History): void {
  if (!Array.isArray(history)) throw new TypeError('a history must be an array of operations');
  const ids = new Set<number>();
  const byClient = new Map<string, Operation[]>();
  for (let index = 0; index < history.length; index++) {
    const op = history[index] as Operation | undefined;
    if (op === null || typeof op !== 'object') throw new TypeError(`operation at index ${index} is not an object`);
    const name = `operation ${String(op.id)} (index ${index})`;
    if (typeof op.id !== 'number' || !Number.isInteger(op.id)) throw new TypeError(`${name}: id must be an integer`);
    if (ids.has(op.id)) throw new TypeError(`${name}: duplicate id ${op.id}`);
    ids.add(op.id);
    if (typeof op.client !== 'string' || op.client === '') throw new TypeError(`${name}: client must be a non-empty string`);
    if (op.status !== 'ok' && op.status !== 'fail' && op.status !== 'info') {
      throw new TypeError(`${name}: status must be 'ok', 'fail' or 'info' (got ${JSON.stringify(op.status)})`);
    }
    if (typeof op.invokeMs !== 'number' || !Number.isFinite(op.invokeMs)) throw new TypeError(`${name}: invokeMs must be a finite number`);
    if (op.status !== 'info') {
      if (typeof op.returnMs !== 'number' || !Number.isFinite(op.returnMs)) {
        throw new TypeError(`${name}: a ${op.status} operation needs a finite returnMs`);
      }
      if (op.returnMs < op.invokeMs) {
        throw new TypeError(`${name}: returnMs ${formatMs(op.returnMs)} is before invokeMs ${formatMs(op.invokeMs)}`);
      }
    }
    if (op.input === undefined) throw new TypeError(`${name}: input is missing`);
    if (op.status === 'ok' && op.output === undefined) {
      throw new TypeError(`${name}: an ok operation needs an output (null for an operation that returns nothing)`);
    }
    let ops = byClient.get(op.client);
    if (!ops) byClient.set(op.client, (ops = []));
    ops.push(op);
  }
  for (const [client, ops] of byClient) {
    ops.sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
    for (let i = 1; i < ops.length; i++) {
      const before = ops[i - 1] as Operation;
      const after = ops[i] as Operation;
      if (before.status !== 'info' && (before.returnMs as number) > after.invokeMs) {
        throw new TypeError(
          `client ${client} has overlapping operations ${before.id} (returned ${formatMs(before.returnMs as number)} ms) ` +
            `and ${after.id} (invoked ${formatMs(after.invokeMs)} ms): a client issues one operation at a time`,
        );
      }
    }
  }
}

/**
 * Checks `history` against `model`; see the module comment. Throws a TypeError for a malformed history
 * (`validateHistory`). Deterministic: the same history, model and `maxSteps` give the same result (a `budgetMs`
 * depends on the clock, by design).
 */
export function checkLinearizability<S, I, O>(
  history: History<I, O>,
  model: Model<S, I, O>,
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  validateHistory(history as History);
  const now = options.now ?? (() => performance.now());
  const startMs = now();
  const parts = model.partition ? model.partition(history) : [history];
  const results: PartResult<S>[] = [];
  const totals = { steps: 0, cacheHits: 0 };
  let violationAt = -1;
  const undecided: number[] = [];
  let exhausted: Budget['exhausted'];
  for (let p = 0; p < parts.length; p++) {
    const part = (parts[p] as History<I, O>).filter((op) => op.status !== 'fail');
    const budget: Budget = {
      maxSteps: options.maxSteps ?? Infinity,
      deadlineMs: options.budgetMs === undefined ? Infinity : now() + options.budgetMs,
      now,
      steps: 0,
      cacheHits: 0,
      exhausted: undefined,
    };
    const result = searchPart(part, model, budget);
    totals.steps += budget.steps;
    totals.cacheHits += budget.cacheHits;
    results.push(result);
    if (result.kind === 'violation') {
      violationAt = p;
      break;
    }
    if (result.kind === 'inconclusive') {
      undecided.push(p);
      exhausted ??= budget.exhausted;
    }
  }
  const stats = {
    partitions: parts.length,
    operations: history.length,
    steps: totals.steps,
    cacheHits: totals.cacheHits,
    elapsedMs: now() - startMs,
  };
  const failed = history.filter((op) => op.status === 'fail').length;
  const dropped = failed === 0 ? '' : failed === 1 ? ' 1 failed operation was dropped (it had no effect).' : ` ${failed} failed operations were dropped (they had no effect).`;
  const partWord = model.partition ? (parts.length === 1 ? ' (1 part)' : ` (${parts.length} parts, checked one at a time)`) : '';

  if (violationAt >= 0) {
    const found = results[violationAt] as Extract<PartResult<S>, { kind: 'violation' }>;
    const violation = describeViolation(found, violationAt, model as Model<S, unknown, unknown>);
    const where = parts.length > 1 ? ` in part ${violationAt + 1} of ${parts.length}` : '';
    const undecidedNote =
      undecided.length === 0
        ? ''
        : ` ${undecided.length === 1 ? `Part ${undecided[0] as number + 1}` : `Parts ${listParts(undecided)}`} ran out of budget before deciding; one violating part is enough for this answer.`;
    return {
      verdict: 'violation',
      model: model.name,
      explanation:
        `Not linearizable${where}: no order of the operations that respects real time is legal for the ${model.name}. ` +
        `The longest legal prefix has ${plural(violation.prefix.length, 'operation')}; then ${violation.reason}.` +
        undecidedNote +
        dropped,
      violation,
      stats,
    };
  }
  if (undecided.length > 0) {
    const first = results[undecided[0] as number] as Extract<PartResult<S>, { kind: 'inconclusive' }>;
    const limit =
      exhausted === 'steps' ? `its budget of ${count(options.maxSteps ?? 0)} steps` : `its time budget of ${formatMs(options.budgetMs ?? 0)} ms`;
    const which =
      parts.length === 1
        ? `the checker used up ${limit}${exhausted === 'steps' ? '' : ` (${count(stats.steps)} steps)`} before deciding. By then`
        : `${undecided.length === 1 ? `part ${undecided[0] as number + 1}` : `parts ${listParts(undecided)}`} of ${parts.length} ` +
          `${undecided.length === 1 ? '' : 'each '}used up ${limit} before deciding; ${decidedParts(parts.length - undecided.length)} ` +
          `(${count(stats.steps)} steps in all). In part ${undecided[0] as number + 1}`;
    return {
      verdict: 'inconclusive',
      model: model.name,
      explanation:
        `Inconclusive: ${which} the longest legal prefix it had found covered ${first.bestDepth} of ` +
        `${plural(first.operations, 'operation')}. A larger budget may decide it; no violation was found.`,
      stats,
    };
  }

  const { linearization, points, left } = mergeParts(results as Extract<PartResult<S>, { kind: 'ok' }>[]);
  const leftOut = left === 0 ? '' : ` ${plural(left, 'indeterminate operation')} ${left === 1 ? 'is' : 'are'} left out (${left === 1 ? 'it' : 'they'} may never have taken effect).`;
  return {
    verdict: 'ok',
    model: model.name,
    explanation:
      `Linearizable${partWord}: ${plural(linearization.length, 'operation')} can be ordered so that the order ` +
      `respects real time and every output is what the ${model.name} would give.` +
      leftOut +
      dropped,
    linearization,
    points,
    stats,
  };
}

/**
 * Where a call or return entry sits in time, compared as a tuple: the time in ms, then a phase that orders entries
 * at one time (`RETURNS`, then `INSTANTS`, then `CALLS`), then the operation's id for an operation that took no time
 * (its call and its return are both in `INSTANTS`). So A's return comes before B's call exactly when A.returnMs <
 * B.invokeMs, or the two are equal and A took time or B did, or both took none and A's id is smaller: the
 * real-time rule of the module comment.
 */
type Instant = readonly [ms: number, phase: number, tie: number];
const RETURNS = 0;
const INSTANTS = 1;
const CALLS = 2;

function instantOf(op: Operation, entry: 'call' | 'return'): Instant {
  if (op.status === 'info') return entry === 'call' ? [op.invokeMs, CALLS, 0] : [Infinity, RETURNS, 0];
  if (op.returnMs === op.invokeMs) return [op.invokeMs, INSTANTS, op.id];
  return entry === 'call' ? [op.invokeMs, CALLS, 0] : [op.returnMs as number, RETURNS, 0];
}

function compareInstants(a: Instant, b: Instant): number {
  return a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] - b[1] || a[2] - b[2];
}

interface Budget {
  maxSteps: number;
  deadlineMs: number;
  now: () => number;
  steps: number;
  cacheHits: number;
  exhausted: 'steps' | 'time' | undefined;
}

type PartResult<S> =
  | { kind: 'ok'; ops: Operation[]; order: number[]; left: number }
  | { kind: 'violation'; ops: Operation[]; order: number[]; bestState: S; blocked: number; candidates: number[] }
  | { kind: 'inconclusive'; bestDepth: number; operations: number };

/**
 * A set of configurations (linearized set, state key), exact: buckets are found by a 64-bit Zobrist hash of the
 * bitset (two 32-bit halves, updated incrementally as operations are linearized and undone) and the state key, and
 * members are compared in full, so a hash collision can never prune a configuration wrongly.
 */
class ConfigurationCache {
  private readonly buckets = new Map<string, Uint32Array[]>();

  /** Adds the configuration; false if it was already there. */
  insert(hashLow: number, hashHigh: number, stateKey: string, bits: Uint32Array): boolean {
    const key = `${hashLow}.${hashHigh}|${stateKey}`;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.buckets.set(key, [bits.slice()]);
      return true;
    }
    for (const member of bucket) if (sameBits(member, bits)) return false;
    bucket.push(bits.slice());
    return true;
  }
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deterministic 32-bit values for the Zobrist hash (splitmix32 of the position). */
function zobrist(index: number, salt: number): number {
  let z = (Math.imul(index + 1, 0x9e3779b9) ^ salt) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Wing and Gong's search with Lowe's cache over one part. Entries are numbered 2i (call of operation i) and 2i+1
 * (its return); `next` and `prev` link them in time order behind a head sentinel, and lifting an operation unlinks
 * both of its entries (dancing links: the unlinked entries keep their pointers, so unlifting in reverse order
 * restores the list exactly).
 */
function searchPart<S, I, O>(part: History<I, O>, model: Model<S, I, O>, budget: Budget): PartResult<S> {
  const ops = part as Operation[];
  const n = ops.length;
  const isInfo = new Uint8Array(n);
  for (let i = 0; i < n; i++) isInfo[i] = (ops[i] as Operation).status === 'info' ? 1 : 0;

  // Time order of the entries, by `instantOf` (the module comment's real-time rule): at equal times, returns come
  // before calls, so an operation that returned at the instant another was invoked precedes it; the call and
  // return of an operation that took no time stay together, between the two. Info returns are at +∞.
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(2 * i, 2 * i + 1);
  const instants = order.map((e) => instantOf(ops[e >> 1] as Operation, (e & 1) === 0 ? 'call' : 'return'));
  order.sort((a, b) => {
    const byInstant = compareInstants(instants[a] as Instant, instants[b] as Instant);
    if (byInstant !== 0) return byInstant;
    // The call and return of one operation that took no time: the call first. Otherwise two returns or two calls
    // at one instant, whose order decides nothing; fixed for determinism.
    if (a >> 1 === b >> 1) return (a & 1) - (b & 1);
    return (ops[a >> 1] as Operation).invokeMs - (ops[b >> 1] as Operation).invokeMs || (a >> 1) - (b >> 1);
  });
  const HEAD = 2 * n;
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  let last = HEAD;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  const unlink = (e: number): void => {
    const p = prev[e] as number;
    const q = next[e] as number;
    next[p] = q;
    if (q >= 0) prev[q] = p;
  };
  const relink = (e: number): void => {
    const p = prev[e] as number;
    const q = next[e] as number;
    next[p] = e;
    if (q >= 0) prev[q] = e;
  };

  const key = model.key ? (s: S) => (model.key as (s: S) => string)(s) : (s: S) => JSON.stringify(s) ?? 'undefined';
  const inputs = ops.map((op) => op.input as I);
  const outputs = ops.map((op) => (op.status === 'info' ? undefined : (op.output as O)));
  const readOnly = new Uint8Array(n);
  if (model.readOnly) for (let i = 0; i < n; i++) readOnly[i] = model.readOnly(inputs[i] as I, outputs[i]) ? 1 : 0;
  const words = Math.max(1, Math.ceil(n / 32));
  const bits = new Uint32Array(words);
  const zLow = new Uint32Array(n);
  const zHigh = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    zLow[i] = zobrist(i, 0x2545f491);
    zHigh[i] = zobrist(i, 0x6a09e667);
  }
  let hashLow = 0;
  let hashHigh = 0;
  const cache = new ConfigurationCache();

  const stackOp = new Int32Array(n);
  const stackState: S[] = new Array(n);
  let depth = 0;
  let state = model.init();
  let remaining = 0;
  for (let i = 0; i < n; i++) if (!isInfo[i]) remaining++;

  // The longest prefix so far. `best[0..changedFrom)` always equals `stackOp[0..changedFrom)`, so a new record only
  // copies the part of the stack that changed since the last one (amortised O(1) per push).
  const best = new Int32Array(n);
  let bestDepth = 0;
  let bestState = state;
  let changedFrom = 0;

  if (remaining === 0) return { kind: 'ok', ops, order: [], left: n };

  // Read-only operations first. READ-ONLY: placing a legal read-only candidate (`model.readOnly`) is a forced
  // choice. A configuration with one is linearizable exactly when the configuration after it is: move that operation
  // to the front of any witness (no remaining operation returned before its call, so real time allows it; it is
  // legal in the current state and changes no state wherever it stands, so every other operation sees the same
  // states), or add it at the front if the witness left it out (an info operation). So each configuration first
  // looks for such a candidate (`readsFirst`); if it finds one it tries nothing else there, and when that choice
  // fails, the configuration fails too and the undoing goes on below it. Only when none is legal does the search
  // branch over the other candidates, skipping the read-only ones (all illegal here).
  const hasReadOnly = model.readOnly !== undefined;
  let readsFirst = hasReadOnly;
  let entry = next[HEAD] as number;
  for (;;) {
    if (budget.steps >= budget.maxSteps) {
      budget.exhausted = 'steps';
      return { kind: 'inconclusive', bestDepth, operations: n };
    }
    // The clock is read before the first step and then every few hundred.
    if (budget.steps % BUDGET_CHECK_EVERY_STEPS === 0 && budget.deadlineMs !== Infinity && budget.now() >= budget.deadlineMs) {
      budget.exhausted = 'time';
      return { kind: 'inconclusive', bestDepth, operations: n };
    }
    budget.steps++;
    if (entry < 0) throw new Error('linearizability search ran off the entry list (an internal error)');
    const isCall = (entry & 1) === 0;
    const i = entry >> 1;
    if (readsFirst && (!isCall || readOnly[i] === 0)) {
      // Past the candidates with no legal read-only one: branch over the others from the front.
      if (!isCall) {
        readsFirst = false;
        entry = next[HEAD] as number;
      } else {
        entry = next[entry] as number;
      }
      continue;
    }
    let backtrack = !isCall;
    if (isCall && !readsFirst && readOnly[i] === 1) {
      entry = next[entry] as number;
      continue;
    }
    if (isCall) {
      const outcome = model.step(state, inputs[i] as I, outputs[i]);
      if (outcome.legal) {
        const word = i >>> 5;
        const mask = 1 << (i & 31);
        bits[word] = (bits[word] as number) | mask;
        const low = (hashLow ^ (zLow[i] as number)) >>> 0;
        const high = (hashHigh ^ (zHigh[i] as number)) >>> 0;
        if (cache.insert(low, high, key(outcome.state), bits)) {
          hashLow = low;
          hashHigh = high;
          stackOp[depth] = i;
          stackState[depth] = state;
          depth++;
          state = outcome.state;
          unlink(entry);
          unlink(entry + 1);
          if (!isInfo[i]) remaining--;
          if (depth > bestDepth) {
            for (let k = changedFrom; k < depth; k++) best[k] = stackOp[k] as number;
            bestDepth = depth;
            bestState = state;
            changedFrom = depth;
          }
          if (remaining === 0) {
            const placed = Array.from(stackOp.subarray(0, depth));
            return { kind: 'ok', ops, order: placed, left: n - depth };
          }
          readsFirst = hasReadOnly;
          entry = next[HEAD] as number;
          continue;
        }
        bits[word] = (bits[word] as number) & ~mask;
        budget.cacheHits++;
        // An explored forced choice has failed, so this configuration fails (READ-ONLY above).
        backtrack = readOnly[i] === 1;
      }
      if (!backtrack) {
        entry = next[entry] as number;
        continue;
      }
    }
    // A return whose operation is not linearized: it cannot come any later, so undo the latest choice, and go on
    // undoing while the choice undone was forced (READ-ONLY above).
    let undone: number;
    do {
      if (depth === 0) {
        const prefix = Array.from(best.subarray(0, bestDepth));
        return violationOf(ops, order, prefix, bestState);
      }
      depth--;
      undone = stackOp[depth] as number;
      if (depth < changedFrom) changedFrom = depth;
      state = stackState[depth] as S;
      stackState[depth] = undefined as S;
      bits[undone >>> 5] = (bits[undone >>> 5] as number) & ~(1 << (undone & 31));
      hashLow = (hashLow ^ (zLow[undone] as number)) >>> 0;
      hashHigh = (hashHigh ^ (zHigh[undone] as number)) >>> 0;
      relink(2 * undone + 1);
      relink(2 * undone);
      if (!isInfo[undone]) remaining++;
    } while (readOnly[undone] === 1);
    readsFirst = false;
    entry = next[2 * undone] as number;
  }
}

/**
 * The blocked operation is the one whose return entry comes first, in the search's entry order, among the
 * operations outside the longest prefix (an info operation never is: it returns at +∞, and a part whose returned
 * operations are all placed is linearizable). The candidates are the other operations outside the prefix whose call
 * comes before that return: the ones that might still have been placed before it.
 */
function violationOf<S>(ops: Operation[], order: number[], prefix: number[], bestState: S): PartResult<S> {
  const inPrefix = new Uint8Array(ops.length);
  for (const i of prefix) inPrefix[i] = 1;
  let blocked = -1;
  const candidates: number[] = [];
  for (const e of order) {
    const i = e >> 1;
    if (inPrefix[i]) continue;
    if ((e & 1) === 1) {
      blocked = i;
      break;
    }
    candidates.push(i);
  }
  return {
    kind: 'violation',
    ops,
    order: prefix,
    bestState,
    blocked,
    candidates: candidates.filter((i) => i !== blocked),
  };
}

function describeViolation<S>(
  found: Extract<PartResult<S>, { kind: 'violation' }>,
  partition: number,
  model: Model<S, unknown, unknown>,
): LinearizabilityViolation {
  const { ops } = found;
  const blockedOp = ops[found.blocked] as Operation;
  const stateAfterPrefix = model.describeState(found.bestState);
  const others = found.candidates.map((i) => describeOp(ops[i] as Operation, model));
  const shown = others.slice(0, 4).join('; ') + (others.length > 4 ? `; and ${others.length - 4} more` : '');
  const after =
    others.length === 0
      ? 'and no other operation remains that could come before it'
      : others.length === 1
        ? `and the one other operation that could still come before it is not legal there either (${shown})`
        : `and none of the ${others.length} other operations that could still come before it is legal there either (${shown})`;
  const reason =
    `${describeOp(blockedOp, model)} (invoked ${formatMs(blockedOp.invokeMs)} ms, returned ` +
    `${formatMs(blockedOp.returnMs as number)} ms) cannot be placed: after the prefix ${stateAfterPrefix}, where it is not legal, ${after}`;
  return {
    partition,
    prefix: found.order.map((i) => (ops[i] as Operation).id),
    stateAfterPrefix,
    blocked: blockedOp.id,
    reason,
  };
}

/** `write 3 by client c1`, or `write 3 by client c1 (indeterminate)` for an info operation. */
function describeOp(op: Operation, model: Model<unknown, unknown, unknown>): string {
  const what = model.describeOperation(op.input, op.status === 'info' ? undefined : op.output);
  return `${what} by client ${op.client}${op.status === 'info' ? ' (indeterminate)' : ''}`;
}

/**
 * Points and one global order from the parts' orders. The argument runs on instants (`instantOf`), which order
 * the entries exactly as the search's list does; a point's `atMs` is its instant's time. Within a part,
 * point_k = max(call_k, point_{k-1}), the instant of some call. Why point_k ≤ return_k: point_k is the call instant
 * of some operation j at or before k in the order (by induction, the largest call so far). If j = k, its call comes
 * before its return. If j comes before k, the search only placed j while k's return entry was still ahead of j's
 * call in the list (returns at +∞ for info), so call_j ≤ return_k. Hence every point lies in its operation's
 * interval, and the points never decrease. If A precedes B in real time (in any parts), A's return instant is
 * before B's call instant, so point_A ≤ return_A < call_B ≤ point_B. Merging the parts by point (ties keep part
 * order, then each part's order) therefore respects real time, and it is legal in each part, so it is a
 * linearization of the whole history (locality, Herlihy and Wing 1990 §3.3).
 */
function mergeParts<S>(parts: Extract<PartResult<S>, { kind: 'ok' }>[]): {
  linearization: number[];
  points: LinearizationPoint[];
  left: number;
} {
  const all: { id: number; point: Instant; part: number; rank: number }[] = [];
  let left = 0;
  parts.forEach((part, p) => {
    let point: Instant = [-Infinity, RETURNS, 0];
    part.order.forEach((i, rank) => {
      const op = part.ops[i] as Operation;
      const call = instantOf(op, 'call');
      if (compareInstants(call, point) > 0) point = call;
      all.push({ id: op.id, point, part: p, rank });
    });
    left += part.left;
  });
  all.sort((a, b) => compareInstants(a.point, b.point) || a.part - b.part || a.rank - b.rank);
  return { linearization: all.map((x) => x.id), points: all.map(({ id, point }) => ({ id, atMs: point[0] })), left };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The parts found linearizable, next to undecided ones. */
function decidedParts(count: number): string {
  return count === 0 ? 'no part was decided' : count === 1 ? 'the other part was linearizable' : `the other ${count} parts were linearizable`;
}

/** Part indices as the explanations number them: `2, 3 and 5`. */
function listParts(indices: readonly number[]): string {
  const names = indices.map((p) => String(p + 1));
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}`;
}

/** A count with thousands separators, the same on every machine: 20,000. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
