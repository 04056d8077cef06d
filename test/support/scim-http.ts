/**
 * A SCIM 2.0 client for tests, written from RFC 7644 and the IdPs' documented requests
 * (docs/reference/scim-idp-behaviour.md in ../shared), not from lpprov's SCIM code: the tests that
 * use it check the protocol, so they must not share the endpoint's assumptions.
 */

export const SCIM_SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  /** The non-standard schema URN Entra adds to every group it creates. */
  entraGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
} as const;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ScimAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it is a JSON object; undefined for an empty or non-JSON body. */
  readonly body: JsonObject | undefined;
  readonly ms: number;
}

export interface ScimRequestOptions {
  /** A JSON body (serialised here). */
  readonly body?: unknown;
  /** A body sent exactly as given (malformed JSON tests). */
  readonly raw?: string;
  /** Override the bearer token; `null` sends no Authorization header at all. */
  readonly token?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ScimClientOptions {
  /** Content-Type of request bodies; Okta and Entra both send application/scim+json. */
  readonly contentType?: string;
  readonly userAgent?: string;
}

/** One PatchOp request body (RFC 7644 §3.5.2). */
export function patchOp(...operations: readonly Record<string, unknown>[]): JsonObject {
  return { schemas: [SCIM_SCHEMAS.patchOp], Operations: operations as Json[] };
}

/** `?filter=<expr>` and other query parameters, encoded as an IdP encodes them (%20 for spaces). */
export function query(params: Readonly<Record<string, string | number>>): string {
  return `?${Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&')}`;
}

export class ScimClient {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #options: ScimClientOptions;

  /** `baseUrl` ends with the SCIM root, e.g. http://127.0.0.1:8080/scim/v2 (no trailing slash). */
  constructor(baseUrl: string, token: string, options: ScimClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.#token = token;
    this.#options = options;
  }

  /** The same endpoint, speaking as another IdP (its headers). */
  as(options: ScimClientOptions): ScimClient {
    return new ScimClient(this.baseUrl, this.#token, options);
  }

  get(path: string, options: ScimRequestOptions = {}): Promise<ScimAnswer> {
    return this.request('GET', path, options);
  }

  post(path: string, body: unknown, options: ScimRequestOptions = {}): Promise<ScimAnswer> {
    return this.request('POST', path, { ...options, body });
  }

  put(path: string, body: unknown, options: ScimRequestOptions = {}): Promise<ScimAnswer> {
    return this.request('PUT', path, { ...options, body });
  }

  patch(path: string, body: unknown, options: ScimRequestOptions = {}): Promise<ScimAnswer> {
    return this.request('PATCH', path, { ...options, body });
  }

  delete(path: string, options: ScimRequestOptions = {}): Promise<ScimAnswer> {
    return this.request('DELETE', path, options);
  }

  async request(method: string, path: string, options: ScimRequestOptions = {}): Promise<ScimAnswer> {
    const headers: Record<string, string> = { accept: 'application/scim+json' };
    const token = options.token === undefined ? this.#token : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (this.#options.userAgent !== undefined) headers['user-agent'] = this.#options.userAgent;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = this.#options.contentType ?? 'application/scim+json';
    Object.assign(headers, options.headers);
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    const ms = performance.now() - started;
    return { method, path, status: response.status, headers: response.headers, text, body: parseObject(text), ms };
  }
}

function parseObject(text: string): JsonObject | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** A readable one-liner for assertion messages: what was asked and what came back. */
export function describeAnswer(answer: ScimAnswer): string {
  const body = answer.text.length > 600 ? `${answer.text.slice(0, 600)}…` : answer.text;
  return `${answer.method} ${answer.path} → ${answer.status} ${answer.headers.get('content-type') ?? '(no content-type)'} ${body}`;
}

/** The `Resources` of a ListResponse (an empty list when absent). */
export function resourcesOf(answer: ScimAnswer): JsonObject[] {
  const resources = answer.body?.Resources;
  return Array.isArray(resources) ? (resources.filter((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) as JsonObject[]) : [];
}

/** A string field of a resource, or a failure naming the resource. */
export function stringField(resource: JsonObject | undefined, key: string): string {
  const value = resource?.[key];
  if (typeof value !== 'string') throw new Error(`expected a string "${key}" in ${JSON.stringify(resource)}`);
  return value;
}
