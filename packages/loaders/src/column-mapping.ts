/**
 * Maps a source's column names to the canonical fields of each data type, and decides the data type from the
 * columns it finds. The aliases cover the Binance archive headers, the REST JSON keys, the Python pipeline's
 * consolidated files, pandas indexes, and the trade files of freqtrade and NautilusTrader.
 *
 * Matching: an alias matches a column exactly; multi-letter aliases also match ignoring case, `_`, `-` and
 * spaces (`Open Time`, `openTime`). One-letter REST keys (`a`, `p`, `T`, `m`, `M`, ...) match exactly only,
 * because `m` (buyer is maker) and `M` (best match) differ by case alone.
 */
import { type DataKind, UnifiedError } from '@unified/schemas';

/** A canonical field a source column can fill. Most are canonical columns; `time` and `side` feed derived ones. */
export interface FieldSpec {
  /** Field name (canonical column, or `time` / `side` / `symbol`). */
  readonly field: string;
  /** Source column names that fill it, in priority order. */
  readonly aliases: readonly string[];
  /** Whether a source without it cannot be this data type. */
  readonly required: boolean;
  /** How the value is read. */
  readonly type: 'float64' | 'int64' | 'int32' | 'bool' | 'time' | 'side' | 'text';
}

const INDEX_ALIASES = ['__index_level_0__', 'index', ''];

function field(name: string, type: FieldSpec['type'], aliases: readonly string[], required = false): FieldSpec {
  return { field: name, aliases, required, type };
}

const SYMBOL_FIELD = field('symbol', 'text', ['symbol', 's']);

/** Fields of each data type. `time` becomes `timestamp` (and `timestamp_us`, or `funding_time`). */
export const KIND_FIELDS: Readonly<Record<DataKind, readonly FieldSpec[]>> = {
  klines: [
    field('time', 'time', ['open_time', 'timestamp', 'opentime', 'time', 'datetime', 'date', 'open_date', ...INDEX_ALIASES], true),
    field('open', 'float64', ['open', 'open_price'], true),
    field('high', 'float64', ['high', 'high_price'], true),
    field('low', 'float64', ['low', 'low_price'], true),
    field('close', 'float64', ['close', 'close_price'], true),
    field('volume', 'float64', ['volume', 'base_volume', 'vol'], true),
    field('close_time', 'time', ['close_time', 'closetime']),
    field('quote_volume', 'float64', ['quote_volume', 'quote_asset_volume', 'quote_av']),
    field('trade_count', 'int64', ['count', 'trade_count', 'trades', 'number_of_trades', 'num_trades']),
    field('taker_buy_base_volume', 'float64', ['taker_buy_volume', 'taker_buy_base_volume', 'taker_buy_base_asset_volume', 'taker_base_vol']),
    field('taker_buy_quote_volume', 'float64', ['taker_buy_quote_volume', 'taker_buy_quote_asset_volume', 'taker_quote_vol']),
    SYMBOL_FIELD,
  ],
  aggtrades: [
    field('trade_id', 'int64', ['agg_trade_id', 'a', 'trade_id', 'aggregate_trade_id', 'agg_id', 'id'], true),
    field('trade_price', 'float64', ['price', 'p', 'trade_price'], true),
    field('trade_quantity', 'float64', ['quantity', 'q', 'qty', 'amount', 'trade_quantity', 'size'], true),
    field('time', 'time', ['timestamp_us', 'transact_time', 'T', 'timestamp', 'trade_time', 'time', 'datetime', 'date', ...INDEX_ALIASES], true),
    field('trade_is_buyer_maker', 'bool', ['is_buyer_maker', 'm', 'buyer_maker', 'trade_is_buyer_maker', 'isbuyermaker']),
    field('side', 'side', ['side', 'taker_side']),
    field('first_trade_id', 'int64', ['first_trade_id', 'f']),
    field('last_trade_id', 'int64', ['last_trade_id', 'l']),
    field('is_best_match', 'bool', ['is_best_match', 'M', 'isbestmatch']),
    field('normal_quantity', 'float64', ['nq', 'normal_quantity']),
    SYMBOL_FIELD,
  ],
  futures: [
    field('time', 'time', ['funding_time', 'fundingtime', 'calc_time', 'calctime', 'timestamp', 'time', 'datetime', 'date', ...INDEX_ALIASES], true),
    field('funding_rate', 'float64', ['funding_rate', 'fundingrate', 'last_funding_rate', 'lastfundingrate', 'rate'], true),
    field('funding_interval_hours', 'int32', ['funding_interval_hours', 'fundingintervalhours']),
    field('mark_price', 'float64', ['mark_price', 'markprice']),
    SYMBOL_FIELD,
  ],
};

/** Columns every kind recognises but does not load, with the reason (reported, never silently dropped). */
const KNOWN_UNUSED: Readonly<Record<string, string>> = {
  ignore: 'Binance archive field "ignore" (always 0)',
  exchange: 'partition key: taken from the run, not the file',
  timeframe: 'partition key: taken from the run, not the file',
  year: 'partition key: derived from timestamp',
  month: 'partition key: derived from timestamp',
  day: 'partition key: derived from timestamp',
  cost: 'derived: price × amount (freqtrade)',
  type: 'order type (freqtrade; empty in trade files)',
};

/** The canonical columns a field fills, for people: `time` and `side` are the loader's own names. */
export function canonicalTargets(kind: DataKind, field: string): string {
  if (field === 'time') return kind === 'aggtrades' ? 'timestamp, timestamp_us' : kind === 'futures' ? 'funding_time, timestamp' : 'timestamp';
  if (field === 'side') return 'trade_is_buyer_maker (sell = true)';
  return field;
}

/** Column names the Binance archives use when their CSV has no header, by column count. */
export const HEADERLESS_LAYOUTS: Readonly<Record<number, { readonly kind: DataKind; readonly columns: readonly string[] }>> = {
  12: {
    kind: 'klines',
    columns: ['open_time', 'open', 'high', 'low', 'close', 'volume', 'close_time', 'quote_volume', 'count', 'taker_buy_volume', 'taker_buy_quote_volume', 'ignore'],
  },
  8: { kind: 'aggtrades', columns: ['agg_trade_id', 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker', 'is_best_match'] },
  7: { kind: 'aggtrades', columns: ['agg_trade_id', 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker'] },
  3: { kind: 'futures', columns: ['calc_time', 'funding_interval_hours', 'last_funding_rate'] },
};

/** One source column assigned to a field. */
export interface MappedField {
  readonly spec: FieldSpec;
  /** Position of the source column. */
  readonly index: number;
  /** Name of the source column. */
  readonly source: string;
}

/** A source column that is not loaded, and why. */
export interface UnusedColumn {
  readonly name: string;
  readonly reason: string;
}

/** How a source's columns map to one data type. */
export interface ColumnMapping {
  readonly kind: DataKind;
  readonly fields: readonly MappedField[];
  /** Columns not loaded: known ones with their reason, the rest as "unknown column". */
  readonly unused: readonly UnusedColumn[];
}

function loose(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/gu, '');
}

function findColumn(columns: readonly string[], alias: string, taken: ReadonlySet<number>): number {
  const exact = columns.findIndex((name, i) => !taken.has(i) && name === alias);
  if (exact !== -1 || alias.length <= 1) return exact;
  const wanted = loose(alias);
  return columns.findIndex((name, i) => !taken.has(i) && name.length > 1 && loose(name) === wanted);
}

function mapKind(kind: DataKind, columns: readonly string[]): { fields: MappedField[]; missing: string[]; taken: Set<number> } {
  const taken = new Set<number>();
  const fields: MappedField[] = [];
  const missing: string[] = [];
  for (const spec of KIND_FIELDS[kind]) {
    let found = -1;
    for (const alias of spec.aliases) {
      found = findColumn(columns, alias, taken);
      if (found !== -1) break;
    }
    if (found === -1) {
      if (spec.required) missing.push(spec.field === 'time' ? `time (one of ${spec.aliases.filter((a) => a !== '').join(', ')})` : spec.field);
      continue;
    }
    taken.add(found);
    fields.push({ spec, index: found, source: columns[found]! });
  }
  if (kind === 'aggtrades' && !fields.some((f) => f.spec.field === 'trade_is_buyer_maker' || f.spec.field === 'side')) {
    missing.push('trade_is_buyer_maker (is_buyer_maker, m, buyer_maker or side)');
  }
  return { fields, missing, taken };
}

function describeColumns(columns: readonly string[]): string {
  return columns.map((c) => (c === '' ? '(unnamed)' : c)).join(', ');
}

/**
 * Maps `columns` to a data type: `expected` when given, else the one type whose required fields are all
 * present. Throws a `SOURCE_UNMAPPABLE` error listing the columns and what was missing.
 */
export function mapColumns(columns: readonly string[], expected: DataKind | undefined, path: string): ColumnMapping {
  const kinds: readonly DataKind[] = ['klines', 'aggtrades', 'futures'];
  const attempts = kinds.map((kind) => ({ kind, ...mapKind(kind, columns) }));
  const complete = attempts.filter((a) => a.missing.length === 0);
  const chosen = expected === undefined ? complete.sort((a, b) => b.fields.length - a.fields.length)[0] : attempts.find((a) => a.kind === expected && a.missing.length === 0);
  if (chosen === undefined) {
    const target = expected ?? [...attempts].sort((a, b) => b.fields.length - a.fields.length || a.missing.length - b.missing.length)[0]!.kind;
    const attempt = attempts.find((a) => a.kind === target)!;
    const other = complete.find((a) => a.kind !== expected);
    const looksLike = expected !== undefined && other !== undefined ? `; it looks like ${other.kind}` : '';
    throw new UnifiedError({
      code: 'SOURCE_UNMAPPABLE',
      message:
        `${path}: cannot read as ${expected ?? 'klines, aggtrades or futures'}: columns [${describeColumns(columns)}]; ` +
        `${expected === undefined ? `closest is ${target}, ` : ''}missing ${attempt.missing.join(', ')}${looksLike}`,
    });
  }
  const unused: UnusedColumn[] = [];
  columns.forEach((name, index) => {
    if (chosen.taken.has(index)) return;
    const known = KNOWN_UNUSED[name.toLowerCase()];
    const derived = chosen.kind === 'aggtrades' && name === 'timestamp' && chosen.fields.some((f) => f.source === 'timestamp_us');
    unused.push({
      name,
      reason: derived ? 'derived from timestamp_us' : (known ?? (name === '' || name === '__index_level_0__' ? 'pandas index' : 'unknown column')),
    });
  });
  return { kind: chosen.kind, fields: chosen.fields, unused };
}
