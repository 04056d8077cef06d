import type { SqliteDatabase } from '../db/sqlite-database.ts';
import { SqlOutboxStoreBase } from './sql-outbox-base.store.ts';

/**
 * The outbox on SQLite, for one lpprov process. The claim runs inside BEGIN IMMEDIATE, whose
 * write lock serialises claims (SQLite has no row locks, so no SKIP LOCKED); new work in the same
 * process wakes the dispatcher directly, so there is nothing to listen to.
 */
export class SqliteOutboxStore extends SqlOutboxStoreBase {
  constructor(db: SqliteDatabase) {
    super(db, '');
  }

  onEnqueued(_listener: () => void): Promise<() => Promise<void>> {
    return Promise.resolve(() => Promise.resolve());
  }
}
