import { type SqlExecutor, type SqlValue, toNumber } from './sql-database.ts';

/** One input lpprov could not accept, as `lpprov dead-letters` shows it. */
export interface DeadLetterRow {
  readonly id: number;
  /** Where it came from: `kafka:<topic>/<partition>/<offset>`, `webhook`, `scim://<idp>/Users/<id>`, … */
  readonly source: string;
  readonly reason: string;
  /** The input as received: a Kafka message's value, a webhook item or body, a SCIM user. */
  readonly raw: string;
  readonly createdAt: number;
  /** When an operator retried or discarded it; undefined while it is open. */
  readonly resolvedAt: number | undefined;
  readonly resolution: string | undefined;
}

export interface DeadLetterFilter {
  /** Only open ones (the default); false: resolved ones too. */
  readonly open?: boolean;
  /** Only sources starting with this text (`kafka:`, `webhook`, `scim://okta/`). */
  readonly source?: string;
  /** At most this many, newest first; default 100. */
  readonly limit?: number;
}

/** A dead_letters row as the driver returns it. */
export interface DeadLetterRecord {
  [column: string]: unknown;
  id: unknown;
  source: string;
  reason: string;
  raw: string;
  created_at: unknown;
  resolved_at: unknown;
  resolution: string | null;
}

export const DEAD_LETTER_COLUMNS = 'id, source, reason, raw, created_at, resolved_at, resolution';
const DEFAULT_LIMIT = 100;

/**
 * Operator reads and actions on input dead letters (`lpprov dead-letters`, `lpprov outbox status`),
 * the same SQL on both engines. Over any executor, so that a retry resolves its dead letter in
 * the transaction that applies the input.
 */
export class SqlDeadLetterAdmin {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterRow[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.open !== false) where.push('resolved_at IS NULL');
    if (filter.source !== undefined) {
      params.push(filter.source);
      // Not LIKE: it would read % and _ in the prefix as wildcards, and SQLite's ignores case where PostgreSQL's does not.
      where.push(`substr(source, 1, length(CAST($${params.length} AS TEXT))) = CAST($${params.length} AS TEXT)`);
    }
    params.push(filter.limit ?? DEFAULT_LIMIT);
    const rows = await this.#db.query<DeadLetterRecord>(
      `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(deadLetterOf);
  }

  async get(id: number): Promise<DeadLetterRow | undefined> {
    const [row] = await this.#db.query<DeadLetterRecord>(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE id = $1`, [id]);
    return row === undefined ? undefined : deadLetterOf(row);
  }

  /** Closes an open dead letter; false when it is unknown or was resolved already (by someone else, too). */
  async resolve(id: number, resolution: string, now: number): Promise<boolean> {
    const changed = await this.#db.execute(
      'UPDATE dead_letters SET resolved_at = $2, resolution = $3 WHERE id = $1 AND resolved_at IS NULL',
      [id, now, resolution],
    );
    return changed > 0;
  }

  async countOpen(): Promise<number> {
    const [row] = await this.#db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM dead_letters WHERE resolved_at IS NULL');
    return row === undefined ? 0 : toNumber(row.n);
  }
}

export function deadLetterOf(row: DeadLetterRecord): DeadLetterRow {
  return {
    id: toNumber(row.id),
    source: row.source,
    reason: row.reason,
    raw: row.raw,
    createdAt: toNumber(row.created_at),
    resolvedAt: row.resolved_at == null ? undefined : toNumber(row.resolved_at),
    resolution: row.resolution ?? undefined,
  };
}
