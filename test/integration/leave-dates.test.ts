import { afterEach, describe, expect, it } from 'vitest';

import { parsePolicy } from '../../src/config/policy-file.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { ENGINES } from '../support/databases.ts';
import { LifecycleRig } from '../support/lifecycle-rig.ts';

const DAY = 86_400_000;
const policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  group_rules: [{ when: { always: true }, groups: ['hr-all'] }],
  defaults: { leaver: { after_grace: { after: 'P30D', action: 'delete' } } },
});

/**
 * Leave dates are honoured both ways (issue 12, case 2), through the application, the outbox and
 * the dispatcher: a fixed-term contractor whose joiner and future leave arrive before the
 * invitation is sent still gets the account for the time they work; a leave corrected to before
 * the start withdraws the invitation.
 */
describe.each(ENGINES)('leave dates on %s', (engine) => {
  let rig: LifecycleRig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  const email = 'fixed.term@acme.example';
  let sequence = 0;
  const event = (r: LifecycleRig, type: string, overrides: Parameters<typeof hrEvent>[0] = {}) =>
    hrEvent({ personId: 'P-LEAVE-1', type: `io.lpprov.hr.worker.${type}.v1`, email, sequence: ++sequence, time: new Date(r.clock.now()).toISOString(), ...overrides });
  const inDays = (r: LifecycleRig, days: number): string => new Date(r.clock.now() + days * DAY).toISOString();

  it('case 2: a leave 30 days ahead, arriving before the invitation is sent, keeps the invitation until the leave', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event(r, 'joined'));
    await r.hr(event(r, 'left', { effectiveAt: inDays(r, 30), phase: 'scheduled' }));
    await r.drain();
    expect(await r.user(email)).toMatchObject({ invited: true, disabled: false, groups: ['hr-all'] });
    await r.control('users/accept', { username: email });

    await r.advance(29 * DAY);
    expect(await r.user(email)).toMatchObject({ active: true, disabled: false });
    await r.advance(1 * DAY);
    expect(await r.user(email)).toMatchObject({ disabled: true });
    await r.advance(30 * DAY);
    expect(await r.user(email)).toBeUndefined();
    expect(await r.commands('dead')).toEqual([]);
    // The leave re-planned the unsent invitation (cancelled and planned again): one was sent.
    expect((await r.calls()).filter((c) => c.cmd === 'batchadd')).toHaveLength(1);
  });

  it('case 2, corrected: a leave moved to before the start withdraws the scheduled invitation', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event(r, 'joined', { effectiveAt: inDays(r, 5), phase: 'scheduled' }));
    await r.hr(event(r, 'left', { effectiveAt: inDays(r, 20), phase: 'scheduled' }));
    await r.drain();
    // The HRIS corrects the leave to before the start: this person never works here.
    await r.hr(event(r, 'left', { effectiveAt: inDays(r, 2), phase: 'scheduled' }));
    await r.advance(40 * DAY);
    expect((await r.users()).find((u) => u.username === email)).toBeUndefined();
    expect(await r.commands('dead')).toEqual([]);
  });

  it('re-enables an accepted invitation that was withdrawn (deactivated) when the person is back, with no grace period in the policy', async () => {
    const noGrace = parsePolicy({ managed_groups: { prefix: 'hr-' }, group_rules: [{ when: { always: true }, groups: ['hr-all'] }], defaults: { leaver: { after_grace: 'never' } } });
    const r = (rig = await LifecycleRig.start(engine, noGrace));
    await r.hr(event(r, 'joined'));
    await r.drain();
    await r.control('users/accept', { username: email });
    await r.hr(event(r, 'change_cancelled', { cancelledType: 'io.lpprov.hr.worker.joined.v1' }));
    await r.drain();
    expect(await r.user(email)).toMatchObject({ active: true, disabled: true });
    await r.hr(event(r, 'joined'));
    await r.drain();
    expect(await r.user(email)).toMatchObject({ active: true, disabled: false });
    expect(await r.commands('dead')).toEqual([]);
  });

  it('case 2, corrected later: a leave moved from before the start to after it invites at the start', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event(r, 'joined', { effectiveAt: inDays(r, 5), phase: 'scheduled' }));
    await r.hr(event(r, 'left', { effectiveAt: inDays(r, 2), phase: 'scheduled' }));
    await r.drain();
    await r.hr(event(r, 'left', { effectiveAt: inDays(r, 20), phase: 'scheduled' }));
    await r.advance(5 * DAY);
    expect(await r.user(email)).toMatchObject({ invited: true, disabled: false });
    await r.advance(15 * DAY);
    expect(await r.user(email)).toMatchObject({ disabled: true });
    expect(await r.commands('dead')).toEqual([]);
  });
});
