import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Secret } from '../../src/core/secret.ts';
import { migrate } from '../../src/db/migrate.ts';
import { SqliteDatabase } from '../../src/db/sqlite-database.ts';
import { LastPassClient } from '../../src/lastpass/lastpass.client.ts';
import { LastPassGatewayAdapter } from '../../src/lastpass/lastpass-gateway.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { LpprovMetrics } from '../../src/observability/metrics.ts';
import { SqlAccountControl } from '../../src/outbox/account-control.store.ts';
import { Dispatcher } from '../../src/outbox/dispatcher.ts';
import { DEFAULT_DISPATCHER_SETTINGS, type DispatcherSettings } from '../../src/outbox/dispatcher-settings.ts';
import { outboxStoreFor, rateLimiterFor } from '../../src/outbox/open-outbox.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { LogSink, type StoreTimings, TimedGateway, timedStore } from './instruments.ts';
import type { Latency } from './options.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'bench-provhash-5d0c7a21' };

export interface RigSettings {
  readonly batchSize: number;
  /** Requests per second of both limits; 0: neither limits. */
  readonly rate: number;
  readonly burst: number;
  readonly latency: Latency;
  /** Calls the simulator keeps in its log; must cover the whole run. */
  readonly callLogLimit: number;
}

/**
 * What production wires for one SQLite process (src/main.ts), minus ingress: a fresh migrated
 * database in a temporary folder, a fresh simulator with latency and a rate limit, the real
 * client and gateway, and a dispatcher with default settings except batch size, rate and breaker.
 */
export class DispatchRig {
  readonly db: SqliteDatabase;
  readonly simulator: RunningSimulator;
  readonly admin: SqlOutboxAdmin;
  readonly storeTimings: StoreTimings;
  readonly gateway: TimedGateway;
  readonly metrics = new LpprovMetrics();
  readonly logs = new LogSink();
  readonly dispatcher: Dispatcher;
  readonly settings: DispatcherSettings;
  readonly #client: LastPassClient;
  readonly #dir: string;

  private constructor(dir: string, db: SqliteDatabase, simulator: RunningSimulator, rig: RigSettings) {
    this.#dir = dir;
    this.db = db;
    this.simulator = simulator;
    this.admin = new SqlOutboxAdmin(db);
    // warn and up only: per-call info lines would make logging part of what is measured.
    const logger = createLogger({ level: 'warn', name: 'bench' }, this.logs);
    // As in src/main.ts: a Retry-After pauses the dispatcher rather than being waited out in the client.
    this.#client = new LastPassClient({
      ...CREDENTIALS,
      provhash: new Secret(CREDENTIALS.provhash),
      url: simulator.endpoint,
      logger,
      retry: { maxRetryAfterMs: 0 },
    });
    this.settings = {
      ...DEFAULT_DISPATCHER_SETTINGS,
      owner: `bench-${process.pid}`,
      account: CREDENTIALS.cid,
      batchSize: rig.batchSize,
      rate: { perSecond: rig.rate, burst: rig.burst },
      // A layoff of 3,000 is exactly what the mass-change breaker exists to park for approval.
      breaker: { ...DEFAULT_DISPATCHER_SETTINGS.breaker, enabled: false },
    };
    const control = new SqlAccountControl(db);
    const { store, timings } = timedStore(outboxStoreFor(db));
    this.storeTimings = timings;
    this.gateway = new TimedGateway(new LastPassGatewayAdapter(this.#client));
    this.dispatcher = new Dispatcher(
      {
        store,
        control,
        rateLimiter: rateLimiterFor(db, control, this.settings.account, this.settings.rate),
        gateway: this.gateway,
        clock: { now: () => Date.now() },
        logger,
        metrics: this.metrics,
      },
      this.settings,
    );
  }

  static async start(rig: RigSettings): Promise<DispatchRig> {
    const dir = mkdtempSync(join(tmpdir(), 'lpprov-bench-'));
    const db = new SqliteDatabase(join(dir, 'lpprov.db'));
    await migrate(db);
    const simulator = await startSimulator({
      ...CREDENTIALS,
      port: 0,
      callLogLimit: rig.callLogLimit,
      faults: {
        latency: rig.latency,
        rateLimit: rig.rate > 0 ? { requestsPerSecond: rig.rate, burst: rig.burst } : null,
        seed: 1,
      },
    });
    return new DispatchRig(dir, db, simulator, rig);
  }

  async dispose(): Promise<void> {
    await this.dispatcher.stop();
    await this.#client.close();
    await this.simulator.stop();
    await this.db.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
