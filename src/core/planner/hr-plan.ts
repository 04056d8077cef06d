import type { LastPassCommand } from '../commands.ts';
import type { PersonChange } from '../events/person-change.ts';
import type { Policy } from '../policy/policy.ts';
import type { PendingCommand, PersonRecord, Precondition } from '../ports.ts';

export interface HrPlanInput {
  /** The input, parsed once at ingress. */
  readonly change: PersonChange;
  /** The person as stored, or undefined for someone new. */
  readonly person: PersonRecord | undefined;
  /** The person's commands still waiting in the outbox. */
  readonly pending: readonly PendingCommand[];
  readonly policy: Policy;
  /** Epoch ms; the planner reads no clock. */
  readonly now: number;
}

export interface PlannedStep {
  readonly command: LastPassCommand;
  /** Absent: as soon as possible. */
  readonly notBefore?: number;
  readonly precondition?: Precondition;
}

export interface HrPlan {
  /** The person after this change: new desired state, planned account, lifecycle. */
  readonly person: PersonRecord;
  /** New commands, in the order they must run. */
  readonly steps: readonly PlannedStep[];
  /** Pending commands this change makes obsolete. */
  readonly cancel: { readonly ids: readonly number[]; readonly reason: string } | undefined;
  /** Pending commands the plan keeps (they may have reached LastPass) that take its new epoch. */
  readonly restamp?: { readonly ids: readonly number[]; readonly epoch: number } | undefined;
  /** Why, in words, for the audit trail. */
  readonly decisions: readonly string[];
}
