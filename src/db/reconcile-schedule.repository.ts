import type { ReconcileSchedule } from '../core/reconcile/reconcile-ports.ts';
import type { SqlExecutor } from './sql-database.ts';

/**
 * The reconciliation turn as one row: a conditional UPDATE takes it, so of several replicas
 * ticking at once exactly one sees a changed row (PostgreSQL re-checks the condition after the
 * row lock; SQLite writes one at a time). Unlike a session advisory lock it needs no pinned
 * connection, survives a crash (the lease runs out), and spaces runs by the interval across all
 * replicas instead of per replica.
 */
export class SqlReconcileSchedule implements ReconcileSchedule {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async claim(owner: string, now: number, intervalMs: number, leaseMs: number): Promise<boolean> {
    const taken = await this.#db.execute(
      `UPDATE reconcile_schedule SET lease_owner = $1, lease_until = $2, last_started_at = $3
       WHERE name = 'reconcile' AND lease_until <= $3 AND last_started_at <= $4`,
      [owner, now + leaseMs, now, now - intervalMs],
    );
    return taken === 1;
  }

  async release(owner: string): Promise<void> {
    await this.#db.execute(
      `UPDATE reconcile_schedule SET lease_owner = NULL, lease_until = 0 WHERE name = 'reconcile' AND lease_owner = $1`,
      [owner],
    );
  }
}
