import SCIMMY from 'scimmy';

import { validatingAsync } from '../scim-error-mapping.ts';
import { PATCH_OP_SCHEMA, type ResourceKind } from '../scim-schemas.ts';
import type { PatchOperation } from './patch-request.ts';
import { prepareOperation } from './prepare-operation.ts';

/**
 * Applies PATCH operations to a resource's SCIM representation with scimmy's PatchOp, one
 * operation at a time, so that each is prepared (prepare-operation.ts) against the result of the
 * ones before it. All or nothing: the first failing operation throws and nothing is kept. Pure:
 * the result depends only on `document` and `operations`, so it may run again on a newer
 * document when a concurrent write forces a retry.
 */
export async function applyPatch(
  kind: ResourceKind,
  document: Readonly<Record<string, unknown>>,
  operations: readonly PatchOperation[],
): Promise<Record<string, unknown>> {
  let current: Record<string, unknown> = { ...document };
  for (const operation of operations) {
    for (const prepared of prepareOperation(operation, kind, current)) {
      const message = new SCIMMY.Messages.PatchOp({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          {
            op: prepared.op,
            ...(prepared.path === undefined ? {} : { path: prepared.path }),
            ...(prepared.value === undefined ? {} : { value: prepared.value }),
          },
        ],
      });
      const snapshot = current;
      // Resolves to undefined when the operation changed nothing.
      const patched: unknown = await validatingAsync(() => message.apply(kind.instance(snapshot)));
      if (patched !== undefined) current = plain(patched);
    }
  }
  return current;
}

/** A scimmy schema instance as plain JSON (what its toJSON shows). */
function plain(instance: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
}
