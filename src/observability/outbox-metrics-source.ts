/** Outbox commands of one kind in one status. */
export interface OutboxCount {
  readonly kind: string;
  readonly status: string;
  readonly count: number;
}

/** What the outbox gauges show, read from the database once per scrape. */
export interface OutboxMetricsSnapshot {
  /**
   * Commands still open (pending, in_flight, awaiting_approval, dead) by kind and status. Done,
   * skipped and cancelled are history that only grows; `lpprov_commands_total` counts them.
   */
  readonly commands: readonly OutboxCount[];
  /** Pending commands due now plus commands in flight: the backlog dispatch works through. */
  readonly queueDepth: number;
  /** Epoch ms since when the longest-waiting due pending command has been due; null: none. */
  readonly oldestDueSince: number | null;
  /** Open rows in dead_letters: inputs that could not be accepted, not yet retried or discarded. */
  readonly inputDeadLetters: number;
}

/** Read port for the scrape-time gauges (src/db implements it for both engines). */
export interface OutboxMetricsSource {
  read(now: number): Promise<OutboxMetricsSnapshot>;
}
