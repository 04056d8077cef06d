import { z } from 'zod';

/**
 * Canonical HR lifecycle event: a CloudEvents 1.0 envelope (structured JSON) whose `data` carries
 * a full worker snapshot (docs/events.md). Only what lpprov uses is required; unknown fields are
 * kept out of the parsed value but never cause a refusal.
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

export const EMPLOYMENT_STATUSES = ['pending', 'active', 'on_leave', 'terminated'] as const;

const rfc3339 = z.iso.datetime({ offset: true });

const workerSchema = z.object({
  person_id: z.string().min(1),
  employment_status: z.enum(EMPLOYMENT_STATUSES),
  email: z.object({ work: z.email() }),
  name: z.object({
    given: z.string().optional(),
    family: z.string().optional(),
    display: z.string().optional(),
  }),
});

export const hrEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.enum(HR_EVENT_TYPES),
  subject: z.string().regex(/^person\/.+$/, 'must be person/<person_id>'),
  time: rfc3339,
  /** Per-person monotonic counter from the publishing bridge; zero-padded decimal. */
  sequence: z.string().regex(/^\d{1,15}$/, 'must be a decimal counter').optional(),
  data: z.object({
    phase: z.enum(['scheduled', 'effective', 'immediate']),
    effective_at: rfc3339,
    worker: workerSchema,
  }),
}).superRefine((event, ctx) => {
  if (event.subject !== `person/${event.data.worker.person_id}`) {
    ctx.addIssue({ code: 'custom', path: ['subject'], message: 'must equal person/<data.worker.person_id>' });
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
