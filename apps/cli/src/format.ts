/** Formatting of human-readable output: counts, sizes, times, and aligned tables. */

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Bytes in B, kB, MB or GB (powers of 1000, one decimal). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** `2024-01-01 00:00:00.000` (UTC, milliseconds). */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Column alignment of {@link renderTable}. */
export type Align = 'left' | 'right';

/** Rows under a header, columns padded to their widest cell, two spaces apart, no trailing spaces. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One row of {@link renderFields}: a label and its value, or several values shown one per line. */
export type Field = readonly [label: string, value: string | readonly string[]];

/**
 * Labels and values, the values aligned two spaces after the widest label, no trailing spaces. A field with
 * several values continues on the following lines under the first; a field with none is left out.
 */
export function renderFields(fields: readonly Field[]): string {
  const shown = fields.filter(([, value]) => typeof value === 'string' || value.length > 0);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown
    .flatMap(([label, value]) =>
      (typeof value === 'string' ? [value] : value).map((line, i) => `${(i === 0 ? label : '').padEnd(width)}  ${line}`.trimEnd()),
    )
    .join('\n');
}
