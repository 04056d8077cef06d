import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';

import { PLAN_EXIT, PLAN_HELP } from './plan/plan-exit-codes.ts';

const isoTime = z.iso.datetime({ offset: true });

/** `--at`: an instant with its zone (a time without one would depend on the machine's zone), or `now`. */
export function parsePlanningTime(value: string): number {
  if (value.trim() === 'now') return Date.now();
  if (!isoTime.safeParse(value.trim()).success) {
    throw new InvalidArgumentError('expected an ISO 8601 time with a zone, such as 2026-03-01T09:00:00Z, or now');
  }
  return Date.parse(value.trim());
}

/** `lpprov plan <file>`: a dry run of HR events or SCIM requests (docs/cli.md, "lpprov plan"). */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('dry run: print the LastPass commands an HR event or SCIM request file would produce, writing nothing')
    .argument('<file>', 'HR events or SCIM requests (JSON, a JSON array or JSON Lines); - reads stdin')
    .option('--json', 'print JSON instead of text')
    .option('--at <time>', 'plan as if it were this time (ISO 8601 with a zone); default now', parsePlanningTime)
    .addHelpText('after', PLAN_HELP)
    // A bad option or a missing file argument is invalid input like a bad file: exit 2, not commander's 1.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : PLAN_EXIT.invalid))
    .action(async (file: string, flags: { json?: boolean; at?: number }) => {
      // Loaded here: the planner, express and the SCIM endpoint are not every command's business.
      const { runPlan } = await import('./plan/plan-action.ts');
      await runPlan(file, flags);
    });
}
