import { Router } from 'express';

import type { Logger } from './logger.ts';
import { TimeoutError, withTimeout } from './with-timeout.ts';

/** The Kafka consumer's own view of itself (HrKafkaConsumer.readiness()). */
export interface KafkaReadiness {
  /** True while the consumer is a member of its group and fetching. */
  readonly ready: boolean;
  readonly state: string;
}

/** simulated: no credentials, an in-process simulator; refused: LastPass refused the credentials. */
export type LastPassReadiness = 'simulated' | 'configured' | 'refused';

export interface ReadinessChecks {
  /** Resolves when the database answers (SELECT 1). */
  readonly database: () => Promise<void>;
  /** Absent when KAFKA_BROKERS is not set. */
  readonly kafka?: () => KafkaReadiness;
  readonly lastpass: () => Promise<LastPassReadiness>;
  readonly logger: Logger;
  /** Longest any one check may take; a slower one counts as failed. */
  readonly timeoutMs?: number;
}

export const READYZ_PATH = '/readyz';
const DEFAULT_TIMEOUT_MS = 2000;

type CheckReport = { readonly status: string; readonly state?: string; readonly reason?: string };

/**
 * `/readyz`: 200 when lpprov can take input durably, 503 when it cannot: the database does not
 * answer, or (with Kafka configured) the consumer is not in its group. LastPass refusing the
 * credentials is reported but stays 200: input is still taken and queued in the outbox, and
 * dispatch resumes by itself once the credentials are fixed, so taking the replica out of a load
 * balancer would only turn away SCIM and webhook requests it can store. Failure reasons here are
 * fixed texts; details go to the log, because the endpoint needs no authentication.
 */
export function readinessRouter(checks: ReadinessChecks): Router {
  const logger = checks.logger.child({ component: 'readiness' });
  const timeoutMs = checks.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const database = async (): Promise<CheckReport> => {
    try {
      await withTimeout(checks.database(), timeoutMs, 'database check');
      return { status: 'ok' };
    } catch (error) {
      logger.warn({ err: error }, 'readiness: the database does not answer');
      return { status: 'failed', reason: error instanceof TimeoutError ? `no answer within ${timeoutMs} ms` : 'the query failed' };
    }
  };

  const kafka = (): CheckReport => {
    if (checks.kafka === undefined) return { status: 'not_configured' };
    const { ready, state } = checks.kafka();
    return { status: ready ? 'ok' : 'failed', state };
  };

  const lastpass = async (): Promise<CheckReport> => {
    try {
      return { status: await withTimeout(checks.lastpass(), timeoutMs, 'LastPass state check') };
    } catch (error) {
      // The state lives in the database; when that fails the database check says so.
      logger.warn({ err: error }, 'readiness: could not read the LastPass account state');
      return { status: 'unknown' };
    }
  };

  const router = Router();
  router.get(READYZ_PATH, (_req, res, next) => {
    Promise.all([database(), lastpass()])
      .then(([db, lp]) => {
        const kafkaReport = kafka();
        const ready = db.status === 'ok' && kafkaReport.status !== 'failed';
        res
          .status(ready ? 200 : 503)
          .set('Cache-Control', 'no-store')
          .json({ status: ready ? 'ready' : 'not_ready', checks: { database: db, kafka: kafkaReport, lastpass: lp } });
      })
      .catch(next);
  });
  return router;
}
