// Timestamp units
export { TIMESTAMP_UNITS, detectTimestampUnit, plausibleEpochMs, toEpochMs, toEpochUs } from './timestamp-unit.js';
export type { TimestampUnit } from './timestamp-unit.js';
