import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertInsideDirectory, isInsideDirectory, realLocation } from './path-containment.js';

const root = mkdtempSync(join(tmpdir(), 'unified-contain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const unified = join(root, 'data', 'unified');
const outside = join(root, 'elsewhere');
mkdirSync(join(unified, 'klines'), { recursive: true });
mkdirSync(outside);
symlinkSync(outside, join(unified, 'aggtrades'));
// The whole unified/ folder on another disk, through a link: its inside stays inside.
symlinkSync(unified, join(root, 'linked-unified'));

describe('path containment', () => {
  it('accepts the root, paths below it and paths not created yet', async () => {
    expect(await isInsideDirectory(unified, unified)).toBe(true);
    expect(await isInsideDirectory(unified, join(unified, 'klines', 'binance_BTCUSDT_1m', 'year=2024'))).toBe(true);
    expect(await isInsideDirectory(join(root, 'linked-unified'), join(root, 'linked-unified', 'klines'))).toBe(true);
    expect(await realLocation(join(unified, 'klines', 'new', 'deeper'))).toBe(join(await realLocation(unified), 'klines', 'new', 'deeper'));
  });

  it('refuses .. and a symbolic link that leads out, naming both places', async () => {
    expect(await isInsideDirectory(unified, join(unified, '..', 'x'))).toBe(false);
    // A folder whose name starts with two dots is still inside.
    expect(await isInsideDirectory(unified, join(unified, '..unified-lookalike'))).toBe(true);
    expect(await isInsideDirectory(unified, join(unified, 'aggtrades', 'binance_BTCUSDT'))).toBe(false);
    await expect(assertInsideDirectory(unified, join(unified, 'aggtrades', 'binance_BTCUSDT'), 'the dataset folder', 'WRITE_FAILED')).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/^the dataset folder .*aggtrades\/binance_BTCUSDT resolves to .*elsewhere\/binance_BTCUSDT, outside .*unified; refusing/u) as unknown,
    });
  });
});
