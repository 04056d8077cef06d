import type { Secret } from '../core/secret.ts';
import type { Logger } from '../observability/logger.ts';

import { DEFAULT_RETRY_POLICY, type InRequestRetryPolicy } from './in-request-retry.ts';

export const DEFAULT_ENDPOINT = 'https://lastpass.com/enterpriseapi.php';

export interface LastPassTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
  readonly keepAliveMs: number;
}

export interface LastPassClientOptions {
  /** Account number. */
  readonly cid: string;
  readonly provhash: Secret;
  /** The client takes a child `{component: 'lastpass'}` of it. */
  readonly logger: Logger;
  /** Default: https://lastpass.com/enterpriseapi.php. */
  readonly url?: string;
  readonly timeouts?: Partial<LastPassTimeouts>;
  /** Most sockets open to LastPass at once. */
  readonly connections?: number;
  readonly retry?: Partial<InRequestRetryPolicy>;
  /** `getuserdata` page size when paging (1000, as JupiterOne's client). */
  readonly userDataPageSize?: number;
  /** Guard against a cursor that never ends (reporting, expiredmasterpwlist, getuserdata). */
  readonly maxPages?: number;
  readonly userAgent?: string;
  /** Clock for HTTP-date Retry-After values. */
  readonly now?: () => number;
  /** Told of every HTTP request sent (each in-request retry too), for metrics; must not throw. */
  readonly onCall?: (call: LastPassCallObservation) => void;
}

/**
 * How one HTTP request to enterpriseapi.php ended, from the client's classification: `permanent`
 * is a refusal retrying cannot fix, `network` a request that got no HTTP answer at all.
 */
export type LastPassCallOutcome = 'ok' | 'partial' | 'transient' | 'permanent' | 'auth' | 'network';

export interface LastPassCallObservation {
  /** The API `cmd` (batchadd, getuserdata, ...); `other` for a command the client does not know. */
  readonly command: string;
  readonly outcome: LastPassCallOutcome;
  /** From sending the request to reading the whole answer (or giving up). */
  readonly durationMs: number;
}

export interface ResolvedClientOptions {
  readonly url: string;
  readonly timeouts: LastPassTimeouts;
  readonly connections: number;
  readonly retry: InRequestRetryPolicy;
  readonly userDataPageSize: number;
  readonly maxPages: number;
  readonly userAgent: string;
  readonly now: () => number;
  readonly onCall: ((call: LastPassCallObservation) => void) | undefined;
}

export const DEFAULT_TIMEOUTS: LastPassTimeouts = {
  connectMs: 10_000,
  // Large getuserdata pages take LastPass a while to build before the first byte.
  headersMs: 60_000,
  bodyMs: 60_000,
  keepAliveMs: 10_000,
};

export function resolveClientOptions(options: LastPassClientOptions): ResolvedClientOptions {
  return {
    url: options.url ?? DEFAULT_ENDPOINT,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    connections: options.connections ?? 4,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    userDataPageSize: options.userDataPageSize ?? 1000,
    maxPages: options.maxPages ?? 1000,
    userAgent: options.userAgent ?? 'lpprov',
    now: options.now ?? Date.now,
    onCall: options.onCall,
  };
}
