// Preloaded into every measured process through NODE_OPTIONS=--import=<this file>: at exit, writes the process's
// peak RSS and CPU time (all threads: worker threads and DuckDB's native threads included) to the path in
// UNIFIED_BENCH_MEASURE. Nothing else is touched, so the measured program runs as it would on its own.
import { writeFileSync } from 'node:fs';

const target = process.env.UNIFIED_BENCH_MEASURE;
if (target) {
  // Child processes of the measured one must not overwrite its record.
  delete process.env.UNIFIED_BENCH_MEASURE;
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const cpu = process.cpuUsage();
    try {
      writeFileSync(target, JSON.stringify({ maxRssKb: usage.maxRSS, userUs: cpu.user, systemUs: cpu.system }));
    } catch {
      // A record that cannot be written shows up as a missing measurement in the harness.
    }
  });
}
