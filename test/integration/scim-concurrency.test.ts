import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { describeAnswer, type JsonObject, patchOp, query, resourcesOf, SCIM_SCHEMAS, stringField } from '../support/scim-http.ts';
import { SCIM_TEST_CREDENTIALS, type ScimLpprov, startScimLpprov } from '../support/scim-lpprov.ts';

/**
 * Two lpprov replicas on one database, PATCHing one group from many clients at once: no member
 * is lost (versioned writes across replicas, a queue per resource within each). Then a restart:
 * everything SCIM stored is served again as it was.
 */
describe.each(ENGINES)('SCIM concurrency and persistence on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let first: ScimLpprov;
  let second: ScimLpprov;

  beforeAll(async () => {
    simulator = await startSimulator({ ...SCIM_TEST_CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    first = await startScimLpprov(testDb.databaseUrl, simulator, { logLevel: 'warn' });
    second = await startScimLpprov(testDb.databaseUrl, simulator, { logLevel: 'warn' });
  });
  afterAll(async () => {
    await first?.lpprov.stop();
    await second?.lpprov.stop();
    await simulator?.stop();
    await testDb?.dispose();
  });

  const createUsers = async (prefix: string, count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const answer = await first.scim.post('/Users', { schemas: [SCIM_SCHEMAS.user], userName: `${prefix}.${i}@race.example`, emails: [{ value: `${prefix}.${i}@race.example`, type: 'work' }] });
      expect(answer.status, describeAnswer(answer)).toBe(201);
      ids.push(stringField(answer.body, 'id'));
    }
    return ids;
  };

  const storedMembers = async (groupId: string): Promise<string[]> =>
    (await testDb.db.query<{ user_id: string }>('SELECT user_id FROM scim_group_members WHERE group_id = $1', [groupId])).map((r) => r.user_id).sort();

  it('loses no member when many clients PATCH one group through both replicas at once', async () => {
    const users = await createUsers('add', 24);
    const created = await first.scim.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: 'Race', members: [] });
    const groupId = stringField(created.body, 'id');

    const answers = await Promise.all(
      users.map((userId, i) => {
        const replica = i % 2 === 0 ? first : second;
        // Okta's and Entra's shapes, mixed.
        const body =
          i % 3 === 0
            ? patchOp({ op: 'replace', value: { id: groupId, displayName: 'Race' } }, { op: 'add', path: 'members', value: [{ value: userId, display: `u${i}` }] })
            : patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] });
        return replica.scim.patch(`/Groups/${groupId}`, body);
      }),
    );
    for (const answer of answers) expect(answer.status, describeAnswer(answer)).toBe(204);
    expect(await storedMembers(groupId)).toEqual([...users].sort());

    // Removals and additions racing each other: the result is exactly the difference.
    const more = await createUsers('more', 8);
    const leaving = users.slice(0, 12);
    const racing = await Promise.all([
      ...leaving.map((userId, i) => (i % 2 === 0 ? second : first).scim.patch(`/Groups/${groupId}`, patchOp({ op: 'remove', path: `members[value eq "${userId}"]` }))),
      ...more.map((userId, i) => (i % 2 === 0 ? first : second).scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: leaving[0] ?? '' }] }, { op: 'Add', path: 'members', value: [{ value: userId }] }))),
    ]);
    for (const answer of racing) expect(answer.status, describeAnswer(answer)).toBe(204);
    expect(await storedMembers(groupId)).toEqual([...users.slice(12), ...more].sort());
    const served = await second.scim.get(`/Groups/${groupId}`);
    expect(((served.body?.members ?? []) as JsonObject[]).map((m) => m.value).sort()).toEqual([...users.slice(12), ...more].sort());
  });

  it('serves what it stored after a restart on the same database', async () => {
    const [userId = ''] = await createUsers('restart', 1);
    await first.scim.patch(`/Users/${userId}`, patchOp({ op: 'replace', value: { active: false, title: 'Persisted' } }));
    const group = await first.scim.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: 'Survivors', members: [{ value: userId, display: 'kept' }] });
    const groupId = stringField(group.body, 'id');
    const before = {
      user: (await first.scim.get(`/Users/${userId}`)).body,
      group: (await first.scim.get(`/Groups/${groupId}`)).body,
      users: resourcesOf(await first.scim.get(`/Users${query({ count: 200 })}`)).map((u) => u.id),
    };

    await first.lpprov.stop();
    await second.lpprov.stop();
    first = await startScimLpprov(testDb.databaseUrl, simulator, { logLevel: 'warn' });
    second = await startScimLpprov(testDb.databaseUrl, simulator, { logLevel: 'warn' });

    // The representation is the same, apart from URLs naming the new listener's port.
    const relocate = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(/http:\/\/127\.0\.0\.1:\d+\/scim\/v2/g, 'ROOT')) as unknown;
    const after = {
      user: (await first.scim.get(`/Users/${userId}`)).body,
      group: (await second.scim.get(`/Groups/${groupId}`)).body,
      users: resourcesOf(await first.scim.get(`/Users${query({ count: 200 })}`)).map((u) => u.id),
    };
    expect(after.user).toMatchObject({ active: false, title: 'Persisted' });
    expect(after.group).toMatchObject({ displayName: 'Survivors', members: [{ value: userId, display: 'kept' }] });
    expect(relocate(after)).toEqual(relocate(before));
  });
});
