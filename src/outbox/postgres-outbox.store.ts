import type pg from 'pg';

import { OUTBOX_CHANNEL } from '../db/outbox-writer.repository.ts';
import type { PostgresDatabase } from '../db/postgres-database.ts';
import { SqlOutboxStoreBase } from './sql-outbox-base.store.ts';

const RELISTEN_MS = 1_000;

/**
 * The outbox on PostgreSQL, shared by replicas. SKIP LOCKED lets each replica claim rows the
 * others are not claiming instead of waiting for them; enqueues NOTIFY a channel that replicas
 * LISTEN to, and the dispatcher still polls because notifications sent while a listener is
 * reconnecting are lost.
 */
export class PostgresOutboxStore extends SqlOutboxStoreBase {
  readonly #pool: pg.Pool;

  constructor(db: PostgresDatabase) {
    super(db, 'FOR UPDATE SKIP LOCKED');
    this.#pool = db.pool;
  }

  async onEnqueued(listener: () => void): Promise<() => Promise<void>> {
    let client: pg.PoolClient | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      try {
        const next = await this.#pool.connect();
        next.on('notification', () => listener());
        next.on('error', () => {
          next.release(true);
          if (client === next) client = undefined;
          if (!stopped) retry = setTimeout(() => void connect(), RELISTEN_MS);
        });
        await next.query(`LISTEN ${OUTBOX_CHANNEL}`);
        client = next;
        listener(); // anything enqueued while not listening is picked up now
      } catch {
        if (!stopped) retry = setTimeout(() => void connect(), RELISTEN_MS);
      }
    };
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      if (current !== undefined) {
        await current.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
        current.release();
      }
    };
  }
}
