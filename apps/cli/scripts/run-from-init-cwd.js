#!/usr/bin/env node
// Runs the built CLI for `pnpm unified …` and `pnpm demo`. pnpm runs root scripts in the repository root and
// passes the directory the user ran pnpm from as INIT_CWD; relative paths must resolve against that one.
import { existsSync } from 'node:fs';
import process from 'node:process';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('error: the unified CLI is not built yet; run `pnpm build` first\n');
  process.exit(1);
}
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import(cli.href);
