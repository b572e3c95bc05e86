/**
 * Who a source file is: size, modification time and sha256, recorded in `metadata.json` so that the next run
 * can tell whether anything changed. A file whose path, size and modification time equal the recorded ones
 * keeps its recorded sha256 without being read again (as git and rsync decide); any other file is hashed.
 */
import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { sha256OfFile } from '@unified/loaders';
import type { SourceRecord } from '@unified/metadata';
import { UnifiedError, fileSystemReason } from '@unified/schemas';

/** A source's identity when the run started. */
export interface SourceFingerprint {
  readonly path: string;
  /** Relative to the data directory (`/`-separated) when inside it, else absolute: how metadata names it. */
  readonly recordedPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
}

/** How `metadata.json` names a source. */
export function recordedPathOf(dataDir: string, path: string): string {
  const rel = relative(dataDir, path);
  return rel.startsWith('..') || rel === '' ? path : rel.split(sep).join('/');
}

async function statOf(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const info = await stat(path);
    return { size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
  } catch (error) {
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: cannot be read: ${fileSystemReason(error, path)}`, cause: error });
  }
}

/** Fingerprints `paths`, reusing the sha256 of `known` records whose path, size and mtime still match. */
export async function fingerprintSources(dataDir: string, paths: readonly string[], known: readonly SourceRecord[], signal?: AbortSignal): Promise<SourceFingerprint[]> {
  const byPath = new Map(known.map((record) => [record.path, record]));
  const out: SourceFingerprint[] = [];
  for (const path of paths) {
    signal?.throwIfAborted();
    const recordedPath = recordedPathOf(dataDir, path);
    const { size, mtimeMs } = await statOf(path);
    const record = byPath.get(recordedPath);
    const sha256 = record !== undefined && record.size === size && record.mtime_ms === mtimeMs ? record.sha256 : await sha256OfFile(path);
    out.push({ path, recordedPath, size, mtimeMs, sha256 });
  }
  return out;
}

/** Refuses a source that changed while the run read it: its rows may be a mix of two versions. */
export async function assertUnchangedSince(fingerprints: readonly SourceFingerprint[]): Promise<void> {
  for (const fingerprint of fingerprints) {
    const now = await statOf(fingerprint.path);
    if (now.size !== fingerprint.size || now.mtimeMs !== fingerprint.mtimeMs) {
      throw new UnifiedError({
        code: 'SOURCE_CORRUPT',
        message: `${fingerprint.path}: changed while it was being converted (size ${fingerprint.size} → ${now.size}, modified ${new Date(fingerprint.mtimeMs).toISOString()} → ${new Date(now.mtimeMs).toISOString()}); nothing was committed, run again when it is complete`,
      });
    }
  }
}
