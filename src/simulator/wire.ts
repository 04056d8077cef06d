import type { ServerResponse } from 'node:http';

import { maskText } from './masking.ts';

/**
 * The recorded authorization failure (reference §1.4): HTTP 200, text/xml, 76 bytes. Sent for a
 * wrong cid or provhash, an unreadable body, and while `authBroken` is on.
 */
export const AUTH_ERROR_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<lastpass rc="Authorization Error"/>\n';

/** Headers of every answer the PHP gives, JSON included (recorded, §1.2). */
const API_HEADERS = {
  'content-type': 'text/xml;charset=UTF-8',
  server: 'LastPass',
  'cache-control': 'no-cache,private,no-store',
  pragma: 'no-cache',
} as const;

export function sendApiBody(res: ServerResponse, body: string): void {
  res.writeHead(200, { ...API_HEADERS, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface EdgePage {
  readonly status: number;
  readonly body: string;
  readonly server: string;
  readonly retryAfterSeconds?: number;
}

function html(title: string, text: string): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${title}</title>\n</head><body>\n<h1>${title.replace(/^\d+ /, '')}</h1>\n<p>${text}</p>\n</body></html>\n`;
}

/** What an Akamai edge answers when it blocks a request (HTML, no Retry-After). */
const AKAMAI_DENIED =
  '<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \n' +
  'You don\'t have permission to access "http&#58;&#47;&#47;lastpass&#46;com&#47;enterpriseapi&#46;php" on this server.<P>\n' +
  'Reference&#32;&#35;18&#46;5e6d3b17&#46;1655809876&#46;2f1c0a9\n</BODY>\n</HTML>\n';

export function tooManyRequestsPage(retryAfterSeconds: number): EdgePage {
  return {
    status: 429,
    server: 'AkamaiGHost',
    retryAfterSeconds,
    body: html('429 Too Many Requests', 'You have sent too many requests in a given amount of time.'),
  };
}

export const FAULT_PAGES = {
  http500: { status: 500, server: 'LastPass', body: html('500 Internal Server Error', 'The server encountered an internal error.') },
  http502: { status: 502, server: 'AkamaiGHost', body: html('502 Bad Gateway', 'The proxy server received an invalid response from an upstream server.') },
  http503: { status: 503, server: 'AkamaiGHost', body: html('503 Service Unavailable', 'The server is temporarily unable to service your request.') },
  html403: { status: 403, server: 'AkamaiGHost', body: AKAMAI_DENIED },
} as const satisfies Record<string, EdgePage>;

export function sendEdgePage(res: ServerResponse, page: EdgePage): void {
  const headers: Record<string, string | number> = {
    'content-type': 'text/html',
    server: page.server,
    'content-length': Buffer.byteLength(page.body),
    'cache-control': 'no-cache,private,no-store',
  };
  if (page.retryAfterSeconds !== undefined) headers['retry-after'] = String(page.retryAfterSeconds);
  res.writeHead(page.status, headers);
  res.end(page.body);
}

/**
 * A control answer. `secrets` are masked in the serialised text (in their JSON-escaped form), so
 * a provisioning hash that a client stored in, say, a user's name never leaves the simulator.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, secrets: readonly string[] = []): void {
  const text = maskText(JSON.stringify(body), secrets.map((secret) => JSON.stringify(secret).slice(1, -1)));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
