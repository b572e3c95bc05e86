// Every ```ts example in a package README must type-check against the public API and run. A line marked
// `// throws` must throw a UnifiedError; everything else must not throw.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './workspace.js';

const here = join(repoRoot, 'packages', 'integration-tests');
const checkDir = join(here, '.readme-check');
rmSync(checkDir, { recursive: true, force: true });
mkdirSync(checkDir, { recursive: true });
const workDir = mkdtempSync(join(tmpdir(), 'unified-readme-'));
afterAll(() => {
  rmSync(checkDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

interface Example {
  readonly name: string;
  readonly source: string;
}

const examples: Example[] = workspacePackages()
  .filter((p) => p.manifest.private !== true)
  .flatMap((p) => {
    const readme = readFileSync(join(p.dir, 'README.md'), 'utf8');
    return [...readme.matchAll(/```ts\n([\s\S]*?)```/gu)].map((match, i) => ({ name: `${basename(p.dir)}-${i}`, source: match[1] ?? '' }));
  });

// `statement; // throws …` becomes a block that expects the statement to throw a UnifiedError.
function expectThrows(source: string): string {
  const checker = source.includes('// throws') ? "import { UnifiedError as ExpectedError } from '@unified/schemas';\n" : '';
  return checker + source
    .split('\n')
    .map((line) => {
      const match = /^(\s*)(.+?;)\s*\/\/ throws\b(.*)$/u.exec(line);
      if (match === null) return line;
      const [, indent = '', statement = ''] = match;
      return `${indent}await (async () => { try { ${statement} } catch (error) { if (!ExpectedError.isInstance(error)) throw error; return; } throw new Error('expected a throw: ${statement.replaceAll("'", "\\'")}'); })();`;
    })
    .join('\n');
}

describe('README examples', () => {
  it('found examples in the package READMEs', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it('type-check against the public API', () => {
    for (const example of examples) writeFileSync(join(checkDir, `${example.name}.ts`), `${expectThrows(example.source)}\nexport {};\n`);
    writeFileSync(
      join(checkDir, 'tsconfig.json'),
      JSON.stringify({ extends: '@unified/tsconfig/library.json', compilerOptions: { noUnusedLocals: false }, include: ['*.ts'] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(checkDir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
  });

  it.each(examples.map((e) => [e.name, e] as const))('%s runs', (_name, example) => {
    const js = ts.transpileModule(expectThrows(example.source), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const file = join(checkDir, `${example.name}.mjs`);
    writeFileSync(file, js);
    const output = execFileSync(process.execPath, [file], { cwd: workDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(typeof output).toBe('string');
  });
});
