import { commandPriority } from '../core/command-priority.ts';
import type { OutboxWriter, PlannedCommand } from '../core/ports.ts';
import { type SqlExecutor, toNumber } from './sql-database.ts';

/** PostgreSQL channel replicas LISTEN on to hear about new outbox work. */
export const OUTBOX_CHANNEL = 'lpprov_outbox';

/** Writes planned commands into the outbox inside the caller's transaction. */
export class SqlOutboxWriter implements OutboxWriter {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async enqueue(personId: string, commands: readonly PlannedCommand[], now: number): Promise<number> {
    if (commands.length === 0) return 0;
    // The person's row holds the next sequence number; updating it takes that row's lock, so two
    // transactions for one person (two replicas) cannot hand out the same numbers.
    const [counter] = await this.#db.query<{ next_outbox_seq: unknown }>(
      'UPDATE people SET next_outbox_seq = next_outbox_seq + $2 WHERE person_id = $1 RETURNING next_outbox_seq',
      [personId, commands.length],
    );
    if (counter === undefined) throw new Error(`cannot enqueue for unknown person ${personId}: save the person first`);
    let seq = toNumber(counter.next_outbox_seq) - commands.length;
    let inserted = 0;
    for (const planned of commands) {
      inserted += await this.#db.execute(
        `INSERT INTO outbox (person_id, seq, kind, priority, payload, idempotency_key, status, attempts, not_before, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $8)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          personId,
          seq,
          planned.command.kind,
          commandPriority(planned.command.kind),
          JSON.stringify(planned.command),
          planned.idempotencyKey,
          planned.notBefore ?? now,
          now,
        ],
      );
      seq += 1;
    }
    // Delivered on commit, so a replica never wakes for work it cannot see yet.
    if (inserted > 0 && this.#db.dialect === 'postgres') await this.#db.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    return inserted;
  }
}
