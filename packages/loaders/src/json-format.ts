/**
 * Binance REST JSON: an array of objects as `/api/v3/aggTrades`, `/fapi/v1/aggTrades` and `/fapi/v1/fundingRate`
 * return it (numbers as strings: `"p": "42283.58"`), an array of arrays as `/api/v3/klines` returns it, or JSON
 * Lines (one object per line) for large saved responses. A JSON array is parsed whole, so it is limited to
 * {@link MAX_JSON_ARRAY_BYTES}; JSON Lines stream line by line with no limit.
 */
import { createReadStream } from 'node:fs';
import { open as openFile, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UnifiedError } from '@unified/schemas';
import { HEADERLESS_LAYOUTS, type ColumnMapping } from './column-mapping.js';
import { type FormatContext, type OpenedFormat, type RawBatch, fractionOf } from './format-reader.js';

/** Largest JSON array file read whole; larger responses should be saved as JSON Lines. */
export const MAX_JSON_ARRAY_BYTES = 256 * 1024 * 1024;

function corrupt(path: string, detail: string, cause?: unknown): UnifiedError {
  return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: not readable as Binance REST JSON: ${detail}`, cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function firstNonSpace(path: string): Promise<string> {
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/u, '').trimStart().charAt(0);
  } finally {
    await handle.close();
  }
}

/** Column names of object rows: keys in order of first appearance, over every row (a key may appear late). */
function addKeys(keys: Set<string>, row: Record<string, unknown>): void {
  for (const key in row) keys.add(key);
}

function batchOf(path: string, rows: readonly unknown[], first: number, columns: readonly string[], mapping: ColumnMapping): RawBatch {
  const raw = new Array<RawBatch['columns'][number]>(columns.length);
  for (const field of mapping.fields) {
    const key = columns[field.index]!;
    raw[field.index] = {
      type: 'values',
      name: key,
      values: rows.map((row): unknown => (Array.isArray(row) ? (row as unknown[])[field.index] : isRecord(row) ? row[key] : undefined) ?? null),
    };
  }
  return { columns: raw, length: rows.length, location: { path, rowNumber: (i) => first + i + 1 } };
}

async function openJsonArray(path: string, context: FormatContext): Promise<OpenedFormat> {
  const { size } = await stat(path);
  if (size > MAX_JSON_ARRAY_BYTES) {
    throw corrupt(path, `a JSON array of ${size} bytes is larger than ${MAX_JSON_ARRAY_BYTES}; save large responses as JSON Lines (one object per line)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw corrupt(path, error instanceof Error ? error.message : String(error), error);
  }
  if (!Array.isArray(parsed)) throw corrupt(path, 'expected a JSON array of rows');
  if (parsed.length === 0) throw corrupt(path, 'the array is empty; expected rows');
  const rows: unknown[] = parsed;
  const first = rows[0];
  let columns: readonly string[];
  let impliedKind: OpenedFormat['impliedKind'];
  if (Array.isArray(first)) {
    const layout = HEADERLESS_LAYOUTS[first.length];
    if (layout === undefined) throw corrupt(path, `rows are arrays of ${first.length} values, which matches no Binance layout`);
    columns = layout.columns;
    impliedKind = layout.kind;
  } else if (isRecord(first)) {
    const keys = new Set<string>();
    for (const row of rows) if (isRecord(row)) addKeys(keys, row);
    columns = [...keys];
  } else {
    throw corrupt(path, 'expected rows as objects or arrays');
  }
  async function* batches(mapping: ColumnMapping): AsyncGenerator<RawBatch> {
    for (let start = 0; start < rows.length; start += context.batchSize) {
      const kept: unknown[] = [];
      const numbers: number[] = [];
      rows.slice(start, start + context.batchSize).forEach((row, i) => {
        if (isRecord(row) || (Array.isArray(row) && row.length === columns.length)) {
          kept.push(row);
          numbers.push(start + i + 1);
        } else {
          context.issues.rejectUnsplittable(path, start + i + 1, `element is not a row like the first one: ${((JSON.stringify(row) as string | undefined) ?? 'undefined').slice(0, 60)}`);
        }
      });
      const progress = fractionOf(Math.min(start + context.batchSize, rows.length), rows.length);
      yield { ...batchOf(path, kept, start, columns, mapping), location: { path, rowNumber: (i) => numbers[i]! }, progress };
      await Promise.resolve();
    }
  }
  return { format: 'json', columns, ...(impliedKind === undefined ? {} : { impliedKind }), checksum: 'not-applicable', warnings: [], batches, close: () => Promise.resolve() };
}

async function openJsonLines(path: string, context: FormatContext): Promise<OpenedFormat> {
  // `report`: whether unreadable lines count as bad rows (the reading pass) or are passed over (the key scan);
  // `counted` receives the number of lines once the file was read to its end.
  const lines = async function* (report: boolean, counted?: (lines: number) => void): AsyncGenerator<{ row: Record<string, unknown>; line: number }> {
    const stream = createReadStream(path, 'utf8');
    const reader = createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const text of reader) {
        line++;
        if (text.trim() === '') continue;
        let row: unknown;
        try {
          row = JSON.parse(text);
        } catch (error) {
          if (report) context.issues.rejectUnsplittable(path, line, `not a JSON object: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        if (isRecord(row)) yield { row, line };
        else if (report) context.issues.rejectUnsplittable(path, line, 'not a JSON object');
      }
      counted?.(line);
    } finally {
      reader.close();
      stream.destroy();
    }
  };
  // One pass for the keys: a key that first appears late (Binance added "nq" in 2025) must still be loaded.
  const keys = new Set<string>();
  let rowCount = 0;
  // Lines of the file, the denominator of the reading pass's progress (the line of each batch's last row).
  let lineCount = 0;
  for await (const { row } of lines(false, (count) => (lineCount = count))) {
    addKeys(keys, row);
    rowCount++;
  }
  if (rowCount === 0) throw corrupt(path, 'no JSON rows');
  const columns = [...keys];
  async function* batches(mapping: ColumnMapping): AsyncGenerator<RawBatch> {
    let rows: Record<string, unknown>[] = [];
    let numbers: number[] = [];
    const flush = (): RawBatch => {
      const batch = batchOf(path, rows, 0, columns, mapping);
      const batchLines = numbers;
      rows = [];
      numbers = [];
      const progress = fractionOf(batchLines[batchLines.length - 1] ?? 0, lineCount);
      return { ...batch, location: { path, rowNumber: (i) => batchLines[i]! }, progress };
    };
    for await (const { row, line } of lines(true)) {
      rows.push(row);
      numbers.push(line);
      if (rows.length >= context.batchSize) yield flush();
    }
    if (rows.length > 0) yield flush();
  }
  return { format: 'json', columns, checksum: 'not-applicable', warnings: [], batches, close: () => Promise.resolve() };
}

/** Opens a REST JSON array or a JSON Lines file. */
export async function openJson(path: string, context: FormatContext): Promise<OpenedFormat> {
  return (await firstNonSpace(path)) === '[' ? openJsonArray(path, context) : openJsonLines(path, context);
}
