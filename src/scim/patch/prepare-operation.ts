import { canonicalPath, normaliseSingle, normaliseValue, targetOf } from '../input-normaliser.ts';
import { invalidValue } from '../scim-http-error.ts';
import { type Attribute, isAttribute, isReadOnly, type ResourceKind, type SchemaDefinition } from '../scim-schemas.ts';
import type { PatchOperation } from './patch-request.ts';

/**
 * Rewrites one PATCH operation, against the resource as it stands when the operation applies,
 * into operations scimmy's PatchOp applies the way SCIM and the IdPs mean them:
 * - paths take the schema's spelling, and values the rewrites of input-normaliser.ts (`"False"`,
 *   bare `manager` ids, members given as ids, `"$ref": null`);
 * - operations on read-only attributes (`id`, `meta`, `groups`, `schemas`) are dropped: ignored,
 *   not refused (Okta repeats the group's `id` in every rename);
 * - a path-less operation becomes one operation per attribute, so that a path-less `replace` of a
 *   multi-valued attribute replaces it (scimmy would append), while a complex single-valued one
 *   still merges its sub-attributes (RFC 7644 §3.5.2.3);
 * - `add`/`replace` on `emails[type eq "work"].value` when no such element exists creates it
 *   (Entra expects this; scimmy answers noTarget);
 * - removing members by value array compares ids only.
 */
export function prepareOperation(operation: PatchOperation, kind: ResourceKind, current: Readonly<Record<string, unknown>>): PatchOperation[] {
  if (operation.path === undefined) return pathless(operation, kind);
  const path = canonicalPath(operation.path, kind);
  if (isIgnored(path, kind)) return [];
  const target = targetOf(kind, path);
  if (target === undefined) return [{ ...operation, path }];
  const endsInFilter = /\]$/.test(path);
  let value = operation.value;
  if (value !== undefined) value = endsInFilter && isAttribute(target) ? normaliseSingle(target, value) : normaliseValue(target, value);
  if (operation.op === 'remove' && value !== undefined && isAttribute(target)) value = idsOnly(target, value);
  if (operation.op !== 'remove') {
    // add and replace alike: Entra sends either for an element that is not there yet.
    const created = createMissingElement(path, value, kind, current);
    if (created !== undefined) return [created];
  }
  return [{ op: operation.op, path, value }];
}

function pathless(operation: PatchOperation, kind: ResourceKind): PatchOperation[] {
  const { value } = operation;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidValue(`a PATCH "${operation.op}" without a path needs an object value`);
  }
  const operations: PatchOperation[] = [];
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key.toLowerCase() === 'schemas') continue;
    const path = canonicalPath(key, kind);
    if (isIgnored(path, kind)) continue;
    const target = targetOf(kind, path);
    const normalised = target === undefined ? inner : normaliseValue(target, inner);
    // A whole extension or a complex single-valued attribute merges (path-less form); anything
    // else is set at its path, which for a multi-valued attribute replaces the whole list.
    if (target !== undefined && merges(target)) operations.push({ op: operation.op, path: undefined, value: { [path]: normalised } });
    else operations.push({ op: operation.op, path, value: normalised });
  }
  return operations;
}

function merges(target: Attribute | SchemaDefinition): boolean {
  return !isAttribute(target) || (target.type === 'complex' && target.config.multiValued !== true);
}

/** Read-only attributes, and `schemas`, which the server keeps. */
function isIgnored(path: string, kind: ResourceKind): boolean {
  const top = /^[^.[]+/.exec(path)?.[0] ?? path;
  if (top.toLowerCase() === 'schemas') return true;
  return isReadOnly(targetOf(kind, top));
}

/** `remove` with a value list on members: the ids decide (a display sent along must not stop the removal). */
function idsOnly(target: Attribute, value: unknown): unknown {
  if (target.type !== 'complex' || target.config.multiValued !== true || !Array.isArray(value)) return value;
  if (!(target.subAttributes ?? []).some((s) => s.name === 'value')) return value;
  return value.map((element: unknown) =>
    typeof element === 'object' && element !== null && 'value' in element ? { value: element.value } : element,
  );
}

// attr[sub eq "x" and sub2 eq true].leaf — equality conditions only.
const FILTERED_PATH = /^([A-Za-z$][\w$-]*)\[(.+)\](?:\.([A-Za-z$][\w$-]*))?$/s;
const CONDITION = /^\s*([A-Za-z$][\w$-]*)\s+eq\s+("(?:[^"\\]|\\.)*"|true|false|-?\d+(?:\.\d+)?)\s*$/i;

/**
 * For `add`/`replace` on `attr[type eq "work"].leaf` where no element of `attr` matches the
 * filter: an `add` of a new element carrying the filter's values and the leaf. Undefined when an
 * element matches (scimmy then updates it) or the filter is not a plain equality.
 */
function createMissingElement(
  path: string,
  value: unknown,
  kind: ResourceKind,
  current: Readonly<Record<string, unknown>>,
): PatchOperation | undefined {
  const match = FILTERED_PATH.exec(path);
  if (match === null) return undefined;
  const [, attributeName = '', filter = '', leaf] = match;
  const attribute = targetOf(kind, attributeName);
  if (!isAttribute(attribute) || attribute.config.multiValued !== true || attribute.type !== 'complex') return undefined;
  const conditions = parseConditions(filter, attribute);
  if (conditions === undefined) return undefined;
  const elements = Array.isArray(current[attributeName]) ? (current[attributeName] as unknown[]) : [];
  const matches = elements.some(
    (element) => typeof element === 'object' && element !== null && conditions.every(([key, expected]) => (element as Record<string, unknown>)[key] === expected),
  );
  if (matches) return undefined;
  const fields = Object.fromEntries(conditions);
  let element: Record<string, unknown>;
  if (leaf !== undefined) element = { ...fields, [leaf]: value };
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) element = { ...fields, ...(value as Record<string, unknown>) };
  else return undefined;
  return { op: 'add', path: attributeName, value: [normaliseSingle(attribute, element)] };
}

function parseConditions(filter: string, attribute: Attribute): [string, unknown][] | undefined {
  const conditions: [string, unknown][] = [];
  for (const part of filter.split(/\s+and\s+/i)) {
    const match = CONDITION.exec(part);
    if (match === null) return undefined;
    const [, key = '', literal = ''] = match;
    const name = (attribute.subAttributes ?? []).find((s) => s.name.toLowerCase() === key.toLowerCase())?.name ?? key;
    conditions.push([name, JSON.parse(literal.toLowerCase() === 'true' || literal.toLowerCase() === 'false' ? literal.toLowerCase() : literal) as unknown]);
  }
  return conditions;
}
