/** A parsed SCIM filter (RFC 7644 §3.4.2.2), before it is checked against a resource type. */

export const COMPARISON_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly filters: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly filter: FilterNode }
  /** `path` as written: `userName`, `name.familyName`, `urn:…:User:userName`, `emails.value`. */
  | { readonly kind: 'compare'; readonly path: string; readonly op: ComparisonOperator; readonly value: FilterValue }
  | { readonly kind: 'present'; readonly path: string }
  /** `emails[type eq "work"]`: some element of `path` matches `filter` (sub-attribute paths). */
  | { readonly kind: 'valuePath'; readonly path: string; readonly filter: FilterNode };
