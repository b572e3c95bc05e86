/**
 * Backups of a run's inputs: before a run replaces existing output, the consolidated files it read are kept in
 * `<dataDir>/backup_pre_unified/backup_YYYYMMDD_HHMMSS/` (UTC), each under its path relative to the data
 * directory, with a `_backup.json` listing their size, modification time, sha256 and how each was kept. A source
 * whose sha256 equals the one in the newest backup holding it is not kept again.
 *
 * How a file is kept, cheapest first:
 *
 * - `reflink`: a copy-on-write clone (btrfs, XFS, APFS): a real, independent copy that takes no time or space
 *   until one side changes;
 * - `hardlink`: a second name for the same file, so no gigabytes are copied. The two names share one file: a
 *   tool that rewrites the source in place (opens it and writes into it) changes the backup too, whereas one that
 *   writes a new file and renames it over the source (as unified and most tools do) leaves the backup intact.
 *   The sha256 in `_backup.json` lets anyone check whether a backed-up file still holds what was backed up;
 * - `copy`: a plain copy, when the file system allows neither (another device, FAT, some network shares).
 *
 * A backup appears whole or not at all: it is built in a hidden temporary folder beside the backups and renamed
 * into place once `_backup.json` is written. Temporary folders left by a process that is gone are removed by
 * the next backup.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BACKUP_DIR_NAME, PROCESS_STARTED_MS, UnifiedError, fileSystemReason, isProcessAlive, isTemporaryFileName } from '@unified/schemas';
import { readJsonFile, writeJsonFile } from './json-file.js';

/** Name of the file inside each backup folder that lists what it holds. */
export const BACKUP_FILE_NAME = '_backup.json';

/** Version of the `_backup.json` format. */
export const BACKUP_FORMAT_VERSION = 1;

/** A file to back up, with the fingerprint the run took of it. */
export interface BackupSource {
  /** Path of the file; must lie inside the data directory. */
  readonly path: string;
  /** sha256 of its content, 64 lowercase hex digits. */
  readonly sha256: string;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time, ms since the epoch. */
  readonly mtimeMs: number;
}

/** Options of {@link backupSources}. */
export interface BackupOptions {
  /** The data directory; the backups go to `<dataDir>/backup_pre_unified/`. */
  readonly dataDir: string;
  /** The files to back up (all inside `dataDir`). */
  readonly sources: readonly BackupSource[];
  /** Time the backup folder is named after (UTC). @default new Date() */
  readonly now?: Date;
  /** Why the backup was made, recorded in `_backup.json` (e.g. `"convert --force"`). */
  readonly reason?: string;
  /**
   * Whether a file may be kept as a hard link when no copy-on-write clone is possible. `false` copies instead:
   * slower and larger, but the backup survives a tool that rewrites the source in place. @default true
   */
  readonly hardLinks?: boolean;
}

/** How a file was kept: a copy-on-write clone, a hard link, or a plain copy. */
export type BackupMethod = 'reflink' | 'hardlink' | 'copy';

/** One backed-up file, as `_backup.json` lists it. */
export interface BackupEntry {
  /** Path relative to the data directory, `/`-separated; the file lies at the same path inside the backup folder. */
  readonly source: string;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time of the source, ISO 8601. */
  readonly mtime: string;
  /** sha256 of the content, 64 lowercase hex digits. */
  readonly sha256: string;
  readonly method: BackupMethod;
}

/** Content of `_backup.json`. */
export interface BackupManifest {
  readonly format_version: number;
  /** When the backup was made, ISO 8601. */
  readonly created: string;
  /** Why the backup was made, when the caller said. */
  readonly reason?: string;
  /** The backed-up files, ordered by `source`. */
  readonly files: readonly BackupEntry[];
}

/** What {@link backupSources} did. */
export interface BackupResult {
  /** Absolute path of the new backup folder; `undefined` when nothing needed backing up (nothing was created). */
  readonly dir: string | undefined;
  /** The files backed up now, ordered by `source`. */
  readonly files: readonly BackupEntry[];
  /** Sources (relative, `/`-separated) whose sha256 equals the one in the newest backup holding them. */
  readonly unchanged: readonly string[];
  /**
   * Earlier backups that were hard links to a source which has since been rewritten in place: they hold the new
   * content, not what `_backup.json` records. Each source is backed up again now; the old content is gone.
   */
  readonly overwritten: readonly { readonly source: string; readonly backup: string }[];
}

/** One backup folder, as {@link listBackups} finds it. */
export interface BackupListing {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** Folder name: `backup_YYYYMMDD_HHMMSS`, or `backup_YYYYMMDD_HHMMSS_<n>` for the n-th of the same second. */
  readonly name: string;
  readonly manifest: BackupManifest;
}

const BACKUP_NAME = /^backup_(\d{8}_\d{6})(?:_([1-9]\d*))?$/u;
const TEMP_NAME = /^\.backup_\d{8}_\d{6}\.tmp-(\d+)-(\d+)-[0-9a-f]+$/u;
const SHA256 = /^[0-9a-f]{64}$/u;
const METHODS: ReadonlySet<unknown> = new Set<BackupMethod>(['reflink', 'hardlink', 'copy']);
/** Bound on `_2`, `_3`, … within one second, so a folder that refuses every rename cannot loop forever. */
const MAX_SAME_SECOND = 1000;

function invalidArgument(message: string): never {
  throw new UnifiedError({ code: 'INVALID_ARGUMENT', message });
}


/** Runs one file-system step, reporting a failure as `WRITE_FAILED` naming `path`. */
async function step<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (UnifiedError.isInstance(error)) throw error;
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot ${what}: ${fileSystemReason(error, path)}`, cause: error });
  }
}

/** `YYYYMMDD_HHMMSS` of `date` in UTC. */
function stampOf(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Whether `path` is relative, `/`-separated and stays inside the folder it is relative to. */
function isInsidePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/u.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** The manifest in `value`, or `undefined` when it is not a valid `_backup.json`. */
function checkManifest(value: unknown): BackupManifest | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const m = value as Partial<Record<keyof BackupManifest, unknown>>;
  if (m.format_version !== BACKUP_FORMAT_VERSION || typeof m.created !== 'string' || !Array.isArray(m.files)) return undefined;
  if (m.reason !== undefined && typeof m.reason !== 'string') return undefined;
  const valid = m.files.every((file: unknown) => {
    if (file === null || typeof file !== 'object') return false;
    const f = file as Partial<Record<keyof BackupEntry, unknown>>;
    return (
      typeof f.source === 'string' &&
      isInsidePath(f.source) &&
      isCount(f.size) &&
      typeof f.mtime === 'string' &&
      typeof f.sha256 === 'string' &&
      SHA256.test(f.sha256) &&
      METHODS.has(f.method)
    );
  });
  return valid ? (value as BackupManifest) : undefined;
}

/**
 * The backups in `<dataDir>/backup_pre_unified/`, newest first (by folder name; `backup_…_2` is newer than the
 * plain name of the same second). Hidden and temporary folders, folders not named `backup_YYYYMMDD_HHMMSS[_n]`,
 * and folders whose `_backup.json` is missing or invalid (e.g. backups made by other tools) are skipped.
 *
 * @example
 * const [newest] = await listBackups('data_cache');
 * console.log(newest?.name, newest?.manifest.files.map((file) => file.source));
 */
export async function listBackups(dataDir: string): Promise<BackupListing[]> {
  const root = join(resolve(dataDir), BACKUP_DIR_NAME);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw new UnifiedError({ code: 'METADATA_INVALID', message: `${root}: cannot be read: ${fileSystemReason(error, root)}`, cause: error });
  }
  const found: { listing: BackupListing; stamp: string; n: number }[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name.startsWith('_') || isTemporaryFileName(entry.name)) continue;
    const match = BACKUP_NAME.exec(entry.name);
    if (match?.[1] === undefined) continue;
    const dir = join(root, entry.name);
    let manifest: BackupManifest | undefined;
    try {
      manifest = checkManifest(await readJsonFile(join(dir, BACKUP_FILE_NAME)));
    } catch {
      // Unreadable or not JSON: not a backup this module can use; the folder is left alone.
      manifest = undefined;
    }
    if (manifest === undefined) continue;
    found.push({ listing: { dir, name: entry.name, manifest }, stamp: match[1], n: match[2] === undefined ? 1 : Number(match[2]) });
  }
  found.sort((a, b) => byCodeUnits(b.stamp, a.stamp) || b.n - a.n);
  return found.map((item) => item.listing);
}

/** Removes temporary backup folders whose process is gone (or is an earlier process reborn under our pid). */
async function removeAbandonedTemporaryFolders(root: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${root}: cannot be read: ${fileSystemReason(error, root)}`, cause: error });
  }
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const pid = Number(match[1]);
    const started = Number(match[2]);
    const abandoned = pid === process.pid ? started !== PROCESS_STARTED_MS : !isProcessAlive(pid);
    if (abandoned) {
      const path = join(root, name);
      await step(path, 'remove an abandoned temporary backup folder', () => rm(path, { recursive: true, force: true }));
    }
  }
}

/** A checked source: absolute path, relative name, fingerprint. */
interface PlannedSource {
  readonly absolute: string;
  readonly relative: string;
  readonly source: BackupSource;
}

function planSources(dataDir: string, sources: readonly BackupSource[]): PlannedSource[] {
  const byRelative = new Map<string, PlannedSource>();
  for (const source of sources) {
    const absolute = resolve(source.path);
    const rel = relative(dataDir, absolute);
    if (rel === '' || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
      invalidArgument(`${source.path}: cannot be backed up, it lies outside the data directory ${dataDir}`);
    }
    const name = rel.split(sep).join('/');
    if (name === BACKUP_DIR_NAME || name.startsWith(`${BACKUP_DIR_NAME}/`)) {
      invalidArgument(`${source.path}: cannot be backed up, it lies inside the backup folder ${join(dataDir, BACKUP_DIR_NAME)}`);
    }
    if (typeof source.sha256 !== 'string' || !SHA256.test(source.sha256)) invalidArgument(`${source.path}: sha256 must be 64 lowercase hex digits`);
    if (!isCount(source.size)) invalidArgument(`${source.path}: size must be a non-negative integer, got ${String(source.size)}`);
    if (!Number.isFinite(source.mtimeMs)) invalidArgument(`${source.path}: mtimeMs must be a finite number, got ${String(source.mtimeMs)}`);
    const previous = byRelative.get(name);
    if (previous !== undefined && (previous.source.sha256 !== source.sha256 || previous.source.size !== source.size)) {
      invalidArgument(`${source.path}: listed twice with different fingerprints`);
    }
    byRelative.set(name, { absolute, relative: name, source });
  }
  return [...byRelative.values()].sort((a, b) => byCodeUnits(a.relative, b.relative));
}

/**
 * How the newest backup holding `planned` compares: `unchanged` (same content, file still there), `overwritten`
 * (a hard link whose shared file the source's in-place rewrite changed), or `changed` (back it up).
 */
async function compareWithNewest(planned: PlannedSource, backups: readonly BackupListing[]): Promise<{ status: 'unchanged' | 'changed' | 'overwritten'; backup?: string }> {
  for (const backup of backups) {
    const entry = backup.manifest.files.find((file) => file.source === planned.relative);
    if (entry === undefined) continue;
    let info;
    try {
      info = await stat(join(backup.dir, ...entry.source.split('/')));
    } catch {
      // Deleted (or made unreadable) since: back the source up again.
      return { status: 'changed' };
    }
    if (entry.sha256 === planned.source.sha256) return { status: info.isFile() && info.size === entry.size ? 'unchanged' : 'changed' };
    const source = await stat(planned.absolute).catch(() => undefined);
    const shared = entry.method === 'hardlink' && source !== undefined && source.ino === info.ino && source.dev === info.dev;
    return shared ? { status: 'overwritten', backup: backup.dir } : { status: 'changed' };
  }
  return { status: 'changed' };
}

/** Refuses a source that is missing, not a regular file, or no longer matches its fingerprint. */
async function assertMatchesFingerprint(planned: PlannedSource): Promise<void> {
  const { path, size, mtimeMs } = planned.source;
  let info;
  try {
    info = await lstat(planned.absolute);
  } catch (error) {
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: cannot be backed up: ${fileSystemReason(error, path)}`, cause: error });
  }
  if (!info.isFile()) invalidArgument(`${path}: cannot be backed up, it is not a regular file`);
  // Within a millisecond: fingerprints may hold a truncated or rounded modification time.
  if (info.size !== size || Math.abs(info.mtimeMs - mtimeMs) >= 1) {
    const was = `size ${size}, modified ${new Date(mtimeMs).toISOString()}`;
    const is = `size ${info.size}, modified ${info.mtime.toISOString()}`;
    throw new UnifiedError({
      code: 'SOURCE_CORRUPT',
      message: `${path}: changed since it was fingerprinted (${was} → ${is}); its sha256 no longer describes it, so it is not backed up`,
    });
  }
}

/** Keeps `src` at `dest` by the cheapest method the file system allows. */
async function keepFile(src: string, dest: string, mtimeMs: number, hardLinks: boolean): Promise<BackupMethod> {
  const time = new Date(mtimeMs);
  let method: BackupMethod | undefined;
  try {
    await copyFile(src, dest, constants.COPYFILE_FICLONE_FORCE);
    method = 'reflink';
  } catch {
    // No copy-on-write clones here (ext4, tmpfs, another device, …): try a hard link.
  }
  if (method === undefined) {
    await rm(dest, { force: true });
    if (hardLinks) {
      try {
        await link(src, dest);
        return 'hardlink'; // one file under two names: it already has the source's modification time
      } catch {
        // EXDEV (another device), EPERM/ENOTSUP (FAT, some network shares, protected links): copy.
      }
    }
    await rm(dest, { force: true });
    await copyFile(src, dest);
    method = 'copy';
  }
  // A clone or copy gets the source's modification time, as the backed-up file had it.
  await utimes(dest, time, time);
  return method;
}

/** Flushes a file or folder to disk. Best effort: some file systems refuse to sync (Windows cannot open folders). */
async function syncPath(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The backup is complete; only its durability across a power loss is not guaranteed.
  }
}

/** Renames the finished temporary folder to `backup_<stamp>`, or `backup_<stamp>_2`, `_3`, … when taken. */
async function publish(tempDir: string, root: string, stamp: string): Promise<string> {
  for (let n = 1; n <= MAX_SAME_SECOND; n += 1) {
    const target = join(root, n === 1 ? `backup_${stamp}` : `backup_${stamp}_${n}`);
    try {
      await lstat(target);
      continue; // taken (an empty folder would even be replaced by rename: never try)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      await rename(tempDir, target);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process took the name between the check and the rename.
      if (code === 'EEXIST' || code === 'ENOTEMPTY') continue;
      throw error;
    }
  }
  throw new Error(`more than ${MAX_SAME_SECOND} backups named backup_${stamp}`);
}

/**
 * Backs up `sources` into `<dataDir>/backup_pre_unified/backup_YYYYMMDD_HHMMSS/` (UTC of `now`), each under its
 * path relative to `dataDir`, with a `_backup.json` of their size, mtime, sha256 and method (see the module
 * comment: `reflink`, else `hardlink`, else `copy`). A source whose sha256 equals the one in the newest backup
 * holding it, whose file is still there with its recorded size, is `unchanged` and not backed up again; when no
 * source needs backing up nothing is created and `dir` is `undefined`. A second backup within the same second is
 * named `backup_YYYYMMDD_HHMMSS_2` (then `_3`, …).
 *
 * The backup appears whole or not at all. Throws `INVALID_ARGUMENT` for a source outside `dataDir` (or inside the
 * backup folder) before anything is created, `SOURCE_NOT_FOUND` for a missing source, `SOURCE_CORRUPT` for one
 * whose size or mtime no longer match its fingerprint, and `WRITE_FAILED` naming the path when writing fails.
 *
 * @example
 * const result = await backupSources({
 *   dataDir: 'data_cache',
 *   sources: [{ path: 'data_cache/klines_binance_BTCUSDT_1m_consolidated.parquet', sha256, size, mtimeMs }],
 *   reason: 'convert --force',
 * });
 * console.log(result.dir); // '/…/data_cache/backup_pre_unified/backup_20240301_120000', or undefined if unchanged
 */
export async function backupSources(options: BackupOptions): Promise<BackupResult> {
  const { sources, reason, hardLinks = true } = options;
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) invalidArgument('backup time is not a valid date');
  const dataDir = resolve(options.dataDir);
  const root = join(dataDir, BACKUP_DIR_NAME);
  const planned = planSources(dataDir, sources);

  await removeAbandonedTemporaryFolders(root);
  const backups = await listBackups(dataDir);
  const unchanged: string[] = [];
  const overwritten: { source: string; backup: string }[] = [];
  const pending: PlannedSource[] = [];
  for (const item of planned) {
    const { status, backup } = await compareWithNewest(item, backups);
    if (status === 'unchanged') unchanged.push(item.relative);
    else pending.push(item);
    if (status === 'overwritten' && backup !== undefined) overwritten.push({ source: item.relative, backup });
  }
  if (pending.length === 0) return { dir: undefined, files: [], unchanged, overwritten };
  for (const item of pending) await assertMatchesFingerprint(item);

  const stamp = stampOf(now);
  await step(root, 'create the backup folder', () => mkdir(root, { recursive: true }));
  const tempDir = join(root, `.backup_${stamp}.tmp-${process.pid}-${PROCESS_STARTED_MS}-${randomBytes(4).toString('hex')}`);
  await step(tempDir, 'create the temporary backup folder', () => mkdir(tempDir));
  try {
    const files: BackupEntry[] = [];
    const folders = new Set<string>([tempDir]);
    for (const item of pending) {
      const dest = join(tempDir, ...item.relative.split('/'));
      const folder = dirname(dest);
      if (!folders.has(folder)) {
        await step(folder, 'create a folder in the backup', () => mkdir(folder, { recursive: true }));
        for (let up = folder; !folders.has(up); up = dirname(up)) folders.add(up);
      }
      const method = await step(dest, `back up ${item.source.path}`, () => keepFile(item.absolute, dest, item.source.mtimeMs, hardLinks));
      const kept = await step(dest, 'check the backed-up file', () => stat(dest));
      if (kept.size !== item.source.size) {
        throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${item.source.path}: changed while it was backed up (size ${item.source.size} → ${kept.size})` });
      }
      await syncPath(dest);
      files.push({ source: item.relative, size: item.source.size, mtime: new Date(item.source.mtimeMs).toISOString(), sha256: item.source.sha256, method });
    }
    const manifest: BackupManifest = { format_version: BACKUP_FORMAT_VERSION, created: now.toISOString(), ...(reason === undefined ? {} : { reason }), files };
    await writeJsonFile(join(tempDir, BACKUP_FILE_NAME), manifest);
    for (const folder of folders) await syncPath(folder);
    const dir = await step(tempDir, 'rename the finished backup into place', () => publish(tempDir, root, stamp));
    await syncPath(root);
    return { dir, files, unchanged, overwritten };
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}
