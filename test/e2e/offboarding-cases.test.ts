// Issue 12's six offboarding cases, end to end and as a LastPass administrator sees them: with
// `lpprov start` as a child process against `lpprov simulator` children, fed through the HR webhook
// and SCIM, each case ends with the LastPass account as planned, no command dead in `lpprov outbox`,
// refusals listed by `lpprov dead-letters`, and (cases 1 and 6) no drift for `lpprov reconcile`.
// The same cases in-process, on a clock the test moves: test/integration/account-identity.test.ts,
// leave-dates.test.ts and scim-group-push-default.test.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { OutboxEntry } from '../../src/outbox/outbox.store.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import { hrEvent, type EventOverrides } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type Engine, type TestDatabase } from '../support/databases.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS, type CliResult, minimalEnv, runLpprov } from '../support/lpprov-cli.ts';
import { LpprovProcess } from '../support/lpprov-process.ts';
import { expectCreated, expectListResponse, expectScimError } from '../support/scim-expect.ts';
import { describeAnswer, query, SCIM_SCHEMAS, ScimClient, stringField } from '../support/scim-http.ts';
import { startLpprovProcess, type StartedLpprovProcess } from '../support/scim-process.ts';
import { type SimCall, simulatorCalls } from '../support/simulator-calls.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'offboarding-cases-provisioning-hash-12' };
const WEBHOOK_TOKEN = 'offboarding-cases-webhook-token-0012';
const SCIM_TOKEN = 'offboarding-cases-scim-token-00000012';

// Group rules, so that "the same groups" in case 3 and the mover in case 6 mean something; the
// leaver settings are the defaults (disable at the leaving time, delete 30 days later).
const POLICY = `
managed_groups: { prefix: "hr-" }
group_rules:
  - when: { always: true }
    groups: [hr-all]
  - when: { path: worker.org.department, equals: Sales }
    groups: [hr-sales]
  - when: { path: worker.org.department, equals: Engineering }
    groups: [hr-eng]
`;

/** A LastPass user as the simulator's /_simulator/state shows it (current and former ones). */
interface SimAccount {
  readonly username: string;
  readonly status: string;
  readonly invited: boolean;
  readonly active: boolean;
  readonly disabled: boolean;
  readonly uninvited: boolean;
  readonly fullname: string;
  readonly groups: readonly string[];
  readonly pendingEmail: string | null;
}

interface DeadLetterJson {
  readonly source: string;
  readonly reason: string;
  readonly resolvedAt: string | null;
}

interface ReconcileJson {
  readonly drift: number;
  readonly findings: readonly { readonly finding: string; readonly username: string }[];
}

/** Reads until `done` holds (generous waitFor limits) and returns what it read last. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, description: string): Promise<T> {
  const seen: { value?: T } = {};
  try {
    await waitFor(
      async () => {
        seen.value = await read();
        return done(seen.value);
      },
      { description },
    );
  } catch (error) {
    throw new Error(`${String(error)}; last seen: ${JSON.stringify(seen.value)}`, { cause: error });
  }
  return seen.value as T;
}

/**
 * One deployment as an administrator runs it: a database of the engine, `lpprov simulator` as
 * the LastPass account, and `lpprov start` on it with webhook and SCIM tokens.
 */
class Stack {
  readonly simulatorUrl: string;
  readonly lpprov: StartedLpprovProcess;
  readonly scim: ScimClient;
  /** What lpprov and its command-line tools are given: the same configuration. */
  readonly env: Readonly<Record<string, string>>;
  readonly #testDb: TestDatabase;
  readonly #simulator: LpprovProcess;
  readonly #dir: string;

  private constructor(parts: {
    readonly dir: string;
    readonly testDb: TestDatabase;
    readonly simulator: LpprovProcess;
    readonly simulatorUrl: string;
    readonly env: Readonly<Record<string, string>>;
    readonly lpprov: StartedLpprovProcess;
  }) {
    this.#dir = parts.dir;
    this.#testDb = parts.testDb;
    this.#simulator = parts.simulator;
    this.simulatorUrl = parts.simulatorUrl;
    this.env = parts.env;
    this.lpprov = parts.lpprov;
    this.scim = new ScimClient(`${parts.lpprov.httpUrl}/scim/v2`, SCIM_TOKEN);
  }

  static async start(engine: Engine, options: { readonly policy?: string; readonly simulatorArgs?: readonly string[] } = {}): Promise<Stack> {
    const dir = mkdtempSync(join(tmpdir(), 'lpprov-offboarding-'));
    let testDb: TestDatabase | undefined;
    let simulator: LpprovProcess | undefined;
    let lpprov: StartedLpprovProcess | undefined;
    try {
      testDb = await createTestDatabase(engine);
      const sim = new LpprovProcess(
        ['simulator', '--port', '0', '--cid', CREDENTIALS.cid, '--provhash', CREDENTIALS.provhash, ...(options.simulatorArgs ?? [])],
        {},
      );
      simulator = sim;
      await waitFor(() => /listening on (\S+)/.test(sim.stdout) || sim.child.exitCode !== null, { description: 'the simulator to listen' });
      const endpoint = /listening on (\S+)/.exec(sim.stdout)?.[1];
      if (endpoint === undefined) throw new Error(`the simulator did not start:\n${sim.stdout}\n${sim.stderr}`);
      const policyFile = join(dir, 'policy.yaml');
      if (options.policy !== undefined) writeFileSync(policyFile, options.policy);
      const env = {
        DATABASE_URL: testDb.databaseUrl,
        LASTPASS_URL: endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        HR_WEBHOOK_TOKENS: WEBHOOK_TOKEN,
        SCIM_TOKENS: SCIM_TOKEN,
        ...(options.policy === undefined ? {} : { POLICY_FILE: policyFile }),
      };
      const running = await startLpprovProcess({ ...env, PORT: '0' });
      lpprov = running;
      await waitFor(() => running.process.stderr.includes('Health'), { description: 'the start banner' });
      return new Stack({ dir, testDb, simulator: sim, simulatorUrl: endpoint.replace(/\/enterpriseapi\.php$/, ''), env, lpprov: running });
    } catch (error) {
      await lpprov?.process.kill('SIGTERM');
      await simulator?.kill('SIGTERM');
      await testDb?.dispose();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** HR events in one webhook request (a batch when several), each of which must be applied. */
  async hr(...events: readonly Record<string, unknown>[]): Promise<void> {
    const response = await fetch(`${this.lpprov.httpUrl}/hr/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events.length === 1 ? events[0] : events),
    });
    const answer = await response.text();
    expect(response.status, answer).toBe(202);
    const results = (JSON.parse(answer) as { results?: { result?: string }[] }).results ?? [];
    expect(results.map((r) => r.result), answer).toEqual(events.map(() => 'applied'));
  }

  /** Every record the simulator has of this username: the current user and former ones. */
  async accounts(username: string): Promise<SimAccount[]> {
    const state = (await this.control('GET', `state${query({ username })}`)) as { users: SimAccount[] };
    return state.users;
  }

  /** The user LastPass has under this username now (invited or active), if any. */
  async account(username: string): Promise<SimAccount | undefined> {
    return (await this.accounts(username)).find((u) => u.invited || u.active);
  }

  /** The simulator's calls of `cmd` that name `username`, oldest first. */
  async calls(cmd: string, username: string): Promise<SimCall[]> {
    return (await simulatorCalls(this.simulatorUrl)).filter((c) => c.cmd === cmd && JSON.stringify(c.data).includes(`"${username}`));
  }

  async invitations(username: string): Promise<string[]> {
    const sent = (await this.control('GET', `emails${query({ kind: 'invitation' })}`)) as { emails: { to: string }[] };
    return sent.emails.map((e) => e.to).filter((to) => to === username);
  }

  async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.simulatorUrl}/_simulator/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  }

  /** The person's outbox, read straight from the database (cheap enough to poll). */
  async commands(personId: string): Promise<OutboxEntry[]> {
    return new SqlOutboxAdmin(this.#testDb.db).list({ personId });
  }

  /** `lpprov <args>` on this deployment's configuration. */
  cli(...args: string[]): Promise<CliResult> {
    return runLpprov(args, { ...minimalEnv(), ...this.env });
  }

  /** `lpprov <args> --json`, which must exit 0. */
  async cliJson(...args: string[]): Promise<unknown> {
    const result = await this.cli(...args, '--json');
    expect(result.code, `lpprov ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout) as unknown;
  }

  /** The person's commands as `lpprov outbox list --person` shows them. */
  async outboxList(personId: string): Promise<{ kind: string; status: string; command: Record<string, unknown> }[]> {
    return (await this.cliJson('outbox', 'list', '--person', personId)) as { kind: string; status: string; command: Record<string, unknown> }[];
  }

  async stop(): Promise<void> {
    await this.lpprov.process.kill('SIGTERM');
    await this.#simulator.kill('SIGTERM');
    await this.#testDb.dispose();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Commands that are not waiting to be sent or answered: each is done, dead, cancelled or skipped. */
function settled(commands: readonly { readonly status: string }[]): boolean {
  return commands.every((c) => c.status !== 'pending' && c.status !== 'in_flight' && c.status !== 'awaiting_approval');
}

/** Without the commands a later input replaced before they were sent (cancelled). */
function live<T extends { readonly status: string }>(commands: readonly T[]): T[] {
  return commands.filter((c) => c.status !== 'cancelled');
}

/** The deployment `beforeAll` started; if it failed, the test says so rather than failing on undefined. */
function started(stack: Stack | undefined): Stack {
  if (stack === undefined) throw new Error('the deployment did not start (see beforeAll)');
  return stack;
}

describe.each(ENGINES)('offboarding cases end to end (issue 12) on %s', (engine) => {
  const run = randomUUID().slice(0, 8);
  const email = (name: string): string => `${name}-${run}@acme.example`;
  const person = (name: string): string => `OFF-${run}-${name}`;
  const now = (): string => new Date().toISOString();
  /** An HR event of `name`'s life; `sequence` orders the person's events. */
  const event = (name: string, type: string, sequence: number, overrides: EventOverrides = {}): Record<string, unknown> =>
    hrEvent({ personId: person(name), email: email(name), type: `io.lpprov.hr.worker.${type}.v1`, sequence, time: now(), ...overrides });

  describe('HR events, policy with group rules', () => {
    let stack: Stack | undefined;
    beforeAll(async () => {
      stack = await Stack.start(engine, { policy: POLICY });
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);
    afterAll(async () => {
      await stack?.stop();
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);

    it('case 1: a leaver after a confirmed email change ends disabled under the new address, nothing dead, no drift', async () => {
      const lp = started(stack);
      const old = email('c1');
      const fresh = email('c1.new');
      await lp.hr(event('c1', 'joined', 1, { given: 'Ada', family: 'Lovelace' }));
      await eventually(() => lp.account(old), (u) => u?.invited === true, `${old} invited`);
      // LastPass changes the login email only of an account its owner has activated.
      await lp.control('POST', 'users/accept', { username: old });

      await lp.hr(event('c1', 'attributes_changed', 2, { email: fresh, given: 'Ada', family: 'Lovelace' }));
      await eventually(() => lp.account(old), (u) => u?.pendingEmail === fresh, `updateemail ${old} -> ${fresh}`);
      await lp.control('POST', 'users/confirm-email', { username: old });
      expect(await lp.account(fresh)).toMatchObject({ active: true, disabled: false });

      // lpprov has not been told of the confirmation: its leave is planned under the old address.
      await lp.hr(event('c1', 'left', 3, { email: fresh, given: 'Ada', family: 'Lovelace' }));
      const leaver = await eventually(() => lp.account(fresh), (u) => u?.disabled === true, `${fresh} disabled`);
      expect(leaver).toMatchObject({ username: fresh, active: true, disabled: true, groups: ['hr-all', 'hr-eng'] });
      expect(await lp.account(old)).toBeUndefined();

      const commands = await eventually(() => lp.commands(person('c1')), (cs) => cs.some((c) => c.kind === 'disable_user' && c.status === 'done'), 'the disable to be done');
      expect(commands.filter((c) => c.status === 'dead')).toEqual([]);
      const listed = await lp.outboxList(person('c1'));
      expect(listed.filter((c) => c.status === 'dead'), JSON.stringify(listed)).toEqual([]);
      expect(listed.find((c) => c.kind === 'disable_user')).toMatchObject({ status: 'done', command: { kind: 'disable_user', username: fresh } });
      expect(listed.find((c) => c.kind === 'update_email')).toMatchObject({ status: 'done' });
      expect(await lp.calls('updateemail', old)).toHaveLength(1);

      const reconcile = await lp.cli('reconcile', '--json');
      expect(reconcile.code, `${reconcile.stdout}\n${reconcile.stderr}`).toBe(0);
      const report = JSON.parse(reconcile.stdout) as ReconcileJson;
      expect(report.drift, reconcile.stdout).toBe(0);
      expect(report.findings.filter((f) => f.finding !== 'in_progress'), reconcile.stdout).toEqual([]);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);

    it('case 2: a future leave keeps the pending invitation: invited at once, disabled only after the leave date', async () => {
      const lp = started(stack);
      const username = email('c2');
      const leaveAt = Date.now() + 6_000;
      // One webhook request, one transaction: the leave is planned before the invitation can go out.
      await lp.hr(
        event('c2', 'joined', 1),
        event('c2', 'left', 2, { phase: 'scheduled', status: 'active', effectiveAt: new Date(leaveAt).toISOString() }),
      );
      // The leave may replace the unsent invitation with an identical one, but never drop it.
      const planned = live(await lp.commands(person('c2')));
      expect(planned.find((c) => c.kind === 'add_user'), JSON.stringify(planned)).toBeDefined();
      expect(planned.find((c) => c.kind === 'disable_user'), JSON.stringify(planned)).toMatchObject({ notBefore: leaveAt });

      await eventually(() => lp.account(username), (u) => u !== undefined, `${username} invited`);
      const left = await eventually(() => lp.account(username), (u) => u?.disabled === true, `${username} disabled after the leave date`);
      expect(left).toMatchObject({ invited: true, disabled: true, groups: ['hr-all', 'hr-eng'] });
      expect(await lp.invitations(username)).toEqual([username]);

      const [invite] = await lp.calls('batchadd', username);
      const [disable] = await lp.calls('disableuser', username);
      if (invite === undefined || disable === undefined) throw new Error('expected a batchadd and a disableuser call');
      expect(Date.parse(invite.time)).toBeLessThan(Date.parse(disable.time));
      expect(Date.parse(disable.time), `disableuser at ${disable.time}, leave at ${new Date(leaveAt).toISOString()}`).toBeGreaterThanOrEqual(leaveAt);

      await eventually(() => lp.commands(person('c2')), (cs) => cs.some((c) => c.kind === 'disable_user' && c.status === 'done'), 'the disable to be done');
      const listed = await lp.outboxList(person('c2'));
      expect(listed.filter((c) => c.status === 'dead'), JSON.stringify(listed)).toEqual([]);
      expect(live(listed).filter((c) => c.kind !== 'delete_user').map((c) => [c.kind, c.status])).toEqual([
        ['add_user', 'done'],
        ['disable_user', 'done'],
      ]);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);

    it('case 3: an email change of a never-activated invitation withdraws it and invites the new address with the same name and groups', async () => {
      const lp = started(stack);
      const old = email('c3');
      const fresh = email('c3.new');
      const named = { given: 'Grace', family: 'Hopper', department: 'Sales' } as const;
      await lp.hr(event('c3', 'joined', 1, named));
      await eventually(() => lp.account(old), (u) => u?.invited === true, `${old} invited`);

      await lp.hr(event('c3', 'attributes_changed', 2, { ...named, email: fresh }));
      const invited = await eventually(() => lp.account(fresh), (u) => u !== undefined, `${fresh} invited`);
      expect(invited).toMatchObject({ invited: true, disabled: false, fullname: 'Grace Hopper', groups: ['hr-all', 'hr-sales'] });
      expect(await lp.account(old)).toBeUndefined();
      expect(await lp.accounts(old)).toEqual([expect.objectContaining({ username: old, uninvited: true })]);
      expect([...(await lp.invitations(old)), ...(await lp.invitations(fresh))]).toEqual([old, fresh]);

      const commands = await eventually(() => lp.commands(person('c3')), settled, 'every command to end');
      expect(live(commands).map((c) => [c.kind, c.status])).toEqual([
        ['add_user', 'done'],
        ['update_email', 'done'],
      ]);
      const listed = await lp.outboxList(person('c3'));
      expect(listed.filter((c) => c.status === 'dead'), JSON.stringify(listed)).toEqual([]);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);
  });

  describe('an identity provider on the default policy (no policy file)', () => {
    let stack: Stack | undefined;
    beforeAll(async () => {
      stack = await Stack.start(engine);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);
    afterAll(async () => {
      await stack?.stop();
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);

    it('case 4: a SCIM user without an email is refused with 400 invalidValue and listed by lpprov dead-letters', async () => {
      const lp = started(stack);
      const userName = `sky.ito-${run}`;
      const body = { schemas: [SCIM_SCHEMAS.user], userName, name: { givenName: 'Sky', familyName: 'Ito' }, active: true };
      const refused = await lp.scim.post('/Users', body);
      expectScimError(refused, 400, 'invalidValue');
      expect(refused.body?.detail, describeAnswer(refused)).toMatch(/email/);
      // The identity provider sends it again until its administrator fixes the user: still one letter.
      expectScimError(await lp.scim.post('/Users', body), 400, 'invalidValue');
      expectListResponse(await lp.scim.get(`/Users${query({ filter: `userName eq "${userName}"` })}`), 0);

      const letters = (await lp.cliJson('dead-letters', 'list', '--source', 'scim://')) as DeadLetterJson[];
      const source = `scim://scim/Users?userName=${encodeURIComponent(userName)}`;
      expect(letters.filter((l) => l.source === source), JSON.stringify(letters)).toEqual([
        expect.objectContaining({ source, reason: expect.stringMatching(/^not provisioned to LastPass: .*email/) as string, resolvedAt: null }),
      ]);
      const status = (await lp.cliJson('outbox', 'status')) as { inputDeadLetters: number };
      expect(status.inputDeadLetters).toBeGreaterThanOrEqual(1);
      const table = await lp.cli('dead-letters', 'list');
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toContain(source);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);

    it('case 5: a group pushed over SCIM becomes the LastPass group, and the start banner says groups come from the identity provider', async () => {
      const lp = started(stack);
      expect(lp.lpprov.process.stderr).toMatch(
        /^ {2}Groups +from the identity provider: groups pushed over SCIM become LastPass groups \(the policy has no group rules\)$/m,
      );
      const userName = email('c5');
      const groupName = `Engineering-${run}`;
      const user = expectCreated(
        await lp.scim.post('/Users', {
          schemas: [SCIM_SCHEMAS.user],
          userName,
          name: { givenName: 'Linus', familyName: 'Torvalds' },
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
        }),
        'Users',
      );
      const userId = stringField(user, 'id');
      expectCreated(await lp.scim.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: groupName, members: [{ value: userId }] }), 'Groups');

      const account = await eventually(() => lp.account(userName), (u) => u?.groups.includes(groupName) === true, `${userName} in ${groupName}`);
      expect(account).toMatchObject({ invited: true, disabled: false, groups: [groupName] });
      const commands = await eventually(() => lp.commands(`scim:${userId}`), settled, 'every command to end');
      expect(live(commands).filter((c) => c.status !== 'done'), JSON.stringify(commands)).toEqual([]);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);
  });

  describe('LastPass refusing a batchadd of an existing user (lpprov simulator --batchadd-existing error)', () => {
    let stack: Stack | undefined;
    beforeAll(async () => {
      stack = await Stack.start(engine, { policy: POLICY, simulatorArgs: ['--batchadd-existing', 'error'] });
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);
    afterAll(async () => {
      await stack?.stop();
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);

    it("case 6: a batchadd whose answer was lost is sent again and counted done, and the person's later group change follows", async () => {
      const lp = started(stack);
      const username = email('c6');
      // LastPass creates the user, then the connection drops before lpprov reads the answer.
      await lp.control('POST', 'faults', { nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'batchadd' }] });
      await lp.hr(event('c6', 'joined', 1, { department: 'Engineering' }));

      const added = await eventually(
        () => lp.commands(person('c6')),
        (cs) => cs.some((c) => c.kind === 'add_user' && (c.status === 'done' || c.status === 'dead')),
        'the add_user to end',
      );
      expect(added.map((c) => [c.kind, c.status])).toEqual([['add_user', 'done']]);
      const adds = await lp.calls('batchadd', username);
      expect(adds[0]?.fault, JSON.stringify(adds)).toBe('dropAfterApply');
      // Sent again, and refused as "already exists": the account is there, so the invitation is done.
      expect(adds.length, JSON.stringify(adds)).toBeGreaterThanOrEqual(2);
      expect(await lp.accounts(username)).toEqual([expect.objectContaining({ invited: true, groups: ['hr-all', 'hr-eng'] })]);
      expect(await lp.invitations(username)).toEqual([username]);

      await lp.hr(event('c6', 'moved', 2, { department: 'Sales' }));
      const moved = await eventually(() => lp.account(username), (u) => u?.groups.includes('hr-sales') === true, `${username} moved to hr-sales`);
      expect(moved).toMatchObject({ invited: true, disabled: false, groups: ['hr-all', 'hr-sales'] });

      await eventually(() => lp.commands(person('c6')), settled, 'every command to end');
      const listed = await lp.outboxList(person('c6'));
      expect(live(listed).map((c) => [c.kind, c.status])).toEqual([
        ['add_user', 'done'],
        ['change_groups', 'done'],
      ]);
      const reconcile = await lp.cli('reconcile', '--json');
      expect(reconcile.code, `${reconcile.stdout}\n${reconcile.stderr}`).toBe(0);
      expect((JSON.parse(reconcile.stdout) as ReconcileJson).drift).toBe(0);
    }, CHILD_PROCESS_TEST_TIMEOUT_MS);
  });
});
