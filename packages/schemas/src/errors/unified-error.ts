import type { UnifiedErrorCode } from './error-codes.js';

const MARKER = 'unified.error';
const SYMBOL = Symbol.for(MARKER);

/** Options of {@link UnifiedError}. */
export interface UnifiedErrorOptions {
  /** What kind of failure this is. */
  readonly code: UnifiedErrorCode;
  /** One line that names the thing (file, row, column, value) and what was expected. */
  readonly message: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * Base class of every error a unified package throws. Carries a stable {@link UnifiedErrorCode}.
 *
 * Use {@link UnifiedError.isInstance} rather than `instanceof`: it works across duplicate installs of the
 * package because it checks a `Symbol.for` marker, not the class identity.
 *
 * @example
 * try { assertIdentifier('symbol', 'a/b'); }
 * catch (error) { if (UnifiedError.isInstance(error)) console.error(error.code, error.message); }
 */
export class UnifiedError extends Error {
  private readonly [SYMBOL] = true;
  /** What kind of failure this is. */
  readonly code: UnifiedErrorCode;

  constructor({ code, message, cause }: UnifiedErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UnifiedError';
    this.code = code;
  }

  /** Whether `error` is a {@link UnifiedError} (of any subclass), even from another copy of this package. */
  static isInstance(error: unknown): error is UnifiedError {
    return UnifiedError.hasMarker(error, MARKER);
  }

  /** For subclasses: whether `error` carries the `Symbol.for(marker)` brand. */
  protected static hasMarker(error: unknown, marker: string): boolean {
    const symbol = Symbol.for(marker);
    return (
      error !== null &&
      typeof error === 'object' &&
      symbol in error &&
      (error as Record<symbol, unknown>)[symbol] === true
    );
  }
}
