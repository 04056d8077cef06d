import type { CommandKind } from '../core/commands.ts';
import { type AttemptNote, updateNotingAttempts } from '../db/audit-attempts.ts';
import { type SqlDatabase, type SqlExecutor, toNumber } from '../db/sql-database.ts';
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
  readonly #expireSql: string;

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
    this.#expireSql = db.dialect === 'postgres' ? EXPIRE_LEASES_POSTGRES : EXPIRE_LEASES_SQLITE;
  }

  abstract onEnqueued(listener: () => void): Promise<() => Promise<void>>;

  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedCommand[]> {
    const rows = await this.db.transaction(async (tx) => {
      // A dispatcher died holding these: back to the queue, keeping their place in line.
      if (tx.dialect === 'sqlite') await tx.execute(EXPIRED_ATTEMPTS_SQLITE, [now]);
      await tx.execute(this.#expireSql, [now]);
      return tx.query<ClaimRow>(this.#claimSql, [owner, now + leaseMs, now, limit]);
    });
    return rows.map(claimedFromRow).sort((a, b) => a.id - b.id);
  }

  async extendLeases(ids: readonly number[], owner: string, until: number): Promise<void> {
    await this.#forEach(ids, (tx, id) =>
      tx.execute(`UPDATE outbox SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'in_flight'`, [id, owner, until]),
    );
  }

  // Each outcome below also writes its command_attempts row (lpprov audit), in the same statement
  // on PostgreSQL and the same transaction on SQLite, so the history never disagrees with the status.

  async complete(ids: readonly number[], owner: string, now: number, detail?: string): Promise<void> {
    const note = claimNote('done', detail ?? null, owner, now);
    await this.#forEach(ids, (tx, id) =>
      updateNotingAttempts(
        tx,
        { set: "status = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = $3", where: HELD, params: [id, owner, now] },
        note,
      ),
    );
  }

  async retryLater(id: number, owner: string, notBefore: number, error: string, now: number, countAttempt = true): Promise<void> {
    // An attempt given back (throttled, paused, stopping) is recorded under the number it had.
    const note = countAttempt ? claimNote('retry', error, owner, now) : claimNote('released', error, owner, now, true);
    await this.#one((tx) =>
      updateNotingAttempts(
        tx,
        {
          set: `status = 'pending', lease_owner = NULL, lease_until = NULL, not_before = $3, last_error = $4,
                attempts = attempts - $6, updated_at = $5`,
          where: HELD,
          params: [id, owner, notBefore, error, now, countAttempt ? 0 : 1],
        },
        note,
      ),
    );
  }

  async deadLetter(id: number, owner: string, error: string, now: number): Promise<void> {
    await this.#one((tx) =>
      updateNotingAttempts(
        tx,
        { set: "status = 'dead', lease_owner = NULL, lease_until = NULL, last_error = $3, updated_at = $4", where: HELD, params: [id, owner, error, now] },
        claimNote('dead', error, owner, now),
      ),
    );
  }

  async cancelClaimed(ids: readonly number[], owner: string, reason: string, now: number): Promise<void> {
    const note = claimNote('cancelled', reason, owner, now);
    await this.#forEach(ids, (tx, id) =>
      updateNotingAttempts(
        tx,
        { set: "status = 'cancelled', lease_owner = NULL, lease_until = NULL, resolution = $3, updated_at = $4", where: HELD, params: [id, owner, reason, now] },
        note,
      ),
    );
  }

  async park(ids: readonly number[], owner: string, reason: string, now: number): Promise<void> {
    // The attempt is given back: parking is not a failure of the command (and never sent it, so untimed).
    const note: AttemptNote = { outcome: 'parked', detail: reason, owner, at: now, claim: { givesAttemptBack: true, timed: false } };
    await this.#forEach(ids, (tx, id) =>
      updateNotingAttempts(
        tx,
        {
          set: `status = 'awaiting_approval', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1,
                claimed_at = NULL, resolution = $3, updated_at = $4`,
          where: HELD,
          params: [id, owner, reason, now],
        },
        note,
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

  /**
   * One transaction for a set of single-row updates: one commit (one fsync) instead of many. A
   * single update on PostgreSQL needs none: each is one statement (history included), atomic alone.
   */
  async #forEach(ids: readonly number[], update: (tx: SqlExecutor, id: number) => Promise<number>): Promise<void> {
    if (ids.length === 0) return;
    if (ids.length === 1) {
      await this.#one((tx) => update(tx, ids[0] as number));
      return;
    }
    await this.db.transaction(async (tx) => {
      for (const id of ids) await update(tx, id);
    });
  }

  /** One update with its history row: one statement on PostgreSQL, a two-statement transaction on SQLite. */
  async #one(update: (tx: SqlExecutor) => Promise<number>): Promise<void> {
    if (this.db.dialect === 'postgres') await update(this.db);
    else await this.db.transaction(update);
  }
}

/** The command is still held under this dispatcher's lease: otherwise an outcome changes (and records) nothing. */
const HELD = "id = $1 AND lease_owner = $2 AND status = 'in_flight'";

/** The history row of an outcome of a claim: the attempt number as claimed, timed from the claim. */
function claimNote(outcome: AttemptNote['outcome'], detail: string | null, owner: string, now: number, givesAttemptBack = false): AttemptNote {
  return { outcome, detail, owner, at: now, claim: { givesAttemptBack, timed: true } };
}

const EXPIRED_DETAIL = "'the lease ran out before the dispatcher holding it recorded an outcome'";

// SQLite: the claim's transaction holds the write lock, so these rows cannot change between the two statements.
const EXPIRED_ATTEMPTS_SQLITE = `INSERT INTO command_attempts (outbox_id, attempt, at, outcome, detail, duration_ms, owner)
  SELECT id, attempts, $1, 'expired', ${EXPIRED_DETAIL}, $1 - claimed_at, lease_owner FROM outbox
  WHERE status = 'in_flight' AND lease_until < $1`;
const EXPIRE_LEASES_SQLITE = `UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = $1
  WHERE status = 'in_flight' AND lease_until < $1`;
// PostgreSQL: one statement, so two replicas reclaiming at once record each expiry once; a row
// another transaction holds (its owner completing it late) is left for the next claim.
const EXPIRE_LEASES_POSTGRES = `WITH expired AS (
    SELECT id, attempts, claimed_at, lease_owner FROM outbox
    WHERE status = 'in_flight' AND lease_until < $1 FOR UPDATE SKIP LOCKED),
  reset AS (
    UPDATE outbox o SET status = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = $1
    FROM expired e WHERE o.id = e.id
    RETURNING e.id, e.attempts, e.claimed_at, e.lease_owner)
  INSERT INTO command_attempts (outbox_id, attempt, at, outcome, detail, duration_ms, owner)
  SELECT id, attempts, $1, 'expired', ${EXPIRED_DETAIL}, $1 - claimed_at, lease_owner FROM reset`;
