import type { Command } from 'commander';

import type { OutboxAdmin, OutboxStatus } from '../../outbox/outbox.store.ts';
import { SqlOutboxAdmin } from '../../outbox/sql-outbox-admin.ts';
import { writeOut } from '../lastpass/output.ts';

import { defaultActor, parseActor, parseId } from './arguments.ts';
import { runWithDatabase } from './database-session.ts';
import { RefusedError } from './errors.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { describeEntry } from './format.ts';

/** One operator action on a single command; the states mirror SqlOutboxAdmin's updates. */
interface Resolution {
  readonly name: 'retry' | 'skip' | 'cancel';
  readonly description: string;
  readonly from: readonly OutboxStatus[];
  readonly apply: (admin: OutboxAdmin, id: number, actor: string, now: number) => Promise<boolean>;
}

const RESOLUTIONS: readonly Resolution[] = [
  {
    name: 'retry',
    description: 'send a dead command again: back to pending, due now, attempts reset',
    from: ['dead'],
    apply: (admin, id, actor, now) => admin.retry(id, actor, now),
  },
  {
    name: 'skip',
    description: "give up on a dead command: the person's later commands go on without it",
    from: ['dead'],
    apply: (admin, id, actor, now) => admin.skip(id, actor, now),
  },
  {
    name: 'cancel',
    description: 'withdraw a pending, dead or awaiting_approval command: it will never be sent',
    from: ['pending', 'dead', 'awaiting_approval'],
    apply: (admin, id, actor, now) => admin.cancel(id, actor, now),
  },
];

export function registerResolveCommands(outbox: Command): void {
  for (const resolution of RESOLUTIONS) registerResolution(outbox, resolution);
}

function registerResolution(outbox: Command, resolution: Resolution): void {
  outbox
    .command(resolution.name)
    .description(resolution.description)
    .argument('<id>', 'the outbox id (first column of outbox list)', parseId)
    .option('--actor <name>', 'who acts, recorded in the resolution (default: your user name)', parseActor)
    .addHelpText('after', EXIT_CODES_HELP)
    .action((id: number, flags: { actor?: string }) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const admin = new SqlOutboxAdmin(db);
        const actor = flags.actor ?? defaultActor();
        const before = await admin.get(id);
        if (before === undefined) throw new RefusedError(`there is no outbox command with id ${id}`);
        if (!(await resolution.apply(admin, id, actor, Date.now()))) {
          // Read again: the dispatcher may have moved it since the first read.
          const now = (await admin.get(id)) ?? before;
          throw new RefusedError(
            `${describeEntry(now)} is ${now.status}; ${resolution.name} takes only ${orList(resolution.from)} commands`,
          );
        }
        const after = (await admin.get(id)) ?? before;
        writeOut(`${describeEntry(after)}: ${before.status} -> ${after.status} (${after.resolution ?? resolution.name})\n`);
      }),
    );
}

/** "dead", "pending or dead", "pending, dead or awaiting_approval". */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}
