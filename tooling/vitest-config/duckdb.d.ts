/**
 * Runs one SQL statement in a fresh in-memory DuckDB and returns its rows as plain JavaScript objects
 * (BIGINT as `bigint`, DOUBLE as `number`, VARCHAR as `string`, NULL as `null`).
 */
export declare function queryDuckDb(sql: string): Promise<Record<string, unknown>[]>;

/** A SQL string literal (single-quoted, quotes doubled), e.g. for file paths. */
export declare function sqlString(value: string): string;
