import { GROUP_SCHEMA, USER_SCHEMA } from '../scim-schemas.ts';
import type { ComparisonOperator } from './filter-ast.ts';

/**
 * How a filterable field compares:
 * - `text`: strings, case-insensitive (userName, emails, externalId, displayName, names); all operators.
 * - `id`: server ids, case-sensitive; eq / ne.
 * - `boolean`: eq / ne; `"True"` / `"False"` strings are taken (Entra).
 * - `time`: ISO 8601 date-times; eq / ne / gt / ge / lt / le.
 */
export type FieldKind = 'text' | 'id' | 'boolean' | 'time';

export interface FilterFields {
  readonly resource: 'User' | 'Group';
  readonly schema: string;
  /** Lower-cased attribute path → the stored field name (src/db/scim-filter-targets.ts) and its kind. */
  readonly fields: Readonly<Record<string, { readonly field: string; readonly kind: FieldKind }>>;
  /** Multi-valued attributes kept per element: lower-cased name → stored collection and sub-attributes. */
  readonly collections: Readonly<
    Record<string, { readonly collection: string; readonly fields: Readonly<Record<string, { readonly field: string; readonly kind: FieldKind }>> }>
  >;
}

export const OPERATORS_BY_KIND: Readonly<Record<FieldKind, readonly ComparisonOperator[]>> = {
  text: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  id: ['eq', 'ne'],
  boolean: ['eq', 'ne'],
  time: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};

export const USER_FILTER_FIELDS: FilterFields = {
  resource: 'User',
  schema: USER_SCHEMA,
  fields: {
    id: { field: 'id', kind: 'id' },
    username: { field: 'userName', kind: 'text' },
    externalid: { field: 'externalId', kind: 'text' },
    displayname: { field: 'displayName', kind: 'text' },
    'name.givenname': { field: 'name.givenName', kind: 'text' },
    'name.familyname': { field: 'name.familyName', kind: 'text' },
    'name.formatted': { field: 'name.formatted', kind: 'text' },
    active: { field: 'active', kind: 'boolean' },
    'meta.created': { field: 'meta.created', kind: 'time' },
    'meta.lastmodified': { field: 'meta.lastModified', kind: 'time' },
  },
  collections: {
    emails: {
      collection: 'emails',
      fields: {
        value: { field: 'value', kind: 'text' },
        type: { field: 'type', kind: 'text' },
        primary: { field: 'primary', kind: 'boolean' },
      },
    },
  },
};

export const GROUP_FILTER_FIELDS: FilterFields = {
  resource: 'Group',
  schema: GROUP_SCHEMA,
  fields: {
    id: { field: 'id', kind: 'id' },
    displayname: { field: 'displayName', kind: 'text' },
    externalid: { field: 'externalId', kind: 'text' },
    'meta.created': { field: 'meta.created', kind: 'time' },
    'meta.lastmodified': { field: 'meta.lastModified', kind: 'time' },
  },
  collections: {
    members: {
      collection: 'members',
      fields: {
        value: { field: 'value', kind: 'id' },
      },
    },
  },
};

/** The attribute names a resource type can be filtered on, for error messages and docs. */
export function filterableAttributes(fields: FilterFields): string[] {
  const names = Object.values(fields.fields).map((f) => f.field);
  for (const [name, collection] of Object.entries(fields.collections)) {
    for (const sub of Object.values(collection.fields)) names.push(`${name}.${sub.field}`);
  }
  return names;
}
