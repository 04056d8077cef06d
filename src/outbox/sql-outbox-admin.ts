import { type AttemptNote, type AttemptOutcome, updateNotingAttempts } from '../db/audit-attempts.ts';
import { type SqlDatabase, type SqlExecutor, type SqlValue, toNumber } from '../db/sql-database.ts';
import { ENTRY_COLUMNS, type EntryRow, entryFromRow } from './outbox-rows.ts';
import { OUTBOX_STATUSES, type OutboxAdmin, type OutboxEntry, type OutboxFilter, type OutboxStatus } from './outbox.store.ts';

/**
 * Operator actions on the outbox (`lpprov outbox …`), on either engine. Each change is also
 * recorded in command_attempts (operator_retry, …, with the actor) for `lpprov audit`.
 */
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
    const action = { outcome: 'operator_retry', actor, resolution: `retried by ${actor}` } as const;
    return this.#move(id, ['dead'], 'pending', action, now, ', attempts = 0, not_before = $4, last_error = NULL');
  }

  async skip(id: number, actor: string, now: number): Promise<boolean> {
    return this.#move(id, ['dead'], 'skipped', { outcome: 'operator_skip', actor, resolution: `skipped by ${actor}` }, now);
  }

  async cancel(id: number, actor: string, now: number): Promise<boolean> {
    const action = { outcome: 'operator_cancel', actor, resolution: `cancelled by ${actor}` } as const;
    return this.#move(id, ['pending', 'dead', 'awaiting_approval'], 'cancelled', action, now);
  }

  async approve(ids: readonly number[] | 'all', actor: string, now: number): Promise<number> {
    const action = { outcome: 'operator_approve', actor, resolution: `approved by ${actor}` } as const;
    return this.#moveParked(ids, 'pending', action, now, ', approved = 1, not_before = $2');
  }

  async reject(ids: readonly number[] | 'all', actor: string, now: number): Promise<number> {
    return this.#moveParked(ids, 'cancelled', { outcome: 'operator_reject', actor, resolution: `rejected by ${actor}` }, now);
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
    action: OperatorAction,
    now: number,
    extra = '',
  ): Promise<boolean> {
    const changed = await this.#inTransaction((tx) =>
      updateNotingAttempts(
        tx,
        {
          set: `status = $2, resolution = $3, updated_at = $4${extra}`,
          where: `id = $1 AND status IN (${from.map((s) => `'${s}'`).join(', ')})`,
          params: [id, to, action.resolution, now],
        },
        noteOf(action, now),
      ),
    );
    return changed > 0;
  }

  async #moveParked(ids: readonly number[] | 'all', to: OutboxStatus, action: OperatorAction, now: number, extra = ''): Promise<number> {
    const note = noteOf(action, now);
    if (ids === 'all') {
      return this.#inTransaction((tx) =>
        updateNotingAttempts(
          tx,
          { set: `status = $1, resolution = $3, updated_at = $2${extra}`, where: "status = 'awaiting_approval'", params: [to, now, action.resolution] },
          note,
        ),
      );
    }
    return this.#db.transaction(async (tx) => {
      let changed = 0;
      for (const id of ids) {
        changed += await updateNotingAttempts(
          tx,
          {
            set: `status = $1, resolution = $3, updated_at = $2${extra}`,
            where: "status = 'awaiting_approval' AND id = $4",
            params: [to, now, action.resolution, id],
          },
          note,
        );
      }
      return changed;
    });
  }

  /** PostgreSQL records the change and its history row in one statement; SQLite needs a transaction for the two. */
  #inTransaction(work: (tx: SqlExecutor) => Promise<number>): Promise<number> {
    return this.#db.dialect === 'postgres' ? work(this.#db) : this.#db.transaction(work);
  }
}

interface OperatorAction {
  readonly outcome: Extract<AttemptOutcome, `operator_${string}`>;
  readonly actor: string;
  /** Kept in the command's `resolution` and as the history row's detail. */
  readonly resolution: string;
}

function noteOf(action: OperatorAction, now: number): AttemptNote {
  return { outcome: action.outcome, detail: action.resolution, owner: action.actor, at: now };
}
