import type { Policy } from '../../core/policy/policy.ts';
import type { Clock, UnitOfWork } from '../../core/ports.ts';

export interface ScimDeps {
  readonly unitOfWork: UnitOfWork;
  readonly clock: Clock;
  readonly policy: Policy;
  /** New resource ids (UUIDs in production; predictable in tests). */
  readonly newId: () => string;
  /** Called after a commit that enqueued commands, so the dispatcher does not wait to poll. */
  readonly onCommitted?: () => void;
}

/** A SCIM resource body as the adapter validated it: plain JSON, without meta. */
export type ScimResourceBody = Readonly<Record<string, unknown>>;
