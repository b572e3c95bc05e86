// Test helper: a CliIo that records what the CLI writes. Not exported from the package.
import type { CliIo } from './cli-context.js';

/** A recording {@link CliIo} plus what was written. */
export interface RecordingIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** A {@link CliIo} for tests: not a TTY unless asked, empty environment, the given working directory. */
export function recordingIo(cwd: string, options: { tty?: boolean; stdoutTty?: boolean; env?: Record<string, string> } = {}): RecordingIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text) => void (out += typeof text === 'string' ? text : Buffer.from(text).toString('utf8')), isTTY: options.stdoutTty ?? options.tty ?? false },
    stderr: { write: (text) => void (err += typeof text === 'string' ? text : Buffer.from(text).toString('utf8')), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd,
    out: () => out,
    err: () => err,
  };
}
