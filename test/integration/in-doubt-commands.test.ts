import { afterEach, describe, expect, it } from 'vitest';

import { parsePolicy } from '../../src/config/policy-file.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { ENGINES } from '../support/databases.ts';
import { LifecycleRig } from '../support/lifecycle-rig.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  group_rules: [
    { when: { always: true }, groups: ['hr-all'] },
    { when: { path: 'worker.org.department', equals: 'Sales' }, groups: ['hr-sales'] },
    { when: { path: 'worker.org.department', equals: 'Engineering' }, groups: ['hr-eng'] },
  ],
  defaults: { leaver: { after_grace: { after: 'P30D', action: 'delete' } } },
});

/**
 * A command whose answer was lost may have reached LastPass: it waits for its retry, and a plan
 * made meanwhile must count it as sent, not take it back. Before, a mover or a leaver arriving
 * in that window treated a tried invitation as "no account yet": the mover's groups were never
 * taken away, and the leaver's account (which LastPass had created) stayed enabled.
 */
describe.each(ENGINES)('commands whose outcome is unknown, on %s', (engine) => {
  let rig: LifecycleRig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  const email = 'in.doubt@acme.example';
  let sequence = 0;
  const event = (r: LifecycleRig, type: string, overrides: Parameters<typeof hrEvent>[0] = {}) =>
    hrEvent({ personId: 'P-DOUBT-1', type: `io.lpprov.hr.worker.${type}.v1`, email, sequence: ++sequence, time: new Date(r.clock.now()).toISOString(), ...overrides });

  /** A joiner whose batchadd LastPass applied but whose answer was lost: the retry is due later. */
  async function lostInvitation(r: LifecycleRig, existing: 'error' | 'ignore'): Promise<void> {
    await r.control('behaviour', { batchaddExisting: existing });
    await r.control('faults', { nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'batchadd' }] });
    await r.hr(event(r, 'joined', { department: 'Engineering' }));
    await r.drain();
    expect(await r.user(email)).toMatchObject({ invited: true, groups: ['hr-all', 'hr-eng'] });
    expect(await r.commands('pending')).toMatchObject([{ kind: 'add_user', attempts: 1 }]);
  }

  it.each(['error', 'ignore'] as const)('moves the groups of an account whose invitation answer was lost (LastPass %s on existing users)', async (existing) => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await lostInvitation(r, existing);
    await r.hr(event(r, 'moved', { department: 'Sales' }));
    await r.advance(DAY);
    expect(await r.user(email)).toMatchObject({ invited: true, groups: ['hr-all', 'hr-sales'] });
    expect(await r.commands('dead')).toEqual([]);
    expect(await r.commands('pending')).toEqual([]);
  });

  it.each(['error', 'ignore'] as const)('disables a leaver whose invitation answer was lost (LastPass %s on existing users)', async (existing) => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await lostInvitation(r, existing);
    await r.control('users/accept', { username: email });
    await r.hr(event(r, 'left', { phase: 'immediate' }));
    await r.advance(HOUR);
    expect(await r.user(email)).toMatchObject({ disabled: true });
    await r.advance(31 * DAY);
    expect(await r.user(email)).toBeUndefined();
    expect(await r.commands('dead')).toEqual([]);
  });

  it('keeps a scheduled invitation whose answer was lost through a plan with a new epoch (a future leave)', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event(r, 'joined', { effectiveAt: new Date(r.clock.now() + 2 * DAY).toISOString(), phase: 'scheduled' }));
    await r.control('faults', { nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'batchadd' }] });
    await r.advance(2 * DAY);
    expect(await r.commands('pending')).toMatchObject([{ kind: 'add_user', attempts: 1 }]);
    await r.hr(event(r, 'left', { effectiveAt: new Date(r.clock.now() + 10 * DAY).toISOString(), phase: 'scheduled' }));
    await r.advance(HOUR);
    // The retry passed its precondition: the invitation is done, not cancelled as of an old plan.
    expect((await r.commands()).filter((c) => c.kind === 'add_user').map((c) => c.status)).toEqual(['done']);
    expect(await r.user(email)).toMatchObject({ invited: true, disabled: false });
    await r.advance(10 * DAY);
    expect(await r.user(email)).toMatchObject({ disabled: true });
    expect(await r.commands('dead')).toEqual([]);
  });

  it('invites once a joiner whose first batchadd never reached LastPass, through a move made meanwhile', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.control('faults', { nextFaults: [{ kind: 'http503', count: 1, cmd: 'batchadd' }] });
    await r.hr(event(r, 'joined', { department: 'Engineering' }));
    await r.drain();
    expect(await r.user(email)).toBeUndefined();
    await r.hr(event(r, 'moved', { department: 'Sales' }));
    await r.advance(DAY);
    expect(await r.user(email)).toMatchObject({ invited: true, groups: ['hr-all', 'hr-sales'] });
    expect(await r.commands('dead')).toEqual([]);
  });

  it('invites a joiner again after a withdrawal whose answer was lost, even when the withdrawal came twice', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event(r, 'joined'));
    await r.drain();
    await r.control('faults', { nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'deluser' }] });
    await r.hr(event(r, 'change_cancelled', { cancelledType: 'io.lpprov.hr.worker.joined.v1' }));
    await r.drain();
    await r.hr(event(r, 'change_cancelled', { cancelledType: 'io.lpprov.hr.worker.joined.v1' }));
    await r.drain();
    expect(await r.user(email)).toBeUndefined();
    await r.hr(event(r, 'joined'));
    await r.advance(DAY);
    expect(await r.user(email)).toMatchObject({ invited: true, disabled: false });
    expect(await r.commands('dead')).toEqual([]);
  });

  it('re-enables a person whose disable answer was lost when HR cancels the leave', async () => {
    const r = (rig = await LifecycleRig.start(engine, policy));
    await r.hr(event(r, 'joined'));
    await r.drain();
    await r.control('users/accept', { username: email });
    await r.control('faults', { nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'disableuser' }] });
    await r.hr(event(r, 'left'));
    await r.drain();
    expect(await r.user(email)).toMatchObject({ disabled: true });
    await r.hr(event(r, 'change_cancelled', { cancelledType: 'io.lpprov.hr.worker.left.v1', status: 'active' }));
    await r.advance(DAY);
    expect(await r.user(email)).toMatchObject({ disabled: false });
    expect(await r.commands('dead')).toEqual([]);
  });
});
