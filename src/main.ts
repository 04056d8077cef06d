import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { hostname } from 'node:os';

import express from 'express';

import { applyHrInputs } from './app/apply-hr-inputs.ts';
import type { HrInput } from './app/hr-input.ts';
import { startReconcileInterval } from './app/reconcile/reconcile-interval.ts';
import type { ScimDeps } from './app/scim/scim-deps.ts';
import type { Config, DispatchConfig, LastPassConfig } from './config/config.ts';
import type { Policy } from './core/policy/policy.ts';
import type { Clock } from './core/ports.ts';
import { Secret } from './core/secret.ts';
import { hrWebhookRouter } from './consumers/hr-webhook.router.ts';
import { HrKafkaConsumer } from './consumers/kafka-hr-consumer.ts';
import { ConfigError } from './config/config-error.ts';
import { loadPolicy } from './config/policy-file.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open-database.ts';
import { SqlReconcileSchedule } from './db/reconcile-schedule.repository.ts';
import { SqlReconcileStore } from './db/reconcile-store.ts';
import { SqlOutboxMetricsRepository } from './db/outbox-metrics.repository.ts';
import { SqlUnitOfWork } from './db/sql-unit-of-work.ts';
import { LastPassClient } from './lastpass/lastpass.client.ts';
import { LastPassDirectoryAdapter } from './lastpass/lastpass-directory.ts';
import { LastPassGatewayAdapter } from './lastpass/lastpass-gateway.ts';
import { healthRouter } from './observability/health.router.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { type EventSource, LpprovMetrics } from './observability/metrics.ts';
import { type KafkaReadiness, readinessRouter } from './observability/readiness.router.ts';
import { SqlAccountAddressBook } from './outbox/account-address-book.store.ts';
import { SqlAccountControl } from './outbox/account-control.store.ts';
import { Dispatcher } from './outbox/dispatcher.ts';
import { DEFAULT_DISPATCHER_SETTINGS, type DispatcherSettings } from './outbox/dispatcher-settings.ts';
import { outboxStoreFor, rateLimiterFor } from './outbox/open-outbox.ts';
import { SqlPreconditionCheck } from './outbox/precondition-check.ts';
import { SqlGeneratedTokenRepository } from './db/generated-token.repository.ts';
import { ensureGeneratedToken, tokenDigestHex } from './scim/generated-token.ts';
import { listenFailure } from './config/startup-error.ts';
import { GeneratedTokenDigests } from './scim/generated-token-digests.ts';
import { SCIM_MOUNT_PATH, scimRouter } from './scim/scim.router.ts';
import { startSimulator } from './simulator/index.ts';

export interface StartOptions {
  readonly logger?: Logger;
  /** Called when a component fails beyond repair (Kafka consumer crash): the process should exit non-zero. */
  readonly onFatal?: (error: Error) => void;
  readonly metrics?: LpprovMetrics;
}

export interface RunningLpprov {
  /** Base URL of the HTTP listener. */
  /** A URL of the HTTP listener that works from this machine. */
  readonly httpUrl: string;
  /** The address and port really bound (`0.0.0.0:8080`: every interface). */
  readonly listening: string;
  /** True when no LastPass credentials were configured and an in-process simulator stands in. */
  readonly simulated: boolean;
  /** LastPass endpoint in use (the simulator's in simulation mode). */
  readonly lastpassUrl: string;
  /** Root of the SCIM endpoint (SCIM_BASE_URL when set). */
  readonly scimUrl: string;
  /** How SCIM clients authenticate: SCIM_TOKENS, or the token lpprov generated because it is unset. */
  readonly scimAuth: 'configured' | 'generated';
  /** The generated SCIM token, only on the start that created it: shown once, never stored. */
  readonly newScimToken: string | undefined;
  /** Who decides LastPass groups (policy authority.groups), and how many group rules the policy has. */
  readonly groups: { readonly authority: Policy['authority']['groups']; readonly rules: number };
  /** Stops taking input first, then dispatch, then closes connections; safe to call twice. */
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Composition root: builds every adapter from the configuration and starts lpprov. Components
 * start in dependency order and stop in reverse, so input stops before dispatch and dispatch
 * before the connections it uses. The dispatcher is told to stop at once, though: it sends
 * nothing new while the Kafka consumer leaves its group (which can take seconds), and what it
 * has not sent goes back to the queue for the next process.
 */
export async function startLpprov(config: Config, options: StartOptions = {}): Promise<RunningLpprov> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const stops: (() => Promise<void>)[] = [];
  const stopFirst: (() => unknown)[] = [];
  let started = false;
  const stopAll = async (): Promise<void> => {
    // Its failure is reported where the same promise is awaited below, in order.
    for (const begin of stopFirst.splice(0)) Promise.resolve(begin()).catch(() => undefined);
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping a component');
      }
    }
  };

  try {
    // The policy is read and validated before anything starts: a bad file must stop lpprov at once.
    const policy = await loadPolicy(config.policyFile);
    if (policy.joiner.defaultPassword && config.lastpass.defaultPassword === undefined) {
      throw new ConfigError(['LASTPASS_DEFAULT_PASSWORD: the policy gives joiners a default password (joiner.default_password), so it must be set']);
    }
    const lastpass = await lastpassTarget(config.lastpass, logger, stops);

    const db = openDatabase(config.database);
    stops.push(() => db.close());
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.version) }, 'database migrated');

    const metrics = options.metrics ?? new LpprovMetrics();
    // Retry-After is not waited out inside the client: the dispatcher pauses the whole account
    // and takes a new token, so a retry never jumps the rate limiter's queue.
    const client = new LastPassClient({
      ...lastpass.credentials,
      url: lastpass.url,
      logger,
      retry: { maxRetryAfterMs: 0 },
      onCall: (call) => metrics.observeLastPassCall(call),
    });
    stops.push(() => client.close());
    // Pauses and the breaker are kept per account; simulation mode's account number changes per start.
    const settings = dispatcherSettings(config.dispatch, lastpass.simulated ? 'simulator' : lastpass.credentials.cid);
    const store = outboxStoreFor(db);
    const control = new SqlAccountControl(db);
    metrics.readFrom({
      outbox: new SqlOutboxMetricsRepository(db),
      breakerOpen: async () => (await control.state(settings.account)).breaker === 'open',
      logger,
    });
    const dispatcher = new Dispatcher(
      {
        store,
        control,
        rateLimiter: rateLimiterFor(db, control, settings.account, settings.rate),
        gateway: new LastPassGatewayAdapter(client, config.lastpass.defaultPassword ? { defaultPassword: config.lastpass.defaultPassword } : {}),
        clock: systemClock,
        logger,
        metrics,
        preconditions: new SqlPreconditionCheck(db, policy.legalHoldPersonIds),
        accounts: new SqlAccountAddressBook(db, policy),
      },
      settings,
    );
    dispatcher.start();
    let dispatcherStopped: Promise<void> | undefined;
    const stopDispatcher = (): Promise<void> => (dispatcherStopped ??= dispatcher.stop());
    stopFirst.push(stopDispatcher);
    stops.push(stopDispatcher);
    const unlisten = await store.onEnqueued(() => dispatcher.wake());
    stops.push(unlisten);

    // Without SCIM_TOKENS the endpoint still needs a secret: one is made on first start and only
    // its digest is kept, so the banner can show it once and nobody can read it back later.
    let newScimToken: string | undefined;
    let generatedDigests: GeneratedTokenDigests | undefined;
    if (config.scimTokens.length === 0) {
      const tokenStore = new SqlGeneratedTokenRepository(db);
      newScimToken = await ensureGeneratedToken(tokenStore, systemClock.now());
      if (newScimToken !== undefined) {
        // Kept only once a listening start has shown it: a start that fails later (a port in use)
        // forgets it, so the next start makes and shows a new one instead of keeping a secret nobody saw.
        const digest = tokenDigestHex(newScimToken);
        stops.push(() => (started ? Promise.resolve() : tokenStore.forget(digest)));
      }
      generatedDigests = new GeneratedTokenDigests(tokenStore, logger);
      await generatedDigests.start();
      stops.push(() => generatedDigests?.stop() ?? Promise.resolve());
    }

    const unitOfWork = new SqlUnitOfWork(db);
    const apply = async (inputs: readonly HrInput[]) => {
      const results = await applyHrInputs({ unitOfWork, clock: systemClock, policy }, inputs);
      dispatcher.wake();
      return results;
    };
    const countedApply = (source: EventSource) => async (inputs: readonly HrInput[]) => {
      const results = await apply(inputs);
      metrics.countEvents(source, results);
      return results;
    };
    const scimDeps: ScimDeps = { unitOfWork, clock: systemClock, policy, newId: randomUUID, onCommitted: () => dispatcher.wake() };

    if (config.reconcile.intervalMs !== undefined) {
      // Against the simulator in simulation mode. Pushed after the dispatcher, so it stops first.
      const reconcile = {
        store: new SqlReconcileStore(db),
        directory: new LastPassDirectoryAdapter(client),
        clock: systemClock,
        policy,
        onCommitted: () => dispatcher.wake(),
      };
      const interval = startReconcileInterval(
        { reconcile, schedule: new SqlReconcileSchedule(db), log: logger.child({ component: 'reconcile' }), owner: settings.owner, newRunId: randomUUID },
        { intervalMs: config.reconcile.intervalMs, fix: config.reconcile.fix },
      );
      stops.push(() => interval.stop());
    }

    let kafkaReadiness: (() => KafkaReadiness) | undefined;
    if (config.kafka !== undefined) {
      const consumer = new HrKafkaConsumer({
        config: config.kafka,
        logger,
        apply: countedApply('kafka'),
        onFatal: options.onFatal ?? ((error) => logger.fatal({ err: error }, 'Kafka consumer stopped for good')),
      });
      kafkaReadiness = () => consumer.readiness();
      await consumer.start();
      stops.push(() => consumer.stop());
    }

    const app = express();
    app.disable('x-powered-by');
    // SCIM sets its own weak ETags from resource versions; express's body hashes would contradict them.
    app.set('etag', false);
    app.use(healthRouter());
    app.use(
      readinessRouter({
        database: async () => {
          await db.query('SELECT 1');
        },
        ...(kafkaReadiness === undefined ? {} : { kafka: kafkaReadiness }),
        lastpass: async () =>
          (await control.state(settings.account)).authFailures > 0 ? 'refused' : lastpass.simulated ? 'simulated' : 'configured',
        logger,
      }),
    );
    app.use(hrWebhookRouter({ tokens: config.hrWebhookTokens, apply: countedApply('webhook'), logger }));
    app.use(
      SCIM_MOUNT_PATH,
      scimRouter({
        deps: scimDeps,
        tokens: config.scimTokens,
        basic: config.scimBasicCredentials,
        baseUrl: config.scimBaseUrl,
        logger,
        onWrite: (outcome) => metrics.eventsReceived.inc({ source: 'scim', outcome }),
        ...(generatedDigests === undefined ? {} : { generatedDigests: generatedDigests.digests }),
      }),
    );
    app.get('/metrics', (_req, res, next) => {
      metrics.registry.metrics().then((text) => res.type(metrics.registry.contentType).send(text), next);
    });
    // No HOST with credentials: Node's default, every interface (IPv6 and IPv4).
    const server = config.host === undefined ? app.listen(config.port) : app.listen(config.port, config.host);
    try {
      await once(server, 'listening');
    } catch (error) {
      throw listenFailure(error, { port: 'PORT', host: 'HOST' }, config.host ?? '::', config.port) ?? error;
    }
    stops.push(() => closeServer(server));
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? { host: address.address, port: address.port } : { host: config.host ?? '::', port: config.port };
    const listening = `${bracketed(bound.host)}:${bound.port}`;
    const httpUrl = `http://${localHost(bound.host)}:${bound.port}`;

    logger.info({ httpUrl, listening, lastpassUrl: lastpass.url, simulated: lastpass.simulated, kafka: config.kafka !== undefined }, 'lpprov started');
    if (newScimToken !== undefined) {
      logger.warn('SCIM_TOKENS is not set: generated a SCIM bearer token, shown once in the start banner; only its digest is stored');
    }
    started = true;
    return {
      httpUrl,
      listening,
      simulated: lastpass.simulated,
      lastpassUrl: lastpass.url,
      scimUrl: config.scimBaseUrl ?? `${httpUrl}${SCIM_MOUNT_PATH}`,
      scimAuth: generatedDigests === undefined ? 'configured' : 'generated',
      newScimToken,
      groups: { authority: policy.authority.groups, rules: policy.groupRules.length },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface LastPassTarget {
  readonly url: string;
  readonly credentials: { readonly cid: string; readonly provhash: Secret };
  readonly simulated: boolean;
}

/** The configured LastPass account, or an in-process simulator when no credentials are set. */
async function lastpassTarget(config: LastPassConfig, logger: Logger, stops: (() => Promise<void>)[]): Promise<LastPassTarget> {
  if (config.cid !== undefined && config.provhash !== undefined) {
    return { url: config.url, credentials: { cid: config.cid, provhash: config.provhash }, simulated: false };
  }
  const cid = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
  const provhash = randomBytes(24).toString('hex');
  let simulator;
  try {
    simulator = await startSimulator({ cid, provhash, port: config.simulatorPort });
  } catch (error) {
    throw listenFailure(error, { port: 'LASTPASS_SIMULATOR_PORT', host: undefined }, '127.0.0.1', config.simulatorPort) ?? error;
  }
  stops.push(() => simulator.stop());
  logger.warn(
    { lastpassUrl: simulator.endpoint },
    'SIMULATION MODE: no LASTPASS_CID/LASTPASS_PROVHASH set, so commands go to an in-process LastPass simulator, not to LastPass',
  );
  return { url: simulator.endpoint, credentials: { cid, provhash: new Secret(provhash) }, simulated: true };
}

function dispatcherSettings(config: DispatchConfig, account: string): DispatcherSettings {
  return {
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    account,
    batchSize: config.batchSize,
    maxInFlight: config.maxInFlight,
    rate: { perSecond: config.ratePerSecond, burst: config.rateBurst },
    leaseMs: config.leaseMs,
    pollMs: config.pollMs,
    gatherMs: config.gatherMs,
    authPauseMs: DEFAULT_DISPATCHER_SETTINGS.authPauseMs,
    maxAuthPauseMs: DEFAULT_DISPATCHER_SETTINGS.maxAuthPauseMs,
    backoff: { baseMs: config.retryBaseMs, capMs: config.retryCapMs, maxAttempts: config.maxAttempts },
    breaker: config.breaker,
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The bound address as this machine reaches it: a wildcard bind is reached on loopback. */
function localHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : bracketed(host);
}
