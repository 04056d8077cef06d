import type { Condition } from './policy.ts';

/** Reads a dotted path (`worker.org.department`) from a JSON-like value; undefined when absent. */
export function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Evaluates a policy condition against an event's data. Text comparisons ignore case: HR systems
 * disagree on "Sales" and "sales", and a rule that silently misses a department is worse.
 */
export function matches(condition: Condition, data: unknown): boolean {
  if ('always' in condition) return true;
  if ('all' in condition) return condition.all.every((c) => matches(c, data));
  if ('any' in condition) return condition.any.some((c) => matches(c, data));
  if ('not' in condition) return !matches(condition.not, data);
  const value = valueAt(data, condition.path);
  if ('exists' in condition) return (value !== undefined && value !== null) === condition.exists;
  if ('equals' in condition) return same(value, condition.equals);
  if ('in' in condition) return condition.in.some((candidate) => same(value, candidate));
  return typeof value === 'string' && new RegExp(condition.matches, 'i').test(value);
}

function same(value: unknown, expected: unknown): boolean {
  if (typeof value === 'string' && typeof expected === 'string') return value.toLowerCase() === expected.toLowerCase();
  if (expected === null) return value === null || value === undefined;
  return value === expected;
}
