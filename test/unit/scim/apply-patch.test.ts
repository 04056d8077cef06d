import { describe, expect, it } from 'vitest';

import { applyPatch } from '../../../src/scim/patch/apply-patch.ts';
import { type PatchOperation, patchOperationsOf } from '../../../src/scim/patch/patch-request.ts';
import { ScimHttpError } from '../../../src/scim/scim-http-error.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_KIND, GROUP_SCHEMA, USER_KIND, USER_SCHEMA } from '../../../src/scim/scim-schemas.ts';

const user = {
  schemas: [USER_SCHEMA],
  id: 'u1',
  userName: 'bjensen@example.com',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
};
const group = { schemas: [GROUP_SCHEMA], id: 'g1', displayName: 'Engineering', members: [{ value: 'u1' }, { value: 'u2', display: 'kim' }] };

const patchUser = (...operations: Record<string, unknown>[]) => applyPatch(USER_KIND, user, ops(operations));
const patchGroup = (...operations: Record<string, unknown>[]) => applyPatch(GROUP_KIND, group, ops(operations));
const ops = (operations: Record<string, unknown>[]): PatchOperation[] => patchOperationsOf({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
const memberIds = (patched: Record<string, unknown>) => (patched.members as { value: string }[] | undefined)?.map((m) => m.value);

async function refusal(work: Promise<unknown>): Promise<ScimHttpError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ScimHttpError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('applyPatch, Okta dialect', () => {
  it('deactivates and reactivates with a path-less replace', async () => {
    expect(await patchUser({ op: 'replace', value: { active: false } })).toMatchObject({ active: false, userName: 'bjensen@example.com' });
    expect(await applyPatch(USER_KIND, { ...user, active: false }, ops([{ op: 'replace', value: { active: true } }]))).toMatchObject({ active: true });
  });

  it('removes and adds members in one request, renaming with the group id repeated', async () => {
    const patched = await patchGroup(
      { op: 'replace', value: { id: 'g1', displayName: 'Engineering EU' } },
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'add', path: 'members', value: [{ value: 'u3', display: 'lee' }] },
    );
    expect(patched.displayName).toBe('Engineering EU');
    expect(patched.members).toEqual([{ value: 'u2', display: 'kim' }, { value: 'u3', display: 'lee' }]);
  });

  it('replaces the whole member list with a path', async () => {
    expect(memberIds(await patchGroup({ op: 'replace', path: 'members', value: [{ value: 'u9' }] }))).toEqual(['u9']);
  });

  it('ignores a read-only id even when it differs, and meta or schemas', async () => {
    expect(await patchGroup({ op: 'replace', value: { id: 'other', displayName: 'X', meta: { version: 'W/"1"' }, schemas: [GROUP_SCHEMA] } })).toMatchObject({
      id: 'g1',
      displayName: 'X',
    });
    expect(await patchUser({ op: 'add', path: 'groups', value: [{ value: 'g1' }] })).not.toHaveProperty('groups');
  });
});

describe('applyPatch, Entra dialect', () => {
  it('takes capitalised ops and "True"/"False" strings', async () => {
    expect(await patchUser({ op: 'Replace', path: 'active', value: 'False' })).toMatchObject({ active: false });
    expect(await patchUser({ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'False' })).toMatchObject({ emails: [{ primary: false }] });
  });

  it('replaces path-less with dotted and URN keys', async () => {
    const patched = await patchUser({
      op: 'replace',
      value: { 'name.givenName': 'Babs', [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '701984', displayName: 'Babs Jensen' },
    });
    expect(patched).toMatchObject({ name: { givenName: 'Babs', familyName: 'Jensen' }, displayName: 'Babs Jensen', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984' } });
  });

  it('replaces a multi-valued attribute path-less instead of appending to it', async () => {
    const patched = await patchUser({ op: 'replace', value: { emails: [{ value: 'new@example.com', type: 'work' }] } });
    expect(patched.emails).toEqual([{ value: 'new@example.com', type: 'work' }]);
  });

  it('merges a complex attribute path-less, keeping sub-attributes not sent', async () => {
    expect((await patchUser({ op: 'replace', value: { name: { familyName: 'Smith' } } })).name).toEqual({ givenName: 'Barbara', familyName: 'Smith' });
  });

  it('updates the work email, and creates the element when there is none', async () => {
    expect((await patchUser({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' })).emails).toEqual([
      { value: 'babs@example.com', type: 'work', primary: true },
    ]);
    const withoutWork = { ...user, emails: [{ value: 'home@example.com', type: 'home' }] };
    expect((await applyPatch(USER_KIND, withoutWork, ops([{ op: 'Add', path: 'emails[type eq "work"].value', value: 'work@example.com' }]))).emails).toEqual([
      { value: 'home@example.com', type: 'home' },
      { value: 'work@example.com', type: 'work' },
    ]);
    expect((await patchUser({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' })).phoneNumbers).toEqual([
      { value: '+1 555 0100', type: 'mobile' },
    ]);
  });

  it('takes the manager as a bare id', async () => {
    expect(await patchUser({ op: 'Add', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: 'mgr-1' })).toMatchObject({ [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'mgr-1' } } });
    expect(await patchUser({ op: 'replace', value: { [`${ENTERPRISE_USER_SCHEMA}:manager`]: 'mgr-2' } })).toMatchObject({ [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'mgr-2' } } });
  });

  it('adds members with "$ref": null, and removes them by value array or by path', async () => {
    expect(memberIds(await patchGroup({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u3' }] }))).toEqual(['u1', 'u2', 'u3']);
    expect(memberIds(await patchGroup({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }] }))).toEqual(['u1']);
    // The display sent along does not stop the removal: ids decide.
    expect(memberIds(await patchGroup({ op: 'Remove', path: 'members', value: [{ value: 'u2', display: 'someone else' }] }))).toEqual(['u1']);
    expect(memberIds(await patchGroup({ op: 'remove', path: 'members[value eq "u1"]' }))).toEqual(['u2']);
    expect(memberIds(await patchGroup({ op: 'remove', path: 'members' }))).toBeUndefined();
  });

  it('adds a member given as a bare string', async () => {
    expect(memberIds(await patchGroup({ op: 'add', path: 'members', value: 'u7' }))).toEqual(['u1', 'u2', 'u7']);
  });

  it('takes paths in any letter case and the core schema URN', async () => {
    expect(await patchGroup({ op: 'Replace', path: 'DisplayName', value: 'Ops' })).toMatchObject({ displayName: 'Ops' });
    expect(await patchUser({ op: 'replace', path: `${USER_SCHEMA}:userName`, value: 'babs@example.com' })).toMatchObject({ userName: 'babs@example.com' });
    expect(await patchUser({ op: 'replace', path: 'Name.GivenName', value: 'B' })).toMatchObject({ name: { givenName: 'B' } });
  });
});

describe('applyPatch refusals', () => {
  it('answers 400 with the SCIM keyword', async () => {
    expect((await refusal(patchUser({ op: 'replace', path: 'nope', value: 1 }))).scimType).toBe('invalidPath');
    expect((await refusal(patchUser({ op: 'replace', path: 'emails[type eq "work"].type', value: 'weird' }))).status).toBe(400);
    expect((await refusal(patchUser({ op: 'replace', value: 'x' }))).scimType).toBe('invalidValue');
    expect((await refusal(patchUser({ op: 'remove', path: 'userName' }))).status).toBe(400);
  });

  it('checks the message itself', () => {
    expect(() => patchOperationsOf({ Operations: [] })).toThrow(ScimHttpError);
    expect(() => patchOperationsOf({ schemas: ['urn:x'], Operations: [{ op: 'add', value: {} }] })).toThrow('must list the schema');
    expect(() => patchOperationsOf({ Operations: [{ op: 'delete', path: 'x' }] })).toThrow('expected add, remove or replace');
    expect(() => patchOperationsOf({ Operations: [{ op: 'remove' }] })).toThrow('removes without a path');
    expect(() => patchOperationsOf({ Operations: [{ op: 'add', path: 'title' }] })).toThrow('adds without a value');
    expect(patchOperationsOf({ operations: [{ OP: 'Add', Path: 'title', Value: 'x' }] })).toEqual([{ op: 'add', path: 'title', value: 'x' }]);
  });
});
