import { UnifiedError } from './unified-error.js';

const MARKER = 'unified.error.PartitionPathError';
const SYMBOL = Symbol.for(MARKER);

/** Context of a {@link PartitionPathError}. */
export interface PartitionPathErrorOptions {
  /** The whole relative path being parsed. */
  readonly path: string;
  /** The offending `key=value` segment, when one segment is at fault. */
  readonly segment?: string;
  /** What was wrong and what was expected. */
  readonly reason: string;
}

/** A Hive partition path is malformed. Code `INVALID_PARTITION_PATH`. */
export class PartitionPathError extends UnifiedError {
  private readonly [SYMBOL] = true;
  /** The whole relative path being parsed. */
  readonly path: string;
  /** The offending segment, if one is at fault. */
  readonly segment: string | undefined;

  constructor({ path, segment, reason }: PartitionPathErrorOptions) {
    const where = segment === undefined ? `"${path}"` : `"${path}", segment "${segment}"`;
    super({ code: 'INVALID_PARTITION_PATH', message: `invalid partition path ${where}: ${reason}` });
    this.name = 'PartitionPathError';
    this.path = path;
    this.segment = segment;
  }

  /** Whether `error` is a {@link PartitionPathError}, even from another copy of this package. */
  static override isInstance(error: unknown): error is PartitionPathError {
    return UnifiedError.hasMarker(error, MARKER);
  }
}
