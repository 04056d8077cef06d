import type { ErrorRequestHandler, RequestHandler } from 'express';

import type { Logger } from '../observability/logger.ts';
import { requestLogger } from './scim-correlation.ts';
import { toScimHttpError } from './scim-error-mapping.ts';
import { ScimHttpError } from './scim-http-error.ts';
import { sendScimError } from './scim-response.ts';

/**
 * Every failure of a SCIM request becomes a SCIM Error body: refusals with their status and
 * scimType, express's own errors (malformed JSON: 400 invalidSyntax; too large: 413), and
 * anything unexpected as 500 with a generic detail, logged once with its cause. Never HTML, and
 * never a 404 for a crash.
 */
export function scimErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const refusal = toScimHttpError(error);
    const answer = refusal ?? new ScimHttpError(500, 'internal error: the request was not carried out; the server log has the cause');
    const path = `${req.baseUrl}${req.path}`;
    const log = requestLogger(logger, req);
    if (refusal === undefined) log.error({ err: error, method: req.method, path }, 'SCIM request failed');
    else if (refusal.status >= 500) log.warn({ err: error, method: req.method, path, status: refusal.status }, 'SCIM request could not be served now');
    else log.debug({ method: req.method, path, status: refusal.status, scimType: refusal.scimType, detail: refusal.message }, 'SCIM request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendScimError(res, answer);
  };
}

/** Any path under the SCIM root that no route serves: 404 as a SCIM error. */
export const scimNotFound: RequestHandler = (req, res) => {
  sendScimError(res, new ScimHttpError(404, `no SCIM endpoint at ${req.baseUrl}${req.path}`));
};

/** A known path asked with a method it does not take: 405 with Allow. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, res) => {
    sendScimError(res, new ScimHttpError(405, `${req.method} is not supported on ${req.baseUrl}${req.path}; use ${allowed.join(', ')}`, undefined, { Allow: allowed.join(', ') }));
  };
}

/** An endpoint SCIM defines that lpprov does not offer (ServiceProviderConfig says so): 501. */
export function notImplemented(what: string): RequestHandler {
  return (_req, res) => {
    sendScimError(res, new ScimHttpError(501, `${what} is not supported by this service provider`));
  };
}
