/** Exit statuses of `lpprov outbox …` and `lpprov migrate`, for scripts (docs/cli.md, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** Configuration, usage or database error (commander's own usage errors exit 1 too). */
  failure: 1,
  /** The outbox refused the operation: unknown id, or the command is in a state that does not allow it. */
  refused: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  configuration, usage or database error (DATABASE_URL unreachable, schema not migrated)
  2  refused: unknown id, or the command's status does not allow the operation

Reads DATABASE_URL (default ./data/lpprov.db) and LASTPASS_CID like lpprov start.`;

export const MIGRATE_EXIT_CODES_HELP = `
Exit codes:
  0  success: the schema is current (whether or not anything was applied)
  1  configuration or database error (DATABASE_URL cannot be opened or reached, a migration failed)

Reads DATABASE_URL: a SQLite file (default ./data/lpprov.db, created if absent) or a
postgres:// URL. Processes migrating together take turns, so replicas may all run it.`;
