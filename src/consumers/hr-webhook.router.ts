import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, Router } from 'express';

import { correlationIdFromHeaders } from '../app/correlation-id.ts';
import type { HrInput, HrInputResult } from '../app/hr-input.ts';
import type { Secret } from '../core/secret.ts';
import type { Logger } from '../observability/logger.ts';
import { bearerTokenCheck } from './bearer-token-check.ts';
import { decodeWebhookBody, type WebhookItem } from './webhook-body.ts';
import { type WebhookItemReport, webhookReport } from './webhook-report.ts';

export const HR_WEBHOOK_PATH = '/hr/events';

export interface HrWebhookLimits {
  /** Largest body read, in bytes (after decompression); larger: 413. */
  readonly maxBodyBytes: number;
  /** Most events in one batch; more: 413, nothing taken. */
  readonly maxEvents: number;
}

export const DEFAULT_HR_WEBHOOK_LIMITS: HrWebhookLimits = { maxBodyBytes: 1024 * 1024, maxEvents: 500 };

export interface HrWebhookDeps {
  /** HR_WEBHOOK_TOKENS; none configured: every request is refused with 401. */
  readonly tokens: readonly Secret[];
  /** Applies inputs in one transaction; resolves once they are durable. */
  readonly apply: (inputs: readonly HrInput[]) => Promise<HrInputResult[]>;
  readonly logger: Logger;
  readonly limits?: Partial<HrWebhookLimits>;
}

const MEDIA_TYPES = new Set(['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json']);
const RETRY_AFTER_SECONDS = 5;

/**
 * `POST /hr/events`: HR events as CloudEvents structured JSON, one or a batch, behind bearer
 * tokens. Every item of a request is applied in one transaction and the answer is sent only
 * after it committed; invalid items are recorded as dead letters in that same transaction.
 * Status codes and body shape: docs/events.md, "Webhook".
 */
export function hrWebhookRouter(deps: HrWebhookDeps): Router {
  const limits = { ...DEFAULT_HR_WEBHOOK_LIMITS, ...deps.limits };
  const logger = deps.logger.child({ component: 'hr-webhook' });
  const check = bearerTokenCheck(deps.tokens);
  if (deps.tokens.length === 0) {
    // Closed, not open: an unset variable must never mean "anyone may provision".
    logger.warn('HR_WEBHOOK_TOKENS is not set: the HR webhook refuses every request with 401');
  }

  // Authentication comes before the body is read: an unauthenticated body is neither parsed nor stored.
  const authenticate: RequestHandler = (req, res, next) => {
    const verdict = check(req.headers.authorization);
    if (verdict === 'ok') {
      next();
      return;
    }
    logger.warn({ remoteAddress: req.socket.remoteAddress, credentials: verdict }, 'HR webhook request refused: no valid bearer token');
    const challenge = verdict === 'invalid' ? 'Bearer realm="lpprov", error="invalid_token"' : 'Bearer realm="lpprov"';
    res.status(401).set('WWW-Authenticate', challenge).json({ error: 'a valid bearer token is required' });
  };

  const requireJson: RequestHandler = (req, res, next) => {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (MEDIA_TYPES.has(mediaType)) {
      next();
      return;
    }
    res.status(415).json({ error: `Content-Type must be one of ${[...MEDIA_TYPES].join(', ')}` });
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    // The sender's X-Correlation-Id / X-Request-Id when sane, else a new one; echoed so a sender
    // that sent none can still name the request to an operator (lpprov audit, log lines).
    const correlationId = correlationIdFromHeaders(req.headers);
    const log = logger.child({ correlationId });
    res.set('X-Correlation-Id', correlationId);
    const body: unknown = req.body;
    const decoded = decodeWebhookBody(Buffer.isBuffer(body) ? body : Buffer.alloc(0), limits.maxEvents, correlationId);
    if (decoded.kind === 'too_many') {
      res.status(413).json({ error: `a batch may hold at most ${limits.maxEvents} events; this one holds ${decoded.count}` });
      return;
    }
    if (decoded.kind === 'malformed') {
      if (!(await store(res, log, [decoded.input]))) return;
      log.warn({ reason: decoded.input.reason }, 'HR webhook body dead-lettered');
      res.status(400).json({ accepted: 0, rejected: 1, results: [{ index: 0, error: decoded.input.reason }] });
      return;
    }
    const { items } = decoded;
    const results = items.length === 0 ? [] : await store(res, log, items.map((item) => item.input));
    if (results === undefined) return;
    const report = webhookReport(items, results);
    logOutcome(log, items, report.body.results);
    res.status(report.status).json(report.body);
  };

  /** Applies the inputs; on failure answers 503 itself and returns undefined. */
  const store = async (res: Response, log: Logger, inputs: readonly HrInput[]): Promise<HrInputResult[] | undefined> => {
    try {
      return await deps.apply(inputs);
    } catch (error) {
      log.error({ err: error, items: inputs.length }, 'could not store HR webhook events; answered 503 so the sender retries');
      res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ error: 'the events could not be stored; nothing was taken, retry later' });
      return undefined;
    }
  };

  const router = Router();
  router.post(HR_WEBHOOK_PATH, authenticate, requireJson, express.raw({ type: () => true, limit: limits.maxBodyBytes }), handle);
  router.all(HR_WEBHOOK_PATH, (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ error: 'only POST is supported here' });
  });
  router.use(HR_WEBHOOK_PATH, bodyErrorHandler(logger));
  return router;
}

/** Errors from reading the body (too large, aborted, bad encoding) as JSON, never as express's HTML. */
function bodyErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const status = httpStatusOf(error);
    if (status === 413) {
      res.status(413).json({ error: 'the request body is too large' });
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      res.status(status).json({ error: error instanceof Error ? error.message : 'bad request' });
      return;
    }
    logger.error({ err: error }, 'HR webhook request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

function logOutcome(logger: Logger, items: readonly WebhookItem[], reports: readonly WebhookItemReport[]): void {
  const counts: Record<string, number> = {};
  for (const [position, report] of reports.entries()) {
    const key = report.result ?? 'rejected';
    counts[key] = (counts[key] ?? 0) + 1;
    if (report.error !== undefined) {
      logger.warn({ index: report.index, reason: report.error }, 'invalid HR webhook item dead-lettered');
      continue;
    }
    const input = items[position]?.input;
    const itemCorrelationId = input?.kind === 'event' ? input.correlationId : undefined;
    logger.debug({ index: report.index, eventId: items[position]?.id, itemCorrelationId, result: report.result }, 'HR event processed');
  }
  logger.info({ items: items.length, ...counts }, 'HR webhook request processed');
}
