import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BACKUP_DIR_NAME, PROCESS_STARTED_MS, UnifiedError } from '@unified/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUP_FILE_NAME, BACKUP_FORMAT_VERSION, type BackupManifest, type BackupSource, backupSources, listBackups } from './source-backup.js';

const KLINES = 'klines_binance_BTCUSDT_1m_consolidated.parquet';
const FUTURES = 'futures_binance_BTCUSDT_consolidated.csv';
const PER_DAY = 'parquet/aggtrades_binance_BTCUSDT/aggtrades_binance_BTCUSDT_2024-01-01.parquet';
const NOW = new Date('2024-03-01T12:34:56.789Z');
const STAMP = '20240301_123456';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'unified-backup-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Writes `content` at `name` inside the data directory and returns its fingerprint. */
function source(name: string, content: string): BackupSource {
  const path = join(dataDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return fingerprint(path);
}

function fingerprint(path: string): BackupSource {
  const info = statSync(path);
  return { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
}

const backupRoot = (): string => join(dataDir, BACKUP_DIR_NAME);
const manifestOf = (dir: string): BackupManifest => JSON.parse(readFileSync(join(dir, BACKUP_FILE_NAME), 'utf8')) as BackupManifest;

describe('backupSources', () => {
  it('backs up the sources into backup_YYYYMMDD_HHMMSS (UTC) with their checksums', async () => {
    const klines = source(KLINES, 'open,close\n1,2\n');
    const perDay = source(PER_DAY, 'per-day bytes');
    const result = await backupSources({ dataDir, sources: [klines, perDay], now: NOW, reason: 'convert --force' });

    expect(result.dir).toBe(join(backupRoot(), `backup_${STAMP}`));
    expect(result.unchanged).toEqual([]);
    expect(readdirSync(backupRoot())).toEqual([`backup_${STAMP}`]);
    const dir = result.dir!;
    expect(readFileSync(join(dir, KLINES))).toEqual(readFileSync(klines.path));
    expect(readFileSync(join(dir, ...PER_DAY.split('/')))).toEqual(readFileSync(perDay.path));

    const manifest = manifestOf(dir);
    expect(manifest).toMatchObject({ format_version: BACKUP_FORMAT_VERSION, created: NOW.toISOString(), reason: 'convert --force' });
    expect(manifest.files.map((file) => file.source)).toEqual([KLINES, PER_DAY]);
    expect(manifest.files[0]).toMatchObject({ source: KLINES, size: klines.size, sha256: klines.sha256, mtime: new Date(klines.mtimeMs).toISOString() });
    expect(manifest.files).toEqual(result.files);
    for (const file of manifest.files) expect(['reflink', 'hardlink', 'copy']).toContain(file.method);
  });

  it('prefers a clone, else a hard link (the same file), else a copy', async () => {
    const klines = source(KLINES, 'bytes');
    const { dir, files } = await backupSources({ dataDir, sources: [klines], now: NOW });
    const method = files[0]?.method;
    expect(['reflink', 'hardlink', 'copy']).toContain(method);
    const kept = statSync(join(dir!, KLINES));
    if (method === 'hardlink') expect(kept.ino).toBe(statSync(klines.path).ino);
    else expect(Math.trunc(kept.mtimeMs)).toBe(klines.mtimeMs);
    // Linux temporary folders (ext4, tmpfs) have no clones but allow hard links.
    if (process.platform === 'linux' && method !== 'reflink') expect(method).toBe('hardlink');
  });

  it('reports a hard-linked backup that an in-place rewrite of the source changed, and copies when asked', async () => {
    const klines = source(KLINES, 'klines v1');
    const first = await backupSources({ dataDir, sources: [klines], now: NOW });
    if (first.files[0]?.method !== 'hardlink') return; // a clone or copy cannot be changed through the source
    // Rewritten in place (cp over it, or open-and-write): the hard-linked backup changes with it.
    writeFileSync(klines.path, 'klines v2 written in place');
    const second = await backupSources({ dataDir, sources: [fingerprint(klines.path)], now: new Date('2024-03-02T00:00:00Z'), hardLinks: false });
    expect(second.overwritten).toEqual([{ source: KLINES, backup: first.dir }]);
    expect(second.files[0]?.method).not.toBe('hardlink');
    // The copy is independent: a further in-place write leaves it as it was.
    writeFileSync(klines.path, 'klines v3');
    expect(readFileSync(join(second.dir!, KLINES), 'utf8')).toBe('klines v2 written in place');
  });

  it('does not back up again what the newest backup already holds', async () => {
    const klines = source(KLINES, 'same bytes');
    await backupSources({ dataDir, sources: [klines], now: NOW });
    const again = await backupSources({ dataDir, sources: [klines], now: new Date('2024-03-02T00:00:00Z') });
    expect(again).toEqual({ dir: undefined, files: [], unchanged: [KLINES], overwritten: [] });
    expect(readdirSync(backupRoot())).toEqual([`backup_${STAMP}`]);
  });

  it('backs up only the changed source into a new backup', async () => {
    const klines = source(KLINES, 'klines v1');
    const futures = source(FUTURES, 'futures v1');
    await backupSources({ dataDir, sources: [klines, futures], now: NOW });

    // Replaced (a new file renamed over the old one), as converters do; the first backup keeps v1.
    rmSync(futures.path);
    const changed = source(FUTURES, 'futures v2, longer');
    const result = await backupSources({ dataDir, sources: [klines, changed], now: new Date('2024-03-02T01:02:03Z') });
    expect(result.dir).toBe(join(backupRoot(), 'backup_20240302_010203'));
    expect(result.unchanged).toEqual([KLINES]);
    expect(result.files.map((file) => file.source)).toEqual([FUTURES]);
    expect(readdirSync(result.dir!).sort()).toEqual([BACKUP_FILE_NAME, FUTURES]);
    expect(readFileSync(join(result.dir!, FUTURES), 'utf8')).toBe('futures v2, longer');
    expect(readFileSync(join(backupRoot(), `backup_${STAMP}`, FUTURES), 'utf8')).toBe('futures v1');
  });

  it('names a second backup of the same second backup_…_2, listed as the newer one', async () => {
    const klines = source(KLINES, 'v1');
    const first = await backupSources({ dataDir, sources: [klines], now: NOW });
    rmSync(klines.path);
    const second = await backupSources({ dataDir, sources: [source(KLINES, 'v2')], now: NOW });
    rmSync(klines.path);
    const third = await backupSources({ dataDir, sources: [source(KLINES, 'v3')], now: NOW });
    expect(first.dir).toBe(join(backupRoot(), `backup_${STAMP}`));
    expect(second.dir).toBe(join(backupRoot(), `backup_${STAMP}_2`));
    expect(third.dir).toBe(join(backupRoot(), `backup_${STAMP}_3`));
    expect((await listBackups(dataDir)).map((backup) => backup.name)).toEqual([`backup_${STAMP}_3`, `backup_${STAMP}_2`, `backup_${STAMP}`]);
  });

  it('refuses a source outside the data directory and creates nothing', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'unified-backup-outside-'));
    try {
      const path = join(outside, KLINES);
      writeFileSync(path, 'x');
      const stranger = fingerprint(path);
      const error: unknown = await backupSources({ dataDir, sources: [source(KLINES, 'inside'), stranger], now: NOW }).catch((caught: unknown) => caught);
      expect(UnifiedError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain(path);
      expect(existsSync(backupRoot())).toBe(false);
      await expect(backupSources({ dataDir, sources: [{ ...stranger, path: join(dataDir, '..', 'x') }] })).rejects.toThrow(/outside the data directory/u);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('removes temporary folders left by a process that is gone, and keeps those of live ones', async () => {
    // Process ids are below 2^22 on Linux: this one cannot be running.
    const dead = join(backupRoot(), `.backup_${STAMP}.tmp-${2 ** 22 + 12345}-${PROCESS_STARTED_MS}-0badc0de`);
    const reborn = join(backupRoot(), `.backup_${STAMP}.tmp-${process.pid}-${PROCESS_STARTED_MS - 1000}-cafe`);
    const live = join(backupRoot(), `.backup_${STAMP}.tmp-${process.pid}-${PROCESS_STARTED_MS}-beef`);
    for (const dir of [dead, reborn, live]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, KLINES), 'half a backup');
    }
    await backupSources({ dataDir, sources: [source(KLINES, 'bytes')], now: NOW });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(reborn)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect((await listBackups(dataDir)).map((backup) => backup.name)).toEqual([`backup_${STAMP}`]);
  });

  it('backs a source up again when its backed-up file was deleted', async () => {
    const klines = source(KLINES, 'bytes');
    const first = await backupSources({ dataDir, sources: [klines], now: NOW });
    rmSync(join(first.dir!, KLINES));
    const again = await backupSources({ dataDir, sources: [klines], now: new Date('2024-03-01T13:00:00Z') });
    expect(again.dir).toBe(join(backupRoot(), 'backup_20240301_130000'));
    expect(again.unchanged).toEqual([]);
    expect(readFileSync(join(again.dir!, KLINES), 'utf8')).toBe('bytes');
  });

  it('refuses a source that changed since it was fingerprinted, leaving no temporary folder', async () => {
    const klines = source(KLINES, 'short');
    writeFileSync(klines.path, 'much longer now');
    await expect(backupSources({ dataDir, sources: [klines], now: NOW })).rejects.toMatchObject({ code: 'SOURCE_CORRUPT' });
    await expect(backupSources({ dataDir, sources: [{ ...klines, path: join(dataDir, 'absent.csv') }], now: NOW })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect(existsSync(backupRoot()) ? readdirSync(backupRoot()) : []).toEqual([]);
  });
});

describe('listBackups', () => {
  it('lists backups newest first and skips hidden, foreign and broken folders', async () => {
    expect(await listBackups(dataDir)).toEqual([]);
    const klines = source(KLINES, 'v1');
    await backupSources({ dataDir, sources: [klines], now: new Date('2024-01-02T00:00:00Z') });
    rmSync(klines.path);
    await backupSources({ dataDir, sources: [source(KLINES, 'v2')], now: new Date('2024-05-06T07:08:09Z') });
    rmSync(klines.path);
    await backupSources({ dataDir, sources: [source(KLINES, 'v3')], now: new Date('2023-12-31T23:59:59Z') });

    mkdirSync(join(backupRoot(), 'backup_20990101_000000')); // no _backup.json
    mkdirSync(join(backupRoot(), 'backup_20980101_000000'));
    writeFileSync(join(backupRoot(), 'backup_20980101_000000', BACKUP_FILE_NAME), '{ not json');
    mkdirSync(join(backupRoot(), 'backup_20970101_000000'));
    writeFileSync(join(backupRoot(), 'backup_20970101_000000', BACKUP_FILE_NAME), JSON.stringify({ format_version: 99, created: '', files: [] }));
    mkdirSync(join(backupRoot(), '.backup_20990101_000000.tmp-1-2-ab'));
    mkdirSync(join(backupRoot(), 'old_python_backup'));

    const listed = await listBackups(dataDir);
    expect(listed.map((backup) => backup.name)).toEqual(['backup_20240506_070809', 'backup_20240102_000000', 'backup_20231231_235959']);
    expect(listed[0]).toMatchObject({ dir: join(backupRoot(), 'backup_20240506_070809'), manifest: { created: '2024-05-06T07:08:09.000Z' } });
    expect(listed[0]?.manifest.files[0]?.sha256).toBe(createHash('sha256').update('v2').digest('hex'));
  });

  it('compares against the newest backup holding a source, even when newer backups hold only others', async () => {
    const klines = source(KLINES, 'klines');
    await backupSources({ dataDir, sources: [klines], now: NOW });
    await backupSources({ dataDir, sources: [source(FUTURES, 'futures')], now: new Date('2024-03-02T00:00:00Z') });
    const result = await backupSources({ dataDir, sources: [klines, fingerprint(join(dataDir, FUTURES))], now: new Date('2024-03-03T00:00:00Z') });
    expect(result).toEqual({ dir: undefined, files: [], unchanged: [FUTURES, KLINES].sort(), overwritten: [] });
  });
});
