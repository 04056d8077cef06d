import type { Dialect, SqlValue } from './sql-database.ts';
import type { CompareOp, StoreFilter, StoreFilterValue } from './scim-store-filter.ts';

/**
 * How a filter field is stored:
 * - `text_ci`: a column lpprov lower-cases on write; compared case-insensitively.
 * - `text_exact`: compared as stored (ids are case-sensitive); eq / ne / pr only.
 * - `flag`: 1 or 0; eq / ne / pr.
 * - `time`: epoch milliseconds; eq / ne / gt / ge / lt / le / pr.
 */
export type ColumnKind = 'text_ci' | 'text_exact' | 'flag' | 'time';

export interface FilterColumn {
  readonly column: string;
  readonly kind: ColumnKind;
}

/** A multi-valued attribute kept in its own table, one row per element. */
export interface FilterCollection {
  readonly table: string;
  /** Column of the element table holding the owning resource's id. */
  readonly ownerColumn: string;
  readonly fields: Readonly<Record<string, FilterColumn>>;
}

export interface FilterTarget {
  readonly table: string;
  readonly idColumn: string;
  readonly fields: Readonly<Record<string, FilterColumn>>;
  readonly collections: Readonly<Record<string, FilterCollection>>;
}

export interface CompiledFilter {
  /** A boolean SQL expression over `target.table`; `TRUE`-like when there is no filter. */
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

const ELEMENT_ALIAS = 'element';

/**
 * Translates a resolved SCIM filter into a parameterised WHERE expression. Values only ever
 * travel as parameters (`$n`, numbered from `firstParam`); column and table names come from
 * `target`, never from the filter. Every comparison is two-valued (a missing value is false, not
 * NULL), so `not (...)` means what SCIM says even over absent attributes.
 */
export function compileFilter(filter: StoreFilter | undefined, target: FilterTarget, dialect: Dialect, firstParam = 1): CompiledFilter {
  if (filter === undefined) return { sql: '1 = 1', params: [] };
  const params: SqlValue[] = [];
  const bind = (value: SqlValue): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };

  const compileNode = (node: StoreFilter, fields: Readonly<Record<string, FilterColumn>>, qualifier: string, inElement: boolean): string => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${node.filters.map((f) => compileNode(f, fields, qualifier, inElement)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${compileNode(node.filter, fields, qualifier, inElement)})`;
      case 'present':
        return present(columnOf(fields, node.field, qualifier));
      case 'compare':
        return compare(columnOf(fields, node.field, qualifier), node.op, node.value, bind, dialect);
      case 'any': {
        if (inElement) throw new TypeError('filters on elements cannot nest');
        const collection = target.collections[node.collection];
        if (collection === undefined) throw new TypeError(`no stored collection '${node.collection}'`);
        const condition = node.filter === undefined ? '' : ` AND ${compileNode(node.filter, collection.fields, ELEMENT_ALIAS, true)}`;
        return `EXISTS (SELECT 1 FROM ${collection.table} ${ELEMENT_ALIAS} WHERE ${ELEMENT_ALIAS}.${collection.ownerColumn} = ${target.table}.${target.idColumn}${condition})`;
      }
    }
  };

  return { sql: compileNode(filter, target.fields, target.table, false), params };
}

interface QualifiedColumn {
  readonly sql: string;
  readonly kind: ColumnKind;
  readonly field: string;
}

function columnOf(fields: Readonly<Record<string, FilterColumn>>, field: string, qualifier: string): QualifiedColumn {
  const column = fields[field];
  // The adapter resolves attribute names against the same list; anything else is a bug, not a 400.
  if (column === undefined) throw new TypeError(`no stored column for filter field '${field}'`);
  return { sql: `${qualifier}.${column.column}`, kind: column.kind, field };
}

function present(column: QualifiedColumn): string {
  switch (column.kind) {
    case 'text_ci':
    case 'text_exact':
      return `(${column.sql} IS NOT NULL AND ${column.sql} <> '')`;
    case 'flag':
    case 'time':
      return `(${column.sql} IS NOT NULL)`;
  }
}

function compare(
  column: QualifiedColumn,
  op: CompareOp,
  value: StoreFilterValue,
  bind: (value: SqlValue) => string,
  dialect: Dialect,
): string {
  const c = column.sql;
  const refuse = (): never => {
    throw new TypeError(`operator '${op}' is not supported on '${column.field}'`);
  };
  switch (column.kind) {
    case 'text_ci': {
      const text = String(value).toLowerCase();
      switch (op) {
        case 'eq':
          return `(${c} IS NOT NULL AND ${c} = ${bind(text)})`;
        case 'ne':
          return `(${c} IS NULL OR ${c} <> ${bind(text)})`;
        case 'co':
          return like(c, `%${escapeLike(text)}%`, bind);
        case 'sw':
          return like(c, `${escapeLike(text)}%`, bind);
        case 'ew':
          return like(c, `%${escapeLike(text)}`, bind);
        case 'gt':
        case 'ge':
        case 'lt':
        case 'le':
          // Code-point order on both engines (PostgreSQL would otherwise use the database locale).
          return `(${c} IS NOT NULL AND ${c}${dialect === 'postgres' ? ' COLLATE "C"' : ''} ${ORDER_SQL[op]} ${bind(text)})`;
      }
      return refuse();
    }
    case 'text_exact':
      if (op === 'eq') return `(${c} IS NOT NULL AND ${c} = ${bind(String(value))})`;
      if (op === 'ne') return `(${c} IS NULL OR ${c} <> ${bind(String(value))})`;
      return refuse();
    case 'flag': {
      if (typeof value !== 'boolean') return refuse();
      if (op === 'eq') return `(${c} IS NOT NULL AND ${c} = ${bind(value ? 1 : 0)})`;
      if (op === 'ne') return `(${c} IS NULL OR ${c} <> ${bind(value ? 1 : 0)})`;
      return refuse();
    }
    case 'time': {
      if (typeof value !== 'number') return refuse();
      switch (op) {
        case 'eq':
          return `(${c} IS NOT NULL AND ${c} = ${bind(value)})`;
        case 'ne':
          return `(${c} IS NULL OR ${c} <> ${bind(value)})`;
        case 'gt':
        case 'ge':
        case 'lt':
        case 'le':
          return `(${c} IS NOT NULL AND ${c} ${ORDER_SQL[op]} ${bind(value)})`;
        default:
          return refuse();
      }
    }
  }
}

const ORDER_SQL = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function like(column: string, pattern: string, bind: (value: SqlValue) => string): string {
  // Both sides are lower-cased already, so SQLite's ASCII-case-insensitive LIKE and PostgreSQL's
  // case-sensitive one agree.
  return `(${column} IS NOT NULL AND ${column} LIKE ${bind(pattern)} ESCAPE '\\')`;
}

/** Makes `%`, `_` and the escape character itself literal in a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
