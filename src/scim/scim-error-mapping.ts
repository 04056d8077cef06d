import SCIMMY from 'scimmy';

import { ScimChangeError } from '../app/scim/scim-errors.ts';
import { ScimHttpError, type ScimType } from './scim-http-error.ts';

const SCIM_TYPES: ReadonlySet<string> = new Set<ScimType>([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);

function scimTypeOf(value: unknown): ScimType | undefined {
  return typeof value === 'string' && SCIM_TYPES.has(value) ? (value as ScimType) : undefined;
}

/**
 * The SCIM answer for an error thrown while serving a request, or undefined when it is not an
 * expected refusal (then it is an internal error: 500, logged). Never a 404 for a crash, unlike
 * scimmy's own resource handlers.
 */
export function toScimHttpError(error: unknown): ScimHttpError | undefined {
  if (error instanceof ScimHttpError) return error;
  if (error instanceof SCIMMY.Types.Error) {
    const status = Number(error.status);
    return new ScimHttpError(Number.isInteger(status) && status >= 400 && status < 600 ? status : 400, error.message, scimTypeOf(error.scimType));
  }
  if (error instanceof ScimChangeError) {
    switch (error.reason) {
      case 'not_found':
        return new ScimHttpError(404, error.message);
      case 'uniqueness':
        return new ScimHttpError(409, error.message, 'uniqueness');
      case 'invalid_value':
        return new ScimHttpError(400, error.message, 'invalidValue');
      case 'conflict':
        return new ScimHttpError(409, error.message);
    }
  }
  if (hasCode(error, 'SCIM_UNIQUENESS')) {
    // A concurrent create of the same userName / displayName, caught by the database (src/db).
    return new ScimHttpError(409, error instanceof Error ? error.message : 'the value is already taken', 'uniqueness');
  }
  if (isTransientStorageError(error)) {
    // Nothing was stored; Okta and Entra retry a 503, and Retry-After says when.
    return new ScimHttpError(503, 'the database is busy or unreachable; nothing was changed, retry later', undefined, { 'Retry-After': '5' });
  }
  return bodyReadError(error);
}

// SQLite: SQLITE_BUSY, SQLITE_LOCKED. PostgreSQL: serialization failure, deadlock, too many
// connections, shutdown, connection exceptions (class 08). Node: the connection itself failed.
const SQLITE_TRANSIENT = new Set([5, 6]);
const PG_TRANSIENT = /^(40001|40P01|53300|57P0[123]|08\d{3})$/;
const NETWORK_TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/** A database failure that says nothing about the request: worth a retry. */
function isTransientStorageError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (typeof errcode === 'number' && SQLITE_TRANSIENT.has(errcode & 0xff)) return true;
  return typeof code === 'string' && (PG_TRANSIENT.test(code) || NETWORK_TRANSIENT.has(code));
}

/** Errors express's body parser raises (malformed JSON, too large, bad encoding). */
function bodyReadError(error: unknown): ScimHttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return new ScimHttpError(400, 'the request body is not valid JSON', 'invalidSyntax');
    case 'entity.too.large':
      return new ScimHttpError(413, 'the request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ScimHttpError(415, 'the request body encoding is not supported');
    default:
      return status >= 400 && status < 500 ? new ScimHttpError(status, 'the request body could not be read') : undefined;
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * Runs a scimmy call whose TypeErrors describe the client's input (a missing required attribute,
 * a value of the wrong type) and turns them into 400 invalidValue, and scimmy's SCIM errors into
 * ScimHttpError. Used only around scimmy
 * validation, so that a TypeError anywhere else stays what it is: a bug, answered 500.
 */
export function validating<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asRefusal(error);
  }
}

export async function validatingAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asRefusal(error);
  }
}

/** scimmy's own refusals (SCIMMY.Types.Error) become ours too, so callers see one error type. */
function asRefusal(error: unknown): unknown {
  if (error instanceof TypeError) return new ScimHttpError(400, error.message, 'invalidValue');
  if (error instanceof SCIMMY.Types.Error) return toScimHttpError(error) ?? error;
  return error;
}
