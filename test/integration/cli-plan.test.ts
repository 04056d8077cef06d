import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it, type TestContext } from 'vitest';

import { applyHrInputs } from '../../src/app/apply-hr-inputs.ts';
import { DryRunUnitOfWork } from '../../src/app/dry-run-unit-of-work.ts';
import { createScimUser } from '../../src/app/scim/scim-users.ts';
import { withRolledBackTransaction } from '../../src/cli/plan/rolled-back-transaction.ts';
import { parsePolicy } from '../../src/config/policy-file.ts';
import { type HrEvent, parseHrEvent } from '../../src/core/events/hr-event.ts';
import type { Policy } from '../../src/core/policy/policy.ts';
import type { SqlDatabase } from '../../src/db/sql-database.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { outboxStoreFor } from '../../src/outbox/open-outbox.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createPostgresDatabase, createSqliteFile, createTestDatabase, ENGINES, type Engine, type TestDatabase } from '../support/databases.ts';
import { type CliResult, runLpprov, runnerEnv } from '../support/lpprov-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/lpprov.js', import.meta.url));
const DAY = 24 * 60 * 60 * 1000;
const AT = '2026-01-05T09:00:00.000Z';
const NOW = Date.parse(AT);
const SOURCE = 'hris://workday/acme-test';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The policy the child process reads (POLICY_FILE) and the seeding here applies. */
const POLICY_YAML = `
managed_groups: { prefix: "hr-" }
group_rules:
  - when: { always: true }
    groups: [hr-all-staff]
  - when: { path: worker.org.department, equals: Sales }
    groups: [hr-sales]
defaults:
  leaver:
    on_effective: deactivate
    after_grace: { after: P30D, action: delete }
`;
const GRACE_MS = 30 * DAY;
const POLICY: Policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  group_rules: [
    { when: { always: true }, groups: ['hr-all-staff'] },
    { when: { path: 'worker.org.department', equals: 'Sales' }, groups: ['hr-sales'] },
  ],
  defaults: { leaver: { on_effective: 'deactivate', after_grace: { after: 'P30D', action: 'delete' } } },
});

const TABLES = ['people', 'inbox', 'outbox', 'dead_letters', 'scim_users', 'scim_user_emails', 'scim_groups', 'scim_group_members'];

interface Workspace {
  readonly dir: string;
  readonly policyFile: string;
  write(name: string, content: unknown): string;
}

function workspace(ctx: Pick<TestContext, 'onTestFinished'>): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'lpprov-plan-test-'));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY_YAML);
  return {
    dir,
    policyFile,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}

/** Runs `node bin/lpprov.js …` as a real child process. */
function lpprov(databaseUrl: string, args: readonly string[], options: { policyFile?: string; stdin?: string } = {}): Promise<CliResult> {
  const env = {
    ...runnerEnv(),
    DATABASE_URL: databaseUrl,
    ...(options.policyFile === undefined ? {} : { POLICY_FILE: options.policyFile }),
  };
  return runLpprov(args, env, { script: BIN, stdin: options.stdin ?? '' });
}

interface PlannedJson {
  readonly personId: string;
  readonly order: number;
  readonly kind: string;
  readonly username: string;
  readonly notBefore: string | null;
  readonly precondition: { epoch: number; notOnLegalHold: boolean } | null;
  readonly command: Record<string, unknown>;
}

interface InputJson {
  readonly kind: 'hr_event' | 'scim';
  readonly outcome?: string;
  readonly status?: number | null;
  readonly response?: Record<string, unknown> | null;
  readonly events: { personId: string; eventType: string; outcome: string }[];
  readonly enqueue: PlannedJson[];
  readonly cancel: { id: number; plannedInThisRun: boolean; personId: string; kind: string; reason: string }[];
  readonly deadLetters: { reason: string }[];
}

interface PlanJson {
  readonly at: string;
  readonly database: string;
  readonly emptyDatabase: boolean;
  readonly written: boolean;
  readonly inputs: InputJson[];
}

function planOf(result: CliResult): PlanJson {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

function input(plan: PlanJson, index: number): InputJson {
  const found = plan.inputs[index];
  if (found === undefined) throw new Error(`the plan has no input ${index + 1}`);
  return found;
}

function event(overrides: Parameters<typeof hrEvent>[0]): { raw: Record<string, unknown>; parsed: HrEvent } {
  const raw = hrEvent({ source: SOURCE, ...overrides });
  const parsed = parseHrEvent(raw);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { raw, parsed: parsed.event };
}

async function freshDatabase(engine: Engine, ctx: Pick<TestContext, 'onTestFinished'>): Promise<TestDatabase> {
  const testDb = await createTestDatabase(engine);
  ctx.onTestFinished(() => testDb.dispose());
  return testDb;
}

/** Applies events for real, then completes their commands as the dispatcher would once LastPass said OK. */
async function applyForReal(db: SqlDatabase, events: readonly HrEvent[]): Promise<string[]> {
  const results = await applyHrInputs(
    { unitOfWork: new SqlUnitOfWork(db), clock: { now: () => NOW - DAY }, policy: POLICY },
    events.map((e) => ({ kind: 'event', event: e })),
  );
  await completeEverything(db);
  return results;
}

async function completeEverything(db: SqlDatabase): Promise<void> {
  const store = outboxStoreFor(db);
  const claimed = await store.claim('test', 100, 60_000, NOW);
  await store.complete(
    claimed.map((c) => c.id),
    'test',
    NOW,
  );
}

/** Row counts of every table a plan could write to, and for SQLite the database file's digest. */
async function snapshot(testDb: TestDatabase): Promise<Record<string, number | string>> {
  const counts: Record<string, number | string> = {};
  for (const table of TABLES) {
    const [row] = await testDb.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number(row?.n);
  }
  const [pending] = await testDb.db.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'");
  counts.pendingOutbox = Number(pending?.n);
  if (testDb.engine === 'sqlite') {
    // Committed pages go into the file itself, so a digest of it (and of an empty WAL) says nothing changed.
    await testDb.db.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const digest = createHash('sha256').update(readFileSync(testDb.databaseUrl));
    if (existsSync(`${testDb.databaseUrl}-wal`)) digest.update(readFileSync(`${testDb.databaseUrl}-wal`));
    counts.sha256 = digest.digest('hex');
  }
  return counts;
}

describe.concurrent.each(ENGINES)('lpprov plan on %s', (engine) => {
  it('(a) plans a joiner against an empty database: add_user with the policy groups', async (ctx) => {
    const ws = workspace(ctx);
    const joiner = event({ personId: 'E100', email: 'Ann@Acme.example', department: 'Sales', given: 'Ann', family: 'Archer', time: AT });
    let databaseUrl: string;
    if (engine === 'sqlite') {
      databaseUrl = join(ws.dir, 'data', 'lpprov.db');
    } else {
      databaseUrl = (await freshDatabase(engine, ctx)).databaseUrl;
    }
    const file = ws.write('joiner.json', joiner.raw);

    const plan = planOf(await lpprov(databaseUrl, ['plan', file, '--json', '--at', AT], { policyFile: ws.policyFile }));
    expect(plan.at).toBe(AT);
    expect(plan.written).toBe(false);
    // With no SQLite file there, an empty in-memory database stands in, and nothing is created.
    expect(plan.emptyDatabase).toBe(engine === 'sqlite');
    if (engine === 'sqlite') expect(existsSync(databaseUrl)).toBe(false);
    const only = input(plan, 0);
    expect(only.outcome).toBe('applied');
    expect(only.cancel).toEqual([]);
    expect(only.enqueue).toMatchObject([
      {
        personId: 'E100',
        order: 1,
        kind: 'add_user',
        username: 'ann@acme.example',
        notBefore: null,
        command: { kind: 'add_user', username: 'ann@acme.example', fullname: 'Ann Archer', groups: ['hr-all-staff', 'hr-sales'] },
      },
    ]);

    // The same file from stdin, for people: one table row with the groups.
    const text = await lpprov(databaseUrl, ['plan', '-', '--at', AT], { policyFile: ws.policyFile, stdin: JSON.stringify(joiner.raw) });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(engine === 'sqlite' ? 'planned against an empty in-memory database' : `against PostgreSQL`);
    expect(text.stdout).toMatch(/^ +1 +E100 +add_user +ann@acme\.example +groups hr-all-staff, hr-sales; name Ann Archer +now +-$/m);
    expect(text.stdout).toContain('Nothing was written');
  });

  it('(b, d) plans a leaver for someone applied for real: disable, then a scheduled delete; writes nothing', async (ctx) => {
    const ws = workspace(ctx);
    const testDb = await freshDatabase(engine, ctx);
    const joiner = event({ personId: 'E200', email: 'bob@acme.example', time: '2026-01-02T08:00:00Z', sequence: 1 });
    expect(await applyForReal(testDb.db, [joiner.parsed])).toEqual(['applied']);

    // A leave that takes effect after --at: --at is what lets it be previewed as scheduled.
    const leavesAt = Date.parse('2026-02-01T17:00:00Z');
    const leaver = event({
      personId: 'E200',
      email: 'bob@acme.example',
      type: 'io.lpprov.hr.worker.left.v1',
      time: '2026-01-04T08:00:00Z',
      effectiveAt: new Date(leavesAt).toISOString(),
      sequence: 2,
    });
    const file = ws.write('leaver.ndjson', `${JSON.stringify(leaver.raw)}\n`);

    const before = await snapshot(testDb);
    const plan = planOf(await lpprov(testDb.databaseUrl, ['plan', file, '--json', '--at', AT], { policyFile: ws.policyFile }));
    expect(plan.emptyDatabase).toBe(false);
    const only = input(plan, 0);
    expect(only.outcome).toBe('applied');
    expect(only.enqueue.map((c) => [c.order, c.kind, c.username, c.notBefore, c.command.action ?? null])).toEqual([
      [1, 'disable_user', 'bob@acme.example', new Date(leavesAt).toISOString(), null],
      [2, 'delete_user', 'bob@acme.example', new Date(leavesAt + GRACE_MS).toISOString(), 'delete'],
    ]);
    expect(only.enqueue[1]?.precondition).toMatchObject({ notOnLegalHold: true });
    expect(only.cancel).toEqual([]);

    // The human table shows the same two steps, the scheduled times in ISO 8601.
    const text = await lpprov(testDb.databaseUrl, ['plan', file, '--at', AT], { policyFile: ws.policyFile });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^ +1 +E200 +disable_user +bob@acme\\.example +- +${new Date(leavesAt).toISOString()} `, 'm'));
    expect(text.stdout).toMatch(/^ +2 +E200 +delete_user +bob@acme\.example +deleteaction delete +\S+ +lifecycle epoch \d+, not on legal hold$/m);

    // (d) Nothing was written: same rows, same file; and the event is still new to the inbox.
    expect(await snapshot(testDb)).toEqual(before);
    const [realResult] = await applyHrInputs({ unitOfWork: new SqlUnitOfWork(testDb.db), clock: { now: () => NOW }, policy: POLICY }, [
      { kind: 'event', event: leaver.parsed },
    ]);
    expect(realResult).toBe('applied');
    const kinds = await testDb.db.query<{ kind: string }>("SELECT kind FROM outbox WHERE person_id = 'E200' AND status = 'pending' ORDER BY seq");
    expect(kinds.map((k) => k.kind)).toEqual(['disable_user', 'delete_user']);
  });

  it('(c, d) plans a SCIM file in order, each request seeing the earlier ones, and writes nothing', async (ctx) => {
    const ws = workspace(ctx);
    const testDb = await freshDatabase(engine, ctx);
    // A SCIM user provisioned for real earlier, its add_user already sent.
    const existing = await createScimUser(
      { unitOfWork: new SqlUnitOfWork(testDb.db), clock: { now: () => NOW - DAY }, policy: POLICY, newId: () => 'real-user-1' },
      'okta',
      { schemas: [USER_SCHEMA], userName: 'carol@acme.example', emails: [{ value: 'carol@acme.example', type: 'work', primary: true }], active: true },
    );
    await completeEverything(testDb.db);
    const deactivate = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] };
    const file = ws.write('scim.json', [
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'dan',
        idp: 'okta',
        body: {
          schemas: [USER_SCHEMA],
          userName: 'dan@acme.example',
          name: { givenName: 'Dan', familyName: 'Dale' },
          emails: [{ value: 'dan@acme.example', type: 'work', primary: true }],
          active: true,
        },
      },
      { method: 'PATCH', path: '/Users/bulkId:dan', idp: 'okta', body: deactivate },
      { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: 'DAN@acme.example' } },
      { method: 'PATCH', path: `/Users/${existing.id}`, idp: 'okta', body: deactivate },
    ]);

    const before = await snapshot(testDb);
    const plan = planOf(await lpprov(testDb.databaseUrl, ['plan', file, '--json', '--at', AT], { policyFile: ws.policyFile }));
    const [created, patched, duplicate, existingPatched] = [0, 1, 2, 3].map((i) => input(plan, i));

    expect(created?.status).toBe(201);
    const danId = created?.response?.id;
    expect(typeof danId).toBe('string');
    expect(created?.events).toMatchObject([{ personId: `scim:${String(danId)}`, eventType: 'io.lpprov.hr.worker.joined.v1', outcome: 'applied' }]);
    expect(created?.enqueue).toMatchObject([{ kind: 'add_user', username: 'dan@acme.example', command: { fullname: 'Dan Dale' } }]);

    // The PATCH found the user the POST created, and its leave cancels the add_user never sent.
    expect(patched?.status).toBe(204);
    expect(patched?.events).toMatchObject([{ personId: `scim:${String(danId)}`, eventType: 'io.lpprov.hr.worker.left.v1', outcome: 'applied' }]);
    expect(patched?.enqueue).toEqual([]);
    expect(patched?.cancel).toMatchObject([{ plannedInThisRun: true, personId: `scim:${String(danId)}`, kind: 'add_user' }]);

    // userName is unique without regard to case: the endpoint's own 409, nothing planned.
    expect(duplicate?.status).toBe(409);
    expect(duplicate?.response).toMatchObject({ scimType: 'uniqueness' });
    expect(duplicate?.enqueue).toEqual([]);

    // A user LastPass already has is disabled now and deleted after the grace period.
    expect(existingPatched?.status).toBe(204);
    expect(existingPatched?.enqueue.map((c) => [c.kind, c.username, c.notBefore])).toEqual([
      ['disable_user', 'carol@acme.example', null],
      ['delete_user', 'carol@acme.example', new Date(NOW + GRACE_MS).toISOString()],
    ]);

    // (d) Nothing was written: no SCIM user, inbox row or command; the real user is still active.
    expect(await snapshot(testDb)).toEqual(before);
    const [carol] = await testDb.db.query<{ active: unknown }>("SELECT active FROM scim_users WHERE id = 'real-user-1'");
    expect(Boolean(Number(carol?.active))).toBe(true);
  });

  it('(e) refuses an invalid file with exit 2, listing every problem, before touching the database', async (ctx) => {
    const ws = workspace(ctx);
    const testDb = await freshDatabase(engine, ctx);
    const bad = hrEvent({ personId: 'E300', email: 'not-an-email' });
    const file = ws.write('bad.json', [hrEvent(), bad, { method: 'PATCH', path: '/Users' }]);

    const result = await lpprov(testDb.databaseUrl, ['plan', file], { policyFile: ws.policyFile });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^lpprov: ${file}: item 2: data\\.worker\\.email\\.work: `)),
      `lpprov: ${file}: item 3: path: PATCH needs the resource: /Users/<id> or /Groups/<id>`,
      `lpprov: ${file}: item 3: body: PATCH needs a body (a JSON object)`,
    ]);
  });
});

describe.concurrent('lpprov plan: usage and database errors', () => {
  it('exits 2 for a missing file, a file of the wrong shape, a bad --at and an unknown option', async (ctx) => {
    const ws = workspace(ctx);
    const nowhere = join(ws.dir, 'nowhere.db');
    const event = ws.write('event.json', hrEvent());
    const [missing, shape, at, option] = await Promise.all([
      lpprov(nowhere, ['plan', join(ws.dir, 'missing.json')]),
      lpprov(nowhere, ['plan', ws.write('shape.json', { users: [] })]),
      lpprov(nowhere, ['plan', event, '--at', '2026-01-05T09:00:00']),
      lpprov(nowhere, ['plan', event, '--dry']),
    ]);
    expect([missing.code, shape.code, at.code, option.code]).toEqual([2, 2, 2, 2]);
    expect(missing.stderr).toBe(`lpprov: cannot read ${join(ws.dir, 'missing.json')}: ENOENT\n`);
    expect(shape.stderr).toContain('the file: expected an HR event (a CloudEvent: an object with "specversion") or a SCIM request');
    expect(at.stderr).toContain('expected an ISO 8601 time with a zone');
    expect(option.stderr).toContain("unknown option '--dry'");
    expect(existsSync(nowhere)).toBe(false);
  });

  it('exits 1 when the database cannot be reached, has no schema, or the policy is invalid', async (ctx) => {
    const ws = workspace(ctx);
    const event = ws.write('event.json', hrEvent());
    const created = await createPostgresDatabase();
    ctx.onTestFinished(() => created.drop());
    const file = createSqliteFile();
    ctx.onTestFinished(() => file.remove());
    const badPolicy = ws.write('bad-policy.yaml', 'group_rules: [{ when: { always: true }, groups: [] }]\n');
    const [unreachable, unmigrated, policy] = await Promise.all([
      lpprov('postgres://postgres@127.0.0.1:1/lpprov', ['plan', event]),
      lpprov(created.url, ['plan', event]),
      lpprov(file.path, ['plan', event], { policyFile: badPolicy }),
    ]);
    expect([unreachable.code, unmigrated.code, policy.code]).toEqual([1, 1, 1]);
    expect(unreachable.stderr).toMatch(/^lpprov: cannot reach the database/);
    expect(unmigrated.stderr).toMatch(/has no lpprov schema: run lpprov migrate first/);
    expect(policy.stderr).toMatch(/^lpprov: invalid configuration:/);
    expect(policy.stderr).toContain(`${badPolicy}: group_rules.0.groups: `);
    expect(unreachable.stdout + unmigrated.stdout + policy.stdout).toBe('');
  });
});

describe.concurrent.each(ENGINES)('the dry-run transaction on %s', (engine) => {
  it('keeps each run atomic inside it: a failed run leaves nothing, and later runs still work and see earlier ones', async (ctx) => {
    const testDb = await freshDatabase(engine, ctx);
    const entry = { source: 'test', eventId: 'e1', personId: 'P1', eventType: 't', outcome: 'applied', receivedAt: NOW } as const;
    const seen = await withRolledBackTransaction(testDb.db, async (inner) => {
      const unitOfWork = new DryRunUnitOfWork(inner);
      await unitOfWork.run((scope) => scope.inbox.record(entry));
      // The same primary key again: PostgreSQL would abort the whole transaction without a savepoint.
      await expect(
        unitOfWork.run(async (scope) => {
          await scope.inbox.record({ ...entry, eventId: 'e2' });
          await scope.inbox.record(entry);
        }),
      ).rejects.toThrow();
      const visible = await unitOfWork.run(async (scope) => [await scope.inbox.has('test', 'e1'), await scope.inbox.has('test', 'e2')]);
      return { visible, recorded: unitOfWork.take().inbox.map((e) => e.eventId) };
    });
    expect(seen).toEqual({ visible: [true, false], recorded: ['e1'] });
    expect(await testDb.db.query('SELECT * FROM inbox')).toEqual([]);
  });
});
