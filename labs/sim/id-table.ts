/**
 * An immutable table from numeric ids to values, for the requests and lookups a node keeps in its state (pending
 * RPCs by id, lookups by id). A step that records a new request returns a new table and leaves the old one as it
 * was, as a pure state machine must.
 *
 * Why not a plain object `{ [id]: value }`: ids count up for the whole run, and an engine stores an object with
 * integer keys as an array as long as its largest key (or, past a limit, as a hash table), so copying a one-entry
 * object with key 600 allocates and copies hundreds of slots. The nodes copy these tables on nearly every step, and
 * that copy took about 40% of a Chord run. Here a table is two short arrays, sorted by id.
 *
 * Contract: `JSON.stringify` gives exactly the text of the plain object `{ [id]: value }` (ids in ascending order,
 * as JavaScript orders integer keys), so traces, persisted data and state snapshots are unchanged byte for byte.
 * Ids are non-negative integers (array indices); values must be JSON data, like everything in a node's state.
 */
export class IdTable<V> {
  private static readonly none = new IdTable<never>([], []);

  private constructor(
    private readonly ids: readonly number[],
    private readonly entries: readonly V[],
  ) {}

  /** The empty table. */
  static empty<V>(): IdTable<V> {
    return IdTable.none as IdTable<V>;
  }

  /** A table with the entries of a plain object `{ [id]: value }` (the inverse of `toJSON`). */
  static fromObject<V>(object: Record<number, V>): IdTable<V> {
    const ids = Object.keys(object).map(Number);
    return new IdTable(ids, ids.map((id) => object[id] as V));
  }

  get size(): number {
    return this.ids.length;
  }

  get(id: number): V | undefined {
    const i = this.ids.indexOf(id);
    return i < 0 ? undefined : this.entries[i];
  }

  has(id: number): boolean {
    return this.ids.indexOf(id) >= 0;
  }

  /** A table with `id` set to `value` (added in id order, or replaced). */
  with(id: number, value: V): IdTable<V> {
    const ids = this.ids.slice();
    const entries = this.entries.slice();
    let i = ids.length;
    while (i > 0 && (ids[i - 1] as number) > id) i--;
    if (i > 0 && ids[i - 1] === id) entries[i - 1] = value;
    else {
      ids.splice(i, 0, id);
      entries.splice(i, 0, value);
    }
    return new IdTable(ids, entries);
  }

  /** A table without `id` (the same table when it has none). */
  without(id: number): IdTable<V> {
    const i = this.ids.indexOf(id);
    if (i < 0) return this;
    const ids = this.ids.slice();
    const entries = this.entries.slice();
    ids.splice(i, 1);
    entries.splice(i, 1);
    return new IdTable(ids, entries);
  }

  /** The values, in ascending id order (the order `Object.values` gives for the plain object). */
  values(): readonly V[] {
    return this.entries;
  }

  /** The plain object `{ [id]: value }`, which is what JSON sees. */
  toJSON(): Record<number, V> {
    const out: Record<number, V> = {};
    for (let i = 0; i < this.ids.length; i++) out[this.ids[i] as number] = this.entries[i] as V;
    return out;
  }
}
