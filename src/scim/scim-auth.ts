import type { RequestHandler } from 'express';

import type { Logger } from '../observability/logger.ts';
import { type ScimCredentials, scimCredentialCheck } from './scim-credential-check.ts';
import { ScimHttpError } from './scim-http-error.ts';
import { sendScimError } from './scim-response.ts';

const REALM = 'lpprov SCIM';

/**
 * Authentication of every SCIM request, before its body is read: a configured bearer token, or
 * HTTP Basic credentials when SCIM_BASIC_CREDENTIALS is set. A refusal is 401 with a SCIM Error
 * body and the challenges the endpoint accepts. Neither the header nor the token is ever logged.
 */
export function scimAuthentication(credentials: ScimCredentials, logger: Logger): RequestHandler {
  const check = scimCredentialCheck(credentials);
  const basic = credentials.basic.length > 0;
  if (credentials.tokens.length === 0 && !basic && credentials.generatedDigests === undefined) {
    // Closed, not open: an unset variable must never mean "anyone may provision".
    logger.warn('SCIM_TOKENS is not set: the SCIM endpoint refuses every request with 401');
  }
  return (req, res, next) => {
    const verdict = check(req.headers.authorization);
    if (verdict.ok) {
      next();
      return;
    }
    logger.warn(
      { remoteAddress: req.socket.remoteAddress, scheme: verdict.scheme, credentials: verdict.reason, method: req.method, path: req.path },
      'SCIM request refused: no valid credentials',
    );
    const bearer = verdict.reason === 'invalid' && verdict.scheme === 'bearer' ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`;
    const challenge = basic ? `${bearer}, Basic realm="${REALM}", charset="UTF-8"` : bearer;
    const detail = basic ? 'a valid bearer token or Basic credentials are required' : 'a valid bearer token is required';
    sendScimError(res, new ScimHttpError(401, detail, undefined, { 'WWW-Authenticate': challenge }));
  };
}
