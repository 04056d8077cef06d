import type { LastPassCommand } from '../core/commands.ts';
import { type SqlDatabase, toNumber } from '../db/sql-database.ts';
import type { ClaimedCommand, OutboxStore } from './outbox.store.ts';

interface ClaimRow {
  [column: string]: unknown;
  id: unknown;
  person_id: string;
  seq: unknown;
  payload: string;
  attempts: unknown;
  idempotency_key: string;
}

/**
 * Head-of-line claim: a command is due when it is pending and its time has come (or its lease
 * expired), and no earlier command of the same person is still pending, in flight or dead.
 * PostgreSQL adds SKIP LOCKED so replicas never wait on each other's rows; SQLite runs it inside
 * BEGIN IMMEDIATE, whose write lock serialises claims instead.
 */
function claimSql(skipLocked: boolean): string {
  return `UPDATE outbox SET status = 'in_flight', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3
    WHERE id IN (
      SELECT c.id FROM outbox c
      WHERE ((c.status = 'pending' AND c.not_before <= $3) OR (c.status = 'in_flight' AND c.lease_until < $3))
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.person_id = c.person_id AND p.seq < c.seq AND p.status IN ('pending', 'in_flight', 'dead'))
      ORDER BY c.priority, c.not_before, c.id
      LIMIT $4${skipLocked ? '\n      FOR UPDATE SKIP LOCKED' : ''})
    RETURNING id, person_id, seq, payload, attempts, idempotency_key`;
}

export class SqlOutboxStore implements OutboxStore {
  readonly #db: SqlDatabase;
  readonly #claimSql: string;

  constructor(db: SqlDatabase) {
    this.#db = db;
    this.#claimSql = claimSql(db.dialect === 'postgres');
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedCommand[]> {
    const rows = await this.#db.transaction((tx) =>
      tx.query<ClaimRow>(this.#claimSql, [owner, now + leaseMs, now, limit]),
    );
    return rows
      .map((row) => ({
        id: toNumber(row.id),
        personId: row.person_id,
        seq: toNumber(row.seq),
        command: JSON.parse(row.payload) as LastPassCommand,
        attempts: toNumber(row.attempts),
        idempotencyKey: row.idempotency_key,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async complete(ids: readonly number[], owner: string, now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const id of ids) {
        await tx.execute(
          `UPDATE outbox SET status = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = $3
           WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
          [id, owner, now],
        );
      }
    });
  }

  async retryLater(
    id: number,
    owner: string,
    notBefore: number,
    error: string,
    now: number,
    countAttempt = true,
  ): Promise<void> {
    await this.#db.execute(
      `UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL, not_before = $3, last_error = $4,
         attempts = attempts - $6, updated_at = $5
       WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
      [id, owner, notBefore, error, now, countAttempt ? 0 : 1],
    );
  }

  async deadLetter(id: number, owner: string, error: string, now: number): Promise<void> {
    await this.#db.execute(
      `UPDATE outbox SET status = 'dead', lease_owner = NULL, lease_until = NULL, last_error = $3, updated_at = $4
       WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
      [id, owner, error, now],
    );
  }
}
