import type { Dialect, SqlExecutor, SqlValue } from './sql-database.ts';

/**
 * What became of a command, one row of `command_attempts` each (migration 0007):
 * - from the dispatcher: done, retry (counted attempt failed), released (the attempt was given
 *   back: throttled, paused, refused credentials, stopping), dead, parked (mass-change breaker),
 *   cancelled (its precondition failed when it fired), expired (the lease ran out);
 * - from the planner: cancelled (a later input made it obsolete);
 * - from an operator (`lpprov outbox`): operator_retry, operator_skip, operator_cancel,
 *   operator_approve, operator_reject.
 */
export const ATTEMPT_OUTCOMES = [
  'done',
  'retry',
  'released',
  'dead',
  'parked',
  'cancelled',
  'expired',
  'operator_retry',
  'operator_skip',
  'operator_cancel',
  'operator_approve',
  'operator_reject',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface AttemptNote {
  readonly outcome: AttemptOutcome;
  readonly detail: string | null;
  /** The dispatcher that held the lease, or the operator; null for the planner. */
  readonly owner: string | null;
  readonly at: number;
  /**
   * For the outcome of a claim: the row gets the attempt number the claim gave the command (the
   * update may give it back), and, when `timed`, the milliseconds since the claim. Absent: neither.
   */
  readonly claim?: { readonly givesAttemptBack: boolean; readonly timed: boolean };
}

/** An UPDATE of outbox rows, in parts: `UPDATE outbox SET <set> WHERE <where>`, both over `params`. */
export interface OutboxUpdate {
  readonly set: string;
  readonly where: string;
  readonly params: readonly SqlValue[];
}

const INSERT_COLUMNS = 'command_attempts (outbox_id, attempt, at, outcome, detail, duration_ms, owner)';

/**
 * Runs `update` and writes one command_attempts row for every outbox row it changes, so that the
 * history cannot disagree with the status. PostgreSQL: one statement (a data-modifying CTE), one
 * round trip as before. SQLite: the history rows first, selected with the update's own WHERE, then
 * the update; the caller must hold a transaction (SQLite's write lock keeps the rows as selected).
 * Returns how many rows the update changed.
 */
export async function updateNotingAttempts(db: SqlExecutor, update: OutboxUpdate, note: AttemptNote): Promise<number> {
  const statements = statementsFor(db.dialect, update, note);
  const values = [note.at, note.outcome, note.detail, note.owner];
  if (statements.update === undefined) return db.execute(statements.record, [...update.params, ...values]);
  await db.execute(statements.record, [...statements.whereParams.map((i) => update.params[i] ?? null), ...values]);
  return db.execute(statements.update, update.params);
}

interface Statements {
  /** PostgreSQL: the whole CTE; SQLite: the INSERT … SELECT of the history rows. */
  readonly record: string;
  /** SQLite only: the UPDATE itself. */
  readonly update: string | undefined;
  /** SQLite: which of the update's params the INSERT's WHERE takes, in its order. */
  readonly whereParams: readonly number[];
}

// This runs for every command the dispatcher finishes: the SQL of each (set, where, kind of note)
// is built once, keyed by the callers' constant strings.
const built = new Map<string, Map<string, Statements[]>>();

function statementsFor(dialect: Dialect, update: OutboxUpdate, note: AttemptNote): Statements {
  // 0: no claim; 1-4: a claim, giving the attempt back or not, timed or not; +5 on SQLite.
  const claim = note.claim === undefined ? 0 : 1 + (note.claim.givesAttemptBack ? 2 : 0) + (note.claim.timed ? 1 : 0);
  const shape = claim + (dialect === 'sqlite' ? 5 : 0);
  let byWhere = built.get(update.set);
  if (byWhere === undefined) {
    byWhere = new Map<string, Statements[]>();
    built.set(update.set, byWhere);
  }
  let shapes = byWhere.get(update.where);
  if (shapes === undefined) {
    shapes = [];
    byWhere.set(update.where, shapes);
  }
  return (shapes[shape] ??= build(dialect, update, note));
}

function build(dialect: Dialect, update: OutboxUpdate, note: AttemptNote): Statements {
  if (dialect === 'postgres') {
    const n = update.params.length;
    // RETURNING sees the row as updated: an attempt given back is added again.
    const attempt = note.claim === undefined ? 'CAST(NULL AS INTEGER)' : note.claim.givesAttemptBack ? 'attempts + 1' : 'attempts';
    const duration = note.claim?.timed === true ? `$${n + 1}::bigint - claimed_at` : 'CAST(NULL AS BIGINT)';
    const record = `WITH changed AS (UPDATE outbox SET ${update.set} WHERE ${update.where} RETURNING id, ${attempt} AS attempt, claimed_at)
       INSERT INTO ${INSERT_COLUMNS}
       SELECT id, attempt, $${n + 1}::bigint, $${n + 2}::text, $${n + 3}::text, ${duration}, $${n + 4}::text FROM changed`;
    return { record, update: undefined, whereParams: [] };
  }
  // Selected before the update, so `attempts` is still the claim's number.
  const whereParams: number[] = [];
  const where = update.where.replace(/\$(\d+)/g, (_, index: string) => {
    const original = Number(index) - 1;
    let position = whereParams.indexOf(original);
    if (position < 0) position = whereParams.push(original) - 1;
    return `$${position + 1}`;
  });
  const k = whereParams.length;
  const duration = note.claim?.timed === true ? `$${k + 1} - claimed_at` : 'NULL';
  const record = `INSERT INTO ${INSERT_COLUMNS}
     SELECT id, ${note.claim === undefined ? 'NULL' : 'attempts'}, $${k + 1}, $${k + 2}, $${k + 3}, ${duration}, $${k + 4}
     FROM outbox WHERE ${where}`;
  return { record, update: `UPDATE outbox SET ${update.set} WHERE ${update.where}`, whereParams };
}
