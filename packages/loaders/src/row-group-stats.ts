/**
 * Min/max statistics of each row group of a Parquet file, for skipping row groups no row of which can match a
 * filter. parquet-wasm does not expose statistics, so the footer is read with @dsnp/parquetjs (in the design
 * card), loaded only when a filter needs it. A file whose footer it cannot read is simply not pruned.
 */

/** Statistics of one column in one row group, as comparable values. */
export interface ColumnStats {
  readonly min: number | bigint | string | boolean;
  readonly max: number | bigint | string | boolean;
}

/** One row group: its rows and the columns with usable statistics. */
export interface RowGroupStats {
  readonly rows: number;
  readonly columns: ReadonlyMap<string, ColumnStats>;
}

interface ParquetjsStatistics {
  readonly min_value?: unknown;
  readonly max_value?: unknown;
  readonly min?: unknown;
  readonly max?: unknown;
}

interface ParquetjsColumnChunk {
  readonly meta_data?: { readonly path_in_schema: readonly string[]; readonly statistics?: ParquetjsStatistics | null };
}

interface ParquetjsReader {
  readonly metadata: { readonly row_groups: readonly { readonly num_rows: unknown; readonly columns: readonly ParquetjsColumnChunk[] }[] };
  close(): Promise<void>;
}

function comparable(value: unknown): number | bigint | string | boolean | undefined {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value.getTime();
  return undefined;
}

/** The statistics of every row group of `path`, or `undefined` when they cannot be read. */
export async function readRowGroupStats(path: string): Promise<RowGroupStats[] | undefined> {
  let reader: ParquetjsReader | undefined;
  try {
    const parquet = (await import('@dsnp/parquetjs')) as unknown as { ParquetReader: { openFile(path: string): Promise<ParquetjsReader> } };
    reader = await parquet.ParquetReader.openFile(path);
    return reader.metadata.row_groups.map((group) => {
      const columns = new Map<string, ColumnStats>();
      for (const chunk of group.columns) {
        const meta = chunk.meta_data;
        const stats = meta?.statistics;
        if (meta === undefined || stats === undefined || stats === null || meta.path_in_schema.length !== 1) continue;
        const min = comparable(stats.min_value ?? stats.min);
        const max = comparable(stats.max_value ?? stats.max);
        if (min !== undefined && max !== undefined && typeof min === typeof max) columns.set(meta.path_in_schema[0]!, { min, max });
      }
      return { rows: Number(group.num_rows), columns };
    });
  } catch {
    return undefined;
  } finally {
    await reader?.close().catch(() => undefined);
  }
}
