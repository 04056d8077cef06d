import { Counter, Gauge, Registry } from 'prom-client';

/**
 * lpprov's Prometheus metrics, on a registry of their own (no global state, so tests and several
 * instances in one process do not collide). Components take the one they need.
 */
export class LpprovMetrics {
  readonly registry = new Registry();

  readonly commandOutcomes = new Counter({
    name: 'lpprov_commands_total',
    help: 'Outbox commands by kind and the outcome of a dispatch attempt (done, retry, dead, parked)',
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
  });

  readonly parkedCommands = new Counter({
    name: 'lpprov_commands_parked_total',
    help: 'Destructive commands parked by the mass-change breaker',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
}
