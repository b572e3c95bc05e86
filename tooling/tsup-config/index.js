// Plain JavaScript on purpose: tsup loads its config through bundle-require, which leaves workspace packages
// external, so Node must be able to import this file without a TypeScript loader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * Build options shared by every unified package: ESM only, declarations, source maps, Node 20.
 * The package version is inlined as `__PACKAGE_VERSION__` so no code reads package.json at run time.
 *
 * @param {import('./index.js').LibraryConfigOptions} options
 */
export function defineLibraryConfig({ entry, cwd = process.cwd(), ...overrides }) {
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
    ...overrides,
  });
}
