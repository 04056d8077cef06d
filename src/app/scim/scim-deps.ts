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
  /** The SCIM request's correlation id: kept with the inputs it causes and their commands. */
  readonly correlationId?: string;
}

/**
 * What planning a SCIM change needs from the dependencies. `replan`: the user is planned again
 * because a group changed, not because the IdP changed the user.
 */
export type ScimPlanning = Pick<ScimDeps, 'policy' | 'correlationId'> & { readonly replan?: boolean };

/** A SCIM resource body as the adapter validated it: plain JSON, without meta. */
export type ScimResourceBody = Readonly<Record<string, unknown>>;
