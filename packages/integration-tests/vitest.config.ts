import { definePackageConfig } from '@unified/vitest-config';
import pkg from './package.json' with { type: 'json' };

// These suites spawn processes and type-check README examples: give them room, and run files one by one so
// process-level timings (SIGINT) are not disturbed by the other suites on a 2-core machine.
export default definePackageConfig(pkg, { test: { fileParallelism: false, testTimeout: 120_000 } });
