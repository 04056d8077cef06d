/** Exit statuses of `lpprov plan`, for scripts (docs/cli.md, "lpprov plan"). */
export const PLAN_EXIT = {
  /** Planned, whether or not any command would be enqueued. */
  ok: 0,
  /** Configuration or database error (also a SCIM request the endpoint failed on with 5xx). */
  failure: 1,
  /** The file cannot be read or is not valid, or the arguments are wrong: nothing was planned. */
  invalid: 2,
} as const;

export type PlanExitCode = (typeof PLAN_EXIT)[keyof typeof PLAN_EXIT];

export const PLAN_HELP = `
<file> (or - for stdin) holds HR events (CloudEvents, as Kafka and the webhook take them) or SCIM
requests ({"method", "path", "body"}), as one JSON object, a JSON array or JSON Lines.
They are applied in order through lpprov's own code against DATABASE_URL (an empty in-memory
database when its SQLite file does not exist) in one transaction that is rolled back at the end.

Exit codes:
  0  planned (also when no command would be enqueued)
  1  configuration or database error (DATABASE_URL unreachable, schema not migrated, POLICY_FILE invalid)
  2  the file cannot be read or is not valid (every problem is listed), or a bad option

Reads DATABASE_URL (default ./data/lpprov.db) and POLICY_FILE like lpprov start.`;
