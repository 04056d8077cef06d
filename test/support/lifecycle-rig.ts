import { randomUUID } from 'node:crypto';

import { applyHrInputs } from '../../src/app/apply-hr-inputs.ts';
import type { HrInputResult } from '../../src/app/hr-input.ts';
import type { ScimDeps, ScimResourceBody } from '../../src/app/scim/scim-deps.ts';
import { createScimGroup, replaceScimGroup } from '../../src/app/scim/scim-groups.ts';
import { createScimUser, deleteScimUser, replaceScimUser } from '../../src/app/scim/scim-users.ts';
import { parseHrEvent } from '../../src/core/events/hr-event.ts';
import type { Policy } from '../../src/core/policy/policy.ts';
import type { ScimGroupRecord, ScimUserRecord } from '../../src/core/scim.ts';
import { Secret } from '../../src/core/secret.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { LastPassClient } from '../../src/lastpass/lastpass.client.ts';
import { LastPassGatewayAdapter } from '../../src/lastpass/lastpass-gateway.ts';
import { SqlAccountAddressBook } from '../../src/outbox/account-address-book.store.ts';
import { SqlAccountControl } from '../../src/outbox/account-control.store.ts';
import { Dispatcher } from '../../src/outbox/dispatcher.ts';
import type { DispatcherSettings } from '../../src/outbox/dispatcher-settings.ts';
import { outboxStoreFor, rateLimiterFor } from '../../src/outbox/open-outbox.ts';
import type { OutboxEntry, OutboxStatus } from '../../src/outbox/outbox.store.ts';
import { SqlPreconditionCheck } from '../../src/outbox/precondition-check.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, type Engine, type TestDatabase } from './databases.ts';
import { FAST_SETTINGS } from './dispatch-harness.ts';
import { FixedClock } from './fixed-clock.ts';
import { captureLogs, type CapturedLogs } from './log-capture.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'lifecycle-rig-provhash-4be07a' };

export interface SimUser {
  readonly username: string;
  /** invited or active; for a former user how it left: removed, deleted or uninvited. */
  readonly status: string;
  readonly invited: boolean;
  readonly active: boolean;
  readonly disabled: boolean;
  readonly fullname: string;
  readonly groups: readonly string[];
  readonly pendingEmail: string | null;
}

/**
 * lpprov's application, outbox and dispatcher on a real database against the simulator, on a
 * clock the test moves: HR events and SCIM requests go in through the same use cases as in
 * production, and `drain()` sends everything due, so a test can walk a person's life, days and
 * grace periods included, in milliseconds.
 */
export class LifecycleRig {
  readonly clock: FixedClock;
  readonly testDb: TestDatabase;
  readonly simulator: RunningSimulator;
  readonly logs: CapturedLogs;
  readonly admin: SqlOutboxAdmin;
  readonly policy: Policy;
  readonly #client: LastPassClient;
  readonly #dispatcher: Dispatcher;
  readonly #unitOfWork: SqlUnitOfWork;

  private constructor(testDb: TestDatabase, simulator: RunningSimulator, policy: Policy, clock: FixedClock) {
    this.testDb = testDb;
    this.simulator = simulator;
    this.policy = policy;
    this.clock = clock;
    this.logs = captureLogs('warn');
    this.admin = new SqlOutboxAdmin(testDb.db);
    this.#unitOfWork = new SqlUnitOfWork(testDb.db);
    this.#client = new LastPassClient({
      cid: CREDENTIALS.cid,
      provhash: new Secret(CREDENTIALS.provhash),
      url: simulator.endpoint,
      logger: this.logs.logger,
      retry: { retries: 0 },
    });
    const control = new SqlAccountControl(testDb.db);
    const settings: DispatcherSettings = { ...FAST_SETTINGS, owner: `rig-${randomUUID().slice(0, 8)}`, account: CREDENTIALS.cid };
    this.#dispatcher = new Dispatcher(
      {
        store: outboxStoreFor(testDb.db),
        control,
        rateLimiter: rateLimiterFor(testDb.db, control, settings.account, settings.rate),
        gateway: new LastPassGatewayAdapter(this.#client),
        clock,
        logger: this.logs.logger,
        preconditions: new SqlPreconditionCheck(testDb.db, policy.legalHoldPersonIds),
        accounts: new SqlAccountAddressBook(testDb.db, policy),
      },
      settings,
    );
  }

  static async start(engine: Engine, policy: Policy, start = Date.parse('2026-03-02T09:00:00Z')): Promise<LifecycleRig> {
    const testDb = await createTestDatabase(engine);
    const simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    return new LifecycleRig(testDb, simulator, policy, new FixedClock(start));
  }

  /** One HR event (a CloudEvent object), as the webhook or the Kafka consumer would apply it. */
  async hr(event: unknown): Promise<HrInputResult> {
    const parsed = parseHrEvent(event);
    if (!parsed.ok) throw new Error(`not a valid HR event: ${parsed.reason}`);
    const [result] = await applyHrInputs({ unitOfWork: this.#unitOfWork, clock: this.clock, policy: this.policy }, [
      { kind: 'event', event: parsed.event },
    ]);
    if (result === undefined) throw new Error('applyHrInputs returned nothing');
    return result;
  }

  /** The SCIM use cases, as the SCIM routes call them (Okta's dialect). */
  get scim(): {
    createUser(body: ScimResourceBody): Promise<ScimUserRecord>;
    replaceUser(id: string, next: (current: ScimUserRecord) => ScimResourceBody): Promise<ScimUserRecord>;
    deleteUser(id: string): Promise<void>;
    createGroup(body: ScimResourceBody, memberIds: readonly string[]): Promise<ScimGroupRecord>;
    setMembers(id: string, memberIds: readonly string[]): Promise<void>;
  } {
    const deps: ScimDeps = { unitOfWork: this.#unitOfWork, clock: this.clock, policy: this.policy, newId: () => randomUUID() };
    return {
      createUser: (body) => createScimUser(deps, 'okta', body),
      replaceUser: (id, next) => replaceScimUser(deps, 'okta', id, next),
      deleteUser: (id) => deleteScimUser(deps, 'okta', id),
      createGroup: (body, memberIds) => createScimGroup(deps, 'okta', body, memberIds),
      setMembers: async (id, memberIds) => {
        await replaceScimGroup(deps, 'okta', id, (current) => ({ body: current.resource, memberIds }));
      },
    };
  }

  /** Sends everything due at the rig's time, round after round, until nothing due is left. */
  async drain(): Promise<void> {
    for (let round = 0; round < 200; round++) {
      if ((await this.#dispatcher.runOnce()) === 0) return;
    }
    throw new Error('the dispatcher kept finding work after 200 rounds');
  }

  /** Moves the clock on and sends what came due. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.drain();
  }

  async control<T = unknown>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.simulator.url}/_simulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async users(): Promise<SimUser[]> {
    return (await this.control<{ users: SimUser[] }>('state')).users;
  }

  /** The users LastPass has now (invited or active), not the former ones. */
  async present(): Promise<SimUser[]> {
    return (await this.users()).filter((u) => u.invited || u.active);
  }

  /** The current user of that name, if LastPass has one. */
  async user(username: string): Promise<SimUser | undefined> {
    return (await this.present()).find((u) => u.username === username.toLowerCase());
  }

  /** The calls the simulator answered, as `cmd <username…>` lines. */
  async calls(): Promise<{ cmd: string; data: unknown; outcome: string }[]> {
    return (await this.control<{ calls: { cmd: string; data: unknown; outcome: string }[] }>('calls')).calls;
  }

  async commands(status?: OutboxStatus): Promise<OutboxEntry[]> {
    return this.admin.list(status === undefined ? {} : { status });
  }

  async stop(): Promise<void> {
    await this.#client.close();
    await this.simulator.stop();
    await this.testDb.dispose();
  }
}
