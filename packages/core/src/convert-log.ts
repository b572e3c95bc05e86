/**
 * The converter's persistent log: one JSON object per line (`log/step1_5_converter.log`, as the seed names it),
 * appended to, so that runs can be audited and searched with `jq` later. Progress ticks are left out; every
 * other event, warning and error is kept.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UnifiedError, fileSystemReason } from '@unified/schemas';
import type { ConvertEvent } from './convert-types.js';

/** Where the seed writes the converter's log, relative to the working directory. */
export const DEFAULT_CONVERT_LOG_FILE = 'log/step1_5_converter.log';

/** A log one run writes to. */
export interface ConvertLog {
  readonly path: string;
  /** Appends one line: `{ time, level, msg, …fields }`. */
  write(level: 'info' | 'warn' | 'error', msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /** Logs a convert event (progress ticks are skipped). Pass it as `onEvent`. */
  event(event: ConvertEvent): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

const replacer = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

/**
 * Opens (creating its folder) a JSON-lines log appended to by each run. Throws `WRITE_FAILED` naming the file
 * when it cannot be created.
 *
 * @example
 * const log = openConvertLog('log/step1_5_converter.log');
 * await convert({ exchange: 'binance', symbol: 'BTCUSDT', onEvent: (e) => log.event(e) });
 * await log.close();
 */
export function openConvertLog(file: string = DEFAULT_CONVERT_LOG_FILE): ConvertLog {
  const path = resolve(file);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot create the log folder: ${fileSystemReason(error, dirname(path))}`, cause: error });
  }
  const stream = createWriteStream(path, { flags: 'a' });
  let failure: Error | undefined;
  stream.on('error', (error) => (failure ??= error));
  const write: ConvertLog['write'] = (level, msg, fields = {}) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, replacer)}\n`);
  };
  return {
    path,
    write,
    event(event) {
      if (event.type === 'progress') return;
      if (event.type === 'warning') {
        write('warn', event.message, event.kind === undefined ? {} : { kind: event.kind });
        return;
      }
      const { type, ...fields } = event;
      write('info', type, fields);
    },
    close: () =>
      new Promise<void>((done, fail) => {
        stream.end(() => (failure === undefined ? done() : fail(new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot write the log (${failure.message})`, cause: failure }))));
      }),
  };
}
