export type Dialect = 'sqlite' | 'postgres';

/** A value that may be bound to a statement parameter. */
export type SqlValue = string | number | bigint | null;

export type Row = Record<string, unknown>;

/**
 * Runs statements. SQL is written once with PostgreSQL-style `$1, $2` placeholders; the SQLite
 * adapter maps them to SQLite's numbered `?1, ?2`, which bind the same way.
 */
export interface SqlExecutor {
  readonly dialect: Dialect;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Returns how many rows the statement changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it rejects.
   * Statements must go through the executor passed to `work`.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Reads a column stored as BIGINT (PostgreSQL) or INTEGER (SQLite) as a JS number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`expected a numeric column, got ${typeof value}`);
}
