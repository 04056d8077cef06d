import type { Command } from 'commander';

import { SqlAccountControl } from '../../outbox/account-control.store.ts';
import type { OutboxAdmin } from '../../outbox/outbox.store.ts';
import { SqlOutboxAdmin } from '../../outbox/sql-outbox-admin.ts';
import { plural, writeOut } from '../lastpass/output.ts';

import { collectIds, defaultActor, parseActor } from './arguments.ts';
import { runWithDatabase } from './database-session.ts';
import { RefusedError, UsageError } from './errors.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';

interface ApprovalFlags {
  readonly all?: boolean;
  readonly actor?: string;
  readonly account?: string;
}

/** approve lets parked commands past the breaker; reject cancels them. */
interface Decision {
  readonly name: 'approve' | 'reject';
  readonly description: string;
  /** What became of the commands, after "N commands". */
  readonly done: string;
  readonly apply: (admin: OutboxAdmin, ids: readonly number[] | 'all', actor: string, now: number) => Promise<number>;
}

const DECISIONS: readonly Decision[] = [
  {
    name: 'approve',
    description: 'release commands parked by the mass-change breaker: they are sent, and not counted again',
    done: 'approved: pending again, past the breaker',
    apply: (admin, ids, actor, now) => admin.approve(ids, actor, now),
  },
  {
    name: 'reject',
    description: 'drop commands parked by the mass-change breaker: they are cancelled and never sent',
    done: 'rejected: cancelled',
    apply: (admin, ids, actor, now) => admin.reject(ids, actor, now),
  },
];

export function registerApprovalCommands(outbox: Command): void {
  for (const decision of DECISIONS) registerDecision(outbox, decision);
}

function registerDecision(outbox: Command, decision: Decision): void {
  outbox
    .command(decision.name)
    .description(`${decision.description}; the breaker closes once nothing is left parked`)
    .argument('[id...]', 'outbox ids of awaiting_approval commands', collectIds)
    .option('--all', 'every command awaiting approval')
    .option('--actor <name>', 'who decides, recorded in the resolution (default: your user name)', parseActor)
    .option('--account <key>', "the breaker's account (default: LASTPASS_CID, or simulator without credentials)")
    .addHelpText('after', EXIT_CODES_HELP)
    .action((ids: number[] | undefined, flags: ApprovalFlags) =>
      runWithDatabase({ create: false }, async ({ db, account: configured }) => {
        const chosen = [...new Set(ids ?? [])];
        if (flags.all === true && chosen.length > 0) throw new UsageError('give ids or --all, not both');
        if (flags.all !== true && chosen.length === 0) {
          throw new UsageError(`name the commands to ${decision.name} (ids from outbox list --status awaiting_approval), or --all`);
        }
        const admin = new SqlOutboxAdmin(db);
        const control = new SqlAccountControl(db);
        const account = flags.account ?? configured;
        const actor = flags.actor ?? defaultActor();
        if (flags.all !== true) await requireParked(admin, chosen, decision.name);

        const now = Date.now();
        const changed = await decision.apply(admin, flags.all === true ? 'all' : chosen, actor, now);
        const left = (await admin.countByStatus()).awaiting_approval;
        // The breaker parks every destructive command while open; with nothing left to decide on, it has done its job.
        if (left === 0) await control.closeBreaker(account, now);
        const state = await control.state(account);

        const lines = [changed === 0 ? 'nothing was awaiting approval' : `${plural(changed, 'command')} ${decision.done}`];
        lines.push(left === 0 ? 'nothing else awaits approval' : `${plural(left, 'command')} still ${left === 1 ? 'awaits' : 'await'} approval`);
        lines.push(
          state.breaker === 'open'
            ? `breaker for account ${account}: open (${state.breakerReason ?? 'no reason given'})`
            : `breaker for account ${account}: closed`,
        );
        writeOut(lines.map((line) => `${line}\n`).join(''));
        // Another operator (or the dispatcher) moved one of them between the check and the update.
        if (flags.all !== true && changed < chosen.length) {
          throw new RefusedError(`only ${changed} of ${chosen.length} commands were still awaiting approval`);
        }
      }),
    );
}

/** Refuses the whole request, changing nothing, when any id is unknown or not parked. */
async function requireParked(admin: OutboxAdmin, ids: readonly number[], action: string): Promise<void> {
  const problems: string[] = [];
  for (const id of ids) {
    const entry = await admin.get(id);
    if (entry === undefined) problems.push(`there is no outbox command with id ${id}`);
    else if (entry.status !== 'awaiting_approval') problems.push(`command ${id} is ${entry.status}, not awaiting_approval`);
  }
  if (problems.length > 0) throw new RefusedError(`${action} refused, nothing was changed: ${problems.join('; ')}`);
}
