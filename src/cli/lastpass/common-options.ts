import { InvalidArgumentError, type Command } from 'commander';

import { EXIT_CODES_HELP } from './exit-codes.ts';

export interface CommonFlags {
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** --verbose (and --json unless the command always prints JSON) and the exit codes under --help. */
export function withCommonOptions(command: Command, options: { json: boolean }): Command {
  if (options.json) command.option('--json', 'print JSON instead of a table');
  return command
    .option('--verbose', 'on failure, print the details of the error; log each API call (debug) to stderr')
    .addHelpText('after', EXIT_CODES_HELP);
}

/** A number of seconds above zero (fractions allowed). */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return n;
}
