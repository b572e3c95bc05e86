/**
 * What `unified validate` prints for people: per dataset a header line (rows, files, partitions, size, time
 * range, speed), its issues grouped by code (severity, count, what the check detects, the first examples) and
 * a verdict; then the overall verdict and what to do next. With --quiet, only the overall verdict.
 */
import { relative } from 'node:path';
import { type DataKind, VALIDATION_CHECKS, type ValidateJobResult, type ValidatedDataset, type ValidationCode, type ValidationSeverity, severityOf } from '@unified/core';
import { formatBytes, formatCount, formatUtc } from '../format.js';

/** How the report is written. */
export interface ValidateReportOptions {
  /** Status marks and colour (stdout is an interactive terminal without NO_COLOR). */
  readonly marks: boolean;
  /** Paths are shown relative to it when inside it. */
  readonly cwd: string;
  /** The --data-dir as typed, for the commands suggested. */
  readonly dataDir: string;
  /** Warnings count as errors. */
  readonly strict: boolean;
  /** Example messages shown per code. */
  readonly maxExamples: number;
  /** Adds what was checked against and the time per dataset. */
  readonly verbose: boolean;
  /** Data types asked for with --type that have no dataset: a failure under --strict. */
  readonly missingAsked: readonly DataKind[];
  /** The data types given with --type, repeated in the commands suggested; none when all were checked. */
  readonly types?: readonly DataKind[];
}

/** The issues of one code in one dataset. */
export interface IssueGroup {
  readonly code: ValidationCode;
  readonly severity: ValidationSeverity;
  /** Every issue found, including those not kept. */
  readonly count: number;
  /** The kept issues' messages, in the order found. */
  readonly messages: readonly string[];
}

/** `1 row`, `1,440 rows`. */
const plural = (n: number, noun: string): string => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

const paint = (marks: boolean, code: number, text: string): string => (marks ? `\x1b[${code}m${text}\x1b[0m` : text);
const RED = 31;
const GREEN = 32;
const YELLOW = 33;
const DIM = 2;

/** A path relative to `cwd` when inside it, else absolute. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** Problems with whole files first (they explain the counts, gaps and rows that follow), then as in {@link VALIDATION_CHECKS}. */
const FILE_CODES: readonly ValidationCode[] = ['unreadable_file', 'schema_mismatch', 'partition_mismatch', 'checksum_mismatch'];
const CODES: readonly ValidationCode[] = [...FILE_CODES, ...(Object.keys(VALIDATION_CHECKS) as ValidationCode[]).filter((code) => !FILE_CODES.includes(code))];

/** The codes found in a dataset, errors first; file-level codes before the others. */
export function issueGroups(dataset: ValidatedDataset, strict: boolean): IssueGroup[] {
  const { issues, stats } = dataset.report;
  const groups = CODES.filter((code) => stats.issueCounts[code] > 0).map((code) => ({
    code,
    severity: severityOf(code, strict),
    count: stats.issueCounts[code],
    messages: issues.filter((issue) => issue.code === code).map((issue) => issue.message),
  }));
  return [...groups.filter((g) => g.severity === 'error'), ...groups.filter((g) => g.severity === 'warning')];
}

/** `4 errors, 2 warnings`, leaving out a zero count (but never both). */
function counts(errors: number, warnings: number): string {
  if (errors === 0 && warnings === 0) return 'no issues';
  return [...(errors > 0 ? [plural(errors, 'error')] : []), ...(warnings > 0 ? [plural(warnings, 'warning')] : [])].join(', ');
}

/** `OK`, `OK (2 warnings)` or `FAILED: 4 errors, 2 warnings`, marked when styled. */
function verdict(ok: boolean, errors: number, warnings: number, marks: boolean): string {
  if (!ok) return `${paint(marks, RED, `${marks ? '✗ ' : ''}FAILED`)}: ${counts(errors, warnings)}`;
  return `${paint(marks, GREEN, `${marks ? '✓ ' : ''}OK`)}${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`;
}

const time = (ms: number): string => formatUtc(ms).slice(0, 19);

/** What a gap check adds to its group line: how much is missing in all. */
function groupExtra(code: ValidationCode, dataset: ValidatedDataset): string {
  const { stats } = dataset.report;
  if (code === 'kline_gap') return `; ${plural(stats.missingCandles, 'candle')} missing`;
  if (code === 'trade_id_gap' && stats.missingTradeIds > 0) return `; ${plural(stats.missingTradeIds, 'trade id')} missing`;
  return '';
}

/** The lines of one dataset: header, issue groups with examples, notes, sources, verdict. */
export function formatDatasetSection(dataset: ValidatedDataset, options: ValidateReportOptions): string[] {
  const { report } = dataset;
  const { stats } = report;
  const range = stats.minTimestamp === null || stats.maxTimestamp === null ? 'no data' : `${time(stats.minTimestamp)} .. ${time(stats.maxTimestamp)} UTC`;
  const lines = [
    `${shownPath(report.dataset, options.cwd)}: ${plural(stats.rows, 'row')}, ${plural(stats.files, 'file')}, ${plural(stats.partitions, 'partition')}, ${formatBytes(stats.bytes)}, ${range}, ${formatCount(stats.rowsPerSecond)} rows/s`,
  ];
  const groups = issueGroups(dataset, options.strict);
  const width = Math.max(0, ...groups.map((g) => `${g.code} ×${formatCount(g.count)}`.length));
  for (const group of groups) {
    const severity = paint(options.marks, group.severity === 'error' ? RED : YELLOW, group.severity.padEnd(7));
    lines.push(`  ${severity}  ${`${group.code} ×${formatCount(group.count)}`.padEnd(width)}  ${VALIDATION_CHECKS[group.code].detects}${groupExtra(group.code, dataset)}`);
    const shown = group.messages.slice(0, options.maxExamples);
    for (const message of shown) lines.push(`      ${message}`);
    const more = group.count - shown.length;
    if (more > 0 && options.maxExamples > 0) lines.push(paint(options.marks, DIM, `      … ${formatCount(more)} more (--max-examples N to show more, --json for the first ${formatCount(group.messages.length)})`));
  }
  if (stats.temporaryFiles > 0) lines.push(`  note: ${plural(stats.temporaryFiles, 'temporary file')} of an interrupted run ignored (the next conversion removes them)`);
  if (!stats.manifest) lines.push('  note: no _manifest.json: files, sizes and checksums were not checked against one');
  if (!stats.metadata) lines.push('  note: no entry in metadata.json: counts were not checked against it');
  if (options.verbose) {
    const checksums = stats.checksums ? `sha256 of ${plural(stats.files, 'file')} checked` : 'checksums not checked';
    lines.push(`  checked in ${(stats.durationMs / 1000).toFixed(2)} s: manifest ${stats.manifest ? 'yes' : 'no'}, metadata.json entry ${stats.metadata ? 'yes' : 'no'}, ${checksums}`);
  }
  const sources = stats.sources;
  if (sources?.unavailable !== undefined) lines.push(`  sources: not checked: ${sources.unavailable}`);
  else if (sources !== null) {
    const skipped = sources.rowsSkipped > 0 ? ` (${formatCount(sources.rowsSkipped)} skipped)` : '';
    lines.push(
      `  sources: ${formatCount(sources.filesRead)}/${formatCount(sources.files)} re-read, ${plural(sources.rowsRead, 'row')}${skipped}, sample verified ${formatCount(sources.verified)}/${formatCount(sources.sampled)}${sources.droppedByPolicy > 0 ? ` (${formatCount(sources.droppedByPolicy)} dropped by the --on-conflict policy)` : ''}`,
    );
  }
  lines.push(`  ${verdict(report.ok, stats.errors, stats.warnings, options.marks)}`);
  return lines;
}

/** Totals over the validated datasets. */
export function totalsOf(result: ValidateJobResult): { datasets: number; files: number; rows: number; bytes: number; errors: number; warnings: number; failed: number } {
  const sum = (pick: (d: ValidatedDataset) => number): number => result.datasets.reduce((n, d) => n + pick(d), 0);
  return {
    datasets: result.datasets.length,
    files: sum((d) => d.report.stats.files),
    rows: sum((d) => d.report.stats.rows),
    bytes: sum((d) => d.report.stats.bytes),
    errors: sum((d) => d.report.stats.errors),
    warnings: sum((d) => d.report.stats.warnings),
    failed: result.datasets.filter((d) => !d.report.ok).length,
  };
}

/** Whether the whole run passes: every dataset without an error, and under --strict every asked type present. */
export function validationPassed(result: ValidateJobResult, options: Pick<ValidateReportOptions, 'strict' | 'missingAsked'>): boolean {
  return result.ok && !(options.strict && options.missingAsked.length > 0);
}

/** The overall verdict in one line: `OK: binance BTCUSDT 1m, 3 datasets, 304,329 rows, no issues (1.2 s)`. */
export function formatValidateVerdict(result: ValidateJobResult, options: Pick<ValidateReportOptions, 'marks' | 'strict' | 'missingAsked'>): string {
  const totals = totalsOf(result);
  const what = `${result.exchange} ${result.symbol} ${result.timeframe}`;
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  const strict = options.strict ? ' (--strict)' : '';
  if (!validationPassed(result, options)) {
    const reasons = [
      ...(totals.errors + totals.warnings > 0 ? [counts(totals.errors, totals.warnings)] : []),
      ...(options.strict && options.missingAsked.length > 0 ? [`no ${options.missingAsked.join(' or ')} dataset`] : []),
    ];
    return `${paint(options.marks, RED, `${options.marks ? '✗ ' : ''}FAILED`)}: ${reasons.join(', ')}${strict} in ${what}: ${totals.failed} of ${plural(totals.datasets, 'dataset')} failed (${plural(totals.rows, 'row')}, ${seconds})\n`;
  }
  return `${verdict(true, totals.errors, totals.warnings, options.marks)}${strict}: ${what}, ${plural(totals.datasets, 'dataset')}, ${plural(totals.rows, 'row')}, ${counts(totals.errors, totals.warnings)} (${seconds})\n`;
}

/** The command that validates or converts the same datasets again, with `extra` flags. */
function commandFor(verb: 'convert' | 'validate', result: ValidateJobResult, dataDir: string, extra: string): string {
  const dir = dataDir === 'data_cache' ? '' : ` --data-dir ${dataDir}`;
  const timeframe = result.timeframe === '1m' ? '' : ` --timeframe ${result.timeframe}`;
  return `unified ${verb}${dir} --exchange ${result.exchange} --symbol ${result.symbol}${timeframe}${extra}`;
}

/** The whole report on stdout. */
export function formatValidateReport(result: ValidateJobResult, options: ValidateReportOptions): string {
  const lines: string[] = [];
  for (const dataset of result.datasets) lines.push(...formatDatasetSection(dataset, options), '');
  lines.push(formatValidateVerdict(result, options).trimEnd());
  const totals = totalsOf(result);
  if (!validationPassed(result, options)) {
    const defects = result.datasets.some((d) => issueGroups(d, false).some((g) => g.severity === 'error'));
    if (defects) {
      lines.push(`To rebuild the datasets from their sources: ${commandFor('convert', result, options.dataDir, ' --force-rerun')}; --json lists every issue with its file, row and key.`);
    } else if (totals.errors > 0) {
      lines.push('Every issue is a warning that --strict counts as an error: fix it, or validate without --strict to accept it.');
    }
  } else if (totals.warnings > 0) {
    lines.push('Warnings do not fail a validation; add --strict to make them fail it.');
  } else if (result.datasets.every((d) => d.report.stats.sources === null && d.report.stats.metadata)) {
    const types = options.types === undefined ? '' : ` --type ${options.types.join(',')}`;
    lines.push(`To also check them against the source files: ${commandFor('validate', result, options.dataDir, `${types} --sources`)}`);
  } else {
    const example = result.datasets[0];
    if (example !== undefined) lines.push(`Read one: unified query ${shownPath(example.report.dataset, options.cwd)} --limit 5`);
  }
  return `${lines.join('\n')}\n`;
}

/** The one-line message of the error a failed validation ends with (stderr, exit 1). */
export function failureMessage(result: ValidateJobResult, options: Pick<ValidateReportOptions, 'strict' | 'missingAsked'>): string {
  const parts = result.datasets
    .filter((d) => !d.report.ok)
    .map((d) => {
      const byCode = issueGroups(d, options.strict)
        .filter((g) => g.severity === 'error')
        .map((g) => `${g.code} ×${g.count}`)
        .join(', ');
      return `${d.name}: ${plural(d.report.stats.errors, 'error')} (${byCode})`;
    });
  if (options.strict) for (const kind of options.missingAsked) parts.push(`no ${kind} dataset (asked for with --type)`);
  return `validation failed${options.strict ? ' (--strict: warnings count as errors)' : ''}: ${parts.join('; ')}`;
}
