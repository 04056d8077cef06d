import type { CommandKind } from '../core/commands.ts';
import { type SqlDatabase, type SqlValue, toNumber } from '../db/sql-database.ts';
import { BLOCKING_STATUSES, CLAIM_COLUMNS, type ClaimRow, claimedFromRow } from './outbox-rows.ts';
import type { ClaimedCommand, OutboxStore } from './outbox.store.ts';

/**
 * What both engines share. The claim is head-of-line: a command is due when it is pending and its
 * time has come (or its lease expired), and no earlier command of the same person still holds
 * the line. Adapters add how they lock (`lockClause`) and how they hear about new work.
 */
export abstract class SqlOutboxStoreBase implements OutboxStore {
  protected readonly db: SqlDatabase;
  readonly #claimSql: string;

  protected constructor(db: SqlDatabase, lockClause: string) {
    this.db = db;
    // Only pending rows here, so the (status, priority, not_before) index gives them in claim
    // order and LIMIT stops the walk early; expired leases are put back to pending first.
    this.#claimSql = `UPDATE outbox SET status = 'in_flight', lease_owner = $1, lease_until = $2, attempts = attempts + 1,
        claimed_at = $3, updated_at = $3
      WHERE id IN (
        SELECT c.id FROM outbox c
        WHERE c.status = 'pending' AND c.not_before <= $3
          AND NOT EXISTS (
            SELECT 1 FROM outbox p
            WHERE p.person_id = c.person_id AND p.seq < c.seq AND p.status IN ${BLOCKING_STATUSES})
        ORDER BY c.priority, c.not_before, c.id
        LIMIT $4 ${lockClause})
      RETURNING ${CLAIM_COLUMNS}`;
  }

  abstract onEnqueued(listener: () => void): Promise<() => Promise<void>>;

  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedCommand[]> {
    const rows = await this.db.transaction(async (tx) => {
      // A dispatcher died holding these: back to the queue, keeping their place in line.
      await tx.execute(
        `UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = $1
         WHERE status = 'in_flight' AND lease_until < $1`,
        [now],
      );
      return tx.query<ClaimRow>(this.#claimSql, [owner, now + leaseMs, now, limit]);
    });
    return rows.map(claimedFromRow).sort((a, b) => a.id - b.id);
  }

  async extendLeases(ids: readonly number[], owner: string, until: number): Promise<void> {
    await this.#forEach(ids, (tx, id) =>
      tx(`UPDATE outbox SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`, [id, owner, until]),
    );
  }

  async complete(ids: readonly number[], owner: string, now: number): Promise<void> {
    await this.#forEach(ids, (tx, id) =>
      tx(
        `UPDATE outbox SET status = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = $3
         WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
        [id, owner, now],
      ),
    );
  }

  async retryLater(id: number, owner: string, notBefore: number, error: string, now: number, countAttempt = true): Promise<void> {
    await this.db.execute(
      `UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL, not_before = $3, last_error = $4,
         attempts = attempts - $6, updated_at = $5
       WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
      [id, owner, notBefore, error, now, countAttempt ? 0 : 1],
    );
  }

  async deadLetter(id: number, owner: string, error: string, now: number): Promise<void> {
    await this.db.execute(
      `UPDATE outbox SET status = 'dead', lease_owner = NULL, lease_until = NULL, last_error = $3, updated_at = $4
       WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
      [id, owner, error, now],
    );
  }

  async cancelClaimed(ids: readonly number[], owner: string, reason: string, now: number): Promise<void> {
    await this.#forEach(ids, (tx, id) =>
      tx(
        `UPDATE outbox SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, resolution = $3, updated_at = $4
         WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
        [id, owner, reason, now],
      ),
    );
  }

  async park(ids: readonly number[], owner: string, reason: string, now: number): Promise<void> {
    // The attempt is given back: parking is not a failure of the command.
    await this.#forEach(ids, (tx, id) =>
      tx(
        `UPDATE outbox SET status = 'awaiting_approval', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1,
           claimed_at = NULL, resolution = $3, updated_at = $4
         WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`,
        [id, owner, reason, now],
      ),
    );
  }

  async countDispatchedSince(kinds: readonly CommandKind[], since: number): Promise<number> {
    if (kinds.length === 0) return 0;
    const placeholders = kinds.map((_, i) => `$${i + 2}`).join(', ');
    const [row] = await this.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM outbox WHERE claimed_at >= $1 AND approved = 0 AND kind IN (${placeholders})
         AND status IN ('in_flight', 'done', 'pending', 'dead')`,
      [since, ...kinds],
    );
    return row === undefined ? 0 : toNumber(row.n);
  }

  async countManagedAccounts(): Promise<number> {
    const [row] = await this.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM people WHERE lastpass IS NOT NULL');
    return row === undefined ? 0 : toNumber(row.n);
  }

  /** One transaction for a set of single-row updates: one commit (one fsync) instead of many. */
  async #forEach(
    ids: readonly number[],
    update: (run: (sql: string, params: readonly SqlValue[]) => Promise<number>, id: number) => Promise<number>,
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const id of ids) await update((sql, params) => tx.execute(sql, params), id);
    });
  }
}
