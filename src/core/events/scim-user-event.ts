import type { ScimUserRecord, IdpKind } from '../scim.ts';
import type { Worker } from './hr-event.ts';
import { eventTypeOf, type PersonChange } from './person-change.ts';

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type ScimUserChange = 'created' | 'updated' | 'deleted';

export interface ScimUserEventInput {
  /** The user after the change (for a delete: as it was). */
  readonly record: ScimUserRecord;
  /** The user before an update. */
  readonly previous: ScimUserRecord | undefined;
  readonly change: ScimUserChange;
  readonly idp: IdpKind;
  /** Display names of the user's SCIM groups. */
  readonly groups: readonly string[];
  readonly now: number;
}

/** The person a SCIM user is: stable for the life of the SCIM resource. */
export function scimPersonId(record: Pick<ScimUserRecord, 'id'>): string {
  return `scim:${record.id}`;
}

/**
 * A SCIM change as the planner's domain change (reference/hr-lifecycle.md §4.3, "SCIM pushes
 * normalised into the same schema"): create → joined, active true → false → left (revoked now),
 * false → true → rehired, other updates → moved or attributes_changed, DELETE → left with a
 * hard-delete request. Built directly, not through the CloudEvent parser; `recorded` is the event
 * it stands for, as the audit trail shows it. Pure; fails with a reason when the user has no
 * usable email (a deactivation keeps the one it had before).
 */
export function scimUserChange(input: ScimUserEventInput): { ok: true; change: PersonChange } | { ok: false; reason: string } {
  const { record, previous, change, idp, now } = input;
  const resource = record.resource;
  // An IdP may clear the email in the same request that deactivates the user: the leave is of the
  // account the user had, never lost to the refusal of the missing email.
  const inactive = change === 'deleted' || !record.active;
  const email = workEmail(resource, record.userName) ?? (inactive && previous !== undefined ? workEmail(previous.resource, previous.userName) : undefined);
  if (email === undefined) {
    return { ok: false, reason: 'LastPass accounts are email addresses: give the user an email (emails, or an email-shaped userName)' };
  }
  const active = change !== 'deleted' && record.active;
  const type = eventType(input);
  const enterprise = objectAt(resource, ENTERPRISE_USER);
  const name = objectAt(resource, 'name');
  const personId = scimPersonId(record);
  const leaving = type === 'left';
  const worker: Worker = {
    person_id: personId,
    employee_number: textAt(enterprise, 'employeeNumber'),
    worker_type: textAt(resource, 'userType'),
    employment_status: active ? 'active' : 'terminated',
    name: {
      given: textAt(name, 'givenName'),
      family: textAt(name, 'familyName'),
      display: textAt(resource, 'displayName') ?? textAt(name, 'formatted'),
    },
    email: { work: email },
    job: { title: textAt(resource, 'title') },
    org: {
      department: textAt(enterprise, 'department'),
      division: textAt(enterprise, 'division'),
      cost_center: textAt(enterprise, 'costCenter'),
      legal_entity: textAt(enterprise, 'organization'),
    },
    termination: leaving ? { type: 'idp_deactivation' } : null,
  };
  const data = {
    phase: leaving ? 'immediate' : 'effective',
    effective_at: new Date(now).toISOString(),
    worker,
    groups: [...input.groups],
    origin: { system: idp, record_ref: record.id, hard_delete_requested: change === 'deleted' },
  };
  const at = Math.max(record.lastModified, now);
  // The SCIM resource's version only grows, so it orders this person's changes.
  const sequence = record.version + (change === 'deleted' ? 1 : 0);
  const id = `scim-${record.id}-v${record.version}${change === 'deleted' ? '-deleted' : ''}`;
  const origin = `scim://${idp}`;
  return {
    ok: true,
    change: {
      source: 'idp',
      origin,
      id,
      kind: type,
      cancelled: undefined,
      personId,
      at,
      effectiveAt: now,
      sequence,
      immediate: leaving,
      worker,
      groups: [...input.groups],
      facts: data,
      recorded: {
        specversion: '1.0',
        id,
        source: origin,
        type: eventTypeOf(type),
        subject: `person/${personId}`,
        time: new Date(at).toISOString(),
        sequence: String(sequence),
        data,
      },
    },
  };
}

function eventType({ change, record, previous }: ScimUserEventInput): 'joined' | 'left' | 'rehired' | 'moved' | 'attributes_changed' {
  if (change === 'deleted') return 'left';
  if (change === 'created') return 'joined';
  if (previous?.active === true && !record.active) return 'left';
  if (previous?.active === false && record.active) return 'rehired';
  const orgOf = (r: ScimUserRecord | undefined): string => JSON.stringify(objectAt(r?.resource, ENTERPRISE_USER) ?? {});
  return orgOf(previous) !== orgOf(record) ? 'moved' : 'attributes_changed';
}

/**
 * The address LastPass should use: the work email, else the primary one, else any other email,
 * else an email-shaped userName; each only if it is an email address (an IdP may send a work
 * "email" that is not one). Undefined: LastPass cannot have this user.
 */
export function workEmail(resource: Readonly<Record<string, unknown>>, userName: string): string | undefined {
  const emails = Array.isArray(resource.emails) ? (resource.emails as unknown[]) : [];
  const values = emails.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
  const ranked = [...values.filter((e) => e.type === 'work'), ...values.filter((e) => e.primary === true), ...values];
  const candidates = [...ranked.map((e) => e.value), userName];
  const found = candidates.find((value): value is string => typeof value === 'string' && isEmailAddress(value));
  return found?.toLowerCase();
}

function isEmailAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const child = (value as Record<string, unknown>)[key];
  return typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : undefined;
}

function textAt(value: Record<string, unknown> | Readonly<Record<string, unknown>> | undefined, key: string): string | undefined {
  const child = value?.[key];
  return typeof child === 'string' && child !== '' ? child : undefined;
}
