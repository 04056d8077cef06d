import type { Response } from 'express';

import { type ScimHttpError, scimErrorBody } from './scim-http-error.ts';

export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** A SCIM JSON answer (RFC 7644 §3.1: application/scim+json). */
export function sendScim(res: Response, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.status(status).set(headers).type(SCIM_MEDIA_TYPE).send(JSON.stringify(body));
}

/** An answer without a body (204, 304), with its headers (ETag). */
export function sendEmpty(res: Response, status: 204 | 304, headers: Readonly<Record<string, string>> = {}): void {
  res.status(status).set(headers).end();
}

export function sendScimError(res: Response, error: ScimHttpError): void {
  sendScim(res, error.status, scimErrorBody(error), error.headers);
}
