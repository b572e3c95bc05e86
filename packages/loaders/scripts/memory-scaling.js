#!/usr/bin/env node
// Shows that loading streams: aggtrades inputs of growing size (written by @unified/sample-data) are read to
// the end by openSource, each in its own process, reporting throughput and peak RSS. Peak RSS must stay flat as
// the row count grows. Usage: node scripts/memory-scaling.js [rows ...]
// (default: Parquet at 1 M, 5 M and 20 M rows, CSV at 1 M and 5 M; needs `pnpm build` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = new URL(import.meta.url).pathname;

if (process.argv[2] === '--generate') {
  const { generateSampleData } = await import('@unified/sample-data');
  const [, , , rows, outDir, format] = process.argv;
  await generateSampleData({ outDir, kinds: ['aggtrades'], formats: [format], aggtradesRows: Number(rows), days: 10 });
} else if (process.argv[2] === '--load') {
  const { openSource } = await import('../dist/index.js');
  const path = process.argv[3];
  const started = performance.now();
  let rows = 0;
  for await (const batch of openSource(path, { kind: 'aggtrades' })) rows += batch.numRows;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ rows, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, bytes: statSync(path).size }) + '\n');
} else {
  const asked = process.argv.slice(2).map(Number);
  const plan = asked.length > 0 ? asked.map((rows) => ['parquet', rows]) : [['parquet', 1e6], ['parquet', 5e6], ['parquet', 2e7], ['csv', 1e6], ['csv', 5e6]];
  const results = [];
  for (const [format, rows] of plan) {
    const dir = mkdtempSync(join(tmpdir(), 'unified-loaders-bench-'));
    try {
      const generated = spawnSync(process.execPath, [script, '--generate', String(rows), dir, format], { encoding: 'utf8' });
      if (generated.status !== 0) throw new Error(`generating ${rows} rows failed:\n${generated.stderr}`);
      const file = join(dir, readdirSync(dir).find((name) => name.startsWith('aggtrades_')));
      const run = spawnSync(process.execPath, [script, '--load', file], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`loading ${file} failed:\n${run.stderr}`);
      results.push({ format, ...JSON.parse(run.stdout) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write('loaders: openSource over aggtrades (one process per input)\n');
  process.stdout.write('format   rows        seconds  rows/s     peak RSS  input\n');
  for (const r of results) {
    process.stdout.write(
      `${r.format.padEnd(8)} ${String(r.rows).padEnd(11)} ${r.seconds.toFixed(2).padStart(7)}  ${(r.rows / r.seconds / 1e6).toFixed(2).padStart(5)} M/s  ${r.peakRssMb.toFixed(0).padStart(5)} MB  ${(r.bytes / 1e6).toFixed(0)} MB\n`,
    );
  }
  let flat = true;
  for (const format of new Set(results.map((r) => r.format))) {
    const peaks = results.filter((r) => r.format === format).map((r) => r.peakRssMb);
    const growth = Math.max(...peaks) / Math.min(...peaks);
    process.stdout.write(`${format}: peak RSS ratio largest/smallest input ${growth.toFixed(2)} (flat is < 1.5)\n`);
    if (growth >= 1.5) flat = false;
  }
  if (!flat) process.exitCode = 1;
}
