/**
 * Causal memory and PRAM on read/write histories, defined by per-client views.
 *
 * Causal memory (Ahamad, Neiger, Burns, Kohli and Hutto 1995, "Causal memory: definitions, implementation, and
 * programming", Distributed Computing 9(1), §2): a read returns the value of the write it "reads from" (writes-into);
 * the causal order is the transitive closure of each client's session order and writes-into, and must be acyclic.
 * The history is causal when every client has a view: an order of all writes and of that client's own reads that
 * respects the causal order and in which each read returns the value of the latest write before it (the initial
 * value if there is none). Different clients may order concurrent writes differently; only causally related writes
 * must appear in the same order everywhere.
 *
 * PRAM (Lipton and Sandberg 1988, "PRAM: a scalable shared memory", Princeton CS-TR-180-88): the same, except that
 * a view need only respect the session orders: each client sees every other client's writes in the order that
 * client issued them, but a write that depends on something its writer read may be seen before its cause.
 *
 * Session order is `sessionBefore` (sequential.ts): an indeterminate write is concurrent with its client's later
 * operations. Both are defined on reads and writes whose written values are unique (so a read names the write it read from);
 * the checkers refuse other histories with a clear error. A key-value history is checked whole, all keys at once:
 * causality crosses keys (a write to y can depend on a read of x), so checking key by key would not be sound.
 *
 * This module also prepares such histories for the session guarantees (session.ts): `memoryHistory`.
 */
import type { History, Operation } from './history';
import { kvModel, registerModel } from './models';
import {
  BudgetExhausted,
  budgetFrom,
  listInWords,
  opLabel,
  sentence,
  sessionsOf,
  validateHistory,
  answerWith,
  type CheckOptions,
  type ConsistencyResult,
  type StepBudget,
} from './sequential';

/** A read or a write of a memory history; `index` is its position in `MemoryHistory.accesses`. */
export interface MemoryAccess {
  op: Operation;
  index: number;
  kind: 'read' | 'write';
  /** The key; `''` for the register. */
  key: string;
  /** A read's source: the index of the write whose value it returned, or `null` for the initial value. */
  source: number | null;
  /** How explanations name it: `op 3 (b: read → 1)`. */
  label: string;
}

/**
 * A history of reads and writes with unique written values, ready for the checkers of this module and session.ts.
 *
 * - `fail` operations and `info` reads (their value is unknown) are left out.
 * - An `info` write is kept exactly when some read returned its value (then it took effect). One that nobody read
 *   is left out: including a write no read returned never helps a view or an abstract execution, since it can only
 *   add constraints, so leaving it out loses no history that has an explanation.
 * - `thinAir`: reads that returned a value no write wrote (and not the initial value), left out of `accesses` and
 *   `sessions` (their `index` is -1). No model here admits them; each checker reports them as a violation.
 */
export interface MemoryHistory {
  kind: 'register' | 'kv';
  /** The initial value in words: `unset` for the register, `empty` for a key. */
  initialWords: string;
  accesses: MemoryAccess[];
  /** Each client's kept accesses in session order (clients in order of their first invocation). */
  sessions: Map<string, MemoryAccess[]>;
  thinAir: MemoryAccess[];
}

const REGISTER_OPS = new Set(['read', 'write', 'cas']);
const KV_OPS = new Set(['get', 'put', 'append']);

/** A register value as a string that keeps 1 and "1" apart (as `registerModel.key` does). */
function registerValueKey(value: unknown): string | undefined {
  if (value === null) return 'n';
  if (typeof value === 'number' && Number.isFinite(value)) return `d${value}`;
  if (typeof value === 'string') return `s${value}`;
  return undefined;
}

/**
 * Prepare a register or key-value history for the view-based and session checkers (see `MemoryHistory`), or throw
 * a `TypeError` that says why it cannot be checked: a malformed history (see `validateHistory`), registers mixed
 * with keys, a compare-and-set or an append (neither is a plain read or write), a write of the initial value, or
 * two writes of one value to one key.
 */
export function memoryHistory(history: History, checker: string): MemoryHistory {
  validateHistory(history, checker);
  const taken = history.filter((op) => op.status !== 'fail');
  const fs = new Set(taken.map((op) => String((op.input as { f?: unknown }).f)));
  const isRegister = [...fs].every((f) => REGISTER_OPS.has(f));
  const isKv = [...fs].every((f) => KV_OPS.has(f));
  const unknown = taken.find((op) => !REGISTER_OPS.has(String((op.input as { f?: unknown }).f)) && !KV_OPS.has(String((op.input as { f?: unknown }).f)));
  if (unknown) throw new TypeError(`${checker}: op ${unknown.id} has the unknown operation ${JSON.stringify((unknown.input as { f?: unknown }).f)}; expected read, write, get or put`);
  if (!isRegister && !isKv) {
    throw new TypeError(`${checker}: expected register operations (read, write) or key-value operations (get, put), not a mix of ${listInWords([...fs].sort())}`);
  }
  const kind = isRegister ? 'register' : 'kv';
  const describe = kind === 'register' ? registerModel.describeOperation : kvModel.describeOperation;
  const label = (op: Operation) => opLabel(op, describe as (input: unknown, output: unknown) => string);

  // Each operation as (kind, key, value key), refusing what these models do not define.
  const parsed = new Map<number, { kind: 'read' | 'write'; key: string; value: string | undefined }>();
  for (const op of taken) {
    const input = op.input as { f: string; key?: unknown; value?: unknown };
    if (input.f === 'cas' || input.f === 'append') {
      throw new TypeError(
        `${checker}: op ${op.id} is ${input.f === 'cas' ? 'a compare-and-set' : 'an append'}; causal memory, PRAM and the session guarantees are defined on plain reads and writes (check it with checkSequentialConsistency or checkLinearizability)`,
      );
    }
    if (kind === 'kv' && typeof input.key !== 'string') throw new TypeError(`${checker}: op ${op.id} has no string key`);
    const key = kind === 'kv' ? (input.key as string) : '';
    const isWrite = input.f === 'write' || input.f === 'put';
    const raw = isWrite ? input.value : op.status === 'ok' ? op.output : undefined;
    const value = kind === 'register' ? registerValueKey(raw) : typeof raw === 'string' ? `s${raw}` : undefined;
    if (isWrite || op.status === 'ok') {
      if (value === undefined) {
        throw new TypeError(`${checker}: op ${op.id} ${isWrite ? 'writes' : 'returned'} ${JSON.stringify(raw)}, which is not a ${kind === 'register' ? 'register value (a number, a string or null)' : 'string'}`);
      }
      if (isWrite && value === (kind === 'register' ? 'n' : 's')) {
        throw new TypeError(`${checker}: op ${op.id} writes the initial value ${kind === 'register' ? 'null' : "''"}, which a read could not tell apart from no write at all; write a value of its own`);
      }
    }
    parsed.set(op.id, { kind: isWrite ? 'write' : 'read', key, value });
  }

  const writeOf = new Map<string, Operation>();
  for (const op of taken) {
    const p = parsed.get(op.id);
    if (p?.kind !== 'write') continue;
    const slot = `${p.key}\u0000${p.value}`;
    const earlier = writeOf.get(slot);
    if (earlier) {
      throw new TypeError(
        `${checker}: op ${earlier.id} and op ${op.id} write the same value${kind === 'kv' ? ` to key ${p.key}` : ''}; these checkers tell writes apart by their values, so each written value must be unique in a history`,
      );
    }
    writeOf.set(slot, op);
  }

  const readSlots = new Set<string>();
  for (const op of taken) {
    const p = parsed.get(op.id);
    if (p?.kind === 'read' && op.status === 'ok') readSlots.add(`${p.key}\u0000${p.value}`);
  }
  const initialValue = kind === 'register' ? 'n' : 's';
  const thinAirOps = new Set<Operation>();
  const kept = taken.filter((op) => {
    const p = parsed.get(op.id);
    if (p === undefined) return false;
    if (p.kind === 'read') {
      if (op.status !== 'ok') return false;
      if (p.value !== initialValue && !writeOf.has(`${p.key}\u0000${p.value}`)) {
        thinAirOps.add(op);
        return false;
      }
      return true;
    }
    return op.status === 'ok' || readSlots.has(`${p.key}\u0000${p.value}`);
  });

  const accesses: MemoryAccess[] = [];
  const sessions = new Map<string, MemoryAccess[]>();
  const indexOfWrite = new Map<string, number>();
  for (const [client, ops] of sessionsOf(kept)) {
    const session: MemoryAccess[] = [];
    for (const op of ops) {
      const p = parsed.get(op.id) as { kind: 'read' | 'write'; key: string; value: string };
      const access: MemoryAccess = { op, index: accesses.length, kind: p.kind, key: p.key, source: null, label: label(op) };
      if (p.kind === 'write') indexOfWrite.set(`${p.key}\u0000${p.value}`, access.index);
      accesses.push(access);
      session.push(access);
    }
    sessions.set(client, session);
  }
  for (const access of accesses) {
    if (access.kind !== 'read') continue;
    const p = parsed.get(access.op.id) as { value: string };
    if (p.value !== initialValue) access.source = indexOfWrite.get(`${access.key}\u0000${p.value}`) as number;
  }
  const thinAir = [...thinAirOps].map((op) => {
    const p = parsed.get(op.id) as { key: string };
    return { op, index: -1, kind: 'read' as const, key: p.key, source: null, label: label(op) };
  });
  return { kind, initialWords: kind === 'register' ? 'unset' : 'empty', accesses, sessions, thinAir };
}

/** The explanation for reads of values nobody wrote, shared by every checker of the weaker models. */
export function thinAirExplanation(mh: MemoryHistory): string {
  const reads = mh.thinAir.map((a) => a.label);
  return `${listInWords(reads)} returned ${reads.length === 1 ? 'a value' : 'values'} that no write in the history wrote (and that ${reads.length === 1 ? 'is' : 'are'} not the initial value), so no order of the writes can explain ${reads.length === 1 ? 'it' : 'them'}.`;
}

/** Reachability over `n` nodes from a successor list: `reach[a][b]` when a path of one edge or more leads a → b. */
export function transitiveClosure(successors: number[][]): Uint8Array[] {
  const n = successors.length;
  const reach = successors.map(() => new Uint8Array(n));
  for (let start = 0; start < n; start++) {
    const row = reach[start] as Uint8Array;
    const stack = [...(successors[start] as number[])];
    while (stack.length > 0) {
      const node = stack.pop() as number;
      if (row[node]) continue;
      row[node] = 1;
      stack.push(...(successors[node] as number[]));
    }
  }
  return reach;
}

/** The shortest path of one edge or more from `from` to `to` (breadth first), or undefined. */
export function shortestPath(successors: number[][], from: number, to: number): number[] | undefined {
  const previous = new Map<number, number>();
  const queue = [...new Set(successors[from] as number[])];
  for (const node of queue) previous.set(node, from);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    if (node === to) {
      const path = [to];
      let at = to;
      do {
        at = previous.get(at) as number;
        path.unshift(at);
      } while (at !== from || path.length === 1);
      return path;
    }
    for (const next of successors[node] as number[]) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/**
 * Session order as edges whose closure is `sessionBefore` (sequential.ts): each access follows the latest earlier
 * access of its session that returned; an indeterminate write orders nothing after it.
 */
function addSessionEdges(session: MemoryAccess[], successors: number[][]): void {
  let lastReturned: MemoryAccess | undefined;
  for (const a of session) {
    if (lastReturned) (successors[lastReturned.index] as number[]).push(a.index);
    if (a.op.status !== 'info') lastReturned = a;
  }
}

/** The edges every view must respect, before closure: session order, plus writes-into for causal memory. */
function directEdges(mh: MemoryHistory, withWritesInto: boolean): number[][] {
  const successors = mh.accesses.map(() => [] as number[]);
  for (const session of mh.sessions.values()) addSessionEdges(session, successors);
  if (withWritesInto) {
    for (const a of mh.accesses) if (a.kind === 'read' && a.source !== null) (successors[a.source] as number[]).push(a.index);
  }
  return successors;
}

/** The witness of causal memory and PRAM: each client's view, as op ids in order. */
export interface ViewsWitness {
  views: Record<string, number[]>;
}

/**
 * One client's view problem: the accesses it must order (all writes and the client's reads, or a subset of those
 * reads while an explanation is being narrowed), the order they must respect within the view, and the edges that
 * justify that order (for explanations).
 */
interface ViewProblem {
  client: string;
  members: number[];
  /** `before[b]`: the members that must come before member b. */
  before: Map<number, number[]>;
  /** The order the view must respect, closed transitively, including each read's source before the read. */
  reach: Uint8Array[];
  /** The edges (indices into accesses) whose closure is `reach`, for naming a path. */
  edges: number[][];
}

function viewProblem(mh: MemoryHistory, client: string, reads: MemoryAccess[], order: 'causal' | 'pram', causalEdges: number[][]): ViewProblem {
  const members = new Set<number>();
  for (const a of mh.accesses) if (a.kind === 'write') members.add(a.index);
  for (const r of reads) members.add(r.index);
  // Causal memory: the causal order of the whole history (it may pass through other clients' reads). PRAM: each
  // client's session order among the view's members. Both with each read's source placed before the read, which
  // legality demands anyway and which makes contradictions visible as paths.
  const edges = mh.accesses.map(() => [] as number[]);
  if (order === 'causal') causalEdges.forEach((next, from) => (edges[from] as number[]).push(...next));
  else {
    for (const session of mh.sessions.values()) addSessionEdges(session.filter((a) => members.has(a.index)), edges);
  }
  for (const r of reads) if (r.source !== null) (edges[r.source] as number[]).push(r.index);
  const reach = transitiveClosure(edges);
  const before = new Map<number, number[]>();
  for (const b of members) before.set(b, [...members].filter((a) => a !== b && (reach[a] as Uint8Array)[b]));
  return { client, members: [...members].sort((a, b) => a - b), before, reach, edges };
}

/**
 * Search for a view: a legal order of the problem's members that respects its order. Only writes are branched on;
 * a read is placed as soon as everything before it is placed and the latest write of its key is its source (placing
 * a read changes no value, so placing it at the first moment it is legal never hurts). A read whose source has
 * already been overwritten, or whose initial value has, can never be placed: that branch is dead at once.
 * Dead configurations (placed set, latest write per key) are remembered; each explored one costs a step.
 */
function findView(mh: MemoryHistory, problem: ViewProblem, budget: StepBudget): number[] | undefined {
  const { members, before } = problem;
  const accesses = mh.accesses;
  const placed = new Uint8Array(accesses.length);
  const latest = new Map<string, number>();
  const order: number[] = [];
  const dead = new Set<string>();
  const reads = members.filter((m) => (accesses[m] as MemoryAccess).kind === 'read');
  const writes = members.filter((m) => (accesses[m] as MemoryAccess).kind === 'write');
  const ready = (m: number) => (before.get(m) as number[]).every((p) => placed[p]);
  const placeReads = (): number[] => {
    const done: number[] = [];
    let progress = true;
    while (progress) {
      progress = false;
      for (const r of reads) {
        const read = accesses[r] as MemoryAccess;
        if (placed[r] || !ready(r) || (latest.get(read.key) ?? null) !== read.source) continue;
        placed[r] = 1;
        order.push(r);
        done.push(r);
        progress = true;
      }
    }
    return done;
  };
  const unplace = (done: number[]) => {
    for (const r of done) placed[r] = 0;
    order.length -= done.length;
  };
  const search = (): boolean => {
    if (order.length === members.length) return true;
    for (const r of reads) {
      if (placed[r]) continue;
      const read = accesses[r] as MemoryAccess;
      const now = latest.get(read.key) ?? null;
      if (read.source === null ? now !== null : placed[read.source] && now !== read.source) return false;
    }
    const key = `${writes.map((w) => placed[w]).join('')}|${[...latest].sort().join(',')}`;
    if (dead.has(key)) return false;
    budget.tick();
    for (const w of writes) {
      if (placed[w] || !ready(w)) continue;
      const write = accesses[w] as MemoryAccess;
      const previous = latest.get(write.key);
      placed[w] = 1;
      order.push(w);
      latest.set(write.key, w);
      const done = placeReads();
      if (search()) return true;
      unplace(done);
      order.pop();
      placed[w] = 0;
      if (previous === undefined) latest.delete(write.key);
      else latest.set(write.key, previous);
    }
    dead.add(key);
    return false;
  };
  placeReads();
  return search() ? [...order] : undefined;
}

/** A path of accesses in words: `op 0 (a: write 1) → op 1 (b: read → 1)`. */
function pathInWords(mh: MemoryHistory, path: number[]): string {
  return path.map((i) => (mh.accesses[i] as MemoryAccess).label).join(' → ');
}

/**
 * Why a client has no view, in plain words, naming the operations. First the direct reasons: the view's order has
 * a cycle; or a read's source is followed, in that order, by another write of the key that comes before the read;
 * or a write of the key comes before a read of the initial value. Otherwise the client's reads are narrowed, one
 * at a time, to a set that still has no view, and that set is named.
 */
function explainNoView(mh: MemoryHistory, problem: ViewProblem, orderWords: string, retry: (reads: MemoryAccess[]) => boolean): string {
  const { client, reach, edges, members } = problem;
  const access = (i: number) => mh.accesses[i] as MemoryAccess;
  for (const m of members) {
    if ((reach[m] as Uint8Array)[m]) {
      const cycle = shortestPath(edges, m, m) as number[];
      return `Client ${client} has no view: in ${orderWords}, ${access(m).label} comes before itself: ${pathInWords(mh, cycle)}.`;
    }
  }
  const where = (key: string) => (mh.kind === 'kv' ? `key ${key}` : 'the register');
  for (const r of members) {
    const read = access(r);
    if (read.kind !== 'read') continue;
    for (const w of members) {
      const write = access(w);
      if (write.kind !== 'write' || write.key !== read.key || w === read.source || !(reach[w] as Uint8Array)[r]) continue;
      if (read.source === null) {
        return `Client ${client} has no view: ${read.label} returned the initial value (${mh.initialWords}), but in ${orderWords} a write to ${where(read.key)} comes before it: ${pathInWords(mh, shortestPath(edges, w, r) as number[])}.`;
      }
      if ((reach[read.source] as Uint8Array)[w]) {
        const first = shortestPath(edges, read.source, w) as number[];
        const second = shortestPath(edges, w, r) as number[];
        return `Client ${client} has no view: ${read.label} returned the value of ${access(read.source).label}, but in ${orderWords} ${write.label} comes after that write and before the read, so the read would have to see it overwritten: ${pathInWords(mh, [...first, ...second.slice(1)])}.`;
      }
    }
  }
  let reads = members.map(access).filter((a) => a.kind === 'read');
  try {
    for (const read of [...reads]) {
      const fewer = reads.filter((a) => a !== read);
      if (!retry(fewer)) reads = fewer;
    }
  } catch (error) {
    // Narrowing is a courtesy: if the budget runs out, the reads narrowed so far still have no view.
    if (!(error instanceof BudgetExhausted)) throw error;
  }
  const sources = [...new Set(reads.map((r) => (r.source === null ? `the initial value for ${listInWords([r.label])}` : access(r.source).label)))];
  return `Client ${client} has no view: no order of all the writes that respects ${orderWords} lets ${listInWords(reads.map((r) => r.label))} each return the latest write before ${reads.length === 1 ? 'it' : 'them'} (they read ${listInWords(sources)}).`;
}

function checkViews(history: History, order: 'causal' | 'pram', options: CheckOptions | undefined): ConsistencyResult<ViewsWitness> {
  const checker = order === 'causal' ? 'checkCausalConsistency' : 'checkPram';
  const model = order === 'causal' ? 'causal consistency' : 'PRAM';
  const orderWords = order === 'causal' ? 'the causal order' : 'the session orders (each read after the write it read)';
  const mh = memoryHistory(history, checker);
  const budget = budgetFrom(options);
  const result = answerWith<ViewsWitness>(model, budget);
  if (mh.thinAir.length > 0) return result('violation', thinAirExplanation(mh));

  const causalEdges = directEdges(mh, true);
  if (order === 'causal') {
    const reach = transitiveClosure(causalEdges);
    const cyclic = mh.accesses.find((a) => (reach[a.index] as Uint8Array)[a.index]);
    if (cyclic) {
      const cycle = shortestPath(causalEdges, cyclic.index, cyclic.index) as number[];
      return result(
        'violation',
        `The causal order has a cycle, so no view can respect it (each arrow is a client's own order or a read returning a write's value): ${pathInWords(mh, cycle)}.`,
      );
    }
  }

  const views: Record<string, number[]> = {};
  try {
    for (const [client, session] of mh.sessions) {
      const reads = session.filter((a) => a.kind === 'read');
      const problem = viewProblem(mh, client, reads, order, causalEdges);
      const view = findView(mh, problem, budget);
      if (view === undefined) {
        const retry = (fewer: MemoryAccess[]) => findView(mh, viewProblem(mh, client, fewer, order, causalEdges), budget) !== undefined;
        return result('violation', explainNoView(mh, problem, orderWords, retry));
      }
      views[client] = view.map((i) => (mh.accesses[i] as MemoryAccess).op.id);
    }
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    const done = Object.keys(views);
    return result(
      'inconclusive',
      `Gave up after exploring ${budget.maxSteps} configurations (maxSteps) while searching for the views; ${done.length === 0 ? 'no client\'s view was found yet' : `views were found for ${listInWords(done)}`}. Raise maxSteps to search further.`,
    );
  }
  const clients = [...mh.sessions.keys()];
  return result(
    'ok',
    clients.length === 0
      ? 'The history has no read or write that took effect, so there is nothing to order.'
      : `Every client has a view: an order of all the writes and its own reads that respects ${orderWords}, in which each read returns the latest write before it (${listInWords(clients.map((c) => `${c}: ${(views[c] as number[]).map((id) => `op ${id}`).join(', ')}`))}).`,
    { views },
  );
}

/**
 * Causal memory (Ahamad et al. 1995; see the module comment) on a register or key-value history with unique
 * written values. `stats.steps` counts explored configurations of the per-client view searches against `maxSteps`;
 * on `ok` the witness holds one view per client (op ids). A violation names the client without a view and the
 * operations that show why.
 */
export function checkCausalConsistency(history: History, options?: CheckOptions): ConsistencyResult<ViewsWitness> {
  return checkViews(history, 'causal', options);
}

/**
 * PRAM, or FIFO consistency (Lipton and Sandberg 1988; see the module comment), checked like causal memory but
 * with views that need only respect the session orders.
 */
export function checkPram(history: History, options?: CheckOptions): ConsistencyResult<ViewsWitness> {
  return checkViews(history, 'pram', options);
}
