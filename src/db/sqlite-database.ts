import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';

import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './sql-database.ts';

const PLACEHOLDER = /\$(\d+)/g;

/**
 * SQLite through node:sqlite, for the embedded single-process default. node:sqlite is
 * synchronous and one connection has one transaction at a time, so every use of the connection
 * is serialised through a promise chain: a statement issued while another caller's transaction
 * is open waits instead of silently joining that transaction.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    // WAL lets readers (CLI, metrics) run beside the writer; NORMAL is durable across process
    // crashes in WAL mode, which is the failure the outbox must survive.
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec('PRAGMA busy_timeout = 5000');
    this.#db.exec('PRAGMA foreign_keys = ON');
  }

  query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.#serialised(() => this.#run(sql, params, 'all') as T[]);
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#serialised(() => this.#run(sql, params, 'run') as number);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#serialised(async () => {
      // IMMEDIATE takes the write lock up front, so a second process waits (busy_timeout) at
      // BEGIN rather than failing at its first write with SQLITE_BUSY mid-transaction.
      this.#db.exec('BEGIN IMMEDIATE');
      const tx: SqlExecutor = {
        dialect: 'sqlite',
        query: <R extends Row>(sql: string, params: readonly SqlValue[] = []) =>
          Promise.resolve(this.#run(sql, params, 'all') as R[]),
        execute: (sql, params = []) => Promise.resolve(this.#run(sql, params, 'run') as number),
      };
      try {
        const result = await work(tx);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.#serialised(() => {
      this.#statements.clear();
      if (this.#db.isOpen) this.#db.close();
    });
  }

  #serialised<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  #run(sql: string, params: readonly SqlValue[], mode: 'all' | 'run'): Row[] | number {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql.replace(PLACEHOLDER, '?$1'));
      this.#statements.set(sql, statement);
    }
    const values = params as SQLInputValue[];
    if (mode === 'all') return statement.all(...values);
    return Number(statement.run(...values).changes);
  }
}
