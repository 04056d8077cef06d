import type { Lifecycle } from '../core/lifecycle.ts';
import type { SqlDatabase } from '../db/sql-database.ts';
import type { ClaimedCommand } from './outbox.store.ts';

/** Re-checks scheduled commands when they fire, against the person's latest lifecycle. */
export interface PreconditionCheck {
  /** Why each command that must not run any more fails its precondition (by outbox id). */
  failing(claimed: readonly ClaimedCommand[]): Promise<Map<number, string>>;
}

/**
 * A delete parked behind a grace period must not delete a rehired person (the Keycloak failure in
 * reference/hr-lifecycle.md §3.5): the planner cancels such commands, and this is the second
 * check, at the moment the command would run.
 */
export class SqlPreconditionCheck implements PreconditionCheck {
  readonly #db: SqlDatabase;
  readonly #heldByPolicy: ReadonlySet<string>;

  /**
   * `legalHoldPersonIds`: the policy's override list, which holds people whatever their stored
   * state says (someone may be added to it after their delete was scheduled).
   */
  constructor(db: SqlDatabase, legalHoldPersonIds: readonly string[] = []) {
    this.#db = db;
    this.#heldByPolicy = new Set(legalHoldPersonIds);
  }

  async failing(claimed: readonly ClaimedCommand[]): Promise<Map<number, string>> {
    const failures = new Map<number, string>();
    for (const command of claimed) {
      const precondition = command.precondition;
      if (precondition === undefined) continue;
      const [row] = await this.#db.query<{ lifecycle: string | null }>('SELECT lifecycle FROM people WHERE person_id = $1', [
        command.personId,
      ]);
      const lifecycle = row?.lifecycle == null ? undefined : (JSON.parse(row.lifecycle) as Lifecycle);
      if (lifecycle === undefined) {
        failures.set(command.id, 'precondition failed: the person is unknown');
      } else if (lifecycle.epoch !== precondition.epoch) {
        failures.set(command.id, `precondition failed: the person's plan changed since it was scheduled (now ${lifecycle.state})`);
      } else if (precondition.notOnLegalHold && (lifecycle.legalHold || this.#heldByPolicy.has(command.personId))) {
        failures.set(command.id, 'precondition failed: the person is on legal hold');
      }
    }
    return failures;
  }
}
