/**
 * The reconciliation a conversion runs after staging its files and before committing them: every row the
 * loaders handed over is accounted for (rows in = rows written + duplicates dropped + conflicts resolved), and
 * the partitions and files add up to what the writer reports. A mismatch is a bug, and the run fails instead
 * of committing data that lost rows.
 */

/** The counts of one staged write, as the partition writer reports them. */
export interface StagedCounts {
  /** Rows the loaders yielded (read minus skipped). */
  readonly rowsLoaded: number;
  readonly rowsIn: number;
  readonly rowsWritten: number;
  readonly duplicatesDropped: number;
  readonly conflictsResolved: number;
  /** Whether existing rows were merged in (they add to rows written without being read). */
  readonly merged: boolean;
  readonly partitions: readonly { readonly path: string; readonly rows: number; readonly files: readonly { readonly name: string; readonly rows: number }[] }[];
}

/** Each way the counts disagree, as one line; empty when they reconcile. */
export function reconcileWrite(counts: StagedCounts): string[] {
  const problems: string[] = [];
  if (counts.rowsIn !== counts.rowsLoaded) problems.push(`the writer received ${counts.rowsIn} rows, the sources yielded ${counts.rowsLoaded}`);
  const accounted = counts.rowsWritten + counts.duplicatesDropped + counts.conflictsResolved;
  if (!counts.merged && accounted !== counts.rowsIn) {
    problems.push(`${counts.rowsIn} rows in, but ${counts.rowsWritten} written + ${counts.duplicatesDropped} duplicates + ${counts.conflictsResolved} conflicts = ${accounted}`);
  }
  const inPartitions = counts.partitions.reduce((n, p) => n + p.rows, 0);
  if (inPartitions !== counts.rowsWritten) problems.push(`partitions hold ${inPartitions} rows, ${counts.rowsWritten} reported written`);
  for (const partition of counts.partitions) {
    const inFiles = partition.files.reduce((n, f) => n + f.rows, 0);
    if (inFiles !== partition.rows) problems.push(`${partition.path}: files hold ${inFiles} rows, the partition ${partition.rows}`);
  }
  return problems;
}
