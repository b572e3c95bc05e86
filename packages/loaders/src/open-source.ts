/**
 * `openSource(path)`: any supported file as canonical record batches. The format is decided by the file's first
 * bytes (`PAR1` Parquet, `PK` zip, `[`/`{` JSON, else CSV), not by its extension; the data type by its columns.
 */
import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type * as arrow from 'apache-arrow';
import { UnifiedError, plausibleTimeWindow } from '@unified/schemas';
import { assembleCanonicalBatch, type SourceState } from './canonical-batch.js';
import { type ColumnMapping, canonicalTargets, mapColumns } from './column-mapping.js';
import { openCsv } from './csv-format.js';
import type { FormatContext, OpenedFormat } from './format-reader.js';
import { openJson } from './json-format.js';
import { openParquet } from './parquet-format.js';
import { type BatchLocation, RowIssues } from './row-issues.js';
import { sourceNameHint } from './source-name-hints.js';
import { takeRows } from './take-rows.js';
import {
  DEFAULT_BATCH_SIZE,
  type LoadedSource,
  type RefusedRow,
  type SourceDescription,
  type SourceFormat,
  type SourceOptions,
  type SourceSummary,
} from './source-types.js';
import { openZip } from './zip-format.js';

/** The container format of `path` from its first bytes. Throws `SOURCE_NOT_FOUND` or `SOURCE_CORRUPT` (empty). */
export async function detectSourceFormat(path: string): Promise<SourceFormat> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: not a file` });
    size = info.size;
  } catch (error) {
    if (UnifiedError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(error)})`}`, cause: error });
  }
  if (size === 0) throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: the file is empty (0 bytes)` });
  const handle = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'zip';
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: gzip-compressed; decompress it first (gunzip), or keep it as a Binance zip` });
    }
    if (bytes.some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20))) {
      // Binary content named as Parquet or zip: the reader of that format says what is wrong (a wrong magic number).
      if (/\.parquet$/iu.test(path)) return 'parquet';
      if (/\.zip$/iu.test(path)) return 'zip';
      throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: binary content that is not Parquet or zip; expected Parquet, CSV, a Binance zip or JSON` });
    }
    const text = bytes.toString('utf8').replace(/^\uFEFF/u, '').trimStart();
    if (text.startsWith('[') || text.startsWith('{')) return 'json';
    if (/\.parquet$/iu.test(path)) return 'parquet'; // let the Parquet reader say what is wrong with it
    if (/\.zip$/iu.test(path)) return 'zip';
    return 'csv';
  } finally {
    await handle.close();
  }
}

async function openFormat(format: SourceFormat, path: string, context: FormatContext): Promise<OpenedFormat> {
  switch (format) {
    case 'parquet':
      return openParquet(path, context);
    case 'zip':
      return openZip(path, context);
    case 'json':
      return openJson(path, context);
    case 'csv': {
      const { size } = await stat(path);
      return openCsv(path, () => createReadStream(path), context, { format: 'csv', checksum: 'not-applicable', warnings: [], size, close: () => Promise.resolve() });
    }
  }
}

function throwIfAborted(path: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new UnifiedError({ code: 'ABORTED', message: `${path}: reading was aborted`, cause: signal.reason });
}

interface Opened {
  readonly format: OpenedFormat;
  readonly mapping: ColumnMapping;
  readonly description: SourceDescription;
}

class FileSource implements LoadedSource {
  readonly path: string;
  summary: SourceSummary | undefined;
  private readonly options: SourceOptions;

  constructor(path: string, options: SourceOptions) {
    this.path = path;
    this.options = options;
  }

  private async open(issues: RowIssues): Promise<Opened> {
    const { batchSize = DEFAULT_BATCH_SIZE, verifyChecksum = true, kind } = this.options;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `batchSize must be a positive integer, got ${batchSize}` });
    }
    const formatName = await detectSourceFormat(this.path);
    const format = await openFormat(formatName, this.path, { batchSize, verifyChecksum, issues });
    try {
      const label = format.member === undefined ? this.path : `${this.path}!${format.member}`;
      const mapping = mapColumns(format.columns, kind ?? format.impliedKind, label);
      const warnings = [...format.warnings];
      const unknown = mapping.unused.filter((c) => c.reason === 'unknown column').map((c) => c.name);
      if (unknown.length > 0) warnings.push(`columns not loaded (unknown): ${unknown.join(', ')}`);
      const hint = sourceNameHint(basename(format.member ?? this.path));
      if (hint !== undefined && hint.kind !== mapping.kind) warnings.push(`the file name suggests ${hint.kind} but the columns are ${mapping.kind}`);
      const description: SourceDescription = {
        path: this.path,
        format: format.format,
        kind: mapping.kind,
        ...(format.member === undefined ? {} : { member: format.member }),
        checksum: format.checksum,
        ...(format.header === undefined ? {} : { header: format.header }),
        sourceColumns: format.columns,
        columns: mapping.fields.map((f) => ({ source: f.source, field: canonicalTargets(mapping.kind, f.spec.field) })),
        unusedColumns: mapping.unused,
        warnings,
      };
      return { format, mapping, description };
    } catch (error) {
      await format.close();
      throw error;
    }
  }

  async describe(): Promise<SourceDescription> {
    const opened = await this.open(new RowIssues());
    await opened.format.close();
    return opened.description;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    const { signal, onBadRow = 'error', window = plausibleTimeWindow(), symbol, onProgress, checkBatch } = this.options;
    throwIfAborted(this.path, signal);
    const issues = new RowIssues(onBadRow, window);
    const { format, mapping } = await this.open(issues);
    const state: SourceState = { symbol: symbol?.toUpperCase(), timeEncodings: new Set() };
    const sourceColumn = (canonical: string): string | undefined => mapping.fields.find((f) => f.spec.field === canonical)?.source;
    let rowsLoaded = 0;
    let fraction = 0;
    try {
      for await (const raw of format.batches(mapping)) {
        throwIfAborted(this.path, signal);
        const assembled = assembleCanonicalBatch(mapping, raw.columns, raw.length, { location: raw.location, issues }, state);
        const batch = assembled === null ? null : checkBatch === undefined ? assembled.batch : refuseRows(assembled.batch, assembled.kept, raw.location, issues, checkBatch, sourceColumn);
        if (batch !== null) {
          rowsLoaded += batch.numRows;
          yield batch;
        }
        // Reported once the batch was taken (or wholly skipped); the share never goes back, and a batch whose
        // format cannot tell keeps the last one.
        if (onProgress !== undefined) {
          if (raw.progress !== undefined && raw.progress > fraction) fraction = Math.min(1, raw.progress);
          onProgress({ path: this.path, rowsRead: rowsLoaded + issues.skipped, fraction });
        }
      }
    } finally {
      await format.close();
    }
    onProgress?.({ path: this.path, rowsRead: rowsLoaded + issues.skipped, fraction: 1 });
    this.summary = {
      rowsRead: rowsLoaded + issues.skipped,
      rowsLoaded,
      rowsSkipped: issues.skipped,
      badRows: [...issues.messages],
      warnings: [...issues.warnings],
      timeEncodings: [...state.timeEncodings],
      ...(state.symbol === undefined ? {} : { symbol: state.symbol }),
    };
  }
}

/**
 * Applies the caller's check to a canonical batch: refused rows fail the load or are dropped and counted, by the
 * bad-row policy, with the line they came from.
 */
function refuseRows(
  batch: arrow.RecordBatch,
  kept: Uint32Array | null,
  location: BatchLocation,
  issues: RowIssues,
  checkBatch: (batch: arrow.RecordBatch) => readonly RefusedRow[],
  sourceColumn: (canonical: string) => string | undefined,
): arrow.RecordBatch | null {
  const refused = checkBatch(batch);
  if (refused.length === 0) return batch;
  const rowsOfBatch: BatchLocation = { path: location.path, rowNumber: (index) => location.rowNumber(kept === null ? index : kept[index]!) };
  issues.beginBatch(batch.numRows);
  // In row order, so the error (or the first skipped row reported) is the earliest line.
  for (const { index, reason, column } of [...refused].sort((a, b) => a.index - b.index)) {
    const source = column === undefined ? undefined : sourceColumn(column);
    issues.reject(rowsOfBatch, index, source === undefined || source === column ? reason : `${reason} (file column "${source}")`);
  }
  const bad = issues.badRows();
  if (bad === null) return batch;
  const keep = new Uint32Array(batch.numRows);
  let n = 0;
  for (let i = 0; i < batch.numRows; i++) if (bad[i] === 0) keep[n++] = i;
  return n === 0 ? null : takeRows(batch, keep.subarray(0, n));
}

/**
 * A source file as canonical record batches in the file schema of its data type (`@unified/schemas`).
 * Nothing is read until you iterate or call `describe()`.
 *
 * @example
 * const source = openSource('data/BTCUSDT-aggTrades-2026-01-01.csv');
 * console.log((await source.describe()).kind); // 'aggtrades'
 * for await (const batch of source) console.log(batch.numRows);
 */
export function openSource(path: string, options: SourceOptions = {}): LoadedSource {
  return new FileSource(path, options);
}
