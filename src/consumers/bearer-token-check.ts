import { createHash, timingSafeEqual } from 'node:crypto';

import type { Secret } from '../core/secret.ts';

/** `missing`: no bearer credentials at all; `invalid`: a bearer token that is not configured. */
export type BearerVerdict = 'ok' | 'missing' | 'invalid';

// RFC 6750 §2.1 / RFC 9110 §11.1: the scheme is case-insensitive, the token one word after it.
const BEARER_SCHEME = /^Bearer(?:[ \t]|$)/i;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Checks an `Authorization` header against the configured tokens (several, so they can be
 * rotated). Both sides are hashed first, so every comparison is between two 32-byte digests:
 * timingSafeEqual then leaks neither the token nor its length, and every configured token is
 * compared, so the time does not tell which one matched either. No token configured: nothing
 * matches, ever.
 */
export function bearerTokenCheck(tokens: readonly Secret[]): (authorization: string | undefined) => BearerVerdict {
  const known = tokens.filter((token) => !token.isEmpty).map((token) => digest(token.reveal()));
  return (authorization) => {
    if (authorization === undefined || !BEARER_SCHEME.test(authorization)) return 'missing';
    const presented = BEARER.exec(authorization)?.[1];
    if (presented === undefined) return 'invalid';
    const candidate = digest(presented);
    let matched = false;
    for (const token of known) matched = timingSafeEqual(candidate, token) || matched;
    return matched ? 'ok' : 'invalid';
  };
}
