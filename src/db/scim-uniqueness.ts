/**
 * What a SCIM repository throws when a write would break a uniqueness rule (a second user with
 * the same userName, a second group with the same displayName, in any letter case). The app
 * checks first; this is the concurrent writer that got past the check, caught by the database's
 * unique index. It carries `code: 'SCIM_UNIQUENESS'` because the SCIM adapter, which turns it into
 * 409 `uniqueness`, may not import this layer.
 */
export class ScimUniquenessError extends Error {
  readonly code = 'SCIM_UNIQUENESS';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScimUniquenessError';
  }
}

const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const PG_UNIQUE_VIOLATION = '23505';

/** True for a unique-index violation from either engine. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === PG_UNIQUE_VIOLATION || errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY;
}

/** Runs a write, turning a unique-index violation into a ScimUniquenessError. */
export async function uniquely<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ScimUniquenessError(what, { cause: error });
    throw error;
  }
}
