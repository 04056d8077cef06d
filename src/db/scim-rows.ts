import type { ScimListQuery } from '../core/scim.ts';
import type { SqlValue } from './sql-database.ts';

/** Helpers shared by the SCIM repositories: reading stored JSON and the derived columns. */

export function parseResource(json: string): Readonly<Record<string, unknown>> {
  const value = JSON.parse(json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('stored SCIM resource is not a JSON object');
  return value as Record<string, unknown>;
}

export function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function lowerOf(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

export function objectOf(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** LIMIT and OFFSET of a 1-based page; a count of 0 asks for the total only. */
export function pageOf(query: ScimListQuery): { readonly limit: number; readonly offset: number } {
  const limit = Number.isInteger(query.count) ? Math.max(0, query.count) : 0;
  const offset = Number.isInteger(query.startIndex) ? Math.max(0, query.startIndex - 1) : 0;
  return { limit, offset };
}

/**
 * `IN ($a, $b, ...)` lists for ids, in chunks, so no statement exceeds the engines' parameter
 * limits (SQLite's is the lower) whatever the size of a group.
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `$first, $first+1, ...` for `count` parameters. */
export function placeholders(count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(', ');
}

/** A multi-row `VALUES` list of `width` parameters per row. */
export function valuesRows(rows: readonly (readonly SqlValue[])[]): { readonly sql: string; readonly params: SqlValue[] } {
  const params: SqlValue[] = [];
  const tuples = rows.map((row) => {
    const start = params.length + 1;
    params.push(...row);
    return `(${placeholders(row.length, start)})`;
  });
  return { sql: tuples.join(', '), params };
}
