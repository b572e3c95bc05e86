#!/usr/bin/env node
// The `unified` executable: wires the process (argv, streams, signals, exit code) to runCli.
import process from 'node:process';
import { UnifiedError } from '@unified/core';
import { runCli } from './run-cli.js';

const controller = new AbortController();
// Exit codes of a run stopped by a signal: 128 + its number, as shells report it (SIGINT 130, SIGTERM 143).
const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
let received: NodeJS.Signals | undefined;
const STOP_DEADLINE_MS = 5_000;
const interrupt = (signal: NodeJS.Signals): void => {
  // A second signal does not wait for the current file to be abandoned cleanly; the next run removes the
  // temporary file it leaves.
  if (received !== undefined) process.exit(SIGNAL_EXIT_CODES[signal] ?? 130);
  received = signal;
  controller.abort(new UnifiedError({ code: 'ABORTED', message: `interrupted by ${signal}` }));
  // Work that cannot be aborted (a file-system call stuck in the kernel) must not keep a stopped process alive.
  setTimeout(() => process.exit(SIGNAL_EXIT_CODES[signal] ?? 130), STOP_DEADLINE_MS).unref();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
// `unified … | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, controller.signal);
process.exitCode = code === 130 && received !== undefined ? (SIGNAL_EXIT_CODES[received] ?? code) : code;
