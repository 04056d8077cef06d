import { isRecord, toNumber, toText, type JsonRecord } from './coerce.ts';

/** A user whose master password expired (`expiredmasterpwlist`, reference §2.12). */
export interface ExpiredPasswordUser {
  readonly userId: number | null;
  readonly username: string;
  readonly lastPasswordChange: string | null;
}

export interface ExpiredPasswordPage {
  readonly items: readonly ExpiredPasswordUser[];
  /** Token for the next page; null when nothing remains. */
  readonly continuationToken: string | null;
  readonly remaining: number;
}

export function normaliseExpiredPasswordPage(body: JsonRecord): ExpiredPasswordPage {
  const continuation = isRecord(body['continuation']) ? body['continuation'] : {};
  const remaining = toNumber(continuation['remaining_item_count']) ?? 0;
  const token = toText(continuation['token']);
  const rawItems: unknown = body['items'];
  const items = (Array.isArray(rawItems) ? rawItems : []).flatMap((raw: unknown) => {
    if (!isRecord(raw)) return [];
    const username = toText(raw['user_name']);
    if (username === null) return [];
    return [{ userId: toNumber(raw['user_id']), username, lastPasswordChange: toText(raw['last_pw_change']) }];
  });
  return { items, continuationToken: remaining > 0 ? token : null, remaining };
}
