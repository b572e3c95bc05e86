import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csvLines as csvBytes } from './csv-lines.js';
import { jsonLines as jsonBytes } from './json-lines.js';

// The lines as text (the functions return UTF-8 bytes).
const csvLines = (batch: arrow.RecordBatch, names: readonly string[]): string => csvBytes(batch, names).toString('utf8');
const jsonLines = (batch: arrow.RecordBatch, names: readonly string[]): string => jsonBytes(batch, names).toString('utf8');

describe('query output', () => {
  it('writes int64 and decimals exactly, quotes CSV fields that need it, and writes nulls', () => {
    const decimals = arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: 3, nullCount: 1, nullBitmap: Uint8Array.from([0b011]), data: Uint32Array.from([1, 0, 0, 0, 0xffffd2fd, 0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 0]) });
    const table = arrow.tableFromArrays({
      id: BigInt64Array.from([9007199254740993n, -1n, 0n]),
      note: ['a,b', 'say "hi"', null],
    });
    const batch = new arrow.RecordBatch(
      new arrow.Schema([...table.schema.fields, new arrow.Field('price', decimals.type, true)]),
      arrow.makeData({ type: new arrow.Struct([...table.schema.fields, new arrow.Field('price', decimals.type, true)]), length: 3, nullCount: 0, children: [...table.batches[0]!.data.children, decimals] }),
    );
    expect(jsonLines(batch, ['id', 'note', 'price'])).toBe('{"id":9007199254740993,"note":"a,b","price":0.01}\n{"id":-1,"note":"say \\"hi\\"","price":-115.23}\n{"id":0,"note":null,"price":null}\n');
    expect(csvLines(batch, ['id', 'note', 'price'])).toBe('9007199254740993,"a,b",0.01\n-1,"say ""hi""",-115.23\n0,,\n');
  });
});
