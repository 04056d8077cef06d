import { DELETE_ACTIONS } from '../core/commands.ts';
import type { Secret } from '../core/secret.ts';

import { resultFromErrors, resultFromLists, type BatchResult } from './batch-results.ts';
import { CallRunner, type AcceptedAnswer } from './call-runner.ts';
import { resolveClientOptions, type LastPassClientOptions, type ResolvedClientOptions } from './client-options.ts';
import { isRecord, toText, type JsonRecord } from './coerce.ts';
import { LastPassRejectedError } from './errors.ts';
import { normaliseReportPage, type ReportEvent, type ReportingCursor } from './normalise-events.ts';
import { normaliseExpiredPasswordPage, type ExpiredPasswordUser } from './normalise-expired-passwords.ts';
import { normaliseSharedFolders, type SharedFolder } from './normalise-shared-folders.ts';
import { mergeUserData, normaliseUserDataPage, type UserData, type UserDataPage } from './normalise-user-data.ts';
import type {
  DeleteActionInput,
  ExpiredPasswordQuery,
  GroupChange,
  NewUser,
  ReportingQuery,
  UserDataQuery,
  UserUpdate,
} from './requests.ts';
import { Transport } from './transport.ts';
import { toWireGroupChange, toWireNewUser, toWireReporting, toWireUpdateUser } from './wire-requests.ts';
import type { WireExpiredQuery, WireUserDataFilter } from './wire-types.ts';

/** What `call()` returns for a command the client has no typed method for. */
export interface GenericAnswer {
  readonly outcome: 'success' | 'partial';
  readonly status: string | null;
  readonly errors: readonly string[];
  readonly body: unknown;
}

export interface EventLog {
  readonly events: readonly ReportEvent[];
  /** Cursor for more events, when `maxPages` stopped the paging early. */
  readonly next: ReportingCursor | null;
}

export interface ExpiredPasswordList {
  readonly items: readonly ExpiredPasswordUser[];
  /** Set when `allPages: false` left items behind. */
  readonly continuationToken: string | null;
  readonly remaining: number;
}

const EXPIRED_LIST_MAX_LIMIT = 500;

/**
 * Typed client for every command of the LastPass Enterprise API (reference §2). Results are
 * normalised; failures are LastPassError subclasses saying whether a retry makes sense. Read
 * methods page to the end unless told otherwise.
 */
export class LastPassClient {
  readonly #transport: Transport;
  readonly #runner: CallRunner;
  readonly #options: ResolvedClientOptions;

  constructor(options: LastPassClientOptions) {
    this.#options = resolveClientOptions(options);
    const { url, timeouts, connections, userAgent, retry, now, onCall } = this.#options;
    this.#transport = new Transport({
      url,
      connectTimeoutMs: timeouts.connectMs,
      headersTimeoutMs: timeouts.headersMs,
      bodyTimeoutMs: timeouts.bodyMs,
      keepAliveTimeoutMs: timeouts.keepAliveMs,
      connections,
      userAgent,
    });
    this.#runner = new CallRunner({
      transport: this.#transport,
      cid: options.cid,
      provhash: options.provhash,
      logger: options.logger.child({ component: 'lastpass' }),
      retry,
      now,
      onCall,
    });
  }

  /** `batchadd`: create (or, per the legacy docs, update) users. */
  async batchAdd(users: readonly NewUser[]): Promise<BatchResult> {
    const usernames = users.map((user) => user.username);
    if (users.length === 0) return emptyBatch();
    const passwords = users.flatMap((user): Secret[] => (user.password ? [user.password] : []));
    const answer = await this.#runner.run('batchadd', users.map(toWireNewUser), passwords);
    return resultFromErrors(usernames, statusOf(answer), answer.errors);
  }

  /** `updateuser`: name and MFA usernames of one user. */
  async updateUser(update: UserUpdate): Promise<void> {
    await this.#single('updateuser', toWireUpdateUser(update));
  }

  /** `getuserdata`: all users (every page), one user, or only disabled users or admins. */
  async getUserData(query: UserDataQuery = {}): Promise<UserData> {
    if (query.username !== undefined) return this.#userDataPage({ username: query.username });
    const pageSize = query.pageSize ?? this.#options.userDataPageSize;
    const filter: WireUserDataFilter = {
      ...(query.disabledOnly === true ? { disabled: 1 } : {}),
      ...(query.adminsOnly === true ? { admin: 1 } : {}),
      pagesize: pageSize,
    };
    if (query.pageIndex !== undefined) return this.#userDataPage({ ...filter, pageindex: query.pageIndex });
    return this.#allUserDataPages(filter, pageSize);
  }

  /** `deluser`: deactivate (0), remove from the company (1), delete (2) or uninvite (3). */
  async deleteUser(username: string, action: DeleteActionInput): Promise<void> {
    const deleteaction = typeof action === 'number' ? action : DELETE_ACTIONS.indexOf(action);
    await this.#single('deluser', { username, deleteaction });
  }

  /** `disableuser`: users already disabled (or unknown) come back as `unchanged`. */
  async disableUsers(usernames: readonly string[]): Promise<BatchResult> {
    if (usernames.length === 0) return emptyBatch();
    const answer = await this.#runner.run('disableuser', usernames);
    return resultFromLists(usernames, statusOf(answer), answer.body, 'disabled_users', answer.errors);
  }

  /** `enableuser`: users already enabled (or unknown) come back as `unchanged`. */
  async enableUsers(usernames: readonly string[]): Promise<BatchResult> {
    if (usernames.length === 0) return emptyBatch();
    const answer = await this.#runner.run('enableuser', usernames);
    return resultFromLists(usernames, statusOf(answer), answer.body, 'enabled_users', answer.errors);
  }

  /** `batchchangegrp`: add and remove group memberships of many users. */
  async changeGroups(changes: readonly GroupChange[]): Promise<BatchResult> {
    if (changes.length === 0) return emptyBatch();
    const answer = await this.#runner.run('batchchangegrp', changes.map(toWireGroupChange));
    return resultFromErrors(
      changes.map((change) => change.username),
      statusOf(answer),
      answer.errors,
    );
  }

  async reinviteUser(username: string): Promise<void> {
    await this.#single('reinviteuser', { username });
  }

  async resetPassword(username: string): Promise<void> {
    await this.#single('resetpassword', { username });
  }

  async requireMasterPasswordChange(username: string): Promise<void> {
    await this.#single('requiremasterpasswordchange', { username });
  }

  async disableMultifactor(username: string): Promise<void> {
    await this.#single('disablemultifactor', { username });
  }

  /** `updateemail`: pending in LastPass until the user logs in with the old email. */
  async updateEmail(oldEmail: string, newEmail: string): Promise<void> {
    await this.#single('updateemail', { oldemail: oldEmail, newemail: newEmail });
  }

  /** `getsfdata`: shared folders and their members (super admins included). */
  async getSharedFolders(): Promise<SharedFolder[]> {
    const answer = await this.#whole('getsfdata', 'all');
    return normaliseSharedFolders(answer.body);
  }

  /** `getdetailedsfdata`: as getSharedFolders, plus each member's sites. */
  async getDetailedSharedFolders(): Promise<SharedFolder[]> {
    const answer = await this.#whole('getdetailedsfdata', 'all');
    return normaliseSharedFolders(answer.body);
  }

  /** `reporting`: the event log, newest first, following `next` to the end (or `maxPages`). */
  async getEvents(query: ReportingQuery): Promise<EventLog> {
    const maxPages = Math.min(query.maxPages ?? this.#options.maxPages, this.#options.maxPages);
    const events: ReportEvent[] = [];
    let cursor = query.next;
    for (let page = 0; page < maxPages; page += 1) {
      const answer = await this.#whole('reporting', toWireReporting(query, cursor));
      const result = normaliseReportPage(recordOf(answer));
      events.push(...result.events);
      // A cursor that does not move would repeat the same page for ever.
      if (result.next === null || result.next === cursor) return { events, next: null };
      cursor = result.next;
    }
    return { events, next: cursor ?? null };
  }

  /** `expiredmasterpwlist`: users whose master password expired, following the continuation token. */
  async getExpiredMasterPasswords(query: ExpiredPasswordQuery = {}): Promise<ExpiredPasswordList> {
    const limit = Math.min(query.limit ?? EXPIRED_LIST_MAX_LIMIT, EXPIRED_LIST_MAX_LIMIT);
    const items: ExpiredPasswordUser[] = [];
    let token = query.continuationToken;
    for (let page = 0; page < this.#options.maxPages; page += 1) {
      const data: WireExpiredQuery = { limit, ...(token === undefined ? {} : { continuation_token: token }) };
      const result = normaliseExpiredPasswordPage(recordOf(await this.#whole('expiredmasterpwlist', data)));
      items.push(...result.items);
      const next = result.continuationToken;
      if (next === null || next === token || query.allPages === false) {
        return { items, continuationToken: next, remaining: result.remaining };
      }
      token = next;
    }
    throw new LastPassRejectedError('expiredmasterpwlist', `LastPass expiredmasterpwlist: more than ${this.#options.maxPages} pages`);
  }

  /** LastPass removed `pushsitestousers`; this always rejects with LastPassRemovedCommandError. */
  async pushSitesToUsers(): Promise<never> {
    await this.#runner.run('pushsitestousers', undefined);
    throw new Error('unreachable: pushsitestousers is refused before any request');
  }

  /**
   * Any command, for those this client has no method for yet. The answer is classified (success,
   * partial, or a thrown LastPassError) and returned parsed but not normalised.
   */
  async call(cmd: string, data?: unknown): Promise<GenericAnswer> {
    const answer = await this.#runner.run(cmd, data);
    return {
      outcome: answer.kind,
      status: isRecord(answer.body) ? toText(answer.body['status']) : null,
      errors: answer.errors,
      body: answer.body,
    };
  }

  /** Closes the keep-alive sockets; the client cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /**
   * Commands about one user, and reads: a `WARN` for the only user sent (or for a read, which has
   * no per-user results) is a rejection.
   */
  async #whole(cmd: string, data: unknown): Promise<AcceptedAnswer> {
    const answer = await this.#runner.run(cmd, data);
    if (answer.kind === 'partial') {
      throw new LastPassRejectedError(cmd, `LastPass ${cmd}: status ${answer.status}: ${answer.errors.join('; ')}`, {
        status: answer.status,
        errors: answer.errors,
      });
    }
    return answer;
  }

  async #single(cmd: string, data: unknown): Promise<void> {
    await this.#whole(cmd, data);
  }

  async #userDataPage(filter: WireUserDataFilter): Promise<UserDataPage> {
    return normaliseUserDataPage(recordOf(await this.#whole('getuserdata', filter)));
  }

  /**
   * Pages from 0 until `total` users were read (a short page does not end it when `total` says
   * there are more: LastPass may cap the page size below the one asked for), or, without a
   * `total`, until a short page; an empty page or one that adds nobody new always ends it.
   */
  async #allUserDataPages(filter: WireUserDataFilter, pageSize: number): Promise<UserData> {
    const pages: UserDataPage[] = [];
    const seen = new Set<string>();
    for (let pageindex = 0; pageindex < this.#options.maxPages; pageindex += 1) {
      const page = await this.#userDataPage({ ...filter, pageindex });
      pages.push(page);
      const before = seen.size;
      for (const user of page.users) seen.add(user.id);
      const done =
        page.users.length === 0 ||
        seen.size === before ||
        (page.total === null ? page.count < pageSize : seen.size >= page.total);
      if (done) return mergeUserData(pages);
    }
    throw new LastPassRejectedError('getuserdata', `LastPass getuserdata: more than ${this.#options.maxPages} pages`);
  }
}

function statusOf(answer: AcceptedAnswer): string {
  if (answer.kind === 'partial') return answer.status;
  return (isRecord(answer.body) ? toText(answer.body['status']) : null) ?? 'OK';
}

function recordOf(answer: AcceptedAnswer): JsonRecord {
  return isRecord(answer.body) ? answer.body : {};
}

function emptyBatch(): BatchResult {
  return { status: 'OK', complete: true, items: [], unattributedErrors: [] };
}
