/**
 * JSON sidecar files (`metadata.json`, `_config.json`, `_manifest.json`): written atomically through the D9
 * commit, in a stable form (2-space indent, keys in insertion order, trailing newline) so a re-run with the
 * same content writes the same bytes, and only when every value survives JSON exactly — a row count must
 * never turn into `null` or lose digits.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type StagedFile, UnifiedError, fileSystemReason, stageFileAtomically, toUnifiedError } from '@unified/schemas';

function refuse(path: string, where: string, reason: string): never {
  throw new UnifiedError({ code: 'METADATA_INVALID', message: `${path}: ${where === '' ? 'value' : where} ${reason}` });
}

// Returns a copy JSON can hold exactly, or throws naming the key path of the first value it cannot.
function toExactJson(value: unknown, path: string, where: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) refuse(path, where, `is ${value}, which JSON cannot hold`);
      return value;
    case 'bigint':
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        refuse(path, where, `is ${value}, beyond the integers JSON readers hold exactly (±2^53)`);
      }
      return Number(value);
    case 'object': {
      if (value === null) return null;
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return value.map((item: unknown, i) => toExactJson(item, path, `${where}[${i}]`));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) out[key] = toExactJson(item, path, where === '' ? key : `${where}.${key}`);
      }
      return out;
    }
    default:
      return refuse(path, where, `is a ${typeof value}, which JSON cannot hold`);
  }
}

/**
 * Writes `value` as JSON to `path` atomically. `bigint`s within ±2^53 become numbers and Dates ISO strings;
 * anything else JSON cannot hold exactly (NaN, Infinity, larger bigints, functions) is refused with code
 * `METADATA_INVALID` naming the key, and the file is left as it was.
 *
 * @example
 * await writeJsonFile('data_cache/unified/_config.json', { version: 1, datasets: {} });
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const staged = await stageJsonFile(path, value);
  await staged.commit();
}

/**
 * {@link writeJsonFile} in two steps: the JSON is checked and written (fsynced) under a temporary name now, and
 * renamed into place by `commit()`, so a run can make its metadata visible together with its data, after
 * everything that can fail has succeeded.
 *
 * @example
 * const staged = await stageJsonFile('data_cache/unified/metadata.json', metadata);
 * await staged.commit(); // or staged.discard()
 */
export async function stageJsonFile(path: string, value: unknown): Promise<StagedFile> {
  const text = `${JSON.stringify(toExactJson(value, path, ''), null, 2)}\n`;
  try {
    return await stageFileAtomically(path, async (tempPath) => {
      await writeFile(tempPath, text, { flush: true });
    });
  } catch (error) {
    // A file-system failure already comes as WRITE_FAILED naming the file and the reason.
    throw toUnifiedError(error, 'WRITE_FAILED', `${path}: cannot be written`);
  }
}

/**
 * Reads a JSON file, or `undefined` if it does not exist. A file that is not valid JSON is reported with code
 * `METADATA_INVALID` naming the file.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UnifiedError({ code: 'METADATA_INVALID', message: `${path}: cannot be read: ${fileSystemReason(error, path)}`, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnifiedError({ code: 'METADATA_INVALID', message: `${path}: not valid JSON (${(error as Error).message})`, cause: error });
  }
}
