import { etagOf } from './resource-meta.ts';
import { ScimHttpError } from './scim-http-error.ts';

/**
 * Conditional requests on the weak ETags lpprov serves (RFC 7644 §3.14, RFC 9110 §13.1):
 * `If-Match` on PUT, PATCH and DELETE (412 when the resource moved on), `If-None-Match` on GET
 * (304 when unchanged). Weak comparison: `W/"3"` and `"3"` name the same version.
 */
export type EntityTags = '*' | readonly string[];

export function entityTagsOf(header: string | undefined): EntityTags | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return [...header.matchAll(/(?:W\/)?"([^"]*)"/g)].map((m) => m[1] ?? '');
}

export function matchesVersion(tags: EntityTags, version: number): boolean {
  return tags === '*' || tags.includes(String(version));
}

/** Throws 412 when `If-Match` was given and names another version. */
export function requireIfMatch(tags: EntityTags | undefined, version: number): void {
  if (tags !== undefined && !matchesVersion(tags, version)) {
    throw new ScimHttpError(412, `the resource is at version ${etagOf(version)}, not the one If-Match names`, undefined, { ETag: etagOf(version) });
  }
}
