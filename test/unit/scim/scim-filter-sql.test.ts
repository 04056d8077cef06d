import { describe, expect, it } from 'vitest';

import { compileFilter, escapeLike } from '../../../src/db/scim-filter-sql.ts';
import { GROUP_FILTER_TARGET, USER_FILTER_TARGET } from '../../../src/db/scim-filter-targets.ts';
import { asStoreFilter } from '../../../src/db/scim-store-filter.ts';

describe('compileFilter', () => {
  it('binds every value as a parameter and lower-cases case-insensitive ones', () => {
    const compiled = compileFilter({ kind: 'compare', field: 'userName', op: 'eq', value: "O'Brien@X" }, USER_FILTER_TARGET, 'sqlite');
    expect(compiled.sql).toBe('(scim_users.user_name_lc IS NOT NULL AND scim_users.user_name_lc = $1)');
    expect(compiled.params).toEqual(["o'brien@x"]);
    expect(compiled.sql).not.toContain('Brien');
  });

  it('numbers parameters from the given start, in order', () => {
    const compiled = compileFilter(
      {
        kind: 'or',
        filters: [
          { kind: 'compare', field: 'id', op: 'eq', value: 'A' },
          { kind: 'not', filter: { kind: 'compare', field: 'active', op: 'eq', value: true } },
        ],
      },
      USER_FILTER_TARGET,
      'postgres',
      3,
    );
    expect(compiled.sql).toBe('((scim_users.id IS NOT NULL AND scim_users.id = $3) OR (NOT (scim_users.active IS NOT NULL AND scim_users.active = $4)))');
    expect(compiled.params).toEqual(['A', 1]);
  });

  it('escapes LIKE wildcards and orders strings by code point on PostgreSQL', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
    const co = compileFilter({ kind: 'compare', field: 'displayName', op: 'co', value: '100%' }, USER_FILTER_TARGET, 'sqlite');
    expect(co.params).toEqual(['%100\\%%']);
    expect(co.sql).toContain("LIKE $1 ESCAPE '\\'");
    expect(compileFilter({ kind: 'compare', field: 'userName', op: 'gt', value: 'm' }, USER_FILTER_TARGET, 'postgres').sql).toContain('COLLATE "C" > $1');
    expect(compileFilter({ kind: 'compare', field: 'userName', op: 'gt', value: 'm' }, USER_FILTER_TARGET, 'sqlite').sql).not.toContain('COLLATE');
  });

  it('filters elements with EXISTS over their table', () => {
    const compiled = compileFilter(
      { kind: 'any', collection: 'members', filter: { kind: 'compare', field: 'value', op: 'eq', value: 'u1' } },
      GROUP_FILTER_TARGET,
      'sqlite',
    );
    expect(compiled.sql).toBe(
      'EXISTS (SELECT 1 FROM scim_group_members element WHERE element.group_id = scim_groups.id AND (element.user_id IS NOT NULL AND element.user_id = $1))',
    );
  });

  it('has no condition without a filter, and refuses fields or operators it does not store', () => {
    expect(compileFilter(undefined, USER_FILTER_TARGET, 'sqlite')).toEqual({ sql: '1 = 1', params: [] });
    expect(() => compileFilter({ kind: 'compare', field: 'title', op: 'eq', value: 'x' }, USER_FILTER_TARGET, 'sqlite')).toThrow(TypeError);
    expect(() => compileFilter({ kind: 'compare', field: 'id', op: 'co', value: 'x' }, USER_FILTER_TARGET, 'sqlite')).toThrow(TypeError);
    expect(() => compileFilter({ kind: 'compare', field: 'meta.created', op: 'eq', value: 'x' }, USER_FILTER_TARGET, 'sqlite')).toThrow(TypeError);
  });
});

describe('asStoreFilter', () => {
  it('accepts a well-formed filter and refuses anything else', () => {
    expect(asStoreFilter(undefined)).toBeUndefined();
    expect(asStoreFilter({ kind: 'present', field: 'id' })).toEqual({ kind: 'present', field: 'id' });
    for (const bad of [{}, { kind: 'and', filters: [] }, { kind: 'compare', field: 'id', op: 'xx', value: 1 }, { kind: 'compare', field: 'id', op: 'eq', value: {} }, 'id eq 1']) {
      expect(() => asStoreFilter(bad)).toThrow(TypeError);
    }
  });
});
