// Method: property tests against an oracle, the plain object `{ [id]: value }` that IdTable replaces. Random
// sequences of sets and deletions are applied to both; after every operation the table must answer `get`, `has`,
// `size` and `values` as the object does and serialise to the very same JSON text, and earlier tables must be
// unchanged (each operation returns a new table).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdTable } from './id-table';

type Op = { set: true; id: number; value: string } | { set: false; id: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ set: fc.constant(true as const), id: fc.oneof(fc.nat(20), fc.nat(5000), fc.nat(2 ** 31)), value: fc.string({ maxLength: 3 }) }),
    fc.record({ set: fc.constant(false as const), id: fc.oneof(fc.nat(20), fc.nat(5000)) }),
  ),
  { maxLength: 60 },
);

describe('IdTable: an immutable id -> value table that serialises like a plain object', () => {
  it('agrees with a plain object on every read and on its JSON text, whatever the order of ids', () => {
    fc.assert(
      fc.property(ops, (sequence: Op[]) => {
        let table = IdTable.empty<string>();
        let object: Record<number, string> = {};
        const history: [IdTable<string>, string][] = [];
        for (const op of sequence) {
          if (op.set) {
            table = table.with(op.id, op.value);
            object = { ...object, [op.id]: op.value };
          } else {
            table = table.without(op.id);
            const copy = { ...object };
            delete copy[op.id];
            object = copy;
          }
          expect(JSON.stringify(table)).toBe(JSON.stringify(object));
          expect(JSON.stringify({ rpcs: table, n: 1 })).toBe(JSON.stringify({ rpcs: object, n: 1 }));
          expect(table.size).toBe(Object.keys(object).length);
          expect(table.values()).toEqual(Object.values(object));
          expect(table.get(op.id)).toBe(object[op.id]);
          expect(table.has(op.id)).toBe(op.id in object);
          history.push([table, JSON.stringify(object)]);
        }
        for (const [earlier, text] of history) expect(JSON.stringify(earlier)).toBe(text);
        expect(JSON.stringify(IdTable.fromObject(object))).toBe(JSON.stringify(object));
      }),
      { numRuns: 500 },
    );
  });

  it('deleting an id it does not hold returns the same table', () => {
    const table = IdTable.empty<string>().with(3, 'x');
    expect(table.without(4)).toBe(table);
    expect(IdTable.empty<string>().without(0)).toBe(IdTable.empty());
  });
});
