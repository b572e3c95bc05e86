/**
 * A byte-level CSV scanner (RFC 4180: `,` separators, `"` quoting with `""` escapes, LF or CRLF line ends, a
 * UTF-8 BOM) that turns chunks of bytes into columns of strings, creating strings only for the columns asked
 * for. It exists for speed: market data CSVs run to billions of rows, and a general record-object parser
 * spends most of its time building per-row arrays nobody keeps (see the package README for the measurement).
 *
 * Records are numbered by the line they start on (1-based); empty lines are skipped.
 */

/** Columns of the records scanned so far. */
export interface ScannedRecords {
  /** One array per wanted column (in the order of `wanted`), `null` for an empty field. */
  readonly columns: (string | null)[][];
  /** Line each record starts on. */
  readonly lines: number[];
  /** Number of fields of each record. */
  readonly widths: number[];
}

/** Longest record accepted: past it, a quote was almost certainly left open. */
export const MAX_RECORD_BYTES = 1024 * 1024;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Raised for a quote that does not close or is followed by something other than a separator. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/**
 * Incremental scanner. `push` chunks, read `take()` whenever convenient, call `end()` after the last chunk.
 *
 * @example
 * const scanner = new CsvScanner([0, 2]);
 * scanner.push(Buffer.from('a,b,c\n1,2,3\n'));
 * scanner.end();
 * scanner.take().columns; // [['a', '1'], ['c', '3']]
 */
export class CsvScanner {
  private readonly slotOf: Int32Array;
  private readonly slots: number;
  private records: ScannedRecords;
  private pending: Buffer | undefined;
  private line = 1;
  private started = false;
  // The current record's wanted values, reused from record to record.
  private readonly values: (string | null)[];

  /** @param wanted the column positions to keep, in output order */
  constructor(wanted: readonly number[]) {
    const max = wanted.length === 0 ? 0 : Math.max(...wanted) + 1;
    this.slotOf = new Int32Array(max).fill(-1);
    wanted.forEach((column, slot) => (this.slotOf[column] = slot));
    this.slots = wanted.length;
    this.records = this.empty();
    this.values = new Array<string | null>(wanted.length).fill(null);
  }

  private empty(): ScannedRecords {
    return { columns: Array.from({ length: this.slots }, () => []), lines: [], widths: [] };
  }

  /** Number of records scanned and not yet taken. */
  get size(): number {
    return this.records.lines.length;
  }

  /** The first `limit` records scanned and not yet taken (all of them by default). */
  take(limit = Infinity): ScannedRecords {
    const records = this.records;
    if (limit >= records.lines.length) {
      this.records = this.empty();
      return records;
    }
    this.records = { columns: records.columns.map((c) => c.slice(limit)), lines: records.lines.slice(limit), widths: records.widths.slice(limit) };
    return { columns: records.columns.map((c) => c.slice(0, limit)), lines: records.lines.slice(0, limit), widths: records.widths.slice(0, limit) };
  }

  /** Scans a chunk; a record cut at the chunk's end waits for the next chunk. */
  push(chunk: Buffer): void {
    let buffer = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.started) {
      // The BOM may itself arrive cut into chunks.
      const bom = [0xef, 0xbb, 0xbf];
      if (buffer.length < 3 && buffer.every((byte, i) => byte === bom[i])) {
        this.pending = Buffer.from(buffer);
        return;
      }
      this.started = true;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
    }
    const consumed = this.scan(buffer, false);
    this.pending = consumed < buffer.length ? Buffer.from(buffer.subarray(consumed)) : undefined;
    if (this.pending !== undefined && this.pending.length > MAX_RECORD_BYTES) {
      throw new CsvSyntaxError(this.line, `a record runs past ${MAX_RECORD_BYTES} bytes; is a quote left open?`);
    }
  }

  /** Whether the last record ended without a line end (a file cut short, or one written without a final newline). */
  unterminated = false;

  /** Scans what is left after the last chunk (a final record without a line end). */
  end(): void {
    if (this.pending !== undefined && this.pending.some((byte) => byte !== CR && byte !== LF)) this.unterminated = true;
    if (this.pending !== undefined) this.scan(this.pending, true);
    this.pending = undefined;
  }

  // Scans whole records from `buffer`; returns the offset after the last complete record.
  private scan(buffer: Buffer, final: boolean): number {
    const { slotOf, records } = this;
    const length = buffer.length;
    const columnCount = slotOf.length;
    let position = 0;
    while (position < length) {
      const recordStart = position;
      const recordLine = this.line;
      let newlines = 0;
      let field = 0;
      // Blank line: skip it.
      if (buffer[position] === LF || (buffer[position] === CR && buffer[position + 1] === LF)) {
        position += buffer[position] === CR ? 2 : 1;
        this.line++;
        continue;
      }
      if (buffer[position] === CR && position + 1 >= length && !final) break;
      const values = this.values;
      values.fill(null);
      for (;;) {
        let value: string | null;
        if (buffer[position] === QUOTE) {
          let cursor = position + 1;
          let escaped = false;
          let closed = -1;
          while (cursor < length) {
            const byte = buffer[cursor]!;
            if (byte === QUOTE) {
              if (buffer[cursor + 1] === QUOTE) {
                escaped = true;
                cursor += 2;
                continue;
              }
              if (cursor + 1 >= length && !final) break;
              closed = cursor;
              break;
            }
            if (byte === LF) newlines++;
            cursor++;
          }
          if (closed === -1) {
            if (!final) return recordStart;
            throw new CsvSyntaxError(recordLine, 'a quoted field is not closed before the end of the file');
          }
          const wanted = field < columnCount && slotOf[field]! >= 0;
          if (wanted) {
            const text = buffer.toString('utf8', position + 1, closed);
            value = escaped ? text.replaceAll('""', '"') : text;
          } else value = null;
          position = closed + 1;
          const next = buffer[position];
          if (position < length && next !== COMMA && next !== LF && next !== CR) {
            throw new CsvSyntaxError(recordLine + newlines, `unexpected character after a closing quote in field ${field + 1}`);
          }
          if (wanted) values[slotOf[field]!] = value;
        } else {
          let cursor = position;
          while (cursor < length) {
            const byte = buffer[cursor]!;
            if (byte === COMMA || byte === LF || byte === CR) break;
            if (byte === QUOTE) throw new CsvSyntaxError(recordLine, `a quote inside the unquoted field ${field + 1}`);
            cursor++;
          }
          if (cursor >= length && !final) return recordStart;
          if (field < columnCount && slotOf[field]! >= 0) values[slotOf[field]!] = cursor === position ? null : buffer.toString('utf8', position, cursor);
          position = cursor;
        }
        field++;
        const separator = buffer[position];
        if (separator === COMMA) {
          position++;
          continue;
        }
        if (separator === CR) {
          if (position + 1 >= length && !final) return recordStart;
          position += buffer[position + 1] === LF ? 2 : 1;
        } else if (separator === LF) position++;
        newlines++;
        break;
      }
      this.line = recordLine + newlines;
      for (let slot = 0; slot < this.slots; slot++) records.columns[slot]!.push(values[slot]!);
      records.lines.push(recordLine);
      records.widths.push(field);
    }
    return position;
  }
}
