/**
 * The `duplicate_key` check over a whole dataset with memory bounded by one file. Within a file whose keys
 * never go down (the normal case: rows sorted by time, keys growing with time), a duplicate is the same key as
 * the row above it. A file whose keys go down is sorted (its keys only) to find duplicates wherever they are.
 * Across files, only keys in a span that two files' keys both cover can be shared. Each file's keys are
 * summarised as a few dense spans ({@link FileKeys.spans}: split where the keys jump far beyond their usual
 * step), so one stray key does not make a file "overlap" every other; the caller re-reads just the keys inside
 * overlapping spans ({@link overlapZones}, {@link duplicatesAcross}).
 */

/** A key seen twice: `row` in the file is the later sighting. */
export interface DuplicateInFile {
  readonly row: number;
  readonly key: number;
}

/** A key shared by two files. */
export interface DuplicateAcross {
  readonly key: number;
  /** Indexes of the two files (in the caller's order) and the row in the second. */
  readonly firstFile: number;
  readonly file: number;
  readonly row: number;
}

/** The keys of one file, as they stream by. */
export class FileKeys {
  private keys = new Float64Array(1024);
  private length = 0;
  private ascending = true;
  private sorted: Uint32Array | undefined;

  /** Adds the keys of a batch (`valid` false rows are skipped: a null key is a schema issue). */
  add(values: ArrayLike<number>, valid?: (row: number) => boolean): void {
    this.sorted = undefined;
    if (this.length + values.length > this.keys.length) {
      const grown = new Float64Array(Math.max(this.keys.length * 2, this.length + values.length));
      grown.set(this.keys.subarray(0, this.length));
      this.keys = grown;
    }
    let previous = this.length === 0 ? -Infinity : this.keys[this.length - 1]!;
    for (let i = 0; i < values.length; i++) {
      const key = valid === undefined || valid(i) ? values[i]! : NaN;
      this.keys[this.length++] = key;
      if (Number.isNaN(key)) continue;
      if (key < previous) this.ascending = false;
      previous = key;
    }
  }

  /**
   * Visits the file's keys in ascending order (rows with equal keys in row order), skipping null keys: as they
   * stream when they only grow, else through a sorted index of the file's keys.
   */
  inOrder(visit: (key: number, row: number) => void): void {
    const keys = this.keys;
    if (this.ascending) {
      for (let row = 0; row < this.length; row++) if (!Number.isNaN(keys[row]!)) visit(keys[row]!, row);
      return;
    }
    // Sorted once per file: duplicates, spans and the sequence checks all walk this order.
    if (this.sorted === undefined) {
      const order = new Uint32Array(this.length);
      let n = 0;
      for (let row = 0; row < this.length; row++) if (!Number.isNaN(keys[row]!)) order[n++] = row;
      this.sorted = order.subarray(0, n).sort((a, b) => keys[a]! - keys[b]! || a - b);
    }
    for (const row of this.sorted) visit(keys[row]!, row);
  }

  /**
   * The file's keys as dense spans `[first, last]`, in order: a new span starts where the step to the next key
   * exceeds 1000 times the usual step (the median of a sample of steps). One span for a day of consecutive trade
   * ids or minute candles; a stray key makes a span of its own.
   */
  spans(): { first: number; last: number }[] {
    const sorted = new Float64Array(this.length);
    let n = 0;
    this.inOrder((key) => {
      sorted[n++] = key;
    });
    if (n === 0) return [];
    const sample: number[] = [];
    const every = Math.max(1, Math.floor((n - 1) / 1001));
    for (let i = 1; i < n; i += every) sample.push(sorted[i]! - sorted[i - 1]!);
    sample.sort((a, b) => a - b);
    const jump = Math.max(1, 1000 * (sample[Math.floor(sample.length / 2)] ?? 1));
    const spans: { first: number; last: number }[] = [];
    let first = sorted[0]!;
    for (let i = 1; i < n; i++) {
      if (sorted[i]! - sorted[i - 1]! <= jump) continue;
      spans.push({ first, last: sorted[i - 1]! });
      first = sorted[i]!;
    }
    spans.push({ first, last: sorted[n - 1]! });
    return spans;
  }

  /** Keys that occur more than once in the file (each later sighting once), in row order. */
  duplicates(): DuplicateInFile[] {
    const found: DuplicateInFile[] = [];
    let previous = NaN;
    this.inOrder((key, row) => {
      if (key === previous) found.push({ row, key });
      previous = key;
    });
    return found.sort((a, b) => a.row - b.row);
  }
}

/** Key ranges that spans of two or more files cover, with those files: only keys there can be shared. */
export interface OverlapZone {
  readonly first: number;
  readonly last: number;
  /** File indexes, ascending. */
  readonly files: readonly number[];
}

/** Where the spans of different files overlap, merged into zones. */
export function overlapZones(spansByFile: readonly (readonly { readonly first: number; readonly last: number }[] | undefined)[]): OverlapZone[] {
  const all = spansByFile.flatMap((spans, file) => (spans ?? []).map((s) => ({ ...s, file }))).sort((a, b) => a.first - b.first || a.file - b.file);
  const zones: { first: number; last: number; files: Set<number> }[] = [];
  let open: { last: number; file: number }[] = [];
  for (const span of all) {
    open = open.filter((o) => o.last >= span.first);
    const others = open.filter((o) => o.file !== span.file);
    if (others.length > 0) {
      const first = span.first;
      const last = Math.min(span.last, Math.max(...others.map((o) => o.last)));
      const zone = zones.at(-1);
      if (zone !== undefined && first <= zone.last) {
        zone.last = Math.max(zone.last, last);
        zone.files.add(span.file);
        for (const o of others) zone.files.add(o.file);
      } else {
        zones.push({ first, last, files: new Set([span.file, ...others.map((o) => o.file)]) });
      }
    }
    open.push({ last: span.last, file: span.file });
  }
  return zones.map((z) => ({ first: z.first, last: z.last, files: [...z.files].sort((a, b) => a - b) }));
}

/**
 * Keys that two different files both hold, from each file's keys (`NaN` for null keys) and, when only some of
 * a file's keys are given, the row of each (`rows`; else a key's position is its row).
 */
export function duplicatesAcross(files: readonly { readonly file: number; readonly keys: Float64Array; readonly rows?: Uint32Array }[]): DuplicateAcross[] {
  const total = files.reduce((n, f) => n + f.keys.length, 0);
  const keys = new Float64Array(total);
  const fileOf = new Uint32Array(total);
  const rowOf = new Uint32Array(total);
  let at = 0;
  for (const { file, keys: k, rows } of files) {
    keys.set(k, at);
    for (let i = 0; i < k.length; i++) {
      fileOf[at + i] = file;
      rowOf[at + i] = rows === undefined ? i : rows[i]!;
    }
    at += k.length;
  }
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => keys[a]! - keys[b]! || fileOf[a]! - fileOf[b]! || rowOf[a]! - rowOf[b]!);
  const found: DuplicateAcross[] = [];
  let runStart = 0;
  for (let i = 1; i <= total; i++) {
    if (i < total && keys[order[i]!] === keys[order[runStart]!]) continue;
    // A run of equal keys: every sighting in a file other than the run's first file is a cross-file duplicate.
    const first = order[runStart]!;
    for (let j = runStart + 1; j < i; j++) {
      const at2 = order[j]!;
      if (!Number.isNaN(keys[at2]!) && fileOf[at2] !== fileOf[first]) found.push({ key: keys[at2]!, firstFile: fileOf[first]!, file: fileOf[at2]!, row: rowOf[at2]! });
    }
    runStart = i;
  }
  return found;
}
