import { UnifiedError } from './unified-error.js';

const MARKER = 'unified.error.TimestampRangeError';
const SYMBOL = Symbol.for(MARKER);

/** Where an out-of-range timestamp was found; every field is optional and is named in the message when given. */
export interface TimestampLocation {
  /** File the value came from. */
  readonly path?: string;
  /** 1-based row (data row, or line for text files as the caller chooses to say). */
  readonly row?: number;
  /** Column the value came from. */
  readonly column?: string;
}

/** Context of a {@link TimestampRangeError}. */
export interface TimestampRangeErrorOptions extends TimestampLocation {
  /** The value in milliseconds after unit conversion. */
  readonly timestampMs: number;
  /** Inclusive lower bound of the window, ms. */
  readonly minMs: number;
  /** Inclusive upper bound of the window, ms. */
  readonly maxMs: number;
}

// ISO text of a millisecond time, or null when it is not a representable date (NaN, ±Infinity, > year 275760).
function isoOf(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function describeMs(ms: number): string {
  const iso = isoOf(ms);
  return iso === null ? String(ms) : `${ms} (${iso})`;
}

/** A timestamp is outside the plausible window of D5: usually a unit bug. Code `TIMESTAMP_OUT_OF_RANGE`. */
export class TimestampRangeError extends UnifiedError {
  private readonly [SYMBOL] = true;
  readonly timestampMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly path: string | undefined;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor({ timestampMs, minMs, maxMs, path, row, column }: TimestampRangeErrorOptions) {
    const location = [path, row === undefined ? undefined : String(row)].filter((part) => part !== undefined);
    const prefix = location.length > 0 ? `${location.join(':')}: ` : '';
    const columnText = column === undefined ? 'timestamp' : `column "${column}"`;
    super({
      code: 'TIMESTAMP_OUT_OF_RANGE',
      message:
        `${prefix}${columnText} ${describeMs(timestampMs)} is outside the plausible window ` +
        `${isoOf(minMs) ?? String(minMs)} .. ${isoOf(maxMs) ?? String(maxMs)}; check the timestamp unit`,
    });
    this.name = 'TimestampRangeError';
    this.timestampMs = timestampMs;
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.path = path;
    this.row = row;
    this.column = column;
  }

  /** Whether `error` is a {@link TimestampRangeError}, even from another copy of this package. */
  static override isInstance(error: unknown): error is TimestampRangeError {
    return UnifiedError.hasMarker(error, MARKER);
  }
}
