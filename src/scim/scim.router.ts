import express, { type RequestHandler, Router } from 'express';

import type { ScimDeps } from '../app/scim/scim-deps.ts';
import type { Secret } from '../core/secret.ts';
import type { Logger } from '../observability/logger.ts';
import { discoveryRoutes } from './discovery.routes.ts';
import { groupRoutes } from './groups.routes.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { scimAuthentication } from './scim-auth.ts';
import { idpOf, type ScimContext } from './scim-context.ts';
import { correlationIdOf } from './scim-correlation.ts';
import { methodNotAllowed, notImplemented, scimErrorHandler, scimNotFound } from './scim-error.middleware.ts';
import { userRoutes } from './users.routes.ts';

export const SCIM_MOUNT_PATH = '/scim/v2';

export interface ScimRouterOptions {
  readonly deps: ScimDeps;
  /** SCIM_TOKENS; none (and no Basic credentials): every request is refused with 401. */
  readonly tokens: readonly Secret[];
  /** SCIM_BASIC_CREDENTIALS (`user:password`); none: HTTP Basic is refused. */
  readonly basic?: readonly Secret[];
  /** Digests of the token lpprov generated when SCIM_TOKENS is unset (read per request: rotation needs no restart). */
  readonly generatedDigests?: () => readonly Buffer[];
  readonly logger: Logger;
  /** SCIM_BASE_URL: public URL of the SCIM root; undefined: from each request. */
  readonly baseUrl?: string | undefined;
  /** Largest request body read; larger: 413. */
  readonly maxBodyBytes?: number;
  /** Told how each authenticated write request ended, once answered (after its commit), for metrics. */
  readonly onWrite?: (outcome: ScimWriteOutcome) => void;
}

/** applied: 2xx; rejected: 4xx (invalid, conflict, precondition); failed: 5xx. */
export type ScimWriteOutcome = 'applied' | 'rejected' | 'failed';

const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Paths and the methods they take, for 405 answers. */
const ROUTES: readonly (readonly [string, readonly string[]])[] = [
  ['/ServiceProviderConfig', ['GET']],
  ['/serviceConfiguration', ['GET']],
  ['/ResourceTypes', ['GET']],
  ['/ResourceTypes/:name', ['GET']],
  ['/Schemas', ['GET']],
  ['/Schemas/:id', ['GET']],
  ['/Users', ['GET', 'POST']],
  ['/Users/.search', ['POST']],
  ['/Users/:id', ['GET', 'PUT', 'PATCH', 'DELETE']],
  ['/Groups', ['GET', 'POST']],
  ['/Groups/.search', ['POST']],
  ['/Groups/:id', ['GET', 'PUT', 'PATCH', 'DELETE']],
];

/**
 * The SCIM 2.0 service provider, mounted at /scim/v2: lpprov's own thin express 5 routes on top of
 * scimmy's schemas, validation, projection and PATCH (not scimmy-routers; docs/scim.md says why).
 * Order matters: authentication comes before the body is read, and every failure, including
 * express's own, ends in the SCIM error handler.
 */
export function scimRouter(options: ScimRouterOptions): Router {
  const logger = options.logger.child({ component: 'scim' });
  const basic = options.basic ?? [];
  const context: ScimContext = {
    deps: options.deps,
    logger,
    queue: new KeyedQueue(),
    baseUrl: options.baseUrl,
    basic: basic.length > 0,
  };

  const router = Router();
  router.use(requestLog(logger));
  router.use(
    scimAuthentication(
      { tokens: options.tokens, basic, ...(options.generatedDigests === undefined ? {} : { generatedDigests: options.generatedDigests }) },
      logger,
    ),
  );
  if (options.onWrite !== undefined) router.use(writeOutcomes(options.onWrite));
  // Okta and Entra send application/scim+json, others application/json; the body is JSON either way.
  router.use(express.json({ type: () => true, limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }));

  discoveryRoutes(router, context);
  userRoutes(router, context);
  groupRoutes(router, context);
  router.all('/Bulk', notImplemented('Bulk'));
  router.all('/Me', notImplemented('/Me'));
  router.all('/.search', notImplemented('Searching across resource types'));
  for (const [path, methods] of ROUTES) router.all(path, methodNotAllowed(methods));
  router.use(scimNotFound);
  router.use(scimErrorHandler(logger));
  return router;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Counted after authentication: a refused request is not an input. Searches by POST are reads. */
function writeOutcomes(onWrite: (outcome: ScimWriteOutcome) => void): RequestHandler {
  return (req, res, next) => {
    if (WRITE_METHODS.has(req.method) && !req.path.endsWith('/.search')) {
      res.on('finish', () => {
        const status = res.statusCode;
        onWrite(status >= 500 ? 'failed' : status >= 400 ? 'rejected' : 'applied');
      });
    }
    next();
  };
}

/**
 * One line per request with its correlation id (echoed in X-Correlation-Id): info for writes, the
 * inputs lpprov acts on; debug for reads. Never headers, bodies or query strings.
 */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const correlationId = correlationIdOf(req);
    res.set('X-Correlation-Id', correlationId);
    res.on('finish', () => {
      const write = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) && !req.path.endsWith('/.search');
      logger[write ? 'info' : 'debug'](
        {
          method: req.method,
          path: `${req.baseUrl}${req.path}`,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          idp: idpOf(req),
          correlationId,
        },
        'SCIM request',
      );
    });
    next();
  };
}
