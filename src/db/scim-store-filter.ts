/**
 * A SCIM list filter as the repositories receive it in `ScimListQuery.filter`: already parsed and
 * resolved by the SCIM adapter (src/scim/filter) to the fields lpprov stores, so this layer only
 * turns it into SQL. The adapter declares the same shape (src/scim/filter/store-filter.ts); the
 * two cannot share a file across the layer boundary, so `asStoreFilter` checks what arrives and a
 * type test keeps the declarations in step.
 */

export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export type StoreFilterValue = string | number | boolean;

export type StoreFilter =
  | { readonly kind: 'and' | 'or'; readonly filters: readonly StoreFilter[] }
  | { readonly kind: 'not'; readonly filter: StoreFilter }
  /** `field` names a column of the resource (users: `userName`, `meta.created`...). */
  | { readonly kind: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: StoreFilterValue }
  | { readonly kind: 'present'; readonly field: string }
  /** Some element of a multi-valued attribute (`emails`, `members`) matches `filter`, whose fields are its sub-attributes. */
  | { readonly kind: 'any'; readonly collection: string; readonly filter: StoreFilter | undefined };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValue(value: unknown): value is StoreFilterValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The filter of a list query, checked; undefined when the query has none. */
export function asStoreFilter(value: unknown): StoreFilter | undefined {
  if (value === undefined || value === null) return undefined;
  return check(value, 'filter');
}

function check(value: unknown, where: string): StoreFilter {
  if (!isRecord(value)) throw new TypeError(`${where}: expected a filter node`);
  switch (value.kind) {
    case 'and':
    case 'or': {
      const { filters } = value;
      const kind = value.kind;
      if (!Array.isArray(filters) || filters.length === 0) throw new TypeError(`${where}: '${kind}' needs filters`);
      return { kind, filters: filters.map((f, i) => check(f, `${where}.${kind}[${i}]`)) };
    }
    case 'not':
      return { kind: 'not', filter: check(value.filter, `${where}.not`) };
    case 'compare': {
      const { field, op } = value;
      if (typeof field !== 'string' || !COMPARE_OPS.includes(op as CompareOp) || !isValue(value.value)) {
        throw new TypeError(`${where}: malformed comparison`);
      }
      return { kind: 'compare', field, op: op as CompareOp, value: value.value };
    }
    case 'present':
      if (typeof value.field !== 'string') throw new TypeError(`${where}: malformed presence test`);
      return { kind: 'present', field: value.field };
    case 'any':
      if (typeof value.collection !== 'string') throw new TypeError(`${where}: malformed element filter`);
      return {
        kind: 'any',
        collection: value.collection,
        filter: value.filter === undefined ? undefined : check(value.filter, `${where}.${value.collection}`),
      };
    default:
      throw new TypeError(`${where}: unknown filter node`);
  }
}
