/** `lpprov dead-letters …` exits like `lpprov outbox …` (src/cli/outbox/exit-codes.ts); only what 2 means differs. */
export const DEAD_LETTERS_EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  configuration, usage or database error (DATABASE_URL unreachable, schema not migrated, POLICY_FILE invalid)
  2  refused, nothing changed: unknown id, already resolved, still not a valid event, or a SCIM refusal
     (the identity provider sends those again once the user is fixed there)

Reads DATABASE_URL (default ./data/lpprov.db) like lpprov start; retry also POLICY_FILE.`;
