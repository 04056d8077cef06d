import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PostgresDatabase } from '../../src/db/postgres-database.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The server ends a connection lpprov has checked out (a restart, an operator's
 * pg_terminate_backend, DROP DATABASE ... WITH (FORCE)): the transaction on it fails, and
 * nothing is thrown outside it, where it would end the process.
 */
describe('PostgreSQL connection lost in a transaction', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: PostgresDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    db = new PostgresDatabase({ connectionString: database.url, maxConnections: 2 });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await db.close();
    await database.drop();
  });

  it('rejects the transaction, throws nothing uncaught, and the next transaction works', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', record);
    try {
      const outcome = db.transaction(async (tx) => {
        const [row] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [row?.pid]);
        await waitFor(
          async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [row?.pid])).rowCount === 0,
          { description: 'the backend to be gone' },
        );
        // It fails once the client has seen the connection end, which is also when pg emits 'error'.
        await tx.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
  });
});
