import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { describeAnswer, type JsonObject, patchOp, query, resourcesOf, SCIM_SCHEMAS, type ScimAnswer, stringField } from '../support/scim-http.ts';
import { SCIM_TEST_CREDENTIALS, SCIM_TEST_TOKEN, type ScimLpprov, startScimLpprov } from '../support/scim-lpprov.ts';

const SCIM_JSON = /^application\/scim\+json/;

function user(userName: string, extra: JsonObject = {}): JsonObject {
  return {
    schemas: [SCIM_SCHEMAS.user],
    userName,
    name: { givenName: 'Test', familyName: userName.split('@')[0] ?? 'User' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

function expectError(answer: ScimAnswer, status: number, scimType?: string): void {
  expect(answer.status, describeAnswer(answer)).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(SCIM_JSON);
  expect(answer.body?.schemas).toEqual([SCIM_SCHEMAS.error]);
  expect(answer.body?.status).toBe(String(status));
  expect(typeof answer.body?.detail).toBe('string');
  if (scimType !== undefined) expect(answer.body?.scimType).toBe(scimType);
}

/**
 * The SCIM endpoint over real HTTP on loopback, on each engine: discovery, authentication, CRUD,
 * filters, paging, projection, conditional requests and error bodies.
 */
describe.each(ENGINES)('SCIM protocol on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lp: ScimLpprov;

  beforeAll(async () => {
    simulator = await startSimulator({ ...SCIM_TEST_CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    lp = await startScimLpprov(testDb.databaseUrl, simulator);
  });
  afterAll(async () => {
    await lp?.lpprov.stop();
    await simulator?.stop();
    await testDb?.dispose();
  });

  const create = async (body: JsonObject): Promise<JsonObject> => {
    const answer = await lp.scim.post('/Users', body);
    expect(answer.status, describeAnswer(answer)).toBe(201);
    return answer.body ?? {};
  };

  describe('discovery', () => {
    it('tells the truth in ServiceProviderConfig, also at /serviceConfiguration', async () => {
      for (const path of ['/ServiceProviderConfig', '/serviceConfiguration']) {
        const answer = await lp.scim.get(path);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toMatch(SCIM_JSON);
        expect(answer.body).toMatchObject({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
          patch: { supported: true },
          bulk: { supported: false },
          filter: { supported: true, maxResults: 200 },
          changePassword: { supported: false },
          sort: { supported: false },
          etag: { supported: true },
          authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
        });
      }
    });

    it('lists Users then Groups, with the enterprise extension not required', async () => {
      const answer = await lp.scim.get('/ResourceTypes');
      expect(resourcesOf(answer).map((r) => r.endpoint)).toEqual(['/Users', '/Groups']);
      expect(resourcesOf(answer)[0]?.schemaExtensions).toEqual([{ schema: SCIM_SCHEMAS.enterpriseUser, required: false }]);
      expect((await lp.scim.get('/ResourceTypes/Group')).body).toMatchObject({ id: 'Group', schema: SCIM_SCHEMAS.group });
    });

    it('describes the User, Enterprise User and Group schemas', async () => {
      const answer = await lp.scim.get('/Schemas');
      expect(resourcesOf(answer).map((s) => s.id)).toEqual([SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser, SCIM_SCHEMAS.group]);
      expect(answer.text).toContain('User Account');
      expect((await lp.scim.get(`/Schemas/${SCIM_SCHEMAS.enterpriseUser}`)).body).toMatchObject({ id: SCIM_SCHEMAS.enterpriseUser });
      expectError(await lp.scim.get('/Schemas/urn:nope'), 404);
    });
  });

  describe('authentication', () => {
    it('answers 401 with a SCIM error and a challenge, on every route, and never logs the token', async () => {
      const wrong = 'scim-integration-token-wrong-0001';
      const missing = await lp.scim.get('/Users', { token: null });
      const invalid = await lp.scim.get('/ServiceProviderConfig', { token: wrong });
      const basic = await lp.scim.get('/Groups', { token: null, headers: { authorization: `Basic ${Buffer.from(`okta:${SCIM_TEST_TOKEN}`).toString('base64')}` } });
      for (const answer of [missing, invalid, basic]) {
        expectError(answer, 401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="lpprov SCIM"/);
      }
      expect(invalid.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expectError(await lp.scim.post('/Users', user('never@example.com'), { token: wrong }), 401);
      expect((await lp.scim.get(`/Users${query({ filter: 'userName eq "never@example.com"' })}`)).body?.totalResults).toBe(0);
      for (const secret of [SCIM_TEST_TOKEN, wrong]) expect(lp.logs.text()).not.toContain(secret);
      expect(lp.logs.text().toLowerCase()).not.toContain('authorization');
    });
  });

  describe('users', () => {
    it('creates a user: 201, Location, ETag, the stored representation; application/json accepted', async () => {
      const answer = await lp.scim.as({ contentType: 'application/json' }).post('/Users', {
        ...user('Barbara.Jensen@Example.com', { externalId: '00uBJ', displayName: 'Babs' }),
        id: 'chosen-by-client',
        meta: { created: '2019-09-18T18:15:26Z', resourceType: 'User' },
        groups: [],
        password: 'never-stored-0001',
      });
      expect(answer.status, describeAnswer(answer)).toBe(201);
      expect(answer.headers.get('content-type')).toMatch(SCIM_JSON);
      const id = stringField(answer.body, 'id');
      expect(id).not.toBe('chosen-by-client');
      expect(answer.headers.get('location')).toBe(`${lp.root}/Users/${id}`);
      expect(answer.body?.meta).toMatchObject({ resourceType: 'User', location: `${lp.root}/Users/${id}`, version: 'W/"1"' });
      expect(answer.headers.get('etag')).toBe('W/"1"');
      expect(answer.body).toMatchObject({ userName: 'Barbara.Jensen@Example.com', externalId: '00uBJ', active: true });
      expect(answer.text).not.toContain('never-stored');
      const [row] = await testDb.db.query<{ resource: string }>('SELECT resource FROM scim_users WHERE id = $1', [id]);
      expect(row?.resource).not.toContain('never-stored');
    });

    it('refuses a duplicate userName in another case (409 uniqueness), a missing userName and bad JSON (400)', async () => {
      expectError(await lp.scim.post('/Users', user('BARBARA.JENSEN@example.COM')), 409, 'uniqueness');
      expectError(await lp.scim.post('/Users', { schemas: [SCIM_SCHEMAS.user], active: true }), 400, 'invalidValue');
      expectError(await lp.scim.post('/Users', undefined, { raw: '{ "userName": tre' }), 400, 'invalidSyntax');
      expectError(await lp.scim.post('/Users', ['not', 'an', 'object']), 400, 'invalidSyntax');
    });

    it('case 4: refuses a user LastPass cannot have (no email address) with 400 invalidValue, and keeps the refusal as a dead letter', async () => {
      const noEmail = { schemas: [SCIM_SCHEMAS.user], userName: 'jdoe', name: { givenName: 'J', familyName: 'Doe' }, active: true };
      const refused = await lp.scim.post('/Users', noEmail);
      expectError(refused, 400, 'invalidValue');
      expect(refused.body?.detail).toMatch(/email/);
      // Nothing stored: the IdP sees the error and sends the user again once it has an email.
      expect(await testDb.db.query('SELECT id FROM scim_users WHERE user_name_lc = $1', ['jdoe'])).toEqual([]);
      // The IdP repeats the request: one open dead letter, not one per attempt.
      expectError(await lp.scim.post('/Users', noEmail), 400, 'invalidValue');
      const letters = await testDb.db.query<{ source: string; reason: string }>("SELECT source, reason FROM dead_letters WHERE source LIKE 'scim:%'");
      expect(letters).toEqual([{ source: 'scim://scim/Users?userName=jdoe', reason: expect.stringMatching(/^not provisioned to LastPass: /) as string }]);

      // The IdP administrator gives the user an address: the refusal is settled by itself.
      expect((await lp.scim.post('/Users', { ...noEmail, emails: [{ value: 'jdoe@example.com', type: 'work' }] })).status).toBe(201);
      const settled = await testDb.db.query<{ resolution: string | null }>("SELECT resolution FROM dead_letters WHERE source LIKE 'scim:%'");
      expect(settled).toEqual([{ resolution: 'provisioned: the identity provider sent the user again with an email address' }]);

      // A work "email" that is not one does not hide a real address.
      const created = await create({ ...noEmail, userName: 'jdoe2', emails: [{ value: 'jdoe-desk', type: 'work' }, { value: 'J.Doe@Example.com', type: 'home' }] });
      const id = stringField(created, 'id');
      // Changing the user into one without any address is refused too, and the user stays as it was.
      const patched = await lp.scim.patch(`/Users/${id}`, patchOp({ op: 'remove', path: 'emails' }));
      expectError(patched, 400, 'invalidValue');
      expect((await lp.scim.get(`/Users/${id}`)).body?.emails).toHaveLength(2);
    });

    it('reads a user by id with its ETag, 304 when unchanged, and 404 as a SCIM error', async () => {
      const created = await create(user('read.me@example.com'));
      const id = stringField(created, 'id');
      const answer = await lp.scim.get(`/Users/${id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, userName: 'read.me@example.com', schemas: [SCIM_SCHEMAS.user] });
      const etag = answer.headers.get('etag') ?? '';
      expect((await lp.scim.get(`/Users/${id}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expectError(await lp.scim.get('/Users/00000000-0000-0000-0000-000000000000'), 404);
    });

    it('filters case-insensitively on userName, externalId, emails and displayName', async () => {
      const created = await create(user('Kim.Lee@Example.org', { externalId: 'EXT-Kim', displayName: 'Kim Lee' }));
      const find = async (filter: string) => resourcesOf(await lp.scim.get(`/Users${query({ filter })}`)).map((r) => r.id);
      for (const filter of [
        'userName eq "kim.lee@EXAMPLE.ORG"',
        'externalId eq "ext-kim"',
        'emails[type eq "work"].value eq "KIM.LEE@example.org"',
        'emails.value co "kim.lee@"',
        'displayName eq "KIM LEE"',
        'name.familyName eq "kim.lee" and active eq "True"',
      ]) {
        expect(await find(filter), filter).toEqual([created.id]);
      }
      const none = await lp.scim.get(`/Users${query({ filter: 'userName eq "nobody@example.org"' })}`);
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({ schemas: [SCIM_SCHEMAS.listResponse], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
    });

    it('refuses filters it cannot answer with 400 invalidFilter', async () => {
      expectError(await lp.scim.get(`/Users${query({ filter: 'title eq "CEO"' })}`), 400, 'invalidFilter');
      expectError(await lp.scim.get(`/Users${query({ filter: 'userName eq' })}`), 400, 'invalidFilter');
      expectError(await lp.scim.get(`/Users${query({ filter: 'userName xx "a"' })}`), 400, 'invalidFilter');
    });

    it('projects attributes and excludedAttributes, id always', async () => {
      const created = await create(user('projected@example.com', { title: 'Engineer' }));
      const id = stringField(created, 'id');
      const only = await lp.scim.get(`/Users/${id}${query({ attributes: 'userName' })}`);
      expect(only.body).toEqual({ schemas: [SCIM_SCHEMAS.user], id, userName: 'projected@example.com' });
      const without = await lp.scim.get(`/Users/${id}${query({ excludedAttributes: 'emails,title' })}`);
      expect(without.body).toHaveProperty('userName');
      expect(without.body).not.toHaveProperty('emails');
      expect(without.body).not.toHaveProperty('title');
      const work = await lp.scim.get(`/Users${query({ filter: `id eq "${id}"`, attributes: 'emails[type eq "work"]' })}`);
      expect(resourcesOf(work)[0]).toEqual({ schemas: [SCIM_SCHEMAS.user], id, emails: [{ value: 'projected@example.com', type: 'work', primary: true }] });
    });

    it('replaces with PUT: unknown attributes ignored, active kept when left out, If-Match honoured', async () => {
      const created = await create(user('put.me@example.com', { title: 'Before' }));
      const id = stringField(created, 'id');
      await lp.scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
      const { active: _active, ...withoutActive } = user('put.me@example.com', { displayName: 'After', adreses: [{ country: 'DE' }] });
      const replaced = await lp.scim.put(`/Users/${id}`, { ...withoutActive, id: 'ignored' });
      expect(replaced.status, describeAnswer(replaced)).toBe(200);
      expect(replaced.body).toMatchObject({ id, displayName: 'After', active: false });
      expect(replaced.body).not.toHaveProperty('title');
      expect(replaced.text).not.toContain('adreses');
      const version = replaced.headers.get('etag') ?? '';
      expectError(await lp.scim.put(`/Users/${id}`, user('put.me@example.com'), { headers: { 'if-match': 'W/"1"' } }), 412);
      expect((await lp.scim.put(`/Users/${id}`, user('put.me@example.com'), { headers: { 'if-match': version } })).status).toBe(200);
      expectError(await lp.scim.put(`/Users/${id}`, { active: true }), 400, 'invalidValue');
      expectError(await lp.scim.put('/Users/00000000-0000-0000-0000-000000000000', user('ghost@example.com')), 404);
    });

    it('answers a PATCH with 204 and the new ETag, or 200 with the user when attributes are asked for', async () => {
      const id = stringField(await create(user('patch.me@example.com')), 'id');
      const answer = await lp.scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'Lead' }));
      expect(answer.status, describeAnswer(answer)).toBe(204);
      expect(answer.text).toBe('');
      expect(answer.headers.get('etag')).toBe('W/"2"');
      const asked = await lp.scim.patch(`/Users/${id}${query({ attributes: 'title' })}`, patchOp({ op: 'replace', path: 'title', value: 'Head' }));
      expect(asked.status).toBe(200);
      expect(asked.body).toEqual({ schemas: [SCIM_SCHEMAS.user], id, title: 'Head' });
      expectError(await lp.scim.patch(`/Users/${id}`, patchOp({ op: 'remove' })), 400, 'noTarget');
      expectError(await lp.scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'nope', value: 1 })), 400, 'invalidPath');
      expectError(await lp.scim.patch('/Users/00000000-0000-0000-0000-000000000000', patchOp({ op: 'replace', value: { active: false } })), 404);
    });

    it('deletes a user: 204, then 404', async () => {
      const id = stringField(await create(user('delete.me@example.com')), 'id');
      const deleted = await lp.scim.delete(`/Users/${id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expectError(await lp.scim.get(`/Users/${id}`), 404);
      expectError(await lp.scim.delete(`/Users/${id}`), 404);
    });
  });

  describe('paging', () => {
    it('pages in the database: true totals, itemsPerPage as returned, stable order, clamped parameters', async () => {
      for (let i = 0; i < 7; i += 1) await create(user(`page.${i}@paging.example`));
      const filter = 'userName ew "@paging.example"';
      const page = async (params: Record<string, string | number>) => (await lp.scim.get(`/Users${query({ filter, ...params })}`)).body ?? {};

      expect(await page({ startIndex: 1, count: 3 })).toMatchObject({ totalResults: 7, itemsPerPage: 3, startIndex: 1 });
      expect(await page({ startIndex: 7, count: 3 })).toMatchObject({ totalResults: 7, itemsPerPage: 1, startIndex: 7 });
      expect(await page({ startIndex: 8, count: 3 })).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
      expect(await page({ startIndex: 0, count: 2 })).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
      expect(await page({ count: -1 })).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
      expect(await page({ count: 100000 })).toMatchObject({ totalResults: 7, itemsPerPage: 7 });

      const seen: unknown[] = [];
      for (let startIndex = 1; startIndex <= 7; startIndex += 2) {
        seen.push(...((await page({ startIndex, count: 2 })).Resources as JsonObject[]).map((r) => r.id));
      }
      expect(seen).toEqual(((await page({ count: 100 })).Resources as JsonObject[]).map((r) => r.id));
      expect(new Set(seen).size).toBe(7);

      const search = await lp.scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, startIndex: 2, count: 2, attributes: ['userName'] });
      expect(search.body).toMatchObject({ totalResults: 7, itemsPerPage: 2, startIndex: 2 });
      expect(Object.keys(resourcesOf(search)[0] ?? {}).sort()).toEqual(['id', 'schemas', 'userName']);
    });
  });

  describe('groups', () => {
    it('creates, filters, probes membership, patches (204) and shows membership on the user', async () => {
      const alice = stringField(await create(user('alice@groups.example')), 'id');
      const bob = stringField(await create(user('bob@groups.example')), 'id');
      const created = await lp.scim.post('/Groups', {
        schemas: [SCIM_SCHEMAS.group, SCIM_SCHEMAS.entraGroup],
        displayName: 'LP-Engineering',
        externalId: 'okta-grp-1',
        members: [{ value: alice, display: 'Alice' }],
      });
      expect(created.status, describeAnswer(created)).toBe(201);
      const id = stringField(created.body, 'id');
      expect(created.headers.get('location')).toBe(`${lp.root}/Groups/${id}`);
      expect(created.body).toMatchObject({ schemas: [SCIM_SCHEMAS.group], displayName: 'LP-Engineering', members: [{ value: alice, display: 'Alice', type: 'User' }] });

      expectError(await lp.scim.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: 'lp-engineering' }), 409, 'uniqueness');
      const byName = await lp.scim.get(`/Groups${query({ filter: 'displayName eq "lp-ENGINEERING"', excludedAttributes: 'members' })}`);
      expect(resourcesOf(byName).map((g) => g.id)).toEqual([id]);
      expect(resourcesOf(byName)[0]).not.toHaveProperty('members');

      const patched = await lp.scim.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: bob }] }));
      expect(patched.status, describeAnswer(patched)).toBe(204);
      const probe = (member: string) => lp.scim.get(`/Groups${query({ filter: `id eq "${id}" and members.value eq "${member}"`, excludedAttributes: 'members' })}`);
      expect((await probe(bob)).body?.totalResults).toBe(1);
      expect((await lp.scim.get(`/Users/${bob}`)).body?.groups).toEqual([{ value: id, display: 'LP-Engineering', $ref: `${lp.root}/Groups/${id}`, type: 'direct' }]);

      await lp.scim.patch(`/Groups/${id}`, patchOp({ op: 'remove', path: `members[value eq "${bob}"]` }));
      expect((await probe(bob)).body?.totalResults).toBe(0);
      expect((await lp.scim.get(`/Users/${bob}`)).body).not.toHaveProperty('groups');

      const excluded = await lp.scim.get(`/Groups/${id}${query({ excludedAttributes: 'members' })}`);
      expect(excluded.body).toMatchObject({ id, displayName: 'LP-Engineering' });
      expect(excluded.body).not.toHaveProperty('members');

      expect((await lp.scim.delete(`/Groups/${id}`)).status).toBe(204);
      expectError(await lp.scim.get(`/Groups/${id}`), 404);
    });
  });

  describe('errors', () => {
    it('answers unknown routes, wrong methods and unsupported endpoints with SCIM errors', async () => {
      expectError(await lp.scim.get('/Nothing/here'), 404);
      const wrongMethod = await lp.scim.request('DELETE', '/Users');
      expectError(wrongMethod, 405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
      expectError(await lp.scim.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
      expectError(await lp.scim.post('/Users', undefined, { raw: `{"userName":"${'x'.repeat(6 * 1024 * 1024)}"}` }), 413);
    });
  });
});
