import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import express from 'express';
import pg from 'pg';

import { loadConfig } from '../../src/config/load-config.ts';
import { PostgresDatabase } from '../../src/db/postgres-database.ts';
import type { SqlDatabase } from '../../src/db/sql-database.ts';
import { SqliteDatabase } from '../../src/db/sqlite-database.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { LogSink } from '../dispatch/instruments.ts';
import type { Engine } from './options.ts';

export const BENCH_TOKEN = 'bench-scim-bearer-token-000000000001';

/** The e2e tests' policy: the IdP decides lifecycle and groups; nothing is scheduled for later. */
const POLICY = `
defaults:
  leaver: { on_effective: deactivate, on_immediate: deactivate, after_grace: never }
authority: { lifecycle: idp, groups: idp }
`;

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * What one run measures: lpprov as `lpprov start` runs it (src/main.ts, simulation mode: its own
 * in-process LastPass simulator; default dispatch settings except the rate) on a fresh database,
 * and in the same process a bare express app with one JSON route, the baseline.
 */
export class Target {
  readonly engine: Engine;
  readonly lpprov: RunningLpprov;
  readonly baselineUrl: string;
  readonly logs: LogSink;
  /** A connection of our own, to see the outbox drain between scenarios. */
  readonly #db: SqlDatabase;
  readonly #baseline: Server;
  readonly #cleanup: () => Promise<void>;

  private constructor(engine: Engine, lpprov: RunningLpprov, baseline: Server, db: SqlDatabase, logs: LogSink, cleanup: () => Promise<void>) {
    this.engine = engine;
    this.lpprov = lpprov;
    this.#baseline = baseline;
    this.#db = db;
    this.logs = logs;
    this.#cleanup = cleanup;
    const address = baseline.address();
    this.baselineUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }

  static async start(engine: Engine, rate: number): Promise<Target> {
    const dir = mkdtempSync(join(tmpdir(), 'lpprov-bench-scim-'));
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, POLICY);
    let databaseUrl: string;
    let dropDatabase = async (): Promise<void> => {};
    if (engine === 'sqlite') {
      databaseUrl = join(dir, 'lpprov.db');
    } else {
      const name = `lpprov_bench_${randomUUID().replaceAll('-', '')}`;
      await adminQuery(`CREATE DATABASE ${name}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      dropDatabase = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    const logs = new LogSink();
    // warn and up only, as in bench:dispatch: per-request info lines would make logging part of what is measured.
    const logger = createLogger({ level: 'warn', name: 'bench' }, logs);
    const lpprov = await startLpprov(
      loadConfig({
        DATABASE_URL: databaseUrl,
        SCIM_TOKENS: BENCH_TOKEN,
        POLICY_FILE: policyFile,
        PORT: '0',
        LOG_LEVEL: 'warn',
        LASTPASS_RATE_PER_SECOND: String(rate),
        LASTPASS_RATE_BURST: String(Math.max(1, rate)),
      }),
      { logger },
    );
    const db: SqlDatabase = engine === 'sqlite' ? new SqliteDatabase(databaseUrl) : new PostgresDatabase({ connectionString: databaseUrl, maxConnections: 1 });

    const app = express();
    app.disable('x-powered-by');
    app.get('/ping', (_req, res) => {
      res.json({ ok: true });
    });
    const baseline = app.listen(0, '127.0.0.1');
    await once(baseline, 'listening');

    return new Target(engine, lpprov, baseline, db, logs, async () => {
      await db.close();
      await dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  get scimOrigin(): string {
    return this.lpprov.httpUrl;
  }

  /** Commands not yet sent to LastPass (pending or in flight). */
  async backlog(): Promise<number> {
    const [row] = await this.#db.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'in_flight')");
    return Number(row?.n);
  }

  /** Outbox rows by status. */
  async outboxStates(): Promise<Record<string, number>> {
    const rows = await this.#db.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status');
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#baseline.close(() => resolve());
      this.#baseline.closeAllConnections();
    });
    await this.lpprov.stop();
    await this.#cleanup();
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} (set BENCH_DATABASE_URL to a server where the user may CREATE DATABASE)`, {
      cause: error,
    });
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
