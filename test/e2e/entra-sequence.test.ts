import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENGINES } from '../support/databases.ts';
import { expectCreated, expectListResponse, expectPatched, expectScimError, expectStatus, memberIds } from '../support/scim-expect.ts';
import { describeAnswer, type JsonObject, patchOp, query, SCIM_SCHEMAS, stringField } from '../support/scim-http.ts';
import { effectLines, IDP_POLICY, ScimRig } from '../support/scim-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;

interface EntraPerson {
  readonly userName: string;
  readonly given: string;
  readonly family: string;
  /** Entra's object id, sent as externalId. */
  readonly objectId: string;
  readonly employeeNumber: string;
}

const DANA: EntraPerson = {
  userName: 'dana.diaz@contoso.example',
  given: 'Dana',
  family: 'Diaz',
  objectId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  employeeNumber: '701984',
};
const ERIN: EntraPerson = {
  userName: 'erin.evans@contoso.example',
  given: 'Erin',
  family: 'Evans',
  objectId: '5e8f7a10-3c2b-4d1e-9f0a-2b3c4d5e6f70',
  employeeNumber: '701985',
};

/**
 * POST /Users as Entra sends it (use-scim-to-provision-users-and-groups.md, "Create User"): core and
 * enterprise schemas, `meta.resourceType`, `roles: []`, the object id as externalId.
 */
function entraCreateBody(person: EntraPerson, active: boolean | string = true): JsonObject {
  return {
    schemas: [SCIM_SCHEMAS.user, ENTERPRISE],
    externalId: person.objectId,
    userName: person.userName,
    active,
    emails: [{ primary: true, type: 'work', value: person.userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${person.given} ${person.family}`, familyName: person.family, givenName: person.given },
    roles: [],
    [ENTERPRISE]: { employeeNumber: person.employeeNumber, department: 'Sales' },
  };
}

const byFilter = (collection: 'Users' | 'Groups', filter: string, extra: Record<string, string> = {}): string =>
  `/${collection}${query({ ...extra, filter })}`;

/**
 * Microsoft Entra ID's documented request catalogue and quirks (docs/reference/scim-idp-behaviour.md
 * §3.1–3.2), replayed in order against lpprov in-process, in both PATCH dialects (the default one
 * with capitalised ops and "False" strings, and the aadOptscim062020 one with path-less replaces
 * and value-filter member removal). Each step checks the SCIM answer and the LastPass commands.
 */
describe.each(ENGINES)('Microsoft Entra ID provisioning sequence on %s', (engine) => {
  let rig: ScimRig;
  const ids = new Map<EntraPerson, string>();
  let groupId = '';
  const id = (person: EntraPerson): string => ids.get(person) ?? '(not created)';

  async function sentBy(step: () => Promise<void>): Promise<string[]> {
    const mark = await rig.mark();
    await step();
    return effectLines(await rig.sentSince(mark));
  }

  beforeAll(async () => {
    rig = await ScimRig.start({ engine, policy: IDP_POLICY, client: { contentType: 'application/scim+json' } });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('connection test: a random user and a random group are answered with empty ListResponses', async () => {
    expectListResponse(await rig.scim.get(byFilter('Users', `userName eq "${randomUUID()}"`)), 0);
    expectListResponse(await rig.scim.get(byFilter('Groups', `displayName eq "${randomUUID()}"`, { excludedAttributes: 'members' })), 0);
  });

  it('create: the match query finds nobody, POST with the enterprise extension, meta and roles creates the user', async () => {
    let user: JsonObject = {};
    const sent = await sentBy(async () => {
      expectListResponse(await rig.scim.get(byFilter('Users', `userName eq "${DANA.userName}"`)), 0);
      user = expectCreated(await rig.scim.post('/Users', entraCreateBody(DANA)), 'Users');
      ids.set(DANA, stringField(user, 'id'));
    });
    expect(user.userName).toBe(DANA.userName);
    expect(user.active).toBe(true);
    expect(user.schemas).toContain(ENTERPRISE);
    expect((user[ENTERPRISE] as JsonObject | undefined)?.employeeNumber).toBe(DANA.employeeNumber);
    expect(sent).toEqual([`batchadd ${DANA.userName} "Dana Diaz" groups=[]`]);
  });

  it('create with the boolean sent as the string "True" gives an active user', async () => {
    let user: JsonObject = {};
    const sent = await sentBy(async () => {
      user = expectCreated(await rig.scim.post('/Users', entraCreateBody(ERIN, 'True')), 'Users');
      ids.set(ERIN, stringField(user, 'id'));
    });
    expect(user.active, describeAnswer(await rig.scim.get(`/Users/${id(ERIN)}`))).toBe(true);
    expect(sent).toEqual([`batchadd ${ERIN.userName} "Erin Evans" groups=[]`]);
  });

  it('matching: userName, externalId, the work email and an `and` of two each find the user', async () => {
    for (const filter of [
      `userName eq "${DANA.userName}"`,
      `externalId eq "${DANA.objectId}"`,
      `emails[type eq "work"].value eq "${DANA.userName}"`,
      `userName eq "${DANA.userName}" and externalId eq "${DANA.objectId}"`,
    ]) {
      const [found] = expectListResponse(await rig.scim.get(byFilter('Users', filter)), 1);
      expect(found?.id, filter).toBe(id(DANA));
    }
    expectListResponse(await rig.scim.get(byFilter('Users', `userName eq "${DANA.userName}" and externalId eq "${ERIN.objectId}"`)), 0);
  });

  it('update (default dialect): capitalised Replace ops on name.familyName and name.formatted rename the account', async () => {
    let patched: JsonObject | undefined;
    const sent = await sentBy(async () => {
      patched = expectPatched(
        await rig.scim.patch(
          `/Users/${id(DANA)}`,
          patchOp(
            { op: 'Replace', path: 'name.familyName', value: 'Ruiz' },
            { op: 'Replace', path: 'name.formatted', value: 'Dana Ruiz' },
          ),
        ),
      );
    });
    if (patched !== undefined) expect((patched.name as JsonObject | undefined)?.familyName).toBe('Ruiz');
    expect(sent).toEqual([`updateuser ${DANA.userName} "Dana Ruiz"`]);
  });

  it('update (aadOptscim062020 dialect): a path-less replace with dotted and URN keys', async () => {
    const sent = await sentBy(async () => {
      expectPatched(
        await rig.scim.patch(
          `/Users/${id(DANA)}`,
          patchOp({
            op: 'replace',
            value: {
              'name.givenName': 'Danielle',
              'name.formatted': 'Danielle Ruiz',
              [`${ENTERPRISE}:employeeNumber`]: '701990',
              [`${ENTERPRISE}:department`]: 'Marketing',
            },
          }),
        ),
      );
    });
    const read = await rig.scim.get(`/Users/${id(DANA)}`);
    expectStatus(read, 200);
    expect((read.body?.name as JsonObject | undefined)?.givenName, describeAnswer(read)).toBe('Danielle');
    expect(read.body?.[ENTERPRISE], describeAnswer(read)).toMatchObject({ employeeNumber: '701990', department: 'Marketing' });
    expect(sent).toEqual([`updateuser ${DANA.userName} "Danielle Ruiz"`]);
  });

  it('manager sent as a bare string id is stored as manager.value and sends nothing', async () => {
    const sent = await sentBy(async () => {
      expectPatched(await rig.scim.patch(`/Users/${id(DANA)}`, patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: id(ERIN) })));
    });
    const read = await rig.scim.get(`/Users/${id(DANA)}`);
    expect(((read.body?.[ENTERPRISE] as JsonObject | undefined)?.manager as JsonObject | undefined)?.value, describeAnswer(read)).toBe(id(ERIN));
    expect(sent).toEqual([]);
  });

  it('create group: POST with the extra Microsoft schema URN and meta, no members; nothing is sent', async () => {
    const sent = await sentBy(async () => {
      const group = expectCreated(
        await rig.scim.post('/Groups', {
          schemas: [SCIM_SCHEMAS.group, SCIM_SCHEMAS.entraGroup],
          externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
          displayName: 'LP-Sales',
          meta: { resourceType: 'Group' },
        }),
        'Groups',
      );
      expect(group.displayName).toBe('LP-Sales');
      groupId = stringField(group, 'id');
    });
    expect(sent).toEqual([]);
  });

  it('group reads with excludedAttributes=members: by id and by displayName, without members', async () => {
    const byId = await rig.scim.get(`/Groups/${groupId}${query({ excludedAttributes: 'members' })}`);
    expectStatus(byId, 200);
    expect(byId.body?.id).toBe(groupId);
    expect(byId.body, describeAnswer(byId)).not.toHaveProperty('members');
    const [found] = expectListResponse(await rig.scim.get(byFilter('Groups', 'displayName eq "LP-Sales"', { excludedAttributes: 'members' })), 1);
    expect(found?.id).toBe(groupId);
    expect(found).not.toHaveProperty('members');
  });

  it('add members (default dialect, "$ref": null) answers 204 and puts the member in the LastPass group', async () => {
    const sent = await sentBy(async () => {
      const answer = await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: id(DANA) }] }));
      expectStatus(answer, 204);
    });
    expect(sent).toEqual([`batchchangegrp ${DANA.userName} +LP-Sales`]);
  });

  it('membership probe: id eq and members.value eq finds a member and not a non-member', async () => {
    const probe = (user: string): string =>
      byFilter('Groups', `id eq "${groupId}" and members.value eq "${user}"`, { excludedAttributes: 'members' });
    expectListResponse(await rig.scim.get(probe(id(DANA))), 1);
    expectListResponse(await rig.scim.get(probe(id(ERIN))), 0);
  });

  it('add members (aadOptscim062020 dialect, lower-case op) answers 204', async () => {
    const sent = await sentBy(async () => {
      expectStatus(await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'add', path: 'members', value: [{ value: id(ERIN) }] })), 204);
    });
    expect(sent).toEqual([`batchchangegrp ${ERIN.userName} +LP-Sales`]);
    const group = await rig.scim.get(`/Groups/${groupId}`);
    expect(memberIds(group.body), describeAnswer(group)).toEqual([id(DANA), id(ERIN)].sort());
  });

  it('rename: Replace displayName answers 204 and moves every member to the renamed LastPass group', async () => {
    const sent = await sentBy(async () => {
      expectStatus(await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Replace', path: 'displayName', value: 'LP-Sales-EMEA' })), 204);
    });
    expect(sent).toEqual([`batchchangegrp ${DANA.userName} +LP-Sales-EMEA -LP-Sales`, `batchchangegrp ${ERIN.userName} +LP-Sales-EMEA -LP-Sales`]);
  });

  it('remove members (default dialect: a value array with "$ref": null) answers 204', async () => {
    const sent = await sentBy(async () => {
      const answer = await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: id(DANA) }] }));
      expectStatus(answer, 204);
    });
    expect(sent).toEqual([`batchchangegrp ${DANA.userName} -LP-Sales-EMEA`]);
  });

  it('remove members (aadOptscim062020 dialect: a value filter in the path) answers 204', async () => {
    const sent = await sentBy(async () => {
      expectStatus(await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'remove', path: `members[value eq "${id(ERIN)}"]` })), 204);
    });
    expect(sent).toEqual([`batchchangegrp ${ERIN.userName} -LP-Sales-EMEA`]);
    const group = await rig.scim.get(`/Groups/${groupId}`);
    expect(memberIds(group.body), describeAnswer(group)).toEqual([]);
  });

  it('delete group: 204, its members leave the LastPass group, and it is gone', async () => {
    const sent = await sentBy(async () => {
      expectStatus(await rig.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: id(DANA) }] })), 204);
      expectStatus(await rig.scim.delete(`/Groups/${groupId}`), 204);
    });
    // The add and the removal may be sent separately or cancel out before dispatch; either way
    // Dana must end outside the group.
    expect(sent.every((line) => line.startsWith(`batchchangegrp ${DANA.userName} `)), sent.join('\n')).toBe(true);
    expect(await rig.account(DANA.userName)).toMatchObject({ groups: [] });
    expectScimError(await rig.scim.get(`/Groups/${groupId}`), 404);
  });

  it('soft delete: Replace active "False" disables the account; the user is still returned', async () => {
    const sent = await sentBy(async () => {
      const patched = expectPatched(await rig.scim.patch(`/Users/${id(DANA)}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })));
      if (patched !== undefined) expect(patched.active).toBe(false);
    });
    expect(sent).toEqual([`disableuser ${DANA.userName}`]);
    const read = await rig.scim.get(`/Users/${id(DANA)}`);
    expectStatus(read, 200);
    expect(read.body?.active).toBe(false);
    expectListResponse(await rig.scim.get(byFilter('Users', `userName eq "${DANA.userName}"`)), 1);
  });

  it('restore: a soft-deleted user set back to "True" is re-enabled', async () => {
    const disabled = await sentBy(async () => {
      expectPatched(await rig.scim.patch(`/Users/${id(ERIN)}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })));
    });
    expect(disabled).toEqual([`disableuser ${ERIN.userName}`]);
    const enabled = await sentBy(async () => {
      expectPatched(await rig.scim.patch(`/Users/${id(ERIN)}`, patchOp({ op: 'Replace', path: 'active', value: 'True' })));
    });
    expect(enabled).toEqual([`enableuser ${ERIN.userName}`]);
    expect(await rig.account(ERIN.userName)).toMatchObject({ disabled: false });
  });

  it('hard delete after the soft delete: DELETE answers 204 and the user is gone; the disabled account is kept (after_grace: never)', async () => {
    const sent = await sentBy(async () => {
      const answer = await rig.scim.delete(`/Users/${id(DANA)}`);
      expectStatus(answer, 204);
      expect(answer.text).toBe('');
    });
    expectScimError(await rig.scim.get(`/Users/${id(DANA)}`), 404);
    expectListResponse(await rig.scim.get(byFilter('Users', `userName eq "${DANA.userName}"`)), 0);
    expect(sent).toEqual([]);
    expect(await rig.account(DANA.userName)).toMatchObject({ disabled: true, deleted: false });
  });

  it('re-created after the hard delete: a new user with the same email takes the disabled account back, no second invitation', async () => {
    const sent = await sentBy(async () => {
      const created = await rig.scim.post('/Users', entraCreateBody({ ...DANA, objectId: '9b1d6e0c-5f3a-4c2b-8e7d-1a2b3c4d5e6f' }));
      expectStatus(created, 201);
    });
    // The account was renamed by the update steps above, so the re-created user's name is set again.
    expect(sent).toEqual([`enableuser ${DANA.userName}`, `updateuser ${DANA.userName} "Dana Diaz"`]);
    expect(await rig.account(DANA.userName)).toMatchObject({ disabled: false, deleted: false });
  });

  it('work email change: Replace emails[type eq "work"].value asks LastPass to change the login email', async () => {
    const next = 'erin.evans-lee@contoso.example';
    // LastPass changes the login email of an account only once its owner has accepted the invitation.
    expect((await fetch(`${rig.simulator.url}/_simulator/users/accept`, { method: 'POST', body: JSON.stringify({ username: ERIN.userName }) })).status).toBe(200);
    const sent = await sentBy(async () => {
      expectPatched(await rig.scim.patch(`/Users/${id(ERIN)}`, patchOp({ op: 'Replace', path: 'emails[type eq "work"].value', value: next })));
    });
    const read = await rig.scim.get(`/Users/${id(ERIN)}`);
    const emails = (read.body?.emails ?? []) as JsonObject[];
    expect(emails.filter((e) => e.type === 'work').map((e) => e.value), describeAnswer(read)).toEqual([next]);
    expect(sent).toEqual([`updateemail ${ERIN.userName} -> ${next}`]);
    // Pending until Erin confirms from the new address (LastPass's own flow).
    expect(await rig.account(ERIN.userName)).toMatchObject({ pendingEmail: next });
  });

  it('ends with no failed command', async () => {
    expect(await rig.deadCommands()).toEqual([]);
  });
});

/**
 * Entra's soft delete followed by its hard delete (DELETE /Users about 30 days later), under a
 * policy with a short grace period: the soft delete disables at once and schedules the deletion;
 * the DELETE in between is answered but neither disables again nor brings the deletion forward
 * (the policy's grace decides, as docs/configuration.md says for leavers).
 */
describe.each(ENGINES)('Entra soft delete then DELETE with a 4 s grace on %s', (engine) => {
  const GRACE_POLICY = `
defaults:
  leaver: { on_effective: deactivate, on_immediate: deactivate, after_grace: { after: PT4S, action: delete } }
authority: { lifecycle: idp, groups: idp }
`;
  let rig: ScimRig;

  beforeAll(async () => {
    rig = await ScimRig.start({ engine, policy: GRACE_POLICY, client: { contentType: 'application/scim+json' } });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('disables at the soft delete and deletes the account when the grace period ends', async () => {
    const user = expectCreated(await rig.scim.post('/Users', entraCreateBody(DANA)), 'Users');
    const userId = stringField(user, 'id');
    await rig.settle();

    const softDeleted = await rig.mark();
    expectPatched(await rig.scim.patch(`/Users/${userId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })));
    // The deletion is scheduled a grace period after the disable, so only the disable is due now.
    expect(effectLines(await rig.sentSince(softDeleted))).toEqual([`disableuser ${DANA.userName}`]);
    expect(await rig.account(DANA.userName)).toMatchObject({ disabled: true, deleted: false });

    const hardDeleted = await rig.mark();
    expectStatus(await rig.scim.delete(`/Users/${userId}`), 204);
    expect(effectLines(await rig.sentSince(hardDeleted))).toEqual([]);
    expectScimError(await rig.scim.get(`/Users/${userId}`), 404);

    await waitFor(async () => (await rig.account(DANA.userName))?.deleted === true, {
      description: `${DANA.userName} to be deleted at the end of the grace period`,
    });
    expect(effectLines(await rig.sentSince(hardDeleted))).toEqual([`deluser ${DANA.userName} 2`]);
    expect(await rig.deadCommands()).toEqual([]);
  });
});
