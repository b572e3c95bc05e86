// Runs writePartitions (the built package) in a child process for the crash tests: reads record batches from
// an Arrow IPC file and writes them; UNIFIED_FAILPOINT in the environment makes it die at that point.
// Usage: node crash-child.mjs <input.arrows> <outputDir> <kind> <maxRowsPerFile>
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { writePartitions } from '../dist/index.js';

const [, , input, outputDir, kind, maxRowsPerFile] = process.argv;
const table = tableFromIPC(readFileSync(input));
async function* batches() {
  yield* table.batches;
}
const dataset = kind === 'klines' ? { kind, exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } : { kind, exchange: 'binance', symbol: 'BTCUSDT' };
const report = await writePartitions(batches(), { outputDir, dataset, maxRowsPerFile: Number(maxRowsPerFile) });
process.stdout.write(`${report.rowsWritten}\n`);
