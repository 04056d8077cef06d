import { invalidFilter } from '../scim-http-error.ts';
import type { ComparisonOperator, FilterNode, FilterValue } from './filter-ast.ts';
import { type FieldKind, type FilterFields, filterableAttributes, OPERATORS_BY_KIND } from './filter-fields.ts';
import type { StoreFilter, StoreFilterValue } from './store-filter.ts';

type Field = { readonly field: string; readonly kind: FieldKind };
type Fields = Readonly<Record<string, Field>>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * Checks a parsed filter against what a resource type can be filtered on, and turns it into the
 * stored fields the repositories compile to SQL. Attribute names match in any letter case, with
 * or without the core schema URN; an attribute lpprov does not store, an operator its kind does
 * not support, or a value of the wrong type is a 400 invalidFilter that says which.
 */
export function resolveFilter(node: FilterNode, fields: FilterFields): StoreFilter {
  const unsupported = (path: string) =>
    invalidFilter(`filtering ${fields.resource}s on "${path}" is not supported; filterable attributes: ${filterableAttributes(fields).join(', ')}`);

  const resolve = (n: FilterNode): StoreFilter => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return { kind: n.kind, filters: n.filters.map(resolve) };
      case 'not':
        return { kind: 'not', filter: resolve(n.filter) };
      case 'present':
      case 'compare': {
        const path = normalisePath(n.path, fields.schema);
        const field = fields.fields[path];
        if (field !== undefined) return test(n, field);
        const dot = path.indexOf('.');
        const head = dot === -1 ? path : path.slice(0, dot);
        const collection = fields.collections[head];
        if (collection === undefined) throw unsupported(n.path);
        const sub = dot === -1 ? undefined : path.slice(dot + 1);
        // `emails pr`: some element exists; `emails eq "x"`: the element's value (RFC 7644 §3.4.2.2).
        if (sub === undefined && n.kind === 'present') return { kind: 'any', collection: collection.collection, filter: undefined };
        const subField = collection.fields[sub ?? 'value'];
        if (subField === undefined) throw unsupported(n.path);
        return { kind: 'any', collection: collection.collection, filter: test(n, subField) };
      }
      case 'valuePath': {
        const head = normalisePath(n.path, fields.schema);
        const collection = fields.collections[head];
        if (collection === undefined) throw unsupported(`${n.path}[…]`);
        return { kind: 'any', collection: collection.collection, filter: resolveElement(n.filter, head, collection.fields, n.path) };
      }
    }
  };

  const resolveElement = (n: FilterNode, collectionName: string, subFields: Fields, outer: string): StoreFilter => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return { kind: n.kind, filters: n.filters.map((f) => resolveElement(f, collectionName, subFields, outer)) };
      case 'not':
        return { kind: 'not', filter: resolveElement(n.filter, collectionName, subFields, outer) };
      case 'present':
      case 'compare': {
        let path = n.path.toLowerCase();
        if (path.startsWith(`${collectionName}.`)) path = path.slice(collectionName.length + 1);
        const field = subFields[path];
        if (field === undefined) throw unsupported(`${outer}[${n.path}]`);
        return test(n, field);
      }
      case 'valuePath':
        throw invalidFilter(`a filter inside brackets cannot filter again ("${n.path}[")`);
    }
  };

  return resolve(node);
}

function test(node: Extract<FilterNode, { kind: 'compare' | 'present' }>, field: Field): StoreFilter {
  if (node.kind === 'present') return { kind: 'present', field: field.field };
  if (!OPERATORS_BY_KIND[field.kind].includes(node.op)) {
    throw invalidFilter(`operator "${node.op}" is not supported on "${node.path}"; use one of ${OPERATORS_BY_KIND[field.kind].join(', ')}`);
  }
  return { kind: 'compare', field: field.field, op: node.op, value: valueFor(field.kind, node.value, node.path, node.op) };
}

function valueFor(kind: FieldKind, value: FilterValue, path: string, op: ComparisonOperator): StoreFilterValue {
  if (value === null) throw invalidFilter(`"${path} ${op} null" is not supported; use "${path} pr" or "not (${path} pr)"`);
  switch (kind) {
    case 'text':
      return String(value);
    case 'id':
      if (typeof value === 'boolean') throw invalidFilter(`"${path}" compares with a string, not ${String(value)}`);
      return String(value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalidFilter(`"${path}" compares with true or false`);
    case 'time': {
      const time = typeof value === 'string' && ISO_DATE.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(time)) throw invalidFilter(`"${path}" compares with an ISO 8601 date-time, such as "2026-01-31T12:00:00Z"`);
      return time;
    }
  }
}

/** Lower-cased, without the resource type's own schema URN (`urn:…:core:2.0:User:userName` → `username`). */
function normalisePath(path: string, schema: string): string {
  const lower = path.toLowerCase();
  const prefix = `${schema.toLowerCase()}:`;
  return lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
}
