import type { SqlDatabase } from '../db/sql-database.ts';
import { toNumber } from '../db/sql-database.ts';

/** Dispatch state of one LastPass account, shared by every replica through the database. */
export interface AccountState {
  readonly pausedUntil: number;
  readonly pauseReason: string | undefined;
  /** Consecutive refusals of the credentials; 0 once a call succeeds again. */
  readonly authFailures: number;
  readonly breaker: 'closed' | 'open';
  readonly breakerReason: string | undefined;
}

interface AccountRow {
  [column: string]: unknown;
  paused_until: unknown;
  pause_reason: string | null;
  auth_failures: unknown;
  breaker_state: string;
  breaker_reason: string | null;
}

const F = 'CAST($3 AS DOUBLE PRECISION)'; // burst
const R = 'CAST($4 AS DOUBLE PRECISION)'; // rate per second

/** The dispatcher's view of the account state (SqlAccountControl, or a test double). */
export interface AccountControl {
  state(account: string): Promise<AccountState>;
  pause(account: string, until: number, reason: string, now: number): Promise<void>;
  recordAuthFailure(account: string, until: number, reason: string, now: number): Promise<number>;
  clearAuthFailures(account: string, now: number): Promise<boolean>;
  openBreaker(account: string, reason: string, now: number): Promise<boolean>;
  closeBreaker(account: string, now: number): Promise<void>;
}

export class SqlAccountControl implements AccountControl {
  readonly #db: SqlDatabase;
  readonly #min: string;
  readonly #max: string;

  constructor(db: SqlDatabase) {
    this.#db = db;
    // SQLite's scalar min()/max() are PostgreSQL's LEAST()/GREATEST().
    this.#min = db.dialect === 'postgres' ? 'LEAST' : 'min';
    this.#max = db.dialect === 'postgres' ? 'GREATEST' : 'max';
  }

  async state(account: string): Promise<AccountState> {
    const [row] = await this.#db.query<AccountRow>(
      'SELECT paused_until, pause_reason, auth_failures, breaker_state, breaker_reason FROM dispatch_accounts WHERE account = $1',
      [account],
    );
    if (row === undefined) {
      return { pausedUntil: 0, pauseReason: undefined, authFailures: 0, breaker: 'closed', breakerReason: undefined };
    }
    return {
      pausedUntil: toNumber(row.paused_until),
      pauseReason: row.pause_reason ?? undefined,
      authFailures: toNumber(row.auth_failures),
      breaker: row.breaker_state === 'open' ? 'open' : 'closed',
      breakerReason: row.breaker_reason ?? undefined,
    };
  }

  /** Pauses dispatch until `until` (a longer pause already in place stays). */
  async pause(account: string, until: number, reason: string, now: number): Promise<void> {
    await this.#ensure(account, now);
    await this.#db.execute(
      `UPDATE dispatch_accounts SET paused_until = ${this.#max}(paused_until, $2), pause_reason = $3, updated_at = $4 WHERE account = $1`,
      [account, until, reason, now],
    );
  }

  /** Counts one more refusal of the credentials and pauses; returns the count. */
  async recordAuthFailure(account: string, until: number, reason: string, now: number): Promise<number> {
    await this.#ensure(account, now);
    const [row] = await this.#db.query<{ auth_failures: unknown }>(
      `UPDATE dispatch_accounts SET auth_failures = auth_failures + 1, paused_until = ${this.#max}(paused_until, $2),
         pause_reason = $3, updated_at = $4 WHERE account = $1 RETURNING auth_failures`,
      [account, until, reason, now],
    );
    return row === undefined ? 1 : toNumber(row.auth_failures);
  }

  /** A call succeeded: forget refused credentials. True when there were any (dispatch resumed). */
  async clearAuthFailures(account: string, now: number): Promise<boolean> {
    const changed = await this.#db.execute(
      `UPDATE dispatch_accounts SET auth_failures = 0, paused_until = 0, pause_reason = NULL, updated_at = $2
       WHERE account = $1 AND auth_failures > 0`,
      [account, now],
    );
    return changed > 0;
  }

  /** Trips the breaker; false when it was already open. */
  async openBreaker(account: string, reason: string, now: number): Promise<boolean> {
    await this.#ensure(account, now);
    const changed = await this.#db.execute(
      `UPDATE dispatch_accounts SET breaker_state = 'open', breaker_opened_at = $2, breaker_reason = $3, updated_at = $2
       WHERE account = $1 AND breaker_state = 'closed'`,
      [account, now, reason],
    );
    return changed > 0;
  }

  async closeBreaker(account: string, now: number): Promise<void> {
    await this.#db.execute(
      `UPDATE dispatch_accounts SET breaker_state = 'closed', breaker_opened_at = NULL, breaker_reason = NULL, updated_at = $2
       WHERE account = $1`,
      [account, now],
    );
  }

  /**
   * Takes one token from the account's shared bucket (`rate` per second, up to `burst`). Returns 0
   * when a token was taken, otherwise how many ms until one will be there. One statement, so
   * replicas racing for the last token cannot both get it.
   */
  async takeToken(account: string, rate: number, burst: number, now: number): Promise<number> {
    await this.#ensure(account, now);
    const available = `${this.#min}(${F}, COALESCE(tokens, ${F}) + ${this.#max}(0, $2 - COALESCE(tokens_at, $2)) * ${R} / 1000.0)`;
    const taken = await this.#db.execute(
      `UPDATE dispatch_accounts SET tokens = ${available} - 1, tokens_at = $2 WHERE account = $1 AND ${available} >= 1`,
      [account, now, burst, rate],
    );
    if (taken > 0) return 0;
    const [row] = await this.#db.query<{ available: unknown }>(
      `SELECT ${available} AS available FROM dispatch_accounts WHERE account = $1`,
      [account, now, burst, rate],
    );
    const missing = 1 - (row === undefined ? 0 : toNumber(row.available));
    return Math.max(1, Math.ceil((missing / rate) * 1000));
  }

  async #ensure(account: string, now: number): Promise<void> {
    await this.#db.execute(
      'INSERT INTO dispatch_accounts (account, updated_at) VALUES ($1, $2) ON CONFLICT (account) DO NOTHING',
      [account, now],
    );
  }
}
