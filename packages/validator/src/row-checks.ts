/**
 * The row checks of a dataset validation, fed one record batch at a time, file after file in partition order:
 * required values, plausible times, rows inside their partition's day, sort order, natural keys, the value
 * rules, and the sequence checks that span files (kline gaps, trade id gaps, funding cadence). The sequences are
 * checked in key order at the end of each file, so rows out of order are reported as unsorted, never as gaps.
 * Memory is bounded by one file (the keys of the file being read); funding events, a few per day, are kept for
 * the cadence check at the end.
 */
import type * as arrow from 'apache-arrow';
import {
  BASE_TIMEFRAME,
  type DataKind,
  MS_PER_DAY,
  type TimeWindow,
  type Timeframe,
  datasetSchemaFor,
  dayNumberOfDate,
  nextCandleOpenTime,
  timeframeDurationMs,
} from '@unified/schemas';
import { nullRows, numberColumn } from './column-values.js';
import type { DataFileEntry } from './dataset-tree.js';
import type { IssueCollector } from './issue-collector.js';
import { FileKeys } from './key-uniqueness.js';
import { KIND_RULES } from './kind-rules.js';
import { formatTime } from './time-text.js';
import { checkValues, type ValueFinding } from './value-checks.js';

/** Settings of the row checks. */
export interface RowCheckSettings {
  readonly kind: DataKind;
  /** The klines interval, for gaps and alignment; `undefined` skips both. */
  readonly timeframe: Timeframe | undefined;
  /** The plausible time window (D5). */
  readonly window: TimeWindow;
  /** Funding interval when a row does not carry `funding_interval_hours`; `undefined`: the dataset's usual one. */
  readonly fundingIntervalHours: number | undefined;
  /** How far a funding time may stray from its cadence. */
  readonly fundingToleranceMs: number;
}

/** What the row checks counted. */
export interface RowCheckStats {
  rows: number;
  minTimestamp: number | null;
  maxTimestamp: number | null;
  klineGaps: number;
  missingCandles: number;
  tradeIdGaps: number;
  missingTradeIds: number;
}

const HOUR_MS = 3_600_000;
const iso = formatTime;

interface FileState {
  readonly entry: DataFileEntry;
  readonly index: number;
  readonly usable: ReadonlySet<string>;
  readonly dayStart: number | undefined;
  readonly keys: FileKeys;
  readonly nullsReported: Set<string>;
  offset: number;
}

/** The row checks of one dataset. */
export class DatasetRowChecks {
  readonly stats: RowCheckStats = { rows: 0, minTimestamp: null, maxTimestamp: null, klineGaps: 0, missingCandles: 0, tradeIdGaps: 0, missingTradeIds: 0 };
  /** Dense key spans of each file, by its index in the dataset's file list (none for a file not read). */
  readonly keySpans: ({ first: number; last: number }[] | undefined)[] = [];
  private file: FileState | undefined;
  // Sort order, within a file.
  private previousTs = -Infinity;
  private previousTie = -Infinity;
  // Sequences across the dataset.
  private previousCandle: number | undefined;
  private previousTradeId: number | undefined;
  private previousIdInRowOrder: number | undefined;
  // The files of the partition being read: its sequences are checked over all of them, in key order.
  private partitionFiles: FileState[] = [];
  private readonly funding: { ts: number; hours: number; file: number; row: number; entry: DataFileEntry }[] = [];
  private readonly required: readonly string[];

  constructor(
    private readonly settings: RowCheckSettings,
    private readonly issues: IssueCollector,
    private readonly dataset: string,
  ) {
    this.required = datasetSchemaFor(settings.kind).fileColumns.filter((c) => !c.nullable).map((c) => c.name);
  }

  /**
   * Starts a file: `index` is its position in the dataset's file list, `usable` the canonical columns it holds
   * with the right type.
   */
  beginFile(entry: DataFileEntry, index: number, usable: ReadonlySet<string>): void {
    if (this.partitionFiles[0] !== undefined && this.partitionFiles[0].entry.partition !== entry.partition) this.endPartition();
    this.previousIdInRowOrder = undefined;
    const dayStart = entry.values === undefined ? undefined : dayNumberOfDate(entry.values) * MS_PER_DAY;
    this.file = { entry, index, usable, dayStart, keys: new FileKeys(), nullsReported: new Set(), offset: 0 };
    // Order is checked within a file: other writers (DuckDB's PARTITION_BY) split a partition into files in any order.
    this.previousTs = -Infinity;
    this.previousTie = -Infinity;
  }

  private where(row: number): { dataset: string; partition: string; file: string; row: number } {
    const { entry, offset } = this.file!;
    return { dataset: this.dataset, partition: entry.partition, file: entry.file, row: offset + row };
  }

  /** Checks one batch of the current file. */
  checkBatch(batch: arrow.RecordBatch): void {
    const file = this.file!;
    const { kind, window } = this.settings;
    const rules = KIND_RULES[kind];
    const n = batch.numRows;

    for (const name of this.required) {
      if (!file.usable.has(name) || file.nullsReported.has(name)) continue;
      const nulls = nullRows(batch, name);
      if (nulls === undefined) continue;
      file.nullsReported.add(name);
      const at = this.where(nulls.first);
      this.issues.add({ code: 'schema_mismatch', ...at, column: name, expected: 'a value in every row', actual: 'null', message: `${at.file} row ${at.row}: "${name}" is null (and in ${nulls.count - 1} more rows of this batch); the column is required` });
    }

    for (const [name, perMs] of [...rules.timesMs.map((c) => [c, 1] as const), ...rules.timesUs.map((c) => [c, 1000] as const)]) {
      const column = file.usable.has(name) ? numberColumn(batch, name) : undefined;
      if (column === undefined) continue;
      for (let row = 0; row < n; row++) {
        const ms = column.values[row]! / perMs;
        if (ms >= window.minMs && ms <= window.maxMs) continue;
        if (column.valid !== undefined && !column.valid(row)) continue;
        const at = this.where(row);
        this.issues.add({ code: 'timestamp_out_of_range', ...at, column: name, value: column.values[row]!, message: `${at.file} row ${at.row}: ${name} ${column.values[row]} is ${iso(ms)}, outside ${iso(window.minMs)} .. ${iso(window.maxMs)}; a wrong time unit?` });
      }
    }

    const timestamps = file.usable.has('timestamp') ? numberColumn(batch, 'timestamp') : undefined;
    const ts = timestamps?.values;
    const tsValid = timestamps?.valid;
    const tieColumn = rules.tieBreaker !== undefined && file.usable.has(rules.tieBreaker) ? numberColumn(batch, rules.tieBreaker) : undefined;
    const tie = tieColumn?.values;
    if (ts !== undefined) {
      for (let row = 0; row < n; row++) {
        // A null time is a schema_mismatch (above); its slot holds no time.
        if (tsValid !== undefined && !tsValid(row)) continue;
        const t = ts[row]!;
        if (this.stats.minTimestamp === null || t < this.stats.minTimestamp) this.stats.minTimestamp = t;
        if (this.stats.maxTimestamp === null || t > this.stats.maxTimestamp) this.stats.maxTimestamp = t;
        if (file.dayStart !== undefined && (t < file.dayStart || t >= file.dayStart + MS_PER_DAY)) {
          const at = this.where(row);
          this.issues.add({ code: 'partition_mismatch', ...at, key: t, expected: `a timestamp on ${iso(file.dayStart).slice(0, 10)}`, actual: iso(t), message: `${at.file} row ${at.row}: timestamp ${iso(t)} is outside the partition's day ${iso(file.dayStart).slice(0, 10)}` });
        }
        const tb = tie === undefined || (tieColumn?.valid !== undefined && !tieColumn.valid(row)) ? this.previousTie : tie[row]!;
        if (t < this.previousTs || (t === this.previousTs && tb < this.previousTie)) {
          const at = this.where(row);
          this.issues.add({ code: 'unsorted', ...at, key: t, timestamp: t, previousTimestamp: this.previousTs, message: `${at.file} row ${at.row}: ${t === this.previousTs ? `${rules.tieBreaker} ${tb} after ${this.previousTie} at the same time` : `timestamp ${iso(t)} after ${iso(this.previousTs)}`}; rows must be in timestamp${rules.tieBreaker === undefined ? '' : ` then ${rules.tieBreaker}`} order` });
        }
        this.previousTs = t;
        this.previousTie = tb;
      }
    }

    if (kind !== 'klines' && file.usable.has('timeframe')) this.baseTimeframe(batch);

    const key = file.usable.has(rules.key) ? numberColumn(batch, rules.key) : undefined;
    if (key !== undefined) file.keys.add(key.values, key.valid);

    checkValues(batch, kind, this.settings.timeframe, (finding) => this.addValueFinding(finding, ts));

    if (kind === 'aggtrades' && key !== undefined) this.tradeIdsGoingBack(key.values, key.valid);
    if (kind === 'futures' && ts !== undefined) {
      const hours = file.usable.has('funding_interval_hours') ? numberColumn(batch, 'funding_interval_hours') : undefined;
      for (let row = 0; row < n; row++) {
        if (tsValid !== undefined && !tsValid(row)) continue;
        const h = hours === undefined || (hours.valid !== undefined && !hours.valid(row)) ? NaN : hours.values[row]!;
        this.funding.push({ ts: ts[row]!, hours: h, file: file.index, row: file.offset + row, entry: file.entry });
      }
    }
    this.stats.rows += n;
    file.offset += n;
  }

  private addValueFinding(finding: ValueFinding, ts: ArrayLike<number> | undefined): void {
    const at = this.where(finding.row);
    const key = ts?.[finding.row];
    const located = key === undefined ? at : { ...at, key };
    switch (finding.code) {
      case 'negative_value':
        this.issues.add({ code: 'negative_value', ...located, column: finding.column, value: Number.isFinite(finding.value) ? finding.value : String(finding.value), message: `${at.file} row ${at.row}: ${finding.column} is ${finding.value}; ${Number.isFinite(finding.value) ? 'it may not be negative' : 'numbers must be finite'}` });
        return;
      case 'ohlc_inconsistent': {
        const { open, high, low, close, rule } = finding;
        this.issues.add({ code: 'ohlc_inconsistent', ...located, rule, open, high, low, close, message: `${at.file} row ${at.row}: open ${open}, high ${high}, low ${low}, close ${close}: ${rule.replaceAll('_', ' ')}` });
        return;
      }
      case 'kline_misaligned':
        this.issues.add({ code: 'kline_misaligned', ...at, key: finding.timestamp, column: finding.column, timestamp: finding.timestamp, expected: finding.expected, actual: finding.actual, message: `${at.file} row ${at.row}: ${finding.column} ${iso(finding.actual)} should be ${iso(finding.expected)} for ${this.settings.timeframe} candles` });
    }
  }

  /** Aggtrades and futures rows carry the base timeframe `1m` in their `timeframe` column (D1). */
  private baseTimeframe(batch: arrow.RecordBatch): void {
    const data = batch.getChild('timeframe')?.data[0];
    const offsets = data?.valueOffsets as Int32Array | undefined;
    const bytes = data?.values as Uint8Array | undefined;
    if (data === undefined || offsets === undefined || bytes === undefined) return;
    const expected = Buffer.from(BASE_TIMEFRAME);
    for (let row = 0; row < data.length; row++) {
      const start = offsets[row]!;
      const end = offsets[row + 1]!;
      if (end - start === expected.length && bytes[start] === expected[0] && bytes[start + 1] === expected[1]) continue;
      const actual = Buffer.from(bytes.subarray(start, end)).toString('utf8');
      const at = this.where(row);
      this.issues.add({ code: 'partition_mismatch', ...at, expected: `timeframe ${BASE_TIMEFRAME}`, actual: `timeframe ${actual}`, message: `${at.file} row ${at.row}: timeframe "${actual}"; ${this.settings.kind} rows carry the base timeframe "${BASE_TIMEFRAME}"` });
    }
  }

  /**
   * Candles missing before the one at `t` (file row `row`); candles are visited in time order across the
   * dataset, so a swapped pair is reported as unsorted, never as a gap.
   */
  private candleAt(t: number, row: number, file: FileState): void {
    const timeframe = this.settings.timeframe;
    if (timeframe === undefined) return;
    const previous = this.previousCandle;
    if (previous !== undefined && t > previous) {
      let expected: number;
      try {
        expected = nextCandleOpenTime(timeframe, previous);
      } catch {
        expected = t; // a misaligned 1M candle (reported as such): no gap arithmetic from it
      }
      if (t > expected) {
        const duration = timeframeDurationMs(timeframe);
        let missing = 0;
        let last = previous;
        if (duration !== null) {
          missing = Math.floor((t - previous) / duration) - 1;
          last = previous + missing * duration;
        } else {
          for (let open = expected; open < t; open = nextCandleOpenTime(timeframe, open)) {
            missing++;
            last = open;
          }
        }
        if (missing > 0) {
          this.stats.klineGaps++;
          this.stats.missingCandles += missing;
          const at = { dataset: this.dataset, partition: file.entry.partition, file: file.entry.file, row };
          this.issues.add({ code: 'kline_gap', ...at, key: t, from: expected, to: last, missing, message: `${missing} ${timeframe} candle${missing === 1 ? '' : 's'} missing from ${iso(expected)} to ${iso(last)} (before ${at.file} row ${at.row})` });
        }
      }
    }
    if (previous === undefined || t > previous) this.previousCandle = t;
  }

  /** Trade ids missing before `id` (file row `row`); ids are visited in ascending order, partition by partition. */
  private tradeIdAt(id: number, row: number, file: FileState): void {
    const previous = this.previousTradeId;
    if (previous === undefined || id > previous) this.previousTradeId = id;
    if (previous === undefined || id <= previous + 1) return;
    const missing = id - previous - 1;
    this.stats.tradeIdGaps++;
    this.stats.missingTradeIds += missing;
    const at = { dataset: this.dataset, partition: file.entry.partition, file: file.entry.file, row };
    this.issues.add({ code: 'trade_id_gap', ...at, key: id, from: previous + 1, to: id - 1, missing, message: `${missing} aggregate trade id${missing === 1 ? '' : 's'} missing: ${previous + 1}..${id - 1} (before ${at.file} row ${at.row})` });
  }

  /** Ids that go down in row order (time order): on Binance ids grow with time, so the data is mixed up. */
  private tradeIdsGoingBack(ids: ArrayLike<number>, valid: ((row: number) => boolean) | undefined): void {
    for (let row = 0; row < ids.length; row++) {
      if (valid !== undefined && !valid(row)) continue;
      const id = ids[row]!;
      const previous = this.previousIdInRowOrder;
      this.previousIdInRowOrder = id;
      if (previous === undefined || id >= previous) continue;
      const at = this.where(row);
      this.issues.add({ code: 'trade_id_gap', ...at, key: id, from: id, to: previous, missing: 0, message: `${at.file} row ${at.row}: trade id ${id} follows ${previous}; ids go back in time order` });
    }
  }

  /** Ends the current file: reports its duplicate keys and records its key range. */
  endFile(): void {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    this.keySpans[file.index] = file.keys.spans();
    this.partitionFiles.push(file);
    const column = KIND_RULES[this.settings.kind].key;
    for (const { row, key } of file.keys.duplicates()) {
      this.issues.add({ code: 'duplicate_key', dataset: this.dataset, partition: file.entry.partition, file: file.entry.file, row, column, key, message: `${file.entry.file} row ${row}: ${column} ${column === 'trade_id' ? key : iso(key)} appears more than once in the file` });
    }
  }

  /**
   * Ends a partition: the kline and trade id sequences over its files' keys in key order (a file whose rows
   * are out of order reports that as unsorted, and files of one partition may come in any order, so neither
   * makes false gaps). One file's keys are visited as they are; several are merged (one day's keys at most).
   */
  private endPartition(): void {
    const files = this.partitionFiles;
    this.partitionFiles = [];
    const kind = this.settings.kind;
    if (kind !== 'klines' && kind !== 'aggtrades') return;
    // Ids of this day below the previous days' highest: the days' trades are mixed up (reported once; an equal id is a duplicate).
    const before = this.previousTradeId;
    let first = true;
    const at = (key: number, row: number, file: FileState): void => {
      if (kind === 'klines') {
        this.candleAt(key, row, file);
        return;
      }
      if (first && before !== undefined && key < before) {
        const where = { dataset: this.dataset, partition: file.entry.partition, file: file.entry.file, row };
        this.issues.add({ code: 'trade_id_gap', ...where, key, from: key, to: before, missing: 0, message: `${file.entry.file} row ${row}: trade id ${key} is below ${before}, the highest id of the days before; ids go back in time order` });
      }
      first = false;
      this.tradeIdAt(key, row, file);
    };
    if (files.length === 1) {
      const file = files[0]!;
      file.keys.inOrder((key, row) => at(key, row, file));
      return;
    }
    const merged: { key: number; row: number; file: FileState }[] = [];
    for (const file of files) file.keys.inOrder((key, row) => merged.push({ key, row, file }));
    merged.sort((a, b) => a.key - b.key || a.file.index - b.file.index || a.row - b.row);
    for (const { key, row, file } of merged) at(key, row, file);
  }

  /** Ends the dataset: the last partition's sequences, and the funding cadence over all funding events. */
  finish(): void {
    this.endPartition();
    // In time order: swapped events are unsorted (reported), not late and early.
    const events = this.funding.sort((a, b) => a.ts - b.ts || a.file - b.file || a.row - b.row);
    if (events.length < 2) return;
    const { fundingToleranceMs: tolerance } = this.settings;
    // Without an interval column, the dataset's usual spacing (the most common whole number of hours).
    const counts = new Map<number, number>();
    for (let i = 1; i < events.length; i++) {
      const hours = Math.round((events[i]!.ts - events[i - 1]!.ts) / HOUR_MS);
      if (hours > 0) counts.set(hours, (counts.get(hours) ?? 0) + 1);
    }
    const usual = this.settings.fundingIntervalHours ?? [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 8;
    for (let i = 1; i < events.length; i++) {
      const event = events[i]!;
      const previous = events[i - 1]!;
      const actual = event.ts - previous.ts;
      if (actual <= 0) continue; // unsorted or duplicate: reported by those checks
      // An interval change is announced by either side of the pair. Without the column, the spacing may be the
      // dataset's usual one or that of a neighbouring pair (the exchange changed the interval there).
      const candidates = [event.hours, previous.hours].filter((h) => h > 0);
      const spacing = (a: number, b: number): number => (a >= 0 && b < events.length ? Math.round((events[b]!.ts - events[a]!.ts) / HOUR_MS) : 0);
      const local = [usual, spacing(i - 2, i - 1), spacing(i, i + 1)].filter((h) => h > 0);
      const expectations = (candidates.length > 0 ? candidates : local).map((h) => h * HOUR_MS);
      const offGrid = Math.min(event.ts % HOUR_MS, HOUR_MS - (event.ts % HOUR_MS));
      if (offGrid <= tolerance && expectations.some((e) => Math.abs(actual - e) <= tolerance)) continue;
      const expected = expectations[0]!;
      const where = { dataset: this.dataset, partition: event.entry.partition, file: event.entry.file, row: event.row, key: event.ts };
      const detail =
        offGrid > tolerance
          ? `${iso(event.ts)} is ${Math.round(offGrid / 1000)} s off the hour`
          : actual > expected
            ? `${iso(event.ts)} comes ${((actual - expected) / HOUR_MS).toFixed(2)} h late after ${iso(previous.ts)} (${Math.round(actual / expected) - 1} event${Math.round(actual / expected) - 1 === 1 ? '' : 's'} missing?)`
            : `${iso(event.ts)} comes ${((expected - actual) / HOUR_MS).toFixed(2)} h early after ${iso(previous.ts)}`;
      this.issues.add({ code: 'funding_irregular', ...where, timestamp: event.ts, previousTimestamp: previous.ts, expectedMs: expected, actualMs: actual, message: `${event.entry.file} row ${event.row}: funding every ${expected / HOUR_MS} h expected; ${detail}` });
    }
  }
}
