/**
 * Where an engine's bytes go: a file opened for writing, hashed (sha256) as the bytes pass, fsynced on
 * finish, removed on abort. After finishing, the footer is read back to check the row count.
 */
import { createHash, type Hash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { ParquetFile } from 'parquet-wasm';
import { UnifiedError } from '@unified/schemas';

/** A file being written, hashed as it goes. */
export class FileSink {
  private readonly hash: Hash = createHash('sha256');
  private bytesWritten = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates (or truncates) `path`. */
  static async create(path: string): Promise<FileSink> {
    return new FileSink(path, await open(path, 'w'));
  }

  /** Appends `chunk`. */
  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
    this.bytesWritten += chunk.byteLength;
  }

  /** Fsyncs and closes the file; returns its size and sha256. */
  async finish(): Promise<{ bytes: number; sha256: string }> {
    try {
      await this.handle.sync();
      await this.handle.close();
    } catch (error) {
      await this.abort();
      throw new UnifiedError({ code: 'WRITE_FAILED', message: `${this.path}: cannot finish the file: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
    return { bytes: this.bytesWritten, sha256: this.hash.digest('hex') };
  }

  /** Closes and removes the file. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/** Checks that the Parquet footer of `path` declares `rows` rows: never commit a file that silently lost rows. */
export async function assertFooterRows(path: string, rows: number): Promise<void> {
  const file = await ParquetFile.fromFile(await openAsBlob(path));
  let declared: number;
  try {
    declared = file.metadata().fileMetadata().numRows();
  } finally {
    file.free();
  }
  if (declared !== rows) {
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: the Parquet footer holds ${declared} rows, but ${rows} were written` });
  }
}
