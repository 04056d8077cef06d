import { describe, expect, it } from 'vitest';

import { parseHrEvent } from '../../../src/core/events/hr-event.ts';
import { ENTERPRISE_USER, scimUserChange } from '../../../src/core/events/scim-user-event.ts';
import type { ScimUserRecord } from '../../../src/core/scim.ts';
import { parsePolicy } from '../../../src/config/policy-file.ts';
import { PlanChain } from './plan-chain.ts';

const NOW = Date.parse('2026-04-01T10:00:00Z');

function user(overrides: Partial<ScimUserRecord> = {}, resource: Record<string, unknown> = {}): ScimUserRecord {
  return {
    id: '2819c223-7f76-453a-919d-413861904646',
    userName: 'Barbara.Jensen@Example.com',
    externalId: '00u1abcd',
    active: true,
    resource: { name: { givenName: 'Barbara', familyName: 'Jensen' }, ...resource },
    created: NOW,
    lastModified: NOW,
    version: 1,
    ...overrides,
  };
}

const changeOf = (input: Parameters<typeof scimUserChange>[0]) => {
  const built = scimUserChange(input);
  if (!built.ok) throw new Error(built.reason);
  return built.change;
};

/** The event a SCIM change stands for, as the audit trail records it: a valid HR event. */
const eventOf = (input: Parameters<typeof scimUserChange>[0]) => {
  const parsed = parseHrEvent(changeOf(input).recorded);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
};

describe('scimUserChange', () => {
  it('is the domain change the recorded event describes: source, times and sequence explicit', () => {
    const change = changeOf({ record: user({ version: 3, lastModified: NOW - 5 }), previous: user({ active: true }), change: 'updated', idp: 'entra', groups: ['G'], now: NOW });
    expect(change).toMatchObject({
      source: 'idp',
      origin: 'scim://entra',
      kind: 'attributes_changed',
      personId: 'scim:2819c223-7f76-453a-919d-413861904646',
      at: NOW,
      effectiveAt: NOW,
      sequence: 3,
      immediate: false,
      groups: ['G'],
    });
  });

  it('turns a create into a joiner keyed by the SCIM id, with the email as the LastPass username', () => {
    const event = eventOf({ record: user(), previous: undefined, change: 'created', idp: 'okta', groups: [], now: NOW });
    expect(event.type).toBe('io.lpprov.hr.worker.joined.v1');
    expect(event.source).toBe('scim://okta');
    expect(event.subject).toBe('person/scim:2819c223-7f76-453a-919d-413861904646');
    expect(event.data.worker.email.work).toBe('barbara.jensen@example.com');
    expect(event.data.worker.name).toMatchObject({ given: 'Barbara', family: 'Jensen' });
  });

  it('prefers the work email over the userName', () => {
    const record = user({ userName: 'bjensen' }, { emails: [{ value: 'home@x.example', type: 'home' }, { value: 'BJ@Work.example', type: 'work' }] });
    expect(eventOf({ record, previous: undefined, change: 'created', idp: 'entra', groups: [], now: NOW }).data.worker.email.work).toBe(
      'bj@work.example',
    );
  });

  it('refuses a user with no email at all', () => {
    const built = scimUserChange({ record: user({ userName: 'bjensen' }), previous: undefined, change: 'created', idp: 'scim', groups: [], now: NOW });
    expect(built.ok ? '' : built.reason).toContain('email');
  });

  it('takes a deactivation that also removes the email as a leave of the address the user had', () => {
    const previous = user({ userName: 'bjensen' }, { emails: [{ value: 'bj@work.example', type: 'work' }] });
    const record = user({ userName: 'bjensen', active: false, version: 2 });
    const left = eventOf({ record, previous, change: 'updated', idp: 'entra', groups: [], now: NOW });
    expect(left.type).toBe('io.lpprov.hr.worker.left.v1');
    expect(left.data.worker.email.work).toBe('bj@work.example');
    // Still refused: an active user without one, and a deactivation of one that never had one.
    expect(scimUserChange({ record: user({ userName: 'bjensen', version: 2 }), previous, change: 'updated', idp: 'entra', groups: [], now: NOW }).ok).toBe(false);
    expect(scimUserChange({ record, previous: user({ userName: 'bjensen' }), change: 'updated', idp: 'entra', groups: [], now: NOW }).ok).toBe(false);
  });

  it.each([
    [true, false, 'io.lpprov.hr.worker.left.v1', 'immediate'],
    [false, true, 'io.lpprov.hr.worker.rehired.v1', 'effective'],
    [true, true, 'io.lpprov.hr.worker.attributes_changed.v1', 'effective'],
  ])('maps active %s → %s to %s', (before, after, type, phase) => {
    const event = eventOf({
      record: user({ active: after, version: 2 }),
      previous: user({ active: before }),
      change: 'updated',
      idp: 'entra',
      groups: [],
      now: NOW,
    });
    expect([event.type, event.data.phase, event.sequence]).toEqual([type, phase, '2']);
  });

  it('calls an update of the enterprise extension a move, and a DELETE a leaver asking for a hard delete', () => {
    const moved = eventOf({
      record: user({ version: 2 }, { [ENTERPRISE_USER]: { department: 'Sales' } }),
      previous: user(),
      change: 'updated',
      idp: 'entra',
      groups: [],
      now: NOW,
    });
    expect([moved.type, moved.data.worker.org?.department]).toEqual(['io.lpprov.hr.worker.moved.v1', 'Sales']);
    const deleted = eventOf({ record: user(), previous: user(), change: 'deleted', idp: 'entra', groups: [], now: NOW });
    expect([deleted.type, deleted.data.origin?.hard_delete_requested, deleted.data.worker.employment_status]).toEqual([
      'io.lpprov.hr.worker.left.v1',
      true,
      'terminated',
    ]);
  });
});

describe('IdP group authority', () => {
  const policy = parsePolicy({ authority: { groups: 'idp' }, managed_groups: { prefix: 'hr-' } });

  it('puts the person in the pushed groups and takes away only groups the IdP gave', () => {
    const chain = new PlanChain(policy);
    const record = user();
    chain.applyChange(changeOf({ record, previous: undefined, change: 'created', idp: 'okta', groups: ['Engineering'], now: NOW }), NOW);
    expect(chain.last?.steps.map((s) => s.command)).toMatchObject([{ kind: 'add_user', groups: ['Engineering'] }]);
    chain.run(NOW);
    chain.person = { ...chain.person!, lastpass: { ...chain.person!.lastpass!, groups: ['Engineering', 'Hand-Made'] } };
    const plan = chain.applyChange(
      changeOf({ record: user({ version: 2 }), previous: record, change: 'updated', idp: 'okta', groups: ['Sales'], now: NOW + 1 }),
      NOW + 1,
    );
    expect(plan.steps.map((s) => s.command)).toEqual([
      { kind: 'change_groups', username: 'barbara.jensen@example.com', add: ['Sales'], del: ['Engineering'] },
    ]);
  });
});
