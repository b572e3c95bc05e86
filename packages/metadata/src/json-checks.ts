/**
 * The small checks every reader of a JSON sidecar (`metadata.json`, `_config.json`, `_manifest.json`) makes
 * before trusting a value, and the one way such a file is refused: `METADATA_INVALID`, naming the file.
 */
import { UnifiedError } from '@unified/schemas';

/** Refuses the file at `path` with code `METADATA_INVALID`, saying what is wrong. */
export function invalid(path: string, reason: string): never {
  throw new UnifiedError({ code: 'METADATA_INVALID', message: `${path}: ${reason}` });
}

/** A non-negative safe integer: a count of rows, bytes or files. */
export const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
