/**
 * The inputs and outputs of the two data types the chapter checks: a register and a key-value map. The stores
 * record histories in these shapes, the Jepsen reader produces them, and `registerModel` / `kvModel` specify them.
 *
 * Register (Knossos's cas-register, Herlihy and Wing 1990 §4): one value, initially unset (`null`).
 * - `{ f: 'read' }` → the value read (`null` if unset);
 * - `{ f: 'write', value }` → `null`;
 * - `{ f: 'cas', from, to }` → `true` if the value was `from` and is now `to`, `false` if it was not `from`
 *   (nothing changed). Jepsen records a refused CAS as `:fail`, which a checker drops instead.
 *
 * Key-value map (Porcupine's kv model): string keys to string values, a missing key reads as `''`.
 * - `{ f: 'get', key }` → the value;
 * - `{ f: 'put', key, value }` → `null`;
 * - `{ f: 'append', key, value }` (concatenate to the end) → `null`.
 */
export type RegisterValue = number | string | null;

export type RegisterInput =
  | { f: 'read' }
  | { f: 'write'; value: RegisterValue }
  | { f: 'cas'; from: RegisterValue; to: RegisterValue };

/** A read's value, `null` for a write, a CAS's success. */
export type RegisterOutput = RegisterValue | boolean;

export type KvInput =
  | { f: 'get'; key: string }
  | { f: 'put'; key: string; value: string }
  | { f: 'append'; key: string; value: string };

/** A get's value (`''` for a missing key), `null` for put and append. */
export type KvOutput = string | null;
