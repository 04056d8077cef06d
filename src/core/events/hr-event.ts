import { z } from 'zod';

/**
 * Canonical HR lifecycle event: a CloudEvents 1.0 envelope (structured JSON) whose `data` carries
 * a full worker snapshot as of `effective_at` (docs/events.md). Level-triggered: lpprov plans from
 * the snapshot, so duplicates and replays are harmless. Unknown fields are allowed and ignored;
 * `null` means cleared and a missing key means unknown.
 */
export const HR_EVENT_TYPES = [
  'io.lpprov.hr.worker.joined.v1',
  'io.lpprov.hr.worker.moved.v1',
  'io.lpprov.hr.worker.left.v1',
  'io.lpprov.hr.worker.rehired.v1',
  'io.lpprov.hr.worker.attributes_changed.v1',
  'io.lpprov.hr.worker.change_cancelled.v1',
] as const;
export type HrEventType = (typeof HR_EVENT_TYPES)[number];

/** The short name of a type: `joined`, `moved`, ... */
export type HrEventKind = HrEventType extends `io.lpprov.hr.worker.${infer K}.v1` ? K : never;

export function eventKind(type: HrEventType): HrEventKind {
  return type.slice('io.lpprov.hr.worker.'.length, -'.v1'.length) as HrEventKind;
}

export const EMPLOYMENT_STATUSES = ['pending', 'active', 'on_leave', 'terminated'] as const;
export const PHASES = ['scheduled', 'effective', 'immediate'] as const;
export const TERMINATION_TYPES = [
  'voluntary',
  'involuntary',
  'end_of_contract',
  'death',
  'retirement',
  'idp_deactivation',
  'other',
] as const;

const rfc3339 = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const text = z.string().max(1000);
const optionalText = text.nullish();

export const workerSchema = z.object({
  person_id: z.string().min(1).max(200),
  engagement_id: optionalText,
  employee_number: optionalText,
  worker_type: optionalText,
  employment_status: z.enum(EMPLOYMENT_STATUSES),
  name: z.object({
    given: optionalText,
    family: optionalText,
    preferred: optionalText,
    display: optionalText,
  }),
  email: z.object({ work: z.email().max(254) }),
  job: z.object({ title: optionalText, code: optionalText, level: optionalText }).nullish(),
  org: z
    .object({
      department: optionalText,
      division: optionalText,
      cost_center: optionalText,
      business_unit: optionalText,
      legal_entity: optionalText,
      supervisory_org: optionalText,
    })
    .nullish(),
  location: z.object({ code: optionalText, country: optionalText, timezone: optionalText }).nullish(),
  manager: z.object({ person_id: optionalText, work_email: z.email().nullish() }).nullish(),
  dates: z
    .object({
      original_hire_date: isoDate.nullish(),
      hire_date: isoDate.nullish(),
      last_day_of_work: isoDate.nullish(),
      termination_date: isoDate.nullish(),
    })
    .nullish(),
  termination: z
    .object({
      type: z.enum(TERMINATION_TYPES),
      reason_code: optionalText,
      rehire_eligible: z.boolean().nullish(),
      revoke_access_immediately: z.boolean().nullish(),
      notice_given_at: rfc3339.nullish(),
    })
    .nullish(),
  flags: z.object({ legal_hold: z.boolean().nullish(), privileged: z.boolean().nullish() }).nullish(),
  custom: z.record(z.string(), z.unknown()).nullish(),
});
export type Worker = z.infer<typeof workerSchema>;

export const hrEventDataSchema = z.object({
  phase: z.enum(PHASES),
  effective_at: rfc3339,
  worker: workerSchema,
  changes: z.array(z.object({ path: z.string(), old: z.unknown(), new: z.unknown() })).nullish(),
  previous_engagement_ids: z.array(z.string()).nullish(),
  /** change_cancelled only: which scheduled change was withdrawn. */
  cancelled: z
    .object({
      type: z.enum(['io.lpprov.hr.worker.joined.v1', 'io.lpprov.hr.worker.left.v1', 'io.lpprov.hr.worker.moved.v1']),
      event_id: optionalText,
    })
    .nullish(),
  /**
   * SCIM only: the identity provider's groups for this person (display names). With the policy's
   * `authority.groups: idp` they, not the group rules, are the person's LastPass groups.
   */
  groups: z.array(z.string().min(1).max(256)).nullish(),
  origin: z
    .object({
      system: optionalText,
      record_ref: optionalText,
      actor: optionalText,
      /** SCIM DELETE: the IdP asked for the account to go, not only to be deactivated. */
      hard_delete_requested: z.boolean().nullish(),
    })
    .nullish(),
});

export const hrEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1).max(500),
    source: z.string().min(1).max(500),
    type: z.enum(HR_EVENT_TYPES),
    subject: z.string().regex(/^person\/.+$/, 'must be person/<person_id>'),
    time: rfc3339,
    datacontenttype: z.string().nullish(),
    dataschema: z.string().nullish(),
    /** Per-person monotonic counter from the publishing bridge; zero-padded decimal. */
    sequence: z.string().regex(/^\d{1,15}$/, 'must be a decimal counter').nullish(),
    sequencetype: z.string().nullish(),
    partitionkey: z.string().nullish(),
    tenantid: z.string().nullish(),
    effectiveat: rfc3339.nullish(),
    correlationid: z.string().nullish(),
    data: hrEventDataSchema,
  })
  .superRefine((event, ctx) => {
    if (event.subject !== `person/${event.data.worker.person_id}`) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'must equal person/<data.worker.person_id>' });
    }
    if (event.type === 'io.lpprov.hr.worker.change_cancelled.v1' && !event.data.cancelled) {
      ctx.addIssue({ code: 'custom', path: ['data', 'cancelled'], message: 'change_cancelled needs data.cancelled.type' });
    }
  });

export type HrEvent = z.infer<typeof hrEventSchema>;

export type HrEventParse =
  | { readonly ok: true; readonly event: HrEvent }
  | { readonly ok: false; readonly reason: string };

/** Validates an already-decoded JSON value as an HR event, with every problem in `reason`. */
export function parseHrEvent(value: unknown): HrEventParse {
  const result = hrEventSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    reason: result.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; '),
  };
}
