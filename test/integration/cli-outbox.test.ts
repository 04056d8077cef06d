import { existsSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';

import { describe, expect, it, type TestContext } from 'vitest';

import type { LastPassCommand } from '../../src/core/commands.ts';
import { PostgresDatabase } from '../../src/db/postgres-database.ts';
import type { SqlDatabase } from '../../src/db/sql-database.ts';
import { SqliteDatabase } from '../../src/db/sqlite-database.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { SqlAccountControl } from '../../src/outbox/account-control.store.ts';
import { outboxStoreFor } from '../../src/outbox/open-outbox.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import {
  createPostgresDatabase,
  createSqliteFile,
  createTestDatabase,
  ENGINES,
  type Engine,
  type TestDatabase,
} from '../support/databases.ts';
import { type CliResult, runLpprov, runnerEnv } from '../support/lpprov-cli.ts';
import { tableRows } from '../support/cli-table.ts';

const NOW = Date.parse('2026-01-05T09:00:00Z');
// Far ahead, so that the test's own claims (at the real time) never take it.
const LATER = Date.parse('2099-01-05T10:30:00Z');
const ME = userInfo().username;

/** Runs `lpprov …` as a real child process against `databaseUrl`. */
function lpprov(databaseUrl: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runLpprov(args, { ...runnerEnv(), DATABASE_URL: databaseUrl, ...env });
}

async function freshDatabase(engine: Engine, ctx: Pick<TestContext, 'onTestFinished'>): Promise<TestDatabase> {
  const testDb = await createTestDatabase(engine);
  ctx.onTestFinished(() => testDb.dispose());
  return testDb;
}

interface Seeded {
  /** alice's add_user: dead. */
  readonly dead: number;
  /** alice's change_groups: pending, held behind the dead one. */
  readonly held: number;
  /** bob's disable_user and carol's delete_user: parked by the breaker. */
  readonly parked: readonly [number, number];
  /** erin's add_user: done. */
  readonly done: number;
  /** dave's add_user: pending, due at LATER. */
  readonly scheduled: number;
}

/**
 * One command in each interesting state, made the way the dispatcher makes them: enqueued through
 * the unit of work, claimed, then dead-lettered, parked or completed through the store.
 */
async function seed(db: SqlDatabase): Promise<Seeded> {
  const enqueue = (personId: string, commands: LastPassCommand[], notBefore?: number) =>
    new SqlUnitOfWork(db).run(async (scope) => {
      await scope.people.save(
        {
          personId,
          desired: { username: `${personId}@acme.example`, fullname: '', groups: [], active: true },
          lastpass: undefined,
          lastSequence: undefined,
          lastEventTime: undefined,
        },
        NOW,
      );
      await scope.outbox.enqueue(
        personId,
        commands.map((command, i) => ({ command, idempotencyKey: `${personId}-${i}`, ...(notBefore ? { notBefore } : {}) })),
        NOW,
      );
    });
  await enqueue('alice', [
    { kind: 'add_user', username: 'alice@acme.example', groups: ['hr-all'] },
    { kind: 'change_groups', username: 'alice@acme.example', add: ['hr-sales'], del: [] },
  ]);
  await enqueue('bob', [{ kind: 'disable_user', username: 'bob@acme.example' }]);
  await enqueue('carol', [{ kind: 'delete_user', username: 'carol@acme.example', action: 'delete' }]);
  await enqueue('erin', [{ kind: 'add_user', username: 'erin@acme.example', groups: [] }]);

  const store = outboxStoreFor(db);
  const claimed = await store.claim('test', 10, 60_000, NOW);
  const idOf = (person: string): number => {
    const found = claimed.find((c) => c.personId === person);
    if (found === undefined) throw new Error(`${person} was not claimed`);
    return found.id;
  };
  await store.deadLetter(idOf('alice'), 'test', 'LastPass refused batchadd: \u001b[31mbad group\u001b[0m\nsee the Admin Console', NOW);
  await store.park([idOf('bob'), idOf('carol')], 'test', 'parked by the mass-change breaker: 12 destructive commands', NOW);
  await store.complete([idOf('erin')], 'test', NOW);
  await enqueue('dave', [{ kind: 'add_user', username: 'dave@acme.example', groups: [] }], LATER);

  const [held] = await db.query<{ id: unknown }>("SELECT id FROM outbox WHERE person_id = 'alice' AND seq = 2");
  const [scheduled] = await db.query<{ id: unknown }>("SELECT id FROM outbox WHERE person_id = 'dave'");
  return {
    dead: idOf('alice'),
    held: Number(held?.id),
    parked: [idOf('bob'), idOf('carol')],
    done: idOf('erin'),
    scheduled: Number(scheduled?.id),
  };
}

/** The migrations in src/db/migrations/<engine>/ as [version, name]. */
function shippedMigrations(engine: Engine): [number, string][] {
  return readdirSync(new URL(`../../src/db/migrations/${engine}/`, import.meta.url))
    .flatMap((file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      return match?.[1] === undefined || match[2] === undefined ? [] : [[Number(match[1]), match[2]] as [number, string]];
    })
    .sort((a, b) => a[0] - b[0]);
}

async function statusOf(db: SqlDatabase, id: number): Promise<string | undefined> {
  return (await new SqlOutboxAdmin(db).get(id))?.status;
}

describe.concurrent.each(ENGINES)('lpprov migrate on %s', (engine) => {
  it('applies both migrations to an empty database, then finds nothing to apply', async ({ onTestFinished }) => {
    let url: string;
    let open: () => SqlDatabase;
    if (engine === 'sqlite') {
      const file = createSqliteFile();
      onTestFinished(() => file.remove());
      url = file.path;
      open = () => new SqliteDatabase(file.path);
    } else {
      const created = await createPostgresDatabase();
      onTestFinished(() => created.drop());
      url = created.url;
      open = () => new PostgresDatabase({ connectionString: created.url, maxConnections: 1 });
    }

    // Later issues add migrations; the first two are this one's, the rest must follow in order.
    const shipped = shippedMigrations(engine);
    expect(shipped.slice(0, 2)).toEqual([
      [1, 'initial'],
      [2, 'dispatch_control'],
    ]);
    const latest = shipped.at(-1)?.[0];

    const first = await lpprov(url, ['migrate']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      [
        `database: ${engine === 'sqlite' ? `SQLite file ${url}` : `PostgreSQL ${url}`}`,
        ...shipped.map(([version, name]) => `applied migration ${version} (${name})`),
        `schema is now at migration ${latest}`,
        '',
      ].join('\n'),
    );

    const second = await lpprov(url, ['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('applied migration');
    expect(second.stdout).toContain(`schema is current (migration ${latest}); nothing to apply`);

    const db = open();
    try {
      const rows = await db.query<{ version: unknown; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => [Number(r.version), r.name])).toEqual(shipped);
    } finally {
      await db.close();
    }
  });

  it('makes the outbox commands refuse an unmigrated database with exit 1', async ({ onTestFinished }) => {
    let url: string;
    if (engine === 'sqlite') {
      const file = createSqliteFile();
      onTestFinished(() => file.remove());
      // A mistyped path must not leave an empty database behind.
      const missing = await lpprov(file.path, ['outbox', 'status']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`there is no lpprov database at ${file.path}`);
      expect(existsSync(file.path)).toBe(false);
      const empty = new SqliteDatabase(file.path);
      await empty.close();
      url = file.path;
    } else {
      const created = await createPostgresDatabase();
      onTestFinished(() => created.drop());
      url = created.url;
    }
    const result = await lpprov(url, ['outbox', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has no lpprov schema: run lpprov migrate first/);
    expect(result.stdout).toBe('');
  });
});

describe.concurrent('lpprov migrate and outbox: help and refusals', () => {
  it('prints --help with the exit codes for every command', async () => {
    const commands = [['migrate'], ['outbox'], ['outbox', 'list'], ['outbox', 'approve']];
    const results = await Promise.all(commands.map((args) => lpprov('./nowhere.db', [...args, '--help'])));
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Exit codes:');
    }
    for (const subcommand of ['status', 'list', 'show', 'retry', 'skip', 'cancel', 'approve', 'reject']) {
      expect(results[1]?.stdout).toMatch(new RegExp(`^  ${subcommand} `, 'm'));
    }
    expect(existsSync('./nowhere.db')).toBe(false);
  });

  it('refuses bad options with exit 1, and unknown ids with exit 2', async (ctx) => {
    const { databaseUrl } = await freshDatabase('sqlite', ctx);
    const [status, kind, limit, neither, both, none] = await Promise.all([
      lpprov(databaseUrl, ['outbox', 'list', '--status', 'stuck']),
      lpprov(databaseUrl, ['outbox', 'list', '--kind', 'adduser']),
      lpprov(databaseUrl, ['outbox', 'list', '--limit', '0']),
      lpprov(databaseUrl, ['outbox', 'approve']),
      lpprov(databaseUrl, ['outbox', 'reject', '7', '--all']),
      lpprov(databaseUrl, ['outbox', 'list', '--person', 'nobody']),
    ]);
    expect(none).toMatchObject({ code: 0, stdout: 'No outbox commands match.\n' });
    expect(status.code).toBe(1);
    expect(status.stderr).toContain("argument 'stuck' is invalid. Allowed choices are pending, in_flight, done, dead");
    expect(kind.code).toBe(1);
    expect(kind.stderr).toContain('Allowed choices are add_user, update_user');
    expect(limit.code).toBe(1);
    expect(limit.stderr).toContain('expected a whole number from 1 to 100000');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('name the commands to approve');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give ids or --all, not both');

    const unknown = await Promise.all(['retry', 'skip', 'cancel'].map((action) => lpprov(databaseUrl, ['outbox', action, '424242'])));
    for (const result of unknown) {
      expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'lpprov: there is no outbox command with id 424242\n' });
    }
  });

  it('exits 1 and never prints the password', async () => {
    const url = 'postgres://lpprov:S3cret%2Fpw@127.0.0.1:9/lpprov';
    for (const args of [['migrate'], ['outbox', 'status']]) {
      const result = await lpprov(url, args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('cannot reach the database (PostgreSQL postgres://lpprov:***@127.0.0.1:9/lpprov)');
      expect(result.stderr).not.toMatch(/S3cret/);
    }
  });

  it('exits 1 on an invalid configuration', async () => {
    const result = await lpprov(':memory:', ['outbox', 'status'], { LASTPASS_CID: '123' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LASTPASS_CID and LASTPASS_PROVHASH must be set together');
  });
});

describe.concurrent.each(ENGINES)('lpprov outbox on %s', (engine) => {
  it('lists commands as a table, filtered, limited and as JSON', async (ctx) => {
    const { db, databaseUrl } = await freshDatabase(engine, ctx);
    const ids = await seed(db);

    const all = await lpprov(databaseUrl, ['outbox', 'list']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^ID +PERSON +SEQ +KIND +STATUS +ATTEMPTS +NEXT ATTEMPT \(UTC\) +LAST ERROR$/);
    const rows = tableRows(all.stdout);
    expect(rows.map((r) => [Number(r[0]), r[1], r[2], r[3], r[4], r[5]])).toEqual(
      [
        [ids.dead, 'alice', '1', 'add_user', 'dead', '1'],
        [ids.held, 'alice', '2', 'change_groups', 'pending', '0'],
        [ids.parked[0], 'bob', '1', 'disable_user', 'awaiting_approval', '0'],
        [ids.parked[1], 'carol', '1', 'delete_user', 'awaiting_approval', '0'],
        [ids.done, 'erin', '1', 'add_user', 'done', '1'],
        [ids.scheduled, 'dave', '1', 'add_user', 'pending', '0'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const daveRow = rows.find((r) => r[1] === 'dave');
    expect(daveRow?.[6]).toBe('2099-01-05T10:30:00.000Z');
    // Escape sequences and newlines of the error never reach the terminal; one row stays one line.
    const aliceRow = rows.find((r) => r[4] === 'dead');
    expect(aliceRow?.[6]).toBe('-');
    expect(aliceRow?.[7]).toBe('LastPass refused batchadd:  [31mbad group [0m see the Admin…');
    expect(all.stdout).not.toContain('\u001b');
    expect(all.stdout).toContain('\n6 commands\n');

    const dead = await lpprov(databaseUrl, ['outbox', 'list', '--status', 'dead']);
    expect(tableRows(dead.stdout).map((r) => Number(r[0]))).toEqual([ids.dead]);
    const alice = await lpprov(databaseUrl, ['outbox', 'list', '--person', 'alice', '--kind', 'change_groups']);
    expect(tableRows(alice.stdout).map((r) => Number(r[0]))).toEqual([ids.held]);
    const limited = await lpprov(databaseUrl, ['outbox', 'list', '--limit', '2']);
    expect(tableRows(limited.stdout)).toHaveLength(2);
    expect(limited.stdout).toContain('2 commands (the first 2 by id; filter or raise --limit to see more)');

    const json = await lpprov(databaseUrl, ['outbox', 'list', '--status', 'awaiting_approval', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toEqual({
      id: ids.parked[0],
      personId: 'bob',
      seq: 1,
      kind: 'disable_user',
      status: 'awaiting_approval',
      attempts: 0,
      notBefore: '2026-01-05T09:00:00.000Z',
      lastError: null,
      resolution: 'parked by the mass-change breaker: 12 destructive commands',
      idempotencyKey: 'bob-0',
      createdAt: '2026-01-05T09:00:00.000Z',
      updatedAt: '2026-01-05T09:00:00.000Z',
      command: { kind: 'disable_user', username: 'bob@acme.example' },
    });
  });

  it('shows every field of one command, as text and JSON', async (ctx) => {
    const { db, databaseUrl } = await freshDatabase(engine, ctx);
    const ids = await seed(db);

    const text = await lpprov(databaseUrl, ['outbox', 'show', String(ids.dead)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        `id               ${ids.dead}`,
        'person           alice',
        'seq              1',
        'kind             add_user',
        'status           dead',
        'attempts         1',
        'not before       2026-01-05T09:00:00.000Z',
        'last error       LastPass refused batchadd:  [31mbad group [0m see the Admin Console',
        'resolution       -',
        'idempotency key  alice-0',
        'created          2026-01-05T09:00:00.000Z',
        'updated          2026-01-05T09:00:00.000Z',
        'command',
        '  {',
        '    "kind": "add_user",',
        '    "username": "alice@acme.example",',
        '    "groups": [',
        '      "hr-all"',
        '    ]',
        '  }',
        '',
      ].join('\n'),
    );

    const json = await lpprov(databaseUrl, ['outbox', 'show', String(ids.parked[1]), '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: ids.parked[1],
      status: 'awaiting_approval',
      resolution: 'parked by the mass-change breaker: 12 destructive commands',
      command: { kind: 'delete_user', username: 'carol@acme.example', action: 'delete' },
    });

    const unknown = await lpprov(databaseUrl, ['outbox', 'show', '999999']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'lpprov: there is no outbox command with id 999999\n' });
    const notAnId = await lpprov(databaseUrl, ['outbox', 'show', 'alice']);
    expect(notAnId.code).toBe(1);
  });

  it('retries, skips and cancels, refusing wrong states and unknown ids with exit 2', async (ctx) => {
    const { db, databaseUrl } = await freshDatabase(engine, ctx);
    const ids = await seed(db);
    const admin = new SqlOutboxAdmin(db);

    const retry = await lpprov(databaseUrl, ['outbox', 'retry', String(ids.dead), '--actor', 'ops-anna']);
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(retry.stdout).toBe(`command ${ids.dead} (add_user for alice, seq 1): dead -> pending (retried by ops-anna)\n`);
    const retried = await admin.get(ids.dead);
    expect(retried).toMatchObject({ status: 'pending', attempts: 0, lastError: undefined, resolution: 'retried by ops-anna' });

    const again = await lpprov(databaseUrl, ['outbox', 'retry', String(ids.dead)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`lpprov: command ${ids.dead} (add_user for alice, seq 1) is pending; retry takes only dead commands\n`);
    const cancelDone = await lpprov(databaseUrl, ['outbox', 'cancel', String(ids.done)]);
    expect(cancelDone.code).toBe(2);
    expect(cancelDone.stderr).toContain('is done; cancel takes only pending, dead or awaiting_approval commands');
    expect(await statusOf(db, ids.done)).toBe('done');

    // Dead again (the dispatcher failed it once more), then skipped by the default actor.
    const store = outboxStoreFor(db);
    const [claimed] = await store.claim('test', 10, 60_000, Date.now());
    expect(claimed?.id).toBe(ids.dead);
    await store.deadLetter(ids.dead, 'test', 'refused again', Date.now());
    const skip = await lpprov(databaseUrl, ['outbox', 'skip', String(ids.dead)]);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain(`dead -> skipped (skipped by ${ME})`);
    expect(await admin.get(ids.dead)).toMatchObject({ status: 'skipped', resolution: `skipped by ${ME}` });

    const cancel = await lpprov(databaseUrl, ['outbox', 'cancel', String(ids.scheduled), '--actor', 'ops-anna']);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain('pending -> cancelled (cancelled by ops-anna)');
    expect(await statusOf(db, ids.scheduled)).toBe('cancelled');
  });

  it('approves and rejects parked commands and closes the breaker once none is left', async (ctx) => {
    const { db, databaseUrl } = await freshDatabase(engine, ctx);
    const ids = await seed(db);
    const control = new SqlAccountControl(db);
    await control.openBreaker('simulator', '12 destructive commands within 60 min', NOW);

    // One id that is not parked refuses the whole request.
    const mixed = await lpprov(databaseUrl, ['outbox', 'approve', String(ids.parked[0]), String(ids.dead), '999999']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe(
      `lpprov: approve refused, nothing was changed: command ${ids.dead} is dead, not awaiting_approval; ` +
        'there is no outbox command with id 999999\n',
    );
    expect(await statusOf(db, ids.parked[0])).toBe('awaiting_approval');

    const approve = await lpprov(databaseUrl, ['outbox', 'approve', String(ids.parked[0]), '--actor', 'ops-anna']);
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toBe(
      '1 command approved: pending again, past the breaker\n' +
        '1 command still awaits approval\n' +
        'breaker for account simulator: open (12 destructive commands within 60 min)\n',
    );
    expect(await new SqlOutboxAdmin(db).get(ids.parked[0])).toMatchObject({ status: 'pending', resolution: 'approved by ops-anna' });
    const [approved] = await db.query<{ approved: unknown }>('SELECT approved FROM outbox WHERE id = $1', [ids.parked[0]]);
    expect(Number(approved?.approved)).toBe(1);
    expect((await control.state('simulator')).breaker).toBe('open');

    const reject = await lpprov(databaseUrl, ['outbox', 'reject', '--all']);
    expect(reject.code).toBe(0);
    expect(reject.stdout).toBe(
      '1 command rejected: cancelled\nnothing else awaits approval\nbreaker for account simulator: closed\n',
    );
    expect(await new SqlOutboxAdmin(db).get(ids.parked[1])).toMatchObject({ status: 'cancelled', resolution: `rejected by ${ME}` });
    expect(await control.state('simulator')).toMatchObject({ breaker: 'closed', breakerReason: undefined });
  });

  it('closes the breaker of the configured account (LASTPASS_CID) when --all finds nothing parked', async (ctx) => {
    const { db, databaseUrl } = await freshDatabase(engine, ctx);
    const control = new SqlAccountControl(db);
    await control.openBreaker('8771312', 'tripped', NOW);
    await control.openBreaker('simulator', 'tripped', NOW);
    const result = await lpprov(databaseUrl, ['outbox', 'approve', '--all'], {
      LASTPASS_CID: '8771312',
      LASTPASS_PROVHASH: 'cli-outbox-test-provhash',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('nothing was awaiting approval\nnothing else awaits approval\nbreaker for account 8771312: closed\n');
    expect((await control.state('8771312')).breaker).toBe('closed');
    expect((await control.state('simulator')).breaker).toBe('open');
  });

  it('reports counts, the pause and the breaker as text and JSON', async (ctx) => {
    const { db, databaseUrl } = await freshDatabase(engine, ctx);
    await seed(db);
    const control = new SqlAccountControl(db);
    const until = Date.now() + 3_600_000;
    await control.pause('simulator', until, 'LastPass asked to wait: HTTP 429', NOW);
    await control.recordAuthFailure('simulator', until, 'LastPass asked to wait: HTTP 429', NOW);
    await control.openBreaker('simulator', '12 destructive commands within 60 min', NOW);

    const text = await lpprov(databaseUrl, ['outbox', 'status']);
    expect(text.code).toBe(0);
    const untilIso = new Date(until).toISOString();
    expect(text.stdout).toContain(
      'account      simulator\n' +
        `dispatch     PAUSED until ${untilIso}: LastPass asked to wait: HTTP 429\n` +
        'credentials  LastPass refused them 1 time in a row\n' +
        'breaker      OPEN: 12 destructive commands within 60 min\n' +
        'inputs       no open dead letters\n',
    );
    expect(tableRows(text.stdout)).toEqual([
      ['pending', '2'],
      ['in_flight', '0'],
      ['done', '1'],
      ['dead', '1'],
      ['awaiting_approval', '2'],
      ['skipped', '0'],
      ['cancelled', '0'],
    ]);
    expect(text.stdout).toContain('2 commands parked by the mass-change breaker');
    expect(text.stdout).toContain('1 dead command: lpprov outbox list --status dead');

    const json = await lpprov(databaseUrl, ['outbox', 'status', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      account: 'simulator',
      counts: { pending: 2, in_flight: 0, done: 1, dead: 1, awaiting_approval: 2, skipped: 0, cancelled: 0 },
      pause: { active: true, until: untilIso, reason: 'LastPass asked to wait: HTTP 429' },
      authFailures: 1,
      breaker: { state: 'open', reason: '12 destructive commands within 60 min' },
      inputDeadLetters: 0,
    });

    const other = await lpprov(databaseUrl, ['outbox', 'status', '--json', '--account', '8771312']);
    const quiet = JSON.parse(other.stdout) as { pause: { until: unknown }; breaker: unknown };
    expect(quiet.pause).toEqual({ active: false, until: null, reason: null });
    expect(quiet.breaker).toEqual({ state: 'closed', reason: null });
  });
});
