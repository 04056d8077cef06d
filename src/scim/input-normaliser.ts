import {
  type Attribute,
  attributesOf,
  extensionsOf,
  isAttribute,
  type ResourceKind,
  type SchemaDefinition,
} from './scim-schemas.ts';

/**
 * Rewrites what an identity provider sent into what scimmy validates, so that the IdPs' known
 * deviations are accepted rather than refused (docs/scim.md, "IdP quirks"):
 * - attribute names in any letter case (`"Primary"`, `"Department"`) take the schema's spelling;
 * - `"True"` / `"False"` strings become booleans where the schema says boolean (Entra);
 * - a bare string where the schema wants a complex value with a `value` sub-attribute becomes
 *   `{ value }`: Entra's `manager: "<id>"`, a member given as its id;
 * - a single value of a multi-valued attribute becomes a one-element list;
 * - `null` inside complex values (`"$ref": null` from Entra, null address parts) is dropped;
 * - a member's `displayName` is taken as its `display` (Microsoft's reference tests send it).
 */
export function normaliseResource(body: Readonly<Record<string, unknown>>, kind: ResourceKind): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') {
      out.schemas = knownSchemas(value, kind);
      continue;
    }
    const extension = extensionsOf(kind.definition).find((e) => e.id.toLowerCase() === lower);
    if (extension !== undefined) {
      out[extension.id] = normaliseValue(extension, value);
      continue;
    }
    const path = canonicalPath(key, kind);
    const attribute = targetOf(kind, path);
    out[path] = attribute === undefined ? value : normaliseValue(attribute, value);
  }
  return out;
}

/** The value for `attribute` (or a whole extension), with the rewrites above applied. */
export function normaliseValue(attribute: Attribute | SchemaDefinition, value: unknown): unknown {
  if (!isAttribute(attribute)) return normaliseObject(attributesOf(attribute), value);
  if (value === null || value === undefined) return value;
  if (attribute.config.multiValued === true) {
    const values = Array.isArray(value) ? value : [value];
    return values.map((element: unknown) => normaliseSingle(attribute, element));
  }
  return normaliseSingle(attribute, value);
}

/** One value of `attribute`, as if it were single-valued (an element of a multi-valued one). */
export function normaliseSingle(attribute: Attribute, value: unknown): unknown {
  switch (attribute.type) {
    case 'boolean':
      return typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : value;
    case 'complex': {
      const subAttributes = attributesOf(attribute);
      if ((typeof value === 'string' || typeof value === 'number') && subAttributes.some((s) => s.name === 'value')) return { value };
      return normaliseObject(subAttributes, value);
    }
    default:
      return value;
  }
}

function normaliseObject(subAttributes: readonly Attribute[], value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === null) continue;
    const sub = subAttributeNamed(subAttributes, key, value);
    if (sub === undefined) out[key] = inner;
    else out[sub.name] = normaliseValue(sub, inner);
  }
  return out;
}

function subAttributeNamed(subAttributes: readonly Attribute[], key: string, container: object): Attribute | undefined {
  const lower = key.toLowerCase();
  const exact = subAttributes.find((s) => s.name.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  // `{ "displayName": "new User", "value": "<id>" }` for a member: its display, unless it has one.
  if (lower === 'displayname' && !('display' in container)) return subAttributes.find((s) => s.name === 'display');
  return undefined;
}

/** The schema URNs of `value` that this resource type knows, the core one first and always. */
function knownSchemas(value: unknown, kind: ResourceKind): string[] {
  const listed = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  // Unknown URNs (Entra's http://schemas.microsoft.com/…/ADSCIM/2.0/Group) are dropped, not refused.
  const known = kind.schemaIds.filter((id) => listed.some((v) => v.toLowerCase() === id.toLowerCase()));
  return [kind.schema, ...known.filter((id) => id !== kind.schema)];
}

const ATTRIBUTE_PATH = /^([^.[\]]+)(\[.*\])?(?:\.([^.[\]]+))?$/s;

/**
 * An attribute path with the schema's spelling: `Name.GivenName` → `name.givenName`,
 * `urn:…:enterprise:2.0:user:Department` → `urn:…:enterprise:2.0:User:department`; the core
 * schema's own URN prefix is dropped (scimmy's PatchOp does not take it). Filters in brackets are
 * kept as written. A path naming nothing known is returned as it is, for scimmy to refuse.
 */
export function canonicalPath(path: string, kind: ResourceKind): string {
  const trimmed = path.trim();
  const lower = trimmed.toLowerCase();
  const core = `${kind.schema.toLowerCase()}:`;
  if (lower.startsWith(core)) return canonicalAttributePath(trimmed.slice(core.length), attributesOf(kind.definition));
  for (const extension of extensionsOf(kind.definition)) {
    const id = extension.id.toLowerCase();
    if (lower === id) return extension.id;
    if (lower.startsWith(`${id}:`)) return `${extension.id}:${canonicalAttributePath(trimmed.slice(id.length + 1), attributesOf(extension))}`;
  }
  return canonicalAttributePath(trimmed, attributesOf(kind.definition));
}

function canonicalAttributePath(path: string, attributes: readonly Attribute[]): string {
  const match = ATTRIBUTE_PATH.exec(path);
  if (match === null) return path;
  const [, name = '', filter = '', sub] = match;
  const attribute = attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (attribute === undefined) return path;
  if (sub === undefined) return `${attribute.name}${filter}`;
  const subAttribute = attributesOf(attribute).find((s) => s.name.toLowerCase() === sub.toLowerCase());
  return `${attribute.name}${filter}.${subAttribute?.name ?? sub}`;
}

/** The attribute a canonical path ends at (filters ignored), or undefined for an unknown path. */
export function targetOf(kind: ResourceKind, path: string): Attribute | SchemaDefinition | undefined {
  const plain = path.replace(/\[[^\]]*\]/g, '');
  const extension = extensionsOf(kind.definition).find((e) => plain === e.id || plain.startsWith(`${e.id}:`));
  const [owner, rest] = extension === undefined ? [kind.definition, plain] : [extension, plain.slice(extension.id.length + 1)];
  if (rest === '') return owner;
  let current: Attribute | undefined;
  for (const part of rest.split('.')) {
    current = attributesOf(current ?? owner).find((a) => a.name === part);
    if (current === undefined) return undefined;
  }
  return current;
}
