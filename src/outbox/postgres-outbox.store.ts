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
    let current: { readonly client: pg.PoolClient; readonly release: (destroy: boolean) => void } | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      try {
        const client = await this.#pool.connect();
        let released = false;
        // The connection can fail after it went back to the pool (the server shut it down):
        // release exactly once, whichever comes first.
        const release = (destroy: boolean): void => {
          if (released) return;
          released = true;
          client.off('notification', onNotification);
          client.off('error', onError);
          client.release(destroy);
        };
        const onNotification = (): void => listener();
        const onError = (): void => {
          release(true);
          if (current?.client === client) current = undefined;
          if (!stopped) retry = setTimeout(() => void connect(), RELISTEN_MS);
        };
        client.on('notification', onNotification);
        client.on('error', onError);
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        current = { client, release };
        listener(); // anything enqueued while not listening is picked up now
      } catch {
        if (!stopped) retry = setTimeout(() => void connect(), RELISTEN_MS);
      }
    };
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      const listening = current;
      current = undefined;
      if (listening !== undefined) {
        await listening.client.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
        listening.release(false);
      }
    };
  }
}
