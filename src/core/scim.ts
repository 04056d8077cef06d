/**
 * SCIM resources as lpprov stores them. The SCIM adapter (src/scim) owns the protocol (parsing,
 * PATCH, filters, projection); the app stores these records and plans LastPass commands from them
 * in the same transaction.
 */

/** Which identity provider speaks; it decides the event `source` and some defaults. */
export type IdpKind = 'okta' | 'entra' | 'scim';

export interface ScimUserRecord {
  /** Server-issued, stable, case-sensitive (a UUID). */
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | undefined;
  readonly active: boolean;
  /**
   * The full SCIM representation as stored (schemas, name, emails, enterprise extension...),
   * without `meta` and without `groups` (derived from group membership on output).
   */
  readonly resource: Readonly<Record<string, unknown>>;
  readonly created: number;
  readonly lastModified: number;
  /** Bumped on every write; the weak ETag and optimistic concurrency use it. */
  readonly version: number;
}

export interface ScimGroupRecord {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | undefined;
  /** The SCIM representation without `meta` and without `members`. */
  readonly resource: Readonly<Record<string, unknown>>;
  /** Ids of member users, in the order they were added. */
  readonly memberIds: readonly string[];
  readonly created: number;
  readonly lastModified: number;
  readonly version: number;
}

/** One page of a list request; `filter` is the SCIM adapter's parsed filter, opaque to the core. */
export interface ScimListQuery {
  readonly filter: unknown;
  /** 1-based. */
  readonly startIndex: number;
  readonly count: number;
}

export interface ScimPage<T> {
  /** Every match, not only this page. */
  readonly total: number;
  readonly items: readonly T[];
}

export interface ScimUserRepository {
  get(id: string): Promise<ScimUserRecord | undefined>;
  /** Case-insensitive, as RFC 7643 makes userName. */
  findByUserName(userName: string): Promise<ScimUserRecord | undefined>;
  list(query: ScimListQuery): Promise<ScimPage<ScimUserRecord>>;
  insert(record: ScimUserRecord): Promise<void>;
  /** False when `expectedVersion` is no longer current (someone else wrote first). */
  update(record: ScimUserRecord, expectedVersion: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface ScimGroupRepository {
  get(id: string): Promise<ScimGroupRecord | undefined>;
  /** Case-insensitive; Entra matches groups on displayName, which must be unique. */
  findByDisplayName(displayName: string): Promise<ScimGroupRecord | undefined>;
  list(query: ScimListQuery): Promise<ScimPage<ScimGroupRecord>>;
  /** The groups a user is a member of. */
  groupsOf(userId: string): Promise<ScimGroupRecord[]>;
  insert(record: ScimGroupRecord): Promise<void>;
  update(record: ScimGroupRecord, expectedVersion: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Takes a user out of every group (the user was deleted). */
  removeMemberEverywhere(userId: string): Promise<void>;
}
