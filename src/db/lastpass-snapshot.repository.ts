import type { DirectoryUser, LastPassSnapshotRepository } from '../core/reconcile/directory.ts';
import type { SqlExecutor, SqlValue } from './sql-database.ts';

// Rows per INSERT: well under SQLite's 32766 and PostgreSQL's 65535 bound parameters.
const CHUNK = 500;

/** The last complete LastPass user list, one row per username. */
export class SqlLastPassSnapshotRepository implements LastPassSnapshotRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async replace(users: readonly DirectoryUser[], takenAt: number): Promise<void> {
    await this.#db.execute('DELETE FROM lastpass_snapshot');
    // LastPass keys users case-insensitively; one row per lower-case username.
    const byName = new Map(users.map((user) => [user.username.toLowerCase(), user]));
    const rows = [...byName];
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      const params: SqlValue[] = [];
      const values = chunk.map(([username, user], i) => {
        params.push(username, JSON.stringify({ ...user, username }), takenAt);
        return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
      });
      await this.#db.execute(`INSERT INTO lastpass_snapshot (username, account, taken_at) VALUES ${values.join(', ')}`, params);
    }
  }

  async find(username: string): Promise<DirectoryUser | undefined> {
    const [row] = await this.#db.query<{ account: string }>('SELECT account FROM lastpass_snapshot WHERE username = $1', [
      username.toLowerCase(),
    ]);
    return row === undefined ? undefined : (JSON.parse(row.account) as DirectoryUser);
  }
}
