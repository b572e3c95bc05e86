// Day partitioning
export { dayRuns } from './day-runs.js';
export type { DayRun } from './day-runs.js';
