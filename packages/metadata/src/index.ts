// JSON sidecar files
export { readJsonFile, writeJsonFile } from './json-file.js';
