/**
 * Progress bars of `unified convert`: one per data type (rows, bytes, rate, ETA) on stderr, drawn by
 * cli-progress, and only on an interactive terminal; piped or quiet runs get none.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { ConvertEvent, DataKind } from '@unified/core';
import type { CliStream } from './cli-context.js';
import { formatBytes, formatCount } from './format.js';

/** Draws the bars from convert events. */
export interface ConvertProgress {
  /** Feed it every event. */
  event(event: ConvertEvent): void;
  /** Writes a line to stderr without breaking the bars (above them while they are drawn). */
  log(line: string): void;
  /** Removes the bars' timer; call before printing anything else. */
  stop(): void;
}

/** Progress that draws nothing: lines go straight to `stream`. */
export function noProgress(stream: CliStream): ConvertProgress {
  return { event: () => undefined, log: (line) => stream.write(`${line}\n`), stop: () => undefined };
}

/** Bars on `stream` (a TTY). */
export function convertProgressBars(stream: CliStream): ConvertProgress {
  const bars = new MultiBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      format: ' {kind} {bar} {percentage}% | {rows} rows | {bytes} | {rate} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 10,
    },
    Presets.shades_classic,
  );
  const byKind = new Map<DataKind, { bar: SingleBar; started: number }>();
  return {
    event(event) {
      if (event.type !== 'progress') return;
      let entry = byKind.get(event.kind);
      const total = Math.max(1, event.bytesTotal);
      if (entry === undefined) {
        entry = { bar: bars.create(total, 0, {}), started: performance.now() };
        byKind.set(event.kind, entry);
      }
      const seconds = (performance.now() - entry.started) / 1000;
      entry.bar.update(Math.min(total, event.bytesRead), {
        kind: event.kind.padEnd(9),
        rows: formatCount(event.rowsRead),
        bytes: `${formatBytes(event.bytesRead)} / ${formatBytes(event.bytesTotal)}`,
        rate: seconds > 0.5 ? `${formatBytes(event.bytesRead / seconds)}/s` : '…',
      });
    },
    log(line) {
      if (byKind.size === 0) stream.write(`${line}\n`);
      else bars.log(`${line}\n`);
    },
    stop() {
      bars.stop();
    },
  };
}
