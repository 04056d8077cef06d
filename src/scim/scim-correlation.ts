import type { Request } from 'express';

import { correlationIdFromHeaders } from '../app/correlation-id.ts';
import type { ScimDeps } from '../app/scim/scim-deps.ts';
import type { Logger } from '../observability/logger.ts';

const assigned = new WeakMap<Request, string>();

/**
 * The SCIM request's correlation id: the client's X-Correlation-Id / X-Request-Id when it is a
 * sane token, else a new UUID; the same for every call during one request. It follows the
 * request's changes into the inbox, the outbox commands they plan and the dispatcher's log lines.
 */
export function correlationIdOf(req: Request): string {
  let id = assigned.get(req);
  if (id === undefined) {
    id = correlationIdFromHeaders(req.headers);
    assigned.set(req, id);
  }
  return id;
}

/** The request's logger: every line it writes carries the correlation id. */
export function requestLogger(logger: Logger, req: Request): Logger {
  return logger.child({ correlationId: correlationIdOf(req) });
}

/** The use cases' dependencies for one request: what it changes is planned under its correlation id. */
export function depsFor(deps: ScimDeps, req: Request): ScimDeps {
  return { ...deps, correlationId: correlationIdOf(req) };
}
