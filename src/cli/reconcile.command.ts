import type { Command } from 'commander';

import { EXIT_CODES_HELP } from './reconcile/exit-codes.ts';
import { runReconcile, type ReconcileFlags } from './reconcile/run-reconcile.ts';

/** `lpprov reconcile`: compare LastPass with lpprov's plan; `--fix` enqueues the corrections (docs/cli.md). */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      "compare LastPass's users with lpprov's plan: missing, unexpected, wrongly enabled or disabled, group drift; adopt existing accounts",
    )
    .option('--fix', 'enqueue the corrections (the dispatcher of lpprov start sends them); unexpected users are only reported')
    .option('--json', 'print JSON instead of a table')
    .option('--verbose', 'on a LastPass failure, print the details; log each API call (debug) to stderr')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((flags: ReconcileFlags) => runReconcile(flags));
}
