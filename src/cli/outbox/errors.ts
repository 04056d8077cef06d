import { EXIT, type ExitCode } from './exit-codes.ts';

/** A failure the command line reports as one line on stderr, with its exit status. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Bad arguments or a database that cannot be used: exit 1. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message, EXIT.failure);
  }
}

/** The outbox will not do it (unknown id, wrong status): exit 2. Nothing was changed. */
export class RefusedError extends CliError {
  override readonly name = 'RefusedError';

  constructor(message: string) {
    super(message, EXIT.refused);
  }
}
