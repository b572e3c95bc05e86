import * as loaders from '@unified/loaders';
import * as metadata from '@unified/metadata';
import * as partitionWriter from '@unified/partition-writer';
import * as sampleData from '@unified/sample-data';
import * as schemas from '@unified/schemas';
import * as validator from '@unified/validator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import * as core from './index.js';

const parts = { schemas, loaders, partitionWriter, validator, metadata, sampleData };

describe('@unified/core facade', () => {
  it.each(Object.entries(parts))('re-exports every export of %s, as the same object', (_name, part) => {
    const names = Object.keys(part);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect({ name, same: (core as Record<string, unknown>)[name] === (part as Record<string, unknown>)[name] }).toEqual({ name, same: true });
  });

  it('adds only its version and the converter and validation jobs that compose the parts', () => {
    const fromParts = new Set(Object.values(parts).flatMap((part) => Object.keys(part)));
    expect(Object.keys(core).filter((name) => !fromParts.has(name)).sort()).toEqual(['DEFAULT_CONVERT_LOG_FILE', 'VERSION', 'convert', 'openConvertLog', 'runStep', 'validate']);
    expect(core.VERSION).toBe(pkg.version);
  });

  it('composes the parts: sample data written through the facade lands in the layout schemas describe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unified-core-'));
    try {
      const result = await core.generateSampleData({ outDir: dir, days: 1, kinds: ['futures'], formats: ['csv'] });
      const file = result.files[0]!;
      expect(file.relativePath).toBe(core.consolidatedFileName({ kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' }, 'csv'));
      expect(core.detectTimestampUnit(file.firstTimestampMs)).toBe('ms');
      expect(core.utcDateOf(file.lastTimestampMs)).toEqual({ year: 2024, month: 1, day: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
