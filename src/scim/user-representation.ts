import type { ScimResourceBody } from '../app/scim/scim-deps.ts';
import type { ScimUserRecord } from '../core/scim.ts';
import { normaliseResource } from './input-normaliser.ts';
import { finishProjection, type Projection } from './projection.ts';
import { resourceUrl, metaOf } from './resource-meta.ts';
import { validating } from './scim-error-mapping.ts';
import { invalidSyntax } from './scim-http-error.ts';
import { USER_KIND, USER_SCHEMA } from './scim-schemas.ts';

/** A group a user belongs to, for the user's read-only `groups` attribute. */
export interface GroupRef {
  readonly id: string;
  readonly displayName: string;
}

/**
 * The body stored for a POST or PUT of a user: the IdP quirks rewritten (input-normaliser.ts),
 * validated by scimmy's User schema with the Enterprise extension, and without what the server
 * owns or must not keep: `id`, `meta`, `groups` are ignored (read-only), `password` is never
 * stored (lpprov does not set LastPass master passwords from SCIM), unknown attributes are
 * dropped (a misspelled attribute is not an error, RFC 7644 §3.5.1).
 */
export function userBodyFrom(input: unknown): ScimResourceBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidSyntax('a User must be a JSON object');
  return userBody(normaliseResource(input as Record<string, unknown>, USER_KIND));
}

/** The stored body after a PATCH, from the patched representation (already normalised). */
export function userBodyFromDocument(document: Readonly<Record<string, unknown>>): ScimResourceBody {
  return userBody(document);
}

function userBody(source: Readonly<Record<string, unknown>>): ScimResourceBody {
  const { id: _id, meta: _meta, groups: _groups, ...rest } = source;
  const coerced = validating((): unknown => USER_KIND.definition.coerce(rest, 'in'));
  const body = JSON.parse(JSON.stringify(coerced)) as Record<string, unknown>;
  delete body.meta;
  delete body.id;
  delete body.groups;
  delete body.password;
  return body;
}

/** The user as PatchOp patches it: the stored body with the record's own fields, no meta or groups. */
export function userDocument(record: ScimUserRecord): Record<string, unknown> {
  return {
    ...record.resource,
    schemas: schemasOf(record.resource),
    id: record.id,
    userName: record.userName,
    ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
    active: record.active,
  };
}

/** The user as served: id, meta, `groups` derived from membership, projected as asked. */
export function userOutput(record: ScimUserRecord, groups: readonly GroupRef[] | undefined, base: string, projection: Projection): Record<string, unknown> {
  const representation: Record<string, unknown> = {
    ...userDocument(record),
    meta: metaOf('User', record, resourceUrl(base, '/Users', record.id)),
    ...(groups === undefined || groups.length === 0
      ? {}
      : { groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: resourceUrl(base, '/Groups', g.id), type: 'direct' })) }),
  };
  const projected = USER_KIND.definition.coerce(representation, 'out', undefined, projection.filter) as Record<string, unknown>;
  return finishProjection(projected, representation.schemas, projection, USER_KIND);
}

function schemasOf(resource: Readonly<Record<string, unknown>>): string[] {
  const listed = Array.isArray(resource.schemas) ? resource.schemas.filter((s): s is string => typeof s === 'string') : [];
  return [USER_SCHEMA, ...listed.filter((s) => s !== USER_SCHEMA)];
}
