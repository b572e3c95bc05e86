#!/usr/bin/env node
// Shows that scanPartitionedDataset streams: hive datasets of growing size (aggtrades-like, 10 days, written by
// DuckDB's COPY … PARTITION_BY) are scanned to the end, each in its own process, with a filter on a data column
// so that every row is decoded and tested. Peak RSS must stay flat as the row count grows.
// Usage: node scripts/scan-memory.js [rows ...] (default 1 M and 10 M; needs `pnpm build` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = new URL(import.meta.url).pathname;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

if (process.argv[2] === '--generate') {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const [, , , rows, dir] = process.argv;
  const step = Math.max(1, Math.floor((10 * DAY) / Number(rows)));
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run(`COPY (
      SELECT ${START} + i * ${step} AS timestamp, i AS trade_id, 42000 + (i % 1000) / 10 AS trade_price, (i % 13) / 100 AS trade_quantity,
             i % 2 = 0 AS trade_is_buyer_maker, 'binance' AS exchange, 'BTCUSDT' AS symbol,
             year(make_timestamp((${START} + i * ${step}) * 1000)) AS year, month(make_timestamp((${START} + i * ${step}) * 1000)) AS month,
             day(make_timestamp((${START} + i * ${step}) * 1000)) AS day
      FROM range(${Number(rows)}) t(i)
    ) TO '${dir}' (FORMAT parquet, PARTITION_BY (exchange, symbol, year, month, day), COMPRESSION snappy)`);
} else if (process.argv[2] === '--scan') {
  const { scanPartitionedDataset } = await import('../dist/index.js');
  const started = performance.now();
  const scan = scanPartitionedDataset(process.argv[3], { filters: [['trade_quantity', '>=', 0.06]] });
  let rows = 0;
  for await (const batch of scan) rows += batch.numRows;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ rowsRead: scan.stats.rowsRead, rowsMatched: rows, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else {
  const asked = process.argv.slice(2).map(Number);
  const results = [];
  for (const rows of asked.length > 0 ? asked : [1e6, 1e7]) {
    const dir = mkdtempSync(join(tmpdir(), 'unified-scan-bench-'));
    try {
      const generated = spawnSync(process.execPath, [script, '--generate', String(rows), join(dir, 'ds')], { encoding: 'utf8' });
      if (generated.status !== 0) throw new Error(`generating ${rows} rows failed:\n${generated.stderr}`);
      const run = spawnSync(process.execPath, [script, '--scan', join(dir, 'ds')], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`scanning failed:\n${run.stderr}`);
      const result = JSON.parse(run.stdout);
      results.push({ rows, ...result, rowsPerSecond: Math.round(result.rowsRead / result.seconds) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.table(results);
}
