import { readdir } from 'node:fs/promises';

import type { Dialect, SqlExecutor } from '../../db/sql-database.ts';

// The same naming rule as src/db/migrate.ts: NNNN_name.sql.
const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The newest migration this build of lpprov ships for the engine. */
export async function latestMigration(dialect: Dialect): Promise<number> {
  const folder = new URL(`../../db/migrations/${dialect}/`, import.meta.url);
  const versions = (await readdir(folder)).flatMap((file) => {
    const match = MIGRATION_FILE.exec(file);
    return match?.[1] === undefined ? [] : [Number(match[1])];
  });
  return Math.max(0, ...versions);
}

/** The newest migration applied to the database; undefined when it has no lpprov schema at all. */
export async function appliedMigration(db: SqlExecutor): Promise<number | undefined> {
  try {
    const [row] = await db.query<{ version: unknown }>('SELECT MAX(version) AS version FROM schema_migrations');
    return row?.version == null ? undefined : Number(row.version);
  } catch {
    return undefined; // no schema_migrations table
  }
}
