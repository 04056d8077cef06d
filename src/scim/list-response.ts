import { LIST_RESPONSE_SCHEMA } from './scim-schemas.ts';

/**
 * A ListResponse (RFC 7644 §3.4.2): `totalResults` is every match (counted by the database),
 * `itemsPerPage` the number of resources in this page (not the requested count, which is what
 * scimmy's ListResponse would say), all three numbers integers.
 */
export function listResponse(resources: readonly unknown[], totalResults: number, startIndex: number): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}
