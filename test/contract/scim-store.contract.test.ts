import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { ScimGroupRecord, ScimUserRecord } from '../../src/core/scim.ts';
import { SqlScimGroupRepository } from '../../src/db/scim-group.repository.ts';
import type { StoreFilter } from '../../src/db/scim-store-filter.ts';
import { SqlScimUserRepository } from '../../src/db/scim-user.repository.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';

const T0 = Date.parse('2026-03-01T09:00:00Z');

function user(id: string, userName: string, resource: Record<string, unknown> = {}, overrides: Partial<ScimUserRecord> = {}): ScimUserRecord {
  return {
    id,
    userName,
    externalId: undefined,
    active: true,
    resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, ...resource },
    created: T0,
    lastModified: T0,
    version: 1,
    ...overrides,
  };
}

function group(id: string, displayName: string, memberIds: string[] = [], overrides: Partial<ScimGroupRecord> = {}): ScimGroupRecord {
  return {
    id,
    displayName,
    externalId: undefined,
    resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName },
    memberIds,
    created: T0,
    lastModified: T0,
    version: 1,
    ...overrides,
  };
}

const eq = (field: string, value: string | number | boolean): StoreFilter => ({ kind: 'compare', field, op: 'eq', value });
const email = (filter: StoreFilter): StoreFilter => ({ kind: 'any', collection: 'emails', filter });

/** The SCIM repositories on every engine: the same expectations hold for SQLite and PostgreSQL. */
describe.each(ENGINES)('SCIM store contract on %s', (engine) => {
  let testDb: TestDatabase;
  let users: SqlScimUserRepository;
  let groups: SqlScimGroupRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    users = new SqlScimUserRepository(testDb.db);
    groups = new SqlScimGroupRepository(testDb.db);
  });
  afterAll(async () => {
    await testDb.dispose();
  });
  beforeEach(async () => {
    await testDb.db.execute('DELETE FROM scim_group_members');
    await testDb.db.execute('DELETE FROM scim_groups');
    await testDb.db.execute('DELETE FROM scim_user_emails');
    await testDb.db.execute('DELETE FROM scim_users');
  });

  const ids = (page: { items: readonly { id: string }[] }) => page.items.map((item) => item.id);
  const listUsers = (filter: StoreFilter | undefined, startIndex = 1, count = 100) => users.list({ filter, startIndex, count });

  describe('users', () => {
    beforeEach(async () => {
      await users.insert(
        user(
          'u1',
          'Barbara.Jensen@Example.com',
          {
            displayName: 'Babs Jensen',
            name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen' },
            emails: [
              { value: 'BJensen@Work.example', type: 'work', primary: true },
              { value: 'babs@home.example', type: 'home' },
            ],
          },
          { externalId: '00uABC', created: T0 },
        ),
      );
      await users.insert(
        user(
          'u2',
          'kim.lee',
          { name: { givenName: 'Kim', familyName: 'Lee' }, emails: [{ value: 'kim@example.org', type: 'work' }] },
          { created: T0 + 1000, active: false },
        ),
      );
      await users.insert(user('u3', 'omalley_100%', { name: { familyName: 'OMalley' } }, { created: T0 + 2000, externalId: 'ext-3' }));
    });

    it('stores and reads a user back, by id and by userName in any letter case', async () => {
      const stored = await users.get('u1');
      expect(stored).toMatchObject({ id: 'u1', userName: 'Barbara.Jensen@Example.com', externalId: '00uABC', active: true, version: 1, created: T0 });
      expect(stored?.resource).toMatchObject({ displayName: 'Babs Jensen' });
      expect((await users.findByUserName('barbara.jensen@EXAMPLE.com'))?.id).toBe('u1');
      expect(await users.get('U1')).toBeUndefined();
      expect(await users.findByUserName('nobody')).toBeUndefined();
    });

    it('refuses a second user with the same userName in another case', async () => {
      await expect(users.insert(user('u9', 'KIM.LEE'))).rejects.toMatchObject({ code: 'SCIM_UNIQUENESS' });
      const renamed = { ...(await users.get('u3'))!, userName: 'Kim.Lee', version: 2 };
      await expect(users.update(renamed, 1)).rejects.toMatchObject({ code: 'SCIM_UNIQUENESS' });
    });

    it('updates only from the expected version', async () => {
      const current = (await users.get('u2'))!;
      const next = { ...current, active: true, userName: 'kim.lee2', resource: { ...current.resource, emails: [{ value: 'kim2@example.org', type: 'work' }] }, version: 2 };
      expect(await users.update(next, 1)).toBe(true);
      expect(await users.update({ ...next, version: 3 }, 1)).toBe(false);
      expect(await users.get('u2')).toMatchObject({ active: true, userName: 'kim.lee2', version: 2 });
      expect(ids(await listUsers(email(eq('value', 'kim2@example.org'))))).toEqual(['u2']);
      expect(ids(await listUsers(email(eq('value', 'kim@example.org'))))).toEqual([]);
    });

    it('pages in the database: true total, stable order, any start', async () => {
      expect(await listUsers(undefined, 1, 2).then((p) => [p.total, ids(p)])).toEqual([3, ['u1', 'u2']]);
      expect(await listUsers(undefined, 3, 2).then((p) => [p.total, ids(p)])).toEqual([3, ['u3']]);
      expect(await listUsers(undefined, 4, 2).then((p) => [p.total, ids(p)])).toEqual([3, []]);
      expect(await listUsers(undefined, 1, 0).then((p) => [p.total, ids(p)])).toEqual([3, []]);
    });

    it('matches userName, externalId, emails and names without regard to case', async () => {
      expect(ids(await listUsers(eq('userName', 'BARBARA.JENSEN@example.COM')))).toEqual(['u1']);
      expect(ids(await listUsers(eq('externalId', '00uabc')))).toEqual(['u1']);
      expect(ids(await listUsers(email({ kind: 'and', filters: [eq('type', 'work'), eq('value', 'bjensen@work.EXAMPLE')] })))).toEqual(['u1']);
      expect(ids(await listUsers(email({ kind: 'and', filters: [eq('type', 'home'), eq('value', 'bjensen@work.example')] })))).toEqual([]);
      expect(ids(await listUsers(eq('name.familyName', 'jensen')))).toEqual(['u1']);
      expect(ids(await listUsers(eq('displayName', 'BABS JENSEN')))).toEqual(['u1']);
      expect(ids(await listUsers(eq('name.formatted', 'ms. barbara j jensen')))).toEqual(['u1']);
    });

    it('supports co / sw / ew with LIKE wildcards taken literally', async () => {
      expect(ids(await listUsers({ kind: 'compare', field: 'userName', op: 'sw', value: 'O' }))).toEqual(['u3']);
      expect(ids(await listUsers({ kind: 'compare', field: 'userName', op: 'co', value: '%' }))).toEqual(['u3']);
      expect(ids(await listUsers({ kind: 'compare', field: 'userName', op: 'co', value: '_' }))).toEqual(['u3']);
      expect(ids(await listUsers({ kind: 'compare', field: 'userName', op: 'ew', value: '.COM' }))).toEqual(['u1']);
      const domains: StoreFilter = {
        kind: 'and',
        filters: [
          { kind: 'present', field: 'name.familyName' },
          {
            kind: 'or',
            filters: [
              email({ kind: 'compare', field: 'value', op: 'co', value: 'example.org' }),
              email({ kind: 'compare', field: 'value', op: 'co', value: 'home.example' }),
            ],
          },
        ],
      };
      expect(ids(await listUsers(domains))).toEqual(['u1', 'u2']);
    });

    it('compares times, flags and ids; absent values are false, so not() includes them', async () => {
      expect(ids(await listUsers({ kind: 'compare', field: 'meta.created', op: 'gt', value: T0 }))).toEqual(['u2', 'u3']);
      expect(ids(await listUsers({ kind: 'compare', field: 'meta.lastModified', op: 'le', value: T0 }))).toEqual(['u1', 'u2', 'u3']);
      expect(ids(await listUsers(eq('active', false)))).toEqual(['u2']);
      expect(ids(await listUsers({ kind: 'compare', field: 'active', op: 'ne', value: false }))).toEqual(['u1', 'u3']);
      expect(ids(await listUsers(eq('id', 'u2')))).toEqual(['u2']);
      expect(ids(await listUsers({ kind: 'not', filter: eq('externalId', 'ext-3') }))).toEqual(['u1', 'u2']);
      expect(ids(await listUsers({ kind: 'compare', field: 'externalId', op: 'ne', value: '00uabc' }))).toEqual(['u2', 'u3']);
      expect(ids(await listUsers({ kind: 'present', field: 'externalId' }))).toEqual(['u1', 'u3']);
      expect(ids(await listUsers({ kind: 'any', collection: 'emails', filter: undefined }))).toEqual(['u1', 'u2']);
      expect(ids(await listUsers(email(eq('primary', true))))).toEqual(['u1']);
    });

    it('refuses a field it does not store (the adapter answers 400 before this)', async () => {
      await expect(listUsers(eq('title', 'x'))).rejects.toThrow(TypeError);
      await expect(listUsers({ kind: 'weird' } as unknown as StoreFilter)).rejects.toThrow(TypeError);
    });

    it('deletes a user with its emails', async () => {
      expect(await users.delete('u1')).toBe(true);
      expect(await users.delete('u1')).toBe(false);
      expect(await testDb.db.query("SELECT 1 FROM scim_user_emails WHERE user_id = 'u1'")).toEqual([]);
    });
  });

  describe('groups', () => {
    beforeEach(async () => {
      for (const [i, id] of ['u1', 'u2', 'u3', 'u4'].entries()) await users.insert(user(id, `user${id}`, {}, { created: T0 + i }));
      await groups.insert(group('g1', 'Engineering', ['u1', 'u2', 'u2'], { externalId: 'okta-g1' }));
      await groups.insert(group('g2', 'Sales', ['u2'], { created: T0 + 1 }));
    });

    it('stores members in the order they were added, each once', async () => {
      expect(await groups.get('g1')).toMatchObject({ displayName: 'Engineering', externalId: 'okta-g1', memberIds: ['u1', 'u2'], version: 1 });
      expect((await groups.findByDisplayName('ENGINEERING'))?.id).toBe('g1');
      await expect(groups.insert(group('g3', 'engineering'))).rejects.toMatchObject({ code: 'SCIM_UNIQUENESS' });
    });

    it('writes membership by difference and keeps the order of adding', async () => {
      const current = (await groups.get('g1'))!;
      expect(await groups.update({ ...current, memberIds: ['u4', 'u2', 'u3'], version: 2 }, 1)).toBe(true);
      expect((await groups.get('g1'))?.memberIds).toEqual(['u2', 'u4', 'u3']);
      expect(await groups.update({ ...current, memberIds: [], version: 3 }, 1)).toBe(false);
      expect(await groups.update({ ...current, displayName: 'Eng', memberIds: [], version: 3 }, 2)).toBe(true);
      expect(await groups.get('g1')).toMatchObject({ displayName: 'Eng', memberIds: [], version: 3 });
    });

    it('filters on displayName, externalId and membership (Entra\'s probe)', async () => {
      const list = (filter: StoreFilter) => groups.list({ filter, startIndex: 1, count: 10 });
      expect(ids(await list(eq('displayName', 'sales')))).toEqual(['g2']);
      expect(ids(await list(eq('externalId', 'OKTA-G1')))).toEqual(['g1']);
      const probe = (groupId: string, userId: string): StoreFilter => ({
        kind: 'and',
        filters: [eq('id', groupId), { kind: 'any', collection: 'members', filter: eq('value', userId) }],
      });
      expect(ids(await list(probe('g1', 'u1')))).toEqual(['g1']);
      expect(ids(await list(probe('g2', 'u1')))).toEqual([]);
      const page = await groups.list({ filter: undefined, startIndex: 2, count: 1 });
      expect([page.total, ids(page), page.items[0]?.memberIds]).toEqual([2, ['g2'], ['u2']]);
    });

    it('lists the groups of a user, and takes a deleted user out of every group', async () => {
      expect((await groups.groupsOf('u2')).map((g) => [g.id, g.memberIds])).toEqual([
        ['g1', ['u1', 'u2']],
        ['g2', ['u2']],
      ]);
      await groups.removeMemberEverywhere('u2');
      expect((await groups.groupsOf('u2'))).toEqual([]);
      expect(await groups.get('g1')).toMatchObject({ memberIds: ['u1'], version: 2 });
      expect(await groups.get('g2')).toMatchObject({ memberIds: [], version: 2 });
      expect(await users.delete('u1')).toBe(true);
      expect((await groups.get('g1'))?.memberIds).toEqual([]);
    });

    it('deletes a group with its membership', async () => {
      expect(await groups.delete('g1')).toBe(true);
      expect(await groups.get('g1')).toBeUndefined();
      expect(await testDb.db.query("SELECT 1 FROM scim_group_members WHERE group_id = 'g1'")).toEqual([]);
    });
  });

  it('is part of the unit of work', async () => {
    await new SqlUnitOfWork(testDb.db).run(async (scope) => {
      await scope.scimUsers.insert(user('u-tx', 'tx.user'));
      await scope.scimGroups.insert(group('g-tx', 'Tx', ['u-tx']));
    });
    expect((await groups.get('g-tx'))?.memberIds).toEqual(['u-tx']);
    await expect(
      new SqlUnitOfWork(testDb.db).run(async (scope) => {
        await scope.scimUsers.insert(user('u-rolled-back', 'rolled.back'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await users.get('u-rolled-back')).toBeUndefined();
  });
});
