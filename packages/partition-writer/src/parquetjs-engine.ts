/**
 * The pure-JavaScript engine: @dsnp/parquetjs 1.8.8 (named in the design card). Its public path shreds one row
 * object at a time (`appendRow`), about 80x slower than DuckDB (product.md). This engine fills parquetjs's
 * row-group buffer column by column instead, straight from the Arrow arrays, and lets parquetjs encode it:
 * all rows but the last go into `writer.rowBuffer` (an undocumented field, pinned by the exact 1.8.8 version),
 * and the last goes through `appendRow`, which makes parquetjs encode the pages and write the row group.
 * Codecs: SNAPPY, GZIP, BROTLI or none (parquetjs writes neither ZSTD nor LZ4).
 */
import { Writable } from 'node:stream';
import * as arrow from 'apache-arrow';
import type Parquetjs from '@dsnp/parquetjs';
import { UnifiedError } from '@unified/schemas';
import { FileSink, assertFooterRows } from './file-sink.js';
import { type EncodeOptions, type EngineWriter, type ParquetCompression, type ParquetEngine, assertCompression } from './parquet-engine.js';

const SUPPORTED: readonly ParquetCompression[] = ['snappy', 'gzip', 'brotli', 'uncompressed'];

const CODEC: Readonly<Partial<Record<ParquetCompression, string>>> = { snappy: 'SNAPPY', gzip: 'GZIP', brotli: 'BROTLI', uncompressed: 'UNCOMPRESSED' };

// The parts of parquetjs's internals this engine relies on (checked against 1.8.8).
interface ShreddedColumn {
  dlevels: number[];
  rlevels: number[];
  values: unknown[];
  distinct_values: Set<unknown>;
  count: number;
}
interface RowBuffer {
  rowCount: number;
  pageRowCount: number;
  columnData: Record<string, ShreddedColumn>;
  pages: Record<string, unknown[]>;
}
interface InternalWriter {
  rowBuffer: RowBuffer | Record<string, never>;
  rowGroupSize: number;
  appendRow(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

function parquetjsType(type: arrow.DataType): string {
  if (arrow.DataType.isInt(type)) return type.bitWidth === 64 ? 'INT64' : type.bitWidth === 32 ? 'INT32' : type.bitWidth === 16 ? 'INT_16' : 'INT_8';
  if (arrow.DataType.isFloat(type)) return 'DOUBLE';
  if (arrow.DataType.isBool(type)) return 'BOOLEAN';
  return 'UTF8';
}

type ParquetjsModule = typeof Parquetjs;

// Loaded on first use: the module takes about 90 ms to load, and most runs never use this engine.
let loaded: Promise<ParquetjsModule> | undefined;
const loadParquetjs = (): Promise<ParquetjsModule> => (loaded ??= import('@dsnp/parquetjs').then((module) => module.default));

/** The parquetjs schema of an Arrow file schema, every column with `codec`. */
function schemaOf(parquet: ParquetjsModule, schema: arrow.Schema, codec: string): InstanceType<ParquetjsModule['ParquetSchema']> {
  const definition: Record<string, { type: string; optional?: boolean; compression: string }> = {};
  for (const field of schema.fields) {
    definition[field.name] = { type: parquetjsType(field.type as arrow.DataType), compression: codec, ...(field.nullable ? { optional: true } : {}) };
  }
  return new parquet.ParquetSchema(definition as unknown as ConstructorParameters<ParquetjsModule['ParquetSchema']>[0]);
}

/** Rows [0, count) of a column as parquetjs primitive values (and raw values for its statistics). */
function shredColumn(vector: arrow.Vector, nullable: boolean, count: number): ShreddedColumn {
  const type = vector.type as arrow.DataType;
  const isString = arrow.DataType.isUtf8(type);
  const column: ShreddedColumn = { dlevels: new Array<number>(count), rlevels: new Array<number>(count).fill(0), values: [], distinct_values: new Set(), count };
  for (let i = 0; i < count; i++) {
    const raw = vector.get(i) as unknown;
    if (raw === null || raw === undefined) {
      column.dlevels[i] = 0;
      continue;
    }
    column.dlevels[i] = nullable ? 1 : 0;
    column.distinct_values.add(raw);
    column.values.push(isString ? Buffer.from(raw as string, 'utf8') : raw);
  }
  return column;
}

class ParquetjsWriter implements EngineWriter {
  private rows = 0;
  private failure: unknown;
  private pending: arrow.RecordBatch[] = [];
  private pendingRows = 0;

  constructor(
    private readonly sink: FileSink,
    private readonly writer: InternalWriter,
    private readonly schema: arrow.Schema,
    private readonly rowGroupSize: number,
  ) {}

  static async open(sink: FileSink, schema: arrow.Schema, options: EncodeOptions): Promise<ParquetjsWriter> {
    // A failed write is kept here and reported by the next write() or close(), never passed to parquetjs: it does
    // not await every write it starts (the footer's), and a rejection there would end the process.
    const opened: { writer?: ParquetjsWriter } = {};
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (opened.writer?.failure !== undefined) {
          callback();
          return;
        }
        sink.write(chunk).then(
          () => callback(),
          (error: unknown) => {
            if (opened.writer !== undefined) opened.writer.failure ??= error;
            callback();
          },
        );
      },
    });
    // parquetjs only calls write() and end() on its output stream.
    const parquet = await loadParquetjs();
    const stream = output as unknown as Parameters<ParquetjsModule['ParquetWriter']['openStream']>[1];
    const writer = (await parquet.ParquetWriter.openStream(schemaOf(parquet, schema, CODEC[options.compression]!), stream, {
      rowGroupSize: options.rowGroupSize,
      useDataPageV2: false,
    })) as unknown as InternalWriter;
    const created = new ParquetjsWriter(sink, writer, schema, options.rowGroupSize);
    opened.writer = created;
    // The stream's 'error' event must not go unheard (an unhandled 'error' would end the process).
    output.on('error', (error: Error) => (created.failure ??= error));
    return created;
  }

  /** Buffers rows and writes a row group whenever `rowGroupSize` rows are waiting. */
  async write(batch: arrow.RecordBatch): Promise<void> {
    if (this.failure !== undefined) throw this.failed(this.failure);
    this.pending.push(batch);
    this.pendingRows += batch.numRows;
    try {
      while (this.pendingRows >= this.rowGroupSize) await this.writeRowGroup(this.rowGroupSize);
    } catch (error) {
      this.failure ??= error;
      throw this.failed(error);
    }
  }

  private failed(cause: unknown): UnifiedError {
    if (UnifiedError.isInstance(cause)) return cause;
    const detail = cause instanceof Error ? cause.message : JSON.stringify(cause);
    return new UnifiedError({ code: 'WRITE_FAILED', message: `${this.sink.path}: the Parquet writer failed: ${detail}`, cause });
  }

  // Writes the first `count` pending rows as one row group.
  private async writeRowGroup(count: number): Promise<void> {
    const pieces: arrow.RecordBatch[] = [];
    let need = count;
    while (need > 0) {
      const head = this.pending[0]!;
      if (head.numRows <= need) {
        pieces.push(head);
        this.pending.shift();
        need -= head.numRows;
      } else {
        pieces.push(head.slice(0, need));
        this.pending[0] = head.slice(need);
        need = 0;
      }
    }
    this.pendingRows -= count;
    const table = new arrow.Table(pieces);
    const buffer: RowBuffer = { rowCount: count - 1, pageRowCount: count - 1, columnData: {}, pages: {} };
    const last: Record<string, unknown> = {};
    this.schema.fields.forEach((field, c) => {
      const vector = table.getChildAt(c)!;
      buffer.columnData[field.name] = shredColumn(vector, field.nullable, count - 1);
      buffer.pages[field.name] = [];
      const value = vector.get(count - 1) as unknown;
      if (value !== null && value !== undefined) last[field.name] = value;
    });
    this.writer.rowBuffer = buffer;
    this.writer.rowGroupSize = count;
    await this.writer.appendRow(last);
    this.rows += count;
  }

  async close(): Promise<{ rows: number; bytes: number; sha256: string }> {
    try {
      if (this.pendingRows > 0) await this.writeRowGroup(this.pendingRows);
      await this.writer.close();
      if (this.failure !== undefined) throw this.failed(this.failure);
    } catch (error) {
      await this.sink.abort();
      throw this.failed(error);
    }
    const { bytes, sha256 } = await this.sink.finish();
    await assertFooterRows(this.sink.path, this.rows);
    return { rows: this.rows, bytes, sha256 };
  }

  async abort(): Promise<void> {
    await this.sink.abort();
  }
}

/** The @dsnp/parquetjs engine. */
export const PARQUETJS_ENGINE: ParquetEngine = {
  name: 'parquetjs',
  async open(path, schema, options) {
    assertCompression('parquetjs', options.compression, SUPPORTED);
    return ParquetjsWriter.open(await FileSink.create(path), schema, options);
  },
};
