import type { OutboxMetricsSnapshot, OutboxMetricsSource } from '../observability/outbox-metrics-source.ts';
import { type SqlExecutor, toNumber } from './sql-database.ts';

interface OpenCommandRow {
  [column: string]: unknown;
  kind: string;
  status: string;
  n: unknown;
  due: unknown;
  oldest_due: unknown;
}

/**
 * Open statuses only: the `status IN (...)` walk stays on the (status, priority, not_before)
 * index and is bounded by the backlog, whereas done rows pile up for ever.
 */
const OPEN_COMMANDS_SQL = `SELECT kind, status, COUNT(*) AS n,
    SUM(CASE WHEN status = 'pending' AND not_before <= $1 THEN 1 ELSE 0 END) AS due,
    MIN(CASE WHEN status = 'pending' AND not_before <= $1 THEN not_before END) AS oldest_due
  FROM outbox
  WHERE status IN ('pending', 'in_flight', 'awaiting_approval', 'dead')
  GROUP BY kind, status`;

/** The outbox gauges' scrape-time read, the same SQL on SQLite and PostgreSQL. */
export class SqlOutboxMetricsRepository implements OutboxMetricsSource {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async read(now: number): Promise<OutboxMetricsSnapshot> {
    const rows = await this.#db.query<OpenCommandRow>(OPEN_COMMANDS_SQL, [now]);
    // Open ones only (on their partial index): a retried or discarded dead letter needs nobody any more.
    const [letters] = await this.#db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM dead_letters WHERE resolved_at IS NULL');
    let queueDepth = 0;
    let oldestDueSince: number | null = null;
    const commands = rows.map((row) => {
      const count = toNumber(row.n);
      queueDepth += row.status === 'in_flight' ? count : toNumber(row.due ?? 0);
      if (row.oldest_due !== null && row.oldest_due !== undefined) {
        const since = toNumber(row.oldest_due);
        oldestDueSince = oldestDueSince === null ? since : Math.min(oldestDueSince, since);
      }
      return { kind: row.kind, status: row.status, count };
    });
    return { commands, queueDepth, oldestDueSince, inputDeadLetters: letters === undefined ? 0 : toNumber(letters.n) };
  }
}
