import { type SqlDatabase, type SqlValue, toNumber } from '../db/sql-database.ts';
import { ENTRY_COLUMNS, type EntryRow, entryFromRow } from './outbox-rows.ts';
import { OUTBOX_STATUSES, type OutboxAdmin, type OutboxEntry, type OutboxFilter, type OutboxStatus } from './outbox.store.ts';

/** Operator actions on the outbox (`lpprov outbox …`), on either engine. */
export class SqlOutboxAdmin implements OutboxAdmin {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  async list(filter: OutboxFilter): Promise<OutboxEntry[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    add('status', filter.status);
    add('person_id', filter.personId);
    add('kind', filter.kind);
    params.push(filter.limit ?? 100);
    const rows = await this.#db.query<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM outbox ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return rows.map(entryFromRow);
  }

  async get(id: number): Promise<OutboxEntry | undefined> {
    const [row] = await this.#db.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return row === undefined ? undefined : entryFromRow(row);
  }

  async retry(id: number, actor: string, now: number): Promise<boolean> {
    return this.#move(id, ['dead'], 'pending', `retried by ${actor}`, now, ', attempts = 0, not_before = $4, last_error = NULL');
  }

  async skip(id: number, actor: string, now: number): Promise<boolean> {
    return this.#move(id, ['dead'], 'skipped', `skipped by ${actor}`, now);
  }

  async cancel(id: number, actor: string, now: number): Promise<boolean> {
    return this.#move(id, ['pending', 'dead', 'awaiting_approval'], 'cancelled', `cancelled by ${actor}`, now);
  }

  async approve(ids: readonly number[] | 'all', actor: string, now: number): Promise<number> {
    return this.#moveParked(ids, 'pending', `approved by ${actor}`, now, ', approved = 1, not_before = $2');
  }

  async reject(ids: readonly number[] | 'all', actor: string, now: number): Promise<number> {
    return this.#moveParked(ids, 'cancelled', `rejected by ${actor}`, now);
  }

  async countByStatus(): Promise<Record<OutboxStatus, number>> {
    const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
    const rows = await this.#db.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
    for (const row of rows) counts[row.status as OutboxStatus] = toNumber(row.n);
    return counts;
  }

  async #move(
    id: number,
    from: readonly OutboxStatus[],
    to: OutboxStatus,
    resolution: string,
    now: number,
    extra = '',
  ): Promise<boolean> {
    const changed = await this.#db.execute(
      `UPDATE outbox SET status = $2, resolution = $3, updated_at = $4${extra}
       WHERE id = $1 AND status IN (${from.map((s) => `'${s}'`).join(', ')})`,
      [id, to, resolution, now],
    );
    return changed > 0;
  }

  async #moveParked(ids: readonly number[] | 'all', to: OutboxStatus, resolution: string, now: number, extra = ''): Promise<number> {
    if (ids === 'all') {
      return this.#db.execute(
        `UPDATE outbox SET status = $1, resolution = $3, updated_at = $2${extra} WHERE status = 'awaiting_approval'`,
        [to, now, resolution],
      );
    }
    return this.#db.transaction(async (tx) => {
      let changed = 0;
      for (const id of ids) {
        changed += await tx.execute(
          `UPDATE outbox SET status = $1, resolution = $3, updated_at = $2${extra} WHERE status = 'awaiting_approval' AND id = $4`,
          [to, now, resolution, id],
        );
      }
      return changed;
    });
  }
}
