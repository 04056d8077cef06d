import { randomUUID } from 'node:crypto';

import type { LastPassCommand } from '../../src/core/commands.ts';
import { Secret } from '../../src/core/secret.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { LastPassClient } from '../../src/lastpass/lastpass.client.ts';
import { LastPassGatewayAdapter } from '../../src/lastpass/lastpass-gateway.ts';
import { LpprovMetrics } from '../../src/observability/metrics.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/policy.ts';
import { SqlAccountAddressBook } from '../../src/outbox/account-address-book.store.ts';
import { SqlAccountControl } from '../../src/outbox/account-control.store.ts';
import { DEFAULT_BREAKER } from '../../src/outbox/breaker.ts';
import { Dispatcher } from '../../src/outbox/dispatcher.ts';
import { DEFAULT_DISPATCHER_SETTINGS, type DispatcherSettings } from '../../src/outbox/dispatcher-settings.ts';
import { outboxStoreFor, rateLimiterFor } from '../../src/outbox/open-outbox.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, type Engine, type TestDatabase } from './databases.ts';
import { captureLogs, type CapturedLogs } from './log-capture.ts';
import { waitFor } from './wait-for.ts';

export const SIM_CREDENTIALS = { cid: '8771312', provhash: 'dispatch-test-provhash-93f1c2' };

/** Settings that keep tests fast: short backoff and pauses, quick polling. */
export const FAST_SETTINGS: Omit<DispatcherSettings, 'owner' | 'account'> = {
  ...DEFAULT_DISPATCHER_SETTINGS,
  rate: { perSecond: 0, burst: 1 },
  pollMs: 20,
  gatherMs: 5,
  authPauseMs: 200,
  maxAuthPauseMs: 400,
  backoff: { baseMs: 20, capMs: 100, maxAttempts: 6 },
  breaker: { ...DEFAULT_BREAKER, enabled: false },
};

/** A real database, the simulator, the real client and gateway, and a dispatcher over them. */
export class DispatchHarness {
  readonly testDb: TestDatabase;
  readonly simulator: RunningSimulator;
  readonly logs: CapturedLogs;
  readonly metrics = new LpprovMetrics();
  readonly admin: SqlOutboxAdmin;
  readonly client: LastPassClient;
  readonly dispatcher: Dispatcher;

  private constructor(testDb: TestDatabase, simulator: RunningSimulator, settings: Omit<DispatcherSettings, 'owner' | 'account'>) {
    this.testDb = testDb;
    this.simulator = simulator;
    this.logs = captureLogs('debug');
    this.admin = new SqlOutboxAdmin(testDb.db);
    this.client = new LastPassClient({
      cid: SIM_CREDENTIALS.cid,
      provhash: new Secret(SIM_CREDENTIALS.provhash),
      url: simulator.endpoint,
      logger: this.logs.logger,
      retry: { retries: 0 },
    });
    const control = new SqlAccountControl(testDb.db);
    const full: DispatcherSettings = { ...settings, owner: `test-${randomUUID().slice(0, 8)}`, account: SIM_CREDENTIALS.cid };
    this.dispatcher = new Dispatcher(
      {
        store: outboxStoreFor(testDb.db),
        control,
        rateLimiter: rateLimiterFor(testDb.db, control, full.account, full.rate),
        gateway: new LastPassGatewayAdapter(this.client),
        clock: { now: () => Date.now() },
        logger: this.logs.logger,
        metrics: this.metrics,
        accounts: new SqlAccountAddressBook(testDb.db, DEFAULT_POLICY),
      },
      full,
    );
  }

  static async start(engine: Engine, settings: Partial<Omit<DispatcherSettings, 'owner' | 'account'>> = {}): Promise<DispatchHarness> {
    const testDb = await createTestDatabase(engine);
    const simulator = await startSimulator({ ...SIM_CREDENTIALS, port: 0 });
    return new DispatchHarness(testDb, simulator, { ...FAST_SETTINGS, ...settings });
  }

  /** Enqueues commands for a person (creating the person row), keys derived from the person. */
  async enqueue(personId: string, commands: readonly LastPassCommand[], managed = true): Promise<void> {
    const now = Date.now();
    await new SqlUnitOfWork(this.testDb.db).run(async (scope) => {
      if ((await scope.people.get(personId)) === undefined) {
        await scope.people.save(
          {
            personId,
            desired: { username: `${personId}@acme.example`, fullname: personId, groups: [], active: true },
            lastpass: managed ? { username: `${personId}@acme.example`, fullname: personId, groups: [], disabled: false } : undefined,
            lastSequence: undefined,
            lastEventTime: undefined,
          },
          now,
        );
      }
      await scope.outbox.enqueue(
        personId,
        commands.map((command, i) => ({ command, idempotencyKey: `${personId}-${randomUUID()}-${i}` })),
        now,
      );
    });
  }

  async faults(settings: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.simulator.url}/_simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (!response.ok) throw new Error(`simulator refused the faults: ${await response.text()}`);
  }

  async behaviour(settings: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.simulator.url}/_simulator/behaviour`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (!response.ok) throw new Error(`simulator refused the behaviour: ${await response.text()}`);
  }

  async control(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.simulator.url}/_simulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator refused ${path}: ${await response.text()}`);
  }

  async seedUsers(users: readonly Record<string, unknown>[]): Promise<void> {
    const response = await fetch(`${this.simulator.url}/_simulator/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users }),
    });
    if (!response.ok) throw new Error(`simulator refused the users: ${await response.text()}`);
  }

  async calls(cmd?: string): Promise<{ cmd: string; data: unknown; outcome: string; fault?: string | null }[]> {
    const query = cmd === undefined ? '' : `?cmd=${cmd}`;
    const body = (await (await fetch(`${this.simulator.url}/_simulator/calls${query}`)).json()) as {
      calls: { cmd: string; data: unknown; outcome: string; fault?: string | null }[];
    };
    return body.calls;
  }

  async simState(): Promise<{ users: { username: string; disabled?: boolean; status?: string; groups?: string[] }[] }> {
    return (await (await fetch(`${this.simulator.url}/_simulator/state`)).json()) as {
      users: { username: string; disabled?: boolean; status?: string; groups?: string[] }[];
    };
  }

  /**
   * Waits until nothing is in flight and nothing pending could still run: what is left pending
   * waits behind a dead or parked command of the same person.
   */
  async settled(timeoutMs = 60_000): Promise<Record<string, number>> {
    await waitFor(
      async () => {
        const [row] = await this.testDb.db.query<{ n: unknown }>(
          `SELECT COUNT(*) AS n FROM outbox c WHERE c.status IN ('pending', 'in_flight') AND NOT EXISTS (
             SELECT 1 FROM outbox p WHERE p.person_id = c.person_id AND p.seq < c.seq AND p.status IN ('dead', 'awaiting_approval'))`,
        );
        return Number(row?.n) === 0;
      },
      { timeoutMs, intervalMs: 25, description: 'the outbox to settle' },
    );
    return this.admin.countByStatus();
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop();
    await this.client.close();
    await this.simulator.stop();
    await this.testDb.dispose();
  }
}
