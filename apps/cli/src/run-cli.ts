/**
 * Runs the `unified` command line: parses `args`, runs the command, reports errors on stderr in one line
 * (details with --verbose) and returns the exit code instead of exiting, so tests can drive it in-process.
 */
import { inspect } from 'node:util';
import { type Command, CommanderError } from 'commander';
import { UnifiedError } from '@unified/core';
import type { CliIo } from './cli-context.js';
import { EXIT_CODES, exitCodeFor } from './exit-codes.js';
import { createProgram } from './program.js';

function describeError(error: unknown, verbose: boolean): string {
  if (!verbose) {
    const message = error instanceof Error ? error.message : String(error);
    return UnifiedError.isInstance(error) ? message : `unexpected failure: ${message} (run with --verbose for details)`;
  }
  const lines: string[] = [];
  let current: unknown = error;
  while (current !== undefined) {
    if (!(current instanceof Error)) {
      lines.push(inspect(current));
      break;
    }
    lines.push(current.stack ?? current.message);
    current = current.cause;
  }
  return lines.join('\ncaused by: ');
}

/**
 * Runs the CLI with `args` (without `node` and the script) and returns the process exit code:
 * 0 success, 1 failed work, 2 usage error, 130 interrupted.
 */
export async function runCli(args: readonly string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  // `program` is assigned before any command runs, which is when `verbose()` is first asked.
  const program: Command = createProgram({ io, signal, verbose: () => program.opts<{ verbose?: boolean }>().verbose === true });
  let commandName = '';
  program.hook('preAction', (_program, actionCommand) => {
    commandName = ` ${actionCommand.name()}`;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    // Commander has already printed its message (and the usage line) for help, version and usage errors.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    const code = exitCodeFor(error);
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    if (code === EXIT_CODES.interrupted) {
      io.stderr.write('interrupted\n');
    } else {
      io.stderr.write(`error: ${describeError(error, verbose)}\n`);
      if (code === EXIT_CODES.usage) io.stderr.write(`run 'unified${commandName} --help' for usage\n`);
    }
    return code;
  }
}
