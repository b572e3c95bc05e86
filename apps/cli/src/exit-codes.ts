import { USAGE_ERROR_CODES, UnifiedError } from '@unified/core';

/** Process exit codes of the CLI (see the CLI conventions). */
export const EXIT_CODES = {
  /** The work succeeded. */
  ok: 0,
  /** The work failed: bad input, validation errors, a failed write. */
  failed: 1,
  /** Usage error: unknown flag, missing argument, invalid identifier. */
  usage: 2,
  /** Interrupted (SIGINT). */
  interrupted: 130,
} as const;

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (UnifiedError.isInstance(error)) {
    if (error.code === 'ABORTED') return EXIT_CODES.interrupted;
    return USAGE_ERROR_CODES.has(error.code) ? EXIT_CODES.usage : EXIT_CODES.failed;
  }
  if (error instanceof Error && error.name === 'AbortError') return EXIT_CODES.interrupted;
  return EXIT_CODES.failed;
}
