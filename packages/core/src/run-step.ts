/**
 * `runStep`: the seed's standalone entry point (`run_step(symbol, exchange, timeframe, data_dir, force_rerun)`),
 * returning only whether the step succeeded, and logging to `log/step1_5_converter.log` as the seed does. Use
 * `convert` for the full result and for errors as exceptions.
 */
import { toUnifiedError } from '@unified/schemas';
import { type ConvertLog, DEFAULT_CONVERT_LOG_FILE, openConvertLog } from './convert-log.js';
import type { ConvertEvent } from './convert-types.js';
import { convert } from './convert.js';

/** Options of {@link runStep}: the seed's parameters, with its defaults. */
export interface RunStepOptions {
  readonly symbol: string;
  readonly exchange: string;
  /** @default '1m' */
  readonly timeframe?: string;
  /** @default 'data_cache' */
  readonly dataDir?: string;
  /** @default false */
  readonly forceRerun?: boolean;
  /** JSON-lines log file, relative to the working directory; `false` for none. @default 'log/step1_5_converter.log' */
  readonly logFile?: string | false;
  /** Receives every event of the run. */
  readonly onEvent?: (event: ConvertEvent) => void;
}

/**
 * Runs Step 1.5 for one symbol and resolves to `true` when it succeeded (a no-op on unchanged sources counts),
 * `false` when it failed; the reason is in the log.
 *
 * @example
 * const success = await runStep({ symbol: 'BTCUSDT', exchange: 'binance', timeframe: '1m', dataDir: 'data_cache', forceRerun: false });
 */
export async function runStep(options: RunStepOptions): Promise<boolean> {
  const { symbol, exchange, timeframe = '1m', dataDir = 'data_cache', forceRerun = false, logFile = DEFAULT_CONVERT_LOG_FILE } = options;
  let log: ConvertLog | undefined;
  try {
    log = logFile === false ? undefined : openConvertLog(logFile);
    log?.write('info', 'step 1.5 started', { exchange, symbol, timeframe, dataDir, forceRerun });
    const result = await convert({
      symbol,
      exchange,
      timeframe,
      dataDir,
      forceRerun,
      onEvent: (event) => {
        log?.event(event);
        options.onEvent?.(event);
      },
    });
    log?.write('info', result.noop ? 'step 1.5 found nothing to do: the sources are unchanged' : 'step 1.5 finished', {
      noop: result.noop,
      datasets: result.datasets.map((d) => ({ kind: d.kind, name: d.name, status: d.status, rowsWritten: d.rowsWritten, totalRows: d.totalRows })),
      durationMs: Math.round(result.durationMs),
    });
    return true;
  } catch (error) {
    const failure = toUnifiedError(error);
    log?.write('error', failure.message, { code: failure.code });
    return false;
  } finally {
    await log?.close().catch(() => undefined);
  }
}
