// The architecture, checked: dependencies point one way, each package's index only re-exports, every export
// has JSDoc, every package has a README with an example and tests next to its code.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './workspace.js';

// Which workspace packages each package may depend on at run time (schemas at the bottom, the CLI on core only).
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  '@unified/schemas': [],
  '@unified/loaders': ['@unified/schemas'],
  '@unified/partition-writer': ['@unified/schemas'],
  '@unified/metadata': ['@unified/schemas'],
  '@unified/sample-data': ['@unified/schemas'],
  '@unified/validator': ['@unified/schemas', '@unified/loaders', '@unified/metadata'],
  '@unified/core': ['@unified/schemas', '@unified/loaders', '@unified/partition-writer', '@unified/metadata', '@unified/validator', '@unified/sample-data'],
  '@unified/cli': ['@unified/core'],
};

const published = workspacePackages().filter((p) => p.manifest.private !== true);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture', () => {
  it('knows every published package', () => {
    expect(published.map((p) => p.manifest.name).sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(published.map((p) => [p.manifest.name, p] as const))('%s depends only on the packages below it', (name, pkg) => {
    const runtime = Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies }).filter((dep) => dep.startsWith('@unified/'));
    expect(runtime.filter((dep) => !(ALLOWED[name] ?? []).includes(dep))).toEqual([]);
  });

  it.each(published.map((p) => [p.manifest.name, p] as const))('%s imports other packages only through their entry points and only if declared', (_name, pkg) => {
    const runtime = new Set(Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies }));
    const all = new Set([...runtime, ...Object.keys(pkg.manifest.devDependencies ?? {})]);
    for (const file of sourceFiles(join(pkg.dir, 'src'))) {
      // Shipped code may only use runtime dependencies; tests may also use dev dependencies.
      const declared = /\.test(-d)?\.ts$|test-io\.ts$/u.test(file) ? all : runtime;
      for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(/(?:from |import\()'(@unified\/[^']+)'/gu)) {
        const packageName = specifier.split('/').slice(0, 2).join('/');
        expect({ file: relative(repoRoot, file), specifier, ok: declared.has(packageName) }).toEqual({ file: relative(repoRoot, file), specifier, ok: true });
      }
      expect(readFileSync(file, 'utf8')).not.toMatch(/from '\.\.\/\.\.\/[^']*\/src\//u);
    }
  });

  it.each(published.filter((p) => p.manifest.bin === undefined).map((p) => [p.manifest.name, p] as const))('%s: src/index.ts only re-exports', (_name, pkg) => {
    const lines = readFileSync(join(pkg.dir, 'src', 'index.ts'), 'utf8').split('\n');
    const statements = lines.join('\n').replace(/\/\/.*$/gmu, '').split(';').map((s) => s.trim()).filter((s) => s !== '');
    for (const statement of statements) expect(statement).toMatch(/^export (type )?(\*|\{[^}]*\}) from '[^']+'$/su);
  });

  it.each(published.map((p) => [p.manifest.name, p] as const))('%s documents every export with JSDoc', (_name, pkg) => {
    const undocumented: string[] = [];
    for (const file of sourceFiles(join(pkg.dir, 'src')).filter((f) => !/\.test(-d)?\.ts$|index\.ts$|test-io\.ts$|cli\.ts$/u.test(f))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const match = /^export (?:async )?(?:function\*? |const |class |interface |type |enum )(\w+)/u.exec(line);
        if (match === null) return;
        let j = i - 1;
        while (j >= 0 && lines[j]!.trim() === '') j--;
        if (!lines[j]?.trim().endsWith('*/')) undocumented.push(`${relative(repoRoot, file)}: ${match[1] ?? ''}`);
      });
    }
    expect(undocumented).toEqual([]);
  });

  it.each(published.map((p) => [p.manifest.name, p] as const))('%s has a README with a code example, and tests next to its code', (_name, pkg) => {
    const readme = join(pkg.dir, 'README.md');
    expect(existsSync(readme)).toBe(true);
    expect(readFileSync(readme, 'utf8')).toMatch(/```(ts|sh)\n/u);
    expect(sourceFiles(join(pkg.dir, 'src')).some((f) => f.endsWith('.test.ts'))).toBe(true);
  });
});
