/**
 * Why a SCIM change was refused, in domain terms; the SCIM adapter maps each to its status and
 * scimType (src/scim), so the app never speaks HTTP.
 */
export class ScimChangeError extends Error {
  readonly reason: 'not_found' | 'uniqueness' | 'invalid_value' | 'conflict';

  constructor(reason: ScimChangeError['reason'], message: string) {
    super(message);
    this.name = 'ScimChangeError';
    this.reason = reason;
  }
}
