import { type Command, InvalidArgumentError } from 'commander';

import { SqlAuditReader } from '../db/audit.repository.ts';
import { buildTimeline } from './audit/timeline.ts';
import { timelineJson } from './audit/timeline-json.ts';
import { renderTimeline } from './audit/timeline-view.ts';
import { writeJson, writeOut } from './lastpass/output.ts';
import { runWithDatabase } from './outbox/database-session.ts';
import { RefusedError } from './outbox/errors.ts';

const AUDIT_EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  configuration, usage or database error (DATABASE_URL unreachable, schema not migrated)
  2  unknown person: no input, command, person record or input dead letter has that id or username

Reads DATABASE_URL (default ./data/lpprov.db) like lpprov start.`;

/** `lpprov audit --person <id>`: everything lpprov took, decided and did for one person (docs/cli.md). */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description("one person's audit trail: every input, decision, command and result, oldest first")
    .requiredOption('--person <id>', 'a person id (HR person_id, or scim:<id>), or a LastPass username or SCIM userName', parsePerson)
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', AUDIT_EXIT_CODES_HELP)
    .action((flags: { person: string; json?: boolean }) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const reader = new SqlAuditReader(db);
        const personIds = await reader.resolvePeople(flags.person);
        // A username query also finds SCIM creates refused under that userName, which no person record has.
        const rows = await reader.rowsFor(personIds, personIds.includes(flags.person) ? [] : [flags.person]);
        if (personIds.length === 0 && rows.deadLetters.length === 0) {
          throw new RefusedError(
            `nobody is known as ${JSON.stringify(flags.person)}: no input, command, person record or input dead letter has that id or username`,
          );
        }
        const timeline = buildTimeline(flags.person, personIds, rows);
        if (flags.json === true) writeJson(timelineJson(timeline));
        else writeOut(renderTimeline(timeline));
      }),
    );
}

function parsePerson(value: string): string {
  const person = value.trim();
  if (person === '') throw new InvalidArgumentError('expected a person id or a LastPass username');
  return person;
}
