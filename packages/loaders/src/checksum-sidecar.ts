/**
 * Binance publishes a `.CHECKSUM` file beside every archive: `<sha256>  <file name>` (with or without a final
 * newline). When it is there, the archive is hashed (streaming) and refused on a mismatch, before a single row is
 * read: a truncated or corrupted download must never be converted.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UnifiedError } from '@unified/schemas';

/** Outcome of {@link verifyChecksumSidecar}. */
export interface ChecksumCheck {
  /** `verified` when the sidecar matched, `absent` when there is none. */
  readonly status: 'verified' | 'absent';
  /** Things worth a warning (the sidecar names another file). */
  readonly warnings: readonly string[];
}

/** sha256 of a file, hex, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: the default 64 KiB makes hashing a 200 MB file take twice as long.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Verifies `path` against `path + '.CHECKSUM'` when that file exists. Throws `CHECKSUM_MISMATCH` when the
 * hashes differ and `SOURCE_CORRUPT` when the sidecar is not in the Binance format.
 */
export async function verifyChecksumSidecar(path: string): Promise<ChecksumCheck> {
  const sidecar = `${path}.CHECKSUM`;
  // Hashing a large archive takes a while: a file that verified and has not changed since is not hashed again.
  const key = await identityOf(path, sidecar);
  const cached = key === undefined ? undefined : VERIFIED.get(key);
  if (cached !== undefined) return cached;
  if ((await readChecksumSidecar(path)) === undefined) return { status: 'absent', warnings: [] };
  const published = await checkPublishedChecksum(path, await sha256OfFile(path));
  const named = published?.name;
  const warnings = named !== undefined && named !== basename(path) ? [`${basename(sidecar)} names "${named}", not "${basename(path)}"`] : [];
  const result: ChecksumCheck = { status: 'verified', warnings };
  if (key !== undefined) VERIFIED.set(key, result);
  return result;
}

const VERIFIED = new Map<string, ChecksumCheck>();

/** What a `.CHECKSUM` file publishes: the sha256 (lower case) and the file name it gives, if any. */
export interface PublishedChecksum {
  readonly sha256: string;
  readonly name: string | undefined;
}

/**
 * Checks an archive whose sha256 the caller already knows against its `.CHECKSUM` file, without hashing it
 * again. Returns what the sidecar publishes, or `undefined` when there is none; throws `CHECKSUM_MISMATCH`.
 */
export async function checkPublishedChecksum(path: string, sha256: string): Promise<PublishedChecksum | undefined> {
  const published = await readChecksumSidecar(path);
  if (published !== undefined && published.sha256 !== sha256.toLowerCase()) {
    throw new UnifiedError({
      code: 'CHECKSUM_MISMATCH',
      message: `${path}: sha256 ${sha256} differs from ${published.sha256} in ${basename(path)}.CHECKSUM; the download is corrupt or incomplete, fetch it again`,
    });
  }
  return published;
}

/**
 * Reads `path + '.CHECKSUM'`, or `undefined` when there is none; throws `SOURCE_CORRUPT` when it is not in the
 * Binance format. Lets a caller that already knows the archive's sha256 check it without hashing again.
 */
export async function readChecksumSidecar(path: string): Promise<PublishedChecksum | undefined> {
  const sidecar = `${path}.CHECKSUM`;
  let text: string;
  try {
    text = await readFile(sidecar, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const match = /^([0-9a-fA-F]{64})\s+\*?(\S.*?)?\s*$/u.exec(text.trim());
  if (match === null) {
    throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${sidecar}: expected "<sha256>  <file name>", found ${JSON.stringify(text.slice(0, 80))}` });
  }
  return { sha256: match[1]!.toLowerCase(), name: match[2] };
}

// Path, size and modification time of the archive and its sidecar; `undefined` when either is missing.
async function identityOf(path: string, sidecar: string): Promise<string | undefined> {
  try {
    const [archive, checksum] = await Promise.all([stat(path), stat(sidecar)]);
    return [path, archive.size, archive.mtimeMs, archive.ino, checksum.size, checksum.mtimeMs].join('\0');
  } catch {
    return undefined;
  }
}
