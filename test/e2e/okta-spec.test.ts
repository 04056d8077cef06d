import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENGINES } from '../support/databases.ts';
import { describeAnswer, type JsonObject, query, resourcesOf, SCIM_SCHEMAS, stringField } from '../support/scim-http.ts';
import { IDP_POLICY, ScimRig } from '../support/scim-rig.ts';

/** What Okta's Runscope spec test sends with every request. */
const OKTA_SPEC_CLIENT = { contentType: 'application/scim+json; charset=utf-8', userAgent: 'OKTA SCIM Integration' };

/** Random values as the spec test's "Initial Script" makes them. */
const randomEmail = (): string => `okta.spec.${randomUUID().slice(0, 12)}@example.com`;
const randomName = (): string => `N${randomUUID().replaceAll('-', '').slice(0, 10)}`;

function object(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected ${what} to be an object, got ${JSON.stringify(value)}`);
  return value as JsonObject;
}

/** The user fields steps 1 and 2 require to be present and non-empty. */
function expectOktaUserFields(user: JsonObject): void {
  expect(user.id, 'id').toEqual(expect.any(String));
  expect(user.id).not.toBe('');
  const name = object(user.name, 'name');
  expect(name.familyName, 'name.familyName').toEqual(expect.any(String));
  expect(name.familyName).not.toBe('');
  expect(name.givenName, 'name.givenName').toEqual(expect.any(String));
  expect(name.givenName).not.toBe('');
  expect(user.userName, 'userName').toEqual(expect.any(String));
  expect(user.userName).not.toBe('');
  expect(user.active, 'active').toEqual(expect.any(Boolean));
  const emails = user.emails;
  expect(Array.isArray(emails) && emails.length > 0, 'emails is a non-empty array').toBe(true);
  expect(object((emails as unknown[])[0], 'emails[0]').value, 'emails[0].value').toEqual(expect.any(String));
}

/**
 * A port of Okta's "SCIM 2.0 SPEC Test" (Okta-SCIM-20-SPEC-Test.json, the 12 steps of
 * docs/reference/scim-idp-behaviour.md §2.3), in its order, against lpprov in-process. Like the
 * original, it needs one user on the server before it starts.
 */
describe.each(ENGINES)('Okta SCIM 2.0 spec test on %s', (engine) => {
  let rig: ScimRig;
  let firstUserId: string;
  const created = { userName: randomEmail(), email: randomEmail(), givenName: randomName(), familyName: randomName(), id: '' };
  const createBody = {
    schemas: [SCIM_SCHEMAS.user],
    userName: created.userName,
    name: { givenName: created.givenName, familyName: created.familyName },
    emails: [{ primary: true, value: created.email, type: 'work' }],
    displayName: `${created.givenName} ${created.familyName}`,
    active: true,
  };

  beforeAll(async () => {
    rig = await ScimRig.start({ engine, policy: IDP_POLICY, client: OKTA_SPEC_CLIENT });
    // The spec test's precondition: at least one user exists before the run.
    const existing = await rig.scim.post('/Users', {
      schemas: [SCIM_SCHEMAS.user],
      userName: 'existing.user@example.com',
      name: { givenName: 'Existing', familyName: 'User' },
      emails: [{ primary: true, value: 'existing.user@example.com', type: 'work' }],
      displayName: 'Existing User',
      active: true,
    });
    expect(existing.status, describeAnswer(existing)).toBe(201);
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('1. Test Users endpoint: GET /Users?count=1&startIndex=1 lists a user as a ListResponse', async () => {
    const answer = await rig.scim.get('/Users?count=1&startIndex=1');
    expect(answer.status, describeAnswer(answer)).toBe(200);
    const body = answer.body ?? {};
    expect(body.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.listResponse);
    expect(body.itemsPerPage, 'itemsPerPage is a number').toEqual(expect.any(Number));
    expect(body.startIndex, 'startIndex is a number').toEqual(expect.any(Number));
    expect(body.totalResults, 'totalResults is a number').toEqual(expect.any(Number));
    const resources = resourcesOf(answer);
    expect(resources.length, describeAnswer(answer)).toBeGreaterThan(0);
    const first = resources[0] ?? {};
    expectOktaUserFields(first);
    firstUserId = stringField(first, 'id');
  });

  it('2. Get Users/{{id}}: the first user by id, with the same id', async () => {
    const answer = await rig.scim.get(`/Users/${firstUserId}`);
    expect(answer.status, describeAnswer(answer)).toBe(200);
    const user = answer.body ?? {};
    expectOktaUserFields(user);
    expect(user.id).toBe(firstUserId);
  });

  it('3. Test invalid User by username: an unknown userName gives an empty ListResponse', async () => {
    const answer = await rig.scim.get(`/Users${query({ filter: `userName eq "${randomEmail()}"` })}`);
    expect(answer.status, describeAnswer(answer)).toBe(200);
    expect(answer.body?.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.listResponse);
    expect(answer.body?.totalResults, describeAnswer(answer)).toBe(0);
  });

  it('4. Test invalid User by ID: 404 with a detail and the Error schema', async () => {
    const answer = await rig.scim.get(`/Users/${randomUUID()}`);
    expect(answer.status, describeAnswer(answer)).toBe(404);
    expect(answer.body?.detail, describeAnswer(answer)).toEqual(expect.any(String));
    expect(answer.body?.detail).not.toBe('');
    expect(answer.body?.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.error);
  });

  it("5. Make sure random user doesn't exist: totalResults 0", async () => {
    const answer = await rig.scim.get(`/Users${query({ filter: `userName eq "${created.userName}"` })}`);
    expect(answer.status, describeAnswer(answer)).toBe(200);
    expect(answer.body?.totalResults, describeAnswer(answer)).toBe(0);
    expect(answer.body?.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.listResponse);
  });

  it('6. Create Okta user with realistic values: 201 with the same names and userName, active', async () => {
    const answer = await rig.scim.post('/Users', createBody);
    expect(answer.status, describeAnswer(answer)).toBe(201);
    const user = answer.body ?? {};
    expect(user.active, describeAnswer(answer)).toBe(true);
    expect(user.id, describeAnswer(answer)).toEqual(expect.any(String));
    expect(user.id).not.toBe('');
    const name = object(user.name, 'name');
    expect(name.familyName).toBe(created.familyName);
    expect(name.givenName).toBe(created.givenName);
    expect(user.schemas).toContain(SCIM_SCHEMAS.user);
    expect(user.userName).toBe(created.userName);
    created.id = stringField(user, 'id');
  });

  it('7. Verify that user was created: GET by id gives the same userName and names', async () => {
    const answer = await rig.scim.get(`/Users/${created.id}`);
    expect(answer.status, describeAnswer(answer)).toBe(200);
    expect(answer.body?.userName).toBe(created.userName);
    const name = object(answer.body?.name, 'name');
    expect(name.familyName).toBe(created.familyName);
    expect(name.givenName).toBe(created.givenName);
  });

  it('8. Expect failure when recreating user with same values: 409', async () => {
    const answer = await rig.scim.post('/Users', createBody);
    expect(answer.status, describeAnswer(answer)).toBe(409);
  });

  it('9. Username Case Sensitivity Check: the upper-cased userName finds the user (RFC 7643: caseExact false)', async () => {
    const answer = await rig.scim.get(`/Users${query({ filter: `userName eq "${created.userName.toUpperCase()}"` })}`);
    // The spec test itself asserts only the 200; returning the user is what RFC 7643 asks.
    expect(answer.status, describeAnswer(answer)).toBe(200);
    expect(answer.body?.totalResults, describeAnswer(answer)).toBe(1);
    expect(resourcesOf(answer).map((user) => user.id)).toEqual([created.id]);
  });

  it('10. (Optional) Verify Groups endpoint: GET /Groups answers 200 (response time reported, not asserted)', async () => {
    const answer = await rig.scim.get('/Groups');
    expect(answer.status, describeAnswer(answer)).toBe(200);
    // Okta's test wants ≤ 600 ms; tests here never assert wall time (docs/benchmarks.md), so it is reported.
    console.info(`Okta spec step 10 on ${engine}: GET /Groups answered in ${answer.ms.toFixed(1)} ms (Okta's bound: 600 ms)`);
  });

  it('11. Check status 401: a wrong token gives 401 with a detail, status "401" and the Error schema', async () => {
    const answer = await rig.scim.get('/Users?count=1&startIndex=1', { token: 'not-the-configured-token-00000000' });
    expect(answer.status, describeAnswer(answer)).toBe(401);
    expect(answer.body?.detail, describeAnswer(answer)).toEqual(expect.any(String));
    expect(answer.body?.detail).not.toBe('');
    expect(answer.body?.status, describeAnswer(answer)).toBe('401');
    expect(answer.body?.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.error);
  });

  it('12. Check status 404: an unknown id gives 404 with a detail, status "404" and the Error schema', async () => {
    const answer = await rig.scim.get(`/Users/does-not-exist-${randomUUID()}`);
    expect(answer.status, describeAnswer(answer)).toBe(404);
    expect(answer.body?.detail, describeAnswer(answer)).toEqual(expect.any(String));
    expect(answer.body?.detail).not.toBe('');
    expect(answer.body?.status, describeAnswer(answer)).toBe('404');
    expect(answer.body?.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.error);
  });
});
