import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { migrate } from '../../src/db/migrate.ts';
import { PostgresDatabase } from '../../src/db/postgres-database.ts';
import type { SqlDatabase } from '../../src/db/sql-database.ts';
import { SqliteDatabase } from '../../src/db/sqlite-database.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  readonly engine: Engine;
  /** What lpprov's DATABASE_URL would be for this database. */
  readonly databaseUrl: string;
  readonly db: SqlDatabase;
  /** Closes the connection and removes the database (file, or PostgreSQL database). */
  dispose(): Promise<void>;
}

/** A fresh PostgreSQL database on the test server; `drop` removes it even with open sessions. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lpprov_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL to a server where the user may CREATE DATABASE)`,
      { cause: error },
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh SQLite file in its own temporary folder. */
export function createSqliteFile(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lpprov-test-'));
  return { path: join(dir, 'lpprov.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, migrated database of the given engine. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const file = createSqliteFile();
    const db = new SqliteDatabase(file.path);
    await migrate(db);
    return {
      engine,
      databaseUrl: file.path,
      db,
      async dispose() {
        await db.close();
        file.remove();
      },
    };
  }
  const created = await createPostgresDatabase();
  const db = new PostgresDatabase({ connectionString: created.url, maxConnections: 4 });
  await migrate(db);
  return {
    engine,
    databaseUrl: created.url,
    db,
    async dispose() {
      await db.close();
      await created.drop();
    },
  };
}
