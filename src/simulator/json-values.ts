/** Narrowing helpers for decoded JSON, which arrives as `unknown` from every request body. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
}

/**
 * PHP reads request values loosely: `1`, `"1"` and `true` are all set flags. The simulator reads
 * the same way wherever the reference shows clients sending numbers and strings alike.
 */
export function isTruthyFlag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** An integer given as a JSON number or a numeric string (PHP coerces both), else null. */
export function toInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** Deliberately simple: LastPass usernames are email addresses, anything else is refused. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && EMAIL.test(value.trim());
}

/** Usernames compare case-insensitively and are stored lower-case (docs/simulator.md, A-USERNAME-CASE). */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}
