// JSON sidecar files
export { readJsonFile, stageJsonFile, writeJsonFile } from './json-file.js';

// Dataset manifests
export {
  MANIFEST_FILE_NAME,
  MANIFEST_FORMAT_VERSION,
  datasetManifest,
  readDatasetManifest,
  stageDatasetManifest,
  updateDatasetManifest,
  writeDatasetManifest,
} from './dataset-manifest.js';
export type { DatasetManifest, ManifestFile } from './dataset-manifest.js';

// metadata.json
export {
  METADATA_FILE_NAME,
  METADATA_FORMAT_VERSION,
  datasetMetadata,
  readUnifiedMetadata,
  stageUnifiedMetadata,
  updateUnifiedMetadata,
} from './unified-metadata.js';
export type {
  ColumnDescription,
  DataTypeMetadata,
  DatasetMetadata,
  DatasetMetadataInput,
  RunRecord,
  SourceRecord,
  UnifiedMetadata,
} from './unified-metadata.js';

// _config.json
export { CONFIG_FILE_NAME, CONFIG_FORMAT_VERSION, datasetConfig, readUnifiedConfig, stageUnifiedConfig, updateUnifiedConfig } from './unified-config.js';
export type { ConfigDefaults, DatasetConfig, UnifiedConfig, WriteSettings } from './unified-config.js';

// What a unified/ folder holds
export { compareDatasets, listDatasets, missingDayRanges } from './dataset-inventory.js';
export type { DatasetInfo, DayRange } from './dataset-inventory.js';

// Locks
export { LOCK_FILE_NAME, withDirectoryLock } from './directory-lock.js';
export type { DirectoryLockOptions, LockHolder } from './directory-lock.js';

// Backups
export { BACKUP_FILE_NAME, BACKUP_FORMAT_VERSION, backupSources, listBackups } from './source-backup.js';
export type { BackupEntry, BackupListing, BackupManifest, BackupMethod, BackupOptions, BackupResult, BackupSource } from './source-backup.js';
