// A tiny run of the benchmark harness (1 k aggtrades rows, 3 days of klines, one run per side): every job runs,
// ours and DuckDB, and the JSON document has the shape BENCHMARKS.md and bench/results/latest.json are made from.
// --no-write keeps the committed record untouched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'unified-bench-smoke-'));

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

interface Job {
  job: string;
  engine: string | null;
  rows: number;
  ours_s: number;
  peer_s: number;
  ratio: number;
  peak_rss_mb: number;
  output_bytes: number | null;
  ours_min_s: number;
  peer_min_s: number;
  ours_cpu_s: number;
  peer_cpu_s: number;
  ours_rows_per_s: number;
  peer_rows_per_s: number;
}

interface Document {
  machine: { cpus: number; model: string; memory_gib: number; node: string; os: string };
  date: string;
  jobs: Job[];
}

describe('bench/run.mjs', () => {
  it('runs every job on 1 k rows and reports the JSON shape', () => {
    const file = join(out, 'latest.json');
    const run = spawnSync(process.execPath, [join(benchDir, 'run.mjs'), '--rows', '1000', '--runs', '1', '--klines-days', '3', '--no-write', '--out', file], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: benchDir },
    });
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('| `convert-aggtrades` |');

    const doc = JSON.parse(readFileSync(file, 'utf8')) as Document;
    expect(Object.keys(doc.machine).sort()).toEqual(['cpus', 'memory_gib', 'model', 'node', 'os']);
    expect(doc.machine.cpus).toBeGreaterThan(0);
    expect(doc.machine.memory_gib).toBeGreaterThan(0);
    expect(doc.machine.node).toBe(process.version);
    expect(typeof doc.machine.model).toBe('string');
    expect(typeof doc.machine.os).toBe('string');
    expect(Number.isNaN(Date.parse(doc.date))).toBe(false);
    expect(doc.jobs.map((j) => j.job)).toEqual([
      'convert-aggtrades',
      'convert-aggtrades-partition-by',
      'convert-klines-year',
      'read-aggtrades-day',
      'read-klines-day-of-year',
      'read-aggtrades-month-range',
      'validate-aggtrades',
    ]);
    for (const job of doc.jobs) {
      expect(job.rows).toBeGreaterThan(0);
      for (const key of ['ours_s', 'peer_s', 'ratio', 'peak_rss_mb', 'ours_min_s', 'peer_min_s', 'ours_cpu_s', 'peer_cpu_s', 'ours_rows_per_s', 'peer_rows_per_s'] as const) {
        expect(job[key], `${job.job}.${key}`).toBeGreaterThan(0);
      }
      expect(job.ratio).toBeCloseTo(job.peer_s / job.ours_s, 1);
    }
    const convert = doc.jobs[0]!;
    expect(convert.rows).toBe(1000);
    expect(typeof convert.engine).toBe('string');
    expect(convert.output_bytes).toBeGreaterThan(0);
  });
});
