#!/usr/bin/env node
// Runs a command (turbo) with UNIFIED_FIXTURES_DIGEST set to a digest of the real fixtures beside the
// repository: their names, sizes and modification times. turbo hashes that variable, so adding, removing or
// changing fixtures re-runs the suites that read them instead of replaying a cached result.
// Usage: node tooling/scripts/with-fixtures-digest.js <command> [args...]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const dir = process.env.UNIFIED_FIXTURES_DIR ? resolve(process.env.UNIFIED_FIXTURES_DIR) : resolve(root, '..', 'shared', 'fixtures', 'real');

function walk(path) {
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const full = join(path, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const hash = createHash('sha256');
if (existsSync(dir)) {
  for (const file of walk(dir).sort()) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file.slice(dir.length)}\0${size}\0${mtimeMs}\n`);
  }
} else {
  hash.update('absent');
}

const [command, ...args] = process.argv.slice(2);
const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, UNIFIED_FIXTURES_DIGEST: hash.digest('hex') }, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
