// Shared helpers of the source contract suite: write one table in every form a source can take, and read a
// source back as plain rows.
import { createWriteStream } from 'node:fs';
import type * as arrow from 'apache-arrow';
import yazl from 'yazl';
import { openSource, type SourceOptions } from '../src/index.js';

/** Writes `files` (archive name → path on disk) into a zip at `zipPath`. */
export function writeZip(zipPath: string, files: Readonly<Record<string, string>>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, path] of Object.entries(files)) zip.addFile(path, name);
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

/** Every row of a source as plain objects (bigints as numbers), in order. */
export async function readRows(path: string, options: SourceOptions = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of openSource(path, options) as AsyncIterable<arrow.RecordBatch>) {
    for (const row of batch) {
      const plain: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row.toJSON())) plain[key] = typeof value === 'bigint' ? Number(value) : value;
      rows.push(plain);
    }
  }
  return rows;
}
