/**
 * Files are written under hidden names (a temporary or staged file) and renamed when complete, and the engines'
 * errors name the file they write. A user knows only the final name: this puts it in the message instead.
 */
import { UnifiedError } from '@unified/schemas';

/**
 * `error` with every mention of `writtenPath` in its message replaced by `shownPath` (the cause kept), or
 * `error` itself when it is not a {@link UnifiedError} or does not mention the file.
 *
 * @example
 * throw reportedAs(error, '/d/.x.parquet.tmp-12-ab', '/d/x.parquet');
 */
export function reportedAs(error: unknown, writtenPath: string, shownPath: string): unknown {
  if (!UnifiedError.isInstance(error) || !error.message.includes(writtenPath)) return error;
  return new UnifiedError({ code: error.code, message: error.message.replaceAll(writtenPath, shownPath), cause: error });
}
