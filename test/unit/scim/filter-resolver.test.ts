import { describe, expect, it } from 'vitest';

import { GROUP_FILTER_FIELDS, USER_FILTER_FIELDS } from '../../../src/scim/filter/filter-fields.ts';
import { parseFilter } from '../../../src/scim/filter/filter-parser.ts';
import { resolveFilter } from '../../../src/scim/filter/filter-resolver.ts';
import { ScimHttpError } from '../../../src/scim/scim-http-error.ts';

const users = (filter: string) => resolveFilter(parseFilter(filter), USER_FILTER_FIELDS);
const groups = (filter: string) => resolveFilter(parseFilter(filter), GROUP_FILTER_FIELDS);

function refusal(run: () => unknown): ScimHttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimHttpError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('resolveFilter', () => {
  it('maps attribute names in any case, with or without the core URN, to stored fields', () => {
    expect(users('USERNAME eq "A"')).toEqual({ kind: 'compare', field: 'userName', op: 'eq', value: 'A' });
    expect(users('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "A"')).toMatchObject({ field: 'userName' });
    expect(users('name.FamilyName eq Employee')).toMatchObject({ field: 'name.familyName', value: 'Employee' });
    expect(users('externalId eq "00u1"')).toMatchObject({ field: 'externalId' });
    expect(groups('DisplayName eq "Sales"')).toMatchObject({ field: 'displayName' });
  });

  it('turns multi-valued attributes into element filters', () => {
    expect(users('emails.Value co "example.com"')).toEqual({
      kind: 'any',
      collection: 'emails',
      filter: { kind: 'compare', field: 'value', op: 'co', value: 'example.com' },
    });
    expect(users('emails eq "a@b.example"')).toMatchObject({ kind: 'any', filter: { field: 'value' } });
    expect(users('emails pr')).toEqual({ kind: 'any', collection: 'emails', filter: undefined });
    expect(users('emails[type eq "work"].value eq "a@b.example"')).toEqual({
      kind: 'any',
      collection: 'emails',
      filter: {
        kind: 'and',
        filters: [
          { kind: 'compare', field: 'type', op: 'eq', value: 'work' },
          { kind: 'compare', field: 'value', op: 'eq', value: 'a@b.example' },
        ],
      },
    });
    expect(groups('id eq "g" and members.value eq "u"')).toEqual({
      kind: 'and',
      filters: [
        { kind: 'compare', field: 'id', op: 'eq', value: 'g' },
        { kind: 'any', collection: 'members', filter: { kind: 'compare', field: 'value', op: 'eq', value: 'u' } },
      ],
    });
  });

  it('reads dates as epoch milliseconds and Entra\'s boolean strings as booleans', () => {
    expect(users('meta.created gt "2026-01-01T00:00:00Z"')).toMatchObject({ field: 'meta.created', value: Date.parse('2026-01-01T00:00:00Z') });
    expect(users('meta.lastModified le 2015-10-10T14:38:21.8617979-07:00')).toMatchObject({ value: Date.parse('2015-10-10T21:38:21.861Z') });
    expect(users('active eq "False"')).toMatchObject({ field: 'active', value: false });
    expect(users('not (active eq true)')).toEqual({ kind: 'not', filter: { kind: 'compare', field: 'active', op: 'eq', value: true } });
  });

  it('refuses what it cannot answer truthfully, saying what is supported', () => {
    const unknown = refusal(() => users('title eq "Boss"'));
    expect([unknown.status, unknown.scimType]).toEqual([400, 'invalidFilter']);
    expect(unknown.message).toContain('"title" is not supported');
    expect(unknown.message).toContain('userName');
    expect(refusal(() => users('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"')).scimType).toBe('invalidFilter');
    expect(refusal(() => users('id co "abc"')).message).toContain('operator "co" is not supported on "id"');
    expect(refusal(() => users('active eq "yes"')).message).toContain('true or false');
    expect(refusal(() => users('meta.created gt "yesterday"')).message).toContain('ISO 8601');
    expect(refusal(() => users('userName eq null')).message).toContain('pr');
    expect(refusal(() => users('addresses[type eq "work"]')).scimType).toBe('invalidFilter');
    expect(refusal(() => groups('members.display eq "x"')).scimType).toBe('invalidFilter');
  });
});
