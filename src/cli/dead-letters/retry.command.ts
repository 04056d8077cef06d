import { randomUUID } from 'node:crypto';

import type { Command } from 'commander';

import { applyHrInputs } from '../../app/apply-hr-inputs.ts';
import { loadConfig } from '../../config/load-config.ts';
import { loadPolicy } from '../../config/policy-file.ts';
import type { HrEvent } from '../../core/events/hr-event.ts';
import type { Policy } from '../../core/policy/policy.ts';
import { type DeadLetterRow, SqlDeadLetterAdmin } from '../../db/dead-letter-admin.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { SqlUnitOfWork } from '../../db/sql-unit-of-work.ts';
import { writeOut } from '../lastpass/output.ts';
import { parseActor } from '../outbox/arguments.ts';
import { runWithDatabase } from '../outbox/database-session.ts';
import { RefusedError } from '../outbox/errors.ts';

import { parseDeadLetterId } from './arguments.ts';
import { DEAD_LETTERS_EXIT_CODES_HELP } from './exit-codes.ts';
import { describeDeadLetter } from './format.ts';
import { JoinedTransaction } from './joined-transaction.ts';
import { nextStep, originOf, SCIM_RESEND } from './origin.ts';
import { reparseHrInput } from './reparse.ts';

interface RetryFlags {
  readonly actor: string;
}

/**
 * `lpprov dead-letters retry <id>`: an HR input that an older lpprov refused, or that lpprov
 * refused for a reason since fixed in lpprov, read again and applied like Kafka and the webhook
 * apply it. SCIM refusals are not replayed here: the identity provider owns the user.
 */
export function registerRetryCommand(deadLetters: Command): void {
  deadLetters
    .command('retry')
    .description('read an HR dead letter (kafka:…, webhook) again and, if it is a valid event now, apply it and resolve the dead letter')
    .argument('<id>', 'the dead letter id (first column of dead-letters list)', parseDeadLetterId)
    .requiredOption('--actor <name>', 'who retries, recorded in the resolution', parseActor)
    .addHelpText('after', DEAD_LETTERS_EXIT_CODES_HELP)
    .action((id: number, flags: RetryFlags) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const letter = await new SqlDeadLetterAdmin(db).get(id);
        if (letter === undefined) throw new RefusedError(`there is no input dead letter with id ${id}`);
        if (letter.resolvedAt !== undefined) {
          throw new RefusedError(`${describeDeadLetter(letter)} is resolved already (${letter.resolution ?? 'no resolution given'})`);
        }
        const event = reparsed(letter);
        // As lpprov start, plan and reconcile read it; a bad file is a configuration error (exit 1).
        const policy = await loadPolicy(loadConfig(process.env).policyFile);
        const { outcome, resolution, correlationId } = await applyAndResolve(db, letter, event, policy, flags.actor);
        writeOut(
          `${describeDeadLetter(letter)}: open -> resolved (${resolution})\n` +
            `event ${event.id} from ${event.source} for ${event.data.worker.person_id}: ${outcome}, correlation id ${correlationId}\n`,
        );
      }),
    );
}

/** The HR event the dead letter holds, or a refusal saying why there is none (it stays open). */
function reparsed(letter: DeadLetterRow): HrEvent {
  const origin = originOf(letter.source);
  if (origin === 'scim') {
    throw new RefusedError(
      `${describeDeadLetter(letter)} is a SCIM refusal, which lpprov cannot send again: ${SCIM_RESEND}. ` +
        `Then close it: lpprov dead-letters discard ${letter.id} --actor <name> --reason <text>`,
    );
  }
  if (origin === 'other') {
    throw new RefusedError(
      `${describeDeadLetter(letter)} is not an HR input (kafka:…, webhook), so it cannot be retried: ${nextStep(origin, letter.id)}`,
    );
  }
  const parsed = reparseHrInput(letter.raw, origin);
  if (!parsed.ok) {
    throw new RefusedError(
      `${describeDeadLetter(letter)} is still not a valid HR event, so it stays open: ${parsed.reason}. ` +
        `Once the producer has sent it again corrected: lpprov dead-letters discard ${letter.id} --actor <name> --reason <text>`,
    );
  }
  return parsed.event;
}

/**
 * Applies the event through the HR use case and resolves the dead letter in the same
 * transaction: both happen, or (the dead letter was resolved meanwhile, the database failed)
 * neither does, so a retry can be repeated until it goes through.
 */
async function applyAndResolve(
  db: SqlDatabase,
  letter: DeadLetterRow,
  event: HrEvent,
  policy: Policy,
  actor: string,
): Promise<{ outcome: string; resolution: string; correlationId: string }> {
  const now = Date.now();
  // A new input, like a Kafka message: its commands' log lines and lpprov audit find it under this.
  const correlationId = randomUUID();
  return db.transaction(async (tx) => {
    const unitOfWork = new SqlUnitOfWork(new JoinedTransaction(tx));
    const [outcome] = await applyHrInputs({ unitOfWork, clock: { now: () => now }, policy }, [{ kind: 'event', event, correlationId }]);
    if (outcome === undefined) throw new Error('the HR use case returned no result for the event');
    const resolution = `retried by ${actor}: ${outcome}`;
    if (!(await new SqlDeadLetterAdmin(tx).resolve(letter.id, resolution, now))) {
      throw new RefusedError(`${describeDeadLetter(letter)} was resolved by someone else meanwhile; nothing was applied`);
    }
    return { outcome, resolution, correlationId };
  });
}
