import SCIMMY from 'scimmy';

import { invalidFilter } from './scim-http-error.ts';
import { extensionsOf, type ResourceKind } from './scim-schemas.ts';

/**
 * The `attributes` / `excludedAttributes` of a request (RFC 7644 §3.4.2.5, §3.9), as the scimmy
 * attribute filter its schema coercion applies; `id` is always returned (scimmy keeps
 * `returned: always`), and so is `schemas`.
 */
export interface Projection {
  /** scimmy's filter, or undefined for the default set of attributes. */
  readonly filter: SCIMMY.Types.Filter | undefined;
  /** The attribute names of `attributes=`, lower-cased, when it was given. */
  readonly requested: readonly string[] | undefined;
  /** Whether the top-level attribute `name` (lower-case) will appear: skip loading what will not. */
  includes(name: string): boolean;
}

export const DEFAULT_PROJECTION: Projection = { filter: undefined, requested: undefined, includes: () => true };

export function projectionOf(kind: ResourceKind, attributes: string | undefined, excludedAttributes: string | undefined): Projection {
  const listed = attributes ?? excludedAttributes;
  if (listed === undefined) return DEFAULT_PROJECTION;
  const names = splitList(listed);
  if (names.length === 0) return DEFAULT_PROJECTION;
  let filter: SCIMMY.Types.Filter;
  try {
    filter = new SCIMMY.Types.Filter(names.map((name) => `${name} ${attributes === undefined ? 'np' : 'pr'}`).join(' and '));
  } catch (error) {
    throw invalidFilter(`invalid ${attributes === undefined ? 'excludedAttributes' : 'attributes'}: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
  const tops = new Set(names.map((name) => topName(name, kind)));
  const requested = attributes === undefined ? undefined : [...names.map((name) => name.toLowerCase())];
  return {
    filter,
    requested,
    includes: (name) => (attributes === undefined ? !tops.has(name.toLowerCase()) : tops.has(name.toLowerCase())),
  };
}

/**
 * Output fix-ups after scimmy's projection: `schemas` always first, and an extension that
 * `attributes=` did not ask for is left out (scimmy keeps it when only sub-attributes such as
 * `name.givenName` were asked for).
 */
export function finishProjection(output: Record<string, unknown>, schemas: unknown, projection: Projection, kind: ResourceKind): Record<string, unknown> {
  const { schemas: _ignored, ...rest } = output;
  const result: Record<string, unknown> = { schemas, ...rest };
  if (projection.requested !== undefined) {
    for (const extension of extensionsOf(kind.definition)) {
      const id = extension.id.toLowerCase();
      if (!projection.requested.some((name) => name === id || name.startsWith(`${id}:`))) delete result[extension.id];
    }
  }
  return result;
}

function splitList(list: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = '';
  // Commas inside brackets belong to a filter: attributes=emails[type eq "work"],userName.
  for (const ch of list) {
    if (ch === '[') depth += 1;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      names.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  names.push(current.trim());
  return names.filter((name) => name !== '');
}

/** `emails[type eq "work"]` → `emails`; `name.givenName` → `name`; core URN prefix dropped. */
function topName(name: string, kind: ResourceKind): string {
  let lower = name.toLowerCase();
  const core = `${kind.schema.toLowerCase()}:`;
  if (lower.startsWith(core)) lower = lower.slice(core.length);
  for (const extension of extensionsOf(kind.definition)) {
    if (lower.startsWith(extension.id.toLowerCase())) return extension.id.toLowerCase();
  }
  return /^[^.[]+/.exec(lower)?.[0] ?? lower;
}
