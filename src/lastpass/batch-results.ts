import { isRecord, sameUsername, toTextList } from './coerce.ts';

/**
 * Per-user results of the batch commands.
 * - applied: LastPass made the change.
 * - unchanged: LastPass listed the user under `unchanged_users` (already so, or unknown: the
 *   reference does not say which, so callers that care look the user up).
 * - failed: a LastPass error text names the user.
 * - uncertain: LastPass reported trouble it did not attribute, or did not mention the user at all.
 */
export const ITEM_RESULTS = ['applied', 'unchanged', 'failed', 'uncertain'] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];

export interface BatchItem {
  readonly username: string;
  readonly result: ItemResult;
  /** The LastPass error text naming this user, for `failed`. */
  readonly message?: string;
}

export interface BatchResult {
  /** LastPass's status (`OK`, `WARN`, `success`). */
  readonly status: string;
  /** True when every user's change was applied. */
  readonly complete: boolean;
  readonly items: readonly BatchItem[];
  /** Error texts that name none of the users sent. */
  readonly unattributedErrors: readonly string[];
}

/** batchadd and batchchangegrp: `OK`, or `WARN` with error texts such as "<email> does not exist". */
export function resultFromErrors(usernames: readonly string[], status: string, errors: readonly string[]): BatchResult {
  const unattributed = errors.filter((text) => !usernames.some((username) => namesUser(text, username)));
  const items = usernames.map((username): BatchItem => {
    const message = errors.find((text) => namesUser(text, username));
    if (message !== undefined) return { username, result: 'failed', message };
    const partial = status.toUpperCase() === 'WARN';
    return { username, result: partial && unattributed.length > 0 ? 'uncertain' : 'applied' };
  });
  return finish(status, items, unattributed);
}

/** disableuser and enableuser: changed users under `changedKey`, the rest under `unchanged_users`. */
export function resultFromLists(
  usernames: readonly string[],
  status: string,
  body: unknown,
  changedKey: 'disabled_users' | 'enabled_users',
  errors: readonly string[],
): BatchResult {
  const record = isRecord(body) ? body : {};
  const changed = toTextList(record[changedKey]);
  const unchanged = toTextList(record['unchanged_users']);
  const unattributed = errors.filter((text) => !usernames.some((username) => namesUser(text, username)));
  const items = usernames.map((username): BatchItem => {
    const message = errors.find((text) => namesUser(text, username));
    if (message !== undefined) return { username, result: 'failed', message };
    if (changed.some((name) => sameUsername(name, username))) return { username, result: 'applied' };
    if (unchanged.some((name) => sameUsername(name, username))) return { username, result: 'unchanged' };
    return { username, result: 'uncertain' };
  });
  return finish(status, items, unattributed);
}

function finish(status: string, items: BatchItem[], unattributedErrors: string[]): BatchResult {
  return { status, complete: items.every((item) => item.result === 'applied'), items, unattributedErrors };
}

const EMAIL_CHAR_BEFORE = '(?<![A-Za-z0-9._%+-])';
const EMAIL_CHAR_AFTER = '(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])';

/** Whether an error text names this username as a whole address (so a@x.com is not found in ba@x.com). */
export function namesUser(text: string, username: string): boolean {
  const escaped = username.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (escaped === '') return false;
  return new RegExp(`${EMAIL_CHAR_BEFORE}${escaped}${EMAIL_CHAR_AFTER}`, 'i').test(text);
}
