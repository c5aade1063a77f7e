/**
 * The session guarantees of Terry, Demers, Petersen, Spreitzer, Theimer and Welch (1994, "Session guarantees for
 * weakly consistent replicated data", PDIS, §3), and agreement at quiescence, the part of eventual consistency a
 * finite history can show.
 *
 * Terry et al. state the guarantees about servers. Each server holds a set of writes (its database) in an order,
 * and a read returns what its server's writes, in that order, leave. A history records only what clients saw, so
 * here each client d stands for the servers that answered it: the history satisfies a set of guarantees when, for
 * every client d, there are
 *
 * - an arbitration ar_d: a total order of all the writes, the order in which d's servers apply them, and
 * - a visibility: for each of d's reads r, the set vis(r) of writes its server held,
 *
 * such that each of d's reads returns the value of the ar_d-last write in vis(r) to its key (the initial value when
 * there is none), no read sees a write that its own client issues only after it (no server holds a write that does
 * not exist yet), and the chosen guarantees hold. A read belongs to one client, so the visibilities of all the
 * clients' reads form one family; only the arbitrations differ, as Terry's servers may apply concurrent writes in
 * different orders. In our words:
 *
 * - read your writes (§3.1): a write of d is visible to every later read of d;
 * - monotonic reads (§3.2): whatever is visible to a read of d stays visible to d's later reads;
 * - writes follow reads (§3.3): when a client c reads r and later writes w, every write visible to r comes before w
 *   in every client's arbitration, and is visible to every read, of any client, that sees w;
 * - monotonic writes (§3.4): when a client c writes w1 and later w2, w1 comes before w2 in every client's
 *   arbitration, and is visible to every read that sees w2.
 *
 * The second half of the last two is Terry's propagation clause ("if W2 is in DB(S2) then W1 is also in DB(S2)"):
 * a server that holds the later write holds the earlier one. Without it, a client that reads a reply to a post on
 * another key could then find the post missing. Terry et al. speak of the writes "relevant" to r; a history does not
 * say which those are, so every write visible to r counts. Session order is `sessionBefore` (sequential.ts): an
 * indeterminate write precedes nothing in its session, so it is never owed to a later read or write.
 *
 * How this relates to the view-based models of causal.ts (Brzeziński, Sobaniec and Wawrzyniak 2004, "From session
 * causality to causal consistency", PDP, show that causal consistency needs all four guarantees). Causal memory ⇒
 * all four: let each read see the writes in its causal past and let ar_d be the order of writes in d's view. All
 * four ⇒ causal memory: writes follow reads and monotonic writes carry every causal dependency into visibility and
 * arbitration, so each client's explanation becomes a view. The tests check both directions on thousands of
 * histories. PRAM ⇒ read your writes + monotonic reads + monotonic writes (take d's PRAM view as ar_d and what
 * precedes each read in it as its visibility), but not the converse: in "c writes 1; d reads 1, writes 2, reads 1"
 * d's servers may apply 2 before 1 (Terry's order of writes need not follow what d read), which only writes follow
 * reads forbids, while d's PRAM view must keep its own read of 1 before its own write of 2.
 */
import type { History, Operation } from './history';
import { memoryHistory, shortestPath, thinAirExplanation, type MemoryAccess, type MemoryHistory } from './causal';
import { kvModel, registerModel } from './models';
import {
  BudgetExhausted,
  budgetFrom,
  listInWords,
  opLabel,
  sentence,
  sessionBefore,
  validateHistory,
  answerWith,
  type CheckOptions,
  type ConsistencyResult,
  type StepBudget,
} from './sequential';

export type SessionGuarantee = 'read-your-writes' | 'monotonic-reads' | 'monotonic-writes' | 'writes-follow-reads';

/** The four guarantees, in the order Terry et al. present them (§3.1 to §3.4). */
export const SESSION_GUARANTEES: readonly SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'writes-follow-reads', 'monotonic-writes'];

/** Each guarantee in plain words; a set of them is named by joining these with ` + `, in `SESSION_GUARANTEES` order. */
export const SESSION_GUARANTEE_NAMES: Record<SessionGuarantee, string> = {
  'read-your-writes': 'read your writes',
  'monotonic-reads': 'monotonic reads',
  'writes-follow-reads': 'writes follow reads',
  'monotonic-writes': 'monotonic writes',
};

/**
 * The witness of the session guarantees: each client's arbitration (write op ids, first to last) and, for each read
 * (by op id), the op ids of the writes visible to it. The visibility is the least one the guarantees demand.
 */
export interface SessionWitness {
  arbitrations: Record<string, number[]>;
  visibility: Record<number, number[]>;
}

/**
 * One constraint on an arbitration: `before` must precede `after`, why in words, and the (read, write) visibility
 * it rests on, if any (so that an explanation can say what that visibility rests on in turn).
 */
interface Precedence {
  before: number;
  after: number;
  why: string;
  restsOn?: [read: number, write: number];
}

type Result = ConsistencyResult<SessionWitness>;
type Answer = (verdict: Result['verdict'], explanation: string, witness?: SessionWitness) => Result;

/**
 * Whether every client has an arbitration and the reads a visibility that satisfy the chosen guarantees (see the
 * module comment), on a register or key-value history with unique written values.
 *
 * No search is needed, because of a least visibility. The rules are of three kinds:
 *
 * 1. demands that add visibility, each of the form "if these writes are visible to those reads, that write is
 *    visible to this read": a read sees the write it returned; read your writes; monotonic reads; and the
 *    propagation halves of monotonic writes and writes follow reads;
 * 2. prohibitions on visibility: a read of the initial value sees no write of its key; a read sees no write its own
 *    client issues after it; and, for an arbitration, no visible write of the read's key comes after the one it
 *    returned;
 * 3. precedences in the arbitrations: monotonic writes, and writes follow reads, whose premise is a write visible to
 *    a read.
 *
 * The demands of kind 1 only grow with the visibility, so they have a least fixed point L over all the clients'
 * reads together (writes follow reads carries one client's visibility into another's): start from each read's own
 * write and apply the demands until nothing changes. Every family of visibilities that satisfies the rules contains
 * L (by induction along the fixed point). And if a family V with arbitrations ar_d satisfies every rule, L with the
 * same arbitrations does too: L meets kind 1 by construction, and the rules of kinds 2 and 3 only forbid or order
 * visible writes, so what they ask of L ⊆ V they already asked of V. Hence the guarantees hold exactly when L breaks
 * no prohibition on visibility and, for each client d, the precedences of kind 3 plus d's own reads' (a visible write
 * of the read's key precedes the write it returned) form no cycle; then any topological order is ar_d.
 *
 * A violation names a read that L makes see a forbidden write, or the shortest cycle of precedences, each link with
 * its reason. `stats.steps` counts visibility entries, precedences and graph visits against `maxSteps`.
 */
export function checkSessionGuarantees(history: History, which: readonly SessionGuarantee[], options?: CheckOptions): Result {
  if (!Array.isArray(which) || which.length === 0) throw new TypeError(`checkSessionGuarantees: name at least one of ${listInWords(SESSION_GUARANTEES.map((g) => `'${g}'`))}`);
  for (const g of which) {
    if (!SESSION_GUARANTEES.includes(g)) throw new TypeError(`checkSessionGuarantees: unknown guarantee ${JSON.stringify(g)}; expected one of ${listInWords(SESSION_GUARANTEES.map((s) => `'${s}'`))}`);
  }
  const chosen = new Set(which);
  const model = SESSION_GUARANTEES.filter((g) => chosen.has(g)).map((g) => SESSION_GUARANTEE_NAMES[g]).join(' + ');
  const mh = memoryHistory(history, 'checkSessionGuarantees');
  const budget = budgetFrom(options);
  const result: Answer = answerWith<SessionWitness>(model, budget);
  if (mh.thinAir.length > 0) return result('violation', thinAirExplanation(mh));
  try {
    return decide(mh, chosen, model, budget, result);
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    return result('inconclusive', `Gave up after ${budget.maxSteps} steps (maxSteps) while building the visibility and the write orders; raise maxSteps to finish.`);
  }
}

/** Per access, the parts of its session the rules refer to. */
interface SessionLinks {
  /** A write's: the writes of its client that precede it in session order. */
  earlierWrites: MemoryAccess[];
  /** A write's: the reads of its client that precede it in session order. */
  earlierReads: MemoryAccess[];
  /** A read's: the writes of its client that precede it (read your writes). */
  ownEarlierWrites: MemoryAccess[];
  /** A read's: the previous read of its client (monotonic reads), and the next one. */
  previousRead?: MemoryAccess;
  nextRead?: MemoryAccess;
}

function sessionLinks(mh: MemoryHistory): SessionLinks[] {
  const links: SessionLinks[] = mh.accesses.map(() => ({ earlierWrites: [], earlierReads: [], ownEarlierWrites: [] }));
  for (const session of mh.sessions.values()) {
    let previousRead: MemoryAccess | undefined;
    session.forEach((a, i) => {
      const link = links[a.index] as SessionLinks;
      const earlier = session.slice(0, i).filter((e) => sessionBefore(e.op, a.op));
      if (a.kind === 'write') {
        link.earlierWrites = earlier.filter((e) => e.kind === 'write');
        link.earlierReads = earlier.filter((e) => e.kind === 'read');
        return;
      }
      link.ownEarlierWrites = earlier.filter((e) => e.kind === 'write');
      if (previousRead) {
        link.previousRead = previousRead;
        (links[previousRead.index] as SessionLinks).nextRead = a;
      }
      previousRead = a;
    });
  }
  return links;
}

/**
 * Why a write is visible to a read: `why` in words, and the other (read, write) visibilities it follows from (none
 * for the write the read returned and for read your writes).
 */
interface Reason {
  why: string;
  premises: [read: number, write: number][];
}

/** The least visibility: for each read's index, the writes visible to it (by index), each with its reason. */
type Visibility = Map<number, Map<number, Reason>>;

/**
 * The least visibility (see `checkSessionGuarantees`). A worklist of reads: a read is processed again whenever a
 * visibility it copies from grows.
 */
function leastVisibility(mh: MemoryHistory, links: SessionLinks[], chosen: Set<SessionGuarantee>, budget: StepBudget): Visibility {
  const access = (i: number) => mh.accesses[i] as MemoryAccess;
  const reads = mh.accesses.filter((a) => a.kind === 'read');
  const visible: Visibility = new Map();
  for (const r of reads) {
    const sees = new Map<number, Reason>();
    if (r.source !== null) sees.set(r.source, { why: 'the write it read', premises: [] });
    if (chosen.has('read-your-writes')) {
      for (const w of (links[r.index] as SessionLinks).ownEarlierWrites) if (!sees.has(w.index)) sees.set(w.index, { why: `${r.op.client} wrote it earlier: read your writes`, premises: [] });
    }
    budget.tick(1 + sees.size);
    visible.set(r.index, sees);
  }
  // dependents[p]: the reads that copy p's visibility because they see a write its client issued after p.
  const dependents = new Map<number, Set<number>>();
  const queue = reads.map((r) => r.index);
  const queued = new Set(queue);
  const enqueue = (r: number) => {
    if (!queued.has(r)) {
      queued.add(r);
      queue.push(r);
    }
  };
  while (queue.length > 0) {
    const r = queue.shift() as number;
    queued.delete(r);
    const read = access(r);
    const link = links[r] as SessionLinks;
    const sees = visible.get(r) as Map<number, Reason>;
    const before = sees.size;
    const add = (w: number, reason: Reason) => {
      budget.tick();
      if (!sees.has(w)) sees.set(w, reason);
    };
    if (chosen.has('monotonic-reads') && link.previousRead) {
      const previous = link.previousRead;
      for (const w of (visible.get(previous.index) as Map<number, Reason>).keys()) {
        add(w, { why: `it is visible to ${previous.label}, an earlier read of ${read.op.client}: monotonic reads`, premises: [[previous.index, w]] });
      }
    }
    // The map grows while it is walked; a Map iterator visits entries added during the walk.
    for (const w of sees.keys()) {
      const write = access(w);
      const writeLink = links[w] as SessionLinks;
      if (chosen.has('monotonic-writes')) {
        for (const earlier of writeLink.earlierWrites) {
          add(earlier.index, { why: `${write.label} is visible to it, and ${write.op.client} wrote ${earlier.label} before that: monotonic writes`, premises: [[r, w]] });
        }
      }
      if (chosen.has('writes-follow-reads')) {
        for (const p of writeLink.earlierReads) {
          let copies = dependents.get(p.index);
          if (!copies) dependents.set(p.index, (copies = new Set()));
          copies.add(r);
          for (const seen of (visible.get(p.index) as Map<number, Reason>).keys()) {
            add(seen, {
              why: `${write.label} is visible to it, and ${access(seen).label} was visible to ${p.label}, which ${write.op.client} issued before that write: writes follow reads`,
              premises: [
                [r, w],
                [p.index, seen],
              ],
            });
          }
        }
      }
    }
    if (sees.size > before) {
      if (chosen.has('monotonic-reads') && link.nextRead) enqueue(link.nextRead.index);
      for (const next of dependents.get(r) ?? []) if (next !== r) enqueue(next);
    }
  }
  return visible;
}

/**
 * What the visibilities named in an explanation rest on, as sentences to append: every visibility they follow from,
 * each named once, except the write a read returned and read your writes (their reasons say all). Empty when
 * nothing needs saying.
 */
function inTurn(mh: MemoryHistory, visible: Visibility, named: [read: number, write: number][]): string {
  const access = (i: number) => mh.accesses[i] as MemoryAccess;
  const reasonOf = (r: number, w: number) => (visible.get(r) as Map<number, Reason>).get(w) as Reason;
  const steps: string[] = [];
  const done = new Set<string>(named.map(([r, w]) => `${r}>${w}`));
  const pending = named.flatMap(([r, w]) => reasonOf(r, w).premises);
  while (pending.length > 0) {
    const [r, w] = pending.shift() as [number, number];
    if (done.has(`${r}>${w}`)) continue;
    done.add(`${r}>${w}`);
    const reason = reasonOf(r, w);
    if (reason.premises.length === 0) continue;
    steps.push(`${access(w).label} is visible to ${access(r).label} because ${reason.why}`);
    pending.push(...reason.premises);
  }
  return steps.length === 0 ? '' : ` In turn, ${steps.join('; ')}.`;
}

/** Kahn's algorithm over the writes: an order, or undefined when some writes lie on or behind a cycle. */
function topologicalOrder(writes: number[], successors: number[][], budget: StepBudget): number[] | undefined {
  const indegree = new Map<number, number>(writes.map((w) => [w, 0]));
  for (const w of writes) for (const next of successors[w] as number[]) indegree.set(next, (indegree.get(next) as number) + 1);
  const order: number[] = [];
  const ready = writes.filter((w) => indegree.get(w) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const w = ready.shift() as number;
    budget.tick();
    order.push(w);
    for (const next of successors[w] as number[]) {
      const left = (indegree.get(next) as number) - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order.length === writes.length ? order : undefined;
}

/** The precedences as a graph over access indices; the first precedence given for an edge is the one kept. */
function precedenceGraph(size: number, precedences: Precedence[]): { successors: number[][]; edges: Map<string, Precedence> } {
  const successors = Array.from({ length: size }, () => [] as number[]);
  const edges = new Map<string, Precedence>();
  for (const p of precedences) {
    const edge = `${p.before}>${p.after}`;
    if (edges.has(edge)) continue;
    edges.set(edge, p);
    (successors[p.before] as number[]).push(p.after);
  }
  return { successors, edges };
}

/**
 * The shortest cycle among `writes` (some of which a topological order left out), each link with its reason, and
 * the visibilities those reasons rest on.
 */
function shortestCycle(mh: MemoryHistory, writes: number[], graph: ReturnType<typeof precedenceGraph>, budget: StepBudget): { words: string; restsOn: [number, number][] } {
  const access = (i: number) => mh.accesses[i] as MemoryAccess;
  let cycle: number[] | undefined;
  for (const w of writes) {
    budget.tick(writes.length);
    const found = shortestPath(graph.successors, w, w);
    if (found && (cycle === undefined || found.length < cycle.length)) cycle = found;
  }
  const path = cycle as number[];
  const links = path.slice(1).map((after, i) => graph.edges.get(`${path[i] as number}>${after}`) as Precedence);
  return {
    words: links.map((p) => `${access(p.before).label} must come before ${access(p.after).label}, because ${p.why}`).join('; '),
    restsOn: links.flatMap((p) => (p.restsOn ? [p.restsOn] : [])),
  };
}

function decide(mh: MemoryHistory, chosen: Set<SessionGuarantee>, model: string, budget: StepBudget, result: Answer): Result {
  const access = (i: number) => mh.accesses[i] as MemoryAccess;
  const links = sessionLinks(mh);
  const visible = leastVisibility(mh, links, chosen, budget);

  // Prohibitions on the least visibility.
  for (const [r, sees] of visible) {
    const read = access(r);
    for (const [w, reason] of sees) {
      const write = access(w);
      budget.tick();
      if (sessionBefore(read.op, write.op)) {
        return result(
          'violation',
          `${write.label} must be visible to ${read.label} (${reason.why}), but ${read.op.client} issued that write only after the read, and no server holds a write before it is issued.${inTurn(mh, visible, [[r, w]])}`,
        );
      }
      if (write.key === read.key && read.source === null) {
        return result(
          'violation',
          `${read.label} returned the initial value (${mh.initialWords}), but ${write.label} must be visible to it (${reason.why}), so under ${model} it would have returned at least that write.${inTurn(mh, visible, [[r, w]])}`,
        );
      }
    }
  }

  // Precedences every client's arbitration must respect.
  const common: Precedence[] = [];
  for (const w of mh.accesses) {
    if (w.kind !== 'write') continue;
    const link = links[w.index] as SessionLinks;
    if (chosen.has('monotonic-writes')) {
      for (const earlier of link.earlierWrites) {
        budget.tick();
        common.push({ before: earlier.index, after: w.index, why: `${w.op.client} wrote ${earlier.label} before ${w.label} (monotonic writes)` });
      }
    }
    if (chosen.has('writes-follow-reads')) {
      for (const p of link.earlierReads) {
        for (const [seen, reason] of visible.get(p.index) as Map<number, Reason>) {
          budget.tick();
          common.push({
            before: seen,
            after: w.index,
            why: `${access(seen).label} is visible to ${p.label} (${reason.why}), which ${w.op.client} issued before ${w.label} (writes follow reads)`,
            restsOn: [p.index, seen],
          });
        }
      }
    }
  }

  const writes = mh.accesses.filter((a) => a.kind === 'write').map((a) => a.index);
  const shared = precedenceGraph(mh.accesses.length, common);
  if (topologicalOrder(writes, shared.successors, budget) === undefined) {
    const cycle = shortestCycle(mh, writes, shared, budget);
    return result('violation', `No order of the writes satisfies ${model}, for any client; the demands form a cycle: ${cycle.words}.${inTurn(mh, visible, cycle.restsOn)}`);
  }

  const arbitrations: Record<string, number[]> = {};
  for (const [client, session] of mh.sessions) {
    // Each of the client's reads: no visible write of its key may come after the one it returned.
    const own: Precedence[] = [];
    for (const read of session) {
      if (read.kind !== 'read' || read.source === null) continue;
      for (const [w, reason] of visible.get(read.index) as Map<number, Reason>) {
        if (access(w).key !== read.key || w === read.source) continue;
        budget.tick();
        own.push({
          before: w,
          after: read.source,
          why: `${access(w).label} is visible to ${read.label} (${reason.why}), which returned the value of ${access(read.source).label}`,
          restsOn: [read.index, w],
        });
      }
    }
    const graph = precedenceGraph(mh.accesses.length, [...common, ...own]);
    const order = topologicalOrder(writes, graph.successors, budget);
    if (order === undefined) {
      const cycle = shortestCycle(mh, writes, graph, budget);
      return result('violation', `No order of the writes explains the reads of client ${client} under ${model}; the demands form a cycle: ${cycle.words}.${inTurn(mh, visible, cycle.restsOn)}`);
    }
    arbitrations[client] = order.map((w) => access(w).op.id);
  }

  const visibility: Record<number, number[]> = {};
  for (const [r, sees] of visible) visibility[access(r).op.id] = [...sees.keys()].map((w) => access(w).op.id).sort((a, b) => a - b);
  const clients = Object.keys(arbitrations);
  return result(
    'ok',
    writes.length === 0 && visible.size === 0
      ? `The history has no read or write that took effect, so ${model} holds trivially.`
      : `Each client has an order of the writes that, with each read seeing the writes ${model} demands, explains its reads: each returns the latest visible write (${listInWords(clients.map((c) => `${c}: ${(arbitrations[c] as number[]).length === 0 ? 'no writes' : (arbitrations[c] as number[]).map((id) => `op ${id}`).join(', ')}`))}).`,
    { arbitrations, visibility },
  );
}

/** Read your writes alone (Terry et al. 1994, §3.1); see `checkSessionGuarantees`. */
export function checkReadYourWrites(history: History, options?: CheckOptions): Result {
  return checkSessionGuarantees(history, ['read-your-writes'], options);
}

/** Monotonic reads alone (Terry et al. 1994, §3.2); see `checkSessionGuarantees`. */
export function checkMonotonicReads(history: History, options?: CheckOptions): Result {
  return checkSessionGuarantees(history, ['monotonic-reads'], options);
}

/**
 * Monotonic writes alone (Terry et al. 1994, §3.4). On its own it forces little: a read that sees a writer's later
 * write also sees the earlier ones, but nothing makes a later read see anything, so it bites together with monotonic
 * reads or read your writes (`checkSessionGuarantees` with several guarantees).
 */
export function checkMonotonicWrites(history: History, options?: CheckOptions): Result {
  return checkSessionGuarantees(history, ['monotonic-writes'], options);
}

/**
 * Writes follow reads alone (Terry et al. 1994, §3.3). On its own it refuses a cycle of reads and later writes
 * ("a read 2 then wrote 1; b read 1 then wrote 2"); with monotonic reads it also refuses a client that sees a reply
 * and then misses the post it answered.
 */
export function checkWritesFollowReads(history: History, options?: CheckOptions): Result {
  return checkSessionGuarantees(history, ['writes-follow-reads'], options);
}

/** What a key's reads settled on: the value, from when, and since when no write of the key was pending. */
export interface SettledKey {
  value: unknown;
  /** The last response (or indeterminate invocation) of a write of the key; `null` if the key was never written. */
  quiescentFromMs: number | null;
  /** When the last read that disagreed with `value` ended (`quiescentFromMs` if none did, `null` if neither exists). */
  settledFromMs: number | null;
  /** How many reads began after `settledFromMs` (all of them returned `value`). */
  reads: number;
}

/** The witness of agreement at quiescence: for each key that was read (`''` for the register), what it settled on. */
export interface ConvergenceWitness {
  keys: Record<string, SettledKey>;
}

/**
 * Agreement at quiescence: what a finite history can show of eventual consistency (Vogels 2009, "Eventually
 * consistent", CACM 52(1): once updates stop, all replicas eventually return the same value; Terry et al. 1994, §2,
 * describe the weakly consistent systems beneath the session guarantees the same way). Eventual consistency is a
 * liveness property: any disagreement may still end after the history stops, so no finite history violates it, and
 * this checker never says it does. What it checks instead, per key:
 *
 * - quiescence: the key's writes have all ended, after the last response of a write to it (a compare-and-set and an
 *   append count as writes). An indeterminate write may take effect at any time after its invocation; reads before
 *   its invocation cannot see it, so quiescence begins no earlier than that, and an `ok` verdict says only that the
 *   reads the history holds agree, not that such a write will never land;
 * - agreement: among the reads that began at or after quiescence, the last to begin returned some value v, and at
 *   least one read began after every read that returned something else had ended (and after quiescence). Those reads
 *   all returned v: the key settled on v. Unless v is the initial value while some write of the key took effect
 *   (`ok`): every replica eventually applies that write, so agreement on the initial value is not convergence yet.
 *
 * Verdicts: `ok` when every key that was read settled; `inconclusive` when some key has no read after quiescence, or
 * its reads still disagree at the end, or agree on the initial value after a write took effect (eventual consistency
 * could still hold: the replicas may agree later); and
 * `violation` only for what no eventually consistent store can do in any run, however long: a read of a value that no
 * write wrote to its key (nor the initial value), which no replica could ever hold. That last check applies to plain
 * reads and writes (and a compare-and-set's new value); a key with appends is exempt, since its values are
 * concatenations. Keys no read touches are not judged. `stats.steps` counts operations examined.
 */
export function checkConvergence(history: History, options?: CheckOptions): ConsistencyResult<ConvergenceWitness> {
  const model = 'agreement at quiescence';
  const budget = budgetFrom(options);
  const result = answerWith<ConvergenceWitness>(model, budget);
  // memoryHistory would demand unique values, which agreement does not need; the plain validation suffices.
  const { labelOf, initial } = convergenceLabels(history);
  const taken = history.filter((op) => op.status !== 'fail');
  const where = (key: string) => (key === '' ? '' : ` of key ${key}`);
  try {
    const written = new Map<string, Set<string>>();
    const appended = new Set<string>();
    // Per key, a write that certainly took effect: eventually every replica applies it.
    const tookEffect = new Map<string, Operation>();
    const quiescentFrom = new Map<string, number>();
    for (const op of taken) {
      budget.tick();
      const input = op.input as { f: string; value?: unknown; to?: unknown };
      if (isRead(input)) continue;
      const key = keyOf(input);
      const end = op.status === 'ok' ? (op.returnMs as number) : op.invokeMs;
      quiescentFrom.set(key, Math.max(quiescentFrom.get(key) ?? -Infinity, end));
      if (input.f === 'append') appended.add(key);
      if (op.status === 'ok' && !tookEffect.has(key)) tookEffect.set(key, op);
      let values = written.get(key);
      if (!values) written.set(key, (values = new Set()));
      values.add(valueKey(input.f === 'cas' ? input.to : input.value));
    }
    const reads = taken.filter((op) => op.status === 'ok' && isRead(op.input)).sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
    const thinAir = reads.filter((op) => {
      budget.tick();
      const key = keyOf(op.input);
      return !appended.has(key) && !Object.is(op.output, initial) && !written.get(key)?.has(valueKey(op.output));
    });
    if (thinAir.length > 0) {
      const labels = thinAir.map(labelOf);
      return result(
        'violation',
        `${listInWords(labels)} returned ${labels.length === 1 ? 'a value' : 'values'} that no write of ${labels.length === 1 ? 'its key' : 'their keys'} wrote (and not the initial value); no replica could ever hold ${labels.length === 1 ? 'it' : 'them'}, so no eventually consistent store returns ${labels.length === 1 ? 'it' : 'them'}.`,
      );
    }

    const byKey = new Map<string, Operation[]>();
    for (const op of reads) {
      const key = keyOf(op.input);
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(op);
    }
    if (byKey.size === 0) return result('inconclusive', 'No read took effect, so nothing shows whether the replicas agree.');
    const keys: Record<string, SettledKey> = {};
    for (const [key, keyReads] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const quiescent = quiescentFrom.get(key);
      const after = quiescent === undefined ? 'With no write' + where(key) + ',' : `After the last write${where(key)} ended at ${quiescent} ms,`;
      const final = keyReads.filter((op) => quiescent === undefined || op.invokeMs >= quiescent);
      budget.tick(keyReads.length);
      if (final.length === 0) {
        return result('inconclusive', `${after} no read${where(key)} began, so nothing shows whether the replicas agree on it.`);
      }
      const last = final[final.length - 1] as Operation;
      const disagreeing = final.filter((op) => !Object.is(op.output, last.output));
      const settledFrom = Math.max(quiescent ?? -Infinity, ...disagreeing.map((op) => op.returnMs as number));
      const settled = final.filter((op) => op.invokeMs > settledFrom || (disagreeing.length === 0 && op.invokeMs >= settledFrom));
      if (settled.length === 0) {
        const other = disagreeing[disagreeing.length - 1] as Operation;
        return result(
          'inconclusive',
          `${after} the reads${where(key)} still disagree at the end of the history: ${labelOf(other)} and ${labelOf(last)} returned different values, and no read began after both had ended. The replicas may agree later, which no finite history can rule out.`,
        );
      }
      const applied = tookEffect.get(key);
      if (applied && Object.is(last.output, initial)) {
        return result(
          'inconclusive',
          `${after} the reads${where(key)} agree on the initial value, though ${labelOf(applied)} took effect; every replica eventually applies it, so they have not converged yet, and a later read may show it.`,
        );
      }
      keys[key] = { value: last.output, quiescentFromMs: quiescent ?? null, settledFromMs: Number.isFinite(settledFrom) ? settledFrom : null, reads: settled.length };
    }
    const summary = Object.entries(keys).map(([key, s]) => {
      const from = s.settledFromMs === null ? '' : s.settledFromMs === s.quiescentFromMs ? ` from ${s.settledFromMs} ms` : ` from ${s.settledFromMs} ms, when the last read that disagreed ended`;
      return `${key === '' ? 'the register' : `key ${key}`} settled on ${describeValue(s.value)}${from} (${s.reads === 1 ? 'one read' : `${s.reads} reads`} after that)`;
    });
    return result('ok', `Every key that was read settled after its last write: ${listInWords(summary)}.`, { keys });
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
/** A value as a string that keeps 1 and "1" apart. */
const valueKey = (value: unknown) => `${typeof value}:${String(value)}`;
const describeValue = (value: unknown) => (value === null ? 'unset' : value === '' ? 'empty' : JSON.stringify(value));

/**
 * Validate a history for `checkConvergence` (well formed; all register or all key-value operations) and return how
 * explanations name its operations and the initial value a read of an unwritten key returns.
 */
function convergenceLabels(history: History): { labelOf: (op: Operation) => string; initial: unknown } {
  validateHistory(history, 'checkConvergence');
  const fs = new Set(history.map((op) => String((op.input as { f?: unknown }).f)));
  const register = [...fs].every((f) => f === 'read' || f === 'write' || f === 'cas');
  const kv = [...fs].every((f) => f === 'get' || f === 'put' || f === 'append');
  if (!register && !kv) throw new TypeError(`checkConvergence: expected register operations (read, write, cas) or key-value operations (get, put, append), not a mix of ${listInWords([...fs].sort())}`);
  const describe = (register ? registerModel.describeOperation : kvModel.describeOperation) as (input: unknown, output: unknown) => string;
  return { labelOf: (op) => opLabel(op, describe), initial: register ? null : '' };
}
