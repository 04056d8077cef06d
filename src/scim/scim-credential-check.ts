import { createHash, timingSafeEqual } from 'node:crypto';

import type { Secret } from '../core/secret.ts';

/** `missing`: no credentials of an accepted scheme; `invalid`: credentials that match nothing configured. */
export type CredentialVerdict =
  | { readonly ok: true; readonly scheme: 'bearer' | 'basic' }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid'; readonly scheme: 'bearer' | 'basic' | undefined };

export interface ScimCredentials {
  /** SCIM_TOKENS: bearer tokens, several so they can be rotated. */
  readonly tokens: readonly Secret[];
  /** SCIM_BASIC_CREDENTIALS: `user:password` pairs for HTTP Basic (Okta); none: Basic is refused. */
  readonly basic: readonly Secret[];
  /**
   * SHA-256 digests of the token lpprov generated (when SCIM_TOKENS is unset), read on every
   * request so a rotation by `lpprov scim-token rotate` takes effect without a restart.
   */
  readonly generatedDigests?: () => readonly Buffer[];
}

// RFC 9110 §11.1: the scheme is case-insensitive; the credentials are one word after it.
const SCHEME = /^(Bearer|Basic)(?:[ \t]+(\S+))?[ \t]*$/i;

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when `candidate` equals one of `known`, comparing every one in constant time. */
function matchesAny(candidate: Buffer, known: readonly Buffer[]): boolean {
  let matched = false;
  for (const entry of known) matched = timingSafeEqual(candidate, entry) || matched;
  return matched;
}

/**
 * Checks an `Authorization` header against the configured bearer tokens and Basic credentials,
 * the same way the HR webhook checks its tokens (src/consumers/bearer-token-check.ts): both sides
 * are SHA-256 digests, so timingSafeEqual compares equal lengths and leaks neither a value nor its
 * length, and every configured value is compared, so the time does not tell which one matched.
 * Nothing configured: nothing matches, ever.
 */
export function scimCredentialCheck(credentials: ScimCredentials): (authorization: string | undefined) => CredentialVerdict {
  const tokens = credentials.tokens.filter((t) => !t.isEmpty).map((t) => digest(t.reveal()));
  const pairs = credentials.basic.filter((p) => !p.isEmpty).map((p) => digest(p.reveal()));
  return (authorization) => {
    const match = authorization === undefined ? null : SCHEME.exec(authorization.trim());
    if (match === null) return { ok: false, reason: 'missing', scheme: undefined };
    const scheme = match[1]?.toLowerCase() === 'basic' ? 'basic' : 'bearer';
    const presented = match[2];
    if (scheme === 'basic' && pairs.length === 0) return { ok: false, reason: 'missing', scheme };
    if (presented === undefined) return { ok: false, reason: 'invalid', scheme };
    if (scheme === 'bearer') {
      const known = credentials.generatedDigests === undefined ? tokens : [...tokens, ...credentials.generatedDigests()];
      return matchesAny(digest(presented), known) ? { ok: true, scheme } : { ok: false, reason: 'invalid', scheme };
    }
    // Basic: base64 of `user:password`, compared whole (RFC 7617).
    const decoded = Buffer.from(presented, 'base64');
    return matchesAny(digest(decoded), pairs) ? { ok: true, scheme } : { ok: false, reason: 'invalid', scheme };
  };
}
