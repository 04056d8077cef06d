import { eventKind, type HrEvent, type HrEventKind, type Worker } from './hr-event.ts';

/** Which kind of system an input comes from: HR, or an identity provider over SCIM. */
export type InputSource = 'hris' | 'idp';

/**
 * One input about one person, as the planner reads it: parsed once at ingress (an HR CloudEvent,
 * a SCIM change), times as epoch ms, the source explicit. The planner and the application never
 * look at the wire format again.
 */
export interface PersonChange {
  readonly source: InputSource;
  /** Where it came from (`hris://workday/acme`, `scim://okta`): the inbox dedupes on it and `id`. */
  readonly origin: string;
  readonly id: string;
  readonly kind: HrEventKind;
  /** change_cancelled: the kind of change withdrawn. */
  readonly cancelled: HrEventKind | undefined;
  readonly personId: string;
  /** When the change was recorded at the source: orders a person's changes when there is no sequence. */
  readonly at: number;
  /** When it takes effect (a start, a leave). */
  readonly effectiveAt: number;
  readonly sequence: number | undefined;
  /** Access goes now, whatever the date (phase `immediate`, `revoke_access_immediately`, an IdP deactivation). */
  readonly immediate: boolean;
  /** The worker as of `effectiveAt`. */
  readonly worker: Worker;
  /** The identity provider's groups for the person (display names), when it sends them. */
  readonly groups: readonly string[] | undefined;
  /** What policy conditions test (`worker.org.department`, `groups`): the event's data. */
  readonly facts: unknown;
  /** The input as the audit trail shows it: the CloudEvent (HR), or the event a SCIM change stands for. */
  readonly recorded: unknown;
}

/** The domain change an HR CloudEvent describes. */
export function changeOfHrEvent(event: HrEvent): PersonChange {
  const { data } = event;
  return {
    source: sourceOfOrigin(event.source),
    origin: event.source,
    id: event.id,
    kind: eventKind(event.type),
    cancelled: data.cancelled == null ? undefined : eventKind(data.cancelled.type),
    personId: data.worker.person_id,
    at: Date.parse(event.time),
    effectiveAt: Date.parse(data.effective_at),
    sequence: event.sequence == null ? undefined : Number(event.sequence),
    immediate: data.phase === 'immediate' || data.worker.termination?.revoke_access_immediately === true,
    worker: data.worker,
    groups: data.groups ?? undefined,
    facts: data,
    recorded: event,
  };
}

/** SCIM inputs carry a `scim://` origin; everything else comes from HR. */
export function sourceOfOrigin(origin: string): InputSource {
  return origin.startsWith('scim://') ? 'idp' : 'hris';
}

/** The CloudEvent type of a change kind, as the inbox records it. */
export function eventTypeOf(kind: HrEventKind): string {
  return `io.lpprov.hr.worker.${kind}.v1`;
}
