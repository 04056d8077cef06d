import type { UserData } from '../../lastpass/index.ts';

/**
 * A reason to distrust a user listing, or null. `total` is LastPass's count of the users matching
 * the query; fewer users read means paging stopped early (a server that cuts pages to a smaller
 * size than asked, reference §2.3), and an admin must not take a partial list for the account.
 */
export function incompleteness(data: UserData): string | null {
  if (data.total === null || data.users.length >= data.total) return null;
  return `LastPass reports ${data.total} users but lpprov read only ${data.users.length}; this listing is incomplete`;
}
