import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerConvertCommand } from './commands/convert.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerInfoCommand } from './commands/info.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerQueryCommand } from './commands/query.js';
import { registerValidateCommand } from './commands/validate.js';
import { CLI_VERSION } from './version.js';

const EXAMPLES = `
Examples:
  $ unified demo                      # sample inputs in ./demo-data
  $ unified convert --data-dir demo-data --exchange binance --symbol BTCUSDT
  $ unified convert --exchange binance --symbol BTCUSDT --timeframe 1m --force-rerun
  $ unified query demo-data/unified/klines/binance_BTCUSDT_1m --filter day=2 --limit 5
  $ unified validate --data-dir demo-data --exchange binance --symbol BTCUSDT
  $ unified info --data-dir demo-data
  $ unified inspect BTCUSDT-1m-2025-01-02.zip
  $ unified demo --help`;

/** The `unified` command with every subcommand registered; output goes through `context.io`. */
export function createProgram(context: CliContext): Command {
  const program = new Command('unified')
    .description('Convert crypto market data into Hive-partitioned Parquet datasets, validate them and read them back.')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .option('-v, --verbose', 'show details: error causes and stack traces')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText('after', EXAMPLES);
  registerConvertCommand(program, context);
  registerDemoCommand(program, context);
  registerInfoCommand(program, context);
  registerInspectCommand(program, context);
  registerQueryCommand(program, context);
  registerValidateCommand(program, context);
  program.showHelpAfterError(`usage: unified ${program.usage()}\nrun 'unified --help' for the commands`);
  return program;
}
