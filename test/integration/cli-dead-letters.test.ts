import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, type TestContext } from 'vitest';

import { applyHrInputs } from '../../src/app/apply-hr-inputs.ts';
import type { DeadLetterJson } from '../../src/cli/dead-letters/format.ts';
import { decodeHrMessage } from '../../src/consumers/decode-hr-message.ts';
import { decodeWebhookBody } from '../../src/consumers/webhook-body.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/policy.ts';
import { SqlDeadLetterAdmin } from '../../src/db/dead-letter-admin.ts';
import { SqlDeadLetterRepository } from '../../src/db/dead-letter.repository.ts';
import type { SqlDatabase } from '../../src/db/sql-database.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type Engine, type TestDatabase } from '../support/databases.ts';
import { FixedClock } from '../support/fixed-clock.ts';
import { type CliResult, runLpprov, runnerEnv } from '../support/lpprov-cli.ts';
import { tableRows } from '../support/cli-table.ts';

const NOW = Date.parse('2026-01-05T09:00:00Z');
const MINUTE = 60_000;
const POLICY = `
managed_groups: { prefix: "hr-" }
group_rules:
  - when: { path: worker.org.department, equals: Engineering }
    groups: [hr-eng]
`;
const SCIM_REASON = 'not provisioned to LastPass: LastPass accounts are email addresses: give the user an email (emails, or an email-shaped userName)';

interface Seeded {
  /** A webhook item whose work email is not one: invalid now and always. */
  readonly invalidItem: number;
  /** A Kafka message whose value was not JSON. */
  readonly notJson: number;
  /** A valid joiner, stored as a dead letter as if an older lpprov had refused it. */
  readonly refusedEarlier: number;
  /** The same event again, refused a second time before anyone acted. */
  readonly refusedTwice: number;
  /** An update of SCIM user `scimId` that LastPass cannot have (no email). */
  readonly scim: number;
  /** A SCIM create refused before the user had an id, under its userName. */
  readonly scimCreate: number;
  readonly personId: string;
  readonly eventId: string;
  readonly scimId: string;
  readonly userName: string;
}

/**
 * The dead letters the ingresses make, made the way they make them: the webhook's and Kafka's own
 * decoders turn the raw inputs into invalid HR inputs, the HR use case stores them; the older
 * refusal and the SCIM refusals go through the dead-letter repository as their writers call it.
 */
async function seed(db: SqlDatabase, engine: Engine): Promise<Seeded> {
  const clock = new FixedClock(NOW);
  const apply = (inputs: Parameters<typeof applyHrInputs>[1]) =>
    applyHrInputs({ unitOfWork: new SqlUnitOfWork(db), clock, policy: DEFAULT_POLICY }, inputs);
  const admin = new SqlDeadLetterAdmin(db);
  const letters = new SqlDeadLetterRepository(db);
  const newest = async (): Promise<number> => (await admin.list({ limit: 1 }))[0]?.id ?? 0;

  const body = decodeWebhookBody(Buffer.from(JSON.stringify([hrEvent({ email: 'not-an-email' })])), 10);
  if (body.kind !== 'items') throw new Error('the webhook body did not decode into items');
  expect(await apply(body.items.map((item) => item.input))).toEqual(['dead_lettered']);
  const invalidItem = await newest();

  clock.advance(MINUTE);
  expect(await apply([decodeHrMessage({ value: Buffer.from('{"specversion": "1.0", \u001b[31m') }, 'kafka:hr.lifecycle.v1/0/41')])).toEqual([
    'dead_lettered',
  ]);
  const notJson = await newest();

  const personId = `P-DL-${engine}`;
  const joiner = hrEvent({ personId, email: `dl.${engine}@acme.example`, department: 'Engineering', time: '2026-01-05T08:00:00Z' });
  const eventId = String(joiner.id);
  const earlier = { source: 'webhook', reason: 'type: Invalid option (an older lpprov)', raw: JSON.stringify(joiner) };
  await letters.add({ ...earlier, createdAt: NOW + 2 * MINUTE });
  const refusedEarlier = await newest();
  await letters.add({ ...earlier, createdAt: NOW + 3 * MINUTE });
  const refusedTwice = await newest();

  const scimId = `0a1b2c3d-${engine}`;
  const userName = `sky_${engine}`;
  const scimRaw = JSON.stringify({ id: scimId, userName, change: 'updated', resource: { userName, active: true } });
  await letters.add({ source: `scim://okta/Users/${scimId}`, reason: SCIM_REASON, raw: scimRaw, createdAt: NOW + 4 * MINUTE });
  const scim = await newest();
  // Okta sends it again before its administrator fixed the user: still one open dead letter.
  await letters.add({ source: `scim://okta/Users/${scimId}`, reason: SCIM_REASON, raw: scimRaw, createdAt: NOW + 5 * MINUTE });
  expect(await newest()).toBe(scim);

  const newcomer = `new.${engine}+dl@acme`;
  await letters.add({
    source: `scim://okta/Users?userName=${encodeURIComponent(newcomer)}`,
    reason: SCIM_REASON,
    raw: JSON.stringify({ userName: newcomer, change: 'created', resource: { userName: newcomer } }),
    createdAt: NOW + 6 * MINUTE,
  });
  const scimCreate = await newest();
  return { invalidItem, notJson, refusedEarlier, refusedTwice, scim, scimCreate, personId, eventId, scimId, userName: newcomer };
}

async function fresh(engine: Engine, ctx: Pick<TestContext, 'onTestFinished'>): Promise<{ testDb: TestDatabase; ids: Seeded; env: Record<string, string> }> {
  const testDb = await createTestDatabase(engine);
  ctx.onTestFinished(() => testDb.dispose());
  const folder = mkdtempSync(join(tmpdir(), 'lpprov-dead-letters-'));
  ctx.onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  const policyFile = join(folder, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  const env = { ...runnerEnv(), DATABASE_URL: testDb.databaseUrl, POLICY_FILE: policyFile };
  return { testDb, ids: await seed(testDb.db, engine), env };
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

describe('lpprov dead-letters: help', () => {
  it('prints --help with the exit codes for the group and every subcommand', async () => {
    const commands = [['dead-letters'], ['dead-letters', 'list'], ['dead-letters', 'show'], ['dead-letters', 'retry'], ['dead-letters', 'discard']];
    const results = await Promise.all(commands.map((args) => runLpprov([...args, '--help'], { ...runnerEnv(), DATABASE_URL: './nowhere.db' })));
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Exit codes:');
      expect(result.stdout).toContain('2  refused, nothing changed');
    }
    for (const subcommand of ['list', 'show', 'retry', 'discard']) expect(results[0]?.stdout).toMatch(new RegExp(`^  ${subcommand} `, 'm'));
  });
});

describe.concurrent.each(ENGINES)('lpprov dead-letters on %s', (engine) => {
  it('lists open dead letters newest first, as a table and JSON, and shows one with its raw input', async (ctx) => {
    const { ids, env } = await fresh(engine, ctx);
    const lpprov = (...args: string[]): Promise<CliResult> => runLpprov(args, env);

    const list = await lpprov('dead-letters', 'list');
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +RECEIVED \(UTC\) +SOURCE +REASON$/);
    expect(tableRows(list.stdout).map((row) => [Number(row[0]), row[1], row[2]])).toEqual([
      [ids.scimCreate, iso(NOW + 6 * MINUTE), `scim://okta/Users?userName=${encodeURIComponent(ids.userName)}`],
      [ids.scim, iso(NOW + 4 * MINUTE), `scim://okta/Users/${ids.scimId}`],
      [ids.refusedTwice, iso(NOW + 3 * MINUTE), 'webhook'],
      [ids.refusedEarlier, iso(NOW + 2 * MINUTE), 'webhook'],
      [ids.notJson, iso(NOW + MINUTE), 'kafka:hr.lifecycle.v1/0/41'],
      [ids.invalidItem, iso(NOW), 'webhook'],
    ]);
    expect(tableRows(list.stdout).find((row) => Number(row[0]) === ids.invalidItem)?.[3]).toBe('data.worker.email.work: Invalid email address');
    expect(list.stdout).toContain('\n6 open dead letters\n');

    const [kafka, limited] = await Promise.all([
      lpprov('dead-letters', 'list', '--source', 'kafka:', '--json'),
      lpprov('dead-letters', 'list', '--limit', '2'),
    ]);
    expect(JSON.parse(kafka.stdout)).toEqual([
      {
        id: ids.notJson,
        source: 'kafka:hr.lifecycle.v1/0/41',
        reason: 'the message value is not JSON',
        raw: '{"specversion": "1.0", \u001b[31m',
        createdAt: iso(NOW + MINUTE),
        resolvedAt: null,
        resolution: null,
      },
    ]);
    expect(tableRows(limited.stdout)).toHaveLength(2);
    expect(limited.stdout).toContain('2 open dead letters (the newest 2; filter or raise --limit to see more)');

    const show = await lpprov('dead-letters', 'show', String(ids.notJson));
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(
      new RegExp(
        `^id +${ids.notJson}\nsource +kafka:hr\\.lifecycle\\.v1/0/41\nreceived +${iso(NOW + MINUTE).replaceAll('.', '\\.')}\n` +
          'reason +the message value is not JSON\nstatus +open\nresolution +-\nnext +lpprov dead-letters retry',
      ),
    );
    // The raw input as it came, without the escape sequence it carried.
    expect(show.stdout).toContain('\nraw\n  {"specversion": "1.0",  [31m\n');
    expect(show.stdout).not.toContain('\u001b');

    const scim = await lpprov('dead-letters', 'show', String(ids.scim), '--json');
    expect(JSON.parse(scim.stdout)).toMatchObject({ id: ids.scim, source: `scim://okta/Users/${ids.scimId}`, reason: SCIM_REASON, resolvedAt: null });
    const item = await lpprov('dead-letters', 'show', String(ids.invalidItem));
    expect(item.stdout).toContain('        "work": "not-an-email"');

    const [unknown, notAnId] = await Promise.all([lpprov('dead-letters', 'show', '999999'), lpprov('dead-letters', 'show', 'x')]);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'lpprov: there is no input dead letter with id 999999\n' });
    expect(notAnId.code).toBe(1);
  });

  it('retries a valid HR event into the inbox and the outbox, and refuses invalid and SCIM ones with exit 2', async (ctx) => {
    const { testDb, ids, env } = await fresh(engine, ctx);
    const lpprov = (...args: string[]): Promise<CliResult> => runLpprov(args, env);
    const admin = new SqlDeadLetterAdmin(testDb.db);

    const retry = await lpprov('dead-letters', 'retry', String(ids.refusedEarlier), '--actor', 'ops-anna');
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    const [first = '', second = ''] = retry.stdout.split('\n');
    expect(first).toBe(`dead letter ${ids.refusedEarlier} (webhook): open -> resolved (retried by ops-anna: applied)`);
    expect(second).toMatch(new RegExp(`^event ${ids.eventId} from hris://workday/acme-test for ${ids.personId}: applied, correlation id [0-9a-f-]{36}$`));
    const correlationId = second.split(' ').at(-1);

    // Applied like the webhook applies it: an inbox row, the person, and a command with the policy's groups.
    const inbox = await testDb.db.query<{ outcome: string; correlation_id: string | null }>(
      'SELECT outcome, correlation_id FROM inbox WHERE source = $1 AND event_id = $2',
      ['hris://workday/acme-test', ids.eventId],
    );
    expect(inbox).toEqual([{ outcome: 'applied', correlation_id: correlationId }]);
    const commands = await testDb.db.query<{ kind: string; status: string; payload: string; correlation_id: string | null }>(
      'SELECT kind, status, payload, correlation_id FROM outbox WHERE person_id = $1',
      [ids.personId],
    );
    expect(commands.map((c) => [c.kind, c.status, c.correlation_id])).toEqual([['add_user', 'pending', correlationId]]);
    expect(JSON.parse(commands[0]?.payload ?? '{}')).toMatchObject({ username: `dl.${engine}@acme.example`, groups: ['hr-eng'] });
    expect(await admin.get(ids.refusedEarlier)).toMatchObject({ resolution: 'retried by ops-anna: applied', resolvedAt: expect.any(Number) as number });

    // The second copy of the same event: taken already, so resolved as a duplicate, with nothing new.
    const twice = await lpprov('dead-letters', 'retry', String(ids.refusedTwice), '--actor', 'ops-anna');
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('open -> resolved (retried by ops-anna: duplicate)');
    expect(await testDb.db.query('SELECT 1 FROM outbox WHERE person_id = $1', [ids.personId])).toHaveLength(1);

    const [again, invalid, notJson, scim, unknown, noActor] = await Promise.all([
      lpprov('dead-letters', 'retry', String(ids.refusedEarlier), '--actor', 'ops-bob'),
      lpprov('dead-letters', 'retry', String(ids.invalidItem), '--actor', 'ops-anna'),
      lpprov('dead-letters', 'retry', String(ids.notJson), '--actor', 'ops-anna'),
      lpprov('dead-letters', 'retry', String(ids.scim), '--actor', 'ops-anna'),
      lpprov('dead-letters', 'retry', '999999', '--actor', 'ops-anna'),
      lpprov('dead-letters', 'retry', String(ids.invalidItem)),
    ]);
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toBe(`lpprov: dead letter ${ids.refusedEarlier} (webhook) is resolved already (retried by ops-anna: applied)\n`);
    expect(invalid).toMatchObject({ code: 2, stdout: '' });
    expect(invalid.stderr).toContain(
      `lpprov: dead letter ${ids.invalidItem} (webhook) is still not a valid HR event, so it stays open: data.worker.email.work: Invalid email address`,
    );
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('is still not a valid HR event, so it stays open: the message value is not JSON');
    expect(scim.code).toBe(2);
    expect(scim.stderr).toContain(`dead letter ${ids.scim} (scim://okta/Users/${ids.scimId}) is a SCIM refusal`);
    expect(scim.stderr).toContain('fix the user in the identity provider, which then sends it again');
    expect(scim.stderr).toContain('Okta: "Retry failed tasks"');
    expect(scim.stderr).toContain('Entra: "Provision on demand"');
    expect(unknown).toMatchObject({ code: 2, stderr: 'lpprov: there is no input dead letter with id 999999\n' });
    expect(noActor.code).toBe(1);
    expect(noActor.stderr).toContain("required option '--actor <name>' not specified");
    for (const id of [ids.invalidItem, ids.notJson, ids.scim]) expect((await admin.get(id))?.resolvedAt).toBeUndefined();

    const discard = await lpprov('dead-letters', 'discard', String(ids.invalidItem), '--actor', 'ops-anna', '--reason', 'HR resent it fixed');
    expect(discard.stderr).toBe('');
    expect(discard).toMatchObject({ code: 0, stdout: `dead letter ${ids.invalidItem} (webhook): open -> resolved (discarded by ops-anna: HR resent it fixed)\n` });
    const [twiceDiscarded, unknownDiscard, noReason] = await Promise.all([
      lpprov('dead-letters', 'discard', String(ids.invalidItem), '--actor', 'ops-bob', '--reason', 'late'),
      lpprov('dead-letters', 'discard', '999999', '--actor', 'ops-bob', '--reason', 'x'),
      lpprov('dead-letters', 'discard', String(ids.scim), '--actor', 'ops-bob', '--reason', ' '),
    ]);
    expect(twiceDiscarded.code).toBe(2);
    expect(twiceDiscarded.stderr).toBe(
      `lpprov: dead letter ${ids.invalidItem} (webhook) is resolved already (discarded by ops-anna: HR resent it fixed); discard takes only open dead letters\n`,
    );
    expect(unknownDiscard).toMatchObject({ code: 2, stderr: 'lpprov: there is no input dead letter with id 999999\n' });
    expect(noReason.code).toBe(1);

    const all = await lpprov('dead-letters', 'list', '--all');
    expect(all.stdout.split('\n')[0]).toMatch(/^ID +RECEIVED \(UTC\) +SOURCE +REASON +RESOLUTION$/);
    expect(tableRows(all.stdout).map((row) => [Number(row[0]), row[4]])).toEqual([
      [ids.scimCreate, 'open'],
      [ids.scim, 'open'],
      [ids.refusedTwice, 'retried by ops-anna: duplicate'],
      [ids.refusedEarlier, 'retried by ops-anna: applied'],
      [ids.notJson, 'open'],
      [ids.invalidItem, 'discarded by ops-anna: HR resent it fixed'],
    ]);
    expect(all.stdout).toContain('\n6 dead letters, 3 open\n');
    const open = await lpprov('dead-letters', 'list', '--json');
    expect((JSON.parse(open.stdout) as DeadLetterJson[]).map((l) => l.id)).toEqual([ids.scimCreate, ids.scim, ids.notJson]);
  });

  it('counts open dead letters in outbox status, and shows SCIM refusals in the audit trail', async (ctx) => {
    const { testDb, ids, env } = await fresh(engine, ctx);
    const lpprov = (...args: string[]): Promise<CliResult> => runLpprov(args, env);

    const [text, json] = await Promise.all([lpprov('outbox', 'status'), lpprov('outbox', 'status', '--json')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^inputs +6 open dead letters \(not accepted\)$/m);
    expect(text.stdout).toContain('6 open input dead letters: lpprov dead-letters list, then retry or discard each\n');
    expect(JSON.parse(json.stdout)).toMatchObject({ inputDeadLetters: 6 });

    // Known only through the dead letter of its refusal: no person, input or command has scim:<id>.
    const audit = await lpprov('audit', '--person', `scim:${ids.scimId}`);
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain(`audit trail of scim:${ids.scimId}\n`);
    expect(audit.stdout).toContain(
      `${iso(NOW + 4 * MINUTE)}  dead_letter   input from scim://okta/Users/${ids.scimId} (dead letter ${ids.scim}): open\n`,
    );
    expect(audit.stdout).toContain(`  reason       ${SCIM_REASON}\n`);
    expect(audit.stdout).toContain('0 inputs, 0 commands, 0 outcomes, 1 dead letter\n');

    // A refused create has no id yet: its userName finds it, though no person has that name.
    const byUserName = await lpprov('audit', '--person', ids.userName, '--json');
    expect(byUserName.code).toBe(0);
    expect(JSON.parse(byUserName.stdout)).toEqual({
      query: ids.userName,
      personIds: [],
      entries: [
        {
          type: 'dead_letter',
          at: iso(NOW + 6 * MINUTE),
          personId: null,
          deadLetterId: ids.scimCreate,
          source: `scim://okta/Users?userName=${encodeURIComponent(ids.userName)}`,
          reason: SCIM_REASON,
          outcome: 'open',
          resolvedAt: null,
          resolution: null,
        },
      ],
    });

    const resolved = await lpprov('dead-letters', 'discard', String(ids.scim), '--actor', 'ops-anna', '--reason', 'email added in Okta');
    expect(resolved.code).toBe(0);
    const [after, status] = await Promise.all([lpprov('audit', '--person', `scim:${ids.scimId}`, '--json'), lpprov('outbox', 'status', '--json')]);
    const entries = (JSON.parse(after.stdout) as { entries: Record<string, unknown>[] }).entries;
    expect(entries).toMatchObject([{ type: 'dead_letter', outcome: 'resolved', resolution: 'discarded by ops-anna: email added in Okta' }]);
    expect(JSON.parse(status.stdout)).toMatchObject({ inputDeadLetters: 5 });

    const nobody = await lpprov('audit', '--person', 'scim:no-such-user');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/^lpprov: nobody is known as "scim:no-such-user"/);
    expect(await new SqlDeadLetterAdmin(testDb.db).countOpen()).toBe(5);
  });
});
