import type { FilterTarget } from './scim-filter-sql.ts';

/**
 * The filter fields each SCIM resource type stores, and where. The SCIM adapter resolves filter
 * attribute names to exactly these field names (src/scim/filter/filter-fields.ts).
 */
export const USER_FILTER_TARGET: FilterTarget = {
  table: 'scim_users',
  idColumn: 'id',
  fields: {
    id: { column: 'id', kind: 'text_exact' },
    userName: { column: 'user_name_lc', kind: 'text_ci' },
    externalId: { column: 'external_id_lc', kind: 'text_ci' },
    displayName: { column: 'display_name_lc', kind: 'text_ci' },
    'name.givenName': { column: 'given_name_lc', kind: 'text_ci' },
    'name.familyName': { column: 'family_name_lc', kind: 'text_ci' },
    'name.formatted': { column: 'formatted_name_lc', kind: 'text_ci' },
    active: { column: 'active', kind: 'flag' },
    'meta.created': { column: 'created', kind: 'time' },
    'meta.lastModified': { column: 'last_modified', kind: 'time' },
  },
  collections: {
    emails: {
      table: 'scim_user_emails',
      ownerColumn: 'user_id',
      fields: {
        value: { column: 'value_lc', kind: 'text_ci' },
        type: { column: 'type_lc', kind: 'text_ci' },
        primary: { column: 'is_primary', kind: 'flag' },
      },
    },
  },
};

export const GROUP_FILTER_TARGET: FilterTarget = {
  table: 'scim_groups',
  idColumn: 'id',
  fields: {
    id: { column: 'id', kind: 'text_exact' },
    displayName: { column: 'display_name_lc', kind: 'text_ci' },
    externalId: { column: 'external_id_lc', kind: 'text_ci' },
    'meta.created': { column: 'created', kind: 'time' },
    'meta.lastModified': { column: 'last_modified', kind: 'time' },
  },
  collections: {
    members: {
      table: 'scim_group_members',
      ownerColumn: 'group_id',
      fields: {
        value: { column: 'user_id', kind: 'text_exact' },
      },
    },
  },
};
