import { randomUUID } from 'node:crypto';

/** Headers a caller may send its own correlation id in, most specific first. */
export const CORRELATION_HEADERS = ['x-correlation-id', 'x-request-id'] as const;

// The value goes into log lines and the database: a short token cannot forge log structure or
// smuggle a payload.
const SANE_TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id of an HTTP request (webhook, SCIM): the caller's own from the first of
 * CORRELATION_HEADERS that holds a sane token (at most 128 of `A-Z a-z 0-9 . _ : -`), else a new
 * UUID. A header sent twice (a list, or values joined with commas) is not a sane token.
 */
export function correlationIdFromHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): string {
  for (const name of CORRELATION_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && SANE_TOKEN.test(value)) return value;
  }
  return randomUUID();
}
