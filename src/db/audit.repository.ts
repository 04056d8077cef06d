import type { CommandKind, LastPassCommand } from '../core/commands.ts';
import { type SqlExecutor, type SqlValue, toNumber } from './sql-database.ts';

/** One inbox row: an input lpprov took for the person. The last three are absent before migration 0007. */
export interface AuditInput {
  readonly personId: string;
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly outcome: string;
  readonly receivedAt: number;
  readonly correlationId: string | undefined;
  readonly decisions: readonly string[] | undefined;
  /** The canonical event as accepted (JSON). */
  readonly event: unknown;
}

/** One outbox row: a command planned for the person. */
export interface AuditCommand {
  readonly id: number;
  readonly personId: string;
  readonly seq: number;
  readonly kind: CommandKind;
  readonly status: string;
  readonly command: LastPassCommand;
  readonly attempts: number;
  readonly notBefore: number;
  readonly lastError: string | undefined;
  readonly resolution: string | undefined;
  readonly idempotencyKey: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly correlationId: string | undefined;
}

/** One command_attempts row: something that became of a command (src/db/audit-attempts.ts). */
export interface AuditAttempt {
  readonly id: number;
  readonly outboxId: number;
  readonly attempt: number | undefined;
  readonly at: number;
  readonly outcome: string;
  readonly detail: string | undefined;
  readonly durationMs: number | undefined;
  readonly owner: string | undefined;
}

export interface AuditRows {
  readonly inputs: readonly AuditInput[];
  readonly commands: readonly AuditCommand[];
  readonly attempts: readonly AuditAttempt[];
}

interface InputRow {
  [column: string]: unknown;
  person_id: string;
  source: string;
  event_id: string;
  event_type: string;
  outcome: string;
  received_at: unknown;
  correlation_id: string | null;
  decisions: string | null;
  event: string | null;
}

interface CommandRow {
  [column: string]: unknown;
  id: unknown;
  person_id: string;
  seq: unknown;
  kind: string;
  status: string;
  payload: string;
  attempts: unknown;
  not_before: unknown;
  last_error: string | null;
  resolution: string | null;
  idempotency_key: string;
  created_at: unknown;
  updated_at: unknown;
  correlation_id: string | null;
}

interface AttemptRow {
  [column: string]: unknown;
  id: unknown;
  outbox_id: unknown;
  attempt: unknown;
  at: unknown;
  outcome: string;
  detail: string | null;
  duration_ms: unknown;
  owner: string | null;
}

/** Reads what `lpprov audit` shows; it writes nothing. */
export class SqlAuditReader {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  /**
   * The person ids `query` names: itself when any input, command or person record has it;
   * otherwise the people whose LastPass username it is (HR and SCIM may each have one). Empty
   * when nobody matches.
   */
  async resolvePeople(query: string): Promise<string[]> {
    const known = await this.#db.query(
      `SELECT 1 FROM people WHERE person_id = $1
       UNION ALL SELECT 1 FROM inbox WHERE person_id = $1
       UNION ALL SELECT 1 FROM outbox WHERE person_id = $1`,
      [query],
    );
    if (known.length > 0) return [query];
    const rows = await this.#db.query<{ person_id: string }>('SELECT person_id FROM people WHERE username = $1 ORDER BY person_id', [
      query.trim().toLowerCase(),
    ]);
    return rows.map((row) => row.person_id);
  }

  /** Every input, command and command outcome of these people. */
  async rowsFor(personIds: readonly string[]): Promise<AuditRows> {
    if (personIds.length === 0) return { inputs: [], commands: [], attempts: [] };
    const params: SqlValue[] = [...personIds];
    const among = `(${personIds.map((_, i) => `$${i + 1}`).join(', ')})`;
    const inputs = await this.#db.query<InputRow>(
      `SELECT person_id, source, event_id, event_type, outcome, received_at, correlation_id, decisions, event
       FROM inbox WHERE person_id IN ${among} ORDER BY received_at`,
      params,
    );
    const commands = await this.#db.query<CommandRow>(
      `SELECT id, person_id, seq, kind, status, payload, attempts, not_before, last_error, resolution, idempotency_key,
         created_at, updated_at, correlation_id
       FROM outbox WHERE person_id IN ${among} ORDER BY id`,
      params,
    );
    const attempts = await this.#db.query<AttemptRow>(
      `SELECT a.id, a.outbox_id, a.attempt, a.at, a.outcome, a.detail, a.duration_ms, a.owner
       FROM command_attempts a JOIN outbox o ON o.id = a.outbox_id
       WHERE o.person_id IN ${among} ORDER BY a.id`,
      params,
    );
    return { inputs: inputs.map(inputOf), commands: commands.map(commandOf), attempts: attempts.map(attemptOf) };
  }
}

function inputOf(row: InputRow): AuditInput {
  return {
    personId: row.person_id,
    source: row.source,
    eventId: row.event_id,
    eventType: row.event_type,
    outcome: row.outcome,
    receivedAt: toNumber(row.received_at),
    correlationId: row.correlation_id ?? undefined,
    decisions: row.decisions === null ? undefined : (JSON.parse(row.decisions) as string[]),
    event: row.event === null ? undefined : (JSON.parse(row.event) as unknown),
  };
}

function commandOf(row: CommandRow): AuditCommand {
  return {
    id: toNumber(row.id),
    personId: row.person_id,
    seq: toNumber(row.seq),
    kind: row.kind as CommandKind,
    status: row.status,
    command: JSON.parse(row.payload) as LastPassCommand,
    attempts: toNumber(row.attempts),
    notBefore: toNumber(row.not_before),
    lastError: row.last_error ?? undefined,
    resolution: row.resolution ?? undefined,
    idempotencyKey: row.idempotency_key,
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    correlationId: row.correlation_id ?? undefined,
  };
}

function attemptOf(row: AttemptRow): AuditAttempt {
  return {
    id: toNumber(row.id),
    outboxId: toNumber(row.outbox_id),
    attempt: row.attempt == null ? undefined : toNumber(row.attempt),
    at: toNumber(row.at),
    outcome: row.outcome,
    detail: row.detail ?? undefined,
    durationMs: row.duration_ms == null ? undefined : toNumber(row.duration_ms),
    owner: row.owner ?? undefined,
  };
}
