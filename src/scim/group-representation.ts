import type { ScimResourceBody } from '../app/scim/scim-deps.ts';
import type { ScimGroupRecord } from '../core/scim.ts';
import { normaliseResource } from './input-normaliser.ts';
import { finishProjection, type Projection } from './projection.ts';
import { metaOf, resourceUrl } from './resource-meta.ts';
import { validating } from './scim-error-mapping.ts';
import { invalidSyntax, invalidValue } from './scim-http-error.ts';
import { GROUP_KIND, GROUP_SCHEMA } from './scim-schemas.ts';

/**
 * The `display` each member was given by the IdP, kept in the stored body under a key of lpprov's
 * own (never served: scimmy's Group schema drops it on output). The app stores memberships as
 * ids; the display is only echoed back.
 */
export const MEMBER_DISPLAY_KEY = 'urn:lpprov:scim:memberDisplay';

export interface MemberInput {
  readonly value: string;
  readonly display: string | undefined;
}

export interface GroupChange {
  /** The body to store, without members. */
  readonly body: ScimResourceBody;
  /** Members in order, each once. */
  readonly members: readonly MemberInput[];
}

/**
 * A POST or PUT of a group: IdP quirks rewritten (members given as bare ids, `"$ref": null`,
 * Entra's extra schema URN), validated by scimmy's Group schema, members split from the body.
 */
export function groupChangeFrom(input: unknown): GroupChange {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidSyntax('a Group must be a JSON object');
  return groupChange(normaliseResource(input as Record<string, unknown>, GROUP_KIND));
}

/** The stored change after a PATCH, from the patched representation. */
export function groupChangeFromDocument(document: Readonly<Record<string, unknown>>): GroupChange {
  return groupChange(document);
}

function groupChange(source: Readonly<Record<string, unknown>>): GroupChange {
  const { id: _id, meta: _meta, members: rawMembers, [MEMBER_DISPLAY_KEY]: _displays, ...rest } = source;
  // Members are checked here, by id; their `$ref` and `type` are the server's to say.
  const members = memberInputs(rawMembers);
  const coerced = validating((): unknown =>
    GROUP_KIND.definition.coerce({ ...rest, members: members.map((m) => ({ value: m.value, ...(m.display === undefined ? {} : { display: m.display }) })) }, 'in'),
  );
  const { meta: _m, id: _i, members: _checked, ...body } = JSON.parse(JSON.stringify(coerced)) as Record<string, unknown>;
  const displays = Object.fromEntries(members.flatMap((m) => (m.display === undefined ? [] : [[m.value, m.display]])));
  return { body: Object.keys(displays).length === 0 ? body : { ...body, [MEMBER_DISPLAY_KEY]: displays }, members };
}

function memberInputs(value: unknown): MemberInput[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const seen = new Map<string, MemberInput>();
  for (const entry of list as unknown[]) {
    const object: Record<string, unknown> = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : { value: entry };
    const id = object.value;
    if (typeof id !== 'string' || id.trim() === '') throw invalidValue('each member needs a "value": the id of a User');
    const display = typeof object.display === 'string' ? object.display : undefined;
    // Re-adding a member is a no-op (RFC 7644 §3.5.2.1); the latest display wins.
    seen.set(id, { value: id, display: display ?? seen.get(id)?.display });
  }
  return [...seen.values()];
}

/** The group as PatchOp patches it: the stored body with its members, no meta. */
export function groupDocument(record: ScimGroupRecord): Record<string, unknown> {
  const displays = displaysOf(record);
  const { [MEMBER_DISPLAY_KEY]: _displays, ...resource } = record.resource;
  return {
    ...resource,
    schemas: [GROUP_SCHEMA],
    id: record.id,
    displayName: record.displayName,
    ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
    ...(record.memberIds.length === 0
      ? {}
      : { members: record.memberIds.map((id) => ({ value: id, ...(displays[id] === undefined ? {} : { display: displays[id] }) })) }),
  };
}

/** The group as served; members only when the projection keeps them. */
export function groupOutput(record: ScimGroupRecord, base: string, projection: Projection): Record<string, unknown> {
  const displays = displaysOf(record);
  const { [MEMBER_DISPLAY_KEY]: _displays, ...resource } = record.resource;
  const members =
    projection.includes('members') && record.memberIds.length > 0
      ? record.memberIds.map((id) => ({
          value: id,
          $ref: resourceUrl(base, '/Users', id),
          type: 'User',
          ...(displays[id] === undefined ? {} : { display: displays[id] }),
        }))
      : undefined;
  const representation: Record<string, unknown> = {
    ...resource,
    schemas: [GROUP_SCHEMA],
    id: record.id,
    displayName: record.displayName,
    ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
    ...(members === undefined ? {} : { members }),
    meta: metaOf('Group', record, resourceUrl(base, '/Groups', record.id)),
  };
  const projected = GROUP_KIND.definition.coerce(representation, 'out', undefined, projection.filter) as Record<string, unknown>;
  return finishProjection(projected, representation.schemas, projection, GROUP_KIND);
}

function displaysOf(record: ScimGroupRecord): Readonly<Record<string, string>> {
  const value = record.resource[MEMBER_DISPLAY_KEY];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * The change with only the members `isKnown` accepts: a member value that is not the id of a
 * stored user is left out (and reported in `dropped`) rather than failing the request; Microsoft's
 * reference tests add members named "string id 1" and expect 204.
 */
export function withKnownMembers(
  change: GroupChange,
  isKnown: (id: string) => boolean,
): { readonly body: ScimResourceBody; readonly memberIds: readonly string[]; readonly dropped: readonly string[] } {
  const kept = change.members.filter((m) => isKnown(m.value));
  const dropped = change.members.filter((m) => !isKnown(m.value)).map((m) => m.value);
  const { [MEMBER_DISPLAY_KEY]: _displays, ...rest } = change.body;
  const displays = Object.fromEntries(kept.flatMap((m) => (m.display === undefined ? [] : [[m.value, m.display]])));
  return {
    body: Object.keys(displays).length === 0 ? rest : { ...rest, [MEMBER_DISPLAY_KEY]: displays },
    memberIds: kept.map((m) => m.value),
    dropped,
  };
}
