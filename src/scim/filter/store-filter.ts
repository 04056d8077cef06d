import type { ComparisonOperator } from './filter-ast.ts';

/**
 * A filter resolved to the fields lpprov stores: what the SCIM adapter hands to the repositories
 * as `ScimListQuery.filter`. The repositories declare the same shape (src/db/scim-store-filter.ts)
 * and check it on arrival; the layers may not share a file, and a type test keeps both in step.
 */
export type StoreFilterValue = string | number | boolean;

export type StoreFilter =
  | { readonly kind: 'and' | 'or'; readonly filters: readonly StoreFilter[] }
  | { readonly kind: 'not'; readonly filter: StoreFilter }
  | { readonly kind: 'compare'; readonly field: string; readonly op: ComparisonOperator; readonly value: StoreFilterValue }
  | { readonly kind: 'present'; readonly field: string }
  | { readonly kind: 'any'; readonly collection: string; readonly filter: StoreFilter | undefined };
