import { describe, expect, it } from 'vitest';

import type { ScimGroupRecord, ScimUserRecord } from '../../../src/core/scim.ts';
import { groupChangeFrom, groupOutput, MEMBER_DISPLAY_KEY, withKnownMembers } from '../../../src/scim/group-representation.ts';
import { DEFAULT_PROJECTION, projectionOf } from '../../../src/scim/projection.ts';
import { ScimHttpError } from '../../../src/scim/scim-http-error.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_KIND, GROUP_SCHEMA, USER_KIND, USER_SCHEMA } from '../../../src/scim/scim-schemas.ts';
import { userBodyFrom, userOutput } from '../../../src/scim/user-representation.ts';

const BASE = 'https://lpprov.example/scim/v2';
const T = Date.parse('2026-02-03T04:05:06.789Z');

function refusal(run: () => unknown): ScimHttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimHttpError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('userBodyFrom (POST / PUT bodies)', () => {
  it('takes Okta\'s create: drops password, groups and id; keeps the rest', () => {
    const body = userBodyFrom({
      schemas: [USER_SCHEMA],
      id: 'client-chosen',
      userName: 'isaac.brock@example.com',
      name: { givenName: 'Isaac', familyName: 'Brock' },
      emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
      displayName: 'Isaac Brock',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(body).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'isaac.brock@example.com',
      name: { givenName: 'Isaac', familyName: 'Brock' },
      emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
      displayName: 'Isaac Brock',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
  });

  it('takes Entra\'s create: "True" strings, meta, manager as an id, keys in any case, its extension', () => {
    const body = userBodyFrom({
      UserName: 'Test_User_ab6490ee@example.com',
      active: 'True',
      emails: [{ Primary: 'True', type: 'work', value: 'Test_User_ab6490ee@example.com' }],
      meta: { resourceType: 'User' },
      roles: [],
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      [ENTERPRISE_USER_SCHEMA]: { Department: 'Sales', Manager: 'mgr-1' },
    });
    expect(body).toMatchObject({
      userName: 'Test_User_ab6490ee@example.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_ab6490ee@example.com' }],
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'mgr-1' } },
    });
    expect(body).not.toHaveProperty('meta');
  });

  it('ignores unknown attributes and refuses a user without userName', () => {
    expect(userBodyFrom({ userName: 'a@example.com', adreses: [{ country: 'DE' }] })).toEqual({ schemas: [USER_SCHEMA], userName: 'a@example.com' });
    const missing = refusal(() => userBodyFrom({ active: true }));
    expect([missing.status, missing.scimType]).toEqual([400, 'invalidValue']);
    expect(refusal(() => userBodyFrom([1, 2])).scimType).toBe('invalidSyntax');
  });
});

describe('userOutput', () => {
  const record: ScimUserRecord = {
    id: 'u 1',
    userName: 'bjensen@example.com',
    externalId: 'ext-1',
    active: false,
    resource: { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], userName: 'bjensen@example.com', name: { givenName: 'Barbara' }, [ENTERPRISE_USER_SCHEMA]: { department: 'R&D' } },
    created: T,
    lastModified: T + 1000,
    version: 4,
  };

  it('serves id, meta with location and version, groups, and the record\'s own active', () => {
    const output = userOutput(record, [{ id: 'g1', displayName: 'Eng' }], BASE, DEFAULT_PROJECTION);
    expect(output).toMatchObject({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: 'u 1',
      externalId: 'ext-1',
      active: false,
      meta: { resourceType: 'User', created: '2026-02-03T04:05:06.789Z', lastModified: '2026-02-03T04:05:07.789Z', version: 'W/"4"', location: `${BASE}/Users/u%201` },
      groups: [{ value: 'g1', display: 'Eng', $ref: `${BASE}/Groups/g1`, type: 'direct' }],
    });
    expect(Object.keys(output)[0]).toBe('schemas');
  });

  it('projects attributes (id and schemas always) and excludes attributes', () => {
    expect(userOutput(record, undefined, BASE, projectionOf(USER_KIND, 'userName', undefined))).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: 'u 1',
      userName: 'bjensen@example.com',
    });
    expect(userOutput(record, undefined, BASE, projectionOf(USER_KIND, 'name.givenName', undefined))).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
    const excluded = userOutput(record, undefined, BASE, projectionOf(USER_KIND, undefined, `name,${ENTERPRISE_USER_SCHEMA}`));
    expect(excluded).not.toHaveProperty('name');
    expect(excluded).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
    expect(excluded).toHaveProperty('userName');
  });
});

describe('groups', () => {
  it('splits members from the body, keeps their display, drops Entra\'s extra schema and $ref', () => {
    const change = groupChangeFrom({
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      displayName: 'Sales',
      externalId: 'x-1',
      members: [{ value: 'u1', $ref: null }, { value: 'u2', displayName: 'new User' }, 'u3', { value: 'u1' }],
    });
    expect(change.body).toEqual({ schemas: [GROUP_SCHEMA], displayName: 'Sales', externalId: 'x-1', [MEMBER_DISPLAY_KEY]: { u2: 'new User' } });
    expect(change.members).toEqual([
      { value: 'u1', display: undefined },
      { value: 'u2', display: 'new User' },
      { value: 'u3', display: undefined },
    ]);
    const kept = withKnownMembers(change, (id) => id !== 'u3');
    expect([kept.memberIds, kept.dropped]).toEqual([['u1', 'u2'], ['u3']]);
    expect(withKnownMembers(change, (id) => id === 'u1').body).not.toHaveProperty(MEMBER_DISPLAY_KEY);
    expect(refusal(() => groupChangeFrom({ members: [] })).scimType).toBe('invalidValue');
  });

  it('serves members with $ref, type and display, or leaves them out when excluded', () => {
    const record: ScimGroupRecord = {
      id: 'g1',
      displayName: 'Sales',
      externalId: undefined,
      resource: { schemas: [GROUP_SCHEMA], displayName: 'Sales', [MEMBER_DISPLAY_KEY]: { u2: 'new User' } },
      memberIds: ['u1', 'u2'],
      created: T,
      lastModified: T,
      version: 1,
    };
    const output = groupOutput(record, BASE, DEFAULT_PROJECTION);
    expect(output.members).toEqual([
      { value: 'u1', $ref: `${BASE}/Users/u1`, type: 'User' },
      { value: 'u2', $ref: `${BASE}/Users/u2`, type: 'User', display: 'new User' },
    ]);
    expect(output).not.toHaveProperty(MEMBER_DISPLAY_KEY);
    const projection = projectionOf(GROUP_KIND, undefined, 'members');
    expect(projection.includes('members')).toBe(false);
    expect(groupOutput(record, BASE, projection)).not.toHaveProperty('members');
  });
});
