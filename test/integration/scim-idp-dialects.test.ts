import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { describeAnswer, type JsonObject, patchOp, query, resourcesOf, SCIM_SCHEMAS, type ScimClient, stringField } from '../support/scim-http.ts';
import { SCIM_TEST_CREDENTIALS, type ScimLpprov, startScimLpprov } from '../support/scim-lpprov.ts';

const OKTA = { userAgent: 'Okta SCIM Client 1.0.0', contentType: 'application/scim+json; charset=utf-8' };
const ENTRA = { userAgent: 'Microsoft Azure Active Directory SCIM Client', contentType: 'application/scim+json' };
const EXT = SCIM_SCHEMAS.enterpriseUser;

async function ok(answer: Promise<{ status: number; body: JsonObject | undefined } & Parameters<typeof describeAnswer>[0]>, status: number): Promise<JsonObject> {
  const settled = await answer;
  expect(settled.status, describeAnswer(settled)).toBe(status);
  return settled.body ?? {};
}

/**
 * The requests Okta and Microsoft Entra ID really send (docs/reference/scim-idp-behaviour.md §2
 * and §3, in ../shared), each IdP with its own User-Agent, on each engine.
 */
describe.each(ENGINES)('SCIM IdP dialects on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lp: ScimLpprov;
  let okta: ScimClient;
  let entra: ScimClient;

  beforeAll(async () => {
    simulator = await startSimulator({ ...SCIM_TEST_CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    lp = await startScimLpprov(testDb.databaseUrl, simulator, { logLevel: 'warn' });
    okta = lp.scim.as(OKTA);
    entra = lp.scim.as(ENTRA);
  });
  afterAll(async () => {
    await lp?.lpprov.stop();
    await simulator?.stop();
    await testDb?.dispose();
  });

  const memberIdsOf = async (groupId: string): Promise<string[]> => {
    const group = await ok(lp.scim.get(`/Groups/${groupId}`), 200);
    return ((group.members ?? []) as JsonObject[]).map((m) => (typeof m.value === 'string' ? m.value : ''));
  };

  describe('Okta', () => {
    const oktaUser = (login: string, given = 'Isaac'): JsonObject => ({
      schemas: [SCIM_SCHEMAS.user],
      userName: login,
      name: { givenName: given, familyName: 'Brock' },
      emails: [{ primary: true, value: login, type: 'work' }],
      displayName: `${given} Brock`,
      locale: 'en-US',
      externalId: `00u${login.length}`,
      groups: [],
      password: '1mz050nq-not-kept',
      active: true,
    });

    it('looks the user up, creates it, then finds it in any letter case', async () => {
      const lookup = `/Users${query({ filter: 'userName eq "isaac.brock@okta.example"', startIndex: 1, count: 100 })}`;
      expect(await ok(okta.get(lookup), 200)).toMatchObject({ totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
      const created = await ok(okta.post('/Users', oktaUser('isaac.brock@okta.example')), 201);
      expect(created).toMatchObject({ active: true, userName: 'isaac.brock@okta.example', name: { givenName: 'Isaac', familyName: 'Brock' } });
      expect(resourcesOf(await okta.get(lookup)).map((u) => u.id)).toEqual([created.id]);
      const upper = await okta.get(`/Users${query({ filter: 'userName eq "ISAAC.BROCK@OKTA.EXAMPLE"' })}`);
      expect(resourcesOf(upper).map((u) => u.id)).toEqual([created.id]);
      await ok(okta.post('/Users', oktaUser('Isaac.Brock@okta.example')), 409);
    });

    it('deactivates and reactivates with a path-less PATCH; the user stays readable; a PUT without active keeps it', async () => {
      const id = stringField(await ok(okta.post('/Users', oktaUser('deact@okta.example')), 201), 'id');
      await ok(okta.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })), 204);
      expect(await ok(okta.get(`/Users/${id}`), 200)).toMatchObject({ id, active: false });
      const { active: _active, password: _password, ...put } = oktaUser('deact@okta.example', 'Isaiah');
      expect(await ok(okta.put(`/Users/${id}`, { ...put, id }), 200)).toMatchObject({ active: false, name: { givenName: 'Isaiah' } });
      await ok(okta.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: true } })), 204);
      expect(await ok(okta.put(`/Users/${id}`, { ...put, id }), 200)).toMatchObject({ active: true });
    });

    it('pushes a group: create, rename with every membership change, combined remove and add, full push, unlink', async () => {
      const one = stringField(await ok(okta.post('/Users', oktaUser('one@okta.example')), 201), 'id');
      const two = stringField(await ok(okta.post('/Users', oktaUser('two@okta.example')), 201), 'id');
      const three = stringField(await ok(okta.post('/Users', oktaUser('three@okta.example')), 201), 'id');
      const group = await ok(okta.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: 'Okta Push', members: [] }), 201);
      const id = stringField(group, 'id');
      await ok(okta.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: one, display: 'one@okta.example' }] })), 204);

      await ok(
        okta.patch(
          `/Groups/${id}`,
          patchOp(
            { op: 'replace', value: { id, displayName: 'Okta Push EU' } },
            { op: 'remove', path: `members[value eq "${one}"]` },
            { op: 'add', path: 'members', value: [{ value: two, display: 'two@okta.example' }, { value: three, display: 'three@okta.example' }] },
          ),
        ),
        204,
      );
      expect(await ok(okta.get(`/Groups/${id}`), 200)).toMatchObject({ displayName: 'Okta Push EU' });
      expect(await memberIdsOf(id)).toEqual([two, three]);

      // The same rename again, and a re-add of a member: nothing changes.
      const before = (await okta.get(`/Groups/${id}`)).headers.get('etag');
      await ok(okta.patch(`/Groups/${id}`, patchOp({ op: 'replace', value: { id, displayName: 'Okta Push EU' } }, { op: 'add', path: 'members', value: [{ value: two }] })), 204);
      expect((await okta.get(`/Groups/${id}`)).headers.get('etag')).toBe(before);
      expect(await memberIdsOf(id)).toEqual([two, three]);

      await ok(okta.patch(`/Groups/${id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: one }, { value: three }] })), 204);
      expect((await memberIdsOf(id)).sort()).toEqual([one, three].sort());

      await ok(okta.delete(`/Groups/${id}`), 204);
      await ok(okta.get(`/Groups/${id}`), 404);
    });

    it('imports every user with count=100 pages: integer fields, true totals, no duplicates', async () => {
      for (let i = 0; i < 110; i += 1) {
        await ok(okta.post('/Users', { schemas: [SCIM_SCHEMAS.user], userName: `import.${i}@okta.example`, emails: [{ value: `import.${i}@okta.example`, type: 'work' }] }), 201);
      }
      const ids: unknown[] = [];
      let total = Number.POSITIVE_INFINITY;
      for (let startIndex = 1; startIndex <= total; startIndex += 100) {
        const page = await ok(okta.get(`/Users${query({ startIndex, count: 100 })}`), 200);
        expect(Number.isInteger(page.totalResults) && Number.isInteger(page.itemsPerPage) && Number.isInteger(page.startIndex)).toBe(true);
        expect(page.startIndex).toBe(startIndex);
        total = Number(page.totalResults);
        const resources = (page.Resources ?? []) as JsonObject[];
        expect(page.itemsPerPage).toBe(resources.length);
        ids.push(...resources.map((r) => r.id));
      }
      expect(total).toBeGreaterThan(110);
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
    });
  });

  describe('Entra ID', () => {
    const entraUser = (userName: string, extra: JsonObject = {}): JsonObject => ({
      UserName: userName,
      Active: 'True',
      DisplayName: 'Test User',
      emails: [{ Primary: 'True', type: 'work', value: userName }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Test User', familyName: 'User', givenName: 'Test' },
      roles: [],
      schemas: [SCIM_SCHEMAS.user, EXT],
      [EXT]: { Department: 'Sales', EmployeeNumber: '1001' },
      externalId: `entra-${userName}`,
      ...extra,
    });

    it('answers the connection test (random user and group) with empty lists', async () => {
      expect(await ok(entra.get(`/Users${query({ filter: 'userName eq "f9fc8ac1-0e8a-4b47-8d2b-dd8a2e2b9bb4"' })}`), 200)).toMatchObject({ totalResults: 0, Resources: [] });
      expect(
        await ok(entra.get(`/Groups${query({ excludedAttributes: 'members', filter: 'displayName eq "2a17eaf5-0e8a-4b47-8d2b-dd8a2e2b9bb4"' })}`), 200),
      ).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('creates a user sent with "True" strings, meta and the extension, and matches it on externalId and work email', async () => {
      const created = await ok(entra.post('/Users', entraUser('Test_User_a1@entra.example')), 201);
      expect(created).toMatchObject({ active: true, userName: 'Test_User_a1@entra.example', [EXT]: { department: 'Sales', employeeNumber: '1001' } });
      expect(created.emails).toEqual([{ primary: true, type: 'work', value: 'Test_User_a1@entra.example' }]);
      for (const filter of ['externalId eq "entra-test_user_a1@entra.example"', 'emails[type eq "work"].value eq "test_user_a1@entra.example"']) {
        expect(resourcesOf(await entra.get(`/Users${query({ filter })}`)).map((u) => u.id), filter).toEqual([created.id]);
      }
    });

    it('applies the default dialect: capitalised ops, "False", filtered paths, URN paths, manager as an id', async () => {
      const id = stringField(await ok(entra.post('/Users', entraUser('Test_User_b2@entra.example')), 201), 'id');
      await ok(
        entra.patch(
          `/Users/${id}`,
          patchOp(
            { op: 'Replace', path: 'emails[type eq "work"].value', value: 'Moved_b2@entra.example' },
            { op: 'Replace', path: 'name.familyName', value: 'Renamed' },
            { op: 'Replace', path: `${EXT}:employeeNumber`, value: '2002' },
            { op: 'Add', path: `${EXT}:manager`, value: 'manager-object-id' },
            { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
          ),
        ),
        204,
      );
      const patched = await ok(entra.get(`/Users/${id}`), 200);
      expect(patched).toMatchObject({
        name: { familyName: 'Renamed', givenName: 'Test' },
        emails: [{ type: 'work', value: 'Moved_b2@entra.example' }],
        phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
        [EXT]: { employeeNumber: '2002', manager: { value: 'manager-object-id' }, department: 'Sales' },
      });
      await ok(entra.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })), 204);
      expect(await ok(entra.get(`/Users/${id}`), 200)).toMatchObject({ active: false });
    });

    it('applies the aadOptscim062020 dialect: path-less replace with dotted and URN keys', async () => {
      const id = stringField(await ok(entra.post('/Users', entraUser('Test_User_c3@entra.example')), 201), 'id');
      await ok(
        entra.patch(
          `/Users/${id}?aadOptscim062020`,
          patchOp({ op: 'replace', value: { 'name.givenName': 'Flagged', [`${EXT}:department`]: 'Finance', displayName: 'Flagged User', active: false } }),
        ),
        204,
      );
      expect(await ok(entra.get(`/Users/${id}`), 200)).toMatchObject({
        name: { givenName: 'Flagged', familyName: 'User' },
        displayName: 'Flagged User',
        active: false,
        [EXT]: { department: 'Finance' },
      });
    });

    it('creates the work email when a filtered PATCH finds none', async () => {
      const id = stringField(
        await ok(entra.post('/Users', entraUser('Test_User_d4@entra.example', { emails: [{ type: 'other', value: 'd4.other@entra.example' }] })), 201),
        'id',
      );
      await ok(entra.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'd4.work@entra.example' })), 204);
      const emails = (await ok(entra.get(`/Users/${id}`), 200)).emails;
      expect(emails).toEqual([
        { type: 'other', value: 'd4.other@entra.example' },
        { type: 'work', value: 'd4.work@entra.example' },
      ]);
    });

    it('manages a group: extra schema URN, members with "$ref": null, 204s, removal by value array and by path, membership probe', async () => {
      const members: string[] = [];
      for (const n of ['e5', 'f6', 'g7']) members.push(stringField(await ok(entra.post('/Users', entraUser(`Test_User_${n}@entra.example`)), 201), 'id'));
      const [m1 = '', m2 = '', m3 = ''] = members;
      const group = await ok(entra.post('/Groups', { displayName: 'Entra Group', externalId: 'entra-group-1', schemas: [SCIM_SCHEMAS.group, SCIM_SCHEMAS.entraGroup] }), 201);
      const id = stringField(group, 'id');
      expect(group.schemas).toEqual([SCIM_SCHEMAS.group]);

      const add = await entra.patch(`/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: members.map((value) => ({ $ref: null, value })) }));
      expect(add.status, describeAnswer(add)).toBe(204);
      expect(add.text).toBe('');
      await ok(entra.patch(`/Groups/${id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Entra Group Renamed' })), 204);

      const probe = async (member: string) =>
        (await ok(entra.get(`/Groups${query({ excludedAttributes: 'members', filter: `id eq "${id}" and members.value eq "${member}"` })}`), 200)).totalResults;
      expect(await probe(m2)).toBe(1);

      await ok(entra.patch(`/Groups/${id}`, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: m2 }] })), 204);
      await ok(entra.patch(`/Groups/${id}`, patchOp({ op: 'remove', path: `members[value eq "${m3}"]` })), 204);
      expect(await probe(m2)).toBe(0);
      expect(await memberIdsOf(id)).toEqual([m1]);

      const lean = await ok(entra.get(`/Groups/${id}${query({ excludedAttributes: 'members' })}`), 200);
      expect(lean).toMatchObject({ id, displayName: 'Entra Group Renamed', externalId: 'entra-group-1' });
      expect(lean).not.toHaveProperty('members');
    });

    it('soft-deletes (active false, still readable and filterable), then deletes for good, leaving its groups', async () => {
      const id = stringField(await ok(entra.post('/Users', entraUser('Test_User_h8@entra.example')), 201), 'id');
      const group = stringField(await ok(entra.post('/Groups', { displayName: 'Soft Delete Group', members: [{ value: id }] }), 201), 'id');
      await ok(entra.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })), 204);
      expect(await ok(entra.get(`/Users/${id}`), 200)).toMatchObject({ active: false });
      const inactive = await ok(entra.get(`/Users${query({ filter: 'userName eq "test_user_h8@entra.example" and active eq false' })}`), 200);
      expect(inactive.totalResults).toBe(1);
      await ok(entra.delete(`/Users/${id}`), 204);
      await ok(entra.get(`/Users/${id}`), 404);
      expect(await memberIdsOf(group)).toEqual([]);
    });
  });
});
