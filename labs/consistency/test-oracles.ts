/**
 * Pieces the consistency tests' brute-force oracles share. Oracles are written from the definitions and stay
 * independent of the checkers they judge, so nothing here comes from the checkers' own code.
 */
import type { Operation } from './history';

/** Every order of `items`, one at a time (n! of them: for small histories only). */
export function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i] as T, ...tail];
  }
}

/** Whether a register or key-value operation writes (`write`, `put`). */
export const isWrite = (o: Operation): boolean => ['write', 'put'].includes((o.input as { f: string }).f);

/** The key an operation touches; a register's operations all touch the one key `''`. */
export const keyOf = (o: Operation): string => (o.input as { key?: string }).key ?? '';

/** What a read returns before any write: `null` for a register (unset), `''` for a key-value map. */
export const initialOf = (o: Operation): null | string => ((o.input as { key?: string }).key === undefined ? null : '');

/** An operation for a hand-written history; `output` is kept only for `ok` operations, `returnMs` only if given. */
export const op = (id: number, client: string, input: unknown, output: unknown, invokeMs: number, returnMs?: number, status: Operation['status'] = 'ok'): Operation => {
  const o: Operation = { id, client, input, status, invokeMs };
  if (returnMs !== undefined) o.returnMs = returnMs;
  if (status === 'ok') o.output = output;
  return o;
};

/** A register write of `value`, and a register read, as operation inputs. */
export const w = (value: unknown) => ({ f: 'write', value });
export const r = { f: 'read' };
