/**
 * What happens to a row that cannot be read (a short row, a non-numeric price, a boolean spelled `yes`, a 1970
 * timestamp): by default the load fails with an error naming file, row, column and value; with
 * `onBadRow: 'skip'` the row is dropped, counted and its reason kept (the first few) for the report.
 */
import { TimestampRangeError, UnifiedError, plausibleTimeWindow, type TimeWindow } from '@unified/schemas';

/** `'error'` (default): the first bad row fails the load. `'skip'`: bad rows are dropped, counted and reported. */
export type BadRowPolicy = 'error' | 'skip';

/** How many skipped rows keep their full message in a report. */
export const MAX_REPORTED_BAD_ROWS = 20;

/** Where the rows of one batch came from: the file and each row's line (text) or 1-based row (Parquet, JSON). */
export interface BatchLocation {
  readonly path: string;
  /** Line number (text files) or 1-based data row of the batch's row `index`. */
  readonly rowNumber: (index: number) => number;
}

/**
 * Collects the bad rows of one source. In `'error'` mode it throws at the first one; in `'skip'` mode it marks
 * rows of the current batch as bad so the batch assembler drops them.
 */
export class RowIssues {
  readonly policy: BadRowPolicy;
  readonly window: TimeWindow;
  /** Rows dropped so far. */
  skipped = 0;
  /** Messages of the first {@link MAX_REPORTED_BAD_ROWS} dropped rows. */
  readonly messages: string[] = [];
  /** Things found while reading that do not stop it (a last line without a line end, a Parquet file without rows). */
  readonly warnings: string[] = [];
  private bad: Uint8Array = new Uint8Array(0);
  private badInBatch = 0;

  constructor(policy: BadRowPolicy = 'error', window: TimeWindow = plausibleTimeWindow()) {
    this.policy = policy;
    this.window = window;
  }

  /** Starts a batch of `length` rows. */
  beginBatch(length: number): void {
    this.bad = new Uint8Array(length);
    this.badInBatch = 0;
  }

  /** Rows of the current batch marked bad (1) or good (0); `null` when all are good. */
  badRows(): Uint8Array | null {
    return this.badInBatch === 0 ? null : this.bad;
  }

  /** Whether row `index` of the current batch is already marked bad. */
  isBad(index: number): boolean {
    return this.badInBatch > 0 && this.bad[index] === 1;
  }

  /** Reports that row `index` cannot be read: throws (policy `error`) or marks it bad (policy `skip`). */
  reject(location: BatchLocation, index: number, detail: string): void {
    const message = `${location.path}:${location.rowNumber(index)}: ${detail}`;
    if (this.policy === 'error') throw new UnifiedError({ code: 'BAD_ROW', message });
    this.mark(index, message);
  }

  /** Reports a row that never reaches a batch (a CSV row with the wrong number of fields): throws or counts it. */
  rejectUnsplittable(path: string, rowNumber: number, detail: string): void {
    const message = `${path}:${rowNumber}: ${detail}`;
    if (this.policy === 'error') throw new UnifiedError({ code: 'BAD_ROW', message });
    this.skipped++;
    if (this.messages.length < MAX_REPORTED_BAD_ROWS) this.messages.push(message);
  }

  /** Reports a converted timestamp outside the plausible window (D5): a {@link TimestampRangeError} or a skip. */
  rejectTimestamp(location: BatchLocation, index: number, column: string, timestampMs: number): void {
    const error = new TimestampRangeError({
      timestampMs,
      minMs: this.window.minMs,
      maxMs: this.window.maxMs,
      path: location.path,
      row: location.rowNumber(index),
      column,
    });
    if (this.policy === 'error') throw error;
    this.mark(index, error.message);
  }

  private mark(index: number, message: string): void {
    if (this.bad[index] === 1) return;
    this.bad[index] = 1;
    this.badInBatch++;
    this.skipped++;
    if (this.messages.length < MAX_REPORTED_BAD_ROWS) this.messages.push(message);
  }
}

/** Quotes a raw value for an error message, shortened so a garbage field cannot flood the terminal. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'bigint' ? `${value}` : ((JSON.stringify(value) as string | undefined) ?? 'undefined');
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
