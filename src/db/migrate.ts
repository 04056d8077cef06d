import { readdir, readFile } from 'node:fs/promises';

import type { SqlDatabase } from './sql-database.ts';

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Any fixed number works; it only has to be the same for every lpprov replica.
const MIGRATION_LOCK_KEY = 727_577_001;

/**
 * Applies the numbered SQL files of `migrations/<dialect>/` that the database has not seen yet,
 * each in its own transaction, in order. Replicas starting together on PostgreSQL take an
 * advisory lock so only one applies a given migration.
 */
export async function migrate(db: SqlDatabase, now: () => number = Date.now): Promise<AppliedMigration[]> {
  const folder = new URL(`./migrations/${db.dialect}/`, import.meta.url);
  const files = (await readdir(folder)).filter((f) => MIGRATION_FILE.test(f)).sort();
  await db.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const applied: AppliedMigration[] = [];
  for (const file of files) {
    const [, number, name] = MIGRATION_FILE.exec(file) ?? [];
    const version = Number(number);
    const sql = await readFile(new URL(file, folder), 'utf8');
    const didApply = await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      }
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
      if (seen.length > 0) return false;
      for (const statement of splitStatements(sql)) await tx.execute(statement);
      await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        version,
        name ?? file,
        now(),
      ]);
      return true;
    });
    if (didApply) applied.push({ version, name: name ?? file });
  }
  return applied;
}

/** Splits a migration file into statements; migrations keep semicolons out of strings and comments. */
function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
