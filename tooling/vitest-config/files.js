// Test helpers for checking what a run did to a folder.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export function treeHashes(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path).split(sep).join('/')] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && typeof error.code === 'string') return error;
    throw error;
  }
  throw new Error('expected the promise to reject with an error that has a code');
}
