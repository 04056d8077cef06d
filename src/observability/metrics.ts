import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { Logger } from './logger.ts';
import type { OutboxMetricsSnapshot, OutboxMetricsSource } from './outbox-metrics-source.ts';
import { withTimeout } from './with-timeout.ts';

/** The input channels; labels carry the channel, never an event or person id. */
export type EventSource = 'kafka' | 'webhook' | 'scim';

/** One HTTP request to LastPass as the client reports it (LastPassCallObservation). */
export interface LastPassCall {
  readonly command: string;
  readonly outcome: string;
  readonly durationMs: number;
}

/** Where the scrape-time gauges read from; connected by the composition root. */
export interface ScrapeSources {
  readonly outbox: OutboxMetricsSource;
  /** Whether the mass-change breaker of lpprov's LastPass account is open (shared by every replica). */
  readonly breakerOpen: () => Promise<boolean>;
  readonly logger: Logger;
  /** Longest a scrape waits for the database before showing the last values read. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

const DEFAULT_SCRAPE_TIMEOUT_MS = 3000;

/**
 * LastPass answers writes in tens of milliseconds and large getuserdata pages in tens of
 * seconds; the client gives up after 60 s.
 */
const CALL_DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * lpprov's Prometheus metrics, on a registry of their own (no global state, so tests and several
 * instances in one process do not collide). Components take the one they need.
 *
 * Counters count what this process did. The outbox gauges, `lpprov_input_dead_letters` and
 * `lpprov_breaker_open` are read from the database when scraped (after `readFrom`), so every
 * replica reports the shared state and a restart does not reset it. When that read fails or
 * times out, /metrics still answers (the counters matter most during an outage): those gauges
 * keep the last values read and `lpprov_metrics_database_read_ok` drops to 0.
 */
export class LpprovMetrics {
  readonly registry = new Registry();
  #sources: ScrapeSources | undefined;
  #scrape: Promise<void> | undefined;
  /** Every (kind, status) reported so far: one that empties shows 0 instead of vanishing. */
  readonly #commandSeries = new Map<string, { kind: string; status: string }>();

  readonly commandOutcomes = new Counter({
    name: 'lpprov_commands_total',
    help: 'Outbox commands by kind and the outcome of a dispatch attempt (done, retry, failed, auth_failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly dispatchPaused = new Gauge({
    name: 'lpprov_dispatch_paused',
    help: 'Whether dispatch to LastPass is paused, by reason (auth: credentials refused; throttled: Retry-After)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 'lpprov_lastpass_auth_failures_total',
    help: 'Calls LastPass answered with the authorization error (wrong cid or provisioning hash)',
    registers: [this.registry],
  });

  readonly breakerOpen = new Gauge({
    name: 'lpprov_breaker_open',
    help: 'Whether the mass-change breaker is open (destructive commands are parked for approval)',
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  readonly parkedCommands = new Counter({
    name: 'lpprov_commands_parked_total',
    help: 'Destructive commands parked by the mass-change breaker',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly eventsReceived = new Counter({
    name: 'lpprov_events_received_total',
    help:
      'Inputs taken, counted once durable, by channel (kafka, webhook, scim) and outcome: for HR events applied, duplicate, stale ' +
      'or dead_lettered; for SCIM write requests applied (2xx), rejected (4xx) or failed (5xx)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly lastpassCalls = new Counter({
    name: 'lpprov_lastpass_calls_total',
    help: 'HTTP requests to the LastPass Enterprise API (each in-request retry counts), by API command and outcome (ok, partial, transient, permanent, auth, network)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly lastpassCallDuration = new Histogram({
    name: 'lpprov_lastpass_call_duration_seconds',
    help: 'Duration of HTTP requests to the LastPass Enterprise API, by API command and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: CALL_DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly outboxCommands = new Gauge({
    name: 'lpprov_outbox_commands',
    help: 'Open outbox commands by kind and status (pending, in_flight, awaiting_approval, dead), read from the database',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  readonly queueDepth = new Gauge({
    name: 'lpprov_outbox_queue_depth',
    help: 'Outbox commands due now and not yet done: pending ones whose time has come plus those in flight (scheduled future steps excluded)',
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  readonly oldestPendingAge = new Gauge({
    name: 'lpprov_outbox_oldest_pending_age_seconds',
    help: 'How long the longest-waiting pending command has been due (0: none due); includes commands held behind a dead or parked earlier command of the same person',
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  readonly deadCommands = new Gauge({
    name: 'lpprov_outbox_dead_commands',
    help: 'Outbox commands dead-lettered (status dead): an operator must retry, skip or cancel them',
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  readonly inputDeadLetters = new Gauge({
    name: 'lpprov_input_dead_letters',
    help: 'Open input dead letters: inputs that could not be accepted (invalid Kafka messages and webhook items, refused SCIM users) and that are not resolved yet: retried, discarded, or taken when the identity provider sent the user again (lpprov dead-letters)',
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  readonly databaseReadOk = new Gauge({
    name: 'lpprov_metrics_database_read_ok',
    help: 'Whether the database read behind the outbox, dead-letter and breaker gauges succeeded on the last scrape (0: they show older values)',
    registers: [this.registry],
    collect: () => this.#refresh(),
  });

  /** Connects the scrape-time gauges to the database; until then they keep what was set directly. */
  readFrom(sources: ScrapeSources): void {
    this.#sources = sources;
  }

  /** Counts the results of HR inputs once they are durable. */
  countEvents(source: EventSource, outcomes: readonly string[]): void {
    for (const outcome of outcomes) this.eventsReceived.inc({ source, outcome });
  }

  observeLastPassCall(call: LastPassCall): void {
    const labels = { command: call.command, outcome: call.outcome };
    this.lastpassCalls.inc(labels);
    this.lastpassCallDuration.observe(labels, call.durationMs / 1000);
  }

  /**
   * One database read per scrape, however many gauges ask: the registry collects every metric
   * at once, so they all wait on the read already under way.
   */
  #refresh(): Promise<void> {
    const sources = this.#sources;
    if (sources === undefined) return Promise.resolve();
    this.#scrape ??= this.#read(sources).finally(() => {
      this.#scrape = undefined;
    });
    return this.#scrape;
  }

  async #read(sources: ScrapeSources): Promise<void> {
    const now = (sources.now ?? Date.now)();
    const timeoutMs = sources.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
    try {
      const [snapshot, breakerOpen] = await withTimeout(
        Promise.all([sources.outbox.read(now), sources.breakerOpen()]),
        timeoutMs,
        'reading metrics from the database',
      );
      this.#apply(snapshot, now);
      this.breakerOpen.set(breakerOpen ? 1 : 0);
      this.databaseReadOk.set(1);
    } catch (error) {
      sources.logger.warn({ err: error }, 'could not read metrics from the database; outbox gauges keep their last values');
      this.databaseReadOk.set(0);
    }
  }

  #apply(snapshot: OutboxMetricsSnapshot, now: number): void {
    const current = new Set<string>();
    for (const { kind, status, count } of snapshot.commands) {
      const key = `${kind}\u0000${status}`;
      current.add(key);
      this.#commandSeries.set(key, { kind, status });
      this.outboxCommands.set({ kind, status }, count);
    }
    for (const [key, labels] of this.#commandSeries) {
      if (!current.has(key)) this.outboxCommands.set(labels, 0);
    }
    let dead = 0;
    for (const { status, count } of snapshot.commands) if (status === 'dead') dead += count;
    this.deadCommands.set(dead);
    this.queueDepth.set(snapshot.queueDepth);
    this.oldestPendingAge.set(snapshot.oldestDueSince === null ? 0 : Math.max(0, now - snapshot.oldestDueSince) / 1000);
    this.inputDeadLetters.set(snapshot.inputDeadLetters);
  }
}
