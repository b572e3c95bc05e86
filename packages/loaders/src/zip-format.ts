/**
 * Binance archive zips (`SYM-1m-YYYY-MM-DD.zip`, `SYM-aggTrades-…`, `SYM-fundingRate-YYYY-MM.zip`) through
 * `yauzl`: verified against the `.CHECKSUM` beside them, then their single CSV member is streamed (inflated
 * as it is read, never extracted to disk). yauzl refuses member names that escape the archive (`../../x`,
 * absolute paths) and members whose size disagrees with the directory.
 */
import { basename } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { UnifiedError } from '@unified/schemas';
import { verifyChecksumSidecar } from './checksum-sidecar.js';
import { openCsv } from './csv-format.js';
import type { FormatContext, OpenedFormat } from './format-reader.js';

function corrupt(path: string, detail: string, cause?: unknown): UnifiedError {
  return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: not a readable zip archive: ${detail}`, cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function listEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** Opens a Binance archive zip and its one CSV member. */
export async function openZip(path: string, context: FormatContext): Promise<OpenedFormat> {
  const check = context.verifyChecksum ? await verifyChecksumSidecar(path) : { status: 'skipped' as const, warnings: [] };
  let zip: ZipFile;
  let entries: Entry[];
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (error) {
    throw corrupt(path, messageOf(error), error);
  }
  try {
    entries = await listEntries(zip);
  } catch (error) {
    zip.close();
    throw corrupt(path, messageOf(error), error);
  }
  const files = entries.filter((e) => !e.fileName.endsWith('/'));
  const csv = files.filter((e) => e.fileName.toLowerCase().endsWith('.csv'));
  if (csv.length !== 1) {
    zip.close();
    const names = files.map((e) => e.fileName).join(', ') || 'nothing';
    throw corrupt(path, `expected exactly one .csv member, found ${names}`);
  }
  const member = csv[0]!;
  const label = `${path}!${member.fileName}`;
  let zipClosed = false;
  const close = (): Promise<void> => {
    if (!zipClosed) {
      zipClosed = true;
      zip.close();
    }
    return Promise.resolve();
  };
  // yauzl hands out a member stream through a callback; a transform lets the CSV reader start synchronously,
  // and checks the member's CRC-32 (which yauzl does not) once the last byte went through.
  const open = (): Readable => {
    let crc = 0;
    const out = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        crc = crc32(chunk, crc);
        callback(null, chunk);
      },
      flush(callback) {
        if (crc >>> 0 === member.crc32 >>> 0) callback();
        else callback(corrupt(path, `member ${member.fileName}: CRC-32 ${hex(crc)} differs from ${hex(member.crc32)} in the archive; the file is corrupt`));
      },
    });
    zip.openReadStream(member, (error, stream) => {
      if (error !== null) {
        out.destroy(corrupt(path, messageOf(error), error));
        return;
      }
      if (out.destroyed) {
        stream.destroy();
        return;
      }
      stream.on('error', (cause: Error) => out.destroy(corrupt(path, `member ${member.fileName}: ${cause.message}`, cause)));
      out.on('close', () => stream.destroy());
      stream.pipe(out);
    });
    return out;
  };
  const warnings = [...check.warnings];
  if (check.status === 'absent') warnings.push(`no ${basename(path)}.CHECKSUM beside the archive; its integrity was not verified`);
  try {
    return await openCsv(label, open, context, { format: 'zip', member: member.fileName, checksum: check.status, warnings, size: member.uncompressedSize, close });
  } catch (error) {
    await close();
    throw error;
  }
}
