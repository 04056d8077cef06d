import type { DirectoryUser, LastPassDirectory } from '../core/reconcile/directory.ts';

import { LastPassRejectedError } from './errors.ts';
import type { LastPassClient } from './lastpass.client.ts';

/**
 * LastPassDirectory on top of LastPassClient: every page of `getuserdata`, usernames lower-cased,
 * and pending invitations marked (also those a server lists only under `invited`).
 */
export class LastPassDirectoryAdapter implements LastPassDirectory {
  readonly #client: LastPassClient;

  constructor(client: LastPassClient) {
    this.#client = client;
  }

  async listUsers(): Promise<DirectoryUser[]> {
    const data = await this.#client.getUserData();
    // A server that cuts pages short leaves users out; reconciling against that list would call
    // them missing and invite them again.
    if (data.total !== null && data.users.length < data.total) {
      throw new LastPassRejectedError(
        'getuserdata',
        `LastPass getuserdata: LastPass reports ${data.total} users but lpprov read only ${data.users.length}; reconciliation needs the complete list`,
      );
    }
    const invited = new Set(data.invited.map((email) => email.toLowerCase()));
    const users = new Map<string, DirectoryUser>();
    for (const user of data.users) {
      const username = user.username.toLowerCase();
      users.set(username, {
        username,
        fullname: user.fullname ?? undefined,
        disabled: user.disabled,
        admin: user.admin,
        invited: invited.has(username),
        groups: user.groups,
      });
    }
    for (const username of invited) {
      if (!users.has(username)) {
        users.set(username, { username, fullname: undefined, disabled: false, admin: false, invited: true, groups: undefined });
      }
    }
    return [...users.values()];
  }
}
