import { ERROR_SCHEMA } from './scim-schemas.ts';

/** The `scimType` keywords of RFC 7644 §3.12. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * An answer the SCIM adapter gives as a SCIM Error body. Unlike scimmy's own error class it takes
 * any status (429 and 503 included), and it may carry response headers (Allow, Retry-After).
 */
export class ScimHttpError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, scimType?: ScimType, headers: Readonly<Record<string, string>> = {}) {
    super(detail);
    this.name = 'ScimHttpError';
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }
}

export interface ScimErrorBody {
  readonly schemas: readonly [typeof ERROR_SCHEMA];
  /** RFC 7644 §3.12: the HTTP status as a string. */
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

export function scimErrorBody(error: ScimHttpError): ScimErrorBody {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
    detail: error.message,
  };
}

export const invalidFilter = (detail: string) => new ScimHttpError(400, detail, 'invalidFilter');
export const invalidSyntax = (detail: string) => new ScimHttpError(400, detail, 'invalidSyntax');
export const invalidValue = (detail: string) => new ScimHttpError(400, detail, 'invalidValue');
export const notFound = (detail: string) => new ScimHttpError(404, detail);
