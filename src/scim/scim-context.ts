import type { Request } from 'express';

import type { ScimDeps } from '../app/scim/scim-deps.ts';
import type { IdpKind } from '../core/scim.ts';
import type { Logger } from '../observability/logger.ts';
import { idpKindOf } from './idp-kind.ts';
import type { KeyedQueue } from './keyed-queue.ts';

/** What every SCIM route handler needs. */
export interface ScimContext {
  readonly deps: ScimDeps;
  readonly logger: Logger;
  /** Serialises writes to one resource within this process. */
  readonly queue: KeyedQueue;
  /** SCIM_BASE_URL; undefined: each request's own scheme, host and mount path. */
  readonly baseUrl: string | undefined;
  /** Whether HTTP Basic is configured (ServiceProviderConfig says so). */
  readonly basic: boolean;
}

/** The SCIM root URL resources are located under, for `meta.location` and `Location`. */
export function baseOf(context: ScimContext, req: Request): string {
  return context.baseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}

export function idpOf(req: Request): IdpKind {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : undefined;
  return idpKindOf(req.get('user-agent'), query);
}

/** Whether the request asked for a projection (a PATCH then answers 200 with the resource, RFC 7644 §3.5.2). */
export function asksForAttributes(req: Request): boolean {
  return Object.keys(req.query).some((key) => ['attributes', 'excludedattributes'].includes(key.toLowerCase()));
}
