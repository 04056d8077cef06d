import { toNumber, type SqlExecutor } from './sql-database.ts';

export interface StoredTokenDigest {
  readonly sha256Hex: string;
  readonly createdAt: number;
}

/** The generated SCIM token's digest: one row, created once, replaced by a rotation. */
export class SqlGeneratedTokenRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async current(): Promise<StoredTokenDigest | undefined> {
    const [row] = await this.#db.query<{ sha256_hex: string; created_at: unknown }>(
      'SELECT sha256_hex, created_at FROM generated_scim_token WHERE slot = 1',
    );
    return row === undefined ? undefined : { sha256Hex: row.sha256_hex, createdAt: toNumber(row.created_at) };
  }

  /** False when a digest is stored already (another replica started first): that one stands. */
  async createIfAbsent(sha256Hex: string, now: number): Promise<boolean> {
    const changed = await this.#db.execute(
      'INSERT INTO generated_scim_token (slot, sha256_hex, created_at) VALUES (1, $1, $2) ON CONFLICT (slot) DO NOTHING',
      [sha256Hex, now],
    );
    return changed > 0;
  }

  /** Drops the digest if it is still this one (a start that failed before it could show the token). */
  async forget(sha256Hex: string): Promise<void> {
    await this.#db.execute('DELETE FROM generated_scim_token WHERE slot = 1 AND sha256_hex = $1', [sha256Hex]);
  }

  async replace(sha256Hex: string, now: number): Promise<void> {
    await this.#db.execute(
      `INSERT INTO generated_scim_token (slot, sha256_hex, created_at) VALUES (1, $1, $2)
       ON CONFLICT (slot) DO UPDATE SET sha256_hex = excluded.sha256_hex, created_at = excluded.created_at`,
      [sha256Hex, now],
    );
  }
}
