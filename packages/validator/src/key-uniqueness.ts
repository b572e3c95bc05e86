/**
 * The `duplicate_key` check over a whole dataset with memory bounded by one file. Within a file whose keys
 * never go down (the normal case: rows sorted by time, keys growing with time), a duplicate is the same key as
 * the row above it. A file whose keys go down is sorted (its keys only) to find duplicates wherever they are.
 * Across files, only files whose key ranges overlap can share a key; the caller re-reads just those files'
 * keys ({@link overlappingFiles}, {@link duplicatesAcross}).
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
  min = Infinity;
  max = -Infinity;

  /** Adds the keys of a batch (`valid` false rows are skipped: a null key is a schema issue). */
  add(values: ArrayLike<number>, valid?: (row: number) => boolean): void {
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
      if (key < this.min) this.min = key;
      if (key > this.max) this.max = key;
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
    const order = new Uint32Array(this.length);
    let n = 0;
    for (let row = 0; row < this.length; row++) if (!Number.isNaN(keys[row]!)) order[n++] = row;
    const sorted = order.subarray(0, n).sort((a, b) => keys[a]! - keys[b]! || a - b);
    for (const row of sorted) visit(keys[row]!, row);
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

/** Groups of files (indexes) whose `[min, max]` key ranges overlap; only these can share a key. */
export function overlappingFiles(ranges: readonly { readonly min: number; readonly max: number }[]): number[][] {
  const order = ranges.map((range, index) => ({ ...range, index })).filter((r) => r.min <= r.max).sort((a, b) => a.min - b.min || a.index - b.index);
  const groups: number[][] = [];
  let group: number[] = [];
  let reach = -Infinity;
  for (const range of order) {
    if (range.min > reach) {
      if (group.length > 1) groups.push(group.sort((a, b) => a - b));
      group = [];
    }
    group.push(range.index);
    reach = Math.max(reach, range.max);
  }
  if (group.length > 1) groups.push(group.sort((a, b) => a - b));
  return groups;
}

/** Keys that two different files of a group both hold, from each file's keys (`NaN` for null keys). */
export function duplicatesAcross(files: readonly { readonly file: number; readonly keys: Float64Array }[]): DuplicateAcross[] {
  const total = files.reduce((n, f) => n + f.keys.length, 0);
  const keys = new Float64Array(total);
  const fileOf = new Uint32Array(total);
  const rowOf = new Uint32Array(total);
  let at = 0;
  for (const { file, keys: k } of files) {
    keys.set(k, at);
    for (let row = 0; row < k.length; row++) {
      fileOf[at + row] = file;
      rowOf[at + row] = row;
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
