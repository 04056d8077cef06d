// Runs `lpprov simulator …` the way src/cli/main.ts wires it, without the other commands, so the
// CLI test does not depend on the rest of the command line.
import { Command } from 'commander';

import { registerSimulatorCommand } from '../../../../src/cli/simulator.command.ts';

const program = new Command('lpprov').exitOverride((err) => {
  process.exit(err.exitCode);
});
registerSimulatorCommand(program);
await program.parseAsync(process.argv);
