import { describe, expect, it } from 'vitest';

import { parseFilter } from '../../../src/scim/filter/filter-parser.ts';
import { ScimHttpError } from '../../../src/scim/scim-http-error.ts';

const refused = (filter: string): ScimHttpError => {
  try {
    parseFilter(filter);
  } catch (error) {
    if (error instanceof ScimHttpError) return error;
    throw error;
  }
  throw new Error(`"${filter}" was accepted`);
};

describe('parseFilter', () => {
  it('reads a comparison, with attribute names and operators in any case', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({ kind: 'compare', path: 'userName', op: 'eq', value: 'bjensen' });
    expect(parseFilter('USERNAME EQ "x"')).toEqual({ kind: 'compare', path: 'USERNAME', op: 'eq', value: 'x' });
    expect(parseFilter('title pr')).toEqual({ kind: 'present', path: 'title' });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toMatchObject({ path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', op: 'sw' });
  });

  it('reads values: strings with escapes, numbers, booleans in any case, null, bare words', () => {
    expect(parseFilter('displayName eq "a \\"quoted\\" name"')).toMatchObject({ value: 'a "quoted" name' });
    expect(parseFilter('x eq 12.5')).toMatchObject({ value: 12.5 });
    expect(parseFilter('active eq True')).toMatchObject({ value: true });
    expect(parseFilter('active eq false')).toMatchObject({ value: false });
    expect(parseFilter('title eq null')).toMatchObject({ value: null });
    // Microsoft's reference collection sends unquoted values.
    expect(parseFilter('userName sw O')).toMatchObject({ value: 'O' });
    expect(parseFilter('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toMatchObject({ path: 'meta.Created', value: '2015-10-10T14:38:21.8617979-07:00' });
  });

  it('gives and precedence over or, and groups with parentheses at any depth', () => {
    expect(parseFilter('a eq "1" or b eq "2" and c eq "3"')).toEqual({
      kind: 'or',
      filters: [
        { kind: 'compare', path: 'a', op: 'eq', value: '1' },
        {
          kind: 'and',
          filters: [
            { kind: 'compare', path: 'b', op: 'eq', value: '2' },
            { kind: 'compare', path: 'c', op: 'eq', value: '3' },
          ],
        },
      ],
    });
    expect(parseFilter('((a pr))')).toEqual({ kind: 'present', path: 'a' });
    const grouped = parseFilter('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)');
    expect(grouped).toMatchObject({ kind: 'and', filters: [{ kind: 'compare' }, { kind: 'or' }] });
  });

  it('negates a whole group (not distributed over its terms)', () => {
    expect(parseFilter('not (userName eq "a" or userName eq "b")')).toEqual({
      kind: 'not',
      filter: {
        kind: 'or',
        filters: [
          { kind: 'compare', path: 'userName', op: 'eq', value: 'a' },
          { kind: 'compare', path: 'userName', op: 'eq', value: 'b' },
        ],
      },
    });
  });

  it('reads filters on multi-valued attributes, and Entra\'s sub-attribute after the brackets', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toMatchObject({
      kind: 'valuePath',
      path: 'emails',
      filter: { kind: 'and' },
    });
    expect(parseFilter('emails[type eq "work"].value eq "bjensen@example.com"')).toEqual({
      kind: 'valuePath',
      path: 'emails',
      filter: {
        kind: 'and',
        filters: [
          { kind: 'compare', path: 'type', op: 'eq', value: 'work' },
          { kind: 'compare', path: 'value', op: 'eq', value: 'bjensen@example.com' },
        ],
      },
    });
    expect(parseFilter('id eq "g1" and members.value eq "u1"')).toMatchObject({ kind: 'and' });
  });

  it('refuses malformed filters with 400 invalidFilter and a useful detail', () => {
    for (const filter of ['', 'userName eq', 'userName', 'userName foo "x"', '(userName eq "x"', 'userName eq "x")', 'userName eq "open', 'emails[type eq "work"', 'a[b[c eq "x"]]', 'eq "x"']) {
      const error = refused(filter);
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.message.length).toBeGreaterThan(5);
    }
    expect(refused('userName foo "x"').message).toContain('unknown operator "foo"');
    expect(refused('userName eq').message).toContain('needs a value');
  });

  it('bounds the size of a filter', () => {
    expect(refused('x'.repeat(5000)).message).toContain('longer than');
    const many = Array.from({ length: 101 }, (_, i) => `id eq "${i}"`).join(' or ');
    expect(refused(many).message).toContain('more than 100 comparisons');
    expect(refused(`${'('.repeat(40)}a pr${')'.repeat(40)}`).message).toContain('nests too deeply');
  });
});
