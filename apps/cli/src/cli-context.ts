/**
 * What a command needs from the outside world, injected so tests can run the whole CLI in-process: output
 * streams, environment, working directory and the abort signal of Ctrl-C.
 */

/** A writable text stream (stdout or stderr); bytes are UTF-8 text. */
export interface CliStream {
  write(text: string | Uint8Array): void;
  /** Whether the stream is a terminal. */
  readonly isTTY?: boolean;
}

/** The process-level inputs and outputs of a CLI run. */
export interface CliIo {
  /** Results only: tables, JSON, CSV. */
  readonly stdout: CliStream;
  /** Progress, logs, warnings and errors. */
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
}

/** Everything a command handler gets. */
export interface CliContext {
  readonly io: CliIo;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** Whether the global `--verbose` was given (known once the command line is parsed). */
  verbose(): boolean;
}

/** Whether status marks and colour may be used on stderr: a TTY, no NO_COLOR, not CI. */
export function isInteractive(io: CliIo): boolean {
  return isStyled(io, io.stderr);
}

/** Whether status marks and colour may be written to `stream`: it is a TTY, and neither NO_COLOR nor CI is set. */
export function isStyled(io: CliIo, stream: CliStream): boolean {
  const env = io.env;
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && (env.CI ?? '') === '';
}
