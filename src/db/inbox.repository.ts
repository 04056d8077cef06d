import type { InboxEntry, InboxRepository } from '../core/ports.ts';
import type { SqlExecutor } from './sql-database.ts';

export class SqlInboxRepository implements InboxRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async has(source: string, eventId: string): Promise<boolean> {
    const rows = await this.#db.query('SELECT 1 FROM inbox WHERE source = $1 AND event_id = $2', [source, eventId]);
    return rows.length > 0;
  }

  async record(entry: InboxEntry): Promise<void> {
    // A concurrent writer of the same input makes this transaction fail on the primary key and be
    // retried, where `has` then sees the row: the input is applied once.
    await this.#db.execute(
      `INSERT INTO inbox (source, event_id, person_id, event_type, outcome, received_at, correlation_id, decisions, event)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.source,
        entry.eventId,
        entry.personId ?? null,
        entry.eventType,
        entry.outcome,
        entry.receivedAt,
        entry.correlationId ?? null,
        entry.decisions === undefined ? null : JSON.stringify(entry.decisions),
        entry.event === undefined ? null : JSON.stringify(entry.event),
      ],
    );
  }
}
