import { definePackageConfig } from '@unified/vitest-config';
import pkg from './package.json' with { type: 'json' };

// The smoke test spawns the harness, which spawns one process per job run: give it room.
export default definePackageConfig(pkg, { test: { testTimeout: 120_000 } });
