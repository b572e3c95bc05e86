/**
 * What a file's name says about its content: the Binance archive names (`BTCUSDT-1m-2025-01-02.zip`,
 * `BTCUSD_PERP-aggTrades-2026-05-08.csv`, `BTCUSDT-fundingRate-2026-04.zip`) and the Python pipeline's
 * consolidated names (`klines_binance_BTCUSDT_1m_consolidated.parquet`). Names only hint: the content decides,
 * and a disagreement is reported as a warning.
 */
import { type DataKind, type UtcDate, isTimeframe, isValidUtcDate } from '@unified/schemas';

/** What a file name says. */
export interface SourceNameHint {
  readonly kind: DataKind;
  /** Symbol as written in the name. */
  readonly symbol?: string;
  /** Exchange id of a consolidated file name. */
  readonly exchange?: string;
  /** Kline interval of a klines archive. */
  readonly timeframe?: string;
  /** Daily archives cover one day, monthly archives one month. */
  readonly period?: 'daily' | 'monthly';
  /** First day the file covers (day 1 for monthly archives). */
  readonly date?: UtcDate;
}

// Matched ignoring case except the interval, where 1m (minute) and 1M (month) differ.
const ARCHIVE = /^([A-Za-z0-9_]+)-([A-Za-z0-9]+)-(\d{4})-(\d{2})(?:-(\d{2}))?\.(?:zip|csv)$/iu;
const CONSOLIDATED_KLINES = /^klines_([^_]+)_(.+)_([0-9]+[smhdwM])_consolidated\.(?:parquet|csv)$/iu;
const CONSOLIDATED = /^(aggtrades|futures)_([^_]+)_(.+)_consolidated\.(?:parquet|csv)$/iu;
const PER_DAY = /^aggtrades_.+_(\d{4})-(\d{2})-(\d{2})\.(?:parquet|csv)$/iu;

/** The hint of a file's base name, or `undefined` when the name follows no known pattern. */
export function sourceNameHint(fileName: string): SourceNameHint | undefined {
  const archive = ARCHIVE.exec(fileName);
  if (archive !== null) {
    const [, symbol = '', what = '', y, m, d] = archive;
    const date = { year: Number(y), month: Number(m), day: d === undefined ? 1 : Number(d) };
    if (!isValidUtcDate(date)) return undefined;
    const period = d === undefined ? 'monthly' : 'daily';
    if (what.toLowerCase() === 'aggtrades') return { kind: 'aggtrades', symbol, period, date };
    if (what.toLowerCase() === 'fundingrate') return { kind: 'futures', symbol, period, date };
    return isTimeframe(what) ? { kind: 'klines', symbol, timeframe: what, period, date } : undefined;
  }
  const perDay = PER_DAY.exec(fileName);
  if (perDay !== null) {
    const date = { year: Number(perDay[1]), month: Number(perDay[2]), day: Number(perDay[3]) };
    return isValidUtcDate(date) ? { kind: 'aggtrades', period: 'daily', date } : undefined;
  }
  const klines = CONSOLIDATED_KLINES.exec(fileName);
  if (klines !== null) {
    const [, exchange = '', symbol = '', timeframe = ''] = klines;
    return { kind: 'klines', exchange, symbol, ...(isTimeframe(timeframe) ? { timeframe } : {}) };
  }
  const consolidated = CONSOLIDATED.exec(fileName);
  if (consolidated !== null) {
    const [, kind = '', exchange = '', symbol = ''] = consolidated;
    return { kind: kind.toLowerCase() as DataKind, exchange, symbol };
  }
  return undefined;
}
