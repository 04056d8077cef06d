import { PostgresDatabase } from '../db/postgres-database.ts';
import type { SqlDatabase } from '../db/sql-database.ts';
import { SqliteDatabase } from '../db/sqlite-database.ts';
import type { SqlAccountControl } from './account-control.store.ts';
import type { OutboxStore } from './outbox.store.ts';
import { PostgresOutboxStore } from './postgres-outbox.store.ts';
import { LocalRateLimiter, type RateLimiter, type RateSettings, SharedRateLimiter } from './rate-limiter.ts';
import { SqliteOutboxStore } from './sqlite-outbox.store.ts';

/** The outbox store adapter for the database's engine. */
export function outboxStoreFor(db: SqlDatabase): OutboxStore {
  if (db instanceof PostgresDatabase) return new PostgresOutboxStore(db);
  if (db instanceof SqliteDatabase) return new SqliteOutboxStore(db);
  throw new Error(`no outbox store for a ${db.dialect} database of this kind`);
}

/**
 * The rate limiter for the engine: on PostgreSQL the bucket lives in the database so that the
 * replicas together keep to the limit; SQLite runs one process, whose own bucket is the limit.
 */
export function rateLimiterFor(db: SqlDatabase, control: SqlAccountControl, account: string, settings: RateSettings): RateLimiter {
  return db.dialect === 'postgres' ? new SharedRateLimiter(control, account, settings) : new LocalRateLimiter(settings);
}
