// JSON sidecar files
export { readJsonFile, writeJsonFile } from './json-file.js';

// Dataset manifests
export {
  MANIFEST_FILE_NAME,
  MANIFEST_FORMAT_VERSION,
  datasetManifest,
  readDatasetManifest,
  updateDatasetManifest,
  writeDatasetManifest,
} from './dataset-manifest.js';
export type { DatasetManifest, ManifestFile } from './dataset-manifest.js';

// Locks
export { LOCK_FILE_NAME, withDirectoryLock } from './directory-lock.js';
export type { DirectoryLockOptions, LockHolder } from './directory-lock.js';
