/**
 * Reconciliation of a dataset with the sources it was converted from (`validate --sources`): each source
 * recorded in metadata.json must still hold the same bytes (sha256), re-reading it must give the rows read and
 * skipped that the conversion recorded, and a seeded random sample of its rows must be found, identical in
 * every column, in the output. Counts prove nothing was lost in bulk; the sample proves values survived.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type * as arrow from 'apache-arrow';
import { openSource, readPartitionedDataset, sha256OfFile } from '@unified/loaders';
import type { DatasetMetadata } from '@unified/metadata';
import { type DataKind, datasetSchemaFor, isTimeframe } from '@unified/schemas';
import type { IssueCollector } from './issue-collector.js';
import { KIND_RULES } from './kind-rules.js';
import { createStreamChecks } from './stream-checks.js';

/** What reconciliation with the sources did. */
export interface SourceReconciliation {
  /** Sources recorded, and those re-read (unchanged and present). */
  readonly files: number;
  readonly filesRead: number;
  readonly rowsRead: number;
  readonly rowsSkipped: number;
  /** Source rows sampled, and found identical in the output. */
  readonly sampled: number;
  readonly verified: number;
  /**
   * Sampled rows whose key is in the output with other values, when the conversion resolved key conflicts by
   * policy (`onConflict: 'keep-last'`): the row is the version the policy dropped, not an error.
   */
  readonly droppedByPolicy: number;
  /** Why the sources could not be checked (a dataset not written by a conversion); absent when they were. */
  readonly unavailable?: string;
}

/** Options of the sample. */
export interface SampleOptions {
  readonly sampleSize: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
}

type Value = number | bigint | string | boolean | null;

interface SampledRow {
  readonly source: string;
  /** 1-based among the rows the source yielded (bad rows it skipped are not counted). */
  readonly ordinal: number;
  readonly values: Readonly<Record<string, Value>>;
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function rowValues(batch: arrow.RecordBatch, row: number, columns: readonly string[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const name of columns) out[name] = (batch.getChild(name)?.get(row) ?? null) as Value;
  return out;
}

function same(a: Value, b: Value): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return a !== null && b !== null && BigInt(a) === BigInt(b);
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

const show = (value: Value): string => (value === null ? 'null' : String(value));

/** Re-reads the recorded sources of a dataset and checks counts and a sample against the output. */
export async function reconcileSources(root: string, kind: DataKind, entry: DatasetMetadata | undefined, dataDir: string, issues: IssueCollector, options: SampleOptions): Promise<SourceReconciliation> {
  if (entry === undefined) {
    return { files: 0, filesRead: 0, rowsRead: 0, rowsSkipped: 0, sampled: 0, verified: 0, droppedByPolicy: 0, unavailable: 'no entry in metadata.json: the sources it was converted from are unknown (a dataset not written by a conversion)' };
  }
  const { signal } = options;
  const columns = datasetSchemaFor(kind).fileColumns.map((c) => c.name);
  const random = seededRandom(options.seed);
  const sample: SampledRow[] = [];
  let seen = 0;
  let filesRead = 0;
  let rowsRead = 0;
  let rowsSkipped = 0;
  const timeframe = entry.timeframe !== null && isTimeframe(entry.timeframe) ? entry.timeframe : undefined;
  for (const record of entry.sources) {
    signal?.throwIfAborted();
    const path = resolve(dataDir, record.path);
    let sha256: string;
    try {
      await stat(path);
      sha256 = await sha256OfFile(path);
    } catch {
      issues.add({ code: 'checksum_mismatch', dataset: root, source: record.path, against: 'metadata', expected: record.sha256, actual: 'missing', message: `source ${record.path}: gone since the conversion; cannot reconcile it` });
      continue;
    }
    if (sha256 !== record.sha256) {
      issues.add({ code: 'checksum_mismatch', dataset: root, source: record.path, against: 'metadata', expected: record.sha256, actual: sha256, message: `source ${record.path}: changed since the conversion (sha256 ${sha256.slice(0, 12)}…, recorded ${record.sha256.slice(0, 12)}…); convert again` });
      continue;
    }
    // Read as the conversion did: the same stream checks, and skipping only when the conversion skipped.
    const checks = createStreamChecks({ kind, ...(timeframe === undefined ? {} : { timeframe }) });
    const source = openSource(path, { kind, symbol: entry.symbol, onBadRow: record.rows_skipped > 0 ? 'skip' : 'error', verifyChecksum: false, checkBatch: checks.checkBatch, ...(signal === undefined ? {} : { signal }) });
    let ordinal = 0;
    for await (const batch of source) {
      for (let row = 0; row < batch.numRows; row++) {
        seen++;
        ordinal++;
        // Reservoir sampling (algorithm R): every row has the same chance, one pass, bounded memory.
        if (sample.length < options.sampleSize) sample.push({ source: record.path, ordinal, values: rowValues(batch, row, columns) });
        else {
          const slot = Math.floor(random() * seen);
          if (slot < options.sampleSize) sample[slot] = { source: record.path, ordinal, values: rowValues(batch, row, columns) };
        }
      }
    }
    filesRead++;
    const summary = source.summary!;
    rowsRead += summary.rowsRead;
    rowsSkipped += summary.rowsSkipped;
    if (summary.rowsRead !== record.rows_read) {
      issues.add({ code: 'row_count_mismatch', dataset: root, source: record.path, against: 'source', expected: record.rows_read, actual: summary.rowsRead, message: `source ${record.path}: ${summary.rowsRead} rows now, ${record.rows_read} when converted` });
    }
    if (summary.rowsSkipped !== record.rows_skipped) {
      issues.add({ code: 'row_count_mismatch', dataset: root, source: record.path, against: 'source', expected: record.rows_skipped, actual: summary.rowsSkipped, message: `source ${record.path}: ${summary.rowsSkipped} bad rows skipped now, ${record.rows_skipped} when converted` });
    }
  }
  const { verified, droppedByPolicy } = await verifySample(root, kind, sample, columns, entry, issues, signal);
  return { files: entry.sources.length, filesRead, rowsRead, rowsSkipped, sampled: sample.length, verified, droppedByPolicy };
}

async function verifySample(
  root: string,
  kind: DataKind,
  sample: readonly SampledRow[],
  columns: readonly string[],
  entry: DatasetMetadata,
  issues: IssueCollector,
  signal: AbortSignal | undefined,
): Promise<{ verified: number; droppedByPolicy: number }> {
  if (sample.length === 0) return { verified: 0, droppedByPolicy: 0 };
  const keyColumn = KIND_RULES[kind].key;
  const keys = [...new Set(sample.map((s) => Number(s.values[keyColumn])))];
  let start = Infinity;
  let end = -Infinity;
  for (const row of sample) {
    const t = Number(row.values['timestamp']);
    if (t < start) start = t;
    if (t > end) end = t;
  }
  const table = await readPartitionedDataset(root, {
    filters: [[keyColumn, 'in', keys]],
    start,
    end: end + 1,
    columns,
    ...(signal === undefined ? {} : { signal }),
  });
  const found = new Map<number, Record<string, Value>>();
  for (const batch of table.batches) {
    const key = batch.getChild(keyColumn)!;
    for (let row = 0; row < batch.numRows; row++) found.set(Number(key.get(row)), rowValues(batch, row, columns));
  }
  const resolvedConflicts = entry.last_run.conflicts_resolved > 0;
  let verified = 0;
  let droppedByPolicy = 0;
  for (const row of sample) {
    const key = Number(row.values[keyColumn]);
    const output = found.get(key);
    const where = { dataset: root, key, source: row.source, sourceRow: row.ordinal };
    if (output === undefined) {
      issues.add({ code: 'sample_mismatch', ...where, message: `source ${row.source}, row ${row.ordinal}: ${keyColumn} ${key} is not in the output` });
      continue;
    }
    const differs = columns.find((c) => !same(row.values[c] ?? null, output[c] ?? null));
    if (differs === undefined) {
      verified++;
      continue;
    }
    if (resolvedConflicts) {
      // The conversion kept another row of this key by policy (keep-last): this one was dropped as asked.
      droppedByPolicy++;
      continue;
    }
    const expected = show(row.values[differs] ?? null);
    const actual = show(output[differs] ?? null);
    issues.add({ code: 'sample_mismatch', ...where, column: differs, expected, actual, message: `source ${row.source}, row ${row.ordinal}: ${keyColumn} ${key} has ${differs} ${actual} in the output, ${expected} in the source` });
  }
  return { verified, droppedByPolicy };
}
