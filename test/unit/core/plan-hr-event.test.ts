import { describe, expect, it } from 'vitest';

import { parsePolicy } from '../../../src/config/policy-file.ts';
import { existingAccount } from '../../../src/core/planned-account.ts';
import { DEFAULT_POLICY } from '../../../src/core/policy/policy.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';
import { PlanChain } from './plan-chain.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const P = 'P-100';
const EMAIL = 'p-100@acme.example';

const policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  populations: [
    { name: 'unmanaged', when: { path: 'worker.org.legal_entity', equals: 'Acme Labs' }, manage: false },
    {
      name: 'contractors',
      when: { path: 'worker.worker_type', in: ['contractor', 'contingent'] },
      leaver: { after_grace: { after: 'P14D', action: 'delete' } },
    },
    {
      name: 'executives',
      when: { path: 'worker.flags.privileged', equals: true },
      privileged: true,
      leaver: { on_effective: 'remove', disable_multifactor: true, after_grace: 'never' },
    },
  ],
  defaults: { leaver: { after_grace: { after: 'P30D', action: 'delete' } } },
  group_rules: [
    { when: { always: true }, groups: ['hr-all'] },
    { when: { path: 'worker.org.department', equals: 'sales' }, groups: ['hr-sales'] },
    { when: { path: 'worker.org.department', equals: 'Engineering' }, groups: ['hr-eng'] },
  ],
  joiner: { invite: '-P1D' },
  security: { on_privileged_move: { require_master_password_change: true } },
});

const joined = (o: Parameters<typeof hrEvent>[0] = {}) => hrEvent({ personId: P, type: 'io.lpprov.hr.worker.joined.v1', time: iso(T0), ...o });
const moved = (o: Parameters<typeof hrEvent>[0] = {}) => hrEvent({ personId: P, type: 'io.lpprov.hr.worker.moved.v1', time: iso(T0), ...o });
const left = (o: Parameters<typeof hrEvent>[0] = {}) => hrEvent({ personId: P, type: 'io.lpprov.hr.worker.left.v1', time: iso(T0), ...o });
const rehired = (o: Parameters<typeof hrEvent>[0] = {}) => hrEvent({ personId: P, type: 'io.lpprov.hr.worker.rehired.v1', time: iso(T0), ...o });
const cancelled = (type: string, o: Parameters<typeof hrEvent>[0] = {}) =>
  hrEvent({ personId: P, type: 'io.lpprov.hr.worker.change_cancelled.v1', time: iso(T0), cancelledType: type, ...o });

/** A person who joined at T0 and whose invitation has run. */
function activePerson(o: Parameters<typeof hrEvent>[0] = {}): PlanChain {
  const chain = new PlanChain(policy);
  chain.apply(joined({ effectiveAt: iso(T0), ...o }), T0);
  chain.run(T0);
  return chain;
}

describe('planHrEvent', () => {
  describe('joiners', () => {
    it('adds a joiner starting now with the rule groups', () => {
      const chain = new PlanChain(policy);
      const plan = chain.apply(joined({ department: 'Sales' }), T0);
      expect(plan.steps).toEqual([
        { command: { kind: 'add_user', username: EMAIL, fullname: 'Jane Doe', groups: ['hr-all', 'hr-sales'] } },
      ]);
      expect(chain.person?.lifecycle).toMatchObject({ state: 'active', population: 'default' });
    });

    it('schedules a future-dated joiner one day before the start (joiner.invite: -P1D)', () => {
      const chain = new PlanChain(policy);
      const plan = chain.apply(joined({ effectiveAt: iso(T0 + 10 * DAY) }), T0);
      expect(plan.steps).toHaveLength(1);
      expect(plan.steps[0]).toMatchObject({ command: { kind: 'add_user' }, notBefore: T0 + 9 * DAY });
      expect(chain.person?.lifecycle?.state).toBe('prehire');
      expect(chain.run(T0 + 9 * DAY - 1)).toEqual([]);
      expect(chain.run(T0 + 9 * DAY).map((c) => c.kind)).toEqual(['add_user']);
    });

    it('plans nothing when the same joiner arrives again under another id', () => {
      const chain = activePerson();
      expect(chain.apply(joined({ effectiveAt: iso(T0) }), T0 + 1000).steps).toEqual([]);
    });

    it('manages nobody in an unmanaged population', () => {
      const chain = new PlanChain(policy);
      const event = joined();
      ((event.data as { worker: { org: Record<string, unknown> } }).worker.org).legal_entity = 'Acme Labs';
      const plan = chain.apply(event, T0);
      expect(plan.steps).toEqual([]);
      expect(plan.decisions[0]).toContain('not managed');
    });
  });

  describe('movers', () => {
    it('keeps a group change that a second event arrives on top of before it is sent', () => {
      const chain = activePerson({ department: 'Engineering' });
      chain.apply(moved({ department: 'sales', sequence: 2 }), T0 + 1000);
      // Another change (the name) before the dispatcher sent the move: the move must still reach LastPass.
      chain.apply(hrEvent({ personId: P, type: 'io.lpprov.hr.worker.attributes_changed.v1', department: 'sales', given: 'Janet', sequence: 3 }), T0 + 2000);
      chain.run(T0 + 3000);
      const groups = chain.executed.filter((c) => c.kind === 'change_groups');
      expect(groups).toEqual([{ kind: 'change_groups', username: EMAIL, add: ['hr-sales'], del: ['hr-eng'] }]);
      expect(chain.executed.filter((c) => c.kind === 'update_user')).toEqual([{ kind: 'update_user', username: EMAIL, fullname: 'Janet Doe' }]);
    });

    it('sends nothing for a move that is undone before it was sent', () => {
      const chain = activePerson({ department: 'Engineering' });
      chain.apply(moved({ department: 'sales', sequence: 2 }), T0 + 1000);
      chain.apply(moved({ department: 'Engineering', sequence: 3 }), T0 + 2000);
      chain.run(T0 + 3000);
      expect(chain.executed.slice(1)).toEqual([]);
    });

    it('moves managed groups only and keeps groups lpprov does not manage', () => {
      const chain = activePerson({ department: 'Engineering' });
      chain.person = { ...chain.person!, lastpass: { ...chain.person!.lastpass!, groups: ['Finance-Share', 'hr-all', 'hr-eng'] } };
      const plan = chain.apply(moved({ department: 'Sales' }), T0 + DAY);
      expect(plan.steps).toEqual([{ command: { kind: 'change_groups', username: EMAIL, add: ['hr-sales'], del: ['hr-eng'] } }]);
      expect(chain.person?.lastpass?.groups).toEqual(['Finance-Share', 'hr-all', 'hr-sales']);
      // lpprov audit and lpprov plan show why.
      expect(plan.decisions).toEqual([expect.stringMatching(/^managed groups .*: \+hr-sales -hr-eng$/)]);
    });

    it('renames with updateuser, and keeps a known name when the snapshot has none (absent is not cleared)', () => {
      const chain = activePerson();
      const renamed = chain.apply(moved({ given: 'Janet' }), T0 + DAY);
      expect(renamed.steps).toEqual([{ command: { kind: 'update_user', username: EMAIL, fullname: 'Janet Doe' } }]);
      expect(renamed.decisions).toEqual(['name changed: "Jane Doe" → "Janet Doe"']);
      chain.run(T0 + DAY);
      expect(chain.apply(moved({ given: 'Janet', noName: true }), T0 + 2 * DAY).steps).toEqual([]);
    });

    it('changes the email with updateemail and keeps using the old username until confirmed', () => {
      const chain = activePerson();
      const plan = chain.apply(moved({ email: 'jane.smith@acme.example', department: 'Sales' }), T0 + DAY);
      expect(plan.steps.map((s) => s.command)).toEqual([
        // Should the invitation never have been accepted, it is sent again to the new address, as the account stands then.
        {
          kind: 'update_email',
          oldEmail: EMAIL,
          newEmail: 'jane.smith@acme.example',
          reinvite: { fullname: 'Jane Doe', groups: ['hr-all', 'hr-eng'] },
        },
        { kind: 'change_groups', username: EMAIL, add: ['hr-sales'], del: ['hr-eng'] },
      ]);
      expect(chain.person?.lastpass).toMatchObject({ username: EMAIL, pendingEmail: 'jane.smith@acme.example' });
      chain.run(T0 + DAY);
      expect(chain.apply(moved({ email: 'jane.smith@acme.example', department: 'Sales' }), T0 + 2 * DAY).steps).toEqual([]);
    });

    it('asks for a master password change on a move into a privileged population', () => {
      const chain = activePerson();
      const plan = chain.apply(moved({ privileged: true }), T0 + DAY);
      expect(plan.steps.map((s) => s.command.kind)).toContain('require_master_password_change');
    });

    it('ignores a mover that arrives after a leaver (the leave stands)', () => {
      const chain = activePerson();
      chain.apply(left({ effectiveAt: iso(T0 + DAY) }), T0 + DAY);
      const queued = chain.queued();
      const plan = chain.apply(moved({ department: 'Sales', status: 'active' }), T0 + DAY + 1);
      expect(plan.steps).toEqual([]);
      expect(chain.queued()).toEqual(queued);
    });
  });

  describe('leavers', () => {
    it('disables now and schedules the delete at the end of the grace period, with its precondition', () => {
      const chain = activePerson();
      const plan = chain.apply(left({ effectiveAt: iso(T0 + DAY) }), T0 + DAY);
      expect(plan.steps).toEqual([
        { command: { kind: 'disable_user', username: EMAIL } },
        {
          command: { kind: 'delete_user', username: EMAIL, action: 'delete' },
          notBefore: T0 + 31 * DAY,
          precondition: { epoch: chain.person!.lifecycle!.epoch, notOnLegalHold: true },
        },
      ]);
      chain.run(T0 + 31 * DAY);
      expect(chain.executed.map((c) => c.kind)).toEqual(['add_user', 'disable_user', 'delete_user']);
    });

    it('schedules a future leave for its time, per population grace (contractors: 14 days)', () => {
      const chain = activePerson({ workerType: 'contractor' });
      const plan = chain.apply(left({ workerType: 'contractor', phase: 'scheduled', effectiveAt: iso(T0 + 5 * DAY) }), T0 + DAY);
      expect(plan.steps.map((s) => [s.command.kind, s.notBefore])).toEqual([
        ['disable_user', T0 + 5 * DAY],
        ['delete_user', T0 + 19 * DAY],
      ]);
    });

    it('revokes at once when the event asks for it, whatever the leaving date', () => {
      const chain = activePerson();
      const plan = chain.apply(left({ phase: 'immediate', effectiveAt: iso(T0 + 10 * DAY) }), T0 + DAY);
      expect(plan.steps[0]).toEqual({ command: { kind: 'disable_user', username: EMAIL } });
      const viaFlag = activePerson().apply(left({ revokeNow: true, effectiveAt: iso(T0 + 10 * DAY) }), T0 + DAY);
      expect(viaFlag.steps[0]).toEqual({ command: { kind: 'disable_user', username: EMAIL } });
    });

    it('cancels pending joiner and mover commands; a leaver whose invitation never went out gets nothing', () => {
      const chain = new PlanChain(policy);
      chain.apply(joined({ effectiveAt: iso(T0 + 10 * DAY) }), T0);
      const plan = chain.apply(left({ effectiveAt: iso(T0 + 2 * DAY) }), T0 + DAY);
      expect(plan.cancel?.ids).toHaveLength(1);
      expect(plan.steps).toEqual([]);
      expect(chain.queue).toEqual([]);
    });

    it('keeps an unsent invitation when the leave is ahead (a fixed-term contractor), and leaves at its date', () => {
      const chain = new PlanChain(policy);
      chain.apply(joined({ effectiveAt: iso(T0) }), T0);
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 30 * DAY) }), T0);
      expect(chain.queued()).toEqual([
        { kind: 'add_user', at: T0 },
        { kind: 'disable_user', at: T0 + 30 * DAY },
        { kind: 'delete_user:delete', at: T0 + 60 * DAY },
      ]);
      expect(chain.run(T0).map((c) => c.kind)).toEqual(['add_user']);
      expect(chain.run(T0 + 30 * DAY).map((c) => c.kind)).toEqual(['disable_user']);
    });

    it('keeps an invitation scheduled for a future start that comes before the leave', () => {
      const chain = new PlanChain(policy);
      chain.apply(joined({ effectiveAt: iso(T0 + 5 * DAY) }), T0);
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 35 * DAY) }), T0);
      expect(chain.queued()).toEqual([
        { kind: 'add_user', at: T0 + 4 * DAY },
        { kind: 'disable_user', at: T0 + 35 * DAY },
        { kind: 'delete_user:delete', at: T0 + 65 * DAY },
      ]);
      chain.run(T0 + 65 * DAY);
      expect(chain.executed.map((c) => c.kind)).toEqual(['add_user', 'disable_user', 'delete_user']);
      expect(chain.cancelledAtFire).toEqual([]);
    });

    it('follows corrections of the leave date: later keeps the invitation, before the start withdraws it', () => {
      const chain = new PlanChain(policy);
      chain.apply(joined({ effectiveAt: iso(T0 + 5 * DAY) }), T0);
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 35 * DAY) }), T0);
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 40 * DAY), sequence: 3 }), T0 + DAY);
      expect(chain.queued()).toEqual([
        { kind: 'add_user', at: T0 + 4 * DAY },
        { kind: 'disable_user', at: T0 + 40 * DAY },
        { kind: 'delete_user:delete', at: T0 + 70 * DAY },
      ]);
      // HR moves the leave before the start: the person never starts, the invitation is withdrawn.
      const early = chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 3 * DAY), sequence: 4 }), T0 + 2 * DAY);
      expect(early.decisions).toContain('left before the invitation went out: invitation cancelled');
      expect(chain.queued()).toEqual([]);
      chain.run(T0 + 100 * DAY);
      expect(chain.executed).toEqual([]);
    });

    it('follows a start date moved past the leave date: the invitation is withdrawn', () => {
      const chain = new PlanChain(policy);
      chain.apply(joined({ effectiveAt: iso(T0 + 5 * DAY) }), T0);
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 35 * DAY) }), T0);
      // The start moves to after the leave (HR corrects the joiner): the person never works.
      chain.apply(joined({ effectiveAt: iso(T0 + 40 * DAY), status: 'pending', sequence: 3 }), T0 + DAY);
      chain.run(T0 + 100 * DAY);
      expect(chain.executed.map((c) => c.kind)).not.toContain('add_user');
    });

    it('withdraws the invitation (uninvite) of someone who leaves before starting', () => {
      const chain = new PlanChain(policy);
      chain.apply(joined({ effectiveAt: iso(T0 + 10 * DAY) }), T0);
      chain.run(T0 + 9 * DAY);
      const plan = chain.apply(left({ effectiveAt: iso(T0 + 9 * DAY + 1000) }), T0 + 9 * DAY + 1000);
      // Should the invitation have been accepted already, the account is deactivated instead, and
      // deleted after the grace period (an uninvited account leaves that delete nothing to do).
      expect(plan.steps.map((s) => [s.command, s.notBefore])).toEqual([
        [{ kind: 'delete_user', username: EMAIL, action: 'uninvite' }, undefined],
        [{ kind: 'delete_user', username: EMAIL, action: 'delete' }, T0 + 39 * DAY + 1000],
      ]);
    });

    it('applies per-population actions and security steps (executives: disable MFA, then remove)', () => {
      const chain = activePerson({ privileged: true });
      const plan = chain.apply(left({ privileged: true }), T0 + DAY);
      expect(plan.steps.map((s) => s.command)).toEqual([
        { kind: 'disable_multifactor', username: EMAIL },
        { kind: 'delete_user', username: EMAIL, action: 'remove' },
      ]);
      // The account is planned until the removal has run, then it is gone.
      expect(chain.person?.lifecycle?.accountEndsAt).toBe(T0 + DAY);
      expect(existingAccount(chain.person, T0 + DAY, true)).toBeDefined();
      expect(existingAccount(chain.person, T0 + DAY, false)).toBeUndefined();
    });

    it('plans nothing new when the same leave is announced again', () => {
      const chain = activePerson();
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 5 * DAY) }), T0 + DAY);
      const again = chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 5 * DAY) }), T0 + 2 * DAY);
      expect(again.steps).toEqual([]);
      expect(again.cancel).toBeUndefined();
    });
  });

  describe('legal hold', () => {
    it('blocks the delete and freezes the timer; releasing the hold resumes it with the time left', () => {
      const chain = activePerson();
      chain.apply(left({ effectiveAt: iso(T0) }), T0);
      chain.run(T0);
      const hold = chain.apply(moved({ status: 'terminated', legalHold: true }), T0 + 10 * DAY);
      expect(hold.steps).toEqual([]);
      expect(hold.cancel?.ids).toHaveLength(1); // the scheduled delete
      expect(chain.person?.lifecycle).toMatchObject({ legalHold: true, holdRemainingMs: 20 * DAY });

      const release = chain.apply(moved({ status: 'terminated', legalHold: false }), T0 + 100 * DAY);
      expect(release.steps).toMatchObject([{ command: { kind: 'delete_user', action: 'delete' }, notBefore: T0 + 120 * DAY }]);
    });

    it('turns a remove or delete at leaving time into a deactivation, also by the override list', () => {
      const held = parsePolicy({
        populations: [{ name: 'all', when: { always: true }, leaver: { on_effective: 'delete' } }],
        legal_hold: { person_ids: [P] },
      });
      const chain = new PlanChain(held);
      chain.apply(joined(), T0);
      chain.run(T0);
      expect(chain.apply(left(), T0 + DAY).steps.map((s) => s.command)).toEqual([{ kind: 'disable_user', username: EMAIL }]);
    });

    it('cancels a scheduled delete at fire time if the hold came without an event (precondition)', () => {
      const chain = activePerson();
      chain.apply(left(), T0);
      chain.person = { ...chain.person!, lifecycle: { ...chain.person!.lifecycle!, legalHold: true } };
      chain.run(T0 + 40 * DAY);
      expect(chain.cancelledAtFire.map((c) => c.kind)).toEqual(['delete_user']);
    });
  });

  describe('rehires and cancellations', () => {
    it('re-enables a rehire within grace, recomputes groups and cancels the scheduled delete', () => {
      const chain = activePerson({ department: 'Engineering' });
      chain.apply(left(), T0 + DAY);
      chain.run(T0 + DAY);
      const plan = chain.apply(rehired({ department: 'Sales', effectiveAt: iso(T0 + 5 * DAY) }), T0 + 5 * DAY);
      expect(plan.steps.map((s) => s.command)).toEqual([
        { kind: 'enable_user', username: EMAIL },
        { kind: 'change_groups', username: EMAIL, add: ['hr-sales'], del: ['hr-eng'] },
      ]);
      expect(plan.cancel?.ids).toHaveLength(1);
      chain.run(T0 + 60 * DAY);
      expect(chain.executed.filter((c) => c.kind === 'delete_user')).toEqual([]);
    });

    it('a delete that fires after a rehire is cancelled by its precondition (the Keycloak failure)', () => {
      const chain = activePerson();
      chain.apply(left(), T0 + DAY);
      chain.run(T0 + DAY);
      const scheduledDelete = chain.queue[0]!;
      chain.apply(rehired(), T0 + 5 * DAY);
      chain.queue.unshift(scheduledDelete); // as if the cancel had lost a race
      chain.run(T0 + 60 * DAY);
      expect(chain.cancelledAtFire.map((c) => c.kind)).toEqual(['delete_user']);
    });

    it('invites a rehire afresh once the account was deleted', () => {
      const chain = activePerson();
      chain.apply(left(), T0 + DAY);
      chain.run(T0 + 31 * DAY);
      const plan = chain.apply(rehired({ effectiveAt: iso(T0 + 40 * DAY) }), T0 + 40 * DAY);
      expect(plan.steps.map((s) => s.command.kind)).toEqual(['add_user']);
    });

    it('a cancelled leave that has not run yet is simply dropped (no enable needed)', () => {
      const chain = activePerson();
      chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 5 * DAY) }), T0 + DAY);
      const plan = chain.apply(cancelled('io.lpprov.hr.worker.left.v1'), T0 + 2 * DAY);
      expect(plan.steps).toEqual([]);
      expect(plan.cancel?.ids).toHaveLength(2);
      expect(chain.person?.lifecycle?.state).toBe('active');
    });

    it('a cancelled joiner loses its pending invitation, or is uninvited once it went out', () => {
      const before = new PlanChain(policy);
      before.apply(joined({ effectiveAt: iso(T0 + 10 * DAY) }), T0);
      expect(before.apply(cancelled('io.lpprov.hr.worker.joined.v1'), T0 + DAY).steps).toEqual([]);
      expect(before.queue).toEqual([]);

      const after = activePerson();
      expect(after.apply(cancelled('io.lpprov.hr.worker.joined.v1'), T0 + DAY).steps.map((s) => s.command)).toEqual([
        { kind: 'delete_user', username: EMAIL, action: 'uninvite' },
        { kind: 'delete_user', username: EMAIL, action: 'delete' },
      ]);
    });
  });

  it('uses the built-in defaults without a policy file: everyone managed, no groups, delete after 30 days', () => {
    const chain = new PlanChain(DEFAULT_POLICY);
    chain.apply(joined(), T0);
    chain.run(T0);
    const plan = chain.apply(left(), T0);
    expect(plan.steps.map((s) => [s.command.kind, s.notBefore])).toEqual([
      ['disable_user', undefined],
      ['delete_user', T0 + 30 * DAY],
    ]);
  });
});

describe('planHrEvent: corrections', () => {
  it('keeps a prehire invitation at its time when a mover arrives before the start', () => {
    const chain = new PlanChain(policy);
    chain.apply(joined({ effectiveAt: iso(T0 + 30 * DAY) }), T0);
    const plan = chain.apply(moved({ department: 'Sales' }), T0 + DAY);
    expect(plan.steps).toMatchObject([{ command: { kind: 'add_user', groups: ['hr-all', 'hr-sales'] }, notBefore: T0 + 29 * DAY }]);
  });

  it('moves a leave that has not happened yet when HR sends a new termination date', () => {
    const chain = activePerson();
    chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 10 * DAY) }), T0 + DAY);
    const later = chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 20 * DAY) }), T0 + 2 * DAY);
    expect(later.steps.map((s) => [s.command.kind, s.notBefore])).toEqual([
      ['disable_user', T0 + 20 * DAY],
      ['delete_user', T0 + 50 * DAY],
    ]);
    const earlier = chain.apply(left({ phase: 'scheduled', effectiveAt: iso(T0 + 5 * DAY) }), T0 + 3 * DAY);
    expect(earlier.steps.map((s) => s.notBefore)).toEqual([T0 + 5 * DAY, T0 + 35 * DAY]);
  });

  it('keeps a leave that already took effect when a later left event arrives', () => {
    const chain = activePerson();
    chain.apply(left({ effectiveAt: iso(T0 + DAY) }), T0 + DAY);
    chain.run(T0 + DAY);
    const again = chain.apply(left({ effectiveAt: iso(T0 + 20 * DAY) }), T0 + 2 * DAY);
    expect(again.steps).toEqual([]);
    expect(chain.person?.lifecycle?.graceEndsAt).toBe(T0 + 31 * DAY);
  });
});
