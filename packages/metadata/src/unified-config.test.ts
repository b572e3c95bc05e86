import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfigDefaults, CONFIG_FILE_NAME, datasetConfig, readUnifiedConfig, stageUnifiedConfig, updateUnifiedConfig } from './unified-config.js';

const root = mkdtempSync(join(tmpdir(), 'unified-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DEFAULTS: ConfigDefaults = { timeframe: '1m', engine: 'wasm', compression: 'snappy', row_group_size: 1_048_576, max_rows_per_file: 20_000_000, existing_data: 'replace-partitions', on_conflict: 'error' };
const settings = { engine: 'wasm', compression: 'zstd', row_group_size: 1_048_576, max_rows_per_file: 20_000_000 };

describe('_config.json', () => {
  it('records each dataset with its layout and write settings, and keeps the others and edited defaults', async () => {
    const trades = datasetConfig({ kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' }, settings);
    expect(trades).toMatchObject({ path: 'aggtrades/binance_BTCUSDT', timeframe: null, partitioning: ['exchange', 'symbol', 'year', 'month', 'day'], natural_key: ['trade_id'], compression: 'zstd' });
    const first = updateUnifiedConfig(undefined, [trades], DEFAULTS);
    const edited = { ...first, defaults: { ...first.defaults, compression: 'zstd' } };
    const klines = datasetConfig({ kind: 'klines', exchange: 'binance', symbol: 'ETHUSDT', timeframe: '5m' }, settings);
    const second = updateUnifiedConfig(edited, [klines], DEFAULTS);
    expect(second.defaults.compression).toBe('zstd');
    expect(Object.keys(second.data_types.aggtrades.datasets)).toEqual(['binance_BTCUSDT']);
    expect(second.data_types.klines.datasets['binance_ETHUSDT_5m']?.timeframe).toBe('5m');

    await (await stageUnifiedConfig(root, second)).commit();
    expect(await readUnifiedConfig(root)).toEqual(second);
  });

  it('refuses a configuration it cannot use, naming the file', async () => {
    const dir = mkdtempSync(join(root, 'bad-'));
    const write = (klines: unknown): void =>
      writeFileSync(join(dir, CONFIG_FILE_NAME), JSON.stringify({ format_version: 1, defaults: {}, data_types: { klines: { datasets: { x: klines } }, aggtrades: { datasets: {} }, futures: { datasets: {} } } }));
    write({ kind: 'futures' });
    await expect(readUnifiedConfig(dir)).rejects.toThrow(`${join(dir, CONFIG_FILE_NAME)}: data_types.klines.datasets.x needs kind "klines"`);
    write({ kind: 'klines', engine: 'wasm', compression: 'snappy', row_group_size: 'big' });
    await expect(readUnifiedConfig(dir)).rejects.toThrow(`${join(dir, CONFIG_FILE_NAME)}: data_types.klines.datasets.x.row_group_size must be a positive integer, got "big"`);
  });
});
