/**
 * Brute-force oracles for the history exercises' tests, written from the definitions and independent of the lab's
 * checkers: every permutation of a small register history, kept when it respects the required order (real time
 * for linearizability, each client's order for sequential consistency) and a register that starts unset answers
 * every read in it; and causal memory (Ahamad et al. 1995) by enumerating each client's view.
 */
import type { Exercise } from '../../exercises/types';
import type { RegisterOp } from './small-histories';
import { permutations as orders } from '../test-oracles';

/** Every order of `items`, as a list. */
export function permutations<T>(items: readonly T[]): T[][] {
  return [...orders(items)];
}

/** Whether the reads in `order` return the latest write before them (unset, null, before any write). */
export function registerLegal(order: readonly RegisterOp[]): boolean {
  let value: unknown = null;
  for (const op of order) {
    if (op.input.f === 'write') value = op.input.value;
    else if (op.input.f === 'read' && op.output !== value) return false;
  }
  return true;
}

export function respectsRealTime(order: readonly RegisterOp[]): boolean {
  return order.every((a, i) => order.slice(i + 1).every((b) => !((b.returnMs as number) < a.invokeMs)));
}

export function respectsSessions(order: readonly RegisterOp[]): boolean {
  return order.every((a, i) => order.slice(i + 1).every((b) => b.client !== a.client || b.invokeMs > a.invokeMs));
}

/** Every legal order of the history under `constraint`, as label strings like `BACD`. */
export function legalOrders(ops: readonly RegisterOp[], constraint: 'real-time' | 'session'): RegisterOp[][] {
  const respects = constraint === 'real-time' ? respectsRealTime : respectsSessions;
  return permutations(ops).filter((order) => respects(order) && registerLegal(order));
}

/**
 * Causal memory, from Ahamad, Neiger, Burns, Kohli and Hutto (1995, §2): the causal order is the transitive closure
 * of each client's order and writes-into (a write precedes every read that returns its value); the history is
 * causal when that order has no cycle and, for every client, some order of all writes and that client's reads
 * extends the causal order and lets every one of those reads return the latest write before it. Written values
 * must be unique (they are: 1, 2, 3, …), so writes-into is a function.
 */
export function causallyConsistent(ops: readonly RegisterOp[]): boolean {
  const n = ops.length;
  const before: boolean[][] = ops.map(() => ops.map(() => false));
  ops.forEach((a, i) => ops.forEach((b, j) => {
    if (a.client === b.client && a.invokeMs < b.invokeMs) (before[i] as boolean[])[j] = true;
    if (a.input.f === 'write' && b.input.f === 'read' && b.output === a.input.value) (before[i] as boolean[])[j] = true;
  }));
  // A read of a value no write wrote (other than unset) cannot be explained.
  if (ops.some((r) => r.input.f === 'read' && r.output !== null && !ops.some((w) => w.input.f === 'write' && w.input.value === r.output))) return false;
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (before[i]?.[k] && before[k]?.[j]) (before[i] as boolean[])[j] = true;
  if (ops.some((_, i) => before[i]?.[i])) return false;
  const clients = [...new Set(ops.map((op) => op.client))];
  return clients.every((client) => {
    const view = ops.map((_, i) => i).filter((i) => ops[i]?.input.f === 'write' || ops[i]?.client === client);
    // Depth-first over the view's orders: an access may come next once its causal predecessors in the view have,
    // and a read only if it returns the latest write placed so far.
    const placed = new Set<number>();
    const extend = (value: unknown): boolean => {
      if (placed.size === view.length) return true;
      for (const i of view) {
        if (placed.has(i) || view.some((j) => !placed.has(j) && before[j]?.[i])) continue;
        const op = ops[i] as RegisterOp;
        if (op.input.f === 'read' && op.output !== value) continue;
        placed.add(i);
        if (extend(op.input.f === 'write' ? op.input.value : value)) return true;
        placed.delete(i);
      }
      return false;
    };
    return extend(null);
  });
}

/**
 * The score the grader gives a structured answer (the fraction of its checks passed, labs/exercises/grade.ts),
 * computed from the definition's checks without parsing, for tests that grade thousands of orders.
 */
export function orderScore<P>(def: Exercise<P>, params: P, labels: readonly string[]): number {
  if (def.kind !== 'structured') throw new Error(`${def.id} is not a structured exercise`);
  const checks = def.check(params, labels as never);
  return checks.filter((c) => c.passed).length / checks.length;
}
