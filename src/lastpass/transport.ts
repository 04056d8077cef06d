import { Pool } from 'undici';

import type { HttpAnswer, TransportFault } from './wire-types.ts';

export interface TransportOptions {
  /** Full endpoint URL, e.g. https://lastpass.com/enterpriseapi.php. */
  readonly url: string;
  readonly connectTimeoutMs: number;
  /** Time allowed until the response headers arrive (LastPass answers large reads slowly). */
  readonly headersTimeoutMs: number;
  /** Time allowed between two chunks of the response body. */
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Most sockets kept open to LastPass at once. */
  readonly connections: number;
  readonly userAgent: string;
}

export type TransportResult =
  | { readonly ok: true; readonly answer: HttpAnswer }
  | { readonly ok: false; readonly fault: TransportFault };

/** Error codes meaning the request never left this process, so LastPass cannot have acted on it. */
const BEFORE_SENDING_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** JSON POSTs to the one LastPass endpoint over a keep-alive pool. Never throws for network faults. */
export class Transport {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    const url = new URL(options.url);
    this.#options = options;
    this.#path = `${url.pathname}${url.search}`;
    this.#pool = new Pool(url.origin, {
      connections: options.connections,
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
    });
  }

  async post(body: string): Promise<TransportResult> {
    try {
      const response = await this.#pool.request({
        path: this.#path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/xml;q=0.9, */*;q=0.1',
          'user-agent': this.#options.userAgent,
        },
        body,
      });
      // LastPass labels JSON as text/xml (reference §1.2), so the body is always read as text.
      const bodyText = await response.body.text();
      return {
        ok: true,
        answer: {
          status: response.statusCode,
          contentType: firstHeader(response.headers['content-type']),
          retryAfter: firstHeader(response.headers['retry-after']),
          bodyText,
        },
      };
    } catch (error) {
      return { ok: false, fault: describeFault(error) };
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Keeps only code and message: the raw error may hold sockets or request state, never wanted in a log. */
function describeFault(error: unknown): TransportFault {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return { code, message, beforeSending: BEFORE_SENDING_CODES.has(code) };
}

function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UNKNOWN';
  if ('code' in error && typeof error.code === 'string') return error.code;
  // Happy-eyeballs connects fail with an AggregateError whose parts carry the code.
  if (error instanceof AggregateError) {
    const first: unknown = error.errors[0];
    return errorCode(first);
  }
  return 'UNKNOWN';
}
