import { z } from 'zod';

export const SCIM_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const SCIM_IDPS = ['okta', 'entra', 'scim'] as const;

/** `/Users`, `/Groups/<id>`, …, relative to the SCIM root (a leading `/scim/v2` is allowed), with an optional query. */
const PATH = /^(?:\/scim\/v2)?\/(Users|Groups)(?:\/([^/?#]+))?\/?(\?[^#]*)?$/i;
/** A reference to the resource an earlier POST of the same file created (RFC 7644 §3.7.2). */
export const BULK_ID_REFERENCE = /^bulkId:([^\s/?#]+)$/;

/** One SCIM write as a plan file states it (docs/cli.md, "SCIM request files"). */
export interface ScimRequest {
  readonly method: (typeof SCIM_METHODS)[number];
  /** As written, relative to the SCIM root. */
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** Names what this POST creates, so later requests can say `bulkId:<name>` instead of its id. */
  readonly bulkId: string | undefined;
  /** Which identity provider to speak as (its User-Agent); default a generic SCIM client. */
  readonly idp: (typeof SCIM_IDPS)[number];
}

const schema = z
  .object({
    method: z.enum(SCIM_METHODS),
    path: z.string().regex(PATH, 'must be /Users, /Users/<id>, /Groups or /Groups/<id> (relative to /scim/v2)'),
    body: z.record(z.string(), z.unknown()).optional(),
    bulkId: z.string().regex(/^[^\s/?#]+$/, 'must be a name without spaces, slashes, ? or #').optional(),
    idp: z.enum(SCIM_IDPS).optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    const match = PATH.exec(request.path);
    const id = match?.[2];
    if (request.method === 'POST' && id !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'POST creates a resource: the path is /Users or /Groups, without an id' });
    }
    // An unknown path is reported once, by its pattern, not again as a missing id.
    if (request.method !== 'POST' && match !== null && id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: `${request.method} needs the resource: /Users/<id> or /Groups/<id>` });
    }
    if (request.method === 'DELETE' && request.body !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'DELETE takes no body' });
    }
    if (request.method !== 'DELETE' && request.body === undefined) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `${request.method} needs a body (a JSON object)` });
    }
    if (request.bulkId !== undefined && request.method !== 'POST') {
      ctx.addIssue({ code: 'custom', path: ['bulkId'], message: 'only a POST creates something a bulkId can name' });
    }
  });

export type ScimRequestParse = { readonly ok: true; readonly request: ScimRequest } | { readonly ok: false; readonly problems: readonly string[] };

/** Validates one decoded SCIM request, listing every problem as `field: message`. */
export function parseScimRequest(value: unknown): ScimRequestParse {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`) };
  }
  const { method, path, body, bulkId, idp } = parsed.data;
  return { ok: true, request: { method, path, body, bulkId, idp: idp ?? 'scim' } };
}

/** The bulkIds a request refers to, in its path and in any string of its body (group members). */
export function bulkIdReferences(request: ScimRequest): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const name = BULK_ID_REFERENCE.exec(value)?.[1];
      if (name !== undefined) found.push(name);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  visit(request.path.split(/[/?]/));
  visit(request.body);
  return found;
}

/** The request with every `bulkId:<name>` replaced by the id `ids` has for it. */
export function withBulkIds(request: ScimRequest, ids: ReadonlyMap<string, string>): ScimRequest {
  const swap = (text: string): string => {
    const name = BULK_ID_REFERENCE.exec(text)?.[1];
    return name === undefined ? text : (ids.get(name) ?? text);
  };
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return swap(value);
    if (Array.isArray(value)) return value.map(replace);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replace(inner)]));
    }
    return value;
  };
  const path = request.path.replace(/(?<=\/)bulkId:[^/?#]+/g, (reference) => encodeURIComponent(swap(reference)));
  return { ...request, path, body: request.body === undefined ? undefined : (replace(request.body) as Record<string, unknown>) };
}

/** The resource path relative to the SCIM root, without a leading /scim/v2. */
export function resourcePath(path: string): string {
  return path.replace(/^\/scim\/v2(?=\/)/i, '');
}
