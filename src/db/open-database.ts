import type { DatabaseConfig } from '../config/config.ts';
import { PostgresDatabase } from './postgres-database.ts';
import type { SqlDatabase } from './sql-database.ts';
import { SqliteDatabase } from './sqlite-database.ts';

/** Opens the database the configuration names: a SQLite file or a PostgreSQL URL. */
export function openDatabase(config: DatabaseConfig): SqlDatabase {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteDatabase(config.path);
    case 'postgres':
      return new PostgresDatabase({ connectionString: config.url.reveal() });
  }
}
