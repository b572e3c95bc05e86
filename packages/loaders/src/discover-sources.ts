/**
 * Finds the sources of each data type for one (exchange, symbol, timeframe) inside a data directory, and says
 * why each file was chosen or skipped. Where it looks:
 *
 * - consolidated files of the Python pipeline in `dataDir` itself (`klines_binance_BTCUSDT_1m_consolidated.parquet`,
 *   …), Parquet preferred, CSV as fallback;
 * - per-day aggtrades files under `dataDir/parquet/aggtrades_<exchange>_<symbol>/` (recursive), ordered by the
 *   date in their name; when present they replace the consolidated aggtrades file, as in the seed;
 * - Binance archive zips flat in `dataDir/archives/` or in a mirror of the archive tree under `dataDir/data/`
 *   (`data/spot/daily/klines/BTCUSDT/1m/*.zip`, `data/futures/um/monthly/fundingRate/BTCUSDT/*.zip`); a
 *   monthly archive replaces the daily ones of its month.
 *
 * Names match case-insensitively. Only `dataDir` is searched (never the working directory), symbolic links are
 * not followed, and `unified/`, `backup_pre_unified/` and hidden folders are never entered.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type * as arrow from 'apache-arrow';
import {
  BACKUP_DIR_NAME,
  type DataKind,
  UNIFIED_DIR_NAME,
  UnifiedError,
  type UtcDate,
  consolidatedFileName,
  dayNumberOfDate,
  isValidUtcDate,
  normalizeExchange,
  normalizeSymbol,
  normalizeTimeframe,
  perDayAggtradesDir,
} from '@unified/schemas';
import { openSource } from './open-source.js';
import { sourceNameHint } from './source-name-hints.js';
import type { SourceFormat, SourceOptions, SourceSummary } from './source-types.js';

/** Per-day file limit under `BLANK_TRAINING_MODE=1` when no `maxFiles` is given. */
export const BLANK_TRAINING_MAX_FILES = 3;

/** Options of {@link discoverSources}. */
export interface DiscoverOptions {
  readonly dataDir: string;
  readonly exchange: string;
  readonly symbol: string;
  /** Kline interval. @default '1m' */
  readonly timeframe?: string;
  /** Data types to look for. @default all three */
  readonly kinds?: readonly DataKind[];
  /** At most this many per-day and archive files per data type (the oldest first). */
  readonly maxFiles?: number;
  /** Environment to read `BLANK_TRAINING_MODE` from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** How a planned file relates to the pipeline's layout. */
export type SourceRole = 'consolidated' | 'per-day' | 'archive';

/** One file the plan reads. */
export interface PlannedSource {
  readonly kind: DataKind;
  readonly path: string;
  readonly format: SourceFormat;
  readonly role: SourceRole;
  /** Why it was chosen, for people. */
  readonly reason: string;
  /** The (first) day it covers, when its name says. */
  readonly date?: UtcDate;
}

/** A file that was found but will not be read, and why. */
export interface SkippedSource {
  readonly kind: DataKind;
  readonly path: string;
  readonly reason: string;
}

/** What reading one planned file produced (see {@link SourcePlan.reports}). */
export interface SourceReport {
  readonly source: PlannedSource;
  readonly summary: SourceSummary;
}

/** What {@link discoverSources} found. */
export interface SourcePlan {
  readonly dataDir: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** Files to read per data type, in reading order. */
  readonly sources: Readonly<Record<DataKind, readonly PlannedSource[]>>;
  readonly skipped: readonly SkippedSource[];
  /** The per-day / archive limit applied, if any. */
  readonly maxFiles: number | undefined;
  /**
   * Canonical record batches of every planned file of `kind`, one file after another. Each file is opened with
   * `kind` as its expected data type.
   */
  batches(kind: DataKind, options?: Omit<SourceOptions, 'kind'>): AsyncIterable<arrow.RecordBatch>;
  /** One report per file read to the end through {@link SourcePlan.batches}: rows read, skipped and why. */
  readonly reports: readonly SourceReport[];
}

interface Found {
  readonly path: string;
  readonly name: string;
  readonly segments: readonly string[];
}

const NEVER_ENTER = new Set([UNIFIED_DIR_NAME, BACKUP_DIR_NAME].map((name) => name.toLowerCase()));

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${dir}: cannot list the folder (${code ?? String(error)})`, cause: error });
  }
}

async function walk(dir: string, root: string, out: Found[] = []): Promise<Found[]> {
  for (const entry of await entries(dir)) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NEVER_ENTER.has(entry.name.toLowerCase())) await walk(path, root, out);
    } else if (entry.isFile()) {
      out.push({ path, name: entry.name, segments: relative(root, path).split(sep).map((s) => s.toLowerCase()) });
    }
  }
  return out;
}

const FORMAT_OF: Readonly<Record<string, SourceFormat>> = { parquet: 'parquet', csv: 'csv', zip: 'zip', json: 'json' };

function formatOf(name: string): SourceFormat | undefined {
  return FORMAT_OF[name.slice(name.lastIndexOf('.') + 1).toLowerCase()];
}

const DATE_IN_NAME = /(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)/u;

function validDate(year: number, month: number, day: number): UtcDate | undefined {
  const date = { year, month, day };
  return isValidUtcDate(date) ? date : undefined;
}

/**
 * The day a per-day file holds: from Hive segments (`year=2024/month=1/day=2`), from `2024/01/02` folders, or
 * from a `2024-01-02` / `20240102` date in its name; `undefined` when none gives a valid date.
 */
function dateOfFile(segments: readonly string[]): UtcDate | undefined {
  const hive = Object.fromEntries(segments.map((s) => /^(year|month|day)=(\d+)$/u.exec(s)).flatMap((m) => (m === null ? [] : [[m[1]!, Number(m[2])]])));
  if (hive['year'] !== undefined && hive['month'] !== undefined && hive['day'] !== undefined) return validDate(hive['year'], hive['month'], hive['day']);
  for (let i = 0; i + 2 < segments.length - 1; i++) {
    const [y, m, d] = segments.slice(i, i + 3);
    if (/^\d{4}$/u.test(y!) && /^\d{1,2}$/u.test(m!) && /^\d{1,2}$/u.test(d!)) return validDate(Number(y), Number(m), Number(d));
  }
  for (const match of (segments.at(-1) ?? '').matchAll(new RegExp(DATE_IN_NAME, 'gu'))) {
    const date = validDate(Number(match[1]), Number(match[2]), Number(match[3]));
    if (date !== undefined) return date;
  }
  return undefined;
}

function byDate(a: { date?: UtcDate; path: string }, b: { date?: UtcDate; path: string }): number {
  const da = a.date === undefined ? Infinity : dayNumberOfDate(a.date);
  const db = b.date === undefined ? Infinity : dayNumberOfDate(b.date);
  return da - db || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** The exchange id (D3) of a path inside a mirror of the Binance archive tree, or `undefined` for the flat folder. */
function marketExchange(segments: readonly string[]): string | undefined {
  const at = segments.indexOf('data');
  const market = segments.slice(at + 1, at + 3).join('/');
  if (market.startsWith('spot/')) return 'binance';
  if (market === 'futures/um') return 'binanceusdm';
  if (market === 'futures/cm') return 'binancecoinm';
  return undefined;
}

function resolveMaxFiles(options: DiscoverOptions): number | undefined {
  const { maxFiles } = options;
  if (maxFiles !== undefined) {
    if (!Number.isSafeInteger(maxFiles) || maxFiles < 1) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `maxFiles must be a positive integer, got ${maxFiles}` });
    }
    return maxFiles;
  }
  return (options.env ?? process.env)['BLANK_TRAINING_MODE'] === '1' ? BLANK_TRAINING_MAX_FILES : undefined;
}

/**
 * Plans which files hold the data of one (exchange, symbol, timeframe) in `dataDir`.
 *
 * @example
 * const plan = await discoverSources({ dataDir: 'data_cache', exchange: 'binance', symbol: 'BTCUSDT' });
 * for (const source of plan.sources.klines) console.log(source.path, source.reason);
 * for await (const batch of plan.batches('klines')) console.log(batch.numRows);
 */
export async function discoverSources(options: DiscoverOptions): Promise<SourcePlan> {
  const dataDir = resolve(options.dataDir);
  const exchange = normalizeExchange(options.exchange);
  const symbol = normalizeSymbol(options.symbol);
  const timeframe = normalizeTimeframe(options.timeframe ?? '1m');
  const kinds = options.kinds ?? (['klines', 'aggtrades', 'futures'] as const);
  const maxFiles = resolveMaxFiles(options);
  const top = (await entries(dataDir)).filter((e) => e.isFile());
  const archives = [...(await walk(join(dataDir, 'archives'), dataDir)), ...(await walk(join(dataDir, 'data'), dataDir))];
  const sources: Record<DataKind, PlannedSource[]> = { klines: [], aggtrades: [], futures: [] };
  const skipped: SkippedSource[] = [];

  for (const kind of kinds) {
    const chosen = sources[kind];
    // Consolidated files: Parquet preferred, CSV as fallback.
    const consolidated = (['parquet', 'csv'] as const).flatMap((format) => {
      const wanted = consolidatedFileName({ kind, exchange, symbol, timeframe }, format).toLowerCase();
      return top.filter((e) => e.name.toLowerCase() === wanted).map((e) => ({ path: join(dataDir, e.name), format }));
    });

    // Per-day aggtrades files.
    let perDay: PlannedSource[] = [];
    if (kind === 'aggtrades') {
      const wantedDir = perDayAggtradesDir(exchange, symbol).toLowerCase().split('/');
      const parquetDir = (await entries(dataDir)).find((e) => e.isDirectory() && e.name.toLowerCase() === wantedDir[0]);
      const dayDirEntry = parquetDir === undefined ? undefined : (await entries(join(dataDir, parquetDir.name))).find((e) => e.isDirectory() && e.name.toLowerCase() === wantedDir[1]);
      if (parquetDir !== undefined && dayDirEntry !== undefined) {
        const dayDir = join(dataDir, parquetDir.name, dayDirEntry.name);
        perDay = (await walk(dayDir, dataDir)).flatMap((file): PlannedSource[] => {
          const format = formatOf(file.name);
          if (format !== 'parquet' && format !== 'csv') {
            skipped.push({ kind, path: file.path, reason: 'not a Parquet or CSV file' });
            return [];
          }
          const date = dateOfFile(file.segments);
          return [{ kind, path: file.path, format, role: 'per-day', reason: date === undefined ? 'per-day aggtrades file (no date in its path: read last)' : 'per-day aggtrades file', ...(date === undefined ? {} : { date }) }];
        });
        perDay.sort(byDate);
      }
    }

    if (perDay.length > 0) {
      chosen.push(...perDay);
      for (const file of consolidated) skipped.push({ kind, path: file.path, reason: 'per-day aggtrades files are read instead (as the seed does)' });
    } else if (consolidated.length > 0) {
      const [first, ...rest] = consolidated;
      chosen.push({ kind, path: first!.path, format: first!.format, role: 'consolidated', reason: `consolidated ${first!.format === 'parquet' ? 'Parquet' : 'CSV'} file` });
      for (const file of rest) skipped.push({ kind, path: file.path, reason: first!.format === file.format ? 'same file in another case' : 'the Parquet file is read instead' });
    }

    // Archives: the Binance names, the right symbol/kind/interval and (in a mirror tree) the right market.
    const matching: PlannedSource[] = [];
    for (const file of archives) {
      const hint = sourceNameHint(file.name);
      if (hint?.kind !== kind || hint.period === undefined || hint.symbol?.toUpperCase() !== symbol) continue;
      if (kind === 'klines' && hint.timeframe !== timeframe) continue;
      const market = marketExchange(file.segments);
      // D3: funding of a perpetual may sit beside spot data under `binance`, as in the seed's layout.
      const marketOk = market === undefined || market === exchange || (kind === 'futures' && exchange === 'binance' && market === 'binanceusdm');
      if (!marketOk) {
        skipped.push({ kind, path: file.path, reason: `archive of ${market} data, not ${exchange}` });
        continue;
      }
      const format = formatOf(file.name);
      if (format === undefined) continue;
      matching.push({
        kind,
        path: file.path,
        format,
        role: 'archive',
        reason: `${hint.period ?? ''} Binance archive${market === undefined ? ' (flat archives folder)' : ''}`.trim(),
        ...(hint.date === undefined ? {} : { date: hint.date }),
      });
    }
    const monthly = new Set(matching.filter((m) => sourceNameHint(m.path.slice(m.path.lastIndexOf(sep) + 1))?.period === 'monthly').map((m) => `${m.date?.year}-${m.date?.month}`));
    const archiveFiles = matching
      .filter((m) => {
        const period = sourceNameHint(m.path.slice(m.path.lastIndexOf(sep) + 1))?.period;
        if (period === 'daily' && monthly.has(`${m.date?.year}-${m.date?.month}`)) {
          skipped.push({ kind, path: m.path, reason: 'covered by the monthly archive of the same month' });
          return false;
        }
        return true;
      })
      .sort(byDate);
    // The same archive in zip and extracted CSV form is read once (the zip, which can be checksummed).
    const seen = new Set<string>();
    for (const file of archiveFiles.sort((a, b) => (a.format === 'zip' ? -1 : 0) - (b.format === 'zip' ? -1 : 0) || byDate(a, b))) {
      const stem = file.path.slice(file.path.lastIndexOf(sep) + 1).replace(/\.(zip|csv)$/iu, '').toLowerCase();
      if (seen.has(stem)) skipped.push({ kind, path: file.path, reason: 'the zip of the same archive is read instead' });
      else {
        seen.add(stem);
        chosen.push(file);
      }
    }
    chosen.sort((a, b) => (a.role === 'archive' ? 1 : 0) - (b.role === 'archive' ? 1 : 0) || (a.role === 'archive' || a.role === 'per-day' ? byDate(a, b) : 0));

    if (maxFiles !== undefined) {
      const limited = chosen.filter((s) => s.role !== 'consolidated');
      for (const extra of limited.slice(maxFiles)) {
        chosen.splice(chosen.indexOf(extra), 1);
        skipped.push({ kind, path: extra.path, reason: `beyond the limit of ${maxFiles} files` });
      }
    }
  }

  const reports: SourceReport[] = [];
  return {
    dataDir,
    exchange,
    symbol,
    timeframe,
    sources,
    skipped,
    maxFiles,
    reports,
    batches: async function* (kind, batchOptions = {}) {
      for (const planned of sources[kind]) {
        const source = openSource(planned.path, { symbol, ...batchOptions, kind });
        yield* source;
        if (source.summary !== undefined) reports.push({ source: planned, summary: source.summary });
      }
    },
  };
}
