import type { Secret } from '../core/secret.ts';

/**
 * Shapes on the wire, as the reference records them. Requests use LastPass's own field names;
 * answers are read as `unknown` and narrowed by the normalisers, because LastPass's types drift
 * (strings for numbers, `[]` for empty maps, keys that come and go).
 */

/** The request envelope (reference §1.3); `provhash` stays a Secret until serialisation. */
export interface WireEnvelope {
  readonly cid: number | string;
  readonly provhash: Secret;
  readonly cmd: string;
  readonly data?: unknown;
}

export interface WireBatchAddUser {
  readonly username: string;
  readonly fullname?: string;
  readonly groups?: readonly string[];
  readonly attribs?: Readonly<Record<string, string>>;
  readonly duousername?: string;
  readonly securidusername?: string;
  readonly password?: Secret;
  readonly password_reset_required?: boolean;
}

export interface WireUpdateUser {
  readonly username: string;
  readonly fullname?: string;
  readonly duousername?: string;
  readonly securidusername?: string;
}

export interface WireGroupChange {
  readonly username: string;
  readonly add?: readonly string[];
  readonly del?: readonly string[];
}

export interface WireUserDataFilter {
  readonly username?: string;
  readonly disabled?: 1;
  readonly admin?: 1;
  readonly pagesize?: number;
  readonly pageindex?: number;
}

export interface WireReportingQuery {
  readonly from: string;
  readonly to: string;
  readonly search?: string;
  readonly user?: string;
  readonly admin?: '1';
  readonly next?: string | number;
  readonly format?: 'siem';
}

export interface WireExpiredQuery {
  readonly limit?: number;
  readonly continuation_token?: string;
}

/** One HTTP exchange as the transport saw it; the body is text whatever the content type claims. */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly retryAfter: string | undefined;
  readonly bodyText: string;
}

/** A request that got no HTTP answer. */
export interface TransportFault {
  /** Node or undici error code, e.g. ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, UND_ERR_SOCKET. */
  readonly code: string;
  readonly message: string;
  /** True when the connection failed before the request could be sent. */
  readonly beforeSending: boolean;
}
