// The metadata.json run record a conversion would write after `writePartitions`, for tests that build a
// converted dataset without @unified/core.
import type { RunRecord } from '@unified/metadata';
import type { WriteReport } from '@unified/partition-writer';

/** The run record of a strict conversion (nothing skipped) that read `rowsRead` rows and wrote `report`. */
export function runRecordOf(report: WriteReport, rowsRead: number, at: string): RunRecord {
  return {
    at,
    engine: report.engine,
    compression: report.compression,
    existing_data: 'replace-partitions',
    rows_read: rowsRead,
    rows_written: report.rowsWritten,
    duplicates_dropped: report.duplicatesDropped,
    conflicts_resolved: report.conflictsResolved,
    rows_skipped: 0,
    partitions_written: report.partitions.length,
    duration_ms: 1,
  };
}
