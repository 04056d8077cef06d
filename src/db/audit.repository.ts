import type { CommandKind, LastPassCommand } from '../core/commands.ts';
import { DEAD_LETTER_COLUMNS, type DeadLetterRecord, type DeadLetterRow, deadLetterOf } from './dead-letter-admin.ts';
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

/** An input dead letter of the person: a SCIM change lpprov refused (src/app/scim/plan-scim-user.ts). */
export interface AuditDeadLetter extends DeadLetterRow {
  /** The person it names; undefined when it names only a userName nobody is known by (a refused create). */
  readonly personId: string | undefined;
}

export interface AuditRows {
  readonly inputs: readonly AuditInput[];
  readonly commands: readonly AuditCommand[];
  readonly attempts: readonly AuditAttempt[];
  readonly deadLetters: readonly AuditDeadLetter[];
}

/** A source ending that names a person: `/Users/<id>`, or `/Users?userName=<name>` for a refused create. */
interface SourceEnding {
  readonly ending: string;
  /** userName is case-insensitive in SCIM (RFC 7643); a SCIM id is not. */
  readonly ignoreCase: boolean;
  readonly personId: string | undefined;
}

const SCIM_PERSON = 'scim:';

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
    // A SCIM user LastPass cannot have may be known only through the dead letter of its refusal.
    if (query.startsWith(SCIM_PERSON) && (await this.#deadLettersEnding([idEnding(query)])).length > 0) return [query];
    const rows = await this.#db.query<{ person_id: string }>('SELECT person_id FROM people WHERE username = $1 ORDER BY person_id', [
      query.trim().toLowerCase(),
    ]);
    return rows.map((row) => row.person_id);
  }

  /**
   * Every input, command, command outcome and input dead letter of these people. Dead letters
   * are SCIM refusals: those of a `scim:<id>` person's `/Users/<id>`, and refused creates (which
   * have no id yet) under one of the person's usernames or one of `usernames` (a query naming
   * nobody but such a refusal).
   */
  async rowsFor(personIds: readonly string[], usernames: readonly string[] = []): Promise<AuditRows> {
    const deadLetters = await this.#deadLettersFor(personIds, usernames);
    if (personIds.length === 0) return { inputs: [], commands: [], attempts: [], deadLetters };
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
    return { inputs: inputs.map(inputOf), commands: commands.map(commandOf), attempts: attempts.map(attemptOf), deadLetters };
  }

  async #deadLettersFor(personIds: readonly string[], usernames: readonly string[]): Promise<AuditDeadLetter[]> {
    const endings: SourceEnding[] = [];
    for (const personId of personIds) {
      if (personId.startsWith(SCIM_PERSON)) endings.push(idEnding(personId));
      for (const name of await this.#usernamesOf(personId)) endings.push(...userNameEndings(name, personId));
    }
    for (const name of usernames) endings.push(...userNameEndings(name, undefined));
    return this.#deadLettersEnding(endings);
  }

  /** The names a person is known by: the LastPass username planned, and a SCIM user's userName. */
  async #usernamesOf(personId: string): Promise<string[]> {
    const rows = await this.#db.query<{ name: string | null }>(
      `SELECT username AS name FROM people WHERE person_id = $1
       UNION ALL SELECT user_name AS name FROM scim_users WHERE id = $2`,
      [personId, personId.startsWith(SCIM_PERSON) ? personId.slice(SCIM_PERSON.length) : personId],
    );
    return rows.flatMap((row) => (row.name === null ? [] : [row.name]));
  }

  /** The SCIM dead letters whose source ends in one of `endings`, oldest first, each under the first person it names. */
  async #deadLettersEnding(endings: readonly SourceEnding[]): Promise<AuditDeadLetter[]> {
    if (endings.length === 0) return [];
    const params: SqlValue[] = [];
    const conditions = endings.map((ending) => {
      params.push(ending.ignoreCase ? ending.ending.toLowerCase() : ending.ending);
      const value = `CAST($${params.length} AS TEXT)`;
      // substr rather than LIKE '%…': a userName may hold % or _, and LIKE's case rules differ between the engines.
      const tail = `substr(source, length(source) - length(${value}) + 1)`;
      return `(length(source) >= length(${value}) AND ${ending.ignoreCase ? `LOWER(${tail})` : tail} = ${value})`;
    });
    const rows = await this.#db.query<DeadLetterRecord>(
      `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE source LIKE 'scim:%' AND (${conditions.join(' OR ')}) ORDER BY created_at, id`,
      params,
    );
    return rows.map((row) => {
      const letter = deadLetterOf(row);
      const named = endings.find((e) =>
        e.ignoreCase ? letter.source.toLowerCase().endsWith(e.ending.toLowerCase()) : letter.source.endsWith(e.ending),
      );
      return { ...letter, personId: named?.personId };
    });
  }
}

function idEnding(personId: string): SourceEnding {
  return { ending: `/Users/${personId.slice(SCIM_PERSON.length)}`, ignoreCase: false, personId };
}

/** A refused create names the userName as the SCIM endpoint writes it (URL-encoded), or as it is. */
function userNameEndings(name: string, personId: string | undefined): SourceEnding[] {
  const forms = new Set([encodeURIComponent(name), name]);
  return [...forms].map((form) => ({ ending: `/Users?userName=${form}`, ignoreCase: true, personId }));
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
