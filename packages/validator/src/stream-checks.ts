/**
 * The cheap checks a conversion runs on its stream, before anything is written: each canonical batch from the
 * loaders goes through the value rules. A row breaking an error-level rule (negative or non-finite value,
 * inconsistent candle) is refused: the loader then fails naming file and line, or skips and counts it under
 * the bad-row policy. Warning-level findings (candles off the grid) are counted for the run's report.
 */
import type * as arrow from 'apache-arrow';
import type { RefusedRow } from '@unified/loaders';
import type { DataKind, Timeframe } from '@unified/schemas';
import { formatTime } from './time-text.js';
import { severityOf } from './validation-checks.js';
import { type ValueFinding, checkValues } from './value-checks.js';

/** Options of {@link createStreamChecks}. */
export interface StreamCheckOptions {
  readonly kind: DataKind;
  /** The klines interval, for the grid check. */
  readonly timeframe?: Timeframe;
  /** Warnings refuse rows too. @default false */
  readonly strict?: boolean;
}

/** Warning-level findings of a stream: how many, and the first one. */
export interface StreamWarning {
  readonly code: ValueFinding['code'];
  readonly count: number;
  readonly first: string;
}

/** The checks of one conversion stream. */
export interface StreamChecks {
  /** Pass as the loaders' `checkBatch` option. */
  readonly checkBatch: (batch: arrow.RecordBatch) => RefusedRow[];
  /** Warnings so far, one entry per code. */
  warnings(): StreamWarning[];
}

const iso = formatTime;

/** One line for a finding, prefixed with its code (the loader puts file and line in front). */
export function describeFinding(finding: ValueFinding): string {
  switch (finding.code) {
    case 'negative_value':
      return `negative_value: column "${finding.column}" is ${finding.value}; ${Number.isFinite(finding.value) ? 'it may not be negative' : 'numbers must be finite'}`;
    case 'ohlc_inconsistent':
      return `ohlc_inconsistent: ${finding.rule.replaceAll('_', ' ')} (open ${finding.open}, high ${finding.high}, low ${finding.low}, close ${finding.close})`;
    case 'kline_misaligned':
      return `kline_misaligned: ${finding.column} ${iso(finding.actual)} should be ${iso(finding.expected)}`;
  }
}

/**
 * Stream checks for a conversion of `kind`.
 *
 * @example
 * const checks = createStreamChecks({ kind: 'klines', timeframe: '1m' });
 * for await (const batch of openSource('BTCUSDT-1m-2024-01-01.csv', { checkBatch: checks.checkBatch })) console.log(batch.numRows);
 * console.log(checks.warnings());
 */
export function createStreamChecks({ kind, timeframe, strict = false }: StreamCheckOptions): StreamChecks {
  const warnings = new Map<ValueFinding['code'], { count: number; first: string }>();
  return {
    checkBatch(batch) {
      const refused: RefusedRow[] = [];
      checkValues(batch, kind, timeframe, (finding) => {
        if (severityOf(finding.code, strict) === 'error') {
          refused.push({ index: finding.row, reason: describeFinding(finding), ...('column' in finding ? { column: finding.column } : {}) });
          return;
        }
        const seen = warnings.get(finding.code);
        if (seen === undefined) warnings.set(finding.code, { count: 1, first: describeFinding(finding) });
        else seen.count++;
      });
      return refused;
    },
    warnings: () => [...warnings.entries()].map(([code, { count, first }]) => ({ code, count, first })),
  };
}
