import { ScimHttpError, invalidSyntax } from '../scim-http-error.ts';
import { PATCH_OP_SCHEMA } from '../scim-schemas.ts';

export type PatchVerb = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  readonly op: PatchVerb;
  readonly path: string | undefined;
  readonly value: unknown;
}

/** Most operations in one PATCH; Okta and Entra send one to a few dozen. */
export const MAX_PATCH_OPERATIONS = 1000;

/**
 * The operations of a PatchOp request (RFC 7644 §3.5.2), checked: `op` in any letter case (Entra
 * sends `Replace`), member names of the message and of each operation in any case, `remove`
 * needs a path, `add` a value. A message without `schemas` is taken; one that lists schemas must
 * list the PatchOp URN.
 */
export function patchOperationsOf(body: unknown): PatchOperation[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidSyntax('a PATCH body must be a PatchOp message (a JSON object)');
  const message = lowerKeys(body);
  if (message.schemas !== undefined) {
    const schemas = Array.isArray(message.schemas) ? message.schemas : [];
    if (!schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
      throw invalidSyntax(`a PatchOp message must list the schema ${PATCH_OP_SCHEMA}`);
    }
  }
  const operations = message.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimHttpError(400, 'a PatchOp message needs "Operations" with at least one operation', 'invalidValue');
  }
  if (operations.length > MAX_PATCH_OPERATIONS) throw new ScimHttpError(413, `a PatchOp message may hold at most ${MAX_PATCH_OPERATIONS} operations`);
  return operations.map((operation: unknown, index) => operationOf(operation, index + 1));
}

function operationOf(operation: unknown, position: number): PatchOperation {
  if (typeof operation !== 'object' || operation === null || Array.isArray(operation)) {
    throw new ScimHttpError(400, `operation ${position} is not an object`, 'invalidValue');
  }
  const fields = lowerKeys(operation);
  const verb = typeof fields.op === 'string' ? fields.op.trim().toLowerCase() : undefined;
  if (verb !== 'add' && verb !== 'remove' && verb !== 'replace') {
    throw invalidSyntax(`operation ${position} has op ${JSON.stringify(fields.op ?? null)}; expected add, remove or replace`);
  }
  const path = fields.path;
  if (path !== undefined && path !== null && (typeof path !== 'string' || path.trim() === '')) {
    throw new ScimHttpError(400, `operation ${position} has an invalid path`, 'invalidPath');
  }
  const cleanPath = typeof path === 'string' ? path.trim() : undefined;
  if (verb === 'remove' && cleanPath === undefined) throw new ScimHttpError(400, `operation ${position} removes without a path`, 'noTarget');
  if (verb === 'add' && fields.value === undefined) throw new ScimHttpError(400, `operation ${position} adds without a value`, 'invalidValue');
  return { op: verb, path: cleanPath, value: fields.value };
}

function lowerKeys(object: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) out[key.toLowerCase()] = value;
  return out;
}
