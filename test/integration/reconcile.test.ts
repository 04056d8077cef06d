import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyHrInputs } from '../../src/app/apply-hr-inputs.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { loadPolicy } from '../../src/config/policy-file.ts';
import { parseHrEvent } from '../../src/core/events/hr-event.ts';
import type { Policy } from '../../src/core/policy/policy.ts';
import { Secret } from '../../src/core/secret.ts';
import { SqlReconcileSchedule } from '../../src/db/reconcile-schedule.repository.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { LastPassClient } from '../../src/lastpass/lastpass.client.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent, type EventOverrides } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { captureLogs, type CapturedLogs } from '../support/log-capture.ts';
import { type CliResult, minimalEnv, runLpprov } from '../support/lpprov-cli.ts';
import { simulatorCalls } from '../support/simulator-calls.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'reconcile-test-provisioning-hash-5d1e' };

const POLICY = {
  managed_groups: { prefix: 'hr-' },
  group_rules: [
    { when: { always: true }, groups: ['hr-all'] },
    { when: { path: 'worker.org.department', equals: 'Engineering' }, groups: ['hr-eng'] },
  ],
  // No scheduled delete after a leave: a leaver's queue is empty once the disable has run.
  defaults: { leaver: { after_grace: 'never' } },
};

const email = (name: string): string => `${name}@acme.example`;

interface JsonReport {
  runId: string;
  fix: boolean;
  drift: number;
  enqueued: number;
  counts: Record<string, number>;
  findings: { finding: string; username: string; personId: string | null; detail: string; fix: string | null; outcome: string }[];
}

interface SimUser {
  username: string;
  disabled: boolean;
  deleted: boolean;
  removed: boolean;
  uninvited: boolean;
  groups: string[];
}

/**
 * `lpprov reconcile` as a real child process against a real database and the simulator: every kind
 * of drift is seeded, reported, corrected through the outbox and the dispatcher, and a second run
 * finds nothing. An existing LastPass user is adopted (no batchadd) both for a joiner whose
 * invitation was waiting and, through the snapshot, for a joiner who arrives afterwards.
 */
describe.each(ENGINES)('lpprov reconcile on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let client: LastPassClient;
  let policy: Policy;
  let folder: string;
  let policyFile: string;

  const env = (): Record<string, string> => ({
    DATABASE_URL: testDb.databaseUrl,
    LASTPASS_URL: simulator.endpoint,
    LASTPASS_CID: CREDENTIALS.cid,
    LASTPASS_PROVHASH: CREDENTIALS.provhash,
    POLICY_FILE: policyFile,
  });

  const cli = (args: readonly string[], extra: Record<string, string> = env()): Promise<CliResult> =>
    runLpprov(args, { ...minimalEnv(), ...extra });

  const apply = async (overrides: EventOverrides): Promise<void> => {
    const parsed = parseHrEvent(hrEvent(overrides));
    if (!parsed.ok) throw new Error(parsed.reason);
    await applyHrInputs({ unitOfWork: new SqlUnitOfWork(testDb.db), clock: { now: () => Date.now() }, policy }, [
      { kind: 'event', event: parsed.event },
    ]);
  };

  const control = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${simulator.url}/_simulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator refused ${path}: ${await response.text()}`);
  };

  const simUsers = async (): Promise<Map<string, SimUser>> => {
    const state = (await (await fetch(`${simulator.url}/_simulator/state`)).json()) as { users: SimUser[] };
    const current = state.users.filter((u) => !u.deleted && !u.removed && !u.uninvited);
    return new Map(current.map((u) => [u.username, u]));
  };

  const outbox = (personId: string) =>
    testDb.db.query<{ kind: string; status: string; resolution: string | null; idempotency_key: string }>(
      'SELECT kind, status, resolution, idempotency_key FROM outbox WHERE person_id = $1 ORDER BY seq',
      [personId],
    );

  /** Runs lpprov's dispatcher until every due command has been sent. */
  const dispatch = async (): Promise<void> => {
    const running: RunningLpprov = await startLpprov(
      loadConfig({ ...env(), PORT: '0', DISPATCH_POLL_MS: '50', DISPATCH_GATHER_MS: '5' }),
      { logger: createLogger({ level: 'silent' }) },
    );
    try {
      await waitFor(
        async () => {
          const [row] = await testDb.db.query<{ n: unknown }>(
            "SELECT COUNT(*) AS n FROM outbox WHERE status = 'in_flight' OR (status = 'pending' AND not_before <= $1)",
            [Date.now()],
          );
          return Number(row?.n) === 0;
        },
        { intervalMs: 50, description: 'the outbox to drain' },
      );
    } finally {
      await running.stop();
    }
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lpprov-reconcile-'));
    policyFile = join(folder, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(POLICY));
    policy = await loadPolicy(policyFile);
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    client = new LastPassClient({
      cid: CREDENTIALS.cid,
      provhash: new Secret(CREDENTIALS.provhash),
      url: simulator.endpoint,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await client.close();
    await simulator.stop();
    await testDb.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('refuses without LastPass credentials and says why (simulation mode cannot be reconciled from outside)', async () => {
    const { LASTPASS_CID: _cid, LASTPASS_PROVHASH: _hash, ...withoutCredentials } = env();
    const result = await cli(['reconcile'], withoutCredentials);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LASTPASS_CID and LASTPASS_PROVHASH are not set');
    expect(result.stderr).toContain('lpprov simulator');
    expect(result.stdout).toBe('');
  });

  it('reports no drift when LastPass is as planned', async () => {
    for (const name of ['missing', 'leaver', 'groups', 'reenable']) {
      await apply({ personId: `P-${name}`, email: email(name), department: 'Engineering' });
    }
    await dispatch();
    await apply({ personId: 'P-leaver', email: email('leaver'), type: 'io.lpprov.hr.worker.left.v1', phase: 'immediate' });
    await dispatch();

    const result = await cli(['reconcile', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.findings).toEqual([]);
    expect(report.drift).toBe(0);
  });

  it('reports every kind of drift as a table and as JSON, exits 5, and changes nothing', async () => {
    await client.deleteUser(email('missing'), 'delete');
    await control('users/update', { username: email('leaver'), disabled: false });
    await client.changeGroups([{ username: email('groups'), add: ['hr-rogue', 'Finance'], del: ['hr-eng'] }]);
    await control('users/update', { username: email('reenable'), disabled: true });
    await control('users', {
      users: [
        { username: email('stray'), groups: ['Contractors'] },
        { username: email('adopt'), fullname: 'Ada Adopt', groups: ['hr-legacy', 'Finance'] },
        { username: email('future'), fullname: 'Fay Future', groups: ['Finance'], disabled: true },
      ],
    });
    // A joiner whose invitation is waiting (no dispatcher runs) while LastPass already has them.
    await apply({ personId: 'P-adopt', email: email('adopt'), department: 'Engineering' });
    const outboxBefore = await testDb.db.query('SELECT id, status FROM outbox ORDER BY id');

    const json = await cli(['reconcile', '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(5);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.fix).toBe(false);
    expect(report.findings.map((f) => [f.finding, f.username, f.personId, f.outcome])).toEqual([
      ['missing', email('missing'), 'P-missing', 'fixable'],
      ['unexpected', email('future'), null, 'report_only'],
      ['unexpected', email('stray'), null, 'report_only'],
      ['disabled_but_active', email('leaver'), 'P-leaver', 'fixable'],
      ['active_but_disabled', email('reenable'), 'P-reenable', 'fixable'],
      ['group_drift', email('groups'), 'P-groups', 'fixable'],
      ['adoptable', email('adopt'), 'P-adopt', 'fixable'],
    ]);
    const byKind = new Map(report.findings.map((f) => [f.finding, f]));
    expect(byKind.get('group_drift')?.detail).toBe('missing hr-eng; extra hr-rogue');
    expect(byKind.get('group_drift')?.fix).toBe('change_groups +hr-eng -hr-rogue');
    expect(byKind.get('adoptable')?.fix).toMatch(/^cancel #\d+ \(pending\); adopt the account; change_groups \+hr-all \+hr-eng -hr-legacy$/);
    expect(report.counts).toMatchObject({ missing: 1, unexpected: 2, group_drift: 1, adoptable: 1, in_progress: 0 });

    const table = await cli(['reconcile']);
    expect(table.code).toBe(5);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^FINDING +USERNAME +PERSON +DETAIL +FIX$/);
    expect(lines.find((l) => l.startsWith('disabled_but_active'))).toMatch(/leaver@acme\.example +P-leaver +.* +disable_user$/);
    expect(table.stdout).toContain('7 findings: 1 missing, 2 unexpected, 1 disabled_but_active, 1 active_but_disabled, 1 group_drift, 1 adoptable');
    expect(table.stdout).toContain('lpprov reconcile --fix corrects 5');

    // Report only: the outbox is untouched, and nothing was sent to LastPass but reads.
    expect(await testDb.db.query('SELECT id, status FROM outbox ORDER BY id')).toEqual(outboxBefore);
  });

  it('--fix enqueues the corrections in the outbox, adopts the existing user, and audits each person', async () => {
    const result = await cli(['reconcile', '--fix', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.findings.filter((f) => f.outcome !== 'report_only').map((f) => [f.finding, f.outcome])).toEqual([
      ['missing', 'fixed'],
      ['disabled_but_active', 'fixed'],
      ['active_but_disabled', 'fixed'],
      ['group_drift', 'fixed'],
      ['adoptable', 'fixed'],
    ]);
    expect(report.enqueued).toBe(5);

    const adopt = await outbox('P-adopt');
    expect(adopt.map((c) => [c.kind, c.status, c.resolution])).toEqual([
      ['add_user', 'cancelled', 'adopted existing LastPass user'],
      ['change_groups', 'pending', null],
    ]);
    expect(adopt[1]?.idempotency_key).toBe(`reconcile|${report.runId}|P-adopt|change_groups`);
    const [person] = await testDb.db.query<{ lastpass: string }>('SELECT lastpass FROM people WHERE person_id = $1', ['P-adopt']);
    expect(JSON.parse(person?.lastpass ?? '{}')).toMatchObject({ fullname: 'Ada Adopt', groups: ['Finance', 'hr-all', 'hr-eng'] });
    expect((await outbox('P-leaver')).at(-1)).toMatchObject({ kind: 'disable_user', status: 'pending' });
    expect((await outbox('P-missing')).at(-1)).toMatchObject({ kind: 'add_user', status: 'pending' });

    const audit = await testDb.db.query<{ event_id: string; person_id: string; outcome: string; correlation_id: string; decisions: string }>(
      'SELECT event_id, person_id, outcome, correlation_id, decisions FROM inbox WHERE source = $1 ORDER BY person_id',
      ['reconcile'],
    );
    expect(audit.map((row) => [row.person_id, row.outcome])).toEqual([
      ['P-adopt', 'applied'],
      ['P-groups', 'applied'],
      ['P-leaver', 'applied'],
      ['P-missing', 'applied'],
      ['P-reenable', 'applied'],
    ]);
    expect(audit[0]?.event_id).toBe(`${report.runId}|P-adopt`);
    expect(audit.every((row) => row.correlation_id === report.runId)).toBe(true);
    expect(JSON.parse(audit[0]?.decisions ?? '[]')).toEqual([
      `reconcile: adopted existing LastPass user ${email('adopt')} instead of inviting it again`,
      'reconcile: then change_groups +hr-all +hr-eng -hr-legacy',
    ]);
  });

  it('adopts a joiner who arrives after the run from the snapshot: no invitation, only the corrections', async () => {
    await apply({ personId: 'P-future', email: email('future'), department: 'Sales' });
    // HR's name wins over LastPass's, as for any account lpprov has.
    expect((await outbox('P-future')).map((c) => c.kind)).toEqual(['enable_user', 'update_user', 'change_groups']);
  });

  it('after dispatch LastPass has converged, without a batchadd for an existing user, and a second run finds no drift', async () => {
    await dispatch();
    const users = await simUsers();
    expect(users.get(email('missing'))).toMatchObject({ disabled: false, groups: ['hr-all', 'hr-eng'] });
    expect(users.get(email('leaver'))?.disabled).toBe(true);
    expect(users.get(email('reenable'))?.disabled).toBe(false);
    expect([...(users.get(email('groups'))?.groups ?? [])].sort()).toEqual(['Finance', 'hr-all', 'hr-eng']);
    expect([...(users.get(email('adopt'))?.groups ?? [])].sort()).toEqual(['Finance', 'hr-all', 'hr-eng']);
    expect(users.get(email('future'))).toMatchObject({ disabled: false, groups: ['Finance', 'hr-all'] });

    const batchadds = (await simulatorCalls(simulator.url)).filter((call) => call.cmd === 'batchadd');
    const invited = batchadds.flatMap((call) => (call.data as { username: string }[]).map((entry) => entry.username));
    expect(invited).not.toContain(email('adopt'));
    expect(invited).not.toContain(email('future'));
    expect(invited.filter((u) => u === email('missing'))).toHaveLength(2);

    // Removing an unexpected user is the operator's decision; once made, nothing is left.
    await client.deleteUser(email('stray'), 'delete');
    const again = await cli(['reconcile', '--json']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as JsonReport).findings).toEqual([]);
    const table = await cli(['reconcile']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^no drift \(\d+ people, \d+ LastPass users\)\n$/);
  });

  it('finds a leaver whose account is still active behind a dead disable, exits 5, and --fix disables it', async () => {
    await apply({ personId: 'P-offboard', email: email('offboard'), department: 'Engineering' });
    await dispatch();
    await apply({ personId: 'P-offboard', email: email('offboard'), type: 'io.lpprov.hr.worker.left.v1', phase: 'immediate' });
    // The disable was refused for good (an operator will not look before the next run).
    await testDb.db.execute("UPDATE outbox SET status = 'dead', last_error = 'LastPass FAIL: refused' WHERE person_id = 'P-offboard' AND kind = 'disable_user'");

    const found = await cli(['reconcile', '--json']);
    expect(found.code).toBe(5);
    const report = JSON.parse(found.stdout) as JsonReport;
    expect(report.findings.filter((f) => f.finding === 'offboarding_failed').map((f) => f.username)).toEqual([email('offboard')]);

    const fixed = await cli(['reconcile', '--fix', '--json']);
    expect(fixed.code).toBe(0);
    await dispatch();
    expect((await simUsers()).get(email('offboard'))?.disabled).toBe(true);
    const queue = await outbox('P-offboard');
    expect(queue.filter((c) => c.kind === 'disable_user').map((c) => [c.status, c.resolution])).toEqual([
      ['cancelled', 'reconcile: offboarding failed; replaced by a disable now'],
      ['done', null],
    ]);
    const again = JSON.parse((await cli(['reconcile', '--json'])).stdout) as JsonReport;
    expect(again.findings.filter((f) => f.username === email('offboard'))).toEqual([]);
  });

  it('maps a LastPass refusal of the credentials to exit 3 without printing the hash', async () => {
    const result = await cli(['reconcile'], { ...env(), LASTPASS_PROVHASH: 'a-wrong-provisioning-hash-0000' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('LastPass refused the account number or provisioning hash');
    expect(result.stderr).not.toContain('a-wrong-provisioning-hash-0000');
  });
});

/** The interval: lpprov start reconciles on its own, corrects drift with RECONCILE_FIX, and logs each run. */
describe.each(ENGINES)('RECONCILE_INTERVAL on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: RunningLpprov | undefined;
  let logs: CapturedLogs;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lpprov-reconcile-interval-'));
    writeFileSync(join(folder, 'policy.json'), JSON.stringify(POLICY));
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await lpprov?.stop();
    await simulator.stop();
    await testDb.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('fixes drift on its own every interval and logs a summary line per run', async () => {
    logs = captureLogs('debug');
    const policy = await loadPolicy(join(folder, 'policy.json'));
    const parsed = parseHrEvent(hrEvent({ personId: 'P-tick', email: email('tick'), department: 'Engineering' }));
    if (!parsed.ok) throw new Error(parsed.reason);
    await applyHrInputs({ unitOfWork: new SqlUnitOfWork(testDb.db), clock: { now: () => Date.now() }, policy }, [
      { kind: 'event', event: parsed.event },
    ]);
    lpprov = await startLpprov(
      loadConfig({
        DATABASE_URL: testDb.databaseUrl,
        LASTPASS_URL: simulator.endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        POLICY_FILE: join(folder, 'policy.json'),
        PORT: '0',
        DISPATCH_POLL_MS: '50',
        RECONCILE_INTERVAL: 'PT1S',
        RECONCILE_FIX: 'true',
      }),
      { logger: logs.logger },
    );
    const tick = async (): Promise<SimUser | undefined> => {
      const state = (await (await fetch(`${simulator.url}/_simulator/state?username=${email('tick')}`)).json()) as { users: SimUser[] };
      return state.users[0];
    };
    const asPlanned = async (): Promise<boolean> => {
      const user = await tick();
      return user?.disabled === false && [...user.groups].sort().join() === 'hr-all,hr-eng';
    };
    await waitFor(asPlanned, { description: 'the joiner to be invited' });

    // Someone changes the account behind lpprov's back: disabled, out of a managed group, into another.
    await fetch(`${simulator.url}/_simulator/users/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: email('tick'), disabled: true }),
    });
    await fetch(simulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...CREDENTIALS, cmd: 'batchchangegrp', data: [{ username: email('tick'), add: ['hr-rogue'], del: ['hr-eng'] }] }),
    });
    expect(await asPlanned()).toBe(false);
    await waitFor(asPlanned, { description: 'the interval to correct the account' });

    // A run may fall between the two changes, so the corrections may come from one run or two.
    const runs = () => logs.lines().filter((line) => line.msg === 'reconciliation finished');
    const fixing = runs().filter((run) => Number(run.corrected) > 0);
    expect(fixing.every((run) => run.fix === true)).toBe(true);
    expect(fixing.reduce((sum, run) => sum + Number(run.enqueued), 0)).toBe(2);
    const fixingIds = new Set(fixing.map((run) => run.runId));
    const warned = logs.lines().filter((line) => line.level === 'warn' && fixingIds.has(line.runId)).map((line) => line.msg);
    expect(warned.sort()).toEqual([`reconciliation: active_but_disabled ${email('tick')}`, `reconciliation: group_drift ${email('tick')}`]);
    // A later run finds the account as planned.
    const seen = runs().length;
    await waitFor(() => runs().slice(seen).some((run) => run.drift === 0), { description: 'a run without drift' });
  });

  it('takes turns through the database: one lease at a time, runs an interval apart', async () => {
    const schedule = new SqlReconcileSchedule(testDb.db);
    // Stop the running lpprov first, so only this test claims.
    await lpprov?.stop();
    lpprov = undefined;
    const now = Date.now() + 60_000;
    expect(await schedule.claim('one', now, 10_000, 5_000)).toBe(true);
    expect(await schedule.claim('two', now + 1, 0, 5_000)).toBe(false); // lease held
    await schedule.release('one');
    expect(await schedule.claim('two', now + 2, 10_000, 5_000)).toBe(false); // ran 2 ms ago
    expect(await schedule.claim('two', now + 10_000, 10_000, 5_000)).toBe(true);
    expect(await schedule.claim('one', now + 15_001, 1_000, 5_000)).toBe(true); // two's lease ran out (crash)
  });
});
