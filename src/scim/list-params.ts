import { invalidSyntax } from './scim-http-error.ts';

/** Most resources in one page: `filter.maxResults` in ServiceProviderConfig, and the cap on `count`. */
export const MAX_RESULTS = 200;
/** Page size when the client gives no `count` (Okta pages with 100). */
export const DEFAULT_COUNT = 100;

export interface ListParams {
  readonly filter: string | undefined;
  /** 1-based; below 1 counts as 1 (RFC 7644 §3.4.2.4). */
  readonly startIndex: number;
  /** 0 to MAX_RESULTS; negative counts as 0, more as MAX_RESULTS. */
  readonly count: number;
  readonly attributes: string | undefined;
  readonly excludedAttributes: string | undefined;
}

const INTEGER = /^\s*[-+]?\d+\s*$/;

/** The list parameters of a GET query string (names in any letter case). */
export function listParamsOf(query: Readonly<Record<string, unknown>>): ListParams {
  const params = lowerKeys(query);
  return {
    filter: text(params.filter),
    startIndex: startIndexOf(params.startindex),
    count: countOf(params.count),
    attributes: text(params.attributes),
    excludedAttributes: text(params.excludedattributes),
  };
}

/** The same parameters from a POST `.search` body (RFC 7644 §3.4.3): attribute lists are arrays there. */
export function searchParamsOf(body: unknown): ListParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidSyntax('a search request must be a JSON object');
  const params = lowerKeys(body as Record<string, unknown>);
  return {
    filter: text(params.filter),
    startIndex: startIndexOf(params.startindex),
    count: countOf(params.count),
    attributes: list(params.attributes),
    excludedAttributes: list(params.excludedattributes),
  };
}

/** The first value of a query parameter (a repeated one arrives as an array). */
function first(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

function text(value: unknown): string | undefined {
  const v = first(value);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function list(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value.filter((v) => typeof v === 'string').join(','));
  return text(value);
}

function integerOf(value: unknown): number | undefined {
  const v = first(value);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INTEGER.test(v)) return Number(v);
  return undefined;
}

function startIndexOf(value: unknown): number {
  return Math.max(1, integerOf(value) ?? 1);
}

function countOf(value: unknown): number {
  return Math.min(MAX_RESULTS, Math.max(0, integerOf(value) ?? DEFAULT_COUNT));
}

function lowerKeys(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const lower = key.toLowerCase();
    if (!(lower in out)) out[lower] = value;
  }
  return out;
}
