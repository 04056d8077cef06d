import { afterEach, describe, expect, it } from 'vitest';

import { ENGINES } from '../support/databases.ts';
import { patchOp, SCIM_SCHEMAS, stringField } from '../support/scim-http.ts';
import { ScimRig } from '../support/scim-rig.ts';

/**
 * An IdP administrator pushes groups to lpprov without writing a policy file (issue 12, case 5):
 * with no group rules, the groups pushed over SCIM are the LastPass groups, added and taken away
 * as the IdP says, and the start banner says so.
 */
describe.each(ENGINES)('SCIM group push on the default policy (%s)', (engine) => {
  let rig: ScimRig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('case 5: puts pushed groups in LastPass on the default policy and takes them away again', async () => {
    const r = (rig = await ScimRig.start({ engine }));
    expect(r.lpprov.groups).toEqual({ authority: 'idp', rules: 0 });
    const user = await r.scim.post('/Users', {
      schemas: [SCIM_SCHEMAS.user],
      userName: 'grace.hopper@example.com',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ value: 'grace.hopper@example.com', type: 'work', primary: true }],
      active: true,
    });
    expect(user.status).toBe(201);
    const userId = stringField(user.body ?? {}, 'id');
    const group = await r.scim.post('/Groups', { schemas: [SCIM_SCHEMAS.group], displayName: 'Engineering', members: [{ value: userId }] });
    expect(group.status).toBe(201);
    const groupId = stringField(group.body ?? {}, 'id');
    await r.settle();
    expect((await r.account('grace.hopper@example.com'))?.groups).toEqual(['Engineering']);

    const removed = await r.scim.patch(`/Groups/${groupId}`, patchOp({ op: 'remove', path: `members[value eq "${userId}"]` }));
    expect(removed.status).toBeLessThan(300);
    await r.settle();
    expect((await r.account('grace.hopper@example.com'))?.groups).toEqual([]);
    expect(await r.deadCommands()).toEqual([]);
  });
});
