import { commandPriority } from '../core/command-priority.ts';
import type { LastPassCommand } from '../core/commands.ts';
import type { OutboxWriter, PendingCommand, PlannedCommand, Precondition } from '../core/ports.ts';
import { updateNotingAttempts } from './audit-attempts.ts';
import { type SqlExecutor, toNumber } from './sql-database.ts';

/** PostgreSQL channel replicas LISTEN on to hear about new outbox work. */
export const OUTBOX_CHANNEL = 'lpprov_outbox';

/** Writes planned commands into the outbox inside the caller's transaction. */
export class SqlOutboxWriter implements OutboxWriter {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async enqueue(personId: string, commands: readonly PlannedCommand[], now: number, correlationId?: string): Promise<number> {
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
        `INSERT INTO outbox (person_id, seq, kind, priority, payload, idempotency_key, status, attempts, not_before, created_at, updated_at, precondition, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $8, $9, $10)
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
          planned.precondition === undefined ? null : JSON.stringify(planned.precondition),
          correlationId ?? null,
        ],
      );
      seq += 1;
    }
    // Delivered on commit, so a replica never wakes for work it cannot see yet.
    if (inserted > 0 && this.#db.dialect === 'postgres') await this.#db.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    return inserted;
  }

  async pendingFor(personId: string): Promise<PendingCommand[]> {
    // Dead commands count too: a new plan supersedes them, so a dead-lettered mover step (say an
    // email change LastPass refused) cannot hold back a later leave. FOR UPDATE: a replica's claim (SKIP LOCKED) passes these rows by until this transaction
    // ends, so a command cannot be sent while a plan is cancelling it. SQLite's write lock
    // (BEGIN IMMEDIATE) already keeps claims out.
    const lock = this.#db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const rows = await this.#db.query<{ id: unknown; payload: string; not_before: unknown; status: string; attempts: unknown; precondition: string | null }>(
      `SELECT id, payload, not_before, status, attempts, precondition FROM outbox WHERE person_id = $1 AND status IN ('pending', 'dead') ORDER BY seq${lock}`,
      [personId],
    );
    return rows.map((row) => {
      const command = JSON.parse(row.payload) as LastPassCommand;
      const dead = row.status === 'dead';
      return {
        id: toNumber(row.id),
        kind: command.kind,
        command,
        notBefore: toNumber(row.not_before),
        dead,
        attempted: !dead && toNumber(row.attempts) > 0,
        ...(row.precondition === null ? {} : { precondition: JSON.parse(row.precondition) as Precondition }),
      };
    });
  }

  async restamp(ids: readonly number[], epoch: number): Promise<number> {
    let updated = 0;
    for (const id of ids) {
      const [row] = await this.#db.query<{ precondition: string | null }>("SELECT precondition FROM outbox WHERE id = $1 AND status = 'pending'", [id]);
      if (row?.precondition == null) continue;
      const precondition = { ...(JSON.parse(row.precondition) as Precondition), epoch };
      updated += await this.#db.execute("UPDATE outbox SET precondition = $2 WHERE id = $1 AND status = 'pending'", [id, JSON.stringify(precondition)]);
    }
    return updated;
  }

  async cancel(ids: readonly number[], reason: string, now: number): Promise<number> {
    // The planner's cancellations go into the command's history too (lpprov audit), with no owner.
    const note = { outcome: 'cancelled', detail: reason, owner: null, at: now } as const;
    let cancelled = 0;
    for (const id of ids) {
      cancelled += await updateNotingAttempts(
        this.#db,
        { set: "status = 'cancelled', resolution = $2, updated_at = $3", where: "id = $1 AND status IN ('pending', 'dead')", params: [id, reason, now] },
        note,
      );
    }
    return cancelled;
  }
}
