#!/usr/bin/env node
// The peer of each benchmark job: what a DuckDB user would write, one job per process.
// Usage: node bench/peer.mjs <job> <json args>
//   consolidate     { input, output }                     read_parquet -> one snappy file (input preparation)
//   convert-per-day { input, output, compression }        one COPY … WHERE per UTC day into the hive layout
//   convert-partition-by { input, output, compression }   one COPY … PARTITION_BY (year, month, day)
//   read            { glob, startMs, endMs }               read_parquet(hive_partitioning) WHERE timestamp range, as CSV to /dev/null
//   count           { glob, startMs, endMs }               prints the row count of the range (untimed setup)
//   validate        { glob }                               rows, duplicate trade ids and out-of-order rows per file
import { mkdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [job, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? '{}');
const q = (value) => `'${String(value).replaceAll("'", "''")}'`;
const DAY_MS = 86_400_000;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const all = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS();

try {
  if (job === 'consolidate') {
    await connection.run(`COPY (SELECT * FROM read_parquet(${q(args.input)})) TO ${q(args.output)} (FORMAT parquet, COMPRESSION snappy)`);
  } else if (job === 'convert-per-day') {
    const [range] = await all(`SELECT min(timestamp) AS lo, max(timestamp) AS hi FROM read_parquet(${q(args.input)})`);
    const first = Math.floor(Number(range.lo) / DAY_MS);
    const last = Math.floor(Number(range.hi) / DAY_MS);
    for (let day = first; day <= last; day++) {
      const date = new Date(day * DAY_MS);
      const dir = `${args.output}/${args.prefix ?? 'exchange=binance/symbol=BTCUSDT'}/year=${date.getUTCFullYear()}/month=${date.getUTCMonth() + 1}/day=${date.getUTCDate()}`;
      mkdirSync(dir, { recursive: true });
      await connection.run(
        `COPY (SELECT * FROM read_parquet(${q(args.input)}) WHERE timestamp >= ${day * DAY_MS} AND timestamp < ${(day + 1) * DAY_MS}) ` +
          `TO ${q(`${dir}/part-0.parquet`)} (FORMAT parquet, COMPRESSION ${args.compression ?? 'snappy'})`,
      );
    }
  } else if (job === 'convert-partition-by') {
    await connection.run(
      `COPY (SELECT *, 'binance' AS exchange, 'BTCUSDT' AS symbol, year(t) AS year, month(t) AS month, day(t) AS day ` +
        `FROM (SELECT *, make_timestamp(timestamp * 1000) AS t FROM read_parquet(${q(args.input)}))) ` +
        `TO ${q(args.output)} (FORMAT parquet, COMPRESSION ${args.compression ?? 'snappy'}, PARTITION_BY (exchange, symbol, year, month, day), OVERWRITE_OR_IGNORE)`,
    );
  } else if (job === 'read') {
    await connection.run(
      `COPY (SELECT * FROM read_parquet(${q(args.glob)}, hive_partitioning = true) WHERE timestamp >= ${args.startMs} AND timestamp < ${args.endMs}) ` +
        `TO '/dev/null' (FORMAT csv, HEADER)`,
    );
  } else if (job === 'count') {
    const [row] = await all(`SELECT count(*) AS n FROM read_parquet(${q(args.glob)}, hive_partitioning = true) WHERE timestamp >= ${args.startMs} AND timestamp < ${args.endMs}`);
    process.stdout.write(`${Number(row.n)}\n`);
  } else if (job === 'validate') {
    const rows = await all(
      `WITH t AS (SELECT filename, trade_id, timestamp, lag(timestamp) OVER (PARTITION BY filename ORDER BY file_row_number) AS previous ` +
        `FROM read_parquet(${q(args.glob)}, filename = true, file_row_number = true)) ` +
        `SELECT filename, count(*) AS rows, count(*) - count(DISTINCT trade_id) AS duplicates, count(*) FILTER (WHERE timestamp < previous) AS out_of_order ` +
        `FROM t GROUP BY filename ORDER BY filename`,
    );
    const bad = rows.filter((r) => Number(r.duplicates) > 0 || Number(r.out_of_order) > 0);
    process.stdout.write(`${JSON.stringify({ files: rows.length, rows: rows.reduce((n, r) => n + Number(r.rows), 0), bad: bad.length })}\n`);
  } else {
    throw new Error(`unknown peer job ${job}`);
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
