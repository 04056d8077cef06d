import { describe, expect, it } from 'vitest';

import { LpprovMetrics } from '../../../src/observability/metrics.ts';
import type { OutboxMetricsSnapshot, OutboxMetricsSource } from '../../../src/observability/outbox-metrics-source.ts';
import { captureLogs } from '../../support/log-capture.ts';
import { parsePrometheusText, valueOf } from '../../support/prometheus-text.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');

const EMPTY: OutboxMetricsSnapshot = { commands: [], queueDepth: 0, oldestDueSince: null, inputDeadLetters: 0 };

/** A source whose answer the test sets, counting reads. */
class ScriptedSource implements OutboxMetricsSource {
  reads = 0;
  next: OutboxMetricsSnapshot | Error | 'hang' = EMPTY;

  read(): Promise<OutboxMetricsSnapshot> {
    this.reads += 1;
    const next = this.next;
    if (next === 'hang') return new Promise(() => undefined);
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

async function scrape(metrics: LpprovMetrics) {
  return parsePrometheusText(await metrics.registry.metrics());
}

function connected(options: { breakerOpen?: () => Promise<boolean>; timeoutMs?: number } = {}) {
  const metrics = new LpprovMetrics();
  const source = new ScriptedSource();
  const logs = captureLogs('warn');
  metrics.readFrom({
    outbox: source,
    breakerOpen: options.breakerOpen ?? (() => Promise.resolve(false)),
    logger: logs.logger,
    now: () => NOW,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { metrics, source, logs };
}

describe('LpprovMetrics scrape-time gauges', () => {
  it('reads the database once per scrape and shows what it read', async () => {
    const { metrics, source } = connected({ breakerOpen: () => Promise.resolve(true) });
    source.next = {
      commands: [
        { kind: 'add_user', status: 'pending', count: 3 },
        { kind: 'add_user', status: 'dead', count: 2 },
        { kind: 'delete_user', status: 'dead', count: 1 },
      ],
      queueDepth: 4,
      oldestDueSince: NOW - 90_000,
      inputDeadLetters: 5,
    };

    const families = await scrape(metrics);

    expect(source.reads).toBe(1);
    expect(valueOf(families, 'lpprov_outbox_commands', { kind: 'add_user', status: 'pending' })).toBe(3);
    expect(valueOf(families, 'lpprov_outbox_dead_commands')).toBe(3);
    expect(valueOf(families, 'lpprov_outbox_queue_depth')).toBe(4);
    expect(valueOf(families, 'lpprov_outbox_oldest_pending_age_seconds')).toBe(90);
    expect(valueOf(families, 'lpprov_input_dead_letters')).toBe(5);
    expect(valueOf(families, 'lpprov_breaker_open')).toBe(1);
    expect(valueOf(families, 'lpprov_metrics_database_read_ok')).toBe(1);
  });

  it('shows 0 for a kind and status that emptied, and 0 age when nothing is due', async () => {
    const { metrics, source } = connected();
    source.next = { ...EMPTY, commands: [{ kind: 'disable_user', status: 'pending', count: 7 }], oldestDueSince: NOW - 1000 };
    await scrape(metrics);
    source.next = EMPTY;

    const families = await scrape(metrics);

    expect(valueOf(families, 'lpprov_outbox_commands', { kind: 'disable_user', status: 'pending' })).toBe(0);
    expect(valueOf(families, 'lpprov_outbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('keeps answering with the last values when the database read fails, and says so', async () => {
    const { metrics, source, logs } = connected();
    source.next = { ...EMPTY, queueDepth: 9 };
    await scrape(metrics);
    source.next = new Error('connection terminated');

    const families = await scrape(metrics);

    expect(valueOf(families, 'lpprov_outbox_queue_depth')).toBe(9);
    expect(valueOf(families, 'lpprov_metrics_database_read_ok')).toBe(0);
    expect(logs.text()).toContain('could not read metrics from the database');

    source.next = { ...EMPTY, queueDepth: 1 };
    const recovered = await scrape(metrics);
    expect(valueOf(recovered, 'lpprov_outbox_queue_depth')).toBe(1);
    expect(valueOf(recovered, 'lpprov_metrics_database_read_ok')).toBe(1);
  });

  it('does not wait for a database that hangs beyond the scrape timeout', async () => {
    const { metrics, source } = connected({ timeoutMs: 50 });
    source.next = 'hang';

    const families = await scrape(metrics);

    expect(valueOf(families, 'lpprov_metrics_database_read_ok')).toBe(0);
  });

  it('leaves gauges set directly alone until connected (the dispatcher sets the breaker)', async () => {
    const metrics = new LpprovMetrics();
    metrics.breakerOpen.set(1);
    expect(valueOf(await scrape(metrics), 'lpprov_breaker_open')).toBe(1);
  });
});

describe('LpprovMetrics counters', () => {
  it('counts HR results per channel and LastPass calls with their duration', async () => {
    const metrics = new LpprovMetrics();
    metrics.countEvents('kafka', ['applied', 'duplicate', 'applied']);
    metrics.countEvents('webhook', ['dead_lettered']);
    metrics.observeLastPassCall({ command: 'batchadd', outcome: 'ok', durationMs: 40 });
    metrics.observeLastPassCall({ command: 'batchadd', outcome: 'ok', durationMs: 700 });

    const families = await scrape(metrics);

    expect(valueOf(families, 'lpprov_events_received_total', { source: 'kafka', outcome: 'applied' })).toBe(2);
    expect(valueOf(families, 'lpprov_events_received_total', { source: 'webhook', outcome: 'dead_lettered' })).toBe(1);
    expect(valueOf(families, 'lpprov_lastpass_calls_total', { command: 'batchadd', outcome: 'ok' })).toBe(2);
    expect(valueOf(families, 'lpprov_lastpass_call_duration_seconds_bucket', { command: 'batchadd', outcome: 'ok', le: '0.05' })).toBe(1);
    expect(valueOf(families, 'lpprov_lastpass_call_duration_seconds_bucket', { command: 'batchadd', outcome: 'ok', le: '1' })).toBe(2);
    expect(valueOf(families, 'lpprov_lastpass_call_duration_seconds_sum', { command: 'batchadd', outcome: 'ok' })).toBeCloseTo(0.74);
  });
});
