import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENGINES } from '../support/databases.ts';
import {
  expectCreated,
  expectListResponse,
  expectPatched,
  expectScimError,
  expectStatus,
  groupIdsOfUser,
  memberIds,
} from '../support/scim-expect.ts';
import { describeAnswer, type JsonObject, patchOp, query, SCIM_SCHEMAS, stringField } from '../support/scim-http.ts';
import { effectLines, IDP_POLICY, ScimRig } from '../support/scim-rig.ts';

/** Okta's provisioning client (scim-idp-behaviour.md §2.1). */
const OKTA_CLIENT = { contentType: 'application/scim+json; charset=utf-8', userAgent: 'Okta SCIM Client 1.0.0' };

interface OktaPerson {
  readonly userName: string;
  readonly given: string;
  readonly family: string;
  /** Okta's own user id, sent as externalId. */
  readonly oktaId: string;
}

const ALICE: OktaPerson = { userName: 'alice.anders@acme.example', given: 'Alice', family: 'Anders', oktaId: '00ujl29u0le5T6Aj10h7' };
const BOB: OktaPerson = { userName: 'bob.baker@acme.example', given: 'Bob', family: 'Baker', oktaId: '00ujl29u0le5T6Aj10h8' };
const CAROL: OktaPerson = { userName: 'carol.chen@acme.example', given: 'Carol', family: 'Chen', oktaId: '00ujl29u0le5T6Aj10h9' };

/** POST /Users exactly as Okta sends it: core schema only, a password, `groups: []`. */
function oktaCreateBody(person: OktaPerson): JsonObject {
  return {
    schemas: [SCIM_SCHEMAS.user],
    userName: person.userName,
    name: { givenName: person.given, familyName: person.family },
    emails: [{ primary: true, value: person.userName, type: 'work' }],
    displayName: `${person.given} ${person.family}`,
    locale: 'en-US',
    externalId: person.oktaId,
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

/** Okta's existence check before it creates anyone. */
const existenceCheck = (userName: string): string => `/Users${query({ filter: `userName eq "${userName}"`, startIndex: 1, count: 100 })}`;

/**
 * Okta's documented request sequence (docs/reference/scim-idp-behaviour.md §2.1, from Okta's
 * SCIM 2.0 guide), replayed in order against lpprov in-process: each step checks the SCIM answer
 * and the LastPass commands the step made lpprov send to the simulator.
 */
describe.each(ENGINES)('Okta provisioning sequence on %s', (engine) => {
  let rig: ScimRig;
  const ids = new Map<OktaPerson, string>();
  let groupId = '';
  const id = (person: OktaPerson): string => ids.get(person) ?? '(not created)';

  /** What one step sent to LastPass, as readable lines. */
  async function sentBy(step: () => Promise<void>): Promise<string[]> {
    const mark = await rig.mark();
    await step();
    return effectLines(await rig.sentSince(mark));
  }

  async function create(person: OktaPerson): Promise<JsonObject> {
    const check = await rig.scim.get(existenceCheck(person.userName));
    expectListResponse(check, 0);
    const answer = await rig.scim.post('/Users', oktaCreateBody(person));
    const user = expectCreated(answer, 'Users');
    ids.set(person, stringField(user, 'id'));
    return user;
  }

  beforeAll(async () => {
    rig = await ScimRig.start({ engine, policy: IDP_POLICY, client: OKTA_CLIENT });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('assign: the existence check finds nobody, POST /Users creates the user, LastPass gets batchadd', async () => {
    let user: JsonObject = {};
    const sent = await sentBy(async () => {
      user = await create(ALICE);
    });
    expect(user.userName).toBe(ALICE.userName);
    expect(user.active).toBe(true);
    expect(user.externalId).toBe(ALICE.oktaId);
    expect(user.schemas).toContain(SCIM_SCHEMAS.user);
    expect(user, 'the password is never returned (returned: never)').not.toHaveProperty('password');
    expect(sent).toEqual([`batchadd ${ALICE.userName} "Alice Anders" groups=[]`]);
    expect(await rig.account(ALICE.userName)).toMatchObject({ status: 'invited', disabled: false });

    const [found] = expectListResponse(await rig.scim.get(existenceCheck(ALICE.userName)), 1);
    expect(found?.id).toBe(id(ALICE));
  });

  it('assigning the same person again is refused with 409 uniqueness and sends nothing', async () => {
    const sent = await sentBy(async () => {
      expectScimError(await rig.scim.post('/Users', oktaCreateBody(ALICE)), 409, 'uniqueness');
    });
    expect(sent).toEqual([]);
  });

  it('profile update: GET, then a PUT of the whole user without `active`, renames in LastPass and keeps the account enabled', async () => {
    const current = await rig.scim.get(`/Users/${id(ALICE)}`);
    expectStatus(current, 200);
    let updated: JsonObject | undefined;
    const sent = await sentBy(async () => {
      // Okta's PUT carries the full profile; `active` left out must not read as a deactivation.
      const { active: _active, ...withoutActive } = oktaCreateBody(ALICE);
      const answer = await rig.scim.put(`/Users/${id(ALICE)}`, {
        ...withoutActive,
        id: id(ALICE),
        name: { givenName: 'Alicia', familyName: ALICE.family },
        displayName: 'Alicia Anders',
      });
      expectStatus(answer, 200);
      updated = answer.body;
    });
    expect(updated?.active, 'a PUT without active keeps the user active').toBe(true);
    expect((updated?.name as JsonObject | undefined)?.givenName).toBe('Alicia');
    expect(sent).toEqual([`updateuser ${ALICE.userName} "Alicia Anders"`]);
  });

  it('deactivate: a path-less PATCH replace {active:false} disables the account; the user stays readable', async () => {
    const sent = await sentBy(async () => {
      const patched = expectPatched(await rig.scim.patch(`/Users/${id(ALICE)}`, patchOp({ op: 'replace', value: { active: false } })));
      if (patched !== undefined) expect(patched.active).toBe(false);
    });
    expect(sent).toEqual([`disableuser ${ALICE.userName}`]);
    expect(await rig.account(ALICE.userName)).toMatchObject({ disabled: true, deleted: false });

    const read = await rig.scim.get(`/Users/${id(ALICE)}`);
    expectStatus(read, 200);
    expect(read.body?.active).toBe(false);
    expectListResponse(await rig.scim.get(existenceCheck(ALICE.userName)), 1);
  });

  it('the same deactivation again (an Okta retry) changes nothing', async () => {
    const sent = await sentBy(async () => {
      expectPatched(await rig.scim.patch(`/Users/${id(ALICE)}`, patchOp({ op: 'replace', value: { active: false } })));
    });
    expect(sent).toEqual([]);
  });

  it('reactivate: PATCH replace {active:true} re-enables the account', async () => {
    const sent = await sentBy(async () => {
      const patched = expectPatched(await rig.scim.patch(`/Users/${id(ALICE)}`, patchOp({ op: 'replace', value: { active: true } })));
      if (patched !== undefined) expect(patched.active).toBe(true);
    });
    expect(sent).toEqual([`enableuser ${ALICE.userName}`]);
    expect(await rig.account(ALICE.userName)).toMatchObject({ disabled: false });
  });

  it('import: GET /Users?startIndex=1&count=100 and smaller pages give integer counts and a stable order', async () => {
    const sent = await sentBy(async () => {
      await create(BOB);
      await create(CAROL);
    });
    expect(sent).toEqual([`batchadd ${BOB.userName} "Bob Baker" groups=[]`, `batchadd ${CAROL.userName} "Carol Chen" groups=[]`]);

    const all = expectListResponse(await rig.scim.get('/Users?startIndex=1&count=100'), 3).map((u) => u.id);
    expect([...all].sort()).toEqual([id(ALICE), id(BOB), id(CAROL)].sort());
    const first = expectListResponse(await rig.scim.get('/Users?startIndex=1&count=2'), 3, 2);
    const second = expectListResponse(await rig.scim.get('/Users?startIndex=3&count=2'), 3, 1);
    expect([...first, ...second].map((u) => u.id)).toEqual(all);
  });

  it('group push: POST /Groups with no members creates the group and sends nothing', async () => {
    const sent = await sentBy(async () => {
      const group = expectCreated(
        await rig.scim.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: 'LP-Engineering', members: [] }),
        'Groups',
      );
      expect(group.displayName).toBe('LP-Engineering');
      expect(memberIds(group)).toEqual([]);
      groupId = stringField(group, 'id');
    });
    expect(sent).toEqual([]);
    expectListResponse(await rig.scim.get('/Groups?startIndex=1&count=100'), 1);
  });

  it('membership: PATCH add members puts each member in the LastPass group', async () => {
    const sent = await sentBy(async () => {
      // Okta repeats the group's name (and id) before every membership update.
      expectPatched(await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', value: { id: groupId, displayName: 'LP-Engineering' } })));
      expectPatched(
        await rig.scim.patch(
          `/Groups/${groupId}`,
          patchOp({
            op: 'add',
            path: 'members',
            value: [
              { value: id(ALICE), display: ALICE.userName },
              { value: id(BOB), display: BOB.userName },
            ],
          }),
        ),
      );
    });
    expect(sent).toEqual([`batchchangegrp ${ALICE.userName} +LP-Engineering`, `batchchangegrp ${BOB.userName} +LP-Engineering`]);
    const alice = await rig.scim.get(`/Users/${id(ALICE)}`);
    expect(groupIdsOfUser(alice.body), describeAnswer(alice)).toEqual([groupId]);
  });

  it('one PATCH that removes one member and adds another moves only those two', async () => {
    const sent = await sentBy(async () => {
      expectPatched(await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', value: { id: groupId, displayName: 'LP-Engineering' } })));
      expectPatched(
        await rig.scim.patch(
          `/Groups/${groupId}`,
          patchOp(
            { op: 'remove', path: `members[value eq "${id(BOB)}"]` },
            { op: 'add', path: 'members', value: [{ value: id(CAROL), display: CAROL.userName }] },
          ),
        ),
      );
    });
    expect(sent).toEqual([`batchchangegrp ${BOB.userName} -LP-Engineering`, `batchchangegrp ${CAROL.userName} +LP-Engineering`]);
    const group = await rig.scim.get(`/Groups/${groupId}`);
    expectStatus(group, 200);
    expect(memberIds(group.body)).toEqual([id(ALICE), id(CAROL)].sort());
    expect(await rig.account(BOB.userName)).toMatchObject({ groups: [] });
  });

  it('rename: every member moves from the old LastPass group to the new one', async () => {
    const sent = await sentBy(async () => {
      const patched = expectPatched(
        await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', value: { id: groupId, displayName: 'LP-Platform' } })),
      );
      if (patched !== undefined) expect(patched.displayName).toBe('LP-Platform');
    });
    expect(sent).toEqual([
      `batchchangegrp ${ALICE.userName} +LP-Platform -LP-Engineering`,
      `batchchangegrp ${CAROL.userName} +LP-Platform -LP-Engineering`,
    ]);
    expect(await rig.account(ALICE.userName)).toMatchObject({ groups: ['LP-Platform'] });
  });

  it('full push: PATCH replace members leaves exactly the pushed members in the group', async () => {
    const sent = await sentBy(async () => {
      expectPatched(
        await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', path: 'members', value: [{ value: id(BOB), display: BOB.userName }] })),
      );
    });
    expect(sent).toEqual([
      `batchchangegrp ${ALICE.userName} -LP-Platform`,
      `batchchangegrp ${BOB.userName} +LP-Platform`,
      `batchchangegrp ${CAROL.userName} -LP-Platform`,
    ]);
    const group = await rig.scim.get(`/Groups/${groupId}`);
    expect(memberIds(group.body), describeAnswer(group)).toEqual([id(BOB)]);
  });

  it('unlink with delete: DELETE /Groups/{id} answers 204, its members leave the LastPass group, the group is gone', async () => {
    const sent = await sentBy(async () => {
      const answer = await rig.scim.delete(`/Groups/${groupId}`);
      expectStatus(answer, 204);
      expect(answer.text).toBe('');
    });
    expect(sent).toEqual([`batchchangegrp ${BOB.userName} -LP-Platform`]);
    expectScimError(await rig.scim.get(`/Groups/${groupId}`), 404);
    const bob = await rig.scim.get(`/Users/${id(BOB)}`);
    expect(groupIdsOfUser(bob.body), describeAnswer(bob)).toEqual([]);
  });

  it('ends with no failed command and every account as Okta left it', async () => {
    expect(await rig.deadCommands()).toEqual([]);
    expect(await rig.account(ALICE.userName)).toMatchObject({ fullname: 'Alicia Anders', disabled: false, groups: [] });
    expect(await rig.account(BOB.userName)).toMatchObject({ disabled: false, groups: [] });
    expect(await rig.account(CAROL.userName)).toMatchObject({ disabled: false, groups: [] });
  });
});
