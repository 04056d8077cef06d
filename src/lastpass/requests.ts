import type { DeleteAction } from '../core/commands.ts';
import type { Secret } from '../core/secret.ts';

import type { ReportingCursor } from './normalise-events.ts';

/** One user for `batchadd` (reference §2.1). */
export interface NewUser {
  readonly username: string;
  readonly fullname?: string;
  readonly groups?: readonly string[];
  readonly attribs?: Readonly<Record<string, string>>;
  readonly duoUsername?: string;
  readonly securidUsername?: string;
  /** Default master password; a Secret so that it cannot reach a log or an error. */
  readonly password?: Secret;
  /** LastPass's default is true: the user must change `password` at first login. */
  readonly passwordResetRequired?: boolean;
}

/** `updateuser` (reference §2.2); admin rights cannot be changed through the API. */
export interface UserUpdate {
  readonly username: string;
  readonly fullname?: string;
  readonly duoUsername?: string;
  readonly securidUsername?: string;
}

/** One entry of `batchchangegrp` (reference §2.6). */
export interface GroupChange {
  readonly username: string;
  readonly add?: readonly string[];
  readonly del?: readonly string[];
}

/** `getuserdata` filters (reference §2.3). Without `pageIndex`, every page is read. */
export interface UserDataQuery {
  /** One user; sent alone, without paging. */
  readonly username?: string;
  readonly disabledOnly?: boolean;
  readonly adminsOnly?: boolean;
  /** Users per page; the client's configured page size when omitted. */
  readonly pageSize?: number;
  /** 0-based; when set, only this page is fetched. */
  readonly pageIndex?: number;
}

/** `deluser` action: the core's name or LastPass's number (0 deactivate ... 3 uninvite). */
export type DeleteActionInput = DeleteAction | 0 | 1 | 2 | 3;

/** `reporting` (reference §2.11); times are US/Eastern `YYYY-MM-DD HH:MM:SS`. */
export interface ReportingQuery {
  readonly from: string;
  readonly to: string;
  readonly search?: string;
  /** A username or 'allusers'. */
  readonly user?: string;
  readonly adminOnly?: boolean;
  readonly format?: 'default' | 'siem';
  /** Start from this cursor (from an earlier answer's `next`). */
  readonly next?: ReportingCursor;
  /** Pages to follow through `next`; default: all (bounded by the client's page cap). */
  readonly maxPages?: number;
}

/** `expiredmasterpwlist` (reference §2.12). */
export interface ExpiredPasswordQuery {
  /** Items per page, at most 500. */
  readonly limit?: number;
  readonly continuationToken?: string;
  /** Follow the continuation token to the end (default true). */
  readonly allPages?: boolean;
}
