// Paths of the workspace, for tests that look at it as a whole.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A workspace package: its folder and package.json. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: {
    name: string;
    version: string;
    private?: boolean;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

/** Every package under packages/ and apps/. */
export function workspacePackages(): WorkspacePackage[] {
  return ['packages', 'apps'].flatMap((root) =>
    readdirSync(join(repoRoot, root)).map((name) => {
      const dir = join(repoRoot, root, name);
      return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as WorkspacePackage['manifest'] };
    }),
  );
}

/** The built `unified` executable. */
export const cliPath = join(repoRoot, 'apps', 'cli', 'dist', 'cli.js');
