#!/usr/bin/env node
// The `unified` executable: wires the process (argv, streams, signals, exit code) to runCli.
import process from 'node:process';
import { UnifiedError } from '@unified/core';
import { runCli } from './run-cli.js';

const controller = new AbortController();
let interrupts = 0;
const interrupt = (signal: NodeJS.Signals): void => {
  interrupts++;
  // A second Ctrl-C does not wait for the current file to be abandoned cleanly.
  if (interrupts > 1) process.exit(130);
  controller.abort(new UnifiedError({ code: 'ABORTED', message: `interrupted by ${signal}` }));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
// `unified … | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
  controller.signal,
);
