#!/usr/bin/env node
// Shows that sample generation streams: each size runs in its own process, writing aggtrades-only Parquet,
// and reports throughput and peak RSS. Peak RSS must stay flat as the row count grows.
// Usage: node scripts/memory-scaling.js [rows ...]   (default: 1000000 10000000; needs `pnpm build` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const child = process.argv[2] === '--child';

if (child) {
  const { generateSampleData } = await import('../dist/index.js');
  const rows = Number(process.argv[3]);
  const outDir = process.argv[4];
  const started = performance.now();
  const result = await generateSampleData({ outDir, kinds: ['aggtrades'], formats: ['parquet'], aggtradesRows: rows, days: 10 });
  const seconds = (performance.now() - started) / 1000;
  const file = result.files[0];
  process.stdout.write(
    JSON.stringify({ rows, seconds, rowsPerSecond: rows / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, bytes: file?.bytes ?? 0 }) + '\n',
  );
} else {
  const sizes = process.argv.slice(2).map(Number);
  const results = [];
  for (const rows of sizes.length > 0 ? sizes : [1_000_000, 10_000_000]) {
    const outDir = mkdtempSync(join(tmpdir(), 'unified-sample-bench-'));
    try {
      const run = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', String(rows), outDir], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`generation of ${rows} rows failed:\n${run.stderr}`);
      results.push(JSON.parse(run.stdout));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }
  process.stdout.write('sample-data: aggtrades Parquet generation (snappy), one process per size\n');
  process.stdout.write('rows        seconds  rows/s      peak RSS  file\n');
  for (const r of results) {
    process.stdout.write(
      `${String(r.rows).padEnd(11)} ${r.seconds.toFixed(2).padStart(7)}  ${(r.rowsPerSecond / 1e6).toFixed(2).padStart(5)} M/s  ${r.peakRssMb.toFixed(0).padStart(5)} MB  ${(r.bytes / 1e6).toFixed(1)} MB\n`,
    );
  }
  const peaks = results.map((r) => r.peakRssMb);
  const growth = Math.max(...peaks) / Math.min(...peaks);
  process.stdout.write(`peak RSS ratio largest/smallest: ${growth.toFixed(2)} (flat is < 1.5)\n`);
  if (growth >= 1.5) process.exitCode = 1;
}
