import { afterEach, describe, expect, it } from 'vitest';

import { parsePolicy } from '../../src/config/policy-file.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { ENGINES } from '../support/databases.ts';
import { LifecycleRig } from '../support/lifecycle-rig.ts';

const DAY = 86_400_000;
const policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  group_rules: [
    { when: { always: true }, groups: ['hr-all'] },
    { when: { path: 'worker.org.department', equals: 'Sales' }, groups: ['hr-sales'] },
  ],
  defaults: { leaver: { after_grace: { after: 'P30D', action: 'delete' } } },
});

/**
 * The account follows the person through email changes: commands planned under the old address
 * reach the account under the new one once the user has confirmed, and a leaver is disabled
 * wherever the account is (issue 12, case 1).
 */
describe.each(ENGINES)('account identity on %s', (engine) => {
  let rig: LifecycleRig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  const personId = 'P-ID-1';
  const old = 'ada.old@acme.example';
  const fresh = 'ada.new@acme.example';
  let sequence = 0;
  const event = (type: string, overrides: Parameters<typeof hrEvent>[0] = {}) =>
    hrEvent({ personId, type: `io.lpprov.hr.worker.${type}.v1`, email: old, sequence: ++sequence, time: new Date(rig?.clock.now() ?? 0).toISOString(), ...overrides });

  async function confirmedEmailChange(r: LifecycleRig): Promise<void> {
    await r.hr(event('joined'));
    await r.drain();
    await r.control('users/accept', { username: old });
    await r.hr(event('attributes_changed', { email: fresh }));
    await r.drain();
    expect((await r.user(old))?.pendingEmail).toBe(fresh);
    await r.control('users/confirm-email', { username: old });
    expect(await r.user(fresh)).toBeDefined();
  }

  it('case 1: disables a leaver under the confirmed new address instead of dead-lettering the old one', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await confirmedEmailChange(r);
    await r.hr(event('left', { email: fresh, phase: 'immediate' }));
    await r.drain();
    expect(await r.user(fresh)).toMatchObject({ disabled: true });
    expect(await r.commands('dead')).toEqual([]);
    const disable = (await r.commands()).find((c) => c.kind === 'disable_user');
    expect(disable).toMatchObject({ status: 'done', command: { kind: 'disable_user', username: fresh } });
    // The grace period's delete, planned under the old name, follows the account too.
    await r.advance(31 * DAY);
    expect(await r.user(fresh)).toBeUndefined();
    expect((await r.users()).find((u) => u.username === fresh)).toMatchObject({ deleted: true });
    expect(await r.commands('dead')).toEqual([]);
  });

  it('sends a move planned before the confirmation to the account under its new address', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await confirmedEmailChange(r);
    await r.hr(event('moved', { email: fresh, department: 'Sales' }));
    await r.drain();
    expect((await r.user(fresh))?.groups).toEqual(['hr-all', 'hr-sales']);
    expect(await r.commands('dead')).toEqual([]);
  });

  it('counts a leave as done when LastPass has no account under any address of the person', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event('joined'));
    await r.drain();
    // An administrator deleted the account in the console.
    await r.control('users/update', { username: old, disabled: true });
    const deleted = await fetch(r.simulator.endpoint, {
      method: 'POST',
      body: JSON.stringify({ cid: '8771312', provhash: 'lifecycle-rig-provhash-4be07a', cmd: 'deluser', data: { username: old, deleteaction: 2 } }),
    });
    expect(await deleted.text()).toContain('OK');
    await r.hr(event('left', { phase: 'immediate', revokeNow: true }));
    await r.drain();
    expect(await r.commands('dead')).toEqual([]);
    const [disable] = (await r.commands()).filter((c) => c.kind === 'disable_user');
    expect(disable?.status).toBe('done');
  });

  it('case 3: withdraws a never-accepted invitation and invites the new address, carrying the groups', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event('joined', { department: 'Sales' }));
    await r.drain();
    await r.hr(event('attributes_changed', { email: fresh, department: 'Sales' }));
    await r.drain();
    expect(await r.user(old)).toBeUndefined();
    expect((await r.users()).find((u) => u.username === old)).toMatchObject({ uninvited: true });
    expect(await r.user(fresh)).toMatchObject({ invited: true, groups: ['hr-all', 'hr-sales'], fullname: 'Jane Doe' });
    expect(await r.commands('dead')).toEqual([]);
    const [change] = (await r.commands()).filter((c) => c.kind === 'update_email');
    expect(change?.status).toBe('done');
    // The person is known under the new address from now on: a leave disables that account.
    await r.hr(event('left', { email: fresh, phase: 'immediate' }));
    await r.drain();
    expect(await r.user(fresh)).toMatchObject({ disabled: true });
    const emails = await r.control<{ emails: { to: string; kind: string }[] }>('emails');
    expect(emails.emails.filter((e) => e.kind === 'invitation').map((e) => e.to)).toEqual([old, fresh]);
  });

  it('disables a leaver under the old address while the email change is not confirmed', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event('joined'));
    await r.drain();
    await r.control('users/accept', { username: old });
    await r.hr(event('attributes_changed', { email: fresh }));
    await r.drain();
    await r.hr(event('left', { email: fresh, phase: 'immediate' }));
    await r.drain();
    expect(await r.user(old)).toMatchObject({ disabled: true, pendingEmail: fresh });
    expect(await r.commands('dead')).toEqual([]);
  });

  it('disables an IdP user deactivated with its email removed in the same request', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const created = await r.scim.createUser({ schemas: [core], userName: 'sam', emails: [{ value: old, type: 'work' }], active: true });
    await r.drain();
    await r.control('users/accept', { username: old });
    await r.scim.replaceUser(created.id, () => ({ schemas: [core], userName: 'sam', active: false }));
    await r.drain();
    expect(await r.user(old)).toMatchObject({ disabled: true });
    expect(await r.commands('dead')).toEqual([]);
  });
});
