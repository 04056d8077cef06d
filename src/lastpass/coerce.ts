/**
 * Readers for LastPass's loosely typed JSON: numbers arrive as numbers or numeric strings, flags as
 * booleans, 0/1 or "0"/"1", missing values as `""` or null, and PHP encodes an empty map as `[]`.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map's entries; `[]` (PHP's empty map) gives none, and an array gives its items keyed by index. */
export function mapEntries(value: unknown): [string, unknown][] {
  if (Array.isArray(value)) return value.map((item, index): [string, unknown] => [String(index), item]);
  if (isRecord(value)) return Object.entries(value);
  return [];
}

export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

const TRUE_TEXTS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_TEXTS = new Set(['0', 'false', 'no', 'off']);

export function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (TRUE_TEXTS.has(text)) return true;
    if (FALSE_TEXTS.has(text)) return false;
  }
  return null;
}

/** Text or null; LastPass writes "never" and "unset" as `""` or null. */
export function toText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A list of strings; a lone string counts as a list of one, anything else as none. */
export function toTextList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return items.flatMap((item) => {
    const text = toText(item);
    return text === null ? [] : [text];
  });
}

/** LastPass's `error` (a string) and `errors` (a list) merged; either may be missing. */
export function errorTexts(body: JsonRecord): string[] {
  return [...toTextList(body['errors']), ...toTextList(body['error'])];
}

export function sameUsername(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
