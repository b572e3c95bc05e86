import type { UnifiedErrorCode } from './error-codes.js';
import { UnifiedError } from './unified-error.js';

/**
 * Normalises anything thrown into a {@link UnifiedError}, for use at package boundaries. A `UnifiedError` is
 * returned unchanged; anything else is wrapped with `code` (default `INTERNAL`) and kept as `cause`.
 *
 * @param error what was caught
 * @param code the code for a foreign error @default 'INTERNAL'
 * @param context prefix for the message of a foreign error, e.g. the file being read
 */
export function toUnifiedError(error: unknown, code: UnifiedErrorCode = 'INTERNAL', context?: string): UnifiedError {
  if (UnifiedError.isInstance(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const message = context === undefined ? detail : `${context}: ${detail}`;
  return new UnifiedError({ code, message, cause: error });
}
